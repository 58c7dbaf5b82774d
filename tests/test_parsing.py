"""The guideline and standard-time languages, element by element: text in, rule objects out.

Examples are small, modelled on the real sources (Botkyrka 2025, Kristianstad's and Solna's
standard times, the national layer). The last part covers the public API: ``load()`` with
source positions, ``GuidelineError``, and the JSON export of the rule objects.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest
from conftest import errors, kind_of, parse, shipped_files, shipped_ids, strip_positions
from pydantic import TypeAdapter

import bistandsregler
from bistandsregler.language import model as m
from bistandsregler.language.lagrum import LawRef, parse_lagrum
from bistandsregler.language.messages import Text
from bistandsregler.language.units import parse_quantity
from bistandsregler.rules.rulebook import RuleBook

F = Fraction


def guideline(text: str) -> m.Guideline:
    document, diagnostics = parse(text, "riktlinje")
    assert document is not None and not errors(diagnostics), [d.render() for d in diagnostics]
    assert isinstance(document, m.Guideline)
    return document


def table(text: str) -> m.StandardTimeTable:
    document, diagnostics = parse(text, "schablon")
    assert document is not None and not errors(diagnostics), [d.render() for d in diagnostics]
    assert isinstance(document, m.StandardTimeTable)
    return document


def pos(line: int, column: int, file: str = "test.riktlinje") -> m.Pos:
    return m.Pos(file=file, line=line, column=column)


def rule_condition(condition: str) -> m.Condition:
    rule = guideline(f'regel r "R"\n  när {condition}\n  då fel "x"\nslut\n').rules[0]
    assert rule.when is not None
    return rule.when


def shape(node) -> object:
    """A condition or expression as nested tuples, positions left out: easy to compare."""
    if isinstance(node, m.AllOf | m.AnyOf):
        return (node.kind, *[shape(i) for i in node.items])
    if isinstance(node, m.Not):
        return ("inte", shape(node.item))
    if isinstance(node, m.Compare):
        return (node.op, shape(node.left), shape(node.right))
    if isinstance(node, m.InList):
        return ("i", shape(node.item), *[shape(o) for o in node.options])
    if isinstance(node, m.Present):
        return ("saknas" if node.negated else "finns", shape(node.item))
    if isinstance(node, m.Arith):
        return (node.op, shape(node.left), shape(node.right))
    if isinstance(node, m.Field_):
        return node.name
    if isinstance(node, m.ValueRef):
        return ("värde", node.name)
    return node.value


# ---- the header ----------------------------------------------------------------------------

BOTKYRKA_HEADER = '''\
# Botkyrka kommun, Vård- och omsorgsnämnden
riktlinje botkyrka_2025 "Riktlinjer för handläggning enligt socialtjänstlagen"
  kommun "Botkyrka"
  nämnd "Vård- och omsorgsnämnden"
  diarienummer "VON/2022:00276"
  antagen 2022-12-13
  gäller från 2025-07-01 till tills vidare
  ersätter "Riktlinjer för handläggning enligt socialtjänstlagen, VON 2023:00137"
  bygger på nationell
  källa "sources/botkyrka-2025/riktlinje-handlaggning-sol-2025.md"
  text "Inledning: ”Riktlinjer för handläggning enligt socialtjänstlagen (SoL) är en vägledning inför beslut.”"
  text """
      Det är inte möjligt att avslå en ansökan
        med motiveringen att kommunen inte erbjuder en viss sökt insats.
  """
slut
'''


def test_header() -> None:
    meta = guideline(BOTKYRKA_HEADER).meta
    assert meta is not None
    assert meta.id == "botkyrka_2025"
    assert meta.title == "Riktlinjer för handläggning enligt socialtjänstlagen"
    assert meta.municipality == "Botkyrka"
    assert meta.committee == "Vård- och omsorgsnämnden"
    assert meta.reference == "VON/2022:00276"
    assert meta.adopted == date(2022, 12, 13)
    assert meta.validity == m.Validity(valid_from=date(2025, 7, 1), valid_until=None)
    assert meta.replaces.endswith("VON 2023:00137")
    assert meta.builds_on == "nationell"
    assert meta.source == "sources/botkyrka-2025/riktlinje-handlaggning-sol-2025.md"
    # Several text statements are joined by a blank line; triple-quoted prose is dedented.
    first, second = meta.text.split("\n\n")
    assert first.startswith("Inledning: ”Riktlinjer")
    assert second == (
        "Det är inte möjligt att avslå en ansökan\n  med motiveringen att kommunen inte erbjuder en viss sökt insats."
    )
    assert meta.pos == pos(2, 1)


def test_header_title_statement_and_validity_forms() -> None:
    meta = guideline('riktlinje lomma_2023\n  titel "Riktlinje för biståndshandläggning"\n  gäller till 2024-12-31\nslut\n').meta
    assert meta.title == "Riktlinje för biståndshandläggning"
    assert meta.validity == m.Validity(valid_until=date(2024, 12, 31))
    for written, expected in [
        ("från 2023-01-01", m.Validity(valid_from=date(2023, 1, 1))),
        ("från 2023-01-01 till 2023-12-31", m.Validity(valid_from=date(2023, 1, 1), valid_until=date(2023, 12, 31))),
        ("till tills vidare", m.Validity()),
        ("från 2023-01-01 tills vidare", m.Validity(valid_from=date(2023, 1, 1))),
        ("från 2023-01-01 till tills vidare", m.Validity(valid_from=date(2023, 1, 1))),
        ("tills vidare", m.Validity()),
    ]:
        assert guideline(f"riktlinje x\n  gäller {written}\nslut\n").meta.validity == expected


@pytest.mark.parametrize("where", [
    "riktlinje x\n  gäller {v}\nslut\n",
    "lag l\n  paragraf \"1 §\" {v}\nslut\n",
    "insats i\n  lagrum \"4 kap. 1 § SoL\" {v}\nslut\n",
    "värde v\n  12 {v}\nslut\n",
])
def test_from_a_date_until_further_notice_in_every_dated_statement(where: str) -> None:
    document = guideline(where.format(v="från 2024-01-01 tills vidare"))
    assert document == guideline(where.format(v="från 2024-01-01 till tills vidare"))
    assert document != guideline(where.format(v="från 2024-01-01 till 2024-12-31"))


def test_tills_vidare_in_a_standard_time_table() -> None:
    document, diagnostics = parse('schablon s\n  gäller från 2024-01-01 tills vidare\nslut\n', "schablon")
    assert document is not None and not errors(diagnostics)
    assert document.meta.validity == m.Validity(valid_from=date(2024, 1, 1))


@pytest.mark.parametrize("written", ["från 2024-01-01 tils vidare", "från 2024-01-01 till vidare", "tills", "från tills vidare"])
def test_a_broken_validity_is_still_an_error(written: str) -> None:
    document, diagnostics = parse(f"riktlinje x\n  gäller {written}\nslut\n", "riktlinje")
    assert document is None and errors(diagnostics)


@pytest.mark.parametrize("condition", ["ålder inte finns", "ålder insats", "ålder tills 3"])
def test_a_keyword_out_of_place_is_never_suggested_as_itself(condition: str) -> None:
    # "ålder inte": the lexer reads 'i' and then 'nte'; the whole word is a keyword, so the
    # suggestion among keywords was the very word written ("did you mean 'inte'?").
    document, diagnostics = parse(f'regel r\n  när {condition}\n  då fel "x"\nslut\n', "riktlinje")
    [error] = errors(diagnostics)
    word = condition.split()[1]
    assert error.message().startswith(f"oväntat '{word}'")
    assert f"menade du '{word}'" not in error.message()
    assert f"did you mean '{word}'" not in error.message("en")


def test_a_misspelled_keyword_out_of_place_still_gets_its_suggestion() -> None:
    document, diagnostics = parse('regel r\n  när ålder intee finns\n  då fel "x"\nslut\n', "riktlinje")
    [error] = errors(diagnostics)
    assert "menade du 'inte'" in error.message() and "did you mean 'inte'" in error.message("en")


def test_validity_covers_its_days() -> None:
    validity = m.Validity(valid_from=date(2025, 7, 1), valid_until=date(2025, 12, 31))
    assert validity.covers(date(2025, 7, 1)) and validity.covers(date(2025, 12, 31))
    assert not validity.covers(date(2025, 6, 30)) and not validity.covers(date(2026, 1, 1))
    assert m.Validity().covers(date(1900, 1, 1))


# ---- laws and paragraphs ---------------------------------------------------------------------

LAW = '''\
lag sol_2025 "Socialtjänstlag"
  förkortning SoL
  sfs "2025:400"
  gäller från 2025-07-01
  förteckning fullständig
  paragraf "11 kap. 1 §" "Rätten till bistånd" ersätter "4 kap. 1 § SoL (2001:453)"
  paragraf "11 kap. 5 §" "Insatser utan behovsprövning" från 2025-07-01 ersätter "4 kap. 2 a § SoL (2001:453)", "4 kap. 2 b § SoL (2001:453)"
  paragraf "16 kap. 2 a §" "Utredning om barn" från 2026-01-15  # lydelse enligt lag (2025:1501)
  paragraf "26 kap. 2 §" från 2025-07-01 till 2025-12-31
  paragraf "9 b §" till 2022-12-31
  källa "sources/law/sol-2025-400.md"
slut
'''


def test_law_and_paragraphs() -> None:
    (law,) = guideline(LAW).laws
    assert (law.id, law.name, law.abbreviation, law.sfs) == ("sol_2025", "Socialtjänstlag", "SoL", "2025:400")
    assert law.validity == m.Validity(valid_from=date(2025, 7, 1))
    assert law.complete is True
    assert law.source == "sources/law/sol-2025-400.md"
    first, second, third, fourth, fifth = law.paragraphs
    # The paragraph is written without the law's name.
    assert first.written == "11 kap. 1 §" and first.ref == LawRef(chapter=11, paragraph=1)
    assert first.title == "Rätten till bistånd" and first.validity == m.Validity()
    assert first.replaces == [LawRef(law="SoL", sfs="2001:453", chapter=4, paragraph=1)]
    assert [r.key() for r in second.replaces] == ["4 kap. 2 a §", "4 kap. 2 b §"]
    assert second.validity == m.Validity(valid_from=date(2025, 7, 1))
    assert third.ref == LawRef(chapter=16, paragraph=2, letter="a")
    assert fourth.title is None
    assert fourth.validity == m.Validity(valid_from=date(2025, 7, 1), valid_until=date(2025, 12, 31))
    assert fifth.validity == m.Validity(valid_until=date(2022, 12, 31))
    assert first.pos == pos(6, 12)


def test_incomplete_law_listing() -> None:
    law = guideline('lag sol_2001\n  förkortning SoL\n  förteckning ofullständig\nslut\n').laws[0]
    assert law.complete is False and law.name is None


# ---- insatser ------------------------------------------------------------------------------

INSATS = '''\
insats hemtjänst "Hemtjänst"
  lagrum "4 kap. 1 § SoL" till 2025-06-30
  lagrum "11 kap. 1 § SoL" från 2025-07-01
  kallas "Hemtj.", "Hemtjänst natt"
  målgrupp ålder 65 och äldre
  målgrupp boende ordinärt
  motsvarighet personlig_assistans
  förenklad utesluten
  schablon städning, tvätt, inköp
  # 3.6.1: "I Botkyrka kommun är det skäligt att få sin bostad städad en gång var tredje vecka."
  norm städning normalt "1 gång var tredje vecka"
  norm promenad högst "2 gånger per vecka" avsnitt "3.7.9"
  norm tvätt normalt "varannan vecka" högst "1 gång per vecka"
  omfattning normalt "20 timmar per månad" högst "högst 100 timmar per månad"
  kräver mål
  kräver motivering vid avslag, delvis_bifall
  tidsbegränsning högst 12 månader
  uppföljning inom 6 månader
  genomförandeplan inom 1 månad från verkställighet
  verkställighet inom 3 månader
  tolerans 20 %
  avsnitt "3.6.1, 3.6.2"
  källa "sources/botkyrka-2025/riktlinje-handlaggning-sol-2025.md"
  text "3.6: ”En individuell behovsbedömning görs alltid.”"
slut
'''


def test_insats() -> None:
    (insats,) = guideline(INSATS).insatser
    assert (insats.id, insats.name) == ("hemtjänst", "Hemtjänst")
    old, new = insats.citations
    assert old.written == "4 kap. 1 § SoL" and old.ref == parse_lagrum("4 kap. 1 § SoL")
    assert old.validity == m.Validity(valid_until=date(2025, 6, 30))
    assert new.ref == LawRef(law="SoL", chapter=11, paragraph=1)
    assert new.validity == m.Validity(valid_from=date(2025, 7, 1))
    assert old.pos == pos(2, 10) and new.pos == pos(3, 10)
    assert insats.aliases == ["Hemtj.", "Hemtjänst natt"]
    assert insats.target.ages == m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(5, 18))
    assert insats.target.housing == ["ordinärt"]
    assert insats.target.personkrets is None
    assert insats.lss_counterpart == "personlig_assistans"
    assert insats.simplified == "utesluten"
    assert insats.standard_activities == ["städning", "tvätt", "inköp"]
    städning, promenad, tvätt = insats.norms
    assert städning.activity == "städning" and städning.pos == pos(11, 8)
    assert städning.bounds.normal.written == "1 gång var tredje vecka"
    assert städning.bounds.normal.quantity == parse_quantity("1 gång var tredje vecka")
    assert städning.bounds.maximum is None
    assert promenad.bounds.normal is None and promenad.bounds.maximum.written == "2 gånger per vecka"
    assert promenad.section == "3.7.9"
    assert tvätt.bounds.normal.per_month() > tvätt.bounds.maximum.per_month() / 3
    assert insats.scope.normal.per_month() == 20 * 60
    assert insats.scope.maximum.quantity.bound == "högst"
    r = insats.requirements
    assert r.goals_required is True
    assert r.reasons_required_on == ["avslag", "delvis_bifall"]
    assert r.max_duration == m.Span(amount=12, unit="månad")
    assert r.follow_up_within == m.Span(amount=6, unit="månad")
    assert (r.plan_within, r.plan_from) == (m.Span(amount=1, unit="månad"), "verkställighet")
    assert r.executed_within == m.Span(amount=3, unit="månad")
    assert r.tolerance_percent == 20
    assert r.until_further_allowed is None
    assert r.positions["max_duration"] == pos(17, 3)
    assert insats.section == "3.6.1, 3.6.2"
    assert insats.source.startswith("sources/botkyrka-2025/")
    assert insats.text.startswith("3.6:")
    assert insats.pos == pos(1, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("65 och äldre", m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(2, 18))),
        ("under 65", m.AgeRange(maximum=m.AgeBound(years=65), exclusive_max=True, pos=pos(2, 18))),
        ("65 år eller äldre", m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(2, 18))),
        ("fyllda 65", m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(2, 18))),
        ("fyllda 65 år", m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(2, 18))),
        ("från 65 år", m.AgeRange(minimum=m.AgeBound(years=65), pos=pos(2, 18))),
        ("från värde pa_åldersgräns", m.AgeRange(minimum=m.AgeBound(value="pa_åldersgräns"), pos=pos(2, 18))),
        ("under 65 år", m.AgeRange(maximum=m.AgeBound(years=65), exclusive_max=True, pos=pos(2, 18))),
        ("20 eller yngre", m.AgeRange(maximum=m.AgeBound(years=20), pos=pos(2, 18))),
        ("20 och yngre", m.AgeRange(maximum=m.AgeBound(years=20), pos=pos(2, 18))),
        ("18 till 64", m.AgeRange(minimum=m.AgeBound(years=18), maximum=m.AgeBound(years=64), pos=pos(2, 18))),
        ("18-64", m.AgeRange(minimum=m.AgeBound(years=18), maximum=m.AgeBound(years=64), pos=pos(2, 18))),
        ("18 – 64", m.AgeRange(minimum=m.AgeBound(years=18), maximum=m.AgeBound(years=64), pos=pos(2, 18))),
        ("under värde pa_åldersgräns",
         m.AgeRange(maximum=m.AgeBound(value="pa_åldersgräns"), exclusive_max=True, pos=pos(2, 18))),
    ],
)
def test_target_age(written: str, expected: m.AgeRange) -> None:
    insats = guideline(f"insats personlig_assistans\n  målgrupp ålder {written}\nslut\n").insatser[0]
    assert insats.target.ages == expected


@pytest.mark.parametrize(("written", "older", "same"), [
    ("över 65", "66 år eller äldre", "65 år eller äldre"),
    ("över 12 år", "13 år eller äldre", "12 år eller äldre"),
    ("över värde pa_åldersgräns", "över värde pa_åldersgräns", "från värde pa_åldersgräns"),
])
def test_bare_over_is_an_error_naming_both_readings(written: str, older: str, same: str) -> None:
    """'över 65' is 66 and older to the engine and often 65 and older to a reader: the author says which."""
    document, diagnostics = parse(f"insats x\n  målgrupp ålder {written}\nslut\n", "riktlinje")
    [found] = errors(diagnostics)
    assert found.code == "malgrupp.over_tvetydig" and (found.line, found.column) == (2, 18)
    assert f"'{older}'" in found.message() and f"'{same}'" in found.message()
    # The document is still built (the language server shows the rest), with the engine's reading.
    assert document is not None and document.insatser[0].target.ages.exclusive_min


def test_target_personkrets_and_lss_insats() -> None:
    insats = guideline(
        'insats ledsagarservice "Ledsagarservice"\n  lagrum "9 § 3 LSS"\n  målgrupp personkrets 1, 2, 3\n'
        "  huvudman region\n  förenklad tillåten\n  tidsbegränsning tills vidare\nslut\n"
    ).insatser[0]
    assert insats.citations[0].ref == LawRef(law="LSS", paragraph=9, point=3)
    assert insats.target.personkrets == [1, 2, 3]
    assert insats.responsible == "region" and insats.simplified == "tillåten"
    assert insats.requirements.until_further_allowed is True


def test_personkrets_written_as_a_decimal_is_refused_not_misread() -> None:
    document, diagnostics = parse("insats x\n  målgrupp personkrets 1,2\nslut\n")
    assert document is not None
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("varde.ogiltigt", 2, 24)]
    assert "1, 2" in diagnostics[0].message()


def test_requirement_units() -> None:
    for written, unit in [("1 dag", "dag"), ("2 dagar", "dag"), ("1 vecka", "vecka"), ("3 veckor", "vecka"),
                          ("1 månad", "månad"), ("2 månader", "månad"), ("1 år", "år")]:
        amount, _ = written.split()
        insats = guideline(f"insats x\n  uppföljning inom {written}\nslut\n").insatser[0]
        assert insats.requirements.follow_up_within == m.Span(amount=int(amount), unit=unit)


def test_forval_gives_defaults() -> None:
    g = guideline(
        "förval\n  kräver motivering vid bifall, delvis_bifall, avslag\n  kräver mål\n"
        '  genomförandeplan inom 1 månad från verkställighet\n  avsnitt "2.3, 2.7, 2.8.1"\nslut\n'
        "förval\n  uppföljning inom 12 månader\n  kräver mål\nslut\n"
    )
    defaults = g.defaults
    assert defaults.reasons_required_on == ["bifall", "delvis_bifall", "avslag"]
    assert defaults.goals_required is True
    assert defaults.plan_within == m.Span(amount=1, unit="månad") and defaults.plan_from == "verkställighet"
    assert defaults.follow_up_within == m.Span(amount=12, unit="månad"), "several förval blocks merge"
    assert defaults.positions["goals_required"] == pos(9, 3), "the later statement wins"
    assert g.insatser == [] and guideline("insats x\nslut\n").defaults is None


# ---- activities, dated values, bands ---------------------------------------------------------


def test_activity() -> None:
    (activity,) = guideline(
        'aktivitet städning "Städning"\n  kategori service\n  kallas "Städ", "Storstädning"\n  avsnitt "3.6.1"\nslut\n'
    ).activities
    assert (activity.id, activity.name, activity.category) == ("städning", "Städning", "service")
    assert activity.aliases == ["Städ", "Storstädning"] and activity.section == "3.6.1"


VALUE = '''\
värde pa_åldersgräns "Åldersgräns för nybeviljad personlig assistans"
  65 till 2022-12-31
  66 från 2023-01-01 till 2025-12-31
  67 från 2026-01-01
  enhet "år"
  lagrum "9 b § LSS"
slut
värde lass_grundbehov_timmar
  20,5
slut
värde avgiftstyp
  "maxtaxa" från 2025-01-01
slut
'''


def test_dated_value() -> None:
    age, basic, text_value = guideline(VALUE).values
    assert (age.id, age.name, age.unit) == ("pa_åldersgräns", "Åldersgräns för nybeviljad personlig assistans", "år")
    assert [e.value for e in age.entries] == [65, 66, 67]
    assert all(isinstance(e.value, Fraction) for e in age.entries)
    assert age.entries[1].validity == m.Validity(valid_from=date(2023, 1, 1), valid_until=date(2025, 12, 31))
    assert age.entries[0].pos == pos(2, 3)
    assert age.citation.ref == LawRef(law="LSS", paragraph=9, letter="b")
    assert age.at(date(2022, 12, 31)) == 65 and age.at(date(2023, 1, 1)) == 66 and age.at(date(2030, 1, 1)) == 67
    assert basic.entries[0].value == F(41, 2) and basic.entries[0].validity == m.Validity()
    assert basic.name is None
    assert text_value.entries[0].value == "maxtaxa" and text_value.at(date(2024, 12, 31)) is None


BANDS = '''\
nivåer avgiftsniva_hemtjanst "Avgiftsnivåer för hemtjänst"
  mått timmar_per_månad
  steg 1
  nivå 1 från 0 till 2 "7 % av prisbasbeloppet"
  nivå 2 från 3 till 8 "15 % av prisbasbeloppet"
  nivå 6 från 50 "53,92 % av prisbasbeloppet"
  nivå hög från 1000
  avsnitt "4.1"
slut
'''


def test_bands() -> None:
    (bands,) = guideline(BANDS).bands
    assert (bands.id, bands.measure, bands.step, bands.section) == ("avgiftsniva_hemtjanst", "timmar_per_månad", 1, "4.1")
    one, two, six, high = bands.bands
    assert (one.name, one.low, one.high, one.label) == ("1", 0, 2, "7 % av prisbasbeloppet")
    assert (six.low, six.high) == (50, None)
    assert (high.name, high.label) == ("hög", None)
    assert two.pos == pos(5, 3)
    assert bands.band_for(F(5, 2)) == two, "2.5 hours round to the step (3) first"
    assert bands.band_for(F(2)) == one


# ---- rules and conditions ------------------------------------------------------------------

RULE = '''\
regel hemvardsbidrag_30_timmar "Hemvårdsbidrag kräver behov av personlig vård över 30 timmar per månad"
  kod omfattning.gransvarde
  när insats = hemvårdsbidrag och utfall i (bifall, delvis_bifall) och timmar_per_månad <= 30
  då fel "Hemvårdsbidrag kräver ett hjälpbehov över 30 timmar per månad."
  engelska "A home-care allowance needs more than 30 hours a month."
  fält timmar_per_månad
  lagrum "11 kap. 1 § SoL"
  avsnitt "5"
slut
'''


def test_rule() -> None:
    (rule,) = guideline(RULE).rules
    assert (rule.id, rule.code, rule.finding_code) == ("hemvardsbidrag_30_timmar", "omfattning.gransvarde", "omfattning.gransvarde")
    assert rule.severity == "fel" and rule.message.startswith("Hemvårdsbidrag kräver")
    assert rule.english.startswith("A home-care allowance")
    assert rule.field == "timmar_per_månad" and rule.section == "5"
    assert rule.citation.ref == LawRef(law="SoL", chapter=11, paragraph=1)
    assert shape(rule.when) == (
        "och",
        ("=", "insats", "hemvårdsbidrag"),
        ("i", "utfall", "bifall", "delvis_bifall"),
        ("<=", "timmar_per_månad", F(30)),
    )
    line = RULE.splitlines()[2]
    assert rule.when.pos == pos(3, line.index("insats") + 1)
    assert rule.when.items[2].right.pos == pos(3, line.index("30") + 1)


def test_rule_without_code_gets_one_from_its_id() -> None:
    rule = guideline('regel uppfoljning\n  då varning "x"\nslut\n').rules[0]
    assert rule.finding_code == "riktlinje.uppfoljning" and rule.when is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # och binds harder than eller; inte binds hardest
        ("ålder > 1 eller ålder > 2 och ålder > 3",
         ("eller", (">", "ålder", 1), ("och", (">", "ålder", 2), (">", "ålder", 3)))),
        ("ålder > 1 och ålder > 2 eller ålder > 3",
         ("eller", ("och", (">", "ålder", 1), (">", "ålder", 2)), (">", "ålder", 3))),
        ("inte ålder > 1 och ålder > 2", ("och", ("inte", (">", "ålder", 1)), (">", "ålder", 2))),
        ("inte (ålder > 1 och ålder > 2)", ("inte", ("och", (">", "ålder", 1), (">", "ålder", 2)))),
        ("(ålder > 1 eller ålder > 2) och ålder > 3",
         ("och", ("eller", (">", "ålder", 1), (">", "ålder", 2)), (">", "ålder", 3))),
        ("inte inte ålder > 1", ("inte", ("inte", (">", "ålder", 1)))),
        # chains flatten, whatever the parentheses
        ("ålder > 1 och ålder > 2 och ålder > 3", ("och", (">", "ålder", 1), (">", "ålder", 2), (">", "ålder", 3))),
        ("ålder > 1 och (ålder > 2 och ålder > 3)", ("och", (">", "ålder", 1), (">", "ålder", 2), (">", "ålder", 3))),
        ("((ålder > 1))", (">", "ålder", 1)),
        # comparisons, written in ASCII or as the mathematical signs
        ("ålder ≤ 1", ("<=", "ålder", 1)),
        ("ålder ≥ 1", (">=", "ålder", 1)),
        ("ålder ≠ 1", ("!=", "ålder", 1)),
        ("ålder != 1", ("!=", "ålder", 1)),
        ("ålder < 1", ("<", "ålder", 1)),
        ("ålder >= 1,5", (">=", "ålder", F(3, 2))),
        # lists, presence
        ("personkrets i (1, 2)", ("i", "personkrets", 1, 2)),
        ("giltig_till saknas", ("saknas", "giltig_till")),
        ("motivering finns", ("finns", "motivering")),
        # arithmetic: * and / before + and -, left to right
        ("timmar_per_månad > 2 + 3 * 4", (">", "timmar_per_månad", ("+", 2, ("*", 3, 4)))),
        ("timmar_per_månad > 10 - 3 - 2", (">", "timmar_per_månad", ("-", ("-", 10, 3), 2))),
        ("timmar_per_månad > (10 - 3) / 2", (">", "timmar_per_månad", ("/", ("-", 10, 3), 2))),
        ("grundbehov_timmar_per_vecka > värde lass_grundbehov_timmar",
         (">", "grundbehov_timmar_per_vecka", ("värde", "lass_grundbehov_timmar"))),
        ("ålder >= värde pa_åldersgräns - 1", (">=", "ålder", ("-", ("värde", "pa_åldersgräns"), 1))),
        # literals
        ("beslutsdatum >= 2025-07-01", (">=", "beslutsdatum", date(2025, 7, 1))),
        ('motivering = "saknas"', ("=", "motivering", "saknas")),
        ("lag = LSS", ("=", "lag", "LSS")),
    ],
)
def test_condition(condition: str, expected) -> None:
    assert shape(rule_condition(condition)) == expected


def test_condition_positions() -> None:
    written = "inte (ålder > 1 och insats = hemtjänst)"
    condition = rule_condition(written)

    def column(word: str) -> int:
        return len("  när ") + written.index(word) + 1

    assert condition.pos == pos(2, column("inte"))
    inner = condition.item
    assert inner.pos == pos(2, column("ålder"))
    assert inner.items[1].left.pos == pos(2, column("insats"))
    assert inner.items[1].right.pos == pos(2, column("hemtjänst"))


# ---- delegation ------------------------------------------------------------------------------


def test_delegation() -> None:
    (delegation,) = guideline(
        'delegation handläggare "Biståndshandläggare"\n  beslutar hemtjänst, trygghetslarm\n  efter 6 månader\n'
        '  källa "delegationsordning"\nslut\n'
    ).delegations
    assert (delegation.id, delegation.name) == ("handläggare", "Biståndshandläggare")
    assert delegation.decides == ["hemtjänst", "trygghetslarm"]
    assert delegation.after == m.Span(amount=6, unit="månad") and delegation.after.words() == Text("6 månader", "6 months")
    assert delegation.source == "delegationsordning"


# ---- standard-time tables --------------------------------------------------------------------

KRISTIANSTAD = '''\
schablon kristianstad "Schablontider för hemtjänstinsatser enligt socialtjänstlagen"
  kommun "Kristianstad"
  slag bedömning
  odaterad
  källa "sources/schablontider.md, Kristianstad kommun"
slut

aktivitet städning "Städning"
  motsvarar städning
  tid "70 minuter" om har_omvårdnad
  tid "90 minuter" annars
  normalt "varannan vecka"
  delas i hushållet
  text "70 min om kunden har omvårdnad och service, annars 90 min"
slut

aktivitet tvätt "Tvätt"
  motsvarar tvätt
  tid "20 minuter" om tvättmaskin_i_bostaden och har_omvårdnad
  tid "30 minuter" annars
  högst "2 tim och 15 min per vecka"
slut

aktivitet apoteksärende "Apoteksärende"
  motsvarar apoteksärende
  ingår i inköp, ledsagning
slut

aktivitet ledsagning
  beviljas i timmar
slut

aktivitet insatser_till_barn
  ingen tid
  avsnitt "Övrigt"
slut
'''


def test_standard_time_table() -> None:
    t = table(KRISTIANSTAD)
    assert t.path == "test.schablon"
    meta = t.meta
    assert (meta.id, meta.municipality, meta.kind, meta.undated) == ("kristianstad", "Kristianstad", "bedömning", True)
    assert meta.title == "Schablontider för hemtjänstinsatser enligt socialtjänstlagen"
    städning, tvätt, apotek, ledsagning, barn = t.activities
    assert städning.maps_to == "städning" and städning.shared_by_household
    seventy, ninety = städning.times
    assert seventy.amount.quantity == parse_quantity("70 minuter") and seventy.when == ["har_omvårdnad"]
    assert not seventy.otherwise and ninety.otherwise and ninety.when == []
    assert seventy.pos == pos(10, 3, "test.schablon")
    assert städning.normal.written == "varannan vecka"
    assert tvätt.times[0].when == ["tvättmaskin_i_bostaden", "har_omvårdnad"]
    assert tvätt.maximum.per_month() == F(135) * F(13, 3)
    assert not tvätt.shared_by_household
    assert apotek.included_in == ["inköp", "ledsagning"] and apotek.times == []
    assert ledsagning.granted_in_hours and ledsagning.name is None
    assert barn.no_time and barn.section == "Övrigt"


def test_dated_table() -> None:
    meta = table('schablon solna "Schablontider"\n  kommun "Solna"\n  slag ersättning\n  gäller från 2024-01-01\nslut\n').meta
    assert meta.kind == "ersättning" and not meta.undated
    assert meta.validity == m.Validity(valid_from=date(2024, 1, 1))


def test_kinds_do_not_mix() -> None:
    # A guideline statement is not a standard-time statement and vice versa.
    assert parse("insats x\nslut\n", "schablon")[0] is None
    assert parse("schablon x\nslut\n", "riktlinje")[0] is None


# ---- layout the grammar accepts ----------------------------------------------------------------


def test_comments_blank_lines_and_indentation_do_not_matter() -> None:
    tidy = guideline(INSATS)
    untidy_text = "\n\n# inledning\n\n" + INSATS.replace("\n  ", "\n\t  ").replace("\n", "   # kommentar\n\n", 3)
    untidy = guideline(untidy_text)
    assert strip_positions(untidy) == strip_positions(tidy)


def test_crlf_line_endings_parse_to_the_same_objects() -> None:
    text = BOTKYRKA_HEADER + INSATS + VALUE
    assert guideline(text.replace("\n", "\r\n")) == guideline(text)


def test_file_without_final_newline_and_empty_file() -> None:
    assert guideline(INSATS.rstrip("\n")) == guideline(INSATS)
    assert guideline("") == m.Guideline(path="test.riktlinje")
    assert table("# bara en kommentar") == m.StandardTimeTable(path="test.schablon")


def test_escapes_in_strings() -> None:
    meta = guideline('riktlinje x "Säger \\"nej\\" med \\\\ och # inuti"\nslut\n').meta
    assert meta.title == 'Säger "nej" med \\ och # inuti'


def test_text_block_keeps_hash_and_block_words() -> None:
    meta = guideline('riktlinje x\n  text """\n    # ingen kommentar\n    slut\n  """\nslut\n').meta
    assert meta.text == "# ingen kommentar\nslut"


