"""The monthly delegation list that case systems export, read into decisions.

Columns (any order, any case; å/ä/ö may be missing): Beslutsfattare, Beslutsdatum
(ÅÅÅÅMMDD or ÅÅÅÅ-MM-DD), Beslut, Anledning till avslag, Födelseår, Kön. Tab, semicolon or
comma separated: the delimiter is taken from the header line. Only Beslut is required; a
column that is missing leaves its fields unknown, and other columns are ignored.

Each row becomes one ``Decision`` or one ``InputError`` naming the line:

- Beslut "Bifall Hemtjänst enligt 4 kap, 1§ SoL" is split into ``outcome`` (Bifall ->
  bifall, Avslag -> avslag, Delvis bifall / Delvis avslag -> delvis_bifall), ``insats`` as
  written ("Hemtjänst"; mapping to the catalogue is ``catalogue.resolve_insats``, done in
  evaluation) and ``lagrum`` as written ("4 kap, 1§ SoL"), separated by "enligt", "enl" or
  "enl."; without a separator a trailing law reference is still found. Text after the law
  reference ("enligt 9 § 9 LSS vuxna", "enligt 4 kap, 1§ SoL (omprövning)") is the
  ``insats_qualifier`` ("vuxna", "omprövning"), not part of ``lagrum``. No law reference
  leaves ``lagrum`` unknown.
- Anledning till avslag is the ``justification``. For a refusal or partial grant an empty cell
  is a known empty justification (""); for a grant the column says nothing (unknown).
- Activities written in that text ("dusch 1 gg/v, städ 1gg/3:e v") become
  ``scope.activities`` with ``from_text=True``: ``text`` the activity, ``frequency`` as
  written. A refusal's text usually describes what is granted instead; the flag says so.
- Födelseår -> ``person.birth_year``; Kön (Kvinna/Man, K/Kv/M) -> ``person.sex``; any other
  Kön ("HEN", "X", "Annat") -> ``sex`` "annat" with ``person.sex_written`` the value as written
  (the row is kept); "Okänt", "-" or empty leave the sex unknown. Beslutsfattare ->
  ``decided_by.id`` (a code, not a name).
- ``id`` is "<file stem>:<line>" and ``source`` "<file>:<line>", the line counted in the file
  (the header is line 1).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any, NamedTuple

from pydantic import ValidationError

from bistandsregler.checking.decision import (
    LONG_TEXT,
    SHORT_TEXT,
    Activity,
    DecidedBy,
    Decision,
    Outcome,
    Person,
    Scope,
)
from bistandsregler.input.readers import (
    InputError,
    ReadResult,
    _binary,
    _Unreadable,
    csv_table,
    describe_validation,
    source_name,
)
from bistandsregler.language.lagrum import try_parse_lagrum, try_parse_lagrum_prefix
from bistandsregler.language.messages import Text
from bistandsregler.language.units import find_activities

__all__ = [
    "COLUMNS",
    "BeslutError",
    "SplitBeslut",
    "activities_from_text",
    "import_delegationslista",
    "parse_beslutsdatum",
    "parse_sex",
    "split_beslut",
    "split_insats",
]

# Column -> normalised header spellings (lower case, å/ä/ö folded, letters and digits only).
COLUMNS: dict[str, tuple[str, ...]] = {
    "Beslutsfattare": ("beslutsfattare", "beslutsfattarid", "handlaggare", "handlaggarid"),
    "Beslutsdatum": ("beslutsdatum", "datum", "beslutsdag"),
    "Beslut": ("beslut",),
    "Anledning till avslag": ("anledningtillavslag", "anledning", "avslagsanledning", "motivering", "skal"),
    "Födelseår": ("fodelsear", "fodelsearet", "fodd", "fodar"),
    "Kön": ("kon",),
}
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})


def header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold().translate(_FOLD))


_HEADER_COLUMN = {spelling: column for column, spellings in COLUMNS.items() for spelling in spellings}
_HEADER = Text("inget av fälten är en kolumn i en delegationslista, t.ex. Beslut, Beslutsdatum, Beslutsfattare",
               "none of the fields is a column of a delegation list, e.g. Beslut, Beslutsdatum, Beslutsfattare")


def _columns(cells: list[str]) -> dict[str, int] | None:
    """Column -> index from the header cells; None when no cell names a column (no header)."""
    columns: dict[str, int] = {}
    for index, header in enumerate(cells):
        column = _HEADER_COLUMN.get(header_key(header))
        if column is not None:
            columns.setdefault(column, index)
    return columns or None


# ---- Beslut ------------------------------------------------------------------------------------


class BeslutError(ValueError):
    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


class SplitBeslut(NamedTuple):
    outcome: Outcome
    insats: str
    lagrum: str | None
    qualifier: str | None = None  # what follows the law reference ("natt", "vuxna")


_OUTCOMES: list[tuple[re.Pattern[str], Outcome]] = [
    (re.compile(r"delvis\s+(?:bifall|beviljat|beviljad|avslag)", re.IGNORECASE), "delvis_bifall"),
    (re.compile(r"(?:bifall|beviljat|beviljad|beviljas|beviljande)", re.IGNORECASE), "bifall"),
    (re.compile(r"(?:avslag|avslås|avslaget|avslagen)", re.IGNORECASE), "avslag"),
]
_SEPARATOR = re.compile(r"(?<!\w)(?:enligt|enl\.?)(?=\s|\d|$)", re.IGNORECASE)
_WORD_START = re.compile(r"(?<!\S)\S")


def split_beslut(text: str) -> SplitBeslut:
    """Split "Bifall Hemtjänst enligt 4 kap, 1§ SoL natt" into outcome, insats, lagrum and the
    qualifier after the law reference, each as written.

    Raises BeslutError (Swedish and English message, no values) when there is no outcome word
    at the start or no insats after it, or when the text is longer than ``SHORT_TEXT``.
    """
    if len(text) > SHORT_TEXT:  # not read: the law reference is looked for at every word
        raise BeslutError(Text(f"är för lång (högst {SHORT_TEXT} tecken)", f"is too long (at most {SHORT_TEXT} characters)"))
    text = " ".join(text.split())
    outcome, rest = _outcome(text)
    insats, lagrum, qualifier = _split_lagrum(rest)
    if not insats:
        raise BeslutError(Text("saknar insats efter utfallet", "has no insats after the outcome"))
    return SplitBeslut(outcome, insats, lagrum, qualifier)


def split_insats(text: str) -> tuple[str, str | None, str | None]:
    """ "Bostad med särskild service för vuxna enligt 9 § 9 LSS" as (insats, lagrum, qualifier),
    each as written: ``split_beslut`` without the outcome word (lists that hold only grants)."""
    return _split_lagrum(" ".join(text.split()))


def _outcome(text: str) -> tuple[Outcome, str]:
    for pattern, outcome in _OUTCOMES:
        match = pattern.match(text)
        if match and not (match.end() < len(text) and text[match.end()].isalnum()):  # not "Bifallet"
            return outcome, text[match.end() :].lstrip(" :.,;–-")
    raise BeslutError(
        Text("börjar inte med ett utfall (Bifall, Avslag eller Delvis bifall)", "does not start with an outcome (Bifall, Avslag or Delvis bifall)"),
    )


def _split_lagrum(rest: str) -> tuple[str, str | None, str | None]:
    """(insats, lagrum, qualifier); a law reference in parentheses or with a final full stop loses them."""
    separators = list(_SEPARATOR.finditer(rest))
    # The first separator after which a law reference follows (alone or with a qualifier); else the last one.
    for match in separators:
        insats, after = rest[: match.start()].strip(), rest[match.end() :].strip()
        read = _read_lagrum(after) if insats else None
        if read is not None:
            return insats, *read
    for match in reversed(separators):
        insats, lagrum = rest[: match.start()].strip(), rest[match.end() :].strip()
        if insats:
            return insats, lagrum or None, None
    # No separator: the longest trailing law reference, leaving at least one word of insats;
    # else the first law reference followed by a qualifier.
    starts = list(_WORD_START.finditer(rest))[1:]
    for match in starts:
        candidate = rest[match.start() :].strip()
        if try_parse_lagrum(_unwrap(candidate)) is not None:
            insats = rest[: match.start()].strip(" ,;:-–")
            return ("" if _SEPARATOR.fullmatch(insats) else insats), _readable(candidate), None
    for match in starts:
        read = _read_lagrum(rest[match.start() :])
        if read is not None:
            insats = rest[: match.start()].strip(" ,;:-–")
            return ("" if _SEPARATOR.fullmatch(insats) else insats), *read
    return rest.strip(), None, None


def _read_lagrum(text: str) -> tuple[str, str | None] | None:
    """(law reference as written, qualifier or None) when ``text`` starts with a law reference."""
    if try_parse_lagrum(_unwrap(text)) is not None:
        return _readable(text), None
    found = try_parse_lagrum_prefix(text)
    if found is None:
        return None
    text = text.strip()
    written = text[: len(text) - len(found[1])].rstrip()
    return written, _unwrap(found[1].strip(" ,;:-–")) or None


def _readable(lagrum: str) -> str:
    """The law reference as written, or without wrapping parentheses/full stop if only that parses."""
    return lagrum if try_parse_lagrum(lagrum) is not None else _unwrap(lagrum)


def _unwrap(text: str) -> str:
    text = text.strip().rstrip(".")
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


# ---- other columns ---------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def parse_beslutsdatum(text: str) -> date:
    """ÅÅÅÅMMDD or ÅÅÅÅ-MM-DD; ValueError otherwise."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError("not a date")
    return date(*(int(part) for part in match.groups()))


