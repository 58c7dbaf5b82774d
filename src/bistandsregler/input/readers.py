"""Reading decisions from files: JSON, JSON Lines, YAML, CSV/TSV, Parquet.

    >>> for result in read_decisions("beslut.jsonl"):            # doctest: +SKIP
    ...     if isinstance(result, InputError):
    ...         print(result)                  # beslut.jsonl:17: fel: ogiltigt beslut: ...
    ...     else:
    ...         check(result)

Every input record yields exactly one result, in order: a ``Decision`` or an ``InputError``
naming the record ("fil.jsonl:17", "fil.json[3]"). Nothing is dropped; a file that cannot be
opened or read yields one ``InputError`` for the file. Readers never raise for bad input.

Privacy: error messages name the record and the field, never a value from the input (values
are names, personnummer and free text about a person), and anything that looks like a
personnummer is masked in every message (``mask_personnummer``).

Formats (by suffix, or ``format=``):

- ``json``: a list of decisions or one decision object. Records are named ``fil.json[i]``,
  counted from 0; their source line is found as well. The file is read whole.
- ``jsonl`` (``.jsonl``, ``.ndjson``): one decision object a line; blank lines are not
  records. Streamed.
- ``yaml`` (``.yaml``, ``.yml``): a list of decisions or one decision per document (``---``).
  Records are named by line. Streamed by document.
- ``csv`` / ``tsv``: a header of field names, dotted for nested fields (``person.birth_year``,
  ``decided_by.role``, ``scope.hours_per_month``); list and object fields
  (``person.personkrets``, ``scope.activities``, ``goals``) hold JSON in the cell. An empty cell
  is unknown (absent), a known empty text is written ``""``; a cell that starts with ``"`` and
  is a JSON string is read as that string. A decimal comma is accepted in number fields. The
  CSV delimiter (``,`` ``;`` or tab) is taken from the header. Streamed; a blank row is not a
  record. ``write_csv`` writes this form. Lines may end in LF, CRLF or CR alone. A file that
  holds NUL characters is no text (a binary file, or UTF-16 read as UTF-8): one error. A first
  row that names no decision field is no header: one error for the file, quoting none of it.
  ``csv_table`` is the one header reader, for this form and for delegation lists.

- ``parquet`` (``.parquet``): one decision a row, columns named as the fields, nested fields as
  structs (``person`` with ``birth_year``) or dotted names (``person.birth_year``) as in CSV; a
  null is unknown (absent), as an empty CSV cell is. Records are named ``fil.parquet[i]``,
  counted from 0. Streamed by record batch (pyarrow), so memory stays flat. ``decision_data``
  turns a row (or an Arrow record batch's row) into a decision's data the same way.

``Decision.source`` is set to "file:line" when the record does not carry one already (a
decision imported from a delegation list keeps pointing at the list's line). A whole-number
``id`` or ``decided_by.id`` is read as text: case systems often export ids as numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, TypeVar, get_origin

from pydantic import BaseModel, ValidationError

from bistandsregler.checking.decision import Decision
from bistandsregler.checking.decision_errors import describe_validation, model_of, union_members
from bistandsregler.language import encodings
from bistandsregler.language.errors import PERSONNUMMER, InputError, mask_personnummer
from bistandsregler.language.messages import Text

__all__ = [
    "FORMATS",
    "PERSONNUMMER",
    "InputError",
    "ReadResult",
    "decision_data",
    "decode_record",
    "read_row",
    "detect_format",
    "mask_personnummer",
    "read_decisions",
    "to_json_line",
    "write_csv",
]

Format = Literal["json", "jsonl", "yaml", "csv", "tsv", "parquet"]
FORMATS: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
}

# A cell may be long (a reason written out in full). The csv module's field limit is one
# setting for the whole process, so it is raised only while this module's reader reads a
# record and put back before the record is handed on: a host embedding the library keeps its own.
_CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


@contextmanager
def _long_cells() -> Iterator[None]:
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


ReadResult = Decision | InputError  # a runtime alias: isinstance(result, ReadResult) works


def to_json_line(decision: Decision) -> str:
    """One decision as a JSON Lines line (no newline): known fields only, UTF-8 text as is."""
    return json.dumps(decision.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


# ---- opening ---------------------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


def source_name(source: str | os.PathLike | IO) -> str:
    """How a file or stream is named in records: the path as given, or the stream's name."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<ström>"


def detect_format(name: str) -> Format | None:
    return FORMATS.get(Path(name).suffix.lower())


