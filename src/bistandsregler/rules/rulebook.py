"""The rule book: every loaded guideline and standard-time table, the law layer beneath.

``rules.loading`` fills it from files. The rule book answers the questions the checks
ask: which law and paragraph a reference means on a date, what an insats is in a given
municipality (the national definition with the municipality's additions), which dated value
applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import Diagnostic
from bistandsregler.language.lagrum import LAWS, LawRef
from bistandsregler.rules.sources import NATIONAL

__all__ = ["NATIONAL", "RuleBook"]


@dataclass
class RuleBook:
    guidelines: list[m.Guideline] = field(default_factory=list)
    tables: list[m.StandardTimeTable] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)  # path -> lines, for carets
    files: dict[str, Path] = field(default_factory=dict)  # path as shown -> the file read
    hashes: dict[str, str] = field(default_factory=dict)  # path as shown -> "sha256:..." of its bytes

    def shown_names(self, paths: Iterable[str | Path]) -> set[str]:
        """The names (as in ``Guideline.path``) of the loaded files at or below ``paths``."""
        wanted = [Path(p).resolve() for p in paths]
        return {shown for shown, real in self.files.items()
                if any(real == w or real.is_relative_to(w) for w in wanted)}

    # ---- laws ----
    @cached_property
    def laws(self) -> list[m.Law]:
        return [law for g in self.guidelines for law in g.laws]

    @cached_property
    def _paragraphs(self) -> dict[str, dict[str, list[m.Paragraph]]]:
        """law id -> paragraph key -> every version of that paragraph (LSS 9 b § has two)."""
        index: dict[str, dict[str, list[m.Paragraph]]] = {}
        for law in self.laws:
            by_key = index.setdefault(law.id, {})
            for paragraph in law.paragraphs:
                by_key.setdefault(paragraph.ref.key(), []).append(paragraph)
        return index

    def resolve_law(self, ref: LawRef, on: date | None = None) -> m.Law | None:
        """The law a reference means: by SFS number if written, else by name and date."""
        candidates = self.laws
        if ref.sfs:
            candidates = [law for law in candidates if law.sfs == ref.sfs]
        if ref.law:
            candidates = [law for law in candidates if (law.abbreviation or "").lower() == ref.law.lower()]
        if not candidates:
            return None
        if on is not None:
            in_force = [law for law in candidates if law.validity.covers(on)]
            if in_force:
                return in_force[0]
        # Not in force on that date: the one nearest to it, so the finding can say "repealed".
        return max(candidates, key=lambda law: law.validity.valid_from or date.min)

    @cached_property
    def sfs_laws(self) -> dict[str, str]:
        """SFS number -> the law's abbreviation, from the "lag" blocks: the known SFS numbers."""
        return {law.sfs: law.abbreviation or law.id for law in self.laws if law.sfs}

    def sfs_problem(self, ref: LawRef) -> tuple[str, dict[str, str]] | None:
        """Why the SFS number in ``ref`` cannot be right: unknown, or another law's; else None.

        The code and arguments are those of the diagnostics ``lagrum.okant_sfs`` and
        ``lagrum.sfs_annan_lag``; a check on a decision words them its own way."""
        if ref.sfs is None:
            return None
        owner = self.sfs_laws.get(ref.sfs)
        if owner is None:
            return "lagrum.okant_sfs", {"sfs": ref.sfs, "known": ", ".join(sorted(self.sfs_laws)) or "–"}
        if ref.law is not None and ref.law != owner:
            return "lagrum.sfs_annan_lag", {"sfs": ref.sfs, "owner": owner, "law": ref.law}
        return None

    def complete(self, ref: LawRef) -> LawRef:
        """``ref`` with the law its SFS number names filled in ("11 kap. 1 § (2025:400)" is SoL)."""
        if ref.law is None and ref.sfs is not None:
            owner = self.sfs_laws.get(ref.sfs)
            if owner in LAWS:
                return ref.model_copy(update={"law": owner})
        return ref

    def paragraph(self, law: m.Law, ref: LawRef, on: date | None = None) -> m.Paragraph | None:
        """The paragraph ``ref`` in ``law``: the version in force ``on`` that day if there is one."""
        versions = self._paragraphs.get(law.id, {}).get(ref.key(), [])
        if on is not None:
            for paragraph in versions:
                if paragraph.validity.covers(on):
                    return paragraph
        return versions[-1] if versions else None

    def other_version(self, law: m.Law, ref: LawRef) -> tuple[m.Law, m.Paragraph] | None:
        """The paragraph in another law of the same name (old SoL for new), when ``law`` lacks it."""
        for other in self.laws:
            if other is not law and other.abbreviation == law.abbreviation and (ref.sfs is None or ref.sfs == other.sfs):
                paragraph = self.paragraph(other, ref)
                if paragraph is not None:
                    return other, paragraph
        return None

    def replacements(self, law: m.Law, ref: LawRef) -> list[tuple[m.Law, m.Paragraph]]:
        """The paragraphs of a later law that replaced ``ref`` (old SoL 4 kap. 1 § to new SoL
        11 kap. 1 § and 12 kap. 1 §), each once, in the order of the later law."""
        found: list[tuple[m.Law, m.Paragraph]] = []
        for other in self.laws:
            for paragraph in other.paragraphs:
                for old in paragraph.replaces:
                    same_law = old.sfs == law.sfs or (old.sfs is None and old.law == law.abbreviation)
                    if same_law and old.key() == ref.key() and not any(
                            p.ref.key() == paragraph.ref.key() for _, p in found):
                        found.append((other, paragraph))
        return found

    def replaced_paragraph(self, law: m.Law, ref: LawRef) -> tuple[m.Law, m.Paragraph] | None:
        """The paragraph ``ref`` of an earlier law of the same name that a later law replaced
        ("4 kap. 1 § SoL" is also 2001:453's 4 kap. 1 §, replaced by 11 kap. 1 §), if ``law`` is
        the later one; None when no earlier law has it or nothing replaced it."""
        for other in self.laws:
            if other is law or other.abbreviation != law.abbreviation:
                continue
            if (other.validity.valid_from or date.min) >= (law.validity.valid_from or date.min):
                continue
            paragraph = self.paragraph(other, ref)
            if paragraph is not None and self.replacements(other, ref):
                return other, paragraph
        return None

    def report_duty(self, law: m.Law, ref: LawRef, on: date | None) -> m.Paragraph | None:
        """The paragraph of ``law`` ("rapportplikt för") under which a grant under ``ref``, not
        carried out in time, is reported (SoL 2025:400 34 kap. 1 § for 11 kap. 1 §); else None."""
        kept = self._reporting.get(law.id)
        by_key = kept[1] if kept is not None and kept[0] is law else _reported(law)  # else: a law from elsewhere
        for paragraph in by_key.get(ref.key(), ()):
            if on is None or paragraph.validity.covers(on):
                return paragraph
        return None

    @cached_property
    def _reporting(self) -> dict[str, tuple[m.Law, dict[str, list[m.Paragraph]]]]:
        """law id -> (the law, ``_reported``): asked once per granted decision, where a scan of the
        whole law each time was a hot spot. The first law of an id is kept, the way ``laws`` orders them."""
        index: dict[str, tuple[m.Law, dict[str, list[m.Paragraph]]]] = {}
        for law in self.laws:
            index.setdefault(law.id, (law, _reported(law)))
        return index

    # ---- guidelines ----
    def guideline(self, guideline_id: str) -> m.Guideline | None:
        for g in self.guidelines:
            if g.meta is not None and g.meta.id == guideline_id:
                return g
        return None

    @cached_property
    def national(self) -> list[m.Guideline]:
        """The guidelines that build on nothing: the law layer and the national catalogue."""
        return [g for g in self.guidelines if g.meta is None or g.meta.builds_on is None]

    @cached_property
    def municipal(self) -> list[m.Guideline]:
        return [g for g in self.guidelines if g.meta is not None and g.meta.builds_on is not None]

    def layers(self, guideline: m.Guideline | None) -> list[m.Guideline]:
        """The national layer, then the chain of guidelines ``guideline`` builds on, then itself."""
        chain: list[m.Guideline] = []
        current = guideline
        while current is not None and current not in chain and current not in self.national:
            chain.append(current)
            base = current.meta.builds_on if current.meta else None
            current = self.guideline(base) if base else None
        return self.national + list(reversed(chain))

    def insatser(self, guideline: m.Guideline | None = None) -> dict[str, m.Insats]:
        """Every insats as it stands in ``guideline``: national definitions with its additions."""
        merged: dict[str, m.Insats] = {}
        for layer in self.layers(guideline):
            for insats in layer.insatser:
                base = merged.get(insats.id)
                merged[insats.id] = insats if base is None else merge_insats(base, insats)
        # A citation written with its SFS number alone ("11 kap. 1 § (2025:400)") names its law.
        for key, insats in merged.items():
            if any(c.ref.law is None and c.ref.sfs for c in insats.citations):
                citations = [c.model_copy(update={"ref": self.complete(c.ref)}) for c in insats.citations]
                merged[key] = insats.model_copy(update={"citations": citations})
        return merged

    def own_insatser(self, guideline: m.Guideline | None) -> frozenset[str]:
        """The ids of the insatser that ``guideline`` or a guideline it builds on introduces: those
        the national layer does not define (a block that only refines a national insats is not one)."""
        national = {insats.id for layer in self.national for insats in layer.insatser}
        return frozenset(insats.id for layer in self.layers(guideline) if layer not in self.national
                         for insats in layer.insatser if insats.id not in national)  # fmt: skip

    def word_list(self, kind: str, guideline: m.Guideline | None = None) -> list[tuple[m.ListEntry, m.WordList]]:
        """The entries of the list ``kind`` as they stand in ``guideline``: the national layer's,
        then what each guideline above it adds, each entry once, with the block it stands in."""
        entries: dict[str, tuple[m.ListEntry, m.WordList]] = {}
        for layer in self.layers(guideline):
            for word_list in layer.word_lists:
                if word_list.id == kind:
                    for entry in word_list.entries:
                        entries.setdefault(entry.text.casefold(), (entry, word_list))
        return list(entries.values())

    def abbreviations(self, guideline: m.Guideline | None = None) -> dict[str, str]:
        """Abbreviations of insats names (lower case, no full stop) -> what they stand for."""
        return {entry.text.casefold().rstrip("."): (entry.meaning or "").casefold()
                for entry, _ in self.word_list("förkortningar", guideline) if entry.meaning}

    def defaults(self, guideline: m.Guideline | None = None) -> m.Requirements:
        requirements = m.Requirements()
        for layer in self.layers(guideline):
            if layer.defaults is not None:
                requirements = layer.defaults.merged_over(requirements)
        return requirements

    def values(self, guideline: m.Guideline | None = None) -> dict[str, m.DatedValue]:
        return {v.id: v for layer in self.layers(guideline) for v in layer.values}

    def bands(self, guideline: m.Guideline | None = None) -> dict[str, m.Bands]:
        return {b.id: b for layer in self.layers(guideline) for b in layer.bands}

    def rules(self, guideline: m.Guideline | None = None) -> list[m.Rule]:
        return [r for layer in self.layers(guideline) for r in layer.rules]

    def delegations(self, guideline: m.Guideline | None = None) -> list[m.Delegation]:
        return [d for layer in self.layers(guideline) for d in layer.delegations]

    @cached_property
    def activities(self) -> dict[str, m.Activity]:
        return {a.id: a for g in self.guidelines for a in g.activities}

    def table(self, table_id: str) -> m.StandardTimeTable | None:
        for table in self.tables:
            if table.meta is not None and table.meta.id == table_id:
                return table
        return None

    def to_json(self) -> dict:
        """The rule objects as JSON-ready data, with their source positions."""
        return {
            "riktlinjer": [g.model_dump(mode="json", exclude_defaults=True) for g in self.guidelines],
            "schablontabeller": [t.model_dump(mode="json", exclude_defaults=True) for t in self.tables],
        }

    def source_line(self, pos: m.Pos) -> str | None:
        lines = self.sources.get(pos.file, [])
        return lines[pos.line - 1] if 0 < pos.line <= len(lines) else None


