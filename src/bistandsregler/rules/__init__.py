"""Stage 2, the rules: files loaded into one rule book over the national layer, and checked for meaning.

Builds on ``language`` only.
"""
