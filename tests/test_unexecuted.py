"""The quarterly report of favourable decisions not carried out (SoL 2025:400 34 kap. 1-3 §§,
SoL 2001:453 16 kap. 6 f-h §§, LSS 28 f-h §§), tested at the statute's edges, on hand-made
exported lists (tests/data/ej-verkstallda/) and read back as the recipients get it."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bistandsregler.audit.unexecuted import Quarter, QuarterError, quarterly_report
from bistandsregler.audit.unexecuted_output import html_page, tables, write_csv, write_xlsx
from bistandsregler.checking.decision import Decision
from bistandsregler.cli.main import main
from bistandsregler.input.unexecuted_list import (
    import_unexecuted_list,
    parse_list_date,
    read_unexecuted_inputs,
)
from bistandsregler.language.errors import InputError
from bistandsregler.language.messages import Text
from bistandsregler.rules.loading import load

DATA = Path(__file__).parent / "data" / "ej-verkstallda"
NATIONAL = Path(__file__).parent.parent / "guidelines" / "nationell"


@pytest.fixture(scope="module")
def book():
    return load([])


def granted(id: str, decided: date, insats: str = "Särskilt boende", lagrum: str | None = None, **fields) -> Decision:
    if lagrum is None:
        lagrum = "4 kap. 1 § SoL" if decided < date(2025, 7, 1) else "11 kap. 1 § SoL"
    fields.setdefault("executed_on", None)
    return Decision(id=id, decided_on=decided, insats=insats, lagrum=lagrum, outcome="bifall", **fields)


def report(book, quarter: str, *decisions):
    return quarterly_report(decisions, Quarter.parse(quarter), book)


def status(book, quarter: str, decision: Decision, track: str = "ej_verkstallt") -> str:
    found = [d.status for d in report(book, quarter, decision).dispositions if d.track == track]
    assert len(found) == 1
    return found[0]


# ---- quarters --------------------------------------------------------------------------------

def test_quarters_parse_and_bound():
    q = Quarter.parse("2025Q3")
    assert (q.start, q.end) == (date(2025, 7, 1), date(2025, 9, 30))
    assert Quarter.parse("2025-K4").end == date(2025, 12, 31)
    assert Quarter.parse("Q1 2026").previous() == Quarter(2025, 4)
    assert Quarter.parse("2024Q1").end == date(2024, 3, 31)
    for bad in ("2025Q5", "2025", "Q3", "kvartal"):
        with pytest.raises(QuarterError):
            Quarter.parse(bad)


# ---- the deadline ----------------------------------------------------------------------------

def test_exactly_three_months_from_the_last_of_january(book):
    """"Inom tre månader från dagen för beslutet": 2025-01-31 has no 31 April, so the three
    months end on 2025-04-30. Carried out that day is in time; the day after is late."""
    in_time = granted("a", date(2025, 1, 31), executed_on=date(2025, 4, 30))
    late = granted("b", date(2025, 1, 31), executed_on=date(2025, 5, 1))
    open_ = granted("c", date(2025, 1, 31))
    assert status(book, "2025Q2", in_time) == "i_tid"
    assert status(book, "2025Q2", late) == "rapporteras"
    r = report(book, "2025Q2", late, open_)
    assert [(e.id, e.deadline, e.carried_out_on) for e in r.reported] == [
        ("b", date(2025, 4, 30), date(2025, 5, 1)), ("c", date(2025, 4, 30), None)]
    assert status(book, "2025Q1", open_) == "ej_forfallet"  # the three months end in Q2


def test_same_day_number_three_months_on(book):
    decision = granted("a", date(2025, 5, 14))
    assert report(book, "2025Q3", decision).reported[0].deadline == date(2025, 8, 14)
    assert status(book, "2025Q3", granted("b", date(2025, 5, 14), executed_on=date(2025, 8, 14))) == "i_tid"


def test_decided_in_the_last_days_of_a_quarter(book):
    """Decided 2025-03-30 and 03-31: the three months end on 06-30, the last day of Q2, so an
    insats not carried out by then is in Q2's report; carried out on 07-01 it is a notice in Q3."""
    for day in (date(2025, 3, 30), date(2025, 3, 31)):
        decision = granted("a", day, executed_on=date(2025, 7, 1))
        q2 = report(book, "2025Q2", decision)
        assert [(e.deadline, e.carried_out_on, e.first_quarter) for e in q2.reported] == [(date(2025, 6, 30), None, "2025Q2")]
        q3 = report(book, "2025Q3", decision)
        assert not q3.reported
        assert [(n.carried_out_on, n.reported_in) for n in q3.notices] == [(date(2025, 7, 1), "2025Q2")]
    # Decided on the last day of Q2 under the old law: three months end on the last day of Q3.
    last = granted("b", date(2025, 6, 30))
    assert status(book, "2025Q2", last) == "ej_forfallet"
    assert report(book, "2025Q3", last).reported[0].deadline == date(2025, 9, 30)


