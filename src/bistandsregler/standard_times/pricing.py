"""Pricing a case (a vignette) under one municipality's standard-time table.

``estimate(table, ["dusch 2 gg/v", "städning varannan vecka"], vocabulary)`` gives one line
per activity as written: the table activity it matched and how, the standard time and the
frequency used, the variant chosen and why, the minutes per month (exact) and the total in
hours per month, with the fee band when bands are given.

Rules, in the order they are applied to a line:

* **Matching** never guesses. A written name matches a table activity by the table's own id or
  name, or through the national vocabulary (its id, name or ``kallas`` aliases) and the table's
  ``motsvarar``. Anything else is an explicit ``omatchad`` line with the closest candidates,
  left out of the total, and the estimate says it is incomplete.
* **Included** (``ingår i``): when an activity the table says is included in another is in the
  case together with that other, it costs nothing extra.
* **Written time** ("ledsagning 4 tim/mån") is used as written; an activity that is
  ``beviljas i timmar`` needs it.
* **Variants** (``tid "70 minuter" om har_omvårdnad`` / ``annars``): the first variant whose facts
  all hold, else ``annars``. ``har_omvårdnad`` holds automatically when any activity of the case
  has the national category omvårdnad; any fact may also be given explicitly.
* **Frequency**: the written one, else the table's ``normalt``. A yearly (or other per-period)
  amount in the table ("3 timmar per år") is used as it stands.
* **Household**: an activity ``delas i hushållet`` is divided equally between the people in the
  household (halved for a couple), and the line says so.

Arithmetic is exact (``Fraction``) under the calendar convention of ``units`` (a month is
1/12 year: 365/12 days, 52/12 weeks). Rounding happens only when printing: minutes to whole
minutes and hours to two decimals, both half up; the band is looked up from the exact total.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bistandsregler.language import encodings
from bistandsregler.language import model as m
from bistandsregler.language.messages import Text, decimal
from bistandsregler.language.units import (
    FrequencyError,
    Quantity,
    exact_json,
    format_hours,
    format_kronor,
    parse_quantity,
    round_minutes,
    split_activity,
)

OMVARDNAD_FACT = "har_omvårdnad"

Status = Literal["prissatt", "ingår", "ingen_tid", "ej_prissatt", "omatchad"]

CONVENTION = Text(
    "Kalender: en månad är 1/12 år, alltså 365/12 dagar och 52/12 veckor (en gång per vecka "
    "= 13/3 ≈ 4,33 gånger per månad). Räkningen är exakt (bråk).",
    "Calendar: a month is 1/12 of a year, that is 365/12 days and 52/12 weeks (once a week "
    "= 13/3 ≈ 4.33 times a month). The arithmetic is exact (fractions).",
)
ROUNDING = Text(
    "Avrundning sker bara i utskriften: minuter till hela minuter och timmar till två "
    "decimaler, halvt uppåt. Summan räknas på de exakta värdena, så den kan skilja sig från "
    "summan av de avrundade raderna. För nivåer avrundas den exakta summan i timmar först till "
    "nivåernas steg (steg 1 = hela timmar).",
    "Rounding happens only when printing: minutes to whole minutes and hours to two "
    "decimals, half up. The total is the sum of the exact values, so it can differ from the "
    "sum of the rounded lines. For a band the exact total in hours is rounded to the bands' "
    "step (steg) first (step 1 = whole hours).",
)

# How a fact reads in a reason. Unknown facts read as "X gäller" / "X gäller inte".
FACT_TEXT: dict[str, tuple[Text, Text]] = {  # (holds, does not hold)
    "har_omvårdnad": (Text("kunden har omvårdnad", "the person has personal care"),
                      Text("kunden har inte omvårdnad", "the person has no personal care")),
    "tvättmaskin_i_bostaden": (Text("tvättmaskin finns i bostaden", "there is a washing machine in the home"),
                               Text("tvättmaskin finns inte i bostaden", "there is no washing machine in the home")),
}


class ActivityTextError(ValueError):
    """An activity text that cannot be read ("dusch 2 xx/v"): the input and what is wrong."""

    def __init__(self, text: str, message: Text, column: int | None = None) -> None:
        where = f" (kolumn {column})" if column else ""
        super().__init__(f"'{text}'{where}: {message.sv}")
        self.text = text
        self.message = message
        self.column = column

    def render(self, lang: str = "sv") -> str:
        """The error in ``lang``: "aktiviteten 'dusch 2 xx/v' (kolumn 8): ..." or its English."""
        where = Text(" (kolumn {c})", " (column {c})").fill(c=self.column) if self.column else ""
        return Text("aktiviteten '{t}'{where}: {m}", "the activity '{t}'{where}: {m}").render(
            lang, {"t": self.text, "where": where, "m": self.message})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class FactUsed(_Model):
    name: str
    source: Literal["angivet", "härlett"]
    because: list[str] = []  # for a derived fact: the activities that made it true


class Line(_Model):
    """One activity of the case, as written, and what the table makes of it."""

    written: str
    name: str
    status: Status
    table_activity: str | None = None
    table_activity_name: str | None = None
    national: str | None = None
    category: str | None = None
    matched_by: str | None = None
    standard_time: str | None = None  # the table's time as written, e.g. "70 minuter"
    minutes_per_occasion: Fraction | None = None
    frequency: str | None = None
    frequency_source: Literal["skriven", "normalt"] | None = None
    occasions_per_month: Fraction | None = None
    variant: str | None = None  # "om har_omvårdnad", "annars", "enda tiden", "skriven tid"
    reason: str
    shared_by: int = 1
    minutes_per_month: Fraction | None = None
    minutes_rounded: int | None = None
    notes: list[str] = []
    candidates: list[str] = []

    @property
    def counted(self) -> bool:
        return self.status in ("prissatt", "ingår")


class BandResult(_Model):
    bands: str
    bands_name: str | None = None
    band: str | None
    label: str | None = None
    low: Fraction | None = None
    high: Fraction | None = None
    value: Fraction  # hours per month as compared with the bands (after rounding to the step)
    step: Fraction = Fraction(0)


class FeeResult(_Model):
    """What the person pays a month under a guideline's ``avgift``: min(hours × timtaxa, ceiling)."""

    fee: str
    fee_name: str | None = None
    on: date
    hours: Fraction  # the case's hours per month, exact
    hourly: Fraction | None = None  # timtaxa, kronor per hour
    hourly_written: str | None = None
    by_hours: Fraction | None = None  # hours × timtaxa
    ceiling: Fraction | None = None  # kronor per month
    ceiling_written: str | None = None
    band: str | None = None  # the band that chose the ceiling
    kronor: Fraction | None = None  # the fee a month; None when an amount is unknown on the day
    kronor_text: str | None = None
    reason: str
    notes: list[str] = []


