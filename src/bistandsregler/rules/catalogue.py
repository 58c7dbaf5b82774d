"""Which catalogue insats a written insats name means: "Förenkl.handläggn. Hemtj." -> förenklad_hemtjänst.

Case systems write insatser with abbreviations, typos and extra words ("Hemtj.",
"Kortidsboende", "Hemtjänst Natt", "Avlösarservice i hemmet"). ``resolve_insats`` maps such a
text to the id of an insats in a catalogue (``RuleBook.insatser()``: id -> Insats with
``name`` and ``aliases``) in steps, stopping at the first that decides:

1. ``exakt``: the text is the id or the name (case, spacing and punctuation aside);
   ``alias``: it is one of the aliases ("kallas").
2. ``förkortning``: the same after expanding abbreviations: the guideline layer's list
   ``ordlista förkortningar`` (hemtj -> hemtjänst, säbo -> särskilt boende, ...; in
   guidelines/nationell/ordlistor.riktlinje, ``RuleBook.abbreviations()``) and any word written
   with a full stop that begins exactly one word of the catalogue ("Korttidsv." -> korttidsvistelse).
3. ``ungefärlig``: the same with å/ä/ö folded (OCR copies lose them); then the catalogue
   spelling whose words are all in the text, the longest winning ("Hemtjänst Natt" ->
   hemtjänst); then the text whose words are all in one spelling ("Korttidsvistelse");
   then, with each word corrected to a close catalogue word, the same again; last a close
   match of the whole text (difflib, ratio at least ``CUTOFF``).

A step that finds more than one insats stops with no id and the ids as ``candidates``
("Kontaktperson" is both the SoL and the LSS contact person), unless the law hint ``lag``
("SoL"/"LSS") leaves one. Nothing found gives no id and the nearest ids as candidates.

The paragraph hint ``paragraf`` (the decision's law reference) goes one step further: when
the insats found cites another paragraph of that law, an insats citing the cited paragraph
whose spelling holds the text's words wins ("Bostad med särskild service" under 9 § 8 LSS is
the children's housing, under 9 § 9 the adults'). Nothing closer found, the insats found
stands, and the decision gets ``lagrum.fel_insats``.

Results are memoised per (text, lag) on a prepared ``Catalogue``; catalogues are shared by
content, so the dict that ``RuleBook.insatser()`` builds anew on every call still hits the
cache. Both memos are bounded (``CATALOGUES_KEPT``, ``RESOLUTIONS_KEPT``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from bistandsregler.language.names import content as _content
from bistandsregler.language.names import fold as _fold
from bistandsregler.language.names import light as _light
from bistandsregler.language.names import words as _words

if TYPE_CHECKING:
    from bistandsregler.language.lagrum import LawRef
    from bistandsregler.language.model import Insats

__all__ = ["CUTOFF", "Catalogue", "Resolution", "prepare", "resolve_insats"]

How = Literal["exakt", "alias", "förkortning", "ungefärlig"]

# Whole-string similarity (difflib ratio) needed for a close match; word corrections use
# WORD_CUTOFF. High on purpose: a wrong insats is worse than an unresolved one.
CUTOFF = 0.85
WORD_CUTOFF = 0.84

class Resolution(BaseModel):
    """How a written insats name was mapped to the catalogue.

    ``id`` is None when nothing decided; ``candidates`` then lists the ids that were equally
    likely (an ambiguous name, ``ambiguous`` True) or nearest (no match). ``matched`` is the catalogue spelling
    (id, name or alias) that decided, for messages like "'Hemtj.' tolkad som 'Hemtjänst'".
    """

    model_config = ConfigDict(frozen=True)

    text: str
    id: str | None = None
    how: How | None = None
    matched: str | None = None
    candidates: tuple[str, ...] = ()
    ambiguous: bool = False

    @property
    def resolved(self) -> bool:
        return self.id is not None


class _Index:
    """The spellings of one catalogue, normalised three ways, for lookup."""

    def __init__(self, entries: tuple[tuple[str, str | None, tuple[str, ...]], ...], laws: dict[str, frozenset[str]],
                 abbreviations: Mapping[str, str], local: frozenset[str] = frozenset(),
                 cites: dict[str, frozenset[Cited]] | None = None):
        self.laws = laws
        self.cites = cites or {}  # id -> the paragraphs its citations name
        self.abbreviations = abbreviations
        self.local = local  # the guideline's own insatser, preferred under the cited law
        # (normalised spelling, id, original spelling, is_alias)
        self.spellings: list[tuple[str, str, str, bool]] = []
        self.own: dict[str, tuple[str, ...]] = {i: (i, name) if name else (i,) for i, name, _ in entries}
        for insats_id, name, aliases in entries:
            for spelling, is_alias in [(insats_id, False), (name, False), *((a, True) for a in aliases)]:
                if spelling:
                    self.spellings.append((_light(spelling), insats_id, spelling, is_alias))
        self.vocabulary = sorted({w for light, *_ in self.spellings for w in light.split()})
        self.folded_vocabulary = sorted({_fold(w) for w in self.vocabulary})
        self.light_names: dict[str, set[tuple[str, str]]] = {}
        self.light_aliases: dict[str, set[tuple[str, str]]] = {}
        self.expanded: dict[str, set[tuple[str, str]]] = {}
        self.folded: dict[str, set[tuple[str, str]]] = {}
        self.token_sets: list[tuple[frozenset[str], str, str]] = []
        for light, insats_id, spelling, is_alias in self.spellings:
            (self.light_aliases if is_alias else self.light_names).setdefault(light, set()).add((insats_id, spelling))
            expanded = self.expand(light)[0]
            self.expanded.setdefault(expanded, set()).add((insats_id, spelling))
            folded = _fold(expanded)
            self.folded.setdefault(folded, set()).add((insats_id, spelling))
            words = _content(folded)
            if words:
                self.token_sets.append((words, insats_id, spelling))

    def names_of(self, light: str) -> set[str]:
        """The ids whose id or name (not alias) is this normalised spelling."""
        return {insats_id for insats_id, _ in self.light_names.get(light, ())}

    def expand(self, text: str, marks: Iterable[bool] | None = None) -> tuple[str, bool]:
        """Abbreviations expanded; and whether anything was. ``marks``: word had a full stop."""
        words = text.split()
        marks = list(marks) if marks is not None else [False] * len(words)
        out: list[str] = []
        changed = False
        for word, marked in zip(words, marks, strict=True):
            replacement = self.abbreviations.get(word)
            if replacement is None and marked and len(word) >= 3 and word not in self.vocabulary:
                longer = [v for v in self.vocabulary if v.startswith(word) and v != word]
                if len(longer) == 1:
                    replacement = longer[0]
            if replacement is not None and replacement != word:
                out.append(replacement)
                changed = True
            else:
                out.append(word)
        return " ".join(out), changed


# ---- the steps -------------------------------------------------------------------------------


def _fits(insats_id: str, lag: str, catalogue: _Index) -> bool:
    """Whether the insats may be decided under the law ``lag`` (an insats citing no law may)."""
    laws = catalogue.laws.get(insats_id, frozenset())
    return not laws or lag.casefold() in laws


# A cited paragraph as resolving compares it: (law casefolded, chapter and paragraph, point).
Cited = tuple[str, str, int | None]


def cited(ref: LawRef | None) -> Cited | None:
    """The paragraph hint of a decision's law reference (None without law or paragraph)."""
    if ref is None or not ref.law or ref.paragraph is None:
        return None
    return ref.law.casefold(), ref.key(), ref.point


