"""The quarterly report as its recipients get it: one table per recipient (IVO, the auditors,
the council), written as an xlsx workbook (a sheet each), as CSV (a file each) and as an HTML
section that a larger report can include.

IVO and the auditors get the same thing by statute (34 kap. 1-2 §§ SoL, 28 f-g §§ LSS): the
decisions reported, then the notices of decisions carried out since the last report. The
council gets the statistics report (34 kap. 3 § SoL, 28 h § LSS): counts by kind of insats
and time since the decision, with no ids, dates of birth or reasons.
"""

from __future__ import annotations

import csv
import html
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bistandsregler.audit.unexecuted import KINDS, STATUSES, Quarter, QuarterReport
from bistandsregler.language.files import atomic_file
from bistandsregler.language.messages import Text, decimal

__all__ = ["RECIPIENTS", "Table", "html_page", "html_section", "tables", "write_csv", "write_xlsx"]

# Recipient key -> its name (a sheet's name, a CSV file's stem).
RECIPIENTS: dict[str, Text] = {
    "ivo": Text("IVO", "IVO"),
    "revisorerna": Text("Revisorerna", "Auditors"),
    "kommunfullmaktige": Text("Kommunfullmäktige", "Council"),
}


@dataclass(frozen=True)
class Table:
    recipient: str
    title: str
    headers: list[str]
    rows: list[list[Any]]  # text, int, float, date or None


_LANG = Text("sv", "en")  # the page's lang attribute
_NOTICE = {"ej_verkstallt": Text("Anmälan: verkställt", "Notice: carried out"),
           "avbrott": Text("Anmälan: verkställt på nytt", "Notice: carried out again")}
_SEX = {"kvinna": Text("K", "F"), "man": Text("M", "M")}


def _sex(value: str | None, written: str | None, lang: str) -> str:
    if value in _SEX:
        return _SEX[value].render(lang)
    return written or ("annat" if value == "annat" else "")


def _dates(days: list[date]) -> str:
    return ", ".join(d.isoformat() for d in days)


def _statutes(report: QuarterReport, which: str) -> str:
    found = sorted({e.statute for e in report.reported} | {n.statute for n in report.notices}) if which == "report" \
        else sorted({s.statute for s in report.statistics})
    return "; ".join(found)


