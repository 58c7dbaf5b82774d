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
from typing import Any

from . import model as m
from .case import build_case
from .checks import FAMILIES
from .compiler import RuleOutput, compile_rules, exact, interpret, referenced_fields
from .decision import Decision
from .findings import CODES, SEVERITY_ORDER, Finding
from .rulebook import RuleBook, load


@dataclass
class Result:
    """What the checks say about one input record."""

    id: str
    source: str | None
    findings: list[Finding] = field(default_factory=list)
    unassessed: list[str] = field(default_factory=list)

    @property
    def severity(self) -> str:
        """The worst severity among the findings, or "ok"."""
        if not self.findings:
            return "ok"
        return min((f.severity for f in self.findings), key=lambda s: SEVERITY_ORDER.get(s, 3))

    def to_json(self, lang: str = "sv") -> dict:
        out: dict[str, Any] = {"id": self.id, "status": self.severity}
        if self.source:
            out["source"] = self.source
        out["findings"] = [f.to_json(lang) for f in self.findings]
        return out


class Checker:
    """A compiled guideline (and optionally a standard-time table) that checks decisions."""

    def __init__(self, book: RuleBook, guideline: m.Guideline | None = None,
                 table: m.StandardTimeTable | None = None, as_of: date | None = None):
        self.book = book
        self.guideline = guideline
        self.table = table
        self.as_of = as_of  # the day "not carried out within three months" is judged on
        self._compiled: dict[str | None, tuple] = {}

    # ---- what the checks look up (memoised per guideline layer) ----
    def layer_for(self, day: date | None) -> m.Guideline | None:
        g = self.guideline
        if g is None or g.meta is None or day is None or g.meta.validity.covers(day):
            return g
        return None

    def insatser_in(self, guideline: m.Guideline | None) -> dict[str, m.Insats]:
        return _memo(self, ("insatser", _key(guideline)), lambda: self.book.insatser(guideline))

    def resolve_insats(self, text: str, guideline: m.Guideline | None, lag: str | None = None):
        """The catalogue insats a written name means; ``lag`` settles names both laws use."""
        from .catalogue import resolve_insats

        return resolve_insats(text, self.insatser_in(guideline), lag)

    def requirements_for(self, insats_id: str | None, guideline: m.Guideline | None) -> m.Requirements:
        def build() -> m.Requirements:
            defaults = self.book.defaults(guideline)
            insats = self.insatser_in(guideline).get(insats_id) if insats_id else None
            return insats.requirements.merged_over(defaults) if insats else defaults

        return _memo(self, ("krav", _key(guideline), insats_id), build)

    def value_at(self, name: str, day: date | None, guideline: m.Guideline | None) -> Any:
        values = _memo(self, ("värden", _key(guideline)), lambda: self.book.values(guideline))
        value = values.get(name)
        if value is None or day is None:
            return None
        return exact(value.at(day))

    def delegations_in(self, guideline: m.Guideline | None) -> list[m.Delegation]:
        return _memo(self, ("delegationer", _key(guideline)), lambda: self.book.delegations(guideline))

    def national_activity(self, name: str) -> str | None:
        """The national activity id a written name means ("städ" -> städning), if any."""
        from .pricing import national_activity, national_index

        return national_activity(_memo(self, ("aktiviteter",), lambda: national_index(self.book.activities)), name)

    def dated_value(self, name: str, guideline: m.Guideline | None) -> m.DatedValue | None:
        return _memo(self, ("värden", _key(guideline)), lambda: self.book.values(guideline)).get(name)

    def rules_for(self, guideline: m.Guideline | None) -> tuple:
        """(what each rule reads, the compiled evaluator, static facts per insats), once per layer."""
        key = _key(guideline)
        if key not in self._compiled:
            rules = self.book.rules(guideline)
            outputs = [rule_output(r) for r in rules]
            compiled = compile_rules(rules, outputs)
            insatser = self.insatser_in(guideline)
            static = compiled.static_table({i: static_facts(insats) for i, insats in insatser.items()})
            # (rule id, where it stands, the fields it reads, its condition): to say which rules could
            # not be assessed
            reads = [(r.id, out.where, frozenset(out.fields), r.when) for r, out in zip(rules, outputs, strict=True)]
            self._compiled[key] = (reads, compiled.evaluate, static)
        return self._compiled[key]

    # ---- checking ----
    def check(self, decision: Decision | Mapping[str, Any]) -> Result:
        if not isinstance(decision, Decision):
            decision = _validated(decision)
        guideline = self.layer_for(decision.decided_on)
        case = build_case(decision, self, guideline)
        if guideline is not self.guideline and self.guideline is not None and self.guideline.meta:
            meta = self.guideline.meta
            case.add("riktlinje.ej_i_kraft", riktlinje=meta.title or meta.id, kommun=meta.municipality or meta.id,
                     datum=decision.decided_on.isoformat() if decision.decided_on else "?")
        if decision.decided_on is None:
            case.cannot_assess("lag och riktlinje i kraft (beslutsdatum saknas)",
                               "the law and guideline in force (no decision date)")
        if decision.outcome is None:
            case.cannot_assess("kontroller av beviljade beslut (utfall saknas)", "checks of granted decisions (no outcome)")
        for family in FAMILIES:
            family(case)
        self._general_rules(case, guideline)
        if case.unassessed:
            unassessed = list(dict.fromkeys(case.unassessed))
            case.add("bedomning.ofullstandig", vad="; ".join(sv for sv, _ in unassessed),
                     vad_en="; ".join(en for _, en in unassessed))
        return Result(decision.id, decision.source, _sorted(case.findings), [sv for sv, _ in case.unassessed])

    def _general_rules(self, case, guideline: m.Guideline | None) -> None:
        reads, evaluate, static = self.rules_for(guideline)
        if not reads:
            return
        facts = case.facts
        row = static.get(facts.get("insats"), _EMPTY)
        fired = evaluate(facts, row, lambda name, f: case.value(name))
        case.findings.extend(fired)
        unknown = {name for name, value in facts.items() if value is None}
        if unknown:
            done = {f.guideline for f in fired}
            # Not assessed: the condition is unknown, not merely one that reads an unknown field
            # ("insats = boendestöd och ålder >= 65" is false for hemtjänst whatever the age).
            known = ChainMap(facts, row)
            skipped = [rule_id for rule_id, where, fields, when in reads if where not in done and fields & unknown
                       and interpret(when, known, case.value) is None]
            if skipped:
                names = ", ".join(skipped)
                case.cannot_assess(f"riktlinjens regler {names} (uppgifter saknas)",
                                   f"the guideline's rules {names} (data missing)")

    def check_many(self, decisions: Iterable[Decision | Mapping[str, Any]]) -> Iterator[Result]:
        """Stream: one result per input, in order, with memory flat in the number of decisions."""
        for decision in decisions:
            yield self.check(decision)

    def check_facts(self, facts: Mapping[str, Any]) -> list[Finding]:
        """The guideline's general rules over facts already in the rule language's terms
        (``{"insats": "hemtjänst", "ålder": 82, ...}``): the fast path for systems that hold
        normalised data. The built-in checks need a full ``Decision``."""
        fast = self.__dict__.get("_fast")
        if fast is None:
            _, evaluate, static = self.rules_for(self.guideline)
            fast = self._fast = (evaluate, static.get, self._value_in_facts)
        evaluate, static_of, value_at = fast
        try:
            return evaluate(facts, static_of(facts.get("insats"), _EMPTY), value_at)
        except TypeError:  # a value of the wrong kind in the caller's facts: say which
            raise ValueError(_wrong_kinds(facts)) from None

    def _value_in_facts(self, name: str, facts: Mapping[str, Any]) -> Any:
        return self.value_at(name, facts.get("beslutsdatum"), self.guideline)


