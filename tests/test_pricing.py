"""Pricing a case under a standard-time table, with the shipped (real) tables.

Kristianstad and Solna are the published tables in guidelines/ (sources/schablontider.md);
Botkyrka's fee bands come from its 2025 guideline.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bistandsregler.rules.loading import read
from bistandsregler.standard_times.pricing import (
    ActivityTextError,
    estimate,
    load_vignette,
    read_activity,
)

ROOT = Path(__file__).resolve().parent.parent
KRISTIANSTAD = ROOT / "guidelines/kristianstad/kristianstad.schablon"
SOLNA = ROOT / "guidelines/solna/solna-2024.schablon"
BOTKYRKA = ROOT / "guidelines/botkyrka/botkyrka-2025.riktlinje"

WEEK = Fraction(52, 12)


@pytest.fixture(scope="module")
def book():
    return read([KRISTIANSTAD, SOLNA, BOTKYRKA])


@pytest.fixture(scope="module")
def kristianstad(book):
    return book.table("kristianstad")


@pytest.fixture(scope="module")
def solna(book):
    return book.table("solna_2024")


@pytest.fixture(scope="module")
def fee_bands(book):
    return book.bands(book.guideline("botkyrka_2025"))["avgiftsniva_hemtjanst"]


def line(result, written):
    return next(item for item in result.lines if item.written == written)


# ---- the cleaning variant ------------------------------------------------------------------


def test_cleaning_with_personal_care_uses_70_minutes(kristianstad, book):
    result = estimate(kristianstad, ["dusch 2 gg/v", "städning varannan vecka"], book)
    cleaning = line(result, "städning varannan vecka")
    assert cleaning.minutes_per_occasion == 70
    assert cleaning.variant == "om har_omvårdnad"
    assert "70 minuter eftersom kunden har omvårdnad (har_omvårdnad" in cleaning.reason
    assert "dusch 2 gg/v" in cleaning.reason  # says which activity made the fact true
    assert cleaning.minutes_per_month == 70 * WEEK / 2 == Fraction(455, 3)
    fact = next(f for f in result.facts if f.name == "har_omvårdnad")
    assert fact.source == "härlett" and fact.because == ["dusch 2 gg/v"]


def test_cleaning_without_personal_care_uses_90_minutes(kristianstad, book):
    result = estimate(kristianstad, ["städning varannan vecka", "inköp 1 gg/v"], book)
    cleaning = line(result, "städning varannan vecka")
    assert cleaning.minutes_per_occasion == 90
    assert cleaning.variant == "annars"
    assert "kunden har inte omvårdnad" in cleaning.reason
    assert cleaning.minutes_per_month == 195  # 90 × 13/6
    assert result.facts == []


def test_personal_care_fact_can_be_given_explicitly(kristianstad, book):
    result = estimate(kristianstad, ["städning varannan vecka"], book, facts={"har_omvårdnad"})
    cleaning = result.lines[0]
    assert cleaning.minutes_per_occasion == 70
    assert "angivet" in cleaning.reason


def test_laundry_variant_follows_the_washing_machine_fact(kristianstad, book):
    without = estimate(kristianstad, ["tvätt varannan vecka"], book).lines[0]
    with_machine = estimate(kristianstad, ["tvätt varannan vecka"], book, facts={"tvättmaskin_i_bostaden"}).lines[0]
    assert (without.minutes_per_occasion, with_machine.minutes_per_occasion) == (30, 20)
    assert "tvättmaskin finns i bostaden" in with_machine.reason


# ---- arithmetic ----------------------------------------------------------------------------


def test_shower_twice_a_week_is_40_times_26_thirds(kristianstad, book):
    result = estimate(kristianstad, ["dusch 2 gg/v"], book)
    shower = result.lines[0]
    assert shower.occasions_per_month == Fraction(26, 3)
    assert shower.minutes_per_month == 40 * Fraction(26, 3) == Fraction(1040, 3)
    assert shower.minutes_rounded == 347  # 346,67 rounded half up, only at the edge
    assert result.total_minutes == Fraction(1040, 3)
    assert result.total_hours == Fraction(52, 9)
    assert result.total_hours_text == "5,78 tim"
    assert "52/12 veckor" in result.convention


def test_default_frequency_is_the_tables_normalt(kristianstad, book):
    cleaning = estimate(kristianstad, ["städning"], book).lines[0]
    assert cleaning.frequency_source == "normalt"
    assert cleaning.frequency == "varannan vecka"
    assert cleaning.minutes_per_month == 195


def test_written_frequency_wins_over_normalt(kristianstad, book):
    cleaning = estimate(kristianstad, ["städning 1 gång var tredje vecka"], book).lines[0]
    assert cleaning.frequency_source == "skriven"
    assert cleaning.minutes_per_month == 90 * WEEK / 3 == 130


def test_yearly_amount_is_used_as_it_stands(kristianstad, book):
    windows = estimate(kristianstad, ["fönsterputs"], book).lines[0]
    assert windows.status == "prissatt"
    assert windows.minutes_per_month == 15  # 3 timmar per år / 12
    written = estimate(kristianstad, ["fönsterputs 2 gånger per år"], book).lines[0]
    assert written.minutes_per_month == 15
    assert any("används inte" in note for note in written.notes)


def test_granted_in_hours_uses_the_written_time(kristianstad, book):
    escort = estimate(kristianstad, ["ledsagning 4 tim/mån"], book).lines[0]
    assert escort.status == "prissatt"
    assert escort.minutes_per_month == 240
    assert "beviljas i timmar" in escort.reason
    no_time = estimate(kristianstad, ["ledsagning 2 gg/v"], book)
    assert no_time.lines[0].status == "ej_prissatt"
    assert "skriv tiden" in no_time.lines[0].reason
    assert not no_time.complete


def test_activity_with_no_time_is_listed_not_counted(kristianstad, book):
    result = estimate(kristianstad, ["trygghetslarm", "inköp 1 gg/v"], book)
    alarm = result.lines[0]
    assert alarm.status == "ingen_tid" and alarm.minutes_per_month is None
    assert result.complete
    assert result.total_minutes == 195


def test_included_activity_costs_nothing_when_its_host_is_in_the_case(kristianstad, book):
    together = estimate(kristianstad, ["bäddning 1 gg/dag", "morgonhjälp 1 gg/dag"], book)
    assert together.lines[0].status == "ingår"
    assert together.lines[0].minutes_per_month == 0
    assert "morgonhjälp" in together.lines[0].reason
    alone = estimate(kristianstad, ["bäddning 1 gg/dag"], book).lines[0]
    assert alone.minutes_per_month == 10 * Fraction(365, 12)


def test_pharmacy_errand_is_part_of_shopping(kristianstad, book):
    result = estimate(kristianstad, ["inköp 1 gg/v", "apoteksärende 1 gång per månad"], book)
    assert result.lines[1].status == "ingår"
    alone = estimate(kristianstad, ["apoteksärende 1 gång per månad"], book)
    assert alone.lines[0].status == "ej_prissatt"  # no time of its own in Kristianstad
    assert not alone.complete


def test_couple_shares_the_service_part(kristianstad, book):
    single = estimate(kristianstad, ["inköp 1 gg/v", "dusch 1 gg/v"], book)
    couple = estimate(kristianstad, ["inköp 1 gg/v", "dusch 1 gg/v"], book, household=2)
    assert couple.lines[0].minutes_per_month == single.lines[0].minutes_per_month / 2 == Fraction(195, 2)
    assert couple.lines[0].shared_by == 2
    assert any("makar/par delar" in note for note in couple.lines[0].notes)
    assert couple.lines[1].minutes_per_month == single.lines[1].minutes_per_month  # dusch is not shared


def test_walk_above_the_tables_maximum_is_flagged_not_capped(kristianstad, book):
    walk = estimate(kristianstad, ["promenad 4 gånger per vecka"], book).lines[0]
    assert walk.minutes_per_month == 45 * 4 * WEEK
    assert any("högsta" in note for note in walk.notes)
    ok = estimate(kristianstad, ["promenad 3 gånger per vecka"], book).lines[0]
    assert ok.notes == []


# ---- matching ------------------------------------------------------------------------------


def test_municipal_name_through_the_national_vocabulary(kristianstad, solna, book):
    via_alias = estimate(kristianstad, ["städ varannan vecka"], book).lines[0]
    assert via_alias.table_activity == "städning"
    assert "kallas 'städ'" in via_alias.matched_by
    solna_cleaning = estimate(solna, ["städning varannan vecka"], book).lines[0]
    assert solna_cleaning.table_activity == "städ"  # Solna's own name, via motsvarar
    assert solna_cleaning.minutes_per_month == 96 * WEEK / 2 == 208


def test_unmatched_activity_is_explicit_with_candidates(kristianstad, book):
    result = estimate(kristianstad, ["dusk 2 gg/v", "inköp 1 gg/v"], book)
    unmatched = result.lines[0]
    assert unmatched.status == "omatchad"
    assert unmatched.minutes_per_month is None
    assert any(c.startswith("dusch") for c in unmatched.candidates)
    assert not result.complete and result.not_priced == ["dusk 2 gg/v"]
    assert result.total_minutes == 195
    assert "OFULLSTÄNDIGT" in result.text()


def test_national_activity_the_table_does_not_time(solna, book):
    result = estimate(solna, ["dusch 2 gg/v", "städning varannan vecka"], book)
    assert result.lines[0].status == "omatchad"
    assert "ingen aktivitet som motsvarar" in result.lines[0].reason
    # dusch is still personal care: the fact is derived even though Solna does not time it
    assert [f.name for f in result.facts] == ["har_omvårdnad"]
    assert "ersättningstider" in result.text()


@pytest.mark.parametrize("text", ["dusch 2 xx/v", "2 gg/v", "", "   "])
def test_unreadable_activity_text_raises_with_the_input(text, kristianstad, book):
    with pytest.raises(ActivityTextError) as error:
        estimate(kristianstad, [text], book)
    assert f"'{text}'" in str(error.value)


def test_read_activity_points_at_the_column():
    with pytest.raises(ActivityTextError) as error:
        read_activity("dusch 2 xx/v")
    assert error.value.column == 9


# ---- bands, output -------------------------------------------------------------------------


def test_band_of_the_total(kristianstad, book, fee_bands):
    service = ["städning varannan vecka", "inköp 1 gg/v", "tvätt varannan vecka", "apoteksärende 1 gång per månad"]
    result = estimate(kristianstad, service, book, bands=fee_bands)
    assert result.total_minutes == 455  # 195 + 195 + 65 + 0
    assert result.bands[0].band == "2"
    assert result.bands[0].value == 8  # 7,58 h rounded to the step of 1 hour
    assert "nivå 2" in result.text()


def test_json_is_serialisable_and_exact(kristianstad, book, fee_bands):
    result = estimate(kristianstad, ["dusch 2 gg/v"], book, bands=[fee_bands])
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    # A number for machines, the exact fraction beside it where the number is rounded.
    assert data["lines"][0]["minutes_per_month"] == 346.67
    assert data["lines"][0]["minutes_per_month_exact"] == "1040/3"
    assert data["lines"][0]["minutes_per_occasion"] == 40 and "minutes_per_occasion_exact" not in data["lines"][0]
    assert data["lines"][0]["minutes_rounded"] == 347
    assert data["bands"][0]["bands"] == "avgiftsniva_hemtjanst"


def test_english_texts(kristianstad, book):
    result = estimate(kristianstad, ["dusch 1 gg/v", "städning varannan vecka"], book, lang="en")
    assert "because the person has personal care" in result.lines[1].reason
    assert result.text().startswith("Standard times:")


def test_vignette_file(tmp_path):
    path = tmp_path / "fall.vinjett.yaml"
    path.write_text("namn: Test\naktiviteter:\n  - dusch 2 gg/v\nhushåll: 2\n", encoding="utf-8")
    vignette = load_vignette(path)
    assert vignette.activities == ["dusch 2 gg/v"] and vignette.household == 2
    bad = tmp_path / "bad.vinjett.yaml"
    bad.write_text("aktiviteter:\n  - dusch 2 xx/v\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dusch 2 xx/v"):
        load_vignette(bad)
    with pytest.raises(ValueError, match="finns|kan inte läsas"):
        load_vignette(tmp_path / "missing.yaml")


def test_shipped_example_vignettes_read():
    for path in (ROOT / "examples").glob("*.vinjett.yaml"):
        assert load_vignette(path).activities


# ---- properties ----------------------------------------------------------------------------

TIMED = ["dusch", "inköp", "städning", "tvätt", "morgonhjälp", "lättstädning", "promenad", "tillsyn", "kvällshjälp"]
PERIODS = ["v", "dag", "mån", "år"]
OTHER = ["trygghetslarm", "dusk 1 gg/v", "ledsagning 3 tim/mån", "fönsterputs", "bäddning 1 gg/dag"]

activity_text = st.builds(lambda name, n, period: f"{name} {n} gg/{period}",
                          st.sampled_from(TIMED), st.integers(1, 30), st.sampled_from(PERIODS))
case = st.lists(st.one_of(activity_text, st.sampled_from(OTHER)), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(activities=case, household=st.integers(1, 3))
def test_total_is_the_sum_of_the_lines_and_every_input_has_one_line(activities, household, kristianstad, book):
    result = estimate(kristianstad, activities, book, household=household)
    assert [item.written for item in result.lines] == activities
    assert result.total_minutes == sum(
        (item.minutes_per_month for item in result.lines if item.counted), Fraction(0))
    assert result.complete == all(item.status not in ("omatchad", "ej_prissatt") for item in result.lines)
    for item in result.lines:
        if item.minutes_per_month is not None:
            assert isinstance(item.minutes_per_month, Fraction)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(TIMED), n=st.integers(1, 20), period=st.sampled_from(PERIODS),
       others=st.lists(st.sampled_from(OTHER), max_size=3), household=st.integers(1, 2))
def test_doubling_a_frequency_doubles_its_minutes(name, n, period, others, household, kristianstad, book):
    once = estimate(kristianstad, [f"{name} {n} gg/{period}", *others], book, household=household)
    twice = estimate(kristianstad, [f"{name} {2 * n} gg/{period}", *others], book, household=household)
    assert twice.lines[0].minutes_per_month == 2 * once.lines[0].minutes_per_month
    assert twice.total_minutes - once.total_minutes == once.lines[0].minutes_per_month


@pytest.mark.parametrize(
    ("written", "value", "band"),
    [
        ("ledsagning 30 min/mån", 1, "1"),     # 0,5 h: half up to 1 (round() gave 0)
        ("ledsagning 150 min/mån", 3, "2"),    # 2,5 h: the band from 3, and reported as 3
        ("ledsagning 510 min/mån", 9, "3"),    # 8,5 h: the band from 9 (round() said 8)
        ("ledsagning 90 min/mån", 2, "1"),     # 1,5 h: 2 either way
        ("ledsagning 149 min/mån", 2, "1"),    # just under a half: down
        ("ledsagning 120 min/mån", 2, "1"),    # exactly on the step: unchanged
    ],
)
def test_band_rounding_is_half_up_and_the_reported_value_is_the_one_compared(
        kristianstad, book, fee_bands, written, value, band):
    result = estimate(kristianstad, [written], book, bands=fee_bands)
    [found] = result.bands
    assert (found.value, found.band) == (value, band)
    assert fee_bands.band_for(result.total_hours).name == band  # one rounding for both
    assert fee_bands.rounded(result.total_hours) == value


@pytest.mark.parametrize(("value", "step", "rounded"), [
    (Fraction(5, 2), Fraction(1), 3), (Fraction(7, 2), Fraction(1), 4), (Fraction(-5, 2), Fraction(1), -2),
    (Fraction(9, 4), Fraction(1, 2), Fraction(5, 2)), (Fraction(11, 4), Fraction(1, 2), 3),
    (Fraction(12, 5), Fraction(0), Fraction(12, 5)),
])
def test_round_to_step_is_half_up(value, step, rounded):
    from bistandsregler.language.units import round_to_step

    assert round_to_step(value, step) == rounded


def test_the_vocabulary_is_a_mapping_a_rule_book_or_none(kristianstad, book):
    by_book = estimate(kristianstad, ["dusch 1 gg/v"], book)
    assert estimate(kristianstad, ["dusch 1 gg/v"], book.activities) == by_book
    assert estimate(kristianstad, ["dusch 1 gg/v"]).total_minutes == by_book.total_minutes  # the shipped one
    with pytest.raises(TypeError, match="not int"):
        estimate(kristianstad, ["dusch 1 gg/v"], 42)
