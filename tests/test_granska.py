"""``bistandsregler granska`` end to end: many files in, every record counted once, the report
as JSON valid against its published schema, an xlsx read back, CSV files, and the HTML page
opened in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from audit_year import write_jsonl, year

from bistandsregler.audit.report import report_schema
from bistandsregler.cli.main import main

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "docs" / "developers" / "granska-report.schema.json"
DELEGATION_LIST = REPO / "examples" / "delegationslista-september-2025.tsv"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("granska")
    first = write_jsonl(year(600, seed=11, bunch_below=21, outlier="H03", outlier_factor=3.0), folder / "ar.jsonl")
    # A second file with the same ids: kept apart by source. One line is not JSON, one is no
    # decision, one is dated outside the period.
    second = folder / "tillagg.jsonl"
    extra = year(5, seed=12)
    extra[4]["decided_on"] = "2024-03-01"
    lines = [json.dumps(r, ensure_ascii=False) for r in extra]
    lines.insert(2, "{not json")
    lines.insert(3, json.dumps({"id": "X", "outcome": "kanske"}))
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(first), str(second), str(DELEGATION_LIST)]


@pytest.fixture(scope="module")
def report(inputs) -> dict:
    code, out, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--period", "2025-07-01..2026-06-30",
                         "--format", "json", *inputs)
    assert code == 1, err  # two records could not be read: said in the exit code, listed in the report
    return json.loads(out)


def test_every_record_is_counted_once(report, inputs):
    delegation_rows = len(DELEGATION_LIST.read_text(encoding="utf-8").strip().splitlines()) - 1
    total = 600 + 7 + delegation_rows
    totals = report["totals"]
    assert totals["records_in"] == total
    assert totals["analysed"] + totals["outside_period"] + totals["unreadable"] == total
    assert totals["unreadable"] == 2 and totals["outside_period"] == 1
    assert [(i["path"], i["records"] + i["outside_period"] + i["unreadable"]) for i in report["inputs"]] == [
        (inputs[0], 600), (inputs[1], 7), (inputs[2], delegation_rows)]
    assert {(u["file"], u["line"]) for u in report["unreadable"]} == {(inputs[1], 3), (inputs[1], 4)}
    overview = report["sections"][0]
    by_insats = next(t for t in overview["tables"] if t["id"] == "per_insats")
    assert sum(row["cells"][1] for row in by_insats["rows"]) == totals["analysed"]
    by_sex = next(t for s in report["sections"] for t in s["tables"] if t["id"] == "kon_antal")
    assert sum(row["cells"][1] for row in by_sex["rows"]) == totals["analysed"]


def test_records_from_different_files_are_kept_apart(report, inputs):
    sources = {d["source"] for t in report["traces"] if t["id"].startswith("kon:") for d in t["decisions"]}
    # B00001 is in both generated files; both are there, each with its own file and line.
    assert any(s.startswith(inputs[0] + ":") for s in sources) and any(s.startswith(inputs[1] + ":") for s in sources)
    ids = [d["id"] for t in report["traces"] if t["id"].startswith("kon:") for d in t["decisions"]]
    assert ids.count("B00001") == 2


def test_each_finding_lists_its_decisions(report):
    codes = next(t for t in report["sections"][0]["tables"] if t["id"] == "fynd_per_kod")
    traces = {t["id"]: t for t in report["traces"]}
    for row in codes["rows"]:
        assert len(traces[row["trace"]]["decisions"]) == row["cells"][2]


def test_the_planted_outlier_is_named(report):
    section = next(s for s in report["sections"] if s["id"] == "beslutsfattare")
    refusals = next(t for t in section["tables"] if t["id"] == "beslutsfattare_avslag")
    beyond = {row["cells"][0] for row in refusals["rows"] if row["cells"][6] == "99,8 %"}
    assert beyond == {"H03"}


def test_json_matches_the_published_schema(report):
    import jsonschema

    published = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert published == report_schema(), "run: python tools/gen_docs.py"
    jsonschema.validate(report, published)


def test_xlsx_reads_back(inputs, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "granskning.xlsx"
    code, _, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--format", "xlsx", "-o", str(path), inputs[0])
    assert code == 0, err
    book = load_workbook(path, read_only=True)
    assert {"indata", "fynd_per_kod", "nivagranser", "beslutsfattare_avslag", "kon_sammanvagt", "spar"} <= set(book.sheetnames)
    rows = list(book["indata"].iter_rows(values_only=True))
    assert rows[1][:4] == ("fil", "granskade", "utanför perioden", "kunde inte läsas")
    assert rows[2][:2] == (inputs[0], 600)
    sex_rows = list(book["kon_antal"].iter_rows(values_only=True))
    assert sum(r[1] for r in sex_rows[3:]) == 600


def test_csv_folder(inputs, tmp_path):
    folder = tmp_path / "csv"
    code, _, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--format", "csv", "-o", str(folder), inputs[0])
    assert code == 0, err
    with open(folder / "kon_antal.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["kön", "beslut"]
    assert sum(int(r[1]) for r in rows[1:]) == 600
    assert (folder / "spar.csv").is_file() and (folder / "nivagranser.csv").is_file()


def test_wrong_usage(inputs, tmp_path):
    assert run("granska", "--period", "2025-13-01..2025-12-31", inputs[0])[0] == 2
    assert run("granska", "--period", "2025-12-31..2025-01-01", inputs[0])[0] == 2
    code, _, err = run("granska", "--format", "xlsx", inputs[0])
    assert code == 2 and "-o" in err


def test_english(inputs):
    code, out, _ = run("granska", "--lang", "en", "--riktlinje", "guidelines/botkyrka", inputs[0])
    assert code == 0
    assert "Level boundaries and bunching" in out and "600 decisions audited" in out


def test_a_draft_shows_what_changes(inputs, tmp_path):
    draft = tmp_path / "utkast"
    draft.mkdir()
    text = (REPO / "guidelines" / "botkyrka" / "botkyrka-2025.riktlinje").read_text(encoding="utf-8")
    # The draft lowers the home-care allowance's threshold from 30 to 20 hours a month.
    changed = text.replace("timmar_per_månad <= 30", "timmar_per_månad <= 20")
    assert changed != text
    (draft / "botkyrka-utkast.riktlinje").write_text(changed, encoding="utf-8")
    records = year(400, seed=3)
    for r in records:
        if r["insats"] == "Hemvårdsbidrag" and r["outcome"] == "bifall":
            r["scope"] = {"hours_per_month": 25}
    path = write_jsonl(records, tmp_path / "hvb.jsonl")
    code, out, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--utkast", str(draft), "--format", "json", str(path))
    assert code == 0, err
    section = next(s for s in json.loads(out)["sections"] if s["id"] == "utkast")
    rows = {row["cells"][0]: row for row in section["tables"][0]["rows"]}
    granted = sum(1 for r in records if r["insats"] == "Hemvårdsbidrag" and r["outcome"] == "bifall")
    assert granted > 0
    assert rows["omfattning.gransvarde"]["cells"][2] == granted  # every 25-hour allowance is no longer below the limit


def test_html_in_a_browser(inputs, tmp_path, browser):
    page_path = tmp_path / "granskning.html"
    code, _, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--format", "html", "-o", str(page_path), *inputs[:2])
    assert code == 1, err
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri())
    assert requests == [page_path.as_uri()]  # nothing fetched: charts and styles are inline
    assert page.locator("section#nivagranser svg rect").count() > 20
    assert page.locator("section#beslutsfattare svg circle").count() >= 20
    assert page.locator("text=H03").first.is_visible()
    # A row's link opens the list of its decisions.
    link = page.locator("#fynd_per_kod + p + div a, #fynd_per_kod ~ div a").first
    target = link.get_attribute("href")
    link.click()
    assert page.locator(f"{target} li").count() > 0
    assert page.locator("text=tillagg.jsonl:3").count() == 1  # an unreadable line, listed by file and line
    page.screenshot(path=str(tmp_path / "granskning.png"), full_page=False)
    page.close()


def test_the_quarterly_report_is_a_section(tmp_path):
    records = year(50, seed=4)
    granted = next(r for r in records if r["outcome"] == "bifall")
    granted.update({"decided_on": "2025-07-02", "executed_on": None, "new_grant": True})
    path = write_jsonl(records, tmp_path / "kvartal.jsonl")
    code, out, err = run("granska", "--riktlinje", "guidelines/botkyrka", "--kvartal", "2025Q4", "--format", "json", str(path))
    assert code == 0, err
    section = next(s for s in json.loads(out)["sections"] if s["id"] == "ej_verkstallda")
    ids = {cell for t in section["tables"] for row in t["rows"] for cell in row["cells"]}
    assert granted["id"] in ids  # not carried out three months after 2025-07-02: reported for Q4
    assert run("granska", "--kvartal", "2025Q5", str(path))[0] == 2
