"""A year of decisions at once: the quarterly report of decisions not carried out (``unexecuted``)."""
