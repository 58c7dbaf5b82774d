"""The audit report's JSON Schema (``docs/developers/granska-report.schema.json``) and what
``granska`` prints for the worked example of ``docs/granskning.md``: a generated year of
decisions (``examples/granskning/``) and the sample delegation list."""

from __future__ import annotations

import json
from pathlib import Path

from .common import DOCS, OUTPUT, run_cli, transcript

EXAMPLE = ["granska", "--riktlinje", "guidelines/botkyrka", "--period", "2025-07-01..2026-06-30",
           "examples/granskning/beslut-2025-2026.jsonl", "examples/delegationslista-september-2025.tsv"]


def pages() -> dict[Path, str]:
    from bistandsregler.audit.report import report_schema

    _, out, err = run_cli(EXAMPLE)
    return {
        DOCS / "developers" / "granska-report.schema.json": json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n",
        OUTPUT / "granska.txt": transcript(EXAMPLE, out, err),
    }
