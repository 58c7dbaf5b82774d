"""The monthly delegation list: the shared sample imports completely, every row gives one result."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from bistandsregler.checking.decision import Activity, DecidedBy, Decision, Person
from bistandsregler.cli.main import main
from bistandsregler.input.delegationslista import (
    BeslutError,
    SplitBeslut,
    activities_from_text,
    import_delegationslista,
    parse_beslutsdatum,
    split_beslut,
)
from bistandsregler.input.readers import PERSONNUMMER, InputError
from bistandsregler.language.lagrum import try_parse_lagrum
from bistandsregler.rules.catalogue import resolve_insats
from bistandsregler.rules.loading import read

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "delegationslista-exempel.tsv"
HEADER = "Beslutsfattare\tBeslutsdatum\tBeslut\tAnledning till avslag\tFödelseår\tKön\n"


@pytest.fixture(scope="module")
def catalogue():
    return read([]).insatser()


@pytest.fixture(scope="module")
def sample() -> list[Decision]:
    results = list(import_delegationslista(SAMPLE))
    assert all(isinstance(r, Decision) for r in results), [str(r) for r in results if isinstance(r, InputError)]
    return results  # type: ignore[return-value]


def row(sample: list[Decision], number: int) -> Decision:
    """The sample's data row ``number`` (1-based; the header is not a row): file line number + 1."""
    return sample[number - 1]


# ---- the shared sample -----------------------------------------------------------------------------


def test_the_sample_imports_completely(sample):
    assert len(sample) == 15
    assert [d.id for d in sample] == [f"delegationslista-exempel:{line}" for line in range(2, 17)]
    assert all(d.source == f"{SAMPLE}:{line}" for d, line in zip(sample, range(2, 17), strict=True))


def test_row_1_a_plain_grant(sample):
    decision = row(sample, 1)
    assert decision == Decision(
        id="delegationslista-exempel:2",
        decided_on=date(2024, 8, 5),
        decided_by=DecidedBy(id="H-101"),
        person=Person(birth_year=1938, sex="kvinna"),
        insats="Hemtjänst",
        lagrum="4 kap, 1§ SoL",
        outcome="bifall",
        source=f"{SAMPLE}:2",
    )
    assert decision.justification is None  # a grant: the reasons column says nothing
    assert decision.scope is None and decision.goals is None  # not in the export: unknown


def test_row_2_refused_residential_care_with_activities_from_the_reasons(sample, catalogue):
    decision = row(sample, 2)
    assert (decision.outcome, decision.insats, decision.lagrum) == ("avslag", "Särskilt boende", "4 kap, 1§ SoL")
    assert resolve_insats(decision.insats, catalogue).id == "särskilt_boende"
    assert decision.person == Person(birth_year=1931, sex="man")
    assert decision.justification.startswith("Avslag på ansökan om vård- och omsorgsboende.")
    activities = decision.scope.activities
    assert all(a.from_text for a in activities)
    by_name = {a.text: a.frequency for a in activities}
    assert {"dusch", "städ", "inköp", "trygghetslarm"} <= set(by_name)
    assert by_name["dusch"] == "1 gg/v"
    assert by_name["städ"] == "1gg/3:e v"
    assert by_name["inköp"] == "1 ggr/v"
    assert by_name["trygghetslarm"] is None
    # The granted alternative is read too: hemtjänst with four visits a day.
    assert activities[0] == Activity(text="hemtjänst", frequency="fyra besök per dag", from_text=True)
    assert decision.scope.hours_per_month is None


def test_row_4_refusal_with_a_stock_phrase(sample):
    decision = row(sample, 4)
    assert decision.outcome == "avslag" and decision.justification == "Behovet bedöms inte föreligga."
    assert decision.scope is None


def test_row_9_simplified_home_care(sample, catalogue):
    decision = row(sample, 9)
    assert decision.insats == "Förenkl.handläggn. Hemtj."  # kept as written
    assert decision.lagrum == "4 kap, 2 a§ SoL"  # "enl" separates
    assert resolve_insats(decision.insats, catalogue).id == "förenklad_hemtjänst"
    assert str(try_parse_lagrum(decision.lagrum)) == "4 kap. 2 a § SoL"


def test_row_11_night_home_care_and_an_odd_law_spelling(sample, catalogue):
    decision = row(sample, 11)
    assert (decision.insats, decision.lagrum) == ("Hemtjänst Natt", "Kapitel 4 §1 SoL")
    assert resolve_insats(decision.insats, catalogue).id == "hemtjänst"
    assert str(try_parse_lagrum(decision.lagrum)) == "4 kap. 1 § SoL"