def test_carried_out_on_the_reporting_day(book):
    """The report is made up to the quarter's last day: carried out on that day is carried out."""
    late_first_time = granted("a", date(2025, 6, 2), executed_on=date(2025, 9, 30))  # deadline 09-02
    [entry] = report(book, "2025Q3", late_first_time).reported
    assert entry.carried_out_on == date(2025, 9, 30) and entry.days_since_decision == 120
    reported_before = granted("b", date(2025, 2, 10), executed_on=date(2025, 9, 30))  # deadline 05-10
    r = report(book, "2025Q3", reported_before)
    assert not r.reported and [n.carried_out_on for n in r.notices] == [date(2025, 9, 30)]
    on_the_deadline = granted("c", date(2025, 6, 30), executed_on=date(2025, 9, 30))
    assert status(book, "2025Q3", on_the_deadline) == "i_tid"
    assert status(book, "2025Q4", reported_before) == "rapporterat_tidigare"


def test_interrupted_and_resumed(book):
    """34 kap. 1 § second paragraph: not carried out again within three months of the day the
    insats was interrupted. Counted from the interruption, not the decision."""
    base = {"executed_on": date(2024, 9, 1), "interrupted_on": date(2025, 4, 10)}  # deadline 07-10
    in_time = granted("a", date(2024, 8, 1), resumed_on=date(2025, 7, 10), **base)
    late = granted("b", date(2024, 8, 1), resumed_on=date(2025, 7, 11), **base)
    never = granted("c", date(2024, 8, 1), resumed_on=None, **base)
    assert status(book, "2025Q3", in_time, "avbrott") == "i_tid"
    assert status(book, "2025Q3", in_time) == "i_tid"  # the first execution was in time
    r = report(book, "2025Q3", late, never)
    assert [(e.id, e.kind, e.interrupted_on, e.deadline, e.carried_out_on) for e in r.reported] == [
        ("b", "avbrott", date(2025, 4, 10), date(2025, 7, 10), date(2025, 7, 11)),
        ("c", "avbrott", date(2025, 4, 10), date(2025, 7, 10), None)]
    assert r.reported[1].days_since_interruption == (date(2025, 9, 30) - date(2025, 4, 10)).days
    assert status(book, "2025Q2", never, "avbrott") == "ej_forfallet"
    resumed_in_q4 = granted("d", date(2024, 8, 1), resumed_on=date(2025, 11, 3), **base)
    q4 = report(book, "2025Q4", resumed_in_q4)
    assert [(n.kind, n.carried_out_on, n.reported_in) for n in q4.notices] == [("avbrott", date(2025, 11, 3), "2025Q3")]
    unknown = granted("e", date(2024, 8, 1), interrupted_on=date(2025, 4, 10))
    assert "resumed_on" not in unknown.model_fields_set
    assert status(book, "2025Q3", unknown, "avbrott") == "verkstallighet_okand"


def test_paragraph_by_law_and_date(book):
    """The paragraph comes from the law layer's "rapportplikt för", for the law in force on the
    decision date: the old SoL up to 2025-06-30, the new from 07-01, LSS throughout; the notice
    and the statistics report under the two paragraphs that follow it."""
    old = granted("old", date(2025, 6, 30))
    new = granted("new", date(2025, 7, 1), executed_on=date(2025, 11, 3))
    lss = granted("lss", date(2025, 7, 1), insats="Daglig verksamhet", lagrum="9 § 10 LSS")
    r = report(book, "2025Q4", old, new, lss)
    assert {e.id: e.statute for e in r.reported} == {
        "old": "16 kap. 6 f § SoL (2001:453)", "new": "34 kap. 1 § SoL (2025:400)", "lss": "28 f § LSS (1993:387)"}
    assert {s.statute for s in r.statistics} == {"16 kap. 6 h § SoL (2001:453)", "34 kap. 3 § SoL (2025:400)",
                                                 "28 h § LSS (1993:387)"}
    later = report(book, "2026Q1", new, lss, granted("lss2", date(2025, 7, 1), insats="Daglig verksamhet",
                                                     lagrum="9 § 10 LSS", executed_on=date(2026, 2, 2)))
    assert {n.id: n.statute for n in later.notices} == {"lss2": "28 g § LSS (1993:387)"}
    assert report(book, "2026Q1", granted("n2", date(2025, 7, 1), executed_on=date(2026, 1, 5))).notices[0].statute \
        == "34 kap. 2 § SoL (2025:400)"


