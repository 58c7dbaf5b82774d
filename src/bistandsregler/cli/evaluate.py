"""``bistandsregler evaluate``: read decisions, check them, and report.

Every input record appears in the output, as a result or as an ``indata.ogiltig`` error that
names the record; the summary's count in always equals its count out. Output is
deterministic. Text is for people (``cli.terminal``: wrapped to the terminal, coloured there,
errors first, infos summarised); long runs show a progress bar on a terminal's stderr. JSON
and JSON Lines are for machines and hold every result in input order.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TextIO

from bistandsregler.checking.evaluation import Result, results
from bistandsregler.cli.output import Interrupted, terminal
from bistandsregler.cli.terminal import Progressbar, is_terminal, print_lines
from bistandsregler.input.sources import input_records
from bistandsregler.input.sources import size as _size
from bistandsregler.language.errors import mask_personnummer
from bistandsregler.language.messages import Severity, Text

__all__ = ["render_result", "render_summary", "run_evaluate"]

FAIL_LEVELS = {"fel": {Severity.ERROR}, "varning": {Severity.ERROR, Severity.WARNING}, "aldrig": set()}




def run_evaluate(riktlinje: str | None, schablon: str | None, inputs: list[str], fmt: str, fail_on: str,
                 lang: str, as_of: date | None, out: TextIO | None = None, encoding: str = "utf-8",
                 show_info: bool = False) -> int:
    """Check the decisions in ``inputs`` and write the results; returns the exit code.

    Text (``fmt="text"``) is for a person: the decisions with errors first, then those with
    warnings, each finding wrapped to the terminal; infos are counted in the summary, and
    shown in full, with every decision, when ``show_info``. JSON and JSON Lines hold every
    result in input order.
    """
    from bistandsregler.checking.evaluation import compile
    from bistandsregler.language.diagnostics import GuidelineError, render_all

    out = out or sys.stdout  # looked up per call: a caller may have replaced sys.stdout
    for path in (riktlinje, schablon, *inputs):  # the command line checks this too; the API does not
        if path is not None and not Path(path).exists():
            print(f"bistandsregler: {_quoted(path)}: {Text('filen eller mappen finns inte', 'no such file or folder').render(lang)}",
                  file=sys.stderr)
            return 2
    folders = [p for p in inputs if Path(p).is_dir()]
    if folders:
        for path in folders:
            print(f"bistandsregler: {_quoted(path)}: {Text('är en mapp, inte en fil', 'is a folder, not a file').render(lang)}",
                  file=sys.stderr)
        return 2
    try:
        checker = compile(riktlinje, schablon, as_of=as_of)
    except GuidelineError as error:
        print(render_all(error.diagnostics, lang), file=sys.stderr)
        return 1
    except ValueError as error:  # no guideline or table where one was named, or more than one
        print(f"bistandsregler: {terminal(error)}", file=sys.stderr)
        return 1
    counts: Counter[tuple[str, str]] = Counter()
    statuses: Counter[str] = Counter()
    failing = FAIL_LEVELS[fail_on]
    failed = False
    # A bar on the terminal's stderr, unless results stream to that same terminal meanwhile.
    bar = Progressbar(sum(_size(p) for p in inputs), Text("Kontrollerar", "Checking").render(lang),
                      Text("beslut", "decisions").render(lang), lang, enabled=not (fmt == "jsonl" and is_terminal(out)))
    done = [0]
    shown: list[Result] = []
    results_json: list[dict] = []
    total = 0
    stopped: Interrupted | None = None
    try:
        for result in results(checker, input_records(inputs, encoding, lambda n: done.__setitem__(0, n))):
            total += 1
            bar.advance(done[0], total)
            statuses[result.severity] += 1
            for finding in result.findings:
                counts[(finding.severity, finding.code)] += 1
                failed = failed or finding.severity in failing
            if fmt == "jsonl":
                out.write(json.dumps(result.to_json(lang), ensure_ascii=False, sort_keys=True) + "\n")
            elif fmt == "json":
                results_json.append(result.to_json(lang))
            elif show_info or result.severity in ("fel", "varning"):
                shown.append(result)
    except Interrupted as stop:  # the summary says the run was cut short, and of what it counts
        stopped = stop
    finally:
        bar.close()
    summary = _summary(total, statuses, counts, lang)
    if stopped is not None:
        summary["interrupted"] = str(stopped)
    if fmt == "json":
        json.dump({"results": results_json, "summary": summary}, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    elif fmt == "text":
        shown.sort(key=lambda r: _rank(r.severity))  # stable: input order within a severity
        for result in shown:
            print_lines(render_result(result, lang, show_info).rstrip("\n"), out)
        print_lines(render_summary(summary, lang, show_info).rstrip("\n"), out)
    else:
        print(json.dumps(summary, ensure_ascii=False, sort_keys=True), file=sys.stderr)
    if stopped is not None:
        return stopped.exit_code
    return 1 if failed else 0


def _sev(severity: Severity | str, lang: str) -> str:
    return severity.render(lang) if isinstance(severity, Severity) else severity  # "ok" reads the same


def render_result(result: Result, lang: str = "sv", show_info: bool = True) -> str:
    """One decision and its findings as text (infos only with ``show_info``). What comes from the
    input (the id, the source, messages that quote a field) is masked and has its control
    characters escaped: it cannot start a line of its own or recolour the terminal."""
    where = f" ({_quoted(result.source)})" if result.source and result.source != result.id else ""
    lines = [f"{_quoted(result.id)}{where}: {_sev(result.severity, lang)}"]
    for finding in result.findings:
        if finding.severity == "info" and not show_info:
            continue
        lines.append(f"  {_sev(finding.severity, lang)}[{finding.code}] {terminal(finding.message(lang))}")
        trail = [x for x in (finding.lagrum, finding.guideline and f"{finding.guideline}"
                             + (f" avsnitt {finding.section}" if finding.section else "")) if x]
        if trail:
            lines.append("      " + terminal(" · ".join(trail)))
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return terminal(mask_personnummer(text))


def _summary(total: int, statuses: Counter, counts: Counter, lang: str) -> dict:
    return {
        "decisions_in": total,
        "results_out": sum(statuses.values()),
        "by_status": dict(sorted(statuses.items(), key=lambda kv: _rank(kv[0]))),
        "by_code": [{"severity": s, "code": c, "count": n}
                    for (s, c), n in sorted(counts.items(), key=lambda kv: (kv[0][0].rank, -kv[1], kv[0][1]))],
    }


def _rank(status: Severity | str) -> int:
    return status.rank if isinstance(status, Severity) else len(Severity)  # "ok" last


def render_summary(summary: dict, lang: str, show_info: bool = True) -> str:
    """The counts by status and by code; without ``show_info``, how to see what was left out."""
    counts = Text(f"{summary['decisions_in']} beslut in, {summary['results_out']} resultat ut: ",
                  f"{summary['decisions_in']} decisions in, {summary['results_out']} results out: ")
    head = "\n" + counts.render(lang)
    head += ", ".join(f"{n} {_sev(s, lang)}" for s, n in summary["by_status"].items())
    lines = [head]
    if "interrupted" in summary:
        cut = Text("avbruten ({signal}): siffrorna gäller besluten före",
                   "interrupted ({signal}): the counts are of the decisions checked before")
        lines.append("  " + cut.render(lang, {"signal": summary["interrupted"]}))
    for row in summary["by_code"]:
        lines.append(f"  {row['count']:>6}  {_sev(row['severity'], lang):<8} {row['code']}")
    quiet = sum(n for s, n in summary["by_status"].items() if s in ("info", "ok"))
    infos = sum(row["count"] for row in summary["by_code"] if row["severity"] == "info")
    if not show_info and (quiet or infos):
        parts = [Text(f"{quiet} beslut utan fel eller varningar",
                      f"{quiet} {'decision' if quiet == 1 else 'decisions'} without errors or warnings")] if quiet else []
        parts += [Text(f"{infos} info", f"{infos} {'info' if infos == 1 else 'infos'}")] if infos else []
        hidden = Text("{parts} visas inte ovan; --visa-info visar dem",
                      "{parts} " + ("is" if quiet + infos == 1 else "are") + " not shown above; --visa-info shows them")
        lines.append(hidden.render(lang, {"parts": Text(" och ", " and ").join(parts)}))
    return "\n".join(lines) + "\n"
