"""The command line: ``bistandsregler validate|fmt|evaluate|...``.

``validate`` checks guideline files; ``evaluate`` checks decisions. ``check`` is the old name
of ``validate``, still accepted with a notice on stderr (see ``_DEPRECATED``).

This module only reads arguments and hands over to the module that does the work; it
imports that module when the command runs, so that starting the tool stays fast.
Exit codes: 0 clean, 1 problems in the input (or findings at the --fail-on level, or output
that could not be written: a full disk), 2 wrong usage, 3 an internal error (a bug: please
report it), 130 and 143 a run stopped by SIGINT (Ctrl-C) or SIGTERM.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import NoReturn, cast

from bistandsregler.language.messages import Text


def _validate(args: argparse.Namespace) -> int:
    from bistandsregler.language.diagnostics import Severity, render_all
    from bistandsregler.language.messages import Text
    from bistandsregler.rules.loading import diagnose

    diagnostics, files = diagnose(args.paths, national=not args.utan_nationellt, encoding=args.encoding)
    shown = [d for d in diagnostics if args.all or not d.path.startswith(_national_prefix())]
    if args.format == "json":
        print(render_all(shown, args.lang, "json"))
    else:
        if shown:
            from bistandsregler.cli.terminal import print_diagnostics

            print_diagnostics(render_all(shown, args.lang))
        errors = sum(d.severity is Severity.ERROR for d in shown)
        warnings = sum(d.severity is Severity.WARNING for d in shown)
        summary = Text(f"{files} {'fil läst' if files == 1 else 'filer lästa'}: {errors} fel, "
                       f"{warnings} {'varning' if warnings == 1 else 'varningar'}",
                       f"{files} file{'s' * (files != 1)} read: {errors} error{'s' * (errors != 1)}, "
                       f"{warnings} warning{'s' * (warnings != 1)}")
        print(summary.render(args.lang), file=sys.stderr)
    return 1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0


def _national_prefix() -> str:
    # Diagnostics in the shipped national layer are shown only when asked for (--alla):
    # a guideline author cannot fix them. Errors there still fail the validation.
    return "guidelines/nationell/"


def _fmt(args: argparse.Namespace) -> int:
    from bistandsregler.language.formatting import run_fmt

    return run_fmt(args.paths, check=args.check, lang=args.lang)


def _lsp(args: argparse.Namespace) -> int:
    from bistandsregler.lsp.server import serve

    return serve()


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


def _visa(args: argparse.Namespace) -> int:
    from bistandsregler.cli.output import terminal
    from bistandsregler.language.diagnostics import GuidelineError, render_all
    from bistandsregler.language.errors import InputError
    from bistandsregler.site.build import NotOurFolder, build

    try:
        written = build(args.paths, args.output, args.mot, lang=args.lang)
    except GuidelineError as error:  # nothing written: the diagnostics say why
        from bistandsregler.cli.terminal import print_diagnostics

        print_diagnostics(render_all(error.diagnostics, args.lang), sys.stderr)
        return 1
    except InputError as error:
        print(f"bistandsregler: {error.text(args.lang)}", file=sys.stderr)
        return 1
    except NotOurFolder as error:
        print("bistandsregler: " + Text(f"{terminal(str(error.folder))} finns och är inte skriven av visa; "
                                        "välj en ny eller tom mapp",
                                        f"{terminal(str(error.folder))} exists and was not written by visa; "
                                        "choose a new or empty folder").render(args.lang), file=sys.stderr)
        return 2
    except OSError as error:
        return _cannot_write(args.output, error, args.lang)
    summary = Text(f"{written.pages} sidor i {written.folder}" + (f", {written.changes} ändringar" if args.mot else ""),
                   f"{written.pages} pages in {written.folder}" + (f", {written.changes} changes" if args.mot else ""))
    print(terminal(summary.render(args.lang)), file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from datetime import date

    from bistandsregler.cli.evaluate import run_evaluate


    as_of = None
    if args.per:
        try:
            as_of = date.fromisoformat(args.per)
        except ValueError:
            print("bistandsregler: " + Text(f"--per '{args.per}' är inget datum (ÅÅÅÅ-MM-DD)",
                                            f"--per '{args.per}' is not a date (YYYY-MM-DD)").render(args.lang), file=sys.stderr)
            return 2
    return run_evaluate(args.riktlinje, args.schablon, args.inputs, args.format, args.fail_on, args.lang, as_of,
                        encoding=args.encoding, show_info=args.show_info)


def _granska(args: argparse.Namespace) -> int:
    from bistandsregler.cli.granska import run_granska

    return run_granska(args.inputs, args.riktlinje, args.schablon, args.period, args.utkast, args.format,
                       args.output, args.lang, args.encoding, args.kvartal)


# argparse's own words, in both languages.
_ARGUMENTS = Text("argument", "arguments")
_OPTIONS = Text("flaggor", "options")
_HELP = Text("visa den här hjälpen och avsluta", "show this help and exit")
_ERROR = Text("fel", "error")
_USAGE = Text("användning: ", "usage: ")


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks one language: its own words (usage, options, errors)
    as well as ours. argparse writes its words in English through a module-global gettext;
    translating here keeps that global untouched for a host that embeds the tool."""

    def __init__(self, *args, lang: str = "sv", **kwargs) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _formatter(lang))
        super().__init__(*args, **kwargs)
        self.lang = lang
        self._positionals.title = _ARGUMENTS.render(lang)
        self._optionals.title = _OPTIONS.render(lang)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=_HELP.render(lang))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {_ERROR.render(self.lang)}: {_argparse_words(message, self.lang)}\n")


