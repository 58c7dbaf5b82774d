"""Decisions as JSON, for the embedding page: the decision's fields from the pydantic model,
its JSON Schema and the result's, what the checker makes of a field that is absent, null or empty (by running
it), and what ``evaluate`` prints for ``docs/exempel/beslut.json``."""

from __future__ import annotations

import json
import types
import typing
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from . import examples
from .common import (
    GENERATED,
    NO_EXAMPLE,
    OUTPUT,
    cell,
    checker,
    compile_call,
    results_of,
    run_cli,
    table,
    transcript,
)

DECISIONS_EXAMPLE = "docs/exempel/beslut.json"

# What each decision field means, in English (decision.py describes some of them in Swedish).
# tests/test_docs.py fails when a field of the model has no note here, or a note no field.
FIELD_NOTES: dict[str, str] = {
    "id": "The decision's id in the case system. The file readers also accept a whole number.",
    "decided_on": "The day the decision was made. It chooses the guideline version and the law in force.",
    "decided_by": "Who made the decision.",
    "decided_by.id": "The decision maker's id: a code, not a name.",
    "decided_by.role": "The role, matched against the id or name of the guideline's `delegation` blocks.",
    "decided_by.delegation_since": "Since when the decision maker has held delegation (`delegation.for_tidig`).",
    "person": "The person the decision is about.",
    "person.birth_year": "Birth year. The age is then a range of two years, and a check whose answer "
    "depends on which is listed as not assessed.",
    "person.birth_date": "Birth date: the exact age on the decision date.",
    "person.sex": "Sex: `kvinna`, `man` or `annat`, the last for anything else the case system records.",
    "person.sex_written": 'The sex as the source wrote it when it is neither kvinna nor man ("HEN", "X"); '
    "`sex` is then `annat`. A delegation list's row is never dropped for its sex.",
    "insats_qualifier": 'What follows the provision in the decision text, as written: "natt" in '
    '"Hemtjänst enligt 4 kap, 1§ SoL natt", "vuxna", "omprövning". The provision is read without it.',
    "person.personkrets": "The LSS 1 § groups the person belongs to; `[]` is known to be none.",
    "person.household": "People in the household: standard times marked as shared are divided between them.",
    "person.basic_needs_hours_per_week": "Basic needs under LSS 9 a §, hours a week (`klassning.lass_mojlig`).",
    "insats": 'The insats as written ("Förenkl.handläggn. Hemtj."); mapped to the catalogue, '
    "tolerating abbreviations and typos.",
    "lagrum": 'The provision as written ("4 kap, 1§ SoL").',
    "outcome": "Granted, partly granted or refused.",
    "applied_for": "What the application was for, as written (the rule field `ansökt`).",
    "scope": "What was granted.",
    "scope.activities": "The activities, each with its frequency.",
    "scope.activities[].text": 'The activity as written, with or without its frequency ("dusch 2 gg/v").',
    "scope.activities[].frequency": 'The frequency, when it is written apart ("2 gg/v").',
    "scope.activities[].from_text": "Read from free text (a delegation list's reasons), not from a field "
    "of its own.",
    "scope.hours_per_month": "Granted time in hours a month, compared with standard time × frequency.",
    "scope.care_hours_per_month": "Of the granted time, the hours of personal care (omvårdnad) a month; a rule "
    "reads it as `omvårdnad_timmar_per_månad`.",
    "scope.service_hours_per_month": "Of the granted time, the hours of service a month; a rule reads it as "
    "`service_timmar_per_månad`.",
    "valid_from": "The first day the decision applies.",
    "valid_until": 'The last day it applies, or `"tills_vidare"`: until further notice.',
    "follow_up_on": "The planned follow-up.",
    "goals": "The decision's goals; `[]` is known to be none.",
    "goals[].text": "The goal as written.",
    "goals[].accepted": "Whether the person has accepted the goal.",
    "goals[].due": "When the goal is to be reached.",
    "goals[].life_area": "Life area (IBIC).",
    "justification": "The reasons as written. From a delegation list: the column Anledning till avslag.",
    "executed_on": "The day the insats was carried out.",
    "interrupted_on": "The day the insats stopped being carried out (an interruption), for the quarterly report.",
    "resumed_on": "The day it was carried out again after the interruption; `null`: not resumed.",
    "delay_reason": "The stated reasons for the delay, as written: they go into the quarterly report to IVO.",
    "new_grant": "`true` for a new or increased insats, `false` for a continuation (`klassning.pa_alder`).",
    "source": "Where the record came from (`file:line`). The readers set it; a case system may set its own.",
}


