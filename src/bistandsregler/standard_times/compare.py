"""Comparing municipalities' standard-time tables, activity by activity.

``compare(tables)`` lines the tables up on the national activity vocabulary (each table's
``motsvarar``) and gives, per national activity and table, the minutes per occasion and the
minutes per month at the default frequency, with the median, the spread and the outliers of
each panel. A vignette, when given, is priced under every table (``pricing.estimate``).

Kinds of table never share a median silently: assessment times (``slag bedömning``, what a
case worker should grant), normal granted times (``slag normaltid``, what is usually granted)
and reimbursement times (``slag ersättning``, what a provider is paid). Statistics are computed per panel, one panel per kind; a table without ``slag`` goes in
its own panel ("okänt"). ``mixed=True`` asks for one more panel over all tables, flagged
``mixed`` in the output and labelled as mixing kinds wherever it is shown.

Outlier rule (``OUTLIER_RULE``): in a panel with at least 3 values, a value more than 50 % from
the panel median is an outlier; with at least 4 values, so is a value outside Tukey's fences
(1.5 × IQR beyond the quartiles; quartiles are the medians of the lower and upper halves).

Default frequency, for minutes per month: the table's own ``normalt``; else a reference
frequency (e.g. the ``norm ... normalt`` lines of a guideline such as Botkyrka's), named in the
output; else no monthly value. A table amount per period ("3 timmar per år") is monthly as it
stands and has no time per occasion.

Everything is exact (``Fraction``); only the printing rounds (to whole minutes, half up).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bistandsregler.language import model as m
from bistandsregler.language.errors import InputError
from bistandsregler.language.messages import EMPTY, Text, decimal
from bistandsregler.language.units import exact_json, format_hours, format_kronor, round_minutes
from bistandsregler.standard_times.pricing import CONVENTION, Estimate, Vignette, estimate

KINDS = ("bedömning", "normaltid", "ersättning", "okänt")
MIXED = "blandat"

OUTLIER_RULE = Text(
    "Avvikande: i en panel med minst 3 värden, ett värde mer än 50 % från panelens median; "
    "med minst 4 värden även ett värde utanför 1,5 × kvartilavståndet (IQR) från kvartilerna. "
    "Med färre än 3 värden markeras inget som avvikande.",
    "Outlier: in a panel with at least 3 values, a value more than 50 % from the panel median; "
    "with at least 4 values also a value more than 1.5 × the interquartile range (IQR) beyond the "
    "quartiles. With fewer than 3 values nothing is marked as an outlier.",
)
PANEL_NOTE = Text(
    "Bedömningstider (slag bedömning), normalt beviljade tider (slag normaltid) och ersättningstider "
    "(slag ersättning) jämförs i skilda paneler och blandas aldrig i samma median utan att det står.",
    "Assessment times (slag bedömning), normal granted times (slag normaltid) and reimbursement times "
    "(slag ersättning) are compared in separate panels and never share a median without saying so.",
)
MIXED_NOTE = Text(
    "Panelen 'blandat' blandar bedömnings- och ersättningstider: dess median är inte en norm.",
    "The panel 'blandat' mixes assessment and reimbursement times: its median is not a norm.",
)

CellStatus = Literal["tid", "per_period", "i_timmar", "ingen_tid", "ingår", "saknas"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class TableInfo(_Model):
    id: str
    municipality: str | None = None
    kind: str  # bedömning | ersättning | okänt
    path: str
    validity: str
    unmapped: list[str] = []  # table activities without motsvarar (or mapped to an unknown id)


class Cell(_Model):
    table: str
    status: CellStatus
    table_activities: list[str] = []
    minutes_per_occasion: Fraction | None = None  # the default ('annars' or only) time
    variants: list[str] = []  # every time as written: "70 minuter om har_omvårdnad"
    per_period: str | None = None  # "3 timmar per år"
    frequency: str | None = None
    frequency_source: str | None = None
    minutes_per_month: Fraction | None = None
    notes: list[str] = []


class Panel(_Model):
    """Statistics over one panel of tables for one activity and one measure."""

    kind: str  # bedömning | ersättning | okänt | blandat
    mixed: bool = False
    values: dict[str, Fraction]
    n: int
    median: Fraction | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    spread: Fraction | None = None  # maximum - minimum
    q1: Fraction | None = None
    q3: Fraction | None = None
    iqr: Fraction | None = None
    deviation_percent: dict[str, Fraction] = {}  # table -> (value - median) / median * 100
    outliers: list[str] = []


class ActivityRow(_Model):
    activity: str
    name: str | None = None
    category: str | None = None
    cells: list[Cell]
    per_occasion: list[Panel] = []
    per_month: list[Panel] = []
    timed_in: list[str] = []
    untimed_in: list[str] = []  # in the table but without a time of its own (ingen tid, i timmar, ingår)
    missing_in: list[str] = []

    def cell(self, table: str) -> Cell | None:
        return next((c for c in self.cells if c.table == table), None)

    def panel(self, measure: str, kind: str) -> Panel | None:
        panels = self.per_occasion if measure == "per_tillfälle" else self.per_month
        return next((p for p in panels if p.kind == kind), None)


class VignetteComparison(_Model):
    vignette: Vignette
    estimates: list[Estimate]
    same_band: dict[str, bool] = {}  # bands id -> every estimate falls in one and the same band
    bands: dict[str, list[tuple[Fraction, Fraction | None, str]]] = {}  # bands id -> (low, high, name)
    steps: dict[str, Fraction] = {}
    band_names: dict[str, str] = {}


class Comparison(_Model):
    tables: list[TableInfo]
    rows: list[ActivityRow]
    mixed: bool = False
    reference_frequencies: str | None = None  # where default frequencies came from, if not the table
    outlier_rule: str
    panel_note: str
    convention: str
    vignette: VignetteComparison | None = None
    lang: str = "sv"

    def row(self, activity: str) -> ActivityRow | None:
        return next((r for r in self.rows if r.activity == activity), None)

    def to_json(self) -> dict:
        """JSON with numbers as numbers, and the exact fraction beside a rounded one."""
        return exact_json(self)

    def text(self) -> str:
        return render_text(self)

    def blocks(self) -> list[str | Grid]:
        """The text report as lines and tables, for a renderer that fits them to a width."""
        return render_blocks(self)


# ---- statistics ---------------------------------------------------------------------------


def median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of nothing")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return (Fraction(ordered[middle - 1]) + Fraction(ordered[middle])) / 2


def quartiles(values: Sequence[Fraction]) -> tuple[Fraction, Fraction]:
    """Tukey's hinges: medians of the lower and upper halves (the middle value left out)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return median(ordered[:half]), median(ordered[-half:])


