"""Checking over Arrow record batches and reading Parquet: the per-record checker is the
reference, on every record of generated sets; and the same function runs under Dask's
distributed scheduler on a local cluster."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

import bistandsregler
from bistandsregler.checking.decision_errors import InvalidDecision
from bistandsregler.checking.evaluation import Checker
from bistandsregler.columnar.batch import FINDINGS_SCHEMA, check_batch, check_batches, checker_for
from bistandsregler.input.readers import decision_data, read_decisions
from bistandsregler.language.errors import InputError

RIKTLINJE, SCHABLON = "guidelines/botkyrka", "guidelines/kristianstad"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return bistandsregler.compile(RIKTLINJE, SCHABLON)


def optional(draw, out: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        out[key] = draw(strategy)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def decision_rows(draw) -> dict:
    """A decision as a table row: every field of one type across rows (as a column has), some
    absent; values outside what the schema allows (a birth year of 1700) make input errors."""
    day = draw(days)
    row: dict = {"id": draw(st.sampled_from(["B1", "B2", "1", "B-3"]))}
    optional(draw, row, "decided_on", st.just(day.isoformat()))
    optional(draw, row, "insats", st.sampled_from(["Hemtjänst", "Trygghetslarm", "Boendestöd", "Ledsagarservice",
                                                   "Personlig assistans", "Hemvårdsbidrag", "Okänd insats"]))
    optional(draw, row, "lagrum", st.sampled_from(["11 kap. 1 § SoL", "4 kap. 1 § SoL", "9 § 2 LSS", "9 § 1", "x"]))
    optional(draw, row, "outcome", st.sampled_from(["bifall", "delvis_bifall", "avslag"]))
    optional(draw, row, "new_grant", st.booleans())
    person: dict = {}
    optional(draw, person, "birth_year", st.sampled_from([1700, 1930, 1958, 1960, 1990, 2010]))
    optional(draw, person, "sex", st.sampled_from(["kvinna", "man", "annat"]))
    optional(draw, person, "personkrets", st.lists(st.sampled_from([1, 2, 3]), unique=True, max_size=2))
    optional(draw, person, "household", st.integers(1, 3))
    optional(draw, person, "basic_needs_hours_per_week", st.sampled_from([5.0, 25.0, 40.5]))
    if person:
        row["person"] = person
    if draw(st.booleans()):
        scope: dict = {}
        optional(draw, scope, "hours_per_month", st.sampled_from([0.0, 12.5, 40.0, 130.0, 800.0]))
        optional(draw, scope, "activities", st.lists(st.builds(lambda t: {"text": t}, st.sampled_from(
            ["dusch 2 gg/v", "städning var tredje vecka", "inköp 1 gång per vecka", "promenad 3 gånger i veckan",
             "tvätt ibland", "morgonhjälp dagligen", "ledsagning 4 tim/mån"])), max_size=3))
        if scope:  # a struct needs a field to be written to Parquet
            row["scope"] = scope
    optional(draw, row, "valid_from", days.map(lambda d: d.isoformat()))
    optional(draw, row, "valid_until", st.one_of(st.just("tills_vidare"),
                                                 st.integers(-10, 500).map(lambda n: (day + timedelta(n)).isoformat())))
    optional(draw, row, "follow_up_on", st.integers(0, 500).map(lambda n: (day + timedelta(n)).isoformat()))
    optional(draw, row, "executed_on", st.integers(0, 200).map(lambda n: (day + timedelta(n)).isoformat()))
    optional(draw, row, "goals", st.lists(st.fixed_dictionaries(
        {"text": st.sampled_from(["Skäliga levnadsförhållanden", "Kunna duscha själv två gånger i veckan",
                                  "Känna trygghet"])},
        optional={"accepted": st.booleans(), "due": days.map(lambda d: d.isoformat())}), max_size=2))
    optional(draw, row, "justification", st.sampled_from(["", "Ej behov", "Behovet kan tillgodoses på annat sätt.",
                                                          "Den enskilde behöver stöd med dusch 2 gg/v."]))
    return row


def as_batch(rows: list[dict]) -> pa.RecordBatch:
    """Rows as one record batch, the columns the union of the rows' fields (absent: null)."""
    return pa.RecordBatch.from_struct_array(pa.array(rows))