def _open_error(error: OSError) -> _Unreadable:
    if isinstance(error, FileNotFoundError):
        return _Unreadable(Text("filen finns inte", "file not found"))
    if isinstance(error, IsADirectoryError):
        return _Unreadable(Text("är en mapp, inte en fil", "is a directory, not a file"))
    if isinstance(error, PermissionError):
        return _Unreadable(Text("filen får inte läsas (behörighet saknas)", "permission denied"))
    reason = error.strerror or type(error).__name__
    return _Unreadable(Text(f"filen kan inte läsas ({reason})", f"cannot read the file ({reason})"))


@contextmanager
def _binary(source: str | os.PathLike | IO, encoding: str | None = None) -> Iterator[IO]:
    """A binary or text stream for a path or stream; raises _Unreadable.

    With ``encoding``, a binary stream that can be read twice is first checked to decode: a
    file in another encoding is one error that names it, not an error per line.
    """
    if isinstance(source, (str, os.PathLike)):
        try:
            handle = open(source, "rb")  # noqa: SIM115
        except OSError as error:
            raise _open_error(error) from None
        with handle:
            if encoding is not None:
                _check_encoding(handle, encoding)
            yield handle
    else:
        if encoding is not None and not _is_text(source):
            _check_encoding(source, encoding)
        yield source


_CHUNK = 1 << 16


def _check_encoding(stream: IO, encoding: str) -> None:
    """Raise _Unreadable when the stream is in another encoding than ``encoding``.

    A file is taken to be in another encoding when more than one line fails to decode and
    no line with characters beyond ASCII decodes: then it is one error naming the encoding it
    likely has (``language.encodings.guess``), not an error per line. A file where some such
    lines decode is damaged in places, and one bad line is just one: those lines are
    reported one by one, the rest read. The stream is put back where it was; a stream that
    cannot seek is not checked.
    """
    try:
        if not stream.seekable():
            return
        start = stream.tell()
    except (OSError, ValueError, AttributeError):
        return
    codec = encodings.python_codec(encoding)
    try:
        decoder = codecs.getincrementaldecoder(codec)()
        try:  # the common case, at the codec's speed: the whole file decodes
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return
        except UnicodeDecodeError:
            pass
        stream.seek(start)
        head, bad, first_bad = b"", 0, 0
        for number, raw in enumerate(stream, start=1):
            if len(head) < encodings.SAMPLE:
                head += raw
            if raw.isascii():
                continue
            try:
                raw.decode(codec)
            except UnicodeDecodeError:
                bad += 1
                first_bad = first_bad or number
                continue
            return  # a line beyond ASCII that decodes: the file is in this encoding
        name, likely = encodings.codec_name(encoding), encodings.guess(head)
        if bad > 1 and likely is not None and likely != name:
            raise _Unreadable(Text(f"filen är inte giltig {name} (första felet på rad {first_bad})",
                                   f"the file is not valid {name} (the first error is on line {first_bad})")
                              + encodings.likely_hint(likely, option=True))
    finally:
        stream.seek(start)


def _is_text(stream: IO) -> bool:
    if isinstance(stream, io.TextIOBase):
        return True
    try:
        return isinstance(stream.read(0), str)
    except Exception:  # noqa: BLE001 (a stream that cannot say: treat it as binary)
        return False


def _encoding_error(encoding: str) -> tuple[str, str]:
    hint = " (en export från Windows: prova teckenkodningen cp1252, --encoding cp1252)" if codecs.lookup(encoding).name == "utf-8" else ""
    hint_en = " (an export from Windows: try the encoding cp1252, --encoding cp1252)" if hint else ""
    return (
        f"raden är inte giltig {encoding}{hint}",
        f"the line is not valid {encoding}{hint_en}",
    )


def decoded_lines(stream: IO, encoding: str = "utf-8") -> Iterator[tuple[str, bool]]:
    """The lines of a stream, each with its line ending, and whether it decoded cleanly.

    A binary stream is split on b"\\n" and each line decoded on its own, so one bad byte
    spoils one line, not the rest of the file; a UTF-8 byte order mark is dropped.
    """
    if _is_text(stream):
        first = True
        for line in stream:
            if first and line.startswith("\ufeff"):
                line = line[1:]
            first = False
            for piece in _split_cr(line):
                yield piece, True
        return
    decoder_name = codecs.lookup(encoding).name
    first = True
    for raw in stream:
        if first and decoder_name == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        first = False
        try:
            line, clean = raw.decode(encoding), True
        except UnicodeDecodeError:
            line, clean = raw.decode(encoding, errors="replace"), False
        for piece in _split_cr(line):
            yield piece, clean


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _split_cr(line: str) -> list[str]:
    """A line split at lone CRs too (old Mac exports end lines with CR only), endings kept.

    A quoted CSV cell holding a CR still reads as one cell: the CSV reader joins the pieces.
    """
    if "\r" not in line or (line.endswith("\r\n") and line.count("\r") == 1):
        return [line]
    return _LINE.findall(line)


