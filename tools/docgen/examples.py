"""The finding examples: for every finding code, decisions that give it and close variants that
must not, in one data file that the tests and the documentation both read.

``tests/data/finding_examples.yaml`` holds the checkers the examples run on, a few base
decisions, and per code a list of firing cases and a list of quiet ones. A decision is written
as a base with changes (``set`` takes dotted paths, ``drop`` makes a field unknown), or as the
lines of a JSON Lines file (``jsonl``). ``tests/test_findings.py`` runs every case; the page
of finding codes shows the one firing case marked ``page: true``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "finding_examples.yaml"


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: ``2024-08-20`` stays the text a decision file holds."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def changed(base: dict, set: dict | None = None, drop: list[str] | tuple[str, ...] = ()) -> dict:
    """A copy of ``base`` without the fields in ``drop`` and with those in ``set``.

    Paths are dotted (``person.personkrets``); a missing parent is created. Fields keep their
    place and new ones come last, so a decision shown as JSON reads in the order it was written.
    """
    out = copy.deepcopy(base)
    for path in drop:
        *parents, last = path.split(".")
        _parent(out, parents).pop(last, None)
    for path, value in (set or {}).items():
        *parents, last = path.split(".")
        _parent(out, parents)[last] = copy.deepcopy(value)
    return out


def _parent(decision: dict, parents: list[str]) -> dict:
    for name in parents:
        decision = decision.setdefault(name, {})
    return decision


@dataclass(frozen=True)
class Case:
    """One decision (or JSON Lines text) run on one checker."""

    checker: str  # a key of FindingExamples.checkers
    decision: dict | str  # a decision, or the text of a JSON Lines file
    page: bool = False  # the case shown on docs/developers/finding-codes.md
    sv: tuple[str, ...] = ()  # parts of the Swedish message
    en: tuple[str, ...] = ()  # parts of the English message
    severity: str | None = None  # default: the code's
    guideline: str | None = None  # the end of the guideline position the finding cites
    extra: dict[str, Any] = field(default_factory=dict)  # other attributes of the finding


@dataclass(frozen=True)
class CodeExamples:
    meaning: str  # what the code means, in English (findings.CODES has the Swedish summary)
    fires: tuple[Case, ...]
    quiet: tuple[Case, ...]

    @property
    def page(self) -> Case | None:
        return next((case for case in self.fires if case.page), None)


@dataclass(frozen=True)
class FindingExamples:
    checkers: dict[str, dict[str, str]]  # keyword arguments of bistandsregler.compile, as written
    bases: dict[str, dict]
    codes: dict[str, CodeExamples]

    def compile_arguments(self, key: str, root: Path | None = None) -> dict[str, Any]:
        """The keyword arguments of ``bistandsregler.compile`` for one checker: paths below
        ``root`` when given (else as written, relative to the repository), ``as_of`` a date."""
        out: dict[str, Any] = {}
        for name, value in self.checkers[key].items():
            if name == "as_of":
                out[name] = date.fromisoformat(value)
            else:
                out[name] = root / value if root is not None else value
        return out


@cache
def load(path: Path = DATA) -> FindingExamples:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    bases: dict[str, dict] = {}
    for name, spec in data["bases"].items():
        bases[name] = _variant(spec, bases)
    codes = {
        code: CodeExamples(
            meaning=" ".join(entry["meaning"].split()),
            fires=tuple(_case(case, bases) for case in entry["fires"]),
            quiet=tuple(_case(case, bases) for case in entry.get("quiet", [])),
        )
        for code, entry in data["codes"].items()
    }
    return FindingExamples(data["checkers"], bases, codes)


def _case(spec: dict, bases: dict[str, dict]) -> Case:
    return Case(
        checker=spec["checker"],
        decision=_decision(spec["decision"], bases),
        page=spec.get("page", False),
        sv=tuple(spec.get("sv", ())),
        en=tuple(spec.get("en", ())),
        severity=spec.get("severity"),
        guideline=spec.get("guideline"),
        extra=spec.get("extra", {}),
    )


def _decision(spec: dict, bases: dict[str, dict]) -> dict | str:
    if "jsonl" in spec:
        return "".join(
            (line if isinstance(line, str) else json.dumps(_decision(line, bases), ensure_ascii=False))
            + "\n"
            for line in spec["jsonl"]
        )
    return _variant(spec, bases)


def _variant(spec: dict, bases: dict[str, dict]) -> dict:
    if "base" not in spec:
        return spec
    return changed(bases[spec["base"]], spec.get("set"), spec.get("drop", ()))
