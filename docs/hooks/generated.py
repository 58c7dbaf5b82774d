"""MkDocs hook: fail the strict build when a generated page or fragment is stale.

The generated files (docs/diagnostikkoder.md, docs/developers/finding-codes.md,
docs/_genererat/**) are written by ``python tools/gen_docs.py`` (the package tools/docgen).
This hook writes nothing: it compares the committed files with what the generator would
write now and logs a warning per stale file, so that ``mkdocs build --strict`` stops before
publishing a page that has drifted from the code.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.generated")


def on_pre_build(config) -> None:
    root = Path(config.config_file_path).resolve().parent
    for folder in (root / "src", root / "tools"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    for problem in importlib.import_module("docgen").stale():
        log.warning("%s: run 'python tools/gen_docs.py'", problem)
