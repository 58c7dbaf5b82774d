"""How insats names are normalised to be compared: one set of rules for resolving a written name
(``rules.catalogue``) and for finding names that clash (``rules.validation``)."""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "content", "fold", "light", "spelling_words", "words"]

# Words that say nothing about which insats is meant.
STOPWORDS = frozenset(
    "i och av för med till en ett det den på om eller enligt enl vid under utanför "
    "sol lss insats insatser beslut".split()
)

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "6": "o"})
_WORD = re.compile(r"\w+(\.)?")


def words(text: str) -> list[tuple[str, bool]]:
    """Lower-case words, each with whether a full stop followed it (an abbreviation mark)."""
    return [(m.group(0).rstrip(".").replace("_", " "), m.group(1) is not None)
            for m in _WORD.finditer(text.casefold())]  # fmt: skip


def light(text: str) -> str:
    """Case, punctuation and spacing aside: "Förenkl.handläggn. Hemtj." -> "förenkl handläggn hemtj"."""
    return " ".join(w for w, _ in words(text))


def fold(text: str) -> str:
    """å/ä/ö (and what OCR makes of them) folded: OCR copies of guidelines lose them."""
    return text.translate(_FOLD)


def content(text: str) -> frozenset[str]:
    """The words of a normalised text that say which insats is meant (``STOPWORDS`` left out)."""
    return frozenset(w for w in text.split() if w not in STOPWORDS)


def spelling_words(text: str) -> frozenset[str]:
    """The words of an insats spelling that tell it apart: case, punctuation, å/ä/ö and words
    like "SoL" or "insats" aside ("Ledsagarservice (SoL)" and "Ledsagarservice" have the same)."""
    return content(fold(light(text)))
