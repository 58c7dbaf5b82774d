"""Write the documentation pages and fragments that are generated from the code.

    python tools/gen_docs.py           # write every generated file that changed
    python tools/gen_docs.py --check   # write nothing; exit 1 and list the stale files

What is generated, so that it cannot drift from the code:

- ``docs/diagnostikkoder.md``: every diagnostic code in ``diagnostics.CATALOGUE``, with its
  severity, summary and Swedish and English message, and the examples that show it;
- ``docs/_genererat/regelfalt.md``: the decision fields a rule may use (``facts.FIELDS``)
  and the words it may compare them with (``facts.SYMBOLS``);
- ``docs/_genererat/lagrum.md`` and ``docs/_genererat/frekvenser.md``: how the law-reference
  and frequency parsers read the spellings found in real decisions and guidelines;
- ``docs/_genererat/flaggor-validate.md`` and ``flaggor-fmt.md``: the commands' options, from
  the argument parser;
- ``docs/_genererat/moduler.md``: the module map of ``src/bistandsregler/`` (first
  paragraph of each module's docstring);
- ``docs/_genererat/utdata/``: what ``bistandsregler validate`` (and ``fmt``) prints for the
  examples in ``docs/exempel/``, run in that folder so that paths are the bare file names;
  and what ``evaluate`` and ``import delegationslista`` print for ``docs/exempel/beslut.json``
  and the sample delegation list, run from the repository root;
- ``docs/developers/finding-codes.md``: every finding code in ``findings.CODES`` with its
  severity, field and messages, and a real finding from the checker on an example decision
  (``FINDING_EXAMPLES``);
- ``docs/_genererat/beslutsfalt.md`` (the decision's fields), ``okant-eller-tomt.md`` (what
  the checker makes of a field absent, null or empty, by running it) and
  ``schema-decision.json`` (``bistandsregler schema decision``);
- ``docs/_genererat/cli/``: every command's options from the argument parser, the list of
  commands, and the exit codes of real runs;
- ``docs/_genererat/granskning-rader.md`` and ``lss-motsvarigheter.md``: how each row of the
  sample delegation list was read, and the SoL insatser with an LSS counterpart.

The pages include the fragments with the pymdown ``snippets`` extension. ``tests/test_docs.py``
fails when a committed file differs from what this script generates, and the mkdocs hook
``docs/hooks/generated.py`` makes ``mkdocs build --strict`` fail for the same reason.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "exempel"
GENERATED = DOCS / "_genererat"
OUTPUT = GENERATED / "utdata"
# Folders holding nothing but generated files: a file no longer generated is removed.
GENERATED_FOLDERS = (OUTPUT, GENERATED / "cli")
PACKAGE = ROOT / "src" / "bistandsregler"

if str(ROOT / "src") not in sys.path:  # a source checkout without an install
    sys.path.insert(0, str(ROOT / "src"))

HEADER_MD = "<!-- Genererad av tools/gen_docs.py: ändra inte för hand. -->\n"
SUFFIXES = (".riktlinje", ".schablon")
# A broken example names the codes it must give in a comment: "# Felexempel. Förväntad kod: x.y".
EXPECTED = re.compile(r"^#.*Förväntad kod:\s*(?P<codes>[\w.,\s]+?)\s*$", re.MULTILINE)
SNIPPET = re.compile(r'--8<--\s+"(?P<path>[^"]+)"')

# Extra runs shown on the pages: (example, extra arguments, suffix of the output file).
VARIANTS = [
    ("regler-fel.riktlinje", ["--lang", "en"], ".en.txt"),
    ("regler-fel.riktlinje", ["--format", "json"], ".json"),
]
FMT_EXAMPLE = "fmt-fore.riktlinje"

_GROUPS = {
    "syntax": "Syntax: texten följer inte språket",
    "fil": "Filer",
    "varde": "Värden, datum och perioder",
    "period": "Värden, datum och perioder",
    "lagrum": "Lagrum",
    "insats": "Insatser och namn",
    "namn": "Insatser och namn",
    "omfattning": "Omfattning och nivåer",
    "nivaer": "Omfattning och nivåer",
    "regel": "Regler",
    "riktlinje": "Riktlinjens och tabellens huvud",
    "schablon": "Schablontabeller",
}


# ---- examples ---------------------------------------------------------------------------------


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix in SUFFIXES and p.is_file())


def is_mistake(path: Path) -> bool:
    """Intentionally broken examples are named ``*-fel.riktlinje`` / ``*-fel.schablon``."""
    return path.stem.endswith("-fel")


def expected_codes(path: Path) -> list[str]:
    """The codes an example names in a comment: ``# Felexempel. Förväntad kod: lagrum.okant``."""
    match = EXPECTED.search(path.read_text(encoding="utf-8"))
    if match is None:
        return []
    return [code.strip() for code in match.group("codes").split(",") if code.strip()]


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(args: list[str], folder: Path = EXAMPLES) -> tuple[int, str]:
    """Run ``bistandsregler ARGS`` in ``folder``; its exit code and what it printed on stdout.

    The summary line on stderr ("N filer lästa: ...") is left out: it counts the files of the
    shipped national layer too, which would make every page stale whenever that layer grows.
    """
    from bistandsregler.cli.main import main

    out = io.StringIO()
    with (
        _in_folder(folder),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        code = main(args)
    return code, out.getvalue()


def options_fragment(command: str) -> str:
    """The options of ``bistandsregler COMMAND`` as a table, read from the argument parser itself.

    Built from the parser's actions rather than from ``--help`` text, whose layout differs
    between Python versions and terminal widths.
    """
    import argparse as _argparse

    from bistandsregler.cli.main import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, _argparse._SubParsersAction))
    sub = subparsers.choices[command]
    lines = [HEADER_MD, "| Argument | Värden | Gör |", "|---|---|---|"]
    for action in sub._actions:
        if isinstance(action, _argparse._HelpAction):
            continue
        name = ", ".join(action.option_strings) or (action.metavar or action.dest)
        values = ", ".join(f"`{c}`" for c in action.choices) if action.choices else ""
        if action.option_strings and action.default not in (None, False) and action.choices:
            values += f" (förval `{action.default}`)"
        if not action.option_strings:
            values = "en eller flera" if action.nargs == "+" else ""
        lines.append(f"| `{name}` | {values} | {_cell(action.help or '')} |")
    return "\n".join(lines) + "\n"


def check_output(name: str, extra: list[str] | None = None) -> str:
    """``bistandsregler validate NAME`` as a console transcript: the command, then its output."""
    args = ["validate", *(extra or []), name]
    _, printed = run_cli(args)
    return f"$ bistandsregler {' '.join(args)}\n{printed}"


def diagnostics_for(path: Path) -> list:
    """The diagnostics of one example file (the national layer's own are left out)."""
    from bistandsregler.rules.loading import read

    with _in_folder(path.parent):
        book = read([path.name])
    return [d for d in book.diagnostics if d.path == path.name]


@contextlib.contextmanager
def cached_parsing() -> Iterator[None]:
    """Parse each file text once while generating: the national layer is read for every example.

    Parsing is a pure function of (text, path, kind) and the rule objects are frozen, so
    sharing them is safe; the original function is put back afterwards.
    """
    from bistandsregler.rules import loading as rulebook

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


def example_outputs() -> dict[Path, str]:
    """What ``validate`` prints for every example that gets any diagnostic, plus the variants."""
    files: dict[Path, str] = {}
    for path in example_files():
        transcript = check_output(path.name)
        if transcript.count("\n") > 1:  # more than the command line itself
            files[OUTPUT / f"{path.name}.txt"] = transcript
    for name, extra, suffix in VARIANTS:
        files[OUTPUT / f"{name}{suffix}"] = check_output(name, extra)
    files.update(fmt_outputs())
    return files


