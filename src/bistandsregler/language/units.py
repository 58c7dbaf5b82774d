"""Frequencies and durations: "2 gg/v", "var 14:e dag", "20 tim/v", "45 min per tillfälle".

One parser (``grammar/frekvens.lark``) for the notations used in decisions, guidelines and
standard-time tables. Results are exact (``fractions.Fraction``) under the calendar
convention: a month is 1/12 of a year, so a month holds 365/12 days, 52/12 = 13/3 weeks and
1/12 year. Nothing is rounded inside this module; ``round_minutes``, ``format_hours`` and
``round_to_step`` (fee bands) are the only places that round, and they round half up
(towards plus infinity).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import PurePath
from typing import Literal

from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedToken, VisitError
from pydantic import BaseModel

from bistandsregler.language.caching import lark_cache
from bistandsregler.language.expected import OR, Group, Vocabulary, matches
from bistandsregler.language.messages import EMPTY, Text, decimal
from bistandsregler.language.resources import grammar_text

MAX_LENGTH = 200


class Period(str, Enum):
    DAY = "dag"
    WEEK = "vecka"
    MONTH = "månad"
    YEAR = "år"


# How many of each period there are in a month (calendar convention, exact).
PER_MONTH: dict[Period, Fraction] = {
    Period.DAY: Fraction(365, 12),
    Period.WEEK: Fraction(52, 12),
    Period.MONTH: Fraction(1),
    Period.YEAR: Fraction(1, 12),
}

Kind = Literal["tillfällen", "tid", "varaktighet"]

# Spellings as real decisions and guidelines write them: the frequency page of the guide shows
# how each reads, and the language server offers them where a frequency is written.
FREQUENCY_EXAMPLES = (
    "2 gg/v",
    "1gg/3:e v",
    "1 ggr/v.",
    "var 14:e dag",
    "varannan vecka",
    "en gång var tredje vecka",
    "sju besök per dag",
    "dagligen",
    "upp till 2 gånger per vecka",
    "20 tim/v",
    "15 tim/mån",
    "3 timmar/år",
    "2 tim och 15 min per vecka",
    "högst 15 timmar per månad",
    "45 min per tillfälle",
)
BOUNDS = ("högst", "minst", "cirka")


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount as written in a decision or guideline.

    ``kind`` is "tillfällen" (occasions per period), "tid" (minutes per period) or
    "varaktighet" (minutes per occasion, no period). ``every`` is the interval: "var tredje
    vecka" is one occasion with period WEEK and every 3. ``bound`` keeps "högst" (upp till,
    max, maximalt), "minst" or "cirka"; it is carried, never applied to the arithmetic.
    """

    kind: Kind
    amount: Fraction
    period: Period | None
    every: int = 1
    bound: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", Fraction(self.amount))
        if self.kind not in ("tillfällen", "tid", "varaktighet"):
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.amount <= 0:
            raise ValueError("amount must be positive")
        if (self.period is None) != (self.kind == "varaktighet"):
            raise ValueError("a period is required for tillfällen and tid, and forbidden for varaktighet")
        if self.period is not None:
            object.__setattr__(self, "period", Period(self.period))
        if not isinstance(self.every, int) or self.every < 1:
            raise ValueError("every must be a whole number >= 1")
        if self.kind == "varaktighet" and self.every != 1:
            raise ValueError("a varaktighet has no interval")
        if self.bound not in (None, *BOUNDS):
            raise ValueError(f"bound must be one of {BOUNDS} or None")

    def per_month(self) -> Fraction:
        """Occasions per month (tillfällen) or minutes per month (tid), exact."""
        if self.period is None:
            raise ValueError("a varaktighet (time per occasion) has no monthly value")
        return self.amount * PER_MONTH[self.period] / self.every

    def canonical(self) -> str:
        """Swedish text that parses back to an equal Quantity.

        Raises ValueError for an amount that has no finite decimal form (e.g. 70/3 minutes).
        """
        parts = [self.bound] if self.bound else []
        if self.kind == "tillfällen":
            parts.append(f"{_decimal(self.amount)} {'gång' if self.amount == 1 else 'gånger'}")
        else:
            parts.append(_duration_text(self.amount))
        if self.period is not None:
            if self.every == 1:
                parts.append(f"per {self.period.value}")
            else:
                parts.append(f"var {self.every}:{_ordinal_suffix(self.every)} {self.period.value}")
        return " ".join(parts)


