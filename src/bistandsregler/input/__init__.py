"""Stage 5, input: decisions as case systems export them (JSON, JSON Lines, YAML, CSV, Parquet, delegation lists) read into ``Decision`` records.

Builds on ``checking`` (the decision schema) and ``language`` (law references, frequencies).
Every record yields a decision or an error that names it.
"""
