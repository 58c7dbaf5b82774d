"""The quarterly report of favourable decisions not carried out in time (SoL 2025:400 34 kap.
1-3 §§, SoL 2001:453 16 kap. 6 f-h §§, LSS 28 f-h §§).

Which decisions are reported, and under which paragraph, is the law layer's "rapportplikt för"
(``checking.checks.tid.report_duty``); the three months are the national value
``verkställighet_månader``, read on the decision date (on the day of the interruption for an
interruption). Nothing here names a paragraph or a period.

The statute, read for a quarter that begins on S and ends on E:

- **Deadline.** "Inom tre månader från dagen för beslutet": the same day number three
  calendar months on, or the month's last day when it has none (``add_span``): decided
  2025-01-31, the deadline is 2025-04-30. Carried out on the deadline is in time; not carried
  out at the end of it is late. The deadline is not moved when it falls on a weekend or a
  holiday.
- **Report (1 §, 6 f §, 28 f §), to IVO and the auditors.** A decision whose deadline is at
  the latest E and which was not carried out by E (the end of the quarter is the day the
  report is made up to); and one carried out late within the quarter that no earlier report
  held (its deadline fell in the quarter), with the day it was carried out. An interruption
  likewise, from the day it began, with the day the insats was resumed.
- **Notice (2 §, 6 g §, 28 g §).** A decision the previous quarter's report held (deadline at
  the latest the day before S, not carried out by then) that was carried out within the
  quarter, with its date.
- **Statistics to the council (3 §, 6 h §, 28 h §).** The reported decisions, by kind of
  insats, with the time since the decision (to E, or to the day it was carried out).

The notice and statistics paragraphs are the two that follow the reporting paragraph in its
law's block (34 kap. 2-3 §§ after 1 §, 28 g-h §§ after 28 f §): the law layer writes them in
the statute's order.

Every decision in gets one status per track (the first execution; an interruption), so the
totals add up to the records read.
"""

from __future__ import annotations

import re
import statistics as stats
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bistandsregler.checking.case import Case, add_span, build_case, known
from bistandsregler.checking.checks.tid import duty_name, report_duty
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.evaluation import Checker
from bistandsregler.input.unexecuted_list import ListedDecision
from bistandsregler.language import model as m
from bistandsregler.language.errors import InputError
from bistandsregler.language.messages import Text
from bistandsregler.rules.rulebook import RuleBook

__all__ = ["PERIOD_VALUE", "Notice", "Quarter", "QuarterReport", "ReportedDecision", "Statistic", "quarterly_report"]

PERIOD_VALUE = "verkställighet_månader"  # the national value holding the three months

Kind = Literal["ej_verkstallt", "avbrott"]
KINDS: dict[str, Text] = {
    "ej_verkstallt": Text("ej verkställt", "not carried out"),
    "avbrott": Text("avbrott i verkställigheten", "interruption"),
}
# Why a decision is not in the report, one per decision and track.
Status = Literal["rapporteras", "anmals", "i_tid", "verkstallt_fore_avbrott", "ej_forfallet", "rapporterat_tidigare", "ej_gynnande",
                 "utfall_okant", "ingen_rapportplikt", "lagrum_okant", "beslutsdatum_saknas", "verkstallighet_okand"]
STATUSES: dict[str, Text] = {
    "rapporteras": Text("rapporteras", "reported"),
    "anmals": Text("anmäls som verkställt", "notified as carried out"),
    "i_tid": Text("verkställt i tid", "carried out in time"),
    "verkstallt_fore_avbrott": Text("verkställt före avbrottet (datum saknas)", "carried out before the interruption (no date)"),
    "ej_forfallet": Text("tre månader har inte gått", "three months have not passed"),
    "rapporterat_tidigare": Text("verkställt före kvartalet", "carried out before the quarter"),
    "ej_gynnande": Text("inte gynnande (avslag)", "not favourable (refused)"),
    "utfall_okant": Text("utfall saknas", "no outcome"),
    "ingen_rapportplikt": Text("lagrummet omfattas inte av rapportplikten", "the provision has no duty to report"),
    "lagrum_okant": Text("lagrum och insats okända", "provision and insats unknown"),
    "beslutsdatum_saknas": Text("beslutsdatum saknas", "no decision date"),
    "verkstallighet_okand": Text("om och när beslutet verkställdes saknas", "whether and when it was carried out is missing"),
}