class FrequencyError(ValueError):
    """A frequency or duration that could not be read: where (1-based column) and what was expected."""

    def __init__(self, text: str, column: int, message: Text) -> None:
        super().__init__(f"kolumn {column}: {message.sv}")
        self.text = text
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple:  # keep it picklable for multiprocessing batches
        return (FrequencyError, (self.text, self.column, self.message))


# ---- formatting helpers ---------------------------------------------------------------------


def _decimal(value: Fraction) -> str:
    """Exact decimal text with a Swedish comma; ValueError if there is no finite one."""
    if value.denominator == 1:
        return str(value.numerator)
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        raise ValueError(f"{value} has no finite decimal form")
    places = max(twos, fives)
    digits = str(abs(value.numerator) * 10**places // value.denominator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]},{digits[-places:]}"


def _duration_text(minutes: Fraction) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {'timme' if hours == 1 else 'timmar'}")
    if rest or not hours:
        parts.append(f"{_decimal(rest)} {'minut' if rest == 1 else 'minuter'}")
    return " ".join(parts)


def _ordinal_suffix(number: int) -> str:
    """Swedish ordinal suffix: 1:a, 2:a, 3:e ... 11:e, 12:e, 21:a, 22:a."""
    return "a" if number % 10 in (1, 2) and number % 100 not in (11, 12) else "e"


def round_minutes(minutes: Fraction) -> int:
    """Round to whole minutes, half up (towards plus infinity): 22.5 -> 23, -22.5 -> -22.

    This is the only rounding of time in the library; do it at the edge, on the final sum.
    """
    return _half_up(Fraction(minutes))


def _half_up(value: Fraction) -> int:
    # floor(n/d + 1/2) in integers (d > 0): the same number, without making Fractions
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def round_to_step(value: Fraction, step: Fraction) -> Fraction:
    """``value`` to the nearest multiple of ``step``, half up: 2.5 at step 1 -> 3, 2.25 at 1/2 -> 5/2.

    The one rounding of fee bands (``nivåer`` with ``steg``); a step of 0 leaves the value exact.
    """
    if not step:
        return Fraction(value)
    return _half_up(Fraction(value) / step) * Fraction(step)


def format_hours(minutes: Fraction, lang: str = "sv") -> str:
    """Minutes as hours: 750 -> "12,5 tim" (Swedish decimal comma) or "12.5 h" in English.

    Rounded half up to at most two decimals; trailing zeros are dropped.
    """
    hundredths = _half_up(Fraction(minutes) * 100 / 60)
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    text = f"{whole}.{frac:02d}".rstrip("0").rstrip(".")
    return f"{sign}{decimal(text, lang)} {HOURS.render(lang)}"


HOURS = Text("tim", "h")  # the unit format_hours writes


JSON_DECIMALS = 2  # numbers in JSON output; the exact value sits beside them as "n/d"


def json_number(value: Fraction) -> int | float:
    """An exact value as a JSON number: whole numbers as integers, others rounded half up to
    ``JSON_DECIMALS`` decimals (346.67 for 1040/3)."""
    if not isinstance(value, (int, Fraction)):
        value = Fraction(value)
    numerator, denominator = value.numerator, value.denominator
    if denominator == 1:
        return numerator
    scale = 10**JSON_DECIMALS
    # half up at JSON_DECIMALS, in integers; int / int is correctly rounded, as float(Fraction) is
    return (2 * numerator * scale + denominator) // (2 * denominator) / scale


def _is_exact_number(value: Fraction) -> bool:
    # n/d in lowest terms times 10**k is whole exactly when d divides 10**k
    return 10**JSON_DECIMALS % Fraction(value).denominator == 0


def _numbers(value: object) -> tuple[object, object, bool]:
    """(value with numbers, value with exact strings, whether a number was rounded)."""
    if isinstance(value, bool) or not isinstance(value, (Fraction, dict, list, tuple)):
        return value, value, False
    if isinstance(value, Fraction):
        return json_number(value), f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator), not _is_exact_number(value)
    if isinstance(value, dict):
        parts = {k: _numbers(v) for k, v in value.items()}
        # A map's exact side holds only its rounded entries: {"a": 4.33, "b": 0} -> {"a": "13/3"}.
        return ({k: p[0] for k, p in parts.items()}, {k: p[1] for k, p in parts.items() if p[2]},
                any(p[2] for p in parts.values()))
    items = [_numbers(v) for v in value]
    return [p[0] for p in items], [p[1] for p in items], any(p[2] for p in items)


