"""What a lark parser expected, as a reader thinks of it: one describer for every grammar.

Each grammar gives a ``Vocabulary``, data that says how its terminals read ("NUMBER" is "ett
tal", "a number"); ``describe`` turns the set of terminal names lark reports into those
words, in a stable order, and ``one_of`` joins them ("'a', 'b' eller 'c'").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lark.lexer import TerminalDef

from bistandsregler.language.messages import Text


@dataclass(frozen=True)
class Group:
    """Several terminals that read as one thing ("NUMBER or PARA" is "ett paragrafnummer").

    Named when all its terminals are expected, or with ``any`` when one of them is; never when
    one of ``unless`` is expected. ``example`` is for a grammar whose messages give examples.
    """

    terminals: frozenset[str]
    text: Text
    example: Text | None = None
    any: bool = False
    unless: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    """How the terminals of one grammar read.

    ``groups`` are named first, in their order, each wording once. ``words``: one terminal
    each, named in this order. ``quiet``: named only when nothing else is expected. ``other``:
    how a terminal in no table reads (a keyword taken from the grammar; by default its name;
    None: it is not named). ``limit``: at most this many are named, then "…".
    """

    words: Mapping[str, Text] = field(default_factory=dict)
    groups: tuple[Group, ...] = ()
    quiet: Mapping[str, Text] = field(default_factory=dict)
    other: Callable[[str], Text] | None = Text.same
    limit: int | None = None


def matches(names: Iterable[str], vocabulary: Vocabulary) -> list[Group]:
    """What the parser expected, as the vocabulary's groups (a single word is a group of one)."""
    names = {"$END" if n == "<END-OF-FILE>" else n for n in names}  # lark spells it both ways
    loud = {n for n in names if n not in vocabulary.quiet}
    if not loud:
        quiet = [Group(frozenset({n}), vocabulary.quiet[n]) for n in names if n in vocabulary.quiet]
        return sorted(quiet, key=lambda g: g.text.sv)
    found: list[Group] = []
    for group in vocabulary.groups:
        hit = bool(group.terminals & loud) if group.any else group.terminals <= loud
        if hit and not group.unless & names:
            if all(f.text != group.text for f in found):
                found.append(group)
            loud -= group.terminals
    order = {name: i for i, name in enumerate(vocabulary.words)}
    for name in sorted(loud, key=lambda n: (order.get(n, len(order)), n)):
        if name in vocabulary.words:
            found.append(Group(frozenset({name}), vocabulary.words[name]))
        elif vocabulary.other is not None:
            found.append(Group(frozenset({name}), vocabulary.other(name)))
    if vocabulary.limit is not None and len(found) > vocabulary.limit:
        found = [*found[: vocabulary.limit], Group(frozenset(), Text.same("…"))]
    return found


def describe(names: Iterable[str], vocabulary: Vocabulary) -> list[Text]:
    return [group.text for group in matches(names, vocabulary)]


OR = Text(" eller ", " or ")


def one_of(items: list[Text], commas: bool = False) -> Text:
    """"a eller b eller c", or with ``commas`` "a, b eller c"."""
    if not commas or len(items) < 2:
        return OR.join(items)
    return Text.same(", ").join(items[:-1]) + OR + items[-1]


_ALTERNATIVES = re.compile(r"\(\?:[^\W\d|]+(\|[^\W\d|]+)*\)")


def terminal_words(terminal: TerminalDef) -> list[str]:
    """The keywords a lark terminal stands for: "slut" for a keyword, every word of a choice
    such as ``SEVERITY: "fel" | "varning" | "info"``; none for a name, a number or punctuation.
    What an editor completes and a syntax highlighter colours."""
    value = terminal.pattern.value
    if terminal.pattern.type == "str":
        return [value] if value.isalpha() else []
    if _ALTERNATIVES.fullmatch(value):
        return value[3:-1].split("|")
    return []
