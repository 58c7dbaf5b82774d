"""The blocks of a document, from its text: an outline that a syntax error does not take away.

Which words open a block is read from the grammar (the first keyword of each ``*_block`` rule),
so a block the language gains is in the outline without a change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bistandsregler.language.expected import terminal_words
from bistandsregler.language.parsing import parser

# Statements inside a block that are shown as its children: a law's paragraphs, a band's levels.
CHILD_STATEMENTS = {"lag": "paragraf", "nivåer": "nivå"}

_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')
_WORD = re.compile(r"[^\W\d]\w*")


@cache
def block_keywords(kind: str) -> frozenset[str]:
    """The words that open a block in the language ``kind``, from its grammar."""
    lark = parser(kind)
    terminals = {t.name: t for t in lark.terminals}
    words: set[str] = set()
    for rule in lark.rules:
        if rule.origin.name.endswith("_block") and rule.expansion:
            first = terminals.get(rule.expansion[0].name)
            if first is not None:
                words.update(terminal_words(first))
    return frozenset(words)


@dataclass
class Block:
    keyword: str
    name: str  # the block's id; for "förval", the keyword
    title: str | None
    line: int  # 1-based, the opening line
    end_line: int  # the line of its "slut" (or the last line, when it has none)
    name_column: int  # 0-based, where the id starts on the opening line
    children: list[Block] = field(default_factory=list)


def blocks(text: str, kind: str) -> list[Block]:
    openers = block_keywords(kind)
    lines = text.replace("\r\n", "\n").split("\n")
    found: list[Block] = []
    current: Block | None = None
    in_prose = False
    for number, line in enumerate(lines, start=1):
        if in_prose:
            in_prose = line.count('"""') % 2 == 0
            continue
        words = line.split()
        if line.count('"""') % 2 == 1:
            in_prose = True
        if not words:
            continue
        first = words[0]
        if current is None and line[:1] not in (" ", "\t") and first in openers:
            name, title, column = _header(line, first)
            current = Block(first, name, title, number, len(lines), column)
            found.append(current)
        elif current is not None and first == "slut" and len(words) == 1:
            current.end_line = number
            current = None
        elif current is not None and current.keyword in CHILD_STATEMENTS and first == CHILD_STATEMENTS[current.keyword]:
            name, title, column = _header(line, first)
            current.children.append(Block(first, name, title, number, number, column))
        elif current is not None and line[:1] not in (" ", "\t") and first in openers:
            # A block opened before this one's "slut": the earlier one ends here (the parser
            # says what is missing); the outline goes on.
            current.end_line = number - 1
            name, title, column = _header(line, first)
            current = Block(first, name, title, number, len(lines), column)
            found.append(current)
    return found


def _header(line: str, keyword: str) -> tuple[str, str | None, int]:
    """The id (or first string, for a paragraph) and the title after a block's keyword."""
    start = line.index(keyword) + len(keyword)
    rest = line[start:]
    strings = [(m.group(0)[1:-1], m.start()) for m in _STRING.finditer(rest)]
    word = _WORD.search(rest)
    if word is not None and (not strings or word.start() < strings[0][1]):
        title = next((s for s, at in strings if at > word.start()), None)
        return word.group(0), title, start + word.start()
    if strings:  # paragraf "11 kap. 1 §" "Rubrik"
        return strings[0][0], strings[1][0] if len(strings) > 1 else None, start + strings[0][1]
    return keyword, None, line.index(keyword)