def test_text_block_ignores_trailing_blanks() -> None:
    # Invisible blanks at the end of a line of prose mean nothing (fmt removes them).
    meta = guideline('riktlinje x\n  text """rad ett  \n    rad två\t\n     \x0c\n    rad tre"""\nslut\n').meta
    assert meta.text == "rad ett\n    rad två\n\n    rad tre"


def test_date_in_a_condition_is_a_date_not_arithmetic() -> None:
    condition = rule_condition("giltig_till < 2026-01-01 och giltig_från >= 2025-07-01 - 0")
    assert shape(condition) == (
        "och", ("<", "giltig_till", date(2026, 1, 1)), (">=", "giltig_från", ("-", date(2025, 7, 1), 0))
    )
    _, diagnostics = parse('regel r\n  när beslutsdatum > 2025-02-30\n  då fel "x"\nslut\n')
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("varde.ogiltigt", 2, 22)]


# ---- the API: load(), GuidelineError, JSON --------------------------------------------------------

LOMMA = '''\
riktlinje lomma_2023 "Riktlinje för biståndshandläggning"
  kommun "Lomma"
  gäller från 2023-01-01 till tills vidare
slut

lag sol "Socialtjänstlag"
  förkortning SoL
  sfs "2001:453"
  paragraf "4 kap. 1 §"
slut

insats hemtjänst "Hemtjänst"
  lagrum "4 kap. 1 § SoL"
slut

regel särskilt_boende_100_timmar "Hemtjänst över 100 timmar i månaden"
  när insats = hemtjänst och timmar_per_månad > 100
  då info "Överväg särskilt boende"
slut
'''