def reference(checker: Checker, rows: list[dict], name: str = "batch") -> list[list[dict]]:
    """The per-record checker's findings for each row, as evaluate's JSON writes them."""
    out = []
    for index, row in enumerate(rows):
        record = f"{name}[{index}]"
        try:
            result = checker.check({**row, "source": record})
        except InvalidDecision:
            out.append([{"code": "indata.ogiltig", "severity": "fel"}])
            continue
        out.append([json.loads(json.dumps(f.to_json(), ensure_ascii=False)) for f in result.findings])
    return out


def by_row(batch: pa.RecordBatch, rows: int) -> list[list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for finding in batch.to_pylist():
        grouped[finding["row"]].append(finding)
    return [grouped[i] for i in range(rows)]


def comparable(found: dict) -> dict:
    """A batch row as the JSON finding it stands for (values back from their JSON text)."""
    out = {k: found[k] for k in ("code", "severity", "message", "field", "guideline", "section", "lagrum")
           if found[k] is not None}
    for key in ("values", "values_exact"):
        if found[key] is not None:
            out[key] = json.loads(found[key])
    return out


@fuzz_settings(60)
@given(st.lists(decision_rows(), min_size=1, max_size=12))
def test_a_batch_gives_exactly_the_findings_of_the_per_record_checker(checker, rows):
    batch = check_batch(as_batch(rows), checker)
    assert batch.schema == FINDINGS_SCHEMA
    want = reference(checker, rows)
    got = by_row(batch, len(rows))
    for index, (mine, theirs) in enumerate(zip(got, want, strict=True)):
        if theirs and theirs[0]["code"] == "indata.ogiltig":
            assert [f["code"] for f in mine] == ["indata.ogiltig"], index
            continue
        assert [comparable(f) for f in mine] == theirs, index
        assert {f["decision_id"] for f in mine} <= {rows[index]["id"]}


def test_an_unreadable_row_is_one_finding_that_names_the_field_not_an_exception(checker):
    rows = [{"id": "ok", "insats": "Hemtjänst"}, {"id": "bad", "person": {"birth_year": 1700}}]
    found = check_batch(as_batch(rows), checker, name="del").to_pylist()
    bad = [f for f in found if f["row"] == 1]
    assert [f["code"] for f in bad] == ["indata.ogiltig"]
    assert bad[0]["decision_id"] == "bad" and "birth_year" in bad[0]["message"]


def test_dotted_columns_read_as_nested_fields_and_nulls_as_unknown():
    assert decision_data({"id": "1", "person.birth_year": 1940, "person.sex": None, "goals": None,
                          "scope": {"hours_per_month": None, "activities": [{"text": "dusch 2 gg/v"}]}}) == {
        "id": "1", "person": {"birth_year": 1940}, "scope": {"activities": [{"text": "dusch 2 gg/v"}]}}


def test_flat_and_nested_tables_give_the_same_findings(checker):
    nested = [{"id": "1", "decided_on": "2025-09-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL",
               "outcome": "bifall", "person": {"birth_year": 1940, "sex": "kvinna"}, "goals": []}]
    flat = pa.table({"id": ["1"], "decided_on": ["2025-09-01"], "insats": ["Hemtjänst"],
                     "lagrum": ["4 kap. 1 § SoL"], "outcome": ["bifall"], "person.birth_year": [1940],
                     "person.sex": ["kvinna"], "goals": pa.array([[]], pa.list_(pa.struct([("text", pa.string())])))})
    assert check_batch(flat, checker).to_pylist() == check_batch(as_batch(nested), checker).to_pylist()
    assert "lagrum.upphavd" in check_batch(flat, checker).column("code").to_pylist()


def test_check_batches_streams_one_batch_out_per_batch_in(checker):
    rows = [{"id": str(i), "insats": "Hemtjänst", "outcome": "bifall"} for i in range(5)]
    batches = [as_batch(rows[:2]), as_batch(rows[2:])]
    out = list(check_batches(iter(batches), checker))
    assert len(out) == 2 and all(b.schema == FINDINGS_SCHEMA for b in out)
    assert sum(b.num_rows for b in out) == check_batch(as_batch(rows), checker).num_rows


# ---- Parquet as an input format -------------------------------------------------------------------


@fuzz_settings(25)
@given(st.lists(decision_rows(), min_size=1, max_size=8))
def test_a_parquet_file_reads_as_the_same_decisions(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("pq") / "beslut.parquet"
    pq.write_table(pa.Table.from_batches([as_batch(rows)]), path, row_group_size=3)
    read = list(read_decisions(path))
    assert len(read) == len(rows)  # one result per record, none dropped
    for index, (row, result) in enumerate(zip(rows, read, strict=True)):
        record = f"{path}[{index}]"
        try:
            want = bistandsregler.Decision.model_validate({**row, "source": record})
        except Exception:
            assert isinstance(result, InputError) and result.record == record
            continue
        assert result == want


def test_evaluate_reads_parquet_like_json_lines(tmp_path, capsys):
    from bistandsregler.cli.main import main

    rows = [{"id": "1", "decided_on": "2025-09-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL",
             "outcome": "bifall", "scope": {"hours_per_month": 30.0, "activities": [{"text": "dusch 2 gg/v"}]},
             "goals": []},
            {"id": "2", "decided_on": "2025-09-02", "insats": "Boendestöd", "outcome": "avslag", "justification": ""}]
    pq.write_table(pa.Table.from_batches([as_batch(rows)]), tmp_path / "b.parquet")
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    outputs = []
    for name in ("b.parquet", "b.jsonl"):
        code = main(["evaluate", "--riktlinje", RIKTLINJE, "--schablon", SCHABLON, "--format", "jsonl",
                     "--fail-on", "aldrig", str(tmp_path / name)])
        assert code == 0
        outputs.append([{k: v for k, v in json.loads(line).items() if k != "source"}
                        for line in capsys.readouterr().out.splitlines()])
    assert outputs[0] == outputs[1] and len(outputs[0]) == 2


def test_a_file_that_is_no_parquet_is_one_error_naming_it(tmp_path):
    path = tmp_path / "trasig.parquet"
    path.write_bytes(b"PAR1 inte alls parquet")
    [error] = list(read_decisions(path))
    assert isinstance(error, InputError) and error.record == str(path)
    assert "Parquet" in error.message.sv


# ---- Dask's distributed scheduler ---------------------------------------------------------------------


def _check_partition(batches: list[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """What a worker runs: the checker is compiled there, once per process, never sent."""
    return [check_batch(batch, checker_for(RIKTLINJE, SCHABLON)) for batch in batches]


@pytest.mark.slow
def test_map_partitions_under_the_distributed_scheduler_gives_the_local_findings(checker):
    import dask.bag as db
    from distributed import Client, LocalCluster

    rows = [{"id": f"B{i}", "decided_on": f"2025-{7 + i % 6:02d}-1{i % 10}", "insats": ["Hemtjänst", "Boendestöd"][i % 2],
             "lagrum": ["11 kap. 1 § SoL", "4 kap. 1 § SoL"][i % 2], "outcome": ["bifall", "avslag"][i % 3 == 0],
             "person": {"birth_year": 1930 + i}, "scope": {"hours_per_month": float(i * 7 % 130)},
             "justification": ["", "Ej behov", "Behovet bedöms tillgodosett."][i % 3]} for i in range(40)]
    batches = [as_batch(rows[i:i + 7]) for i in range(0, len(rows), 7)]
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        bag = db.from_sequence(batches, npartitions=3).map_partitions(_check_partition)
        distributed = client.compute(bag).result()
    local = [check_batch(batch, checker) for batch in batches]
    assert [b.to_pylist() for b in distributed] == [b.to_pylist() for b in local]
    assert sum(b.num_rows for b in local) > len(rows)  # findings were made, not an empty agreement
