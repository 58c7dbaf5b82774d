"""Goals: present, individual (not the law's general aims), measurable, time-bound, accepted.

Measurability is judged from the text: a number, a frequency or an observable criterion
("utan hjälp", "på egen hand"). It is a heuristic and says so in the docs.
"""

from __future__ import annotations

import re

from bistandsregler.checking.case import Case
from bistandsregler.checking.lookups import normal_words
from bistandsregler.language.messages import Text
from bistandsregler.language.units import split_activities

# The laws' general aims ("ordlista allmänna_syften", guidelines/nationell/ordlistor.riktlinje):
# a goal that only restates them is not the person's goal.
_NUMBER_WORDS = r"\b(en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|varje|varannan|dagligen|" \
                r"minst|högst|procent)\b"
_OBSERVABLE = re.compile(
    r"\d|" + _NUMBER_WORDS + r"|utan hjälp|på egen hand|själv(ständigt)? (klara|duscha|handla|laga|gå|äta|"
    r"klä)|klarar (att|själv)|ska kunna|kan själv", re.I)


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
        lowered = text.lower()
        words = normal_words(text)
        general = next((aim for aim in case.lookups.phrases("allmänna_syften") if aim in words), None)
        if general is not None and not _OBSERVABLE.search(lowered):
            case.add("mal.generellt", mal=short, values={"allmänt_syfte": general})
        elif not _measurable(lowered):
            case.add("mal.ej_matbart", mal=short)
        if goal.due is None and "due" in goal.model_fields_set:
            case.add("mal.ej_tidsatt", mal=short)
        elif goal.due is None:
            case.cannot_assess(Text("målens tidpunkt (uppgift saknas)", "the goals' due dates (not in the input)"))
        if goal.accepted is False:
            case.add("mal.ej_accepterat", mal=short)
        elif goal.accepted is None:
            case.cannot_assess(Text("om målen är accepterade (uppgift saknas)", "whether the goals are accepted (not in the input)"))


def _measurable(text: str) -> bool:
    return bool(_OBSERVABLE.search(text)) or any(q is not None for _, q in split_activities(text))
