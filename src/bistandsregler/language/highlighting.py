"""Syntax highlighting of both languages: Pygments lexers for ``.riktlinje`` and ``.schablon``.

The lexers know no keyword list of their own: they read the words, and which words may follow
which, from the lark grammars (``grammar/*.lark``), so a keyword added to a grammar is
highlighted without a change here. A word counts as a keyword where the grammar can read it as
one; where the grammar expects a name, the same word is a name ("fält uppföljning": a field;
"uppföljning inom 6 månader": a keyword), as lark's contextual lexer reads it. In a condition
(after ``när``) only the condition's own words are keywords: the rest are decision fields.

Registered as the Pygments lexers ``riktlinje`` and ``schablon`` (pyproject's
``pygments.lexers`` entry points), so the docs (pymdownx.highlight), ``visa`` and any tool that
asks Pygments for the language get the same colours. Highlighting never fails on bad input:
what no rule of the language reads is an ``Error`` token, the rest is highlighted as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pygments.lexer import Lexer
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from bistandsregler.language.parsing import parser

NAME = "NAME"


@dataclass(frozen=True)
class Words:
    """What a language's grammar says of its words."""

    keywords: frozenset[str]
    blocks: frozenset[str]  # the words that open a block ("insats", "regel", ...)
    follow: dict[str, frozenset[str]]  # keyword -> what may follow it: keywords, or "NAME"
    condition: frozenset[str]  # the keywords after which a condition follows ("när")
    in_condition: frozenset[str]  # the keywords a condition itself is made of


def _words_of(pattern) -> list[str]:
    """The keyword(s) a terminal matches: "slut", or alternatives such as "fel" | "varning"."""
    if pattern.type == "str":
        return [pattern.value] if pattern.value.isalpha() else []
    if re.fullmatch(r"\(\?:[^\W\d|]+(\|[^\W\d|]+)*\)", pattern.value):
        return pattern.value[3:-1].split("|")
    return []


@cache
def words(kind: str) -> Words:
    """The keywords of ``kind`` ("riktlinje" or "schablon") and what follows each, from its grammar."""
    grammar = parser(kind)
    terminal_words = {t.name: _words_of(t.pattern) for t in grammar.terminals}
    rules: dict[str, list[list]] = {}
    for rule in grammar.rules:
        rules.setdefault(rule.origin.name, []).append(list(rule.expansion))

    # FIRST sets over the rules (terminal names), and which rules can be empty.
    first: dict[str, set[str]] = {name: set() for name in rules}
    empty: set[str] = set()

    def first_of(symbols: list) -> tuple[set[str], bool]:
        found: set[str] = set()
        for symbol in symbols:
            if symbol.is_term:
                found.add(symbol.name)
                return found, False
            found |= first.get(symbol.name, set())
            if symbol.name not in empty:
                return found, False
        return found, True

    changed = True
    while changed:
        changed = False
        for name, expansions in rules.items():
            for expansion in expansions:
                found, nullable = first_of(expansion)
                if not found <= first[name] or (nullable and name not in empty):
                    first[name] |= found
                    if nullable:
                        empty.add(name)
                    changed = True

    def spelled(terminals: set[str]) -> set[str]:
        """Terminal names as a reader sees them: the keywords, and NAME for a name."""
        out: set[str] = set()
        for terminal in terminals:
            out.update(terminal_words.get(terminal, []))
            if terminal == NAME:
                out.add(NAME)
        return out

    follow: dict[str, set[str]] = {}
    blocks: set[str] = set()
    condition: set[str] = set()
    for origin, expansions in rules.items():
        for expansion in expansions:
            for index, symbol in enumerate(expansion):
                if not symbol.is_term or not terminal_words.get(symbol.name):
                    continue
                rest = expansion[index + 1:]
                after, _ = first_of(rest)
                for word in terminal_words[symbol.name]:
                    follow.setdefault(word, set()).update(spelled(after))
                    if index == 0 and origin.endswith("_block"):
                        blocks.add(word)
                    if rest and not rest[0].is_term and rest[0].name == "cond":
                        condition.add(word)

    # The words a condition is made of: every keyword in the rules reachable from "cond".
    in_condition: set[str] = set()
    seen: set[str] = set()
    todo = ["cond"] if "cond" in rules else []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for expansion in rules.get(name, []):
            for symbol in expansion:
                if symbol.is_term:
                    in_condition.update(terminal_words.get(symbol.name, []))
                else:
                    todo.append(symbol.name)
    keywords = frozenset(w for ws in terminal_words.values() for w in ws)
    return Words(keywords, frozenset(blocks), {k: frozenset(v) for k, v in follow.items()},
                 frozenset(condition), frozenset(in_condition))


