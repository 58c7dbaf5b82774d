"""A decision that does not fit the schema, in words: field paths and what was expected, never values.

The input may hold personal data, so no message built here quotes what was written.
"""

from __future__ import annotations

import difflib
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bistandsregler.checking.decision import Decision


class InvalidDecision(ValueError):
    """A decision that does not match the schema. The message names fields, never values."""

    def __init__(self, message: str, english: str, fields: tuple[str, ...]):
        super().__init__(message)
        self.english = english
        self.fields = fields


_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("saknas", "is missing"),
    "extra_forbidden": ("okänt fält", "unknown field"),
    "int_parsing": ("väntade ett heltal", "expected a whole number"),
    "int_type": ("väntade ett heltal", "expected a whole number"),
    "int_from_float": ("väntade ett heltal", "expected a whole number"),
    "float_parsing": ("väntade ett tal", "expected a number"),
    "float_type": ("väntade ett tal", "expected a number"),
    "finite_number": ("väntade ett ändligt tal", "expected a finite number"),
    "bool_parsing": ("väntade true eller false", "expected true or false"),
    "bool_type": ("väntade true eller false", "expected true or false"),
    "date_parsing": ("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": ("väntade ett datum utan klockslag", "expected a date without a time"),
    "date_type": ("väntade ett datum (ÅÅÅÅ-MM-DD)", "expected a date (YYYY-MM-DD)"),
    "string_type": ("väntade text", "expected text"),
    "list_type": ("väntade en lista", "expected a list"),
    "tuple_type": ("väntade en lista", "expected a list"),
    "model_type": ("väntade ett objekt", "expected an object"),
    "model_attributes_type": ("väntade ett objekt", "expected an object"),
    "dict_type": ("väntade ett objekt", "expected an object"),
    "frozen_instance": ("får inte ändras", "is frozen"),
    "invalid_key": ("ett fältnamn som inte är text", "a field name that is not text"),
}


def _literal_expected(ctx: dict) -> tuple[str, str]:
    expected = str(ctx.get("expected", ""))
    return f"väntade {expected.replace(' or ', ' eller ')}", f"expected {expected}"


def _phrase(error: ErrorDetails) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return _literal_expected(ctx)
    limits = {
        "greater_than_equal": ("måste vara minst {}", "must be at least {}", "ge"),
        "greater_than": ("måste vara större än {}", "must be greater than {}", "gt"),
        "less_than_equal": ("får vara högst {}", "must be at most {}", "le"),
        "less_than": ("måste vara mindre än {}", "must be less than {}", "lt"),
    }
    if kind in limits:
        sv, en, key = limits[kind]
        return sv.format(ctx.get(key)), en.format(ctx.get(key))
    return f"ogiltigt värde ({kind})", f"invalid value ({kind})"


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


def _location(loc: tuple, extra: bool) -> tuple[str, type[BaseModel] | None]:
    """A pydantic error location as a field path, without union branch tags; and its model."""
    path = ""
    model: type[BaseModel] | None = Decision
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
            return (f"{path}.{item}" if path else str(item)), model
        # else: a union branch tag ("date", "literal['tills_vidare']"): not part of the path
    return path, model


def describe_validation(error: ValidationError) -> tuple[str, str, tuple[str, ...]]:
    """Swedish and English text for a validation error, naming fields, never values."""
    by_path: dict[str, list[tuple[str, str]]] = {}
    for item in error.errors(include_url=False, include_input=False):
        extra = item["type"] == "extra_forbidden"
        path, model = _location(tuple(item["loc"]), extra)
        phrase = _phrase(item)
        if extra and model is not None:
            known = list(model.model_fields)
            close = difflib.get_close_matches(str(item["loc"][-1]), known, n=1, cutoff=0.6)
            if close:
                phrase = (f"{phrase[0]}; menade du '{close[0]}'?", f"{phrase[1]}; did you mean '{close[0]}'?")
        phrases = by_path.setdefault(path or "(posten)", [])
        if phrase not in phrases:
            phrases.append(phrase)
    sv_parts, en_parts = [], []
    for path, phrases in by_path.items():
        sv = " eller ".join(_strip_verb(p[0], i) for i, p in enumerate(phrases))
        en = " or ".join(_strip_verb(p[1], i) for i, p in enumerate(phrases))
        sv_parts.append(f"{path}: {sv}")
        en_parts.append(f"{path.replace('(posten)', '(record)')}: {en}")
    return (
        "ogiltigt beslut: " + "; ".join(sv_parts),
        "invalid decision: " + "; ".join(en_parts),
        tuple(p for p in by_path if p != "(posten)"),
    )


def _strip_verb(phrase: str, index: int) -> str:
    """'väntade X' or 'väntade Y' reads 'väntade X eller Y'."""
    if index:
        for verb in ("väntade ", "expected "):
            if phrase.startswith(verb):
                return phrase[len(verb) :]
    return phrase