class CategoryHours(_Model):
    """Hours a month of one national category (omvårdnad, service), and what the provider is paid."""

    category: str | None  # None: activities without a category
    hours: Fraction
    hours_text: str
    rate: Fraction | None = None  # kronor per hour (the table's ersättning)
    kronor: Fraction | None = None
    kronor_text: str | None = None


class Estimate(_Model):
    table: str
    municipality: str | None = None
    kind: str | None = None
    path: str
    household: int = 1
    facts: list[FactUsed] = []
    lines: list[Line]
    total_minutes: Fraction
    total_minutes_rounded: int
    total_hours: Fraction
    total_hours_text: str
    complete: bool
    not_priced: list[str] = []
    bands: list[BandResult] = []
    categories: list[CategoryHours] = []  # care apart from service, with the table's rates
    reimbursement: Fraction | None = None  # kronor a month, when every category has a rate
    fee: FeeResult | None = None
    convention: str
    rounding: str
    lang: str = "sv"

    def to_json(self) -> dict:
        """JSON with numbers as numbers, and the exact fraction beside a rounded one."""
        return exact_json(self)

    def text(self) -> str:
        return render_text(self)


class Vignette(_Model):
    """A case to price: activities as written, facts, household size."""

    name: str = "vinjett"
    description: str | None = None
    activities: list[str]
    facts: list[str] = []
    household: int = Field(default=1, ge=1)


# ---- reading -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = " ".join(text.replace("_", " ").split()).casefold()
    return text.strip(" .,;:!?()\"'")


def national_index(vocabulary: Mapping[str, m.Activity]) -> dict[str, tuple[str, str]]:
    """Written name (normalised) -> (national activity id, how it matched): id, name or alias."""
    index: dict[str, tuple[str, str]] = {}
    for activity in vocabulary.values():
        index.setdefault(_norm(activity.id), (activity.id, "id"))
        if activity.name:
            index.setdefault(_norm(activity.name), (activity.id, "namn"))
        for alias in activity.aliases:
            index.setdefault(_norm(alias), (activity.id, f"kallas '{alias}'"))
    return index


def national_activity(index: Mapping[str, tuple[str, str]], name: str) -> str | None:
    """The national activity id a written name means in ``index`` ("städ" -> städning)."""
    found = index.get(_norm(name))
    return found[0] if found else None


def read_activity(text: str) -> tuple[str, Quantity | None]:
    """Split a written activity into name and quantity, or raise ActivityTextError."""
    if not text or not text.strip():
        raise ActivityTextError(text, Text("tom aktivitet", "empty activity"))
    name, quantity = split_activity(text)
    if quantity is None:
        digit = re.search(r"\d", text)
        if digit:
            start = text.rfind(" ", 0, digit.start()) + 1
            try:
                parse_quantity(text[start:])
            except FrequencyError as error:
                raise ActivityTextError(
                    text, Text(f"frekvensen '{text[start:].strip()}' kan inte läsas: ",
                               f"the frequency '{text[start:].strip()}' cannot be read: ") + error.message,
                    start + error.column,
                ) from None
            raise ActivityTextError(text, Text("frekvensen kan inte läsas", "the frequency cannot be read"))  # pragma: no cover
    if not name:
        raise ActivityTextError(text, Text("ingen aktivitet står före frekvensen (skriv t.ex. 'dusch 2 gg/v')",
                                            "no activity stands before the frequency (write e.g. 'dusch 2 gg/v')"))
    return name, quantity


def load_vignette(path: str | Path) -> Vignette:
    """Read a vignette file (YAML: ``namn``, ``aktiviteter``, ``fakta``, ``hushåll``).

    A plain text file (any other suffix) is one activity per line; ``#`` starts a comment.
    Raises ``ValueError`` with a message naming the file.
    """
    path = Path(path)
    try:
        text = encodings.read_text(path)
    except (OSError, encodings.NotDecodable) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ValueError(f"{path}: vinjetten kan inte läsas: {reason}") from None
    if path.suffix not in (".yaml", ".yml"):
        lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        return Vignette(name=path.stem, activities=[line for line in lines if line])
    return vignette_from_data(_yaml(text, path), str(path))


