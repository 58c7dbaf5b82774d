"""bistandsregler: Swedish municipal guidelines for needs-assessed social care as checkable rules.

The public API is small; everything is imported lazily so that ``import bistandsregler``
and the command line start fast.

    >>> import bistandsregler
    >>> book = bistandsregler.load("guidelines/botkyrka")          # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bistandsregler._version import __version__

__all__ = [
    "load", "read", "RuleBook", "GuidelineError", "compile", "Checker", "Decision", "Result", "Finding",
    "InvalidDecision", "read_decisions", "import_delegationslista", "resolve_insats", "estimate", "compare_tables",
    "parse_lagrum", "parse_quantity", "InputError", "Severity", "Text", "__version__",
]

_LAZY = {
    "load": ("rules.loading", "load"),
    "read": ("rules.loading", "read"),
    "RuleBook": ("rules.rulebook", "RuleBook"),
    "GuidelineError": ("language.diagnostics", "GuidelineError"),
    "compile": ("checking.evaluation", "compile"),
    "Checker": ("checking.evaluation", "Checker"),
    "Result": ("checking.evaluation", "Result"),
    "Decision": ("checking.decision", "Decision"),
    "InvalidDecision": ("checking.decision_errors", "InvalidDecision"),
    "Finding": ("checking.findings", "Finding"),
    "read_decisions": ("input.readers", "read_decisions"),
    "import_delegationslista": ("input.delegationslista", "import_delegationslista"),
    "resolve_insats": ("rules.catalogue", "resolve_insats"),
    "estimate": ("standard_times.pricing", "estimate"),
    "compare_tables": ("standard_times.compare", "compare"),
    "parse_lagrum": ("language.lagrum", "parse_lagrum"),
    "parse_quantity": ("language.units", "parse_quantity"),
    "InputError": ("language.errors", "InputError"),
    "Severity": ("language.messages", "Severity"),
    "Text": ("language.messages", "Text"),
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
    from bistandsregler.checking.decision import Decision
    from bistandsregler.checking.decision_errors import InvalidDecision
    from bistandsregler.checking.evaluation import Checker, Result, compile
    from bistandsregler.checking.findings import Finding
    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import read_decisions
    from bistandsregler.language.diagnostics import GuidelineError
    from bistandsregler.language.errors import InputError
    from bistandsregler.language.lagrum import parse_lagrum
    from bistandsregler.language.messages import Severity, Text
    from bistandsregler.language.units import parse_quantity
    from bistandsregler.rules.catalogue import resolve_insats
    from bistandsregler.rules.loading import load, read
    from bistandsregler.rules.rulebook import RuleBook
    from bistandsregler.standard_times.compare import compare as compare_tables
    from bistandsregler.standard_times.pricing import estimate
