"""Reading decisions: every record gives one result, in order; errors name the record, never a value."""

from __future__ import annotations

import io
import itertools
import json
import re
from datetime import date

import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from bistandsregler.checking.decision import Activity, DecidedBy, Decision, Goal, Person, Scope
from bistandsregler.input.readers import (
    PERSONNUMMER,
    InputError,
    ReadResult,
    mask_personnummer,
    read_decisions,
    to_json_line,
    write_csv,
)
from bistandsregler.language.messages import Text

FULL = {
    "id": "B-1",
    "decided_on": "2024-08-05",
    "decided_by": {"id": "H-101", "role": "handläggare", "delegation_since": "2023-01-01"},
    "person": {"birth_year": 1938, "sex": "kvinna", "personkrets": [1], "household": 2,
               "basic_needs_hours_per_week": 12.5},
    "insats": "Hemtjänst",
    "lagrum": "4 kap. 1 § SoL",
    "outcome": "bifall",
    "applied_for": "Hemtjänst",
    "scope": {"activities": [{"text": "dusch", "frequency": "2 gg/v"}], "hours_per_month": 20.5},
    "valid_from": "2024-08-05",
    "valid_until": "tills_vidare",
    "follow_up_on": "2025-02-01",
    "goals": [{"text": "Kunna duscha själv", "accepted": True, "due": "2025-01-01", "life_area": "personlig vård"}],
    "justification": "Behov av stöd i personlig hygien.",
    "executed_on": "2024-08-10",
    "new_grant": True,
}  # fmt: skip
SMALL = {"id": "B-2", "outcome": "avslag", "insats": "Särskilt boende", "justification": ""}


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def decisions(results: list[ReadResult]) -> list[Decision]:
    assert all(isinstance(r, Decision) for r in results), [str(r) for r in results if isinstance(r, InputError)]
    return results  # type: ignore[return-value]


def without_source(decision: Decision) -> Decision:
    return decision.model_copy(update={"source": None})


# ---- the formats read the same decisions -------------------------------------------------------


def test_json_list(tmp_path):
    path = write(tmp_path, "b.json", json.dumps([FULL, SMALL], indent=2, ensure_ascii=False))
    first, second = decisions(list(read_decisions(path)))
    assert first.person.personkrets == [1]
    assert first.valid_until == "tills_vidare" and first.decided_on == date(2024, 8, 5)
    assert first.goals[0].accepted is True
    assert second.justification == ""  # known empty, not unknown
    assert first.source == f"{path}:2" and second.source.startswith(f"{path}:")


def test_json_single_object(tmp_path):
    path = write(tmp_path, "b.json", json.dumps(FULL))
    [decision] = decisions(list(read_decisions(path)))
    assert decision.id == "B-1" and decision.source == f"{path}:1"


def test_the_formats_agree(tmp_path):
    import yaml

    records = [FULL, SMALL]
    paths = [
        write(tmp_path, "b.json", json.dumps(records)),
        write(tmp_path, "b.jsonl", "\n".join(json.dumps(r) for r in records) + "\n"),
        write(tmp_path, "b.ndjson", "\n".join(json.dumps(r) for r in records)),
        write(tmp_path, "b.yaml", yaml.safe_dump(records, allow_unicode=True)),
        write(tmp_path, "docs.yml", yaml.safe_dump_all(records, allow_unicode=True)),
    ]
    buffer = io.StringIO(newline="")
    write_csv([Decision.model_validate(r) for r in records], buffer)
    paths.append(write(tmp_path, "b.csv", buffer.getvalue()))
    buffer = io.StringIO(newline="")
    write_csv([Decision.model_validate(r) for r in records], buffer, delimiter="\t")
    paths.append(write(tmp_path, "b.tsv", buffer.getvalue()))
    expected = [Decision.model_validate(r) for r in records]
    for path in paths:
        got = [without_source(d) for d in decisions(list(read_decisions(path)))]
        assert got == expected, path.name


