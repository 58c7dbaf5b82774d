"""The report's tables as an xlsx workbook (openpyxl), as CSV files and as text.

Workbook: a first sheet with the totals and the inputs, one sheet per table (named by the
table's id, cut to Excel's 31 characters), and a sheet listing every trace's decisions (trace,
decision id, source line). CSV: one file per table, ``<table id>.csv``, plus ``spar.csv`` with
the traces and ``indata.csv`` with the inputs. A cell that starts like a formula (= + - @) is
written with a leading apostrophe: a decision id or a file name is data, never run by Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from bistandsregler.audit.report import Cell, Report, Table
from bistandsregler.language.messages import Text, decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def tables(report: Report) -> Iterator[Table]:
    for section in report.sections:
        yield from section.tables


def _header(table: Table) -> list[str]:
    return [c.label for c in table.columns] + ["spår"]


def _rows(table: Table) -> Iterator[list[Cell]]:
    for row in table.rows:
        yield [_safe(v) for v in row.cells] + [row.trace]


def _inputs(report: Report) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["fil", "granskade", "utanför perioden", "kunde inte läsas"]]
    rows += [[_safe(i.path), i.records, i.outside_period, i.unreadable] for i in report.inputs]
    rows += [["totalt", report.totals.analysed, report.totals.outside_period, report.totals.unreadable],
             ["poster in", report.totals.records_in, None, None]]
    return rows


def _traces(report: Report) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["spår", "beskrivning", "beslut", "källa"]]
    for trace in report.traces:
        rows += [[trace.id, _safe(trace.label), _safe(d.id), _safe(d.source)] for d in trace.decisions]
    return rows


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    first = book.active
    first.title = "indata"
    first.append([report.title])
    first["A1"].font = Font(bold=True, size=14)
    for row in _inputs(report):
        first.append(row)
    names = {"indata"}
    for table in tables(report):
        name = table.id[:31]
        suffix = 2
        while name in names:
            name = f"{table.id[:28]}_{suffix}"
            suffix += 1
        names.add(name)
        sheet = book.create_sheet(name)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        if table.note:
            sheet.append([table.note])
        sheet.append(_header(table))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in _rows(table):
            sheet.append(row)
    traces = book.create_sheet("spar")
    for row in _traces(report):
        traces.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_files(report: Report) -> dict[str, str]:
    """File name -> CSV text (UTF-8, comma, a header row)."""
    files = {}

    def text(rows) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(rows)
        return out.getvalue()

    for table in tables(report):
        files[f"{table.id}.csv"] = text([_header(table), *_rows(table)])
    files["indata.csv"] = text(_inputs(report))
    files["spar.csv"] = text(_traces(report))
    return files


def render_text(report: Report, width_of=len) -> str:
    """Every table as aligned text, for a terminal or a text file."""
    lines = [report.title, ""]
    t = report.totals
    lines.append(Text(f"{t.records_in} poster in: {t.analysed} granskade, {t.outside_period} utanför perioden, "
                      f"{t.unreadable} kunde inte läsas",
                      f"{t.records_in} records in: {t.analysed} audited, {t.outside_period} outside the period, "
                      f"{t.unreadable} unreadable").render(report.lang))
    for u in report.unreadable:
        lines.append(f"  {u.where}: {u.message}")
    for section in report.sections:
        lines += ["", section.title.upper(), *section.paragraphs]
        for table in section.tables:
            lines += ["", table.title]
            if table.note:
                lines.append(table.note)
            header = [c.label for c in table.columns]
            body = [[_text_cell(v, c.kind, report.lang) for v, c in zip(r.cells, table.columns, strict=True)] for r in table.rows]
            widths = [max([width_of(h)] + [width_of(row[i]) for row in body]) for i, h in enumerate(header)]
            for row in [header, *body]:
                lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _text_cell(value: Cell, kind: str, lang: str = "sv") -> str:
    if value is None:
        return "–"
    if kind == "rate" and isinstance(value, (int, float)):
        return number(f"{value * 100:.1f}", lang) + " %"
    if isinstance(value, float):
        return number(str(value), lang)
    return str(value)


def number(text: str, lang: str) -> str:
    """A number as written in the report's language: a decimal comma in Swedish."""
    return decimal(text, lang)
