"""What the guideline language could not say before issue 11, besides money (tests/test_money.py):
days and dygn as units, the decision's law reference as a rule field, and unambiguous ages."""

from __future__ import annotations

import pytest
from conftest import errors, parse

import bistandsregler
from bistandsregler.language import model as m
from bistandsregler.language.lagrum import Cited, parse_lagrum
from bistandsregler.rules.loading import read

RULE = '''riktlinje k "K"
  kommun "K"
  gäller från 2025-07-01
  bygger på nationell
slut
regel utan_behovsprövning_ålder
  kod riktlinje.forenklad_alder
  när lagrum = "11 kap. 5 § SoL" och ålder < 75
  då fel "x"
slut
regel lagrum_i_lista
  kod riktlinje.lista
  när lagrum i ("9 § 3 LSS", "9 § 4 LSS")
  då info "y"
slut
'''


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    path = tmp_path_factory.mktemp("g") / "k.riktlinje"
    path.write_text(RULE, encoding="utf-8")
    return bistandsregler.compile(str(path))


def _codes(checker, **decision) -> set[str]:
    base = {"id": "1", "decided_on": "2025-09-03", "outcome": "bifall", "person": {"birth_date": "1955-01-01"}}
    return {f.code for f in checker.check({**base, **decision}).findings if f.code.startswith("riktlinje.")}


@pytest.mark.parametrize(("lagrum", "fires"), [
    ("11 kap. 5 § SoL", True),
    ("11 kap, 5§ SoL", True),  # as a case system writes it
    ("11 kap. 5 § första stycket SoL", True),  # a part of the paragraph
    ("11 kap. 5 § SoL (2025:400)", True),
    ("11 kap. 1 § SoL", False),
    ("5 § LSS", False),
])
def test_a_rule_can_apply_only_to_decisions_under_one_paragraph(checker, lagrum: str, fires: bool) -> None:
    assert ("riktlinje.forenklad_alder" in _codes(checker, insats="Hemtjänst", lagrum=lagrum)) is fires


def test_an_unknown_law_reference_decides_nothing(checker) -> None:
    assert "riktlinje.forenklad_alder" not in _codes(checker, insats="Hemtjänst")
    # 75 or older: the age limit holds, whatever the paragraph.
    assert not _codes(checker, insats="Hemtjänst", lagrum="11 kap. 5 § SoL", person={"birth_date": "1948-01-01"})


def test_lagrum_in_a_list_compares_references(checker) -> None:
    assert "riktlinje.lista" in _codes(checker, insats="Ledsagarservice", lagrum="9 § 3 LSS")
    assert "riktlinje.lista" in _codes(checker, insats="Ledsagarservice", lagrum="9§3 LSS")
    assert "riktlinje.lista" not in _codes(checker, insats="Ledsagarservice", lagrum="9 § 5 LSS")


def test_cited_equality_is_by_the_parts_the_written_reference_names() -> None:
    cited = Cited(parse_lagrum("11 kap. 5 § andra stycket SoL (2025:400)"))
    assert cited == "11 kap. 5 § SoL" and "11 kap. 5 § SoL" == cited
    assert cited != "11 kap. 5 § första stycket SoL" and cited != "5 § SoL" and cited != "inget lagrum"
    assert cited in ["9 § LSS", "11 kap. 5 § SoL"]


def test_a_text_that_is_no_law_reference_is_an_error_and_a_reference_is_quiet(tmp_path) -> None:
    path = tmp_path / "k.riktlinje"
    path.write_text(RULE.replace('"9 § 4 LSS"', '"nionde paragrafen"'), encoding="utf-8")
    found = [d for d in read([path]).diagnostics if d.path == str(path)]
    assert [(d.code, d.line, d.column) for d in found] == [("varde.ogiltigt", 13, 30)]
    path.write_text(RULE, encoding="utf-8")
    assert [d.render() for d in read([path]).diagnostics if d.path == str(path)] == []


# ---- days and dygn -------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "span"), [
    ("tidsbegränsning högst 21 dygn", m.Span(amount=21, unit="dag")),
    ("tidsbegränsning högst 3 veckor", m.Span(amount=3, unit="vecka")),
    ("uppföljning inom 1 dygn", m.Span(amount=1, unit="dag")),
])
def test_dygn_is_a_unit_of_time(written: str, span: m.Span) -> None:
    document, diagnostics = parse(f"insats korttidsvistelse\n  {written}\nslut\n", "riktlinje")
    assert document is not None and not errors(diagnostics)
    requirements = document.insatser[0].requirements
    assert span in (requirements.max_duration, requirements.follow_up_within)


# ---- ages --------------------------------------------------------------------------------------------


def test_shipped_guidelines_keep_their_age_limits() -> None:
    """The national 'över 12' (LSS 9 § 7) is now written '13 år eller äldre': the same ages."""
    book = read([])
    insats = book.insatser(None)["korttidstillsyn"]
    ages = insats.target.ages
    assert ages is not None and ages.minimum == m.AgeBound(years=13) and not ages.exclusive_min
    assert not errors(book.diagnostics)


# ---- care hours apart from service hours -----------------------------------------------------------------

CARE = '''riktlinje k "K"
  kommun "K"
  gäller från 2025-07-01
  bygger på nationell
slut
# Botkyrka 5: hemvårdsbidrag kräver behov av personlig vård över 30 timmar per månad.
regel omvårdnad_över_30
  kod riktlinje.omvardnad
  när omvårdnad_timmar_per_månad > 30 och service_timmar_per_månad < 10
  då info "mest omvårdnad"
slut
'''


@pytest.mark.parametrize(("scope", "fires"), [
    ({"care_hours_per_month": 31.5, "service_hours_per_month": 6, "hours_per_month": 37.5}, True),
    ({"care_hours_per_month": 30, "service_hours_per_month": 6}, False),
    ({"care_hours_per_month": 40, "service_hours_per_month": 12}, False),
    ({"hours_per_month": 45}, False),  # the split is unknown: the rule decides nothing
])
def test_a_decision_carries_care_and_service_hours_apart(tmp_path, scope, fires) -> None:
    path = tmp_path / "k.riktlinje"
    path.write_text(CARE, encoding="utf-8")
    checker = bistandsregler.compile(str(path))
    result = checker.check({"id": "1", "decided_on": "2025-09-03", "insats": "Hemtjänst",
                            "lagrum": "11 kap. 1 § SoL", "outcome": "bifall", "scope": scope})
    assert ("riktlinje.omvardnad" in {f.code for f in result.findings}) is fires


def test_care_hours_are_bounded_like_other_hours() -> None:
    from pydantic import ValidationError

    from bistandsregler.checking.decision import Scope

    with pytest.raises(ValidationError):
        Scope(care_hours_per_month=745)
    with pytest.raises(ValidationError):
        Scope(service_hours_per_month=float("nan"))


@pytest.mark.parametrize(("written", "amount", "period", "every"), [
    ("en dag i veckan", 1, "vecka", 1),  # Botkyrka 4.1: dagverksamhet "dagar/vecka"
    ("2 dagar per vecka", 2, "vecka", 1),
    ("tre dygn per månad", 3, "månad", 1),
    ("1 dag var tredje vecka", 1, "vecka", 3),
])
def test_days_are_occasions_of_a_frequency(written: str, amount: int, period: str, every: int) -> None:
    from bistandsregler.language.units import Quantity, parse_quantity

    assert parse_quantity(written) == Quantity("tillfällen", amount, period, every)