def test_load_returns_a_rulebook_with_source_positions(tmp_path) -> None:
    path = tmp_path / "lomma.riktlinje"
    path.write_text(LOMMA, encoding="utf-8")
    book = bistandsregler.load(path, national=False)
    assert isinstance(book, RuleBook)
    (g,) = book.guidelines
    assert g.path == str(path) and g.meta.municipality == "Lomma"
    rule = g.rules[0]
    assert rule.pos == m.Pos(file=str(path), line=16, column=1)
    assert str(rule.when.items[1].pos) == f"{path}:17:30"
    assert book.source_line(rule.pos) == 'regel särskilt_boende_100_timmar "Hemtjänst över 100 timmar i månaden"'
    assert book.insatser(g)["hemtjänst"].citations[0].pos.line == 13
    assert not errors(book.diagnostics)


def test_load_accepts_folders_and_lists_and_strings(tmp_path) -> None:
    folder = tmp_path / "kommun"
    folder.mkdir()
    (folder / "lomma.riktlinje").write_text(LOMMA, encoding="utf-8")
    (folder / "kristianstad.schablon").write_text(KRISTIANSTAD.replace("ingår i inköp, ledsagning", "ingår i ledsagning"),
                                                  encoding="utf-8")
    (folder / "README.md").write_text("inte en riktlinje", encoding="utf-8")
    by_folder = bistandsregler.load(str(folder), national=False)
    by_list = bistandsregler.load([folder / "kristianstad.schablon", folder / "lomma.riktlinje"], national=False)
    assert len(by_folder.guidelines) == len(by_list.guidelines) == 1
    assert len(by_folder.tables) == len(by_list.tables) == 1
    assert by_folder.table("kristianstad").meta.municipality == "Kristianstad"


