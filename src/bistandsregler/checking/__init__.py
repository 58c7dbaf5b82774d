"""Stage 4, checking: a decision and a compiled guideline in, findings out.

Builds on ``language``, ``rules`` and ``standard_times``. The check families are listed,
with what each reads, in ``checking/checks/__init__.py``.
"""