def _cites(insats_id: str, paragraph: Cited, catalogue: _Index) -> bool:
    """Whether the insats may be the one decided under ``paragraph``: it cites that paragraph
    (a citation without a point covers every point), or cites no paragraph of that law."""
    law, key, point = paragraph
    own = [c for c in catalogue.cites.get(insats_id, frozenset()) if c[0] == law]
    return not own or any(k == key and (p is None or point is None or p == point) for _, k, p in own)


def _by_paragraph(text: str, paragraph: Cited, catalogue: _Index) -> Resolution | None:
    """The one insats citing ``paragraph`` exactly whose spelling holds the text's words
    (or whose words the text holds), if there is exactly one."""
    words = _content(_fold(catalogue.expand(_light(text))[0]))
    if not words:
        return None
    law, key, point = paragraph
    exact = {i for i, found in catalogue.cites.items()
             if any(c == (law, key, point) or (c[0], c[1]) == (law, key) and point is None for c in found)}
    found = sorted({(i, s) for w, i, s in catalogue.token_sets if i in exact and (words <= w or w <= words)})
    ids = {i for i, _ in found}
    if len(ids) != 1:
        return None
    insats_id = ids.pop()
    return Resolution(text=text, id=insats_id, how="ungefärlig", matched=found[0][1])


