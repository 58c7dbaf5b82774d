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
- ``docs/_genererat/flaggor-check.md`` and ``flaggor-fmt.md``: the commands' options, from
  the argument parser;
- ``docs/_genererat/moduler.md``: the module map of ``src/bistandsregler/`` (first
  paragraph of each module's docstring);
- ``docs/_genererat/utdata/``: what ``bistandsregler check`` (and ``fmt``) prints for the
  examples in ``docs/exempel/``, run in that folder so that paths are the bare file names.

The pages include the fragments with the pymdown ``snippets`` extension. ``tests/test_docs.py``
fails when a committed file differs from what this script generates, and the mkdocs hook
``docs/hooks/generated.py`` makes ``mkdocs build --strict`` fail for the same reason.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "exempel"
GENERATED = DOCS / "_genererat"
OUTPUT = GENERATED / "utdata"
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
    from bistandsregler.cli import main

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

    from bistandsregler.cli import build_parser

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
    """``bistandsregler check NAME`` as a console transcript: the command, then its output."""
    args = ["check", *(extra or []), name]
    _, printed = run_cli(args)
    return f"$ bistandsregler {' '.join(args)}\n{printed}"


def diagnostics_for(path: Path) -> list:
    """The diagnostics of one example file (the national layer's own are left out)."""
    from bistandsregler.rulebook import read

    with _in_folder(path.parent):
        book = read([path.name])
    return [d for d in book.diagnostics if d.path == path.name]


@contextlib.contextmanager
def cached_parsing() -> Iterator[None]:
    """Parse each file text once while generating: the national layer is read for every example.

    Parsing is a pure function of (text, path, kind) and the rule objects are frozen, so
    sharing them is safe; the original function is put back afterwards.
    """
    from bistandsregler import rulebook

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
    """What ``check`` prints for every example that gets any diagnostic, plus the variants."""
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
    from bistandsregler.formatting import format_text

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
    from bistandsregler.diagnostics import CATALOGUE

    examples: dict[str, list[Path]] = {}
    for path in example_files():
        for code in expected_codes(path):
            examples.setdefault(code, []).append(path)
    included = pages_including()

    lines = [
        HEADER_MD,
        "# Diagnostikkoder",
        "",
        "Varje anmärkning från `bistandsregler check` har en kod som inte ändras mellan versioner, "
        "en allvarlighetsgrad och ett meddelande på svenska (engelska med `--lang en`). "
        "Sidan är genererad från katalogen i `src/bistandsregler/diagnostics.py`, så den listar "
        "alltid precis de koder verktyget kan ge.",
        "",
        "- **fel**: filen kan inte användas som den står; `check` avslutar med kod 1.",
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
            f"- Meddelande: `{message.sv}`",
            f"- På engelska: `{message.en}`",
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
    from bistandsregler.facts import FIELDS, SYMBOLS

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
    from bistandsregler.lagrum import parse_lagrum

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
    from bistandsregler.units import parse_quantity

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
    lines = [HEADER_MD, "| Module | What it holds |", "|---|---|"]
    for path in sorted(PACKAGE.glob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        summary = docstring.split("\n\n")[0] if docstring else _NO_DOCSTRING.get(path.stem, "")
        summary = " ".join(summary.split()).replace("``", "`")
        lines.append(f"| `{path.name}` | {_cell(summary)} |")
    return "\n".join(lines) + "\n"


# ---- all of it ----------------------------------------------------------------------------------


def generate() -> dict[Path, str]:
    """Every generated file: absolute path -> text."""
    with cached_parsing():
        return _generate()


def _generate() -> dict[Path, str]:
    files = {
        DOCS / "diagnostikkoder.md": diagnostic_codes_page(),
        GENERATED / "regelfalt.md": rule_fields_fragment(),
        GENERATED / "moduler.md": module_map_fragment(),
        GENERATED / "lagrum.md": lagrum_fragment(),
        GENERATED / "frekvenser.md": frequency_fragment(),
        GENERATED / "flaggor-check.md": options_fragment("check"),
        GENERATED / "flaggor-fmt.md": options_fragment("fmt"),
    }
    files.update(example_outputs())
    return files


def stale(files: dict[Path, str] | None = None) -> list[str]:
    """Generated files that are missing or differ, and stray files in the output folder."""
    files = generate() if files is None else files
    problems = []
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(ROOT)} is out of date")
    if OUTPUT.is_dir():
        for path in sorted(OUTPUT.iterdir()):
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
    if OUTPUT.is_dir():
        for path in OUTPUT.iterdir():
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
