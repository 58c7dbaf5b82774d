"""Law references: every spelling seen in exports and guidelines, errors, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from bistandsregler.language.lagrum import (
    LagrumError,
    LawRef,
    _parser,
    parse_lagrum,
    try_parse_lagrum,
    try_parse_lagrum_prefix,
)

SOL_1 = LawRef(law="SoL", chapter=4, paragraph=1)
SOL_2A = LawRef(law="SoL", chapter=4, paragraph=2, letter="a")

SPELLINGS = [
    ("4 kap, 1§ SoL", SOL_1),
    ("4 kap. 1 § SoL", SOL_1),
    ("4 kap 1 § SoL", SOL_1),
    ("Kapitel 4 §1 SoL", SOL_1),
    ("kap. 4 § 1 SoL", SOL_1),
    ("  4\u00a0kap .  1 §   sol ", SOL_1),
    ("4 KAP. 1 § SOL.", SOL_1),
    ("SoL 4:1", SOL_1),
    ("socialtjänstlagen 4 kap. 1 §", SOL_1),
    ("4 kap. 1 § Socialtjänstlagen", SOL_1),
    ("4 kap, 2 a§ SoL", SOL_2A),
    ("4 kap. 2a § SoL", SOL_2A),
    ("4 kap. 2 A § SoL", SOL_2A),
    ("9 § 9 LSS'", LawRef(law="LSS", paragraph=9, point=9)),
    ("9 § 3 LSS", LawRef(law="LSS", paragraph=9, point=3)),
    ("9 § 10", LawRef(paragraph=9, point=10)),
    ("9 § p. 10 LSS", LawRef(law="LSS", paragraph=9, point=10)),
    ("9 § 10 p. LSS", LawRef(law="LSS", paragraph=9, point=10)),
    ("9 § punkt 10 LSS", LawRef(law="LSS", paragraph=9, point=10)),
    ("9 b § LSS", LawRef(law="LSS", paragraph=9, letter="b")),
    ("1 § LSS", LawRef(law="LSS", paragraph=1)),
    (
        "lagen om stöd och service till vissa funktionshindrade 9 §",
        LawRef(law="LSS", paragraph=9),
    ),
    (
        "9 § lagen (1993:387) om stöd och service till vissa funktionshindrade",
        LawRef(law="LSS", sfs="1993:387", paragraph=9),
    ),
    ("51 kap. 2 § SFB", LawRef(law="SFB", chapter=51, paragraph=2)),
    ("socialförsäkringsbalken 51 kap. 2 §", LawRef(law="SFB", chapter=51, paragraph=2)),
    (
        "11 kap. 1 § SoL (2025:400)",
        LawRef(law="SoL", sfs="2025:400", chapter=11, paragraph=1),
    ),
    (
        "11 kap. 5–6 §§ SoL",
        LawRef(law="SoL", chapter=11, paragraph=5, paragraph_to=6),
    ),
    ("11 kap. 5-6 § SoL", LawRef(law="SoL", chapter=11, paragraph=5, paragraph_to=6)),
    (
        "4 kap. 1 § första stycket SoL",
        LawRef(law="SoL", chapter=4, paragraph=1, stycke=1),
    ),
    ("4 kap. 1 § 1 st. SoL", LawRef(law="SoL", chapter=4, paragraph=1, stycke=1)),
    ("4 kap. 1 § femte stycket SoL", LawRef(law="SoL", chapter=4, paragraph=1, stycke=5)),
    ("4 kap. 1 § SoL (2001:453)", LawRef(law="SoL", sfs="2001:453", chapter=4, paragraph=1)),
    ("4 kap. 1 § SoL 2001:453", LawRef(law="SoL", sfs="2001:453", chapter=4, paragraph=1)),
    # The SFS number alone: the law it names is national data, filled in by the rule book
    # (tests/test_rulebook.py, test_an_sfs_number_alone_names_its_law).
    ("4 kap. 1 § (2001:453)", LawRef(sfs="2001:453", chapter=4, paragraph=1)),
    ("11 kap. 1 § (2025:400)", LawRef(sfs="2025:400", chapter=11, paragraph=1)),
    ("9 § 2 (1993:387)", LawRef(sfs="1993:387", paragraph=9, point=2)),
    ("51 kap. 3 § (2010:110)", LawRef(sfs="2010:110", chapter=51, paragraph=3)),
    # Any well-formed SFS number is read; whether it is known is the rule book's question.
    ("4 kap. 1 § SoL (2030:1234)", LawRef(law="SoL", sfs="2030:1234", chapter=4, paragraph=1)),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS, ids=[t for t, _ in SPELLINGS])
def test_spelling(text: str, expected: LawRef) -> None:
    assert parse_lagrum(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical", "key"),
    [
        ("4 kap, 1§ SoL", "4 kap. 1 § SoL", "4 kap. 1 §"),
        ("4 kap. 2a § SoL", "4 kap. 2 a § SoL", "4 kap. 2 a §"),
        ("9 § 10 p. LSS", "9 § 10 LSS", "9 §"),
        ("9 b § LSS", "9 b § LSS", "9 b §"),
        ("11 kap. 5-6 § SoL", "11 kap. 5–6 §§ SoL", "11 kap. 5–6 §§"),
        ("4 kap. 1 § 1 st. SoL", "4 kap. 1 § första stycket SoL", "4 kap. 1 §"),
        ("11 kap. 1 § SoL (2025:400)", "11 kap. 1 § SoL (2025:400)", "11 kap. 1 §"),
        ("9 § 10", "9 § 10", "9 §"),
    ],
)
def test_canonical_and_key(text: str, canonical: str, key: str) -> None:
    ref = parse_lagrum(text)
    assert ref.canonical() == canonical
    assert str(ref) == canonical
    assert ref.key() == key


def test_with_sfs() -> None:
    assert SOL_1.with_sfs("2001:453") == LawRef(law="SoL", sfs="2001:453", chapter=4, paragraph=1)
    assert LawRef(paragraph=9).with_sfs("( 1993 : 387 )").sfs == "1993:387"
    with pytest.raises(ValueError):
        SOL_1.with_sfs("1993")  # not an SFS number
    # Which law 1993:387 is, and that it is not SoL's: tests/test_rulebook.py.


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        ("", 1, "ett paragrafnummer (t.ex. '1 §')"),
        ("   ", 1, "ett paragrafnummer (t.ex. '1 §')"),
        ("4 kap. SoL", 8, "ett paragrafnummer (t.ex. '1 §')"),
        ("4 kap. 1 SoL", 10, "paragraftecknet '§'"),
        ("4 kap. 1 § SoL (1993)", 17, "ett SFS-nummer (t.ex. '(2001:453)')"),
        ("SoL 4 kap. 1 § LSS", 16, "slutet av texten"),
        ("4 kap.", 7, "ett paragrafnummer (t.ex. '1 §')"),
        ("0 § SoL", 1, "ett paragrafnummer (t.ex. '1 §')"),
    ],
)
def test_errors(text: str, column: int, expected: str) -> None:
    with pytest.raises(LagrumError) as caught:
        parse_lagrum(text)
    err = caught.value
    assert (err.text, err.column) == (text, column)
    assert expected in [e.sv for e in err.expected]
    assert "väntade" in err.message.sv and str(err) == err.message.sv
    assert "expected" in err.message.en and "väntade" not in err.message.en
    assert try_parse_lagrum(text) is None


def test_too_long() -> None:
    text = "4 kap. 1 § SoL" + " " * 200
    with pytest.raises(LagrumError, match="för lång lagrumshänvisning"):
        parse_lagrum(text)


# ---- properties ---------------------------------------------------------------------

SFS_OF = {"SoL": ["2001:453", "2025:400"], "LSS": ["1993:387"], "SFB": ["2010:110"]}


@st.composite
def law_refs(draw: st.DrawFn) -> LawRef:
    law = draw(st.sampled_from(["SoL", "LSS", "SFB", None]))
    sfs = draw(st.none() | st.sampled_from(SFS_OF[law])) if law else None
    paragraph = draw(st.integers(1, 99))
    return LawRef(
        law=law,
        sfs=sfs,
        chapter=draw(st.none() | st.integers(1, 60)),
        paragraph=paragraph,
        letter=draw(st.none() | st.sampled_from("abcde")),
        paragraph_to=draw(st.none() | st.integers(paragraph + 1, paragraph + 5)),
        stycke=draw(st.none() | st.integers(1, 12)),
        point=draw(st.none() | st.integers(1, 20)),
    )


@given(law_refs())
def test_canonical_round_trips(ref: LawRef) -> None:
    assert parse_lagrum(ref.canonical()) == ref


@given(st.text())
def test_any_text_gives_a_ref_or_a_lagrum_error(text: str) -> None:
    try:
        assert isinstance(parse_lagrum(text), LawRef)
    except LagrumError as err:
        assert 1 <= err.column <= len(text) + 1
        assert err.message


def _spaced(*spellings: str) -> st.SearchStrategy[str]:
    """One of the spellings with whitespace around it, so that tokens never run together."""
    space = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n"])
    return st.tuples(space, st.sampled_from(spellings), space).map("".join)


# The regex terminals, with lookaheads hypothesis cannot generate from, drawn by hand.
EXPLICIT = {
    "WS": st.sampled_from([" ", "\t", "\n", "\u00a0"]),
    "NUMBER": st.integers(1, 999).map(str).flatmap(_spaced),
    "CHAP_PARA": st.tuples(st.integers(1, 60), st.integers(1, 99))
    .map(lambda t: f"{t[0]}:{t[1]}")
    .flatmap(_spaced),
    "LETTER": _spaced(*"abcdefgABCDE"),
    "KAP": _spaced("kap", "kap.", "Kap.", "kapitel", "Kapitel", "KAP ."),
    "ORDINAL": _spaced("första", "Andra", "tredje", "fjärde", "femte", "tionde"),
    "ST": _spaced("st", "st.", "stycket"),
    "POINT": _spaced("p", "p.", "punkt", "pkt."),
    "SOL": _spaced("SoL", "sol", "SOL", "socialtjänstlagen", "Socialtjänstlagen"),
    "LSS": _spaced(
        "LSS",
        "lss",
        "lagen om stöd och service till vissa funktionshindrade",
        "lagen (1993:387) om stöd och service till vissa funktionshindrade",
    ),  # fmt: skip
    "SFB": _spaced("SFB", "socialförsäkringsbalken"),
    "SFS": _spaced("2001:453", "2025:400", "2001 : 453", "1993:387", "2010:110", "2030:1234"),
}


@given(from_lark(_parser(), explicit=EXPLICIT))
def test_grammar_sentences_parse(text: str) -> None:
    if len(text) > 200:  # the grammar allows it, the length limit does not
        with pytest.raises(LagrumError, match="för lång"):
            parse_lagrum(text)
        return
    ref = parse_lagrum(text)
    assert parse_lagrum(ref.canonical()) == ref


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("4 kap. 1 SoL", "Invalid law reference '4 kap. 1 SoL': unexpected 'SoL' at column 10, expected the paragraph sign '§'"),
        ("4 kap.", "Invalid law reference '4 kap.': the text ends at column 7, expected a paragraph number (e.g. '1 §')"),
        ("", "Empty law reference: expected a paragraph number (e.g. '1 §')"),
        ("4 kap. 1 § SoL" + " " * 200, "Invalid law reference: too long (214 characters, at most 200)"),
    ],
)
def test_errors_in_english(text: str, english: str) -> None:
    with pytest.raises(LagrumError) as caught:
        parse_lagrum(text)
    err = caught.value
    assert err.message.en == english
    assert err.message.sv != err.message.en  # the Swedish stays Swedish
    assert not {"väntade", "oväntat", "tar slut", "stycket'"} & set(err.message.en.split())


def test_english_error_survives_pickling() -> None:
    import pickle

    with pytest.raises(LagrumError) as caught:
        parse_lagrum("4 kap. 1 SoL")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.message, copy.expected) == (caught.value.message, caught.value.expected)
    assert copy.message.en.startswith("Invalid law reference")


def test_a_bad_law_reference_in_a_guideline_reads_english_with_lang_en() -> None:
    from bistandsregler.language.parsing import parse_text

    text = 'riktlinje x\nslut\ninsats hemtjänst "Hemtjänst"\n  lagrum "4 kap. 1 SoL"\nslut\n'
    _, diagnostics = parse_text(text, "x.riktlinje", "riktlinje")
    [bad] = [d for d in diagnostics if d.code == "varde.ogiltigt"]
    english, swedish = bad.message("en"), bad.message("sv")
    assert english.startswith("invalid law reference: Invalid law reference '4 kap. 1 SoL'")
    assert "expected the paragraph sign '§'" in english and "väntade" not in english
    assert "väntade paragraftecknet '§'" in swedish


# ---- a reference followed by other words (delegation lists) ------------------------------------


@pytest.mark.parametrize(
    ("text", "ref", "rest"),
    [
        ("9 § 9 LSS vuxna", LawRef(law="LSS", paragraph=9, point=9), "vuxna"),
        ("4 kap, 1§ SoL natt", SOL_1, "natt"),
        ("Kapitel 4 §1 SoL utökning", SOL_1, "utökning"),
        ("4 kap, 1§ SoL (omprövning)", SOL_1, "(omprövning)"),
        ("4 kap. 1 § SoL, fortsättningsbeslut", SOL_1, ", fortsättningsbeslut"),
        ("4 kap. 2 a § SoL tillfälligt", SOL_2A, "tillfälligt"),
        ("9 § 10 deltid", LawRef(paragraph=9, point=10), "deltid"),  # law left out, as written
        ("4 kap. 1 § SoL (2001:453) natt", SOL_1.with_sfs("2001:453"), "natt"),
        # The twin: a whole reference has an empty rest.
        ("4 kap. 1 § SoL", SOL_1, ""),
    ],
)
def test_prefix_is_the_longest_leading_reference(text, ref, rest) -> None:
    assert try_parse_lagrum_prefix(text) == (ref, rest)


@pytest.mark.parametrize("text", ["", "natt", "Hemtjänst 4 kap. 1 § SoL", "kap. SoL natt", "§ natt"])
def test_prefix_needs_a_reference_at_the_start(text) -> None:
    assert try_parse_lagrum_prefix(text) is None
