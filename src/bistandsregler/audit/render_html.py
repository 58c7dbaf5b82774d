"""The report as one self-contained HTML page: styles inline, charts as inline SVG, no script
and nothing fetched at viewing time (a Content-Security-Policy says so to the browser).

Every table row with a trace links to the list of its decisions (id and source line), folded
in a ``<details>`` at the end of the page. Everything from the input is escaped.
"""

from __future__ import annotations

from html import escape

from bistandsregler.audit.render_tables import number
from bistandsregler.audit.report import Cell, Chart, Funnel, Histogram, Report, Table
from bistandsregler.language.messages import Text

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.7rem}h2{border-bottom:2px solid #2b5d8a;padding-bottom:.2rem;margin-top:2.5rem}h3{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}th,td{border:1px solid #c8c8c8;padding:.25rem .5rem;vertical-align:top}
th{background:#eef3f8;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.85rem;max-width:60rem}.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;border:1px solid #ddd;padding:.5rem;background:#fff}figcaption{font-size:.85rem;max-width:30rem}
details{margin:.2rem 0}summary{cursor:pointer}.trace li{font-family:ui-monospace,monospace;font-size:.8rem}
.facts td:first-child{font-weight:600}.wide{overflow-x:auto}
"""


def render(report: Report) -> str:
    def t(s: str, e: str) -> str:
        return Text(s, e).render(report.lang)

    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{report.lang}"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        '<table class="facts">',
    ]
    facts = [
        (t("Riktlinje", "Guideline"), report.guideline.path if report.guideline else t("nationella lagret", "the national layer")),
        (t("Schablontabell", "Standard-time table"), report.table.path if report.table else "–"),
        (t("Utkast", "Draft"), report.draft.path if report.draft else "–"),
        (t("Period", "Period"), report.period or t("hela indata", "all of the input")),
        (t("Poster in", "Records in"), str(report.totals.records_in)),
        (t("Granskade", "Audited"), str(report.totals.analysed)),
        (t("Utanför perioden", "Outside the period"), str(report.totals.outside_period)),
        (t("Kunde inte läsas", "Unreadable"), str(report.totals.unreadable)),
        (t("Version", "Version"), f"bistandsregler {report.version}"),
    ]
    parts += [f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in facts]
    parts.append("</table>")
    parts.append(f"<h3>{t('Indata', 'Input')}</h3>")
    parts.append(f"<table><tr><th>{t('fil', 'file')}</th><th>{t('granskade', 'audited')}</th>"
                 f"<th>{t('utanför perioden', 'outside the period')}</th><th>{t('kunde inte läsas', 'unreadable')}</th></tr>")
    for item in report.inputs:
        parts.append(f"<tr><td>{escape(item.path)}</td><td class=n>{item.records}</td>"
                     f"<td class=n>{item.outside_period}</td><td class=n>{item.unreadable}</td></tr>")
    parts.append("</table>")
    if report.unreadable:
        parts.append(f"<details><summary>{t('Poster som inte kunde läsas', 'Records that could not be read')} "
                     f"({len(report.unreadable)})</summary><ul class=trace>")
        parts += [f"<li>{escape(u.where)}: {escape(u.message)}</li>" for u in report.unreadable]
        parts.append("</ul></details>")
    parts.append("<nav><ul>" + "".join(f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a></li>' for s in report.sections)
                 + "</ul></nav>")
    for section in report.sections:
        parts.append(f'<section id="{escape(section.id)}"><h2>{escape(section.title)}</h2>')
        parts += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
        for table in section.tables:
            parts.append(_table(table, t, report.lang))
        if section.charts:
            parts.append('<div class="charts">' + "".join(_chart(c, t) for c in section.charts) + "</div>")
        parts.append("</section>")
    if report.traces:
        parts.append(f'<section id="spar"><h2>{t("Besluten bakom siffrorna", "The decisions behind the numbers")}</h2>')
        parts.append(f"<p class=note>{t('Varje rad med en länk i tabellerna ovan har sin lista här: beslutets id och var det står i indata.', 'Every linked table row above has its list here: the decision id and where it stands in the input.')}</p>")
        for trace in report.traces:
            parts.append(f'<details id="{escape(_anchor(trace.id))}"><summary>{escape(trace.label)} '
                         f"({len(trace.decisions)})</summary><ul class=trace>")
            parts += [f"<li>{escape(d.id)} — {escape(d.source)}</li>" for d in trace.decisions]
            parts.append("</ul></details>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _anchor(trace_id: str) -> str:
    return "spar-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in trace_id)


def _cell(value: Cell, kind: str, lang: str) -> str:
    if value is None:
        return "<td class=n>–</td>"
    if kind == "rate" and isinstance(value, (int, float)):
        return f"<td class=n>{number(f'{value * 100:.1f}', lang)} %</td>"
    if isinstance(value, (int, float)):
        return f"<td class=n>{number(str(value), lang)}</td>"
    return f"<td>{escape(str(value))}</td>"


def _table(table: Table, t, lang: str) -> str:
    out = [f'<h3 id="{escape(table.id)}">{escape(table.title)}</h3>']
    if table.note:
        out.append(f"<p class=note>{escape(table.note)}</p>")
    traced = any(row.trace for row in table.rows)  # a column of links only where there are lists
    out.append('<div class="wide"><table><tr>' + "".join(f"<th>{escape(c.label)}</th>" for c in table.columns)
               + (f"<th>{t('besluten', 'the decisions')}</th>" if traced else "") + "</tr>")
    for row in table.rows:
        cells = "".join(_cell(v, c.kind, lang) for v, c in zip(row.cells, table.columns, strict=True))
        link = f'<td><a href="#{escape(_anchor(row.trace))}">{t("lista", "list")}</a></td>' if row.trace else "<td></td>"
        out.append(f"<tr>{cells}{link if traced else ''}</tr>")
    out.append("</table></div>")
    return "\n".join(out)


def _chart(chart: Chart, t) -> str:
    if isinstance(chart, Histogram):
        return _histogram(chart, t)
    return _funnel(chart, t)


W, H, PAD = 460, 260, 42


def _histogram(chart: Histogram, t) -> str:
    bins = chart.bins
    if not bins:
        return ""
    top = max([b.count for b in bins] + [b.counterfactual or 0 for b in bins] + [1])
    low, high = bins[0].low, bins[-1].high
    span = (high - low) or 1.0

    def x(v: float) -> float:
        return PAD + (v - low) / span * (W - PAD - 10)

    def y(v: float) -> float:
        return H - PAD - v / top * (H - PAD - 14)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{escape(chart.title)}">']
    for b in bins:
        fill = "#d9822b" if b.window else "#6c97c4"
        svg.append(f'<rect x="{x(b.low) + 0.5:.1f}" y="{y(b.count):.1f}" width="{max(x(b.high) - x(b.low) - 1, 1):.1f}" '
                   f'height="{H - PAD - y(b.count):.1f}" fill="{fill}"><title>{b.low:g}–{b.high:g}: {b.count}</title></rect>')
    line = [f"{x((b.low + b.high) / 2):.1f},{y(b.counterfactual):.1f}" for b in bins if b.counterfactual is not None]
    if line:
        svg.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#222" stroke-width="1.5" stroke-dasharray="4 3"/>')
    svg.append(f'<line x1="{x(chart.edge):.1f}" x2="{x(chart.edge):.1f}" y1="8" y2="{H - PAD}" stroke="#b00" stroke-width="2"/>')
    svg.append(f'<line x1="{PAD}" x2="{W - 10}" y1="{H - PAD}" y2="{H - PAD}" stroke="#444"/>')
    svg.append(f'<line x1="{PAD}" x2="{PAD}" y1="8" y2="{H - PAD}" stroke="#444"/>')
    for value in (0, top / 2, top):
        svg.append(f'<text x="{PAD - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end">{value:.0f}</text>')
    for b in bins[:: max(1, len(bins) // 6)]:
        svg.append(f'<text x="{x(b.low):.1f}" y="{H - PAD + 14}" font-size="10" text-anchor="middle">{b.low:g}</text>')
    svg.append(f'<text x="{W / 2}" y="{H - 8}" font-size="11" text-anchor="middle">{escape(chart.unit)}</text>')
    svg.append("</svg>")
    legend = t("Orange: fönstret där anhopning mäts. Streckat: kontrafaktisk fördelning. Röd linje: gränsen.",
               "Orange: the window where bunching is measured. Dashed: the counterfactual. Red line: the boundary.")
    return f"<figure>{''.join(svg)}<figcaption>{escape(chart.title)}. {escape(legend)}</figcaption></figure>"


def _funnel(chart: Funnel, t) -> str:
    xs = [p.x for p in chart.points] + [lim.x for lim in chart.limits]
    ys = [p.y for p in chart.points] + [v for lim in chart.limits for v in (lim.lower998, lim.upper998)] + [chart.target]
    x0, x1 = min(xs, default=0), max(xs, default=1)
    y0, y1 = min(ys, default=0), max(ys, default=1)
    y0, y1 = y0 - 0.05 * (y1 - y0 or 1), y1 + 0.05 * (y1 - y0 or 1)

    def x(v: float) -> float:
        return PAD + (v - x0) / ((x1 - x0) or 1) * (W - PAD - 10)

    def y(v: float) -> float:
        return H - PAD - (v - y0) / ((y1 - y0) or 1) * (H - PAD - 14)

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{escape(chart.title)}">']
    for key, colour, dash in (("lower95", "#888", "4 3"), ("upper95", "#888", "4 3"), ("lower998", "#444", ""), ("upper998", "#444", "")):
        points = " ".join(f"{x(lim.x):.1f},{y(getattr(lim, key)):.1f}" for lim in chart.limits)
        svg.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    svg.append(f'<line x1="{PAD}" x2="{W - 10}" y1="{y(chart.target):.1f}" y2="{y(chart.target):.1f}" stroke="#2b5d8a"/>')
    for p in chart.points:
        colour = {"": "#2b5d8a", "95": "#d9822b", "99.8": "#b00"}[p.beyond]
        svg.append(f'<circle cx="{x(p.x):.1f}" cy="{y(p.y):.1f}" r="4" fill="{colour}"><title>{escape(p.label)}: '
                   f"{p.y:g}</title></circle>")
        if p.beyond == "99.8":
            svg.append(f'<text x="{x(p.x) + 6:.1f}" y="{y(p.y) - 6:.1f}" font-size="10" fill="#b00">{escape(p.label)}</text>')
    svg.append(f'<line x1="{PAD}" x2="{W - 10}" y1="{H - PAD}" y2="{H - PAD}" stroke="#444"/>')
    svg.append(f'<line x1="{PAD}" x2="{PAD}" y1="8" y2="{H - PAD}" stroke="#444"/>')
    for value in (y0, (y0 + y1) / 2, y1):
        svg.append(f'<text x="{PAD - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end">{value:.2g}</text>')
    for value in (x0, (x0 + x1) / 2, x1):
        svg.append(f'<text x="{x(value):.1f}" y="{H - PAD + 14}" font-size="10" text-anchor="middle">{value:.3g}</text>')
    svg.append(f'<text x="{W / 2}" y="{H - 8}" font-size="11" text-anchor="middle">{escape(chart.x_label)}</text>')
    svg.append("</svg>")
    legend = t(f"Y: {chart.y_label}. Streckat: 95 %-gränser; heldraget: 99,8 %-gränser. Röd: utanför 99,8 %.",
               f"Y: {chart.y_label}. Dashed: 95 % limits; solid: 99.8 % limits. Red: beyond 99.8 %.")
    return f"<figure>{''.join(svg)}<figcaption>{escape(chart.title)}. {escape(legend)}</figcaption></figure>"