def test_format_overrides_the_suffix(tmp_path):
    path = write(tmp_path, "b.txt", json.dumps(SMALL) + "\n")
    [error] = read_decisions(path)
    assert isinstance(error, InputError) and "okänt filformat .txt" in error.message.sv
    [decision] = decisions(list(read_decisions(path, format="jsonl")))
    assert decision.id == "B-2"


def test_an_unknown_format_name_is_a_usage_error():
    with pytest.raises(ValueError):
        read_decisions("x.json", format="xml")  # type: ignore[arg-type]


def test_streams_text_and_binary():
    line = json.dumps(SMALL, ensure_ascii=False) + "\n"
    for stream in (io.StringIO(line * 2), io.BytesIO((line * 2).encode())):
        results = decisions(list(read_decisions(stream, format="jsonl")))
        assert [d.source for d in results] == ["<ström>:1", "<ström>:2"]


def test_a_yaml_list_and_documents_name_records_by_line(tmp_path):
    path = write(tmp_path, "b.yaml", "- id: a\n  outcome: bifall\n  decided_on: 2024-08-05\n- id: b\n  outcome: x\n"
                 "---\nid: c\n---\n# only a comment\n")  # fmt: skip
    a, b, c = read_decisions(path)
    assert a.decided_on == date(2024, 8, 5) and a.source == f"{path}:1"
    assert isinstance(b, InputError) and b.record == f"{path}:4" and b.fields == ("outcome",)
    assert c.id == "c" and c.source == f"{path}:7"


def test_a_yaml_syntax_error_keeps_the_items_before_it(tmp_path):
    path = write(tmp_path, "b.yaml", "- id: a\n- id: b\n- id: [oavslutad\n- id: d\n")
    a, b, error = read_decisions(path)
    assert (a.id, b.id) == ("a", "b")
    assert isinstance(error, InputError) and "ogiltig YAML" in error.message.sv and "oavslutad" not in error.message.sv


def test_a_stray_quote_does_not_swallow_the_rows_after_it(tmp_path):
    text = 'id\tjustification\na\t"Trygghet" är viktigt\nb\t"aldrig stängd\nc\tok\n'
    a, b, c = decisions(list(read_decisions(write(tmp_path, "b.tsv", text))))
    assert a.justification == '"Trygghet" är viktigt' and b.justification == '"aldrig stängd'
    assert (c.id, c.source) == ("c", f"{tmp_path / 'b.tsv'}:4")


def test_read_result_is_a_runtime_union(tmp_path):
    path = write(tmp_path, "b.jsonl", json.dumps(SMALL) + "\n{\n")
    assert all(isinstance(r, ReadResult) for r in read_decisions(path))


def test_csv_conventions(tmp_path):
    text = (
        "id;outcome;person.birth_year;person.personkrets;scope.hours_per_month;justification;goals;scope\n"
        '1;bifall;1938;[1, 2];12,5;"""""";[];\n'  # decimal comma, a known empty text, an empty list
        "\n"  # a blank row is not a record
        '2;avslag;;;;"Text; med semikolon";;{"activities": []}\n'
    )
    first, second = decisions(list(read_decisions(write(tmp_path, "b.csv", text))))
    assert first.person.personkrets == [1, 2] and first.scope.hours_per_month == 12.5
    assert first.justification == "" and first.goals == []
    assert first.source.endswith(":2") and second.source.endswith(":4")
    assert second.person is None and second.scope == Scope(activities=[])


def test_an_existing_source_is_kept(tmp_path):
    path = write(tmp_path, "b.jsonl", json.dumps({**SMALL, "source": "lista.tsv:7"}) + "\n")
    [decision] = decisions(list(read_decisions(path)))
    assert decision.source == "lista.tsv:7"


