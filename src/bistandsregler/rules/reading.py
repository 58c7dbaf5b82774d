"""Files into a ``RuleBook``, parsed but not yet checked for meaning (``loading.read`` checks).

Apart from ``loading`` so that what needs only the parsed national layer (the catalogue's
default abbreviations) does not depend on the checks, which themselves resolve insats names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bistandsregler.language import caching, encodings
from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import Diagnostic, Severity
from bistandsregler.language.messages import Text
from bistandsregler.language.parsing import KINDS, parse_text
from bistandsregler.language.resources import guidelines_dir
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.rules.sources import content_hash, shown_name, source_files

__all__ = ["content_hash", "parse_files"]


def parse_files(paths: Iterable[str | Path], national: bool = True, encoding: str = "utf-8",
                texts: Mapping[Path, str] | None = None) -> RuleBook:
    """Parse files into a rule book, without the meaning checks; never raises for bad input:
    problems are in ``diagnostics``.

    ``texts`` gives the text of some files (by resolved path) in place of what is on disk: an
    editor's unsaved buffers, read by the language server as ``validate`` reads the files.

    ``encoding`` is the files' character encoding (the shipped national layer is UTF-8); a
    UTF-8 byte order mark is dropped, and a file in another encoding is one diagnostic,
    ``fil.teckenkodning``, naming the encoding it likely has.
    """
    files, national_set = source_files(paths, national)
    shipped = guidelines_dir().parent
    book = RuleBook()
    texts = texts or {}
    for path in files:
        shown = shown_name(path, shipped)
        kind = KINDS.get(path.suffix)
        text = texts.get(path.resolve())
        if text is None and not path.exists():
            book.diagnostics.append(Diagnostic("fil.oläslig", Severity.ERROR, shown, 1, 1, {"reason": Text("finns inte", "does not exist")}))
            continue
        if kind is None:
            book.diagnostics.append(
                Diagnostic("fil.okand_typ", Severity.ERROR, shown, 1, 1, {"suffix": path.suffix or path.name})
            )
            continue
        try:
            lines, document, diagnostics, digest = _parse_file(path, shown, kind, encoding if path.resolve() not in
                                                       national_set else "utf-8", text)
        except encodings.NotDecodable as error:
            book.diagnostics.append(_not_decodable(error, shown))
            continue
        except OSError as error:
            reason = error.strerror or type(error).__name__
            book.diagnostics.append(Diagnostic("fil.oläslig", Severity.ERROR, shown, 1, 1, {"reason": reason}))
            continue
        book.sources[shown] = lines
        book.files[shown] = path.resolve()
        book.hashes[shown] = digest
        book.diagnostics.extend(diagnostics)
        if isinstance(document, m.Guideline):
            book.guidelines.append(document)
        elif isinstance(document, m.StandardTimeTable):
            book.tables.append(document)
    return book


_PARSED: dict[tuple, tuple] = {}
_PARSED_MAX = 64


def _not_decodable(error: encodings.NotDecodable, shown: str) -> Diagnostic:
    """A file that does not decode, as a diagnostic: in another encoding (named), or damaged."""
    name = encodings.codec_name(error.encoding)
    if error.likely is None:  # no encoding fits better: damaged or not text at all
        reason = Text(f"inte giltig {name} (rad {error.line}, kolumn {error.column})",
                      f"not valid {name} (line {error.line}, column {error.column})")
        return Diagnostic("fil.oläslig", Severity.ERROR, shown, 1, 1, {"reason": reason})
    args = {"encoding": name, "line": error.line, "likely": encodings.likely_hint(error.likely, option=True)}
    return Diagnostic("fil.teckenkodning", Severity.ERROR, shown, error.line, error.column, args)


def _parse_file(path: Path, shown: str, kind: str, encoding: str = "utf-8",
                given: str | None = None) -> tuple[list[str], m.Document | None, list[Diagnostic], str]:
    """Parse a file (or ``given``, its text as an editor holds it), reusing the result while its
    content is unchanged (rule objects are immutable): in memory, as the national layer is read
    by every ``read()``, and for files read from disk also on disk (``language.caching``) for
    the next process; an editor's buffer changes with every keystroke and stays in memory.
    The last item is its hash."""
    data = path.read_bytes() if given is None else given.encode("utf-8", "surrogatepass")
    digest = content_hash(data)
    key = (digest, shown, kind, encoding if given is None else "text")
    if key not in _PARSED:
        entry = caching.key(*key) if given is None else None
        parsed = caching.load("parsed", entry) if entry is not None else None
        if parsed is None:
            text = encodings.text_of(data, path, encoding) if given is None else given
            document, diagnostics = parse_text(text, shown, kind)
            # Lines end at "\n" only, as lark counts them (splitlines() also breaks at a form feed).
            parsed = (text.replace("\r\n", "\n").split("\n"), document, diagnostics)
            if entry is not None:
                caching.store("parsed", entry, parsed)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = parsed
    return (*_PARSED[key], digest)
