"""A proposed or past decision (beslut), one per insats: the input the checks read.

A field absent from the input is *unknown* (``None``) and yields no defect; an empty list is
known to be empty. Unknown keys are refused, so a misspelled field is an error rather than
a silently unknown value. The JSON Schema (``bistandsregler schema decision``) is generated
from these models.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Size limits: a longer value is an input error naming the record and the field, never
# processed (the checks read free text word by word; a 10 MB goal would hold a service up).
SHORT_TEXT = 1_000  # ids, insats names, law references, roles, frequencies
LONG_TEXT = 250_000  # free text: the justification, a goal, an activity as written
# Hours are finite and within what the calendar allows (1e400, Infinity and NaN are errors).
HOURS_PER_MONTH = 744  # 31 days of 24 hours
HOURS_PER_WEEK = 168

Outcome = Literal["bifall", "delvis_bifall", "avslag"]


class _Input(BaseModel):
    # Only keys are interned: caching every id and text would grow memory with the batch.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, cache_strings="keys")


class DecidedBy(_Input):
    id: str | None = Field(None, max_length=SHORT_TEXT, description="Beslutsfattarens id (inte namn).")
    role: str | None = Field(None, max_length=SHORT_TEXT, description="Roll, matchas mot riktlinjens delegationer (t.ex. handläggare).")
    delegation_since: date | None = Field(None, description="Sedan när beslutsfattaren har delegation.")


class Person(_Input):
    @model_validator(mode="before")
    @classmethod
    def _written_sex_is_annat(cls, data: Any) -> Any:
        # A sex written as something other than kvinna/man, with no sex given, is "annat".
        if isinstance(data, dict) and data.get("sex_written") and data.get("sex") is None:
            return {**data, "sex": "annat"}
        return data

    birth_year: int | None = Field(None, ge=1880, le=2100, description="Födelseår; ger en ålder som intervall.")
    birth_date: date | None = Field(None, description="Födelsedatum; ger exakt ålder.")
    sex: Literal["kvinna", "man", "annat"] | None = Field(
        None, description="Kön: kvinna, man eller annat (allt annat som står i källan, se sex_written)."
    )
    sex_written: str | None = Field(
        None, max_length=SHORT_TEXT,
        description="Könet som det står i källan när det inte är kvinna eller man ('HEN', 'X'); sex är då annat.",
    )
    personkrets: list[Literal[1, 2, 3]] | None = Field(None, description="Personkrets enligt 1 § LSS.")
    household: int | None = Field(None, ge=1, description="Antal personer i hushållet.")
    basic_needs_hours_per_week: float | None = Field(
        None, ge=0, le=HOURS_PER_WEEK, allow_inf_nan=False, description="Grundläggande behov (9 a § LSS), timmar per vecka."
    )


class Activity(_Input):
    text: str = Field(max_length=LONG_TEXT, description="Aktiviteten som skriven, med eller utan frekvens ('dusch 2 gg/v').")
    frequency: str | None = Field(None, max_length=SHORT_TEXT, description="Frekvensen som skriven, om den står för sig.")
    from_text: bool = Field(False, description="Utläst ur fritext (t.ex. avslagsmotiveringen), inte ett eget fält.")


class Scope(_Input):
    activities: list[Activity] | None = None
    hours_per_month: float | None = Field(None, ge=0, le=HOURS_PER_MONTH, allow_inf_nan=False)
    # A decision may grant both personal care and service, each with its hours (the fee and the
    # provider's pay differ between them); they need not add up to hours_per_month, which may be absent.
    care_hours_per_month: float | None = Field(
        None, ge=0, le=HOURS_PER_MONTH, allow_inf_nan=False, description="Beviljade timmar omvårdnad per månad.")
    service_hours_per_month: float | None = Field(
        None, ge=0, le=HOURS_PER_MONTH, allow_inf_nan=False, description="Beviljade timmar service per månad.")


class Goal(_Input):
    text: str = Field(max_length=LONG_TEXT)
    accepted: bool | None = None
    due: date | None = None
    life_area: str | None = Field(None, max_length=SHORT_TEXT, description="Livsområde enligt IBIC.")


class Decision(_Input):
    id: str = Field(max_length=SHORT_TEXT, description="Beslutets id i verksamhetssystemet.")
    decided_on: date | None = None
    decided_by: DecidedBy | None = None
    person: Person | None = None
    insats: str | None = Field(None, max_length=SHORT_TEXT, description="Insatsen som skriven ('Förenkl.handläggn. Hemtj.').")
    lagrum: str | None = Field(None, max_length=SHORT_TEXT, description="Lagrummet som skrivet ('4 kap, 1§ SoL').")
    insats_qualifier: str | None = Field(
        None, max_length=SHORT_TEXT,
        description="Det som står efter lagrummet i beslutstexten, som skrivet: en precisering av insatsen "
        "('natt' i 'Hemtjänst enligt 4 kap, 1§ SoL natt', 'vuxna', 'omprövning').",
    )
    outcome: Outcome | None = None
    applied_for: str | None = Field(None, max_length=SHORT_TEXT, description="Det som ansökan gällde, som skrivet.")
    scope: Scope | None = None
    valid_from: date | None = None
    valid_until: date | Literal["tills_vidare"] | None = None
    follow_up_on: date | None = None
    goals: list[Goal] | None = None
    justification: str | None = Field(None, max_length=LONG_TEXT, description="Beslutets motivering.")
    executed_on: date | None = Field(None, description="När insatsen verkställdes.")
    interrupted_on: date | None = Field(None, description="När verkställigheten avbröts (34 kap. 1 § andra stycket SoL, 28 f § LSS).")
    resumed_on: date | None = Field(None, description="När verkställigheten återupptogs efter avbrottet; null: inte återupptagen.")
    delay_reason: str | None = Field(
        None, max_length=LONG_TEXT,
        description="Skälen för dröjsmålet med verkställigheten, som de står (till rapporten om ej verkställda beslut).",
    )
    new_grant: bool | None = Field(None, description="Nybeviljad eller utökad insats (inte en fortsättning).")
    source: str | None = Field(None, max_length=SHORT_TEXT, description="Var posten kom ifrån (fil:rad); sätts av läsarna.")
