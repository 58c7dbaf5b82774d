"""From text to rule objects: the lark parsers, friendly syntax errors, and the tree builder.

Parsing never raises on bad input: it returns the document it could build (or ``None``)
with a list of diagnostics that carry file, line and column. Guideline text is data; nothing
in it is ever executed.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import gc
import re
import textwrap
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from functools import cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from bistandsregler.language import model as m
from bistandsregler.language.caching import lark_cache
from bistandsregler.language.diagnostics import Diagnostic, Severity, did_you_mean
from bistandsregler.language.expected import Vocabulary, describe, one_of
from bistandsregler.language.files import KINDS
from bistandsregler.language.lagrum import SFS_PATTERN, LagrumError, LawRef, parse_lagrum
from bistandsregler.language.messages import EMPTY, Text
from bistandsregler.language.resources import grammar_dir
from bistandsregler.language.units import (
    FrequencyError,
    parse_money,
    parse_money_unit,
    parse_quantity,
)

MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 60  # condition nesting; deeper input is refused with a message, not a crash

__all__ = ["KINDS", "MAX_DEPTH", "MAX_FILE_BYTES", "parse_text", "parser"]


@cache
def parser(kind: str) -> Lark:
    return Lark.open(
        str(grammar_dir() / f"{kind}.lark"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        import_paths=[str(grammar_dir())],
        **lark_cache(kind),
    )


# ---- describing what the parser expected, in plain Swedish -----------------------------------

_TERMINAL_WORDS = {  # in the order they are named
    "$END": Text("filens slut", "end of file"),
    "CODE": Text("en kod som 'omfattning.gransvarde'", "a code such as 'omfattning.gransvarde'"),
    "COMP": Text("en jämförelse (=, <, >, <=, >=, !=)", "a comparison (=, <, >, <=, >=, !=)"),
    "DATE": Text("ett datum (ÅÅÅÅ-MM-DD)", "a date (YYYY-MM-DD)"),
    "NAME": Text("ett namn", "a name"),
    "NUMBER": Text("ett tal", "a number"),
    "STRING": Text("en text inom citattecken", "a text in double quotes"),
    "TEXTBLOCK": Text('en text inom """', 'a text in """'),
    "_NL": Text("radslut", "end of line"),
}


def _describe(kind: str, name: str) -> Text:
    """A terminal the table does not name: its keyword, as the grammar spells it."""
    terminal = _terminal(kind, name)
    if terminal is None:
        return Text.same(name)
    pattern = terminal.pattern
    if pattern.type == "str":
        return Text.same(f"'{pattern.value}'")
    words = re.findall(r"[^\W\d]+", pattern.value)  # alternatives such as "fel" | "varning"
    return Text(" eller ".join(f"'{w}'" for w in words) if words else name, name)


@cache
def _terminals(kind: str) -> dict:
    return {t.name: t for t in parser(kind).terminals}


def _terminal(kind: str, name: str):
    return _terminals(kind).get(name)


def _keyword(kind: str, name: str) -> str | None:
    terminal = _terminal(kind, name)
    if terminal is not None and terminal.pattern.type == "str" and terminal.pattern.value.isalpha():
        return terminal.pattern.value
    return None


@cache
def _all_keywords(kind: str) -> list[str]:
    """Every keyword of the language, including alternatives such as "fel" | "varning"."""
    words = set()
    for terminal in _terminals(kind).values():
        value = terminal.pattern.value
        if terminal.pattern.type == "str" and value.isalpha():
            words.add(value)
        elif terminal.pattern.type == "re" and re.fullmatch(r"\(\?:[^\W\d|]+(\|[^\W\d|]+)*\)", value):
            words.update(value[3:-1].split("|"))
    return sorted(words)


@cache
def _vocabulary(kind: str) -> Vocabulary:
    return Vocabulary(_TERMINAL_WORDS, other=lambda name: _describe(kind, name), limit=8)


def _expected_text(kind: str, expected: set[str]) -> Text:
    return one_of(describe(expected, _vocabulary(kind)))


# OCR copies of PDFs turn ä into i or d, ö into 6 or é, å into a (see the seeds).
_OCR_CLASSES = {"ä": "[äida]", "ö": "[ö6éo]", "å": "[åa]"}


@cache
def _ocr_pattern(keyword: str) -> re.Pattern:
    return re.compile("".join(_OCR_CLASSES.get(c, re.escape(c)) for c in keyword) + r"\Z")


def _ocr_keyword(kind: str, found: str, expected: set[str]) -> tuple[str, str] | None:
    """The one expected keyword that ``found`` is an OCR-damaged copy of, if exactly one."""
    hits = []
    for name in expected:
        word = _keyword(kind, name)
        if word and word != found and any(c in word for c in _OCR_CLASSES):
            if _ocr_pattern(word).match(found):
                hits.append((name, word))
    return hits[0] if len(hits) == 1 else None


# ---- parse ------------------------------------------------------------------------------------


def parse_text(text: str, path: str, kind: str) -> tuple[m.Document | None, list[Diagnostic]]:
    """Parse one file's text. Returns the document (``None`` on a syntax error) and diagnostics."""
    diagnostics: list[Diagnostic] = []
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        diagnostics.append(
            Diagnostic("fil.for_stor", Severity.ERROR, path, 1, 1, {"size": size, "limit": MAX_FILE_BYTES})
        )
        return None, diagnostics
    # Lines end at "\n" (after CRLF is read as LF), as lark counts them: splitlines() would also
    # break at a form feed or U+2028 and show the wrong line under a message.
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")

    def line_of(n: int) -> str | None:
        return lines[n - 1] if 0 < n <= len(lines) else None
    if not text.endswith("\n"):
        text += "\n"

    def on_error(error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken) and error.token.type == "NAME":
            hit = _ocr_keyword(kind, str(error.token), set(error.expected))
            if hit is not None:
                name, word = hit
                diagnostics.append(
                    Diagnostic(
                        "syntax.ocr_tolkat", Severity.INFO, path, error.token.line, error.token.column,
                        {"found": str(error.token), "keyword": word}, line_of(error.token.line), len(error.token),
                    )
                )
                error.interactive_parser.feed_token(Token.new_borrow_pos(name, word, error.token))
                return True
        return False

    try:
        with _collector_paused():
            tree = parser(kind).parse(text, on_error=on_error)
    except UnexpectedInput as error:
        diagnostics.extend(_recover(error, kind, path, lines, on_error, line_of))
        return None, diagnostics

    depth_problem = _too_deep(tree)
    if depth_problem is not None:
        line, column = depth_problem
        diagnostics.append(
            Diagnostic("syntax.for_djup", Severity.ERROR, path, line, column, {"limit": MAX_DEPTH}, line_of(line))
        )
        return None, diagnostics

    builder = _Builder(path, kind, line_of)
    document = builder.document(tree)
    diagnostics.extend(builder.diagnostics)
    return document, diagnostics


