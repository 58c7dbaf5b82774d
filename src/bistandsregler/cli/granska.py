"""``bistandsregler granska``: audit many decisions at once and write the report.

Reads every input (delegation lists, JSON Lines, JSON, YAML, CSV) through the same path as
``evaluate``, checks each decision once, and writes the report as text, JSON (schema:
``docs/developers/granska-report.schema.json``), one self-contained HTML page, an xlsx
workbook or a folder of CSV files. Files are written whole or not at all.

Exit codes: 0 the report was written; 1 the report was written but some records could not
be read (they are listed in it), or a guideline had errors, or the output could not be
written; 2 wrong usage (a period that is no period, xlsx or csv without ``-o``).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

from bistandsregler.cli.output import terminal
from bistandsregler.language.messages import Text


def parse_period(text: str) -> tuple[date, date] | None:
    """``2025-01-01..2025-12-31`` as two dates (the second not before the first), else None."""
    start, sep, end = text.partition("..")
    if not sep:
        return None
    try:
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        return None
    return (first, last) if first <= last else None


def run_granska(inputs: list[str], riktlinje: str | None, schablon: str | None, period: str | None,
                utkast: str | None, fmt: str, output: str | None, lang: str, encoding: str = "utf-8",
                kvartal: str | None = None) -> int:
    from bistandsregler.audit.build import build_report, quarterly_section
    from bistandsregler.audit.records import read_dataset
    from bistandsregler.audit.unexecuted import QuarterError
    from bistandsregler.checking.evaluation import compile
    from bistandsregler.language.diagnostics import GuidelineError, render_all

    def say(message: Text) -> None:
        print(f"bistandsregler: {message.render(lang)}", file=sys.stderr)

    span = None
    if period is not None:
        span = parse_period(period)
        if span is None:
            say(Text(f"--period '{terminal(period)}' är ingen period (ÅÅÅÅ-MM-DD..ÅÅÅÅ-MM-DD)",
                     f"--period '{terminal(period)}' is no period (YYYY-MM-DD..YYYY-MM-DD)"))
            return 2
    if fmt in ("xlsx", "csv") and not output:
        say(Text(f"--format {fmt} skrivs till en fil eller mapp: ange -o", f"--format {fmt} is written to a file or folder: give -o"))
        return 2
    extra = []
    if kvartal is not None:
        try:
            extra.append(quarterly_section(kvartal))
        except QuarterError as error:
            say(error.message)
            return 2
    folders = [p for p in inputs if Path(p).is_dir()]
    for path in folders:
        say(Text(f"{terminal(path)}: är en mapp, inte en fil", f"{terminal(path)}: is a folder, not a file"))
    if folders:
        return 2
    try:
        checker = compile(riktlinje, schablon)
        draft = None
        if utkast is not None:
            draft = compile(utkast, schablon, book=None)
    except GuidelineError as error:
        print(render_all(error.diagnostics, lang), file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"bistandsregler: {terminal(error)}", file=sys.stderr)
        return 1
    data = read_dataset(inputs, checker, span, encoding)
    try:
        report = build_report(data, lang=lang, draft=draft, extra=extra)
    except QuarterError as error:
        say(error.message)
        return 1
    try:
        _write(report, fmt, output)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        say(Text(f"{terminal(output)}: kan inte skrivas: {reason}", f"{terminal(output)}: cannot be written: {reason}"))
        return 1
    totals = report.totals
    print(Text(f"{totals.records_in} poster in: {totals.analysed} granskade, {totals.outside_period} utanför perioden, "
               f"{totals.unreadable} kunde inte läsas",
               f"{totals.records_in} records in: {totals.analysed} audited, {totals.outside_period} outside the period, "
               f"{totals.unreadable} unreadable").render(lang), file=sys.stderr)
    return 1 if totals.unreadable else 0


def _write(report, fmt: str, output: str | None) -> None:
    from bistandsregler.audit import render_html, render_tables
    from bistandsregler.language.files import atomic_file

    if fmt == "xlsx":
        with atomic_file(output, binary=True) as handle:  # type: ignore[arg-type]
            handle.write(render_tables.xlsx_bytes(report))
        return
    if fmt == "csv":
        folder = Path(output)  # type: ignore[arg-type]
        os.makedirs(folder, exist_ok=True)
        for name, text in render_tables.csv_files(report).items():
            with atomic_file(folder / name, newline="") as handle:
                handle.write(text)
        return
    if fmt == "json":
        text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = render_html.render(report)
    else:
        text = render_tables.render_text(report)
        if output is None:
            from bistandsregler.cli.output import terminal_lines
            from bistandsregler.cli.terminal import print_lines

            print_lines(terminal_lines(text).rstrip("\n"))
            return
    if output is None:
        sys.stdout.write(text)
        return
    with atomic_file(output) as handle:
        handle.write(text)
