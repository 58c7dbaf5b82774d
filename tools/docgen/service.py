"""The HTTP service's OpenAPI document (``docs/developers/openapi.json``), made by the app
itself, and the table of its error codes on the integrators' page (``_genererat/http-fel.md``)
from ``service.errors.ERRORS``."""

from __future__ import annotations

import json
from pathlib import Path

from .common import DOCS, GENERATED, cell, table

OPENAPI = DOCS / "developers" / "openapi.json"


def openapi_document() -> str:
    from bistandsregler.service.app import create_app
    from bistandsregler.service.settings import Settings

    return json.dumps(create_app(Settings()).openapi(), ensure_ascii=False, indent=2) + "\n"


def error_table() -> str:
    from bistandsregler.service.errors import ERRORS

    rows = [f"| `{code}` | {error.status} | {cell(error.text.en)} | {cell(error.about)} |" for code, error in ERRORS.items()]
    return table("| Code | Status | Message (English) | When |", rows)


def pages() -> dict[Path, str]:
    return {OPENAPI: openapi_document(), GENERATED / "http-fel.md": error_table()}