class QuarterError(ValueError):
    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


_QUARTER = re.compile(r"(\d{4})\s*[-:/ ]?\s*[QqKk](?:vartal)?\s*([1-4])|[QqKk]([1-4])\s*[-:/ ]?\s*(\d{4})")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """"2025Q3", "2025-Q3", "2025K3", "Q3 2025"; QuarterError otherwise."""
        match = _QUARTER.fullmatch(text.strip())
        if not match:
            raise QuarterError(Text(f"'{text}' är inget kvartal (skriv t.ex. 2025Q3)", f"'{text}' is not a quarter (write e.g. 2025Q3)"))
        year, number = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        if not 1900 <= int(year) <= 9998:
            raise QuarterError(Text(f"'{text}': året ligger utanför 1900–9998", f"'{text}': the year is outside 1900-9998"))
        return cls(int(year), int(number))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def label(self) -> Text:
        return Text(f"kvartal {self.number} {self.year}", f"Q{self.number} {self.year}")

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReportedDecision(_Out):
    """One decision in the report to IVO and the auditors (1 § SoL, 28 f § LSS)."""

    id: str
    source: str | None
    kind: Kind
    statute: str  # "34 kap. 1 § SoL (2025:400)"
    law: str  # "SoL", "LSS"
    insats: str  # the catalogue's name, or as written when it names none
    insats_written: str | None
    lagrum_written: str | None
    decided_on: date
    interrupted_on: date | None = None
    deadline: date
    carried_out_on: date | None = None  # within the quarter, late: executed (or resumed) on
    days_since_decision: int  # to the quarter's end, or to the day it was carried out
    days_since_interruption: int | None = None
    first_quarter: str  # the quarter the deadline fell in: reported since that quarter's report
    sex: Literal["kvinna", "man", "annat"] | None = None
    sex_written: str | None = None
    birth_year: int | None = None
    reason: str | None = None  # the stated reason for the delay, as written
    offered_on: list[date] = []
    declined_on: list[date] = []


class Notice(_Out):
    """A decision an earlier report held, carried out within the quarter (2 § SoL, 28 g § LSS)."""

    id: str
    source: str | None
    kind: Kind
    statute: str  # the notice paragraph: "34 kap. 2 § SoL (2025:400)"
    insats: str
    decided_on: date
    interrupted_on: date | None = None
    carried_out_on: date
    reported_in: str  # the quarter whose report held it last


class Statistic(_Out):
    """One line of the statistics report to the council (3 § SoL, 28 h § LSS)."""

    statute: str  # the statistics paragraph: "34 kap. 3 § SoL (2025:400)"
    kind: Kind
    insats: str
    count: int
    women: int
    men: int
    other_or_unknown: int
    months_3_to_6: int  # time since the decision: at least 3, under 6 months
    months_6_to_12: int
    months_12_or_more: int
    median_days: float
    max_days: int


class Disposition(_Out):
    """What became of one decision on one track: every decision in has one per track."""

    id: str
    source: str | None
    track: Kind
    status: Status


