"""The package's stages and faces, lowest first, and every import that points up or sideways.

Usage: ``python tools/layers.py`` (exit 1 and one line per offending import when any).
An import counts wherever it stands, inside a function too: a lazy import is still an
arrow. ``tests/test_architecture.py`` runs the same check.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "bistandsregler"

# A module may import from its own folder and from folders before it in this list.
# - columnar: checking over Arrow record batches (Parquet, Spark's mapInArrow, Dask), tested
#   against the per-record checker;
# - audit: a year of decisions at once (statistics, the quarterly report, a draft's impact).
# Faces (after the stages) call the stages and never each other, except that the command
# line is the front door that starts the others (``serve``, ``lsp``, ``visa``).
STAGES = ["language", "rules", "standard_times", "checking", "input", "columnar", "audit"]
FACES = ["cli", "service", "lsp", "site"]
FRONT_DOOR = "cli"


def rank(folder: str) -> int:
    return (STAGES + FACES).index(folder)


# Below every stage: the version, which receipts and ``--version`` both need.
BASE = {"bistandsregler._version"}


def folder_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES + FACES else None


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] == "bistandsregler"]


def violations() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) == 1:
            continue  # the top-level __init__ re-exports the API, __main__ starts the cli, _version is the base
        own = relative.parts[0]
        for line, module in imports(path):
            if module in BASE:
                continue
            target = folder_of(module)
            if target is None:
                wrong.append(f"{relative}:{line}: imports {module}, which is in no stage")
            elif target != own and own in FACES and target in FACES and own != FRONT_DOOR:
                wrong.append(f"{relative}:{line}: {own} imports {module} (a face does not call another face)")
            elif own in STAGES and rank(target) > rank(own):
                wrong.append(f"{relative}:{line}: {own} imports {module} ({target} is above it)")
    return wrong


def main() -> int:
    wrong = violations()
    for line in wrong:
        print(line)
    print(f"upward imports: {len(wrong)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