# ---- one record ------------------------------------------------------------------------------


def _validate(data: Any, record: str, source: str | None, line: int | None) -> ReadResult:
    if not isinstance(data, dict):
        return InputError(
            record=record,
            line=line,
            message=Text("posten är inte ett objekt med beslutets fält", "the record is not an object with the decision's fields"),
        )
    data = dict(data)
    if isinstance(data.get("id"), int) and not isinstance(data.get("id"), bool):
        data["id"] = str(data["id"])
    decided_by = data.get("decided_by")
    if isinstance(decided_by, dict) and isinstance(decided_by.get("id"), int) and not isinstance(decided_by.get("id"), bool):
        data["decided_by"] = {**decided_by, "id": str(decided_by["id"])}
    if data.get("source") is None:
        data["source"] = source
    try:
        return Decision.model_validate(data)
    except ValidationError as error:
        message, fields = describe_validation(error)
        return InputError(record=record, line=line, message=message, fields=fields)
    except (TypeError, ValueError, RecursionError) as error:  # keys that are not text, deep nesting
        return InputError(
            record=record,
            line=line,
            message=Text(f"posten kan inte läsas ({type(error).__name__})", f"the record cannot be read ({type(error).__name__})"),
        )


_JSON_MESSAGES = [
    ("Expecting value", "väntade ett värde"),
    ("Expecting property name enclosed in double quotes", "väntade ett fältnamn inom citattecken"),
    ("Expecting ',' delimiter", "väntade ','"),
    ("Expecting ':' delimiter", "väntade ':'"),
    ("Extra data", "text efter posten"),
    ("Unterminated string", "en text utan avslutande citattecken"),
    ("Invalid control character", "otillåtet styrtecken i en text"),
    ("Invalid \\escape", "ogiltig \\-sekvens"),
    ("Invalid \\uXXXX escape", "ogiltig \\u-sekvens"),
]


def _json_error(error: json.JSONDecodeError, record: str, line: int | None = None, rest: bool = False) -> InputError:
    """A JSON syntax error. ``line``: the record's line (JSON Lines), else the error's own is named."""
    sv = next((text for prefix, text in _JSON_MESSAGES if error.msg.startswith(prefix)), "syntaxfel")
    en = error.msg
    if line is None:
        line, where, where_en = error.lineno, f"på rad {error.lineno}, kolumn {error.colno}", f"at line {error.lineno} column {error.colno}"
    else:
        where, where_en = f"i kolumn {error.colno}", f"at column {error.colno}"
    tail, tail_en = ("; resten av filen kan inte läsas", "; the rest of the file cannot be read") if rest else ("", "")
    return InputError(
        record=record,
        line=line,
        column=error.colno,
        message=Text(f"ogiltig JSON {where}: {sv}{tail}", f"invalid JSON {where_en}: {en}{tail_en}"),
    )


def _json_int(digits: str) -> int | float:
    """A JSON whole number; one too long for Python's int conversion (over 4,300 digits) is
    read as the float it is (inf), which the schema refuses as "not a finite number"."""
    try:
        return int(digits)
    except ValueError:
        return float(digits)


_JSON = json.JSONDecoder(parse_int=_json_int)

# ---- JSON Lines --------------------------------------------------------------------------------


def _read_jsonl(stream: IO, name: str, encoding: str) -> Iterator[ReadResult]:
    for number, (line, clean) in enumerate(decoded_lines(stream, encoding), start=1):
        if not line.strip():
            continue
        record = f"{name}:{number}"
        if not clean:
            sv, en = _encoding_error(encoding)
            yield InputError(record=record, line=number, message=Text(sv, en))
            continue
        yield decode_record(line, record, number, source=record)


def decode_record(text: str, record: str, line: int | None = None, *, source: str | None = None) -> ReadResult:
    """One record's JSON text as a ``Decision``, or the ``InputError`` that names ``record``: the
    JSON Lines reader's own per-line reading and validation, for a caller that holds the text
    (the HTTP service reads request bodies with it). ``line`` is the record's line in a stream
    (a JSON error then names its column); without it the error names its own line and column.
    ``source`` becomes the decision's ``source`` when it carries none."""
    try:
        data = _JSON.decode(text)
    except json.JSONDecodeError as error:
        return _json_error(error, record, line=line)
    except RecursionError:
        return InputError(record=record, line=line, message=Text("posten är för djupt nästlad", "the record is nested too deeply"))  # fmt: skip
    return _validate(data, record, source, line)


