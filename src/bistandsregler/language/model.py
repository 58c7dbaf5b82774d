"""The rule objects: what a guideline or standard-time file says, as pydantic models.

Every object read from a file carries its source position (``pos``) so that a finding can
point back at the guideline line it rests on. The models are plain data: the meaning checks
live in ``validation``, evaluation in ``evaluation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bistandsregler.language import messages
from bistandsregler.language.lagrum import LawRef
from bistandsregler.language.messages import Severity
from bistandsregler.language.units import Money, MoneyPer, Quantity, money_unit_text, round_to_step

# The closed word sets of the language, as the grammar spells them.
CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]
SpanUnit = Literal["dag", "vecka", "månad", "år"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)


class Pos(_Model):
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Validity(_Model):
    """A period of force. ``None`` at either end means open (from the start / until further notice)."""

    valid_from: date | None = None
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def text(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_until.isoformat() if self.valid_until else "tills vidare"
        return f"{start} – {end}"


ALWAYS = Validity()


class Documented(_Model):
    """What every block may carry: the guideline section, the source and the prose it encodes."""

    section: str | None = None
    source: str | None = None
    text: str | None = None
    pos: Pos


class Amount(_Model):
    """A frequency or amount as written, with its exact meaning."""

    written: str
    quantity: Quantity

    def per_month(self) -> Fraction:
        return self.quantity.per_month()


# ---- conditions ---------------------------------------------------------------------------


class Field_(_Model):
    kind: Literal["falt"] = "falt"
    name: str
    pos: Pos


class Number(_Model):
    kind: Literal["tal"] = "tal"
    value: Fraction
    pos: Pos


class DateLit(_Model):
    kind: Literal["datum"] = "datum"
    value: date
    pos: Pos


class Text(_Model):
    kind: Literal["text"] = "text"
    value: str
    pos: Pos


class ValueRef(_Model):
    kind: Literal["varde"] = "varde"
    name: str
    pos: Pos


class Arith(_Model):
    kind: Literal["aritmetik"] = "aritmetik"
    op: ArithOp
    left: Expr
    right: Expr
    pos: Pos


Expr = Annotated[Field_ | Number | DateLit | Text | ValueRef | Arith, Field(discriminator="kind")]


class Compare(_Model):
    kind: Literal["jamfor"] = "jamfor"
    op: CompareOp
    left: Expr
    right: Expr
    pos: Pos


class InList(_Model):
    kind: Literal["i_lista"] = "i_lista"
    item: Expr
    options: list[Expr]
    pos: Pos


class Present(_Model):
    kind: Literal["finns"] = "finns"
    item: Expr
    negated: bool = False  # "saknas"
    pos: Pos


class Not(_Model):
    kind: Literal["inte"] = "inte"
    item: Condition
    pos: Pos


class AllOf(_Model):
    kind: Literal["och"] = "och"
    items: list[Condition]
    pos: Pos


class AnyOf(_Model):
    kind: Literal["eller"] = "eller"
    items: list[Condition]
    pos: Pos


Condition = Annotated[
    Compare | InList | Present | Not | AllOf | AnyOf, Field(discriminator="kind")
]

# ---- the law layer --------------------------------------------------------------------------


class Paragraph(Documented):
    written: str
    ref: LawRef
    title: str | None = None
    validity: Validity = ALWAYS
    replaces: list[LawRef] = []
    ground: bool = True  # False: "ingen beslutsgrund", no insats is decided under it
    reports: list[LawRef] = []  # "rapportplikt för": grants under these, not carried out, are reported


class Law(Documented):
    id: str
    name: str | None = None
    abbreviation: str | None = None
    sfs: str | None = None
    validity: Validity = ALWAYS
    complete: bool = False
    paragraphs: list[Paragraph] = []


class Citation(_Model):
    written: str
    ref: LawRef
    validity: Validity = ALWAYS
    pos: Pos


# ---- insatser ---------------------------------------------------------------------------------


class AgeBound(_Model):
    years: int | None = None
    value: str | None = None  # a dated value's id, resolved on the decision date


class AgeRange(_Model):
    """Inclusive bounds in whole years: "65 och äldre" is min 65; "under 65" is max 64."""

    minimum: AgeBound | None = None
    maximum: AgeBound | None = None
    exclusive_max: bool = False  # "under värde X": max is X - 1
    exclusive_min: bool = False  # "över värde X": min is X + 1
    pos: Pos


class TargetGroup(_Model):
    ages: AgeRange | None = None
    personkrets: list[int] | None = None
    housing: list[str] | None = None  # recorded, not checked (no housing in a decision)


class Bounds(_Model):
    normal: Amount | None = None
    maximum: Amount | None = None


class Norm(Documented):
    activity: str
    bounds: Bounds


_PLURAL = {"dag": "dagar", "vecka": "veckor", "månad": "månader", "år": "år"}
_UNIT_EN = {"dag": "day", "vecka": "week", "månad": "month", "år": "year"}


class Span(_Model):
    amount: int
    unit: SpanUnit

    def words(self) -> messages.Text:
        """"6 månader", "6 months"."""
        one = self.amount == 1
        unit = messages.Text(self.unit if one else _PLURAL[self.unit], _UNIT_EN[self.unit] + "s" * (not one))
        return f"{self.amount} " + unit


class Cycle(_Model):
    """A respite cycle: "växelvård 2 veckor hemma, 2 veckor på korttidsboende"."""

    home: Span
    away: Span
    where: str  # the insats or place the away period is spent in, as written
    pos: Pos


class Requirements(_Model):
    """Handling rules; ``None`` means the file says nothing (a default or the national layer applies)."""

    goals_required: bool | None = None
    reasons_required_on: list[str] | None = None
    max_duration: Span | None = None
    until_further_allowed: bool | None = None
    follow_up_within: Span | None = None
    plan_within: Span | None = None  # genomförandeplan: recorded, not checked (the provider's plan
    plan_from: str | None = None     # is not part of a decision)
    executed_within: Span | None = None
    tolerance_percent: Fraction | None = None
    positions: dict[str, Pos] = {}

    def merged_over(self, base: Requirements) -> Requirements:
        """These requirements, with ``base`` filling what they leave unsaid."""
        values = {
            name: getattr(self, name) if getattr(self, name) is not None else getattr(base, name)
            for name in type(self).model_fields
            if name != "positions"
        }
        return Requirements(**values, positions={**base.positions, **self.positions})


class Insats(Documented):
    id: str
    name: str | None = None
    citations: list[Citation] = []
    aliases: list[str] = []
    target: TargetGroup = TargetGroup()
    lss_counterpart: str | None = None
    responsible: str | None = None
    simplified: Literal["tillåten", "utesluten"] | None = None
    standard_activities: list[str] = []  # "schablon": names checked, not used when checking decisions
    norms: list[Norm] = []
    scope: Bounds | None = None
    stay_at_most: Span | None = None  # "vistelse högst 3 veckor": per stay, not per decision
    cycle: Cycle | None = None  # recorded: a decision does not carry its stays
    requirements: Requirements = Requirements()
    kinds: list[str] = []  # "slag": what the checks treat it as (INSATS_KINDS)


class Activity(Documented):
    id: str
    name: str | None = None
    category: str | None = None
    aliases: list[str] = []


class Share(_Model):
    """A share of another dated value, read on the same day: "andel 0,5392 / 12 av värde prisbasbelopp"."""

    kind: Literal["andel"] = "andel"
    factor: Fraction
    of: str  # the other value's id
    written: str
    pos: Pos


MAX_SHARE_DEPTH = 8  # a share of a share ...: deeper (or circular) is unknown, and validate says so


class DatedEntry(_Model):
    value: Fraction | str | Share
    validity: Validity = ALWAYS
    pos: Pos


class DatedValue(Documented):
    id: str
    name: str | None = None
    unit: str | None = None
    kronor: bool = False  # the unit is money ("kr", "kr per timme"): compared only with money
    per: MoneyPer | None = None  # what an amount in kronor is counted per
    citation: Citation | None = None
    entries: list[DatedEntry] = []

    def at(self, day: date, values: Mapping[str, DatedValue] | None = None, depth: int = 0) -> Fraction | str | None:
        """The value on ``day``; a share is resolved through ``values`` (unknown without them)."""
        for entry in self.entries:
            if entry.validity.covers(day):
                if not isinstance(entry.value, Share):
                    return entry.value
                other = (values or {}).get(entry.value.of)
                if other is None or depth >= MAX_SHARE_DEPTH:
                    return None
                base = other.at(day, values, depth + 1)
                return entry.value.factor * base if isinstance(base, Fraction) else None
        return None

    def unit_text(self, lang: str = "sv") -> str | None:
        return money_unit_text(self.per, lang) if self.kronor else self.unit


class Band(_Model):
    name: str
    low: Fraction
    high: Fraction | None = None
    label: str | None = None
    pos: Pos


class Bands(Documented):
    id: str
    name: str | None = None
    measure: str | None = None
    step: Fraction = Fraction(0)
    bands: list[Band] = []

    def rounded(self, value: Fraction) -> Fraction:
        """The value the bands are compared with: rounded to the step, half up (exact without one)."""
        return round_to_step(value, self.step)

    def band_for(self, value: Fraction) -> Band | None:
        """The band a value falls in; with a step, values are first rounded to that step."""
        value = self.rounded(value)
        found = None
        for band in self.bands:
            if value >= band.low and (band.high is None or value <= band.high):
                found = band
        return found


# ---- fees ---------------------------------------------------------------------------------------


class MoneyAmount(_Model):
    """An amount in kronor a fee names: written ("415 kr per timme"), a dated value, or a share of one."""

    written: str
    money: Money | None = None  # written as an amount
    value: str | None = None  # "värde NAME"
    share: Share | None = None  # "andel F av värde NAME"
    pos: Pos

    def at(self, day: date, values: Mapping[str, DatedValue]) -> Fraction | None:
        """Kronor on ``day``; ``None`` when a value has no amount that day (or is unknown)."""
        if self.money is not None:
            return self.money.kronor
        if self.share is not None:
            found = DatedValue(id="", entries=[DatedEntry(value=self.share, pos=self.pos)], pos=self.pos)
            amount = found.at(day, values)
        else:
            value = values.get(self.value or "")
            amount = value.at(day, values) if value is not None else None
        return amount if isinstance(amount, Fraction) else None


class Ceiling(_Model):
    """ "högst ...": the most the fee may be per month, for all or for one band ("vid nivå 3")."""

    amount: MoneyAmount
    band: str | None = None
    pos: Pos


class Fee(Documented):
    """ "avgift": what a person pays per month, min(hours × timtaxa, ceiling), the ceiling perhaps by band."""

    id: str
    name: str | None = None
    insatser: list[str] = []  # the insatser the fee is for (none: not said)
    hourly: MoneyAmount | None = None  # "timtaxa": kronor per hour
    ceilings: list[Ceiling] = []
    bands: str | None = None  # "nivåer NAME": the bands that pick the ceiling


class Rule(Documented):
    id: str
    name: str | None = None
    code: str | None = None
    when: Condition | None = None
    severity: Severity | None = None
    message: str | None = None
    english: str | None = None
    field: str | None = None
    citation: Citation | None = None

    @property
    def finding_code(self) -> str:
        return self.code or f"riktlinje.{self.id}"


class Delegation(Documented):
    id: str
    name: str | None = None
    decides: list[str] = []
    after: Span | None = None


class GuidelineMeta(Documented):
    id: str
    title: str | None = None
    municipality: str | None = None
    committee: str | None = None
    reference: str | None = None
    adopted: date | None = None
    validity: Validity = ALWAYS
    replaces: str | None = None
    builds_on: str | None = None


# ---- word lists ------------------------------------------------------------------------------

# The lists a guideline may write ("ordlista NAME"), what each is for, and whether its entries
# are abbreviations ("hemtj" betyder "hemtjänst"). A municipal guideline adds to the lists of
# the layers beneath it. The checks that read each list are named in docs/riktlinjespraket/ordlistor.md.
WORD_LISTS: dict[str, tuple[str, bool]] = {
    "standardfraser": ("motiveringar som är standardfraser (motivering.standardfras)", False),
    "annat_sätt": ("fraser om att behovet kan tillgodoses på annat sätt (motivering.alternativ_saknas)", False),
    "allmänna_syften": ("lagarnas allmänna syften, som inte är individuella mål (mal.generellt)", False),
    "kategorier": ("verksamhetssystemens kategorier som står i stället för en motivering (motivering.standardfras)",
                   False),
    "om_den_enskilde": ("ord om den enskilde eller någon nära; en kort motivering utan något av dem och utan "
                        "något observerbart säger inget om personen (motivering.standardfras)", False),
    "observerbart": ("handlingar och kriterier som går att iaktta vid en uppföljning (mal.ej_matbart, "
                     "mal.generellt)", False),
    "förkortningar": ("förkortningar i insatsnamn (hemtj betyder hemtjänst)", True),
}

# What an insats may be marked as ("slag NAME") for the checks that concern it.
INSATS_KINDS: dict[str, str] = {
    "personlig_assistans": "personlig assistans enligt 9 § 2 LSS: åldersgränsen i 9 b § LSS och "
                           "grundbehoven i 51 kap. 3 § SFB prövas (klassning.pa_alder, klassning.lass_mojlig)",
    "utan_behovsprövning": "insats utan individuell behovsprövning: dess lagrum får inte anges för en "
                           "insats med 'förenklad utesluten' (klassning.forenklad)",
}


class ListEntry(_Model):
    """One entry of a word list: a text, for an abbreviation what it means, and its source."""

    text: str
    meaning: str | None = None
    source: str | None = None  # the entry's own "källa"; else the block's
    pos: Pos


class WordList(Documented):
    id: str  # which list (WORD_LISTS)
    name: str | None = None
    entries: list[ListEntry] = []


class Guideline(_Model):
    """One ``.riktlinje`` file."""

    kind: Literal["riktlinje"] = "riktlinje"
    path: str
    meta: GuidelineMeta | None = None
    laws: list[Law] = []
    insatser: list[Insats] = []
    activities: list[Activity] = []
    values: list[DatedValue] = []
    bands: list[Bands] = []
    rules: list[Rule] = []
    defaults: Requirements | None = None
    delegations: list[Delegation] = []
    word_lists: list[WordList] = []
    fees: list[Fee] = []


# ---- standard times ---------------------------------------------------------------------------


class TimeVariant(_Model):
    amount: Amount
    when: list[str] = []  # facts of the case that must all hold ("har_omvårdnad")
    otherwise: bool = False
    pos: Pos


class StandardActivity(Documented):
    id: str
    name: str | None = None
    maps_to: str | None = None
    times: list[TimeVariant] = []
    normal: Amount | None = None
    maximum: Amount | None = None
    shared_by_household: bool = False
    included_in: list[str] = []
    granted_in_hours: bool = False
    no_time: bool = False


class Rate(_Model):
    """ "ersättning omvårdnad "464 kr per timme"": kronor an hour for a national category's activities."""

    category: str
    written: str
    money: Money
    pos: Pos


class TableMeta(Documented):
    id: str
    title: str | None = None
    municipality: str | None = None
    kind: Literal["bedömning", "ersättning", "normaltid"] | None = None
    validity: Validity = ALWAYS
    undated: bool = False
    rates: list[Rate] = []


class StandardTimeTable(_Model):
    """One ``.schablon`` file."""

    kind: Literal["schablon"] = "schablon"
    path: str
    meta: TableMeta | None = None
    activities: list[StandardActivity] = []


Document = Guideline | StandardTimeTable

# The recursive condition models resolve their forward references when first built
# (``defer_build``): building here would cost every process that only unpickles a cached file.
