"""Run the issue-8 regression corpus through today's engine and print precision and recall per class.

    python tools/corpus_report.py [--rows] [--corpus tests/corpus]

The corpus (tests/corpus/) is written by hand: delegation-list rows in the export's format
(delegationslistor/*.tsv), decision records for what the export cannot carry (beslut.yaml),
guideline files as authors write them (riktlinjer/*.riktlinje: one row each, read with the
national layer as ``validate`` reads it; its findings are the file's diagnostics), and what
is expected of each row (expected.yaml). Per class it prints:

- defects, and how many got every expected code (recall);
- correct rows ("twins"), how many got a finding of severity ``fel`` (false fel) and how many
  broke another expectation of theirs (a code they must not get, or an info they must get);
- precision at row level: caught defects / (caught defects + twins with a false fel).

The last line is one JSON object with the same figures: ``classes`` (each class and
``TOTAL``) and ``by_period`` (caught defects and false fel by the decision date's side of
the law change). ``--rows`` lists every row that
misses its expectation, with the codes it got. Exit code 0 when the corpus could be run
(whatever the figures), 2 when the corpus itself is malformed. tests/test_corpus.py uses
the same functions, so the report and the tests judge a row the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
KINDS = ("defect", "twin")


class CorpusError(ValueError):
    """The corpus or its expectations are malformed."""


@dataclass(frozen=True)
class Spec:
    """One expected code: ``code`` or ``code@severity``; ``alternatives`` when any of several will do."""

    alternatives: tuple[tuple[str, str | None], ...]

    @classmethod
    def parse(cls, item) -> Spec:
        items = item if isinstance(item, list) else [item]
        if not items or not all(isinstance(i, str) and i for i in items):
            raise CorpusError(f"not a code or a list of codes: {item!r}")
        return cls(tuple((i.split("@", 1)[0], i.split("@", 1)[1] if "@" in i else None) for i in items))

    def met_by(self, findings: list[tuple[str, str]]) -> bool:
        return any(code == c and (sev is None or sev == s) for code, sev in self.alternatives for c, s in findings)

    def codes(self) -> set[str]:
        return {code for code, _ in self.alternatives}

    def __str__(self) -> str:
        return "|".join(code + (f"@{sev}" if sev else "") for code, sev in self.alternatives)


@dataclass
class Row:
    key: str
    klass: str
    kind: str
    must: list[Spec]
    must_not: list[Spec]
    note: str
    rad: str | None = None
    period: str | None = None  # the decision date's side of the law changes, see period()
    findings: list[tuple[str, str]] = field(default_factory=list)  # (code, severity), as the engine gave them

    @property
    def false_fel(self) -> list[str]:
        return [code for code, severity in self.findings if severity == "fel"] if self.kind == "twin" else []

    @property
    def missing(self) -> list[Spec]:
        return [spec for spec in self.must if not spec.met_by(self.findings)]

    @property
    def forbidden(self) -> list[Spec]:
        return [spec for spec in self.must_not if spec.met_by(self.findings)]

    @property
    def ok(self) -> bool:
        return not (self.false_fel or self.missing or self.forbidden)


def period(day) -> str:
    """Which law applied: SoL 2001:453 until 2025-06-30, SoL 2025:400 after; LSS 9 b § changed 2023 and 2026."""
    if day is None:
        return "okänt datum"
    if day.year < 2025:
        return str(day.year)
    if day.year == 2025:
        return "2025 (SoL 2001:453)" if day.month <= 6 else "2025 (SoL 2025:400)"
    return str(day.year)


def load_expectations(corpus: Path = CORPUS) -> dict:
    with open(corpus / "expected.yaml", encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict) or not isinstance(data.get("rows"), dict) or not isinstance(data.get("classes"), dict):
        raise CorpusError("expected.yaml: needs 'classes' and 'rows' mappings")
    return data


def expected_rows(data: dict) -> dict[str, Row]:
    """Each row's expectation, the class defaults merged in."""
    rows: dict[str, Row] = {}
    for key, spec in data["rows"].items():
        if not isinstance(spec, dict):
            raise CorpusError(f"expected.yaml: row {key}: not a mapping")
        klass = spec.get("class") or str(key).rsplit(":", 1)[0]
        if klass not in data["classes"]:
            raise CorpusError(f"expected.yaml: row {key}: unknown class {klass!r}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise CorpusError(f"expected.yaml: row {key}: kind must be one of {KINDS}, not {kind!r}")
        if not spec.get("note"):
            raise CorpusError(f"expected.yaml: row {key}: no note citing the rule's source")
        defaults = (data["classes"][klass] or {}).get(kind) or {}
        must = [Spec.parse(i) for i in [*(defaults.get("must") or []), *(spec.get("must") or [])]]
        must_not = [Spec.parse(i) for i in [*(defaults.get("must_not") or []), *(spec.get("must_not") or [])]]
        if kind == "defect" and not must:
            raise CorpusError(f"expected.yaml: defect {key}: no expected code (must)")
        rows[str(key)] = Row(str(key), klass, kind, must, must_not, spec["note"], spec.get("rad"))
    return rows


def corpus_records(corpus: Path = CORPUS):
    """(key, "Beslutsfattare Beslutsdatum" or None, record) for every row of the corpus, in file order.

    Delegation-list rows are keyed "<file stem>:<line>" whether they were read as a Decision or
    as an InputError (whose record names the file, not the stem); beslut.yaml records by id.
    """
    import bistandsregler

    for path in sorted((corpus / "delegationslistor").glob("*.tsv")):
        cells = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        for record in bistandsregler.import_delegationslista(path):
            line = record.line if hasattr(record, "line") else int(str(record.source).rsplit(":", 1)[1])
            if line is None:
                raise CorpusError(f"{path.name}: a record without a line: {record}")
            row = cells[line - 1]
            yield f"{path.stem}:{line}", f"{row[0]} {row[1]}", record
    for record in bistandsregler.read_decisions(corpus / "beslut.yaml"):
        if not hasattr(record, "id"):
            raise CorpusError(f"beslut.yaml: a record that cannot be read: {record.text('en')}")
        yield record.id, None, record


def corpus_guidelines(corpus: Path = CORPUS) -> list[tuple[str, Path]]:
    """(key, file) for every guideline row: "riktlinjer/<file stem>"."""
    return [(f"riktlinjer/{path.stem}", path) for path in sorted((corpus / "riktlinjer").glob("*.riktlinje"))]


def guideline_findings(path: Path) -> list[tuple[str, str]]:
    """(code, severity) of the diagnostics ``validate`` gives the file itself (not the national layer)."""
    import bistandsregler

    book = bistandsregler.read([path])
    return [(d.code, str(d.severity)) for d in book.diagnostics if Path(d.path).resolve() == path.resolve()]


def run(corpus: Path = CORPUS) -> tuple[dict, dict[str, Row]]:
    """Check every corpus row with today's engine; the expectations with the findings filled in."""
    import bistandsregler
    from bistandsregler.checking.evaluation import results

    data = load_expectations(corpus)
    rows = expected_rows(data)
    keyed = list(corpus_records(corpus))
    guidelines = corpus_guidelines(corpus)
    seen = [key for key, _, _ in keyed] + [key for key, _ in guidelines]
    if len(set(seen)) != len(seen):
        raise CorpusError("two corpus rows have the same key")
    if missing := sorted(set(seen) - set(rows)):
        raise CorpusError(f"rows without an expectation: {', '.join(missing)}")
    if orphans := sorted(set(rows) - set(seen)):
        raise CorpusError(f"expectations without a row: {', '.join(orphans)}")
    for key, rad, _ in keyed:
        if rad is not None and rows[key].rad != rad:
            raise CorpusError(f"{key}: expected.yaml says rad {rows[key].rad!r}, the row is {rad!r} (a shifted key?)")
    checker = bistandsregler.compile(riktlinje=str(ROOT / data["guideline"]))
    for (key, _, _), result in zip(keyed, results(checker, (record for _, _, record in keyed)), strict=True):
        rows[key].findings = [(f.code, f.severity) for f in result.findings]
    from datetime import date

    for key, rad, record in keyed:
        day = getattr(record, "decided_on", None)
        if day is None and rad is not None:  # a row the importer could not read: the date as written
            written = rad.rsplit(" ", 1)[1]
            day = date(int(written[:4]), int(written[4:6]), int(written[6:])) if written.isdigit() else None
        rows[key].period = period(day)
    for key, path in guidelines:
        rows[key].findings = guideline_findings(path)
        rows[key].period = "riktlinjer"
    return data, rows


def unknown_codes(data: dict, rows: dict[str, Row]) -> tuple[set[str], set[str]]:
    """(codes the expectations name that are neither in a catalogue (findings, diagnostics) nor
    proposed, proposed codes now in one)."""
    from bistandsregler.checking.findings import CODES as FINDINGS
    from bistandsregler.language.diagnostics import CATALOGUE

    CODES = set(FINDINGS) | set(CATALOGUE)

    named = {code for row in rows.values() for spec in [*row.must, *row.must_not] for code in spec.codes()}
    proposed = set(data.get("proposed_codes") or {})
    return named - set(CODES) - proposed, proposed & set(CODES)


def figures(rows: dict[str, Row]) -> dict[str, dict]:
    """Per class and in total: defects, caught, twins, false fel, twin violations, recall, precision."""
    by_class: dict[str, list[Row]] = {}
    for row in rows.values():
        by_class.setdefault(row.klass, []).append(row)
    out: dict[str, dict] = {}
    for klass, members in [*sorted(by_class.items()), ("TOTAL", list(rows.values()))]:
        defects = [r for r in members if r.kind == "defect"]
        twins = [r for r in members if r.kind == "twin"]
        caught = sum(1 for r in defects if r.ok)
        false_fel = sum(1 for r in twins if r.false_fel)
        noisy = sum(1 for r in twins if not r.ok)
        out[klass] = {
            "defects": len(defects), "caught": caught,
            "recall": round(caught / len(defects), 3) if defects else None,
            "twins": len(twins), "false_fel": false_fel, "twins_not_quiet": noisy,
            "precision": round(caught / (caught + false_fel), 3) if caught + false_fel else None,
            "holds": caught == len(defects) and noisy == 0,
        }
    return out


def by_period(rows: dict[str, Row]) -> dict[str, dict]:
    """Recall and false fel by the period of the decision date, across classes."""
    out: dict[str, dict] = {}
    for row in rows.values():
        f = out.setdefault(row.period or "okänt datum", {"defects": 0, "caught": 0, "twins": 0, "false_fel": 0})
        if row.kind == "defect":
            f["defects"] += 1
            f["caught"] += row.ok
        else:
            f["twins"] += 1
            f["false_fel"] += bool(row.false_fel)
    return dict(sorted(out.items()))


def _describe(row: Row) -> str:
    problems = []
    if row.missing:
        problems.append("missing " + ", ".join(map(str, row.missing)))
    if row.forbidden:
        problems.append("must not have " + ", ".join(map(str, row.forbidden)))
    if row.false_fel:
        problems.append("false fel " + ", ".join(row.false_fel))
    got = ", ".join(f"{c}@{s}" for c, s in row.findings if c not in ("riktlinje.ej_i_kraft", "bedomning.ofullstandig"))
    return f"  {row.key} [{row.kind}] {'; '.join(problems)}; got: {got or '-'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (default tests/corpus)")
    parser.add_argument("--rows", action="store_true", help="list every row that misses its expectation")
    args = parser.parse_args(argv)
    try:
        data, rows = run(args.corpus)
        unknown, arrived = unknown_codes(data, rows)
        if unknown:
            raise CorpusError(f"expected codes that are neither in findings.CODES nor proposed: {', '.join(sorted(unknown))}")
    except CorpusError as error:
        print(f"corpus_report: malformed corpus: {error}", file=sys.stderr)
        return 2
    table = figures(rows)
    print(f"{'class':22} {'defects':>7} {'caught':>6} {'recall':>6} {'twins':>5} {'false fel':>9} {'not quiet':>9} {'precision':>9}")
    for klass, f in table.items():
        if klass == "TOTAL":
            print("-" * 80)
        recall = "-" if f["recall"] is None else f"{f['recall']:.2f}"
        precision = "-" if f["precision"] is None else f"{f['precision']:.2f}"
        mark = "  holds" if f["holds"] and klass != "TOTAL" else ""
        print(f"{klass:22} {f['defects']:>7} {f['caught']:>6} {recall:>6} {f['twins']:>5} {f['false_fel']:>9} "
              f"{f['twins_not_quiet']:>9} {precision:>9}{mark}")
    print("by decision date: " + "; ".join(
        f"{name}: caught {f['caught']}/{f['defects']}, false fel {f['false_fel']}/{f['twins']}"
        for name, f in by_period(rows).items()))
    proposed = sorted(set(data.get("proposed_codes") or {}) - arrived)
    if proposed:
        print(f"codes proposed by the corpus, not yet in the catalogue: {', '.join(proposed)}")
    listed = set(data.get("holds") or [])
    if stale := sorted(k for k in listed if not table.get(k, {}).get("holds")):
        print(f"listed in holds but not holding: {', '.join(stale)}")
    if new := sorted(k for k, f in table.items() if k != "TOTAL" and f["holds"] and k not in listed):
        print(f"holding but not listed in holds: {', '.join(new)}")
    if args.rows:
        print("rows that miss their expectation:")
        for row in rows.values():
            if not row.ok:
                print(_describe(row))
    print(json.dumps({"classes": table, "by_period": by_period(rows)}, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)