def fmt_outputs() -> dict[Path, str]:
    from bistandsregler.language.formatting import format_text

    source = EXAMPLES / FMT_EXAMPLE
    formatted, _ = format_text(source.read_text(encoding="utf-8"), "riktlinje", FMT_EXAMPLE)
    if formatted is None:
        raise SystemExit(f"{source}: does not parse, so fmt cannot format it")
    _, printed = run_cli(["fmt", "--check", FMT_EXAMPLE])
    return {
        OUTPUT / f"{FMT_EXAMPLE}.efter": formatted,
        OUTPUT
        / f"{FMT_EXAMPLE}.check.txt": f"$ bistandsregler fmt --check {FMT_EXAMPLE}\n{printed}",
    }


# ---- the catalogue of diagnostic codes -----------------------------------------------------------


def pages_including() -> dict[str, list[Path]]:
    """Which pages include which file (by its path relative to docs/), from the snippet lines."""
    found: dict[str, list[Path]] = {}
    for page in sorted(DOCS.rglob("*.md")):
        if GENERATED in page.parents:
            continue
        for match in SNIPPET.finditer(page.read_text(encoding="utf-8")):
            found.setdefault(match.group("path"), []).append(page)
    return found


def _link(page: Path, example: Path) -> str:
    relative = page.relative_to(DOCS).as_posix()
    anchor = "exempel-" + re.sub(r"[^a-z0-9]+", "-", example.stem.lower()).strip("-")
    return f"[{example.name}]({relative}#{anchor})"


