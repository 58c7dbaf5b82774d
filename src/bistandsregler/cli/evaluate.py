"""``bistandsregler evaluate``: read decisions, check them, and report.

Every input record appears in the output, as a result or as an ``indata.ogiltig`` error that
names the record; the summary's count in always equals its count out. Output is sorted and
deterministic. Terminal output is coloured (when the terminal is one) and summarised by code
and severity; long runs show progress on stderr. JSON and JSON Lines are for machines.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

from bistandsregler.checking.evaluation import Checker, Result
from bistandsregler.checking.findings import Finding
from bistandsregler.language.messages import Severity, Text

FAIL_LEVELS = {"fel": {Severity.ERROR}, "varning": {Severity.ERROR, Severity.WARNING}, "aldrig": set()}


def input_records(paths: Iterable[str], encoding: str = "utf-8") -> Iterator:
    """Decisions and input errors from every file, in order; the delegation list is detected."""
    from bistandsregler.input.readers import read_decisions

    for path in paths:
        if _is_delegation_list(path, encoding):
            from bistandsregler.input.delegationslista import import_delegationslista

            yield from import_delegationslista(path, encoding=encoding)
        else:
            yield from read_decisions(path, encoding=encoding)


def _is_delegation_list(path: str, encoding: str = "utf-8") -> bool:
    if Path(path).suffix.lower() not in (".tsv", ".csv", ".txt"):
        return False
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding) as stream:
            header = stream.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return "beslutsfattare" in header.lower() and "beslut" in header.lower()


def results(checker: Checker, records: Iterable) -> Iterator[Result]:
    """One result per record; an input error becomes a result with ``indata.ogiltig``."""
    from bistandsregler.checking.decision import Decision

    for record in records:
        if isinstance(record, Decision):
            yield checker.check(record)
        else:  # an InputError
            finding = Finding(code="indata.ogiltig", severity=Severity.ERROR,
                              args={"meddelande": record.message})
            yield Result(id=record.record, source=record.record, findings=[finding])


def run_evaluate(riktlinje: str | None, schablon: str | None, inputs: list[str], fmt: str, fail_on: str,
                 lang: str, as_of: date | None, out: TextIO | None = None, encoding: str = "utf-8") -> int:
    from bistandsregler.checking.evaluation import compile
    from bistandsregler.language.diagnostics import GuidelineError, render_all

    out = out or sys.stdout  # looked up per call: a caller may have replaced sys.stdout
    for path in (riktlinje, schablon):
        if path is not None and not Path(path).exists():
            print(f"{path}: {Text('filen eller mappen finns inte', 'no such file or folder').render(lang)}",
                  file=sys.stderr)
            return 1
    try:
        checker = compile(riktlinje, schablon, as_of=as_of)
    except GuidelineError as error:
        print(render_all(error.diagnostics, lang), file=sys.stderr)
        return 1
    except ValueError as error:  # no guideline or table where one was named, or more than one
        print(f"bistandsregler: {error}", file=sys.stderr)
        return 1
    missing = [p for p in inputs if not Path(p).is_file()]
    if missing:
        for path in missing:
            print(f"{path}: {Text('filen finns inte', 'no such file').render(lang)}", file=sys.stderr)
        return 1
    counts: Counter[tuple[str, str]] = Counter()
    statuses: Counter[str] = Counter()
    failing = FAIL_LEVELS[fail_on]
    failed = False
    colour = fmt == "text" and out.isatty()
    progress = _Progress(enabled=fmt != "text" or not out.isatty())
    results_json: list[dict] = []
    total = 0
    for result in results(checker, input_records(inputs, encoding)):
        total += 1
        progress.tick(total)
        statuses[result.severity] += 1
        for finding in result.findings:
            counts[(finding.severity, finding.code)] += 1
            failed = failed or finding.severity in failing
        if fmt == "jsonl":
            out.write(json.dumps(result.to_json(lang), ensure_ascii=False, sort_keys=True) + "\n")
        elif fmt == "json":
            results_json.append(result.to_json(lang))
        else:
            out.write(render_result(result, lang, colour))
    progress.done()
    summary = _summary(total, statuses, counts, lang)
    if fmt == "json":
        json.dump({"results": results_json, "summary": summary}, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")
    elif fmt == "text":
        out.write(render_summary(summary, lang, colour))
    else:
        print(json.dumps(summary, ensure_ascii=False, sort_keys=True), file=sys.stderr)
    return 1 if failed else 0


_COLOURS = {"fel": "\033[31m", "varning": "\033[33m", "info": "\033[36m", "ok": "\033[32m"}
_RESET = "\033[0m"


def _sev(severity: Severity | str, lang: str, colour: bool) -> str:
    word = severity.render(lang) if isinstance(severity, Severity) else severity  # "ok" reads the same
    return f"{_COLOURS[severity]}{word}{_RESET}" if colour else word


def render_result(result: Result, lang: str = "sv", colour: bool = False) -> str:
    where = f" ({result.source})" if result.source and result.source != result.id else ""
    lines = [f"{result.id}{where}: {_sev(result.severity, lang, colour)}"]
    for finding in result.findings:
        lines.append(f"  {_sev(finding.severity, lang, colour)}[{finding.code}] {finding.message(lang)}")
        trail = [x for x in (finding.lagrum, finding.guideline and f"{finding.guideline}"
                             + (f" avsnitt {finding.section}" if finding.section else "")) if x]
        if trail:
            lines.append("      " + " · ".join(trail))
    return "\n".join(lines) + "\n"


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


def render_summary(summary: dict, lang: str, colour: bool) -> str:
    counts = Text(f"{summary['decisions_in']} beslut in, {summary['results_out']} resultat ut: ",
                  f"{summary['decisions_in']} decisions in, {summary['results_out']} results out: ")
    head = "\n" + counts.render(lang)
    head += ", ".join(f"{n} {_sev(s, lang, colour)}" for s, n in summary["by_status"].items())
    lines = [head]
    for row in summary["by_code"]:
        lines.append(f"  {row['count']:>6}  {_sev(row['severity'], lang, colour):<8} {row['code']}")
    return "\n".join(lines) + "\n"


class _Progress:
    """A progress line on stderr for long runs, only when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def tick(self, count: int) -> None:
        if self.enabled and count % 1000 == 0:
            sys.stderr.write(f"\r{count} beslut kontrollerade …")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 40 + "\r")
