"""The JSON Schema of what ``evaluate`` writes: one result per decision (``schema result``).

``Result.to_json`` writes the results; the models below only describe them, for case systems
that read the output. ``tests/test_cli_conventions.py`` validates real output against this
schema, so the two cannot drift apart unseen (``extra="forbid"``: a new key fails the test).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bistandsregler.checking.findings import CODES


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingOut(_Out):
    """One finding about a decision."""

    code: str = Field(description="the finding's code, e.g. lagrum.upphavd; the built-in codes are listed "
                      "in examples, a guideline's own rules may add codes of their own",
                      examples=sorted(CODES))
    severity: Literal["fel", "varning", "info"]
    message: str = Field(description="the message, in the language asked for (--lang)")
    field: str | None = Field(None, description="the decision field concerned, dotted (person.birth_year)")
    guideline: str | None = Field(None, description="the guideline file and line the finding rests on")
    section: str | None = Field(None, description="the guideline's section (avsnitt)")
    lagrum: str | None = Field(None, description="the legal provision the finding rests on, canonical")
    values: dict[str, Any] | None = Field(None, description="the values compared; exact fractions as numbers "
                                          "rounded to two decimals")
    values_exact: dict[str, Any] | None = Field(
        None, description="beside values when a number was rounded: the exact fraction as text, '13/3'")


class ResultOut(_Out):
    """One decision's result: a line of --format jsonl, an item of results in --format json."""

    id: str = Field(description="the decision's id, or the record's name when it could not be read")
    status: Literal["fel", "varning", "info", "ok"] = Field(description="the worst severity among the findings")
    source: str | None = Field(None, description="where the decision came from: file:line")
    findings: list[FindingOut]


def result_schema() -> dict:
    return ResultOut.model_json_schema()
