"""National knowledge as data: the word lists, the insats kinds and the SFS numbers live in
guidelines/nationell/, and a municipal guideline adds to each list.

Each list is tested the same way: an entry a municipality adds makes a decision that uses it
fire the finding under that municipality's guideline; the same decision under the national
layer alone, and a close decision that does not use it under the municipality, stay quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import parse
from test_findings import CLEAN_2024, findings_of, refusal, variant

import bistandsregler
from bistandsregler.language.formatting import format_text
from bistandsregler.language.lagrum import LawRef, parse_lagrum
from bistandsregler.rules.loading import read

ROOT = Path(__file__).resolve().parents[1]

ADDITIONS = """\
riktlinje tillägg_2024 "Riktlinje med egna ordlistor"
  kommun "Tilläggskommun"
  gäller från 2024-01-01 till tills vidare
  bygger på nationell
slut

ordlista standardfraser "Kommunens egna standardfraser"
  källa "https://example.org/riktlinje.pdf, avsnitt 2"
  "ansökan avslås enligt gällande praxis"
slut

ordlista förkortningar
  "hmtj" betyder "hemtjänst" källa "https://example.org/riktlinje.pdf, bilaga 1"
slut

ordlista allmänna_syften
  "värdig ålderdom" källa "https://example.org/riktlinje.pdf, avsnitt 1"
slut

ordlista kategorier
  "ej rätt enligt sol" källa "https://example.org/riktlinje.pdf, bilaga 2"
slut

ordlista om_den_enskilde
  "gode mannen" källa "https://example.org/riktlinje.pdf, bilaga 2"
slut

ordlista observerbart
  "cyklar" källa "https://example.org/riktlinje.pdf, avsnitt 4"
slut
"""


@pytest.fixture(scope="module")
def checkers(tmp_path_factory) -> dict[str, bistandsregler.Checker]:
    path = tmp_path_factory.mktemp("tillagg") / "tillagg-2024.riktlinje"
    path.write_text(ADDITIONS, encoding="utf-8")
    return {"nationell": bistandsregler.compile(), "kommun": bistandsregler.compile(path)}


def codes(checker: bistandsregler.Checker, decision: dict, code: str) -> list:
    return findings_of([checker.check(decision)], code)


def test_the_additions_read_cleanly(tmp_path):
    path = tmp_path / "tillagg-2024.riktlinje"
    path.write_text(ADDITIONS, encoding="utf-8")
    book = read([path])
    assert [d.render() for d in book.diagnostics] == []
    guideline = book.guideline("tillägg_2024")
    # The municipality's entries come after the national ones, which stay.
    phrases = [entry.text for entry, _ in book.word_list("standardfraser", guideline)]
    assert phrases[0] == "behovet bedöms inte föreligga" and phrases[-1] == "ansökan avslås enligt gällande praxis"
    assert [e.text for e, _ in book.word_list("standardfraser")][-1] == "se utredning"
    assert book.abbreviations(guideline)["hmtj"] == "hemtjänst" and "hmtj" not in book.abbreviations()


def test_a_stock_phrase_the_municipality_adds(checkers):
    stock = refusal(CLEAN_2024, justification="Ansökan avslås enligt gällande praxis.")
    [finding] = codes(checkers["kommun"], stock, "motivering.standardfras")
    assert "ansökan avslås enligt gällande praxis" in finding.message()
    assert codes(checkers["nationell"], stock, "motivering.standardfras") == []
    reasoned = refusal(CLEAN_2024, justification="Ansökan avslås: enligt arbetsterapeutens bedömning vid hembesöket "
                                                 "klarar den sökande dusch och städning själv med sina hjälpmedel.")
    assert codes(checkers["kommun"], reasoned, "motivering.standardfras") == []
    # The national phrases still hold under the municipality.
    national = refusal(CLEAN_2024, justification="Behovet bedöms inte föreligga.")
    assert codes(checkers["kommun"], national, "motivering.standardfras")


def test_an_abbreviation_the_municipality_adds(checkers):
    abbreviated = variant(CLEAN_2024, insats="Hmtj.", applied_for="Hmtj.")
    assert codes(checkers["nationell"], abbreviated, "beslut.insats_okand")
    assert codes(checkers["kommun"], abbreviated, "beslut.insats_okand") == []
    # Read as hemtjänst, the decision is checked as one: the law reference fits it.
    assert codes(checkers["kommun"], abbreviated, "lagrum.fel_insats") == []
    unknown = variant(CLEAN_2024, insats="Hmtjx.", applied_for="Hmtjx.")
    assert codes(checkers["kommun"], unknown, "beslut.insats_okand")


def test_a_general_aim_the_municipality_adds(checkers):
    aim = variant(CLEAN_2024, goals=[{"text": "Värdig ålderdom", "accepted": True, "due": "2025-03-01"}])
    [finding] = codes(checkers["kommun"], aim, "mal.generellt")
    assert finding.values == {"allmänt_syfte": "värdig ålderdom"}
    assert codes(checkers["nationell"], aim, "mal.generellt") == []
    measurable = variant(CLEAN_2024, goals=[{"text": "Värdig ålderdom: ska kunna duscha själv två gånger i veckan",
                                             "accepted": True, "due": "2025-03-01"}])
    assert codes(checkers["kommun"], measurable, "mal.generellt") == []


def test_a_category_label_the_municipality_adds(checkers):
    label = refusal(CLEAN_2024, justification="Ej rätt enligt SoL.")  # four words: only the list knows it
    [finding] = codes(checkers["kommun"], label, "motivering.standardfras")
    assert finding.args["fras"] == "ej rätt enligt sol"
    assert codes(checkers["nationell"], label, "motivering.standardfras") == []
    reasoned = refusal(CLEAN_2024, justification="Ej rätt enligt SoL: du har hjälp med detta från regionen.")
    assert codes(checkers["kommun"], reasoned, "motivering.standardfras") == []


def test_a_word_about_the_person_the_municipality_adds(checkers):
    """A short reason about someone the municipality's list names is about the person."""
    short = refusal(CLEAN_2024, justification="Gode mannen ansvarar.")
    assert codes(checkers["kommun"], short, "motivering.standardfras") == []
    assert codes(checkers["nationell"], short, "motivering.standardfras")


