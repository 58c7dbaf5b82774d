"""The list of granted decisions not carried out that case systems export for the quarterly
report (SoL 2025:400 34 kap. 1 §, LSS 28 f §), read into decisions.

Such a list holds only favourable decisions, one a row, as a semicolon (or tab) separated
file from Excel or the case system: UTF-8 with a byte order mark or cp1252. Columns (any
order, any case; å/ä/ö may be missing), only Insats and Beslutsdatum required:

- **Id** (Löpnummer, Nr, Beslutsid, Ärende): the decision's id; without it "<file stem>:<line>".
- **Insats** as written, usually with its law reference ("Bostad med särskild service för
  vuxna enl 9 § 9 LSS", "Särskilt boende enligt 4 kap. 1 § SoL"): split as a delegation
  list's Beslut (``split_insats``). A separate **Lagrum** column is read when the Insats cell
  has none.
- **Beslutsdatum**, **Avbrott** (Avbrottsdatum, Datum för avbrott), **Verkställt**
  (Verkställighetsdatum, Datum för verkställighet) and **Återupptaget**: dates as ÅÅÅÅ-MM-DD,
  ÅÅÅÅMMDD, with a time of day after them ("2025-03-14 00:00:00", what Excel writes for a date
  cell saved as text) or an Excel serial day number ("45730", a date cell saved as a number).
  On a row with an interruption date, Verkställt is when the insats was carried out again
  (``resumed_on``) unless an Återupptaget column says that.
- **Kön** M/K/HEN as in a delegation list (``parse_sex``), **Födelseår**.
- **Tid sedan beslut** (Dagar, Antal dagar, Väntetid): the elapsed time the export printed
  ("95", "95 dagar", "4 mån"); kept as written (``ListedDecision.elapsed``): the report
  counts its own days from the dates.
- **Kommentar** (Orsak, Skäl, Skäl till dröjsmålet): the stated reason for the delay
  (``delay_reason``). Dates after "erbjud..." are offers, dates after "tackat nej",
  "tackade nej" or "avböj..." are declines (``offered_on``, ``declined_on``).

The list says what it holds: ``outcome`` is "bifall" (a cell that starts with an outcome word
is read as written), and an empty Verkställt or Återupptaget cell is known: not yet.
Each row is one ``ListedDecision`` or one ``InputError`` naming the line, never quoting a cell.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from pydantic import ValidationError

from bistandsregler.checking.decision import LONG_TEXT, SHORT_TEXT, Decision, Person
from bistandsregler.input.delegationslista import (
    BeslutError,
    export_rows,
    header_key,
    parse_sex,
    split_beslut,
    split_insats,
)
from bistandsregler.input.readers import (
    InputError,
    describe_validation,
)
from bistandsregler.language import encodings
from bistandsregler.language.messages import Text

__all__ = ["COLUMNS", "ListedDecision", "import_unexecuted_list", "is_unexecuted_list_header", "parse_list_date",
           "read_unexecuted_inputs"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "Id": ("id", "lopnummer", "lopnr", "nr", "beslutsid", "arende", "arendenr", "arendenummer"),
    "Insats": ("insats", "typavinsats", "beviljadinsats", "insatstyp", "beslut"),
    "Lagrum": ("lagrum", "lag", "paragraf"),
    "Beslutsdatum": ("beslutsdatum", "datumforbeslut", "beslutsdag", "beslutad"),
    "Avbrott": ("avbrott", "avbrottsdatum", "datumforavbrott", "verkstallighetavbruten", "avbrutet", "avbrottdatum"),
    "Verkställt": ("verkstallt", "verkstalld", "verkstallighetsdatum", "datumforverkstallighet", "verkstalltdatum"),
    "Återupptaget": ("aterupptaget", "aterupptagen", "ateruppt", "verkstalltpanytt", "aterverkstallt"),
    "Kön": ("kon",),
    "Födelseår": ("fodelsear", "fodd", "fodelsearet"),
    "Tid sedan beslut": ("tidsedanbeslut", "dagar", "antaldagar", "vantetid", "tid", "antaldagarsedanbeslut",
                         "dagarsedanbeslut", "forflutentid"),
    "Kommentar": ("kommentar", "orsak", "skal", "skaltilldrojsmal", "skaltilldrojsmalet", "anledning", "notering"),
}
_HEADER_COLUMN = {spelling: column for column, spellings in COLUMNS.items() for spelling in spellings}
_HEADER = Text("inget av fälten är en kolumn i en lista över ej verkställda beslut, t.ex. Insats, Beslutsdatum",
               "none of the fields is a column of a list of decisions not carried out, e.g. Insats, Beslutsdatum")


class ListedDecision(NamedTuple):
    """A row of the list: the decision, and what the comment and the export said besides."""

    decision: Decision
    offered_on: tuple[date, ...] = ()
    declined_on: tuple[date, ...] = ()
    elapsed: str | None = None  # "Tid sedan beslut" as the export printed it


def _columns(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, header in enumerate(cells):
        column = _HEADER_COLUMN.get(header_key(header))
        if column is not None:
            columns.setdefault(column, index)
    # A header names the insats and the decision date; "Beslut" alone is a delegation list.
    return columns if "Insats" in columns and "Beslutsdatum" in columns else None


def is_unexecuted_list_header(cells: list[str]) -> bool:
    """Whether a header row is this list's (Insats and Beslutsdatum among its columns)."""
    return _columns(cells) is not None and not any(c.strip() in Decision.model_fields for c in cells)


