"""A year of decisions read and checked once, with what the statistics group them by.

``read_dataset`` reads every input file through ``input.sources.input_records`` (the path
``evaluate`` reads through), checks each decision with the ``Checker`` and keeps, for each
record, the file it came from, its source line and the values the sections group by: insats
(the catalogue's id), month, decision-maker, age band, sex, outcome and granted hours a month
with where those hours came from. Records are kept apart by file: two files may hold the same
id. Every record is counted once: read and in the period, read and outside the period, or
unreadable (listed with file and line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

from bistandsregler.checking.case import age_on, build_case
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.evaluation import Checker, Result
from bistandsregler.input.sources import input_records
from bistandsregler.language.errors import InputError, mask_personnummer
from bistandsregler.language.messages import Text

HoursSource = Literal["timmar_per_månad", "schablon"]

# Age bands for standardisation: the groups the guidelines' own age limits (65) and the
# national statistics on older people (80) use.
AGE_BANDS = ("under 65", "65–79", "80 och äldre")
UNKNOWN = "okänd"
SEXES = ("kvinna", "man", "annat", "okänt")
GRANTED = ("bifall", "delvis_bifall")


@dataclass(slots=True)
class Record:
    """One readable decision, its result and what the audit groups it by."""

    index: int  # position among all readable records, in input order
    file: str  # the input file as given on the command line
    id: str  # masked: a case system may use a personnummer as id
    source: str  # "file:line", masked
    decision: Decision
    result: Result
    insats: str | None  # the catalogue's id
    insats_name: str
    month: str | None  # "2025-09"
    decision_maker: str | None
    age_band: str
    sex: str  # one of SEXES
    outcome: str | None
    hours: Fraction | None = None  # granted hours a month
    hours_source: HoursSource | None = None
    basic_needs_per_week: Fraction | None = None
    layer: str | None = None  # the guideline in force on the decision date (its path), None for the national layer

    @property
    def refused(self) -> bool | None:
        return None if self.outcome is None else self.outcome == "avslag"

    @property
    def granted(self) -> bool:
        return self.outcome in GRANTED

    def ref(self) -> tuple[str, str]:
        return (self.id, self.source)


@dataclass(slots=True)
class Unreadable:
    file: str
    where: str  # "file:line" or the file
    line: int | None
    message: Text


@dataclass(slots=True)
class InputFile:
    path: str
    records: int = 0  # readable, in the period
    outside_period: int = 0
    unreadable: int = 0

    @property
    def total(self) -> int:
        return self.records + self.outside_period + self.unreadable


@dataclass
class Dataset:
    checker: Checker
    period: tuple[date, date] | None
    files: list[InputFile] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    outside_period: list[tuple[str, str, str]] = field(default_factory=list)  # (file, id, source)

    @property
    def total(self) -> int:
        return len(self.records) + len(self.unreadable) + len(self.outside_period)


def read_dataset(paths: Iterable[str], checker: Checker, period: tuple[date, date] | None = None,
                 encoding: str = "utf-8") -> Dataset:
    """Read, check and describe every record of ``paths``; see the module docstring."""
    data = Dataset(checker=checker, period=period)
    for path in paths:
        counts = InputFile(path)
        data.files.append(counts)
        for item in input_records([path], encoding):
            if isinstance(item, InputError):
                counts.unreadable += 1
                data.unreadable.append(Unreadable(path, item.record or path, item.line, item.message))
                continue
            day = item.decided_on
            if period is not None and (day is None or not period[0] <= day <= period[1]):
                counts.outside_period += 1
                data.outside_period.append((path, mask_personnummer(item.id), mask_personnummer(item.source or path)))
                continue
            counts.records += 1
            data.records.append(describe(item, checker, len(data.records), path))
    return data


def describe(decision: Decision, checker: Checker, index: int, path: str) -> Record:
    """Check one decision and note what the audit groups it by."""
    result = checker.check(decision)
    layer = checker.layer_for(decision.decided_on)
    lookups = checker.lookups(layer)
    case = build_case(decision, lookups)  # the insats as the checks resolved it
    insats = case.insats_id
    name = (lookups.insatser[insats].name or insats) if insats in lookups.insatser else (decision.insats or UNKNOWN)
    person = decision.person
    hours, source = granted_hours(decision, checker)
    basic = None
    if person is not None and person.basic_needs_hours_per_week is not None:
        basic = Fraction(str(person.basic_needs_hours_per_week))
    return Record(
        index=index, file=path, id=mask_personnummer(decision.id),
        source=mask_personnummer(decision.source or f"{path}"), decision=decision, result=result,
        insats=insats, insats_name=name,
        month=decision.decided_on.strftime("%Y-%m") if decision.decided_on else None,
        decision_maker=mask_personnummer(decision.decided_by.id) if decision.decided_by and decision.decided_by.id else None,
        age_band=age_band(person, decision.decided_on), sex=sex_of(decision), outcome=decision.outcome,
        hours=hours, hours_source=source, basic_needs_per_week=basic,
        layer=layer.path if layer is not None else None,
    )


def granted_hours(decision: Decision, checker: Checker) -> tuple[Fraction | None, HoursSource | None]:
    """Hours a month as written (``hours_per_month``), else the activities priced with the
    standard-time table when every one of them could be priced; else unknown."""
    scope = decision.scope
    if scope is None:
        return None, None
    if scope.hours_per_month is not None:
        return Fraction(str(scope.hours_per_month)), "timmar_per_månad"
    if checker.table is None or not scope.activities:
        return None, None
    from bistandsregler.standard_times.pricing import ActivityTextError, estimate

    household = (decision.person.household or 1) if decision.person else 1
    try:
        priced = estimate(checker.table, [a.text for a in scope.activities], checker.book, household=household)
    except ActivityTextError:
        return None, None
    if not priced.complete:
        return None, None
    return priced.total_hours, "schablon"


def age_band(person, day: date | None) -> str:
    """The age band on the decision date. From a birth year alone the age is the one reached
    in the decision's year (the upper end of the interval), as official statistics count it."""
    age = age_on(person, day)
    if age is None:
        return UNKNOWN
    years = age[1] if isinstance(age, tuple) else age
    if years < 65:
        return AGE_BANDS[0]
    if years < 80:
        return AGE_BANDS[1]
    return AGE_BANDS[2]


def sex_of(decision: Decision) -> str:
    sex = decision.person.sex if decision.person else None
    return sex if sex is not None else "okänt"