def _decide(text: str, found: Iterable[tuple[str, str]], how: How, catalogue: _Index,
            lag: str | None) -> Resolution | None:  # fmt: skip
    """A Resolution when ``found`` (id, spelling) names one insats, or several (ambiguous).

    Several are narrowed by the law hint, then to the guideline's own insatser (``local``)."""
    found = sorted(set(found))
    if not found:
        return None
    ids = sorted({insats_id for insats_id, _ in found})
    if len(ids) > 1 and lag:
        narrowed = [i for i in ids if _fits(i, lag, catalogue)]
        if narrowed:
            ids = narrowed
        own = [i for i in ids if i in catalogue.local]
        if own:
            ids = own
    if len(ids) > 1:
        return Resolution(text=text, candidates=tuple(ids), ambiguous=True)
    # Report the insats' own name where it matched, else the first alias.
    spellings = [s for i, s in found if i == ids[0]]
    spelling = next((s for s in spellings if s in catalogue.own.get(ids[0], ())), spellings[0])
    return Resolution(text=text, id=ids[0], how=how, matched=spelling)


def _contained(text_words: frozenset[str], catalogue: _Index) -> list[tuple[str, str]]:
    """Spellings whose words are all in the text, longest first; else the text's words all in one spelling."""
    if not text_words:
        return []
    inside = [(len(words), insats_id, spelling) for words, insats_id, spelling in catalogue.token_sets
              if words <= text_words]  # fmt: skip
    if inside:
        longest = max(n for n, _, _ in inside)
        return [(i, s) for n, i, s in inside if n == longest]
    around = [(len(words), insats_id, spelling) for words, insats_id, spelling in catalogue.token_sets
              if text_words < words]  # fmt: skip
    if around:
        shortest = min(n for n, _, _ in around)
        return [(i, s) for n, i, s in around if n == shortest]
    return []


def _correct(words: Iterable[str], vocabulary: list[str]) -> str:
    out = []
    for word in words:
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=WORD_CUTOFF) if len(word) >= 4 else []
        out.append(close[0] if close else word)
    return " ".join(out)


# One step of resolving: how it matched, what it found (id, spelling), and whether it reads the
# text as written (True) or corrects it (False: word corrections and whole-text similarity).
_Step = tuple[How, Iterable[tuple[str, str]], bool]


