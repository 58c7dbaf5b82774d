"""What every page family shares: the folders, the header of a generated file, running the
command line in-process, and Markdown table cells."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import examples

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "exempel"
GENERATED = DOCS / "_genererat"
OUTPUT = GENERATED / "utdata"
PACKAGE = ROOT / "src" / "bistandsregler"

if str(ROOT / "src") not in sys.path:  # a source checkout without an install
    sys.path.insert(0, str(ROOT / "src"))

HEADER_MD = "<!-- Genererad av tools/gen_docs.py: ändra inte för hand. -->\n"
NO_EXAMPLE = "**No example:**"  # tests/test_docs.py fails while a page says this
SNIPPET = re.compile(r'--8<--\s+"(?P<path>[^"]+)"')

# Paths relative to the repository root: the decision examples run there, so that the guideline
# positions and record names on the pages are the short ones a reader would type.
SAMPLE = "examples/delegationslista-exempel.tsv"


def cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|")


def table(
    header: str, rows: list[str], intro: Sequence[str] = (), outro: Sequence[str] = ()
) -> str:
    """A generated Markdown fragment: the generated-file header, lines before the table, the
    table's header and rows, lines after it."""
    columns = header.count("|") - 1
    return "\n".join([HEADER_MD, *intro, header, "|" + "---|" * columns, *rows, *outro]) + "\n"


@contextlib.contextmanager
def in_folder(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(args: list[str], folder: Path = ROOT) -> tuple[int, str, str]:
    """Run ``bistandsregler ARGS`` in ``folder``: exit code, standard output and standard error.

    ``report.run_evaluate`` binds its ``out=sys.stdout`` default when the module is first
    imported, so a second run in the same process would write to the first run's stream; the
    stream is passed explicitly here.
    """
    from bistandsregler.cli import evaluate as report
    from bistandsregler.cli.main import main

    original = report.run_evaluate

    def run_evaluate(*positional, **keywords):
        keywords.setdefault("out", sys.stdout)
        return original(*positional, **keywords)

    out, err = io.StringIO(), io.StringIO()
    report.run_evaluate = run_evaluate
    try:
        with in_folder(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as stop:  # argparse: usage errors
                code = stop.code if isinstance(stop.code, int) else 2
    finally:
        report.run_evaluate = original
    return code, out.getvalue(), err.getvalue()


def transcript(args: list[str], stdout: str, stderr: str = "") -> str:
    """A console transcript: the command, then what it printed."""
    return f"$ bistandsregler {' '.join(args)}\n{stdout}{stderr}"


def pages_including() -> dict[str, list[Path]]:
    """Which pages include which file (by its path relative to docs/), from the snippet lines."""
    found: dict[str, list[Path]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        if GENERATED in page.parents:
            continue
        for match in SNIPPET.finditer(page.read_text(encoding="utf-8")):
            found.setdefault(match.group("path"), []).append(page)
    return found


@contextlib.contextmanager
def cached_parsing() -> Iterator[None]:
    """Parse each file text once while generating: the national layer is read for every example.

    Parsing is a pure function of (text, path, kind) and the rule objects are frozen, so
    sharing them is safe; the original function is put back afterwards.
    """
    from bistandsregler.rules import reading as rulebook

    original = rulebook.parse_text
    cache: dict[tuple[str, str, str], tuple] = {}

    def parse_text(text: str, path: str, kind: str):
        key = (text, path, kind)
        if key not in cache:
            cache[key] = original(text, path, kind)
        document, diagnostics = cache[key]
        return document, list(diagnostics)

    rulebook.parse_text = parse_text
    try:
        yield
    finally:
        rulebook.parse_text = original


# ---- checkers the decision pages run -------------------------------------------------------------


@functools.cache
def checker(key: str):
    """The checker ``key`` of tests/data/finding_examples.yaml, compiled from the repository root
    so that guideline positions are the short paths a reader would type. ``generate`` empties
    the cache when it is done."""
    from bistandsregler.checking.evaluation import compile

    with in_folder(ROOT):
        return compile(**examples.load().compile_arguments(key))


def compile_call(key: str) -> str:
    """The Python call that builds a checker, as a reader would write it."""
    kwargs = examples.load().checkers[key]
    parts = []
    if "riktlinje" in kwargs:
        parts.append(f'"{kwargs["riktlinje"]}"')
    if "schablon" in kwargs:
        parts.append(f'schablon="{kwargs["schablon"]}"')
    if "as_of" in kwargs:
        year, month, day = (int(x) for x in kwargs["as_of"].split("-"))
        parts.append(f"as_of=date({year}, {month}, {day})")
    return f"bistandsregler.compile({', '.join(parts)})"


def results_of(checker, decision: dict | str) -> list:
    """What ``bistandsregler evaluate`` makes of one example: one result per record."""
    from bistandsregler.checking.decision import Decision
    from bistandsregler.checking.evaluation import results
    from bistandsregler.input.readers import read_decisions

    if isinstance(decision, str):
        stream = io.StringIO(decision)
        stream.name = "beslut.jsonl"
        records = list(read_decisions(stream, "jsonl"))
    else:
        records = [Decision.model_validate(decision)]
    with in_folder(ROOT):
        return list(results(checker, records))
