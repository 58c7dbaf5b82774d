"""Comparing standard-time tables: real tables (Kristianstad, Solna, Botkyrka's norms and bands)
and SYNTHETIC tables, written below and labelled as such, for the statistics."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from bistandsregler.cli.main import main
from bistandsregler.rules.loading import read
from bistandsregler.standard_times.compare import (
    InputError,
    compare,
    from_paths,
    median,
    panel_stats,
    quartiles,
)
from bistandsregler.standard_times.pricing import Vignette, load_vignette
from bistandsregler.standard_times.report_html import chart_svg

ROOT = Path(__file__).resolve().parent.parent
KRISTIANSTAD = ROOT / "guidelines/kristianstad/kristianstad.schablon"
SOLNA = ROOT / "guidelines/solna/solna-2024.schablon"
NACKA = ROOT / "guidelines/nacka/nacka.schablon"
BOTKYRKA = ROOT / "guidelines/botkyrka/botkyrka-2025.riktlinje"
SERVICE = ROOT / "examples/vinjett-servicekund.vinjett.yaml"


@pytest.fixture(scope="module")
def real():
    return from_paths([KRISTIANSTAD, SOLNA, BOTKYRKA], SERVICE)


# ---- real tables ---------------------------------------------------------------------------


def test_cleaning_per_occasion_in_separate_panels(real):
    row = real.row("städning")
    assert row.cell("kristianstad").minutes_per_occasion == 90  # the 'annars' time
    assert row.cell("kristianstad").variants == ["70 minuter om har_omvårdnad", "90 minuter annars"]
    assert row.cell("solna_2024").minutes_per_occasion == 96
    assessment = row.panel("per_tillfälle", "bedömning")
    reimbursement = row.panel("per_tillfälle", "ersättning")
    assert assessment.values == {"kristianstad": 90} and assessment.median == 90
    assert reimbursement.values == {"solna_2024": 96} and reimbursement.median == 96
    assert all(not p.mixed for p in row.per_occasion)
    assert row.panel("per_tillfälle", "blandat") is None  # never mixed unless asked


def test_normal_granted_times_are_a_panel_of_their_own():
    """Nacka publishes normal granted times (slag normaltid): never in the assessment or the
    reimbursement median, and its monthly value comes from its own normalt (varannan vecka)."""
    result = from_paths([KRISTIANSTAD, SOLNA, NACKA, BOTKYRKA])
    assert [t.kind for t in result.tables] == ["bedömning", "ersättning", "normaltid"]
    row = result.row("städning")
    assert row.panel("per_tillfälle", "normaltid").values == {"nacka": 90}
    assert row.panel("per_tillfälle", "bedömning").values == {"kristianstad": 90}
    assert row.panel("per_tillfälle", "ersättning").values == {"solna_2024": 96}
    nacka = row.cell("nacka")
    assert nacka.frequency == "varannan vecka" and nacka.minutes_per_month == 90 * Fraction(26, 12)
    assert result.row("tvätt").panel("per_tillfälle", "normaltid").median == 30
    assert result.row("inköp").cell("nacka").minutes_per_occasion is None  # a range in the source: not encoded
    assert "norm." in result.text() and "slag normaltid" in result.panel_note
    mixed = from_paths([KRISTIANSTAD, SOLNA, NACKA], mixed=True).row("städning").panel("per_tillfälle", "blandat")
    assert mixed.values == {"kristianstad": 90, "solna_2024": 96, "nacka": 90} and mixed.median == 90


def test_mixed_panel_only_on_request_and_flagged():
    result = from_paths([KRISTIANSTAD, SOLNA], mixed=True)
    panel = result.row("städning").panel("per_tillfälle", "blandat")
    assert panel.mixed and panel.median == 93
    assert "blandar" in result.panel_note
    assert "BLANDAT" in result.text()


def test_minutes_per_month_at_the_default_frequency(real):
    row = real.row("städning")
    kristianstad, solna = row.cell("kristianstad"), row.cell("solna_2024")
    assert kristianstad.frequency_source == "tabellens normalt"
    assert kristianstad.minutes_per_month == 195  # 90 min varannan vecka
    # Solna has no frequencies: Botkyrka's norm (1 gång var tredje vecka) is used, and named
    assert solna.frequency == "1 gång var tredje vecka"
    assert "botkyrka_2025" in solna.frequency_source
    assert solna.minutes_per_month == 96 * Fraction(52, 12) / 3
    windows = real.row("fönsterputs").cell("kristianstad")
    assert windows.status == "per_period" and windows.minutes_per_month == 15
    assert windows.minutes_per_occasion is None


def test_without_reference_frequencies_there_is_no_monthly_value():
    book = read([KRISTIANSTAD, SOLNA])
    result = compare(book.tables, vocabulary=book)
    assert result.row("inköp").cell("solna_2024").minutes_per_month is None
    assert result.reference_frequencies is None


def test_timed_by_one_table_and_not_another(real):
    shower = real.row("dusch")
    assert shower.timed_in == ["kristianstad"] and shower.missing_in == ["solna_2024"]
    meals = real.row("matdistribution")
    assert meals.timed_in == ["solna_2024"] and meals.untimed_in == ["kristianstad"]
    assert meals.cell("kristianstad").status == "ingen_tid"
    escort = real.row("ledsagning").cell("kristianstad")
    assert escort.status == "i_timmar"
    assert real.row("apoteksärende").cell("kristianstad").status == "ingår"
    assert next(t for t in real.tables if t.id == "solna_2024").unmapped == ["ny_omvårdnadskund"]


def test_vignette_priced_under_every_table(real):
    kristianstad, solna = real.vignette.estimates
    assert kristianstad.total_minutes == 455
    assert solna.total_minutes == 208 + 260 + Fraction(86 * 13, 6) + 45
    bands = {e.table: next(b.band for b in e.bands if b.bands == "avgiftsniva_hemtjanst") for e in real.vignette.estimates}
    assert bands == {"kristianstad": "2", "solna_2024": "3"}
    assert real.vignette.same_band["avgiftsniva_hemtjanst"] is False


def test_text_report(real):
    text = real.text()
    assert "Minuter per tillfälle" in text and "median bed." in text and "median ers." in text
    assert "Vinjett: Servicekund" in text
    assert "inga avvikande värden" in text
    assert "52/12 veckor" in text


# The report's own words for a cell, a vignette line and a band row, in each language.
_REPORT_WORDS = {"sv": ["(ingår)", "ingen tid", "= min/mån", "= tim/mån", "nivå avgiftsniva_hemtjanst", "Vinjett:"],
                 "en": ["(included)", "no time", "= min/mo", "= h/mo", "band avgiftsniva_hemtjanst", "Vignette:"]}


def test_text_report_says_its_own_words_in_the_language_asked_for(real):
    english = from_paths([KRISTIANSTAD, SOLNA, BOTKYRKA], SERVICE, lang="en").text()
    swedish = real.text()
    assert all(word in swedish and word not in english for word in _REPORT_WORDS["sv"])
    assert all(word in english and word not in swedish for word in _REPORT_WORDS["en"])


def test_json_report(real):
    data = json.loads(json.dumps(real.to_json(), ensure_ascii=False))
    row = next(r for r in data["rows"] if r["activity"] == "städning")
    assert {p["kind"] for p in row["per_occasion"]} == {"bedömning", "ersättning"}
    assert data["vignette"]["estimates"][0]["total_minutes"] == 455


def test_html_report_is_self_contained(real):
    from bistandsregler.standard_times.report_html import render

    html = render(real)
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 3
    assert "<script" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html)
    assert "ersättning" in html and "Servicekund" in html


def test_chart_svg_is_well_formed(real):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(chart_svg(real))
    assert root.tag.endswith("svg")


def test_duplicate_table_ids_are_refused():
    book = read([KRISTIANSTAD])
    with pytest.raises(ValueError, match="kristianstad"):
        compare([book.tables[0], book.tables[0]], vocabulary=book)


def test_bad_paths_give_input_errors(tmp_path):
    with pytest.raises(InputError, match="finns inte"):
        from_paths([tmp_path / "nope.schablon"])
    with pytest.raises(InputError, match="inga schablontabeller"):
        from_paths([BOTKYRKA])
    broken = tmp_path / "trasig.schablon"
    broken.write_text("schablon x\n  slag fel\nslut\n", encoding="utf-8")
    with pytest.raises(InputError, match="trasig.schablon"):
        from_paths([broken])


# ---- statistics on SYNTHETIC tables ---------------------------------------------------------

SYNTHETIC = """# SYNTETISK tabell för test, inga riktiga siffror.
schablon {id} "Syntetisk {id}"
  kommun "Syntetisk {id}"
  slag {kind}
  odaterad