def _yaml(text: str, path: Path | str) -> object:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: ogiltig YAML: {error}") from None


def vignette_from_data(data: object, where: str, default_name: str = "vinjett") -> Vignette:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: en vinjett är en mappning med 'aktiviteter' (och gärna 'namn')")
    known = {"namn", "name", "beskrivning", "description", "aktiviteter", "activities",
             "fakta", "facts", "hushåll", "household"}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise ValueError(f"{where}: okända nycklar i vinjetten: {', '.join(unknown)}")
    activities = data.get("aktiviteter", data.get("activities"))
    facts = data.get("fakta", data.get("facts")) or []
    household = data.get("hushåll", data.get("household", 1))
    if not isinstance(activities, list) or not activities or not all(isinstance(a, str) for a in activities):
        raise ValueError(f"{where}: 'aktiviteter' ska vara en lista med texter, t.ex. '- dusch 2 gg/v'")
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise ValueError(f"{where}: 'fakta' ska vara en lista med namn, t.ex. '- tvättmaskin_i_bostaden'")
    if not isinstance(household, int) or isinstance(household, bool) or household < 1:
        raise ValueError(f"{where}: 'hushåll' ska vara ett heltal från 1 (antal personer)")
    for activity in activities:
        read_activity(activity)  # raises with the activity named
    return Vignette(
        name=str(data.get("namn", data.get("name", default_name))),
        description=data.get("beskrivning", data.get("description")),
        activities=activities, facts=facts, household=household,
    )


# ---- matching ------------------------------------------------------------------------------


def _vocabulary(vocabulary: object) -> Mapping[str, m.Activity]:
    if vocabulary is None:
        return shipped_vocabulary()
    if isinstance(vocabulary, Mapping):
        return vocabulary
    activities = getattr(vocabulary, "activities", None)  # a RuleBook
    if isinstance(activities, Mapping):
        return activities
    raise TypeError(f"vocabulary: a mapping of activities or a RuleBook, not {type(vocabulary).__name__}")


@cache
def shipped_vocabulary() -> Mapping[str, m.Activity]:
    """The national activity vocabulary shipped with the package: read once, and read-only, so
    that no caller can change it for the next."""
    from bistandsregler.rules.loading import read

    return MappingProxyType(dict(read([]).activities))


class _Index:
    """Names to table activities and to national activities, exact after normalising."""

    def __init__(self, table: m.StandardTimeTable, vocabulary: Mapping[str, m.Activity]) -> None:
        self.table = table
        self.vocabulary = vocabulary
        self.table_names: dict[str, m.StandardActivity] = {}
        for activity in table.activities:
            for key in (activity.id, activity.name or ""):
                if key:
                    self.table_names.setdefault(_norm(key), activity)
        self.national_names = national_index(vocabulary)  # name -> (national id, how)
        self.by_national: dict[str, list[m.StandardActivity]] = {}
        for activity in table.activities:
            target = activity.maps_to or (activity.id if activity.id in vocabulary else None)
            if target:
                self.by_national.setdefault(target, []).append(activity)

    def national_of(self, name: str) -> tuple[str, str] | None:
        return self.national_names.get(_norm(name))

    def match(self, name: str, lang: str) -> tuple[m.StandardActivity | None, str | None, str | None]:
        """(table activity, national id, how it matched)."""
        key = _norm(name)
        national = self.national_of(name)
        if key in self.table_names:
            activity = self.table_names[key]
            nid = activity.maps_to or (national[0] if national else None)
            return activity, nid, Text("tabellens namn", "the table's name").render(lang)
        if national is not None:
            nid, how = national
            found = self.by_national.get(nid, [])
            if found:
                via = Text(f"nationellt ordförråd ({how}) → motsvarar {nid}", f"national vocabulary ({how}) → motsvarar {nid}").render(lang)
                return found[0], nid, via
            return None, nid, None
        return None, None, None

    def candidates(self, name: str, national: str | None) -> list[str]:
        options = {activity.id: activity for activity in self.table.activities}
        keys: dict[str, str] = {}
        for activity in self.table.activities:
            keys.setdefault(_norm(activity.id), activity.id)
            if activity.name:
                keys.setdefault(_norm(activity.name), activity.id)
        for key, (nid, _) in self.national_names.items():
            for activity in self.by_national.get(nid, []):
                keys.setdefault(key, activity.id)
        close = difflib.get_close_matches(_norm(name), list(keys), n=8, cutoff=0.6)
        found = list(dict.fromkeys(keys[k] for k in close))[:3]
        if not found and national:  # a national activity the table lacks: show its kin by name
            close = difflib.get_close_matches(_norm(national), list(keys), n=8, cutoff=0.5)
            found = list(dict.fromkeys(keys[k] for k in close))[:3]
        shown = [options[i] for i in found]
        return [a.id + (f" ({a.name})" if a.name and _norm(a.name) != _norm(a.id) else "") for a in shown]


# The index of a table under a vocabulary is built once, not per estimate (a year of decisions
# prices each against the same table). Found by identity among the few kept, which are held, so
# none can be mistaken for a new object; a handful are kept (a comparison reads a few tables).
_INDEXES: list[tuple[m.StandardTimeTable, Mapping[str, m.Activity], _Index]] = []
INDEXES_KEPT = 16