def tables(report: QuarterReport, lang: str = "sv") -> list[Table]:
    """The three recipients' tables, in the language asked for."""
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    quarter = Quarter.parse(report.quarter).label().render(lang)
    headers = [t("Avser", "Concerns"), t("Lagrum", "Provision"), t("Beslut-id", "Decision id"), t("Insats", "Insats"),
               t("Insats som skriven", "Insats as written"), t("Beslutsdatum", "Decision date"),
               t("Avbrottsdatum", "Interrupted on"), t("Tre månader gick ut", "Three months ended"),
               t("Verkställt datum", "Carried out on"), t("Dagar sedan beslut", "Days since decision"),
               t("Dagar sedan avbrott", "Days since interruption"), t("Kön", "Sex"), t("Födelseår", "Birth year"),
               t("Skäl till dröjsmålet", "Reason for the delay"), t("Erbjudet", "Offered on"),
               t("Tackat nej", "Declined on"), t("Rapporterat sedan", "Reported since"), t("Källa", "Source")]
    rows: list[list[Any]] = []
    for e in report.reported:
        concerns = Text("Rapport: ", "Report: ") + KINDS[e.kind]
        rows.append([concerns.render(lang), e.statute, e.id, e.insats, e.insats_written, e.decided_on, e.interrupted_on,
                     e.deadline, e.carried_out_on, e.days_since_decision, e.days_since_interruption,
                     _sex(e.sex, e.sex_written, lang), e.birth_year, e.reason, _dates(e.offered_on), _dates(e.declined_on),
                     e.first_quarter, e.source])
    for n in report.notices:
        concerns = _NOTICE[n.kind]
        rows.append([concerns.render(lang), n.statute, n.id, n.insats, None, n.decided_on, n.interrupted_on, None,
                     n.carried_out_on, (n.carried_out_on - n.decided_on).days, None, "", None, None, "", "",
                     n.reported_in, n.source])
    statutes = _statutes(report, "report") or t("inga beslut att rapportera", "no decisions to report")
    out = []
    for key in ("ivo", "revisorerna"):
        title = t(f"Ej verkställda gynnande beslut, {quarter}: rapport och anmälan ({statutes})",
                  f"Favourable decisions not carried out, {quarter}: report and notice ({statutes})")
        out.append(Table(key, title, headers, rows))
    council_headers = [t("Lagrum", "Provision"), t("Avser", "Concerns"), t("Insats", "Insats"), t("Antal", "Count"),
                       t("Kvinnor", "Women"), t("Män", "Men"), t("Annat eller okänt kön", "Other or unknown sex"),
                       t("3–6 månader", "3-6 months"), t("6–12 månader", "6-12 months"),
                       t("12 månader eller mer", "12 months or more"), t("Median dagar sedan beslut", "Median days since decision"),
                       t("Längst, dagar sedan beslut", "Longest, days since decision")]
    council = [[s.statute, KINDS[s.kind].render(lang), s.insats, s.count, s.women, s.men, s.other_or_unknown,
                s.months_3_to_6, s.months_6_to_12, s.months_12_or_more, s.median_days, s.max_days]
               for s in report.statistics]
    statutes = _statutes(report, "statistics") or t("inga beslut", "no decisions")
    out.append(Table("kommunfullmaktige", t(f"Statistikrapport över ej verkställda gynnande beslut, {quarter} ({statutes})",
                                            f"Statistics report of favourable decisions not carried out, {quarter} ({statutes})"),
                     council_headers, council))
    return out


def _cell_text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return decimal(f"{value:g}", lang)
    return str(value)


# ---- xlsx -------------------------------------------------------------------------------------

def write_xlsx(report: QuarterReport, path: str | os.PathLike, lang: str = "sv") -> None:
    """A workbook with a sheet per recipient: the title in row 1, the header in row 3, the rows
    from row 4; dates are dates. Written whole or not at all; raises OSError."""
    # openpyxl ships no types (types-openpyxl is not a dependency)
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    book.remove(book.active)
    for table in tables(report, lang):
        sheet = book.create_sheet(RECIPIENTS[table.recipient].render(lang))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        sheet.append(table.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif cell.data_type == "f":  # a text that starts with "=" is text, never a formula
                    cell.data_type = "s"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(3, index).column_letter].width = max(10, min(40, len(header) + 2))
        sheet.freeze_panes = "A4"
    with atomic_file(path, binary=True) as handle:
        book.save(handle)


def _csv_safe(value: str) -> str:
    # A cell that starts like a formula gets a leading apostrophe: Excel opening the file
    # must show it as text, never run it (a reason is free text from the case system).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# ---- csv --------------------------------------------------------------------------------------

def write_csv(report: QuarterReport, folder: str | os.PathLike, lang: str = "sv") -> list[Path]:
    """A CSV file per recipient in ``folder`` (ivo.csv, revisorerna.csv, kommunfullmaktige.csv):
    semicolon separated, UTF-8 with a byte order mark, so that Excel opens it as it is. The
    header row first, no title. Returns the paths; raises OSError."""
    written = []
    for table in tables(report, lang):
        path = Path(folder) / f"{table.recipient}.csv"
        with atomic_file(path, newline="") as handle:
            handle.write("\ufeff")
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(table.headers)
            for row in table.rows:
                writer.writerow([_csv_safe(v) if isinstance(v, str) else _cell_text(v, lang) for v in row])
        written.append(path)
    return written


# ---- html -------------------------------------------------------------------------------------

