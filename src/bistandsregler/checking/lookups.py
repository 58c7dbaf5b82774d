"""What the checks look up in the rule book for one guideline layer, computed once and kept.

A ``Checker`` holds one ``Lookups`` per guideline layer it meets (the municipal guideline in
force, or the national layer alone when it is not); a ``Case`` carries the one its decision
is checked under. The checks ask it, never the checker, so checking has no way back up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import cached_property
from typing import Any

from bistandsregler.checking.compiler import (
    CompiledRules,
    RuleOutput,
    Specialised,
    compile_rules,
    exact,
    referenced_fields,
)
from bistandsregler.checking.findings import CODES
from bistandsregler.language import model as m
from bistandsregler.language.lagrum import LawRef, try_parse_lagrum
from bistandsregler.language.messages import Severity, Text
from bistandsregler.rules.catalogue import Catalogue, Resolution, prepare, resolve_insats
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.standard_times.pricing import national_activity


class Lookups:
    """The rule book seen from one guideline layer (``guideline`` None: the national layer)."""

    def __init__(self, book: RuleBook, guideline: m.Guideline | None, table: m.StandardTimeTable | None,
                 as_of: date | None, activity_index: Mapping[str, tuple[str, str]]):
        self.book = book
        self.guideline = guideline
        self.table = table
        self.as_of = as_of  # the day "not carried out within three months" is judged on
        self._activity_index = activity_index
        self._requirements: dict[str | None, m.Requirements] = {}
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._alternatives: dict[str | None, re.Pattern[str] | None] = {}

    @cached_property
    def insatser(self) -> dict[str, m.Insats]:
        return self.book.insatser(self.guideline)

    @cached_property
    def catalogue(self) -> Catalogue:
        return prepare(self.insatser, self.book.abbreviations(self.guideline), self.book.own_insatser(self.guideline))

    def resolve_insats(self, text: str, lag: str | None = None, paragraf: LawRef | None = None) -> Resolution:
        """The catalogue insats a written name means; ``lag`` settles names both laws use,
        ``paragraf`` (the decision's law reference) names two paragraphs of one law use."""
        return resolve_insats(text, self.catalogue, lag, paragraf=paragraf)

    def insatser_of_kind(self, kind: str) -> list[m.Insats]:
        """The insatser marked ``slag kind`` (``m.INSATS_KINDS``) in this layer."""
        return [insats for insats in self.insatser.values() if kind in insats.kinds]

    def phrases(self, kind: str) -> tuple[str, ...]:
        """The entries of the word list ``kind`` (``m.WORD_LISTS``), as ``normal_words`` writes them."""
        if kind not in self._phrases:
            normal = (normal_words(entry.text) for entry, _ in self.book.word_list(kind, self.guideline))
            self._phrases[kind] = tuple(dict.fromkeys(p for p in normal if p))
        return self._phrases[kind]

    def phrase_in(self, kind: str, normal: str) -> str | None:
        """The first entry of the word list ``kind`` that stands in ``normal`` (``normal_words``)
        as whole words in a row: "själv" is in "handlar själv", not in "självständigt"."""
        padded = f" {normal} "
        return next((p for p in self.phrases(kind) if f" {p} " in padded), None)

    def alternatives(self, insats_id: str | None) -> re.Pattern[str] | None:
        """Any name of another insats, or of an activity, as the start of a word in lower-case
        text (names of four letters or more); None when there is none. Naming the insats
        refused ("Avslag på ansökan om korttidsboende.") names no alternative. Built once per insats."""
        if insats_id not in self._alternatives:
            names = {n.lower() for i in self.insatser.values() if i.id != insats_id
                     for n in [i.id.replace("_", " "), i.name or "", *i.aliases] if n}
            names |= {n.lower() for a in self.book.activities.values() for n in [a.id, a.name or "", *a.aliases] if n}
            long = sorted(n for n in names if len(n) > 3)
            self._alternatives[insats_id] = re.compile("|".join(rf"\b{re.escape(n)}" for n in long)) if long else None
        return self._alternatives[insats_id]

    def law_ref(self, text: str | None) -> LawRef | None:
        """A decision's law reference, read, with the law its SFS number names filled in."""
        ref = try_parse_lagrum(text) if text else None
        return self.book.complete(ref) if ref is not None else None

    def requirements_for(self, insats_id: str | None) -> m.Requirements:
        if insats_id not in self._requirements:
            defaults = self.book.defaults(self.guideline)
            insats = self.insatser.get(insats_id) if insats_id else None
            self._requirements[insats_id] = insats.requirements.merged_over(defaults) if insats else defaults
        return self._requirements[insats_id]

    @cached_property
    def values(self) -> dict[str, m.DatedValue]:
        return self.book.values(self.guideline)

    def value_at(self, name: str, day: date | None) -> Any:
        """A dated value (``värde``) on a day, exact."""
        value = self.values.get(name)
        if value is None or day is None:
            return None
        return exact(value.at(day, self.values))

    @cached_property
    def delegations(self) -> list[m.Delegation]:
        return self.book.delegations(self.guideline)

    def national_activity(self, name: str) -> str | None:
        """The national activity id a written name means ("städ" -> städning), if any."""
        return national_activity(self._activity_index, name)

    @cached_property
    def rules(self) -> GeneralRules:
        """The layer's general rules, compiled once."""
        rules = self.book.rules(self.guideline)
        outputs = [rule_output(r) for r in rules]
        compiled = compile_rules(rules, outputs)
        facts = {i: static_facts(insats) for i, insats in self.insatser.items()}
        static = compiled.static_table(facts)
        reads = [(r.id, out.where, frozenset(out.fields), r.when) for r, out in zip(rules, outputs, strict=True)]
        return GeneralRules(reads, compiled, static, facts if rules else {})


_WORDS = re.compile(r"[^\W\d_]+")


def normal_words(text: str) -> str:
    """Lower-case words, one space between, digits and punctuation gone: how phrases are compared."""
    return " ".join(_WORDS.findall(text.lower()))


class GeneralRules:
    """A layer's compiled general rules: what each reads (to say which could not be assessed),
    the evaluator, and the facts that depend on the insats alone."""

    def __init__(self, reads: list[tuple[str, str, frozenset[str], m.Condition | None]], compiled: CompiledRules,
                 static: dict[str | None, dict[str, Any]], facts_by_insats: dict[str, dict[str, Any]] | None = None):
        self.reads = reads
        self.evaluate = compiled.evaluate
        self.static = static
        self._compiled = compiled
        self._facts = facts_by_insats or {}
        # insats id -> the rules compiled for it (``CompiledRules.specialise``), made when first met
        self.by_insats: dict[Any, Specialised] = {}

    def specialised(self, insats: Any) -> Specialised | None:
        """The rules compiled for ``insats``, compiled on first use; None for an insats the layer lacks."""
        found = self.by_insats.get(insats)
        if found is None and insats in self._facts:
            found = self.by_insats[insats] = self._compiled.specialise({insats: self._facts[insats]})[insats]
        return found

    def fire(self, facts: Mapping[str, Any], value_at: Callable) -> list:
        """The findings of the rules that fire for ``facts``; ``value_at(name, facts)`` gives dated values."""
        insats = facts.get("insats")
        specialised = self.by_insats.get(insats) or self.specialised(insats)
        if specialised is not None:
            return specialised(facts, value_at)
        return self.evaluate(facts, self.static.get(insats, _NOTHING), value_at)


_NOTHING: dict = {}


def static_facts(insats: m.Insats) -> dict[str, Any]:
    """Facts that depend only on the insats, for general rules."""
    normal = None
    if insats.scope is not None and insats.scope.normal is not None and insats.scope.normal.quantity.kind == "tid":
        normal = exact(insats.scope.normal.per_month())
    return {
        "normal_minuter_per_månad": normal,
        "motsvarighet": insats.lss_counterpart,
        "tillåtna_lagar": sorted({c.ref.law for c in insats.citations if c.ref.law}),
    }


def rule_output(rule: m.Rule) -> RuleOutput:
    """The parts of a general rule's finding that do not depend on the decision."""
    code = rule.finding_code
    args = {}
    if code in CODES and CODES[code].text.sv == "{text}":  # a code whose text the guideline writes
        args = {"text": Text(rule.message or "", rule.english or rule.message or "")}
    return RuleOutput(
        code=code, severity=rule.severity or Severity.WARNING, args=args,
        field=rule.field or (CODES[code].field if code in CODES else None),
        where=f"{rule.pos.file}:{rule.pos.line}", section=rule.section,
        lagrum=rule.citation.ref.canonical() if rule.citation else None,
        # The guideline's own text, used as written (never a format template); without "engelska"
        # English shows the Swedish text.
        text=Text(rule.message, rule.english or rule.message) if rule.message else None,
        fields=tuple(sorted(referenced_fields(rule.when))),
    )