def _steps(text: str, catalogue: _Index, nearest: list[str]) -> Iterator[_Step]:
    """The steps of the module text, in order; ``nearest`` is filled with the closest ids."""
    words = _words(text)
    light = " ".join(w for w, _ in words)
    # 1. exact: id, name or alias ("alias" is told apart in _resolve).
    yield "exakt", catalogue.light_names.get(light, set()) | catalogue.light_aliases.get(light, set()), True
    # 2. abbreviations expanded
    expanded, changed = catalogue.expand(light, [m for w, m in words for _ in w.split()])
    if changed:
        yield "förkortning", catalogue.expanded.get(expanded, ()), True
    # 3. approximate: folded letters, word containment, corrected words, whole-text similarity
    folded = _fold(expanded)
    yield "ungefärlig", catalogue.folded.get(folded, ()), True
    yield "ungefärlig", _contained(_content(folded), catalogue), True
    corrected = _correct(folded.split(), catalogue.folded_vocabulary)
    if corrected != folded:
        yield "ungefärlig", catalogue.folded.get(corrected) or _contained(_content(corrected), catalogue), False
    scored: dict[str, tuple[float, str]] = {}
    matcher = difflib.SequenceMatcher(b=folded, autojunk=False)
    for spelling_folded, entries in catalogue.folded.items():
        matcher.set_seq1(spelling_folded)
        if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
            continue
        ratio = matcher.ratio()
        for insats_id, spelling in entries:
            if ratio > scored.get(insats_id, (0.0, ""))[0]:
                scored[insats_id] = (ratio, spelling)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
    nearest.extend(i for i, (r, _) in ranked[:3] if r >= 0.6)
    if ranked and ranked[0][1][0] >= CUTOFF:
        best = ranked[0][1][0]
        yield "ungefärlig", [(i, s) for i, (r, s) in ranked if r >= best - 0.02], False


def _resolve(text: str, catalogue: _Index, lag: str | None, paragraph: Cited | None = None) -> Resolution:
    result = _resolve_by_law(text, catalogue, lag)
    if paragraph is not None and result.id is not None and not _cites(result.id, paragraph, catalogue):
        return _by_paragraph(text, paragraph, catalogue) or result
    return result


def _resolve_by_law(text: str, catalogue: _Index, lag: str | None) -> Resolution:
    if not _light(text):
        return Resolution(text=text)
    # With a law hint, an insats of another law found by one step does not end the search: a
    # later step that reads the text as written may find the one under the cited law ("Bostad
    # med särskild service" is an alias of the SoL insats and a part of the LSS 9 § 9 name).
    # Failing that, the other law's insats stands, so the decision gets lagrum.fel_insats.
    if lag and catalogue.local:
        # The guideline's own insats under the cited law, spelled with the same words as the text
        # ("Ledsagarservice" for Botkyrka's "Ledsagarservice (SoL)"), wins over a national one.
        words = _content(_fold(catalogue.expand(_light(text))[0]))
        own = [(i, s) for w, i, s in catalogue.token_sets if i in catalogue.local and w == words]
        result = _decide(text, own, "ungefärlig", catalogue, lag)
        if result is not None and result.id is not None and _fits(result.id, lag, catalogue):
            return result
    other_law: Resolution | None = None
    nearest: list[str] = []
    for how, found, as_written in _steps(text, catalogue, nearest):
        if other_law is not None and not as_written:
            break
        result = _decide(text, found, how, catalogue, lag)
        if result is None:
            continue
        if how == "exakt" and result.id is not None and result.id not in catalogue.names_of(_light(text)):
            result = result.model_copy(update={"how": "alias"})
        if lag and result.id is not None and not _fits(result.id, lag, catalogue):
            other_law = other_law or result
            continue
        return result
    return other_law or Resolution(text=text, candidates=tuple(nearest))


# ---- memoisation ------------------------------------------------------------------------------

# How many prepared catalogues are kept (a run meets one per guideline layer), and how many
# resolutions each keeps. Both are bounded: a long-running host never grows without end.
CATALOGUES_KEPT = 8
RESOLUTIONS_KEPT = 4096


def _cited_by(insats: Insats) -> frozenset[Cited]:
    return frozenset(c for c in (cited(citation.ref) for citation in getattr(insats, "citations", ()) or ())
                     if c is not None)


def _laws_of(insats: Insats) -> frozenset[str]:
    laws = set()
    for citation in getattr(insats, "citations", ()) or ():
        law = getattr(citation.ref, "law", None)
        if law:
            laws.add(law.casefold())
    return frozenset(laws)


