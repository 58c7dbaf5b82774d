"""Properties of checking decisions, over generated decisions that use every field.

(a) every input has a result: count in equals count out, for ``check_many`` and for
    ``report.results`` with unreadable records among the decisions;
(b) output is stable: the same input gives the same bytes, whatever the order of the batch,
    the state of the checker's caches or the order the findings were made in;
(c) a decision that passes stays passing when a field no check and no loaded rule reads
    changes; more strongly, such a change never changes any finding;
(d) no decision raises: every valid ``Decision`` gives a ``Result``.

Decisions are drawn with each field absent (unknown), null (known to be absent) or a value:
dates mostly 2023-2026 but also anywhere in the calendar and at its very ends (0001-01-01,
9999-12-31), insats names from the catalogue with abbreviations, typos and OCR damage, law
references as the case systems write them, scope as written in the delegation lists, hours
up to the schema's bounds. Every text field may hold control characters (a newline, an ANSI
escape, NUL, bidi overrides) and a personnummer in one of its spellings.

(e) hostile input never escapes: numbers out of range, non-finite or of 5,000 digits, unknown
    keys and CSV headers that are personnummer or names, file names with a personnummer, long
    texts (and, in the slow tests, multi-megabyte ones) end in a result or an input error
    naming the record, never an exception; no output (JSON, text, error messages) holds a
    personnummer that was in the input, checked with a pattern written here, independent of
    the masking in the code; and text output holds no control character but the line break.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from test_findings import BOTKYRKA, CLEAN_2024, CLEAN_2025, KRISTIANSTAD, LOMMA, TESTKOMMUN, variant

import bistandsregler
from bistandsregler.checking.compiler import referenced_fields
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.evaluation import Result, _sorted, results
from bistandsregler.input.readers import InputError
from bistandsregler.language.messages import Text

# ---- checkers ----------------------------------------------------------------------------------------

CHECKERS = ["nationell", "botkyrka", "lomma", "kristianstad", "testkommun", "as_of"]


@cache
def guideline_of_testkommun() -> Path:
    path = Path(tempfile.mkdtemp(prefix="testkommun-")) / "testkommun-2024.riktlinje"
    path.write_text(TESTKOMMUN, encoding="utf-8")
    return path


def build(name: str) -> bistandsregler.Checker:
    """A new checker (empty caches); ``checker`` keeps one per name."""
    if name == "testkommun":
        return bistandsregler.compile(guideline_of_testkommun(), KRISTIANSTAD)
    return {
        "nationell": lambda: bistandsregler.compile(),
        "botkyrka": lambda: bistandsregler.compile(BOTKYRKA),
        "lomma": lambda: bistandsregler.compile(LOMMA),
        "kristianstad": lambda: bistandsregler.compile(None, KRISTIANSTAD),
        "as_of": lambda: bistandsregler.compile(BOTKYRKA, KRISTIANSTAD, as_of=date(2026, 2, 1)),
    }[name]()


checker = cache(build)


@cache
def catalogue_names() -> list[str]:
    c = checker("botkyrka")
    names = set()
    for insats in c.lookups(c.guideline).insatser.values():
        names.update(n for n in (insats.name, *insats.aliases, insats.id.replace("_", " ")) if n)
    return sorted(names)


@cache
def fields_read_by_rules(name: str) -> frozenset[str]:
    c = checker(name)
    return frozenset().union(*(referenced_fields(r.when) for r in c.book.rules(c.guideline)))


# ---- decisions --------------------------------------------------------------------------------------

dates = st.one_of(
    st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
    st.dates(),  # anywhere in the calendar
    st.sampled_from([date.min, date.max, date(9999, 12, 1), date(1, 1, 31), date(9999, 2, 28)]),
).map(lambda d: d.isoformat())

# ---- hostile text: control characters and personnummer in every string field --------------------------

# The personnummer planted in the input, in every spelling: 12 and 10 digits, dash, plus (over
# 100 years old), space, none; and a samordningsnummer (the day plus 60).
PLANTED = ["19391231-4312", "391231-4312", "391231+4312", "193912314312", "3912314312", "19391231 4312",
           "391291-4312", "19391291 4312"]
# What must never be seen again: the ten digits, looked for in the output with the separators
# (spaces, dashes, plus) taken out. Written here, not the code's masking pattern.
CORES = ("3912314312", "3912914312")
CONTROLS = "\x00\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\x9b\u2028\u202e\u2066"
FORGED = "x\n\x1b[32m0 beslut in, 0 resultat ut\x1b[0m"


def leaks(text: str) -> bool:
    """Does ``text`` hold a planted personnummer, however it is spelt?"""
    squashed = "".join(ch for ch in text if ch not in " \t\n\r-+–\u00a0")
    return any(core in squashed for core in CORES)


def stray_controls(text: str) -> list[str]:
    """Characters a terminal would act on (C0/C1 controls, DEL, line separators, bidi), bar \\n."""
    import unicodedata

    return [ch for ch in text if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Zl", "Zp")
                                                 or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069")]


def hostile(strategy):
    """A text strategy that sometimes plants a personnummer or control characters in its values."""
    return st.one_of(
        strategy,
        strategy,
        st.tuples(strategy, st.sampled_from(PLANTED), strategy).map("".join),
        st.text(alphabet=st.sampled_from(CONTROLS + "ab 1"), min_size=1, max_size=10),
        st.just(FORGED),
    )
OCR = {"ä": "i", "å": "a", "ö": "6", "é": "e"}


@st.composite
def misspelt(draw, name: str) -> str:
    how = draw(st.sampled_from(["as is", "drop", "double", "ocr", "abbrev", "case", "punct"]))
    i = draw(st.integers(0, max(0, len(name) - 1)))
    if how == "drop" and len(name) > 3:
        return name[:i] + name[i + 1:]
    if how == "double":
        return name[:i] + name[i:i + 1] * 2 + name[i + 1:]
    if how == "ocr":
        return "".join(OCR.get(ch, ch) for ch in name)
    if how == "abbrev" and len(name) > 6:
        return name[: draw(st.integers(3, 6))] + "."
    if how == "case":
        return name.upper() if draw(st.booleans()) else name.lower()
    if how == "punct":
        return name + draw(st.sampled_from([".", " ", ",", " enl.", " natt"]))
    return name


insats_names = st.one_of(
    st.sampled_from(["Hemtjänst", "Förenkl.handläggn. Hemtj.", "Kortidsboende", "Hemtjänst Natt", "Trygghetslarm",
                     "Särskilt boende", "Boendestöd", "Ledsagarservice", "Daglig verksamhet", "Personlig assistans",
                     "Korttidsvistelse", "Avlösarservice i hemmet", "Råd och stöd", "Hemvårdsbidrag"]),
    st.builds(lambda: None).flatmap(lambda _: st.sampled_from(catalogue_names())).flatmap(misspelt),
    hostile(st.text(max_size=15)),
)
lagrum_texts = st.one_of(
    st.sampled_from(["4 kap, 1§ SoL", "4 kap. 1 § SoL", "Kapitel 4 §1 SoL", "4 kap, 2 a§ SoL", "4 kap. 2 § SoL",
                     "11 kap. 1 § SoL", "11 kap. 5 § SoL", "11 kap. 4 § SoL", "9 § 9 LSS", "9 § 10", "9 § 2 LSS",
                     "9 § 1 LSS", "9 § 12 LSS", "4 kap. SoL", "SoL 4:1", "", " "]),
    hostile(st.text(max_size=12)),
)
activity_texts = st.one_of(
    st.sampled_from(["dusch 2 gg/v", "städ 1gg/3:e v", "tvätt 2ggr/mån", "inköp 1 gång per vecka", "sju besök per dag",
                     "hemtjänst 20 tim/v", "avlösning 15 tim/mån", "promenad 3 gånger per vecka", "dusch 2 xx/v",
                     "städ 1 gg/v", "tillsyn 3 gg/dag", "fönsterputs 1 gång per år", "trygghetslarm", "",
                     "dusch 0 gg/v", "inköp 99999 gg/dag"]),
    hostile(st.text(max_size=20)),
)
justifications = st.one_of(
    st.sampled_from([
        "Behovet bedöms inte föreligga.", "Behovet bedöms kunna tillgodoses med andra insatser.",
        "Avslag på ansökan om vård- och omsorgsboende. Personen beviljas hemtjänst med fyra besök per dag.",
        "Avslag på ansökan om hemtjänst. Personen beviljas hemtjänst.", "Se utredning", "",
        "Behovet kan tillgodoses på annat sätt, genom trygghetslarm.", "Allergi: städning varje vecka.",
    ]),
    hostile(st.text(max_size=30)),
)
goal_texts = st.one_of(
    st.sampled_from(["Skäliga levnadsförhållanden", "Ska kunna duscha på egen hand två gånger i veckan",
                     "Känna sig bättre", "Leva och bo självständigt under trygga förhållanden", ""]),
    hostile(st.text(max_size=25)),
)
roles = st.one_of(st.sampled_from(["handläggare", "Biståndshandläggare", "enhetschef", "HANDLÄGGARE", "nämnd", ""]),
                  hostile(st.text(max_size=8)))


@st.composite
def maybe(draw, out: dict, key: str, values, nullable: bool = True) -> None:
    """Leave ``key`` out (unknown), set it to None (known absent) or to a value."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return
    if choice == 1 and nullable:
        out[key] = None
    else:
        out[key] = draw(values)