MAX_SYNTAX_ERRORS = 100  # then one more diagnostic says where reading stopped


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a file is parsed: lark and the tree builder make
    many small objects and no cycles to free, and the collector's passes over a growing heap
    can make the time to parse grow faster than the file (benchmarks/parsing.py measures it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _block_starts(lines: list[str], kind: str) -> list[int]:
    """The lines (1-based) where a top-level block begins, outside triple-quoted prose.

    Indentation is free, but a block's word indented deeper than the file's blocks ("  lag x"
    among statements) is a damaged statement, not a new block: only openers at the margin (the
    least indented of them) count.
    """
    opener = _BLOCK_OPENERS[kind]
    found, in_prose = [], False
    for number, line in enumerate(lines, start=1):
        if not in_prose and opener.match(line):
            found.append((number, len(line) - len(line.lstrip(" \t"))))
        code = line if in_prose else line.split("#", 1)[0]
        if code.count('"""') % 2:
            in_prose = not in_prose
    margin = min((indent for _, indent in found), default=0)
    return [number for number, indent in found if indent == margin]


def _recover(first: UnexpectedInput, kind: str, path: str, lines: list[str], on_error,
             line_of) -> list[Diagnostic]:
    """Every syntax error of a file, not just the first: after an error, reading goes on at the
    next line that begins a top-level block, so that one mistake is one diagnostic (the rest
    of its block is skipped, not reported again). Each resumed parse runs to the next error
    or the end: at most MAX_SYNTAX_ERRORS parses of the file."""
    ending = "" if lines and lines[-1] == "" else "\n"
    starts = _block_starts(lines, kind)
    found: list[Diagnostic] = []
    error, text, start = first, "\n".join(lines) + ending, 1
    while True:
        diagnostic = _syntax_diagnostic(error, kind, path, text, line_of, starts)
        found.append(diagnostic)
        at = _error_line(error, len(lines))
        # A block's first word where "slut" was due (syntax.slut_fore) begins the next block.
        index = bisect.bisect_left(starts, at) if diagnostic.code == "syntax.slut_fore" else bisect.bisect_right(starts, at)
        while index < len(starts) and starts[index] <= start:
            index += 1  # always forward
        if index == len(starts):
            return found
        start = starts[index]
        if len(found) >= MAX_SYNTAX_ERRORS:
            here = line_of(start) or ""
            found.append(Diagnostic("syntax.fler_fel", Severity.INFO, path, start, len(here) - len(here.lstrip()) + 1,
                                    {"count": MAX_SYNTAX_ERRORS}, here, max(1, len((here.split() or [""])[0]))))
            return found
        # Blank lines before the block keep lark's line numbers those of the file.
        text = "\n" * (start - 1) + "\n".join(lines[start - 1 :]) + ending
        try:
            with _collector_paused():
                parser(kind).parse(text, on_error=on_error)
        except UnexpectedInput as later:
            error = later
        else:
            return found


def _error_line(error: UnexpectedInput, last: int) -> int:
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        return last
    return error.line if isinstance(error.line, int) and error.line > 0 else last


def _syntax_diagnostic(error: UnexpectedInput, kind: str, path: str, text: str, line_of,
                       starts: list[int] | None = None) -> Diagnostic:
    """One syntax error as a diagnostic; ``starts``: the lines where top-level blocks begin."""
    if isinstance(error, UnexpectedCharacters):
        at = error.pos_in_stream if error.pos_in_stream is not None else len(text)
        char = text[at] if at < len(text) else ""
        args = {
            "char": repr(char),
            "expected": _expected_text(kind, set(error.allowed or ())),
        }
        return Diagnostic("syntax.tecken", Severity.ERROR, path, error.line, error.column, args, line_of(error.line))
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        block, line = _open_block(text, kind)
        return Diagnostic(
            "syntax.slut_saknas", Severity.ERROR, path, line, 1, {"block": block}, line_of(line)
        )
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = set(error.expected)
    found = str(token)
    if starts and token.line in starts and "slut" in {_keyword(kind, n) for n in expected}:
        # A block's first word where its "slut" was due: name "slut", not every statement.
        source = line_of(token.line) or ""
        if not source[: token.column - 1].strip():
            opened = max((s for s in starts if s < token.line), default=None)
            if opened is not None:
                return _missing_slut(kind, path, line_of, opened, token.line)
    keywords = [w for w in (_keyword(kind, n) for n in expected) if w]
    suggest = token.type == "NAME"
    if token.type == "_NL":
        found_text, line, column, width = _TERMINAL_WORDS["_NL"], token.line, token.column, 1
    else:
        # A keyword run on into more letters ("slutt", "kommunn") lexes as the keyword and then
        # a name: speak of the whole word, and suggest among all keywords.
        start = token.start_pos
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        if start < token.start_pos and re.fullmatch(r"\w+", found):
            back = token.start_pos - start
            found, suggest = text[start : token.end_pos], True
            keywords = _all_keywords(kind)
        else:
            back = 0
        found_text = Text.same(f"'{found}'")
        line, column, width = token.line, token.column - back, len(found)
    hint = did_you_mean(found, keywords) if suggest else EMPTY
    args = {"found": found_text, "expected": _expected_text(kind, expected) + hint}
    return Diagnostic("syntax.ovantat", Severity.ERROR, path, line, column, args, line_of(line), width)


_OPENERS = {
    "riktlinje": "riktlinje|lag|insats|aktivitet|värde|nivåer|regel|förval|delegation|ordlista|avgift",
    "schablon": "schablon|aktivitet",
}
_BLOCK_OPENERS = {kind: re.compile(rf"^[ \t]*({words})(?![\w])") for kind, words in _OPENERS.items()}


def _open_block(text: str, kind: str) -> tuple[str, int]:
    """The block still open at the end of ``text``, for the 'slut saknas' message."""
    open_blocks: list[tuple[str, int]] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        opener = _BLOCK_OPENERS[kind].match(line)
        if opener and not open_blocks:
            open_blocks.append((opener.group(1), number))
        elif line.split("#", 1)[0].strip() == "slut" and open_blocks:
            open_blocks.pop()
    return open_blocks[-1] if open_blocks else ("?", max(1, len(lines) - 1))


def _missing_slut(kind: str, path: str, line_of, opened: int, before: int) -> Diagnostic:
    """The block opened on line ``opened`` has no "slut" before the block on line ``before``."""
    header = (line_of(opened) or "").split("#", 1)[0].strip()
    words = header.split()
    block = " ".join(words[:2]) if len(words) > 1 and words[0] != "förval" else (words[0] if words else "?")
    here = line_of(before) or ""
    word = here.split()[0] if here.split() else ""
    return Diagnostic("syntax.slut_fore", Severity.ERROR, path, before, len(here) - len(here.lstrip(" \t")) + 1,
                      {"block": block, "opened": opened}, here, max(1, len(word)))


def _too_deep(tree: Tree) -> tuple[int, int] | None:
    """Where the tree nests deeper than MAX_DEPTH, found without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node.meta.line, node.meta.column
        for child in node.children:
            if isinstance(child, Tree):
                # "a och b och c ..." is a chain, not nesting: the builder flattens it.
                chain = _rule(child) == _rule(node) and _rule(node) in ("och", "eller")
                stack.append((child, depth if chain else depth + 1))
    return None


# ---- building rule objects from the tree ------------------------------------------------------


def _rule(tree: Tree) -> str:
    """A rule's name without the namespace lark gives rules imported from gemensam.lark."""
    return tree.data.rsplit("__", 1)[-1]


def _unquote(token: Token) -> str:
    value = str(token)
    if value.startswith('"""'):
        # Trailing blanks on a line of prose mean nothing (and fmt removes them).
        return textwrap.dedent("\n".join(line.rstrip() for line in value[3:-3].split("\n"))).strip()
    return re.sub(r"\\(.)", r"\1", value[1:-1])


def _number(token: Token) -> Fraction:
    return Fraction(str(token).replace(",", "."))


def _leaf(tree: Tree, index: int = 0) -> Token:
    """The token the grammar puts at ``index`` among ``tree``'s children."""
    child = tree.children[index]
    assert isinstance(child, Token), child  # the grammar's shape, not the input's
    return child


def _line_col(token: Token) -> tuple[int, int]:
    # Lexed tokens always carry their position; lark types it Optional for hand-made ones.
    assert token.line is not None and token.column is not None
    return token.line, token.column


_UNITS: dict[str, m.SpanUnit] = {"dag": "dag", "dagar": "dag", "dygn": "dag", "vecka": "vecka", "veckor": "vecka", "månad": "månad", "månader": "månad", "år": "år"}
_COMPARISONS: dict[str, m.CompareOp] = {
    "≤": "<=", "≥": ">=", "≠": "!=", "<=": "<=", ">=": ">=", "!=": "!=", "<": "<", ">": ">", "=": "=",
}


class _Builder:
    def __init__(self, path: str, kind: str, line_of):
        self.path = path
        self.kind = kind
        self.line_of = line_of
        self.diagnostics: list[Diagnostic] = []

    # -- helpers --
    def pos(self, item: Tree | Token) -> m.Pos:
        if isinstance(item, Token):
            line, column = _line_col(item)
            return m.Pos(file=self.path, line=line, column=column)
        return m.Pos(file=self.path, line=item.meta.line, column=item.meta.column)

    def invalid(self, token: Token, what: Text, reason: Text, offset: int = 0) -> None:
        line, column = _line_col(token)
        self.diagnostics.append(
            Diagnostic(
                "varde.ogiltigt", Severity.ERROR, self.path, line, column + offset,
                {"what": what, "reason": reason}, self.line_of(line),
                max(1, len(str(token)) - offset) if offset == 0 else 1,
            )
        )

    def date(self, token: Token) -> date | None:
        try:
            return date.fromisoformat(str(token))
        except ValueError:
            self.invalid(token, Text("ogiltigt datum", "invalid date"),
                         Text(f"'{token}' finns inte i kalendern", f"'{token}' is not in the calendar"))
            return None

    def amount(self, token: Token) -> m.Amount | None:
        written = _unquote(token)
        try:
            return m.Amount(written=written, quantity=parse_quantity(written))
        except FrequencyError as error:
            self.invalid(token, Text("ogiltig frekvens eller tid", "invalid frequency or amount"), error.message,
                         error.column)
            return None

    def lawref(self, token: Token) -> LawRef | None:
        written = _unquote(token)
        try:
            return parse_lagrum(written)
        except LagrumError as error:
            self.invalid(token, Text("ogiltigt lagrum", "invalid law reference"), error.message, error.column)
            return None

    def citation(self, token: Token, validity: m.Validity = m.ALWAYS) -> m.Citation | None:
        ref = self.lawref(token)
        if ref is None:
            return None
        return m.Citation(written=_unquote(token), ref=ref, validity=validity, pos=self.pos(token))

    def validity(self, tree: Tree) -> m.Validity:
        kind = _rule(tree)
        start = until = None
        if kind == "validity_from":
            start = self.date(_leaf(tree))
            if len(tree.children) > 1:
                until = self.until(tree.children[1])
        else:
            until = self.until(tree.children[0])
        if start and until and until < start:
            line, column = _line_col(_leaf(tree))
            self.diagnostics.append(
                Diagnostic("period.omvand", Severity.ERROR, self.path, line, column,
                           {"start": start.isoformat(), "until": until.isoformat()}, self.line_of(line))
            )
        return m.Validity(valid_from=start, valid_until=until)

    def until(self, tree: Tree) -> datetime.date | None:
        return self.date(_leaf(tree)) if _rule(tree) == "until_date" else None

    def documented(self, statement: Tree, fields: dict) -> bool:
        """Fill section/source/text from a shared statement; False if it is not one."""
        kind = _rule(statement)
        if kind == "section_stmt":
            fields["section"] = _unquote(_leaf(statement))
        elif kind == "source_stmt":
            fields["source"] = _unquote(_leaf(statement))
        elif kind == "text_stmt":
            prose = _unquote(_leaf(statement))
            fields["text"] = f"{fields['text']}\n\n{prose}" if fields.get("text") else prose
        else:
            return False
        return True

    def header(self, tree: Tree) -> tuple[str, str | None, list]:
        children = tree.children
        name = str(children[0])
        title = None
        rest = children[1:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title = _unquote(rest[0])
            rest = rest[1:]
        return name, title, rest

    # -- documents --
    def document(self, tree: Tree) -> m.Document:
        if self.kind == "schablon":
            return self.table(tree)
        return self.guideline(tree)

    def guideline(self, tree: Tree) -> m.Guideline:
        parts: dict[str, Any] = {
            "laws": [], "insatser": [], "activities": [], "values": [], "bands": [], "rules": [], "delegations": [],
            "word_lists": [], "fees": [],
        }
        meta = defaults = None
        for block in tree.children:
            kind = _rule(block)
            if kind == "riktlinje_block":
                meta = self.meta(block)
            elif kind == "lag_block":
                parts["laws"].append(self.law(block))
            elif kind == "insats_block":
                parts["insatser"].append(self.insats(block))
            elif kind == "aktivitet_block":
                parts["activities"].append(self.activity(block))
            elif kind == "varde_block":
                parts["values"].append(self.dated_value(block))
            elif kind == "nivaer_block":
                parts["bands"].append(self.bands(block))
            elif kind == "regel_block":
                parts["rules"].append(self.rule(block))
            elif kind == "forval_block":
                # Several "förval" blocks are read as one, a later statement winning.
                requirements = self.requirements(block.children, {})
                defaults = requirements if defaults is None else requirements.merged_over(defaults)
            elif kind == "delegation_block":
                parts["delegations"].append(self.delegation(block))
            elif kind == "ordlista_block":
                parts["word_lists"].append(self.word_list(block))
            elif kind == "avgift_block":
                parts["fees"].append(self.fee(block))
        return m.Guideline(path=self.path, meta=meta, defaults=defaults, **parts)

    def meta(self, tree: Tree) -> m.GuidelineMeta:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "title": title, "pos": self.pos(tree)}
        simple = {"titel": "title", "kommun": "municipality", "namnd": "committee",
                  "diarienummer": "reference", "ersatter": "replaces"}
        for statement in rest:
            kind = _rule(statement)
            if kind in simple:
                fields[simple[kind]] = _unquote(statement.children[0])
            elif kind == "antagen":
                fields["adopted"] = self.date(statement.children[0])
            elif kind == "galler":
                fields["validity"] = self.validity(statement.children[0])
            elif kind == "bygger_pa":
                fields["builds_on"] = str(statement.children[0])
            else:
                self.documented(statement, fields)
        return m.GuidelineMeta(**fields)

    def law(self, tree: Tree) -> m.Law:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree), "paragraphs": []}
        for statement in rest:
            kind = _rule(statement)
            if kind == "forkortning":
                fields["abbreviation"] = str(statement.children[0])
            elif kind == "sfs":
                fields["sfs"] = self.sfs(statement.children[0])
            elif kind == "galler":
                fields["validity"] = self.validity(statement.children[0])
            elif kind == "forteckning":
                fields["complete"] = str(statement.children[0]) == "fullständig"
            elif kind == "paragraf":
                paragraph = self.paragraph(statement)
                if paragraph is not None:
                    fields["paragraphs"].append(paragraph)
            else:
                self.documented(statement, fields)
        return m.Law(**fields)

    def paragraph(self, tree: Tree) -> m.Paragraph | None:
        children = tree.children
        ref = self.lawref(_leaf(tree))
        fields: dict = {"written": _unquote(_leaf(tree)), "pos": self.pos(children[0]), "replaces": []}
        for child in children[1:]:
            if isinstance(child, Token):
                fields["title"] = _unquote(child)
            elif _rule(child).startswith("validity"):
                fields["validity"] = self.validity(child)
            elif _rule(child) == "string_list":
                fields["replaces"] = self.lawrefs(child)
            elif _rule(child) == "ingen_beslutsgrund":
                fields["ground"] = False
            elif _rule(child) == "rapportplikt":
                fields["reports"] = self.lawrefs(child.children[0])
        if ref is None:
            return None
        return m.Paragraph(ref=ref, **fields)

    def lawrefs(self, tree: Tree) -> list[LawRef]:
        """The readable references of a string list (an unreadable one is reported by ``lawref``)."""
        return [r for r in (self.lawref(_leaf(tree, i)) for i in range(len(tree.children))) if r is not None]

    def insats(self, tree: Tree) -> m.Insats:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        citations: list[m.Citation] = []
        aliases: list[str] = []
        norms: list[m.Norm] = []
        target: dict = {}
        requirement_statements = []
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "lagrum":
                validity = self.validity(children[1]) if len(children) > 1 else m.ALWAYS
                citation = self.citation(children[0], validity)
                if citation is not None:
                    citations.append(citation)
            elif kind == "kallas":
                aliases.extend(_unquote(t) for t in children[0].children)
            elif kind == "malgrupp":
                self.target(children[0], target)
            elif kind == "motsvarighet":
                fields["lss_counterpart"] = str(children[0])
            elif kind == "huvudman":
                fields["responsible"] = str(children[0])
            elif kind == "forenklad":
                fields["simplified"] = str(children[0])
            elif kind == "schablon":  # recorded and name-checked; no decision check reads it
                fields["standard_activities"] = [str(t) for t in children[0].children]
            elif kind == "slag":
                self.insats_kind(children[0])
                fields.setdefault("kinds", []).append(str(children[0]))
            elif kind == "norm":
                section = _unquote(children[2]) if len(children) > 2 else None
                norms.append(m.Norm(activity=str(children[0]), bounds=self.bounds(children[1]),
                                    section=section, pos=self.pos(children[0])))
            elif kind == "omfattning":
                fields["scope"] = self.bounds(children[0])
            elif kind == "vistelse":
                fields["stay_at_most"] = m.Span(amount=int(_number(children[0])), unit=_UNITS[str(children[1])])
            elif kind == "vaxelvard":
                home = m.Span(amount=int(_number(children[0])), unit=_UNITS[str(children[1])])
                away = m.Span(amount=int(_number(children[2])), unit=_UNITS[str(children[3])])
                fields["cycle"] = m.Cycle(home=home, away=away, where=str(children[4]), pos=self.pos(statement))
            elif not self.documented(statement, fields):
                requirement_statements.append(statement)
        fields["requirements"] = self.requirements(requirement_statements, {})
        return m.Insats(citations=citations, aliases=aliases, norms=norms, target=m.TargetGroup(**target), **fields)

    def target(self, tree: Tree, target: dict) -> None:
        kind = _rule(tree)
        if kind == "personkrets":
            groups = set()
            for index in range(len(tree.children)):
                token = _leaf(tree, index)
                value = _number(token)
                if value not in (1, 2, 3):  # "1,2" lexes as a decimal number: say so, never misread it
                    self.invalid(token, Text("ogiltig personkrets", "invalid personkrets"),
                                 Text(f"'{token}' är inte 1, 2 eller 3 (skriv listor som '1, 2')",
                                      f"'{token}' is not 1, 2 or 3 (write lists as '1, 2')"))
                else:
                    groups.add(int(value))
            target["personkrets"] = sorted(groups)
        elif kind == "boende":  # recorded, not checked: a decision does not say how the person lives
            target["housing"] = [str(t) for t in tree.children[0].children]
        elif kind == "alder":
            target["ages"] = self.ages(tree.children[0])

    def ages(self, tree: Tree) -> m.AgeRange:
        kind = _rule(tree)
        bounds = [self.age_bound(child) for child in tree.children]
        pos = self.pos(tree)
        if kind == "age_between":
            return m.AgeRange(minimum=bounds[0], maximum=bounds[1], pos=pos)
        if kind == "age_under":
            return m.AgeRange(maximum=bounds[0], exclusive_max=True, pos=pos)
        if kind == "age_over":
            self.ambiguous_over(tree, bounds[0])
            return m.AgeRange(minimum=bounds[0], exclusive_min=True, pos=pos)
        if kind == "age_and_older":
            return m.AgeRange(minimum=bounds[0], pos=pos)
        return m.AgeRange(maximum=bounds[0], pos=pos)

    def ambiguous_over(self, tree: Tree, bound: m.AgeBound) -> None:
        """ "över 65" reads as 66 and older to the engine and often as 65 and older to a person:
        the author must say which (docs/riktlinjespraket/malgrupp.md says why)."""
        line, column = tree.meta.line, tree.meta.column
        if bound.years is not None:
            n = bound.years
            older, same = f"{n + 1} år eller äldre", f"{n} år eller äldre"
        else:
            older, same = f"över värde {bound.value}", f"från värde {bound.value}"
        self.diagnostics.append(Diagnostic(
            "malgrupp.over_tvetydig", Severity.ERROR, self.path, line, column,
            {"written": f"över {bound.years if bound.years is not None else 'värde ' + str(bound.value)}",
             "older": older, "same": same},
            self.line_of(line), len("över"),
        ))

    def age_bound(self, tree: Tree) -> m.AgeBound:
        token = _leaf(tree)
        if _rule(tree) == "varde":
            return m.AgeBound(value=str(token))
        return m.AgeBound(years=int(_number(token)))

    def bounds(self, tree: Tree) -> m.Bounds:
        fields = {}
        for child in tree.children:
            key = "normal" if _rule(child) == "normal_bound" else "maximum"
            fields[key] = self.amount(_leaf(child))
        return m.Bounds(**fields)

    def requirements(self, statements: list, fields: dict) -> m.Requirements:
        values: dict = {}
        positions: dict[str, m.Pos] = {}

        def span(statement: Tree) -> m.Span:  # "NUMBER UNIT" at the start of the statement
            return m.Span(amount=int(_number(_leaf(statement))), unit=_UNITS[str(statement.children[1])])

        for statement in statements:
            if not isinstance(statement, Tree):
                continue
            kind = _rule(statement)
            children = statement.children
            key = None
            if kind == "kraver_mal":
                key, values["goals_required"] = "goals_required", True
            elif kind == "kraver_motivering":
                key, values["reasons_required_on"] = "reasons_required_on", [str(t) for t in children[0].children]
            elif kind == "tidsbegransning":
                key, values["max_duration"] = "max_duration", span(statement)
            elif kind == "tills_vidare":
                key, values["until_further_allowed"] = "until_further_allowed", True
            elif kind == "uppfoljning":
                key, values["follow_up_within"] = "follow_up_within", span(statement)
            elif kind == "genomforandeplan":  # recorded, not checked: the plan is not in the decision
                key, values["plan_within"] = "plan_within", span(statement)
                values["plan_from"] = str(children[2])
            elif kind == "verkstallighet":
                key, values["executed_within"] = "executed_within", span(statement)
            elif kind == "tolerans":
                key, values["tolerance_percent"] = "tolerance_percent", _number(_leaf(statement))
            else:
                self.documented(statement, fields)
            if key:
                positions[key] = self.pos(statement)
        return m.Requirements(**values, positions=positions)

    def activity(self, tree: Tree) -> m.Activity:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree), "aliases": []}
        for statement in rest:
            kind = _rule(statement)
            if kind == "kategori":
                fields["category"] = str(statement.children[0])
            elif kind == "kallas":
                fields["aliases"].extend(_unquote(t) for t in statement.children[0].children)
            else:
                self.documented(statement, fields)
        return m.Activity(**fields)

    def dated_value(self, tree: Tree) -> m.DatedValue:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        entries = []
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "dated":
                token = children[0]
                value: Fraction | str | m.Share
                if isinstance(token, Tree):
                    value = self.share(token)
                else:
                    value = _unquote(token) if token.type == "STRING" else _number(token)
                validity = self.validity(children[1]) if len(children) > 1 else m.ALWAYS
                entries.append(m.DatedEntry(value=value, validity=validity, pos=self.pos(token)))
            elif kind == "enhet":
                fields["unit"] = _unquote(children[0])
                try:
                    per = parse_money_unit(fields["unit"])
                except FrequencyError as error:
                    self.invalid(children[0], Text("ogiltig enhet", "invalid unit"), error.message)
                else:
                    if per is not False:
                        fields["kronor"], fields["per"] = True, per
            elif kind == "lagrum":
                fields["citation"] = self.citation(children[0])
            else:
                self.documented(statement, fields)
        return m.DatedValue(entries=entries, **fields)

    def share(self, tree: Tree) -> m.Share:
        """ "andel 0,5392 / 12 av värde prisbasbelopp": factor 0.5392/12 of the value."""
        *numbers, name = (_leaf(tree, i) for i in range(len(tree.children)))
        factor = _number(numbers[0])
        written = str(numbers[0])
        if len(numbers) > 1:
            divisor = _number(numbers[1])
            written += f" / {numbers[1]}"
            if divisor == 0:
                self.invalid(numbers[1], Text("ogiltig andel", "invalid share"),
                             Text("division med noll", "division by zero"))
                divisor = Fraction(1)
            factor /= divisor
        return m.Share(factor=factor, of=str(name), written=f"andel {written} av värde {name}", pos=self.pos(tree))

    def money(self, tree: Tree) -> m.MoneyAmount | None:
        kind = _rule(tree)
        pos = self.pos(tree)
        if kind == "share":
            share = self.share(tree)
            return m.MoneyAmount(written=share.written, share=share, pos=pos)
        token = _leaf(tree)
        if kind == "varde":
            return m.MoneyAmount(written=f"värde {token}", value=str(token), pos=pos)
        written = _unquote(token)
        try:
            return m.MoneyAmount(written=written, money=parse_money(written), pos=pos)
        except FrequencyError as error:
            self.invalid(token, Text("ogiltigt belopp", "invalid amount"), error.message)
            return None

    def fee(self, tree: Tree) -> m.Fee:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree), "insatser": [], "ceilings": []}
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "avgift_insats":
                fields["insatser"].extend(str(t) for t in children[0].children)
            elif kind == "timtaxa":
                fields["hourly"] = self.money(children[0])
            elif kind == "avgift_hogst":
                amount = self.money(children[0])
                band = str(children[1]) if len(children) > 1 else None
                if amount is not None:
                    fields["ceilings"].append(m.Ceiling(amount=amount, band=band, pos=self.pos(statement)))
            elif kind == "avgift_nivaer":
                fields["bands"] = str(children[0])
            else:
                self.documented(statement, fields)
        return m.Fee(**fields)

    def bands(self, tree: Tree) -> m.Bands:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        bands = []
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "matt":
                fields["measure"] = str(children[0])
            elif kind == "steg":
                fields["step"] = _number(children[0])
            elif kind == "niva":
                band: dict = {"name": str(children[0]), "low": _number(children[1]), "pos": self.pos(statement)}
                for token in children[2:]:
                    if token.type == "NUMBER":
                        band["high"] = _number(token)
                    else:
                        band["label"] = _unquote(token)
                bands.append(m.Band(**band))
            else:
                self.documented(statement, fields)
        return m.Bands(bands=bands, **fields)

    def rule(self, tree: Tree) -> m.Rule:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "kod":
                fields["code"] = str(children[0])
            elif kind == "nar":
                fields["when"] = self.condition(children[0])
            elif kind == "da":
                fields["severity"] = str(children[0])
                fields["message"] = _unquote(children[1])
            elif kind == "engelska":
                fields["english"] = _unquote(children[0])
            elif kind == "falt_stmt":
                fields["field"] = str(children[0])
            elif kind == "lagrum":
                fields["citation"] = self.citation(children[0])
            else:
                self.documented(statement, fields)
        return m.Rule(**fields)

    def delegation(self, tree: Tree) -> m.Delegation:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "beslutar":
                fields["decides"] = [str(t) for t in children[0].children]
            elif kind == "efter":
                fields["after"] = m.Span(amount=int(_number(_leaf(statement))), unit=_UNITS[str(children[1])])
            else:
                self.documented(statement, fields)
        return m.Delegation(**fields)

    def sfs(self, token: Token) -> str | None:
        """A law's SFS number, "2025:400": the known numbers are these, so each must be well formed."""
        written = SFS_PATTERN.fullmatch(_unquote(token).strip())
        if written is None:
            self.invalid(token, Text("ogiltigt SFS-nummer", "invalid SFS number"),
                         Text(f"{token} är inte år, kolon och nummer (t.ex. \"2025:400\")",
                              f"{token} is not a year, a colon and a number (e.g. \"2025:400\")"))
            return None
        return f"{written.group(1)}:{written.group(2)}"

    def insats_kind(self, token: Token) -> None:
        """An unknown "slag" is an error here: the kinds are the engine's, not the file's."""
        name = str(token)
        if name not in m.INSATS_KINDS:
            line, column = _line_col(token)
            self.diagnostics.append(Diagnostic(
                "namn.okant", Severity.ERROR, self.path, line, column,
                {"kind": Text("slag", "kind"), "name": name, "suggestion": did_you_mean(name, m.INSATS_KINDS)},
                self.line_of(line), len(name),
            ))

    def word_list(self, tree: Tree) -> m.WordList:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree)}
        entries = []
        for statement in rest:
            if _rule(statement) != "post":
                self.documented(statement, fields)
                continue
            text, *parts = statement.children
            entry: dict = {"text": _unquote(text), "pos": self.pos(text)}
            for part in parts:
                key = "meaning" if _rule(part) == "betyder" else "source"
                entry[key] = _unquote(part.children[0])
            entries.append(m.ListEntry(**entry))
        return m.WordList(entries=entries, **fields)

    # -- conditions --
    def condition(self, tree: Tree) -> m.Condition:
        kind = _rule(tree)
        pos = self.pos(tree)
        if kind in ("och", "eller"):
            items = []
            stack = list(reversed(tree.children))
            while stack:  # flatten "a och b och c", without recursion: a chain may be long
                child = stack.pop()
                if isinstance(child, Tree) and _rule(child) == kind:
                    stack.extend(reversed(child.children))
                else:
                    items.append(self.condition(child))
            return (m.AllOf if kind == "och" else m.AnyOf)(items=items, pos=pos)
        if kind == "inte":
            return m.Not(item=self.condition(tree.children[0]), pos=pos)
        if kind == "jamfor":
            left, op, right = tree.children
            return m.Compare(op=_COMPARISONS[str(op)], left=self.expr(left), right=self.expr(right), pos=pos)
        if kind == "i_lista":
            item, *options = tree.children
            return m.InList(item=self.expr(item), options=[self.expr(o) for o in options], pos=pos)
        if kind in ("finns", "saknas"):
            return m.Present(item=self.expr(tree.children[0]), negated=kind == "saknas", pos=pos)
        raise AssertionError(f"condition node {kind}")  # the grammar has no other kind

    def expr(self, tree: Tree) -> m.Expr:
        kind = _rule(tree)
        pos = self.pos(tree)
        if kind == "falt":
            return m.Field_(name=str(_leaf(tree)), pos=pos)
        if kind == "tal":
            return m.Number(value=_number(_leaf(tree)), pos=pos)
        if kind == "datum":
            return m.DateLit(value=self.date(_leaf(tree)) or date.min, pos=pos)
        if kind == "text":
            return m.Text(value=_unquote(_leaf(tree)), pos=pos)
        if kind == "varde":
            return m.ValueRef(name=str(_leaf(tree)), pos=pos)
        ops: dict[str, m.ArithOp] = {"plus": "+", "minus": "-", "ganger": "*", "delat": "/"}
        return m.Arith(op=ops[kind], left=self.expr(tree.children[0]), right=self.expr(tree.children[1]), pos=pos)

    # -- standard-time tables --
    def table(self, tree: Tree) -> m.StandardTimeTable:
        meta = None
        activities = []
        for block in tree.children:
            if _rule(block) == "schablon_block":
                meta = self.table_meta(block)
            else:
                activities.append(self.standard_activity(block))
        return m.StandardTimeTable(path=self.path, meta=meta, activities=activities)

    def table_meta(self, tree: Tree) -> m.TableMeta:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "title": title, "pos": self.pos(tree)}
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "titel":
                fields["title"] = _unquote(children[0])
            elif kind == "kommun":
                fields["municipality"] = _unquote(children[0])
            elif kind == "slag":
                fields["kind"] = str(children[0])
            elif kind == "galler":
                fields["validity"] = self.validity(children[0])
            elif kind == "odaterad":
                fields["undated"] = True
            elif kind == "ersattning":
                written = _unquote(children[1])
                try:
                    money = parse_money(written)
                except FrequencyError as error:
                    self.invalid(children[1], Text("ogiltigt belopp", "invalid amount"), error.message)
                else:
                    fields.setdefault("rates", []).append(m.Rate(category=str(children[0]), written=written,
                                                                 money=money, pos=self.pos(children[1])))
            else:
                self.documented(statement, fields)
        return m.TableMeta(**fields)

    def standard_activity(self, tree: Tree) -> m.StandardActivity:
        name, title, rest = self.header(tree)
        fields: dict = {"id": name, "name": title, "pos": self.pos(tree), "times": [], "included_in": []}
        for statement in rest:
            kind = _rule(statement)
            children = statement.children
            if kind == "motsvarar":
                fields["maps_to"] = str(children[0])
            elif kind == "tid":
                amount = self.amount(children[0])
                when, otherwise = [], False
                if len(children) > 1:
                    variant = children[1]
                    if _rule(variant) == "om":
                        when = [str(t) for t in variant.children]
                    else:
                        otherwise = True
                if amount is not None:
                    fields["times"].append(
                        m.TimeVariant(amount=amount, when=when, otherwise=otherwise, pos=self.pos(statement))
                    )
            elif kind == "normalt":
                fields["normal"] = self.amount(children[0])
            elif kind == "hogst":
                fields["maximum"] = self.amount(children[0])
            elif kind == "delas":
                fields["shared_by_household"] = True
            elif kind == "ingar":
                fields["included_in"] = [str(t) for t in children[0].children]
            elif kind == "i_timmar":
                fields["granted_in_hours"] = True
            elif kind == "ingen_tid":
                fields["no_time"] = True
            else:
                self.documented(statement, fields)
        return m.StandardActivity(**fields)
