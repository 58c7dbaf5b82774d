"""Time: backdating, time limits, follow-up, and granted decisions not carried out."""

from __future__ import annotations

from datetime import date
from typing import Literal

from bistandsregler.checking.case import Case, add_span, known
from bistandsregler.language import model as m
from bistandsregler.language.messages import Text
from bistandsregler.language.model import Span


def check(case: Case) -> None:
    d = case.decision
    start, until = d.valid_from, d.valid_until
    if start and d.decided_on and start < d.decided_on:
        case.add("tid.retroaktiv", fran=start.isoformat(), beslutat=d.decided_on.isoformat(),
                 values={"giltig_från": start, "beslutsdatum": d.decided_on})
    if isinstance(until, date) and start and until < start:
        case.add("tid.omvand", fran=start.isoformat(), till=until.isoformat())
        return
    if not case.granted:
        return
    requirements = case.requirements
    source = case.insats if case.insats is not None else (case.guideline.meta if case.guideline else None)
    limit = requirements.max_duration
    if limit is not None and not requirements.until_further_allowed:
        if until == "tills_vidare" or (until is None and known(d, "valid_until")):  # null: no end date
            case.add("tid.tidsbegransning_saknas", max=limit.words(), deviation=True,
                     where=case.requirement_source("max_duration", source))
        elif isinstance(until, date) and (begin := start or d.decided_on) is not None:
            if until > add_span(begin, limit):
                months = (until.year - begin.year) * 12 + until.month - begin.month
                case.add("tid.for_lang", langd=Text(f"{months} månader", f"{months} months"), max=limit.words(),
                         deviation=True,
                         where=case.requirement_source("max_duration", source),
                         values={"giltig_från": begin, "giltig_till": until})
        elif until is None and not known(d, "valid_until"):
            case.cannot_assess(Text("tidsbegränsning (giltig_till saknas)", "the time limit (no valid_until in the input)"))
    _follow_up(case, requirements.follow_up_within, source)
    _executed(case, requirements.executed_within)


def _follow_up(case: Case, within: Span | None, source) -> None:
    d = case.decision
    if within is None:
        return
    if d.follow_up_on is None:
        if known(d, "follow_up_on"):
            case.add("tid.uppfoljning_saknas", inom=within.words(), deviation=True,
                     where=case.requirement_source("follow_up_within", source))
        else:
            case.cannot_assess(Text("uppföljning (uppgift saknas)", "follow-up (not in the input)"))
        return
    if d.decided_on and d.follow_up_on > add_span(d.decided_on, within):
        case.add("tid.uppfoljning_sen", datum=d.follow_up_on.isoformat(), inom=within.words(),
                 where=case.requirement_source("follow_up_within", source),
                 deviation=True, values={"uppföljning": d.follow_up_on, "beslutsdatum": d.decided_on})


def report_duty(case: Case, day: date | None = None) -> tuple[m.Law, m.Paragraph] | None | Literal[False]:
    """The law and paragraph under which this grant, not carried out in time, is reported to IVO:
    the law layer's "rapportplikt för" (SoL 2025:400 34 kap. 1 § for 11 kap. 1 § and 12 kap. 1 §,
    SoL 2001:453 16 kap. 6 f § for 4 kap. 1 §, LSS 28 f § for 9 §), on ``day`` (the decision
    date by default). The decision's own paragraph decides; without a readable one, the
    insats's paragraph on that day. None: no duty; False: nothing to tell it by."""
    book = case.lookups.book
    day = day or case.day
    grounds = [case.ref] if case.ref is not None and (case.ref.law or case.ref.sfs) else []
    if not grounds and case.insats is not None:
        grounds = [c.ref for c in case.insats.citations if day is None or c.validity.covers(day)]
    if not grounds:
        return False
    for ground in grounds:
        ref = book.complete(ground)
        law = book.resolve_law(ref, day)
        if law is None:
            continue
        duty = book.report_duty(law, ref, day)
        if duty is not None:
            return law, duty
    return None


def duty_name(law: m.Law, paragraph: m.Paragraph) -> str:
    """ "34 kap. 1 § SoL (2025:400)": the paragraph with its law, as reports cite it."""
    name = f"{paragraph.ref.key()} {law.abbreviation}"
    return f"{name} ({law.sfs})" if law.sfs else name


def _report_duty(case: Case) -> str | None:
    found = report_duty(case)
    if found is False:
        case.cannot_assess(Text("rapportplikt för ej verkställt beslut (lagrum okänt)",
                                "the duty to report a decision not carried out (provision unknown)"))
        return None
    return duty_name(*found) if found else None


def _executed(case: Case, within: Span | None) -> None:
    """IVO reporting: the period is national data, the paragraph that imposes it the law layer's."""
    d = case.decision
    if d.decided_on is None:
        return
    months = case.value("verkställighet_månader")
    span = within or (Span(amount=int(months), unit="månad") if months else None)
    if span is None:
        return
    duty = _report_duty(case)
    if duty is None:
        return
    deadline = add_span(d.decided_on, span)
    lagrum = duty
    if d.executed_on is not None:
        if d.executed_on > deadline:
            case.add("tid.ej_verkstalld", beslutat=d.decided_on.isoformat(), inom=span.words(),
                     status=Text(f"verkställt {d.executed_on.isoformat()}", f"carried out {d.executed_on.isoformat()}"),
                     lagrum=lagrum, values={
                         "beslutsdatum": d.decided_on, "verkställt": d.executed_on})
    elif known(d, "executed_on") and case.lookups.as_of is not None and case.lookups.as_of > deadline:
        case.add("tid.ej_verkstalld", beslutat=d.decided_on.isoformat(), inom=span.words(),
                 status=Text(f"ej verkställt per {case.lookups.as_of.isoformat()}",
                             f"not carried out as of {case.lookups.as_of.isoformat()}"), lagrum=lagrum)
