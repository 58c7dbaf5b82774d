"""A generated year of decisions with known answers, for the audit's statistics.

``year()`` draws decisions under Botkyrka's guideline of 2025 (in force from 2025-07-01): home
care with granted hours from a smooth distribution (whole hours, as case systems record them),
refusals whose probability depends on insats and age band only, twenty decision-makers, and
women and men alike. Each planted effect is an option, off by default:

- ``bunch_below``: a boundary (hours a month, the band's lower end); that share of the
  decisions granted between it and two hours above is moved to the two whole hours below it;
- ``outlier``: a decision-maker id whose refusal probability is multiplied by ``outlier_factor``
  and whose granted hours are scaled by ``outlier_hours``;
- ``women_refused``: odds ratio of refusal for women against men (1 is none);
- ``women_hours``: hours added to women's granted hours.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta
from pathlib import Path

INSATSER = [  # (written as in a case system, law reference, share of decisions, base refusal probability)
    ("Hemtjänst", "11 kap. 1 § SoL", 0.7, 0.12),
    ("Korttidsplats", "11 kap. 1 § SoL", 0.2, 0.30),
    ("Hemvårdsbidrag", "11 kap. 4 § SoL", 0.1, 0.25),
]
AGE_REFUSAL = {"under 65": 1.4, "65–79": 1.0, "80 och äldre": 0.7}
START = date(2025, 7, 1)


def _odds_scaled(p: float, ratio: float) -> float:
    odds = p / (1 - p) * ratio
    return odds / (1 + odds)


def year(n: int = 4000, seed: int = 1, *, bunch_below: int | None = None, bunch_share: float = 0.6,
         outlier: str | None = None, outlier_factor: float = 3.0, outlier_hours: float = 1.0,
         women_refused: float = 1.0, women_hours: float = 0.0, makers: int = 20) -> list[dict]:
    draw = random.Random(seed)
    out = []
    for i in range(n):
        insats, lagrum, _, base = draw.choices(INSATSER, weights=[x[2] for x in INSATSER])[0]
        decided = START + timedelta(days=draw.randrange(365))
        age = draw.choice([40, 55, 62, 68, 72, 76, 82, 86, 91])
        band = "under 65" if age < 65 else "65–79" if age < 80 else "80 och äldre"
        sex = draw.choices(["kvinna", "man", "annat", None], weights=[55, 42, 1, 2])[0]
        maker = f"H{draw.randrange(makers) + 1:02d}"
        p = min(0.95, base * AGE_REFUSAL[band])
        if sex == "kvinna" and women_refused != 1.0:
            p = _odds_scaled(p, women_refused)
        if maker == outlier:
            p = min(0.95, p * outlier_factor)
        refused = draw.random() < p
        record: dict = {
            "id": f"B{i + 1:05d}", "decided_on": decided.isoformat(), "decided_by": {"id": maker, "role": "handläggare"},
            "person": {"birth_year": decided.year - age, **({"sex": sex} if sex else {})},
            "insats": insats, "lagrum": lagrum, "outcome": "avslag" if refused else "bifall",
        }
        if refused:
            record["justification"] = "Behovet tillgodoses genom hemtjänst i form av ledsagning till affären."
        elif insats == "Hemtjänst":
            hours = draw.gammavariate(2.2, 12.0)  # mean about 26 hours a month, smooth
            if sex == "kvinna":
                hours += women_hours
            if maker == outlier:
                hours *= outlier_hours
            whole = max(1, min(300, round(hours)))
            if bunch_below is not None and bunch_below <= whole < bunch_below + 2 and draw.random() < bunch_share:
                whole = bunch_below - 1 - draw.randrange(2)
            record["scope"] = {"hours_per_month": whole}
        out.append(record)
    return out


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def light_records(records: list[dict]):
    """The generated decisions as audit records without running the checker: the statistics
    read only insats, age band, sex, outcome, decision-maker and hours (the checker's part is
    tested end to end elsewhere)."""
    from fractions import Fraction

    from bistandsregler.audit.records import Record, age_band
    from bistandsregler.checking.decision import Decision
    from bistandsregler.checking.evaluation import Result

    ids = {"Hemtjänst": "hemtjänst", "Korttidsplats": "korttidsplats", "Hemvårdsbidrag": "hemvårdsbidrag"}
    out = []
    for index, data in enumerate(records):
        decision = Decision.model_validate(data)
        hours = (data.get("scope") or {}).get("hours_per_month")
        out.append(Record(
            index=index, file="år.jsonl", id=decision.id, source=f"år.jsonl:{index + 1}", decision=decision,
            result=Result(decision.id, f"år.jsonl:{index + 1}"), insats=ids[data["insats"]], insats_name=data["insats"],
            month=data["decided_on"][:7], decision_maker=data["decided_by"]["id"],
            age_band=age_band(decision.person, decision.decided_on),
            sex=data["person"].get("sex", "okänt"), outcome=data["outcome"],
            hours=Fraction(hours) if hours is not None else None, hours_source="timmar_per_månad" if hours is not None else None))
    return out
