"""A self-contained HTML report of a comparison: inline CSS, inline SVG charts, no scripts.

``render(comparison)`` returns one HTML document that opens offline in any browser and prints
well. The charts are drawn here as SVG: minutes per occasion by activity and municipality
(grouped horizontal bars; reimbursement tables hatched), minutes per month at the default
frequency, and the vignette priced under each table (stacked bars over the fee bands).
``chart_svg(comparison)`` returns the first chart alone, for documentation.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from bistandsregler.language.units import round_minutes
from bistandsregler.standard_times.compare import MIXED, Comparison, Panel, percent_text

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

# Colour-blind friendly (Okabe-Ito), then a few more.
TABLE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                 "#7F7F7F", "#8C564B"]
ACTIVITY_COLOURS = ["#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#76B7B2", "#EDC948", "#E15759", "#FF9DA7",
                    "#9C755F", "#BAB0AC", "#86BCB6", "#D37295"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2329;background:#f5f6f8}
main{max-width:1080px;margin:0 auto;padding:28px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:34px 0 8px;padding-bottom:4px;border-bottom:2px solid #e3e6ea}
p.lead{color:#4a5561;margin:0 0 18px}
.tables{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 14px}
.card{border:1px solid #dde1e6;border-radius:8px;padding:8px 12px;min-width:220px;background:#fafbfc}
.card b{font-size:15px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.badge{display:inline-block;font-size:12px;padding:1px 8px;border-radius:10px;margin-left:6px}
.bedömning{background:#e3effa;color:#0b4a7a}
.ersättning{background:#fdebd3;color:#8a4b00}
.okänt{background:#eee;color:#555}
.note{background:#fff8e6;border-left:4px solid #e6a700;padding:8px 12px;margin:10px 0;font-size:14px}
.muted{color:#6b7681;font-size:13px}
table{border-collapse:collapse;font-size:13.5px;margin:8px 0;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #e8ebee;text-align:right;white-space:nowrap}
th{background:#f1f3f5;font-weight:600;white-space:normal;vertical-align:bottom}
.scroll{overflow-x:auto}
td:first-child,th:first-child{text-align:left}
td.text{text-align:left;white-space:normal}
td.out{background:#fde2e2;font-weight:600}
td.none{color:#8a949e;font-style:italic}
tr.total td{font-weight:700;border-top:2px solid #cfd4da}
svg{display:block;margin:6px 0 4px;max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
ul{margin:6px 0;padding-left:20px;font-size:14px}
footer{margin-top:36px;font-size:12px;color:#6b7681}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: Fraction | None) -> str:
    if value is None:
        return "–"
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else str(round_minutes(value))


def _nice_max(value: float) -> tuple[float, float]:
    """An axis maximum at or above ``value`` and a tick step giving 4-8 ticks."""
    if value <= 0:
        return 10.0, 2.0
    for step in (1, 2, 5, 10, 15, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value / step <= 8:
            top = step * -(-value // step)
            return float(top), float(step)
    return float(value), float(value / 5)


def _colour(index: int) -> str:
    return TABLE_COLOURS[index % len(TABLE_COLOURS)]


def _defs(comparison: Comparison) -> str:
    parts = []
    for index, _info in enumerate(comparison.tables):
        colour = _colour(index)
        parts.append(
            f'<pattern id="hatch{index}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{colour}" fill-opacity="0.35"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(comparison: Comparison, index: int) -> str:
    return f"url(#hatch{index})" if comparison.tables[index].kind == "ersättning" else _colour(index)


_STATUS_TEXT = {"ingen_tid": "ingen tid", "i_timmar": "beviljas i timmar", "ingår": "ingår i annan",
                "saknas": "saknas", "per_period": ""}


def bar_chart(comparison: Comparison, measure: str = "minutes_per_occasion", width: int = 1000,
              title: str | None = None) -> str:
    """Grouped horizontal bars: one group per activity, one bar per table."""
    rows = [r for r in comparison.rows if any(getattr(c, measure) is not None for c in r.cells)]
    if not rows:
        return '<p class="muted">Inga värden att rita.</p>'
    n = len(comparison.tables)
    bar, inner, gap = 13, 2, 12
    left, right, top = 150, 70, 52 if title else 30
    group = n * (bar + inner) - inner
    height = top + len(rows) * (group + gap) + 30
    plot = width - left - right
    largest = max(float(getattr(c, measure)) for r in rows for c in r.cells if getattr(c, measure) is not None)
    axis_max, step = _nice_max(largest)
    scale = plot / axis_max
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="{_e(title or measure)}">', _defs(comparison),
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    if title:
        out.append(f'<text x="{left}" y="20" font-size="15" font-weight="600" fill="#1d2329">{_e(title)}</text>')
    # grid and axis labels
    tick = 0.0
    while tick <= axis_max + 1e-9:
        x = left + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 26}" stroke="#e6e9ec"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" fill="#6b7681" text-anchor="middle">{tick:g}</text>')
        tick += step
    unit = "minuter per tillfälle" if measure == "minutes_per_occasion" else "minuter per månad"
    out.append(f'<text x="{left + plot}" y="{top - 12}" font-size="11" fill="#6b7681" text-anchor="end">{unit}</text>')
    y = top
    for r_index, row in enumerate(rows):
        if r_index % 2 == 0:
            out.append(f'<rect x="0" y="{y - gap / 2:.1f}" width="{width}" height="{group + gap}" fill="#f7f8fa"/>')
        label = row.activity.replace("_", " ")
        out.append(f'<text x="{left - 10}" y="{y + group / 2 + 4:.1f}" font-size="13" fill="#1d2329" text-anchor="end">{_e(label)}</text>')
        outliers = {t for p in _panels(row, measure) if not p.mixed for t in p.outliers}
        for index, cell in enumerate(row.cells):
            by = y + index * (bar + inner)
            value = getattr(cell, measure)
            if value is not None:
                w = max(float(value) * scale, 1.5)
                out.append(f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar}" fill="{_fill(comparison, index)}" '
                           f'stroke="{_colour(index)}" stroke-width="0.8"><title>{_e(cell.table)}: {_e(_num(value))}</title></rect>')
                mark = " ⚠" if cell.table in outliers else (" *" if measure == "minutes_per_occasion" and len(cell.variants) > 1 else "")
                out.append(f'<text x="{left + w + 4:.1f}" y="{by + bar - 2}" font-size="11" fill="#1d2329">{_e(_num(value))}{mark}</text>')
            else:
                text = _STATUS_TEXT.get(cell.status, "")
                if cell.status == "per_period" and cell.per_period:
                    text = cell.per_period
                if text and cell.status != "saknas":
                    out.append(f'<text x="{left + 4}" y="{by + bar - 2}" font-size="10.5" fill="#8a949e" font-style="italic">'
                               f'{_e(cell.table)}: {_e(text)}</text>')
        # medians of panels (never the mixed one) with at least two values
        for panel in _panels(row, measure):
            if panel.n >= 2 and panel.median is not None and not panel.mixed:
                x = left + float(panel.median) * scale
                dash = "5,3"
                out.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x:.1f}" y2="{y + group + 3}" stroke="#1d2329" '
                           f'stroke-width="1.4" stroke-dasharray="{dash}"><title>median {panel.kind}: {_e(_num(panel.median))}</title></line>')
        y += group + gap
    out.append(f'<line x1="{left}" y1="{top - 6}" x2="{left}" y2="{height - 26}" stroke="#9aa3ad"/>')
    out.append("</svg>")
    return "".join(out)


def _panels(row, measure: str) -> list[Panel]:
    return row.per_occasion if measure == "minutes_per_occasion" else row.per_month


def chart_svg(comparison: Comparison) -> str:
    """The chart of minutes per occasion, with its legend, as a standalone SVG document."""
    chart = bar_chart(comparison, "minutes_per_occasion", title="Minuter per tillfälle per aktivitet och kommun")
    legend = _legend_svg(comparison)
    # stack legend above chart in one SVG
    import re

    match = re.search(r'viewBox="0 0 (\d+) (\d+)"', chart)
    if not match:
        return chart
    width, height = int(match.group(1)), int(match.group(2))
    lh = 34
    body = chart[chart.index(">") + 1 : chart.rindex("</svg>")]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" viewBox="0 0 {width} {height + lh}" width="{width}" height="{height + lh}">'
            f'<rect width="{width}" height="{height + lh}" fill="#fff"/>{legend}<g transform="translate(0,{lh})">{body}</g></svg>')


def _legend_svg(comparison: Comparison) -> str:
    out = [_defs(comparison)]
    x: float = 150
    for index, info in enumerate(comparison.tables):
        label = f"{info.municipality or info.id} ({info.kind})"
        out.append(f'<rect x="{x}" y="10" width="14" height="14" fill="{_fill(comparison, index)}" stroke="{_colour(index)}"/>')
        out.append(f'<text x="{x + 20}" y="22" font-size="13" fill="#1d2329" >{_e(label)}</text>')
        x += 40 + 7.5 * len(label)
    return "".join(out)


def _legend_html(comparison: Comparison) -> str:
    items = []
    for index, info in enumerate(comparison.tables):
        hatch = info.kind == "ersättning"
        style = (f"background:repeating-linear-gradient(45deg,{_colour(index)} 0 3px,{_colour(index)}55 3px 6px)"
                 if hatch else f"background:{_colour(index)}")
        items.append(f'<span style="margin-right:18px;white-space:nowrap;display:inline-block"><span class="swatch" style="{style}"></span>'
                     f'{_e(info.municipality or info.id)} <span class="badge {_e(info.kind)}">{_e(info.kind)}</span></span>')
    return '<p style="margin:6px 0">' + "".join(items) + "</p>"


def _cell_html(cell, measure: str, outliers: set[str]) -> str:
    value = getattr(cell, measure)
    if value is not None:
        cls = ' class="out"' if cell.table in outliers else ""
        title = f' title="{_e("; ".join(cell.variants))}"' if cell.variants else ""
        star = "*" if measure == "minutes_per_occasion" and len(cell.variants) > 1 else ""
        return f"<td{cls}{title}>{_e(_num(value))}{star}</td>"
    text = _STATUS_TEXT.get(cell.status, "")
    if cell.status == "per_period":
        text = cell.per_period or ""
    return f'<td class="none">{_e(text) if cell.status != "saknas" else "–"}</td>'


def _number_table(comparison: Comparison, measure: str) -> str:
    kinds = []
    for row in comparison.rows:
        for panel in _panels(row, measure):
            if panel.kind not in kinds:
                kinds.append(panel.kind)
    head = "<tr><th>aktivitet</th>" + "".join(
        f'<th>{_e(i.municipality or i.id)}<br><span class="badge {_e(i.kind)}">{_e(i.kind)}</span></th>' for i in comparison.tables)
    spread_kinds = [k for k in kinds if any(p.kind == k and p.n > 1 for r in comparison.rows for p in _panels(r, measure))]
    head += "".join(f"<th>median<br>{_e(k)}{' ⚠' if k == MIXED else ''}</th>" for k in kinds)
    head += "".join(f"<th>spridning<br>{_e(k)}</th>" for k in spread_kinds) + "</tr>"
    body = []
    for row in comparison.rows:
        if measure == "minutes_per_month" and not any(c.minutes_per_month is not None or c.status in ("i_timmar", "ingen_tid", "ingår") for c in row.cells):
            continue
        panels = {p.kind: p for p in _panels(row, measure)}
        outliers = {t for p in panels.values() if not p.mixed for t in p.outliers}
        cells = "".join(_cell_html(c, measure, outliers) for c in row.cells)
        medians = "".join(f"<td>{_num(panels[k].median) if k in panels else '–'}</td>" for k in kinds)
        spreads = "".join(f"<td>{_num(panels[k].spread) if k in panels and panels[k].n > 1 else '–'}</td>" for k in spread_kinds)
        body.append(f"<tr><td>{_e(row.activity.replace('_', ' '))}</td>{cells}{medians}{spreads}</tr>")
    return f'<div class="scroll"><table>{head}{"".join(body)}</table></div>'


def _vignette_chart(comparison: Comparison, width: int = 1000) -> str:
    result = comparison.vignette
    assert result is not None
    estimates = result.estimates
    activities = result.vignette.activities
    totals = [float(e.total_hours) for e in estimates]
    chosen = _chosen_bands(comparison)
    left, right, top, bar, gap = 150, 60, 40, 26, 16
    height = top + len(estimates) * (bar + gap) + 70
    plot = width - left - right
    band_bounds = _band_bounds(comparison, chosen)
    limit = max(totals + [0.5]) * 1.15
    if band_bounds:
        following = [low for low, _, _ in band_bounds if low > max(totals)]
        if following:
            limit = max(limit, min(following) + 1)
    axis_max, step = _nice_max(limit)
    scale = plot / axis_max
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="Vinjetten i timmar per månad">', f'<rect width="{width}" height="{height}" fill="#fff"/>']
    # band regions
    for index, (low, high, name) in enumerate(band_bounds):
        if low >= axis_max:
            break
        x0 = left + low * scale
        x1 = left + min(high if high is not None else axis_max, axis_max) * scale
        shade = "#e4edf6" if index % 2 == 0 else "#f6f8fa"
        out.append(f'<rect x="{x0:.1f}" y="{top - 18}" width="{max(x1 - x0, 0):.1f}" height="{len(estimates) * (bar + gap) + 18}" fill="{shade}"/>')
        if index:
            out.append(f'<line x1="{x0:.1f}" y1="{top - 18}" x2="{x0:.1f}" y2="{top + len(estimates) * (bar + gap)}" '
                       f'stroke="#7b8794" stroke-dasharray="4,3"/>')
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{top - 6}" font-size="11" fill="#33404d" text-anchor="middle">nivå {_e(name)}</text>')
    tick = 0.0
    while tick <= axis_max + 1e-9:
        x = left + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 18}" x2="{x:.1f}" y2="{top + len(estimates) * (bar + gap)}" stroke="#dfe3e7"/>')
        out.append(f'<text x="{x:.1f}" y="{top + len(estimates) * (bar + gap) + 14}" font-size="11" fill="#6b7681" text-anchor="middle">{tick:g}</text>')
        tick += step
    out.append(f'<text x="{left + plot}" y="{top + len(estimates) * (bar + gap) + 30}" font-size="11" fill="#6b7681" text-anchor="end">timmar per månad</text>')
    y = top
    for e in estimates:
        label = e.municipality or e.table
        out.append(f'<text x="{left - 10}" y="{y + bar / 2 + 4:.1f}" font-size="13" text-anchor="end" fill="#1d2329">{_e(label)}</text>')
        out.append(f'<text x="{left - 10}" y="{y + bar / 2 + 17:.1f}" font-size="10" text-anchor="end" fill="#6b7681">{_e(e.kind or "")}</text>')
        x = float(left)
        for a_index, line in enumerate(e.lines):
            if not line.counted or not line.minutes_per_month:
                continue
            w = float(line.minutes_per_month) / 60 * scale
            colour = ACTIVITY_COLOURS[a_index % len(ACTIVITY_COLOURS)]
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}" stroke="#fff" stroke-width="1">'
                       f'<title>{_e(line.written)}: {_e(line.minutes_rounded)} min/mån</title></rect>')
            x += w
        total_text = e.total_hours_text.replace(" tim", " tim/mån")
        if not e.complete:
            total_text += f"  (ofullständig: {len(e.not_priced)} ej prissatt)"
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar / 2 + 4:.1f}" font-size="12" font-weight="600" fill="#1d2329">{_e(total_text)}</text>')
        y += bar + gap
    # legend for activities
    lx: float = left
    ly = height - 18
    for a_index, written in enumerate(activities):
        colour = ACTIVITY_COLOURS[a_index % len(ACTIVITY_COLOURS)]
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="11" height="11" fill="{colour}"/>')
        out.append(f'<text x="{lx + 15}" y="{ly}" font-size="11.5" fill="#1d2329">{_e(written)}</text>')
        lx += 30 + 6.3 * len(written)
        if lx > width - 160:
            lx, ly = left, ly + 16
    out.append("</svg>")
    svg = "".join(out)
    if ly > height - 18:  # legend wrapped: grow the canvas
        extra = ly - (height - 18)
        svg = svg.replace(f'viewBox="0 0 {width} {height}" width="{width}" height="{height}"',
                          f'viewBox="0 0 {width} {height + extra}" width="{width}" height="{height + extra}"', 1)
        svg = svg.replace(f'<rect width="{width}" height="{height}" fill="#fff"/>',
                          f'<rect width="{width}" height="{height + extra}" fill="#fff"/>', 1)
    return svg


def _chosen_bands(comparison: Comparison) -> str | None:
    """The band set to draw behind the vignette: the one most totals fall in, then the most bands."""
    result = comparison.vignette
    if result is None or not result.bands:
        return None
    hits = {key: sum(1 for e in result.estimates for b in e.bands if b.bands == key and b.band is not None)
            for key in result.bands}
    return max(result.bands, key=lambda key: (hits[key], len(result.bands[key])))


def _band_bounds(comparison: Comparison, chosen: str | None) -> list[tuple[float, float | None, str]]:
    """(low, high, name) of the bands in hours, drawn as regions; a band reaches the next one's start."""
    if chosen is None or comparison.vignette is None:
        return []
    bands = comparison.vignette.bands.get(chosen, [])
    step = comparison.vignette.steps.get(chosen, Fraction(0))
    regions = []
    for index, band in enumerate(bands):
        # with a step, totals are rounded to it first: the edge lies half a step below the next low
        low = float(band[0] - step / 2) if index and step else float(band[0])
        high = float(bands[index + 1][0] - step / 2) if index + 1 < len(bands) else None
        regions.append((max(low, 0.0), high, band[2]))
    return regions