# Spellings of kvinna and man. Anything else ("HEN", "X", "Annat") is kept as written with
# sex "annat": a row is never dropped for its sex. The words below say the sex is unknown.
_SEX = {"kvinna": "kvinna", "k": "kvinna", "kv": "kvinna", "man": "man", "m": "man"}
_UNKNOWN_SEX = {"", "okänt", "okant", "okänd", "okand", "uppgift saknas", "-"}


def parse_sex(text: str | None) -> tuple[str | None, str | None]:
    """(sex, sex_written) of a Kön cell: kvinna/man, or "annat" with the value as written;
    (None, None) for an unknown sex ("Okänt", "-", empty)."""
    if not text or text.casefold() in _UNKNOWN_SEX:
        return None, None
    sex = _SEX.get(text.casefold().rstrip("."))
    return (sex, None) if sex is not None else ("annat", text)


def activities_from_text(text: str) -> list[Activity]:
    """Activities with frequencies written in free text, as ``Activity(from_text=True)``.

    "dusch 1 gg/v, städ 1gg/3:e v, inköp 1 ggr/v, trygghetslarm." gives dusch ("1 gg/v"),
    städ ("1gg/3:e v"), inköp ("1 ggr/v") and trygghetslarm (no frequency). The frequency is
    the text as written, where the quantity was found. Linear in the length of the text.
    """
    activities: list[Activity] = []
    for name, quantity, span in find_activities(text):
        frequency = text[span[0] : span[1]].strip(" .,;:!?()") if span is not None else None
        if quantity is not None and not frequency:
            try:
                frequency = quantity.canonical()
            except ValueError:
                frequency = None
        activities.append(Activity(text=name, frequency=frequency, from_text=True))
    return activities