@st.composite
def sub(draw, build) -> dict:
    out: dict = {}
    build(draw, out)
    return out


def _decided_by(draw, out):
    draw(maybe(out, "id", st.one_of(st.sampled_from(["H-101", "H-102", "x"]), hostile(st.text(max_size=8)))))
    draw(maybe(out, "role", roles))
    draw(maybe(out, "delegation_since", dates))


def _person(draw, out):
    if draw(st.booleans()):
        draw(maybe(out, "birth_year", st.integers(1900, 2020)))
    else:
        draw(maybe(out, "birth_date", st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)).map(str)))
    draw(maybe(out, "sex", st.sampled_from(["kvinna", "man", "annat"])))
    draw(maybe(out, "sex_written", st.sampled_from(["HEN", "X", "Ickebinär"])))
    draw(maybe(out, "personkrets", st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=3)))
    draw(maybe(out, "household", st.integers(1, 4)))
    draw(maybe(out, "basic_needs_hours_per_week", st.one_of(st.integers(0, 60), st.floats(0, 168), st.just(168))))


def _activity(draw, out):
    out["text"] = draw(activity_texts)
    draw(maybe(out, "frequency", st.one_of(st.sampled_from(["2 gg/v", "varannan vecka", "ibland"]),
                                           hostile(st.text(max_size=8)))))
    draw(maybe(out, "from_text", st.booleans(), nullable=False))