def _vignette_html(comparison: Comparison) -> str:
    result = comparison.vignette
    assert result is not None
    vignette = result.vignette
    parts = [f"<h2>Vinjett: {_e(vignette.name)}</h2>"]
    if vignette.description:
        parts.append(f"<p>{_e(vignette.description)}</p>")
    facts = ", ".join(vignette.facts) if vignette.facts else "inga angivna"
    parts.append(f'<p class="muted">Fakta: {_e(facts)}. Hushåll: {vignette.household} '
                 f'{"person" if vignette.household == 1 else "personer"}. '
                 "har_omvårdnad härleds när någon aktivitet har kategorin omvårdnad.</p>")
    chosen = _chosen_bands(comparison)
    if chosen:
        name = result.band_names.get(chosen) or chosen
        parts.append(f'<p class="muted">Bakgrund: {_e(name)} ({_e(chosen)}); summan avrundas till nivåernas steg före jämförelsen.</p>')
    parts.append(_vignette_chart(comparison))
    head = "<tr><th>aktivitet</th>" + "".join(
        f'<th>{_e(e.municipality or e.table)}<br><span class="badge {_e(e.kind or "okänt")}">{_e(e.kind or "okänt")}</span></th>'
        for e in result.estimates) + "</tr>"
    body = []
    for index, written in enumerate(vignette.activities):
        cells = []
        for e in result.estimates:
            line = e.lines[index]
            if line.counted and line.minutes_rounded is not None:
                extra = " (ingår)" if line.status == "ingår" else ""
                cells.append(f'<td title="{_e(line.reason)}">{line.minutes_rounded}{extra}</td>')
            else:
                text = {"omatchad": "omatchad", "ej_prissatt": "ej prissatt", "ingen_tid": "ingen tid"}[line.status]
                cells.append(f'<td class="none" title="{_e(line.reason)}">{text}</td>')
        body.append(f"<tr><td>{_e(written)}</td>{''.join(cells)}</tr>")
    body.append('<tr class="total"><td>minuter per månad</td>' + "".join(
        f"<td>{e.total_minutes_rounded}{'' if e.complete else ' (ofullst.)'}</td>" for e in result.estimates) + "</tr>")
    body.append('<tr class="total"><td>timmar per månad</td>' + "".join(
        f"<td>{_e(e.total_hours_text)}</td>" for e in result.estimates) + "</tr>")
    band_ids = list(dict.fromkeys(b.bands for e in result.estimates for b in e.bands))
    for band_id in band_ids:
        cells = []
        name = band_id
        for e in result.estimates:
            found = next((b for b in e.bands if b.bands == band_id), None)
            name = (found.bands_name if found and found.bands_name else name)
            cells.append(f"<td>{_e(found.band) if found and found.band else '–'}</td>")
        same = result.same_band.get(band_id)
        nowhere = all(b.band is None for e in result.estimates for b in e.bands if b.bands == band_id)
        mark = " (ingen nivå)" if nowhere else " (samma)" if same else " (olika)"
        body.append(f"<tr><td>nivå: {_e(name)}{mark}</td>{''.join(cells)}</tr>")
    parts.append(f'<div class="scroll"><table>{head}{"".join(body)}</table></div>')
    reasons = []
    for e in result.estimates:
        for line in e.lines:
            if line.variant and line.variant.startswith("om ") or line.variant == "annars":
                reasons.append(f"<li><b>{_e(e.municipality or e.table)}</b>, {_e(line.written)}: {_e(line.reason)}</li>")
            elif line.status in ("omatchad", "ej_prissatt"):
                cand = f" Närmaste: {', '.join(line.candidates)}." if line.candidates else ""
                reasons.append(f"<li><b>{_e(e.municipality or e.table)}</b>, {_e(line.written)}: {_e(line.reason)}.{_e(cand)}</li>")
            for note in line.notes:
                reasons.append(f"<li><b>{_e(e.municipality or e.table)}</b>, {_e(line.written)}: {_e(note)}</li>")
    if reasons:
        parts.append("<p><b>Val och anmärkningar</b></p><ul>" + "".join(reasons) + "</ul>")
    return "".join(parts)