_Key = tuple[tuple[tuple[str, str | None, tuple[str, ...]], ...], tuple[tuple[str, frozenset[str]], ...],
             tuple[tuple[str, str], ...], frozenset[str], tuple[tuple[str, frozenset[Cited]], ...]]


def _content_key(insatser: Mapping[str, Insats], abbreviations: Mapping[str, str] | None = None,
                 local: Iterable[str] = ()) -> _Key:  # fmt: skip
    """What resolving reads from a catalogue: ids, names, aliases and laws, the abbreviations
    (None: the shipped national layer's) and the guideline's own insatser."""
    if abbreviations is None:
        abbreviations = _national_abbreviations()
    entries = tuple(sorted((key, insats.name, tuple(insats.aliases)) for key, insats in insatser.items()))
    laws = tuple(sorted((key, _laws_of(insats)) for key, insats in insatser.items()))
    cites = tuple(sorted((key, _cited_by(insats)) for key, insats in insatser.items()))
    return entries, laws, tuple(sorted(abbreviations.items())), frozenset(local) & frozenset(insatser), cites


class Catalogue:
    """A catalogue prepared for resolving, with its own bounded memo of resolutions.

    ``prepare(insatser)`` gives the one for a catalogue's content; a caller that resolves
    many names against one catalogue (``Lookups``) keeps it and passes it instead of the dict.
    """

    def __init__(self, key: _Key) -> None:
        entries, laws, abbreviations, local, cites = key
        self._index = _Index(entries, dict(laws), dict(abbreviations), local, dict(cites))
        self.resolve = lru_cache(maxsize=RESOLUTIONS_KEPT)(self._resolve)

    def _resolve(self, text: str, lag: str | None, paragraph: Cited | None = None) -> Resolution:
        return _resolve(text, self._index, lag, paragraph)


@lru_cache(maxsize=CATALOGUES_KEPT)
def _prepared(key: _Key) -> Catalogue:
    return Catalogue(key)


@lru_cache(maxsize=1)
def _national_abbreviations() -> Mapping[str, str]:
    """The shipped national layer's abbreviations, for callers that pass none."""
    # Parsed, not checked: the checks resolve insats names themselves (validation imports this module).
    from bistandsregler.rules.reading import parse_files

    return parse_files([]).abbreviations()


def prepare(insatser: Mapping[str, Insats], abbreviations: Mapping[str, str] | None = None,
            local: Iterable[str] = ()) -> Catalogue:  # fmt: skip
    """The prepared catalogue for ``insatser`` (``RuleBook.insatser()``) and ``abbreviations``
    (``RuleBook.abbreviations()`` for the same guideline; None: the shipped national layer's),
    shared by content. ``local`` are the ids the guideline itself introduces
    (``RuleBook.own_insatser``): under the cited law they win over a national insats that the
    same words name."""
    return _prepared(_content_key(insatser, abbreviations, local))


def resolve_insats(text: str | None, insatser: Mapping[str, Insats] | Catalogue, lag: str | None = None,
                   abbreviations: Mapping[str, str] | None = None, paragraf: LawRef | None = None) -> Resolution:
    """The catalogue insats a written name means (see the module text for the steps).

    ``insatser`` is ``RuleBook.insatser()`` (id -> Insats) or a ``Catalogue`` from ``prepare``;
    ``lag`` ("SoL", "LSS"), when known from the decision's law reference, settles names both
    laws use; ``abbreviations`` is ``RuleBook.abbreviations()`` for the same guideline (None: the
    shipped national layer's; a prepared ``Catalogue`` has its own); ``paragraf``, the
    decision's law reference, settles names two paragraphs of one law use.

        >>> resolve_insats("Hemtj.", book.insatser()).id          # doctest: +SKIP
        'hemtjänst'
    """
    if not isinstance(text, str) or not text.strip():
        return Resolution(text=text or "")
    catalogue = insatser if isinstance(insatser, Catalogue) else prepare(insatser, abbreviations)
    return catalogue.resolve(text, lag, cited(paragraf))
