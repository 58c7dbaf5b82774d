"""One way to say a message in two languages (``Text``), one ``Severity``, and the catalogues on them.

The Swedish words below are an independent list, written for this test: common Swedish words
that an English message has no reason to contain outside a quotation of the input.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from test_findings import (
    EXAMPLES,
    checkers,  # noqa: F401 - the session fixture of the finding examples
    findings_of,
    run,
)

from bistandsregler.checking.findings import CODES, Finding
from bistandsregler.language.diagnostics import CATALOGUE
from bistandsregler.language.errors import InputError
from bistandsregler.language.messages import Severity, Text, decimal
from bistandsregler.language.units import format_hours

# ---- Text --------------------------------------------------------------------------------------


def test_text_renders_each_language_and_fills_text_arguments_in_the_same_language():
    template = Text("{vem} saknar {vad}.", "{vem} has no {vad}.")
    args = {"vem": "Beslutet", "vad": Text("motivering", "reasons")}
    assert template.render("sv", args) == "Beslutet saknar motivering."
    assert template.render("en", args) == "Beslutet has no reasons."
    assert template.render("xx", args) == "Beslutet saknar motivering."  # any other language: Swedish
    assert template.render("en") == "{vem} has no {vad}."  # without args: the template as written
    assert Text("a{x}b", "c{x}d").render("en", {}) == "cd"  # a missing placeholder is empty


def test_text_concatenates_joins_and_fills_per_language():
    joined = Text(" eller ", " or ").join([Text("ja", "yes"), "x", Text("nej", "no")])
    assert joined == Text("ja eller x eller nej", "yes or x or no")
    assert "(" + Text("a", "b") + ")" == Text("(a)", "(b)")
    assert Text("minst {n}", "at least {n}").fill(n=3) == Text("minst 3", "at least 3")
    assert str(Text("sv", "en")) == "sv"


def test_text_is_a_value():
    assert Text("a", "b") == Text("a", "b") and hash(Text("a", "b")) == hash(Text("a", "b"))
    assert Text.same("x") == Text("x", "x")


# ---- Severity ----------------------------------------------------------------------------------


def test_decimal_writes_the_mark_of_the_language_and_nothing_else():
    assert decimal("12.5") == decimal("12.5", "sv") == "12,5"
    assert decimal("-3.25", "en") == "-3.25"
    assert decimal("40", "sv") == decimal("40", "en") == "40"
    assert (format_hours(750), format_hours(750, "en")) == ("12,5 tim", "12.5 h")


# A hand-made language branch: ``lang`` (any ``x.lang``) compared with "en"/"sv", either way round.
_HAND_BRANCH = re.compile(
    r"""\blang\s*(?:==|!=)\s*['"](?:en|sv)['"]"""
    r"""|['"](?:en|sv)['"]\s*(?:==|!=)\s*[\w.]*\blang\b"""
    r"""|\blang\s+(?:not\s+)?in\s*[([{][^)\]}]*['"](?:en|sv)['"]""")
_SRC = Path(__file__).resolve().parents[1] / "src" / "bistandsregler"
_THE_ONE_PLACE = _SRC / "language" / "messages.py"  # where Text.render picks the language


def _hand_branches(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if _HAND_BRANCH.search(line)]


def test_the_branch_scan_finds_hand_made_branches_and_leaves_text_alone():
    made_by_hand = """
    word = "error" if self.lang == "en" else "fel"
    if lang != 'en':
    en = "en" == args.lang
    if lang in ("sv", "svenska"):
    """
    assert len(_hand_branches(made_by_hand)) == 4
    assert _hand_branches("""
    word = Text("fel", "error").render(self.lang)
    return "en" if words[index + 1] == "en" else "sv"
    lang: str = "sv"
    """) == []


def test_no_module_but_messages_branches_on_the_language_by_hand():
    found = [f"{path.relative_to(_SRC)}: {line}" for path in sorted(_SRC.rglob("*.py")) if path != _THE_ONE_PLACE
             for line in _hand_branches(path.read_text(encoding="utf-8"))]
    assert found == [], "say it with Text(sv, en) and .render(lang), or decimal() for numbers"
    assert _hand_branches(_THE_ONE_PLACE.read_text(encoding="utf-8"))  # the scan does see the one real branch


