"""The open documents, read as ``validate`` reads them: with the other files of their folder and
the national layer beneath, the unsaved text of every open document in place of the disk.

A folder is read whole on each change: a change in one file can change what another file's
diagnostics say (a renamed insats, a value a rule refers to). Files that did not change are
not parsed again: the reader caches parsed files by their content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bistandsregler.language.diagnostics import Diagnostic
from bistandsregler.language.parsing import KINDS
from bistandsregler.rules.loading import read
from bistandsregler.rules.rulebook import RuleBook


def lines_of(text: str) -> list[str]:
    """A text's lines as the engine counts them: at "\\n" only, after CRLF is read as LF."""
    return text.replace("\r\n", "\n").split("\n")


@dataclass
class Reading:
    """One folder read: the rule book and each file's diagnostics (by resolved path)."""

    book: RuleBook
    diagnostics: dict[Path, list[Diagnostic]] = field(default_factory=dict)

    def shown(self, path: Path) -> str | None:
        """The name a file has in the book's diagnostics and positions."""
        for shown, real in self.book.files.items():
            if real == path:
                return shown
        return None


class Documents:
    """The texts of the open documents and the last reading of each folder."""

    def __init__(self) -> None:
        self.texts: dict[Path, str] = {}
        self.readings: dict[Path, Reading] = {}

    def open(self, path: Path, text: str) -> None:
        self.texts[path.resolve()] = text

    def close(self, path: Path) -> None:
        self.texts.pop(path.resolve(), None)

    def read(self, path: Path) -> Reading:
        """Read the folder of ``path`` (and ``path`` itself, which may not be on disk yet)."""
        path = path.resolve()
        folder = path.parent
        texts = {p: t for p, t in self.texts.items() if p.parent == folder or p.is_relative_to(folder)}
        book = read([folder, path], texts=texts)
        reading = Reading(book)
        for real in book.files.values():
            reading.diagnostics.setdefault(real, [])
        reading.diagnostics.setdefault(path, [])
        for diagnostic in book.diagnostics:
            # A file that could not be read is named as given.
            real = book.files.get(diagnostic.path) or Path(diagnostic.path).resolve()
            reading.diagnostics.setdefault(real, []).append(diagnostic)
        self.readings[folder] = reading
        return reading

    def reading(self, path: Path) -> Reading:
        """The last reading of the folder of ``path``, read now if there is none."""
        path = path.resolve()
        reading = self.readings.get(path.parent)
        if reading is None or path not in reading.diagnostics:
            reading = self.read(path)
        return reading

    def text(self, path: Path) -> str:
        path = path.resolve()
        if path in self.texts:
            return self.texts[path]
        return path.read_text(encoding="utf-8")


def kind_of(path: Path) -> str | None:
    return KINDS.get(path.suffix)
