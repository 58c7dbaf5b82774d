"""Reading guideline and standard-time files into a ``RuleBook``, with the national layer beneath.

``load()`` is the public entry: files or folders in, a ``RuleBook`` out (or a
``GuidelineError`` listing every problem); ``read()`` never raises for bad input and
leaves every problem in the book's diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bistandsregler.language.diagnostics import GuidelineError, has_errors
from bistandsregler.rules.reading import parse_files
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.rules.validation import validate


def read(paths: Iterable[str | Path], national: bool = True, encoding: str = "utf-8",
         texts: Mapping[Path, str] | None = None) -> RuleBook:
    """Parse and check files; never raises for bad input: problems are in ``diagnostics``.

    ``texts``: the text of some files by resolved path, in place of the disk (unsaved edits).

    ``encoding`` is the files' character encoding (the shipped national layer is UTF-8); a
    UTF-8 byte order mark is dropped, and a file in another encoding is one diagnostic,
    ``fil.teckenkodning``, naming the encoding it likely has.
    """
    book = parse_files(paths, national, encoding, texts)
    book.diagnostics.extend(validate(book))
    return book


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
