"""The rule compiler: compiled conditions agree with the reference semantics, and guideline
text never becomes code.

``compiler.interpret`` is the slow three-valued (Kleene) reference: a rule fires iff its
condition is definitely true. The compiled function must agree with it for every condition
the guideline language can write and every fact, including unknown (``None`` or missing) and
known-absent (``facts.ABSENT``) values, ages known only as an interval ``(lo, hi)``, lists
(personkrets, tillåtna_lagar), arithmetic and dated values.
"""

from __future__ import annotations

import dis
import os
from collections import ChainMap
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

import bistandsregler
from bistandsregler.checking.compiler import _RUNTIME, compile_rules, interpret, referenced_fields
from bistandsregler.checking.findings import Finding
from bistandsregler.checking.lookups import rule_output
from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import GuidelineError
from bistandsregler.language.facts import ABSENT, FIELDS
from bistandsregler.language.lagrum import Cited, parse_lagrum

FILE = "test.riktlinje"


def pos(line: int = 1) -> m.Pos:
    return m.Pos(file=FILE, line=line, column=1)


P = pos()

# ---- the fields, by kind (a new field in facts.FIELDS must be placed here) --------------------

NUMBER_FIELDS = ["timmar_per_månad", "minuter_per_månad", "omvårdnad_timmar_per_månad", "service_timmar_per_månad", "schablon_minuter_per_månad", "antal_mål",
                 "grundbehov_timmar_per_vecka", "hushåll", "normal_minuter_per_månad"]
RANGE_FIELDS = ["ålder"]
TEXT_FIELDS = ["insats", "ansökt", "lag", "lagrum", "utfall", "motivering", "kön", "roll", "motsvarighet"]
DATE_FIELDS = ["beslutsdatum", "giltig_från", "giltig_till", "uppföljning"]
BOOL_FIELDS = ["nybeviljad"]
NUMBER_LIST_FIELDS = ["personkrets"]
TEXT_LIST_FIELDS = ["tillåtna_lagar"]
STATIC = {"normal_minuter_per_månad", "motsvarighet", "tillåtna_lagar"}

GROUPS = {
    "tal": NUMBER_FIELDS + RANGE_FIELDS, "text": TEXT_FIELDS, "datum": DATE_FIELDS, "ja/nej": BOOL_FIELDS,
    "lista:tal": NUMBER_LIST_FIELDS, "lista:text": TEXT_LIST_FIELDS,
}


def test_every_field_is_generated_with_its_kind():
    placed = {name: kind for kind, names in GROUPS.items() for name in names}
    assert placed == {name: info.kind for name, info in FIELDS.items()}


# Words a rule may name without quotes (facts.SYMBOLS, insats ids) and quoted texts.
WORDS = ["hemtjänst", "boendestöd", "personlig_assistans", "bifall", "delvis_bifall", "avslag", "SoL", "LSS",
         "kvinna", "man", "handläggare", "ledsagarservice"]
VALUES = {"pa_åldersgräns": 66, "lass_grundbehov_timmar": 20, "halv": Fraction(15, 2), "ord": "hemtjänst",
          "okänt": None}
DAYS = [date(2023, 1, 1), date(2024, 8, 20), date(2025, 6, 30), date(2025, 7, 1), date(2026, 3, 1)]


def field(name: str) -> m.Field_:
    return m.Field_(name=name, pos=P)


def num(value) -> m.Number:
    return m.Number(value=Fraction(value), pos=P)


# ---- expressions ---------------------------------------------------------------------------------

numbers = st.one_of(st.integers(-2, 130).map(num), st.sampled_from([Fraction(15, 2), Fraction(1, 3)]).map(num))
number_leaves = st.one_of(
    numbers,
    st.sampled_from(NUMBER_FIELDS).map(field),
    st.sampled_from(["pa_åldersgräns", "lass_grundbehov_timmar", "halv", "okänt"]).map(
        lambda n: m.ValueRef(name=n, pos=P)),
)
number_exprs = st.recursive(
    number_leaves,
    lambda inner: st.builds(lambda op, a, b: m.Arith(op=op, left=a, right=b, pos=P),
                            st.sampled_from(["+", "-", "*", "/"]), inner, inner),
    max_leaves=3,
)
LAGRUM = ["11 kap. 5 § SoL", "11 kap. 5 § första stycket SoL", "9 § 3 LSS", "11 kap. 1 § SoL"]
texts = st.one_of(
    st.sampled_from(WORDS).map(field),  # a bare word: a symbol
    st.sampled_from(WORDS + ["", "Hemtjänst"] + LAGRUM).map(lambda s: m.Text(value=s, pos=P)),
    st.just(m.ValueRef(name="ord", pos=P)),
)
text_exprs = st.one_of(texts, st.sampled_from(TEXT_FIELDS).map(field))
date_exprs = st.one_of(st.sampled_from(DAYS).map(lambda d: m.DateLit(value=d, pos=P)),
                       st.sampled_from(DATE_FIELDS).map(field))