def test_numeric_ids_are_read_as_text(tmp_path):
    path = write(tmp_path, "b.json", json.dumps({"id": 17, "decided_by": {"id": 4711}}))
    [decision] = decisions(list(read_decisions(path)))
    assert decision.id == "17" and decision.decided_by == DecidedBy(id="4711")


# ---- errors ----------------------------------------------------------------------------------------


def test_a_validation_error_names_record_and_fields_but_no_value(tmp_path):
    record = {"id": "x", "outcome": "kanske", "person": {"birth_year": "Anna Andersson"},
              "valid_until": "snart", "goals": [{"text": "g", "due": "imorgon"}], "namn": "Anna"}  # fmt: skip
    path = write(tmp_path, "b.jsonl", json.dumps(SMALL) + "\n" + json.dumps(record) + "\n")
    good, error = read_decisions(path)
    assert isinstance(good, Decision) and isinstance(error, InputError)
    assert error.record == f"{path}:2" and error.line == 2
    assert set(error.fields) == {"outcome", "person.birth_year", "valid_until", "goals[0].due", "namn"}
    assert "valid_until: väntade ett datum (ÅÅÅÅ-MM-DD) eller 'tills_vidare'" in error.message.sv
    assert "outcome: väntade 'bifall', 'delvis_bifall' eller 'avslag'" in error.message.sv
    assert "namn: okänt fält" in error.message.sv
    for text in (error.message.sv, error.message.en):
        assert "Anna" not in text and "kanske" not in text and "snart" not in text and "imorgon" not in text
    assert str(error).startswith(f"{path}:2: fel: ogiltigt beslut: ")
    assert error.text("en").startswith(f"{path}:2: error: invalid decision: ")


def test_a_misspelled_field_gets_a_suggestion(tmp_path):
    path = write(tmp_path, "b.jsonl", json.dumps({"id": "x", "person": {"birth_yaer": 1930}}) + "\n")
    [error] = read_decisions(path)
    assert error.fields == ("person.birth_yaer",)
    assert "menade du 'birth_year'?" in error.message.sv


def test_broken_jsonl_lines_each_give_one_error_and_the_rest_is_read(tmp_path):
    lines = [json.dumps(SMALL), "{not json", "", "[1, 2]", "   ", json.dumps({**SMALL, "id": "B-3"})]
    results = list(read_decisions(write(tmp_path, "b.jsonl", "\n".join(lines) + "\n")))
    assert [type(r).__name__ for r in results] == ["Decision", "InputError", "InputError", "Decision"]
    assert results[1].line == 2 and "ogiltig JSON i kolumn 2" in results[1].message.sv
    assert results[2].line == 4 and "inte ett objekt" in results[2].message.sv
    assert results[3].source.endswith(":6")


def test_json_list_errors_name_the_index_and_a_syntax_error_stops(tmp_path):
    text = '[\n {"id": "a"},\n {"id": "b", "outcome": 3},\n {"id": "c"\n ]'
    path = write(tmp_path, "b.json", text)
    a, b, broken = read_decisions(path)
    assert isinstance(a, Decision)
    assert b.record == f"{path}[1]" and b.line == 3 and b.fields == ("outcome",)
    assert broken.record == f"{path}[2]" and "rad 5" in broken.message.sv and "resten av filen" in broken.message.sv


@pytest.mark.parametrize(("text", "expected"), [("", "filen är tom"), ("[] x", "text efter listan"),
                                                ('{"id": "a"} {"id": "b"}', "flera beslut skrivs som en lista")])  # fmt: skip
def test_json_file_level_problems(tmp_path, text, expected):
    results = list(read_decisions(write(tmp_path, "b.json", text)))
    assert isinstance(results[-1], InputError) and expected in results[-1].message.sv


def test_a_missing_file_is_one_error(tmp_path):
    [error] = read_decisions(tmp_path / "saknas.jsonl")
    assert isinstance(error, InputError) and error.message.sv == "filen finns inte" and error.message.en == "file not found"
    [error] = read_decisions(tmp_path)  # a folder
    assert isinstance(error, InputError)


