"""``bistandsregler ej-verkstallda INPUT... --kvartal 2025Q3 -o DIR``: the quarterly report of
favourable decisions not carried out, for IVO, the auditors and the council.

INPUT: lists exported for this report (CSV/TSV, see ``input.unexecuted_list``) and decisions
in any format ``evaluate`` reads, with ``executed_on``, ``interrupted_on`` and ``resumed_on``.
DIR gets ``ej-verkstallda-<kvartal>.xlsx`` (a sheet per recipient), ``ivo.csv``,
``revisorerna.csv``, ``kommunfullmaktige.csv``, ``ej-verkstallda-<kvartal>.html`` and
``ej-verkstallda-<kvartal>.json``. A summary goes to standard output; rows that could not be
read go to standard error as ``file:line: fel: ...`` and are listed in the report.

Exit codes: 0 written; 1 a row could not be read (the report is written all the same), a
guideline that does not load or an output that cannot be written; 2 wrong usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bistandsregler.cli.output import terminal
from bistandsregler.language.messages import Text


def run_unexecuted(inputs: list[str], quarter_text: str, output: str, lang: str = "sv", riktlinje: str | None = None,
                   encoding: str = "utf-8") -> int:  # fmt: skip
    from bistandsregler.audit.unexecuted import Quarter, QuarterError, quarterly_report
    from bistandsregler.audit.unexecuted_output import html_page, write_csv, write_xlsx
    from bistandsregler.input.unexecuted_list import read_unexecuted_inputs
    from bistandsregler.language.diagnostics import GuidelineError, render_all
    from bistandsregler.language.errors import InputError
    from bistandsregler.language.files import atomic_file
    from bistandsregler.rules.loading import load

    try:
        quarter = Quarter.parse(quarter_text)
    except QuarterError as error:
        print(f"bistandsregler: {terminal(error.message.render(lang))}", file=sys.stderr)
        return 2
    folders = [p for p in inputs if Path(p).is_dir()]
    for path in folders:
        print(f"bistandsregler: {terminal(path)}: {Text('är en mapp, inte en fil', 'is a folder, not a file').render(lang)}",
              file=sys.stderr)
    if folders:
        return 2
    try:
        book = load([riktlinje] if riktlinje else [])
    except GuidelineError as error:
        print(render_all(error.diagnostics, lang), file=sys.stderr)
        return 1
    guideline = None
    if riktlinje:
        named = book.shown_names([riktlinje])
        found = [g for g in book.municipal if g.path in named]
        if len(found) != 1:
            print(f"bistandsregler: {terminal(riktlinje)}: " + Text(f"väntade en riktlinje, hittade {len(found)}",
                  f"expected one guideline, found {len(found)}").render(lang), file=sys.stderr)
            return 1
        guideline = found[0]

    errors = 0

    def items():
        nonlocal errors
        for path in inputs:
            for item in read_unexecuted_inputs(path, encoding=encoding):
                if isinstance(item, InputError):
                    errors += 1
                    print(terminal(item.text(lang)), file=sys.stderr)
                yield item

    try:
        report = quarterly_report(items(), quarter, book, guideline)
    except QuarterError as error:
        print(f"bistandsregler: {terminal(error.message.render(lang))}", file=sys.stderr)
        return 1
    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"ej-verkstallda-{quarter}"
        write_xlsx(report, folder / f"{stem}.xlsx", lang)
        written = write_csv(report, folder, lang)
        with atomic_file(folder / f"{stem}.html") as handle:
            handle.write(html_page(report, lang))
        with atomic_file(folder / f"{stem}.json") as handle:
            handle.write(report.model_dump_json(indent=2) + "\n")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"bistandsregler: {terminal(output)}: " + Text(f"kan inte skrivas ({reason})", f"cannot be written ({reason})").render(lang),
              file=sys.stderr)
        return 1
    counts = report.counts()
    breaks = report.counts("avbrott")
    label = quarter.label().render(lang)
    summary = Text(
        f"{label}: {report.records_in} poster in, {len(report.unreadable)} kunde inte läsas; "
        f"{counts.get('rapporteras', 0)} ej verkställda och {breaks.get('rapporteras', 0)} avbrott rapporteras, "
        f"{len(report.notices)} anmäls som verkställda",
        f"{label}: {report.records_in} records in, {len(report.unreadable)} could not be read; "
        f"{counts.get('rapporteras', 0)} not carried out and {breaks.get('rapporteras', 0)} interruptions reported, "
        f"{len(report.notices)} notified as carried out")
    print(terminal(summary.render(lang)))
    for shown in [folder / f"{stem}.xlsx", *written, folder / f"{stem}.html", folder / f"{stem}.json"]:
        print(terminal(f"  {shown}"))
    return 1 if errors else 0
