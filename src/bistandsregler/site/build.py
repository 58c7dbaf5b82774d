"""``visa``: guidelines in, a folder of pages out, written whole or not at all.

The pages are written into a new folder beside ``DIR`` and renamed to ``DIR`` only when every
page is written; an existing ``DIR`` that an earlier ``visa`` wrote is replaced, any other is
left alone. Guidelines with errors write nothing: ``GuidelineError`` carries the diagnostics.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import GuidelineError, has_errors
from bistandsregler.language.errors import InputError
from bistandsregler.language.files import atomic_file
from bistandsregler.language.messages import Text
from bistandsregler.rules.loading import read
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.site.changes import compare
from bistandsregler.site.html import STYLESHEET, stylesheet
from bistandsregler.site.pages import Site

# The mark of a folder that visa wrote: only such a folder is ever replaced.
MARK = ".bistandsregler-visa"


@dataclass(frozen=True)
class Written:
    folder: Path
    pages: int
    guidelines: int
    changes: int  # blocks in the change view (0 without --mot)


def _book(paths: Sequence[str | Path]) -> RuleBook:
    book = read(paths)
    if has_errors(book.diagnostics):
        raise GuidelineError(book.diagnostics)
    return book


def _pair(new: list[m.Guideline], old: list[m.Guideline]) -> list[tuple[m.Guideline, m.Guideline]]:
    """Each new guideline with its older version: the only one on each side, else by municipality."""
    if len(new) == 1 and len(old) == 1:
        return [(new[0], old[0])]
    by_municipality = {g.meta.municipality: g for g in old if g.meta and g.meta.municipality}
    return [(g, by_municipality[g.meta.municipality]) for g in new
            if g.meta and g.meta.municipality in by_municipality]


def pages(paths: Sequence[str | Path], old_paths: Sequence[str | Path] | None = None,
          lang: str = "sv") -> tuple[dict[str, str], int, int]:
    """Every page of the site (path in the folder -> content), the guidelines shown and the changes."""
    book = _book(paths)
    shown = book.shown_names(paths)
    changes: dict[str, tuple[RuleBook, m.Guideline, list]] = {}
    if old_paths:
        old_book = _book(old_paths)
        old_shown = old_book.shown_names(old_paths)
        new_side = [g for g in book.municipal if g.path in shown]
        old_side = [g for g in old_book.municipal if g.path in old_shown]
        pairs = _pair(new_side, old_side)
        if not pairs:
            raise InputError(Text("--mot: ingen äldre version av {new} bland {old} (samma kommun, eller en riktlinje "
                                  "på var sida)",
                                  "--mot: no older version of {new} among {old} (the same municipality, or one "
                                  "guideline on each side)").fill(new=", ".join(g.path for g in new_side) or "–",
                                                                  old=", ".join(map(str, old_paths))))
        changes = {new.path: (old_book, old, compare(old, new)) for new, old in pairs}
    site = Site(book, shown, lang, changes)
    out: dict[str, str] = {STYLESHEET: stylesheet()}
    for guideline in book.guidelines:  # before the laws: a law's page lists who cites each paragraph
        if guideline.path in site.guideline_pages:
            out[site.guideline_pages[guideline.path]] = site.guideline(guideline)
    for law in book.laws:
        out[site.law_pages[law.id]] = site.law(law)
    for table in book.tables:
        out[site.table_pages[table.path]] = site.standard_times(table)
    for path in changes:
        guideline = next(g for g in book.guidelines if g.path == path)
        out[site.change_page(guideline)] = site.change_view(guideline)
    out["index.html"] = site.index()
    shown_guidelines = sum(1 for g in book.guidelines if g.path in shown)
    return out, shown_guidelines, sum(len(c) for _, _, c in changes.values())


class NotOurFolder(Exception):  # noqa: N818 (a refusal the command reports, not a crash)
    """``DIR`` exists, holds files and was not written by ``visa``: it is not replaced."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder


def write(folder: str | Path, content: dict[str, str]) -> None:
    """Write the pages into a new folder beside ``folder``, then put it in ``folder``'s place."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / MARK).exists())):
        raise NotOurFolder(target)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        for name, text in {**content, MARK: "bistandsregler visa\n"}.items():
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(path, newline="\n") as handle:
                handle.write(text)
        os.chmod(temporary, 0o755 & ~_umask())
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".old"))
            os.replace(target, old / "site")
            os.replace(temporary, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def build(paths: Sequence[str | Path], folder: str | Path, old_paths: Sequence[str | Path] | None = None,
          lang: str = "sv") -> Written:
    """Render ``paths`` (guideline files or folders) as a site in ``folder``.

    Raises ``GuidelineError`` when a file has errors, ``InputError`` when ``--mot`` names no older
    version, ``NotOurFolder`` when ``folder`` is someone else's, OSError when it cannot be written;
    in every case nothing is written."""
    content, guidelines, changes = pages(paths, old_paths, lang)
    write(folder, content)
    return Written(Path(folder), sum(name.endswith(".html") for name in content), guidelines, changes)