# ---- JSON ----------------------------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")


def _after_space(text: str, position: int) -> int:
    """The first position from ``position`` on that is not JSON white space."""
    found = _SPACE.match(text, position)
    return found.end() if found else position  # never None: the pattern matches the empty string


class _Lines:
    """Line numbers of offsets in a text, counted forward only."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _read_text_whole(stream: IO, encoding: str) -> str:
    if _is_text(stream):
        text = stream.read()
    else:
        data = stream.read()
        try:
            text = data.decode("utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            sv, en = _encoding_error(encoding)
            raise _Unreadable(Text(f"rad {line}: {sv}", f"line {line}: {en}")) from None
    return text[1:] if text.startswith("\ufeff") else text


def _read_json(stream: IO, name: str, encoding: str) -> Iterator[ReadResult]:
    text = _read_text_whole(stream, encoding)
    decoder = _JSON
    lines = _Lines(text)
    position = _after_space(text, 0)
    if position == len(text):
        yield InputError(record=name, message=Text("filen är tom", "the file is empty"))
        return
    if text[position] != "[":
        try:
            data, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield _json_error(error, name)
            return
        except RecursionError:
            yield InputError(record=name, message=Text("posten är för djupt nästlad", "the record is nested too deeply"))
            return
        line = lines.at(position)
        end = _after_space(text, end)
        if end != len(text):
            line_after = lines.at(end)
            yield InputError(record=name, line=line_after,
                             message=Text(f"text efter beslutet på rad {line_after} (flera beslut skrivs som en lista [...])", f"text after the decision on line {line_after} (write several decisions as a list [...])"))  # fmt: skip
            return
        yield _validate(data, name, f"{name}:{line}", line)
        return
    position = _after_space(text, position + 1)
    index = 0
    if position < len(text) and text[position] == "]":
        position += 1
    else:
        while True:
            record = f"{name}[{index}]"
            try:
                data, end = decoder.raw_decode(text, position)
            except json.JSONDecodeError as error:
                yield _json_error(error, record, rest=True)
                return
            except RecursionError:
                yield InputError(record=record, message=Text("posten är för djupt nästlad", "the record is nested too deeply"))
                return
            line = lines.at(position)
            yield _validate(data, record, f"{name}:{line}", line)
            index += 1
            position = _after_space(text, end)
            if position < len(text) and text[position] == ",":
                position = _after_space(text, position + 1)
                continue
            if position < len(text) and text[position] == "]":
                position += 1
                break
            line = lines.at(position)
            yield InputError(record=f"{name}[{index}]", line=line,
                             message=Text(f"ogiltig JSON på rad {line}: väntade ',' eller ']' efter föregående beslut; resten av filen kan inte läsas", f"invalid JSON on line {line}: expected ',' or ']' after the previous decision; the rest of the file cannot be read"))  # fmt: skip
            return
    position = _after_space(text, position)
    if position != len(text):
        line = lines.at(position)
        yield InputError(record=f"{name}:{line}", line=line, message=Text(f"text efter listan med beslut på rad {line}", f"text after the list of decisions on line {line}"))  # fmt: skip


# ---- YAML ----------------------------------------------------------------------------------------


def _yaml_error(error: Exception, name: str) -> InputError:
    import yaml

    if isinstance(error, yaml.reader.ReaderError):
        if error.encoding == "unicode":
            sv, en = "ett tecken som YAML inte tillåter", "a character YAML does not allow"
        else:
            sv, en = _encoding_error(error.encoding)
        return InputError(record=name, message=Text(f"{sv}; resten av filen kan inte läsas", f"{en}; the rest of the file cannot be read"))  # fmt: skip
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or type(error).__name__
    where = f"rad {line} kolumn {column}: " if line else ""
    where_en = f"line {line} column {column}: " if line else ""
    record = f"{name}:{line}" if line else name
    if not isinstance(error, yaml.YAMLError):
        problem = type(error).__name__
    return InputError(record=record, line=line, column=column,
                      message=Text(f"ogiltig YAML, {where}{problem}; resten av filen kan inte läsas", f"invalid YAML, {where_en}{problem}; the rest of the file cannot be read"))  # fmt: skip


def _read_yaml(stream: IO, name: str, encoding: str) -> Iterator[ReadResult]:
    """Documents, and the items of a document that is a list, one node at a time: an error
    after some items leaves those read, and a long list is never held whole."""
    import yaml

    wrapper = None
    if _is_text(stream):
        text_stream: IO = stream
    else:
        codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        text_stream = wrapper = io.TextIOWrapper(stream, encoding=codec, newline="")
    try:  # the loader reads the first chunk already: a NUL byte there is a ReaderError
        loader = yaml.SafeLoader(text_stream)
    except (yaml.YAMLError, RecursionError) as error:
        if wrapper is not None:
            wrapper.detach()
        yield _yaml_error(error, name)
        return

    def item(node: yaml.Node | None) -> ReadResult | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not node.value:
            return None  # an empty document is not a record
        line = node.start_mark.line + 1
        record = f"{name}:{line}"
        try:
            data = loader.construct_document(node)
        except (yaml.YAMLError, RecursionError, TypeError, ValueError) as error:
            problem = getattr(error, "problem", None) or type(error).__name__
            return InputError(record=record, line=line, message=Text(f"ogiltig YAML: {problem}", f"invalid YAML: {problem}"))  # fmt: skip
        return _validate(data, record, record, line)

    try:
        loader.get_event()  # StreamStart
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # DocumentStart
            if loader.check_event(yaml.SequenceStartEvent):
                start = loader.get_event()
                if start.anchor is not None:  # a list that is referred to: compose it whole
                    raise yaml.composer.ComposerError(None, None, "an anchor on the list of decisions", start.start_mark)
                index = 0
                while not loader.check_event(yaml.SequenceEndEvent):
                    found = item(loader.compose_node(None, index))
                    index += 1
                    if found is not None:
                        yield found
                loader.get_event()  # SequenceEnd
            else:
                # PyYAML's own compose_document passes index None for a document's root.
                found = item(loader.compose_node(None, None))  # type: ignore[arg-type]
                if found is not None:
                    yield found
            loader.get_event()  # DocumentEnd
            loader.anchors = {}
    except (yaml.YAMLError, RecursionError) as error:
        yield _yaml_error(error, name)
    finally:
        loader.dispose()
        if wrapper is not None:
            wrapper.detach()  # the caller's stream stays open


# ---- CSV / TSV -----------------------------------------------------------------------------------


def sniff_delimiter(header: str, default: str = ",") -> str:
    """The delimiter a header line uses: the most frequent of tab, ';' and ','."""
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


def csv_records(stream: IO, name: str, encoding: str = "utf-8", delimiter: str | None = None,
                default: str = ",") -> Iterator[tuple[int, list[str] | InputError, str]]:  # fmt: skip
    """Rows of a CSV/TSV stream as (first line, cells or error, delimiter); blank rows skipped.

    The header row is included. Without ``delimiter`` it is taken from the first non-blank
    line (``sniff_delimiter``). Quoted cells may span lines. A record whose quoting is broken
    (a quote that never closes, text after a closing quote) is read again line by line with
    quotes as plain characters, so that a stray quote cannot swallow the rows after it. A row
    with a line that did not decode comes as an InputError named "name:line".
    """
    bad_lines: set[int] = set()
    numbered = enumerate(decoded_lines(stream, encoding), start=1)
    head: list[str] = []
    for number, (line, clean) in numbered:
        head.append(line)
        if not clean:
            bad_lines.add(number)
        if line.strip():
            break
    if not head:
        return
    if "\x00" in head[-1]:  # no text file holds NUL: a binary file, or UTF-16 read as UTF-8
        raise _Unreadable(Text("filen är ingen textfil (den innehåller NUL-tecken; är den UTF-16, ange --encoding utf-16)",
                               "the file is not a text file (it holds NUL characters; if it is UTF-16, "
                               "give --encoding utf-16)"))
    chosen = delimiter or sniff_delimiter(head[-1], default)
    pending: list[str] = []  # the lines of the record being read

    def rest() -> Iterator[str]:
        for line in head:
            pending.append(line)
            yield line
        for number, (line, clean) in numbered:
            if not clean:
                bad_lines.add(number)
            pending.append(line)
            yield line

    def result(start: int, end: int, cells: list[str]) -> tuple[int, list[str] | InputError, str] | None:
        if not cells or all(not cell.strip() for cell in cells):
            return None
        if any(start <= n <= end for n in bad_lines):
            sv, en = _encoding_error(encoding)
            return start, InputError(record=f"{name}:{start}", line=start, message=Text(sv, en)), chosen
        return start, cells, chosen

    reader = csv.reader(rest(), delimiter=chosen, strict=True)
    previous = 0
    while True:
        pending.clear()
        try:
            with _long_cells():
                cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            lines, first = list(pending), previous + 1
            previous = reader.line_num
            for offset, line in enumerate(lines):
                try:
                    with _long_cells():
                        cells = next(csv.reader([line], delimiter=chosen, quoting=csv.QUOTE_NONE), [])
                except csv.Error as error:
                    reason = str(error)
                    yield first + offset, InputError(
                        record=f"{name}:{first + offset}", line=first + offset,
                        message=Text(f"raden kan inte läsas som CSV ({reason})", f"the row cannot be read as CSV ({reason})")), chosen  # fmt: skip
                    continue
                found = result(first + offset, first + offset, cells)
                if found is not None:
                    yield found
            continue
        start, previous = previous + 1, reader.line_num
        found = result(start, previous, cells)
        if found is not None:
            yield found


_FIELD_PATH = re.compile(r"[a-z_][a-z0-9_]{0,39}(?:\.[a-z_][a-z0-9_]{0,39}){0,3}")


class _Column:
    """A CSV column: its dotted path in the decision and how its cells are read."""

    def __init__(self, header: str, index: int = 0) -> None:
        self.header = header.strip()
        self.path = [part.strip() for part in self.header.split(".")]
        self.kind, self.number = self._kind()
        # How messages name the column: its header when that looks like a field path, else
        # its number (a header may be a name or a personnummer: a headerless export).
        self.shown = self.header if _FIELD_PATH.fullmatch(self.header) else f"nr {index + 1}"

    def _kind(self) -> tuple[str, bool]:
        model: type[BaseModel] | None = Decision
        annotation: Any = None
        for part in self.path:
            if model is None or part not in model.model_fields:
                return "text", False
            annotation = model.model_fields[part].annotation
            model = model_of(annotation) if not _is_list(annotation) else None
        args = union_members(annotation)
        if any(_is_list(a) for a in args):
            return "json", False
        if any(isinstance(a, type) and issubclass(a, BaseModel) for a in args):
            return "json", False
        number = any(a in (int, float) for a in args)
        return "text", number


def _is_list(annotation: Any) -> bool:
    return any(get_origin(a) in (list, tuple) for a in union_members(annotation))


_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def _cell_value(column: _Column, cell: str) -> Any:
    """What a cell holds; raises ValueError (never echoing the cell) for JSON that is not."""
    if column.kind == "json":
        try:
            return _JSON.decode(cell)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError("json") from None
    stripped = cell.strip()
    if stripped.startswith('"'):
        try:
            value = _JSON.decode(stripped)
        except (json.JSONDecodeError, RecursionError):
            value = None
        if isinstance(value, str):
            return value
    if column.number and _DECIMAL_COMMA.match(cell):
        return cell.replace(",", ".")
    return cell


def _row_to_data(columns: list[_Column], cells: list[str]) -> tuple[dict | None, tuple[str, str, tuple[str, ...]] | None]:
    data: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    # Object columns first ("person" as JSON), then dotted ones refine them.
    order = sorted(range(len(columns)), key=lambda i: len(columns[i].path))
    for index in order:
        column = columns[index]
        cell = cells[index] if index < len(cells) else ""
        if cell == "":
            continue
        try:
            value = _cell_value(column, cell)
        except ValueError:
            problems.append((column.shown, "väntade JSON i cellen", "expected JSON in the cell"))
            continue
        target = data
        for part in column.path[:-1]:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                other = part if column.shown == column.header else "en annan kolumn"  # quoted only when field-like
                problems.append((column.shown, f"krockar med kolumnen {other}",
                                 f"conflicts with the column {other.replace('en annan kolumn', 'another column')}"))
                break
            target = child
        else:
            last = column.path[-1]
            if isinstance(target.get(last), dict) and isinstance(value, dict):
                target[last] = {**value, **target[last]}
            elif last in target:
                problems.append((column.shown, "står två gånger", "appears twice"))
            else:
                target[last] = value
    if problems:
        sv = "; ".join(f"kolumnen {h}: {p}" for h, p, _ in problems)
        en = "; ".join(f"column {h}: {p}" for h, _, p in problems)
        return None, (f"ogiltig rad: {sv}", f"invalid row: {en}", tuple(h for h, _, _ in problems))
    return data, None


def header_unreadable(header_error: InputError, name: str, line: int) -> InputError:
    """A row's error when the header line could not be read: no row can be, and none is dropped."""
    return InputError(record=f"{name}:{line}", line=line,
                      message=Text("rubrikraden kan inte läsas (", "the header line cannot be read (") + header_error.message + ")")  # fmt: skip


