"""What a lark parser expected, as a reader thinks of it: one describer for every grammar.

Each grammar gives a ``Vocabulary``, data that says how its terminals read ("NUMBER" is "ett
tal", "a number"); ``describe`` turns the set of terminal names lark reports into those
words, in a stable order, and ``one_of`` joins them ("'a', 'b' eller 'c'").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bistandsregler.language.messages import Text


@dataclass(frozen=True)
class Vocabulary:
    """How the terminals of one grammar read.

    ``groups``: several terminals that read as one thing ("NUMBER or PARA" is "ett
    paragrafnummer"), named first when all of them are expected. ``words``: one terminal each,
    named in this order. ``quiet``: named only when nothing else is expected. ``other``: how a
    terminal not in the tables reads (a keyword taken from the grammar); by default its name.
    ``limit``: at most this many are named, then "…".
    """

    words: Mapping[str, Text]
    groups: tuple[tuple[frozenset[str], Text], ...] = ()
    quiet: Mapping[str, Text] = field(default_factory=dict)
    other: Callable[[str], Text] = Text.same
    limit: int | None = None


def describe(names: Iterable[str], vocabulary: Vocabulary) -> list[Text]:
    names = {"$END" if n == "<END-OF-FILE>" else n for n in names}  # lark spells it both ways
    loud = {n for n in names if n not in vocabulary.quiet}
    if not loud:
        return sorted((vocabulary.quiet[n] for n in names if n in vocabulary.quiet), key=lambda t: t.sv)
    described = []
    for group, text in vocabulary.groups:
        if group <= loud:
            described.append(text)
            loud -= group
    order = {name: i for i, name in enumerate(vocabulary.words)}
    for name in sorted(loud, key=lambda n: (order.get(n, len(order)), n)):
        described.append(vocabulary.words[name] if name in vocabulary.words else vocabulary.other(name))
    if vocabulary.limit is not None and len(described) > vocabulary.limit:
        described = [*described[: vocabulary.limit], Text.same("…")]
    return described


OR = Text(" eller ", " or ")


def one_of(items: list[Text], commas: bool = False) -> Text:
    """"a eller b eller c", or with ``commas`` "a, b eller c"."""
    if not commas or len(items) < 2:
        return OR.join(items)
    return Text.same(", ").join(items[:-1]) + OR + items[-1]