def test_row_12_misspelled_short_term_care(sample, catalogue):
    decision = row(sample, 12)
    assert decision.insats == "Kortidsboende"
    assert resolve_insats(decision.insats, catalogue).id == "korttidsplats"
    assert decision.scope.activities == [
        Activity(text="dusch", frequency="2 ggr/v", from_text=True),
        Activity(text="tillsyn", frequency="3 gg/dag", from_text=True),
    ]


def test_every_sample_row_resolves_and_has_a_readable_law_reference(sample, catalogue):
    ids = [resolve_insats(d.insats, catalogue, lag=try_parse_lagrum(d.lagrum).law).id for d in sample]
    assert ids == [
        "hemtjänst", "särskilt_boende", "trygghetslarm", "hemtjänst", "boendestöd", "ledsagarservice",
        "daglig_verksamhet", "personlig_assistans", "förenklad_hemtjänst", "korttidsvistelse", "hemtjänst",
        "korttidsplats", "avlösarservice", "hemtjänst", "hemtjänst",
    ]  # fmt: skip
    assert all(try_parse_lagrum(d.lagrum) is not None for d in sample)
    assert [d.outcome for d in sample].count("avslag") == 4
    assert row(sample, 14).decided_on == date(2025, 9, 2) and row(sample, 14).lagrum == "11 kap. 1 § SoL"


# ---- the Beslut column ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bifall Hemtjänst enligt 4 kap, 1§ SoL", ("bifall", "Hemtjänst", "4 kap, 1§ SoL")),
        ("Avslag Särskilt boende enligt 4 kap, 1§ SoL", ("avslag", "Särskilt boende", "4 kap, 1§ SoL")),
        ("Delvis bifall Hemtjänst enligt 4 kap. 1 § SoL", ("delvis_bifall", "Hemtjänst", "4 kap. 1 § SoL")),
        ("Delvis avslag Hemtjänst enligt 4 kap. 1 § SoL", ("delvis_bifall", "Hemtjänst", "4 kap. 1 § SoL")),
        ("BIFALL  Hemtjänst   ENL.  4 kap 1 § SoL", ("bifall", "Hemtjänst", "4 kap 1 § SoL")),
        ("Bifall Förenkl.handläggn. Hemtj. enl 4 kap, 2 a§ SoL", ("bifall", "Förenkl.handläggn. Hemtj.", "4 kap, 2 a§ SoL")),
        ("Bifall Hemtjänst enl.4 kap. 1 § SoL", ("bifall", "Hemtjänst", "4 kap. 1 § SoL")),
        ("Bifall Daglig verksamhet enligt 9 § 10", ("bifall", "Daglig verksamhet", "9 § 10")),
        ("Bifall Hemtjänst 4 kap. 1 § SoL", ("bifall", "Hemtjänst", "4 kap. 1 § SoL")),  # no separator
        ("Avslag: Hemtjänst (4 kap. 1 § SoL)", ("avslag", "Hemtjänst", "4 kap. 1 § SoL")),
        ("Bifall Hemtjänst", ("bifall", "Hemtjänst", None)),  # no law reference: unknown
        ("Bifall Hemtjänst enligt", ("bifall", "Hemtjänst", None)),
        ("Bifall Kontaktperson enligt SoL enligt 4 kap. 1 § SoL", ("bifall", "Kontaktperson enligt SoL", "4 kap. 1 § SoL")),
        ("Bifall Kontaktperson enligt SoL", ("bifall", "Kontaktperson", "SoL")),  # unreadable: kept for lagrum.okand
    ],
)  # fmt: skip
def test_split_beslut(text, expected):
    assert split_beslut(text) == SplitBeslut(*expected)