def _parser_class(lang: str) -> type[_Parser]:
    """The class argparse makes subcommands' parsers with: ours, in ``lang``."""
    return cast("type[_Parser]", functools.partial(_Parser, lang=lang))


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
            if prefix is None:  # argparse passes "" when it builds a subcommand's name
                prefix = _USAGE.render(lang)
            super().add_usage(usage, actions, groups, prefix)

    return Formatter


# argparse's own error messages (Python 3.10 to 3.13) in Swedish.
_ARGPARSE_SV = [
    (re.compile(r"the following arguments are required: (.*)"), r"dessa argument saknas: \1"),
    (re.compile(r"argument (.+?): invalid choice: (.+?) \(choose from (.*)\)$"), r"argument \1: ogiltigt val \2 (välj bland \3)"),
    (re.compile(r"argument (.+?): invalid (\w+) value: (.*)"), r"argument \1: ogiltigt värde \3"),
    (re.compile(r"argument (.+?): expected one argument"), r"argument \1: väntade ett värde"),
    (re.compile(r"argument (.+?): expected at least one argument"), r"argument \1: väntade minst ett värde"),
    (re.compile(r"unrecognized arguments: (.*)"), r"okända argument: \1"),
    (re.compile(r"ambiguous option: (.+?) could match (.*)"), r"tvetydig flagga \1: kan vara \2"),
    (re.compile(r"argument (.+?): ignored explicit argument (.*)"), r"argument \1: tar inget värde (\2)"),
    (re.compile(r"argument (.+?): (.*)"), r"argument \1: \2"),
]


def _argparse_words(message: str, lang: str) -> str:
    """argparse's message (English) as a Text whose Swedish form is its translation."""
    swedish = message
    for pattern, replacement in _ARGPARSE_SV:
        if pattern.match(message):
            swedish = pattern.sub(replacement, message, count=1)
            break
    return Text(swedish, message).render(lang)


def _lang_of(argv: Sequence[str]) -> str:
    """The language asked for anywhere on the command line: the parser needs it before parsing."""
    words = list(argv)
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(words):
            return "en" if words[index + 1] == "en" else "sv"
        if word.startswith("--lang="):
            return "en" if word.split("=", 1)[1] == "en" else "sv"
    return "sv"


def _existing(lang: str) -> Callable[[str], str]:
    """An argument type: a path that exists (a missing file is wrong usage, exit code 2)."""

    def check(value: str) -> str:
        if not os.path.exists(value):
            raise argparse.ArgumentTypeError(
                Text(f"{value}: filen eller mappen finns inte", f"{value}: no such file or folder").render(lang))
        return value

    return check


