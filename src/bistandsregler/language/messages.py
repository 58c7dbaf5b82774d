"""Messages in Swedish and English: ``Text`` and ``Severity``, shared by every stage.

A user-facing message is written once as a ``Text`` with both forms side by side and turned
into a string in one place, ``Text.render(lang)``. A template's placeholders are filled from
arguments that may themselves be ``Text`` values, rendered in the same language, so a
message never needs a parallel ``x_en`` argument. Swedish is the default; any other
``lang`` than ``"en"`` renders Swedish.

``decimal`` is the one place a number's decimal mark follows the language (locale
formatting, not wording): the callers round, ``decimal`` only writes the mark.

``Severity`` is the one severity of diagnostics (guideline files) and findings (decisions).
Its value is the Swedish word, so JSON output and ``--fail-on`` spell it as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    """A message, or a message template, in Swedish and English."""

    sv: str
    en: str

    @classmethod
    def same(cls, text: str) -> Text:
        """A text that reads the same in both languages (a name, a number, a quoted word)."""
        return cls(text, text)

    def render(self, lang: str = "sv", args: Mapping[str, Any] | None = None) -> str:
        """This text in ``lang``; with ``args``, a template filled with ``str.format`` rules.
        A ``Text`` argument is rendered in ``lang``; a placeholder without a value is empty."""
        template = self.en if lang == "en" else self.sv
        if args is None:
            return template
        return template.format_map(_Args({k: v.render(lang) if isinstance(v, Text) else v for k, v in args.items()}))

    def fill(self, **args: Any) -> Text:
        """The template filled in both languages: a Text again."""
        return Text(self.render("sv", args), self.render("en", args))

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, str):
            return Text(self.sv + other, self.en + other)
        return Text(self.sv + other.sv, self.en + other.en)

    def __radd__(self, other: str) -> Text:
        return Text(other + self.sv, other + self.en)

    def join(self, parts: Iterable[Text | str]) -> Text:
        """The parts with this text between them, each language on its own."""
        items = [p if isinstance(p, Text) else Text.same(p) for p in parts]
        return Text(self.sv.join(p.sv for p in items), self.en.join(p.en for p in items))

    def __str__(self) -> str:
        return self.sv


EMPTY = Text("", "")

_DECIMAL_MARK = Text(",", ".")  # Swedish writes a decimal comma


def decimal(number: str, lang: str = "sv") -> str:
    """A number already rounded and written with a decimal point ("12.5", "-3.2"), with the
    decimal mark of ``lang``: "12,5" in Swedish, "12.5" in English."""
    return number.replace(".", _DECIMAL_MARK.render(lang))


class _Args(dict):
    """Format arguments; a placeholder with no value prints as empty instead of raising."""

    def __missing__(self, key: str) -> str:
        return ""


class Severity(str, Enum):
    """How serious a diagnostic or a finding is. The value is the Swedish word."""

    ERROR = "fel"
    WARNING = "varning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most serious: the order findings and summaries are sorted in."""
        return _RANK[self]

    def render(self, lang: str = "sv") -> str:
        return _WORDS[self].render(lang)

    def __str__(self) -> str:  # the value, on every Python version (3.10 has no StrEnum)
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_WORDS = {Severity.ERROR: Text("fel", "error"), Severity.WARNING: Text("varning", "warning"),
          Severity.INFO: Text("info", "info")}
