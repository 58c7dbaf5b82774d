"""Free text is read once: the quantities found in a text are remembered, and a word that no
quantity can start with is never handed to the parser. Both must give exactly what asking
the parser at every word gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark.lexer import PatternRE

from bistandsregler.language import units

PIECES = ["2", "14:e", "3:e", "1,5", "gg/v", "ggr", "gång", "gånger", "per", "i", "veckan", "vecka", "v", "v.",
          "var", "varje", "varannan", "tredje", "en", "ett", "två", "sju", "x2", "x", "högst", "upp", "till", "minst",
          "c:a", "ca", "cirka", "dagligen", "min", "tim", "och", "dag", "mån", "år", "besök", "dusch", "städ",
          "Enkel", "vart", "enda", "Varannan", "HÖGST", "max.", "/", ",", ".", ";", "x 3", "12", "tolv"]
SEPARATORS = [" ", " ", "  ", "", ", ", "\n", "/", ". "]

pieces = st.lists(st.tuples(st.sampled_from(PIECES) | st.text(max_size=4), st.sampled_from(SEPARATORS)), max_size=14)
texts = pieces.map(lambda parts: "".join(word + sep for word, sep in parts))


def _explicit() -> dict:
    """Strategies for the grammar's regex terminals (hypothesis cannot draw ``\\b``), each
    with space around it, as tests/test_units.py draws the grammar's sentences."""
    explicit = {}
    for terminal in units._parser().terminals:
        if isinstance(terminal.pattern, PatternRE) and terminal.name != "WS":
            regex = terminal.pattern.to_regexp().replace(r"\b", "")
            explicit[terminal.name] = st.from_regex(regex, fullmatch=True).map(lambda word: f" {word} ")
    return explicit


def _every_word_asked(text: str) -> tuple:
    """The reading with the parser asked at every word, nothing remembered."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(units, "_can_start", lambda: re.compile(""))
        return units._read_quantities(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_the_fast_path_finds_what_the_parser_finds(text: str) -> None:
    assert units._quantities(text) == _every_word_asked(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=6), from_lark(units._parser(), explicit=_explicit()), st.text(max_size=6))
def test_quantities_of_the_grammar_are_found_inside_text(before: str, quantity: str, after: str) -> None:
    text = f"{before} {quantity} {after}"
    assert units._quantities(text) == _every_word_asked(text)


def test_the_first_words_come_from_the_grammar() -> None:
    start = units._can_start()
    for word in ("2", "x3", "varannan", "Var", "högst", "upp till", "c:a", "dagligen", "sju"):
        assert start.match(word), word
    for word in ("dusch", "vart", "enda", "xylofon", "ingen", "per"):
        assert not start.match(word), word


def test_remembered_and_fresh_readings_agree_and_long_texts_are_not_kept() -> None:
    short = "dusch 2 gg/v och städ var tredje vecka"
    assert units.find_activities(short) == units.find_activities(short)
    assert units._quantities(short) == units._read_quantities(short)
    units._remembered_quantities.cache_clear()
    long = ("den enskilde behöver stöd " * 60) + "dusch 2 gg/v"
    assert len(long) > units.MEMO_LENGTH
    assert units.split_activity(long)[1] == units.parse_quantity("2 gg/v")
    assert units._remembered_quantities.cache_info().currsize == 0
