"""A decision that does not fit the schema, in words: field paths and what was expected, never values.

The input may hold personal data, so no message built here quotes what was written.
"""

from __future__ import annotations

import difflib
import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bistandsregler.checking.decision import Decision
from bistandsregler.language.errors import InputError, mask_personnummer
from bistandsregler.language.expected import OR
from bistandsregler.language.messages import Text


class InvalidDecision(InputError):
    """A decision that does not match the schema (raised by ``Checker.check`` on a mapping).
    The message names fields, never values."""

    def __init__(self, message: Text, fields: tuple[str, ...]):
        super().__init__(message, fields=fields)


# A key that may be quoted back: the schema's own style (lower case, digits, underscores),
# short. Anything else (a name, an address, a personnummer used as a key) is not repeated.
_FIELD_LIKE = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def _key(item: Any) -> str:
    text = str(item)
    return text if _FIELD_LIKE.fullmatch(text) else "(okänt fält)"


_MESSAGES: dict[str, Text] = {
    "missing": Text("saknas", "is missing"),
    "extra_forbidden": Text("okänt fält", "unknown field"),
    "int_parsing": Text("väntade ett heltal", "expected a whole number"),
    "int_type": Text("väntade ett heltal", "expected a whole number"),
    "int_from_float": Text("väntade ett heltal", "expected a whole number"),
    "float_parsing": Text("väntade ett tal", "expected a number"),
    "float_type": Text("väntade ett tal", "expected a number"),
    "finite_number": Text("väntade ett ändligt tal", "expected a finite number"),
    "bool_parsing": Text("väntade true eller false", "expected true or false"),
    "bool_type": Text("väntade true eller false", "expected true or false"),
    "date_parsing": Text("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": Text("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": Text("väntade ett datum utan klockslag", "expected a date without a time"),
    "date_type": Text("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "string_type": Text("väntade text", "expected text"),
    "list_type": Text("väntade en lista", "expected a list"),
    "tuple_type": Text("väntade en lista", "expected a list"),
    "model_type": Text("väntade ett objekt", "expected an object"),
    "model_attributes_type": Text("väntade ett objekt", "expected an object"),
    "dict_type": Text("väntade ett objekt", "expected an object"),
    "frozen_instance": Text("får inte ändras", "is frozen"),
    "invalid_key": Text("ett fältnamn som inte är text", "a field name that is not text"),
}


def _literal_expected(ctx: dict) -> Text:
    expected = str(ctx.get("expected", ""))
    return Text(f"väntade {expected.replace(' or ', ' eller ')}", f"expected {expected}")


def _phrase(error: ErrorDetails) -> Text:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return _literal_expected(ctx)
    limits = {
        "greater_than_equal": (Text("måste vara minst {limit}", "must be at least {limit}"), "ge"),
        "greater_than": (Text("måste vara större än {limit}", "must be greater than {limit}"), "gt"),
        "less_than_equal": (Text("får vara högst {limit}", "must be at most {limit}"), "le"),
        "less_than": (Text("måste vara mindre än {limit}", "must be less than {limit}"), "lt"),
        "string_too_long": (Text("är för lång (högst {limit} tecken)", "is too long (at most {limit} characters)"), "max_length"),
    }
    if kind in limits:
        template, key = limits[kind]
        return template.fill(limit=ctx.get(key))
    return Text(f"ogiltigt värde ({kind})", f"invalid value ({kind})")


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds, directly or as list items (Goal for list[Goal] | None)."""
    for arg in union_members(annotation):
        origin = get_origin(arg)
        if origin in (list, tuple):
            inner = next((model_of(a) for a in get_args(arg) if model_of(a) is not None), None)
            if inner is not None:
                return inner
        elif isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def union_members(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for arg in get_args(annotation) for a in union_members(arg)]
    return [annotation]


def _location(loc: tuple, extra: bool, top: type[BaseModel] = Decision) -> tuple[str, type[BaseModel] | None]:
    """A pydantic error location as a field path, without union branch tags; and its model."""
    path = ""
    model: type[BaseModel] | None = top
    for index, item in enumerate(loc):
        if isinstance(item, int):
            path += f"[{item}]"
            continue
        last = index == len(loc) - 1
        if model is not None and item in model.model_fields:
            path += f".{item}" if path else item
            model_before = model
            model = model_of(model.model_fields[item].annotation)
            if last:
                return path, model_before
        elif extra and last:
            return (f"{path}.{_key(item)}" if path else _key(item)), model
        # else: a union branch tag ("date", "literal['tills_vidare']"): not part of the path
    return path, model


INVALID_DECISION = Text("ogiltigt beslut: ", "invalid decision: ")


def describe_validation(error: ValidationError, model: type[BaseModel] = Decision,
                        what: Text = INVALID_DECISION) -> tuple[Text, tuple[str, ...]]:
    """The message for a validation error of ``model`` (a decision unless said), naming fields,
    never values; and the fields. ``what`` starts the message."""
    by_path: dict[str, list[Text]] = {}
    for item in error.errors(include_url=False, include_input=False):
        extra = item["type"] == "extra_forbidden"
        path, owner = _location(tuple(item["loc"]), extra, model)
        phrase = _phrase(item)
        if extra and owner is not None:
            known = list(owner.model_fields)
            close = difflib.get_close_matches(str(item["loc"][-1]), known, n=1, cutoff=0.6)
            if close:
                phrase += Text(f"; menade du '{close[0]}'?", f"; did you mean '{close[0]}'?")
        phrases = by_path.setdefault(path or "(posten)", [])
        if phrase not in phrases:
            phrases.append(phrase)
    parts = []
    for path, phrases in by_path.items():
        where = Text(mask_personnummer(path), mask_personnummer(path).replace("(posten)", "(record)")
                     .replace("(okänt fält)", "(unknown field)"))
        parts.append(where + ": " + OR.join(_strip_verb(p, i) for i, p in enumerate(phrases)))
    return (
        what + Text.same("; ").join(parts),
        tuple(mask_personnummer(p) for p in by_path if p != "(posten)"),
    )


def _strip_verb(phrase: Text, index: int) -> Text:
    """'väntade X' or 'väntade Y' reads 'väntade X eller Y'."""
    if index:
        return Text(phrase.sv.removeprefix("väntade "), phrase.en.removeprefix("expected "))
    return phrase