Columns = TypeVar("Columns")


def csv_table(stream: IO, name: str, header: Callable[[list[str]], Columns | None], expected: Text, *,
              encoding: str = "utf-8", delimiter: str | None = None,
              default: str = ",") -> Iterator[tuple[int, Columns, list[str]] | InputError]:  # fmt: skip
    """The one CSV header reader: the rows of a table under its header, as (line, columns, cells).

    ``header`` makes the columns from the header cells, or returns None when the first row is
    no header (a file exported without one: its first record would be taken for column names
    and quoted in every later error). That is said once, for the file, with ``expected``
    (what a header holds) and the number of rows not read. A row that could
    not be read comes as its InputError; so does every row under a header that could not be
    read. An empty file is one InputError. Raises _Unreadable for a file that is no text.
    """
    columns: Columns | None = None
    header_error: InputError | None = None
    no_header: int | None = None
    rows = 0
    for line, cells, _ in csv_records(stream, name, encoding, delimiter, default):
        if columns is None and header_error is None and no_header is None:
            if isinstance(cells, InputError):
                header_error = cells
            else:
                columns = header(cells)
                if columns is None:
                    no_header = line
            continue
        rows += 1
        if no_header is not None:
            continue  # counted: the file's one error says how many were not read
        if header_error is not None:
            yield header_unreadable(header_error, name, line)
        elif isinstance(cells, InputError):
            yield cells
        else:
            assert columns is not None
            yield line, columns, cells
    if no_header is not None:
        count = rows + 1
        yield InputError(record=f"{name}:{no_header}", line=no_header, message=Text(
            f"rad {no_header} är ingen rubrikrad ({expected.sv}); filen saknar rubrik? "
            f"{count} {'rad lästes' if count == 1 else 'rader lästes'} inte",
            f"line {no_header} is no header line ({expected.en}); is the header missing? "
            f"{count} {'row was' if count == 1 else 'rows were'} not read"))
    elif header_error is not None and not rows:
        yield header_error
    elif columns is None and header_error is None:
        yield InputError(record=name, message=Text("filen är tom (ingen rubrikrad)", "the file is empty (no header line)"))