def diagnostic_codes_page() -> str:
    from bistandsregler.language.diagnostics import CATALOGUE

    examples: dict[str, list[Path]] = {}
    for path in example_files():
        for code in expected_codes(path):
            examples.setdefault(code, []).append(path)
    included = pages_including()

    lines = [
        HEADER_MD,
        "# Diagnostikkoder",
        "",
        "Varje anmärkning från `bistandsregler validate` har en kod som inte ändras mellan versioner, "
        "en allvarlighetsgrad och ett meddelande på svenska (engelska med `--lang en`). "
        "Sidan är genererad från katalogen i `src/bistandsregler/diagnostics.py`, så den listar "
        "alltid precis de koder verktyget kan ge.",
        "",
        "- **fel**: filen kan inte användas som den står; `validate` avslutar med kod 1.",
        "- **varning**: filen går att använda, men något saknas eller är troligen fel.",
        "- **info**: verktyget berättar vad det gjorde, t.ex. att det tolkade ett OCR-skadat ord.",
        "",
        "Ord inom klammer, som `{ref}`, fylls i med det som stod i filen.",
        "",
        "| Kod | Grad | Vad den betyder |",
        "|---|---|---|",
    ]
    for code, message in CATALOGUE.items():
        anchor = _anchor(code)
        lines.append(
            f"| [`{code}`](#{anchor}) | {message.severity.value} | {_cell(message.summary)} |"
        )
    lines.append("")

    current_group = None
    for code, message in CATALOGUE.items():
        group = _GROUPS.get(code.split(".")[0], "Övrigt")
        if group != current_group:
            lines += [f"## {group}", ""]
            current_group = group
        lines += [
            f"### `{code}` {{ #{_anchor(code)} }}",
            "",
            f"**{message.severity.value}**: {message.summary}",
            "",
            f"- Meddelande: `{message.text.sv}`",
            f"- På engelska: `{message.text.en}`",
        ]
        shown = []
        for example in examples.get(code, []):
            for page in included.get(f"exempel/{example.name}", []):
                shown.append(_link(page, example))
        if shown:
            lines.append(f"- Exempel: {', '.join(shown)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _anchor(code: str) -> str:
    return "kod-" + re.sub(r"[^a-z0-9åäö]+", "-", code.lower()).strip("-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# ---- the fields a rule may use ---------------------------------------------------------------


def rule_fields_fragment() -> str:
    from bistandsregler.language.facts import FIELDS, SYMBOLS

    lines = [
        HEADER_MD,
        "| Fält | Slag | Betydelse |",
        "|---|---|---|",
    ]
    for name, info in FIELDS.items():
        lines.append(f"| `{name}` | {info.kind} | {_cell(info.sv)} |")
    lines += [
        "",
        "Fälten kan jämföras med tal, datum (`2025-07-01`), texter inom citattecken, "
        "insatsers och aktiviteters id och de här orden: "
        + ", ".join(f"`{word}`" for word in sorted(SYMBOLS, key=str.lower))
        + ".",
    ]
    return "\n".join(lines) + "\n"


# ---- law references and frequencies ----------------------------------------------------------

# Spellings from DOMAIN.md, the decision exports and the guidelines.
LAGRUM_SPELLINGS = [
    "4 kap. 1 § SoL",
    "4 kap, 1§ SoL",
    "Kapitel 4 §1 SoL",
    "SoL 4:1",
    "socialtjänstlagen 4 kap. 1 §",
    "4 kap, 2 a§ SoL",
    "11 kap. 1 § SoL (2025:400)",
    "11 kap. 5–6 §§ SoL",
    "4 kap. 1 § första stycket SoL",
    "9 § 10 LSS",
    "9 § p. 10 LSS",
    "9 § 9 LSS'",
    "9 b § LSS",
    "51 kap. 3 § SFB",
    "9 § 10",
]
FREQUENCY_SPELLINGS = [
    "2 gg/v",
    "1gg/3:e v",
    "1 ggr/v.",
    "var 14:e dag",
    "varannan vecka",
    "en gång var tredje vecka",
    "sju besök per dag",
    "dagligen",
    "upp till 2 gånger per vecka",
    "20 tim/v",
    "15 tim/mån",
    "3 timmar/år",
    "2 tim och 15 min per vecka",
    "högst 15 timmar per månad",
    "45 min per tillfälle",
]


def lagrum_fragment() -> str:
    from bistandsregler.language.lagrum import parse_lagrum

    lines = [HEADER_MD, "| Skrivet | Tolkas som | Lag |", "|---|---|---|"]
    for written in LAGRUM_SPELLINGS:
        ref = parse_lagrum(written)
        law = ref.law or "okänd (står inte i texten)"
        lines.append(f"| `{_cell(written)}` | `{_cell(ref.canonical())}` | {law} |")
    return "\n".join(lines) + "\n"


def _fraction(value) -> str:
    """An exact fraction, and its value with two decimals when it is not whole."""
    from fractions import Fraction

    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    hundredths = (value * 100 + Fraction(1, 2)).__floor__()
    whole, rest = divmod(hundredths, 100)
    return f"{value.numerator}/{value.denominator} ≈ {whole},{rest:02d}"


def frequency_fragment() -> str:
    from bistandsregler.language.units import parse_quantity

    lines = [HEADER_MD, "| Skrivet | Slag | Per månad, exakt |", "|---|---|---|"]
    for written in FREQUENCY_SPELLINGS:
        quantity = parse_quantity(written)
        bound = f" ({quantity.bound})" if quantity.bound else ""
        if quantity.kind == "tillfällen":
            per_month = f"{_fraction(quantity.per_month())} tillfällen"
        elif quantity.kind == "tid":
            per_month = f"{_fraction(quantity.per_month())} minuter"
        else:
            per_month = f"– ({_fraction(quantity.amount)} minuter per tillfälle)"
        lines.append(f"| `{_cell(written)}` | {quantity.kind}{bound} | {per_month} |")
    return "\n".join(lines) + "\n"


# ---- the module map ----------------------------------------------------------------------------

_NO_DOCSTRING = {"__main__": "Lets `python -m bistandsregler` run the command line."}


def module_map_fragment() -> str:
    """One row per module, grouped by the folder (stage or face) it stands in; a folder's row
    is its package docstring."""
    lines = [HEADER_MD, "| Module | What it holds |", "|---|---|"]
    for path in sorted(PACKAGE.rglob("*.py"), key=lambda p: (p.parent.relative_to(PACKAGE).parts, p.name != "__init__.py", p.name)):
        if "__pycache__" in path.parts:
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        summary = docstring.split("\n\n")[0] if docstring else _NO_DOCSTRING.get(path.stem, "")
        summary = " ".join(summary.split()).replace("``", "`")
        relative = path.relative_to(PACKAGE)
        name = f"**{relative.parent}/**" if path.name == "__init__.py" and relative.parent.parts else f"`{relative}`"
        lines.append(f"| {name} | {_cell(summary)} |")
    return "\n".join(lines) + "\n"


# ---- decisions: the finding codes, embedding in a case system, auditing a delegation list ------

# Paths relative to the repository root: the decision examples run there, so that the guideline
# positions and record names on the pages are the short ones a reader would type.
SAMPLE = "examples/delegationslista-exempel.tsv"
EXEMPELKOMMUN = "docs/exempel/exempelkommun.riktlinje"
DECISIONS_EXAMPLE = "docs/exempel/beslut.json"
KRISTIANSTAD = "guidelines/kristianstad/kristianstad.schablon"
FINDING_CODES_PAGE = DOCS / "developers" / "finding-codes.md"
CLI_FRAGMENTS = GENERATED / "cli"
NO_EXAMPLE = "**No example:**"  # tests/test_docs.py fails while the page says this

# The checkers the examples run on: the keyword arguments of ``bistandsregler.compile``.
CHECKERS: dict[str, dict] = {
    "nationell": {},
    "botkyrka": {"riktlinje": "guidelines/botkyrka"},
    "lomma": {"riktlinje": "guidelines/lomma"},
    "kristianstad": {"schablon": KRISTIANSTAD},
    "exempelkommun": {"riktlinje": EXEMPELKOMMUN},
    "per": {"as_of": "2025-01-15"},
}


class FindingExample(NamedTuple):
    checker: str  # a key of CHECKERS
    decision: dict | str  # a decision, or the text of a JSON Lines file
    meaning: str  # what the code means, in English (findings.CODES has the Swedish summary)


_HT_2024 = {
    "id": "1",
    "decided_on": "2024-08-20",
    "insats": "Hemtjänst",
    "lagrum": "4 kap. 1 § SoL",
    "outcome": "bifall",
}
_HT_2025 = {
    "id": "1",
    "decided_on": "2025-09-01",
    "insats": "Hemtjänst",
    "lagrum": "11 kap. 1 § SoL",
    "outcome": "bifall",
}
_GOAL = {
    "text": "Ska kunna duscha på egen hand två gånger i veckan",
    "accepted": True,
    "due": "2025-03-01",
}
_ACTIVITIES = [{"text": "dusch 2 gg/v"}, {"text": "städ 1gg/3:e v"}, {"text": "inköp 1 ggr/v"}]
_PA = {
    "id": "1",
    "decided_on": "2024-08-19",
    "insats": "Personlig assistans",
    "lagrum": "9 § 2 LSS",
    "outcome": "bifall",
}


def _with(base: dict, **changes) -> dict:
    return {**base, **changes}


FINDING_EXAMPLES: dict[str, FindingExample] = {
    "lagrum.saknas": FindingExample(
        "nationell",
        _with(_HT_2024, lagrum=None),
        (
            "The decision cites no legal provision: `lagrum` is present but null or empty. An absent "
            "`lagrum` is unknown, not a defect: it is listed as not assessed."
        ),
    ),
    "lagrum.okand": FindingExample(
        "nationell",
        _with(_HT_2024, lagrum="4 kap. SoL"),
        (
            "The provision cannot be read, or names a paragraph that does not exist in a law whose "
            "paragraphs the law layer lists completely."
        ),
    ),
    "lagrum.fel_insats": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Förenkl.handläggn. Hemtj.", lagrum="4 kap. 2 § SoL"),
        (
            "The provision exists and was in force, but the insats is not decided under it on that "
            "date; the message names the provisions that would be right. Typical: simplified home care "
            "cited as 4 kap. 2 § SoL instead of 2 a §."
        ),
    ),
    "lagrum.upphavd": FindingExample(
        "nationell",
        _with(_HT_2024, decided_on="2025-09-03"),
        (
            "The provision was not in force on the decision date. Where the law layer knows what "
            "replaced it, the message suggests it (SoL 2001:453 was replaced by SoL 2025:400 on "
            "2025-07-01). An old-law number written without SFS number after the change is read as "
            "the old law's when the new law's paragraph of that number is no ground for a decision "
            "(\"4 kap. 1 § SoL\" in 2026 is not the municipality's ultimate responsibility)."
        ),
    ),
    "lagrum.ej_beslutsgrund": FindingExample(
        "nationell",
        _with(_HT_2025, lagrum="1 kap. 2 § SoL"),
        (
            "The provision exists and was in force, but it is no ground for a decision on an insats: a "
            "definition, an aim, the committee's duties, reporting or appeal. Which paragraphs those are "
            "is data in the law layer (`ingen beslutsgrund` on the paragraph). Without an SFS number, "
            "after a law change, such a number is read as the old law's paragraph when the old law had "
            "one that was replaced: then the finding is `lagrum.upphavd` naming the successor."
        ),
    ),
    "lagrum.lag_saknas": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Daglig verksamhet", lagrum="9 § 10", person={"personkrets": [1]}),
        (
            'The provision names no law ("9 § 10"). The law was read from the insats\'s own '
            "citations and the other checks went on; the written decision is still ambiguous."
        ),
    ),
    "beslut.utfall_text": FindingExample(
        "nationell",
        _with(
            _HT_2024,
            insats="Särskilt boende",
            outcome="avslag",
            justification=(
                "Avslag på ansökan om vård- och omsorgsboende. Personen beviljas vård- och omsorgsboende "
                "från 1 oktober."
            ),
        ),
        (
            "A refusal whose reasons grant the very insats it refuses. A refusal that grants an "
            "alternative (residential care refused, home care granted) is no contradiction and "
            "stays quiet, and so is a partial refusal: the text says it refuses a part (\"Ansökan om "
            "städning varje vecka avslås\", \"boendestöd fem dagar i veckan\": anything but the insats's "
            "own name) and grants the rest."
        ),
    ),
    "beslut.insats_text": FindingExample(
        "nationell",
        _with(
            _HT_2024,
            insats="Särskilt boende",
            outcome="avslag",
            justification=(
                "Avslag på ansökan om korttidsboende. Behovet av omvårdnad kan tillgodoses med hemtjänst fyra "
                "besök per dag."
            ),
        ),
        (
            "The registered insats and the insats the reasons say was applied for differ (registered as "
            "one form of housing, the text refuses another): here registered as residential care, the text "
            "refuses short-term care. Where a text names what was applied for "
            '("Avslag på ansökan om X", "Ansökan om X avslås", "Du har ansökt om X") and X is an insats of '
            "the catalogue, it must be the registered insats or its counterpart under the other law "
            "(ledsagning for ledsagarservice). An activity or a scope (\"städning varje vecka\") is no "
            "insats and is not compared."
        ),
    ),
    "beslut.insats_okand": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Trädgårdsskötsel"),
        (
            "The written insats matches no insats of the national layer or the guideline, even allowing "
            "for abbreviations and typos, so the checks that depend on the insats are skipped. The "
            "message suggests close names when there are any."
        ),
    ),
    "beslut.insats_tvetydig": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Bostad med särskild service", lagrum=None),
        (
            "The written name belongs to more than one insats, usually one under SoL and one under "
            "LSS (\"Bostad med särskild service\", \"Kontaktperson\", \"Ledsagarservice\"), and the "
            "decision cites no law that tells them apart. The message names both; with a law "
            "reference the name resolves to the insats of the cited law."
        ),
    ),
    "motivering.saknas": FindingExample(
        "nationell",
        _with(_HT_2024, outcome="avslag", justification=""),
        (
            'A refusal or partial grant whose reasons are known to be empty (`""` or null). Under a '
            "guideline that requires reasons for grants too (`kräver motivering vid bifall`), an empty "
            "justification of a grant is a warning."
        ),
    ),
    "motivering.standardfras": FindingExample(
        "nationell",
        _with(_HT_2024, outcome="avslag", justification="Behovet bedöms inte föreligga."),
        (
            'The reasons are a stock phrase found in audits ("Behovet bedöms inte föreligga"), '
            "alone or with at most two more words: nothing about the person's case. On a refusal or "
            'partial grant, so is a category label of the case system in place of reasons ("Ej behov", '
            '"Annan huvudman", the outcome word "Delvis bifall"): the whole text is an entry of '
            "`ordlista kategorier`, or it has at most three words, no digit, no word of "
            "`ordlista om_den_enskilde` (du, hon, sonen, ...) and nothing of `ordlista observerbart`."
        ),
    ),
    "motivering.alternativ_saknas": FindingExample(
        "nationell",
        _with(
            _HT_2024,
            insats="Kortidsboende",
            outcome="avslag",
            justification="Behovet kan tillgodoses på annat sätt.",
        ),
        (
            "The reasons say the need can be met otherwise without naming any insats or activity "
            "that would meet it."
        ),
    ),
    "omfattning.over_schablon": FindingExample(
        "kristianstad",
        _with(_HT_2024, scope={"activities": _ACTIVITIES, "hours_per_month": 20}),
        (
            "Granted time (`scope.hours_per_month`) exceeds standard time × frequency of the "
            "decision's activities, priced with the standard-time table given to `compile` "
            "(`--schablon`), by more than the guideline's tolerance. With a justification it is an "
            "info."
        ),
    ),
    "omfattning.over_norm": FindingExample(
        "botkyrka",
        _with(_HT_2025, scope={"activities": [{"text": "städ 1 gg/v"}]}),
        (
            "An activity is granted more often than the guideline's norm for the insats. With a "
            "justification it is an info."
        ),
    ),
    "omfattning.over_tak": FindingExample(
        "botkyrka",
        _with(_HT_2025, insats="Serviceinsatser utan individuell behovsprövning", lagrum="11 kap. 5 § SoL",
              scope={"hours_per_month": 8}),
        (
            "More granted time (`scope.hours_per_month`) than the insats's own cap in the guideline "
            "(`omfattning högst \"6 timmar per månad\"`, Botkyrka's services without needs assessment). "
            "More than the cap is no longer that insats: the need is to be assessed individually."
        ),
    ),
    "omfattning.gransvarde": FindingExample(
        "lomma",
        _with(_HT_2024, scope={"hours_per_month": 120}),
        (
            "A threshold the guideline writes as a general rule with this code was passed (Lomma: home "
            "care above 100 hours a month, consider residential care). The message, severity and "
            "position are the guideline's."
        ),
    ),
    "omfattning.oklar": FindingExample(
        "kristianstad",
        _with(_HT_2024, scope={"activities": [{"text": "dusch 2 xx/v"}], "hours_per_month": 5}),
        (
            "An activity or its frequency could not be read; it is left out of the norm and "
            "standard-time checks."
        ),
    ),
    "tid.tidsbegransning_saknas": FindingExample(
        "exempelkommun",
        _with(_HT_2024, valid_until="tills_vidare"),
        (
            "A grant valid until further notice where the guideline requires a time limit "
            "(`tidsbegränsning högst …`). With a justification it is an info."
        ),
    ),
    "tid.for_lang": FindingExample(
        "exempelkommun",
        _with(_HT_2024, valid_from="2024-09-01", valid_until="2025-12-31"),
        (
            "The validity, from `valid_from` (else the decision date) to `valid_until`, is longer "
            "than the guideline's longest time limit. With a justification it is an info."
        ),
    ),
    "tid.retroaktiv": FindingExample(
        "nationell",
        _with(_HT_2024, valid_from="2024-08-01"),
        ("The decision is valid from a day before it was made: backdated."),
    ),
    "tid.omvand": FindingExample(
        "nationell",
        _with(_HT_2024, valid_from="2024-09-01", valid_until="2024-08-31"),
        ("The decision ends before it starts. The other time checks are skipped."),
    ),
    "tid.uppfoljning_saknas": FindingExample(
        "exempelkommun",
        _with(_HT_2024, follow_up_on=None),
        (
            "A grant whose `follow_up_on` is known to be empty (null) where the guideline asks for "
            "follow-up within a period. An absent `follow_up_on` is listed as not assessed instead."
        ),
    ),
    "tid.uppfoljning_sen": FindingExample(
        "exempelkommun",
        _with(_HT_2024, follow_up_on="2025-09-01"),
        ("The planned follow-up is later than the guideline's period after the decision date."),
    ),
    "tid.ej_verkstalld": FindingExample(
        "per",
        _with(_HT_2024, executed_on=None),
        (
            "A grant not carried out within three months of the decision (the law layer's dated value, "
            "or the guideline's own period): carried out later (`executed_on`), or known not to be "
            "carried out (`executed_on: null`) on the day given as `as_of` (`evaluate --per`). Only "
            "grants the law names are reported to IVO: the law layer marks them (`rapportplikt för` on "
            "SoL 2025:400 34 kap. 1 §: 11 kap. 1 § and 12 kap. 1 §; SoL 2001:453 16 kap. 6 f §: 4 kap. "
            "1 §; LSS 28 f §: 9 §). A grant under 11 kap. 5 § SoL is not reported."
        ),
    ),
    "delegation.saknas": FindingExample(
        "exempelkommun",
        _with(_HT_2024, insats="Särskilt boende", decided_by={"role": "handläggare"}),
        (
            "The decision maker's role (`decided_by.role`) has no delegation for the insats under the "
            "guideline. Checked only under a guideline that has `delegation` blocks."
        ),
    ),
    "delegation.for_tidig": FindingExample(
        "exempelkommun",
        _with(_HT_2024, decided_by={"role": "handläggare", "delegation_since": "2024-05-01"}),
        (
            "The decision maker has held delegation (`decided_by.delegation_since`) for a shorter time "
            "than the guideline requires before deciding alone."
        ),
    ),
    "mal.saknas": FindingExample(
        "botkyrka",
        _with(_HT_2025, goals=[]),
        (
            "A grant whose goals are known to be none (`goals: []`) where the guideline requires goals "
            "(`kräver mål`)."
        ),
    ),
    "mal.generellt": FindingExample(
        "nationell",
        _with(_HT_2024, goals=[_with(_GOAL, text="Skäliga levnadsförhållanden")]),
        (
            'The goal only restates the law\'s general aim ("skäliga levnadsförhållanden"), not the '
            "person's own goal: it holds an entry of `ordlista allmänna_syften` as whole words and is "
            "not measurable (see `mal.ej_matbart`). \"Att leva ett självständigt liv\" gets it; \"ett\" "
            "is an article, not a number."
        ),
    ),
    "mal.ej_matbart": FindingExample(
        "nationell",
        _with(_HT_2024, goals=[_with(_GOAL, text="Känna sig bättre till mods")]),
        (
            "Nothing in the goal can be observed at follow-up. A heuristic on the text, which looks "
            "for exactly three things: a digit or a number word (två to tolv, varje, varannan, "
            'dagligen, minst, högst, procent; not "en"/"ett", which are articles); a frequency the '
            'frequency grammar reads ("två gånger i veckan"); or an entry of `ordlista observerbart` '
            'as whole words: something the person does ("handlar", "deltar", "tar sig", "bor kvar") or '
            'a criterion for how ("utan hjälp", "på egen hand", "själv", "klarar"). A feeling ("må '
            'bra"), the insats itself ("Stöd i vardagen") or its result ("att behoven tillgodoses") '
            "has none of them."
        ),
    ),
    "mal.ej_tidsatt": FindingExample(
        "nationell",
        _with(_HT_2024, goals=[_with(_GOAL, due=None)]),
        (
            "The goal's `due` is known to be empty (null). An absent `due` is listed as not assessed."
        ),
    ),
    "mal.ej_accepterat": FindingExample(
        "nationell",
        _with(_HT_2024, goals=[_with(_GOAL, accepted=False)]),
        ("The person has not accepted the goal (`accepted: false`)."),
    ),
    "klassning.lss_mojlig": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Ledsagning", person={"birth_year": 1990, "personkrets": [1]}),
        (
            "A SoL decision for a person in an LSS personkrets, for an insats that has an LSS "
            "counterpart: the LSS insats gives the person stronger rights and should be considered."
        ),
    ),
    "klassning.lass_mojlig": FindingExample(
        "nationell",
        _with(
            _PA, person={"birth_year": 1972, "personkrets": [1], "basic_needs_hours_per_week": 25}
        ),
        (
            "Personal assistance with basic needs over 20 hours a week: the person may be entitled "
            "to assistance allowance from Försäkringskassan (51 kap. SFB)."
        ),
    ),
    "klassning.pa_alder": FindingExample(
        "nationell",
        _with(
            _PA,
            decided_on="2025-09-01",
            new_grant=True,
            person={"birth_date": "1958-03-14", "personkrets": [1]},
        ),
        (
            "Personal assistance granted, or newly granted or increased (`new_grant: true`), at or "
            "past the age limit of 9 b § LSS. The limit is the one in force on the birthday that "
            "reached it (the transitional rules 2022:880 p. 2 and 2022:881 p. 2 keep the older limit "
            "for whoever had reached it): born 1959, 66 in 2025, has reached it in 2026. That is lawful "
            "only if it was granted or applied for before the limit: verify. With only a birth year, a "
            "warning when every possible birthday is past the limit, an info when some are."
        ),
    ),
    "klassning.personkrets": FindingExample(
        "nationell",
        _with(
            _HT_2024, insats="Daglig verksamhet", lagrum="9 § 10 LSS", person={"personkrets": [3]}
        ),
        (
            "An insats for a person outside its personkrets (daily activity for personkrets 3), or "
            "an LSS insats for a person known to be in none (`personkrets: []`)."
        ),
    ),
    "klassning.alder_insats": FindingExample(
        "botkyrka",
        _with(_HT_2025, insats="Boendestöd", person={"birth_date": "1955-03-01"}),
        (
            "The person is outside the insats's age group under the law or the guideline. With only "
            "a birth year, an age range that straddles the limit is listed as not assessed. With a "
            "justification it is an info."
        ),
    ),
    "klassning.region": FindingExample(
        "nationell",
        _with(_HT_2024, insats="Råd och stöd", lagrum="9 § 1 LSS", person={"personkrets": [1]}),
        ("The insats is the region's duty, not the municipality's (LSS 9 § 1)."),
    ),
    "klassning.forenklad": FindingExample(
        "nationell",
        _with(_HT_2025, insats="Vård- och omsorgsboende", lagrum="11 kap. 5 § SoL"),
        (
            "The decision cites the paragraph for decisions without a needs assessment for an insats "
            "the law does not allow to be decided that way."
        ),
    ),
    "riktlinje.ej_i_kraft": FindingExample(
        "botkyrka",
        _with(_HT_2024, decided_on="2025-06-30"),
        (
            "The municipal guideline given to `compile` (`--riktlinje`) was not in force on the decision "
            "date, so only the national layer was applied to this decision."
        ),
    ),
    "bedomning.ofullstandig": FindingExample(
        "nationell",
        _HT_2024,
        (
            "What could not be checked because the input does not say (an absent field is unknown). "
            "One finding per decision, listing every such check; `Result.unassessed` holds the same "
            "list."
        ),
    ),
    "indata.ogiltig": FindingExample(
        "nationell",
        '{"id": "1", "decided_on": "2024-08-20", "insats": "Hemtjänst", "outcome": "bifall"}\n'
        '{"id": "2", "decided_on": "2024-08-20", "person": {"birth_year": "nittonhundra"}}\n',
        (
            "A record that cannot be read, named by file and line (or index in a JSON list), with "
            "the field at fault but never its value: values are personal data. Every other "
            "record is still checked."
        ),
    ),
}


