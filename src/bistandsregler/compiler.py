"""Compiling a guideline's general rules ("regel ... när ... då ...") to one Python function.

Conditions use three-valued logic: a field the decision does not carry is *unknown*, and a
rule fires only when its condition is definitely true. The compiler first pushes every
``inte`` down to the comparisons (negation normal form); there ``and``/``or`` are monotone,
so treating an unknown comparison as false gives exactly Kleene logic's "definitely true".

The function is built as a Python syntax tree from the rule objects, never by pasting
guideline text into source code, and compiled once. ``interpret`` is the slow reference
semantics the compiled code is tested against.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from . import model as m
from .facts import ABSENT, FIELDS, SYMBOLS

# Fields whose value is a list: a comparison holds when it holds for some element.
LIST_FIELDS = frozenset(k for k, v in FIELDS.items() if v.kind.startswith("lista"))
# Fields that may be an interval (lo, hi): age from a birth year alone.
RANGE_FIELDS = frozenset({"ålder"})
# Facts that depend only on the insats: looked up once per decision from a per-insats table.
STATIC_FIELDS = frozenset({"normal_minuter_per_månad", "motsvarighet", "tillåtna_lagar"})

_NEGATED = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_PY_OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
           ">=": operator.ge}
_AST_OPS = {"=": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def symbol_value(name: str) -> Any:
    """What a bare name that is not a field means: ja/nej are booleans, the rest are words."""
    return {"ja": True, "nej": False}.get(name, name)


def exact(value: Any) -> Any:
    """Numbers as ints when whole (fast to compare), else exact fractions."""
    if isinstance(value, float):
        value = Fraction(value)
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


# ---- reference semantics -----------------------------------------------------------------------


def interpret(condition: m.Condition, facts: Mapping[str, Any], value_at: Callable[[str], Any]) -> bool | None:
    """Kleene three-valued evaluation: True, False or None (unknown)."""
    if isinstance(condition, m.AllOf):
        results = [interpret(c, facts, value_at) for c in condition.items]
        return False if False in results else (None if None in results else True)
    if isinstance(condition, m.AnyOf):
        results = [interpret(c, facts, value_at) for c in condition.items]
        return True if True in results else (None if None in results else False)
    if isinstance(condition, m.Not):
        result = interpret(condition.item, facts, value_at)
        return None if result is None else not result
    if isinstance(condition, m.Present):
        value = _eval(condition.item, facts, value_at)
        if value is None:
            return None
        return _absent(value) if condition.negated else _present(value)
    if isinstance(condition, m.InList):
        item = _eval(condition.item, facts, value_at)
        options = []
        for option in condition.options:
            value = _eval(option, facts, value_at)
            options.extend(value if isinstance(value, list) else [value])
        if item is None:
            return None
        items = item if isinstance(item, list) else [item]
        if any(i in options for i in items):
            return True
        return None if None in options else False
    left = _eval(condition.left, facts, value_at)
    right = _eval(condition.right, facts, value_at)
    if left is None or right is None:
        return None
    if left is ABSENT or right is ABSENT:
        return condition.op == "!=" and left is not right
    op = _PY_OPS[condition.op]
    if isinstance(left, list):
        return any(op(x, right) for x in left)
    if isinstance(left, tuple):  # an interval: true for every value, false for every value, or unknown
        lo, hi = left
        at_lo, at_hi = op(lo, right), op(hi, right)
        if condition.op in ("=", "!=") and lo != hi:
            if lo <= right <= hi:
                return None
            return condition.op == "!="
        return at_lo if at_lo == at_hi else None
    return op(left, right)


def _eval(expr: m.Expr, facts: Mapping[str, Any], value_at) -> Any:
    if isinstance(expr, m.Field_):
        if expr.name in FIELDS or expr.name in STATIC_FIELDS:
            return exact(facts.get(expr.name))
        return symbol_value(expr.name)
    if isinstance(expr, m.Number):
        return exact(expr.value)
    if isinstance(expr, (m.DateLit, m.Text)):
        return expr.value
    if isinstance(expr, m.ValueRef):
        return exact(value_at(expr.name))
    left, right = _eval(expr.left, facts, value_at), _eval(expr.right, facts, value_at)
    if not _numbers(left, right):
        return None
    if expr.op == "/" and right == 0:
        return None
    return exact(_ARITH[expr.op](Fraction(left), Fraction(right)))


# ---- negation normal form --------------------------------------------------------------------------


def _nnf(condition: m.Condition, negated: bool = False):
    """("and"|"or", [children]) or ("leaf", condition, negated)."""
    if isinstance(condition, m.Not):
        return _nnf(condition.item, not negated)
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        is_and = isinstance(condition, m.AllOf) != negated
        return ("and" if is_and else "or", [_nnf(c, negated) for c in condition.items])
    return ("leaf", condition, negated)


# ---- code generation -------------------------------------------------------------------------------------


class _Codegen:
    """Builds the body of ``evaluate(f, static, value_at)`` for a list of rules."""

    def __init__(self) -> None:
        self.locals: dict[str, str] = {}  # field name -> local variable
        self.constants: dict[str, Any] = {}  # name -> value, passed in as globals
        self.prologue: list[ast.stmt] = []

    def const(self, value: Any) -> ast.expr:
        if value is None or isinstance(value, (bool, int, str)):
            return ast.Constant(value)
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return ast.Name(name, ast.Load())

    def field(self, name: str) -> ast.expr:
        if name not in self.locals:
            var = f"v{len(self.locals)}"
            self.locals[name] = var
            source = "static" if name in STATIC_FIELDS else "f"
            # vN = f.get("name")
            self.prologue.append(ast.Assign(
                [ast.Name(var, ast.Store())],
                ast.Call(ast.Attribute(ast.Name(source, ast.Load()), "get", ast.Load()), [ast.Constant(name)], []),
            ))
            if name in RANGE_FIELDS:
                # vN_lo, vN_hi = the interval, or the number twice
                self.prologue.append(ast.Assign(
                    [ast.Tuple([ast.Name(var + "_lo", ast.Store()), ast.Name(var + "_hi", ast.Store())], ast.Store())],
                    ast.Call(ast.Name("_bounds", ast.Load()), [ast.Name(var, ast.Load())], []),
                ))
        return ast.Name(self.locals[name], ast.Load())

    def expr(self, expr: m.Expr) -> ast.expr:
        if isinstance(expr, m.Field_):
            if expr.name in FIELDS or expr.name in STATIC_FIELDS:
                return self.field(expr.name)
            return self.const(symbol_value(expr.name))
        if isinstance(expr, m.Number):
            return self.const(exact(expr.value))
        if isinstance(expr, (m.DateLit, m.Text)):
            return self.const(expr.value)
        if isinstance(expr, m.ValueRef):
            # value_at("id", f) -> the dated value on the decision date
            return ast.Call(ast.Name("value_at", ast.Load()), [ast.Constant(expr.name), ast.Name("f", ast.Load())], [])
        return ast.Call(ast.Name("_arith", ast.Load()),
                        [ast.Constant(expr.op), self.expr(expr.left), self.expr(expr.right)], [])

    def condition(self, node) -> ast.expr:
        kind = node[0]
        if kind in ("and", "or"):
            op = ast.And() if kind == "and" else ast.Or()
            return ast.BoolOp(op, [self.condition(child) for child in node[1]])
        return self.leaf(node[1], node[2])

    def leaf(self, condition, negated: bool) -> ast.expr:
        if isinstance(condition, m.Present):
            want_present = condition.negated == negated  # "finns", or "inte ... saknas"
            value = self.expr(condition.item)
            helper = "_present" if want_present else "_absent"
            return ast.Call(ast.Name(helper, ast.Load()), [value], [])
        if isinstance(condition, m.InList):
            item = self.expr(condition.item)
            options = ast.List([self.expr(o) for o in condition.options], ast.Load())
            return ast.Call(ast.Name("_in", ast.Load()), [item, options, ast.Constant(negated)], [])
        op = _NEGATED[condition.op] if negated else condition.op
        left_field = condition.left.name if isinstance(condition.left, m.Field_) else None
        left = self.expr(condition.left)
        right = self.expr(condition.right)
        if left_field in LIST_FIELDS:
            return ast.Call(ast.Name("_any_cmp", ast.Load()),
                            [ast.Constant(condition.op), left, right, ast.Constant(negated)], [])
        if left_field in RANGE_FIELDS:
            return self.range_leaf(left, op, right)
        # (left is not None and right is not None and left OP right)
        checks = [ast.Compare(left, [ast.IsNot()], [ast.Constant(None)])]
        if not (isinstance(right, ast.Constant) and right.value is not None):
            checks.append(ast.Compare(right, [ast.IsNot()], [ast.Constant(None)]))
        checks.append(ast.Compare(left, [_AST_OPS[op]()], [right]))
        return ast.BoolOp(ast.And(), checks)

    def range_leaf(self, left: ast.Name, op: str, right: ast.expr) -> ast.expr:
        lo = ast.Name(left.id + "_lo", ast.Load())
        hi = ast.Name(left.id + "_hi", ast.Load())
        return ast.Call(ast.Name("_range_cmp", ast.Load()), [ast.Constant(op), lo, hi, right], [])


def _bounds(value):
    if value is None:
        return None, None
    if isinstance(value, tuple):
        return exact(value[0]), exact(value[1])
    value = exact(value)
    return value, value


def _range_cmp(op: str, lo, hi, right) -> bool:
    """Definitely true for every value in [lo, hi]."""
    if lo is None or right is None:
        return False
    if op in (">", ">="):
        return _PY_OPS[op](lo, right)
    if op in ("<", "<="):
        return _PY_OPS[op](hi, right)
    if op == "=":
        return lo == hi == right
    return right < lo or right > hi


def _present(value) -> bool:
    return value is not None and value is not ABSENT and value != "" and value != [] and value != ()


def _absent(value) -> bool:
    return value is ABSENT or (value is not None and (value == "" or value == [] or value == ()))


def _in(item, options, negated: bool) -> bool:
    if item is None:
        return False
    flat = []
    for option in options:
        if isinstance(option, list):
            flat.extend(option)
        else:
            flat.append(option)
    items = item if isinstance(item, list) else [item]
    if negated:
        return None not in flat and not any(i in flat for i in items)
    return any(i in flat for i in items)


def _any_cmp(op: str, values, right, negated: bool) -> bool:
    if values is None or right is None:
        return False
    fn = _PY_OPS[op]
    hit = any(fn(v, right) for v in values)
    return not hit if negated else hit


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, Fraction)) and not isinstance(v, bool) for v in values)


def _arith(op: str, left, right):
    if not _numbers(left, right):
        return None
    if op == "/" and right == 0:
        return None
    return exact(_ARITH[op](Fraction(left), Fraction(right)))


_RUNTIME = {"_bounds": _bounds, "_range_cmp": _range_cmp, "_present": _present, "_absent": _absent,
            "_in": _in, "_any_cmp": _any_cmp, "_arith": _arith}

Evaluator = Callable[[Mapping[str, Any], Mapping[str, Any], Callable], list[int]]


def compile_rules(rules: list[m.Rule]) -> Evaluator:
    """One function ``evaluate(f, static, value_at) -> [index of each rule that fires]``."""
    gen = _Codegen()
    tests = [gen.condition(_nnf(rule.when)) if rule.when is not None else ast.Constant(False) for rule in rules]
    fired = ast.Name("fired", ast.Load())
    body: list[ast.stmt] = [ast.Assign([ast.Name("fired", ast.Store())], ast.List([], ast.Load()))]
    body += gen.prologue
    for index, test in enumerate(tests):
        append = ast.Expr(ast.Call(ast.Attribute(fired, "append", ast.Load()), [ast.Constant(index)], []))
        body.append(ast.If(test, [append], []))
    body.append(ast.Return(fired))
    args = ast.arguments(posonlyargs=[], args=[ast.arg("f"), ast.arg("static"), ast.arg("value_at")],
                         kwonlyargs=[], kw_defaults=[], defaults=[])
    function = ast.FunctionDef("evaluate", args, body, [], None, type_params=[]) if _HAS_TYPE_PARAMS \
        else ast.FunctionDef("evaluate", args, body, [], None)
    module = ast.Module([function], type_ignores=[])
    ast.fix_missing_locations(module)
    namespace: dict[str, Any] = {"__builtins__": {}, **_RUNTIME, **gen.constants}
    exec(compile(module, "<bistandsregler-regler>", "exec"), namespace)  # noqa: S102 - code built from the AST above
    return namespace["evaluate"]


_HAS_TYPE_PARAMS = "type_params" in ast.FunctionDef._fields


def referenced_fields(condition: m.Condition | None) -> set[str]:
    from .validation import _expressions

    if condition is None:
        return set()
    return {e.name for e in _expressions(condition) if isinstance(e, m.Field_) and e.name in FIELDS}


def is_symbol(name: str) -> bool:
    return name in SYMBOLS


__all__ = ["compile_rules", "interpret", "referenced_fields", "STATIC_FIELDS", "exact", "date"]