def test_load_adds_the_shipped_national_layer(tmp_path) -> None:
    path = tmp_path / "kommun.riktlinje"
    path.write_text('riktlinje kommun\n  kommun "K"\n  gäller från 2025-07-01\n  bygger på nationell\nslut\n',
                    encoding="utf-8")
    book = bistandsregler.load(path)
    national = [g for g in book.guidelines if g.path != str(path)]
    assert national, "the national layer is read too"
    assert {law.abbreviation for law in book.laws} >= {"SoL", "LSS"}
    assert book.guideline("kommun") is not None


def test_load_raises_guideline_error_listing_every_diagnostic(tmp_path) -> None:
    broken = tmp_path / "trasig.riktlinje"
    broken.write_text('riktlinje t\n  komun "X"\nslut\n', encoding="utf-8")
    meaning = tmp_path / "fel.riktlinje"
    meaning.write_text(LOMMA.replace('lagrum "4 kap. 1 § SoL"\n', "") + "insats hemtjänst\nslut\n", encoding="utf-8")
    with pytest.raises(bistandsregler.GuidelineError) as caught:
        bistandsregler.load(tmp_path, national=False)
    found = [(d.path, d.line, d.code) for d in caught.value.diagnostics]
    assert (str(broken), 2, "syntax.ovantat") in found
    assert (str(meaning), 12, "insats.lagrum_saknas") in found
    assert (str(meaning), 19, "insats.dubblett") in found
    assert f"{broken}:2:3: fel[syntax.ovantat]" in str(caught.value)
    assert found == sorted(found, key=lambda f: (f[0], f[1])), "diagnostics come sorted by place"