def panel_stats(values: Mapping[str, Fraction], kind: str, mixed: bool = False) -> Panel:
    """Median, spread, quartiles and outliers of ``values`` (table -> number), exact."""
    numbers = list(values.values())
    if not numbers:
        return Panel(kind=kind, mixed=mixed, values={}, n=0)
    mid = median(numbers)
    fields: dict = {}
    outliers = []
    if len(numbers) >= 4:
        q1, q3 = quartiles(numbers)
        iqr = q3 - q1
        fields.update(q1=q1, q3=q3, iqr=iqr)
        outliers += [t for t, v in values.items() if v < q1 - Fraction(3, 2) * iqr or v > q3 + Fraction(3, 2) * iqr]
    if len(numbers) >= 3 and mid > 0:
        outliers += [t for t, v in values.items() if abs(v - mid) > mid / 2]
    deviation = {t: (v - mid) / mid * 100 for t, v in values.items()} if mid else {}
    return Panel(
        kind=kind, mixed=mixed, values=dict(values), n=len(numbers), median=mid,
        minimum=min(numbers), maximum=max(numbers), spread=max(numbers) - min(numbers),
        deviation_percent=deviation, outliers=list(dict.fromkeys(t for t in values if t in outliers)),
        **fields,
    )


def percent_text(value: Fraction, lang: str = "sv") -> str:
    """A signed percentage with one decimal, rounded half up: "+175,9 %", "-3,2 %"."""
    tenths = math.floor(abs(Fraction(value)) * 10 + Fraction(1, 2))
    sign = "-" if value < 0 and tenths else "+" if value > 0 and tenths else ""
    return f"{sign}{decimal(f'{tenths // 10}.{tenths % 10}', lang)} %"