class QuarterReport(_Out):
    quarter: str  # "2025Q3"
    start: date
    end: date
    period_value: str  # the national value the three months come from, with its file:line
    records_in: int
    unreadable: list[str]  # input errors, as "file:line: fel: ..."
    reported: list[ReportedDecision]
    notices: list[Notice]
    statistics: list[Statistic]
    dispositions: list[Disposition]

    def counts(self, track: Kind = "ej_verkstallt") -> dict[str, int]:
        found: dict[str, int] = {}
        for d in self.dispositions:
            if d.track == track:
                found[d.status] = found.get(d.status, 0) + 1
        return found


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (add_span's months: 01-31 to 04-30 is 3)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_span(start, m.Span(amount=months, unit="månad")) > end:
        months -= 1
    return max(months, 0)


@dataclass
class _Track:
    kind: Kind
    begins: date  # decided on, or interrupted on
    done: date | None  # executed on, or resumed on
    done_known: bool


def _following(law: m.Law, paragraph: m.Paragraph, steps: int) -> str:
    """The paragraph ``steps`` after ``paragraph`` in its law's block, named with its law."""
    keys = [p.ref.key() for p in law.paragraphs]
    index = keys.index(paragraph.ref.key()) + steps
    return duty_name(law, law.paragraphs[index]) if index < len(law.paragraphs) else duty_name(law, paragraph)


class _Builder:
    def __init__(self, book: RuleBook, guideline: m.Guideline | None, quarter: Quarter) -> None:
        self.checker = Checker(book, guideline)
        self.quarter = quarter
        self.start, self.end, self.previous_end = quarter.start, quarter.end, quarter.previous().end
        self.reported: list[tuple[ReportedDecision, str]] = []  # with its statistics paragraph
        self.notices: list[Notice] = []
        self.dispositions: list[Disposition] = []

    def months(self, case: Case, day: date) -> int:
        value = case.lookups.value_at(PERIOD_VALUE, day)
        if value is None:
            raise QuarterError(Text(f"det nationella lagret har inget värde {PERIOD_VALUE} för {day.isoformat()}",
                                    f"the national layer has no value {PERIOD_VALUE} for {day.isoformat()}"))
        return int(value)

    def add(self, item: Decision | ListedDecision) -> None:
        listed = item if isinstance(item, ListedDecision) else ListedDecision(item)
        d = listed.decision
        tracks: list[Kind] = ["ej_verkstallt", "avbrott"] if d.interrupted_on is not None else ["ej_verkstallt"]

        def dispose(status: Status, track: Kind | None = None) -> None:
            for kind in [track] if track else tracks:
                self.dispositions.append(Disposition(id=d.id, source=d.source, track=kind, status=status))

        if d.decided_on is None:
            return dispose("beslutsdatum_saknas")
        if d.outcome is None:
            return dispose("utfall_okant")
        if d.outcome == "avslag":
            return dispose("ej_gynnande")
        case = build_case(d, self.checker.lookups(self.checker.layer_for(d.decided_on)))
        duty = report_duty(case)
        if duty is None and case.insats is not None and not self._cited_exists(case):
            # A paragraph the law in force that day does not have ("11 kap. 1 § SoL" on a
            # decision of 2025-06-30, under the old law): the insats's own paragraph then says.
            case.ref = None
            duty = report_duty(case)
        if duty is False:
            return dispose("lagrum_okant")
        if duty is None:
            return dispose("ingen_rapportplikt")
        law, paragraph = duty
        first = _Track("ej_verkstallt", d.decided_on, d.executed_on, known(d, "executed_on"))
        self._track(listed, case, law, paragraph, first, dispose)
        if d.interrupted_on is not None:
            again = _Track("avbrott", d.interrupted_on, d.resumed_on, known(d, "resumed_on"))
            self._track(listed, case, law, paragraph, again, dispose)

    def _cited_exists(self, case: Case) -> bool:
        book = self.checker.book
        if case.ref is None or not (case.ref.law or case.ref.sfs):
            return False
        ref = book.complete(case.ref)
        law = book.resolve_law(ref, case.day)
        paragraph = book.paragraph(law, ref) if law is not None else None
        return paragraph is not None and (case.day is None or paragraph.validity.covers(case.day)) and (
            law is not None and (case.day is None or law.validity.covers(case.day)))

    def _track(self, listed: ListedDecision, case: Case, law: m.Law, paragraph: m.Paragraph, track: _Track,
               dispose) -> None:  # fmt: skip
        d = listed.decision
        assert d.decided_on is not None
        deadline = add_span(track.begins, m.Span(amount=self.months(case, track.begins), unit="månad"))
        done = track.done
        if track.kind == "ej_verkstallt" and done is None and d.interrupted_on is not None:
            return dispose("verkstallt_fore_avbrott", track.kind)  # an interruption stops what was carried out
        if done is not None and done <= deadline:
            return dispose("i_tid", track.kind)
        if deadline > self.end or track.begins > self.end:
            return dispose("ej_forfallet", track.kind)
        if done is None and not track.done_known:
            return dispose("verkstallighet_okand", track.kind)
        if done is not None and done < self.start:
            return dispose("rapporterat_tidigare", track.kind)
        insats = case.insats.name if case.insats is not None and case.insats.name else (d.insats or "")
        if done is not None and done <= self.end and deadline <= self.previous_end:
            self.notices.append(Notice(
                id=d.id, source=d.source, kind=track.kind, statute=_following(law, paragraph, 1), insats=insats,
                decided_on=d.decided_on, interrupted_on=d.interrupted_on if track.kind == "avbrott" else None,
                carried_out_on=done, reported_in=str(self.quarter.previous())))
            return dispose("anmals", track.kind)
        carried = done if done is not None and done <= self.end else None
        until = carried or self.end
        person = d.person
        self.reported.append((ReportedDecision(
            id=d.id, source=d.source, kind=track.kind, statute=duty_name(law, paragraph),
            law=law.abbreviation or law.id, insats=insats, insats_written=d.insats, lagrum_written=d.lagrum,
            decided_on=d.decided_on, interrupted_on=d.interrupted_on if track.kind == "avbrott" else None,
            deadline=deadline, carried_out_on=carried, days_since_decision=(until - d.decided_on).days,
            days_since_interruption=(until - track.begins).days if track.kind == "avbrott" else None,
            first_quarter=str(Quarter.of(deadline)),
            sex=person.sex if person else None, sex_written=person.sex_written if person else None,
            birth_year=person.birth_year if person else None, reason=d.delay_reason,
            offered_on=list(listed.offered_on), declined_on=list(listed.declined_on)), _following(law, paragraph, 2)))
        return dispose("rapporteras", track.kind)

    def statistics(self) -> list[Statistic]:
        groups: dict[tuple[str, Kind, str], list[ReportedDecision]] = {}
        for entry, statute in self.reported:
            groups.setdefault((statute, entry.kind, entry.insats), []).append(entry)
        out = []
        order = {"ej_verkstallt": 0, "avbrott": 1}
        for (statute, kind, insats), entries in sorted(groups.items(), key=lambda g: (g[0][0], order[g[0][1]], g[0][2])):
            days = [e.days_since_decision for e in entries]
            months = [months_between(e.decided_on, e.carried_out_on or self.end) for e in entries]
            out.append(Statistic(
                statute=statute, kind=kind, insats=insats, count=len(entries),
                women=sum(e.sex == "kvinna" for e in entries), men=sum(e.sex == "man" for e in entries),
                other_or_unknown=sum(e.sex not in ("kvinna", "man") for e in entries),
                months_3_to_6=sum(n < 6 for n in months), months_6_to_12=sum(6 <= n < 12 for n in months),
                months_12_or_more=sum(n >= 12 for n in months),
                median_days=float(stats.median(days)), max_days=max(days)))
        return out


def quarterly_report(items: Iterable[Decision | ListedDecision | InputError], quarter: Quarter, book: RuleBook,
                     guideline: m.Guideline | None = None) -> QuarterReport:  # fmt: skip
    """The report for ``quarter`` from decisions (and the rows of exported lists). Input errors
    are listed, not dropped. Raises QuarterError when the national layer lacks the period."""
    builder = _Builder(book, guideline, quarter)
    unreadable: list[str] = []
    records = 0
    for item in items:
        records += 1
        if isinstance(item, InputError):
            unreadable.append(item.text())
        else:
            builder.add(item)
    value = builder.checker.lookups(None).values.get(PERIOD_VALUE)
    if value is None:
        raise QuarterError(Text(f"det nationella lagret saknar värdet {PERIOD_VALUE}", f"the national layer has no value {PERIOD_VALUE}"))
    where = f"{PERIOD_VALUE} ({value.pos.file}:{value.pos.line})"
    order = {"ej_verkstallt": 0, "avbrott": 1}
    reported = sorted((e for e, _ in builder.reported), key=lambda e: (e.statute, order[e.kind], e.decided_on, e.id))
    notices = sorted(builder.notices, key=lambda e: (e.statute, order[e.kind], e.carried_out_on, e.id))
    return QuarterReport(
        quarter=str(quarter), start=quarter.start, end=quarter.end, period_value=where, records_in=records,
        unreadable=unreadable, reported=reported, notices=notices, statistics=builder.statistics(),
        dispositions=builder.dispositions)
