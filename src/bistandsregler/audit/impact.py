"""Section 6, a draft guideline's impact: the same decisions checked under the draft beside the
adopted guideline.

A finding is the same under both when its code, severity and message are (a rule's file and
line differ between the two files, so they are not compared). Changes are grouped by code
(a general rule's ``kod``, or the built-in check's): new findings, resolved ones. Hours: a
decision's own hours a month do not depend on the guideline; hours priced from its activities
do when the draft brings a standard-time table of its own. Cost: hours times a rate the
guideline states (a ``värde`` with the unit kronor per hour); without one, no cost is given,
and the section says so. Bands: the decisions whose band (fee level) changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction

from bistandsregler.audit.records import Dataset, Record, granted_hours
from bistandsregler.audit.report import Column, Row, Section, Table, TraceBook
from bistandsregler.checking.evaluation import Checker
from bistandsregler.language.messages import Text

RATE_UNIT = re.compile(r"^(kr|kronor|sek)\s*(per|/)\s*(timme|tim|h)$", re.IGNORECASE)


def _keys(findings) -> set[tuple[str, str, str]]:
    return {(f.code, f.severity.value, f.message()) for f in findings}


def rate_of(checker: Checker, record: Record) -> Fraction | None:
    layer = checker.layer_for(record.decision.decided_on)
    for value in checker.book.values(layer).values():
        if value.unit and RATE_UNIT.match(value.unit.strip()) and record.decision.decided_on:
            found = value.at(record.decision.decided_on)
            if isinstance(found, Fraction):
                return found
    return None


def section(data: Dataset, draft: Checker, traces: TraceBook, lang: str = "sv") -> Section:
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    adopted = data.checker
    new: dict[str, list[Record]] = defaultdict(list)
    resolved: dict[str, list[Record]] = defaultdict(list)
    changed: list[Record] = []
    hours_rows = []
    delta_hours = Fraction(0)
    delta_cost = Fraction(0)
    costed = 0
    band_moves: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    adopted_bands = adopted.book.bands(adopted.guideline)
    draft_bands = draft.book.bands(draft.guideline)
    for record in data.records:
        before = _keys(record.result.findings)
        after_result = draft.check(record.decision)
        after = _keys(after_result.findings)
        if before != after:
            changed.append(record)
        for code, _, _ in sorted(after - before):
            new[code].append(record)
        for code, _, _ in sorted(before - after):
            resolved[code].append(record)
        hours_after, _ = granted_hours(record.decision, draft)
        if record.granted and record.hours is not None and hours_after is not None and hours_after != record.hours:
            delta_hours += hours_after - record.hours
            rate_before, rate_after = rate_of(adopted, record), rate_of(draft, record)
            if rate_before is not None and rate_after is not None:
                delta_cost += hours_after * rate_after - record.hours * rate_before
                costed += 1
            hours_rows.append(record)
        if record.granted and record.hours is not None:
            for band_id, bands in adopted_bands.items():
                other = draft_bands.get(band_id)
                if other is None or bands.measure != "timmar_per_månad":
                    continue
                was, now = bands.band_for(record.hours), other.band_for(hours_after if hours_after is not None else record.hours)
                if (was and was.name) != (now and now.name):
                    band_moves[(band_id, was.name if was else "–", now.name if now else "–")].append(record)
    rows = []
    for code in sorted(set(new) | set(resolved)):
        trace_new = traces.add(f"utkast:ny:{code}", f"{t('Nya med utkastet', 'New under the draft')}: {code}",
                               [r.ref() for r in new.get(code, [])])
        rows.append(Row(cells=[code, len(new.get(code, [])), len(resolved.get(code, [])), len(data.records)],
                        trace=trace_new or traces.add(f"utkast:lost:{code}", f"{t('Lösta med utkastet', 'Resolved under the draft')}: {code}",
                                                      [r.ref() for r in resolved.get(code, [])])))
    findings = Table(
        id="utkast_fynd", title=t("Fynd som ändras med utkastet", "Findings that change under the draft"),
        note=t(f"{len(changed)} av {len(data.records)} beslut får andra fynd med utkastet.",
               f"{len(changed)} of {len(data.records)} decisions get other findings under the draft."),
        columns=[Column(key="kod", label=t("kod", "code")), Column(key="nya", label=t("nya", "new"), kind="count"),
                 Column(key="losta", label=t("lösta", "resolved"), kind="count"),
                 Column(key="av", label=t("av beslut", "of decisions"), kind="count")],
        rows=rows,
    )
    moves = Table(
        id="utkast_nivaer", title=t("Beslut som byter nivå", "Decisions that change band"),
        columns=[Column(key="nivaer", label=t("nivåer", "bands")), Column(key="fran", label=t("från", "from")),
                 Column(key="till", label=t("till", "to")), Column(key="beslut", label=t("beslut", "decisions"), kind="count")],
        rows=[Row(cells=[band_id, was, now, len(members)],
                  trace=traces.add(f"utkast:niva:{band_id}:{was}:{now}", f"{band_id}: {was} → {now}", [r.ref() for r in members]))
              for (band_id, was, now), members in sorted(band_moves.items())],
    )
    money = (t(f"Kostnadsändring {float(delta_cost):.0f} kr per månad för {costed} beslut.",
               f"Change in cost {float(delta_cost):.0f} kronor a month for {costed} decisions.") if costed else
             t("Riktlinjen anger ingen ersättning per timme (ett värde i kr per timme): ingen kostnad beräknad.",
               "The guideline states no rate per hour (a value in kronor per hour): no cost computed."))
    hours_text = t(f"{len(hours_rows)} beslut får andra prissatta timmar; sammanlagt {float(delta_hours):+.1f} timmar per månad.",
                   f"{len(hours_rows)} decisions get other priced hours; in all {float(delta_hours):+.1f} hours a month.")
    return Section(id="utkast", title=t("Utkastets verkan", "The draft's impact"),
                   paragraphs=[t("Samma beslut prövade mot utkastet och mot den antagna riktlinjen.",
                                 "The same decisions checked under the draft and the adopted guideline."), hours_text, money],
                   tables=[findings, moves])