# ---- building the comparison ------------------------------------------------------------


def _kind(table: m.StandardTimeTable) -> str:
    return (table.meta.kind if table.meta and table.meta.kind else None) or "okänt"


def table_id(table: m.StandardTimeTable) -> str:
    return table.meta.id if table.meta else Path(table.path).stem


def _info(table: m.StandardTimeTable, vocabulary: Mapping[str, m.Activity]) -> TableInfo:
    meta = table.meta
    if meta is None:
        validity = "okänd"
    elif meta.undated:
        validity = "odaterad"
    else:
        validity = meta.validity.text()
    unmapped = [a.id for a in table.activities
                if (a.maps_to is None and a.id not in vocabulary) or (a.maps_to is not None and vocabulary and a.maps_to not in vocabulary)]
    return TableInfo(id=table_id(table), municipality=meta.municipality if meta else None,
                     kind=_kind(table), path=table.path, validity=validity, unmapped=unmapped)


def _national(activity: m.StandardActivity, vocabulary: Mapping[str, m.Activity]) -> str | None:
    if activity.maps_to:
        return activity.maps_to if (not vocabulary or activity.maps_to in vocabulary) else None
    return activity.id if activity.id in vocabulary else None


def _variant_text(variant: m.TimeVariant) -> str:
    if variant.when:
        return f"{variant.amount.written} om {' och '.join(variant.when)}"
    if variant.otherwise:
        return f"{variant.amount.written} annars"
    return variant.amount.written


def _default_variant(activity: m.StandardActivity) -> m.TimeVariant | None:
    for variant in activity.times:
        if variant.otherwise or not variant.when:
            return variant
    return activity.times[0] if activity.times else None


def _cell(table: str, found: list[m.StandardActivity], national: str,
          frequencies: Mapping[str, m.Amount], source: str | None, lang: str) -> Cell:
    if not found:
        return Cell(table=table, status="saknas")
    ids = [a.id for a in found]
    timed = [a for a in found if a.times]
    if not timed:
        first = found[0]
        status: CellStatus = "i_timmar" if first.granted_in_hours else "ingen_tid" if first.no_time else "ingår"
        notes = [f"ingår i {', '.join(first.included_in)}"] if status == "ingår" and first.included_in else []
        return Cell(table=table, status=status, table_activities=ids, notes=notes)
    activity = timed[0]
    variants = [_variant_text(v) for v in activity.times]
    notes = []
    if len(timed) > 1:
        notes.append(f"flera aktiviteter motsvarar {national}: {', '.join(a.id for a in timed)}; {activity.id} används")
    if activity.included_in:
        notes.append(f"ingår normalt i {', '.join(activity.included_in)}; tiden gäller separat")
    if any(v.when for v in activity.times):
        notes.append("villkorade tider: 'annars'-tiden jämförs")
    variant = _default_variant(activity)
    assert variant is not None
    amount = variant.amount.quantity
    if amount.kind == "tid":
        return Cell(table=table, status="per_period", table_activities=ids, variants=variants,
                    per_period=variant.amount.written, minutes_per_month=amount.per_month(),
                    frequency_source="tabellens belopp per period", notes=notes)
    per_occasion = amount.amount
    frequency, freq_source = None, None
    if activity.normal is not None and activity.normal.quantity.kind == "tillfällen":
        frequency, freq_source = activity.normal, "tabellens normalt"
    elif national in frequencies and frequencies[national].quantity.kind == "tillfällen":
        frequency, freq_source = frequencies[national], source or "referens"
    per_month = per_occasion * frequency.per_month() if frequency is not None else None
    return Cell(table=table, status="tid", table_activities=ids, minutes_per_occasion=per_occasion,
                variants=variants, frequency=frequency.written if frequency else None,
                frequency_source=freq_source, minutes_per_month=per_month, notes=notes)