bool_exprs = st.one_of(st.sampled_from(["ja", "nej"]).map(field), st.just(field("nybeviljad")))
any_field = st.sampled_from(sorted(FIELDS)).map(field)
ORDER = ["=", "!=", "<", "<=", ">", ">="]


def compare(op, left, right, swap=False):
    if swap:
        left, right = right, left
    return m.Compare(op=op, left=left, right=right, pos=P)


comparisons = st.one_of(
    # numbers, ages (an int or an interval) and personkrets (a list), on either side
    st.builds(compare, st.sampled_from(ORDER), number_exprs, number_exprs),
    st.builds(compare, st.sampled_from(ORDER), st.sampled_from(RANGE_FIELDS + NUMBER_LIST_FIELDS).map(field),
              number_exprs, st.booleans()),
    st.builds(compare, st.sampled_from(["=", "!="]), st.sampled_from(TEXT_FIELDS + TEXT_LIST_FIELDS).map(field),
              text_exprs, st.booleans()),
    st.builds(compare, st.sampled_from(ORDER), st.sampled_from(DATE_FIELDS).map(field), date_exprs, st.booleans()),
    st.builds(compare, st.sampled_from(["=", "!="]), st.just(field("nybeviljad")), bool_exprs, st.booleans()),
)
in_lists = st.builds(
    lambda item, options: m.InList(item=item, options=options, pos=P),
    st.one_of(any_field, text_exprs, numbers),
    st.lists(st.one_of(texts, numbers, st.sampled_from(NUMBER_LIST_FIELDS + TEXT_LIST_FIELDS + TEXT_FIELDS +
                                                       RANGE_FIELDS).map(field)), min_size=1, max_size=4),
)
presences = st.builds(lambda item, negated: m.Present(item=item, negated=negated, pos=P),
                      st.one_of(any_field, number_exprs, st.just(m.ValueRef(name="okänt", pos=P))), st.booleans())
conditions = st.recursive(
    st.one_of(comparisons, in_lists, presences),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: m.AllOf(items=xs, pos=P)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: m.AnyOf(items=xs, pos=P)),
        inner.map(lambda c: m.Not(item=c, pos=P)),
    ),
    max_leaves=6,
)

# ---- facts ------------------------------------------------------------------------------------------

unknown = st.sampled_from([None, ABSENT])
number_values = st.one_of(unknown, st.integers(-1, 130), st.integers(0, 400).map(lambda n: Fraction(n, 4)),
                          st.integers(0, 100).map(lambda n: n + 0.5))
age_values = st.one_of(unknown, st.integers(0, 110), st.integers(0, 110).map(lambda n: (n, n + 1)))
text_values = st.one_of(unknown, st.sampled_from(WORDS + ["", "Hemtjänst", "annat"]))
date_values = st.one_of(unknown, st.sampled_from(DAYS))
bool_values = st.sampled_from([None, ABSENT, True, False])
krets_values = st.one_of(st.none(), st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=3).map(sorted))
laws_values = st.one_of(st.none(), st.sampled_from([[], ["SoL"], ["LSS"], ["LSS", "SoL"]]))
VALUE_OF_KIND = {"tal": number_values, "text": text_values, "datum": date_values, "ja/nej": bool_values,
                 "lista:tal": krets_values, "lista:text": laws_values}


@st.composite
def facts(draw) -> dict:
    """Every field: a value of its kind, unknown (None or a missing key) or known-absent."""
    out = {}
    for name, info in sorted(FIELDS.items()):
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing key is unknown too
        out[name] = draw(age_values if name in RANGE_FIELDS else VALUE_OF_KIND[info.kind])
    if out.get("lagrum") not in (None, ABSENT):  # a decision's reference, equal to texts by meaning
        out["lagrum"] = Cited(parse_lagrum(draw(st.sampled_from(LAGRUM))))
    return out


def value_at(name, _facts=None):
    return VALUES.get(name)


def rules_of(conds, severity="fel") -> list[m.Rule]:
    return [m.Rule(id=f"r{i}", when=c, severity=severity, message=f"regel {i}", pos=pos(i + 1))
            for i, c in enumerate(conds)]


def compiled(rules):
    compiled_rules = compile_rules(rules, [rule_output(r) for r in rules])
    return compiled_rules


