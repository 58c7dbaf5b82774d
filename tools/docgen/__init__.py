"""The documentation pages and fragments that are generated from the code, one module per
page family, so that none can drift from the code:

- ``language``: the authors' pages (Swedish): ``docs/diagnostikkoder.md`` from
  ``diagnostics.CATALOGUE`` with the examples that show each code; what ``validate`` and ``fmt``
  print for the examples in ``docs/exempel/`` (``_genererat/utdata/``); the fields a rule
  may use (``regelfalt.md``); how law references and frequencies are read (``lagrum.md``,
  ``frekvenser.md``);
- ``cli``: every command's options from the argument parser (``flaggor-*.md`` for the
  authors, ``_genererat/cli/`` for developers), the list of commands, real exit codes;
- ``findings``: ``docs/developers/finding-codes.md`` from ``findings.CODES`` and the example
  decisions of ``tests/data/finding_examples.yaml`` (read by ``examples``; the tests run
  the same cases);
- ``decisions``: the decision's fields from the pydantic model (``beslutsfalt.md``), its JSON
  Schema, what the checker makes of a field absent, null or empty (``okant-eller-tomt.md``),
  and what ``evaluate`` prints for ``docs/exempel/beslut.json``;
- ``audit``: the sample delegation list imported, evaluated and read row by row, and the SoL
  insatser with an LSS counterpart;
- ``national``: the national layer's insatser, activities and dated values for the authors'
  page on what they build on (``nationella-*.md``);
- ``granska``: the audit report's JSON Schema and what ``granska`` prints for the worked
  example of ``docs/granskning.md``;
- ``modules``: the module map of ``src/bistandsregler/`` (``moduler.md``);
- ``service``: the HTTP service's OpenAPI document (``developers/openapi.json``) and its error codes.

Pages include the fragments with the pymdown ``snippets`` extension. ``tests/test_docs.py``
fails when a committed file differs from what ``generate`` gives, and the mkdocs hook
``docs/hooks/generated.py`` makes ``mkdocs build --strict`` fail for the same reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import audit, cli, decisions, findings, granska, language, modules, national, service
from .common import GENERATED, OUTPUT, ROOT, cached_parsing, checker

FAMILIES = (language, national, modules, cli, findings, decisions, audit, granska, service)
# Folders holding nothing but generated files: a file no longer generated is removed.
GENERATED_FOLDERS = (OUTPUT, GENERATED / "cli")


def generate() -> dict[Path, str]:
    """Every generated file: absolute path -> text (as for a file: no width, no colour, whatever
    the terminal that runs this)."""
    plain = ("COLUMNS", "NO_COLOR", "FORCE_COLOR")
    saved = {name: os.environ.pop(name) for name in plain if name in os.environ}
    files: dict[Path, str] = {}
    try:
        with cached_parsing():
            for family in FAMILIES:
                files.update(family.pages())
    finally:
        checker.cache_clear()
        os.environ.update(saved)
    return files


def stale(files: dict[Path, str] | None = None) -> list[str]:
    """Generated files that are missing or differ, and stray files in the output folders."""
    files = generate() if files is None else files
    problems = [
        f"{path.relative_to(ROOT)} is out of date"
        for path, text in files.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    problems += [f"{path.relative_to(ROOT)} is no longer generated" for path in _strays(files)]
    return problems


def write(files: dict[Path, str]) -> list[Path]:
    changed = []
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in _strays(files):
        path.unlink()
        changed.append(path)
    return changed


def _strays(files: dict[Path, str]) -> list[Path]:
    return [
        path
        for folder in GENERATED_FOLDERS
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path not in files
    ]