def compare(
    tables: Sequence[m.StandardTimeTable],
    vignette: Vignette | None = None,
    *,
    vocabulary: Mapping[str, m.Activity] | object | None = None,
    frequencies: Mapping[str, m.Amount] | None = None,
    frequency_source: str | None = None,
    bands: Sequence[m.Bands] = (),
    mixed: bool = False,
    lang: str = "sv",
) -> Comparison:
    """Compare ``tables`` per national activity; price ``vignette`` under each.

    ``frequencies`` (national activity -> Amount) are reference frequencies for tables that
    have no ``normalt``; ``frequency_source`` names where they come from. ``bands`` are used to
    place the vignette's totals. ``mixed=True`` adds a flagged panel over all kinds.
    """
    from bistandsregler.standard_times.pricing import _vocabulary

    vocab = _vocabulary(vocabulary)
    frequencies = frequencies or {}
    ids = [table_id(t) for t in tables]
    if len(set(ids)) != len(ids):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"samma tabell-id förekommer flera gånger: {', '.join(duplicates)}")
    infos = [_info(t, vocab) for t in tables]
    grouped: list[dict[str, list[m.StandardActivity]]] = []
    order: list[str] = []
    for table in tables:
        by: dict[str, list[m.StandardActivity]] = {}
        for activity in table.activities:
            national = _national(activity, vocab)
            if national is None:
                continue
            by.setdefault(national, []).append(activity)
            if national not in order:
                order.append(national)
        grouped.append(by)
    vocab_order = list(vocab)
    order.sort(key=lambda a: (vocab_order.index(a) if a in vocab_order else len(vocab_order), a))

    rows = []
    for national in order:
        cells = [_cell(info.id, by.get(national, []), national, frequencies, frequency_source, lang)
                 for info, by in zip(infos, grouped, strict=True)]
        rows.append(ActivityRow(
            activity=national,
            name=vocab[national].name if national in vocab else None,
            category=vocab[national].category if national in vocab else None,
            cells=cells,
            per_occasion=_panels(infos, cells, "minutes_per_occasion", mixed),
            per_month=_panels(infos, cells, "minutes_per_month", mixed),
            timed_in=[c.table for c in cells if c.status in ("tid", "per_period")],
            untimed_in=[c.table for c in cells if c.status in ("i_timmar", "ingen_tid", "ingår")],
            missing_in=[c.table for c in cells if c.status == "saknas"],
        ))

    vignette_result = None
    if vignette is not None:
        estimates = [estimate(t, vignette.activities, vocab, set(vignette.facts), list(bands),
                              household=vignette.household, lang=lang) for t in tables]
        same = {}
        for band_set in bands:
            found = {b.band for e in estimates for b in e.bands if b.bands == band_set.id}
            same[band_set.id] = len(found) == 1  # {None}: no table's total is in any band
        definitions = {b.id: [(band.low, band.high, band.name) for band in b.bands] for b in bands}
        vignette_result = VignetteComparison(
            vignette=vignette, estimates=estimates, same_band=same, bands=definitions,
            steps={b.id: b.step for b in bands}, band_names={b.id: b.name for b in bands if b.name})

    return Comparison(
        tables=infos, rows=rows, mixed=mixed,
        reference_frequencies=frequency_source if frequencies else None,
        outlier_rule=OUTLIER_RULE.render(lang),
        panel_note=(PANEL_NOTE + " " + MIXED_NOTE if mixed else PANEL_NOTE).render(lang),
        convention=CONVENTION.render(lang),
        vignette=vignette_result, lang=lang,
    )