def _index(table: m.StandardTimeTable, vocabulary: Mapping[str, m.Activity]) -> _Index:
    for kept_table, kept_vocabulary, index in _INDEXES:
        if kept_table is table and kept_vocabulary is vocabulary:
            return index
    index = _Index(table, vocabulary)
    if len(_INDEXES) >= INDEXES_KEPT:
        _INDEXES.pop(0)
    _INDEXES.append((table, vocabulary, index))
    return index


# ---- pricing -------------------------------------------------------------------------------


def _fact_text(fact: str, holds: bool, lang: str) -> str:
    default = (Text(f"{fact} gäller", f"{fact} holds"), Text(f"{fact} gäller inte", f"{fact} does not hold"))
    return FACT_TEXT.get(fact, default)[0 if holds else 1].render(lang)


def fraction_text(value: Fraction, lang: str = "sv") -> str:
    """Exact value with a decimal approximation: "26/3 ≈ 8,67", or "40" when whole."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator} ≈ {decimal(f'{float(value):.2f}', lang)}"


def _number(value: Fraction, lang: str = "sv") -> str:
    """A number for prose: whole, or two decimals."""
    if Fraction(value).denominator == 1:
        return str(Fraction(value).numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return decimal(text, lang)


def estimate(
    table: m.StandardTimeTable,
    activities: Sequence[str],
    vocabulary: Mapping[str, m.Activity] | object | None = None,
    facts: Iterable[str] = frozenset(),
    bands: m.Bands | Sequence[m.Bands] | None = None,
    *,
    household: int = 1,
    fee: m.Fee | None = None,
    values: Mapping[str, m.DatedValue] | None = None,
    fee_bands: Mapping[str, m.Bands] | None = None,
    on: date | None = None,
    lang: str = "sv",
) -> Estimate:
    """Price the activities of a case under ``table``. See the module docstring for the rules.

    ``vocabulary`` is the national activity vocabulary (``RuleBook.activities`` or the rule book
    itself; ``None`` loads the shipped one). Raises ``ActivityTextError`` for an activity text
    that cannot be read, ``ValueError`` for a household smaller than one.
    """
    if household < 1:
        raise ValueError("hushåll måste vara minst 1")
    vocab = _vocabulary(vocabulary)
    index = _index(table, vocab)
    parsed = [(text, *read_activity(text)) for text in activities]
    matches = [index.match(name, lang) for _, name, _ in parsed]

    # Facts: given ones, and har_omvårdnad derived from the categories of the case's activities.
    given = sorted(set(facts))
    used: dict[str, FactUsed] = {f: FactUsed(name=f, source="angivet") for f in given}
    carers = [text for (text, _, _), (_, nid, _) in zip(parsed, matches, strict=True)
              if nid and vocab.get(nid) is not None and vocab[nid].category == "omvårdnad"]
    if carers and OMVARDNAD_FACT not in used:
        used[OMVARDNAD_FACT] = FactUsed(name=OMVARDNAD_FACT, source="härlett", because=carers)
    holding = set(used)

    present: set[str] = set()
    for activity, nid, _ in matches:
        if activity is not None:
            present.add(activity.id)
        if nid:
            present.add(nid)

    lines = []
    for (text, name, quantity), (activity, nid, how) in zip(parsed, matches, strict=True):
        lines.append(_price(text, name, quantity, activity, nid, how, index, vocab, used, holding,
                            present, household, lang))

    total = sum((line.minutes_per_month or Fraction(0) for line in lines if line.counted), Fraction(0))
    band_list = _band_list(bands)
    band_results = [_band(b, total / 60) for b in band_list]
    meta = table.meta
    categories = _categories(lines, meta.rates if meta else [], lang)
    rated = [c.kronor for c in categories if c.kronor is not None]
    fee_result = None
    if fee is not None:
        if on is None:
            raise ValueError("en avgift räknas på en dag: ange on")
        known = fee_bands if fee_bands is not None else {b.id: b for b in band_list}
        fee_result = price_fee(fee, total / 60, on, values or {}, known, lang)
    return Estimate(
        table=meta.id if meta else Path(table.path).stem,
        municipality=meta.municipality if meta else None,
        kind=meta.kind if meta else None,
        path=table.path,
        household=household,
        facts=sorted(used.values(), key=lambda f: f.name),
        lines=lines,
        total_minutes=total,
        total_minutes_rounded=round_minutes(total),
        total_hours=total / 60,
        total_hours_text=format_hours(total, lang),
        complete=all(line.status not in ("omatchad", "ej_prissatt") for line in lines),
        not_priced=[line.written for line in lines if line.status in ("omatchad", "ej_prissatt")],
        bands=band_results,
        categories=categories,
        reimbursement=sum(rated, Fraction(0)) if meta and meta.rates and len(rated) == len(categories) else None,
        fee=fee_result,
        convention=CONVENTION.render(lang),
        rounding=ROUNDING.render(lang),
        lang=lang,
    )


def _categories(lines: Sequence[Line], rates: Sequence[m.Rate], lang: str) -> list[CategoryHours]:
    """Counted hours by national category (omvårdnad apart from service), each with its rate."""
    minutes: dict[str | None, Fraction] = {}
    for line in lines:
        if line.counted and line.minutes_per_month:
            minutes[line.category] = minutes.get(line.category, Fraction(0)) + line.minutes_per_month
    by_category = {r.category: r.money.kronor for r in rates}
    out = []
    for category in sorted(minutes, key=lambda c: (c is None, c or "")):
        hours = minutes[category] / 60
        rate = by_category.get(category) if category else None
        kronor = hours * rate if rate is not None else None
        out.append(CategoryHours(category=category, hours=hours, hours_text=format_hours(minutes[category], lang),
                                 rate=rate, kronor=kronor,
                                 kronor_text=format_kronor(kronor, lang) if kronor is not None else None))
    return out


def price_fee(fee: m.Fee, hours: Fraction, on: date, values: Mapping[str, m.DatedValue],
              bands: Mapping[str, m.Bands], lang: str = "sv") -> FeeResult:
    """The fee a month for ``hours`` a month on the day ``on``: min(hours × timtaxa, ceiling).

    The ceiling is the fee's ``högst`` for the band the hours fall in (``vid nivå``), else its
    plain ``högst``. An amount a value does not have on the day leaves the fee unknown (``None``),
    said in the reason; nothing is guessed.
    """
    t = lambda sv, en: Text(sv, en).render(lang)  # noqa: E731
    notes: list[str] = []
    band = None
    ceiling_amount = None
    chosen = bands.get(fee.bands) if fee.bands else None
    if fee.bands and chosen is not None:
        found = chosen.band_for(hours)
        band = found.name if found else None
        ceiling_amount = next((c.amount for c in fee.ceilings if c.band == band), None) if band else None
        if band is None:
            notes.append(t(f"ingen nivå i {fee.bands} täcker {_number(hours, lang)} tim/mån",
                           f"no band of {fee.bands} covers {_number(hours, lang)} h/month"))
    elif fee.bands:
        notes.append(t(f"nivåerna {fee.bands} är inte inlästa (ange riktlinjen som har dem)",
                       f"the bands {fee.bands} are not read (give the guideline that has them)"))
    if ceiling_amount is None:
        ceiling_amount = next((c.amount for c in fee.ceilings if c.band is None), None)
    hourly = fee.hourly.at(on, values) if fee.hourly else None
    ceiling = ceiling_amount.at(on, values) if ceiling_amount else None
    unknown = [a.written for a, v in ((fee.hourly, hourly), (ceiling_amount, ceiling)) if a is not None and v is None]
    fields: dict[str, Any] = {
        "fee": fee.id, "fee_name": fee.name, "on": on, "hours": hours, "hourly": hourly,
        "hourly_written": fee.hourly.written if fee.hourly else None, "ceiling": ceiling,
        "ceiling_written": ceiling_amount.written if ceiling_amount else None, "band": band, "notes": notes,
    }
    if unknown:
        return FeeResult(**fields, reason=t(f"avgiften kan inte räknas: {', '.join(unknown)} har inget belopp {on}",
                                            f"the fee cannot be computed: {', '.join(unknown)} has no amount on {on}"))
    if fee.hourly is None and ceiling_amount is None:
        return FeeResult(**fields, reason=t("avgiften har inget tak för nivån och ingen timtaxa",
                                            "the fee has no ceiling for the band and no timtaxa"))
    by_hours = hours * hourly if hourly is not None else None
    amounts = [a for a in (by_hours, ceiling) if a is not None]
    kronor = min(amounts)
    where = t(f" (nivå {band})", f" (band {band})") if band else ""
    if by_hours is None:
        reason = t(f"högsta avgift{where}: {format_kronor(kronor, lang)} per månad; den faktiska avgiften beror också "
                   "på avgiftsutrymmet (inkomst och förbehållsbelopp), som verktyget inte räknar",
                   f"highest fee{where}: {format_kronor(kronor, lang)} a month; the actual fee also depends on the "
                   "person's margin (income and reserved amount), which the tool does not compute")
    else:
        assert hourly is not None
        product = t(f"{_number(hours, lang)} tim × {format_kronor(hourly, lang)}/tim = {format_kronor(by_hours, lang)}",
                    f"{_number(hours, lang)} h × {format_kronor(hourly, lang)}/h = {format_kronor(by_hours, lang)}")
        if ceiling is not None and ceiling < by_hours:
            reason = t(f"{product}, högst {format_kronor(ceiling, lang)}{where} per månad: "
                       f"{format_kronor(kronor, lang)}",
                       f"{product}, at most {format_kronor(ceiling, lang)}{where} a month: {format_kronor(kronor, lang)}")
        else:
            reason = product
    return FeeResult(**fields, by_hours=by_hours, kronor=kronor, kronor_text=format_kronor(kronor, lang),
                     reason=reason)


def _band_list(bands: m.Bands | Sequence[m.Bands] | None) -> list[m.Bands]:
    if bands is None:
        return []
    if isinstance(bands, m.Bands):
        return [bands]
    return list(bands)


def _band(bands: m.Bands, hours: Fraction) -> BandResult:
    found = bands.band_for(hours)
    value = bands.rounded(hours)  # what band_for compared
    return BandResult(
        bands=bands.id, bands_name=bands.name,
        band=found.name if found else None, label=found.label if found else None,
        low=found.low if found else None, high=found.high if found else None,
        value=value, step=bands.step,
    )


def _choose_variant(activity: m.StandardActivity, holding: set[str]) -> m.TimeVariant | None:
    for variant in activity.times:
        if variant.when and all(f in holding for f in variant.when):
            return variant
    for variant in activity.times:
        if variant.otherwise or not variant.when:
            return variant
    return None


def _why(activity: m.StandardActivity, variant: m.TimeVariant, used: dict[str, FactUsed],
         lang: str) -> tuple[str, str]:
    """(variant label, reason text) for the chosen time."""
    amount = variant.amount.written
    if variant.when:
        parts = []
        for fact in variant.when:
            origin = used[fact]
            if origin.source == "härlett":
                src = Text(f"härlett av {', '.join(repr(a) for a in origin.because)}", f"derived from {', '.join(repr(a) for a in origin.because)}").render(lang)
            else:
                src = Text("angivet", "given").render(lang)
            parts.append(f"{_fact_text(fact, True, lang)} ({fact}, {src})")
        because = Text(" och ", " and ").render(lang).join(parts)
        return f"om {' och '.join(variant.when)}", Text(f"{amount} eftersom {because}", f"{amount} because {because}").render(lang)
    conditional = [v for v in activity.times if v.when]
    if conditional:
        failed = []
        for other in conditional:
            missing = [f for f in other.when if f not in used]
            failed.extend(missing)
        failed = list(dict.fromkeys(failed))
        texts = []
        for fact in failed:
            if fact == OMVARDNAD_FACT:
                texts.append(Text(f"{_fact_text(fact, False, lang)} ({fact} gäller inte: ingen aktivitet i fallet har kategorin omvårdnad och faktumet är inte angivet)", f"{_fact_text(fact, False, lang)} ({fact} does not hold: no activity of the case has the category omvårdnad and the fact was not given)").render(lang))
            else:
                texts.append(Text(f"{_fact_text(fact, False, lang)} ({fact} är inte angivet)", f"{_fact_text(fact, False, lang)} ({fact} was not given)").render(lang))
        because = Text(" och ", " and ").render(lang).join(texts)
        return "annars", Text(f"{amount} (annars) eftersom {because}", f"{amount} (otherwise) because {because}").render(lang)
    return Text("enda tiden", "only time").render(lang), Text(f"{amount}: tabellens enda tid", f"{amount}: the table's only time").render(lang)


def _price(text: str, name: str, quantity: Quantity | None, activity: m.StandardActivity | None,
           nid: str | None, how: str | None, index: _Index, vocab: Mapping[str, m.Activity],
           used: dict[str, FactUsed], holding: set[str], present: set[str], household: int,
           lang: str) -> Line:
    category = vocab[nid].category if nid and nid in vocab else None
    frequency_text = _written_frequency(text, name, quantity)
    base: dict[str, Any] = {"written": text, "name": name, "national": nid, "category": category}
    if activity is None:
        if nid:
            reason = Text(f"'{name}' är '{nid}' i det nationella ordförrådet, men tabellen har ingen aktivitet som motsvarar den", f"'{name}' is '{nid}' in the national vocabulary, but the table has no activity mapped to it").render(lang)
        else:
            reason = Text(f"'{name}' finns varken i tabellen eller i det nationella ordförrådet", f"'{name}' is neither in the table nor in the national vocabulary").render(lang)
        return Line(**base, status="omatchad", reason=reason, candidates=index.candidates(name, nid),
                    frequency=frequency_text)
    base.update(table_activity=activity.id, table_activity_name=activity.name, matched_by=how,
                frequency=frequency_text)
    notes: list[str] = []

    # 1. included in another activity of the case
    inside = [other for other in activity.included_in if other in present and other != activity.id
              and other != nid]
    if inside:
        separate = ""
        if activity.times:
            separate = Text(f"; separat tid {activity.times[0].amount.written} gäller bara när den beviljas ensam", f"; the separate time {activity.times[0].amount.written} applies only when granted alone").render(lang)
        return Line(**base, status="ingår", variant=Text("ingår", "included").render(lang),
                    reason=Text(f"ingår i {', '.join(inside)} som också finns i fallet{separate}", f"included in {', '.join(inside)}, also in the case{separate}").render(lang),
                    minutes_per_month=Fraction(0), minutes_rounded=0)

    # 2. no time
    if activity.no_time:
        return Line(**base, status="ingen_tid",
                    reason=Text("tabellen anger ingen tid för aktiviteten", "the table gives no time for this activity").render(lang))

    # 3. written time
    if quantity is not None and quantity.kind == "tid":
        minutes = quantity.per_month()
        if activity.granted_in_hours:
            reason = Text("beviljas i timmar: den skrivna tiden används", "granted in hours: the written time is used").render(lang)
        else:
            reason = Text("tiden är skriven i beslutet och används som den står; tabellens schablon används inte", "the time is written in the case and used as written; the table's standard time is not used").render(lang)
        return _finish(base, activity, minutes, household, lang, notes, status="prissatt",
                       variant=Text("skriven tid", "written time").render(lang), reason=reason,
                       frequency_source="skriven")

    if activity.granted_in_hours:
        return Line(**base, status="ej_prissatt",
                    reason=Text(f"{activity.id} beviljas i timmar: skriv tiden, t.ex. '{name} 4 tim/mån'", f"{activity.id} is granted in hours: write the time, e.g. '{name} 4 tim/mån'").render(lang))
    if not activity.times:
        extra = f" ({', '.join(activity.included_in)})" if activity.included_in else ""
        return Line(**base, status="ej_prissatt",
                    reason=Text(f"tabellen har ingen egen tid för {activity.id}; den ingår i annan aktivitet{extra}", f"the table has no time of its own for {activity.id}; it is part of another activity{extra}").render(lang))

    # 4. the variant
    variant = _choose_variant(activity, holding)
    if variant is None:
        needed = sorted({f for v in activity.times for f in v.when})
        return Line(**base, status="ej_prissatt",
                    reason=Text(f"ingen tid passar: tabellen kräver {', '.join(needed)} och har ingen 'annars'", f"no time applies: the table requires {', '.join(needed)} and has no 'annars'").render(lang))
    label, reason = _why(activity, variant, used, lang)
    amount = variant.amount.quantity

    if amount.kind == "tid":  # a yearly (or other per-period) amount, e.g. 3 timmar per år
        minutes = amount.per_month()
        if quantity is not None:
            notes.append(Text(f"frekvensen '{frequency_text}' används inte: tabellen anger {variant.amount.written} oavsett antal tillfällen", f"the frequency '{frequency_text}' is not used: the table gives {variant.amount.written} regardless of occasions").render(lang))
        reason += Text(f" = {fraction_text(minutes, lang)} minuter per månad", f" = {fraction_text(minutes, lang)} minutes a month").render(lang)
        return _finish(base, activity, minutes, household, lang, notes, status="prissatt", variant=label,
                       reason=reason, standard_time=variant.amount.written)

    per_occasion = amount.amount
    if quantity is not None and quantity.kind == "varaktighet":
        return Line(**base, status="ej_prissatt", standard_time=variant.amount.written,
                    minutes_per_occasion=per_occasion, variant=label,
                    reason=Text(f"'{text}' anger tid per tillfälle men ingen frekvens; skriv t.ex. '{name} 1 gg/v'", f"'{text}' gives a time per occasion but no frequency; write e.g. '{name} 1 gg/v'").render(lang))
    if quantity is not None:
        frequency, source = quantity, "skriven"
    elif activity.normal is not None and activity.normal.quantity.kind == "tillfällen":
        frequency, source = activity.normal.quantity, "normalt"
        base["frequency"] = activity.normal.written
    else:
        return Line(**base, status="ej_prissatt", standard_time=variant.amount.written,
                    minutes_per_occasion=per_occasion, variant=label, reason=Text(f"{reason}; men frekvens saknas: skriv t.ex. '{name} 1 gg/v' (tabellen har inget 'normalt')", f"{reason}; but no frequency: write e.g. '{name} 1 gg/v' (the table has no 'normalt')").render(lang))
    occasions = frequency.per_month()
    minutes = per_occasion * occasions
    if source == "normalt":
        reason += Text(f"; frekvens enligt tabellens normalt '{base['frequency']}'", f"; frequency from the table's normalt '{base['frequency']}'").render(lang)
    return _finish(base, activity, minutes, household, lang, notes, status="prissatt", variant=label,
                   reason=reason, standard_time=variant.amount.written, minutes_per_occasion=per_occasion,
                   frequency_source=source, occasions_per_month=occasions)


def _written_frequency(text: str, name: str, quantity: Quantity | None) -> str | None:
    if quantity is None:
        return None
    rest = text.strip()
    if rest.casefold().startswith(name.casefold()):
        rest = rest[len(name):]
    return rest.strip(" ,:") or None


def _finish(base: dict[str, Any], activity: m.StandardActivity, minutes: Fraction, household: int, lang: str,
            notes: list[str], **fields) -> Line:
    if activity.maximum is not None:
        notes.extend(_over_maximum(activity, minutes, fields.get("occasions_per_month"), lang))
    shared_by = 1
    if activity.shared_by_household and household > 1:
        shared_by = household
        whole = minutes
        minutes = minutes / household
        who = Text("makar/par" if household == 2 else f"{household} personer", "a couple" if household == 2 else f"{household} people").render(lang)
        notes.append(Text(f"delas i hushållet: {who} delar tiden, {fraction_text(whole, lang)} / {household} = {fraction_text(minutes, lang)} min/mån", f"shared in the household: {who} share the time, {fraction_text(whole, lang)} / {household} = {fraction_text(minutes, lang)} min/month").render(lang))
    return Line(**base, **fields, shared_by=shared_by, minutes_per_month=minutes,
                minutes_rounded=round_minutes(minutes), notes=notes)


def _over_maximum(activity: m.StandardActivity, minutes: Fraction, occasions: Fraction | None,
                  lang: str) -> list[str]:
    maximum = activity.maximum
    assert maximum is not None
    limit = maximum.quantity
    if limit.kind == "tid":
        if minutes > limit.per_month():
            return [Text(f"över tabellens högsta '{maximum.written}' ({fraction_text(limit.per_month(), lang)} min/mån): motivera", f"above the table's maximum '{maximum.written}' ({fraction_text(limit.per_month(), lang)} min/month): justify").render(lang)]
    elif limit.kind == "tillfällen" and occasions is not None and occasions > limit.per_month():
        return [Text(f"fler tillfällen än tabellens högsta '{maximum.written}': motivera", f"more occasions than the table's maximum '{maximum.written}': justify").render(lang)]
    return []


# ---- text ----------------------------------------------------------------------------------


def render_text(result: Estimate) -> str:
    lang = result.lang
    t = lambda sv, en: Text(sv, en).render(lang)  # noqa: E731
    kind = f", {result.kind}" if result.kind else ""
    where = f" ({result.municipality}{kind})" if result.municipality else ""
    out = [t(f"Schablon: {result.table}{where}  [{result.path}]", f"Standard times: {result.table}{where}  [{result.path}]")]
    if result.kind == "ersättning":
        out.append(t("OBS: ersättningstider (vad utföraren får betalt för), inte bedömningstider.",
                     "NB: reimbursement times (what the provider is paid for), not assessment times."))
    if result.household > 1:
        out.append(t(f"Hushåll: {result.household} personer", f"Household: {result.household} people"))
    if result.facts:
        shown = []
        for fact in result.facts:
            if fact.source == "härlett":
                shown.append(t(f"{fact.name} (härlett av {', '.join(fact.because)})",
                               f"{fact.name} (derived from {', '.join(fact.because)})"))
            else:
                shown.append(t(f"{fact.name} (angivet)", f"{fact.name} (given)"))
        out.append(t("Fakta: ", "Facts: ") + "; ".join(shown))
    else:
        out.append(t("Fakta: inga", "Facts: none"))
    out.append("")
    width = max(len(line.written) for line in result.lines) if result.lines else 10
    status_text = {
        "prissatt": t("", ""), "ingår": t("ingår", "included"), "ingen_tid": t("ingen tid", "no time"),
        "ej_prissatt": t("EJ PRISSATT", "NOT PRICED"), "omatchad": t("OMATCHAD", "UNMATCHED"),
    }
    for line in result.lines:
        minutes = (f"{line.minutes_rounded:>5} {t('min/mån', 'min/mo')}" if line.minutes_rounded is not None
                   else f"{status_text[line.status]:>13}")
        target = f"→ {line.table_activity}" if line.table_activity else ""
        out.append(f"  {line.written:<{width}}  {minutes}  {target}")
        detail = []
        if line.minutes_per_occasion is not None and line.occasions_per_month is not None:
            src = t("skriven", "written") if line.frequency_source == "skriven" else t("tabellens normalt", "table's normalt")
            per = t("tillfällen/mån", "occasions/month")
            detail.append(f"{_number(line.minutes_per_occasion, lang)} min × {fraction_text(line.occasions_per_month, lang)} {per} ('{line.frequency}', {src})")
            if line.minutes_per_month is not None:
                detail[-1] += f" = {fraction_text(line.minutes_per_month * line.shared_by, lang)} min"
        out.append(f"      {line.reason}")
        for item in detail:
            out.append(f"      {item}")
        if line.matched_by and line.matched_by != t("tabellens namn", "the table's name"):
            out.append(t(f"      matchad via {line.matched_by}", f"      matched via {line.matched_by}"))
        for note in line.notes:
            out.append(f"      ! {note}")
        if line.status == "omatchad":
            cands = ", ".join(line.candidates) if line.candidates else t("inga nära namn", "no close names")
            out.append(t(f"      närmaste i tabellen: {cands}", f"      closest in the table: {cands}"))
    out.append("")
    exact = fraction_text(result.total_minutes, lang)
    out.append(t(f"Totalt: {result.total_minutes_rounded} min/mån = {result.total_hours_text}/mån (exakt {exact} min)",
                 f"Total: {result.total_minutes_rounded} min/month = {result.total_hours_text}/month (exactly {exact} min)"))
    if not result.complete:
        out.append(t(f"OFULLSTÄNDIGT: {len(result.not_priced)} {'aktivitet' if len(result.not_priced) == 1 else 'aktiviteter'} ingår inte i summan: {'; '.join(result.not_priced)}",
                     f"INCOMPLETE: {len(result.not_priced)} {'activity' if len(result.not_priced) == 1 else 'activities'} not in the total: {'; '.join(result.not_priced)}"))
    for band in result.bands:
        name = band.bands_name or band.bands
        if band.band is None:
            out.append(t(f"Nivå ({name}): ingen nivå täcker {result.total_hours_text}",
                         f"Band ({name}): no band covers {result.total_hours_text}"))
        else:
            label = f' "{band.label}"' if band.label else ""
            used = t(f"{_number(band.value, lang)} tim efter avrundning till steg {_number(band.step, lang)}",
                     f"{_number(band.value, lang)} h after rounding to step {_number(band.step, lang)}") if band.step else ""
            used = f" ({used})" if used else ""
            out.append(t(f"Nivå ({name}): nivå {band.band}{label}{used}", f"Band ({name}): band {band.band}{label}{used}"))
    for group in result.categories if len(result.categories) > 1 or result.reimbursement is not None else []:
        name = group.category or t("utan kategori", "no category")
        paid = t(f", ersättning {group.kronor_text}/mån", f", reimbursement {group.kronor_text}/month") \
            if group.kronor_text else ""
        out.append(t(f"  {name}: {group.hours_text}/mån{paid}", f"  {name}: {group.hours_text}/month{paid}"))
    if result.reimbursement is not None:
        out.append(t(f"Ersättning till utföraren: {format_kronor(result.reimbursement, lang)}/mån",
                     f"Reimbursement to the provider: {format_kronor(result.reimbursement, lang)}/month"))
    if result.fee is not None:
        fee = result.fee
        name = fee.fee_name or fee.fee
        if fee.kronor_text is not None:
            out.append(t(f"Avgift ({name}, {fee.on}): {fee.kronor_text}/mån", f"Fee ({name}, {fee.on}): {fee.kronor_text}/month"))
        else:
            out.append(t(f"Avgift ({name}, {fee.on}): okänd", f"Fee ({name}, {fee.on}): unknown"))
        out.append(f"  {fee.reason}")
        for note in fee.notes:
            out.append(f"  ! {note}")
    out.append(result.convention)
    out.append(result.rounding)
    return "\n".join(out)