def render(comparison: Comparison, title: str = "Jämförelse av schablontider") -> str:
    tables = []
    for index, info in enumerate(comparison.tables):
        unmapped = f'<br><span class="muted">ej kopplade: {_e(", ".join(info.unmapped))}</span>' if info.unmapped else ""
        tables.append(f'<div class="card"><span class="swatch" style="background:{_colour(index)}"></span>'
                      f'<b>{_e(info.municipality or info.id)}</b><span class="badge {_e(info.kind)}">{_e(info.kind)}</span>'
                      f'<br><span class="muted">{_e(info.id)} · {_e(info.validity)}<br>{_e(info.path)}</span>{unmapped}</div>')
    kinds = {i.kind for i in comparison.tables}
    warning = ""
    if "bedömning" in kinds and "ersättning" in kinds:
        warning = ('<div class="note"><b>Två slags tider.</b> Bedömningstider säger hur mycket tid en handläggare '
                   "bör bevilja; ersättningstider säger vad kommunen betalar utföraren. Ersättningstabeller är "
                   "streckade i diagrammen och har egen median.</div>")
    outliers = []
    for row in comparison.rows:
        for measure, label in (("minutes_per_occasion", "min/tillfälle"), ("minutes_per_month", "min/mån")):
            for panel in _panels(row, measure):
                for table in panel.outliers:
                    mixed = " (blandad panel: bedömning och ersättning tillsammans)" if panel.mixed else ""
                    outliers.append(f"<li>{_e(row.activity)} ({label}): {_e(table)} {_num(panel.values[table])}, "
                                    f"median {_num(panel.median)} i panelen {_e(panel.kind)}{mixed} "
                                    f"({_e(percent_text(panel.deviation_percent[table]))})</li>")
    coverage = []
    for row in comparison.rows:
        if row.timed_in and (row.untimed_in or row.missing_in):
            parts = [f"tid i {', '.join(row.timed_in)}"]
            if row.untimed_in:
                parts.append(f"utan egen tid i {', '.join(row.untimed_in)}")
            if row.missing_in:
                parts.append(f"saknas i {', '.join(row.missing_in)}")
            coverage.append(f"<li><b>{_e(row.activity.replace('_', ' '))}</b>: {_e('; '.join(parts))}</li>")
    freq = []
    for row in comparison.rows:
        used = [f"{c.table}: {c.frequency} ({c.frequency_source})" for c in row.cells if c.frequency]
        if used:
            freq.append(f"<li>{_e(row.activity)}: {_e('; '.join(used))}</li>")
    variants = [f"<li>{_e(row.activity)}, {_e(c.table)}: {_e('; '.join(c.variants))}</li>"
                for row in comparison.rows for c in row.cells if len(c.variants) > 1]
    html = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{len(comparison.tables)} tabeller, {len(comparison.rows)} aktiviteter i det nationella ordförrådet.</p>',
        '<div class="tables">' + "".join(tables) + "</div>", warning,
        "<h2>Minuter per tillfälle</h2>", _legend_html(comparison),
        bar_chart(comparison, "minutes_per_occasion"),
        '<p class="muted">Streckad lodrät linje: panelens median (bara när panelen har minst två värden). '
        "* villkorade tider, 'annars'-tiden visas. ⚠ avvikande värde. Grå text: aktiviteten finns men tidsätts inte, eller saknas.</p>",
    ]
    if variants:
        html.append("<ul>" + "".join(variants) + "</ul>")
    html += ["<h2>Minuter per månad vid normal frekvens</h2>", _legend_html(comparison),
             bar_chart(comparison, "minutes_per_month")]
    if freq:
        html.append("<p><b>Frekvens som används</b></p><ul>" + "".join(freq) + "</ul>")
    if comparison.vignette is not None:
        html.append(_vignette_html(comparison))
    html += ["<h2>Siffrorna</h2><p><b>Minuter per tillfälle</b></p>", _number_table(comparison, "minutes_per_occasion"),
             "<p><b>Minuter per månad vid normal frekvens</b></p>", _number_table(comparison, "minutes_per_month"),
             "<h2>Avvikande värden</h2>", f'<p class="muted">{_e(comparison.outlier_rule)}</p>',
             "<ul>" + ("".join(outliers) or "<li>Inga avvikande värden.</li>") + "</ul>",
             "<h2>Tidsätts av vissa men inte av andra</h2>", "<ul>" + ("".join(coverage) or "<li>Ingen skillnad.</li>") + "</ul>",
             "<h2>Metod</h2><ul>",
             f"<li>{_e(comparison.panel_note)}</li>",
             f"<li>{_e(comparison.convention)} Minuter avrundas till hela minuter (halvt uppåt) först i utskriften.</li>",
             "<li>Aktiviteter jämförs via det nationella ordförrådet: varje kommuns namn kopplas med "
             "<code>motsvarar</code>. Okopplade namn visas på tabellens kort.</li>",
             "<li>Normal frekvens: tabellens <code>normalt</code>"
             + (f", annars {_e(comparison.reference_frequencies)}" if comparison.reference_frequencies else "")
             + ". Ett belopp per period (t.ex. 3 timmar per år) räknas om till månad som det står.</li></ul>",
             '<footer>Skapad av bistandsregler. Fristående fil: ingen JavaScript, inga externa resurser.</footer>',
             "</main></body></html>"]
    return "\n".join(html)
