"""Reading guideline and standard-time files into a ``RuleBook``, with the national layer beneath.

``load()`` is the public entry: files or folders in, a ``RuleBook`` out (or a
``GuidelineError`` listing every problem); ``read()`` never raises for bad input and
leaves every problem in the book's diagnostics. ``diagnose()`` is what ``validate``
needs: the diagnostics alone, served from the disk cache while neither the files nor the
engine have changed (then neither the parser nor the rule models are imported).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bistandsregler.language import caching
from bistandsregler.language.diagnostics import Diagnostic, GuidelineError, has_errors
from bistandsregler.language.files import KINDS
from bistandsregler.language.resources import guidelines_dir
from bistandsregler.rules.sources import NATIONAL, content_hash, source_files

if TYPE_CHECKING:
    from bistandsregler.rules.rulebook import RuleBook


def read(paths: Iterable[str | Path], national: bool = True, encoding: str = "utf-8",
         texts: Mapping[Path, str] | None = None) -> RuleBook:
    """Parse and check files; never raises for bad input: problems are in ``diagnostics``.

    ``texts``: the text of some files by resolved path, in place of the disk (unsaved edits).

    ``encoding`` is the files' character encoding (the shipped national layer is UTF-8); a
    UTF-8 byte order mark is dropped, and a file in another encoding is one diagnostic,
    ``fil.teckenkodning``, naming the encoding it likely has.
    """
    from bistandsregler.rules.reading import parse_files
    from bistandsregler.rules.validation import validate

    book = parse_files(paths, national, encoding, texts)
    book.diagnostics.extend(validate(book))
    return book


def diagnose(paths: Iterable[str | Path], national: bool = True,
             encoding: str = "utf-8") -> tuple[list[Diagnostic], int]:
    """``read(...)``'s diagnostics and the number of files read, as ``validate`` shows them.

    The result is cached under the content hashes of every file read (the national layer
    always among them: the checks read its abbreviations even without ``national``), the
    options and the engine's fingerprint; a file that is missing, of an unknown kind or
    unreadable is never served from the cache.
    """
    paths = list(paths)
    entry = _entry(paths, national, encoding)
    if entry is not None:
        cached = caching.load("validated", entry)
        if cached is not None:
            return cached
    book = read(paths, national, encoding)
    result = (book.diagnostics, len(book.sources))
    if entry is not None:
        caching.store("validated", entry, result)
    return result


def _entry(paths: list[str | Path], national: bool, encoding: str) -> str | None:
    if not caching.enabled():
        return None
    files, _ = source_files(paths, national)
    parts = [f"national={national}", f"encoding={encoding}", *(str(p) for p in paths)]
    for path in [*files, *source_files([guidelines_dir() / NATIONAL], national=False)[0]]:
        if path.suffix not in KINDS:
            return None
        try:
            parts.append(f"{path}\0{path.resolve()}\0{content_hash(path.read_bytes())}")
        except OSError:
            return None
    return caching.key("validated", *parts)


def load(paths: str | Path | Iterable[str | Path], national: bool = True, encoding: str = "utf-8") -> RuleBook:
    """Load guideline (``.riktlinje``) and standard-time (``.schablon``) files or folders.

    The national law layer shipped with the package is added unless ``national=False``.
    Raises ``GuidelineError`` (with every diagnostic) when any file has an error.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    book = read(paths, national=national, encoding=encoding)
    if has_errors(book.diagnostics):
        raise GuidelineError(book.diagnostics)
    return book