def fired_lines(evaluate, static_row, fact) -> set[int]:
    return {int(f.guideline.rsplit(":", 1)[1]) for f in evaluate(fact, static_row, value_at)}


def reference_lines(rules, fact) -> set[int]:
    return {r.pos.line for r in rules if interpret(r.when, fact, value_at) is True}


def split(fact: dict) -> tuple[dict, dict]:
    """(decision facts, facts of the insats): the compiled function reads the latter from its
    per-insats static table."""
    return ({k: v for k, v in fact.items() if k not in STATIC}, {k: v for k, v in fact.items() if k in STATIC})


def check_agreement(rules, fact_list):
    result = compiled(rules)
    for fact in fact_list:
        decision, insats = split(fact)
        static_row = result.static_table({"x": insats})["x"]
        got = fired_lines(result.evaluate, static_row, decision)
        want = reference_lines(rules, ChainMap(decision, insats))
        assert got == want, (fact, [r.when for r in rules if r.pos.line in got ^ want])
        if isinstance(decision.get("insats"), str):  # the rules compiled for the decision's insats
            specialised = result.specialise({decision["insats"]: insats})[decision["insats"]]
            for facts in (decision, {k: v for k, v in decision.items() if v is not None}, ChainMap(decision)):
                lines = {int(f.guideline.rsplit(":", 1)[1]) for f in specialised(facts, value_at)}
                assert lines == want, (fact, [r.when for r in rules if r.pos.line in lines ^ want])


# ---- the property -------------------------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings(400)
@given(st.lists(conditions, min_size=1, max_size=4), st.lists(facts(), min_size=1, max_size=8))
def test_compiled_rules_fire_iff_the_reference_is_definitely_true(conds, fact_list):
    check_agreement(rules_of(conds), fact_list)


@pytest.mark.slow
@fuzz_settings(150)
@given(conditions, st.lists(facts(), min_size=1, max_size=6))
def test_negating_a_condition_never_makes_both_fire(cond, fact_list):
    """Kleene logic: a condition and its negation are never both definitely true."""
    rules = rules_of([cond, m.Not(item=cond, pos=P)])
    result = compiled(rules)
    for fact in fact_list:
        decision, insats = split(fact)
        lines = fired_lines(result.evaluate, result.static_table({"x": insats})["x"], decision)
        assert lines != {1, 2}


# ---- hand-picked cases the generator might reach only rarely --------------------------------------


def leaf_cases():
    age, krets = field("ålder"), field("personkrets")
    until = field("giltig_till")
    return [
        # an age from a birth year alone straddles the limit: neither >= 65 nor its negation
        (compare(">=", age, num(65)), {"ålder": (64, 65)}, None),
        (compare(">=", age, num(65)), {"ålder": (65, 66)}, True),
        (compare("<", age, num(65)), {"ålder": (65, 66)}, False),
        (compare("=", age, num(65)), {"ålder": (65, 66)}, None),
        (compare("=", age, num(65)), {"ålder": (66, 67)}, False),
        (compare("=", age, num(65)), {"ålder": 65}, True),
        # the field written on the right
        (compare("<=", num(65), age), {"ålder": (65, 66)}, True),
        (compare("<=", num(65), age), {"ålder": (64, 65)}, None),
        (compare(">", num(65), age), {"ålder": 70}, False),
        (compare("=", num(3), krets), {"personkrets": [1, 3]}, True),
        (compare("<", num(2), krets), {"personkrets": [1, 3]}, True),
        # lists: some element
        (compare("=", krets, num(3)), {"personkrets": [1, 3]}, True),
        (compare("=", krets, num(2)), {"personkrets": []}, False),
        (compare(">", krets, num(2)), {"personkrets": [1, 2]}, False),
        # membership of an interval: every possible age in the list, none, or unknown
        (m.InList(item=age, options=[num(65), num(66)], pos=P), {"ålder": (65, 66)}, True),
        (m.InList(item=age, options=[num(65), num(66)], pos=P), {"ålder": (64, 65)}, None),
        (m.InList(item=age, options=[num(65), num(66)], pos=P), {"ålder": (67, 68)}, False),
        # known-absent: "tills vidare" is not before any date, and is not a date
        (compare("<", until, m.DateLit(value=date(2026, 1, 1), pos=P)), {"giltig_till": ABSENT}, False),
        (compare("=", until, m.DateLit(value=date(2026, 1, 1), pos=P)), {"giltig_till": ABSENT}, False),
        (compare("!=", until, m.DateLit(value=date(2026, 1, 1), pos=P)), {"giltig_till": ABSENT}, True),
        (m.Present(item=until, negated=True, pos=P), {"giltig_till": ABSENT}, True),
        (m.Present(item=until, negated=True, pos=P), {"giltig_till": None}, None),
        (m.Present(item=field("motivering"), negated=True, pos=P), {"motivering": ""}, True),
        # arithmetic over an unknown, a division by zero and a float from a caller
        (compare(">", m.Arith(op="/", left=field("timmar_per_månad"), right=num(0), pos=P), num(1)),
         {"timmar_per_månad": 10}, None),
        (compare(">", m.Arith(op="+", left=field("timmar_per_månad"), right=num(1), pos=P), num(11)),
         {"timmar_per_månad": 10.5}, True),
    ]