# Rows of tests/corpus/delegationslistor/lagrum_efterled.tsv: the words after the law reference
# are the insats's qualifier, and the reference is read as if they were not there.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bifall Hemtjänst enligt 4 kap, 1§ SoL natt", ("Hemtjänst", "4 kap, 1§ SoL", "natt")),
        ("Bifall Bostad med särskild service för vuxna enligt 9 § 9 LSS vuxna",
         ("Bostad med särskild service för vuxna", "9 § 9 LSS", "vuxna")),
        ("Bifall Hemtjänst enligt Kapitel 4 §1 SoL utökning", ("Hemtjänst", "Kapitel 4 §1 SoL", "utökning")),
        ("Bifall Hemtjänst enligt 11 kap 1§ SoL dag och kväll", ("Hemtjänst", "11 kap 1§ SoL", "dag och kväll")),
        ("Bifall Hemtjänst enl 4 kap, 1§ SoL (omprövning)", ("Hemtjänst", "4 kap, 1§ SoL", "omprövning")),
        ("Bifall Hemtjänst enl 11 kap. 1 § SoL, fortsättningsbeslut", ("Hemtjänst", "11 kap. 1 § SoL", "fortsättningsbeslut")),
        ("Bifall Daglig verksamhet enligt 9 § 10 deltid", ("Daglig verksamhet", "9 § 10", "deltid")),  # law left out
        ("Bifall Hemtjänst 4 kap. 1 § SoL natt", ("Hemtjänst", "4 kap. 1 § SoL", "natt")),  # no separator
        # The quiet twins: nothing after the reference, no qualifier.
        ("Bifall Hemtjänst enligt 4 kap, 1§ SoL", ("Hemtjänst", "4 kap, 1§ SoL", None)),
        ("Bifall Bostad med särskild service för vuxna enligt 9 § 9 LSS.", ("Bostad med särskild service för vuxna", "9 § 9 LSS.", None)),
        # Text that is no law reference at all stays the lagrum, for lagrum.okand.
        ("Bifall Hemtjänst enligt beslut i nämnden", ("Hemtjänst", "beslut i nämnden", None)),
    ],
)  # fmt: skip
def test_text_after_the_law_reference_is_the_qualifier(text, expected):
    split = split_beslut(text)
    assert (split.insats, split.lagrum, split.qualifier) == expected


def test_the_qualifier_is_a_field_of_the_decision_and_the_reference_reads(tmp_path):
    path = write(tmp_path, "lista.tsv", HEADER + "H-201\t20190402\tBifall Bostad med särskild service för vuxna enligt 9 § 9 LSS vuxna\t\t1978\tMan\n"
                 "H-201\t20190402\tBifall Bostad med särskild service för vuxna enligt 9 § 9 LSS\t\t1978\tMan\n")  # fmt: skip
    with_qualifier, without = import_delegationslista(path)
    assert with_qualifier.insats_qualifier == "vuxna" and without.insats_qualifier is None
    assert with_qualifier.lagrum == without.lagrum == "9 § 9 LSS"
    assert str(try_parse_lagrum(with_qualifier.lagrum)) == "9 § 9 LSS"


@pytest.mark.parametrize(
    ("written", "sex", "sex_written"),
    [
        ("HEN", "annat", "HEN"), ("Hen", "annat", "Hen"), ("X", "annat", "X"), ("Ickebinär", "annat", "Ickebinär"),
        ("Annat", "annat", "Annat"), ("Flicka", "annat", "Flicka"),
        # The quiet twins: the two spellings of kvinna and man, and the words for unknown.
        ("Kvinna", "kvinna", None), ("K", "kvinna", None), ("Man", "man", None), ("M.", "man", None),
        ("Okänt", None, None), ("-", None, None),
    ],
)  # fmt: skip
def test_a_row_is_kept_whatever_its_sex(tmp_path, written, sex, sex_written):
    path = write(tmp_path, "lista.tsv", HEADER + f"H-241\t20190408\tBifall Hemtjänst enligt 4 kap, 1§ SoL\t\t1935\t{written}\n")
    [decision] = import_delegationslista(path)
    assert isinstance(decision, Decision)
    assert (decision.person.sex, decision.person.sex_written) == (sex, sex_written)


def test_a_written_sex_alone_means_annat():
    assert Person(sex_written="HEN").sex == "annat"
    assert Person(sex="kvinna").sex_written is None


@pytest.mark.parametrize("text", ["Hemtjänst enligt 4 kap. 1 § SoL", "Bifallet gäller", "Bifall", "Avslag enligt 4 kap. 1 § SoL", ""])
def test_split_beslut_refuses_text_without_outcome_or_insats(text):
    with pytest.raises(BeslutError):
        split_beslut(text)


def test_dates_in_both_forms():
    assert parse_beslutsdatum("20240805") == parse_beslutsdatum("2024-08-05") == date(2024, 8, 5)
    for bad in ("2024-13-01", "240805", "5 aug 2024", ""):
        with pytest.raises(ValueError):
            parse_beslutsdatum(bad)