def _holds_objects(value: object) -> bool:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    return any(isinstance(v, dict) or _holds_objects(v) for v in items)


def _plain(value: object) -> object:
    """A model's fields as dicts and lists, keeping fractions (pydantic would dump them as text)."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, PurePath)):
        return str(value) if isinstance(value, PurePath) else value.isoformat()
    return value


def exact_json(data: BaseModel | dict) -> dict:
    """A model (or a dict of plain values) as JSON, with its exact values as JSON numbers.

    A field whose value was rounded gets a sibling ``<field>_exact`` with the exact fraction
    as text: ``"minutes": 346.67, "minutes_exact": "1040/3"``; for a map of values, the
    rounded entries only; for a list, the whole list, position by position. Objects
    inside (lists of lines, nested results) are treated the same way, field by field.
    """
    if isinstance(data, BaseModel):
        data = _plain(data)  # type: ignore[assignment]
    assert isinstance(data, dict)
    out: dict = {}
    for key, value in data.items():
        if isinstance(value, dict) and _holds_objects(value) or isinstance(value, (list, tuple)) and any(
            isinstance(v, dict) for v in value
        ):
            out[key] = exact_json(value) if isinstance(value, dict) else [
                exact_json(v) if isinstance(v, dict) else _numbers(v)[0] for v in value
            ]
            continue
        number, exact, rounded = _numbers(value)
        out[key] = number
        if rounded:
            out[f"{key}_exact"] = exact
    return out


def minutes_per_month(duration: Quantity, frequency: Quantity) -> Fraction:
    """Minutes per occasion times occasions per month, exact. Bounds are not applied."""
    if duration.kind != "varaktighet":
        raise ValueError("duration must be a varaktighet (minutes per occasion)")
    if frequency.kind != "tillfällen":
        raise ValueError("frequency must be tillfällen (occasions per period)")
    return duration.amount * frequency.per_month()


# ---- parsing --------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6,
    "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12,
}
_ORDINAL_WORDS = {
    "annan": 2, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6, "sjunde": 7,
    "åttonde": 8, "nionde": 9, "tionde": 10, "elfte": 11, "tolfte": 12,
}
_PERIODS = {"DAY": Period.DAY, "WEEK": Period.WEEK, "MONTH": Period.MONTH, "YEAR": Period.YEAR}
_ADVERBS = {"dagligen": Period.DAY, "veckovis": Period.WEEK, "månadsvis": Period.MONTH, "årligen": Period.YEAR}
_BOUNDS = {"AT_MOST": "högst", "AT_LEAST": "minst", "ABOUT": "cirka"}
_MINUTES_PER_UNIT = {"HOUR": 60, "MINUTE": 1, "QUARTER": 15, "HALF_HOUR": 30}


class _Invalid(Exception):
    """A well-formed text with an impossible value (zero occasions, 'var 0:e vecka')."""

    def __init__(self, token: Token, message: Text) -> None:
        super().__init__(message.sv)
        self.token = token
        self.message = message


def _number(token: Token) -> Fraction:
    if token.type == "NUMWORD":
        return Fraction(_NUMBER_WORDS[token.lower()])
    if token.type == "X_COUNT":
        value = Fraction(int(token[1:].strip()))  # "x\x1f2": the grammar's \s is wider than int()'s spaces
    else:
        value = Fraction(token.replace(",", "."))
    if value <= 0:
        raise _Invalid(token, Text("antalet måste vara större än noll", "the number must be greater than zero"))
    return value


def _interval(token: Token) -> int:
    if token.type == "ORDINAL_WORD":
        return _ORDINAL_WORDS[token.lower()]
    value = int(token.split(":")[0]) if token.type == "ORDINAL_NUM" else int(_number(token))
    if value < 1:
        raise _Invalid(token, Text("väntade ett ordningstal från 1 och uppåt, t.ex. '3:e' eller 'tredje'",
                                   "expected an ordinal from 1 up, e.g. '3:e' or 'tredje'"))
    return value


class _ToQuantity(Transformer):
    """Parse tree -> Quantity. Rates become (period, every); durations become minutes."""

    def start(self, children: list) -> Quantity:
        bound = children[0] if len(children) == 2 else None
        kind, amount, rate = children[-1]
        period, every = rate if rate else (None, 1)
        return Quantity(kind, amount, period, every, bound)

    def bound(self, children: list) -> str:
        return _BOUNDS[children[0].type]

    def occasions(self, children: list) -> tuple:
        return ("tillfällen", children[0], children[-1])

    def once(self, children: list) -> tuple:
        return ("tillfällen", Fraction(1), children[0])

    def time(self, children: list) -> tuple:
        return ("tid", children[0], children[1])

    def per_occasion(self, children: list) -> tuple:
        return ("varaktighet", children[0], None)

    def count(self, children: list) -> Fraction:
        return _number(children[0])

    def duration(self, children: list) -> Fraction:
        return sum(children, Fraction(0))

    def hours(self, children: list) -> Fraction:
        return _number(children[0]) * 60

    def minutes(self, children: list) -> Fraction:
        return _number(children[0]) * _MINUTES_PER_UNIT[children[1].type]

    def per_period(self, children: list) -> tuple:
        return (_PERIODS[children[0].type], 1)

    def per_n(self, children: list) -> tuple:
        return (_PERIODS[children[1].type], _interval(children[0]))

    per_nth = per_n

    def each(self, children: list) -> tuple:
        return (_PERIODS[children[0].type], 1)

    def nth(self, children: list) -> tuple:
        return (_PERIODS[children[-1].type], _interval(children[0]) if len(children) == 2 else 1)

    def every_other(self, children: list) -> tuple:
        return (_PERIODS[children[0].type], 2)

    def adverb(self, children: list) -> tuple:
        return (_ADVERBS[children[0].lower()], 1)


@cache
def _parser() -> Lark:
    return Lark(grammar_text("frekvens.lark"), parser="lalr", lexer="contextual", **lark_cache("frekvens"))


# What the parser may expect next, as a reader thinks of it: (terminals, noun, examples).
# A group is left out when an earlier one with the same noun was already named.
# A group is named when any of its terminals is expected, each wording once; other terminals
# are not named.
_PERIOD = Text("en period", "a period")
_VOCABULARY = Vocabulary(other=None, groups=tuple(Group(frozenset(terminals), text, example, any=True, unless=unless)
                                                 for terminals, text, example, unless in [
    ({"OCCASION", "HOUR", "MINUTE", "QUARTER", "HALF_HOUR"}, Text("en enhet", "a unit"),
     Text("'gånger', 'gg', 'tim' eller 'min'", "'gånger', 'gg', 'tim' or 'min'"), frozenset()),
    ({"_PER"}, _PERIOD, Text("'per vecka' eller '/v'", "'per vecka' or '/v'"), frozenset()),
    ({"DAY", "WEEK", "MONTH", "YEAR"}, _PERIOD, Text("'vecka' eller 'v'", "'vecka' or 'v'"), frozenset()),
    ({"INT", "DECIMAL", "NUMWORD", "X_COUNT"}, Text("ett antal", "a number"), Text("'2' eller 'två'", "'2' or 'två'"),
     frozenset()),
    ({"_EACH", "_VAR", "_EVERY_OTHER", "ADVERB"}, Text("en frekvens", "a frequency"),
     Text("'varje vecka' eller 'varannan vecka'", "'varje vecka' or 'varannan vecka'"), frozenset({"_PER"})),
    ({"ORDINAL_NUM", "ORDINAL_WORD"}, Text("ett ordningstal", "an ordinal"),
     Text("'3:e' eller 'tredje'", "'3:e' or 'tredje'"), frozenset()),
]))
_EXPECTED, _EG = Text("väntade ", "expected "), Text("t.ex. ", "e.g. ")


def _expected_message(expected: set[str]) -> Text:
    found = matches(expected, _VOCABULARY)
    if not found:
        return Text("väntade att texten skulle ta slut här", "expected the text to end here")
    if len(found) == 1:
        return _EXPECTED + found[0].text + ", " + _EG + (found[0].example or EMPTY)
    return _EXPECTED + OR.join(g.text + " (" + _EG + (g.example or EMPTY) + ")" for g in found)


_PERIOD_TERMINALS = {"DAY", "WEEK", "MONTH", "YEAR"}


def _error(text: str, error: UnexpectedInput) -> FrequencyError:
    if isinstance(error, UnexpectedToken):
        expected = set(error.accepts or error.expected)
        if error.token.type in _PERIOD_TERMINALS and "OCCASION" in expected:
            # "två veckor varannan vecka": a length of time where a unit was due.
            word = str(error.token)
            message = Text(f"'{word}' är en period, inte en enhet: efter antalet väntade 'gånger' eller en tid "
                           "('tim', 'min'), t.ex. '2 gånger varannan vecka' eller '3 tim per vecka'",
                           f"'{word}' is a period, not a unit: after the number, expected 'gånger' or a time "
                           "('tim', 'min'), e.g. '2 gånger varannan vecka' or '3 tim per vecka'")
            return FrequencyError(text, error.token.start_pos + 1, message)
        if error.token.type == "$END":
            column = len(text.rstrip()) + 1
        else:
            column = error.token.start_pos + 1
    elif isinstance(error, UnexpectedCharacters):
        expected, column = set(error.allowed or ()), (error.pos_in_stream or 0) + 1
    else:  # UnexpectedEOF; not raised by LALR, kept for safety
        expected, column = set(getattr(error, "expected", ())), len(text.rstrip()) + 1
    return FrequencyError(text, column, _expected_message(expected))


@lru_cache(maxsize=8192)
def parse_quantity(text: str) -> Quantity:
    """Read a frequency or duration; raises FrequencyError with a 1-based column."""
    if len(text) > MAX_LENGTH:
        raise FrequencyError(text, MAX_LENGTH + 1, Text(f"texten är för lång (högst {MAX_LENGTH} tecken)",
                                                        f"the text is too long (at most {MAX_LENGTH} characters)"))
    if not text.strip():
        raise FrequencyError(text, 1, Text("texten är tom; väntade t.ex. '2 gånger per vecka' eller '45 min'",
                                          "the text is empty; expected e.g. '2 gånger per vecka' or '45 min'"))
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _error(text, error) from None
    try:
        return _ToQuantity().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, _Invalid):
            invalid = error.orig_exc
            raise FrequencyError(text, (invalid.token.start_pos or 0) + 1, invalid.message) from None
        raise


def try_parse_quantity(text: str) -> Quantity | None:
    try:
        return parse_quantity(text)
    except FrequencyError:
        return None


# ---- finding quantities in free text ----------------------------------------------------------

_WORD = re.compile(r"\S+")
_PUNCTUATION = " \t\r\n.,;:!?()[]\"'«»–—-"
# Words that join an activity to its quantity ("hemtjänst med fyra besök per dag").
_JOINING = {"med", "i", "om", "på"}
# Words that lead into a list of activities ("I beslutet ingår även dusch 1 gg/v").
_LEAD_IN = {
    "ingår", "även", "också", "samt", "inklusive", "beviljas", "beviljat", "beviljad",
    "beviljades", "beviljats", "omfattar", "omfattas", "innefattar", "är", "har", "får",
    "ges", "erhåller",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_SEPARATOR = re.compile(r";|:\s|(?<!\d),|,(?!\d)|\s(?:och|samt)\s", re.IGNORECASE)
_SINGLE_WORD = re.compile(r"[^\W\d_][\w-]*")


def _prefix_ends(text: str) -> list[int]:
    """End offsets of the prefixes of ``text`` that the grammar accepts as complete, one pass."""
    interactive = _parser().parse_interactive(text)
    tokens = interactive.lexer_thread.lex(interactive.parser_state)
    ends: list[int] = []
    last_end = 0
    while True:
        try:
            token = next(tokens)
        except StopIteration:
            break
        except UnexpectedInput:  # the lexer stopped; everything before was fed
            break
        if last_end and "$END" in interactive.choices():
            ends.append(last_end)
        try:
            interactive.feed_token(token)
        except UnexpectedInput:
            return ends
        last_end = token.end_pos
    if last_end and "$END" in interactive.choices():
        ends.append(last_end)
    return ends


# A quantity is at most MAX_LENGTH characters (parse_quantity refuses longer ones), so the
# search for one that starts at a word reads a window of the text, never the rest of it:
# that keeps finding quantities linear in the length of the text. The window is twice the
# longest quantity, so a token cut at its end lies past every prefix that can parse.
_WINDOW = 2 * MAX_LENGTH


@cache
def _can_start() -> re.Pattern[str]:
    """What a quantity can begin with: the terminals the grammar accepts first (a bound, a
    number, "x2", varje/var/varannan, dagligen ...), taken from the parser itself so the two
    cannot drift. A word that matches none of them starts no quantity: the parser is not asked."""
    parser = _parser()
    first = sorted(parser.parse_interactive("").accepts() - {"$END"})
    return re.compile("|".join(parser.get_terminal(name).pattern.to_regexp() for name in first))


def _quantity_at(text: str, start: int) -> tuple[int, Quantity] | None:
    """The longest quantity that begins at ``start``: (end offset, quantity)."""
    if _can_start().match(text, start) is None:
        return None
    window = text[start : start + _WINDOW]
    for end in reversed(_prefix_ends(window)):
        if end > MAX_LENGTH:
            continue
        quantity = try_parse_quantity(window[:end])
        if quantity is not None:
            return start + end, quantity
    return None


# Activity texts and goals repeat across a year of decisions ("dusch 2 gg/v"): where the
# quantities stand in a text is a pure function of the text, so it is remembered, for texts
# up to MEMO_LENGTH characters (a long reasons text is read afresh) and MEMO_SIZE of them.
MEMO_LENGTH = 1_000
MEMO_SIZE = 8_192


def _quantities(text: str) -> tuple[tuple[int, int, Quantity], ...]:
    """Every quantity in ``text``, left to right, each starting at a word: (start, end, quantity)."""
    if len(text) <= MEMO_LENGTH:
        return _remembered_quantities(text)
    return _read_quantities(text)


def _read_quantities(text: str) -> tuple[tuple[int, int, Quantity], ...]:
    found: list[tuple[int, int, Quantity]] = []
    position = 0
    for word in _WORD.finditer(text):
        if word.start() < position:
            continue
        match = _quantity_at(text, word.start())
        if match is not None:
            found.append((word.start(), match[0], match[1]))
            position = match[0]
    return tuple(found)


_remembered_quantities = lru_cache(maxsize=MEMO_SIZE)(_read_quantities)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(_PUNCTUATION)


def _name_before(text: str) -> str:
    """The activity name in the text before a quantity: after any lead-in, without a joining word."""
    words = _clean(text).split()
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower().strip(_PUNCTUATION) in _LEAD_IN:
            words = words[index + 1 :]
            break
    if words and words[-1].lower() in _JOINING:
        words = words[:-1]
    return _clean(" ".join(words))


def split_activity(text: str) -> tuple[str, Quantity | None]:
    """Split "dusch 2 gg/v" into ("dusch", Quantity). Without a quantity: (text, None).

    The name is the text before the first word where a quantity starts, without punctuation,
    a lead-in ("beviljas") or a joining "med"; if nothing stands before the quantity, the text
    after it. Text after the quantity is otherwise ignored.
    """
    found = _quantities(text)
    if not found:
        return _clean(text), None
    start, end, quantity = found[0]
    return _name_before(text[:start]) or _clean(text[end:]), quantity


def split_activities(text: str) -> list[tuple[str, Quantity | None]]:
    """The activities listed in a free text, e.g. a decision's reasons.

    Phrases are separated by commas, semicolons, "och"/"samt" and sentence ends (never inside a
    quantity: "2 tim och 15 min" stays whole). Conservative: a phrase is returned when it holds
    a quantity, or when it is a single word in a sentence that also lists quantities
    ("..., inköp 1 ggr/v, trygghetslarm.").
    """
    return [(name, quantity) for name, quantity, _ in find_activities(text)]


def find_activities(text: str) -> list[tuple[str, Quantity | None, tuple[int, int] | None]]:
    """``split_activities`` with where each quantity stands in ``text``: (start, end) or None.

    Linear in the length of the text: quantities are searched in a window at each word, and
    separators and phrases are matched to quantities by bisection, not pair by pair.
    """
    result: list[tuple[str, Quantity | None, tuple[int, int] | None]] = []
    bounds, offset = [], 0
    for gap in _SENTENCE_END.finditer(text):
        bounds.append((offset, gap.start()))
        offset = gap.end()
    bounds.append((offset, len(text)))
    for base, sentence_end in bounds:
        sentence = text[base:sentence_end]
        spans = _quantities(sentence)
        if not spans:
            continue
        starts = [start for start, _, _ in spans]
        cuts = [0]
        for separator in _SEPARATOR.finditer(sentence):
            # the last quantity starting before the separator is the only one that can hold it
            i = bisect_left(starts, separator.start()) - 1
            if not (i >= 0 and spans[i][0] < separator.start() < spans[i][1]):
                cuts += [separator.start(), separator.end()]
        cuts.append(len(sentence))
        for begin, finish in zip(cuts[::2], cuts[1::2], strict=True):
            first = bisect_left(starts, begin)
            if first < len(spans) and spans[first][0] < finish:
                start, end, quantity = spans[first]
                name = _name_before(sentence[begin:start]) or _clean(sentence[end:finish])
                result.append((name, quantity, (base + start, base + end)))
            elif _SINGLE_WORD.fullmatch(_clean(sentence[begin:finish])):
                result.append((_clean(sentence[begin:finish]), None, None))
    return result


# ---- money --------------------------------------------------------------------------------------

# What an amount in kronor is counted per: a fee per hour, a ceiling per month, a rate per
# day or stay, a base amount per year (prisbasbeloppet) or a plain sum.
MoneyPer = Literal["timme", "dygn", "dag", "vecka", "månad", "år"]
_MONEY_PER: dict[str, MoneyPer] = {
    "timme": "timme", "timmen": "timme", "tim": "timme", "h": "timme", "t": "timme",
    "dygn": "dygn", "dygnet": "dygn", "dag": "dag", "dagen": "dag",
    "vecka": "vecka", "veckan": "vecka", "v": "vecka",
    "månad": "månad", "månaden": "månad", "mån": "månad", "mnd": "månad",
    "år": "år", "året": "år",
}
_MONEY_EN = {"timme": "hour", "dygn": "day and night", "dag": "day", "vecka": "week", "månad": "month", "år": "year"}
MAX_KRONOR = 10**9  # a billion kronor: no fee or rate of the language is larger
# "415 kr per timme", "2 642,08 kronor/mån", "58 800 kr", "kr per månad" (a unit alone).
_MONEY = re.compile(
    r"\s*(?P<amount>\d{1,3}(?:[  ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)?\s*"
    r"(?P<unit>kr|kronor|sek)\.?"
    r"(?:\s*(?:/|per\b|i\b|om\b)\s*(?P<per>[^\W\d]+)\.?)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in kronor, exact, per a period or an hour (``per``) or a plain sum (``None``)."""

    kronor: Fraction
    per: MoneyPer | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kronor", Fraction(self.kronor))
        if self.kronor < 0 or self.kronor > MAX_KRONOR:
            raise ValueError(f"an amount from 0 to {MAX_KRONOR} kronor")
        if self.per is not None and self.per not in _MONEY_EN:
            raise ValueError(f"unknown money unit per {self.per!r}")

    def unit(self) -> str:
        """The unit as the language writes it: "kr per timme", "kr"."""
        return money_unit_text(self.per)

    def canonical(self) -> str:
        """Swedish text that parses back to an equal Money ("415 kr per timme"); two decimals at
        most are written exactly, a longer fraction raises ValueError (as Quantity.canonical)."""
        return f"{_decimal(self.kronor)} {self.unit()}"