def _scope(draw, out):
    draw(maybe(out, "activities", st.lists(sub(_activity), max_size=4)))
    draw(maybe(out, "hours_per_month", st.one_of(st.integers(0, 200), st.floats(0, 744), st.just(744))))


def _goal(draw, out):
    out["text"] = draw(goal_texts)
    draw(maybe(out, "accepted", st.booleans()))
    draw(maybe(out, "due", dates))
    draw(maybe(out, "life_area", st.one_of(st.sampled_from(["personlig vård", "hemliv", "förflyttning"]),
                                           hostile(st.text(max_size=8)))))


@st.composite
def decisions(draw) -> dict:
    """A decision dict over every field of ``Decision``."""
    out: dict = {"id": draw(hostile(st.text(min_size=1, max_size=8)))}
    draw(maybe(out, "decided_on", dates))
    draw(maybe(out, "decided_by", sub(_decided_by)))
    draw(maybe(out, "person", sub(_person)))
    draw(maybe(out, "insats", insats_names))
    draw(maybe(out, "lagrum", lagrum_texts))
    draw(maybe(out, "insats_qualifier", st.sampled_from(["natt", "vuxna", "omprövning"])))
    draw(maybe(out, "outcome", st.sampled_from(["bifall", "delvis_bifall", "avslag"])))
    draw(maybe(out, "applied_for", insats_names))
    draw(maybe(out, "scope", sub(_scope)))
    draw(maybe(out, "valid_from", dates))
    draw(maybe(out, "valid_until", st.one_of(dates, st.just("tills_vidare"))))
    draw(maybe(out, "follow_up_on", dates))
    draw(maybe(out, "goals", st.lists(sub(_goal), max_size=3)))
    draw(maybe(out, "justification", justifications))
    draw(maybe(out, "executed_on", dates))
    draw(maybe(out, "interrupted_on", dates))
    draw(maybe(out, "resumed_on", dates))
    draw(maybe(out, "delay_reason", justifications))
    draw(maybe(out, "new_grant", st.booleans()))
    draw(maybe(out, "source", st.one_of(st.sampled_from(["lista.tsv:3", "x.jsonl:1"]), hostile(st.text(max_size=8)))))
    return out


