"""The Pygments lexers of both languages, checked against the grammars and the parser itself.

- Every shipped file and every example in the docs lexes without an Error token.
- Every keyword of a grammar, standing where a keyword stands, is a Keyword token; the
  keyword list is read here from the grammar files' text, apart from the lexer's own reading.
- Where lark reads a word as a keyword the lexer says Keyword, and where lark reads a name
  (NAME, CODE) the lexer says Name: compared token by token on every file that parses.
- Pygments finds the lexers by name through the entry points, as mkdocs does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import GRAMMAR, REPO, kind_of, parse, shipped_files
from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Keyword, Name

from bistandsregler.language.highlighting import LEXERS, RiktlinjeLexer, SchablonLexer
from bistandsregler.language.parsing import KINDS
from bistandsregler.language.resources import grammar_dir

DOCS_EXAMPLES = sorted(p for p in (REPO / "docs" / "exempel").iterdir() if p.suffix in KINDS)
ALL_FILES = shipped_files() + DOCS_EXAMPLES + sorted(p for p in (REPO / "tests" / "data").iterdir() if p.suffix in KINDS)


def _id(path: Path) -> str:
    return str(path.relative_to(REPO))


def _tokens(text: str, kind: str) -> list[tuple[int, object, str]]:
    return list(LEXERS[kind]().get_tokens_unprocessed(text))


def _rules(text: str) -> dict[str, str]:
    """A grammar file's rules and terminals (name -> body), comments and regexes removed."""
    rules: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        line = re.sub(r"/(?:\\.|[^/\\\n])+/", "", line.split("//")[0])
        start = re.match(r"[?!]?([\w.]+)(?:\.\d+)?\s*:(.*)", line)
        if start:
            name = start.group(1)
            rules[name] = start.group(2)
        elif name and line[:1] in (" ", "\t") and line.strip():
            rules[name] += " " + line
        elif not line.strip() or line.startswith("%"):
            name = None
    return rules


def _grammar_words(kind: str) -> set[str]:
    """The keywords as the grammar files spell them: the quoted words of the language's own rules
    and of the shared rules it imports (and those they use), outside comments and regexes."""
    own = (GRAMMAR / f"{kind}.lark").read_text(encoding="utf-8")
    shared = _rules((GRAMMAR / "gemensam.lark").read_text(encoding="utf-8"))
    bodies = list(_rules(own).values())
    todo = [w for group in re.findall(r"%import \.gemensam \(([^)]*)\)", own) for w in re.split(r"[,\s]+", group) if w]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in shared:
            continue
        seen.add(name)
        bodies.append(shared[name])
        todo.extend(re.findall(r"\b[a-z_]+\b", re.sub(r'"[^"]*"', "", shared[name])))
    return {word for body in bodies for word in re.findall(r'"([^\W\d]+)"', body)}


def test_there_is_something_to_lex():
    assert len(shipped_files()) >= 10 and len(DOCS_EXAMPLES) >= 40


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_every_file_lexes_without_an_error_token(path: Path):
    text = path.read_text(encoding="utf-8")
    kind = kind_of(path)
    bad = [(text.count("\n", 0, index) + 1, value) for index, token, value in _tokens(text, kind) if token is Error]
    if path.name.endswith("-fel.riktlinje") or path.name.endswith("-fel.schablon"):
        return  # broken on purpose; what they break is the parser's business, lexing them must not fail
    assert not bad, bad[:5]
    assert "".join(value for _, _, value in _tokens(text, kind)) == text  # nothing lost, nothing added


@pytest.mark.parametrize("kind", ["riktlinje", "schablon"])
def test_every_keyword_of_the_grammar_is_a_keyword_token(kind: str):
    words = _grammar_words(kind)
    assert {"slut", "insats" if kind == "riktlinje" else "aktivitet", "källa"} <= words
    for word in sorted(words):
        tokens = [(t, v) for _, t, v in _tokens(f"  {word}\n", kind) if v.strip()]
        assert tokens == [(tokens[0][0], word)] and tokens[0][0] in Keyword, (word, tokens)