def test_read_never_raises_and_returns_diagnostics(tmp_path) -> None:
    broken = tmp_path / "trasig.riktlinje"
    broken.write_text('riktlinje t\n  komun "X"\nslut\n', encoding="utf-8")
    book = bistandsregler.read([broken], national=False)
    assert book.guidelines == [] and [d.code for d in book.diagnostics] == ["syntax.ovantat"]


def test_json_export_round_trips() -> None:
    g = guideline(BOTKYRKA_HEADER + LAW + INSATS + VALUE + BANDS + RULE + 'delegation d\n  beslutar hemtjänst\nslut\n')
    exported = g.model_dump_json()
    assert m.Guideline.model_validate_json(exported) == g
    data = json.loads(exported)
    assert data["kind"] == "riktlinje"
    assert data["insatser"][0]["pos"] == {"file": "test.riktlinje", "line": 29, "column": 1}
    t = table(KRISTIANSTAD)
    assert m.StandardTimeTable.model_validate_json(t.model_dump_json()) == t
    # One adapter reads either kind of document back.
    adapter = TypeAdapter(m.Document)
    assert adapter.validate_json(g.model_dump_json()) == g
    assert adapter.validate_json(t.model_dump_json()) == t


@pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
def test_json_export_of_shipped_file_round_trips(path) -> None:
    document, diagnostics = parse(path.read_text(encoding="utf-8"), kind_of(path), str(path))
    assert document is not None, [d.render() for d in diagnostics]
    assert type(document).model_validate_json(document.model_dump_json()) == document