def test_an_observable_criterion_the_municipality_adds(checkers):
    goal = variant(CLEAN_2024, goals=[{"text": "Att hon cyklar till träffpunkten.", "accepted": True,
                                       "due": "2025-03-01"}])
    assert codes(checkers["kommun"], goal, "mal.ej_matbart") == []
    assert codes(checkers["nationell"], goal, "mal.ej_matbart")


def test_insats_kinds_are_national_data_and_inherited(tmp_path):
    path = tmp_path / "k.riktlinje"
    path.write_text(ADDITIONS + 'insats personlig_assistans\n  text "Kommunens tillägg."\nslut\n', encoding="utf-8")
    book = read([path])
    assert book.insatser()["personlig_assistans"].kinds == ["personlig_assistans"]
    assert book.insatser()["förenklad_hemtjänst"].kinds == ["utan_behovsprövning"]
    merged = book.insatser(book.guideline("tillägg_2024"))["personlig_assistans"]
    assert merged.kinds == ["personlig_assistans"] and merged.text == "Kommunens tillägg."


# ---- SFS numbers ------------------------------------------------------------------------------

NEW_LAW = """\
lag sol_2030 "Socialtjänstlag (2030:17)"
  förkortning SoL
  sfs "2030:17"
  gäller från 2030-01-01
  förteckning ofullständig
  paragraf "11 kap. 1 §"
slut
"""

CITING = """\
riktlinje k "K"
  kommun "K"
  gäller från 2030-01-01
  bygger på nationell
slut

insats hemtjänst
  lagrum "11 kap. 1 § SoL (2030:17)"
slut
"""