@pytest.mark.parametrize("case", range(len(leaf_cases())))
def test_leaf_cases_and_their_negations(case):
    cond, fact, expected = leaf_cases()[case]
    assert interpret(cond, fact, value_at) is expected
    negation = m.Not(item=cond, pos=P)
    assert interpret(negation, fact, value_at) is (None if expected is None else not expected)
    check_agreement(rules_of([cond, negation]), [fact])


def test_warning_becomes_info_with_a_justification():
    rules = rules_of([compare(">", field("timmar_per_månad"), num(100))], severity="varning")
    result = compiled(rules)
    [plain] = result.evaluate({"timmar_per_månad": 120}, {}, value_at)
    [justified] = result.evaluate({"timmar_per_månad": 120, "motivering": "Två personal vid varje besök."}, {},
                                  value_at)
    assert (plain.severity, justified.severity) == ("varning", "info")
    assert plain.values == {"timmar_per_månad": 120}
    assert result.evaluate({"timmar_per_månad": 120, "motivering": ""}, {}, value_at)[0].severity == "varning"


def test_a_rule_without_condition_never_fires():
    rule = m.Rule(id="tom", when=None, severity="fel", message="x", pos=P)
    assert compile_rules([rule], [rule_output(rule)]).evaluate({}, {}, value_at) == []


# ---- guideline text is data, never code --------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('x')",
    "\"); __import__('os').system('x'); (\"",
    "{0.__class__.__mro__}",
    "{text.__class__}",
    "'''",
    "\\",
    "\x00",
]


