"""The files a service checks with, loaded once and swapped whole: ``Library`` and ``Shelf``.

A ``Library`` is one load of the guidelines and tables given to ``serve``: the rule book, a
compiled ``Checker`` for each guideline (with its table), and the receipts. It is never changed
after it is made. The ``Shelf`` holds the current one; a reload builds a new library beside it
and puts it on the shelf in one assignment, so a request that took the old one finishes on it,
and a guideline with errors never gets there.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from bistandsregler._version import __version__
from bistandsregler.checking.evaluation import Checker
from bistandsregler.language import model as m
from bistandsregler.language.messages import Text
from bistandsregler.rules.loading import load
from bistandsregler.rules.rulebook import RuleBook


class Unselectable(ValueError):
    """A request names no guideline or table that is loaded, or several fit: why, and which field."""

    def __init__(self, message: Text, field: str) -> None:
        super().__init__(message.en)
        self.message = message
        self.field = field


def _key(text: str | None) -> str:
    return (text or "").casefold()


@dataclass(frozen=True)
class Library:
    book: RuleBook
    guidelines: tuple[m.Guideline, ...]  # the municipal guidelines given with --riktlinje
    tables: tuple[m.StandardTimeTable, ...]  # the tables given with --schablon
    loaded_at: str
    checkers: dict[tuple[str | None, str | None], Checker]
    # Laws in force by date, and receipts as JSON by checker and date: bounded (a client may send any date).
    _laws: dict[date, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    _receipts: dict[tuple[str | None, str | None, date | None], str] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        """One hash of every file's hash: two loads of the same bytes have the same id."""
        digest = hashlib.sha256("\n".join(f"{p} {h}" for p, h in sorted(self.book.hashes.items())).encode())
        return "sha256:" + digest.hexdigest()

    # ---- choosing the guideline and table a request is checked under ----
    def guideline(self, guideline_id: str | None, municipality: str | None, day: date | None) -> m.Guideline | None:
        """The guideline named by id, else the municipality's guideline for ``day``, else the only
        municipality's; None (the national layer alone) when no guideline was loaded."""
        if guideline_id is not None:
            for g in self.guidelines:
                if g.meta is not None and g.meta.id == guideline_id:
                    return g
            raise Unselectable(Text(f"ingen inläst riktlinje har id '{guideline_id}'; inlästa: {self._ids()}",
                                    f"no loaded guideline has the id '{guideline_id}'; loaded: {self._ids()}"), "guideline")
        municipalities = {_key(g.meta.municipality if g.meta else None) for g in self.guidelines}
        if municipality is not None:
            candidates = [g for g in self.guidelines if g.meta and _key(g.meta.municipality) == _key(municipality)]
            if not candidates:
                names = ", ".join(sorted({g.meta.municipality or "?" for g in self.guidelines if g.meta})) or "–"
                raise Unselectable(Text(f"ingen inläst riktlinje för kommunen '{municipality}'; inlästa kommuner: {names}",
                                        f"no loaded guideline for the municipality '{municipality}'; loaded: {names}"),
                                   "municipality")
        elif len(municipalities) > 1:
            raise Unselectable(Text(f"flera kommuners riktlinjer är inlästa; ange guideline ({self._ids()}) eller municipality",
                                    f"guidelines of several municipalities are loaded; give guideline ({self._ids()}) "
                                    "or municipality"), "guideline")
        else:
            candidates = list(self.guidelines)
        if not candidates:
            return None
        return _dated(candidates, day)

    def table(self, table_id: str | None, guideline: m.Guideline | None) -> m.StandardTimeTable | None:
        """The table named by id, else the guideline's municipality's, else the only one loaded."""
        if table_id is not None:
            for t in self.tables:
                if t.meta is not None and t.meta.id == table_id:
                    return t
            ids = ", ".join(t.meta.id for t in self.tables if t.meta) or "–"
            raise Unselectable(Text(f"ingen inläst schablontabell har id '{table_id}'; inlästa: {ids}",
                                    f"no loaded standard-time table has the id '{table_id}'; loaded: {ids}"), "table")
        if guideline is not None and guideline.meta is not None:
            own = [t for t in self.tables if t.meta and _key(t.meta.municipality) == _key(guideline.meta.municipality)]
            if len(own) == 1:
                return own[0]
        return self.tables[0] if len(self.tables) == 1 else None

    def checker(self, guideline: m.Guideline | None, table: m.StandardTimeTable | None) -> Checker:
        return self.checkers[(guideline.path if guideline else None, table.path if table else None)]

    def _ids(self) -> str:
        return ", ".join(g.meta.id for g in self.guidelines if g.meta) or "–"

    # ---- receipts ----
    def receipt(self, checker: Checker, day: date | None) -> dict[str, Any]:
        """What a check of a decision of ``day`` applied: the engine, the guideline version the
        checker chose for the day (None: the national layer alone), the table, the laws in
        force that day, and the content hash of every guideline and table file applied."""
        layer = checker.layer_for(day)
        files = [g.path for g in self.book.layers(layer)]
        if checker.table is not None:
            files.append(checker.table.path)
        return {
            "engine": __version__,
            "decided_on": day.isoformat() if day else None,
            "guideline": _guideline_json(layer) if layer is not None else None,
            "table": _table_json(checker.table) if checker.table is not None else None,
            "laws_in_force": self.laws_in_force(day),
            "files": {path: self.book.hashes[path] for path in files if path in self.book.hashes},
        }

    def receipt_json(self, checker: Checker, day: date | None) -> str:
        """``receipt`` as JSON text, made once per checker and day."""
        key = (checker.guideline.path if checker.guideline else None, checker.table.path if checker.table else None, day)
        found = self._receipts.get(key)
        if found is None:
            if len(self._receipts) > 10_000:
                self._receipts.clear()
            found = self._receipts[key] = json.dumps(self.receipt(checker, day), ensure_ascii=False)
        return found

    def laws_in_force(self, day: date | None) -> list[dict[str, Any]] | None:
        if day is None:
            return None
        found = self._laws.get(day)
        if found is None:
            if len(self._laws) > 10_000:
                self._laws.clear()
            found = self._laws[day] = [
                {"id": law.id, "abbreviation": law.abbreviation, "sfs": law.sfs,
                 "valid_from": _iso(law.validity.valid_from), "valid_until": _iso(law.validity.valid_until)}
                for law in self.book.laws if law.validity.covers(day)]
        return found

    def listing(self) -> dict[str, Any]:
        """Every file loaded, national layer included: kind, id, municipality, validity, hash."""
        named = {g.path for g in self.guidelines} | {t.path for t in self.tables}
        files = []
        docs: list[m.Guideline | m.StandardTimeTable] = [*self.book.guidelines, *self.book.tables]
        for doc in docs:
            meta = doc.meta
            validity = meta.validity if meta is not None else m.ALWAYS
            entry: dict[str, Any] = {
                "kind": doc.kind, "path": doc.path, "id": meta.id if meta else None,
                "title": meta.title if meta else None, "municipality": meta.municipality if meta else None,
                "valid_from": _iso(validity.valid_from), "valid_until": _iso(validity.valid_until),
                "hash": self.book.hashes.get(doc.path),
                "role": "given" if doc.path in named else "national",
            }
            if isinstance(doc, m.Guideline):
                entry["builds_on"] = doc.meta.builds_on if doc.meta else None
            files.append(entry)
        return {"engine": __version__, "library": self.id, "loaded_at": self.loaded_at, "files": files}