def test_severity_is_one_str_enum_that_spells_as_before():
    assert [s.value for s in Severity] == ["fel", "varning", "info"]
    assert Severity.ERROR == "fel" and {"fel": 1}[Severity.ERROR] == 1 and {Severity.ERROR: 1}["fel"] == 1
    assert json.dumps({"severity": Severity.WARNING}) == '{"severity": "varning"}'
    assert f"{Severity.INFO}|{Severity.ERROR:<5}|" == "info|fel  |"
    assert sorted(Severity, key=lambda s: s.rank) == [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert [s.render("en") for s in Severity] == ["error", "warning", "info"]


def test_every_severity_in_the_catalogues_and_the_rule_model_is_the_enum():
    from bistandsregler.language import model as m

    assert all(type(entry.severity) is Severity for entry in CATALOGUE.values())
    assert all(type(code.severity) is Severity for code in CODES.values())
    pos = m.Pos(file="x", line=1, column=1)
    assert type(m.Rule(id="r", severity="fel", message="x", pos=pos).severity) is Severity


# ---- the catalogues render in both languages ---------------------------------------------------


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_diagnostic_code_renders_in_both_languages(code):
    text = CATALOGUE[code].text
    names = _placeholders(text.sv)
    assert names == _placeholders(text.en), "both languages read the same arguments"
    args = {name: Text(f"<sv:{name}>", f"<en:{name}>") for name in names}
    sv, en = text.render("sv", args), text.render("en", args)
    assert "{" not in sv and "{" not in en
    assert all(f"<sv:{n}>" in sv and f"<en:{n}>" in en and f"<sv:{n}>" not in en for n in names)
    assert sv != en


@pytest.mark.parametrize("code", list(CODES))
def test_every_finding_code_renders_in_both_languages(code):
    text = CODES[code].text
    names = _placeholders(text.sv)
    assert names == _placeholders(text.en), "both languages read the same arguments"
    args = {name: Text(f"<sv:{name}>", f"<en:{name}>") for name in names}
    finding = Finding(code, CODES[code].severity, args)
    sv, en = finding.message("sv"), finding.message("en")
    assert "{" not in sv and "{" not in en
    assert all(f"<sv:{n}>" in sv and f"<en:{n}>" in en and f"<sv:{n}>" not in en for n in names)
    assert sv != en


# ---- no Swedish in an English finding ----------------------------------------------------------

SWEDISH_WORDS = {
    "och", "eller", "inte", "ingen", "inget", "saknar", "saknas", "väntade", "förväntat", "gäller", "gällde",
    "finns", "enligt", "beslutet", "riktlinjen", "riktlinjens", "motivering", "motiveringen", "målet",
    "månader", "dagar", "veckor", "verkställt", "kunde", "tolkas", "uppgift", "okänd", "okänt", "använd",
    "ersatt", "avslag", "bifall", "kolumn", "texten", "rad", "efter", "före", "utan", "kan", "ska",
}
# A quotation of the input ('städ 2 gg/v', 'behovet bedöms inte föreligga') may be Swedish, and
# so may a name given as a plain-text argument (an insats, a guideline's title): the wording of
# a message is a Text, never a plain string.
_QUOTED = re.compile(r"'[^']*'")


def _swedish_words(text: str, names: tuple[str, ...] = ()) -> set[str]:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return {w for w in re.findall(r"[^\W\d_]+", _QUOTED.sub(" ", text).lower()) if w in SWEDISH_WORDS}


def test_the_word_list_catches_swedish():
    assert _swedish_words("Beslutet saknar motivering.") == {"beslutet", "saknar", "motivering"}
    assert _swedish_words("The goal 'leva som andra och inte ensam' is vague.") == set()


@pytest.mark.parametrize("code", list(EXAMPLES))
def test_no_swedish_words_in_the_english_message_of_a_finding(code, checkers, tmp_path):  # noqa: F811
    example = EXAMPLES[code]
    [finding] = findings_of(run(checkers[example.checker], example.fire, tmp_path), code)
    names = tuple(v for v in finding.args.values() if isinstance(v, str) and v)
    assert not _swedish_words(finding.message("en"), names), finding.message("en")
    if finding.args.get("motiverad") is None:
        justified = finding._replace(args={**finding.args, "motiverad": True})
        assert not _swedish_words(justified.message("en"), names)


# ---- InputError ---------------------------------------------------------------------------------


def test_input_error_is_located_masked_and_said_in_both_languages():
    error = InputError(Text("ogiltig rad 19121212-1212", "invalid row 19121212-1212"), "f.csv:3", line=3)
    assert error.text() == "f.csv:3: fel: ogiltig rad [personnummer]"
    assert error.text("en") == "f.csv:3: error: invalid row [personnummer]"
    assert str(error) == error.text() and isinstance(error, ValueError)
    unlocated = InputError(Text("inga tabeller", "no tables"))
    assert unlocated.text("en") == "no tables"
    import pickle

    assert pickle.loads(pickle.dumps(error)) == error


# ---- one describer of what a parser expected ------------------------------------------------------


@pytest.mark.parametrize("text", ["2 xx/v", "gånger per vecka", "var 0:e vecka", "2 gånger per", "", "2 gg 3"])
def test_frequency_errors_say_what_was_expected_in_both_languages(text):
    from bistandsregler.language.units import FrequencyError, parse_quantity

    with pytest.raises(FrequencyError) as caught:
        parse_quantity(text)
    message = caught.value.message
    assert message.sv != message.en and str(caught.value).endswith(message.sv)
    assert not _swedish_words(message.en), message.en


@pytest.mark.parametrize("text", ["4 kap. SoL", "4 kap. 1 SoL", "", "SoL 4 kap. 1 § LSS", "x" * 300])
def test_law_reference_errors_say_what_was_expected_in_both_languages(text):
    from bistandsregler.language.lagrum import LagrumError, parse_lagrum

    with pytest.raises(LagrumError) as caught:
        parse_lagrum(text)
    message = caught.value.message
    assert message.sv != message.en and str(caught.value) == message.sv
    assert not _swedish_words(message.en), message.en


def test_the_describer_names_groups_words_and_quiet_terminals_in_order():
    from bistandsregler.language.expected import Group, Vocabulary, describe, one_of

    vocabulary = Vocabulary(
        words={"B": Text("bee", "B"), "A": Text("a", "A")},
        groups=(Group(frozenset({"X", "Y"}), Text("xy", "XY")), Group(frozenset({"P", "Q"}), Text("pq", "PQ"), any=True,
                                                                    unless=frozenset({"Z"}))),
        quiet={"C": Text("c", "C")},
    )
    assert describe({"A", "B", "X", "Y", "C"}, vocabulary) == [Text("xy", "XY"), Text("bee", "B"), Text("a", "A")]
    assert describe({"X", "Q"}, vocabulary) == [Text("pq", "PQ"), Text.same("X")]  # X alone is no group
    assert describe({"Q", "Z"}, vocabulary) == [Text.same("Q"), Text.same("Z")]  # the group is not named
    assert describe({"C"}, vocabulary) == [Text("c", "C")]
    assert one_of([Text("a", "A"), Text("b", "B"), Text("c", "C")], commas=True) == Text("a, b eller c", "A, B or C")
