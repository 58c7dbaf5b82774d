"""Where the grammars and the shipped guidelines are.

In a wheel they sit inside the package (see pyproject's force-include); in a source
checkout or an editable install they are the repository's top-level folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_REPOSITORY = _PACKAGE.parent.parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _REPOSITORY / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bistandsregler: the folder '{name}' is missing from the installation")


@cache
def grammar_dir() -> Path:
    return _find("grammar")


@cache
def guidelines_dir() -> Path:
    return _find("guidelines")


def grammar_text(name: str) -> str:
    return (grammar_dir() / name).read_text(encoding="utf-8")
