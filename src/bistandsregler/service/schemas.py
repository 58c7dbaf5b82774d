"""The service's own answers, as pydantic models for the OpenAPI document: a result with its
receipt, the listing of loaded files, the finding catalogue, the estimate's request.

A checked decision is ``ResultOut`` (the same result ``evaluate`` writes) with a ``receipt``.
The answers are written by the handlers directly; these models describe them, and
``tests/test_service.py`` validates real answers against the document.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bistandsregler.checking.result_schema import ResultOut


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LawInForce(_Out):
    id: str
    abbreviation: str | None
    sfs: str | None
    valid_from: str | None
    valid_until: str | None


class GuidelineApplied(_Out):
    id: str | None = Field(description="the guideline's id, e.g. botkyrka_2025: the version applied")
    path: str
    municipality: str | None
    valid_from: str | None
    valid_until: str | None


class TableApplied(_Out):
    id: str | None
    path: str
    municipality: str | None


class Receipt(_Out):
    """What was applied: enough to check the same decision again, years later, against the same rules."""

    engine: str = Field(description="bistandsregler's version")
    decided_on: str | None = Field(description="the decision date the versions were chosen for")
    guideline: GuidelineApplied | None = Field(
        description="the municipal guideline version in force on the decision date; null when only the national "
        "layer applied (no guideline loaded, or none in force that day: the finding riktlinje.ej_i_kraft says so)")
    table: TableApplied | None = Field(description="the standard-time table applied, if any")
    laws_in_force: list[LawInForce] | None = Field(description="the laws in force on the decision date; null "
                                                   "without a decision date")
    files: dict[str, str] = Field(description="every guideline and table file applied -> 'sha256:' and the hash "
                                  "of its bytes")


class CheckedResult(ResultOut):
    """One decision's result with its receipt: the answer to /v1/check and each line of /v1/check/batch."""

    receipt: Receipt


class EstimateRequest(BaseModel):
    """A case to price under a standard-time table."""

    model_config = ConfigDict(extra="forbid")
    activities: list[str] = Field(description="activities as written, with a frequency: 'dusch 2 gg/v'",
                                  max_length=1000)
    facts: list[str] = Field(default=[], description="facts of the case, e.g. tvättmaskin_i_bostaden", max_length=100)
    household: int = Field(default=1, ge=1, le=100, description="people in the household (2: shared time is halved)")


class EstimateReceipt(_Out):
    engine: str
    table: TableApplied
    files: dict[str, str]


class FileLoaded(_Out):
    kind: Literal["riktlinje", "schablon"]
    path: str
    id: str | None
    title: str | None
    municipality: str | None
    valid_from: str | None
    valid_until: str | None
    hash: str | None
    role: Literal["given", "national"] = Field(description="given to serve (--riktlinje, --schablon) or the national "
                                               "layer beneath")
    builds_on: str | None = None


class Listing(_Out):
    engine: str
    library: str = Field(description="one hash over every file's hash: it changes when any file loaded changes")
    loaded_at: str
    files: list[FileLoaded]


class CodeOut(_Out):
    code: str
    severity: Literal["fel", "varning", "info"]
    field: str | None
    message: str = Field(description="the message template, in the language asked for")
    about: str = Field(description="what the code means (Swedish)")


class Catalogue(_Out):
    codes: list[CodeOut]


class ErrorOut(_Out):
    """Every error answer."""

    code: str = Field(description="indata.ogiltig for input that cannot be read; tjanst.* for what the service refused")
    message: str
    fields: list[str] = Field(description="the field paths at fault (person.birth_year, goals[0].due, lang)")
    request_id: str
    diagnostics: list[dict[str, Any]] | None = Field(None, description="a refused reload: the guideline diagnostics")
    limit: int | None = None


class Ready(_Out):
    status: Literal["ready"]
    engine: str
    library: str
    loaded_at: str
    reloads: int
    pid: int


class Reloaded(_Out):
    status: Literal["reloaded", "reloading"] = Field(
        description="reloaded: this process swapped; reloading: the files are good and every worker is being replaced")
    library: str
    files: dict[str, str]
