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
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bistandsregler.checking.findings import RuleFinding, RuleKind
from bistandsregler.language import model as m
from bistandsregler.language.facts import ABSENT, FIELDS
from bistandsregler.language.messages import Severity, Text

# Fields whose value is a list: a comparison holds when it holds for some element.
LIST_FIELDS = frozenset(k for k, v in FIELDS.items() if v.kind.startswith("lista"))
# Fields that may be an interval (lo, hi): age from a birth year alone.
RANGE_FIELDS = frozenset({"ålder"})
# Facts that depend only on the insats: looked up once per decision from a per-insats table.
# Fields whose values equal texts by meaning, not by hash (lagrum: a Cited law reference).
PARTIAL_FIELDS = frozenset({"lagrum"})
STATIC_FIELDS = frozenset({"normal_minuter_per_månad", "motsvarighet", "tillåtna_lagar"})

_NEGATED: dict[str, m.CompareOp] = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
# "65 <= ålder" is "ålder >= 65": a list or an interval written on the right is moved left.
_MIRRORED: dict[str, m.CompareOp] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ORDERINGS = frozenset({"<", "<=", ">", ">="})
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
        if isinstance(item, tuple):  # an interval of ages: every age in the list, none, or unknown
            hits = [age in options for age in range(item[0], item[1] + 1)]
            if all(hits):
                return True
            return None if any(hits) or None in options else False
        items = item if isinstance(item, list) else [item]
        if any(i in options for i in items):
            return True
        return None if None in options else False
    left = _eval(condition.left, facts, value_at)
    right = _eval(condition.right, facts, value_at)
    if left is None or right is None:
        return None
    if left is ABSENT or right is ABSENT:  # known-absent equals only itself and has no order
        if condition.op in _ORDERINGS:
            return False
        return (left is right) == (condition.op == "=")
    written = condition.op
    if isinstance(right, (list, tuple)) and not isinstance(left, (list, tuple)):
        left, right, written = right, left, _MIRRORED[written]
    op = _PY_OPS[written]
    if isinstance(left, list):
        return any(op(x, right) for x in left)
    if isinstance(left, tuple):  # an interval: true for every value, false for every value, or unknown
        lo, hi = left
        at_lo, at_hi = op(lo, right), op(hi, right)
        if written in ("=", "!=") and lo != hi:
            if lo <= right <= hi:
                return None
            return written == "!="
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


def _collection(expr: m.Expr) -> bool:
    """A field whose value is a list or may be an interval."""
    return isinstance(expr, m.Field_) and (expr.name in LIST_FIELDS or expr.name in RANGE_FIELDS)


def _static_only(expr: m.Expr) -> bool:
    """Does the expression depend only on constants and facts of the insats?"""
    if isinstance(expr, m.Arith):
        return _static_only(expr.left) and _static_only(expr.right)
    if isinstance(expr, m.Field_):
        return expr.name in STATIC_FIELDS or expr.name not in FIELDS
    return isinstance(expr, (m.Number, m.DateLit, m.Text))


