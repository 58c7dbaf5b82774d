"""Stage 3, standard times: a case priced under a table, tables compared, comparison suites.

Builds on ``language`` and ``rules``; the decision checks use its pricing.
"""