def _reported(law: m.Law) -> dict[str, list[m.Paragraph]]:
    """Reported paragraph's key -> the paragraphs of ``law`` that name it, in the law's order."""
    by_key: dict[str, list[m.Paragraph]] = {}
    for paragraph in law.paragraphs:
        for key in dict.fromkeys(r.key() for r in paragraph.reports):
            by_key.setdefault(key, []).append(paragraph)
    return by_key


def merge_insats(base: m.Insats, local: m.Insats) -> m.Insats:
    """A municipality's insats over the national one: what it says wins, the rest is inherited."""
    inherited = {}
    for name in ("citations", "standard_activities", "norms"):
        if not getattr(local, name):
            inherited[name] = getattr(base, name)
    for name in ("name", "lss_counterpart", "responsible", "simplified", "scope", "stay_at_most", "cycle",
                 "section", "source", "text"):
        if getattr(local, name) is None:
            inherited[name] = getattr(base, name)
    target = {
        name: getattr(local.target, name) if getattr(local.target, name) is not None else getattr(base.target, name)
        for name in m.TargetGroup.model_fields
    }
    inherited["target"] = m.TargetGroup(**target)
    inherited["aliases"] = list(dict.fromkeys([*base.aliases, *local.aliases]))
    inherited["kinds"] = list(dict.fromkeys([*base.kinds, *local.kinds]))
    inherited["requirements"] = local.requirements.merged_over(base.requirements)
    return local.model_copy(update=inherited)
