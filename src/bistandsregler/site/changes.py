"""What changed between two versions of a guideline, block by block: for the committee.

Blocks are matched by their kind and name (``regel tidsbegransat_beslut``); a block is changed
when what it says differs, whatever moved in the file (positions are not compared). The
result is data; ``pages`` renders it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from bistandsregler.language import model as m

Status = Literal["added", "removed", "changed"]

# The kinds of blocks, in the order the change view lists them: (kind, the guideline's list).
KINDS: list[tuple[str, str]] = [
    ("insats", "insatser"), ("regel", "rules"), ("värde", "values"), ("nivåer", "bands"),
    ("delegation", "delegations"), ("ordlista", "word_lists"), ("aktivitet", "activities"), ("lag", "laws"),
]


@dataclass(frozen=True)
class Change:
    kind: str  # "insats", "regel", ..., "riktlinje" (the head), "förval"
    id: str
    status: Status
    before: Any = None  # the block in the old version (a model), or None
    after: Any = None
    fields: list[str] = field(default_factory=list)  # which of its fields differ (for "changed")


def _plain(value: Any) -> Any:
    """A model's content without source positions, to compare what it says."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("pos", "positions")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _differing(before: Any, after: Any) -> list[str]:
    old, new = _plain(before), _plain(after)
    return [name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)]


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def compare(old: m.Guideline, new: m.Guideline) -> list[Change]:
    """Every block added, removed or changed from ``old`` to ``new``, in the order of ``KINDS``
    (the head and the defaults first), each kind in the order of the new file, removed ones last."""
    changes: list[Change] = []
    if old.meta is not None or new.meta is not None:
        if old.meta is None or new.meta is None:
            status: Status = "added" if old.meta is None else "removed"
            changes.append(Change("riktlinje", (new.meta or old.meta).id, status, old.meta, new.meta))  # type: ignore[union-attr]
        elif differing := [f for f in _differing(old.meta, new.meta) if f != "id"]:
            changes.append(Change("riktlinje", new.meta.id, "changed", old.meta, new.meta, differing))
    if _plain(old.defaults) != _plain(new.defaults):
        status = "added" if old.defaults is None else "removed" if new.defaults is None else "changed"
        fields = _differing(old.defaults, new.defaults) if status == "changed" else []
        changes.append(Change("förval", "förval", status, old.defaults, new.defaults, fields))
    for kind, attribute in KINDS:
        before, after = _by_id(getattr(old, attribute)), _by_id(getattr(new, attribute))
        for key, item in after.items():
            if key not in before:
                changes.append(Change(kind, key, "added", None, item))
            elif differing := _differing(before[key], item):
                changes.append(Change(kind, key, "changed", before[key], item, differing))
        changes.extend(Change(kind, key, "removed", item, None) for key, item in before.items() if key not in after)
    return changes