_EMPTY: dict = {}


class InvalidDecision(ValueError):
    """A decision that does not match the schema. The message names fields, never values:
    the input may hold personal data."""

    def __init__(self, message: str, english: str, fields: tuple[str, ...]):
        super().__init__(message)
        self.english = english
        self.fields = fields


def _validated(data: Mapping[str, Any]) -> Decision:
    from pydantic import ValidationError

    from .readers import describe_validation

    try:
        return Decision.model_validate(data)
    except ValidationError as error:
        raise InvalidDecision(*describe_validation(error)) from None


def _wrong_kinds(facts: Mapping[str, Any]) -> str:
    from .facts import FIELDS

    wanted = {"tal": (int, float, Fraction, tuple), "text": (str,), "datum": (date,), "ja/nej": (bool,),
              "lista:tal": (list,), "lista:text": (list,)}
    wrong = [f"{name} ({FIELDS[name].kind})" for name, value in sorted(facts.items())
             if name in FIELDS and value is not None and not isinstance(value, wanted[FIELDS[name].kind])]
    return "fakta av fel slag: " + (", ".join(wrong) if wrong else "okänt fält")


def _key(guideline: m.Guideline | None) -> str | None:
    return guideline.path if guideline is not None else None


def _memo(checker: Checker, key: tuple, build):
    cache_ = checker.__dict__.setdefault("_memo", {})
    if key not in cache_:
        cache_[key] = build()
    return cache_[key]


def static_facts(insats: m.Insats) -> dict[str, Any]:
    """Facts that depend only on the insats, for general rules."""
    normal = None
    if insats.scope is not None and insats.scope.normal is not None and insats.scope.normal.quantity.kind == "tid":
        normal = exact(insats.scope.normal.per_month())
    return {
        "normal_minuter_per_månad": normal,
        "motsvarighet": insats.lss_counterpart,
        "tillåtna_lagar": sorted({c.ref.law for c in insats.citations if c.ref.law}),
    }


def rule_output(rule: m.Rule) -> RuleOutput:
    """The parts of a general rule's finding that do not depend on the decision."""
    code = rule.finding_code
    args = {}
    if code in CODES and CODES[code].sv == "{text}":  # a code whose text the guideline writes
        args = {"text": rule.message, "text_en": rule.english or rule.message}
    return RuleOutput(
        finding_type=Finding, code=code, severity=rule.severity or "varning", args=args,
        field=rule.field or (CODES[code].field if code in CODES else None),
        where=f"{rule.pos.file}:{rule.pos.line}", section=rule.section,
        lagrum=rule.citation.ref.canonical() if rule.citation else None,
        # Without "engelska" the English message is the guideline's own text, given as is: never
        # a format template (the catalogue's templates are for codes in CODES only).
        sv=rule.message, en=rule.english or (None if code in CODES else rule.message),
        fields=tuple(sorted(referenced_fields(rule.when))),
    )


def _sorted(findings: list[Finding]) -> list[Finding]:
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
