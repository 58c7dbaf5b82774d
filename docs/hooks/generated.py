"""MkDocs hook: fail the strict build when a generated page or fragment is stale.

The generated files (docs/diagnostikkoder.md, docs/_genererat/**) are written by
``python tools/gen_docs.py``. This hook writes nothing: it compares the committed files with
what the script would write now and logs a warning per stale file, so that
``mkdocs build --strict`` stops before publishing a page that has drifted from the code.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.generated")


def _gen_docs(root: Path):
    if str(root / "src") not in sys.path:
        sys.path.insert(0, str(root / "src"))
    spec = importlib.util.spec_from_file_location(
        "_bistandsregler_gen_docs", root / "tools" / "gen_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_pre_build(config) -> None:
    root = Path(config.config_file_path).resolve().parent
    for problem in _gen_docs(root).stale():
        log.warning("%s: run 'python tools/gen_docs.py'", problem)
