"""The command-line pages: every command, its options and the exit codes of real runs, all
read from the argument parser in ``cli/main.py`` (never from ``--help`` text, whose layout
differs between Python versions and terminal widths)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from .common import GENERATED, ROOT, SAMPLE, cell, run_cli, table

CLI_FRAGMENTS = GENERATED / "cli"
KRISTIANSTAD = "guidelines/kristianstad/kristianstad.schablon"

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
    (
        ["visa", "docs/exempel/lagrum-fel.riktlinje", "-o", "webbplats"],
        "`visa` of a guideline with an error: the diagnostics, and no site written",
    ),
    (["evaluate", "--per", "2025-13-01", SAMPLE], "an impossible date for `--per`"),
    (["evaluate", "--format", "xml", SAMPLE], "an unknown option value (argparse)"),
    (["evaluate", "beslut-finns-inte.jsonl"], "a file that does not exist (every command)"),
    (
        ["evaluate", "--encoding", "klingon", SAMPLE],
        "an unknown character encoding (`check`, `evaluate`, `import`)",
    ),
    (
        ["estimate", "--schablon", KRISTIANSTAD, "--hushall", "0", "dusch 1 gg/v"],
        "an impossible value for an option",
    ),
]


def commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """Every command of ``bistandsregler`` as (words, parser); ``import`` has commands of its own."""
    from bistandsregler.cli.main import build_parser

    def subcommands(parser, words):
        found: list[tuple[list[str], argparse.ArgumentParser]] = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = subcommands(sub, [*words, name])
                    found += nested or [([*words, name], sub)]
        return found

    return subcommands(build_parser(), [])


def parser_of(words: list[str]) -> argparse.ArgumentParser:
    return dict((" ".join(w), p) for w, p in commands())[" ".join(words)]


def _arguments(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """(the name a user writes, the action) for every argument but ``--help``."""
    for action in parser._actions:
        if not isinstance(action, argparse._HelpAction):
            yield ", ".join(action.option_strings) or str(action.metavar or action.dest), action


def _subcommand_help(words: list[str]) -> str:
    from bistandsregler.cli.main import build_parser

    parser = build_parser()
    text = ""
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        text = next((c.help for c in action._choices_actions if c.dest == word), "") or ""
        parser = action.choices[word]
    return text


def options_fragment(command: str) -> str:
    """The options of ``bistandsregler COMMAND`` in Swedish, for the authors' guide."""
    rows = []
    for name, action in _arguments(parser_of([command])):
        values = ", ".join(f"`{c}`" for c in action.choices) if action.choices else ""
        if action.option_strings and action.default not in (None, False) and action.choices:
            values += f" (förval `{action.default}`)"
        if not action.option_strings:
            values = "en eller flera" if action.nargs == "+" else ""
        rows.append(f"| `{name}` | {values} | {cell(action.help or '')} |")
    return table("| Argument | Värden | Gör |", rows)


def commands_fragment() -> str:
    rows = [
        f"| [`{' '.join(words)}`](#{'-'.join(words)}) | {cell(_subcommand_help(words))} |"
        for words, _ in commands()
    ]
    return table("| Command | What it does (its `--help`, in Swedish) |", rows)


def cli_options_fragment(words: list[str]) -> str:
    """The options of one command, with English headings, for the developers' CLI page."""
    parser = parser_of(words)
    rows = []
    for name, action in _arguments(parser):
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
        rows.append(f"| `{name}` | {'; '.join(values)} | {cell(action.help or '')} |")
    intro = [f"> {cell(parser.description)}", ""] if parser.description else []
    return table("| Argument | Values | Help (Swedish, as `--help` shows it) |", rows, intro)


def cli_fragment_name(words: list[str]) -> str:
    return f"cli/{'-'.join(words)}.md"


def exit_codes_fragment() -> str:
    rows = []
    for args, why in EXIT_CODE_RUNS:
        code, _, _ = run_cli(args, ROOT)
        rows.append(f"| `bistandsregler {cell(' '.join(args))}` | {code} | {why} |")
    return table("| Command | Exit code | Why |", rows)


def pages() -> dict[Path, str]:
    files = {
        GENERATED / "flaggor-validate.md": options_fragment("validate"),
        GENERATED / "flaggor-fmt.md": options_fragment("fmt"),
        GENERATED / "flaggor-visa.md": options_fragment("visa"),
        CLI_FRAGMENTS / "kommandon.md": commands_fragment(),
        CLI_FRAGMENTS / "avslutningskoder.md": exit_codes_fragment(),
    }
    for words, _ in commands():
        files[GENERATED / cli_fragment_name(words)] = cli_options_fragment(words)
    return files
