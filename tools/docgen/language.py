"""The authors' pages (in Swedish): the catalogue of diagnostic codes, what ``validate``
and ``fmt`` print for the examples in ``docs/exempel/``, the fields a rule may use, and how the
law-reference and frequency parsers read the spellings found in real decisions."""

from __future__ import annotations

import re
from pathlib import Path

from .common import (
    DOCS,
    EXAMPLES,
    GENERATED,
    HEADER_MD,
    OUTPUT,
    cell,
    in_folder,
    pages_including,
    run_cli,
    table,
    transcript,
)

SUFFIXES = (".riktlinje", ".schablon")
# A broken example names the codes it must give in a comment: "# Felexempel. Förväntad kod: x.y".
EXPECTED = re.compile(r"^#.*Förväntad kod:\s*(?P<codes>[\w.,\s]+?)\s*$", re.MULTILINE)

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


def check_output(name: str, extra: list[str] | None = None) -> str:
    """``bistandsregler validate NAME`` as a console transcript: the command, then its output."""
    args = ["validate", *(extra or []), name]
    _, printed, _ = run_cli(args, EXAMPLES)
    return transcript(args, printed)


def diagnostics_for(path: Path) -> list:
    """The diagnostics of one example file (the national layer's own are left out)."""
    from bistandsregler.rules.loading import read

    with in_folder(path.parent):
        book = read([path.name])
    return [d for d in book.diagnostics if d.path == path.name]


def example_outputs() -> dict[Path, str]:
    """What ``validate`` prints for every example that gets any diagnostic, plus the variants."""
    files: dict[Path, str] = {}
    for path in example_files():
        shown = check_output(path.name)
        if shown.count("\n") > 1:  # more than the command line itself
            files[OUTPUT / f"{path.name}.txt"] = shown
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
    args = ["fmt", "--check", FMT_EXAMPLE]
    _, printed, _ = run_cli(args, EXAMPLES)
    return {
        OUTPUT / f"{FMT_EXAMPLE}.efter": formatted,
        OUTPUT / f"{FMT_EXAMPLE}.check.txt": transcript(args, printed),
    }


# ---- the catalogue of diagnostic codes -----------------------------------------------------------


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
        "Sidan är genererad från katalogen i `src/bistandsregler/language/diagnostics.py`, så den listar "
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
            f"| [`{code}`](#{anchor}) | {message.severity.value} | {cell(message.summary)} |"
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


# ---- the fields a rule may use ---------------------------------------------------------------


def rule_fields_fragment() -> str:
    from bistandsregler.language.facts import FIELDS, SYMBOLS

    rows = [f"| `{name}` | {info.kind} | {cell(info.sv)} |" for name, info in FIELDS.items()]
    words = ", ".join(f"`{word}`" for word in sorted(SYMBOLS, key=str.lower))
    return table(
        "| Fält | Slag | Betydelse |",
        rows,
        outro=[
            "",
            "Fälten kan jämföras med tal, datum (`2025-07-01`), texter inom citattecken, "
            f"insatsers och aktiviteters id och de här orden: {words}.",
        ],
    )


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


def lagrum_fragment() -> str:
    from bistandsregler.language.lagrum import parse_lagrum

    rows = []
    for written in LAGRUM_SPELLINGS:
        ref = parse_lagrum(written)
        law = ref.law or "okänd (står inte i texten)"
        rows.append(f"| `{cell(written)}` | `{cell(ref.canonical())}` | {law} |")
    return table("| Skrivet | Tolkas som | Lag |", rows)


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
    from bistandsregler.language.units import FREQUENCY_EXAMPLES, parse_quantity

    rows = []
    for written in FREQUENCY_EXAMPLES:
        quantity = parse_quantity(written)
        bound = f" ({quantity.bound})" if quantity.bound else ""
        if quantity.kind == "tillfällen":
            per_month = f"{_fraction(quantity.per_month())} tillfällen"
        elif quantity.kind == "tid":
            per_month = f"{_fraction(quantity.per_month())} minuter"
        else:
            per_month = f"– ({_fraction(quantity.amount)} minuter per tillfälle)"
        rows.append(f"| `{cell(written)}` | {quantity.kind}{bound} | {per_month} |")
    return table("| Skrivet | Slag | Per månad, exakt |", rows)


def pages() -> dict[Path, str]:
    return {
        DOCS / "diagnostikkoder.md": diagnostic_codes_page(),
        GENERATED / "regelfalt.md": rule_fields_fragment(),
        GENERATED / "lagrum.md": lagrum_fragment(),
        GENERATED / "frekvenser.md": frequency_fragment(),
        **example_outputs(),
    }