# ---- rows ----------------------------------------------------------------------------------------


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    return cells[index].strip() if index < len(cells) else ""


def _row(cells: list[str], columns: dict[str, int], stem: str, name: str, line: int) -> ReadResult:
    record = f"{name}:{line}"
    problems: list[tuple[str, str, str]] = []  # column, Swedish, English

    beslut_text = _cell(cells, columns.get("Beslut"))
    split: SplitBeslut | None = None
    if beslut_text is None:
        problems.append(("Beslut", "kolumnen saknas i rubriken", "the column is missing from the header"))
    elif not beslut_text:
        problems.append(("Beslut", "är tom", "is empty"))
    else:
        try:
            split = split_beslut(beslut_text)
        except BeslutError as error:
            problems.append(("Beslut", error.message.sv, error.message.en))

    decided_on = None
    date_text = _cell(cells, columns.get("Beslutsdatum"))
    if date_text:
        try:
            decided_on = parse_beslutsdatum(date_text)
        except ValueError:
            problems.append(("Beslutsdatum", "är inte ett datum (väntade ÅÅÅÅMMDD eller ÅÅÅÅ-MM-DD)",
                             "is not a date (expected YYYYMMDD or YYYY-MM-DD)"))  # fmt: skip

    birth_year = None
    year_text = _cell(cells, columns.get("Födelseår"))
    if year_text:
        if re.fullmatch(r"\d{4}", year_text) and 1880 <= int(year_text) <= 2100:
            birth_year = int(year_text)
        else:
            problems.append(("Födelseår", "är inte ett årtal (fyra siffror, 1880–2100)",
                             "is not a year (four digits, 1880-2100)"))  # fmt: skip

    sex, sex_written = parse_sex(_cell(cells, columns.get("Kön")))

    reason = _cell(cells, columns.get("Anledning till avslag"))
    if reason is not None and len(reason) > LONG_TEXT:  # not read for activities, nor kept
        problems.append(("Anledning till avslag", f"är för lång (högst {LONG_TEXT} tecken)",
                         f"is too long (at most {LONG_TEXT} characters)"))  # fmt: skip

    if problems or split is None:
        return InputError(
            record=record,
            line=line,
            message=Text("ogiltig rad: " + "; ".join(f"{column}: {sv}" for column, sv, _ in problems), "invalid row: " + "; ".join(f"{column}: {en}" for column, _, en in problems)),
            fields=tuple(dict.fromkeys(column for column, _, _ in problems)),
        )

    justification = None
    if reason:
        justification = reason
    elif reason is not None and split.outcome != "bifall":
        justification = ""  # the export's reasons column, known to be empty
    activities = activities_from_text(reason) if reason else []
    decider = _cell(cells, columns.get("Beslutsfattare"))
    try:
        return Decision(
            id=f"{stem}:{line}",
            decided_on=decided_on,
            decided_by=DecidedBy(id=decider) if decider else None,
            person=Person(birth_year=birth_year, sex=sex, sex_written=sex_written)
            if birth_year is not None or sex else None,
            insats=split.insats,
            lagrum=split.lagrum,
            insats_qualifier=split.qualifier,
            outcome=split.outcome,
            scope=Scope(activities=activities) if activities else None,
            justification=justification,
            source=record,
        )
    except ValidationError as error:  # the checks above should rule this out
        message, fields = describe_validation(error)
        return InputError(record=record, line=line, message=message, fields=fields)


