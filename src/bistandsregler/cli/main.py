"""The command line: ``bistandsregler validate|fmt|evaluate|...``.

``validate`` checks guideline files; ``evaluate`` checks decisions. ``check`` is the old name
of ``validate``, still accepted with a notice on stderr (see ``_DEPRECATED``).

This module only reads arguments and hands over to the module that does the work; it
imports that module when the command runs, so that starting the tool stays fast.
Exit codes: 0 clean, 1 problems in the input (or findings at the --fail-on level),
2 wrong usage, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _validate(args: argparse.Namespace) -> int:
    from bistandsregler.language.diagnostics import Severity, render_all
    from bistandsregler.language.messages import Text
    from bistandsregler.rules.loading import read

    book = read(args.paths, national=not args.utan_nationellt)
    shown = [d for d in book.diagnostics if args.all or not d.path.startswith(_national_prefix())]
    if args.format == "json":
        print(render_all(shown, args.lang, "json"))
    else:
        if shown:
            print(render_all(shown, args.lang))
        errors = sum(d.severity is Severity.ERROR for d in shown)
        warnings = sum(d.severity is Severity.WARNING for d in shown)
        files = len(book.sources)
        summary = Text(f"{files} {'fil läst' if files == 1 else 'filer lästa'}: {errors} fel, "
                       f"{warnings} {'varning' if warnings == 1 else 'varningar'}",
                       f"{files} file{'s' * (files != 1)} read: {errors} error{'s' * (errors != 1)}, "
                       f"{warnings} warning{'s' * (warnings != 1)}")
        print(summary.render(args.lang), file=sys.stderr)
    return 1 if any(d.severity is Severity.ERROR for d in book.diagnostics) else 0


def _national_prefix() -> str:
    # Diagnostics in the shipped national layer are shown only when asked for (--alla):
    # a guideline author cannot fix them. Errors there still fail the validation.
    return "guidelines/nationell/"


def _fmt(args: argparse.Namespace) -> int:
    from bistandsregler.language.formatting import run_fmt

    return run_fmt(args.paths, check=args.check, lang=args.lang)


def _export(args: argparse.Namespace) -> int:
    import json

    from bistandsregler.language.diagnostics import GuidelineError, render_all
    from bistandsregler.rules.loading import load

    try:
        book = load(args.paths, national=not args.utan_nationellt)
    except GuidelineError as error:
        print(render_all(error.diagnostics, args.lang), file=sys.stderr)
        return 1
    print(json.dumps(book.to_json(), ensure_ascii=False, indent=2))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from datetime import date

    from bistandsregler.cli.evaluate import run_evaluate

    as_of = None
    if args.per:
        try:
            as_of = date.fromisoformat(args.per)
        except ValueError:
            print(f"bistandsregler: --per '{args.per}' är inget datum (ÅÅÅÅ-MM-DD)", file=sys.stderr)
            return 2
    return run_evaluate(args.riktlinje, args.schablon, args.inputs, args.format, args.fail_on, args.lang, as_of,
                        encoding=args.encoding)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bistandsregler",
        description="Riktlinjer för biståndsbedömning som kontrollerbara regler.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--lang", choices=["sv", "en"], default="sv", help="språk för meddelanden (sv)")

    validate = commands.add_parser("validate", help="kontrollera riktlinje- och schablonfiler")
    validate.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="filer eller mappar")
    validate.add_argument("--format", choices=["text", "json"], default="text",
                          help="text för människor, json för redigerare och CI (text)")
    validate.add_argument("--utan-nationellt", action="store_true", help="läs inte in det nationella lagret")
    validate.add_argument("--alla", dest="all", action="store_true",
                          help="visa även anmärkningar i det nationella lagret")
    common(validate)
    validate.set_defaults(handler=_validate)

    fmt = commands.add_parser("fmt", help="skriv om filer i kanonisk layout")
    fmt.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="filer eller mappar")
    fmt.add_argument("--check", action="store_true", help="ändra inget; avsluta med 1 om någon fil skulle ändras")
    common(fmt)
    fmt.set_defaults(handler=_fmt)

    export = commands.add_parser("export", help="skriv regelobjekten som JSON (med källpositioner)")
    export.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="filer eller mappar")
    export.add_argument("--utan-nationellt", action="store_true", help="läs inte in det nationella lagret")
    common(export)
    export.set_defaults(handler=_export)

    evaluate = commands.add_parser("evaluate", help="kontrollera beslut mot lag, riktlinje och schablon")
    evaluate.add_argument("inputs", nargs="+", metavar="INDATA",
                          help="beslut som JSON, JSON Lines, YAML, CSV/TSV eller en delegationslista")
    evaluate.add_argument("--riktlinje", help="kommunens riktlinje (fil eller mapp); utan den gäller nationella lagret")
    evaluate.add_argument("--schablon", help="schablontabell för omfattningskontrollen")
    evaluate.add_argument("--format", choices=["text", "json", "jsonl"], default="text",
                          help="text för människor, json eller jsonl (en rad per beslut) för maskiner (text)")
    evaluate.add_argument("--fail-on", choices=["fel", "varning", "aldrig"], default="fel",
                          help="avsluta med 1 vid fynd på denna nivå (fel)")
    evaluate.add_argument("--per", metavar="DATUM", help="dag att bedöma ej verkställda beslut per (ÅÅÅÅ-MM-DD)")
    evaluate.add_argument("--encoding", default="utf-8",
                          help="teckenkodning för indata, t.ex. cp1252 för export från Windows (utf-8)")
    common(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    # ---- standard times: estimate, compare, test ----
    estimate = commands.add_parser(
        "estimate", help="prissätt ett fall (aktiviteter med frekvens) med en schablontabell",
        description="Minuter per månad per aktivitet och totalt i timmar per månad. Avslutar med 1 om "
        "någon aktivitet inte kunde prissättas (omatchad eller utan frekvens).")
    estimate.add_argument("activities", nargs="+", metavar="AKTIVITET", help="t.ex. 'dusch 2 gg/v' 'städning varannan vecka'")
    estimate.add_argument("--schablon", required=True, metavar="SÖKVÄG", help="schablontabell (.schablon)")
    estimate.add_argument("--fakta", nargs="+", default=[], metavar="FAKTA",
                          help="fakta om fallet, t.ex. tvättmaskin_i_bostaden (har_omvårdnad härleds)")
    estimate.add_argument("--hushall", "--hushåll", dest="hushall", type=int, default=1, metavar="N",
                          help="antal personer i hushållet (2: delad tid halveras)")
    estimate.add_argument("--riktlinje", metavar="SÖKVÄG", help="riktlinje med nivåer (t.ex. avgiftsnivåer)")
    estimate.add_argument("--nivaer", "--nivåer", dest="nivaer", metavar="ID", help="vilka nivåer i riktlinjen (alla)")
    estimate.add_argument("--format", choices=["text", "json"], default="text", help="text för människor, json för maskiner (text)")
    common(estimate)
    estimate.set_defaults(handler=_estimate)

    compare = commands.add_parser(
        "compare", help="jämför schablontabeller per aktivitet; prissätt en vinjett i alla",
        description="SÖKVÄG är .schablon-filer eller mappar; .riktlinje-filer bland dem ger nivåer och "
        "normala frekvenser (norm).")
    compare.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="schablontabeller, riktlinjer eller mappar")
    compare.add_argument("--vinjett", metavar="FIL", help="vinjett (YAML med aktiviteter, fakta, hushåll)")
    compare.add_argument("--format", choices=["text", "json", "html"], default="text", help="text, json eller html (text)")
    compare.add_argument("--output", "-o", metavar="FIL", help="skriv till fil i stället för standard ut")
    compare.add_argument("--blanda", action="store_true",
                         help="lägg till en panel över alla slag (flaggas som blandad)")
    common(compare)
    compare.set_defaults(handler=_compare)

    test = commands.add_parser("test", help=f"kör jämförelsesviter ({_SUITE_SUFFIX})")
    test.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="svitfiler eller mappar")
    common(test)
    test.set_defaults(handler=_test)

    # ---- decisions in: import, schema ----
    importer = commands.add_parser("import", help="läs in beslut från ett verksamhetssystems export")
    sources = importer.add_subparsers(dest="source", required=True, metavar="KÄLLA")
    delegationslista = sources.add_parser(
        "delegationslista", help="månadens delegationslista (TSV/CSV) till JSON Lines",
        description="Läser kolumnerna Beslutsfattare, Beslutsdatum, Beslut, Anledning till avslag, Födelseår "
        "och Kön och skriver ett beslut per rad som JSON Lines. Rader som inte kan läsas skrivs till "
        "standard fel som 'fil:rad: fel: ...'; alla läsbara rader skrivs ändå. Avslutar med 1 om någon "
        "rad inte kunde läsas.")
    delegationslista.add_argument("file", metavar="FIL", help="delegationslistan (.tsv eller .csv)")
    delegationslista.add_argument("-o", "--output", metavar="UT", help="skriv JSON Lines hit (standard ut)")
    delegationslista.add_argument("--encoding", default="utf-8", metavar="KODNING",
                                  help="teckenkodning (utf-8; cp1252 för många Windows-exporter)")
    common(delegationslista)
    delegationslista.set_defaults(handler=_import_delegationslista)

    schema = commands.add_parser("schema", help="skriv JSON Schema för indata")
    schema.add_argument("what", choices=["decision"], metavar="VAD", help="decision: ett beslut")
    schema.set_defaults(handler=_schema)

    return parser


# ---- standard times: estimate, compare, test ----
_SUITE_SUFFIX = ".jamforelse.yaml"


def _estimate(args: argparse.Namespace) -> int:
    import json

    from bistandsregler.language.errors import InputError
    from bistandsregler.standard_times.compare import read_tables
    from bistandsregler.standard_times.pricing import ActivityTextError, estimate

    paths = [args.schablon] + ([args.riktlinje] if args.riktlinje else [])
    try:
        tables, book, named = read_tables(paths)
    except InputError as error:
        print(f"bistandsregler: {error.text(args.lang)}", file=sys.stderr)
        return 1
    if len(tables) != 1:
        print(f"bistandsregler: {args.schablon}: väntade en schablontabell, hittade {len(tables)}", file=sys.stderr)
        return 1
    bands = []
    if args.riktlinje:
        bands = [b for g in book.guidelines if g.path in named for b in g.bands]
        if args.nivaer:
            bands = [b for b in bands if b.id == args.nivaer]
            if not bands:
                print(f"bistandsregler: {args.riktlinje}: inga nivåer med id '{args.nivaer}'", file=sys.stderr)
                return 1
    if args.hushall < 1:
        print("bistandsregler: --hushall måste vara minst 1", file=sys.stderr)
        return 1
    try:
        result = estimate(tables[0], args.activities, book, set(args.fakta), bands,
                          household=args.hushall, lang=args.lang)
    except ActivityTextError as error:
        print(f"bistandsregler: aktiviteten {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.text())
    return 0 if result.complete else 1


def _compare(args: argparse.Namespace) -> int:
    import json

    from bistandsregler.language.errors import InputError
    from bistandsregler.standard_times.compare import from_paths
    from bistandsregler.standard_times.pricing import ActivityTextError

    try:
        result = from_paths(args.paths, args.vinjett, mixed=args.blanda, lang=args.lang)
    except ActivityTextError as error:
        print(f"bistandsregler: {args.vinjett}: aktiviteten {error}", file=sys.stderr)
        return 1
    except InputError as error:
        print(f"bistandsregler: {error.text(args.lang)}", file=sys.stderr)
        return 1
    except ValueError as error:  # a bad vignette file
        print(f"bistandsregler: {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    elif args.format == "html":
        from bistandsregler.standard_times.report_html import render

        text = render(result)
    else:
        text = result.text()
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text if text.endswith("\n") else text + "\n")
        except OSError as error:
            print(f"bistandsregler: {args.output}: kan inte skrivas: {error.strerror}", file=sys.stderr)
            return 1
    else:
        print(text)
    return 0


def _test(args: argparse.Namespace) -> int:
    from bistandsregler.standard_times.suite import run_paths

    return run_paths(args.paths)


# ---- decisions in: import, schema ----


def _import_delegationslista(args: argparse.Namespace) -> int:
    import codecs

    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import InputError, to_json_line
    from bistandsregler.language.messages import Text

    try:
        codecs.lookup(args.encoding)
    except LookupError:
        print(f"bistandsregler: okänd teckenkodning '{args.encoding}'", file=sys.stderr)
        return 2
    handle = None
    if args.output:
        try:
            handle = open(args.output, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as error:
            print(f"bistandsregler: {args.output}: kan inte skrivas: {error.strerror}", file=sys.stderr)
            return 1
    out = handle or sys.stdout
    written = failed = 0
    try:
        for result in import_delegationslista(args.file, encoding=args.encoding):
            if isinstance(result, InputError):
                failed += 1
                print(result.text(args.lang), file=sys.stderr)
            else:
                out.write(to_json_line(result) + "\n")
                written += 1
    finally:
        if handle is not None:
            handle.close()
    summary = Text(f"{written} beslut skrivna, {failed} fel", f"{written} decisions written, {failed} errors")
    print(summary.render(args.lang), file=sys.stderr)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    import json

    from bistandsregler.checking.decision import Decision

    print(json.dumps(Decision.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


def _version() -> str:
    from bistandsregler._version import __version__

    return __version__


# Old command names, still accepted: scripts and CI jobs written against them keep working, and
# a notice on stderr (never stdout, which may be JSON) says what to write instead. The old name
# is not in --help or the docs, so no new user learns it.
_DEPRECATED = {"check": "validate"}


def _renamed(argv: list[str]) -> list[str]:
    from itertools import pairwise

    from bistandsregler.language.messages import Text

    for index, word in enumerate(argv):
        if word.startswith("-"):
            continue  # --version and the like come before the command
        if word in _DEPRECATED:
            new = _DEPRECATED[word]
            english = "--lang=en" in argv or any(a == "--lang" and b == "en" for a, b in pairwise(argv))
            notice = Text(f"bistandsregler: '{word}' heter nu '{new}'; det gamla namnet försvinner i en kommande version",
                          f"bistandsregler: '{word}' is now '{new}'; the old name will go in a later version")
            print(notice.render("en" if english else "sv"), file=sys.stderr)
            return [*argv[:index], new, *argv[index + 1:]]
        break
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_renamed(list(sys.argv[1:] if argv is None else argv)))
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug, not bad input: say so briefly, never a traceback
        if os.environ.get("BISTANDSREGLER_DEBUG"):
            raise
        print(f"bistandsregler: internt fel ({type(error).__name__}); kör med BISTANDSREGLER_DEBUG=1 för detaljer",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
