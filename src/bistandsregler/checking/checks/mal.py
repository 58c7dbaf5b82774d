"""Goals: present, individual (not the law's general aims), measurable, time-bound, accepted.

Measurability is judged from the text: a number, a frequency, or something one can observe at
follow-up ("ordlista observerbart": what the person does, "handlar", "deltar", "bor kvar", or a
criterion for how, "utan hjälp", "på egen hand"). It is a heuristic, and docs/granskning.md
says exactly what it looks for.
"""

from __future__ import annotations

import re

from bistandsregler.checking.case import Case
from bistandsregler.checking.lookups import normal_words
from bistandsregler.language.messages import Text
from bistandsregler.language.units import split_activities

# The laws' general aims ("ordlista allmänna_syften") and what can be observed ("ordlista
# observerbart") are data: guidelines/nationell/ordlistor.riktlinje. Number words are grammar:
# "en"/"ett" are left out, as articles ("leva ett självständigt liv") they count nothing.
_NUMBER = re.compile(r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|varje|varannan|dagligen|"
                     r"minst|högst|procent)\b", re.I)


def check(case: Case) -> None:
    d = case.decision
    if not case.granted:
        return
    goals = d.goals
    if goals is None:
        case.cannot_assess(Text("mål (uppgift saknas)", "goals (not in the input)"))
        return
    required = case.requirements.goals_required
    if not goals:
        if required:
            source = case.insats if case.insats and case.insats.requirements.goals_required else (
                case.guideline.meta if case.guideline else None)
            case.add("mal.saknas", where=case.requirement_source("goals_required", source))
        return
    for goal in goals:
        text = goal.text.strip()
        short = text if len(text) <= 60 else text[:57] + "…"
        words = normal_words(text)
        measurable = _measurable(case, text, words)
        general = case.lookups.phrase_in("allmänna_syften", words)
        if general is not None and not measurable:
            case.add("mal.generellt", mal=short, values={"allmänt_syfte": general})
        elif not measurable:
            case.add("mal.ej_matbart", mal=short)
        if goal.due is None and "due" in goal.model_fields_set:
            case.add("mal.ej_tidsatt", mal=short)
        elif goal.due is None:
            case.cannot_assess(Text("målens tidpunkt (uppgift saknas)", "the goals' due dates (not in the input)"))
        if goal.accepted is False:
            case.add("mal.ej_accepterat", mal=short)
        elif goal.accepted is None:
            case.cannot_assess(Text("om målen är accepterade (uppgift saknas)", "whether the goals are accepted (not in the input)"))


def _measurable(case: Case, text: str, words: str) -> bool:
    """A number, a frequency the frequency grammar reads, or an entry of ``observerbart`` as whole words."""
    return (bool(_NUMBER.search(text)) or case.lookups.phrase_in("observerbart", words) is not None
            or any(q is not None for _, q in split_activities(text)))
