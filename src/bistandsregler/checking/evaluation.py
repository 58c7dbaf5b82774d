"""Checking decisions: ``compile()`` a guideline once, then ``check`` one decision or a stream.

The guideline version and the law in force on each decision's date are the ones applied.
Without a municipal guideline the national layer alone applies; a municipal guideline not in
force on the decision date is said (info) and the national layer applies instead.

Every input yields exactly one ``Result``; findings are sorted, so the same input gives the
same output, byte for byte.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from bistandsregler.checking.case import Case, build_case
from bistandsregler.checking.checks import FAMILIES
from bistandsregler.checking.compiler import interpret
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.decision_errors import InvalidDecision, describe_validation
from bistandsregler.checking.findings import Finding
from bistandsregler.checking.lookups import Lookups
from bistandsregler.language import model as m
from bistandsregler.language.errors import InputError, mask_personnummer
from bistandsregler.language.messages import Severity, Text
from bistandsregler.rules.loading import load
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.standard_times.pricing import national_index


@dataclass
class Result:
    """What the checks say about one input record."""

    id: str
    source: str | None
    findings: list[Finding] = field(default_factory=list)
    unassessed: list[Text] = field(default_factory=list)

    @property
    def severity(self) -> Severity | Literal["ok"]:
        """The worst severity among the findings, or "ok"."""
        if not self.findings:
            return "ok"
        return min((f.severity for f in self.findings), key=lambda s: s.rank)

    def to_json(self, lang: str = "sv") -> dict:
        # The id and source are input: a case system may use a personnummer in either.
        out: dict[str, Any] = {"id": mask_personnummer(self.id), "status": self.severity}
        if self.source:
            out["source"] = mask_personnummer(self.source)
        out["findings"] = [f.to_json(lang) for f in self.findings]
        return out


class Checker:
    """A compiled guideline (and optionally a standard-time table) that checks decisions."""

    # Everything a checker holds is declared here; nothing grows on it later.
    __slots__ = ("book", "guideline", "table", "as_of", "_activity_index", "_lookups", "_fast")

    def __init__(self, book: RuleBook, guideline: m.Guideline | None = None,
                 table: m.StandardTimeTable | None = None, as_of: date | None = None):
        self.book = book
        self.guideline = guideline
        self.table = table
        self.as_of = as_of  # the day "not carried out within three months" is judged on
        self._activity_index = national_index(book.activities)
        self._lookups: dict[str | None, Lookups] = {}
        self._fast: tuple | None = None

    def layer_for(self, day: date | None) -> m.Guideline | None:
        """The guideline layer a decision of ``day`` is checked under: the municipal guideline
        when it is in force then, else the national layer alone (None)."""
        g = self.guideline
        if g is None or g.meta is None or day is None or g.meta.validity.covers(day):
            return g
        return None

    def lookups(self, guideline: m.Guideline | None) -> Lookups:
        """What the checks look up under one layer, built once per layer."""
        key = guideline.path if guideline is not None else None
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = Lookups(self.book, guideline, self.table, self.as_of, self._activity_index)
        return found

    # ---- checking ----
    def check(self, decision: Decision | Mapping[str, Any]) -> Result:
        if not isinstance(decision, Decision):
            decision = _validated(decision)
        guideline = self.layer_for(decision.decided_on)
        case = build_case(decision, self.lookups(guideline))
        if guideline is not self.guideline and self.guideline is not None and self.guideline.meta:
            meta = self.guideline.meta
            case.add("riktlinje.ej_i_kraft", riktlinje=meta.title or meta.id, kommun=meta.municipality or meta.id,
                     datum=decision.decided_on.isoformat() if decision.decided_on else "?")
        if decision.decided_on is None:
            case.cannot_assess(Text("lag och riktlinje i kraft (beslutsdatum saknas)",
                               "the law and guideline in force (no decision date)"))
        if decision.outcome is None:
            case.cannot_assess(Text("kontroller av beviljade beslut (utfall saknas)", "checks of granted decisions (no outcome)"))
        for family in FAMILIES:
            family.check(case)
        self._general_rules(case, guideline)
        if case.unassessed:
            unassessed = list(dict.fromkeys(case.unassessed))
            case.add("bedomning.ofullstandig", vad=Text.same("; ").join(unassessed))
        return Result(decision.id, decision.source, _sorted(case.findings), case.unassessed)

    def _general_rules(self, case: Case, guideline: m.Guideline | None) -> None:
        rules = self.lookups(guideline).rules
        reads = rules.reads
        if not reads:
            return
        facts = case.facts
        row = rules.static.get(facts.get("insats"), _EMPTY)
        fired = rules.fire(facts, lambda name, f: case.value(name))
        case.findings.extend(fired)
        unknown = {name for name, value in facts.items() if value is None}
        if unknown:
            done = {f.guideline for f in fired}
            # Not assessed: the condition is unknown, not merely one that reads an unknown field
            # ("insats = boendestöd och ålder >= 65" is false for hemtjänst whatever the age).
            known = ChainMap(facts, row)
            skipped = [rule_id for rule_id, where, fields, when in reads if where not in done and fields & unknown
                       and when is not None and interpret(when, known, case.value) is None]
            if skipped:
                names = ", ".join(skipped)
                case.cannot_assess(Text(f"riktlinjens regler {names} (uppgifter saknas)",
                                   f"the guideline's rules {names} (data missing)"))

    def check_many(self, decisions: Iterable[Decision | Mapping[str, Any]]) -> Iterator[Result]:
        """Stream: one result per input, in order, with memory flat in the number of decisions."""
        for decision in decisions:
            yield self.check(decision)

    def check_facts(self, facts: Mapping[str, Any]) -> list[Finding]:
        """The guideline's general rules over facts already in the rule language's terms
        (``{"insats": "hemtjänst", "ålder": 82, ...}``): the fast path for systems that hold
        normalised data. The built-in checks need a full ``Decision``."""
        fast = self._fast
        if fast is None:
            rules = self.lookups(self.guideline).rules
            fast = self._fast = (rules.by_insats.get, rules.specialised, rules.evaluate, rules.static.get,
                                 self._value_in_facts)
        compiled_for, specialise, evaluate, static_of, value_at = fast
        try:
            insats = facts.get("insats")
            by_insats = compiled_for(insats) or specialise(insats)
            if by_insats is not None:  # the rules compiled for this insats
                return by_insats(facts, value_at)
            return evaluate(facts, static_of(insats, _EMPTY), value_at)
        except TypeError:  # a value of the wrong kind in the caller's facts: say which
            raise ValueError(_wrong_kinds(facts)) from None

    def _value_in_facts(self, name: str, facts: Mapping[str, Any]) -> Any:
        return self.lookups(self.guideline).value_at(name, facts.get("beslutsdatum"))


_EMPTY: dict = {}


def unreadable(error: InputError) -> Result:
    """The result of a record that could not be read: one ``indata.ogiltig`` finding naming it."""
    finding = Finding(code="indata.ogiltig", severity=Severity.ERROR, args={"meddelande": error.message})
    return Result(id=error.record or "?", source=error.record, findings=[finding])


def results(checker: Checker, records: Iterable[Decision | InputError]) -> Iterator[Result]:
    """One result per record a reader yields, in order; an input error becomes a result with
    ``indata.ogiltig`` (``evaluate`` and the HTTP service's batch both write these)."""
    for record in records:
        yield checker.check(record) if isinstance(record, Decision) else unreadable(record)


def _validated(data: Mapping[str, Any]) -> Decision:
    from pydantic import ValidationError


    try:
        return Decision.model_validate(data)
    except ValidationError as error:
        raise InvalidDecision(*describe_validation(error)) from None


def _wrong_kinds(facts: Mapping[str, Any]) -> str:
    from bistandsregler.language.facts import FIELDS

    wanted = {"tal": (int, float, Fraction, tuple), "text": (str,), "datum": (date,), "ja/nej": (bool,),
              "lista:tal": (list,), "lista:text": (list,)}
    wrong = [f"{name} ({FIELDS[name].kind})" for name, value in sorted(facts.items())
             if name in FIELDS and value is not None and not isinstance(value, wanted[FIELDS[name].kind])]
    return "fakta av fel slag: " + (", ".join(wrong) if wrong else "okänt fält")


def _sorted(findings: list[Finding]) -> list[Finding]:
    if len(findings) < 2:
        return list(findings)
    # The message is the last key: rendered only when the others tie (rarely), the order the same.
    keys = [(f.severity.rank, f.code, f.field or "") for f in findings]
    if len(set(keys)) == len(keys):
        return [finding for _, finding in sorted(zip(keys, findings, strict=True), key=lambda pair: pair[0])]
    return sorted(findings, key=Finding.sort_key)


def compile(riktlinje: str | Path | m.Guideline | None = None, schablon: str | Path | None = None, *,
            book: RuleBook | None = None, as_of: date | None = None) -> Checker:
    """Compile a guideline (path, folder or loaded object) and optionally a standard-time table.

    ``compile()`` alone checks against the national layer only.
    """
    paths = [p for p in (riktlinje, schablon) if isinstance(p, (str, Path))]
    if book is None:
        book = load(paths) if paths else load([])
    guideline = riktlinje if isinstance(riktlinje, m.Guideline) else None
    if guideline is None and isinstance(riktlinje, (str, Path)):
        named = book.shown_names([riktlinje])
        found = [g for g in book.municipal if g.path in named] or [g for g in book.guidelines if g.path in named]
        if not found:
            raise ValueError(f"{riktlinje}: ingen riktlinje hittades där")
        if len(found) > 1:
            names = ", ".join(g.path for g in found)
            raise ValueError(f"{riktlinje}: flera riktlinjer ({names}); ange en av dem")
        guideline = found[0]
    table = None
    if schablon is not None:
        named = book.shown_names([schablon])
        tables = [t for t in book.tables if t.path in named]
        if not tables:
            raise ValueError(f"{schablon}: ingen schablontabell hittades där")
        if len(tables) > 1:
            raise ValueError(f"{schablon}: flera schablontabeller ({', '.join(t.path for t in tables)}); ange en")
        table = tables[0]
    return Checker(book, guideline, table, as_of)