_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"\d{5}(?:[.,]0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 in the 1900 system (its 1900-02-29 is behind us)
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 .. 2099-12-31: a five-digit number outside is no date


def parse_list_date(text: str) -> date:
    """A date cell: ÅÅÅÅ-MM-DD or ÅÅÅÅMMDD with an optional time of day, or an Excel serial
    day number; ValueError otherwise."""
    text = text.strip()
    match = _ISO.fullmatch(text)
    if match:
        return date(*(int(part) for part in match.groups()))
    if _SERIAL.fullmatch(text):
        serial = int(re.split(r"[.,]", text)[0])
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=serial)
    raise ValueError("not a date")


_ELAPSED = re.compile(r"\d{1,5}(?:\s*(?:d|dag|dagar|dgr|dar|mån|mån\.|månad|månader|man|manader))?", re.IGNORECASE)
_IN_TEXT_DATE = r"(\d{4}-\d{2}-\d{2}|\d{8})"
# "erbjuden plats 2025-05-12", "erbjudande om plats på Solgården 2025-05-12": the first date
# within a few words after the word; "tackat nej 2025-05-14", "avböjt 2025-05-14" likewise.
_OFFER = re.compile(r"\berbjud\w*\b[^.;\d]{0,60}?" + _IN_TEXT_DATE, re.IGNORECASE)
_DECLINE = re.compile(r"\b(?:tack\w*\s+nej|avböj\w*|avboj\w*)\b[^.;\d]{0,60}?" + _IN_TEXT_DATE, re.IGNORECASE)


def _dates_after(pattern: re.Pattern[str], text: str) -> tuple[date, ...]:
    found = []
    for match in pattern.finditer(text):
        try:
            found.append(parse_list_date(match.group(1)))
        except ValueError:
            continue  # "20251399" is no date: the comment keeps it as written
    return tuple(found)


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    return cells[index].strip() if index < len(cells) else ""


_DATE_PROBLEM = ("är inte ett datum (väntade ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller ett Excel-datum)",
                 "is not a date (expected YYYY-MM-DD, YYYYMMDD or an Excel date)")