KRONOR = Text("kr", "SEK")  # the unit format_kronor writes


def money_unit_text(per: MoneyPer | None, lang: str = "sv") -> str:
    """ "kr per timme" (the language's spelling), "SEK per hour" in English."""
    unit = KRONOR + (Text(f" per {per}", f" per {_MONEY_EN[per]}") if per else EMPTY)
    return unit.render(lang)


def _money_match(text: str) -> tuple[re.Match | None, MoneyPer | None, Text]:
    if len(text) > MAX_LENGTH:
        return None, None, Text(f"texten är för lång (högst {MAX_LENGTH} tecken)",
                                f"the text is too long (at most {MAX_LENGTH} characters)")
    found = _MONEY.fullmatch(text)
    if found is None:
        return None, None, Text("väntade ett belopp i kronor, t.ex. '415 kr per timme' eller '2 642 kr per månad'",
                                "expected an amount in kronor, e.g. '415 kr per timme' or '2 642 kr per månad'")
    word = found.group("per")
    if word is None:
        return found, None, EMPTY
    per = _MONEY_PER.get(word.casefold())
    if per is None:
        return None, None, Text(f"'{word}' är ingen enhet för ett belopp; väntade timme, dygn, dag, vecka, månad eller år",
                                f"'{word}' is no unit for an amount; expected timme, dygn, dag, vecka, månad or år")
    return found, per, EMPTY