def _dated(candidates: Sequence[m.Guideline], day: date | None) -> m.Guideline:
    """Of one municipality's guidelines, the one in force on ``day`` (the latest to start, if
    several are); else the latest, which then says it was not in force and applies the national layer."""
    def start(g: m.Guideline) -> date:
        return (g.meta.validity.valid_from if g.meta else None) or date.min

    in_force = [g for g in candidates if day is not None and g.meta is not None and g.meta.validity.covers(day)]
    return max(in_force or candidates, key=start)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _guideline_json(g: m.Guideline) -> dict[str, Any]:
    meta = g.meta
    return {"id": meta.id if meta else None, "path": g.path, "municipality": meta.municipality if meta else None,
            "valid_from": _iso(meta.validity.valid_from) if meta else None,
            "valid_until": _iso(meta.validity.valid_until) if meta else None}


def _table_json(t: m.StandardTimeTable) -> dict[str, Any]:
    return {"id": t.meta.id if t.meta else None, "path": t.path,
            "municipality": t.meta.municipality if t.meta else None}


def open_library(guidelines: Sequence[str], tables: Sequence[str]) -> Library:
    """Load the files and compile a checker for each guideline and table pair; raises
    ``GuidelineError`` for a file with errors and ``Unselectable`` for a path that holds no
    guideline (or table)."""
    book = load([*guidelines, *tables])
    named = book.shown_names(guidelines)
    chosen = tuple(g for g in book.municipal if g.path in named) or tuple(
        g for g in book.guidelines if g.path in named and g not in book.national)
    for path in guidelines:
        if not any(g.path in book.shown_names([path]) for g in chosen):
            raise Unselectable(Text(f"{path}: ingen riktlinje hittades där", f"{path}: no guideline found there"), "riktlinje")
    table_names = book.shown_names(tables)
    chosen_tables = tuple(t for t in book.tables if t.path in table_names)
    for path in tables:
        if not any(t.path in book.shown_names([path]) for t in chosen_tables):
            raise Unselectable(Text(f"{path}: ingen schablontabell hittades där", f"{path}: no standard-time table found there"),
                               "schablon")
    checkers: dict[tuple[str | None, str | None], Checker] = {}
    for guideline in (*chosen, None):
        for table in (*chosen_tables, None):
            checker = Checker(book, guideline, table)
            # Built now, not on the first request: a reload costs the requests nothing.
            checker.lookups(guideline)
            checker.lookups(None)
            checkers[(guideline.path if guideline else None, table.path if table else None)] = checker
    loaded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Library(book, chosen, chosen_tables, loaded_at, checkers)


class Shelf:
    """The current library. ``current`` is read without a lock (one attribute read is atomic);
    reloads are one at a time."""

    def __init__(self, library: Library, guidelines: Sequence[str], tables: Sequence[str]) -> None:
        self.current = library
        self.guidelines = tuple(guidelines)
        self.tables = tuple(tables)
        self.reloads = 0
        self._lock = threading.Lock()

    def reload(self) -> Library:
        """Load the files anew and put the new library on the shelf; raises (and leaves the old
        one) as ``open_library`` does."""
        with self._lock:
            library = open_library(self.guidelines, self.tables)
            self.current = library
            self.reloads += 1
            return library