slut

aktivitet städ "Städ"
  motsvarar städning
  tid "{cleaning} minuter"
slut

aktivitet inköp "Inköp"
  motsvarar inköp
  tid "{shopping} minuter"
  normalt "1 gång per vecka"
slut
"""


@pytest.fixture()
def synthetic(tmp_path):
    specs = [("syn_a", "bedömning", 60, 40), ("syn_b", "bedömning", 70, 45), ("syn_c", "bedömning", 75, 50),
             ("syn_d", "bedömning", 200, 45), ("syn_e", "ersättning", 300, 60)]
    paths = []
    for table, kind, cleaning, shopping in specs:
        path = tmp_path / f"{table}.schablon"
        path.write_text(SYNTHETIC.format(id=table, kind=kind, cleaning=cleaning, shopping=shopping), encoding="utf-8")
        paths.append(path)
    return paths


def test_outliers_and_spread_on_synthetic_tables(synthetic):
    result = from_paths(synthetic)
    panel = result.row("städning").panel("per_tillfälle", "bedömning")
    assert panel.values == {"syn_a": 60, "syn_b": 70, "syn_c": 75, "syn_d": 200}
    assert panel.median == Fraction(145, 2)
    assert panel.spread == 140
    assert panel.q1 == 65 and panel.q3 == Fraction(275, 2)
    assert panel.outliers == ["syn_d"]  # +176 % from the median
    assert panel.deviation_percent["syn_d"] == Fraction(200 - Fraction(145, 2)) / Fraction(145, 2) * 100
    # the reimbursement table (300) stays out of the assessment median
    assert result.row("städning").panel("per_tillfälle", "ersättning").values == {"syn_e": 300}
    assert "! städning: syn_d 200" in result.text()
    shopping = result.row("inköp").panel("per_månad", "bedömning")
    assert shopping.median == 45 * Fraction(13, 3)
    assert shopping.outliers == []


def test_panel_statistics():
    assert median([Fraction(3), Fraction(1), Fraction(2)]) == 2
    assert median([Fraction(1), Fraction(2), Fraction(3), Fraction(10)]) == Fraction(5, 2)
    assert quartiles([Fraction(v) for v in (1, 2, 3, 4, 5)]) == (Fraction(3, 2), Fraction(9, 2))
    two = panel_stats({"a": Fraction(10), "b": Fraction(100)}, "bedömning")
    assert two.outliers == []  # fewer than 3 values: nothing is an outlier
    three = panel_stats({"a": Fraction(10), "b": Fraction(11), "c": Fraction(20)}, "bedömning")
    assert three.outliers == ["c"]  # 20 is 82 % above the median 11
    assert panel_stats({}, "bedömning").n == 0


# ---- command line --------------------------------------------------------------------------


def test_cli_compare_formats(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["compare", str(KRISTIANSTAD), str(SOLNA), str(BOTKYRKA), "--vinjett", str(SERVICE),
                 "--format", "html", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["compare", str(KRISTIANSTAD), str(SOLNA), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"][0]["id"] == "kristianstad"


def test_cli_compare_bad_input(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nope.schablon")]) == 2  # a missing file is wrong usage
    assert "nope.schablon" in capsys.readouterr().err
    bad = tmp_path / "v.yaml"
    bad.write_text("aktiviteter: [dusch 2 xx/v]\n", encoding="utf-8")
    assert main(["compare", str(KRISTIANSTAD), "--vinjett", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "dusch 2 xx/v" in err and "Traceback" not in err


def test_cli_estimate(capsys):
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "dusch 2 gg/v", "städning varannan vecka",
                 "--riktlinje", str(BOTKYRKA), "--nivaer", "avgiftsniva_hemtjanst"]) == 0
    out = capsys.readouterr().out
    assert "70 minuter eftersom kunden har omvårdnad" in out and "Nivå" in out
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "städning varannan vecka", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lines"][0]["minutes_per_occasion"] == 90
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "inköp 1 gg/v", "--hushall", "2"]) == 0
    assert "makar/par" in capsys.readouterr().out


def test_cli_estimate_bad_input(tmp_path, capsys):
    assert main(["estimate", "--schablon", str(tmp_path / "x.schablon"), "dusch 2 gg/v"]) == 2  # missing: usage
    assert "x.schablon" in capsys.readouterr().err
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "dusch 2 xx/v"]) == 1
    assert "'dusch 2 xx/v'" in capsys.readouterr().err
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "dusk 2 gg/v"]) == 1  # priced incompletely
    assert "OMATCHAD" in capsys.readouterr().out


def test_cli_estimate_says_an_unreadable_activity_in_the_language_asked_for(capsys):
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "dusch 2 xx/v"]) == 1
    swedish = capsys.readouterr().err
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "dusch 2 xx/v", "--lang", "en"]) == 1
    english = capsys.readouterr().err
    assert swedish.startswith("bistandsregler: aktiviteten 'dusch 2 xx/v'")
    assert english.startswith("bistandsregler: the activity 'dusch 2 xx/v'") and "aktiviteten" not in english
    assert main(["estimate", "--schablon", str(BOTKYRKA), "dusch 2 gg/v", "--lang", "en"]) == 1  # no table in it
    assert "expected one standard-time table, found 0" in capsys.readouterr().err


def test_example_vignettes_under_real_tables():
    vignette = load_vignette(ROOT / "examples/vinjett-omvardnad.vinjett.yaml")
    assert isinstance(vignette, Vignette)
    result = from_paths([KRISTIANSTAD], vignette)
    cleaning = next(line for line in result.vignette.estimates[0].lines if line.written.startswith("städning"))
    assert cleaning.minutes_per_occasion == 70