def parse_money(text: str) -> Money:
    """Read an amount in kronor ("415 kr per timme", "58 800 kr"); raises FrequencyError."""
    found, per, problem = _money_match(text)
    if found is None:
        raise FrequencyError(text, 1, problem)
    amount = found.group("amount")
    if amount is None:
        raise FrequencyError(text, 1, Text("beloppet saknas; skriv t.ex. '415 kr per timme'",
                                           "the amount is missing; write e.g. '415 kr per timme'"))
    kronor = Fraction(re.sub(r"[  ]", "", amount).replace(",", "."))
    if kronor > MAX_KRONOR:
        raise FrequencyError(text, found.start("amount") + 1, Text(f"beloppet är större än {MAX_KRONOR} kr",
                                                                   f"the amount is larger than {MAX_KRONOR} SEK"))
    return Money(kronor, per)


def parse_money_unit(text: str) -> MoneyPer | None | Literal[False]:
    """The money unit of a ``värde``'s ``enhet`` ("kr per timme" -> "timme", "kr" -> None), or
    False when the unit is no money unit at all ("år", "timmar per vecka")."""
    if not re.search(r"(?<!\w)(kr|kronor|sek)(?!\w)", text, re.IGNORECASE):
        return False
    found, per, problem = _money_match(text)
    if found is None or found.group("amount") is not None:
        reason = problem if found is None else Text("en enhet har inget belopp; skriv t.ex. 'kr per timme'",
                                                    "a unit has no amount; write e.g. 'kr per timme'")
        raise FrequencyError(text, 1, reason)
    return per


def format_kronor(kronor: Fraction, lang: str = "sv") -> str:
    """Kronor for output, rounded half up to öre: 2642.08 -> "2 642,08 kr", 415 -> "415 kr"."""
    ore = _half_up(Fraction(kronor) * 100)
    whole, part = divmod(abs(ore), 100)
    sign = "-" if ore < 0 else ""
    digits = f"{whole:,}".replace(",", " ")
    text = f"{sign}{digits}" + (f".{part:02d}" if part else "")
    return f"{decimal(text, lang)} {KRONOR.render(lang)}"