def _global_names(function) -> set[str]:
    names = set()
    for code in [function.__code__, *[c for c in function.__code__.co_consts if hasattr(c, "co_code")]]:
        names |= {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    return names


@fuzz_settings(100)
@given(st.lists(conditions, min_size=1, max_size=4))
def test_generated_code_uses_only_the_names_it_is_given(conds):
    rules = rules_of(conds)
    result = compiled(rules)
    specialised = result.specialise({"hemtjänst": {"normal_minuter_per_månad": 60, "tillåtna_lagar": ["SoL"]}})
    for evaluate, own in ((result.evaluate, set()), (specialised["hemtjänst"], {"static"})):
        namespace = evaluate.__globals__
        assert namespace["__builtins__"] == {}
        functions = [evaluate, namespace["_general"]]  # the usual path and the one for missing keys
        assert set().union(*map(_global_names, functions)) <= set(namespace) - {"__builtins__"}
        assert set(namespace) - {"__builtins__", "evaluate", "_general"} - own <= set(_RUNTIME) | {
            n for n in namespace if n.startswith("_c")}
        # The attributes the code reads, from its instructions: co_names also keeps the names of
        # code CPython dropped as unreachable (a condition that is constant, "inte (... eller 0 = 0)").
        attributes = {i.argval for function in functions for i in dis.get_instructions(function.__code__)
                      if i.opname in ("LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR", "DELETE_ATTR")}
        assert attributes <= {"get", "append", "__class__"}


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_rule_objects_stays_data(hostile, monkeypatch):
    def refuse(*_args):
        raise AssertionError("guideline text was executed")

    monkeypatch.setattr(os, "system", refuse)
    cond = m.AllOf(items=[
        compare("=", field("insats"), m.Text(value=hostile, pos=P)),
        compare("!=", field(hostile), field("utfall")),  # a name that is no field: a symbol (a word)
        m.InList(item=field("roll"), options=[m.Text(value=hostile, pos=P), field("__class__")], pos=P),
        m.Present(item=m.ValueRef(name=hostile, pos=P), negated=True, pos=P),
    ], pos=P)
    rule = m.Rule(id="__import__", code="omfattning.gransvarde", when=cond, severity="fel", message=hostile,
                  english=None, field="__class__", pos=P)
    evaluate = compile_rules([rule], [rule_output(rule)]).evaluate
    fact = {"insats": hostile, "utfall": "bifall", "roll": "__class__"}
    [finding] = evaluate(fact, {}, lambda name, f: "" if name == hostile else None)
    assert interpret(cond, fact, lambda name: "" if name == hostile else None) is True
    assert finding.message() == hostile
    assert finding.message("en") == hostile  # "{text_en}" is filled in, not formatted again
    assert finding.field == "__class__"
    assert evaluate({"insats": "hemtjänst"}, {}, lambda name, f: None) == []


def test_hostile_names_in_a_guideline_file_give_diagnostics(tmp_path: Path):
    path = tmp_path / "ond.riktlinje"
    path.write_text(
        'riktlinje ond "Ond"\n  bygger på nationell\nslut\n\n'
        "regel __import__\n"
        "  när __class__ = insats och __builtins__ > 1\n"
        '  då fel "__import__(\'os\').system(\'x\')"\n'
        "slut\n", encoding="utf-8")
    with pytest.raises(GuidelineError) as raised:
        bistandsregler.compile(path)
    codes = {d.code for d in raised.value.diagnostics}
    assert "namn.okant" in codes


def test_hostile_message_in_a_guideline_file_is_printed_not_run(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(os, "system", lambda *_: (_ for _ in ()).throw(AssertionError("executed")))
    path = tmp_path / "ond.riktlinje"
    message = "__import__('os').system('x') {0.__class__} \\\" ; exec('1')"
    path.write_text(
        'riktlinje ond "Ond"\n  bygger på nationell\nslut\n\n'
        "regel ond_regel\n"
        "  när insats = hemtjänst och utfall = bifall\n"
        f'  då varning "{message}"\n'
        "slut\n", encoding="utf-8")
    checker = bistandsregler.compile(path)
    [finding] = checker.check_facts({"insats": "hemtjänst", "utfall": "bifall"})
    assert finding.code == "riktlinje.ond_regel"
    assert "__import__('os').system('x') {0.__class__}" in finding.message()
    assert "exec('1')" in finding.message("en")


def test_referenced_fields_are_the_fields_compared():
    cond = m.AllOf(items=[compare(">=", field("ålder"), m.ValueRef(name="pa_åldersgräns", pos=P)),
                          m.InList(item=field("insats"), options=[field("hemtjänst")], pos=P)], pos=P)
    assert referenced_fields(cond) == {"ålder", "insats"}
    assert isinstance(compiled(rules_of([cond])).evaluate({"ålder": 70, "insats": "hemtjänst"}, {}, value_at)[0],
                      Finding)


def test_a_compiled_finding_reads_as_the_full_finding_it_stands_for():
    import pickle

    checker = bistandsregler.compile(book=bistandsregler.load(Path("benchmarks/nio-regler.riktlinje"), national=False))
    facts = {"insats": "hemtjanst", "lag": "LSS", "ålder": 70, "utfall": "bifall", "minuter_per_månad": 8000,
             "antal_mål": 0, "motivering": "", "nybeviljad": True, "personkrets": [], "grundbehov_timmar_per_vecka": 0}
    fired = checker.check_facts(facts)
    assert {f.code for f in fired} == {"bench.law_mismatch", "bench.over_standard", "bench.missing_goal",
                                       "bench.lss_after_65", "bench.large_homecare"}
    for finding in fired:
        full = finding.full()
        assert type(full) is Finding and isinstance(finding, Finding)
        assert finding == full and full == finding and not finding != full
        assert tuple(finding) == tuple(full) and len(finding) == 9 and finding[0] == finding.code
        assert finding.to_json() == full.to_json() and finding.message("en") == full.message("en")
        assert finding._asdict() == full._asdict() and finding._replace(code="x").code == "x"
        assert pickle.loads(pickle.dumps(finding)) == full
        assert set(finding.values) == set(rule_output_fields(checker, finding.code))
    large = next(f for f in fired if f.code == "bench.large_homecare")
    assert large.values == {"insats": "hemtjanst", "minuter_per_månad": 8000}
    # a justified warning is an info that says so; the values are the ones compared
    justified = {f.code: f for f in checker.check_facts({**facts, "motivering": "Skäl."})}
    assert justified["bench.large_homecare"].severity == "info" and justified["bench.large_homecare"].args["motiverad"]
    assert justified["bench.lss_after_65"].values["nybeviljad"] is True


def rule_output_fields(checker, code: str) -> tuple[str, ...]:
    rules = checker.book.rules(checker.guideline)
    [rule] = [r for r in rules if r.finding_code == code]
    return rule_output(rule).fields
