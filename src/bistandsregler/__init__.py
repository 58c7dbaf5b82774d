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
    "read_decisions", "import_delegationslista", "resolve_insats", "estimate", "compare_tables",
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
    "read_decisions": ("readers", "read_decisions"),
    "import_delegationslista": ("delegationslista", "import_delegationslista"),
    "resolve_insats": ("catalogue", "resolve_insats"),
    "estimate": ("pricing", "estimate"),
    "compare_tables": ("compare", "compare"),
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
    from .catalogue import resolve_insats
    from .compare import compare as compare_tables
    from .decision import Decision
    from .delegationslista import import_delegationslista
    from .diagnostics import GuidelineError
    from .evaluation import Checker, Result, compile
    from .findings import Finding
    from .lagrum import parse_lagrum
    from .pricing import estimate
    from .readers import read_decisions
    from .rulebook import RuleBook, load, read
    from .units import parse_quantity