def import_delegationslista(path: str | os.PathLike | IO, *, encoding: str = "utf-8") -> Iterator[ReadResult]:
    """Decisions from a delegation list (TSV or CSV), one result per row, in order.

    ``path`` may also be a stream (text or binary). A file that cannot be opened yields one
    InputError; so does a file without a header line.
    """
    yield from export_rows(path, encoding, _columns, _HEADER, "\t", "delegationslista", _row)


def export_rows(path: str | os.PathLike | IO, encoding: str, columns: Callable[[list[str]], Any], header: Text,
                delimiter: str, stream_stem: str, row: Callable[[list[str], Any, str, str, int], Any]) -> Iterator:
    """The rows of a case system's export (a delegation list, a list of decisions not carried
    out), each made into a record by ``row(cells, columns, stem, name, line)``, in order; an
    unreadable row, a file without a header or one that cannot be opened is an InputError.
    ``stream_stem`` names the records of a stream, which has no file name to take it from."""
    name = source_name(path)
    stem = Path(name).stem if name != "<ström>" else stream_stem
    try:
        with _binary(path, encoding) as stream:
            for found in csv_table(stream, name, columns, header, encoding=encoding, default=delimiter):
                if isinstance(found, InputError):
                    yield found
                else:
                    line, found_columns, cells = found
                    yield row(cells, found_columns, stem, name, line)
    except _Unreadable as error:
        yield InputError(record=name, message=error.message)
    except UnicodeDecodeError:  # a text stream that could not decode
        yield InputError(record=name, message=Text("resten av filen kan inte avkodas", "the rest of the file cannot be decoded"))  # fmt: skip
    except OSError as error:
        reason = error.strerror or type(error).__name__
        yield InputError(record=name, message=Text(f"filen kan inte läsas ({reason})", f"cannot read the file ({reason})"))