def test_a_refusal_is_never_reported(book):
    refusal = Decision(id="x", decided_on=date(2024, 1, 10), insats="Särskilt boende", lagrum="4 kap. 1 § SoL",
                       outcome="avslag", executed_on=None)
    for quarter in ("2024Q2", "2025Q1", "2025Q3"):
        r = report(book, quarter, refusal)
        assert not r.reported and not r.notices and not r.statistics
        assert r.counts() == {"ej_gynnande": 1}
    partly = refusal.model_copy(update={"outcome": "delvis_bifall"})
    assert status(book, "2024Q2", partly) == "rapporteras"  # partly granted is favourable in part


def test_only_the_paragraphs_the_law_names(book):
    """11 kap. 5 § SoL (insatser without needs assessment) is not in 34 kap. 1 §."""
    direct = granted("a", date(2025, 7, 1), insats="Hemtjänst", lagrum="11 kap. 5 § SoL")
    assert status(book, "2025Q4", direct) == "ingen_rapportplikt"
    no_law = Decision(id="b", decided_on=date(2025, 7, 1), insats="Något okänt", outcome="bifall", executed_on=None)
    assert status(book, "2025Q4", no_law) == "lagrum_okant"


def test_the_three_months_are_data(book, tmp_path):
    """The period is the national value verkställighet_månader: edited there, the deadline moves."""
    copy = tmp_path / "nationell"
    shutil.copytree(NATIONAL, copy)
    values = copy / "insatser.riktlinje"
    text = values.read_text(encoding="utf-8")
    values.write_text(text.replace("  3 från 2025-07-01 #", "  2 från 2025-07-01 #"), encoding="utf-8")
    edited = load([copy], national=False)
    decision = granted("a", date(2025, 7, 15))
    assert quarterly_report([decision], Quarter(2025, 3), edited).reported[0].deadline == date(2025, 9, 15)
    assert status(book, "2025Q3", decision) == "ej_forfallet"
    assert "insatser.riktlinje:" in report(book, "2025Q3", decision).period_value


def test_nothing_is_lost(book):
    unknown = Decision(id="u", decided_on=date(2025, 1, 2), insats="Hemtjänst", lagrum="4 kap. 1 § SoL", outcome="bifall")
    error = InputError(record="lista.csv:9", line=9, message=Text("x", "x"))
    items = [granted("a", date(2025, 1, 2)), unknown, error,
             Decision(id="n", insats="Hemtjänst", outcome="bifall"), Decision(id="o", decided_on=date(2025, 1, 2))]
    r = quarterly_report(items, Quarter(2025, 3), book)
    assert r.records_in == 5 and r.unreadable == ["lista.csv:9: fel: x"]
    assert r.counts() == {"rapporteras": 1, "verkstallighet_okand": 1, "beslutsdatum_saknas": 1, "utfall_okant": 1}
    assert sum(r.counts().values()) + len(r.unreadable) == r.records_in


def _quarter_index(q: Quarter) -> int:
    return q.year * 4 + q.number - 1


