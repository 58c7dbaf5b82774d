"""Stage 1, the language: text of a guideline or standard-time file in, rule objects and located diagnostics out.

Lowest stage: it imports no other part of the package. Grammars live in the repository's
``grammar/``; ``resources`` finds them in a checkout and in a wheel.
"""