def _row(cells: list[str], columns: dict[str, int], stem: str, name: str, line: int) -> ListedDecision | InputError:
    record = f"{name}:{line}"
    problems: list[tuple[str, str, str]] = []

    def date_of(column: str) -> date | None:
        text = _cell(cells, columns.get(column))
        if not text:
            return None
        try:
            return parse_list_date(text)
        except ValueError:
            problems.append((column, *_DATE_PROBLEM))
            return None

    insats_text = _cell(cells, columns.get("Insats")) or ""
    outcome: Any = "bifall"
    insats = lagrum = qualifier = None
    if not insats_text:
        problems.append(("Insats", "är tom", "is empty"))
    elif len(insats_text) > SHORT_TEXT:
        problems.append(("Insats", f"är för lång (högst {SHORT_TEXT} tecken)", f"is too long (at most {SHORT_TEXT} characters)"))
    else:
        try:
            outcome, insats, lagrum, qualifier = split_beslut(insats_text)
        except BeslutError:  # no outcome word: the usual case, a list of grants
            insats, lagrum, qualifier = split_insats(insats_text)
        if not insats:
            problems.append(("Insats", "saknar insats före lagrummet", "has no insats before the law reference"))
    written_ref = _cell(cells, columns.get("Lagrum"))
    if not lagrum and written_ref:
        lagrum = written_ref
    decided_on = date_of("Beslutsdatum")
    if decided_on is None and not any(p[0] == "Beslutsdatum" for p in problems):
        problems.append(("Beslutsdatum", "är tomt", "is empty"))
    interrupted_on = date_of("Avbrott")
    executed = date_of("Verkställt")
    resumed = date_of("Återupptaget")
    birth_year = None
    year_text = _cell(cells, columns.get("Födelseår"))
    if year_text:
        if re.fullmatch(r"\d{4}", year_text) and 1880 <= int(year_text) <= 2100:
            birth_year = int(year_text)
        else:
            problems.append(("Födelseår", "är inte ett årtal (fyra siffror, 1880–2100)", "is not a year (four digits, 1880-2100)"))
    elapsed = _cell(cells, columns.get("Tid sedan beslut")) or None
    if elapsed is not None and not _ELAPSED.fullmatch(elapsed):
        problems.append(("Tid sedan beslut", "är inte ett antal dagar eller månader", "is not a number of days or months"))
    reason = _cell(cells, columns.get("Kommentar")) or None
    if reason is not None and len(reason) > LONG_TEXT:
        problems.append(("Kommentar", f"är för lång (högst {LONG_TEXT} tecken)", f"is too long (at most {LONG_TEXT} characters)"))
    ident = _cell(cells, columns.get("Id")) or f"{stem}:{line}"
    if len(ident) > SHORT_TEXT:
        problems.append(("Id", f"är för långt (högst {SHORT_TEXT} tecken)", f"is too long (at most {SHORT_TEXT} characters)"))
    if problems:
        return InputError(
            record=record, line=line,
            message=Text("ogiltig rad: " + "; ".join(f"{c}: {sv}" for c, sv, _ in problems),
                         "invalid row: " + "; ".join(f"{c}: {en}" for c, _, en in problems)),
            fields=tuple(dict.fromkeys(c for c, _, _ in problems)))
    sex, sex_written = parse_sex(_cell(cells, columns.get("Kön")))
    fields: dict[str, Any] = {
        "id": ident, "decided_on": decided_on, "insats": insats, "lagrum": lagrum, "insats_qualifier": qualifier,
        "outcome": outcome, "delay_reason": reason, "source": record,
    }
    if birth_year is not None or sex is not None:
        fields["person"] = Person(birth_year=birth_year, sex=sex, sex_written=sex_written)
    if interrupted_on is not None:
        # Before the interruption the insats was carried out; Verkställt then means "again".
        fields.update(interrupted_on=interrupted_on, resumed_on=resumed or executed)
        if resumed is not None and executed is not None:
            fields["executed_on"] = executed
    else:
        fields["executed_on"] = executed  # empty: known not carried out, the list's point
    try:
        decision = Decision(**fields)
    except ValidationError as error:  # the checks above should rule this out
        message, names = describe_validation(error)
        return InputError(record=record, line=line, message=message, fields=names)
    text = reason or ""
    return ListedDecision(decision, _dates_after(_OFFER, text), _dates_after(_DECLINE, text), elapsed)


def import_unexecuted_list(path: str | os.PathLike | IO, *, encoding: str = "utf-8") -> Iterator[ListedDecision | InputError]:
    """Decisions from a list of decisions not carried out (CSV/TSV), one result per row, in
    order. A file that cannot be opened, or has no header, yields one InputError."""
    yield from export_rows(path, encoding, _columns, _HEADER, ";", "ej-verkstallda", _row)


_LIST_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")


def read_unexecuted_inputs(path: str | os.PathLike, *, encoding: str = "utf-8") -> Iterator[ListedDecision | InputError | Decision]:
    """A file for the quarterly report: an exported list (a CSV/TSV whose header is the list's),
    else decisions in any format ``read_decisions`` reads (JSON Lines with ``executed_on``...)."""
    from bistandsregler.input.readers import read_decisions, sniff_delimiter

    name = os.fspath(path)
    if Path(name).suffix.lower() in _LIST_SUFFIXES:
        try:
            with open(name, "rb") as handle:
                head = handle.read(1 << 16)
            text = head.decode(encodings.python_codec(encoding), errors="replace").lstrip(encodings.BOM)
            first = next((line for line in text.splitlines() if line.strip()), "")
        except OSError:
            first = ""  # the reader below says what is wrong with the file
        cells = next(csv.reader([first], delimiter=sniff_delimiter(first, ";")), []) if first else []
        if cells and is_unexecuted_list_header(cells):
            yield from import_unexecuted_list(name, encoding=encoding)
            return
        if Path(name).suffix.lower() == ".txt":
            yield from import_unexecuted_list(name, encoding=encoding)  # its own header error, for the file
            return
    yield from read_decisions(name, encoding=encoding)
