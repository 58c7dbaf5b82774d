"""The decision itself: outcome against its own text, and reasons that are not reasons."""

from __future__ import annotations

import re

from bistandsregler.checking.case import Case
from bistandsregler.checking.lookups import normal_words
from bistandsregler.language.messages import Severity, Text

# The stock phrases ("ordlista standardfraser") and the phrases saying the need can be met
# "på annat sätt" ("ordlista annat_sätt") are data: guidelines/nationell/ordlistor.riktlinje,
# added to by the guideline the decision is checked under.
_GRANTS = re.compile(r"\b(beviljas|beviljar|beviljats|beviljad|beviljat)\b\s+(?:även\s+)?([^.;:]+)", re.I)


def check(case: Case) -> None:
    d = case.decision
    refusal_like = d.outcome in ("avslag", "delvis_bifall")
    text = d.justification
    if refusal_like:
        if text is None:
            if "justification" in d.model_fields_set:
                case.add("motivering.saknas", utfall=_outcome(d.outcome))
            else:
                case.cannot_assess(Text("motivering (uppgift saknas)", "the reasons (not in the input)"))
        elif not text.strip():
            case.add("motivering.saknas", utfall=_outcome(d.outcome))
    elif d.outcome == "bifall" and text is not None and not text.strip():
        required = case.requirements.reasons_required_on or []
        if "bifall" in required:
            case.add("motivering.saknas", severity=Severity.WARNING, utfall=Text("Bifall", "A grant"),
                     source=case.guideline.meta if case.guideline else None)
    if not text or not text.strip():
        return
    normal = normal_words(text)
    for phrase in case.lookups.phrases("standardfraser"):
        if normal == phrase or (normal.startswith(phrase) and len(normal.split()) - len(phrase.split()) <= 2):
            case.add("motivering.standardfras", fras=phrase)
            break
    if any(p in normal for p in case.lookups.phrases("annat_sätt")) and not _names_an_alternative(case, text):
        case.add("motivering.alternativ_saknas")
    if d.outcome == "avslag" and case.insats_id:
        _grants_what_it_refuses(case, text)


def _names_an_alternative(case: Case, text: str) -> bool:
    lowered = text.lower()
    insatser = case.lookups.insatser
    # Naming the insats refused ("Avslag på ansökan om korttidsboende.") names no alternative.
    names = {n.lower() for i in insatser.values() if i.id != case.insats_id
             for n in [i.id.replace("_", " "), i.name or "", *i.aliases] if n}
    activities = {n.lower() for a in case.lookups.book.activities.values() for n in [a.id, a.name or "", *a.aliases] if n}
    return any(re.search(rf"\b{re.escape(n)}", lowered) for n in names | activities if len(n) > 3)


def _grants_what_it_refuses(case: Case, text: str) -> None:
    for match in _GRANTS.finditer(text):
        granted = match.group(2).strip()
        resolution = case.lookups.resolve_insats(granted)
        if resolution.id is not None and resolution.id == case.insats_id:
            case.add("beslut.utfall_text", insats=case.insats_name, values={"beviljas": granted[:80]})
            return


_OUTCOMES = {"avslag": Text("Avslag", "A refusal"), "delvis_bifall": Text("Delvis bifall", "A partial grant")}


def _outcome(outcome: str | None) -> Text:
    return _OUTCOMES.get(outcome or "", Text("Beslutet", "The decision"))
