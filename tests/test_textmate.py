"""The editor extension's TextMate grammars, on every shipped file.

The grammars (``editors/vscode/syntaxes/*.tmLanguage.json``) are generated from the lark
grammars by ``tools/textmate.py``. Here a small tokenizer with TextMate's rules for the patterns
they use (``match`` and ``begin``/``end``; per line; at each place the leftmost match wins, ties
go to the earlier pattern; ``^`` only at the start of a line) colours each shipped file, and the
colours are compared with how lark's own lexer reads the file: every keyword the parser lexes is
scoped as a keyword, every string as a string, every number and date as one; nothing that is not
white space is left unscoped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bistandsregler.language.expected import terminal_words
from bistandsregler.language.parsing import KINDS, parse_text, parser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import textmate  # noqa: E402  (the generator, a tool beside the code)

SHIPPED = sorted(p for p in (ROOT / "guidelines").rglob("*") if p.suffix in KINDS)


def _as_written(path: Path) -> bool:
    """Parses without the parser's repair of OCR-damaged keywords, which a colouring does not do."""
    document, diagnostics = parse_text(path.read_text(encoding="utf-8"), str(path), KINDS[path.suffix])
    return document is not None and not any(d.code == "syntax.ocr_tolkat" for d in diagnostics)


# The examples that parse as written (not the broken ones, nor the OCR-damaged ones).
EXAMPLES = sorted(p for p in (ROOT / "docs" / "exempel").iterdir()
                  if p.suffix in KINDS and "-fel" not in p.name and _as_written(p))


@dataclass(frozen=True)
class Scoped:
    line: int  # 0-based
    start: int
    end: int
    scope: str


def load(kind: str) -> dict:
    return json.loads((textmate.SYNTAXES / f"{kind}.tmLanguage.json").read_text(encoding="utf-8"))


def tokenize(text: str, grammar: dict) -> list[Scoped]:
    patterns = [(p, re.compile(p.get("match") or p["begin"])) for p in grammar["patterns"]]
    found: list[Scoped] = []
    inside: dict | None = None  # the begin/end rule a line starts in
    for number, line in enumerate(text.split("\n")):
        position = 0
        while position <= len(line):
            if inside is not None:
                end = re.compile(inside["end"]).search(line, position)
                stop = end.end() if end else len(line)
                if stop > position:
                    found.append(Scoped(number, position, stop, inside["name"]))
                position = stop
                if end is None:
                    break
                inside = None
                continue
            best = None
            for index, (pattern, regex) in enumerate(patterns):
                match = regex.search(line, position)
                if match and match.end() > match.start() and (best is None or match.start() < best[0].start()):
                    best = (match, pattern, index)
            if best is None:
                break
            match, pattern, _ = best
            found.append(Scoped(number, match.start(), match.end(), pattern["name"]))
            position = match.end()
            if "begin" in pattern:
                inside = pattern
    return found


def scope_at(tokens: list[Scoped], line: int, column: int) -> Scoped | None:
    for token in tokens:
        if token.line == line and token.start <= column < token.end:
            return token
    return None


@pytest.mark.parametrize("kind", sorted(KINDS.values()))
def test_the_grammars_are_generated_from_the_lark_grammars(kind: str) -> None:
    path = textmate.SYNTAXES / f"{kind}.tmLanguage.json"
    assert path.read_text(encoding="utf-8") == textmate.render(kind), "run python tools/textmate.py"


def test_the_language_configuration_folds_every_block_on_slut() -> None:
    assert textmate.CONFIGURATION.read_text(encoding="utf-8") == textmate.configuration(), "run python tools/textmate.py"
    config = json.loads(textmate.configuration())
    start, end = (re.compile(config["folding"]["markers"][k]) for k in ("start", "end"))
    for kind in sorted(KINDS.values()):
        for word in textmate.keywords(kind)[0]:
            assert start.match(f"{word} x") and not start.match(f"  {word} x") and not start.match(f"{word}x")
    assert end.match("slut") and end.match("  slut  # kommentar") and not end.match("sluta")
    assert config["comments"] == {"lineComment": "#"}


