"""SoL or LSS: the law and insats that fit the person, and the age and personkrets rules."""

from __future__ import annotations

from bistandsregler.checking.case import Case
from bistandsregler.language import model as m
from bistandsregler.language.messages import Text

# Which insats is personal assistance, and which are given without needs assessment, is data:
# "slag personlig_assistans" and "slag utan_behovsprövning" in guidelines/nationell/insatser.riktlinje.
ASSISTANCE, WITHOUT_ASSESSMENT = "personlig_assistans", "utan_behovsprövning"


def _ages(case: Case):
    age = case.age
    if age is None:
        return None, None
    return (age, age) if isinstance(age, int) else age


def check(case: Case) -> None:
    insats = case.insats
    if insats is None:
        return
    person = case.decision.person
    krets = person.personkrets if person is not None else None
    lo, hi = _ages(case)
    law = case.facts.get("lag")

    if insats.responsible == "region":
        case.add("klassning.region", insats=case.insats_name, source=insats)

    counterpart = insats.lss_counterpart
    if law == "SoL" and counterpart and krets is None:
        case.cannot_assess(Text("om insatsen kan beviljas enligt LSS (personkrets okänd)",
                           "whether the service could be granted under LSS (personkrets unknown)"))
    if law == "SoL" and counterpart and krets:
        other = case.lookups.insatser.get(counterpart)
        case.add("klassning.lss_mojlig", insats=case.insats_name, krets=", ".join(map(str, krets)),
                 motsvarighet=(other.name if other and other.name else counterpart), source=insats,
                 values={"personkrets": krets, "lag": law})

    if ASSISTANCE in insats.kinds:
        _assistance(case, lo, hi)

    target = insats.target
    if target.personkrets is not None and krets is not None:
        if not krets:
            if law == "LSS" or any(c.ref.law == "LSS" for c in insats.citations):
                case.add("klassning.personkrets", insats=case.insats_name, problem=Text("LSS-insats utan personkrets", "LSS service without personkrets"), source=insats)
        elif not set(krets) & set(target.personkrets):
            groups = ", ".join(map(str, target.personkrets))
            case.add("klassning.personkrets", insats=case.insats_name, source=insats,
                     problem=Text(f"personkrets {', '.join(map(str, krets))}, insatsen är för personkrets {groups}",
                                  f"personkrets {', '.join(map(str, krets))}, the service is for {groups}"),
                     values={"personkrets": krets, "insatsens_personkrets": target.personkrets})

    if target.ages is not None and case.granted:
        _age_group(case, target.ages, lo, hi)

    if insats.simplified == "utesluten" and _cites_simplified(case):
        case.add("klassning.forenklad", insats=case.insats_name, source=insats)


def _assistance(case: Case, lo, hi) -> None:
    person = case.decision.person
    needs = person.basic_needs_hours_per_week if person else None
    limit = case.value("lass_grundbehov_timmar")
    if needs is not None and limit is not None and needs > limit:
        case.add("klassning.lass_mojlig", timmar=f"{needs:g}", grans=str(limit),
                 values={"grundbehov_timmar_per_vecka": needs, "gräns": limit})
    if not case.granted or case.decision.new_grant is False:
        return
    age_limit = case.value("pa_åldersgräns")
    if age_limit is None:
        return
    if lo is not None and lo >= age_limit:
        vad = Text("nybeviljas eller utökas", "granted or increased") if case.decision.new_grant else Text("beviljas", "granted")
        case.add("klassning.pa_alder", vad=vad,
                 alder=_age_text(lo, hi), grans=str(age_limit), lagrum="9 b § LSS",
                 values={"ålder": _age_text(lo, hi), "åldersgräns": age_limit})
    elif hi is not None and hi >= age_limit:
        case.cannot_assess(Text("åldersgräns för personlig assistans (bara födelseår känt)", "the age limit for personal assistance (only the birth year is known)"))


def _age_group(case: Case, ages: m.AgeRange, lo, hi) -> None:
    if lo is None:
        case.cannot_assess(Text("åldersgrupp (ålder okänd)", "the age group (age unknown)"))
        return
    minimum = _bound(case, ages.minimum, +1 if ages.exclusive_min else 0)
    maximum = _bound(case, ages.maximum, -1 if ages.exclusive_max else 0)
    below = minimum is not None and hi < minimum
    above = maximum is not None and lo > maximum
    if below or above:
        group = _group_text(minimum, maximum)
        case.add("klassning.alder_insats", insats=case.insats_name, grupp=group,
                 alder=_age_text(lo, hi), source=case.insats, deviation=True,
                 values={"ålder": _age_text(lo, hi), "åldersgrupp": group.sv})
    elif (minimum is not None and lo < minimum) or (maximum is not None and hi > maximum):
        case.cannot_assess(Text("åldersgrupp (bara födelseår känt)", "the age group (only the birth year is known)"))


def _bound(case: Case, bound, shift: int):
    if bound is None:
        return None
    value = bound.years if bound.years is not None else case.value(bound.value)
    return None if value is None else int(value) + shift


def _group_text(minimum, maximum) -> Text:
    if minimum is not None and maximum is not None:
        return Text(f"{minimum}–{maximum} år", f"ages {minimum}–{maximum}")
    if minimum is not None:
        return Text(f"{minimum} år och äldre", f"ages {minimum} and over")
    return Text(f"yngre än {maximum + 1} år", f"people under {maximum + 1}")


def _age_text(lo, hi) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _cites_simplified(case: Case) -> bool:
    """Does the decision cite a paragraph for decisions without needs assessment?"""
    if case.ref is None:
        return False
    ref = case.ref
    return any(c.ref.key() == ref.key() and c.ref.law == (ref.law or c.ref.law)
               for simplified in case.lookups.insatser_of_kind(WITHOUT_ASSESSMENT) for c in simplified.citations)
