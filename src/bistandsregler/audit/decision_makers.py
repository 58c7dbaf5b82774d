"""Section 3, decision-makers: refusal rate and mean granted hours, indirectly standardised for
insats and age band, against the unit's own rates in funnel plots (Spiegelhalter 2005).

Refusals: for each decision-maker the observed refusals O and the expected E, the sum over
their decisions of the unit's refusal rate in the decision's stratum (insats × age band).
O/E is the standardised ratio; O/E times the unit's rate is the standardised refusal rate. The
funnel's limits are those of a Poisson count with mean E (Spiegelhalter, Statistics in Medicine
2005;24:1185–1202, section 3 and appendix A.1.1, interpolated between integers), at 95 % and
99.8 %; the Poisson is slightly conservative for a sum of binomials.

Hours: among granted decisions with hours, the observed mean against the expected mean (the
unit's stratum means over the same decisions); the difference in hours has the limits
± z · s / √n, with s the pooled standard deviation within strata (a normal approximation).

A decision-maker beyond the 99.8 % limits is an outlier and is named by id only. Counts always
stand beside the rates; fewer than ``FEW`` decisions are marked as few.
"""

from __future__ import annotations

import math
from collections import defaultdict

from bistandsregler.audit.records import UNKNOWN, Dataset, Record
from bistandsregler.audit.report import (
    Column,
    Funnel,
    FunnelLimit,
    FunnelPoint,
    Row,
    Section,
    Table,
    TraceBook,
)
from bistandsregler.audit.stats import poisson_limit, z_for
from bistandsregler.language.messages import Text

FEW = 10
LIMITS = (0.95, 0.998)


def stratum(record: Record) -> tuple[str, str]:
    return (record.insats or record.insats_name, record.age_band)


def refusal_funnel(records: list[Record]) -> tuple[dict[str, dict], float]:
    """Per decision-maker: n, observed and expected refusals, O/E and where it lies."""
    known = [r for r in records if r.outcome is not None]
    strata: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in known:
        s = strata[stratum(r)]
        s[0] += 1
        s[1] += bool(r.refused)
    overall = sum(s[1] for s in strata.values()) / len(known) if known else 0.0
    out: dict[str, dict] = {}
    for r in known:
        row = out.setdefault(r.decision_maker or UNKNOWN, {"n": 0, "observed": 0, "expected": 0.0, "records": []})
        n, refused = strata[stratum(r)]
        row["n"] += 1
        row["observed"] += bool(r.refused)
        row["expected"] += refused / n
        row["records"].append(r)
    for row in out.values():
        e = row["expected"]
        row["ratio"] = row["observed"] / e if e > 0 else None
        row["beyond"] = _beyond_poisson(row["observed"], e)
    return out, overall


def _beyond_poisson(observed: int, expected: float) -> str:
    if expected <= 0:
        return ""
    beyond = ""
    for coverage, name in zip(LIMITS, ("95", "99.8"), strict=True):
        tail = (1 - coverage) / 2
        ratio = observed / expected
        if ratio > poisson_limit(1 - tail, expected) or ratio < poisson_limit(tail, expected):
            beyond = name
    return beyond


def hours_funnel(records: list[Record]) -> tuple[dict[str, dict], float | None]:
    """Per decision-maker: n, observed and expected mean hours, the difference, where it lies;
    and the pooled within-stratum standard deviation."""
    with_hours = [r for r in records if r.granted and r.hours is not None]
    strata: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in with_hours:
        strata[stratum(r)].append(float(r.hours))  # type: ignore[arg-type]
    means = {k: sum(v) / len(v) for k, v in strata.items()}
    dof = sum(len(v) - 1 for v in strata.values())
    if dof <= 0:
        return {}, None
    sd = math.sqrt(sum((x - means[k]) ** 2 for k, v in strata.items() for x in v) / dof)
    out: dict[str, dict] = {}
    for r in with_hours:
        row = out.setdefault(r.decision_maker or UNKNOWN, {"n": 0, "sum": 0.0, "expected_sum": 0.0, "records": []})
        row["n"] += 1
        row["sum"] += float(r.hours)  # type: ignore[arg-type]
        row["expected_sum"] += means[stratum(r)]
        row["records"].append(r)
    for row in out.values():
        row["mean"] = row["sum"] / row["n"]
        row["expected"] = row["expected_sum"] / row["n"]
        row["difference"] = row["mean"] - row["expected"]
        se = sd / math.sqrt(row["n"]) if sd > 0 else 0.0
        row["beyond"] = ""
        for coverage, name in zip(LIMITS, ("95", "99.8"), strict=True):
            if se > 0 and abs(row["difference"]) > z_for(coverage) * se:
                row["beyond"] = name
    return out, sd