def _decision_columns(cells: list[str]) -> list[_Column] | None:
    """The columns of a decision table; None when no header cell names a decision field."""
    columns = [_Column(cell, index) for index, cell in enumerate(cells)]
    return columns if any(c.path[0] in Decision.model_fields for c in columns) else None


_DECISION_HEADER = Text("inget av fälten är ett fältnamn i beslutet, t.ex. id, decided_on, insats",
                        "none of the fields is a field name of the decision, e.g. id, decided_on, insats")


def _read_csv(stream: IO, name: str, encoding: str, delimiter: str | None) -> Iterator[ReadResult]:
    for row in csv_table(stream, name, _decision_columns, _DECISION_HEADER, encoding=encoding, delimiter=delimiter):
        if isinstance(row, InputError):
            yield row
            continue
        line, columns, cells = row
        record = f"{name}:{line}"
        if len(cells) > len(columns):
            yield InputError(record=record, line=line,
                             message=Text(f"raden har {len(cells)} fält men rubriken {len(columns)}", f"the row has {len(cells)} fields but the header {len(columns)}"))  # fmt: skip
            continue
        data, problem = _row_to_data(columns, cells)
        if problem is not None:
            yield InputError(record=record, line=line, message=Text(problem[0], problem[1]), fields=problem[2])
            continue
        yield _validate(data, record, record, line)


