"""The national layer an author builds on, read from ``guidelines/nationell/``: its insatser
(with their law references, periods of force and target groups), its activities (with their
categories and the names they are known by), and its dated values (the amounts of the day, with
their units). The authors' page ``riktlinjespraket/nationellt.md`` includes the fragments."""

from __future__ import annotations

from pathlib import Path

from bistandsregler.language import model as m
from bistandsregler.rules.loading import read

from .common import GENERATED, ROOT, cell, table

NATIONAL = ROOT / "guidelines" / "nationell"


def _book():
    return read([NATIONAL], national=False)


def _where(pos: m.Pos) -> str:
    return f"{Path(pos.file).name}:{pos.line}"


def _ages(ages: m.AgeRange | None) -> str:
    if ages is None:
        return ""

    def bound(b: m.AgeBound, shift: int) -> str:
        return str(b.years + shift) if b.years is not None else f"värde {b.value}" + (f" {shift:+d}" if shift else "")

    low = bound(ages.minimum, 1 if ages.exclusive_min else 0) if ages.minimum else None
    high = bound(ages.maximum, -1 if ages.exclusive_max else 0) if ages.maximum else None
    if low and high:
        return f"{low}–{high} år"
    return f"{low} år eller äldre" if low else f"{high} år eller yngre"


def _target(target: m.TargetGroup) -> str:
    parts = [_ages(target.ages)] if target.ages else []
    if target.personkrets:
        parts.append("personkrets " + ", ".join(map(str, target.personkrets)))
    if target.housing:
        parts.append("boende " + ", ".join(target.housing))
    return "; ".join(parts)


def _citation(citation: m.Citation) -> str:
    validity = citation.validity
    if validity == m.ALWAYS:
        return citation.written
    return f"{citation.written} ({validity.text()})"


def insatser_fragment() -> str:
    book = _book()
    rows = []
    for insats in sorted((i for g in book.guidelines for i in g.insatser), key=lambda i: i.id):
        rows.append(
            f"| `{insats.id}` | {cell(insats.name or '')} | {cell('; '.join(_citation(c) for c in insats.citations))} "
            f"| {cell(_target(insats.target))} | {cell(', '.join(insats.aliases))} | {_where(insats.pos)} |"
        )
    return table("| Id | Namn | Lagrum | Målgrupp | Kallas också | Rad |", rows,
                 intro=[f"{len(rows)} insatser i det nationella lagret.", ""])


def activities_fragment() -> str:
    book = _book()
    rows = []
    for activity in sorted(book.activities.values(), key=lambda a: (a.category or "~", a.id)):
        rows.append(f"| `{activity.id}` | {cell(activity.name or '')} | {activity.category or '–'} "
                    f"| {cell(', '.join(activity.aliases))} |")
    return table("| Id | Namn | Kategori | Kallas också |", rows,
                 intro=[f"{len(rows)} aktiviteter i det gemensamma ordförrådet.", ""])


def _entry(entry: m.DatedEntry) -> str:
    value = entry.value
    if isinstance(value, m.Share):
        shown = value.written
    elif isinstance(value, str):
        shown = f'"{value}"'
    else:
        shown = str(value.numerator) if value.denominator == 1 else str(float(value)).replace(".", ",")
    return shown + ("" if entry.validity == m.ALWAYS else f" ({entry.validity.text()})")


def values_fragment() -> str:
    book = _book()
    rows = []
    for value in sorted((v for g in book.guidelines for v in g.values), key=lambda v: v.id):
        rows.append(f"| `{value.id}` | {cell(value.name or '')} | {cell('; '.join(_entry(e) for e in value.entries))} "
                    f"| {cell(value.unit_text() or '')} | {cell(value.citation.written if value.citation else '')} |")
    return table("| Id | Namn | Värden | Enhet | Lagrum |", rows)


def pages() -> dict[Path, str]:
    return {
        GENERATED / "nationella-insatser.md": insatser_fragment(),
        GENERATED / "nationella-aktiviteter.md": activities_fragment(),
        GENERATED / "nationella-varden.md": values_fragment(),
    }