def section(data: Dataset, traces: TraceBook, lang: str = "sv") -> Section:
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    refusals, overall = refusal_funnel(data.records)
    hours, sd = hours_funnel(data.records)
    few = t("få beslut", "few decisions")
    rows = []
    for maker in sorted(refusals, key=lambda m: (m == UNKNOWN, m)):
        row = refusals[maker]
        refused = [r.ref() for r in row["records"] if r.refused]
        trace = traces.add(f"avslag:{maker}", f"{t('Avslag', 'Refusals')}: {maker}", refused)
        ratio = row["ratio"]
        rows.append(Row(cells=[maker, row["n"], row["observed"], round(row["expected"], 2),
                               round(ratio, 3) if ratio is not None else None,
                               round(ratio * overall, 4) if ratio is not None else None,
                               _beyond(row["beyond"], t), few if row["n"] < FEW else ""], trace=trace))
    refusal_table = Table(
        id="beslutsfattare_avslag", title=t("Avslag per beslutsfattare, standardiserat", "Refusals by decision-maker, standardised"),
        note=t(f"Förväntade avslag: enhetens avslagsandel i beslutets insats och åldersgrupp, summerad över "
               f"beslutsfattarens beslut. Enhetens avslagsandel: {overall:.1%}. Gränser: Poisson, 95 % och 99,8 %.",
               f"Expected refusals: the unit's refusal rate in the decision's insats and age band, summed over the "
               f"decision-maker's decisions. The unit's refusal rate: {overall:.1%}. Limits: Poisson, 95 % and 99.8 %."),
        columns=[Column(key="beslutsfattare", label=t("beslutsfattare", "decision-maker")),
                 Column(key="beslut", label=t("beslut", "decisions"), kind="count"),
                 Column(key="avslag", label=t("avslag", "refusals"), kind="count"),
                 Column(key="forvantade", label=t("förväntade", "expected"), kind="number"),
                 Column(key="kvot", label=t("observerade/förväntade", "observed/expected"), kind="number"),
                 Column(key="standardiserad_andel", label=t("standardiserad andel", "standardised rate"), kind="rate"),
                 Column(key="utanfor", label=t("utanför gränsen", "beyond the limit")),
                 Column(key="fa", label=t("anm.", "note"))],
        rows=rows,
    )
    hour_rows = []
    for maker in sorted(hours, key=lambda m: (m == UNKNOWN, m)):
        row = hours[maker]
        trace = traces.add(f"timmar_per_beslutsfattare:{maker}", f"{t('Beviljade timmar', 'Granted hours')}: {maker}",
                           [r.ref() for r in row["records"]])
        hour_rows.append(Row(cells=[maker, row["n"], round(row["mean"], 2), round(row["expected"], 2),
                                    round(row["difference"], 2), _beyond(row["beyond"], t),
                                    few if row["n"] < FEW else ""], trace=trace))
    hours_table = Table(
        id="beslutsfattare_timmar", title=t("Beviljade timmar per månad per beslutsfattare, standardiserat",
                                            "Granted hours a month by decision-maker, standardised"),
        note=t("Förväntat medelvärde: enhetens medel i beslutets insats och åldersgrupp. Gränser: ± z · s/√n, "
               f"s = {sd:.2f} timmar (sammanvägd inom grupperna)." if sd is not None else "För få beslut med timmar.",
               "Expected mean: the unit's mean in the decision's insats and age band. Limits: ± z · s/√n, "
               f"s = {sd:.2f} hours (pooled within the groups)." if sd is not None else "Too few decisions with hours."),
        columns=[Column(key="beslutsfattare", label=t("beslutsfattare", "decision-maker")),
                 Column(key="beslut", label=t("beviljade med timmar", "granted with hours"), kind="count"),
                 Column(key="medel", label=t("medel", "mean"), kind="number"),
                 Column(key="forvantat", label=t("förväntat", "expected"), kind="number"),
                 Column(key="skillnad", label=t("skillnad", "difference"), kind="number"),
                 Column(key="utanfor", label=t("utanför gränsen", "beyond the limit")),
                 Column(key="fa", label=t("anm.", "note"))],
        rows=hour_rows,
    )
    charts = []
    if refusals:
        charts.append(_refusal_chart(refusals, t))
    if hours and sd:
        charts.append(_hours_chart(hours, sd, t))
    outliers = sorted({m for m, r in refusals.items() if r["beyond"] == "99.8"} | {m for m, r in hours.items() if r["beyond"] == "99.8"})
    paragraphs = [t("Utanför 99,8 %-gränsen: " + (", ".join(outliers) if outliers else "ingen") + ". "
                    "Av 20 beslutsfattare som beslutar lika hamnar i genomsnitt en utanför 95 %-gränsen av en slump; "
                    "99,8 %-gränsen är den som pekar ut.",
                    "Beyond the 99.8 % limit: " + (", ".join(outliers) if outliers else "none") + ". "
                    "Of 20 decision-makers who decide alike, one on average lies beyond the 95 % limit by chance; "
                    "the 99.8 % limit is the one that singles out.")]
    return Section(id="beslutsfattare", title=t("Beslutsfattare", "Decision-makers"), paragraphs=paragraphs,
                   tables=[refusal_table, hours_table], charts=charts)


