"""One decision made ready for the checks: resolved insats, law and dates, and its facts.

Everything a check family needs is computed here once, so each check stays a few lines of
domain logic. ``facts`` is the flat mapping general rules read (field names of
``facts.FIELDS``); ``None`` means unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from bistandsregler.checking.compiler import exact
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.findings import CODES, Finding
from bistandsregler.checking.lookups import Lookups
from bistandsregler.language import model as m
from bistandsregler.language.facts import ABSENT
from bistandsregler.language.lagrum import Cited, LawRef
from bistandsregler.language.messages import Severity, Text


def age_on(person, day: date | None) -> int | tuple[int, int] | None:
    """Exact age from a birth date; from a birth year alone, the interval of possible ages."""
    if person is None or day is None:
        return None
    if person.birth_date is not None:
        born = person.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.birth_year is not None:
        years = day.year - person.birth_year
        return (years - 1, years)
    return None


def add_span(day: date, span: m.Span) -> date:
    """``day`` plus a span in calendar terms: a month later is the same day number, clamped.

    A result past the calendar's ends (a decision dated 9999-12-31 plus a year) is the
    calendar's last or first day: no date lies beyond it, so a deadline there never passes.
    """
    from calendar import monthrange
    from datetime import timedelta

    try:
        if span.unit == "dag":
            return day + timedelta(days=span.amount)
        if span.unit == "vecka":
            return day + timedelta(weeks=span.amount)
    except OverflowError:
        return date.max if span.amount > 0 else date.min
    months = span.amount * (12 if span.unit == "år" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def known(decision: Decision, name: str) -> bool:
    """Was the field in the input at all (even as null)? Absent means unknown."""
    return name in decision.model_fields_set


@dataclass
class Case:
    decision: Decision
    lookups: Lookups  # the rule book under the guideline layer this decision is checked under
    insats_id: str | None = None
    insats: m.Insats | None = None
    ref: LawRef | None = None
    law: m.Law | None = None
    age: int | tuple[int, int] | None = None
    granted_minutes: Fraction | None = None
    findings: list[Finding] = field(default_factory=list)
    unassessed: list[Text] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    # ---- convenience for checks ----
    @property
    def guideline(self) -> m.Guideline | None:
        return self.lookups.guideline

    @property
    def day(self) -> date | None:
        return self.decision.decided_on

    @property
    def granted(self) -> bool:
        return self.decision.outcome in ("bifall", "delvis_bifall")

    @property
    def insats_name(self) -> str:
        if self.insats is not None and self.insats.name:
            return self.insats.name
        return self.decision.insats or "insatsen"

    @property
    def requirements(self) -> m.Requirements:
        return self.lookups.requirements_for(self.insats_id)

    def value(self, name: str) -> Any:
        """A dated value (``värde``) on the decision date."""
        return self.lookups.value_at(name, self.day)

    def pos_of(self, item: m.Documented | m.Rule | None) -> str | None:
        return f"{item.pos.file}:{item.pos.line}" if item is not None else None

    def requirement_source(self, key: str, fallback: m.Documented | None) -> tuple[str | None, str | None]:
        """(file:line, section) of the guideline line a handling requirement ("tidsbegränsning högst
        12 månader") stands on, wherever in the layers it was written; else of ``fallback``."""
        where = self.requirements.positions.get(key)
        if where is None:
            return self.pos_of(fallback), getattr(fallback, "section", None)
        insats = self.insats
        own = insats is not None and insats.requirements.positions.get(key) == where
        return f"{where.file}:{where.line}", insats.section if insats is not None and own else None

    def add(self, code: str, *, severity: Severity | None = None, source: m.Documented | None = None,
            where: tuple[str | None, str | None] | None = None, lagrum: str | None = None,
            values: dict | None = None, deviation: bool = False, **args: Any) -> None:
        """Record a finding. ``deviation``: a guideline deviation that a written justification
        turns from a warning into an info naming what was deviated from. ``where`` (file:line,
        section) overrides the position of ``source``. The law reference is also the message's
        ``{lagrum}``. ``args`` fill the code's template; wording that differs by language is
        given as a ``Text``."""
        info = CODES[code]
        severity = severity or info.severity
        if deviation and severity is Severity.WARNING and self.decision.justification:
            severity = Severity.INFO
            args.setdefault("motiverad", True)
        if lagrum is not None:
            args.setdefault("lagrum", lagrum)
        guideline, section = where if where is not None else (self.pos_of(source), getattr(source, "section", None))
        self.findings.append(Finding(
            code=code, severity=severity, args=args, field=info.field,
            guideline=guideline, section=section, lagrum=lagrum, values=values,
        ))

    def cannot_assess(self, what: Text) -> None:
        """Say what could not be checked because the input does not carry it."""
        self.unassessed.append(what)


def build_case(decision: Decision, lookups: Lookups) -> Case:
    case = Case(decision=decision, lookups=lookups)
    insatser = lookups.insatser
    if decision.lagrum:
        case.ref = lookups.law_ref(decision.lagrum)
    if decision.insats:
        # "Kontaktperson" is both a SoL and an LSS insats: the cited law tells which.
        lag = case.ref.law if case.ref is not None else None
        resolution = lookups.resolve_insats(decision.insats, lag, paragraf=case.ref)
        case.insats_id = resolution.id
        case.insats = insatser.get(resolution.id) if resolution.id else None
        if resolution.ambiguous:
            # A name both laws (or two insatser) use, and the law reference does not settle it.
            names = [insatser[i].name or i for i in resolution.candidates if i in insatser]
            case.add("beslut.insats_tvetydig", insats=decision.insats,
                     kandidater=Text(" eller ".join(f"'{n}'" for n in names), " or ".join(f"'{n}'" for n in names)))
        elif resolution.id is None:
            from bistandsregler.language.diagnostics import did_you_mean

            hint = did_you_mean(decision.insats, [i.name or i.id for i in insatser.values()])
            case.add("beslut.insats_okand", insats=decision.insats, forslag=hint)
    case.age = age_on(decision.person, decision.decided_on)
    scope = decision.scope
    if scope is not None and scope.hours_per_month is not None:
        case.granted_minutes = Fraction(str(scope.hours_per_month)) * 60
    case.facts = _facts(case)
    return case


def _hours(hours: float | None) -> Any:
    return exact(Fraction(str(hours))) if hours is not None else None


def _facts(case: Case) -> dict[str, Any]:
    d = case.decision
    person = d.person
    law = None
    if case.ref is not None:
        law = case.ref.law
        if law is None and case.insats is not None:
            laws = {c.ref.law for c in case.insats.citations if c.ref.law}
            law = laws.pop() if len(laws) == 1 else None
    goals = d.goals
    minutes = case.granted_minutes
    applied = None
    if d.applied_for:
        # Read under the decision's law: "Ledsagarservice" is an insats of both.
        applied = case.lookups.resolve_insats(d.applied_for, case.ref.law if case.ref is not None else None).id
    return {
        "insats": case.insats_id,
        "ansökt": applied,
        "lag": law,
        "lagrum": Cited(case.ref) if case.ref is not None else None,
        "ålder": case.age,
        "personkrets": list(person.personkrets) if person and person.personkrets is not None else None,
        "utfall": d.outcome,
        "timmar_per_månad": exact(minutes / 60) if minutes is not None else None,
        "minuter_per_månad": exact(minutes) if minutes is not None else None,
        "omvårdnad_timmar_per_månad": _hours(d.scope.care_hours_per_month if d.scope else None),
        "service_timmar_per_månad": _hours(d.scope.service_hours_per_month if d.scope else None),
        "antal_mål": len(goals) if goals is not None else None,
        "motivering": d.justification,
        "grundbehov_timmar_per_vecka": exact(person.basic_needs_hours_per_week)
        if person and person.basic_needs_hours_per_week is not None else None,
        "beslutsdatum": d.decided_on,
        "giltig_från": d.valid_from,
        "giltig_till": ABSENT if d.valid_until == "tills_vidare" else d.valid_until,
        "uppföljning": d.follow_up_on,
        "kön": person.sex if person else None,
        "hushåll": person.household if person else None,
        "nybeviljad": d.new_grant,
        "roll": d.decided_by.role if d.decided_by else None,
        "schablon_minuter_per_månad": None,
    }
