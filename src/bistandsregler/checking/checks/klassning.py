"""SoL or LSS: the law and insats that fit the person, and the age and personkrets rules."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from bistandsregler.checking.case import Case
from bistandsregler.language import model as m
from bistandsregler.language.messages import Severity, Text

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
    if not case.granted or case.decision.new_grant is False or case.day is None or person is None:
        return
    # From a birth year alone the birthday is unknown: the earliest and the latest possible one.
    if person.birth_date is not None:
        latest = earliest = person.birth_date
    elif person.birth_year is not None:
        earliest, latest = date(person.birth_year, 1, 1), date(person.birth_year, 12, 31)
    else:
        return
    certain, possible = _limit_reached(case, latest), _limit_reached(case, earliest)
    if possible is None:
        return
    vad = Text("nybeviljas eller utökas", "granted or increased") if case.decision.new_grant else Text("beviljas", "granted")
    lage = Text("vid eller efter", "at or past") if certain is not None else Text(
        "kanske vid eller efter (bara födelseåret är känt)", "possibly at or past (only the birth year is known)")
    case.add("klassning.pa_alder", severity=None if certain is not None else Severity.INFO, vad=vad, lage=lage,
             alder=_age_text(lo, hi), grans=str(certain if certain is not None else possible), lagrum="9 b § LSS",
             values={"ålder": _age_text(lo, hi), "åldersgräns": certain if certain is not None else possible})


def _limit_reached(case: Case, born: date) -> int | None:
    """The age limit of 9 b § LSS that a person born on ``born`` has reached on the decision day.

    The limit is the one in force on the birthday that reaches it, not on the decision day: the
    transitional rules keep the older limit for whoever reached it before a change (2022:880 p. 2:
    65 for those who turned 65 before 2023; 2022:881 p. 2: 66 for those who turned 66 before
    2026). So a person born in 1959, 66 in 2025, has reached the limit in 2026 although the
    limit then is the pension target age (67); one born in 1960 has not."""
    day = case.day
    assert day is not None
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    for years in range(age + 1):  # the first birthday that reached the limit then in force
        year = born.year + years
        birthday = date(year, born.month, min(born.day, monthrange(year, born.month)[1]))
        limit = case.lookups.value_at("pa_åldersgräns", birthday)
        if limit is not None and years >= int(limit):
            return int(limit)
    return None


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