def test_a_new_sfs_number_in_the_national_data_needs_no_grammar_change(tmp_path):
    (tmp_path / "k.riktlinje").write_text(CITING, encoding="utf-8")
    unknown = read([tmp_path / "k.riktlinje"])
    [problem] = [d for d in unknown.diagnostics if d.code == "lagrum.okant_sfs"]
    assert (problem.line, problem.column) == (8, 10) and "2030:17" in problem.message()

    (tmp_path / "sol-2030-17.riktlinje").write_text(NEW_LAW, encoding="utf-8")  # a national file: builds on nothing
    known = read([tmp_path])
    assert [d.render() for d in known.diagnostics] == []
    assert known.sfs_laws["2030:17"] == "SoL"
    assert known.complete(parse_lagrum("11 kap. 1 § (2030:17)")).law == "SoL"


def test_an_sfs_number_alone_names_its_law():
    book = read([])
    for text, law in [("4 kap. 1 § (2001:453)", "SoL"), ("11 kap. 1 § (2025:400)", "SoL"),
                      ("9 § 2 (1993:387)", "LSS"), ("51 kap. 3 § (2010:110)", "SFB")]:
        ref = parse_lagrum(text)
        assert ref.law is None and book.complete(ref).law == law, text
        assert book.sfs_problem(ref) is None
    assert book.complete(LawRef(paragraph=9).with_sfs("(1993:387)")).law == "LSS"


def test_an_sfs_number_of_another_law_is_refused():
    book = read([])
    assert book.sfs_problem(LawRef(law="SoL", chapter=4, paragraph=1).with_sfs("1993:387")) == (
        "lagrum.sfs_annan_lag", {"sfs": "1993:387", "owner": "LSS", "law": "SoL"})
    assert book.sfs_problem(LawRef(law="SoL", chapter=4, paragraph=1).with_sfs("2001:453")) is None


def test_a_decision_citing_an_unknown_or_foreign_sfs_number(checkers):
    for lagrum, detail in [("4 kap. 1 § SoL (1993:387)", "SFS-numret 1993:387 hör till LSS, inte SoL"),
                           ("4 kap. 1 § SoL (2030:17)", "SFS-numret 2030:17 är okänt")]:
        [finding] = codes(checkers["nationell"], variant(CLEAN_2024, lagrum=lagrum), "lagrum.okand")
        assert detail in finding.message()
        assert "SFS number" in finding.message("en")
    assert codes(checkers["nationell"], variant(CLEAN_2024, lagrum="4 kap. 1 § SoL (2001:453)"), "lagrum.okand") == []
    # An SFS number alone names the law: the reference fits the insats.
    alone = variant(CLEAN_2024, lagrum="4 kap. 1 § (2001:453)")
    assert codes(checkers["nationell"], alone, "lagrum.fel_insats") == []


# ---- the language ----------------------------------------------------------------------------


def test_word_lists_and_kinds_format_to_a_fixed_point():
    untidy = ('ordlista   förkortningar  "F"\n'
              '     källa "x"\n'
              '"hemtj"   betyder "hemtjänst"    källa  "y"   # kommentar\n'
              '\t"kp" betyder "kontaktperson"\n'
              'slut\n'
              'insats x\n'
              '  slag    personlig_assistans\n'
              'slut\n')
    once, diagnostics = format_text(untidy, "riktlinje")
    assert once == ('ordlista förkortningar "F"\n'
                    '  källa "x"\n'
                    '  "hemtj" betyder "hemtjänst" källa "y" # kommentar\n'
                    '  "kp" betyder "kontaktperson"\n'
                    'slut\n'
                    '\n'
                    'insats x\n'
                    '  slag personlig_assistans\n'
                    'slut\n'), diagnostics
    assert format_text(once, "riktlinje")[0] == once
    document, _ = parse(once)
    [word_list] = document.word_lists
    assert [(e.text, e.meaning, e.source) for e in word_list.entries] == [
        ("hemtj", "hemtjänst", "y"), ("kp", "kontaktperson", None)]
    assert document.insatser[0].kinds == ["personlig_assistans"]


def test_a_malformed_entry_is_a_located_syntax_error():
    # The meaning after the source: the entry reads text, "betyder", then "källa".
    document, diagnostics = parse('ordlista förkortningar\n  "hemtj" källa "x" betyder "hemtjänst"\nslut\n')
    assert document is None
    [d] = diagnostics
    assert (d.code, d.line, d.column) == ("syntax.ovantat", 2, 21)
    assert "betyder" in d.message()