def test_activities_from_text_keep_the_frequency_as_written():
    assert activities_from_text("Beviljas städ varannan vecka och tvätt 2ggr/mån.") == [
        Activity(text="städ", frequency="varannan vecka", from_text=True),
        Activity(text="tvätt", frequency="2ggr/mån", from_text=True),
    ]
    assert activities_from_text("Behovet bedöms inte föreligga.") == []


# ---- tolerance ---------------------------------------------------------------------------------------


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def comparable(results):
    return [r.model_dump(exclude={"id", "source"}) if isinstance(r, Decision) else r for r in results]


def test_column_order_case_delimiter_and_date_form_do_not_matter(tmp_path, sample):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines]
    # Reordered, upper case, semicolons, ISO dates, CRLF.
    order = [5, 2, 0, 4, 3, 1]
    header = ";".join(["KÖN", "beslut", "BESLUTSFATTARE", "Fodelsear", "Anledning till avslag", "Beslutsdatum"])
    body = []
    for cells in rows:
        cells = cells + [""] * (6 - len(cells))
        cells[1] = f"{cells[1][:4]}-{cells[1][4:6]}-{cells[1][6:]}"
        body.append(";".join('"' + cells[i].replace('"', '""') + '"' for i in order))
    path = write(tmp_path, "lista.csv", "\r\n".join([header, *body]) + "\r\n")
    results = list(import_delegationslista(path))
    assert comparable(results) == comparable(sample)
    assert results[0].id == "lista:2"


def test_only_the_beslut_column_is_required(tmp_path):
    path = write(tmp_path, "lista.tsv", "Beslut\tExtra kolumn\nBifall Hemtjänst enligt 4 kap. 1 § SoL\t19121212-1212\n")
    [decision] = import_delegationslista(path)
    assert decision == Decision(id="lista:2", insats="Hemtjänst", lagrum="4 kap. 1 § SoL", outcome="bifall",
                                source=f"{path}:2")  # fmt: skip


def test_an_empty_reason_on_a_refusal_is_known_to_be_empty(tmp_path):
    path = write(tmp_path, "lista.tsv", HEADER + "H-1\t20240805\tAvslag Hemtjänst enligt 4 kap. 1 § SoL\t\t1940\tMan\n")
    [decision] = import_delegationslista(path)
    assert decision.justification == ""


def test_malformed_rows_are_errors_that_name_the_line_and_the_rest_is_read(tmp_path):
    text = HEADER + "".join([
        "H-1\t20240805\tBifall Hemtjänst enligt 4 kap. 1 § SoL\t\t1940\tKvinna\n",
        "H-1\t2024-13-45\tBifall Hemtjänst enligt 4 kap. 1 § SoL\t\t1940\tKvinna\n",
        "\n",
        "H-1\t20240805\tHemtjänst enligt 4 kap. 1 § SoL\t\t19121212-1212\tX\n",
        "H-1\t20240805\t\t\t1940\tKvinna\n",
        "H-2\t20240806\tAvslag Hemtjänst enligt 4 kap. 1 § SoL\tBehovet bedöms inte föreligga.\t1940\tM\n",
    ])  # fmt: skip
    path = write(tmp_path, "lista.tsv", text)
    results = list(import_delegationslista(path))
    assert [type(r).__name__ for r in results] == ["Decision", "InputError", "InputError", "InputError", "Decision"]
    bad_date, bad_row, empty = results[1:4]
    assert bad_date.record == f"{path}:3" and bad_date.fields == ("Beslutsdatum",)
    assert bad_row.record == f"{path}:5" and bad_row.fields == ("Beslut", "Födelseår")  # Kön "X" is kept
    assert "19121212" not in bad_row.message.sv
    assert empty.record == f"{path}:6" and "Beslut: är tom" in empty.message.sv
    assert results[4].person.sex == "man" and results[4].id == "lista:7"


def test_a_missing_beslut_column_fails_every_row(tmp_path):
    path = write(tmp_path, "lista.tsv", "Beslutsfattare\tBeslutsdatum\nH-1\t20240805\nH-2\t20240806\n")
    results = list(import_delegationslista(path))
    assert len(results) == 2 and all(isinstance(r, InputError) and "kolumnen saknas" in r.message.sv for r in results)


@pytest.mark.parametrize(("content", "expected"), [(b"", "filen är tom"), (None, "filen finns inte")])
def test_file_level_problems(tmp_path, content, expected):
    path = tmp_path / "lista.tsv"
    if content is not None:
        path.write_bytes(content)
    [error] = import_delegationslista(path)
    assert isinstance(error, InputError) and expected in error.message.sv