CSS = """
.ej-verkstallda{font-family:system-ui,sans-serif;color:#1b1b1b;max-width:100%}
.ej-verkstallda h2{font-size:1.3em}.ej-verkstallda h3{font-size:1.05em;margin-top:1.5em}
.ej-verkstallda table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
.ej-verkstallda th,.ej-verkstallda td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
.ej-verkstallda th{background:#eef1f5}.ej-verkstallda td.n{text-align:right;white-space:nowrap}
.ej-verkstallda td.d{white-space:nowrap}
.ej-verkstallda .scroll{overflow-x:auto}
"""


def html_section(report: QuarterReport, lang: str = "sv") -> str:
    """The report as one self-contained ``<section>`` (its own style, no scripts, no links out)."""
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    e = html.escape
    quarter = Quarter.parse(report.quarter).label().render(lang)
    parts = [f'<section class="ej-verkstallda" lang="{_LANG.render(lang)}"><style>{CSS}</style>',
             f"<h2>{e(t('Ej verkställda gynnande beslut', 'Favourable decisions not carried out'))}, {e(quarter)}</h2>"]
    counts = report.counts()
    summary = Text(f"{report.records_in} poster in ({report.start.isoformat()}–{report.end.isoformat()}): "
                   f"{len(report.reported)} rapporteras, {len(report.notices)} anmäls som verkställda, "
                   f"{len(report.unreadable)} kunde inte läsas. Tremånadersfristen kommer från {report.period_value}.",
                   f"{report.records_in} records in ({report.start.isoformat()}-{report.end.isoformat()}): "
                   f"{len(report.reported)} reported, {len(report.notices)} notified as carried out, "
                   f"{len(report.unreadable)} could not be read. The three months come from {report.period_value}.")
    parts.append(f"<p>{e(summary.render(lang))}</p>")
    for table in tables(report, lang):
        if table.recipient == "revisorerna":
            parts.append(f"<p>{e(t('Revisorerna får samma uppgifter som IVO.', 'The auditors get the same as IVO.'))}</p>")
            continue
        parts.append(f"<h3>{e(RECIPIENTS[table.recipient].render(lang))}: {e(table.title)}</h3>")
        if not table.rows:
            parts.append(f"<p>{e(t('Inga beslut.', 'No decisions.'))}</p>")
            continue
        head = "".join(f"<th>{e(h)}</th>" for h in table.headers)
        body = "".join("<tr>" + "".join(
            f'<td class="{_cell_class(v)}">{e(_cell_text(v, lang))}</td>' for v in row) + "</tr>" for row in table.rows)
        parts.append(f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
    status_rows = "".join(f"<tr><td>{e(STATUSES[k].render(lang))}</td><td class=\"n\">{v}</td></tr>"
                          for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    parts.append(f"<h3>{e(t('Alla beslut, första verkställigheten', 'Every decision, first execution'))}</h3>"
                 f"<table><tbody>{status_rows}</tbody></table>")
    breaks = report.counts("avbrott")
    if breaks:
        rows = "".join(f"<tr><td>{e(STATUSES[k].render(lang))}</td><td class=\"n\">{v}</td></tr>" for k, v in breaks.items())
        parts.append(f"<h3>{e(t('Beslut med avbrott', 'Decisions with an interruption'))}</h3><table><tbody>{rows}</tbody></table>")
    if report.unreadable:
        items = "".join(f"<li>{e(u)}</li>" for u in report.unreadable)
        parts.append(f"<h3>{e(t('Poster som inte kunde läsas', 'Records that could not be read'))}</h3><ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


def _cell_class(value: Any) -> str:
    if isinstance(value, date):
        return "d"
    return "n" if isinstance(value, (int, float)) and not isinstance(value, bool) else "t"


def html_page(report: QuarterReport, lang: str = "sv") -> str:
    """A whole HTML document holding only the section."""
    quarter = Quarter.parse(report.quarter).label().render(lang)
    title = html.escape(Text("Ej verkställda beslut", "Decisions not carried out").render(lang) + ", " + quarter)
    return (f'<!DOCTYPE html><html lang="{_LANG.render(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
            f"<body>{html_section(report, lang)}</body></html>\n")