def test_a_line_in_another_encoding_spoils_only_that_line(tmp_path):
    good = json.dumps(SMALL).encode()
    bad = json.dumps({**SMALL, "insats": "Särskilt boende"}, ensure_ascii=False).encode("cp1252")
    results = list(read_decisions(write(tmp_path, "b.jsonl", good + b"\n" + bad + b"\n" + good + b"\n")))
    assert [type(r).__name__ for r in results] == ["Decision", "InputError", "Decision"]
    assert "inte giltig utf-8" in results[1].message.sv and "cp1252" in results[1].message.sv
    [decision] = [r for r in read_decisions(write(tmp_path, "c.jsonl", bad + b"\n"), encoding="cp1252")]
    assert decision.insats == "Särskilt boende"


def test_a_utf8_byte_order_mark_is_ignored(tmp_path):
    path = write(tmp_path, "b.csv", b"\xef\xbb\xbfid,outcome\nB-1,bifall\n")
    [decision] = decisions(list(read_decisions(path)))
    assert decision.id == "B-1"


def test_csv_row_problems(tmp_path):
    text = 'id,goals,person,person.birth_year\na,notjson,,\nb,,,,extra\nc,,"[1]",1930\nd,,,abc\n'
    a, b, c, d = read_decisions(write(tmp_path, "b.csv", text))
    assert a.fields == ("goals",) and "väntade JSON" in a.message.sv and "notjson" not in a.message.sv
    assert "raden har 5 fält men rubriken 4" in b.message.sv
    assert c.fields == ("person.birth_year",)  # "person" holds a list, so the dotted column cannot go in
    assert d.fields == ("person.birth_year",) and "abc" not in d.message.sv


# ---- streaming -----------------------------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A binary stream of endless lines that counts how many were read."""

    def __init__(self, header: bytes, line: bytes) -> None:
        self.lines = itertools.chain([header], itertools.repeat(line))
        self.read_lines = 0

    def readable(self) -> bool:
        return True

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        self.read_lines += 1
        return next(self.lines)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_jsonl_and_csv_are_streamed(fmt):
    if fmt == "jsonl":
        stream = CountingStream(json.dumps(SMALL).encode() + b"\n", json.dumps(SMALL).encode() + b"\n")
    else:
        stream = CountingStream(b"id,outcome\n", b"B,avslag\n")
    first = list(itertools.islice(read_decisions(stream, format=fmt), 3))
    assert len(first) == 3 and all(isinstance(d, Decision) for d in first)
    assert stream.read_lines <= 5


# ---- properties ----------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_dates = st.dates(date(1990, 1, 1), date(2040, 12, 31))
_floats = st.floats(min_value=0, max_value=168, allow_nan=False, allow_infinity=False)  # within the schema's bounds


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


activities = st.builds(Activity, text=_text, frequency=_maybe(_text), from_text=st.booleans())
goals = st.builds(Goal, text=_text, accepted=_maybe(st.booleans()), due=_maybe(_dates), life_area=_maybe(_text))
generated_decisions = st.builds(
    Decision,
    id=_text,
    decided_on=_maybe(_dates),
    decided_by=_maybe(st.builds(DecidedBy, id=_maybe(_text), role=_maybe(_text), delegation_since=_maybe(_dates))),
    person=_maybe(st.builds(
        Person,
        birth_year=_maybe(st.integers(1880, 2100)),
        birth_date=_maybe(_dates),
        sex=_maybe(st.sampled_from(["kvinna", "man", "annat"])),
        personkrets=_maybe(st.lists(st.sampled_from([1, 2, 3]), max_size=3)),
        household=_maybe(st.integers(1, 9)),
        basic_needs_hours_per_week=_maybe(_floats),
    )),
    insats=_maybe(_text),
    lagrum=_maybe(_text),
    outcome=_maybe(st.sampled_from(["bifall", "delvis_bifall", "avslag"])),
    applied_for=_maybe(_text),
    scope=_maybe(st.builds(Scope, activities=_maybe(st.lists(activities, max_size=3)), hours_per_month=_maybe(_floats))),
    valid_from=_maybe(_dates),
    valid_until=_maybe(st.one_of(_dates, st.just("tills_vidare"))),
    follow_up_on=_maybe(_dates),
    goals=_maybe(st.lists(goals, max_size=2)),
    justification=_maybe(_text),
    executed_on=_maybe(_dates),
    new_grant=_maybe(st.booleans()),
    source=_maybe(_text.filter(str.strip)),
)  # fmt: skip