def test_the_strategy_covers_every_field():
    covered = {"id", "decided_on", "decided_by", "person", "insats", "lagrum", "insats_qualifier", "outcome", "applied_for", "scope",
               "valid_from", "valid_until", "follow_up_on", "goals", "justification", "executed_on", "interrupted_on", "resumed_on", "delay_reason", "new_grant",
               "source"}
    assert covered == set(Decision.model_fields)


def as_bytes(result: Result, lang: str = "sv") -> bytes:
    return json.dumps(result.to_json(lang), ensure_ascii=False, sort_keys=True).encode()


checker_names = st.sampled_from(CHECKERS)

# ---- (d) never an exception ---------------------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings(250)
@given(checker_names, decisions())
def test_every_decision_gives_a_result(name, raw):
    decision = Decision.model_validate(raw)
    result = checker(name).check(decision)
    assert isinstance(result, Result) and result.id == decision.id
    for finding in result.findings:
        assert finding.severity in ("fel", "varning", "info")
        finding.message(), finding.message("en")
    as_bytes(result), as_bytes(result, "en")


# ---- (a) count in == count out ------------------------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings(60)
@given(checker_names, st.lists(decisions(), max_size=12))
def test_check_many_gives_one_result_per_decision_in_order(name, raws):
    out = list(checker(name).check_many(raws))
    assert len(out) == len(raws)
    assert [r.id for r in out] == [Decision.model_validate(raw).id for raw in raws]


@fuzz_settings(40)
@given(checker_names, st.lists(st.one_of(decisions().map(Decision.model_validate), st.integers(1, 99).map(
    lambda n: InputError(Text("ogiltig JSON", "invalid JSON"), f"beslut.jsonl:{n}"))),
    max_size=10))
def test_report_results_count_in_equals_count_out(name, records):
    out = list(results(checker(name), records))
    assert len(out) == len(records)
    for record, result in zip(records, out, strict=True):
        if isinstance(record, InputError):
            assert [f.code for f in result.findings] == ["indata.ogiltig"] and result.id == record.record


