"""bistandsregler: Swedish municipal guidelines for needs-assessed social care as checkable rules.

The public API is small; everything is imported lazily so that ``import bistandsregler``
and the command line start fast.

    >>> import bistandsregler
    >>> book = bistandsregler.load("guidelines/botkyrka")          # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "load", "read", "RuleBook", "GuidelineError", "compile", "Checker", "Decision", "Result", "Finding",
    "parse_lagrum", "parse_quantity", "__version__",
]

_LAZY = {
    "load": ("rulebook", "load"),
    "read": ("rulebook", "read"),
    "RuleBook": ("rulebook", "RuleBook"),
    "GuidelineError": ("diagnostics", "GuidelineError"),
    "compile": ("evaluation", "compile"),
    "Checker": ("evaluation", "Checker"),
    "Result": ("evaluation", "Result"),
    "Decision": ("decision", "Decision"),
    "Finding": ("findings", "Finding"),
    "parse_lagrum": ("lagrum", "parse_lagrum"),
    "parse_quantity": ("units", "parse_quantity"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        module, attribute = _LAZY[name]
        value = getattr(import_module(f".{module}", __name__), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bistandsregler' has no attribute {name!r}")


if TYPE_CHECKING:  # for type checkers and editors only
    from .decision import Decision
    from .diagnostics import GuidelineError
    from .evaluation import Checker, Result, compile
    from .findings import Finding
    from .lagrum import parse_lagrum
    from .rulebook import RuleBook, load, read
    from .units import parse_quantity