@settings(max_examples=150, deadline=None)  # each example builds 24 reports
@given(decided=st.dates(date(2023, 1, 1), date(2026, 12, 31)), wait=st.one_of(st.none(), st.integers(0, 500)))
def test_each_decision_is_reported_from_its_deadline_until_carried_out(book, decided, wait):
    """Over every quarter: a grant not carried out by its deadline is reported in the deadline's
    quarter and in every later one while not carried out; carried out in a later quarter, it is
    notified there; carried out in the deadline's own quarter, reported once with its date."""
    executed = decided + timedelta(days=wait) if wait is not None else None
    decision = granted("a", decided, executed_on=executed)
    # The deadline written out apart from add_span: the same day three months on, else the month's last.
    month = decided.month + 3
    year, month = decided.year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    due = min(date(year, month, 1) + timedelta(days=decided.day - 1), following - timedelta(days=1))
    first = Quarter.of(due)
    for index in range(_quarter_index(Quarter(2023, 1)), _quarter_index(Quarter(2028, 4)) + 1):
        quarter = Quarter(index // 4, index % 4 + 1)
        r = quarterly_report([decision], quarter, book)
        reported, notified = bool(r.reported), bool(r.notices)
        late = executed is None or executed > due
        done_in = Quarter.of(executed) if executed is not None else None
        if not late or quarter < first:
            expected = (False, False)
        elif done_in is None or done_in > quarter:
            expected = (True, False)
        elif done_in == quarter:
            expected = (done_in == first, done_in != first)
        else:
            expected = (False, False)
        assert (reported, notified) == expected, quarter


# ---- the exported lists ----------------------------------------------------------------------

def _listed(path: Path, encoding: str = "utf-8"):
    return list(import_unexecuted_list(path, encoding=encoding))


def test_list_in_cp1252_with_offers_and_declines():
    rows = _listed(DATA / "sol-kvartal-3-2025.csv", "cp1252")
    assert all(not isinstance(r, InputError) for r in rows) and len(rows) == 7
    first = rows[0]
    assert (first.decision.id, first.decision.insats, first.decision.lagrum) == ("1", "Särskilt boende", "4 kap. 1 § SoL")
    assert first.decision.decided_on == date(2025, 3, 12) and first.elapsed == "202"
    assert first.offered_on == (date(2025, 5, 20),) and first.declined_on == (date(2025, 5, 22),)
    assert first.decision.person.sex == "kvinna" and first.decision.person.birth_year == 1938
    assert "executed_on" in first.decision.model_fields_set and first.decision.executed_on is None
    assert rows[1].decision.lagrum == "4 kap 1§ SoL" and rows[1].decision.executed_on == date(2025, 7, 3)
    assert rows[2].decision.person.sex == "annat" and rows[2].decision.person.sex_written == "HEN"
    assert rows[3].decision.decided_on == date(2025, 6, 30)  # "2025-06-30 00:00:00", Excel's text of a date
    interrupted = rows[5].decision
    assert (interrupted.interrupted_on, interrupted.resumed_on) == (date(2025, 5, 20), None)
    assert "resumed_on" in interrupted.model_fields_set
    assert rows[6].decision.outcome == "avslag"


def test_list_in_utf8_with_bom_and_excel_serial_dates():
    rows = _listed(DATA / "lss-kvartal-3-2025.csv")
    assert [r.decision.id for r in rows] == ["L-101", "L-102", "L-103", "L-104", "L-105"]
    assert rows[0].decision.lagrum == "9 § 9 LSS"  # from its own column
    assert rows[2].decision.decided_on == date(2025, 4, 2) and rows[3].decision.decided_on == date(2025, 3, 20)
    assert rows[0].offered_on == (date(2025, 4, 10),) and rows[0].declined_on == (date(2025, 4, 14),)
    assert rows[2].elapsed == "4 mån"


def test_list_with_interruptions_in_tsv():
    rows = _listed(DATA / "avbrott-kvartal-3-2025.tsv")
    assert [(r.decision.interrupted_on, r.decision.resumed_on) for r in rows] == [
        (date(2025, 4, 10), date(2025, 8, 1)), (date(2025, 3, 3), None), (date(2025, 5, 1), date(2025, 7, 31))]


def test_list_dates():
    assert parse_list_date("20250314") == parse_list_date("2025-03-14T00:00") == date(2025, 3, 14)
    assert parse_list_date("45730") == date(2025, 3, 14)
    assert parse_list_date("45730,0") == date(2025, 3, 14)
    for bad in ("14/03/2025", "2025-13-01", "12345", "idag"):
        with pytest.raises(ValueError):
            parse_list_date(bad)


def test_bad_rows_name_the_line_never_the_cell(tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text("Insats;Beslutsdatum;Kommentar\r\nHemtjänst enligt 4 kap. 1 § SoL;19391231-4312;hemligt\r\n"
                    ";2025-01-01;\r\nHemtjänst enligt 4 kap. 1 § SoL;2025-01-02;ok\r\n", encoding="utf-8")
    rows = _listed(path)
    assert isinstance(rows[0], InputError) and rows[0].line == 2 and "Beslutsdatum" in rows[0].text()
    assert "4312" not in rows[0].text() and "hemligt" not in rows[0].text()
    assert isinstance(rows[1], InputError) and "Insats: är tom" in rows[1].text()
    assert not isinstance(rows[2], InputError)


def test_a_cp1252_list_read_as_utf8_says_so_once():
    rows = list(read_unexecuted_inputs(DATA / "sol-kvartal-3-2025.csv"))
    assert len(rows) == 1 and isinstance(rows[0], InputError) and "cp1252" in rows[0].text()


def test_the_lists_for_a_quarter(book):
    items = [*read_unexecuted_inputs(DATA / "sol-kvartal-3-2025.csv", encoding="cp1252"),
             *read_unexecuted_inputs(DATA / "lss-kvartal-3-2025.csv"), *read_unexecuted_inputs(DATA / "avbrott-kvartal-3-2025.tsv")]
    r = quarterly_report(items, Quarter(2025, 3), book)
    assert [(e.id, e.kind) for e in r.reported] == [
        ("1", "ej_verkstallt"), ("4", "ej_verkstallt"), ("A-1", "avbrott"), ("6", "avbrott"),
        ("L-101", "ej_verkstallt"), ("L-103", "ej_verkstallt"), ("L-105", "ej_verkstallt"), ("A-2", "avbrott")]
    assert [n.id for n in r.notices] == ["2", "L-102"]
    statuses = {(d.id, d.track): d.status for d in r.dispositions}
    assert statuses[("3", "ej_verkstallt")] == "ej_forfallet" and statuses[("5", "ej_verkstallt")] == "i_tid"
    assert statuses[("7", "ej_verkstallt")] == "ej_gynnande" and statuses[("L-104", "ej_verkstallt")] == "rapporterat_tidigare"
    assert statuses[("A-3", "avbrott")] == "i_tid" and statuses[("A-3", "ej_verkstallt")] == "verkstallt_fore_avbrott"
    assert sum(r.counts().values()) == r.records_in == 15
    six = next(e for e in r.reported if e.id == "6")
    assert six.offered_on == [date(2025, 8, 25)] and six.reason.startswith("Vistelse på korttidsboende")
    housing = [s for s in r.statistics if s.insats == "Särskilt boende"]
    assert [(s.count, s.women, s.months_3_to_6, s.months_6_to_12, s.max_days) for s in housing] == [(2, 2, 1, 1, 202)]


# ---- what the recipients get -----------------------------------------------------------------

@pytest.fixture(scope="module")
def lists_report(book):
    items = [*read_unexecuted_inputs(DATA / "sol-kvartal-3-2025.csv", encoding="cp1252"),
             *read_unexecuted_inputs(DATA / "lss-kvartal-3-2025.csv"), *read_unexecuted_inputs(DATA / "avbrott-kvartal-3-2025.tsv"),
             granted("formel", date(2025, 1, 5), delay_reason="=HYPERLINK(\"http://x\")")]
    return quarterly_report(items, Quarter(2025, 3), book)


def test_xlsx_has_a_sheet_per_recipient(lists_report, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "rapport.xlsx"
    write_xlsx(lists_report, path)
    book = load_workbook(path)
    assert book.sheetnames == ["IVO", "Revisorerna", "Kommunfullmäktige"]
    ivo = book["IVO"]
    assert "kvartal 3 2025" in ivo["A1"].value and "28 f § LSS (1993:387)" in ivo["A1"].value
    headers = [c.value for c in ivo[3]]
    assert headers[:6] == ["Avser", "Lagrum", "Beslut-id", "Insats", "Insats som skriven", "Beslutsdatum"]
    rows = [[c.value for c in row] for row in ivo.iter_rows(min_row=4)]
    assert len(rows) == len(lists_report.reported) + len(lists_report.notices)
    first = next(dict(zip(headers, r, strict=True)) for r in rows if r[2] == "1")
    assert first["Beslutsdatum"].date() == date(2025, 3, 12) and first["Tackat nej"] == "2025-05-22"
    assert first["Skäl till dröjsmålet"].startswith("Erbjuden plats")
    formula = next(dict(zip(headers, r, strict=True)) for r in rows if r[2] == "formel")
    assert formula["Skäl till dröjsmålet"] == '=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for row in ivo.iter_rows() for c in row)
    assert [[c.value for c in r] for r in book["Revisorerna"].iter_rows()] == [[c.value for c in r] for r in ivo.iter_rows()]
    council = book["Kommunfullmäktige"]
    council_headers = [c.value for c in council[3]]
    assert "Beslut-id" not in council_headers and "Skäl till dröjsmålet" not in council_headers
    counted = sum(row[council_headers.index("Antal")].value for row in council.iter_rows(min_row=4))
    assert counted == len(lists_report.reported)


def test_xlsx_in_english(lists_report, tmp_path):
    from openpyxl import load_workbook

    write_xlsx(lists_report, tmp_path / "r.xlsx", "en")
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["IVO", "Auditors", "Council"]
    assert [c.value for c in book["IVO"][3]][:2] == ["Concerns", "Provision"]


def test_csv_a_file_per_recipient(lists_report, tmp_path):
    paths = write_csv(lists_report, tmp_path)
    assert [p.name for p in paths] == ["ivo.csv", "revisorerna.csv", "kommunfullmaktige.csv"]
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Avser" and len(rows) == 1 + len(lists_report.reported) + len(lists_report.notices)
    formula = next(r for r in rows if r[2] == "formel")
    assert formula[13].startswith("'=")  # Excel shows it as text
    council = list(csv.reader(io.StringIO(paths[2].read_text(encoding="utf-8-sig")), delimiter=";"))
    assert sum(int(r[3]) for r in council[1:]) == len(lists_report.reported)


def test_html_section_in_a_browser(lists_report, tmp_path, browser):
    path = tmp_path / "rapport.html"
    path.write_text(html_page(lists_report), encoding="utf-8")
    assert "<script" not in path.read_text(encoding="utf-8") and "http" not in path.read_text(encoding="utf-8").split(
        "HYPERLINK")[0]
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        tables_ = page.locator("section.ej-verkstallda table")
        assert tables_.count() >= 3
        ivo_rows = page.locator("section.ej-verkstallda table").first.locator("tbody tr")
        assert ivo_rows.count() == len(lists_report.reported) + len(lists_report.notices)
        assert page.get_by_text('=HYPERLINK("http://x")').count() == 1  # escaped, shown as text
        assert page.locator("h3").first.inner_text().startswith("IVO")
    finally:
        page.close()


def test_tables_say_no_decisions(book):
    empty = quarterly_report([], Quarter(2025, 3), book)
    [ivo, _, council] = tables(empty)
    assert ivo.rows == [] and "inga beslut att rapportera" in ivo.title and council.rows == []
    assert "Inga beslut." in html_page(empty)


# ---- the command -----------------------------------------------------------------------------

def test_command_writes_every_form(tmp_path, capsys):
    out = tmp_path / "ut"
    code = main(["ej-verkstallda", str(DATA / "lss-kvartal-3-2025.csv"), str(DATA / "avbrott-kvartal-3-2025.tsv"),
                 "--kvartal", "2025Q3", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "ej-verkstallda-2025Q3.xlsx", "ivo.csv", "revisorerna.csv", "kommunfullmaktige.csv",
        "ej-verkstallda-2025Q3.html", "ej-verkstallda-2025Q3.json"])
    assert "kvartal 3 2025: 8 poster in, 0 kunde inte läsas; 3 ej verkställda och 2 avbrott rapporteras, " \
           "1 anmäls som verkställda" in captured.out


def test_command_in_english_with_a_bad_row(tmp_path, capsys):
    bad = tmp_path / "lista.csv"
    bad.write_text("Insats;Beslutsdatum\nHemtjänst enligt 4 kap. 1 § SoL;igår\n", encoding="utf-8")
    code = main(["ej-verkstallda", str(bad), "--kvartal", "2025Q3", "-o", str(tmp_path / "ut"), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{bad}:2: error: invalid row: Beslutsdatum: is not a date" in captured.err
    assert "Q3 2025: 1 records in, 1 could not be read" in captured.out
    assert (tmp_path / "ut" / "ivo.csv").exists()


def test_command_refuses_a_bad_quarter(tmp_path, capsys):
    code = main(["ej-verkstallda", str(DATA / "lss-kvartal-3-2025.csv"), "--kvartal", "2025Q7", "-o", str(tmp_path)])
    assert code == 2 and "2025Q7" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