def _name(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _call(function: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(function), list(args), [])


def _and(*parts: ast.expr) -> ast.expr:
    if any(isinstance(p, ast.Constant) and p.value is False for p in parts):
        return ast.Constant(False)
    parts = tuple(p for p in parts if not (isinstance(p, ast.Constant) and p.value is True))
    parts = tuple({ast.dump(p): p for p in parts}.values())  # "x is not None" once
    if not parts:
        return ast.Constant(True)
    return parts[0] if len(parts) == 1 else ast.BoolOp(ast.And(), list(parts))


def _is_not_none(value: ast.expr) -> ast.expr:
    if isinstance(value, ast.Constant):  # a literal: decided now ("is" with a literal is a warning)
        return ast.Constant(value.value is not None)
    if isinstance(value, ast.Name) and _is_constant_name(value.id):  # a named constant is never None
        return ast.Constant(True)
    return ast.Compare(value, [ast.IsNot()], [ast.Constant(None)])


def _is_constant_name(name: str) -> bool:
    return name.startswith("_c") and name[2:].isdigit()  # see _Codegen.const


class _Codegen:
    """Builds the body of ``evaluate(f, static, value_at)`` for a list of rules.

    Each field the rules read is loaded once into a local; arithmetic over facts of the
    insats alone is folded at compile time into the per-insats ``static`` table; the common
    comparisons are written inline rather than as helper calls.
    """

    def __init__(self, known: Mapping[str, Any] | None = None) -> None:
        self.known = known  # an insats and its facts, when compiling for one insats: constants
        self.locals: dict[str, str] = {}  # field name -> local variable
        self.constants: dict[str, Any] = {}  # name -> value, passed in as globals
        self.loads: list[tuple[str, str, str]] = []  # (local, "f" or "static", key), see _build
        self.prologue: list[ast.stmt] = []  # after the loads
        self.static_exprs: dict[str, m.Expr] = {}  # key in the static table -> expression

    def const(self, value: Any) -> ast.expr:
        if value is None or type(value) in (bool, int, str):  # exact types: a str Enum is a name
            return ast.Constant(value)
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return _name(name)

    def _load(self, var: str, source: str, key: str) -> None:
        self.loads.append((var, source, key))

    def load_statements(self, subscript: bool) -> list[ast.stmt]:
        """var = f[key] (``subscript``: every key is there), else var = f.get(key) through a local
        ``get``; the insats's facts always var = static.get(key) (an unknown insats has none)."""
        out: list[ast.stmt] = []
        for var, source, key in self.loads:
            value: ast.expr
            if source == "f" and subscript:
                value = ast.Subscript(_name("f"), ast.Constant(key), ast.Load())
            else:
                getter = _name("get") if source == "f" else ast.Attribute(_name(source), "get", ast.Load())
                value = ast.Call(getter, [ast.Constant(key)], [])
            out.append(ast.Assign([ast.Name(var, ast.Store())], value))
        return out

    def field(self, name: str) -> ast.Name:
        if name not in self.locals:
            var = f"v{len(self.locals)}"
            self.locals[name] = var
            self._load(var, "static" if name in STATIC_FIELDS else "f", name)
            if name in RANGE_FIELDS:
                # vN_lo, vN_hi = vN if it is an interval, else the number twice
                lo, hi = ast.Name(var + "_lo", ast.Store()), ast.Name(var + "_hi", ast.Store())
                is_tuple = ast.Compare(ast.Attribute(_name(var), "__class__", ast.Load()), [ast.Is()],
                                       [_name("tuple")])
                self.prologue.append(ast.If(
                    is_tuple,
                    [ast.Assign([ast.Tuple([lo, hi], ast.Store())], _name(var))],
                    [ast.Assign([lo, hi], _name(var))],
                ))
        return _name(self.locals[name])

    def expr(self, expr: m.Expr) -> ast.expr:
        known = self.known
        if isinstance(expr, m.Field_):
            if known is not None and expr.name in STATIC_FIELDS:
                return self.const(exact(known.get(expr.name)))
            if expr.name in FIELDS or expr.name in STATIC_FIELDS:
                return self.field(expr.name)
            return self.const(symbol_value(expr.name))
        if known is not None and not isinstance(expr, m.ValueRef) and _static_only(expr):
            return self.const(_eval(expr, known, lambda name: None))
        if isinstance(expr, m.Number):
            return self.const(exact(expr.value))
        if isinstance(expr, (m.DateLit, m.Text)):
            return self.const(expr.value)
        if isinstance(expr, m.ValueRef):
            # value_at("id", f): the dated value on the decision date
            return ast.Call(_name("value_at"), [ast.Constant(expr.name), _name("f")], [])
        if _static_only(expr):
            key = f"_e{len(self.static_exprs)}"
            self.static_exprs[key] = expr
            self.locals[key] = "s" + key
            self._load("s" + key, "static", key)
            return _name("s" + key)
        return _call("_arith", ast.Constant(expr.op), self.expr(expr.left), self.expr(expr.right))

    def condition(self, node) -> ast.expr:
        kind = node[0]
        if kind == "const":
            return ast.Constant(node[1])
        if kind in ("and", "or"):
            op = ast.And() if kind == "and" else ast.Or()
            return ast.BoolOp(op, [self.condition(child) for child in node[1]])
        return self.leaf(node[1], node[2])

    def leaf(self, condition, negated: bool) -> ast.expr:
        if isinstance(condition, m.Present):
            return self.presence(condition.item, want_present=condition.negated == negated)
        if isinstance(condition, m.InList):
            return self.membership(condition, negated)
        if _collection(condition.right) and not _collection(condition.left):
            condition = m.Compare(op=_MIRRORED[condition.op], left=condition.right, right=condition.left,
                                  pos=condition.pos)
        op = _NEGATED[condition.op] if negated else condition.op
        left_field = condition.left.name if isinstance(condition.left, m.Field_) else None
        left = self.expr(condition.left)
        right = self.expr(condition.right)
        known_right = isinstance(right, ast.Constant) and right.value is not None
        guards = [] if known_right else [_is_not_none(right)]
        if left_field in LIST_FIELDS:
            return self.list_leaf(left, condition.op, right, negated, known_right)
        # Known-absent (ABSENT) has no order, so "inte a < b" holds when either is absent.
        either_absent = [ast.Compare(x, [ast.Is()], [_name("_ABSENT")]) for x in (left, right)
                         if not isinstance(x, ast.Constant)] if negated and condition.op in _ORDERINGS else []
        if left_field in RANGE_FIELDS:
            assert isinstance(left, ast.Name)  # a range field loads as a local (see field)
            lo, hi = _name(left.id + "_lo"), _name(left.id + "_hi")
            test: ast.expr
            if op in (">", ">="):
                test = ast.Compare(lo, [_AST_OPS[op]()], [right])
            elif op in ("<", "<="):
                test = ast.Compare(hi, [_AST_OPS[op]()], [right])
            elif op == "=":
                test = ast.Compare(lo, [ast.Eq(), ast.Eq()], [hi, right])
            else:  # outside the interval, or exactly one of the two is known-absent
                one_absent: ast.expr = ast.Compare(lo, [ast.Is()], [_name("_ABSENT")])
                if not isinstance(right, ast.Constant):
                    one_absent = ast.Compare(one_absent, [ast.IsNot()],
                                             [ast.Compare(right, [ast.Is()], [_name("_ABSENT")])])
                test = ast.BoolOp(ast.Or(), [one_absent, ast.Compare(right, [ast.Lt()], [lo]),
                                             ast.Compare(right, [ast.Gt()], [hi])])
            if either_absent:
                test = ast.BoolOp(ast.Or(), [*either_absent, test])
            return _and(_is_not_none(lo), *guards, test)
        compare: ast.expr = ast.Compare(left, [_AST_OPS[op]()], [right])
        if either_absent:
            compare = ast.BoolOp(ast.Or(), [*either_absent, compare])
        if op == "=" and known_right:  # None (unknown) never equals a constant: no guard needed
            return compare
        # left is not None [and right is not None] and left OP right (a constant is never None)
        known_left = isinstance(left, ast.Constant) and left.value is not None
        return _and(*([] if known_left else [_is_not_none(left)]), *guards, compare)

    def list_leaf(self, values: ast.expr, op: str, right: ast.expr, negated: bool, known_right: bool) -> ast.expr:
        """Some element OP right (negated: no element). Inline for constants; max/min decide order."""
        if not known_right or op == "!=":
            return _call("_any_cmp", ast.Constant(op), values, right, ast.Constant(negated))
        if op == "=":
            test: ast.expr = ast.Compare(right, [ast.NotIn() if negated else ast.In()], [values])
        else:
            extreme = _call("max" if op in (">", ">=") else "min", values)
            hit = ast.Compare(extreme, [_AST_OPS[op]()], [right])
            # some element OP right: the list is not empty and its max (or min) is
            test = ast.UnaryOp(ast.Not(), hit) if negated else hit
            empty = ast.Compare(values, [ast.Eq()], [ast.List([], ast.Load())])
            test = ast.BoolOp(ast.Or(), [empty, test]) if negated else ast.BoolOp(ast.And(), [values, test])
        return _and(_is_not_none(values), test)

    def presence(self, item: m.Expr, want_present: bool) -> ast.expr:
        value = self.expr(item)
        kind = FIELDS[item.name].kind if isinstance(item, m.Field_) and item.name in FIELDS else None
        if isinstance(value, ast.Constant):  # a literal: present unless empty, decided now
            present = value.value not in (None, "")
            return ast.Constant(present if want_present else value.value == "")
        if kind == "text":  # the common case, inline: known, not empty, not known-absent
            empty = ast.Compare(value, [ast.Eq()], [ast.Constant("")])
            absent = ast.Compare(value, [ast.Is()], [_name("_ABSENT")])
            if want_present:
                not_empty = ast.Compare(value, [ast.NotEq()], [ast.Constant("")])
                not_absent = ast.Compare(value, [ast.IsNot()], [_name("_ABSENT")])
                return _and(_is_not_none(value), not_empty, not_absent)
            return ast.BoolOp(ast.Or(), [empty, absent])
        return _call("_present" if want_present else "_absent", value)

    def membership(self, condition: m.InList, negated: bool) -> ast.expr:
        item_is_list = isinstance(condition.item, m.Field_) and condition.item.name in LIST_FIELDS
        item = self.expr(condition.item)
        options = [self.expr(o) for o in condition.options]
        if _collection(condition.item) and not item_is_list:  # an age interval: see _in
            return _call("_in", item, ast.List(options, ast.Load()), ast.Constant(negated))
        constants = [o for o in options if isinstance(o, ast.Constant) and o.value is not None]
        partial = isinstance(condition.item, m.Field_) and condition.item.name in PARTIAL_FIELDS
        if not item_is_list and not partial and len(constants) == len(options):
            # item in {constants}: a frozenset built once
            choices = self.const(frozenset(o.value for o in constants))
            test = ast.Compare(item, [ast.NotIn() if negated else ast.In()], [choices])
            return _and(_is_not_none(item), test) if negated else test
        single = options[0] if len(options) == 1 else None
        if not item_is_list and isinstance(single, ast.Name) and isinstance(condition.options[0], m.Field_) \
                and condition.options[0].name in LIST_FIELDS:
            # item in a list-valued fact ("lag i (tillåtna_lagar)"): both must be known
            listed = self.constants.get(single.id) if _is_constant_name(single.id) else None
            if isinstance(listed, list) and all(isinstance(x, (str, int)) for x in listed):
                single = self.const(frozenset(listed))  # the insats's own list, known: a set
            test = ast.Compare(item, [ast.NotIn() if negated else ast.In()], [single])
            return _and(_is_not_none(item), _is_not_none(single), test)
        return _call("_in", item, ast.List(options, ast.Load()), ast.Constant(negated))


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
    if isinstance(item, tuple):  # an interval of ages: true if every age is listed, false if none is
        hits = [age in flat for age in range(item[0], item[1] + 1)]
        return not any(hits) and None not in flat if negated else all(hits)
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
    left, right = exact(left), exact(right)  # a float from a caller's facts, as interpret reads it
    if not _numbers(left, right):
        return None
    if op == "/" and right == 0:
        return None
    return exact(_ARITH[op](Fraction(left), Fraction(right)))


_RUNTIME = {"_present": _present, "_absent": _absent, "_in": _in,
            "_any_cmp": _any_cmp, "_arith": _arith, "_ABSENT": ABSENT, "tuple": tuple, "dict": dict, "KeyError": KeyError,
            "_new": tuple.__new__,
            "max": max, "min": min}


@dataclass(frozen=True)
class RuleOutput:
    """What a rule's finding says that does not depend on the decision (see evaluation)."""

    code: str
    severity: Severity
    args: dict
    field: str | None
    where: str
    section: str | None
    lagrum: str | None
    text: Text | None  # the guideline's own message
    fields: tuple[str, ...]  # the values compared, by field name

    def kind(self, justified: bool = False) -> RuleKind:
        """The constant part of its findings; ``justified``: the info a justified warning becomes."""
        severity, args = self.severity, self.args
        if justified:
            severity, args = Severity.INFO, {**args, "motiverad": True}
        return RuleKind(self.code, severity, args, self.field, self.where, self.section, self.lagrum, self.text,
                        self.fields)


Evaluate = Callable[[Mapping[str, Any], Mapping[str, Any], Callable], list]
Specialised = Callable[[Mapping[str, Any], Callable], list]


@dataclass(frozen=True)
class CompiledRules:
    """``evaluate(facts, static, value_at) -> [Finding]`` and the insats-only expressions it needs
    in its per-insats ``static`` table (``static_table``); ``specialise`` makes one function per
    insats with what depends on the insats alone decided at compile time."""

    evaluate: Evaluate
    static_exprs: dict[str, m.Expr]
    rules: tuple[m.Rule, ...] = ()
    outputs: tuple[RuleOutput, ...] = ()

    def static_table(self, facts_by_insats: Mapping[str, dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
        table: dict[str | None, dict[str, Any]] = {}  # looked up with the decision's insats, maybe None
        for insats, facts in facts_by_insats.items():
            table[insats] = _static_row(self.static_exprs, facts)
        return table

    def specialise(self, facts_by_insats: Mapping[str, dict[str, Any]]) -> dict[str, Specialised]:
        """insats id -> ``evaluate(facts, value_at)`` for decisions whose ``insats`` is that id.

        Each is compiled with the insats and its facts (``STATIC_FIELDS``) known: a comparison
        that reads only those is decided now (by ``interpret``, the reference), so a rule that
        cannot fire for the insats is left out, and only the fields the rest read are loaded.
        They fire exactly when ``evaluate`` with the insats's ``static_table`` row fires."""
        return {insats: _build(list(self.rules), list(self.outputs), {"insats": insats, **facts})[0]
                for insats, facts in facts_by_insats.items()}


def _static_row(static_exprs: Mapping[str, m.Expr], facts: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(facts)
    for key, expr in static_exprs.items():
        row[key] = _eval(expr, facts, lambda name: None)
    return row


def compile_rules(rules: list[m.Rule], outputs: list[RuleOutput]) -> CompiledRules:
    """One function that returns the findings of the rules that fire, built as a syntax tree."""
    evaluate, static_exprs = _build(rules, outputs, None)
    return CompiledRules(evaluate, static_exprs, tuple(rules), tuple(outputs))


def _fold(node, known: Mapping[str, Any]):
    """The NNF tree with every comparison that reads only ``known`` fields decided: True or False
    (unknown is not definitely true, as in the compiled code); ("const", bool) when all is decided."""
    kind = node[0]
    if kind == "leaf":
        condition, negated = node[1], node[2]
        names, dated = _reads(condition)
        if dated or not names <= known.keys():
            return node
        result = interpret(condition, known, lambda name: None)
        if negated and result is not None:
            result = not result
        return ("const", result is True)
    children = [_fold(child, known) for child in node[1]]
    decided = {child[1] for child in children if child[0] == "const"}
    stop = kind == "or"  # True decides an "or", False an "and"
    if stop in decided:
        return ("const", stop)
    rest = [child for child in children if child[0] != "const"]
    if not rest:
        return ("const", not stop)
    return rest[0] if len(rest) == 1 else (kind, rest)


def _reads(condition: m.Condition) -> tuple[set[str], bool]:
    """The fields a comparison reads, and whether it reads a dated value (known only per decision)."""
    from bistandsregler.rules.validation import _expressions

    expressions = list(_expressions(condition))
    names = {e.name for e in expressions if isinstance(e, m.Field_) and (e.name in FIELDS or e.name in STATIC_FIELDS)}
    return names, any(isinstance(e, m.ValueRef) for e in expressions)


def _build(rules: list[m.Rule], outputs: list[RuleOutput], known: dict[str, Any] | None) -> tuple[Any, dict[str, m.Expr]]:
    """The function for ``rules``: ``evaluate(f, static, value_at)``, or with ``known`` (an insats
    and its facts) ``evaluate(f, value_at)`` with its own static row bound inside."""
    gen = _Codegen(known)
    trees = [_nnf(rule.when) if rule.when is not None else ("const", False) for rule in rules]
    if known is not None:
        trees = [_fold(tree, known) for tree in trees]
    kept = [(tree, out) for tree, out in zip(trees, outputs, strict=True) if tree != ("const", False)]
    tests = [gen.condition(tree) for tree, _ in kept]
    justified: ast.expr | None = None
    if any(out.severity is Severity.WARNING for _, out in kept):
        # A warning becomes an info when the decision carries a justification: asked once.
        presence = gen.presence(m.Field_(name="motivering", pos=rules[0].pos), want_present=True)
        gen.prologue.append(ast.Assign([ast.Name("justified", ast.Store())], presence))
        justified = _name("justified")

    def value(name: str) -> ast.expr:
        if known is not None and name in known:
            return gen.const(exact(known[name]))
        return gen.field(name)

    fired = _name("fired")
    body: list[ast.stmt] = []
    for test, (_, out) in zip(tests, kept, strict=True):
        kind: ast.expr = gen.const(out.kind())
        if out.severity is Severity.WARNING and justified is not None:
            kind = ast.IfExp(justified, gen.const(out.kind(justified=True)), kind)
        # fired.append(tuple.__new__(RuleFinding, (kind, *values))): no Python-level constructor call
        finding = ast.Call(_name("_new"), [gen.const(RuleFinding),
                                           ast.Tuple([kind, *(value(n) for n in out.fields)], ast.Load())], [])
        body.append(ast.If(test, [ast.Expr(ast.Call(ast.Attribute(fired, "append", ast.Load()), [finding], []))], []))
    names = ["f", "value_at"] if known is not None else ["f", "static", "value_at"]
    start = ast.Assign([ast.Name("fired", ast.Store())], ast.List([], ast.Load()))
    get = ast.Assign([ast.Name("get", ast.Store())], ast.Attribute(_name("f"), "get", ast.Load()))
    # Two versions: the general one reads fields with get (a missing key is unknown); the usual one,
    # for a plain dict holding every field read, subscripts, and hands anything else to the first.
    general = [start, get, *gen.load_statements(subscript=False), *gen.prologue, *body, ast.Return(fired)]
    to_general = ast.Return(ast.Call(_name("_general"), [_name(n) for n in names], []))
    not_dict = ast.If(ast.Compare(ast.Attribute(_name("f"), "__class__", ast.Load()), [ast.IsNot()], [_name("dict")]),
                      [to_general], [])
    missing = ast.ExceptHandler(_name("KeyError"), None, [to_general])
    usual = [not_dict, ast.Try(gen.load_statements(subscript=True), [missing], [], []), start, *gen.prologue, *body,
             ast.Return(fired)] if gen.loads else general
    signature = ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in names], kwonlyargs=[], kw_defaults=[],
                              defaults=[])
    extra: dict[str, Any] = {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}
    functions: list[ast.stmt] = [ast.FunctionDef("_general", signature, general, [], None, **extra),
                 ast.FunctionDef("evaluate", signature, usual, [], None, **extra)]
    module = ast.Module(functions, type_ignores=[])
    ast.fix_missing_locations(module)
    namespace: dict[str, Any] = {"__builtins__": {}, **_RUNTIME, **gen.constants}
    if known is not None:  # the insats's own row: its facts and the insats-only arithmetic
        namespace["static"] = _static_row(gen.static_exprs, known)
    exec(compile(module, "<bistandsregler-regler>", "exec"), namespace)  # noqa: S102 - built from the AST above
    return namespace["evaluate"], dict(gen.static_exprs)


def referenced_fields(condition: m.Condition | None) -> set[str]:
    from bistandsregler.rules.validation import _expressions

    if condition is None:
        return set()
    return {e.name for e in _expressions(condition) if isinstance(e, m.Field_) and e.name in FIELDS}


