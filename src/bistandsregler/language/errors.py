"""Input the user must fix: ``InputError``, and the personnummer mask every such message passes.

One type for every stage: a record a reader cannot read ("beslut.jsonl:17"), a decision that
does not fit the schema (``InvalidDecision``), files a comparison cannot use. It names where
(``record``, and ``line``/``column`` when known) and why, in Swedish and English, and quotes no
personal data: anything that looks like a personnummer is masked when the error is made.

A reader yields an ``InputError`` as a result in its stream (one per bad record, and goes
on); a function that cannot go on raises it. Either way the caller prints ``text(lang)``.
Errors in the *text* of one value (a law reference, a frequency, an activity) are not
input errors of their own: they carry a column and what was expected (``LagrumError``,
``FrequencyError``) and become part of an ``InputError`` or a diagnostic.
"""

from __future__ import annotations

import re

from bistandsregler.language.messages import Severity, Text

# Input holds personnummer and samordningsnummer (the day plus 60) in many spellings: ten or
# twelve digits, with a dash, a plus (over 100 years old), a space or nothing between the date
# and the last four. Six or eight digits, an optional separator (dash, en dash, plus, with or
# without spaces around it), four digits; not bounded by \b, so a number glued to letters
# ("pnr19391231-4312") is masked too. Wide on purpose: masking a number that was no
# personnummer costs little, the reverse is a leak.
PERSONNUMMER = re.compile(r"\d{6}(?:\d{2})?(?:[ \t]*[-+–][ \t]*|[ \t])?\d{4}")


def mask_personnummer(text: str) -> str:
    """``text`` with anything that looks like a personnummer or samordningsnummer masked.

    Every message that quotes input (a value, a key, a CSV header, a file name) passes it.
    """
    return PERSONNUMMER.sub("[personnummer]", text)


class InputError(ValueError):
    """Input that cannot be used: where, and why, with no personal data.

    ``record`` is "fil.jsonl:17" (file and line), "fil.json[3]" (file and index) or a file
    name, or None when the message itself says what is wrong; ``line`` and ``column`` are
    1-based where known; ``fields`` are the decision fields at fault ("person.birth_year",
    "goals[0].due"). As a finding its code is ``indata.ogiltig``.
    """

    code = "indata.ogiltig"

    def __init__(self, message: Text, record: str | None = None, *, line: int | None = None,
                 column: int | None = None, fields: tuple[str, ...] = ()) -> None:
        self.message = Text(mask_personnummer(message.sv), mask_personnummer(message.en))
        self.record = mask_personnummer(record) if record is not None else None
        self.line = line
        self.column = column
        self.fields = tuple(mask_personnummer(field) for field in fields)  # a field path may hold a key
        super().__init__(self.text())

    def text(self, lang: str = "sv") -> str:
        """A located error as a compiler-style line ("fil.jsonl:17: fel: ..."); else the message."""
        if self.record is None:
            return self.message.render(lang)
        return f"{self.record}: {Severity.ERROR.render(lang)}: {self.message.render(lang)}"

    def __str__(self) -> str:
        return self.text()

    def _key(self) -> tuple:
        return (type(self), self.record, self.message, self.line, self.column, self.fields)

    def __eq__(self, other: object) -> bool:  # a value: two reads of the same bad record are equal
        return isinstance(other, InputError) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:  # picklable for multiprocessing batches
        return (_rebuild, (type(self), self.message, self.record, self.line, self.column, self.fields))


def _rebuild(cls: type[InputError], message: Text, record: str | None, line: int | None, column: int | None,
             fields: tuple[str, ...]) -> InputError:
    error = cls.__new__(cls)
    InputError.__init__(error, message, record, line=line, column=column, fields=fields)
    return error