# ---- (b) stability ------------------------------------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings(60)
@given(checker_names, st.lists(decisions(), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_output_is_stable(name, raws, rng):
    first = [as_bytes(r) for r in checker(name).check_many(raws)]
    again = [as_bytes(r) for r in checker(name).check_many(raws)]
    assert first == again
    # a new checker (empty caches) and the batch in another order
    order = list(range(len(raws)))
    rng.shuffle(order)
    shuffled = list(build(name).check_many([raws[i] for i in order]))
    assert [as_bytes(shuffled[order.index(i)]) for i in range(len(raws))] == first
    # the English output is as stable
    assert [as_bytes(r, "en") for r in checker(name).check_many(raws)] == [
        as_bytes(r, "en") for r in checker(name).check_many(raws)]


@fuzz_settings(60)
@given(checker_names, decisions(), st.randoms(use_true_random=False))
def test_the_order_findings_are_made_in_cannot_change_the_output(name, raw, rng):
    result = checker(name).check(raw)
    findings = list(result.findings)
    rng.shuffle(findings)
    reordered = Result(result.id, result.source, _sorted(findings), result.unassessed)
    assert as_bytes(reordered) == as_bytes(result)
    assert as_bytes(reordered, "en") == as_bytes(result, "en")


# ---- (c) unrelated fields ------------------------------------------------------------------------------------


def unrelated_changes(name: str) -> list:
    """Changes to fields that no check reads and no rule loaded in ``name`` compares: the
    decision maker's id (delegation reads the role), the id and source of the record, the
    life area of a goal, and sex and the application when no loaded rule reads kön or ansökt."""
    read = fields_read_by_rules(name)
    changes = [
        ("id", lambda d, v: {**d, "id": v}, st.text(min_size=1, max_size=8)),
        ("source", lambda d, v: {**d, "source": v}, st.sampled_from(["annan.tsv:9", None])),
        ("decided_by.id", lambda d, v: {**d, "decided_by": {**d["decided_by"], "id": v}}
         if isinstance(d.get("decided_by"), dict) else d, st.sampled_from(["H-999", None, "ny"])),
        ("goals.life_area", lambda d, v: {**d, "goals": [{**g, "life_area": v} for g in d["goals"]]}
         if isinstance(d.get("goals"), list) else d, st.sampled_from(["hemliv", None])),
    ]
    if "kön" not in read:
        changes.append(("person.sex", lambda d, v: {**d, "person": {**d["person"], "sex": v}}
                        if isinstance(d.get("person"), dict) else d, st.sampled_from(["kvinna", "man", "annat", None])))
    if "ansökt" not in read:
        changes.append(("applied_for", lambda d, v: {**d, "applied_for": v},
                        st.one_of(st.none(), insats_names)))
    return changes


def test_the_unrelated_fields_are_unread_by_the_shipped_rules():
    """If a shipped guideline starts to read kön or ansökt, those fields drop out of (c)."""
    for name in CHECKERS:
        assert {"kön", "ansökt"}.isdisjoint(fields_read_by_rules(name)), name
    assert len(unrelated_changes("botkyrka")) == 6


def findings_only(result: Result) -> list[dict]:
    return [f.to_json() for f in result.findings]


@st.composite
def unrelated_change(draw, name: str):
    label, apply, values = draw(st.sampled_from(unrelated_changes(name)))
    return label, apply, draw(values)


@fuzz_settings(150)
@given(st.data())
def test_an_unrelated_change_never_changes_a_finding(data):
    name = data.draw(checker_names)
    raw = data.draw(decisions())
    label, apply, value = data.draw(unrelated_change(name))
    changed = apply(raw, value)
    before, after = checker(name).check(raw), checker(name).check(changed)
    assert findings_only(after) == findings_only(before), label


# Decisions with nothing to say, each under the guideline it is checked against.
PASSING = [
    ("nationell", CLEAN_2024),
    ("kristianstad", CLEAN_2024),
    ("testkommun", CLEAN_2024),
    ("lomma", CLEAN_2024),
    ("botkyrka", CLEAN_2025),
    ("nationell", variant(CLEAN_2024, insats="Trygghetslarm", applied_for="Trygghetslarm", scope=None)),
    ("botkyrka", variant(CLEAN_2025, insats="Boendestöd", applied_for="Boendestöd", scope=None,
                         person__birth_year=1990)),
    ("nationell", variant(CLEAN_2024, insats="Ledsagarservice", lagrum="9 § 3 LSS", applied_for="Ledsagarservice",
                          scope=None, person__personkrets=[1], person__birth_year=2001)),
    ("nationell", {"id": "avslag", "decided_on": "2024-08-06", "insats": "Särskilt boende",
                   "lagrum": "4 kap, 1§ SoL", "outcome": "avslag", "decided_by": {"id": "H-101"},
                   "person": {"birth_year": 1931, "sex": "man"}, "applied_for": "Vård- och omsorgsboende",
                   "justification": "Avslag på ansökan om vård- och omsorgsboende. Behovet bedöms kunna "
                                    "tillgodoses genom hemtjänst i ordinärt boende. Personen beviljas hemtjänst med "
                                    "fyra besök per dag."}),
]


def test_the_passing_decisions_pass():
    for name, raw in PASSING:
        result = checker(name).check(raw)
        assert result.findings == [], (name, raw["id"], result.findings)


@fuzz_settings(120)
@given(st.sampled_from(range(len(PASSING))), st.data())
def test_a_passing_decision_stays_passing_when_an_unrelated_field_changes(index, data):
    name, raw = PASSING[index]
    changed = raw
    for _ in range(data.draw(st.integers(1, 3))):
        label, apply, value = data.draw(unrelated_change(name))
        changed = apply(changed, value)
    assert checker(name).check(changed).findings == [], changed


# ---- (e) hostile input never escapes ----------------------------------------------------------------------

# Values no decision can hold: out of range, not finite, too long for Python's int, the wrong
# kind. Each replaces one field of a drawn decision.
BAD_NUMBERS = [-1, 745, 1e400, float("inf"), float("-inf"), float("nan"), 10**5000, "1e400", "Infinity", "NaN",
               "9" * 400, True, [], {}]
NUMBER_FIELDS = [("scope", "hours_per_month"), ("person", "basic_needs_hours_per_week"), ("person", "birth_year"),
                 ("person", "household")]
# Keys that are no field: a personnummer, a name, an address, control characters.
BAD_KEYS = [*PLANTED, "Anna Andersson", "Storgatan 5, 123 45 Ort", FORGED, "x\x00y"]


@st.composite
def hostile_records(draw) -> dict:
    """A drawn decision, often made invalid in one place: a number, a key, a long text."""
    raw = draw(decisions())
    how = draw(st.sampled_from(["as is", "number", "key", "nested key", "long text", "kind"]))
    if how == "number":
        outer, inner = draw(st.sampled_from(NUMBER_FIELDS))
        raw[outer] = {**(raw.get(outer) if isinstance(raw.get(outer), dict) else {}), inner: draw(st.sampled_from(BAD_NUMBERS))}
    elif how == "key":
        raw[draw(st.sampled_from(BAD_KEYS))] = draw(st.sampled_from(PLANTED))
    elif how == "nested key":
        raw["person"] = {draw(st.sampled_from(BAD_KEYS)): 1}
    elif how == "long text":
        field = draw(st.sampled_from(["justification", "insats", "lagrum", "id"]))
        raw[field] = draw(st.sampled_from(PLANTED)) + " ord" * draw(st.sampled_from([300, 30_000]))
    elif how == "kind":
        raw[draw(st.sampled_from(["decided_on", "valid_until", "goals", "scope", "outcome"]))] = draw(
            st.sampled_from([PLANTED[0], "10000-01-01", "0000-12-31", 10**5000, {"a": PLANTED[1]}]))
    return raw


def assert_clean_text(text: str, what: str) -> None:
    assert not leaks(text), f"{what} repeats a personnummer: {text[:300]!r}"
    assert not stray_controls(text), f"{what} holds control characters: {stray_controls(text)[:5]}"


@fuzz_settings(150)
@given(checker_names, hostile_records())
def test_a_hostile_record_gives_a_result_or_an_input_error_and_never_leaks(name, raw):
    from bistandsregler.checking.decision_errors import InvalidDecision
    from bistandsregler.cli.evaluate import render_result

    try:
        result = checker(name).check(raw)
    except InvalidDecision as error:  # the record's own error: fields, never values
        for text in (str(error), error.message.en, *error.fields):
            assert not leaks(text), text
        return
    assert not leaks(json.dumps(result.to_json(), ensure_ascii=False)), result.to_json()
    assert not leaks(json.dumps(result.to_json("en"), ensure_ascii=False))
    for lang in ("sv", "en"):
        text = render_result(result, lang)
        assert_clean_text(text, "the text output")
        assert len(text.rstrip("\n").split("\n")) == 1 + sum(1 + bool(f.lagrum or f.guideline) for f in result.findings)


def _write_records(folder: Path, fmt: str, raws: list[dict], header: str) -> tuple[Path, int]:
    """The records in a file of ``fmt`` whose name holds a personnummer; the number of records."""
    import sys

    path = folder / f"beslut {PLANTED[0]}.{fmt}"
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # to write the 5,000-digit numbers; the reader gets the usual limit back
    try:
        return _write(path, fmt, raws, header)
    finally:
        sys.set_int_max_str_digits(limit)


def _write(path: Path, fmt: str, raws: list[dict], header: str) -> tuple[Path, int]:
    import csv

    import yaml

    if fmt == "jsonl":
        lines = [json.dumps(raw, ensure_ascii=False, default=str) for raw in raws]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    elif fmt == "yaml":
        path.write_text(yaml.safe_dump_all([json.loads(json.dumps(raw, default=str)) for raw in raws],
                                           allow_unicode=True), encoding="utf-8")
    else:  # a table of the text fields, under a header that has one hostile column too
        columns = ["id", "insats", "lagrum", "justification", header]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for raw in raws:
                writer.writerow([raw.get(c, "") if isinstance(raw.get(c), str) else "" for c in columns[:-1]]
                                + [PLANTED[2]])
    return path, len(raws)


@fuzz_settings(40)
@given(checker_names, st.sampled_from(["jsonl", "yaml", "csv"]), st.lists(hostile_records(), min_size=1, max_size=5),
       st.sampled_from([*PLANTED, "Anna Andersson", "person.Storgatan 5", "x\x1b[2Jy"]))
def test_a_hostile_file_gives_one_result_per_record_and_never_leaks(name, fmt, raws, header):
    from bistandsregler.cli.evaluate import render_result
    from bistandsregler.input.sources import input_records

    with tempfile.TemporaryDirectory() as folder:
        path, count = _write_records(Path(folder), fmt, raws, header)
        records = list(input_records([str(path)]))
        out = list(results(checker(name), records))
    if fmt != "yaml":  # a YAML error ends the stream ("the rest of the file cannot be read")
        assert len(out) == count
    for record in records:
        if isinstance(record, InputError):
            assert record.record and not leaks(record.record + record.message.sv + record.message.en + "".join(record.fields))
    for result in out:
        assert not leaks(json.dumps(result.to_json(), ensure_ascii=False)), result.to_json()
        assert_clean_text(render_result(result), "the text output")


@pytest.mark.slow
@pytest.mark.parametrize("field", ["justification", "goals", "activity", "insats"])
def test_multi_megabyte_texts_are_refused_quickly_and_named(field):
    """A 4 MB field is an input error naming the field, not processed (the schema's limits)."""
    import time

    from bistandsregler.checking.decision import LONG_TEXT, SHORT_TEXT
    from bistandsregler.checking.decision_errors import InvalidDecision

    def decision(text: str) -> dict:
        raw = {"id": "x", "decided_on": "2024-03-01", "insats": "Hemtjänst", "outcome": "bifall"}
        return raw | {"justification": {"justification": text}, "goals": {"goals": [{"text": text}]},
                      "activity": {"scope": {"activities": [{"text": text}]}}, "insats": {"insats": text}}[field]

    text = PLANTED[0] + " dusch 2 gg/v och städ" * 200_000
    start = time.perf_counter()
    with pytest.raises(InvalidDecision) as caught:
        checker("botkyrka").check(decision(text))
    assert time.perf_counter() - start < 5
    assert "för lång" in str(caught.value) and not leaks(str(caught.value))
    # just under the limit the text is read, and a whole check stays quick
    start = time.perf_counter()
    result = checker("botkyrka").check(decision(text[: SHORT_TEXT if field == "insats" else LONG_TEXT]))
    assert time.perf_counter() - start < 20 and not leaks(json.dumps(result.to_json(), ensure_ascii=False))