def _compile_call(key: str) -> str:
    """The Python call that builds a checker of CHECKERS, as a reader would write it."""
    kwargs = CHECKERS[key]
    parts = []
    if "riktlinje" in kwargs:
        parts.append(f'"{kwargs["riktlinje"]}"')
    if "schablon" in kwargs:
        parts.append(f'schablon="{kwargs["schablon"]}"')
    if "as_of" in kwargs:
        year, month, day = (int(x) for x in kwargs["as_of"].split("-"))
        parts.append(f"as_of=date({year}, {month}, {day})")
    return f"bistandsregler.compile({', '.join(parts)})"


def _checker(key: str, cache: dict):
    from datetime import date

    from bistandsregler.checking.evaluation import compile

    if key not in cache:
        kwargs = dict(CHECKERS[key])
        if "as_of" in kwargs:
            kwargs["as_of"] = date.fromisoformat(kwargs["as_of"])
        with _in_folder(ROOT):
            cache[key] = compile(**kwargs)
    return cache[key]


def _results_of(checker, decision: dict | str) -> list:
    """What ``bistandsregler evaluate`` makes of one example: one result per record."""
    from bistandsregler.checking.decision import Decision
    from bistandsregler.cli.evaluate import results
    from bistandsregler.input.readers import read_decisions

    if isinstance(decision, str):
        stream = io.StringIO(decision)
        stream.name = "beslut.jsonl"
        records = list(read_decisions(stream, "jsonl"))
    else:
        records = [Decision.model_validate(decision)]
    with _in_folder(ROOT):
        return list(results(checker, records))