def test_a_windows_export_needs_its_encoding(tmp_path):
    path = write(tmp_path, "lista.tsv", SAMPLE.read_text(encoding="utf-8"), encoding="cp1252")
    results = list(import_delegationslista(path))
    # One error for the file that names the likely encoding, not one identical error per row.
    [error] = results
    assert isinstance(error, InputError) and error.record == str(path)
    assert "inte giltig utf-8" in error.message.sv and "--encoding cp1252" in error.message.sv
    assert "--encoding cp1252" in error.message.en
    fixed = list(import_delegationslista(path, encoding="cp1252"))
    assert comparable(fixed) == comparable(list(import_delegationslista(SAMPLE)))


# ---- properties ---------------------------------------------------------------------------------------

_cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\t\n\r\""), max_size=15)
_beslut = st.one_of(
    _cell,
    st.tuples(st.sampled_from(["Bifall", "Avslag", "Delvis bifall", "bifall"]),
              st.sampled_from(["Hemtjänst", "Hemtj.", "Kortidsboende", "Särskilt boende"]),
              st.sampled_from([" enligt 4 kap, 1§ SoL", " enl 9 § 10 LSS", "", " enligt x"])).map(lambda t: f"{t[0]} {t[1]}{t[2]}"),
)  # fmt: skip
personnummer = st.from_regex(r"(19|20)?[0-9]{6}[-+]?[0-9]{4}", fullmatch=True)
_rows = st.lists(
    st.tuples(_cell, st.one_of(st.sampled_from(["20240805", "2024-08-05"]), _cell, personnummer), _beslut, _cell,
              st.one_of(st.sampled_from(["1938", "2001"]), _cell, personnummer),
              st.one_of(st.sampled_from(["Kvinna", "Man", ""]), _cell, personnummer)),
    max_size=8,
)  # fmt: skip


@pytest.mark.slow
@fuzz_settings(150)
@given(_rows)
def test_every_row_gives_one_result_and_no_error_shows_a_personnummer(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("lista") / "lista.tsv"
    path.write_text(HEADER + "".join("\t".join(cells) + "\n" for cells in rows), encoding="utf-8")
    results = list(import_delegationslista(path))
    records = [n for n, cells in enumerate(rows, start=2) if any(c.strip() for c in cells)]
    assert len(results) == len(records)
    for line, result in zip(records, results, strict=True):
        if isinstance(result, InputError):
            assert result.record == f"{path}:{line}"
            assert not PERSONNUMMER.search(result.message.sv) and not PERSONNUMMER.search(result.message.en)
        else:
            assert result.id == f"lista:{line}"


# ---- the command line -------------------------------------------------------------------------------------


def test_cli_import_writes_json_lines(tmp_path, capsys, sample):
    out = tmp_path / "ut.jsonl"
    assert main(["import", "delegationslista", str(SAMPLE), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 15
    assert [Decision.model_validate(json.loads(line)) for line in lines] == sample
    assert "Särskilt boende" in lines[1]  # UTF-8 as is, not \u escapes
    assert "15 beslut skrivna, 0 fel" in capsys.readouterr().err


def test_cli_import_reports_bad_rows_and_still_writes_the_good_ones(tmp_path, capsys):
    path = write(tmp_path, "lista.tsv", HEADER + "H-1\t20240805\tBifall Hemtjänst enligt 4 kap. 1 § SoL\t\t1940\tMan\n"
                 "H-1\t20240805\tOklart\t\t1940\tMan\n")  # fmt: skip
    assert main(["import", "delegationslista", str(path)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert re.search(rf"^{re.escape(str(path))}:3: fel: ogiltig rad: Beslut: ", captured.err, re.MULTILINE)
    assert main(["import", "delegationslista", str(path), "--lang", "en"]) == 1
    assert f"{path}:3: error: invalid row" in capsys.readouterr().err


def test_cli_import_of_a_missing_file_fails(tmp_path, capsys):
    assert main(["import", "delegationslista", str(tmp_path / "saknas.tsv")]) == 2  # wrong usage
    assert "saknas.tsv: filen eller mappen finns inte" in capsys.readouterr().err


def test_cli_schema(capsys):
    assert main(["schema", "decision"]) == 0
    assert json.loads(capsys.readouterr().out) == Decision.model_json_schema()
