"""Completion: the keywords the grammar lets stand at the cursor, and the names an author refers to.

The keywords come from the parser itself: the text from the start of the block the cursor is
in up to the cursor (without the word being typed) is fed to lark's interactive LALR parser,
and the terminals it would accept next are the ones offered. Where it would accept a name, the
statement decides which names: insatser after ``insats =`` in a condition or in ``beslutar``,
activities after ``norm`` or ``motsvarar``, dated values after ``värde``, the decision fields
elsewhere in a condition. Inside the string of ``normalt``, ``högst`` or ``tid``, frequency
forms as decisions write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark.exceptions import LarkError

from bistandsregler.language import model as m
from bistandsregler.language.expected import terminal_words
from bistandsregler.language.facts import FIELDS
from bistandsregler.language.parsing import parser
from bistandsregler.language.units import FREQUENCY_EXAMPLES
from bistandsregler.lsp.knowledge import AMOUNT_STATEMENTS
from bistandsregler.lsp.outline import block_keywords
from bistandsregler.rules.rulebook import RuleBook


@dataclass(frozen=True)
class Item:
    label: str
    kind: str  # keyword, insats, activity, value, field, frequency, name
    detail: str | None = None


_PARTIAL = re.compile(r"[^\W\d]\w*\Z")
_INSATS_FIELDS = ("insats", "ansökt", "motsvarighet")


def block_start(lines: list[str], line: int, kind: str) -> int | None:
    """The 0-based line where the block holding ``line`` opens, or None between blocks."""
    openers = block_keywords(kind)
    for number in range(line, -1, -1):
        text = lines[number]
        if text[:1] in (" ", "\t") or not text.strip():
            continue
        first = text.split()[0]
        if first == "slut" and number < line:
            return None  # the block above is closed
        if first in openers:
            return number
    return None


def expected(kind: str, prefix: str) -> tuple[set[str], list[str]] | None:
    """The terminals lark accepts after ``prefix``, and the tokens of the prefix; None when the
    prefix itself does not parse."""
    interactive = parser(kind).parse_interactive(prefix)
    tokens: list[str] = []
    try:
        for token in interactive.iter_parse():
            tokens.append(str(token))
    except LarkError:
        return None
    return {str(name) for name in interactive.accepts()}, tokens


def complete(text: str, line: int, character: int, kind: str, book: RuleBook | None,
             guideline: m.Guideline | None = None) -> list[Item]:
    """What may be written at (0-based) ``line``, ``character`` of ``text``."""
    lines = text.replace("\r\n", "\n").split("\n")
    current = lines[line] if line < len(lines) else ""
    before = current[:character]
    if before.count('"') % 2 == 1:  # inside a string
        return _in_string(before)
    partial = _PARTIAL.search(before)
    cut = before[: partial.start()] if partial else before
    start = block_start(lines, line, kind)
    prefix = "" if start is None else "\n".join(lines[start:line] + [cut])
    found = expected(kind, prefix)
    if found is None and start is not None and start < line:
        # A statement above is unfinished (the author is writing several at once): the block's
        # opening line and the line at the cursor alone.
        found = expected(kind, lines[start] + "\n" + cut)
    if found is None:
        return []
    terminals, tokens = found
    items: list[Item] = []
    words: set[str] = set()
    for terminal in parser(kind).terminals:
        if terminal.name in terminals:
            words.update(terminal_words(terminal))
    items += [Item(word, "keyword") for word in sorted(words)]
    if "NAME" in terminals:
        items += _names(tokens, book, guideline, kind)
    return items


def _in_string(before: str) -> list[Item]:
    words = re.findall(r"[^\W\d]\w*", before[: before.rindex('"')])
    if words and (words[-1] in AMOUNT_STATEMENTS or words[0] in AMOUNT_STATEMENTS):
        return [Item(example, "frequency") for example in FREQUENCY_EXAMPLES]
    return []


def _names(tokens: list[str], book: RuleBook | None, guideline: m.Guideline | None, kind: str) -> list[Item]:
    """The names that may stand where the parser expects one, by what comes before."""
    # The tokens of the current statement: after the last line break.
    statement: list[str] = []
    for token in reversed(tokens):
        if token.startswith(("\n", "\r")):
            break
        statement.insert(0, token)
    previous = statement[-1] if statement else None
    first = statement[0] if statement else None
    if book is None:
        insatser: dict[str, m.Insats] = {}
        activities: dict[str, str | None] = {}
        values: dict[str, m.DatedValue] = {}
    else:
        insatser = book.insatser(guideline)
        activities = {a.id: a.name for a in book.activities.values()}
        for table in book.tables:
            for standard in table.activities:
                activities.setdefault(standard.id, standard.name)
        values = book.values(guideline)

    def of_insatser() -> list[Item]:
        return [Item(key, "insats", insats.name) for key, insats in sorted(insatser.items())]

    def of_activities() -> list[Item]:
        return [Item(key, "activity", name) for key, name in sorted(activities.items())]

    if previous == "värde":
        return [Item(key, "value", value.name) for key, value in sorted(values.items())]
    if first in ("norm", "motsvarar", "schablon", "ingår") or previous in ("norm", "motsvarar"):
        return of_activities()
    if first in ("beslutar", "motsvarighet") or (first == "insats" and len(statement) == 1):
        return of_insatser()
    if first == "på" or previous == "på":
        return [Item(g.meta.id, "name", g.meta.title) for g in (book.guidelines if book else []) if g.meta]
    if first == "slag" and kind == "riktlinje":
        return [Item(key, "name", text) for key, text in m.INSATS_KINDS.items()]
    if first in ("när",):
        if len(statement) >= 2 and statement[-2] in _INSATS_FIELDS and previous in ("=", "!=", "≠"):
            return of_insatser()
        if len(statement) >= 2 and statement[-2] in FIELDS and FIELDS[statement[-2]].values:
            return [Item(value, "name") for value in FIELDS[statement[-2]].values]
        if previous == "(" and len(statement) >= 3 and statement[-2] == "i" and statement[-3] in _INSATS_FIELDS:
            return of_insatser()
        return [Item(key, "field", info.sv) for key, info in FIELDS.items()]
    return []