@fuzz_settings(150)
@given(st.lists(generated_decisions, max_size=6), st.sampled_from([",", ";", "\t"]))
def test_csv_round_trip(tmp_path_factory, originals, delimiter):
    buffer = io.StringIO(newline="")
    assert write_csv(originals, buffer, delimiter=delimiter) == len(originals)
    path = tmp_path_factory.mktemp("rt") / ("b.tsv" if delimiter == "\t" else "b.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    results = decisions(list(read_decisions(path)))
    assert len(results) == len(originals)
    for original, result in zip(originals, results, strict=True):
        if original.source is None:
            assert result.source.startswith(f"{path}:")
            result = without_source(result)
        assert result == original


@fuzz_settings(150)
@given(st.lists(generated_decisions, max_size=6))
def test_jsonl_round_trip(originals):
    stream = io.StringIO("".join(to_json_line(d) + "\n" for d in originals))
    results = decisions(list(read_decisions(stream, format="jsonl")))
    assert [r if o.source else without_source(r) for o, r in zip(originals, results, strict=True)] == originals


_broken_lines = st.one_of(
    _text.filter(lambda s: s.strip() and "\n" not in s and "\r" not in s),  # not JSON, mostly
    st.sampled_from(['{"id": 1, "outcome": "nej"}', "[1]", "null", '{"id": "a", "okänt": 1}', "{", '"text"',
                     '{"person": {"birth_year": "19121212-1212"}}']),  # fmt: skip
)
_jsonl_lines = st.lists(st.one_of(
    generated_decisions.map(to_json_line).map(lambda s: ("good", s)),
    _broken_lines.map(lambda s: ("broken", s)),
    st.sampled_from(["", "  ", "\t"]).map(lambda s: ("blank", s)),
), max_size=12)  # fmt: skip


@fuzz_settings(200)
@given(_jsonl_lines)
def test_count_in_equals_count_out_for_jsonl(lines):
    text = "".join(line + "\n" for _, line in lines)
    results = list(read_decisions(io.BytesIO(text.encode()), format="jsonl"))
    records = [(number, kind) for number, (kind, line) in enumerate(lines, start=1) if line.strip()]
    assert len(results) == len(records)
    for (number, kind), result in zip(records, results, strict=True):
        if kind == "good":
            assert isinstance(result, Decision)
        if isinstance(result, InputError):
            assert result.line == number and result.record == f"<ström>:{number}"


# ---- personnummer never in a message ----------------------------------------------------------------

personnummer = st.from_regex(r"(19|20)?[0-9]{6}[-+]?[0-9]{4}", fullmatch=True)


@st.composite
def records_with_personnummer(draw) -> str:
    pnr = draw(personnummer)
    where = draw(st.sampled_from(["value", "key", "nested_key", "broken", "list", "date", "id_bad", "literal"]))
    record = {"id": "x"}
    if where == "value":
        record["person"] = {"birth_year": pnr}
    elif where == "key":
        record[pnr] = "x"
    elif where == "nested_key":
        record["person"] = {pnr: 1}
    elif where == "broken":
        return '{"id": "' + pnr + '", "justification": ' + pnr
    elif where == "list":
        record["goals"] = [{"text": pnr, "due": pnr}]
    elif where == "date":
        record["decided_on"] = pnr
    elif where == "id_bad":
        record["id"] = [pnr]
    else:
        record["outcome"] = pnr
    return json.dumps(record)


def _clean(error: InputError) -> bool:
    return not any(PERSONNUMMER.search(text) for text in (error.message.sv, error.message.en, error.record))


@fuzz_settings(200)
@given(st.lists(records_with_personnummer(), min_size=1, max_size=5), st.sampled_from(["jsonl", "json", "csv", "yaml"]))
def test_no_personnummer_in_any_error_message(tmp_path_factory, lines, fmt):
    folder = tmp_path_factory.mktemp("pnr")
    if fmt == "jsonl":
        path = folder / "b.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "json":
        path = folder / "b.json"
        path.write_text("[" + ",\n".join(lines) + "]", encoding="utf-8")
    elif fmt == "yaml":
        path = folder / "b.yaml"
        path.write_text("\n".join("- " + line for line in lines) + "\n", encoding="utf-8")
    else:
        path = folder / "b.csv"
        rows = [next(iter(re.findall(r"\d{6,8}[-+]?\d{4}", line)), "") for line in lines]
        path.write_text("id,person.birth_year,decided_on,outcome\n" + "".join(f"x,{p},{p},{p}\n" for p in rows),
                        encoding="utf-8")  # fmt: skip
    for result in read_decisions(path):
        if isinstance(result, InputError):
            assert _clean(result), result


def test_masking():
    assert mask_personnummer("19121212-1212 och 121212+1212 och 191212121212") == (
        "[personnummer] och [personnummer] och [personnummer]"
    )
    assert mask_personnummer("2024-08-05, rad 20240805") == "2024-08-05, rad 20240805"
    error = InputError(Text("x 191212121212", "121212-1212"), "19121212-1212.jsonl:3")
    assert _clean(error)


# ---- the csv module's field limit belongs to the host --------------------------------------


def test_importing_the_library_leaves_the_csv_field_limit_alone():
    import subprocess
    import sys

    code = ("import csv; before = csv.field_size_limit(); import bistandsregler; "
            "import bistandsregler.input.readers, bistandsregler.input.delegationslista, bistandsregler.cli.main; "
            "print(before, csv.field_size_limit())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = run.stdout.split()
    assert before == after


def test_a_long_cell_is_read_and_the_host_limit_holds_between_records(tmp_path):
    import csv

    reason = "motivering " * 20_000  # 220 000 characters, over the csv module's default limit
    text = f'id,outcome,justification\nB-1,avslag,"{reason}"\nB-2,bifall,kort\n'
    path = write(tmp_path, "b.csv", text)
    host = csv.field_size_limit(1000)
    try:
        seen = []
        for result in read_decisions(path):
            seen.append(csv.field_size_limit())  # what the host sees while it holds a record
            assert not isinstance(result, InputError), result
        first, second = decisions(list(read_decisions(path)))
        assert first.justification == reason.strip() and second.justification == "kort"
        assert seen == [1000, 1000] and csv.field_size_limit() == 1000
        # the host's own reader keeps its own limit
        with pytest.raises(csv.Error, match="field larger than field limit"):
            list(csv.reader(io.StringIO(text)))
    finally:
        csv.field_size_limit(host)


# ---- damaged tables: binary, CR line endings, no header; one header reader for both ---------------------

LIST_HEADER = "Beslutsfattare\tBeslutsdatum\tBeslut\tAnledning till avslag\n"
LIST_ROW = "H-1\t20240805\tBifall Hemtjänst enligt 4 kap. 1 § SoL\t\n"


def _both(tmp_path, name: str, content: bytes) -> tuple[list, list]:
    from bistandsregler.input.delegationslista import import_delegationslista

    path = tmp_path / name
    path.write_bytes(content)
    return list(read_decisions(path)), list(import_delegationslista(path))


def test_a_file_of_nul_bytes_is_no_table_for_either_reader(tmp_path):
    for results in _both(tmp_path, "x.csv", b"\x00" * 100):
        (error,) = results
        assert isinstance(error, InputError) and "ingen textfil" in error.message.sv and "not a text file" in error.message.en
    # the twin: one NUL inside a later row is that row's business, not the file's
    decisions, _ = _both(tmp_path, "y.csv", b"id,insats\nb1,Hemtj\xc3\xa4nst\n")
    assert [d.id for d in decisions] == ["b1"]


def test_cr_only_line_endings_are_line_endings(tmp_path):
    decisions, listed = _both(tmp_path, "x.csv", ("id,insats\r" + "".join(f"b{i},Hemtjänst\r" for i in range(5))).encode())
    assert [d.id for d in decisions] == [f"b{i}" for i in range(5)]
    assert [d.source for d in decisions] == [f"{tmp_path / 'x.csv'}:{i}" for i in range(2, 7)]
    _, listed = _both(tmp_path, "lista.tsv", (LIST_HEADER + LIST_ROW * 3).replace("\n", "\r").encode())
    assert len(listed) == 3 and all(isinstance(r, Decision) for r in listed)
    # a quoted cell may still hold a CR: it stays one cell of one record
    (decision,) = read_decisions(io.StringIO('id,justification\nb1,"rad ett\rrad två"\n'), "csv")
    assert decision.justification == "rad ett\rrad två"


def test_a_headerless_table_is_said_once_and_quotes_nothing(tmp_path):
    content = "19391231-4312,Anna Andersson,Hemtjänst\n19391231-4313,Bo Ek,Hemtjänst\n391231-4314,C,D\n".encode()
    for results in _both(tmp_path, "x.csv", content):
        (error,) = results
        assert isinstance(error, InputError) and error.line == 1
        assert "rad 1 är ingen rubrikrad" in error.message.sv and "3 rader lästes inte" in error.message.sv
        assert "Anna" not in error.message.sv + error.message.en and "4312" not in error.message.sv + error.record
    # the twins: a header with one known field is a header; unknown columns are named by number
    decisions, _ = _both(tmp_path, "y.csv", b"id,Anna Andersson\nb1,x\n")
    (error,) = decisions
    assert isinstance(error, InputError) and "Anna" not in error.message.sv and "(okänt fält)" in error.message.sv
    _, listed = _both(tmp_path, "lista.tsv", (LIST_HEADER + LIST_ROW).encode())
    assert [type(r) for r in listed] == [Decision]


def test_a_file_that_is_no_delegation_list_is_an_error(tmp_path, capsys):
    from bistandsregler.cli.main import main

    path = tmp_path / "beslut.jsonl"
    path.write_text('{"id": "b1"}\n{"id": "b2"}\n', encoding="utf-8")
    assert main(["import", "delegationslista", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "ingen rubrikrad" in err and "0 beslut skrivna, 1 fel" in err


# ---- never lose a file: -o is written whole or not at all ----------------------------------------------


def test_import_to_an_existing_file_keeps_it_when_the_run_fails(tmp_path, capsys):
    from bistandsregler.cli.main import main

    out = tmp_path / "ut.jsonl"
    out.write_text("det som fanns\n", encoding="utf-8")
    assert main(["import", "delegationslista", str(tmp_path / "saknas.tsv"), "-o", str(out)]) == 2  # no such file
    assert out.read_text(encoding="utf-8") == "det som fanns\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.jsonl"]  # no temporary file left
    # the twin: a run that succeeds replaces the file whole
    lista = tmp_path / "lista.tsv"
    lista.write_text(LIST_HEADER + LIST_ROW * 2, encoding="utf-8")
    assert main(["import", "delegationslista", str(lista), "-o", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lista.tsv", "ut.jsonl"]
    capsys.readouterr()


def test_an_interrupted_import_leaves_the_file_and_says_so(tmp_path, capsys, monkeypatch):
    import signal

    from bistandsregler.cli.main import main
    from bistandsregler.cli.output import Interrupted
    from bistandsregler.input import delegationslista

    real = delegationslista.import_delegationslista

    def stopped(*args, **kwargs):
        results = real(*args, **kwargs)
        yield next(results)
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(delegationslista, "import_delegationslista", stopped)
    lista, out = tmp_path / "lista.tsv", tmp_path / "ut.jsonl"
    lista.write_text(LIST_HEADER + LIST_ROW * 3, encoding="utf-8")
    out.write_text("det som fanns\n", encoding="utf-8")
    assert main(["import", "delegationslista", str(lista), "-o", str(out)]) == 143
    assert out.read_text(encoding="utf-8") == "det som fanns\n"
    assert "avbruten (SIGTERM) efter 1 rader" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lista.tsv", "ut.jsonl"]


def test_a_write_that_fails_half_way_leaves_the_file(tmp_path, monkeypatch):
    import errno

    from bistandsregler.language.files import atomic_file

    out = tmp_path / "ut.txt"
    out.write_text("det som fanns\n", encoding="utf-8")
    with pytest.raises(OSError) as caught, atomic_file(out) as handle:
        handle.write("början")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.errno == errno.ENOSPC
    assert out.read_text(encoding="utf-8") == "det som fanns\n" and [p.name for p in tmp_path.iterdir()] == ["ut.txt"]
    with atomic_file(out) as handle:  # the twin
        handle.write("nytt\n")
    assert out.read_text(encoding="utf-8") == "nytt\n" and [p.name for p in tmp_path.iterdir()] == ["ut.txt"]


def test_a_run_stopped_by_a_signal_says_so_in_its_summary(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "beslut.jsonl"
    record = {"id": "b", "decided_on": "2024-03-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL", "outcome": "bifall"}
    path.write_text("".join(json.dumps({**record, "id": f"b{i}"}) + "\n" for i in range(200_000)), encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "bistandsregler", "evaluate", "--format", "jsonl", str(path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stdout is not None
    run.stdout.readline()  # checking has begun
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 143, err
    summary = json.loads(err.strip().splitlines()[-1])
    assert summary["interrupted"] == "SIGTERM" and 0 < summary["decisions_in"] == summary["results_out"] < 200_000


def test_the_text_summary_of_a_run_cut_short_says_so(tmp_path, capsys, monkeypatch):
    import signal

    from bistandsregler.cli import evaluate
    from bistandsregler.cli.main import main
    from bistandsregler.cli.output import Interrupted

    real = evaluate.results

    def stopped(*args):
        results = real(*args)
        yield next(results)
        raise Interrupted(signal.SIGINT)

    path = tmp_path / "beslut.jsonl"
    path.write_text('{"id": "b1"}\n{"id": "b2"}\n', encoding="utf-8")
    monkeypatch.setattr(evaluate, "results", stopped)
    assert main(["evaluate", str(path)]) == 130
    out = capsys.readouterr().out
    assert "1 beslut in, 1 resultat ut" in out and "avbruten (SIGINT): siffrorna gäller besluten före" in out
    monkeypatch.setattr(evaluate, "results", real)  # the twin: the whole run, no such line
    assert main(["evaluate", str(path)]) == 0 and "avbruten" not in capsys.readouterr().out


def test_terminal_escapes_every_control_character():
    from bistandsregler.cli.output import terminal

    assert terminal("x\n\x1b[32my\r\x00\u202e\u2028z") == "x\\x0a\\x1b[32my\\x0d\\x00\\u202e\\u2028z"
    assert terminal("Hemtjänst 4 kap. 1 § SoL – «ok»") == "Hemtjänst 4 kap. 1 § SoL – «ok»"  # the twin
