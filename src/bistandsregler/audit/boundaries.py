"""Section 2, level boundaries: granted hours around each boundary of the guideline in force,
and a test of bunching on the side a decision-maker would be drawn to.

Boundaries come from the rule book, never from this code:

- every ``nivåer`` block measured in hours (``timmar_per_månad``, ``grundbehov_timmar_per_vecka``):
  the lower end of each band but the first (fee levels, the home-care allowance's levels). With a
  ``steg`` the value is rounded half up before it is placed, so the boundary lies half a step
  below the band's lower end. Bunching is measured below (the cheaper or smaller band). A band
  block names no insats: the insatser described in the same section (``avsnitt``) of the same
  guideline are the ones it is about, and without one it applies to every insats;
- every ``värde`` in hours (``timmar per månad`` or ``timmar per vecka``, e.g. the LASS limit of
  20 hours a week of basic needs), read as an upper limit: the value itself is below;
- every rule condition that compares hours with a number (``timmar_per_månad > 100``: consider
  residential care); bunching is measured on the side where the rule does not fire, and the
  rule's insatser (``insats = …`` in the same condition) select the decisions.

The test is the bunching estimator of Chetty, Friedman, Olsen and Pistaferri (2011, QJE 126(2),
749–804), as reviewed by Kleven (2016, Annual Review of Economics 8, 435–464): granted decisions
are counted in bins one unit wide on either side of the boundary, a polynomial (degree 3) is
fitted to the bin counts leaving out a window of two bins next to the boundary on the side
measured, and the excess mass is the observed count in that window minus the polynomial's
counterfactual count, also given relative to the counterfactual's mean bin count. Left out of the fit as well: the two bins on the other
side of the boundary, where bunching decisions come from, and two bins either side of any other
boundary of the same measure. The 95 % confidence interval is the percentile interval of 1 000
bootstrap replications, each drawing the decisions in range with replacement and refitting
(Chetty et al. resample the fit's residuals instead; drawing decisions carries the window's own
sampling noise too, which residuals from the bins outside it do not), seeded so that the report
is reproducible. Bunching is reported when the interval lies above zero. The estimator's
integration constraint (moving the counterfactual so that it holds the same number of decisions)
is not applied: it matters for an elasticity, not for whether there is an excess.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from bistandsregler.audit.records import Dataset, Record
from bistandsregler.audit.report import (
    Column,
    Histogram,
    HistogramBin,
    Row,
    Section,
    Table,
    TraceBook,
)
from bistandsregler.audit.stats import percentile, polyfit, polyval
from bistandsregler.language import model as m
from bistandsregler.language.messages import Text

Measure = Literal["timmar_per_månad", "grundbehov_timmar_per_vecka"]
MEASURES: dict[str, Measure] = {"timmar per månad": "timmar_per_månad", "timmar per vecka": "grundbehov_timmar_per_vecka"}
UNITS = {"timmar_per_månad": Text("timmar per månad", "hours a month"),
         "grundbehov_timmar_per_vecka": Text("timmar grundläggande behov per vecka", "hours of basic needs a week")}

BIN_WIDTH = 1.0  # one hour
BINS_EACH_SIDE = 15
WINDOW_BINS = 2
DEGREE = 3
REPLICATIONS = 1000
MIN_DECISIONS = 50
MIN_FIT_BINS = 6
MIN_FAR_BINS = 3  # bins to fit on the window's far side too: the counterfactual is interpolated, never extrapolated


@dataclass(frozen=True)
class Boundary:
    id: str
    label: str
    kind: Literal["nivåer", "värde", "regel"]
    measure: Measure
    value: Fraction  # as written
    edge: float  # where the two sides meet, in the measure's unit
    edge_below: bool  # a value exactly at the edge is on the lower side
    side: Literal["under", "över"]  # where bunching is measured
    insatser: frozenset[str] | None  # None: every insats
    where: str  # file:line
    national: bool  # from the national layer: applies to every decision


@dataclass
class Bunching:
    boundary: Boundary
    decisions: list[Record]  # granted, with the measure known, in range
    bins: list[HistogramBin]
    in_window: int
    counterfactual: float | None = None
    excess: float | None = None
    excess_ci: tuple[float, float] | None = None
    relative: float | None = None
    relative_ci: tuple[float, float] | None = None
    reason: Text | None = None  # why there is no test

    @property
    def detected(self) -> bool:
        return self.excess_ci is not None and self.excess_ci[0] > 0


def boundaries(book, guideline: m.Guideline | None, national_paths: set[str]) -> list[Boundary]:
    """Every boundary in hours of ``guideline`` and the layers beneath it."""
    found: dict[tuple, Boundary] = {}

    def add(b: Boundary) -> None:
        found.setdefault((b.measure, b.edge, b.side, b.insatser), b)

    sections: dict[tuple[str, str], set[str]] = {}  # (file, avsnitt) -> insatser described there
    for layer in book.layers(guideline):
        for insats in layer.insatser:
            if insats.section:
                sections.setdefault((layer.path, insats.section), set()).add(insats.id)
    for bands in book.bands(guideline).values():
        measure = bands.measure if bands.measure in UNITS else None
        if measure is None or not bands.bands:
            continue
        # A band block says no insats; the insatser in the same section of the same guideline
        # are the ones it is about (Botkyrka's home-care allowance levels stand in section 5,
        # with the allowance). Without such a section the bands apply to every insats.
        named = sections.get((bands.bands[0].pos.file, bands.section or ""))
        band_insatser = frozenset(named) if named else None
        ordered = sorted(bands.bands, key=lambda b: b.low)
        for band in ordered[1:]:
            if band.low <= 0:
                continue
            edge = float(band.low - bands.step / 2) if bands.step else float(band.low)
            add(Boundary(id=f"{bands.id}:{band.name}", label=f"{bands.name or bands.id}: {band.label or band.name}",
                         kind="nivåer", measure=measure, value=band.low, edge=edge, edge_below=False, side="under",
                         insatser=band_insatser, where=f"{band.pos.file}:{band.pos.line}", national=band.pos.file in national_paths))
    for value in book.values(guideline).values():
        measure = MEASURES.get((value.unit or "").strip().lower())
        if measure is None:
            continue
        for entry in value.entries:
            if isinstance(entry.value, Fraction) and entry.value > 0:
                add(Boundary(id=f"{value.id}:{entry.value}", label=value.name or value.id, kind="värde", measure=measure,
                             value=entry.value, edge=float(entry.value), edge_below=True, side="under", insatser=None,
                             where=f"{entry.pos.file}:{entry.pos.line}", national=entry.pos.file in national_paths))
    for rule in book.rules(guideline):
        if rule.when is None:
            continue
        insatser = _insatser(rule.when)
        for compare in _comparisons(rule.when):
            shape = _rule_side(compare)
            if shape is None:
                continue
            measure, number, edge_below, side = shape
            add(Boundary(id=f"{rule.id}", label=rule.name or rule.id, kind="regel", measure=measure, value=number,
                         edge=float(number), edge_below=edge_below, side=side, insatser=insatser,
                         where=f"{compare.pos.file}:{compare.pos.line}", national=compare.pos.file in national_paths))
    return sorted(found.values(), key=lambda b: (b.measure, b.edge, b.id))


def _comparisons(condition) -> list[m.Compare]:
    if isinstance(condition, m.Compare):
        return [condition]
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        return [c for item in condition.items for c in _comparisons(item)]
    return []  # under "inte" the side would flip; such rules are left out


def _insatser(condition) -> frozenset[str] | None:
    """The insatser an "och" condition names (``insats = x``, ``insats i (x, y)``)."""
    items = condition.items if isinstance(condition, m.AllOf) else [condition]
    for item in items:
        if isinstance(item, m.Compare) and item.op == "=" and isinstance(item.left, m.Field_) \
                and item.left.name == "insats" and isinstance(item.right, m.Field_):
            return frozenset([item.right.name])
        if isinstance(item, m.InList) and isinstance(item.item, m.Field_) and item.item.name == "insats" \
                and all(isinstance(o, m.Field_) for o in item.options):
            return frozenset(o.name for o in item.options if isinstance(o, m.Field_))
    return None


def _rule_side(compare: m.Compare) -> tuple[Measure, Fraction, bool, Literal["under", "över"]] | None:
    """For ``hours OP number``: the measure, the number, whether the number itself is on the
    lower side, and the side where the rule does not fire (where bunching would be)."""
    left, right, op = compare.left, compare.right, str(compare.op)
    if isinstance(right, m.Field_) and isinstance(left, m.Number):
        left, right = right, left
        op = {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(op, op)
    if not (isinstance(left, m.Field_) and left.name in UNITS and isinstance(right, m.Number)):
        return None
    measure: Measure = "timmar_per_månad" if left.name == "timmar_per_månad" else "grundbehov_timmar_per_vecka"
    number = right.value
    if op == ">":  # fires above: the number and below are spared
        return measure, number, True, "under"
    if op == ">=":
        return measure, number, False, "under"
    if op == "<":  # fires below: the number and above are spared
        return measure, number, False, "över"
    if op == "<=":
        return measure, number, True, "över"
    return None


def value_of(record: Record, measure: Measure) -> Fraction | None:
    return record.hours if measure == "timmar_per_månad" else record.basic_needs_per_week


def bin_of(value: float, boundary: Boundary) -> int:
    x = (value - boundary.edge) / BIN_WIDTH
    return math.ceil(x) - 1 if boundary.edge_below else math.floor(x)


def bunching(records: list[Record], boundary: Boundary, others: Iterable[Boundary] = (), seed: int = 2011) -> Bunching:
    """The bunching estimate at ``boundary`` from the granted decisions it applies to.

    Left out of the polynomial's fit: the window measured (two bins on the side measured), the
    two bins on the other side (where the decisions that bunch come from) and two bins on
    either side of every other boundary in ``others`` (their own bunching would bend the fit).
    """
    below = min(BINS_EACH_SIDE, int(boundary.edge // BIN_WIDTH))
    first, last = -below, BINS_EACH_SIDE - 1
    counts: Counter[int] = Counter()
    used = []
    for record in records:
        if not record.granted or (boundary.insatser is not None and record.insats not in boundary.insatser):
            continue
        value = value_of(record, boundary.measure)
        if value is None:
            continue
        index = bin_of(float(value), boundary)
        if first <= index <= last:
            counts[index] += 1
            used.append(record)
    near = range(-WINDOW_BINS, WINDOW_BINS)
    window = set(near[:WINDOW_BINS]) if boundary.side == "under" else set(near[WINDOW_BINS:])
    left_out = set(near)
    for other in others:
        if other is not boundary and other.measure == boundary.measure and (
                other.insatser is None or boundary.insatser is None or other.insatser & boundary.insatser):
            offset = round((other.edge - boundary.edge) / BIN_WIDTH)
            left_out.update(range(offset - WINDOW_BINS, offset + WINDOW_BINS))
    indexes = list(range(first, last + 1))
    bins = [HistogramBin(low=boundary.edge + i * BIN_WIDTH, high=boundary.edge + (i + 1) * BIN_WIDTH,
                         count=counts[i], window=i in window) for i in indexes]
    result = Bunching(boundary, used, bins, in_window=sum(counts[i] for i in window))
    fit_bins = [i for i in indexes if i not in left_out]
    lower_fit = [i for i in fit_bins if i < -WINDOW_BINS]
    upper_fit = [i for i in fit_bins if i >= WINDOW_BINS]
    if len(used) < MIN_DECISIONS or len(fit_bins) < MIN_FIT_BINS or not window <= set(indexes) \
            or min(len(lower_fit), len(upper_fit)) < MIN_FAR_BINS:
        result.reason = Text(f"för få beslut eller staplar för ett test (minst {MIN_DECISIONS} beslut och "
                             f"{MIN_FAR_BINS} staplar att anpassa på var sida)",
                             f"too few decisions or bins for a test (at least {MIN_DECISIONS} decisions and "
                             f"{MIN_FAR_BINS} bins to fit on either side)")
        return result
    degree = min(DEGREE, len(fit_bins) - 3)
    scale = float(BINS_EACH_SIDE)

    def z(i: int) -> float:
        return (i + 0.5) / scale

    # The fit is linear in the counts: each fitted bin's unit vector gives one column of the
    # map from counts to predictions, so a bootstrap replication is a weighted sum.
    columns = []
    for k in fit_bins:
        coefficients = polyfit([z(i) for i in fit_bins], [1.0 if i == k else 0.0 for i in fit_bins], degree)
        columns.append([polyval(coefficients, z(i)) for i in indexes])
    in_window = [indexes.index(i) for i in window]
    window_weights = [sum(column[j] for j in in_window) for column in columns]
    position = {i: j for j, i in enumerate(indexes)}

    def excess_of(replicate: list[int]) -> tuple[float, float | None, float]:
        counterfactual = sum(w * replicate[position[k]] for w, k in zip(window_weights, fit_bins, strict=True))
        excess = sum(replicate[position[i]] for i in window) - counterfactual
        base = counterfactual / len(window)
        return excess, (excess / base if base > 0 else None), counterfactual

    observed = [counts[i] for i in indexes]
    excess, relative, counterfactual = excess_of(observed)
    for j, item in enumerate(bins):
        item.counterfactual = round(sum(counts[k] * column[j] for k, column in zip(fit_bins, columns, strict=True)), 3)
    # Decisions drawn with replacement: the bin counts of each replication are multinomial.
    draw = random.Random(seed)
    excesses, relatives = [], []
    for _ in range(REPLICATIONS):
        e, r, _ = excess_of(multinomial(draw, len(used), observed))
        excesses.append(e)
        if r is not None:
            relatives.append(r)
    excesses.sort()
    relatives.sort()
    result.counterfactual = counterfactual
    result.excess = excess
    result.excess_ci = (percentile(excesses, 0.025), percentile(excesses, 0.975))
    result.relative = relative
    if relative is not None and len(relatives) > REPLICATIONS // 2:
        result.relative_ci = (percentile(relatives, 0.025), percentile(relatives, 0.975))
    return result


def multinomial(draw: random.Random, n: int, counts: list[int]) -> list[int]:
    """Counts of ``n`` draws with replacement from bins holding ``counts``: one binomial per bin
    given what is left, so a replication costs a draw per bin, not per decision."""
    left, total, out = n, sum(counts), []
    for count in counts:
        if left <= 0 or total <= 0:
            out.append(0)
            continue
        p = min(1.0, count / total)
        k = binomial(draw, left, p)
        out.append(k)
        left -= k
        total -= count
    return out


def binomial(draw: random.Random, n: int, p: float) -> int:
    """A Binomial(n, p) draw: exact inversion when n·p (or n·(1-p)) is small, else the normal
    approximation, which is within a count of exact there."""
    if p <= 0 or n == 0:
        return 0
    if p >= 1:
        return n
    if p > 0.5:
        return n - binomial(draw, n, 1 - p)
    if n * p < 30:
        u, k = draw.random(), 0
        pmf = (1 - p) ** n
        cdf = pmf
        while u > cdf and k < n:
            pmf *= (n - k) / (k + 1) * p / (1 - p)
            k += 1
            cdf += pmf
        return k
    value = round(draw.gauss(n * p, math.sqrt(n * p * (1 - p))))
    return max(0, min(n, value))


def section(data: Dataset, traces: TraceBook, lang: str = "sv") -> Section:
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    checker = data.checker
    national = {g.path for g in checker.book.national}
    in_force = checker.guideline
    found = boundaries(checker.book, in_force, national)
    rows, charts = [], []
    for index, boundary in enumerate(found):
        records = [r for r in data.records if boundary.national or in_force is None or r.layer == in_force.path]
        estimate = bunching(records, boundary, found, seed=2011 + index)
        unit = UNITS[boundary.measure].render(lang)
        trace = traces.add(f"grans:{boundary.id}:{boundary.edge}", f"{boundary.label} ({_num(boundary.edge)} {unit})",
                           [r.ref() for r in estimate.decisions])
        side = t("under", "below") if boundary.side == "under" else t("över", "above")
        if estimate.reason is not None:
            verdict = estimate.reason.render(lang)
        elif estimate.detected:
            verdict = t("anhopning", "bunching")
        else:
            verdict = t("ingen påvisad anhopning", "no bunching shown")
        ci = estimate.excess_ci
        rci = estimate.relative_ci
        rows.append(Row(cells=[
            boundary.label, boundary.kind, boundary.where, _num(boundary.edge), unit, side,
            len(estimate.decisions), estimate.in_window,
            _round(estimate.counterfactual), _round(estimate.excess),
            _round(ci[0]) if ci else None, _round(ci[1]) if ci else None,
            _round(estimate.relative), _round(rci[0]) if rci else None, _round(rci[1]) if rci else None, verdict,
        ], trace=trace))
        if estimate.decisions:  # an empty chart says nothing the table does not
            charts.append(Histogram(id=f"histogram-{index}", title=f"{boundary.label}: {_num(boundary.edge)} {unit} ({verdict})",
                                    unit=unit, edge=boundary.edge, bins=estimate.bins))
    table = Table(
        id="nivagranser", title=t("Nivågränser och anhopning", "Level boundaries and bunching"),
        note=t(f"Beviljade beslut i staplar om 1 timme, {BINS_EACH_SIDE} på var sida om gränsen. Överskottet är antalet "
               f"beslut i fönstret ({WINDOW_BINS} staplar intill gränsen på den sida som mäts) minus det kontrafaktiska "
               "antalet från ett polynom av grad 3 anpassat till staplarna utanför fönstret (Chetty m.fl. 2011); "
               "relativt överskott är överskottet delat med den kontrafaktiska medelstapeln. 95 % KI: bootstrap av "
               f"residualerna, {REPLICATIONS} dragningar.",
               f"Granted decisions in bins of 1 hour, {BINS_EACH_SIDE} on either side of the boundary. The excess is the "
               f"decisions in the window ({WINDOW_BINS} bins next to the boundary on the side measured) minus the "
               "counterfactual from a degree-3 polynomial fitted to the bins outside the window (Chetty et al. 2011); "
               "the relative excess divides it by the counterfactual's mean bin. 95 % CI: residual bootstrap, "
               f"{REPLICATIONS} replications."),
        columns=[Column(key="grans", label=t("gräns", "boundary")), Column(key="slag", label=t("slag", "kind")),
                 Column(key="var", label=t("i riktlinjen", "in the guideline")),
                 Column(key="vid", label=t("vid", "at"), kind="number"), Column(key="enhet", label=t("enhet", "unit")),
                 Column(key="sida", label=t("sida", "side")),
                 Column(key="beslut", label=t("beslut i intervallet", "decisions in range"), kind="count"),
                 Column(key="i_fonstret", label=t("i fönstret", "in the window"), kind="count"),
                 Column(key="kontrafaktiskt", label=t("kontrafaktiskt", "counterfactual"), kind="number"),
                 Column(key="overskott", label=t("överskott", "excess"), kind="number"),
                 Column(key="ki_lag", label=t("95 % KI, nedre", "95 % CI, low"), kind="number"),
                 Column(key="ki_hog", label=t("95 % KI, övre", "95 % CI, high"), kind="number"),
                 Column(key="relativt", label=t("relativt överskott", "relative excess"), kind="number"),
                 Column(key="rel_ki_lag", label=t("KI, nedre", "CI, low"), kind="number"),
                 Column(key="rel_ki_hog", label=t("KI, övre", "CI, high"), kind="number"),
                 Column(key="slutsats", label=t("slutsats", "conclusion"))],
        rows=rows,
    )
    return Section(id="nivagranser", title=t("Nivågränser", "Level boundaries"),
                   paragraphs=[t("Gränserna är riktlinjens och lagrets egna: nivåer i timmar, värden i timmar och regler "
                                 "som jämför timmar med ett tal. Timmarna kommer ur beslutets timmar per månad eller, när "
                                 "de saknas, ur aktiviteterna prissatta med schablontabellen; tabellen nedan säger hur "
                                 "många av varje, och spåren listar besluten.",
                                 "The boundaries are the guideline's and the law layer's own: bands in hours, values in "
                                 "hours and rules comparing hours with a number. Hours come from the decision's hours "
                                 "a month or, where those are missing, from its activities priced with the standard-time "
                                 "table; the table below says how many of each, and the traces list the decisions.")],
                   tables=[table, hours_sources(data, traces, t)], charts=charts)


def hours_sources(data: Dataset, traces: TraceBook, t) -> Table:
    names = {"timmar_per_månad": t("timmar per månad i beslutet", "hours a month in the decision"),
             "schablon": t("aktiviteter prissatta med schablontabellen", "activities priced with the standard-time table"),
             None: t("okända", "unknown")}
    granted = [r for r in data.records if r.granted]
    rows = []
    for source, name in names.items():
        members = [r for r in granted if r.hours_source == source]
        trace = traces.add(f"timmar:{source or 'okanda'}", f"{t('Timmar', 'Hours')}: {name}", [r.ref() for r in members])
        rows.append(Row(cells=[name, len(members), len(granted)], trace=trace))
    return Table(id="timmarnas_kalla", title=t("Varifrån timmarna kommer", "Where the hours come from"),
                 note=t("Beviljade beslut (bifall och delvis bifall).", "Granted decisions (granted and partly granted)."),
                 columns=[Column(key="kalla", label=t("källa", "source")),
                          Column(key="beslut", label=t("beslut", "decisions"), kind="count"),
                          Column(key="av", label=t("av beviljade", "of granted"), kind="count")],
                 rows=rows)


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
