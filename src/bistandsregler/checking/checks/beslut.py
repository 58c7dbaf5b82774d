"""The decision itself: outcome against its own text, and reasons that are not reasons."""

from __future__ import annotations

import re

from bistandsregler.checking.case import Case
from bistandsregler.checking.lookups import normal_words
from bistandsregler.language.messages import Severity, Text
from bistandsregler.rules.catalogue import Resolution

# The word lists the reasons are read with are data (guidelines/nationell/ordlistor.riktlinje,
# added to by the guideline the decision is checked under): the stock phrases ("standardfraser"),
# the case systems' category labels ("kategorier"), words about the person ("om_den_enskilde"),
# what can be observed ("observerbart") and the phrases saying the need can be met "på annat
# sätt" ("annat_sätt").
_GRANTS = re.compile(r"\b(beviljas|beviljar|beviljats|beviljad|beviljat)\b\s+(?:även\s+)?([^.;:]+)", re.I)

# Where a text names what was applied for, and so what a refusal refuses: "Avslag på ansökan om
# X", "Ansökan om X avslås", "Du har ansökt om X". X runs to the end of the clause.
_APPLIED = re.compile(
    r"\b(?:avslag\s+på\s+(?:(?:din|er|hans|hennes|ansökan|ansökningen)\s+)*(?:om\s+)?|ansökan(?:en)?\s+om\s+|"
    r"ansökt\s+om\s+|ansöker\s+om\s+)([^.;:!?,]+)", re.I)
_CLAUSE_END = re.compile(
    r"\s+(?:avslås|avslogs|har\s+avslagits|avslagits|för\s+att|eftersom|då|men|som|beviljas)\b.*$", re.I)

# A category label is two or three words ("Ej behov", "Annan huvudman", "Behov tillgodosett"):
# a reason this short with nothing about the person is one, whatever the case system calls it.
LABEL_WORDS = 3

_RESOLVED_WHOLE = ("exakt", "alias", "förkortning")  # the text names the insats itself, nothing more


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
    stock = _stock_phrase(case, normal)
    if stock is None and refusal_like:
        stock = _label(case, text, normal)
    if stock is not None:
        case.add("motivering.standardfras", fras=stock)
    if any(p in normal for p in case.lookups.phrases("annat_sätt")) and not _names_an_alternative(case, text):
        case.add("motivering.alternativ_saknas")
    if not (refusal_like and case.insats_id):
        return
    applied = _applied_for(case, text)
    _insats_in_text(case, applied)
    if d.outcome == "avslag":
        _grants_what_it_refuses(case, text, applied)


def _stock_phrase(case: Case, normal: str) -> str | None:
    """A stock phrase of the audits, alone or with at most two more words."""
    for phrase in case.lookups.phrases("standardfraser"):
        if normal == phrase or (normal.startswith(phrase) and len(normal.split()) - len(phrase.split()) <= 2):
            return phrase
    return None


def _label(case: Case, text: str, normal: str) -> str | None:
    """A category label in place of reasons: one of the known labels, or a text of at most
    ``LABEL_WORDS`` words with no digit, no word about the person and nothing observable."""
    if normal in case.lookups.phrases("kategorier"):
        return normal
    if (normal and len(normal.split()) <= LABEL_WORDS and not re.search(r"\d", text)
            and case.lookups.phrase_in("om_den_enskilde", normal) is None
            and case.lookups.phrase_in("observerbart", normal) is None):
        return normal
    return None


def _names_an_alternative(case: Case, text: str) -> bool:
    pattern = case.lookups.alternatives(case.insats_id)
    return pattern is not None and pattern.search(text.lower()) is not None


def _applied_for(case: Case, text: str) -> list[Resolution]:
    """What the text says was applied for (and so refused), each read against the catalogue.
    An unresolved one is something that is no insats: an activity, a frequency, help with a task."""
    lag = case.ref.law if case.ref is not None else None
    out = []
    for match in _APPLIED.finditer(text):
        named = _CLAUSE_END.sub("", match.group(1)).strip()
        if not named:
            continue
        resolution = case.lookups.resolve_insats(named, lag)
        # Free text is not a name field: only a catalogue spelling written out in it counts
        # ("särskilt boende för äldre"), not a near match ("stöd" for "Råd och stöd").
        if resolution.how not in _RESOLVED_WHOLE and not (
                set(normal_words(resolution.matched or "").split()) <= set(normal_words(named).split())):
            resolution = Resolution(text=named)
        out.append(resolution)
    return out


def _same_insats(case: Case) -> set[str]:
    """The registered insats and its SoL/LSS counterparts: a text names the help, not the law."""
    insatser = case.lookups.insatser
    own = case.insats_id or ""
    same = {own}
    if case.insats is not None and case.insats.lss_counterpart:
        same.add(case.insats.lss_counterpart)
    same |= {i for i, insats in insatser.items() if insats.lss_counterpart == own}
    return same


def _insats_in_text(case: Case, applied: list[Resolution]) -> None:
    """The reasons speak of an application for another insats than the one registered."""
    named = [r for r in applied if r.id is not None]
    same = _same_insats(case)
    if not named or any(r.id in same for r in named):
        return
    other = case.lookups.insatser.get(named[0].id or "")
    name = (other.name if other is not None and other.name else None) or named[0].matched or named[0].id
    case.add("beslut.insats_text", insats=case.insats_name, i_texten=name,
             values={"registrerad": case.insats_id, "i_texten": named[0].id})


def _grants_what_it_refuses(case: Case, text: str, applied: list[Resolution]) -> None:
    """A refusal whose text grants the very insats registered as refused. A partial refusal is
    no contradiction: the text says it refuses a part (an activity, more of the insats than is
    granted: anything but the insats's own name), and grants the rest."""
    same = _same_insats(case)
    if any(r.id is None or (r.id in same and r.how not in _RESOLVED_WHOLE) for r in applied):
        return
    for match in _GRANTS.finditer(text):
        granted = match.group(2).strip()
        resolution = case.lookups.resolve_insats(granted)
        if resolution.id is not None and resolution.id == case.insats_id:
            case.add("beslut.utfall_text", insats=case.insats_name, values={"beviljas": granted[:80]})
            return


_OUTCOMES = {"avslag": Text("Avslag", "A refusal"), "delvis_bifall": Text("Delvis bifall", "A partial grant")}


def _outcome(outcome: str | None) -> Text:
    return _OUTCOMES.get(outcome or "", Text("Beslutet", "The decision"))