def outliers(data: Dataset) -> dict[str, set[str]]:
    """The decision-makers beyond the 99.8 % limits, for refusals and for hours."""
    refusals, _ = refusal_funnel(data.records)
    hours, _ = hours_funnel(data.records)
    return {"avslag": {m for m, r in refusals.items() if r["beyond"] == "99.8"},
            "timmar": {m for m, r in hours.items() if r["beyond"] == "99.8"}}


def _beyond(name: str, t) -> str:
    return {"": "", "95": t("95 %", "95 %"), "99.8": t("99,8 %", "99.8 %")}[name]


def _grid(low: float, high: float, steps: int = 40) -> list[float]:
    low, high = max(low, 0.5), max(high, low * 1.01, 1.0)
    return [low * (high / low) ** (k / (steps - 1)) for k in range(steps)]


def _refusal_chart(rows: dict[str, dict], t) -> Funnel:
    expected = [r["expected"] for r in rows.values() if r["expected"] > 0]
    limits = [FunnelLimit(x=round(e, 3), lower95=poisson_limit(0.025, e), upper95=poisson_limit(0.975, e),
                          lower998=poisson_limit(0.001, e), upper998=poisson_limit(0.999, e))
              for e in _grid(min(expected, default=1) * 0.8, max(expected, default=2) * 1.2)]
    points = [FunnelPoint(label=m, x=round(r["expected"], 3), y=round(r["ratio"], 4), beyond=r["beyond"])
              for m, r in sorted(rows.items()) if r["ratio"] is not None]
    return Funnel(id="tratt-avslag", title=t("Avslag: observerade/förväntade mot förväntade", "Refusals: observed/expected against expected"),
                  x_label=t("förväntade avslag", "expected refusals"), y_label=t("observerade/förväntade", "observed/expected"),
                  target=1.0, points=points, limits=limits)


def _hours_chart(rows: dict[str, dict], sd: float, t) -> Funnel:
    counts = [r["n"] for r in rows.values()]
    limits = []
    for n in _grid(min(counts) * 0.8, max(counts) * 1.2):
        se = sd / math.sqrt(n)
        limits.append(FunnelLimit(x=round(n, 3), lower95=-z_for(0.95) * se, upper95=z_for(0.95) * se,
                                  lower998=-z_for(0.998) * se, upper998=z_for(0.998) * se))
    points = [FunnelPoint(label=m, x=r["n"], y=round(r["difference"], 3), beyond=r["beyond"])
              for m, r in sorted(rows.items())]
    return Funnel(id="tratt-timmar", title=t("Timmar: skillnad mot förväntat mot antal beslut", "Hours: difference from expected against decisions"),
                  x_label=t("beviljade beslut med timmar", "granted decisions with hours"),
                  y_label=t("skillnad, timmar per månad", "difference, hours a month"), target=0.0, points=points, limits=limits)
