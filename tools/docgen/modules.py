"""The module map of ``src/bistandsregler/`` on the developers' page: the first paragraph of
each module's and folder's docstring."""

from __future__ import annotations

import ast
from pathlib import Path

from .common import GENERATED, PACKAGE, cell, table

_NO_DOCSTRING = {"__main__": "Lets `python -m bistandsregler` run the command line."}


def module_map_fragment() -> str:
    """One row per module, grouped by the folder (stage or face) it stands in; a folder's row
    is its package docstring."""
    rows = []
    paths = sorted(
        PACKAGE.rglob("*.py"),
        key=lambda p: (p.parent.relative_to(PACKAGE).parts, p.name != "__init__.py", p.name),
    )
    for path in paths:
        if "__pycache__" in path.parts:
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        summary = docstring.split("\n\n")[0] if docstring else _NO_DOCSTRING.get(path.stem, "")
        summary = " ".join(summary.split()).replace("``", "`")
        relative = path.relative_to(PACKAGE)
        folder = path.name == "__init__.py" and relative.parent.parts
        name = f"**{relative.parent}/**" if folder else f"`{relative}`"
        rows.append(f"| {name} | {cell(summary)} |")
    return table("| Module | What it holds |", rows)


def pages() -> dict[Path, str]:
    return {GENERATED / "moduler.md": module_map_fragment()}