# The tokens of both languages (grammar/gemensam.lark), longest first where they overlap.
_TOKEN = re.compile(
    r'(?P<textblock>"""(?:.|\n)*?""")'
    r'|(?P<string>"(?:\\.|[^"\\\n])*")'
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<newline>\r?\n)"
    r"|(?P<space>[ \t\f\v]+)"
    r"|(?P<date>\d{4}-\d{2}-\d{2})"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
    r"|(?P<code>[a-zåäö_][a-zåäö_0-9]*(?:\.[a-zåäö_][a-zåäö_0-9]*)+)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<operator><=|>=|!=|[≤≥≠<>=+\-*/%–])"
    r"|(?P<punctuation>[(),])"
)


class _GuidelineLexer(Lexer):
    """The lexer of one language; ``kind`` names its grammar."""

    kind = "riktlinje"

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        grammar = words(self.kind)
        position = 0
        line_start = True  # no word yet on this line
        previous: str | None = None  # the keyword just before, or None
        in_condition = False  # after "när", to the end of the line
        block_name = False  # the word after a block's keyword is the block's name
        listing = 0  # 1 after a name the grammar asked for, 2 after a comma behind one ("beslutar a, b")
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                yield position, Error, text[position]
                position += 1
                continue
            kind, value = match.lastgroup, match.group()
            token: _TokenType
            if kind == "word":
                token, keyword = self._word(grammar, value, line_start, previous, in_condition,
                                            block_name or listing == 2)
                wanted = previous is not None and NAME in grammar.follow.get(previous, frozenset())
                listing = 1 if keyword is None and (listing == 2 or wanted) else 0
                block_name = token is Keyword.Declaration and value in grammar.blocks
                in_condition = in_condition or keyword in grammar.condition
                previous, line_start = keyword, False
            elif kind in ("newline", "space", "comment"):
                token = Comment.Single if kind == "comment" else Whitespace
                if kind != "space":
                    line_start, previous, in_condition, block_name, listing = True, None, False, False, 0
            else:
                token = {"textblock": String.Doc, "string": String.Double, "date": Literal.Date,
                         "number": Number, "code": Name.Label, "operator": Operator,
                         "punctuation": Punctuation}[kind or ""]
                listing = 2 if value == "," and listing == 1 else 0
                previous, block_name, line_start = None, False, False
            yield position, token, value
            position = match.end()

    @staticmethod
    def _word(grammar: Words, word: str, line_start: bool, previous: str | None, in_condition: bool,
              named: bool) -> tuple[_TokenType, str | None]:
        """How a word reads where it stands, and the keyword it is (None for a name). ``named``:
        the word names the block just opened, or continues a list of names."""
        if named:
            return (Name.Variable if in_condition else Name.Class if previous in grammar.blocks else Name), None
        if word not in grammar.keywords:
            return (Name.Variable if in_condition else Name), None
        if in_condition and word not in grammar.in_condition:
            return Name.Variable, None
        if previous is not None:
            follows = grammar.follow.get(previous, frozenset())
            if word not in follows and NAME in follows:
                return Name, None  # "fält uppföljning", "från verkställighet": the grammar wants a name here
        if line_start and (word in grammar.blocks or word == "slut"):
            return Keyword.Declaration, word
        return Keyword, word


class RiktlinjeLexer(_GuidelineLexer):
    """Guidelines and the national law layer (``.riktlinje``)."""

    name = "Riktlinje"
    aliases = ["riktlinje"]
    filenames = ["*.riktlinje"]
    kind = "riktlinje"


class SchablonLexer(_GuidelineLexer):
    """Standard-time tables (``.schablon``)."""

    name = "Schablon"
    aliases = ["schablon"]
    filenames = ["*.schablon"]
    kind = "schablon"


LEXERS = {"riktlinje": RiktlinjeLexer, "schablon": SchablonLexer}