def _json_block(data, indent: int | None = 2) -> list[str]:
    return ["```json", json.dumps(data, ensure_ascii=False, indent=indent), "```"]


def finding_codes_page() -> str:
    from bistandsregler.checking.findings import CODES

    cache: dict = {}
    lines = [
        HEADER_MD,
        "# Finding codes",
        "",
        "Every finding that `Checker.check` and `bistandsregler evaluate` give has one of these codes. "
        "The codes are a stable public interface: a case system may key on them. This page is "
        "generated from `findings.CODES` by `tools/gen_docs.py`, and each example below is the real "
        "output of the checker on the decision shown, so neither can drift from the code.",
        "",
        "- **Severity** is the default: `fel` (error), `varning` (warning) or `info`. A warning "
        "about a deviation from the guideline becomes an info when the decision has a "
        "`justification`.",
        "- **Field** is the decision field the finding concerns (`Finding.field`).",
        "- The messages are templates: `{name}` is filled in from the finding's arguments. "
        '`Finding.message()` gives Swedish, `Finding.message("en")` English.',
        "",
        "Each example shows one decision, the checker it was run on, and the one finding of that "
        "code as `Finding.to_json()` gives it (the decision's other findings, if any, are left "
        "out). Codes about time limits, follow-up and delegation need handling rules that no "
        "shipped guideline has; their examples use [Exempelkommun](#exempelkommun), a guideline "
        "written for this page.",
        "",
        "## Codes written by a guideline",
        "",
        "A guideline's general rules (`regel … när … då …`) give findings too. Their code is the "
        "rule's `kod` when it names one (Lomma's threshold rule uses "
        "[`omfattning.gransvarde`](#omfattning-gransvarde)), otherwise `riktlinje.<rule id>` "
        "(Botkyrka's `riktlinje.tidsbegransat_beslut`). Their message, severity, field and position "
        "come from the rule; `Finding.guideline` points at it.",
        "",
        "## All codes",
        "",
        "| Code | Severity | Field | What it means |",
        "|---|---|---|---|",
    ]
    for code, info in CODES.items():
        example = FINDING_EXAMPLES.get(code)
        meaning = example.meaning if example else info.about
        first = _FIRST_SENTENCE.split(meaning)[0].rstrip(".") + "."
        field = f"`{info.field}`" if info.field else "–"
        lines.append(
            f"| [`{code}`](#{_code_anchor(code)}) | {info.severity} | {field} | {_cell(first)} |"
        )
    lines.append("")

    current_group = None
    for code, info in CODES.items():
        group = code.split(".")[0]
        if group != current_group:
            lines += [f"## {_FINDING_GROUPS.get(group, group)}", ""]
            current_group = group
        example = FINDING_EXAMPLES.get(code)
        lines += [
            f"### `{code}` {{ #{_code_anchor(code)} }}",
            "",
            example.meaning
            if example
            else f"{NO_EXAMPLE} add `{code}` to `FINDING_EXAMPLES` in tools/gen_docs.py.",
            "",
            "| | |",
            "|---|---|",
            f"| Severity | {info.severity} |",
            f"| Field | {'`' + info.field + '`' if info.field else '–'} |",
            f"| Swedish message | `{_cell(info.text.sv)}` |",
            f"| English message | `{_cell(info.text.en)}` |",
            f"| Catalogue summary (Swedish) | {_cell(info.about)} |",
            "",
        ]
        if example is None:
            continue
        checker = _checker(example.checker, cache)
        found = [
            f for r in _results_of(checker, example.decision) for f in r.findings if f.code == code
        ]
        if isinstance(example.decision, str):
            lines += [
                "Input, a JSON Lines file `beslut.jsonl`:",
                "",
                "```json",
                example.decision.rstrip("\n"),
                "```",
            ]
        else:
            lines += ["Decision:", ""] + _json_block(example.decision, None)
        lines += ["", f"Checked with `{_compile_call(example.checker)}`:", ""]
        if not found:
            lines += [
                f"{NO_EXAMPLE} this decision no longer gives `{code}`; change it in "
                "`FINDING_EXAMPLES` in tools/gen_docs.py.",
                "",
            ]
            continue
        finding = found[0]
        lines += _json_block(finding.to_json())
        lines += ["", f"In English: {finding.message('en')}", ""]

    lines += [
        "## Exempelkommun { #exempelkommun }",
        "",
        "The examples of time limits, follow-up and delegation use this guideline. Exempelkommun "
        "does not exist; its periods are the ones the sources show most often.",
        "",
        '```riktlinje title="docs/exempel/exempelkommun.riktlinje"',
        f'--8<-- "exempel/{Path(EXEMPELKOMMUN).name}"',
        "```",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


_FINDING_GROUPS = {
    "lagrum": "Law references",
    "beslut": "The decision itself",
    "motivering": "Reasons",
    "omfattning": "Scope",
    "tid": "Time",
    "delegation": "Delegation",
    "mal": "Goals",
    "klassning": "Classification: SoL or LSS, personkrets, age",
    "riktlinje": "The guideline",
    "bedomning": "What could not be assessed",
    "indata": "Input",
}


# The end of a sentence, but not the full stop of "51 kap. SFB" or "t.ex. hemtjänst".
_FIRST_SENTENCE = re.compile(r"(?<!kap)(?<!t\.ex)\. (?=[A-Z`(\"])")


def _code_anchor(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


# ---- decisions as JSON: fields, schema, unknown and known-empty ---------------------------------


# What each decision field means, in English (decision.py describes some of them in Swedish).
# tests/test_docs.py fails when a field of the model has no note here, or a note no field.
FIELD_NOTES: dict[str, str] = {
    "id": "The decision's id in the case system. The file readers also accept a whole number.",
    "decided_on": "The day the decision was made. It chooses the guideline version and the law in force.",
    "decided_by": "Who made the decision.",
    "decided_by.id": "The decision maker's id: a code, not a name.",
    "decided_by.role": "The role, matched against the id or name of the guideline's `delegation` blocks.",
    "decided_by.delegation_since": "Since when the decision maker has held delegation (`delegation.for_tidig`).",
    "person": "The person the decision is about.",
    "person.birth_year": "Birth year. The age is then a range of two years, and a check whose answer "
    "depends on which is listed as not assessed.",
    "person.birth_date": "Birth date: the exact age on the decision date.",
    "person.sex": "Sex: `kvinna`, `man` or `annat`, the last for anything else the case system records.",
    "person.sex_written": 'The sex as the source wrote it when it is neither kvinna nor man ("HEN", "X"); '
    "`sex` is then `annat`. A delegation list's row is never dropped for its sex.",
    "person.personkrets": "The LSS 1 § groups the person belongs to; `[]` is known to be none.",
    "person.household": "People in the household: standard times marked as shared are divided between them.",
    "person.basic_needs_hours_per_week": "Basic needs under LSS 9 a §, hours a week (`klassning.lass_mojlig`).",
    "insats": 'The insats as written ("Förenkl.handläggn. Hemtj."); mapped to the catalogue, '
    "tolerating abbreviations and typos.",
    "lagrum": 'The provision as written ("4 kap, 1§ SoL").',
    "insats_qualifier": 'What follows the provision in the decision text, as written: "natt" in '
    '"Hemtjänst enligt 4 kap, 1§ SoL natt", "vuxna", "omprövning". The provision is read without it.',
    "outcome": "Granted, partly granted or refused.",
    "applied_for": "What the application was for, as written (the rule field `ansökt`).",
    "scope": "What was granted.",
    "scope.activities": "The activities, each with its frequency.",
    "scope.activities[].text": 'The activity as written, with or without its frequency ("dusch 2 gg/v").',
    "scope.activities[].frequency": 'The frequency, when it is written apart ("2 gg/v").',
    "scope.activities[].from_text": "Read from free text (a delegation list's reasons), not from a field "
    "of its own.",
    "scope.hours_per_month": "Granted time in hours a month, compared with standard time × frequency.",
    "valid_from": "The first day the decision applies.",
    "valid_until": 'The last day it applies, or `"tills_vidare"`: until further notice.',
    "follow_up_on": "The planned follow-up.",
    "goals": "The decision's goals; `[]` is known to be none.",
    "goals[].text": "The goal as written.",
    "goals[].accepted": "Whether the person has accepted the goal.",
    "goals[].due": "When the goal is to be reached.",
    "goals[].life_area": "Life area (IBIC).",
    "justification": "The reasons as written. From a delegation list: the column Anledning till avslag.",
    "executed_on": "The day the insats was carried out.",
    "new_grant": "`true` for a new or increased insats, `false` for a continuation (`klassning.pa_alder`).",
    "source": "Where the record came from (`file:line`). The readers set it; a case system may set its own.",
}


def decision_fields_fragment() -> str:
    """Every field of a decision (dotted for nested ones), its type and the model's description."""
    from bistandsregler.checking.decision import Decision

    lines = [HEADER_MD, "| Field | Type | Meaning |", "|---|---|---|"]

    def walk(model, prefix: str) -> None:
        for name, field in model.model_fields.items():
            annotation = field.annotation
            nested = _nested_model(annotation)
            type_text = _type_text(annotation)
            required = " (required)" if field.is_required() else ""
            dotted = f"{prefix}{name}"
            note = FIELD_NOTES.get(
                dotted, f"{NO_EXAMPLE} add `{dotted}` to `FIELD_NOTES` in tools/gen_docs.py"
            )
            lines.append(f"| `{dotted}` | {_cell(type_text)}{required} | {_cell(note)} |")
            if nested is not None:
                walk(nested, f"{prefix}{name}{'[]' if _is_list_of(annotation) else ''}.")

    walk(Decision, "")
    return "\n".join(lines) + "\n"


def _type_args(annotation) -> list:
    import types
    import typing

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _nested_model(annotation):
    import typing

    from pydantic import BaseModel

    for arg in _type_args(annotation):
        if typing.get_origin(arg) is list:
            arg = typing.get_args(arg)[0]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _is_list_of(annotation) -> bool:
    import typing

    return any(typing.get_origin(arg) is list for arg in _type_args(annotation))


def _type_text(annotation) -> str:
    import typing
    from datetime import date

    from pydantic import BaseModel

    def one(arg) -> str:
        if typing.get_origin(arg) is list:
            return f"list of {one(typing.get_args(arg)[0])}"
        if typing.get_origin(arg) is typing.Literal:
            return " or ".join(
                f"`{json.dumps(v, ensure_ascii=False)}`" for v in typing.get_args(arg)
            )
        if arg is date:
            return "date (`YYYY-MM-DD`)"
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return "object"
        return {str: "text", int: "integer", float: "number", bool: "true/false"}.get(arg, str(arg))

    return " or ".join(one(arg) for arg in _type_args(annotation))


# Fields whose three states (absent, null, empty) are shown by running the checker.
# (field, how it is written, checker, base decision); the base must know everything else.
_CLEAN_2024 = {
    "id": "1",
    "decided_on": "2024-08-20",
    "decided_by": {"id": "H-101", "role": "handläggare", "delegation_since": "2023-01-01"},
    "person": {"birth_year": 1938, "sex": "kvinna", "personkrets": [], "household": 1},
    "insats": "Hemtjänst",
    "lagrum": "4 kap. 1 § SoL",
    "outcome": "bifall",
    "scope": {"activities": _ACTIVITIES, "hours_per_month": 10},
    "valid_from": "2024-09-01",
    "valid_until": "2025-08-31",
    "follow_up_on": "2025-03-01",
    "goals": [_GOAL],
    "justification": "Beviljas efter hembesök.",
    "executed_on": "2024-08-27",
}
_REFUSAL_2024 = {
    k: v
    for k, v in _CLEAN_2024.items()
    if k not in ("scope", "valid_from", "valid_until", "follow_up_on", "goals", "executed_on")
}
_REFUSAL_2024["outcome"] = "avslag"
_DV_2024 = _with(
    _CLEAN_2024, insats="Daglig verksamhet", lagrum="9 § 10 LSS", scope={"hours_per_month": 10}
)
STATES: list[tuple[str, dict, str]] = [
    # (field path, base decision, checker)
    ("lagrum", _CLEAN_2024, "exempelkommun"),
    ("justification", _REFUSAL_2024, "exempelkommun"),
    ("goals", _CLEAN_2024, "exempelkommun"),
    ("follow_up_on", _CLEAN_2024, "exempelkommun"),
    ("valid_until", _CLEAN_2024, "exempelkommun"),
    ("executed_on", _CLEAN_2024, "per"),
    ("person.personkrets", _DV_2024, "nationell"),
]


def _set_path(decision: dict, path: str, value) -> dict:
    import copy

    out = copy.deepcopy(decision)
    *parents, last = path.split(".")
    target = out
    for parent in parents:
        target = target[parent]
    if value is _ABSENT_KEY:
        target.pop(last, None)
    else:
        target[last] = value
    return out


_ABSENT_KEY = object()


def unknown_or_empty_fragment() -> str:
    """For a few fields: what the checker says when the key is absent, null, or empty."""
    cache: dict = {}
    lines = [
        HEADER_MD,
        "| Field | Written as | Findings | Not assessed | Null is read as |",
        "|---|---|---|---|---|",
    ]
    for path, base, key in STATES:
        checker = _checker(key, cache)
        ways = [("absent", _ABSENT_KEY), ("`null`", None)]
        empty = (
            []
            if path in ("goals", "person.personkrets")
            else ("" if path in ("lagrum", "justification") else None)
        )
        if empty is not None:
            ways.append((f"`{json.dumps(empty)}`", empty))
        seen = {}
        for label, value in ways:
            [result] = _results_of(checker, _set_path(base, path, value))
            codes = [f.code for f in result.findings if f.code != "bedomning.ofullstandig"]
            seen[label] = (tuple(codes), tuple(t.sv for t in result.unassessed))
        null_reading = (
            "unknown (as absent)" if seen["`null`"] == seen["absent"] else "known to be empty"
        )
        for index, (label, _) in enumerate(ways):
            codes, unassessed = seen[label]
            lines.append(
                f"| {'`' + path + '`' if index == 0 else ''} | {label} "
                f"| {', '.join(f'`{c}`' for c in codes) or '–'} | {_cell('; '.join(unassessed)) or '–'} "
                f"| {null_reading if index == 0 else ''} |"
            )
    lines += [
        "",
        "Each row is one complete decision with the one field changed (a refusal for "
        "`justification`, a daily-activity decision under LSS for `person.personkrets`), checked with "
        + "; ".join(
            f"`{_compile_call(key)}` for "
            + ", ".join(f"`{path}`" for path, _, other in STATES if other == key)
            for key in dict.fromkeys(key for _, _, key in STATES)
        )
        + ". The Findings column leaves out `bedomning.ofullstandig`: what it says is under "
        "Not assessed.",
    ]
    return "\n".join(lines) + "\n"


# ---- the command line: every command, its options, exit codes -----------------------------------


def _commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """Every command of ``bistandsregler`` as (words, parser); ``import`` has commands of its own."""
    from bistandsregler.cli.main import build_parser

    def subcommands(parser, words):
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = subcommands(sub, [*words, name])
                    found += nested or [([*words, name], sub)]
        return found

    return subcommands(build_parser(), [])


def _subcommand_help(words: list[str]) -> str:
    from bistandsregler.cli.main import build_parser

    parser = build_parser()
    text = ""
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        text = next((c.help for c in action._choices_actions if c.dest == word), "") or ""
        parser = action.choices[word]
    return text


def commands_fragment() -> str:
    lines = [HEADER_MD, "| Command | What it does (its `--help`, in Swedish) |", "|---|---|"]
    for words, _ in _commands():
        name = " ".join(words)
        lines.append(f"| [`{name}`](#{'-'.join(words)}) | {_cell(_subcommand_help(words))} |")
    return "\n".join(lines) + "\n"


def cli_options_fragment(words: list[str]) -> str:
    """The options of one command, with English headings, from the argument parser itself."""
    parser = dict((" ".join(w), p) for w, p in _commands())[" ".join(words)]
    lines = [HEADER_MD]
    if parser.description:
        lines += [f"> {_cell(parser.description)}", ""]
    lines += ["| Argument | Values | Help (Swedish, as `--help` shows it) |", "|---|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = ", ".join(action.option_strings) or (action.metavar or action.dest)
        values = []
        if action.choices:
            values.append(", ".join(f"`{c}`" for c in action.choices))
        elif action.option_strings and action.nargs == 0:
            values.append("flag")
        elif action.option_strings:
            values.append(
                f"`{action.metavar or action.dest.upper()}`"
                + (" …" if action.nargs in ("+", "*") else "")
            )
        if not action.option_strings:
            values = [
                ("one or more" if action.nargs == "+" else "one")
                + (f": {', '.join(f'`{c}`' for c in action.choices)}" if action.choices else "")
            ]
        if getattr(action, "required", False) and action.option_strings:
            values.append("required")
        if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS):
            values.append(f"default `{action.default}`")
        lines.append(f"| `{name}` | {'; '.join(values)} | {_cell(action.help or '')} |")
    return "\n".join(lines) + "\n"


def cli_fragment_name(words: list[str]) -> str:
    return f"cli/{'-'.join(words)}.md"


# (command, what it shows): run for real from the repository root; the table shows the exit code.
EXIT_CODE_RUNS: list[tuple[list[str], str]] = [
    (["validate", "docs/exempel/normer.riktlinje"], "a clean guideline"),
    (["validate", "docs/exempel/lagrum-fel.riktlinje"], "a guideline with an error"),
    (
        ["evaluate", "--riktlinje", "guidelines/botkyrka", SAMPLE],
        "a finding of severity `fel`, at the default `--fail-on fel`",
    ),
    (
        ["evaluate", "--riktlinje", "guidelines/botkyrka", "--fail-on", "aldrig", SAMPLE],
        "the same findings with `--fail-on aldrig`",
    ),
    (["import", "delegationslista", SAMPLE], "every row read"),
    (["evaluate", "--per", "2025-13-01", SAMPLE], "an impossible date for `--per`"),
    (["evaluate", "--format", "xml", SAMPLE], "an unknown option value (argparse)"),
    (["evaluate", "beslut-finns-inte.jsonl"], "a file that does not exist (every command)"),
    (["evaluate", "--encoding", "klingon", SAMPLE], "an unknown character encoding (`check`, `evaluate`, `import`)"),
    (["estimate", "--schablon", KRISTIANSTAD, "--hushall", "0", "dusch 1 gg/v"], "an impossible value for an option"),
]


def exit_codes_fragment() -> str:
    lines = [HEADER_MD, "| Command | Exit code | Why |", "|---|---|---|"]
    for args, why in EXIT_CODE_RUNS:
        code, _, _ = run_cli_full(args, ROOT)
        lines.append(f"| `bistandsregler {_cell(' '.join(args))}` | {code} | {why} |")
    return "\n".join(lines) + "\n"


def run_cli_full(args: list[str], folder: Path = ROOT) -> tuple[int, str, str]:
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
        with _in_folder(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as stop:  # argparse: usage errors
                code = stop.code if isinstance(stop.code, int) else 2
    finally:
        report.run_evaluate = original
    return code, out.getvalue(), err.getvalue()


def _transcript(args: list[str], stdout: str, stderr: str = "") -> str:
    text = f"$ bistandsregler {' '.join(args)}\n{stdout}"
    if stderr:
        text += stderr
    return text


def decision_outputs() -> dict[Path, str]:
    """The schema, and what ``evaluate`` and ``import delegationslista`` print for the examples."""
    files: dict[Path, str] = {}
    for what in ("decision", "result"):
        _, schema, _ = run_cli_full(["schema", what])
        files[GENERATED / f"schema-{what}.json"] = schema
    base = ["evaluate", "--riktlinje", "guidelines/botkyrka"]
    for fmt, suffix in (("text", ".txt"), ("json", ".json"), ("jsonl", ".jsonl")):
        args = base + ([] if fmt == "text" else ["--format", fmt]) + [DECISIONS_EXAMPLE]
        _, out, err = run_cli_full(args)
        files[OUTPUT / f"beslut.json.evaluate{suffix}"] = _transcript(args, out)
        if fmt == "jsonl":
            files[OUTPUT / "beslut.json.evaluate.jsonl.stderr"] = err
    # Auditing: the delegation list sample.
    args = ["import", "delegationslista", SAMPLE]
    _, out, err = run_cli_full(args)
    files[OUTPUT / "delegationslista-exempel.import.txt"] = _transcript(args, out, err)
    args = ["evaluate", "--riktlinje", "guidelines/botkyrka", SAMPLE]
    _, out, _ = run_cli_full(args)
    files[OUTPUT / "delegationslista-exempel.evaluate.txt"] = _transcript(args, out)
    files[GENERATED / "granskning-rader.md"] = delegation_rows_fragment()
    files[GENERATED / "lss-motsvarigheter.md"] = lss_counterparts_fragment()
    return files


def lss_counterparts_fragment() -> str:
    """The SoL insatser of the national layer that have an LSS counterpart (klassning.lss_mojlig)."""
    checker = _checker("nationell", {})
    insatser = checker.lookups(None).insatser
    lines = [
        HEADER_MD,
        "| Insats enligt SoL | Kallas också | Motsvarighet enligt LSS | Lagrum |",
        "|---|---|---|---|",
    ]
    for insats in insatser.values():
        if not insats.lss_counterpart or insats.lss_counterpart not in insatser:
            continue
        other = insatser[insats.lss_counterpart]
        aliases = ", ".join(insats.aliases) or "–"
        citations = ", ".join(c.ref.canonical() for c in other.citations) or "–"
        lines.append(
            f"| {_cell(insats.name or insats.id)} | {_cell(aliases)} | {_cell(other.name or other.id)} "
            f"| {_cell(citations)} |"
        )
    return "\n".join(lines) + "\n"


def delegation_rows_fragment() -> str:
    """How each row of the sample delegation list was read: outcome, insats, law reference."""
    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import InputError
    from bistandsregler.language.lagrum import try_parse_lagrum

    checker = _checker("botkyrka", {})
    how_sv = {
        "exakt": "exakt",
        "alias": "känt namn",
        "förkortning": "förkortning",
        "ungefärlig": "ungefärlig",
    }
    lines = [
        HEADER_MD,
        "| Rad | Utfall | Insats som skriven | Tolkad som | Lagrum som skrivet | Tolkat som |",
        "|---|---|---|---|---|---|",
    ]
    with _in_folder(ROOT):
        records = list(import_delegationslista(SAMPLE))
    for record in records:
        if isinstance(record, InputError):
            lines.append(f"| {record.record} | fel: {_cell(record.message)} | | | | |")
            continue
        guideline = checker.layer_for(record.decided_on)
        ref = try_parse_lagrum(record.lagrum) if record.lagrum else None
        resolution = checker.lookups(guideline).resolve_insats(record.insats, ref.law if ref else None)
        if resolution.id:
            name = checker.lookups(guideline).insatser[resolution.id].name or resolution.id
            insats = f"{name} ({how_sv.get(resolution.how, resolution.how)})"
        else:
            insats = "okänd"
        line = record.source.rsplit(":", 1)[-1] if record.source else "?"
        lines.append(
            f"| {line} | {record.outcome} | {_cell(record.insats)} | {_cell(insats)} "
            f"| {_cell(record.lagrum or '–')} | {_cell(ref.canonical() if ref else '–')} |"
        )
    return "\n".join(lines) + "\n"


# ---- all of it ----------------------------------------------------------------------------------


def generate() -> dict[Path, str]:
    """Every generated file: absolute path -> text (as for a file: no width, no colour, whatever
    the terminal that runs this)."""
    saved = {name: os.environ.pop(name) for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR") if name in os.environ}
    try:
        with cached_parsing():
            return _generate()
    finally:
        os.environ.update(saved)


def _generate() -> dict[Path, str]:
    files = {
        DOCS / "diagnostikkoder.md": diagnostic_codes_page(),
        GENERATED / "regelfalt.md": rule_fields_fragment(),
        GENERATED / "moduler.md": module_map_fragment(),
        GENERATED / "lagrum.md": lagrum_fragment(),
        GENERATED / "frekvenser.md": frequency_fragment(),
        GENERATED / "flaggor-validate.md": options_fragment("validate"),
        GENERATED / "flaggor-fmt.md": options_fragment("fmt"),
        FINDING_CODES_PAGE: finding_codes_page(),
        GENERATED / "beslutsfalt.md": decision_fields_fragment(),
        GENERATED / "okant-eller-tomt.md": unknown_or_empty_fragment(),
        CLI_FRAGMENTS / "kommandon.md": commands_fragment(),
        CLI_FRAGMENTS / "avslutningskoder.md": exit_codes_fragment(),
    }
    for words, _ in _commands():
        files[GENERATED / cli_fragment_name(words)] = cli_options_fragment(words)
    files.update(example_outputs())
    files.update(decision_outputs())
    return files


def stale(files: dict[Path, str] | None = None) -> list[str]:
    """Generated files that are missing or differ, and stray files in the output folder."""
    files = generate() if files is None else files
    problems = []
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(ROOT)} is out of date")
    for folder in GENERATED_FOLDERS:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path not in files:
                problems.append(f"{path.relative_to(ROOT)} is no longer generated")
    return problems


def write(files: dict[Path, str]) -> list[Path]:
    changed = []
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for folder in GENERATED_FOLDERS:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path not in files:
                path.unlink()
                changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is stale"
    )
    args = parser.parse_args(argv)
    files = generate()
    if args.check:
        problems = stale(files)
        for problem in problems:
            print(problem)
        if problems:
            print("run: python tools/gen_docs.py", file=sys.stderr)
        return 1 if problems else 0
    for path in write(files):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