def _csv_text(value: Any) -> str:
    if isinstance(value, str):
        stripped = value.strip()
        return json.dumps(value, ensure_ascii=False) if not stripped or stripped.startswith('"') else value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _flatten_row(data: dict, prefix: str, row: dict[str, str]) -> None:
    """Nested objects become dotted columns; an empty object stays one JSON cell ("{}")."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten_row(value, f"{path}.", row)
        else:
            row[path] = _csv_text(value)


def write_csv(decisions: Iterable[Decision], stream: IO[str], delimiter: str = ",") -> int:
    """Write decisions in the CSV form ``read_decisions`` reads; returns the number written.

    Columns are the union of the decisions' known fields, in the model's order. The stream
    should be opened with ``newline=""``.
    """
    rows: list[dict[str, str]] = []
    for decision in decisions:
        row: dict[str, str] = {}
        _flatten_row(decision.model_dump(mode="json", exclude_none=True), "", row)
        rows.append(row)
    order = _column_order()
    # "id" always: a file of no decisions still has a header, and reads back as none.
    headers = sorted({"id"} | {h for row in rows for h in row}, key=lambda h: (order.get(h, len(order)), h))
    # CRLF as in RFC 4180; it also makes the writer quote a cell holding a lone CR.
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return len(rows)


def _column_order() -> dict[str, int]:
    order: dict[str, int] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for field_name, info in model.model_fields.items():
            path = f"{prefix}{field_name}"
            order[path] = len(order)
            inner = model_of(info.annotation)
            if inner is not None and not _is_list(info.annotation):
                walk(inner, f"{path}.")

    walk(Decision, "")
    return order


# ---- Parquet -------------------------------------------------------------------------------------

PARQUET_BATCH_ROWS = 8_192


def decision_data(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as a decision's data: nulls left out (unknown), dotted column names nested
    ("person.birth_year" into "person"), structs kept as objects. Lists keep their items."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        value = _known(value)
        if value is None:
            continue
        target = out
        *parents, last = str(key).split(".")
        for parent in parents:
            inner = target.get(parent)
            if not isinstance(inner, dict):
                inner = target[parent] = {}
            target = inner
        target[last] = value
    return out


def read_row(row: dict[str, Any], record: str) -> ReadResult:
    """A table row (of a Parquet file, an Arrow batch) as a decision, or an error naming ``record``."""
    return _validate(decision_data(row), record, record, None)


def _known(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _known(v)) for k, v in value.items()) if v is not None}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value


def _read_parquet(stream: IO, name: str, encoding: str) -> Iterator[ReadResult]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(stream)
        batches = table.iter_batches(batch_size=PARQUET_BATCH_ROWS)
    except (pa.ArrowException, OSError) as error:
        yield InputError(record=name, message=Text(f"filen är ingen läsbar Parquet-fil ({type(error).__name__})",
                                                   f"the file is no readable Parquet file ({type(error).__name__})"))
        return
    index = 0
    try:
        for batch in batches:
            for row in batch.to_pylist():
                yield read_row(row, f"{name}[{index}]")
                index += 1
    except (pa.ArrowException, OSError) as error:
        yield InputError(record=name, message=Text(f"resten av filen från post {index} kan inte läsas ({type(error).__name__})",
                                                   f"the rest of the file from record {index} cannot be read ({type(error).__name__})"))


# ---- entry -------------------------------------------------------------------------------------

_READERS = {"json": _read_json, "jsonl": _read_jsonl, "yaml": _read_yaml, "parquet": _read_parquet}


def read_decisions(source: str | os.PathLike | IO, format: Format | None = None, *,
                   encoding: str = "utf-8") -> Iterator[ReadResult]:  # fmt: skip
    """Decisions from a file or stream, one result per record, in order (see the module text).

    ``format`` overrides the suffix ("json", "jsonl", "yaml", "csv", "tsv", "parquet"); ``encoding``
    applies to binary streams and files (text streams are already decoded).
    """
    if format is not None and format not in ("json", "jsonl", "yaml", "csv", "tsv", "parquet"):
        raise ValueError(f"unknown format {format!r}; use json, jsonl, yaml, csv, tsv or parquet")
    codecs.lookup(encoding)  # an unknown encoding is a usage error: LookupError now
    return _read(source, format, encoding)


def _read(source: str | os.PathLike | IO, format: Format | None, encoding: str) -> Iterator[ReadResult]:
    name = source_name(source)
    chosen = format or detect_format(name)
    if chosen is None:
        suffix = Path(name).suffix or "(ingen)"
        known = ", ".join(sorted(FORMATS))
        yield InputError(record=name, message=Text(f"okänt filformat {suffix}; känner till {known} (eller ange formatet)", f"unknown file format {suffix}; known: {known} (or give the format)"))  # fmt: skip
        return
    try:
        with _binary(source, encoding if chosen != "parquet" else None) as stream:
            if chosen in ("csv", "tsv"):
                yield from _read_csv(stream, name, encoding, "\t" if chosen == "tsv" else None)
            else:
                yield from _READERS[chosen](stream, name, encoding)
    except _Unreadable as error:
        yield InputError(record=name, message=error.message)
    except UnicodeDecodeError:  # a text stream that could not decode
        sv, en = _encoding_error(encoding)
        yield InputError(record=name, message=Text(f"resten av filen: {sv}", f"the rest of the file: {en}"))
    except OSError as error:  # a read that failed half way
        unreadable = _open_error(error)
        yield InputError(record=name, message=unreadable.message)