def _panels(infos: list[TableInfo], cells: list[Cell], measure: str, mixed: bool) -> list[Panel]:
    panels = []
    for kind in KINDS:
        values = {c.table: getattr(c, measure) for info, c in zip(infos, cells, strict=True)
                  if info.kind == kind and getattr(c, measure) is not None}
        if any(info.kind == kind for info in infos):
            panels.append(panel_stats(values, kind))
    if mixed:
        values = {c.table: getattr(c, measure) for c in cells if getattr(c, measure) is not None}
        panels.append(panel_stats(values, MIXED, mixed=True))
    return panels


# ---- from files -------------------------------------------------------------------------


def norms_of(guidelines: Iterable[m.Guideline]) -> tuple[dict[str, m.Amount], str | None]:
    """Reference frequencies: the ``norm X normalt "..."`` lines of guidelines, first one wins."""
    found: dict[str, m.Amount] = {}
    sources = []
    for guideline in guidelines:
        before = len(found)
        for insats in guideline.insatser:
            for norm in insats.norms:
                if norm.bounds.normal is not None:
                    found.setdefault(norm.activity, norm.bounds.normal)
        if len(found) > before:
            sources.append(guideline.meta.id if guideline.meta else Path(guideline.path).stem)
    if not found:
        return {}, None
    return found, "norm i " + ", ".join(sources)


def from_paths(paths: Sequence[str | Path], vignette: str | Path | Vignette | None = None, *,
               mixed: bool = False, lang: str = "sv") -> Comparison:
    """Read ``.schablon`` tables (and ``.riktlinje`` files for reference frequencies and bands)."""
    tables, book, named = read_tables(paths)
    if not tables:
        named = ", ".join(map(str, paths))
        raise InputError(Text(f"inga schablontabeller (.schablon) bland: {named}",
                              f"no standard-time tables (.schablon) among: {named}"))
    guidelines = [g for g in book.guidelines if g.path in named]
    frequencies, source = norms_of(guidelines)
    bands = [b for g in guidelines for b in g.bands]
    if isinstance(vignette, (str, Path)):
        from bistandsregler.standard_times.pricing import load_vignette

        vignette = load_vignette(vignette)
    return compare(tables, vignette, vocabulary=book.activities, frequencies=frequencies,
                   frequency_source=source, bands=bands, mixed=mixed, lang=lang)


def read_tables(paths: Sequence[str | Path]):
    """(tables, rule book, names of the named files as the rule book shows them).

    Raises InputError when a named file is missing or has errors (errors in the shipped
    national layer are not the caller's to fix and do not stop a comparison).
    """
    from bistandsregler.language.diagnostics import Severity
    from bistandsregler.language.files import expand
    from bistandsregler.rules.loading import read

    for path in paths:
        if not Path(path).exists():
            raise InputError(Text(f"{path}: filen eller mappen finns inte", f"{path}: no such file or folder"))
    files = expand(paths)
    book = read(files)
    named = book.shown_names(files)
    errors = [d for d in book.diagnostics if d.severity is Severity.ERROR and d.path in named]
    if errors:
        shown = Text("\n".join(d.render() for d in errors[:10]), "\n".join(d.render("en") for d in errors[:10]))
        more = Text(f"\n... och {len(errors) - 10} fel till", f"\n... and {len(errors) - 10} more errors") \
            if len(errors) > 10 else EMPTY
        raise InputError(Text("filerna har fel och kan inte jämföras:\n", "the files have errors and cannot be compared:\n")
                         + shown + more)
    tables = [t for t in book.tables if t.path in named]
    return tables, book, named


# ---- text ---------------------------------------------------------------------------------


def _fmt(value: Fraction | None) -> str:
    if value is None:
        return "–"
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return str(round_minutes(value))


