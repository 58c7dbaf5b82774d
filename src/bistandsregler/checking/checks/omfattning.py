"""Scope: granted time above the insats's own cap, activities above the guideline's norms, and
granted time above standard time × frequency.

Thresholds ("hemtjänst över 100 timmar i månaden: pröva särskilt boende") are general rules
in the guideline files with code ``omfattning.gransvarde``; they run with the other rules.
"""

from __future__ import annotations

from fractions import Fraction

from bistandsregler.checking.case import Case
from bistandsregler.language.messages import EMPTY, Text
from bistandsregler.language.units import format_hours


def check(case: Case) -> None:
    scope = case.decision.scope
    if not case.granted or scope is None:
        return
    _against_cap(case)
    if not scope.activities:
        return
    readable = []
    for activity in scope.activities:
        text = f"{activity.text} {activity.frequency}" if activity.frequency else activity.text
        name, quantity = _quantity(case, text)
        if name is not None:
            readable.append(text)
            _against_norm(case, name, quantity)
    _against_standard_time(case, readable)


def _against_cap(case: Case) -> None:
    """The insats's own cap ("omfattning högst 6 timmar per månad" for services without needs
    assessment): more time than that is no longer that insats, whatever the reasons say."""
    insats = case.insats
    cap = insats.scope.maximum if insats is not None and insats.scope is not None else None
    if cap is None or cap.quantity.kind != "tid":
        return
    granted = case.granted_minutes
    if granted is None:
        case.cannot_assess(Text("beviljad tid mot insatsens tak (timmar per månad saknas)",
                                "granted time against the service's cap (no hours per month in the input)"))
        return
    if granted > cap.per_month():
        case.add("omfattning.over_tak", insats=case.insats_name, beviljat=_hours(granted), tak=cap.written,
                 source=insats, values={"beviljat_minuter_per_månad": granted, "tak_minuter_per_månad": cap.per_month()})


def _quantity(case: Case, text: str):
    """The activity's name and frequency; an unreadable frequency is said, never skipped silently."""
    from bistandsregler.standard_times.pricing import ActivityTextError, read_activity

    try:
        return read_activity(text)
    except ActivityTextError as error:
        case.add("omfattning.oklar", aktivitet=text, orsak=error.message)
        return None, None


def _against_norm(case: Case, name: str, quantity) -> None:
    if case.insats is None or not case.insats.norms:
        return
    if quantity is None or quantity.kind != "tillfällen":
        return
    activity = case.lookups.national_activity(name)
    norm = next((n for n in case.insats.norms if n.activity == activity), None)
    if norm is None:
        return
    limit = norm.bounds.maximum or norm.bounds.normal
    if limit is None or limit.quantity.kind != "tillfällen":
        return
    if quantity.per_month() > limit.per_month():
        case.add("omfattning.over_norm", aktivitet=name, beviljat=quantity.canonical(), norm=limit.written,
                 source=norm, deviation=True, values={
                     "tillfällen_per_månad": quantity.per_month(), "norm_per_månad": limit.per_month()})


def _against_standard_time(case: Case, written: list[str]) -> None:
    table = case.lookups.table
    if table is None:
        return
    from bistandsregler.standard_times.pricing import ActivityTextError, estimate

    person = case.decision.person
    try:
        result = estimate(table, written, case.lookups.book, household=(person.household or 1) if person else 1)
    except ActivityTextError as error:
        case.add("omfattning.oklar", aktivitet=error.text, orsak=str(error))
        return
    standard = result.total_minutes
    case.facts["schablon_minuter_per_månad"] = standard
    granted = case.granted_minutes
    if granted is None:
        case.cannot_assess(Text("beviljad tid mot schablon (timmar per månad saknas)", "granted time against standard time (no hours per month in the input)"))
        return
    tolerance = case.requirements.tolerance_percent or Fraction(0)
    if standard and granted > standard * (1 + tolerance / 100):
        margin = Text(f" med mer än riktlinjens tolerans {tolerance} %",
                      f" by more than the guideline's tolerance of {tolerance} %") if tolerance else EMPTY
        case.add("omfattning.over_schablon", beviljat=_hours(granted), schablon=_hours(standard),
                 tolerans=margin, source=table.meta, deviation=True, values={
                     "beviljat_minuter_per_månad": granted, "schablon_minuter_per_månad": standard,
                     "tolerans_procent": tolerance, "schablontabell": table.meta.id if table.meta else table.path})


def _hours(minutes: Fraction) -> Text:
    return Text(format_hours(minutes), format_hours(minutes, "en"))
