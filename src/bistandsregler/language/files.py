"""Which files are guideline files: the files named, and those below the folders named."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bistandsregler.language.parsing import KINDS


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the guideline files below folders named, in a stable order."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in KINDS and p.is_file()))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