def _encoding(lang: str) -> Callable[[str], str]:
    """An argument type: a character encoding Python knows (an unknown name is exit code 2)."""

    def check(value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise argparse.ArgumentTypeError(
                Text(f"okänd teckenkodning '{value}' (t.ex. utf-8, cp1252, latin-1)",
                     f"unknown character encoding '{value}' (e.g. utf-8, cp1252, latin-1)").render(lang)) from None
        return value

    return check


def build_parser(lang: str = "sv") -> argparse.ArgumentParser:
    """The argument parser, with every help text in ``lang`` (sv or en)."""

    def t(sv: str, english: str) -> str:
        return Text(sv, english).render(lang)

    exists, encoding = _existing(lang), _encoding(lang)
    parser = _Parser(
        prog="bistandsregler", lang=lang,
        description=t("Riktlinjer för biståndsbedömning som kontrollerbara regler.",
                      "Guidelines for needs-assessed social care as checkable rules."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                        help=t("visa versionen och avsluta", "show the version and exit"))
    parser.add_argument("--lang", choices=["sv", "en"], default="sv", dest="top_lang",
                        help=t("språk för meddelanden och hjälp (sv)", "language of messages and help (sv)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar=t("KOMMANDO", "COMMAND"),
                                     parser_class=_parser_class(lang), title=t("kommandon", "commands"))

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--lang", choices=["sv", "en"], default="sv",
                         help=t("språk för meddelanden och hjälp (sv)", "language of messages and help (sv)"))

    path, paths = t("SÖKVÄG", "PATH"), t("filer eller mappar", "files or folders")
    validate = commands.add_parser("validate", help=t("kontrollera riktlinje- och schablonfiler",
                                                   "check guideline and standard-time files"))
    validate.add_argument("paths", nargs="+", metavar=path, type=exists, help=paths)
    validate.add_argument("--format", choices=["text", "json"], default="text",
                       help=t("text för människor, json för redigerare och CI (text)",
                              "text for people, json for editors and CI (text)"))
    validate.add_argument("--utan-nationellt", action="store_true",
                       help=t("läs inte in det nationella lagret", "do not read the national layer"))
    validate.add_argument("--alla", dest="all", action="store_true",
                       help=t("visa även anmärkningar i det nationella lagret", "also show remarks in the national layer"))
    validate.add_argument("--encoding", default="utf-8", metavar=t("KODNING", "ENCODING"), type=encoding,
                       help=t("teckenkodning för filerna (utf-8)", "character encoding of the files (utf-8)"))
    common(validate)
    validate.set_defaults(handler=_validate)

    fmt = commands.add_parser("fmt", help=t("skriv om filer i kanonisk layout", "rewrite files in the canonical layout"))
    fmt.add_argument("paths", nargs="+", metavar=path, type=exists, help=paths)
    fmt.add_argument("--check", action="store_true",
                     help=t("ändra inget; avsluta med 1 om någon fil skulle ändras",
                            "change nothing; exit with 1 if a file would change"))
    common(fmt)
    fmt.set_defaults(handler=_fmt)

    lsp = commands.add_parser("lsp", help=t("starta språkservern (LSP över standard in och ut) för redigerare",
                                            "start the language server (LSP over standard input and output) for editors"))
    common(lsp)
    lsp.set_defaults(handler=_lsp)

    export = commands.add_parser("export", help=t("skriv regelobjekten som JSON (med källpositioner)",
                                                  "write the rule objects as JSON (with source positions)"))
    export.add_argument("paths", nargs="+", metavar=path, type=exists, help=paths)
    export.add_argument("--utan-nationellt", action="store_true",
                        help=t("läs inte in det nationella lagret", "do not read the national layer"))
    common(export)
    export.set_defaults(handler=_export)

    evaluate = commands.add_parser("evaluate", help=t("kontrollera beslut mot lag, riktlinje och schablon",
                                                      "check decisions against law, guideline and standard times"))
    evaluate.add_argument("inputs", nargs="+", metavar=t("INDATA", "INPUT"), type=exists,
                          help=t("beslut som JSON, JSON Lines, YAML, CSV/TSV eller en delegationslista",
                                 "decisions as JSON, JSON Lines, YAML, CSV/TSV or a delegation list"))
    evaluate.add_argument("--riktlinje", metavar=path, type=exists,
                          help=t("kommunens riktlinje (fil eller mapp); utan den gäller nationella lagret",
                                 "the municipality's guideline (file or folder); without it the national layer applies"))
    evaluate.add_argument("--schablon", metavar=path, type=exists,
                          help=t("schablontabell för omfattningskontrollen", "standard-time table for the scope check"))
    evaluate.add_argument("--format", choices=["text", "json", "jsonl"], default="text",
                          help=t("text för människor, json eller jsonl (en rad per beslut) för maskiner (text)",
                                 "text for people, json or jsonl (one line per decision) for machines (text)"))
    evaluate.add_argument("--fail-on", choices=["fel", "varning", "aldrig"], default="fel",
                          help=t("avsluta med 1 vid fynd på denna nivå (fel)",
                                 "exit with 1 on findings at this level (fel)"))
    evaluate.add_argument("--per", metavar=t("DATUM", "DATE"),
                          help=t("dag att bedöma ej verkställda beslut per (ÅÅÅÅ-MM-DD)",
                                 "the day to judge decisions not carried out on (YYYY-MM-DD)"))
    evaluate.add_argument("--encoding", default="utf-8", metavar=t("KODNING", "ENCODING"), type=encoding,
                          help=t("teckenkodning för indata, t.ex. cp1252 för export från Windows (utf-8)",
                                 "character encoding of the input, e.g. cp1252 for exports from Windows (utf-8)"))
    evaluate.add_argument("--visa-info", dest="show_info", action="store_true",
                          help=t("text: visa varje info-fynd och varje beslut, inte bara en sammanfattning",
                                 "text: show every info finding and every decision, not only a summary"))
    common(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    visa = commands.add_parser(
        "visa", help=t("visa riktlinjer som webbsidor (en statisk webbplats)", "show guidelines as web pages (a static site)"),
        description=t("Skriver en mapp med sidor: riktlinjens text bredvid reglerna, lagrum länkade till "
                      "paragraferna, normer, schablontider och värden i tabeller. Med --mot en ändringsvy mot en "
                      "äldre version. Avslutar med 1 om en fil har fel (då skrivs ingenting), 2 om mappen finns "
                      "och inte är skriven av visa.",
                      "Writes a folder of pages: the guideline's text beside its rules, law references linked to "
                      "the paragraphs, norms, standard times and values in tables. With --mot a change view against "
                      "an older version. Exits with 1 if a file has errors (nothing is written then), 2 if the "
                      "folder exists and was not written by visa."))
    visa.add_argument("paths", nargs="+", metavar=path, type=exists,
                      help=t("riktlinjer, schablontabeller eller mappar (t.ex. guidelines/)",
                             "guidelines, standard-time tables or folders (e.g. guidelines/)"))
    visa.add_argument("-o", "--output", required=True, metavar=t("MAPP", "DIR"),
                      help=t("mappen att skriva webbplatsen i (ersätts helt)", "the folder to write the site in (replaced whole)"))
    visa.add_argument("--mot", action="append", metavar=t("ÄLDRE", "OLD"), type=exists,
                      help=t("en äldre version av riktlinjen (fil eller mapp): visa vad som ändrats",
                             "an older version of the guideline (file or folder): show what changed"))
    common(visa)
    visa.set_defaults(handler=_visa)

    granska = commands.add_parser("granska", help=t("granska många beslut på en gång: statistik och rapport",
                                                    "audit many decisions at once: statistics and a report"))
    granska.add_argument("inputs", nargs="+", metavar=t("INDATA", "INPUT"), type=exists,
                         help=t("delegationslistor, JSON Lines, JSON, YAML eller CSV; posterna hålls isär per fil",
                                "delegation lists, JSON Lines, JSON, YAML or CSV; records are kept apart by file"))
    granska.add_argument("--riktlinje", metavar=path, type=exists,
                         help=t("kommunens riktlinje (fil eller mapp)", "the municipality's guideline (file or folder)"))
    granska.add_argument("--schablon", metavar=path, type=exists,
                         help=t("schablontabell: prissätter aktiviteter när timmar saknas",
                                "standard-time table: prices activities where hours are missing"))
    granska.add_argument("--period", metavar=t("FRÅN..TILL", "FROM..TO"),
                         help=t("bara beslut med beslutsdatum i perioden (ÅÅÅÅ-MM-DD..ÅÅÅÅ-MM-DD); övriga räknas för sig",
                                "only decisions dated in the period (YYYY-MM-DD..YYYY-MM-DD); the others are counted apart"))
    granska.add_argument("--utkast", metavar=path, type=exists,
                         help=t("ett utkast till riktlinje att jämföra med den antagna", "a draft guideline to compare with the adopted one"))
    granska.add_argument("--kvartal", metavar=t("KVARTAL", "QUARTER"),
                         help=t("lägg till kvartalsrapporten om ej verkställda beslut för kvartalet (t.ex. 2025Q3)",
                                "add the quarterly report of decisions not carried out for the quarter (e.g. 2025Q3)"))
    granska.add_argument("--format", choices=["text", "json", "html", "xlsx", "csv"], default="text",
                         help=t("text, json, html (en fristående sida), xlsx eller csv (en mapp) (text)",
                                "text, json, html (one self-contained page), xlsx or csv (a folder) (text)"))
    granska.add_argument("-o", "--output", metavar=t("UT", "OUT"),
                         help=t("skriv hit (standard ut); för csv en mapp", "write here (standard output); for csv a folder"))
    granska.add_argument("--encoding", default="utf-8", metavar=t("KODNING", "ENCODING"), type=encoding,
                         help=t("teckenkodning för indata (utf-8)", "character encoding of the input (utf-8)"))
    common(granska)
    granska.set_defaults(handler=_granska)

    # ---- standard times: estimate, compare, test ----
    estimate = commands.add_parser(
        "estimate", help=t("prissätt ett fall (aktiviteter med frekvens) med en schablontabell",
                           "price a case (activities with frequencies) with a standard-time table"),
        description=t("Minuter per månad per aktivitet och totalt i timmar per månad. Avslutar med 1 om "
                      "någon aktivitet inte kunde prissättas (omatchad eller utan frekvens).",
                      "Minutes a month per activity and the total in hours a month. Exits with 1 if an "
                      "activity could not be priced (not matched, or without a frequency)."))
    estimate.add_argument("activities", nargs="+", metavar=t("AKTIVITET", "ACTIVITY"),
                          help=t("t.ex. 'dusch 2 gg/v' 'städning varannan vecka'",
                                 "e.g. 'dusch 2 gg/v' 'städning varannan vecka'"))
    estimate.add_argument("--schablon", required=True, metavar=path, type=exists,
                          help=t("schablontabell (.schablon)", "standard-time table (.schablon)"))
    # One fact per --fakta (given again for more): with nargs="+" the flag swallowed the activities after it.
    estimate.add_argument("--fakta", action="append", default=[], metavar=t("FAKTUM", "FACT"),
                          help=t("ett faktum om fallet, t.ex. tvättmaskin_i_bostaden; upprepa för fler "
                                 "(har_omvårdnad härleds)",
                                 "a fact of the case, e.g. tvättmaskin_i_bostaden; repeat for more "
                                 "(har_omvårdnad is derived)"))
    estimate.add_argument("--hushall", "--hushåll", dest="hushall", type=_at_least_one(lang), default=1, metavar="N",
                          help=t("antal personer i hushållet (2: delad tid halveras)",
                                 "people in the household (2: shared time is halved)"))
    estimate.add_argument("--riktlinje", metavar=path, type=exists,
                          help=t("riktlinje med nivåer (t.ex. avgiftsnivåer)", "guideline with bands (e.g. fee levels)"))
    estimate.add_argument("--nivaer", "--nivåer", dest="nivaer", metavar="ID",
                          help=t("vilka nivåer i riktlinjen (alla)", "which bands of the guideline (all)"))
    estimate.add_argument("--avgift", metavar="ID",
                          help=t("avgiften i riktlinjen som fallet prissätts med (den enda, om det finns en)",
                                 "the guideline's fee to price the case with (the only one, if there is one)"))
    estimate.add_argument("--datum", metavar=t("DATUM", "DATE"),
                          help=t("dagen avgiften räknas på, ÅÅÅÅ-MM-DD (i dag)", "the day the fee is computed on, YYYY-MM-DD (today)"))
    estimate.add_argument("--format", choices=["text", "json"], default="text",
                          help=t("text för människor, json för maskiner (text)", "text for people, json for machines (text)"))
    common(estimate)
    estimate.set_defaults(handler=_estimate)

    compare = commands.add_parser(
        "compare", help=t("jämför schablontabeller per aktivitet; prissätt en vinjett i alla",
                          "compare standard-time tables by activity; price a vignette in each"),
        description=t("SÖKVÄG är .schablon-filer eller mappar; .riktlinje-filer bland dem ger nivåer och "
                      "normala frekvenser (norm).",
                      "PATH is .schablon files or folders; .riktlinje files among them give bands and "
                      "default frequencies (norm)."))
    compare.add_argument("paths", nargs="+", metavar=path, type=exists,
                         help=t("schablontabeller, riktlinjer eller mappar", "standard-time tables, guidelines or folders"))
    compare.add_argument("--vinjett", metavar=t("FIL", "FILE"), type=exists,
                         help=t("vinjett (YAML med aktiviteter, fakta, hushåll)", "vignette (YAML with activities, facts, household)"))
    compare.add_argument("--format", choices=["text", "json", "html"], default="text",
                         help=t("text, json eller html (text)", "text, json or html (text)"))
    compare.add_argument("--output", "-o", metavar=t("FIL", "FILE"),
                         help=t("skriv till fil i stället för standard ut", "write to a file instead of standard output"))
    compare.add_argument("--blanda", action="store_true",
                         help=t("lägg till en panel över alla slag (flaggas som blandad)",
                                "add a panel over every kind (flagged as mixed)"))
    common(compare)
    compare.set_defaults(handler=_compare)

    test = commands.add_parser("test", help=t(f"kör jämförelsesviter ({_SUITE_SUFFIX})",
                                              f"run comparison suites ({_SUITE_SUFFIX})"))
    test.add_argument("paths", nargs="+", metavar=path, type=exists,
                      help=t("svitfiler eller mappar", "suite files or folders"))
    common(test)
    test.set_defaults(handler=_test)

    # ---- decisions in: import, schema ----
    importer = commands.add_parser("import", help=t("läs in beslut från ett verksamhetssystems export",
                                                    "read decisions from a case system's export"))
    sources = importer.add_subparsers(dest="source", required=True, metavar=t("KÄLLA", "SOURCE"),
                                      parser_class=_parser_class(lang), title=t("källor", "sources"))
    delegationslista = sources.add_parser(
        "delegationslista", help=t("månadens delegationslista (TSV/CSV) till JSON Lines",
                                   "the month's delegation list (TSV/CSV) to JSON Lines"),
        description=t("Läser kolumnerna Beslutsfattare, Beslutsdatum, Beslut, Anledning till avslag, Födelseår "
                      "och Kön och skriver ett beslut per rad som JSON Lines. Rader som inte kan läsas skrivs till "
                      "standard fel som 'fil:rad: fel: ...'; alla läsbara rader skrivs ändå. Avslutar med 1 om någon "
                      "rad inte kunde läsas.",
                      "Reads the columns Beslutsfattare, Beslutsdatum, Beslut, Anledning till avslag, Födelseår "
                      "and Kön and writes one decision per row as JSON Lines. Rows that cannot be read are written "
                      "to standard error as 'file:line: error: ...'; every readable row is written all the same. "
                      "Exits with 1 if a row could not be read."))
    delegationslista.add_argument("file", metavar=t("FIL", "FILE"), type=exists,
                                  help=t("delegationslistan (.tsv eller .csv)", "the delegation list (.tsv or .csv)"))
    delegationslista.add_argument("-o", "--output", metavar=t("UT", "OUT"),
                                  help=t("skriv JSON Lines hit (standard ut)", "write JSON Lines here (standard output)"))
    delegationslista.add_argument("--encoding", default="utf-8", metavar=t("KODNING", "ENCODING"), type=encoding,
                                  help=t("teckenkodning (utf-8; cp1252 för många Windows-exporter)",
                                         "character encoding (utf-8; cp1252 for many exports from Windows)"))
    common(delegationslista)
    delegationslista.set_defaults(handler=_import_delegationslista)

    unexecuted = commands.add_parser(
        "ej-verkstallda", help=t("kvartalsrapporten om ej verkställda gynnande beslut (IVO, revisorer, fullmäktige)",
                                 "the quarterly report of favourable decisions not carried out (IVO, auditors, council)"),
        description=t("Läser listor över ej verkställda beslut (CSV/TSV) och beslut med executed_on, interrupted_on "
                      "och resumed_on, och skriver rapporten för kvartalet till IVO och revisorerna (34 kap. 1-2 §§ SoL, "
                      "28 f-g §§ LSS) och statistikrapporten till fullmäktige (34 kap. 3 § SoL, 28 h § LSS) som xlsx, "
                      "CSV, HTML och JSON i mappen UT. Avslutar med 1 om någon rad inte kunde läsas.",
                      "Reads lists of decisions not carried out (CSV/TSV) and decisions with executed_on, interrupted_on "
                      "and resumed_on, and writes the quarter's report to IVO and the auditors (34 kap. 1-2 §§ SoL, "
                      "28 f-g §§ LSS) and the statistics report to the council (34 kap. 3 § SoL, 28 h § LSS) as xlsx, "
                      "CSV, HTML and JSON in the folder OUT. Exits with 1 if a row could not be read."))
    unexecuted.add_argument("inputs", nargs="+", metavar=t("INDATA", "INPUT"), type=exists,
                            help=t("listor och beslut", "lists and decisions"))
    unexecuted.add_argument("--kvartal", required=True, metavar=t("KVARTAL", "QUARTER"),
                            help=t("kvartalet, t.ex. 2025Q3", "the quarter, e.g. 2025Q3"))
    unexecuted.add_argument("-o", "--output", required=True, metavar=t("UT", "OUT"),
                            help=t("mapp att skriva rapporterna i", "folder to write the reports in"))
    unexecuted.add_argument("--riktlinje", metavar=path, type=exists,
                            help=t("kommunens riktlinje (insatsnamn); utan den gäller nationella lagret",
                                   "the municipality's guideline (insats names); without it the national layer applies"))
    unexecuted.add_argument("--encoding", default="utf-8", metavar=t("KODNING", "ENCODING"), type=encoding,
                            help=t("teckenkodning för indata, t.ex. cp1252 (utf-8)", "character encoding of the input, e.g. cp1252 (utf-8)"))
    common(unexecuted)
    unexecuted.set_defaults(handler=_unexecuted)

    schema = commands.add_parser("schema", help=t("skriv JSON Schema för indata och utdata",
                                                  "write the JSON Schema of the input and the output"))
    schema.add_argument("what", choices=["decision", "result"], metavar=t("VAD", "WHAT"),
                        help=t("decision: ett beslut (indata); result: ett resultat från evaluate (utdata)",
                               "decision: one decision (input); result: one result of evaluate (output)"))
    common(schema)
    schema.set_defaults(handler=_schema)

    _add_serve(commands, lang, exists, common)
    return parser


def _add_serve(commands: argparse._SubParsersAction, lang: str, exists: Callable[[str], str],
               common: Callable[[argparse.ArgumentParser], None]) -> None:
    """``serve``: the HTTP service (``service/``; docs/developers/http.md)."""

    def t(sv: str, english: str) -> str:
        return Text(sv, english).render(lang)

    serve = commands.add_parser("serve", help=t("kör HTTP-tjänsten som verksamhetssystem anropar",
                                                "run the HTTP service that case systems call"))
    path = t("SÖKVÄG", "PATH")
    serve.add_argument("--riktlinje", action="append", default=[], metavar=path, type=exists,
                       help=t("riktlinje (fil eller mapp); upprepa för fler. Utan: bara nationella lagret",
                              "guideline (file or folder); repeat for more. Without: the national layer only"))
    serve.add_argument("--schablon", action="append", default=[], metavar=path, type=exists,
                       help=t("schablontabell; upprepa för fler", "standard-time table; repeat for more"))
    serve.add_argument("--host", default="127.0.0.1",
                       help=t("adress att lyssna på (127.0.0.1: bara den här datorn)",
                              "address to listen on (127.0.0.1: this machine only)"))
    serve.add_argument("--port", type=int, default=8080, help=t("port (8080)", "port (8080)"))
    serve.add_argument("--workers", type=_at_least_one(lang), default=1, metavar="N",
                       help=t("antal arbetsprocesser (1)", "number of worker processes (1)"))
    serve.add_argument("--token-file", metavar=t("FIL", "FILE"),
                       help=t("fil med en bearer-token som alla anrop utom /v1/health kräver",
                              "file holding a bearer token every call but /v1/health needs"))
    serve.add_argument("--max-body", type=_at_least_one(lang), default=1_000_000, metavar=t("BYTE", "BYTES"),
                       help=t("största kropp i byte; för batch: största rad (1000000)",
                              "largest body in bytes; for a batch: largest line (1000000)"))
    serve.add_argument("--timeout", type=float, default=10.0, metavar=t("SEKUNDER", "SECONDS"),
                       help=t("längsta tid för ett anrop, för batch: för varje väntan på indata (10)",
                              "longest time for a call, for a batch: for each wait for input (10)"))
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help=t("tillåt CORS från detta ursprung; upprepa för fler (av)",
                              "allow CORS from this origin; repeat for more (off)"))
    common(serve)
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from bistandsregler.cli.serve import run_serve

    return run_serve(args)


def _at_least_one(lang: str) -> Callable[[str], int]:
    def check(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(
                Text(f"'{value}' är inget heltal som är minst 1", f"'{value}' is not a whole number of at least 1").render(lang))
        return number

    return check


# ---- standard times: estimate, compare, test ----
_SUITE_SUFFIX = ".jamforelse.yaml"


def _estimate(args: argparse.Namespace) -> int:
    import json
    from datetime import date

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
        print(f"bistandsregler: {args.schablon}: " + Text(f"väntade en schablontabell, hittade {len(tables)}",
              f"expected one standard-time table, found {len(tables)}").render(args.lang), file=sys.stderr)
        return 1
    bands = []
    if args.riktlinje:
        bands = [b for g in book.guidelines if g.path in named for b in g.bands]
        if args.nivaer:
            bands = [b for b in bands if b.id == args.nivaer]
            if not bands:  # a value the option cannot take: wrong usage
                print(f"bistandsregler: {args.riktlinje}: " + Text(f"inga nivåer med id '{args.nivaer}'",
                      f"no bands with the id '{args.nivaer}'").render(args.lang), file=sys.stderr)
                return 2
    fee, values, fee_bands, on = None, {}, {}, None
    if args.riktlinje:
        named_guidelines = [g for g in book.guidelines if g.path in named]
        fees = [f for g in named_guidelines for f in g.fees]
        if args.avgift:
            fees = [f for f in fees if f.id == args.avgift]
            if not fees:
                print(f"bistandsregler: {args.riktlinje}: " + Text(f"ingen avgift med id '{args.avgift}'",
                      f"no fee with the id '{args.avgift}'").render(args.lang), file=sys.stderr)
                return 2
        if len(fees) > 1:
            names = ", ".join(f.id for f in fees)
            print(f"bistandsregler: {args.riktlinje}: " + Text(f"flera avgifter ({names}); välj en med --avgift",
                  f"several fees ({names}); choose one with --avgift").render(args.lang), file=sys.stderr)
            return 2
        if fees:
            fee = fees[0]
            owner = next(g for g in named_guidelines if fee in g.fees)
            values, fee_bands = book.values(owner), book.bands(owner)
    elif args.avgift:
        print("bistandsregler: " + Text("--avgift kräver --riktlinje", "--avgift needs --riktlinje").render(args.lang),
              file=sys.stderr)
        return 2
    try:
        on = date.fromisoformat(args.datum) if args.datum else date.today()
    except ValueError:
        print("bistandsregler: " + Text(f"--datum '{args.datum}' är inget datum (ÅÅÅÅ-MM-DD)",
                                        f"--datum '{args.datum}' is not a date (YYYY-MM-DD)").render(args.lang), file=sys.stderr)
        return 2
    try:
        result = estimate(tables[0], args.activities, book, set(args.fakta), bands,
                          household=args.hushall, fee=fee, values=values, fee_bands=fee_bands, on=on,
                          lang=args.lang)
    except ActivityTextError as error:
        print(f"bistandsregler: {error.render(args.lang)}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        from bistandsregler.cli.terminal import print_lines

        print_lines(result.text())
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
    if args.format == "text" and not args.output:  # for a person: fitted to the terminal
        from bistandsregler.cli.terminal import print_blocks

        print_blocks(result.blocks())
        return 0
    if args.format == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    elif args.format == "html":
        from bistandsregler.standard_times.report_html import render

        text = render(result)
    else:
        text = result.text()
    if args.output:
        from bistandsregler.language.files import atomic_file

        try:
            with atomic_file(args.output) as handle:
                handle.write(text if text.endswith("\n") else text + "\n")
        except OSError as error:
            return _cannot_write(args.output, error, args.lang)
    else:
        print(text)
    return 0


def _test(args: argparse.Namespace) -> int:
    from bistandsregler.standard_times.suite import run_paths

    return run_paths(args.paths)


# ---- decisions in: import, schema ----


def _cannot_write(path: str, error: OSError, lang: str) -> int:
    from bistandsregler.cli.output import terminal

    reason = error.strerror or type(error).__name__
    print(f"bistandsregler: {terminal(path)}: {Text('kan inte skrivas', 'cannot be written').render(lang)}: "
          f"{reason}", file=sys.stderr)
    return 1


def _import_delegationslista(args: argparse.Namespace) -> int:
    from bistandsregler.cli.output import Interrupted, terminal
    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import InputError, to_json_line
    from bistandsregler.language.files import Discard, atomic_file
    from bistandsregler.language.messages import Text

    written = failed = 0
    unchanged = Text("ändrades inte", "was not changed").render(args.lang)

    def convert(out) -> None:
        nonlocal written, failed
        for result in import_delegationslista(args.file, encoding=args.encoding):
            if isinstance(result, InputError):
                failed += 1
                print(terminal(result.text(args.lang)), file=sys.stderr)
            else:
                out.write(to_json_line(result) + "\n")
                written += 1

    try:
        if args.output:  # written whole or not at all: an existing file is never left shorter
            with atomic_file(args.output, newline="\n") as handle:
                convert(handle)
                if failed and not written:  # the list could not be read: keep what the file held
                    print(f"{terminal(args.output)} {unchanged}", file=sys.stderr)
                    raise Discard
        else:
            convert(sys.stdout)
    except Interrupted as stop:
        where = f"; {terminal(args.output)} {unchanged}" if args.output else ""
        stopped = Text("avbruten ({stop}) efter {n} rader", "interrupted ({stop}) after {n} rows")
        print(stopped.render(args.lang, {"stop": stop, "n": written + failed}) + where, file=sys.stderr)
        return stop.exit_code
    except OSError as error:
        if args.output is None:
            raise  # standard output: main says so
        return _cannot_write(args.output, error, args.lang)
    summary = Text(f"{written} beslut skrivna, {failed} fel", f"{written} decisions written, {failed} errors")
    print(summary.render(args.lang), file=sys.stderr)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    import json

    if args.what == "result":
        from bistandsregler.checking.result_schema import result_schema

        schema = result_schema()
    else:
        from bistandsregler.checking.decision import Decision

        schema = Decision.model_json_schema()
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0


def _unexecuted(args: argparse.Namespace) -> int:
    from bistandsregler.cli.unexecuted import run_unexecuted

    return run_unexecuted(args.inputs, args.kvartal, args.output, args.lang, args.riktlinje, args.encoding)


def _version() -> str:
    from bistandsregler._version import __version__

    return __version__


# Old command names, still accepted: scripts and CI jobs written against them keep working, and
# a notice on stderr (never stdout, which may be JSON) says what to write instead. The old name
# is not in --help or the docs, so no new user learns it.
_DEPRECATED = {"check": "validate"}


def _renamed(argv: list[str], lang: str) -> list[str]:
    for index, word in enumerate(argv):
        if word.startswith("-"):
            continue  # --version and the like come before the command
        if word in _DEPRECATED:
            new = _DEPRECATED[word]
            notice = Text(f"bistandsregler: '{word}' heter nu '{new}'; det gamla namnet försvinner i en kommande version",
                          f"bistandsregler: '{word}' is now '{new}'; the old name will go in a later version")
            print(notice.render(lang), file=sys.stderr)
            return [*argv[:index], new, *argv[index + 1:]]
        break
    return argv


EXIT_INTERRUPTED = 130  # 128 + SIGINT: stopped with Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of the output went away (`| head`)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = _lang_of(argv)
    parser = build_parser(lang)
    try:
        args = parser.parse_args(_renamed(argv, lang))
    except SystemExit as stop:  # --help, --version, wrong usage: a code, for callers in-process too
        return stop.code if isinstance(stop.code, int) else 2
    args.lang = lang  # one language for the run, wherever --lang stood (before or after the command)
    from bistandsregler.cli.output import Interrupted, interruptible
    from bistandsregler.language.files import OUTPUT_ERRORS

    try:
        with interruptible():
            code = args.handler(args)
            sys.stdout.flush()  # a full disk shows here, not after main returned
            return code
    except Interrupted as stop:  # a command that has no summary to say it in
        print(f"bistandsregler: {Text('avbruten', 'interrupted').render(args.lang)} ({stop})", file=sys.stderr)
        return stop.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The run did not finish writing: not 0. Point stdout at nothing, so that the
        # interpreter's final flush does not fail a second time with a traceback.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:  # output that cannot be written (a full disk): said, exit 1
        if error.errno not in OUTPUT_ERRORS:
            return _internal(error)
        message = Text("kan inte skriva utdata", "cannot write the output").render(args.lang)
        print(f"bistandsregler: {message}: {error.strerror}",
              file=sys.stderr)
        _silence_stdout()
        return 1
    except Exception as error:  # a bug, not bad input: say so briefly, never a traceback
        return _internal(error)


def _internal(error: Exception) -> int:
    if os.environ.get("BISTANDSREGLER_DEBUG"):
        raise error
    print(f"bistandsregler: internt fel ({type(error).__name__}); kör med BISTANDSREGLER_DEBUG=1 för detaljer",
          file=sys.stderr)
    return 3


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (a test's StringIO)
        pass


if __name__ == "__main__":
    raise SystemExit(main())