def decision_fields_fragment() -> str:
    """Every field of a decision (dotted for nested ones), its type and the model's description."""
    from bistandsregler.checking.decision import Decision

    rows = []

    def walk(model, prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            nested = _nested_model(annotation)
            type_text = _type_text(annotation)
            required = " (required)" if field.is_required() else ""
            dotted = f"{prefix}{name}"
            note = FIELD_NOTES.get(
                dotted, f"{NO_EXAMPLE} add `{dotted}` to `FIELD_NOTES` in tools/docgen/decisions.py"
            )
            rows.append(f"| `{dotted}` | {cell(type_text)}{required} | {cell(note)} |")
            if nested is not None:
                walk(nested, f"{prefix}{name}{'[]' if _is_list_of(annotation) else ''}.")

    walk(Decision, "")
    return table("| Field | Type | Meaning |", rows)


def _type_args(annotation) -> list:

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _nested_model(annotation):

    for arg in _type_args(annotation):
        if typing.get_origin(arg) is list:
            arg = typing.get_args(arg)[0]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _is_list_of(annotation) -> bool:

    return any(typing.get_origin(arg) is list for arg in _type_args(annotation))


def _type_text(annotation) -> str:
    def one(arg) -> str:
        if typing.get_origin(arg) is list:
            return f"list of {one(typing.get_args(arg)[0])}"
        if typing.get_origin(arg) is typing.Literal:
            return " or ".join(
                f"`{json.dumps(v, ensure_ascii=False)}`" for v in typing.get_args(arg)
            )
        if arg is date:
            return "date (`YYYY-MM-DD`)"
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return "object"
        return {str: "text", int: "integer", float: "number", bool: "true/false"}.get(arg, str(arg))

    return " or ".join(one(arg) for arg in _type_args(annotation))


# Fields whose three states (absent, null, empty) are shown by running the checker:
# (field path, base decision of tests/data/finding_examples.yaml, checker); the base must know
# everything else.
STATES: list[tuple[str, str, str]] = [
    ("lagrum", "clean_2024", "exempelkommun"),
    ("justification", "refusal_2024", "exempelkommun"),
    ("goals", "clean_2024", "exempelkommun"),
    ("follow_up_on", "clean_2024", "exempelkommun"),
    ("valid_until", "clean_2024", "exempelkommun"),
    ("executed_on", "clean_2024", "as_of"),
    ("person.personkrets", "daily_activity_2024", "nationell"),
]
_ABSENT = object()


def unknown_or_empty_fragment() -> str:
    """For a few fields: what the checker says when the key is absent, null, or empty."""
    bases = examples.load().bases
    rows = []
    for path, base, key in STATES:
        ways: list[tuple[str, object]] = [("absent", _ABSENT), ("`null`", None)]
        empty: list | str | None = (
            []
            if path in ("goals", "person.personkrets")
            else ("" if path in ("lagrum", "justification") else None)
        )
        if empty is not None:
            ways.append((f"`{json.dumps(empty)}`", empty))
        seen = {}
        for label, value in ways:
            decision = (
                examples.changed(bases[base], drop=[path])
                if value is _ABSENT
                else examples.changed(bases[base], {path: value})
            )
            [result] = results_of(checker(key), decision)
            found = [f.code for f in result.findings if f.code != "bedomning.ofullstandig"]
            seen[label] = (tuple(found), tuple(t.sv for t in result.unassessed))
        null_reading = (
            "unknown (as absent)" if seen["`null`"] == seen["absent"] else "known to be empty"
        )
        for index, (label, _) in enumerate(ways):
            codes, unassessed = seen[label]
            rows.append(
                f"| {'`' + path + '`' if index == 0 else ''} | {label} "
                f"| {', '.join(f'`{c}`' for c in codes) or '–'} | {cell('; '.join(unassessed)) or '–'} "
                f"| {null_reading if index == 0 else ''} |"
            )
    calls = "; ".join(
        f"`{compile_call(key)}` for "
        + ", ".join(f"`{path}`" for path, _, other in STATES if other == key)
        for key in dict.fromkeys(key for _, _, key in STATES)
    )
    return table(
        "| Field | Written as | Findings | Not assessed | Null is read as |",
        rows,
        outro=[
            "",
            "Each row is one complete decision with the one field changed (a refusal for "
            "`justification`, a daily-activity decision under LSS for `person.personkrets`), "
            f"checked with {calls}. The Findings column leaves out `bedomning.ofullstandig`: "
            "what it says is under Not assessed.",
        ],
    )


def evaluate_outputs() -> dict[Path, str]:
    """The schemas, and what ``evaluate`` prints for the decision example in each format."""
    files: dict[Path, str] = {}
    for what in ("decision", "result"):
        _, schema, _ = run_cli(["schema", what])
        files[GENERATED / f"schema-{what}.json"] = schema
    base = ["evaluate", "--riktlinje", "guidelines/botkyrka"]
    for fmt, suffix in (("text", ".txt"), ("json", ".json"), ("jsonl", ".jsonl")):
        args = base + ([] if fmt == "text" else ["--format", fmt]) + [DECISIONS_EXAMPLE]
        _, out, err = run_cli(args)
        files[OUTPUT / f"beslut.json.evaluate{suffix}"] = transcript(args, out)
        if fmt == "jsonl":
            files[OUTPUT / "beslut.json.evaluate.jsonl.stderr"] = err
    return files


def pages() -> dict[Path, str]:
    return {
        GENERATED / "beslutsfalt.md": decision_fields_fragment(),
        GENERATED / "okant-eller-tomt.md": unknown_or_empty_fragment(),
        **evaluate_outputs(),
    }
