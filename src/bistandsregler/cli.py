"""The command line: ``bistandsregler check|fmt|...``.

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


def _check(args: argparse.Namespace) -> int:
    from .diagnostics import Severity, render_all
    from .rulebook import read

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
        if args.lang == "en":
            print(f"{files} files read: {errors} errors, {warnings} warnings", file=sys.stderr)
        else:
            print(f"{files} filer lästa: {errors} fel, {warnings} varningar", file=sys.stderr)
    return 1 if any(d.severity is Severity.ERROR for d in book.diagnostics) else 0


def _national_prefix() -> str:
    # Diagnostics in the shipped national layer are shown only when asked for (--alla):
    # a guideline author cannot fix them. Errors there still fail the check.
    return "guidelines/nationell/"


def _fmt(args: argparse.Namespace) -> int:
    from .formatting import run_fmt

    return run_fmt(args.paths, check=args.check, lang=args.lang)


def _evaluate(args: argparse.Namespace) -> int:
    from datetime import date

    from .report import run_evaluate

    as_of = None
    if args.per:
        try:
            as_of = date.fromisoformat(args.per)
        except ValueError:
            print(f"bistandsregler: --per '{args.per}' är inget datum (ÅÅÅÅ-MM-DD)", file=sys.stderr)
            return 2
    return run_evaluate(args.riktlinje, args.schablon, args.inputs, args.format, args.fail_on, args.lang, as_of)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bistandsregler",
        description="Riktlinjer för biståndsbedömning som kontrollerbara regler.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--lang", choices=["sv", "en"], default="sv", help="språk för meddelanden (sv)")

    check = commands.add_parser("check", help="kontrollera riktlinje- och schablonfiler")
    check.add_argument("paths", nargs="+", metavar="SÖKVÄG", help="filer eller mappar")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--utan-nationellt", action="store_true", help="läs inte in det nationella lagret")
    check.add_argument("--alla", dest="all", action="store_true", help="visa även anmärkningar i det nationella lagret")
    common(check)
    check.set_defaults(handler=_check)

    fmt = commands.add_parser("fmt", help="skriv om filer i kanonisk layout")
    fmt.add_argument("paths", nargs="+", metavar="SÖKVÄG")
    fmt.add_argument("--check", action="store_true", help="ändra inget; avsluta med 1 om någon fil skulle ändras")
    common(fmt)
    fmt.set_defaults(handler=_fmt)

    evaluate = commands.add_parser("evaluate", help="kontrollera beslut mot lag, riktlinje och schablon")
    evaluate.add_argument("inputs", nargs="+", metavar="INDATA",
                          help="beslut som JSON, JSON Lines, YAML, CSV/TSV eller en delegationslista")
    evaluate.add_argument("--riktlinje", help="kommunens riktlinje (fil eller mapp); utan den gäller nationella lagret")
    evaluate.add_argument("--schablon", help="schablontabell för omfattningskontrollen")
    evaluate.add_argument("--format", choices=["text", "json", "jsonl"], default="text")
    evaluate.add_argument("--fail-on", choices=["fel", "varning", "aldrig"], default="fel",
                          help="avsluta med 1 vid fynd på denna nivå (fel)")
    evaluate.add_argument("--per", metavar="DATUM", help="dag att bedöma ej verkställda beslut per (ÅÅÅÅ-MM-DD)")
    common(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    return parser


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