def _cell_text(cell: Cell, measure: str, lang: str) -> str:
    value = getattr(cell, measure)
    if value is not None:
        text = _fmt(value)
        if measure == "minutes_per_occasion" and len(cell.variants) > 1:
            text += "*"
        return text
    if cell.status == "per_period":
        return cell.per_period or ""
    return _CELL_STATUS[cell.status].render(lang)


_CELL_STATUS = {"saknas": EMPTY, "ingen_tid": Text("ingen tid", "no time"), "i_timmar": Text("i timmar", "in hours"),
                "ingår": Text("ingår", "included"), "tid": Text.same("–")}


@dataclass
class Grid:
    """A table in the text report: the CLI fits it to the terminal, ``text()`` prints it whole."""

    header: list[str]
    rows: list[list[str]]
    indent: int = 2
    left: set[int] = field(default_factory=lambda: {0})  # the columns aligned left; others are values

    def plain(self) -> list[str]:
        widths = [max(len(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) if i in self.left else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

        pad = " " * self.indent
        return [pad + line(self.header), pad + "  ".join("-" * w for w in widths)] + [pad + line(r) for r in self.rows]


def plain_text(blocks: Iterable[str | Grid]) -> str:
    return "\n".join(line for block in blocks for line in ([block] if isinstance(block, str) else block.plain()))


def _kind_label(kind: str, lang: str) -> str:
    return {"bedömning": "bed.", "normaltid": "norm.", "ersättning": "ers.", "okänt": "okänt", MIXED: "BLANDAT"}[kind]


def render_text(result: Comparison) -> str:
    return plain_text(render_blocks(result))


# The wording of the text report.
_HEADLINE = Text("Jämförelse av schablontider: {n} tabeller", "Comparison of standard times: {n} tables")
_TABLES_HEADER = (Text("tabell", "table"), Text("kommun", "municipality"), Text("slag", "kind"),
                  Text("gäller", "valid"), Text("fil", "file"))
_PER_OCCASION = Text("Minuter per tillfälle", "Minutes per occasion")
_PER_MONTH = Text("Minuter per månad vid normal frekvens", "Minutes per month at the default frequency")
_ACTIVITY = Text("aktivitet", "activity")
_SPREAD = Text("spridning {kind}", "spread {kind}")
_FREQUENCY_USED = Text("frekvens som används:", "frequency used:")
_CONDITIONAL = Text("villkorade tider; 'annars'-tiden visas", "conditional times; the 'annars' time is shown")
_DEFAULT_FREQUENCY = Text("Normal frekvens: tabellens normalt, annars ", "Default frequency: the table's normalt, else ")
_NO_OUTLIERS = Text("inga avvikande värden", "no outliers")
_TIMED_SOMEWHERE = Text("Tidsätts av vissa tabeller men inte av andra:", "Timed by some tables, not by others:")
_TIMED = Text("tid: ", "timed: ")
_UNTIMED = Text("utan egen tid: ", "no own time: ")
_MISSING = Text("saknas: ", "missing: ")
_UNMAPPED = Text("Inte kopplade till det nationella ordförrådet:", "Not mapped to the national vocabulary:")
_VIGNETTE = Text("Vinjett: ", "Vignette: ")
_FACTS = Text("  fakta: ", "  facts: ")
_HOUSEHOLD = Text("  hushåll: ", "  household: ")
_NO_BAND = Text("ingen tabells summa hamnar i någon nivå", "no table's total falls in a band")
_SAME_BAND = Text("samma nivå i alla tabeller", "same band in every table")
_DIFFERENT_BANDS = Text("olika nivåer", "different bands")
_MIXED_PANEL = Text(", blandad panel", ", mixed panel")
_LINE_STATUS = {"omatchad": Text("omatchad", "unmatched"), "ej_prissatt": Text("ej prissatt", "not priced"),
                "ingen_tid": Text("ingen tid", "no time")}
_INCLUDED = Text(" (ingår)", " (included)")
_MINUTES_PER_MONTH = Text("= min/mån", "= min/mo")
_HOURS_PER_MONTH = Text("= tim/mån", "= h/mo")
_CATEGORY_HOURS = Text("  {category} tim/mån", "  {category} h/mo")
_REIMBURSED = Text("ersättning kr/mån", "reimbursement SEK/mo")
_INCOMPLETE = Text(" (ofullst.)", " (incomplete)")
_BAND = Text("nivå {id}", "band {id}")
_REIMBURSEMENT = Text("ersättningstider (vad utföraren får betalt), inte bedömning",
                      "reimbursement times (what the provider is paid), not assessment")


def render_blocks(result: Comparison) -> list[str | Grid]:
    """The text report as lines and tables."""
    lang = result.lang
    out: list[str | Grid] = [_HEADLINE.render(lang, {"n": len(result.tables)})]
    out.append(Grid([word.render(lang) for word in _TABLES_HEADER],
                    [[i.id, i.municipality or "", i.kind, i.validity, i.path] for i in result.tables], left={0, 1, 2, 3, 4}))
    out.append("")
    kinds = [k for k in (*KINDS, MIXED) if any(p.kind == k for r in result.rows for p in r.per_occasion)]
    for measure, title, panels_of in (
        ("minutes_per_occasion", _PER_OCCASION, lambda r: r.per_occasion),
        ("minutes_per_month", _PER_MONTH, lambda r: r.per_month),
    ):
        out.append(title.render(lang))
        header = [_ACTIVITY.render(lang)]
        header += [f"{i.id} ({_kind_label(i.kind, lang)})" for i in result.tables]
        header += [f"median {_kind_label(k, lang)}" for k in kinds] + [_SPREAD.render(lang, {"kind": _kind_label(k, lang)}) for k in kinds]
        rows = []
        for row in result.rows:
            line = [row.activity] + [_cell_text(c, measure, lang) for c in row.cells]
            panels = {p.kind: p for p in panels_of(row)}
            line += [_fmt(panels[k].median) if k in panels else "–" for k in kinds]
            line += [(_fmt(panels[k].spread) if k in panels and panels[k].n > 1 else "–") for k in kinds]
            rows.append(line)
        out.append(Grid(header, rows))
        if measure == "minutes_per_month":
            out.append("  " + _FREQUENCY_USED.render(lang))
            for row in result.rows:
                used = [f"{c.table} {c.frequency} ({c.frequency_source})" for c in row.cells if c.frequency]
                if used:
                    out.append(f"    {row.activity}: " + "; ".join(used))
        out.append("")
    out.append("* = " + _CONDITIONAL.render(lang) + ":")
    for row in result.rows:
        for cell in row.cells:
            if len(cell.variants) > 1:
                out.append(f"    {row.activity} / {cell.table}: {'; '.join(cell.variants)}")
    if result.reference_frequencies:
        out.append(_DEFAULT_FREQUENCY.render(lang) + result.reference_frequencies)
    out.append(result.panel_note)
    out.append(result.outlier_rule)
    outliers = [(row.activity, p) for row in result.rows for p in (*row.per_occasion, *row.per_month) if p.outliers]
    if outliers:
        for activity, panel in outliers:
            for table in panel.outliers:
                out.append(f"  ! {activity}: {table} {_fmt(panel.values[table])} "
                           f"(median {_fmt(panel.median)}, {percent_text(panel.deviation_percent[table], lang)}, panel {panel.kind}"
                           + (_MIXED_PANEL.render(lang) if panel.mixed else "") + ")")
    else:
        out.append("  " + _NO_OUTLIERS.render(lang))
    out.append("")
    out.append(_TIMED_SOMEWHERE.render(lang))
    for row in result.rows:
        if row.timed_in and (row.untimed_in or row.missing_in):
            parts = [_TIMED.render(lang) + ", ".join(row.timed_in)]
            if row.untimed_in:
                parts.append(_UNTIMED.render(lang) + ", ".join(
                    f"{c.table} ({_cell_text(c, 'minutes_per_occasion', lang)})" for c in row.cells if c.table in row.untimed_in))
            if row.missing_in:
                parts.append(_MISSING.render(lang) + ", ".join(row.missing_in))
            out.append(f"  {row.activity}: " + "; ".join(parts))
    unmapped = [(i.id, i.unmapped) for i in result.tables if i.unmapped]
    if unmapped:
        out.append(_UNMAPPED.render(lang))
        for table, names in unmapped:
            out.append(f"  {table}: {', '.join(names)}")
    if result.vignette is not None:
        out.append("")
        out += _vignette_text(result.vignette, lang)
    out.append("")
    out.append(result.convention)
    return out


def _vignette_text(comparison: VignetteComparison, lang: str) -> list[str | Grid]:
    vignette = comparison.vignette
    out: list[str | Grid] = [_VIGNETTE.render(lang) + vignette.name]
    if vignette.description:
        out.append("  " + vignette.description)
    if vignette.facts:
        out.append(_FACTS.render(lang) + ", ".join(vignette.facts))
    if vignette.household > 1:
        out.append(_HOUSEHOLD.render(lang) + str(vignette.household))
    header = [_ACTIVITY.render(lang)] + [f"{e.table} ({_kind_label(e.kind or 'okänt', lang)})" for e in comparison.estimates]
    rows = []
    for index, written in enumerate(vignette.activities):
        line = [written]
        for e in comparison.estimates:
            item = e.lines[index]
            if item.minutes_rounded is not None and item.counted:
                line.append(str(item.minutes_rounded) + (_INCLUDED.render(lang) if item.status == "ingår" else ""))
            else:
                status = _LINE_STATUS.get(item.status)
                line.append(status.render(lang) if status else item.status)
        rows.append(line)
    rows.append([_MINUTES_PER_MONTH.render(lang)]
                + [str(e.total_minutes_rounded) + ("" if e.complete else _INCOMPLETE.render(lang)) for e in comparison.estimates])
    rows.append([_HOURS_PER_MONTH.render(lang)] + [e.total_hours_text for e in comparison.estimates])
    # Care apart from service, and what each table's rates pay for them.
    categories = sorted({c.category for e in comparison.estimates for c in e.categories if c.category})
    if len(categories) > 1:
        for category in categories:
            hours = [next((c.hours for c in e.categories if c.category == category), Fraction(0))
                     for e in comparison.estimates]
            rows.append([_CATEGORY_HOURS.render(lang, {"category": category})]
                        + [format_hours(h * 60, lang) for h in hours])
    if any(e.reimbursement is not None for e in comparison.estimates):
        rows.append([_REIMBURSED.render(lang)] + [format_kronor(e.reimbursement, lang) if e.reimbursement is not None
                                                  else "–" for e in comparison.estimates])
    band_ids = list(dict.fromkeys(b.bands for e in comparison.estimates for b in e.bands))
    for band_id in band_ids:
        line = [_BAND.render(lang, {"id": band_id})]
        for e in comparison.estimates:
            found = next((b for b in e.bands if b.bands == band_id), None)
            line.append(found.band or "–" if found else "–")
        rows.append(line)
    out.append(Grid(header, rows))
    for band_id, same in comparison.same_band.items():
        nowhere = all(b.band is None for e in comparison.estimates for b in e.bands if b.bands == band_id)
        verdict = _NO_BAND if nowhere else _SAME_BAND if same else _DIFFERENT_BANDS
        out.append(f"  {band_id}: {verdict.render(lang)}")
    for e in comparison.estimates:
        if e.kind == "ersättning":
            out.append(f"  {e.table}: " + _REIMBURSEMENT.render(lang))
        for priced in e.lines:
            if priced.status in ("omatchad", "ej_prissatt"):
                out.append(f"  {e.table}: {priced.written}: {priced.reason}")
    return out