@pytest.mark.parametrize("kind", sorted(KINDS.values()))
def test_every_keyword_of_the_language_is_scoped(kind: str) -> None:
    grammar = load(kind)
    words = {w for terminal in parser(kind).terminals for w in terminal_words(terminal)}
    assert len(words) > 25
    for word in sorted(words):
        for line in (f"  {word}", f"  x {word} y", word):
            tokens = tokenize(line, grammar)
            at = line.index(word, 1 if line.startswith("  x") else 0)
            token = scope_at(tokens, 0, at)
            assert token is not None and token.scope.startswith("keyword"), (word, line, tokens)
            assert (token.start, token.end) in ((at, at + len(word)), (0, at + len(word))), (word, token)


def lark_tokens(text: str, kind: str):
    """The tokens lark's contextual lexer gives the parser, for a file that parses."""
    interactive = parser(kind).parse_interactive(text if text.endswith("\n") else text + "\n")
    return list(interactive.iter_parse())


EXPECTED_SCOPES = {"STRING": "string.quoted.double", "TEXTBLOCK": "string.quoted.triple", "DATE": "constant.numeric.date",
                   "NUMBER": "constant.numeric", "COMP": "keyword.operator", "CODE": "constant.other.code"}


@pytest.mark.parametrize("path", SHIPPED + EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_shipped_file_is_coloured_as_the_parser_reads_it(path: Path) -> None:
    kind = KINDS[path.suffix]
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    tokens = tokenize(text, load(kind))
    lines = text.split("\n")
    covered = {(t.line, c) for t in tokens for c in range(t.start, t.end)}
    for number, line in enumerate(lines):
        for column, char in enumerate(line):
            if not char.isspace():
                assert (number, column) in covered, f"{path}:{number + 1}:{column + 1} unscoped: {line!r}"
    terminals = {t.name: t for t in parser(kind).terminals}
    checked = 0
    for token in lark_tokens(text, kind):
        if token.type == "_NL":
            continue
        assert token.line is not None and token.column is not None
        line, column = token.line - 1, token.column - 1
        scoped = scope_at(tokens, line, column)
        where = f"{path}:{token.line}:{token.column} {token.type} {str(token)[:30]!r}"
        assert scoped is not None, where
        if terminal_words(terminals[token.type]):
            assert scoped.scope.startswith("keyword") and scoped.end == column + len(token), (where, scoped)
        elif token.type in EXPECTED_SCOPES:
            assert scoped.scope == EXPECTED_SCOPES[token.type], (where, scoped)
            if token.type != "TEXTBLOCK":
                assert (scoped.start, scoped.end) == (column, column + len(token)), (where, scoped)
        elif token.type == "NAME":
            assert scoped.scope in ("variable.other", "keyword.other"), (where, scoped)
        checked += 1
    assert checked > 0


def characters(tokens) -> dict[tuple[int, int], str]:
    """Each character's innermost scope: how two tokenizers that split tokens differently compare."""
    return {(line, column): scope for line, start, end, scope in tokens for column in range(start, end)}


@pytest.fixture(scope="module")
def vscode_textmate(tmp_path_factory) -> Path:
    """VS Code's own TextMate engine (npm: vscode-textmate, vscode-oniguruma), installed for the test."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run VS Code's TextMate engine")
    folder = tmp_path_factory.mktemp("textmate")
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(folder),
                           "vscode-textmate@9", "vscode-oniguruma@2"], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"npm could not install vscode-textmate (no registry?): {done.stderr.strip()[:200]}")
    return folder / "node_modules"


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(KINDS.values()))
def test_vscode_textmate_colours_every_shipped_file_as_the_tokenizer_here(kind: str, vscode_textmate: Path) -> None:
    files = [p for p in SHIPPED + EXAMPLES if KINDS[p.suffix] == kind]
    done = subprocess.run(["node", str(ROOT / "tests" / "data" / "textmate" / "tokenize.js"), str(textmate.SYNTAXES),
                           f"source.{kind}", *map(str, files)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NODE_PATH": str(vscode_textmate)})
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    grammar = load(kind)
    for path in files:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        ours = characters((t.line, t.start, t.end, t.scope) for t in tokenize(text, grammar))
        assert characters(theirs[str(path)]) == ours, path
