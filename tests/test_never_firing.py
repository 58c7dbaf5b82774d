"""Rules that can never fire are located errors at `validate` (issue 8), and their correct
forms are quiet: an insats field compared with a quoted name or a text that is no insats, a field
of closed values (utfall, lag) compared with another word, and arithmetic on dates, which
conditions have no unit for. The condition flagged is also shown to
be undecidable or false on a decision it was meant for, so the diagnostic tells the truth."""

from __future__ import annotations

from datetime import date

import pytest

from bistandsregler.checking.compiler import interpret, symbol_value
from bistandsregler.rules.loading import read

HEADER = ('riktlinje k "Kommunens riktlinje"\n  kommun "K"\n  gäller från 2025-07-01\n'
          '  bygger på nationell\nslut\n')


def _read(tmp_path, condition: str):
    path = tmp_path / "k.riktlinje"
    path.write_text(HEADER + f'regel r "R"\n  när {condition}\n  då varning "x"\nslut\n', encoding="utf-8")
    book = read([str(path)])  # with the shipped national catalogue
    return book, [d for d in book.diagnostics if d.path == str(path)]


@pytest.mark.parametrize(("condition", "code", "marked", "words"), [
    ('insats = "Hemtjänst"', "regel.insats_text", '"Hemtjänst"', "menade du hemtjänst?"),
    ('"Hemtjänst" = insats', "regel.insats_text", '"Hemtjänst"', "menade du hemtjänst?"),
    ('ansökt = "Matlåda"', "regel.insats_text", '"Matlåda"', "menade du matdistribution?"),  # an alias
    ('insats != "Trygghetslarm"', "regel.insats_text", '"Trygghetslarm"', "blir alltid sann"),
    ('insats i (hemtjänst, "Trygghetslarm")', "regel.insats_text", '"Trygghetslarm"', "menade du trygghetslarm?"),
    ('motsvarighet = "Personlig assistans"', "regel.insats_text", '"Personlig', "menade du personlig_assistans?"),
    ('ansökt = "Snöskottning"', "regel.insats_okand", '"Snöskottning"', '"Snöskottning" är ingen insats'),
    ('insats i ("Rymdresa")', "regel.insats_okand", '"Rymdresa"', '"Rymdresa" är ingen insats'),
    ('utfall = "Avslag"', "regel.varde_okant", '"Avslag"', "(menade du 'avslag'?)"),
    ("utfall i (bifall, hemtjänst)", "regel.varde_okant", "hemtjänst", "jämförelsen med hemtjänst blir aldrig sann"),
    ('lag != "SOL"', "regel.varde_okant", '"SOL"', "blir alltid sann (menade du 'SoL'?)"),
    ("giltig_till - giltig_från > 21", "regel.datum_utan_enhet", "giltig_till - giltig_från",
     "'tidsbegränsning högst 21 dagar'"),
    ("insats = hemtjänst och (giltig_till - beslutsdatum) / 7 > 3", "regel.datum_utan_enhet",
     "giltig_till - beslutsdatum", "'giltig_till - beslutsdatum' räknar med datum"),
    ("beslutsdatum + 30 < uppföljning", "regel.datum_utan_enhet", "beslutsdatum + 30", "'beslutsdatum + 30'"),
])
def test_never_firing_rule_is_a_located_error(tmp_path, condition, code, marked, words) -> None:
    _, found = _read(tmp_path, condition)
    column = len("  när ") + condition.index(marked) + 1  # the rule's condition is on line 7
    assert [(d.code, d.line, d.column, d.severity.value) for d in found] == [(code, 7, column, "fel")], \
        [d.render() for d in found]
    (d,) = found
    assert d.source_line is not None
    assert d.source_line[column - 1:column - 1 + d.width].startswith(marked)  # the caret covers it
    assert words in d.message()
    assert d.message("en") != d.message()


@pytest.mark.parametrize("condition", [
    "insats = hemtjänst",
    'insats = "hemtjänst"',  # the id in quotes is the id: it matches
    "hemtjänst = insats",
    "ansökt = matdistribution",
    "insats != trygghetslarm",
    "insats i (hemtjänst, trygghetslarm)",
    "motsvarighet = personlig_assistans",
    'utfall = "avslag"',
    "utfall i (bifall, delvis_bifall)",
    "lag = LSS",
    'motivering = "Se utredning"',  # other text fields are compared with texts
    "giltig_till > uppföljning",  # dates compared with dates need no unit
    "timmar_per_månad - 10 > normal_minuter_per_månad / 60",
])
def test_correct_form_is_quiet(tmp_path, condition) -> None:
    _, found = _read(tmp_path, condition)
    assert [d.render() for d in found] == []


def test_a_wrong_kind_is_one_diagnostic(tmp_path) -> None:
    _, found = _read(tmp_path, "utfall = ja")
    assert [d.code for d in found] == ["regel.typfel"]


def test_flagged_conditions_do_not_hold_where_meant_and_the_fix_does(tmp_path) -> None:
    facts = {"insats": "hemtjänst", "ansökt": "hemtjänst",
             "giltig_från": date(2025, 7, 1), "giltig_till": date(2025, 9, 1)}
    def holds(condition: str):
        book, _ = _read(tmp_path, condition)
        (rule,) = [r for g in book.guidelines for r in g.rules if r.id == "r"]
        return interpret(rule.when, facts, symbol_value)

    assert holds('insats = "Hemtjänst"') is False
    assert holds("insats = hemtjänst") is True
    assert holds('ansökt = "Snöskottning"') is False
    facts["utfall"] = "avslag"
    assert holds('utfall = "Avslag"') is False
    assert holds("utfall = avslag") is True
    assert holds("giltig_till - giltig_från > 21") is None  # unknown on every decision: never fires