def _oracle(kind: str) -> Lark:
    """The language's grammar with every token kept, so the parse tree names what each token is."""
    return Lark.open(str(grammar_dir() / f"{kind}.lark"), parser="lalr", keep_all_tokens=True,
                     import_paths=[str(grammar_dir())], propagate_positions=True)


_PARSERS: dict[str, Lark] = {}


@pytest.mark.parametrize("path", [p for p in ALL_FILES if "-fel." not in p.name], ids=_id)
def test_the_lexer_reads_words_as_the_parser_does(path: Path):
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    kind = kind_of(path)
    document, diagnostics = parse(text, kind, str(path))
    if document is None:
        pytest.skip("does not parse")
    parser = _PARSERS.setdefault(kind, _oracle(kind))
    try:
        tree = parser.parse(text)
    except UnexpectedInput:
        assert diagnostics, "lark refuses a file the project's parser reads without a word"
        pytest.skip("parses only with the project's repairs (OCR-damaged keywords)")
    lexed = {index: (token, value) for index, token, value in _tokens(text, kind)}
    keywords = {t.name for t in parser.terminals if t.pattern.type == "str" and t.pattern.value.isalpha()} | {
        t.name for t in parser.terminals if t.pattern.type == "re" and re.fullmatch(r"\(\?:[^\W\d|]+(\|[^\W\d|]+)*\)", t.pattern.value)}
    checked = 0
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        if token.type in ("NAME", "CODE") or token.type in keywords:
            got = lexed.get(token.start_pos)
            want = Name if token.type in ("NAME", "CODE") else Keyword
            assert got is not None and got[1] == str(token) and got[0] in want, (
                f"{path.name}:{token.line}:{token.column}: {token!s} is {token.type} to the parser, {got} to the lexer")
            checked += 1
    assert checked > 0


def test_pygments_finds_the_lexers_by_name_and_file_name():
    assert type(get_lexer_by_name("riktlinje")) is RiktlinjeLexer
    assert type(get_lexer_by_name("schablon")) is SchablonLexer
    assert type(get_lexer_for_filename("botkyrka-2025.riktlinje")) is RiktlinjeLexer
    assert type(get_lexer_for_filename("solna.schablon")) is SchablonLexer


def test_a_name_the_grammar_asks_for_is_a_name_even_when_it_spells_a_keyword():
    text = 'regel r\n  fält uppföljning\n  när insats = hemtjänst och uppföljning saknas\nslut\n'
    tokens = [(t, v) for _, t, v in _tokens(text, "riktlinje") if v.strip()]
    assert tokens[0][0] in Keyword.Declaration and tokens[1] == (Name.Class, "r")
    assert tokens[2][0] in Keyword and tokens[3] == (Name, "uppföljning")
    condition = dict((v, t) for t, v in tokens[4:-1])
    assert condition["insats"] in Name.Variable and condition["uppföljning"] in Name.Variable
    assert condition["och"] in Keyword and condition["saknas"] in Keyword
    # and the same word at the start of a statement is the keyword
    assert [t for _, t, v in _tokens("  uppföljning inom 6 månader\n", "riktlinje") if v == "uppföljning"][0] in Keyword


@pytest.mark.slow
def test_diagnostics_on_a_terminal_show_the_source_line_highlighted():
    from test_cli_conventions import ESCAPE, on_terminal

    code, shown = on_terminal("validate", "docs/exempel/lagrum-fel.riktlinje")
    assert code == 1
    quoted = next(line for line in shown.splitlines() if "lagrum" in line and '"' in line and "fel[" not in line)
    assert "\x1b[1;35mlagrum" in quoted and "\x1b[32m\"" in quoted, repr(quoted)  # keyword, string
    code, plain = on_terminal("validate", "docs/exempel/lagrum-fel.riktlinje", NO_COLOR="1")
    assert code == 1 and ESCAPE not in plain