# ---- what the law layer says of its paragraphs -------------------------------------------------


def test_paragraph_marks_parse_and_format_to_a_fixed_point():
    untidy = ('lag l "L"\n  förkortning L\n'
              '  paragraf  "1 §"  "Definition"   ingen   beslutsgrund\n'
              '  paragraf "2 §" "Rapport" från 2020-01-01 rapportplikt  för "3 §","4 kap. 1 §" ingen beslutsgrund\n'
              '  paragraf "3 §"\nslut\n')
    once, diagnostics = format_text(untidy, "riktlinje")
    assert diagnostics == []
    assert 'paragraf "2 §" "Rapport" från 2020-01-01 rapportplikt för "3 §", "4 kap. 1 §" ingen beslutsgrund' in once
    assert format_text(once, "riktlinje")[0] == once
    document, _ = parse(once)
    [law] = document.laws
    assert [(p.written, p.ground, [r.key() for r in p.reports]) for p in law.paragraphs] == [
        ("1 §", False, []), ("2 §", False, ["3 §", "4 kap. 1 §"]), ("3 §", True, [])]


def test_a_misspelt_paragraph_mark_is_a_located_syntax_error():
    document, diagnostics = parse('lag l "L"\n  paragraf "1 §" ingen beslutgrund\nslut\n')
    assert document is None
    [d] = diagnostics
    assert (d.code, d.line) == ("syntax.ovantat", 2) and "beslutgrund" in d.message()


def test_the_national_layer_says_which_grants_are_reported_and_where():
    """The report duty is the law layer's data, each with the paragraph the law names it in."""
    book = read([])
    duties = {(law.sfs, p.ref.key()): sorted(r.key() for r in p.reports) for law in book.laws for p in law.paragraphs
              if p.reports}
    assert duties == {("2025:400", "34 kap. 1 §"): ["11 kap. 1 §", "12 kap. 1 §"],
                      ("2001:453", "16 kap. 6 f §"): ["4 kap. 1 §"], ("1993:387", "28 f §"): ["9 §"]}
    # every duty paragraph is itself no ground for a decision on an insats
    assert all(not p.ground for law in book.laws for p in law.paragraphs if p.reports)


def test_the_old_law_paragraphs_decisions_cite_and_their_successors():
    book = read([])
    [old] = [law for law in book.laws if law.sfs == "2001:453"]
    successors = {key: [p.ref.key() for _, p in book.replacements(old, parse_lagrum(key + " SoL"))]
                  for key in ("4 kap. 1 §", "4 kap. 1 c §", "4 kap. 2 a §", "4 kap. 3 §", "5 kap. 5 §", "5 kap. 7 §",
                              "16 kap. 6 a §", "16 kap. 6 f §", "16 kap. 6 g §", "16 kap. 6 h §")}
    assert successors == {
        "4 kap. 1 §": ["11 kap. 1 §", "12 kap. 1 §"], "4 kap. 1 c §": ["11 kap. 3 §"],
        "4 kap. 2 a §": ["11 kap. 5 §", "11 kap. 6 §"], "4 kap. 3 §": ["12 kap. 7 §"],
        "5 kap. 5 §": ["8 kap. 3 §", "8 kap. 4 §"], "5 kap. 7 §": ["8 kap. 10 §", "8 kap. 11 §"],
        "16 kap. 6 a §": ["34 kap. 5 §"], "16 kap. 6 f §": ["34 kap. 1 §"], "16 kap. 6 g §": ["34 kap. 2 §"],
        "16 kap. 6 h §": ["34 kap. 3 §"]}
    dated = {p.ref.key(): p.validity.valid_from for p in old.paragraphs if p.validity.valid_from}
    assert dated == {"4 kap. 1 c §": date(2012, 11, 1), "4 kap. 2 a §": date(2018, 7, 1)}
    # before they applied, they are not in force
    day = date(2012, 10, 31)
    assert not book.paragraph(old, parse_lagrum("4 kap. 1 c § SoL"), day).validity.covers(day)
