"""Money: amounts in kronor, dated values counted in kronor, fees and reimbursement rates.

The figures are the sourced ones shipped in guidelines/: the prisbasbelopp of 2024-2026 and the
maxtaxa of 32 kap. 6 § SoL (guidelines/nationell/avgifter.riktlinje), Botkyrka's fee ceilings per
level (its fee guideline, VON 2025:00149) and Solna's reimbursement rates (464 and 382 kr/h).
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import errors, parse
from hypothesis import given
from hypothesis import strategies as st

from bistandsregler.cli.main import main
from bistandsregler.language import model as m
from bistandsregler.language.units import (
    FrequencyError,
    Money,
    format_kronor,
    parse_money,
    parse_money_unit,
)
from bistandsregler.rules.loading import read
from bistandsregler.standard_times.pricing import estimate, price_fee

ROOT = Path(__file__).resolve().parent.parent
KRISTIANSTAD = ROOT / "guidelines/kristianstad/kristianstad.schablon"
SOLNA = ROOT / "guidelines/solna/solna-2024.schablon"
BOTKYRKA = ROOT / "guidelines/botkyrka/botkyrka-2025.riktlinje"
WEEK = Fraction(52, 12)

FEE = '''riktlinje k "K"
  kommun "K"
  gäller från 2025-07-01
slut
värde timtaxa "Timtaxa"
  415 från 2025-07-01
  enhet "kr per timme"
slut
avgift hemtjänst_avgift "Avgift för hemtjänst"
  timtaxa värde timtaxa
  högst värde maxtaxa_hemtjänst
slut
'''


# ---- reading amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "kronor", "per"), [
    ("415 kr per timme", Fraction(415), "timme"),
    ("415 kr/tim", Fraction(415), "timme"),
    ("2 642,08 kr per månad", Fraction(264208, 100), "månad"),
    ("2642.08 kronor/mån", Fraction(264208, 100), "månad"),
    ("58 800 kr", Fraction(58800), None),
    ("89 kr per dygn", Fraction(89), "dygn"),
    ("310 KR i månaden", Fraction(310), "månad"),
])
def test_amounts_in_kronor_are_read_exactly(written: str, kronor: Fraction, per: str | None) -> None:
    assert parse_money(written) == Money(kronor, per)


@pytest.mark.parametrize(("written", "part"), [
    ("415 per timme", "väntade ett belopp i kronor"),
    ("kr per timme", "beloppet saknas"),
    ("415 kr per fortnight", "'fortnight' är ingen enhet"),
    ("2000000000 kr", "större än"),
])
def test_unreadable_amounts_say_why(written: str, part: str) -> None:
    with pytest.raises(FrequencyError) as caught:
        parse_money(written)
    assert part in caught.value.message.sv and caught.value.message.en


@given(st.fractions(min_value=0, max_value=10**8, max_denominator=100).filter(lambda f: (f * 100).denominator == 1),
       st.sampled_from([None, "timme", "dygn", "dag", "vecka", "månad", "år"]))
def test_canonical_money_reads_back(kronor: Fraction, per) -> None:
    money = Money(kronor, per)
    assert parse_money(money.canonical()) == money


def test_a_unit_tells_money_from_other_units() -> None:
    assert parse_money_unit("kr per timme") == "timme"
    assert parse_money_unit("kr") is None
    assert parse_money_unit("år") is False and parse_money_unit("timmar per vecka") is False
    with pytest.raises(FrequencyError):
        parse_money_unit("415 kr per timme")  # an amount is no unit


def test_kronor_are_printed_rounded_to_ore_half_up() -> None:
    assert format_kronor(Fraction(199504, 75)) == "2 660,05 kr"
    assert format_kronor(Fraction(415)) == "415 kr"
    assert format_kronor(Fraction(1, 200)) == "0,01 kr"
    assert format_kronor(Fraction(264208, 100), "en") == "2 642.08 SEK"


# ---- dated values in kronor ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def national() -> dict[str, m.DatedValue]:
    book = read([])
    return book.values(None) if book.guidelines else {}


def test_the_maxtaxa_is_its_share_of_the_prisbasbelopp_of_the_day(national) -> None:
    maxtaxa = national["maxtaxa_hemtjänst"]
    assert maxtaxa.kronor and maxtaxa.per == "månad"
    # 32 kap. 6 § 1 SoL: a twelfth of 0.5392 prisbasbelopp (58 800 kr in 2025, 59 200 kr in 2026).
    assert maxtaxa.at(date(2025, 9, 1), national) == Fraction(58800) * Fraction(5392, 10000) / 12 == Fraction(
        264208, 100)
    assert maxtaxa.at(date(2026, 1, 1), national) == Fraction(59200) * Fraction(5392, 10000) / 12
    # Before SoL 2025:400 the value has no entry, and a year without a prisbasbelopp is unknown.
    assert maxtaxa.at(date(2025, 6, 30), national) is None
    assert maxtaxa.at(date(2027, 1, 1), national) is None
    # Without the other values a share cannot be resolved: unknown, not zero.
    assert maxtaxa.at(date(2025, 9, 1)) is None


def test_the_values_are_read_in_a_rule_on_the_decision_date(tmp_path) -> None:
    import bistandsregler

    path = tmp_path / "k.riktlinje"
    path.write_text(FEE + 'regel dyr\n  kod avgift.over_tak\n  när timmar_per_månad * värde timtaxa > '
                    'värde maxtaxa_hemtjänst\n  då info "över maxtaxan"\nslut\n', encoding="utf-8")
    checker = bistandsregler.compile(str(path))
    decision = {"id": "1", "insats": "Hemtjänst", "lagrum": "11 kap. 1 § SoL", "outcome": "bifall",
                "scope": {"hours_per_month": 7}}
    fired = lambda on: [f.code for f in checker.check({**decision, "decided_on": on}).findings]  # noqa: E731
    assert "avgift.over_tak" in fired("2025-09-01")  # 7 × 415 = 2 905 > 2 642,08
    decision["scope"] = {"hours_per_month": 6}
    assert "avgift.over_tak" not in fired("2025-09-01")  # 2 490 < 2 642,08


# ---- fees ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    return read([KRISTIANSTAD, SOLNA, BOTKYRKA])


def _fee_book(tmp_path, text: str = FEE):
    path = tmp_path / "k.riktlinje"
    path.write_text(text, encoding="utf-8")
    book = read([KRISTIANSTAD, path])
    assert not errors(book.diagnostics), [d.render() for d in book.diagnostics]
    guideline = next(g for g in book.guidelines if g.path == str(path))
    return book, guideline


@pytest.mark.parametrize(("activities", "hours"), [
    (["inköp 1 gg/v"], Fraction(45) * WEEK / 60),  # 3,25 h: 1 348,75 kr, under the ceiling
    (["dusch 7 gg/v", "inköp 2 gg/v"], (40 * 7 + 45 * 2) * WEEK / 60),  # 26,72 h: the ceiling
])
def test_a_fee_per_hour_with_a_monthly_ceiling_is_priced(tmp_path, activities, hours) -> None:
    book, guideline = _fee_book(tmp_path)
    result = estimate(book.table("kristianstad"), activities, book, fee=guideline.fees[0],
                      values=book.values(guideline), on=date(2025, 9, 1))
    fee = result.fee
    assert fee is not None and result.total_hours == hours == fee.hours
    maxtaxa = Fraction(264208, 100)
    assert fee.hourly == 415 and fee.by_hours == hours * 415 and fee.ceiling == maxtaxa
    assert fee.kronor == min(hours * 415, maxtaxa)
    assert fee.kronor_text in result.text()
    data = result.to_json()["fee"]
    exact = min(hours * 415, maxtaxa)
    assert data["kronor"] == round(float(exact), 2)
    assert data.get("kronor_exact", str(exact)) == (f"{exact.numerator}/{exact.denominator}"
                                                    if exact.denominator != 1 else str(exact))


def test_a_fee_on_a_day_without_an_amount_is_unknown(tmp_path) -> None:
    book, guideline = _fee_book(tmp_path)
    result = estimate(book.table("kristianstad"), ["inköp 1 gg/v"], book, fee=guideline.fees[0],
                      values=book.values(guideline), on=date(2025, 3, 1))  # before the timtaxa and SoL 2025:400
    assert result.fee is not None and result.fee.kronor is None
    assert "värde timtaxa" in result.fee.reason and "värde maxtaxa_hemtjänst" in result.fee.reason
    assert "Avgift (Avgift för hemtjänst, 2025-03-01): okänd" in result.text()


@pytest.mark.parametrize(("activities", "band", "share"), [
    (["inköp 1 gg/v"], "2", Fraction(15, 100)),  # 3,25 h -> 3 h: nivå 2, 15 %
    (["dusch 2 gg/v", "städning varannan vecka", "inköp 1 gg/v"], "3", Fraction(28, 100)),  # 11,56 h -> 12 h
    (["dusch 7 gg/v", "inköp 2 gg/v", "promenad 2 gg/v"], "5", Fraction(40, 100)),  # 460 min/v = 33,22 h
])
def test_botkyrkas_fee_is_the_ceiling_of_the_level(book, activities, band, share) -> None:
    botkyrka = next(g for g in book.guidelines if g.path.endswith("botkyrka-2025.riktlinje"))
    result = estimate(book.table("kristianstad"), activities, book, fee=botkyrka.fees[0],
                      values=book.values(botkyrka), fee_bands=book.bands(botkyrka), on=date(2025, 9, 1))
    fee = result.fee
    assert fee is not None and fee.band == band and fee.hourly is None
    assert fee.kronor == share * 58800 / 12  # a twelfth of the level's share of the 2025 prisbasbelopp
    assert "högsta avgift" in fee.reason and "avgiftsutrymmet" in fee.reason


def test_the_same_case_costs_more_under_the_2026_prisbasbelopp(book) -> None:
    botkyrka = next(g for g in book.guidelines if g.path.endswith("botkyrka-2025.riktlinje"))
    fees = [estimate(book.table("kristianstad"), ["inköp 1 gg/v"], book, fee=botkyrka.fees[0],
                     values=book.values(botkyrka), fee_bands=book.bands(botkyrka), on=on).fee
            for on in (date(2025, 12, 31), date(2026, 1, 1))]
    assert [f.kronor for f in fees if f] == [Fraction(15, 100) * 58800 / 12, Fraction(15, 100) * 59200 / 12]


@given(st.fractions(min_value=0, max_value=300, max_denominator=60))
def test_the_fee_is_never_above_the_ceiling_nor_the_hourly_price(hours: Fraction) -> None:
    values = {"taxa": m.DatedValue(id="taxa", kronor=True, per="timme", pos=_POS,
                                   entries=[m.DatedEntry(value=Fraction(415), pos=_POS)])}
    fee = m.Fee(id="f", pos=_POS, hourly=m.MoneyAmount(written="värde taxa", value="taxa", pos=_POS),
                ceilings=[m.Ceiling(amount=m.MoneyAmount(written="2 000 kr per månad",
                                                         money=Money(Fraction(2000), "månad"), pos=_POS), pos=_POS)])
    result = price_fee(fee, hours, date(2025, 9, 1), values, {})
    assert result.kronor is not None
    assert result.kronor <= 2000 and result.kronor <= hours * 415
    assert result.kronor in (2000, hours * 415)


_POS = m.Pos(file="x", line=1, column=1)


# ---- care apart from service, with the provider's rates ---------------------------------------------------


def test_service_hours_are_reimbursed_at_the_service_rate(book) -> None:
    result = estimate(book.table("solna_2024"), ["städning varannan vecka", "inköp 1 gg/v"], book)
    [service] = result.categories
    assert service.category == "service" and service.rate == 382
    assert service.hours == (96 * WEEK / 2 + 60 * WEEK) / 60 == result.total_hours
    assert result.reimbursement == service.kronor == service.hours * 382
    assert "Ersättning till utföraren: " + format_kronor(service.hours * 382) in result.text()


def test_hours_without_a_category_leave_the_reimbursement_unknown(book) -> None:
    # Trygghetsbesök has no category in the national vocabulary: no rate applies to it.
    result = estimate(book.table("solna_2024"), ["inköp 1 gg/v", "trygghetsbesök 7 gg/v"], book)
    by = {c.category: c for c in result.categories}
    assert set(by) == {"service", None} and by[None].kronor is None and by["service"].kronor is not None
    assert result.reimbursement is None
    assert sum(g.hours for g in by.values()) == result.total_hours


def test_an_assessment_table_has_hours_by_category_but_no_reimbursement(book) -> None:
    result = estimate(book.table("kristianstad"), ["dusch 2 gg/v", "städning varannan vecka"], book)
    assert {c.category for c in result.categories} == {"omvårdnad", "service"}
    assert result.reimbursement is None and all(c.kronor is None for c in result.categories)


def test_a_rate_must_be_per_hour_and_of_a_known_category(tmp_path) -> None:
    path = tmp_path / "s.schablon"
    path.write_text('schablon s\n  odaterad\n  ersättning omvårdnad "464 kr per månad"\n'
                    '  ersättning servis "382 kr per timme"\nslut\n', encoding="utf-8")
    found = [(d.code, d.line) for d in read([path]).diagnostics if d.path == str(path)]
    assert found == [("belopp.enhet", 3), ("namn.okant", 4)]
    path.write_text('schablon s\n  odaterad\n  ersättning omvårdnad "464 kr per timme"\n'
                    '  ersättning service "382 kr/tim"\nslut\n', encoding="utf-8")
    assert [d.render() for d in read([path]).diagnostics if d.path == str(path)] == []


# ---- the command line ----------------------------------------------------------------------------------------


def test_cli_estimate_with_the_guidelines_fee(capsys) -> None:
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "--riktlinje", str(BOTKYRKA), "--datum", "2025-09-01",
                 "inköp 1 gg/v", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fee"]["fee"] == "hemtjänst_dagverksamhet" and data["fee"]["band"] == "2"
    assert data["fee"]["kronor"] == 735  # 0,15 × 58 800 / 12
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "--riktlinje", str(BOTKYRKA), "--datum", "2025-09-01",
                 "inköp 1 gg/v", "--lang", "en"]) == 0
    assert "Fee (Avgift för hemtjänst och dagverksamhet, 2025-09-01): 735 SEK/month" in capsys.readouterr().out


@pytest.mark.parametrize(("extra", "part"), [
    (["--avgift", "ingen"], "ingen avgift med id 'ingen'"),
    (["--datum", "2025-13-01"], "--datum '2025-13-01' är inget datum"),
])
def test_cli_estimate_fee_usage_errors(capsys, extra, part) -> None:
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "--riktlinje", str(BOTKYRKA), *extra,
                 "inköp 1 gg/v"]) == 2
    assert part in capsys.readouterr().err


def test_cli_avgift_needs_a_guideline(capsys) -> None:
    assert main(["estimate", "--schablon", str(KRISTIANSTAD), "--avgift", "x", "inköp 1 gg/v"]) == 2
    assert "--avgift kräver --riktlinje" in capsys.readouterr().err


def test_compare_shows_care_apart_from_service_and_the_reimbursement(tmp_path, capsys) -> None:
    vignette = tmp_path / "v.yaml"
    vignette.write_text("namn: service\naktiviteter:\n  - städning varannan vecka\n  - inköp 1 gg/v\n  - dusch 2 gg/v\n",
                        encoding="utf-8")
    main(["compare", str(KRISTIANSTAD), str(SOLNA), "--vinjett", str(vignette)])
    out = capsys.readouterr().out
    solna = (96 * WEEK / 2 + 60 * WEEK) / 60 * 382  # dusch is not in Solna's table: service only
    [line] = [line for line in out.splitlines() if "ersättning kr/mån" in line]
    assert line.split()[2:] == ["–", *format_kronor(solna).split()]  # Kristianstad's table has no rates
    assert "omvårdnad tim/mån" in out and "service tim/mån" in out


@pytest.mark.parametrize(("unit", "codes"), [
    ("kr per fortnight", ["varde.ogiltigt"]),
    ("415 kr per timme", ["varde.ogiltigt"]),  # an amount where the unit goes
    ("kr per dygn", []),
    ("kronor/mån", []),
    ("timmar per vecka", []),  # no money unit: free text, as before
])
def test_a_money_unit_is_read_and_a_wrong_one_said(tmp_path, unit: str, codes: list[str]) -> None:
    path = tmp_path / "k.riktlinje"
    path.write_text(f'värde v\n  415\n  enhet "{unit}"\nslut\n', encoding="utf-8")
    assert [d.code for d in read([path]).diagnostics if d.path == str(path)] == codes


def test_a_missing_slut_names_the_open_fee_block() -> None:
    _, diagnostics = parse('avgift a\n  timtaxa "415 kr per timme"\n  insats hemtjänst\n', "riktlinje")
    [found] = errors(diagnostics)
    assert found.code == "syntax.slut_saknas" and found.args["block"] == "avgift" and found.line == 1
