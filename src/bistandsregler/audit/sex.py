"""Section 4, sex: refusals and granted hours for women and men within the same insats and
age band.

Refusal: the Mantel-Haenszel pooled odds ratio of refusal, women against men, over the strata
insats × age band (Mantel and Haenszel 1959, JNCI 22:719–748), with the 95 % confidence
interval from the Robins-Breslow-Greenland variance of its logarithm (Robins, Breslow and
Greenland 1986, Biometrics 42:311–323). An odds ratio of 1 is equal treatment.

Hours: among granted decisions with hours, the difference in mean hours (women minus men)
within each stratum, pooled with the weights n_w·n_m/(n_w + n_m) (the Mantel-Haenszel weights
for a difference), its variance the weighted sum of the strata's s_w²/n_w + s_m²/n_m; a
stratum needs two decisions of each sex. A difference of 0 is equal treatment.

The strata that drive a result are those with the largest share of the pooled weight and the
largest departure from it. Decisions with another or an unknown sex are counted and shown in
every table; they take no part in a comparison of women and men.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from bistandsregler.audit.records import SEXES, Dataset, Record
from bistandsregler.audit.report import Column, Row, Section, Table, TraceBook
from bistandsregler.audit.stats import mean, variance, z_for
from bistandsregler.language.messages import Text


def stratum(record: Record) -> tuple[str, str]:
    return (record.insats_name, record.age_band)


@dataclass
class OddsRatio:
    estimate: float | None
    low: float | None
    high: float | None
    strata: list[dict]  # per stratum: key, a, b, c, d, R, S


def mantel_haenszel(records: list[Record]) -> OddsRatio:
    """The pooled odds ratio of refusal for women against men, with the RBG 95 % CI."""
    tables: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in records:
        if r.outcome is None or r.sex not in ("kvinna", "man"):
            continue
        cell = (0 if r.sex == "kvinna" else 2) + (0 if r.refused else 1)
        tables[stratum(r)][cell] += 1
    strata = []
    sum_r = sum_s = sum_pr = sum_ps_qr = sum_qs = 0.0
    for key, (a, b, c, d) in sorted(tables.items()):
        n = a + b + c + d
        if (a + b) == 0 or (c + d) == 0:
            continue  # one sex only: the stratum carries no comparison
        r_, s_ = a * d / n, b * c / n
        p_, q_ = (a + d) / n, (b + c) / n
        sum_r, sum_s = sum_r + r_, sum_s + s_
        sum_pr += p_ * r_
        sum_ps_qr += p_ * s_ + q_ * r_
        sum_qs += q_ * s_
        strata.append({"key": key, "a": a, "b": b, "c": c, "d": d, "R": r_, "S": s_})
    if sum_r <= 0 or sum_s <= 0:
        return OddsRatio(None, None, None, strata)
    estimate = sum_r / sum_s
    var = sum_pr / (2 * sum_r ** 2) + sum_ps_qr / (2 * sum_r * sum_s) + sum_qs / (2 * sum_s ** 2)
    half = z_for(0.95) * math.sqrt(var)
    return OddsRatio(estimate, math.exp(math.log(estimate) - half), math.exp(math.log(estimate) + half), strata)


@dataclass
class MeanDifference:
    estimate: float | None
    low: float | None
    high: float | None
    strata: list[dict]  # key, n_w, n_m, mean_w, mean_m, weight


def stratified_difference(records: list[Record]) -> MeanDifference:
    groups: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: {"kvinna": [], "man": []})
    for r in records:
        if r.granted and r.hours is not None and r.sex in ("kvinna", "man"):
            groups[stratum(r)][r.sex].append(float(r.hours))
    strata = []
    total_w = weighted = var = 0.0
    for key, by_sex in sorted(groups.items()):
        women, men = by_sex["kvinna"], by_sex["man"]
        if len(women) < 2 or len(men) < 2:
            continue
        w = len(women) * len(men) / (len(women) + len(men))
        diff = mean(women) - mean(men)
        v = variance(women) / len(women) + variance(men) / len(men)
        total_w += w
        weighted += w * diff
        var += w * w * v
        strata.append({"key": key, "n_w": len(women), "n_m": len(men), "mean_w": mean(women), "mean_m": mean(men),
                       "weight": w})
    if total_w <= 0:
        return MeanDifference(None, None, None, strata)
    estimate = weighted / total_w
    se = math.sqrt(var) / total_w
    half = z_for(0.95) * se
    return MeanDifference(estimate, estimate - half, estimate + half, strata)


def section(data: Dataset, traces: TraceBook, lang: str = "sv") -> Section:
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    records = data.records
    names = {"kvinna": t("kvinnor", "women"), "man": t("män", "men"), "annat": t("annat kön", "another sex"),
             "okänt": t("okänt kön", "sex unknown")}
    counts_rows = []
    for sex in SEXES:
        members = [r for r in records if r.sex == sex]
        refused = [r for r in members if r.refused]
        granted = [r for r in members if r.granted and r.hours is not None]
        trace = traces.add(f"kon:{sex}", f"{t('Kön', 'Sex')}: {names[sex]}", [r.ref() for r in members])
        hours = round(mean([float(r.hours) for r in granted]), 2) if granted else None  # type: ignore[arg-type]
        counts_rows.append(Row(cells=[names[sex], len(members), len(records), len(refused),
                                      round(len(refused) / len(members), 4) if members else None, len(granted), hours],
                               trace=trace))
    counts = Table(
        id="kon_antal", title=t("Beslut per kön", "Decisions by sex"),
        note=t("Alla granskade beslut; annat och okänt kön räknas här men ingår inte i jämförelsen kvinnor–män.",
               "Every decision audited; another and unknown sex are counted here but take no part in the "
               "comparison of women and men."),
        columns=[Column(key="kon", label=t("kön", "sex")), Column(key="beslut", label=t("beslut", "decisions"), kind="count"),
                 Column(key="av", label=t("av", "of"), kind="count"), Column(key="avslag", label=t("avslag", "refusals"), kind="count"),
                 Column(key="andel_avslag", label=t("andel avslag", "refusal rate"), kind="rate"),
                 Column(key="beviljade_med_timmar", label=t("beviljade med timmar", "granted with hours"), kind="count"),
                 Column(key="medel_timmar", label=t("medel timmar/månad", "mean hours/month"), kind="number")],
        rows=counts_rows,
    )
    odds = mantel_haenszel(records)
    diff = stratified_difference(records)

    def r(x: float | None, digits: int = 3) -> float | None:
        return None if x is None else round(x, digits)

    pooled = Table(
        id="kon_sammanvagt", title=t("Kvinnor jämfört med män, inom insats och åldersgrupp",
                                     "Women compared with men, within insats and age band"),
        note=t("Oddskvot för avslag: Mantel-Haenszel, 95 % KI enligt Robins-Breslow-Greenland; 1 = lika. "
               "Skillnad i timmar: kvinnor minus män, vägd med Mantel-Haenszel-vikter; 0 = lika.",
               "Odds ratio of refusal: Mantel-Haenszel, 95 % CI by Robins-Breslow-Greenland; 1 = alike. "
               "Difference in hours: women minus men, Mantel-Haenszel weights; 0 = alike."),
        columns=[Column(key="matt", label=t("mått", "measure")), Column(key="skattning", label=t("skattning", "estimate"), kind="number"),
                 Column(key="ki_lag", label=t("95 % KI, nedre", "95 % CI, low"), kind="number"),
                 Column(key="ki_hog", label=t("95 % KI, övre", "95 % CI, high"), kind="number"),
                 Column(key="grupper", label=t("grupper som jämförs", "strata compared"), kind="count"),
                 Column(key="slutsats", label=t("slutsats", "conclusion"))],
        rows=[Row(cells=[t("oddskvot för avslag", "odds ratio of refusal"), r(odds.estimate), r(odds.low), r(odds.high),
                         len(odds.strata), _verdict(odds.low, odds.high, 1.0, t)]),
              Row(cells=[t("skillnad i timmar per månad", "difference in hours a month"), r(diff.estimate), r(diff.low),
                         r(diff.high), len(diff.strata), _verdict(diff.low, diff.high, 0.0, t)])],
    )
    total_weight = sum(s["R"] + s["S"] for s in odds.strata) or 1.0
    strata_rows = []
    for s in sorted(odds.strata, key=lambda s: -abs(s["R"] - s["S"])):
        a, b, c, d = s["a"], s["b"], s["c"], s["d"]
        own = (a * d) / (b * c) if b * c else None
        strata_rows.append(Row(cells=[s["key"][0], s["key"][1], a, a + b, c, c + d, r(own),
                                      round((s["R"] + s["S"]) / total_weight, 4), round(s["R"] - s["S"], 3)]))
    strata = Table(
        id="kon_grupper", title=t("Grupperna bakom oddskvoten", "The strata behind the odds ratio"),
        note=t("Ordnade efter bidrag (R − S: gruppens bidrag till täljaren minus nämnaren i Mantel-Haenszel); "
               "vikt = gruppens andel av R + S.",
               "Ordered by contribution (R − S: the stratum's share of the numerator minus the denominator in "
               "Mantel-Haenszel); weight = its share of R + S."),
        columns=[Column(key="insats", label="insats"), Column(key="alder", label=t("åldersgrupp", "age band")),
                 Column(key="avslag_kvinnor", label=t("avslag kvinnor", "refusals women"), kind="count"),
                 Column(key="kvinnor", label=t("kvinnor", "women"), kind="count"),
                 Column(key="avslag_man", label=t("avslag män", "refusals men"), kind="count"),
                 Column(key="man", label=t("män", "men"), kind="count"),
                 Column(key="oddskvot", label=t("gruppens oddskvot", "stratum odds ratio"), kind="number"),
                 Column(key="vikt", label=t("vikt", "weight"), kind="rate"),
                 Column(key="bidrag", label=t("bidrag R − S", "contribution R − S"), kind="number")],
        rows=strata_rows,
    )
    hours_rows = [Row(cells=[s["key"][0], s["key"][1], s["n_w"], round(s["mean_w"], 2), s["n_m"], round(s["mean_m"], 2),
                             round(s["mean_w"] - s["mean_m"], 2), round(s["weight"], 2)])
                  for s in sorted(diff.strata, key=lambda s: -abs(s["weight"] * (s["mean_w"] - s["mean_m"])))]
    hours_table = Table(
        id="kon_timmar", title=t("Timmar per grupp", "Hours by stratum"),
        note=t("Beviljade beslut med timmar; grupper med minst två kvinnor och två män.",
               "Granted decisions with hours; strata with at least two women and two men."),
        columns=[Column(key="insats", label="insats"), Column(key="alder", label=t("åldersgrupp", "age band")),
                 Column(key="kvinnor", label=t("kvinnor", "women"), kind="count"),
                 Column(key="medel_kvinnor", label=t("medel kvinnor", "mean women"), kind="number"),
                 Column(key="man", label=t("män", "men"), kind="count"),
                 Column(key="medel_man", label=t("medel män", "mean men"), kind="number"),
                 Column(key="skillnad", label=t("skillnad", "difference"), kind="number"),
                 Column(key="vikt", label=t("vikt", "weight"), kind="number")],
        rows=hours_rows,
    )
    return Section(id="kon", title=t("Kön", "Sex"),
                   paragraphs=[t("Kvinnor och män jämförs bara inom samma insats och åldersgrupp, så att skillnader i vilka "
                                 "insatser de söker inte ser ut som olika behandling.",
                                 "Women and men are compared only within the same insats and age band, so that "
                                 "differences in what they apply for do not look like unequal treatment.")],
                   tables=[counts, pooled, strata, hours_table])


def _verdict(low: float | None, high: float | None, equal: float, t) -> str:
    if low is None or high is None:
        return t("för få beslut", "too few decisions")
    if low <= equal <= high:
        return t("ingen skillnad påvisad", "no difference shown")
    return t("skillnad", "difference")
