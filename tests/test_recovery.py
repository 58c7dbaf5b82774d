"""All the syntax errors of a file, each once and at its place, and the messages an author
met when encoding a real guideline (issue 11), each with a quiet twin that must stay quiet.

The mutations are of the shipped files: two statements damaged in two different blocks give
exactly two errors, at those two places; a block's "slut" removed in the middle of a file is
one error that names "slut", the block and its line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from conftest import errors, fuzz_settings, kind_of, parse, shipped_files
from hypothesis import given
from hypothesis import strategies as st
from lark import Token

from bistandsregler.language.diagnostics import Diagnostic
from bistandsregler.language.parsing import MAX_SYNTAX_ERRORS, parser
from bistandsregler.language.units import FrequencyError, parse_quantity
from bistandsregler.rules.loading import read

OPENERS = {"riktlinje": {"riktlinje", "lag", "insats", "aktivitet", "värde", "nivåer", "regel", "förval",
                         "delegation", "ordlista", "avgift"},
           "schablon": {"schablon", "aktivitet"}}


@cache
def statements(path: Path) -> tuple[str, str, tuple[tuple[int, Token], ...]]:
    """The file's text, its kind, and each statement's first keyword with the block it is in
    (the block's number in the file): lines inside prose hold no tokens of their own."""
    text = path.read_text(encoding="utf-8")
    kind = kind_of(path)
    tokens = list(parser(kind).parse_interactive(text).iter_parse())
    found, block, line_start = [], -1, True
    for token in tokens:
        if token.type == "_NL":
            line_start = True
            continue
        if line_start:
            word = str(token)
            if word in OPENERS[kind]:
                block += 1
            elif word != "slut" and token.type != "STRING":
                found.append((block, token))
        line_start = False
    return text, kind, tuple(found)


def damaged(text: str, tokens: list[Token], replacement: str = "qqq") -> str:
    """``text`` with each token's text replaced, the last first so the offsets hold."""
    for token in sorted(tokens, key=lambda t: t.start_pos, reverse=True):
        text = text[: token.start_pos] + replacement + text[token.end_pos :]
    return text



# The files with two blocks or more (the standard-time tables of one activity block have no
# second block to put an error in, nor a slut in the middle to remove).
SEVERAL_BLOCKS = [p for p in shipped_files() if len({block for block, _ in statements(p)[2]}) >= 2]
SEVERAL = pytest.mark.parametrize("path", SEVERAL_BLOCKS, ids=[p.name for p in SEVERAL_BLOCKS])


def test_most_shipped_files_have_several_blocks_to_damage() -> None:
    assert len(SEVERAL_BLOCKS) >= len(shipped_files()) - 4


@SEVERAL
@fuzz_settings(6)
@given(data=st.data())
def test_two_separated_errors_are_two_diagnostics_at_their_places(path: Path, data) -> None:
    text, kind, found = statements(path)
    blocks = sorted({block for block, _ in found})
    first_block, second_block = sorted(data.draw(st.sets(st.sampled_from(blocks), min_size=2, max_size=2)))
    first = data.draw(st.sampled_from([t for b, t in found if b == first_block]))
    second = data.draw(st.sampled_from([t for b, t in found if b == second_block]))
    document, diagnostics = parse(damaged(text, [first, second]), kind, path=str(path))
    assert document is None
    assert [(d.line, d.column, d.code) for d in errors(diagnostics)] == [
        (first.line, first.column, "syntax.ovantat"), (second.line, second.column, "syntax.ovantat")
    ], [d.render() for d in diagnostics]


@SEVERAL
@fuzz_settings(4)
@given(data=st.data())
def test_an_error_and_a_lexer_error_later_are_two_diagnostics(path: Path, data) -> None:
    """A character the language has no token for (the lexer stops) is recovered from too."""
    text, kind, found = statements(path)
    blocks = sorted({block for block, _ in found})
    first_block, second_block = sorted(data.draw(st.sets(st.sampled_from(blocks), min_size=2, max_size=2)))
    first = data.draw(st.sampled_from([t for b, t in found if b == first_block]))
    second = data.draw(st.sampled_from([t for b, t in found if b == second_block]))
    mutated = damaged(text, [second], "@")
    mutated = damaged(mutated, [first])
    document, diagnostics = parse(mutated, kind, path=str(path))
    assert [(d.line, d.column) for d in errors(diagnostics)] == [(first.line, first.column), (second.line, second.column)]
    assert [d.code for d in errors(diagnostics)] == ["syntax.ovantat", "syntax.tecken"]


def slut_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.split("#", 1)[0].strip() == "slut"]


def header_before(text: str, line: int) -> tuple[int, str]:
    """The block header line that the "slut" on ``line`` closes, and its first two words."""
    lines = text.split("\n")
    for number in range(line - 1, 0, -1):
        words = lines[number - 1].split("#", 1)[0].split()
        if words and words[0] in OPENERS["riktlinje"] | OPENERS["schablon"] and lines[number - 1][:1] not in " \t":
            return number, " ".join(words[:2]) if words[0] != "förval" else words[0]
    raise AssertionError("no header")


@SEVERAL
def test_a_missing_slut_in_the_middle_names_slut_and_its_block(path: Path) -> None:
    text, kind, _ = statements(path)
    sluts = slut_lines(text)
    assert len(sluts) >= 2
    for removed in sorted({sluts[0], sluts[(len(sluts) - 1) // 2]}):  # never the last: a block follows
        lines = text.split("\n")
        lines[removed - 1] = ""
        document, diagnostics = parse("\n".join(lines), kind, path=str(path))
        found = errors(diagnostics)
        assert len(found) == 1, [d.render() for d in found]
        (only,) = found
        opened, block = header_before(text, removed)
        next_block = next(n for n in range(removed + 1, len(lines) + 1)
                          if lines[n - 1].split(" ")[0] in OPENERS[kind])
        assert (only.code, only.line, only.column) == ("syntax.slut_fore", next_block, 1)
        message = only.message()
        assert "'slut' saknas" in message and f"'{block}'" in message and f"rad {opened}" in message
        assert "väntade" not in message  # not the list of every statement
        assert f"line {opened}" in only.message("en")


def test_a_missing_slut_at_the_end_still_says_the_file_ends_inside_the_block() -> None:
    document, diagnostics = parse('regel a\n  då fel "x"\nslut\nregel b\n  då fel "y"\n')
    assert [(d.code, d.line) for d in errors(diagnostics)] == [("syntax.slut_saknas", 4)]


def test_an_indented_block_word_among_statements_is_a_damaged_statement_not_a_new_block() -> None:
    """'slag x' damaged into 'lag x' inside an insats: one error, on that line, no cascade."""
    text = 'insats a\n  lag x\n  kallas "A"\nslut\ninsats b\n  kallas "B"\nslut\n'
    document, diagnostics = parse(text)
    assert [(d.code, d.line) for d in errors(diagnostics)] == [("syntax.ovantat", 2)]


def test_a_block_word_inside_prose_is_not_a_block() -> None:
    text = 'insats a\n  qqq\n  text """\ninsats i prosan\n"""\nslut\ninsats b\n  qqq\nslut\n'
    assert [d.line for d in errors(parse(text)[1])] == [2, 8]


def test_a_clean_file_has_no_recovery_diagnostics() -> None:
    """The quiet twin: nothing to recover from, nothing said."""
    document, diagnostics = parse('regel a\n  då fel "x"\nslut\n\nregel b\n  då fel "y"\nslut\n')
    assert document is not None and diagnostics == []


def test_many_errors_stop_with_a_note_where_reading_stopped() -> None:
    text = "".join(f"regel r{i}\n  qqq\nslut\n" for i in range(MAX_SYNTAX_ERRORS + 5))
    document, diagnostics = parse(text)
    assert len(errors(diagnostics)) == MAX_SYNTAX_ERRORS
    assert diagnostics[-1].code == "syntax.fler_fel" and diagnostics[-1].line == 3 * MAX_SYNTAX_ERRORS + 1


def test_validate_shows_every_syntax_error_of_a_file(tmp_path: Path) -> None:
    source = (shipped_files()[0].parent.parent / "botkyrka" / "botkyrka-2025.riktlinje")
    text = source.read_text(encoding="utf-8")
    _, _, found = statements(source)
    first, last = found[3][1], found[-3][1]
    broken = tmp_path / "b.riktlinje"
    broken.write_text(damaged(text, [first, last]), encoding="utf-8")
    book = read([broken])
    located = [(d.path, d.line, d.column) for d in errors(book.diagnostics)]
    assert located == [(str(broken), first.line, first.column), (str(broken), last.line, last.column)]


# ---- the messages the author met ------------------------------------------------------------


def test_varje_tredje_vecka_is_every_third_week() -> None:
    assert parse_quantity("varje tredje vecka") == parse_quantity("var tredje vecka")
    assert parse_quantity("en gång varje tredje vecka") == parse_quantity("1 gång var 3:e vecka")
    assert parse_quantity("varje tredje vecka").every == 3


def test_varje_vecka_is_still_every_week() -> None:
    """The quiet twin: 'varje' without an ordinal keeps its meaning."""
    assert parse_quantity("varje vecka").every == 1
    assert parse_quantity("varje vecka") == parse_quantity("1 gång per vecka")


def test_two_weeks_every_other_week_is_told_that_weeks_are_a_period() -> None:
    with pytest.raises(FrequencyError) as caught:
        parse_quantity("två veckor varannan vecka")
    error = caught.value
    assert error.column == 5
    message = error.message.render("sv")
    assert message.startswith("'veckor' är en period, inte en enhet")
    assert "'2 gånger varannan vecka'" in message
    assert "'min'" in message and "eller en period (t.ex." not in message  # not the list of units
    assert "is a period, not a unit" in error.message.render("en")


def test_a_unit_after_a_number_is_not_told_about_periods() -> None:
    """The quiet twin: a count with its unit reads; a wrong unit word gets the general message."""
    assert parse_quantity("två gånger varannan vecka").every == 2
    with pytest.raises(FrequencyError) as caught:
        parse_quantity("två stycken varannan vecka")
    assert "är en period" not in caught.value.message.render("sv")


def guideline_validity(written: str):
    document, diagnostics = parse(f"riktlinje x\n  gäller {written}\nslut\n")
    assert document is not None and not errors(diagnostics), [d.render() for d in diagnostics]
    return document.meta.validity


def test_till_och_med_reads_as_the_last_day_included() -> None:
    assert guideline_validity("från 2025-01-01 till och med 2025-12-31") == guideline_validity(
        "från 2025-01-01 till 2025-12-31")
    assert guideline_validity("till och med 2025-12-31") == guideline_validity("till 2025-12-31")
    assert guideline_validity("från 2025-01-01 till och med 2025-12-31").covers(
        guideline_validity("till 2025-12-31").valid_until)
    assert guideline_validity("från 2025-01-01 tills vidare").valid_until is None


def test_till_och_without_med_is_an_error_naming_med() -> None:
    document, diagnostics = parse("riktlinje x\n  gäller från 2025-01-01 till och 2025-12-31\nslut\n")
    (only,) = errors(diagnostics)
    assert only.code == "syntax.ovantat" and "väntade 'med'" in only.message()


def activity_diagnostics(tmp_path: Path, *norms: str) -> list[Diagnostic]:
    path = tmp_path / "a.riktlinje"
    lines = "".join(f'  norm {name} normalt "1 gg/v"\n' for name in norms)
    path.write_text(f'riktlinje t\n  gäller från 2025-01-01\nslut\ninsats i "I"\n  lagrum "4 kap. 1 § SoL"\n{lines}slut\n',
                    encoding="utf-8")
    return [d for d in read([path]).diagnostics if d.path == str(path)]


def test_an_unknown_activity_gets_the_likely_one_and_how_to_define_one(tmp_path: Path) -> None:
    found = activity_diagnostics(tmp_path, "dushc", "stadning", "helt_okand_sak")
    assert [(d.code, d.line) for d in found] == [("namn.okant", 6), ("namn.okant", 7), ("namn.okant", 8)]
    dushc, stadning, unknown = (d.message() for d in found)
    assert "(menade du 'dusch'?)" in dushc
    assert "(menade du 'städning'?)" in stadning
    assert "menade du" not in unknown
    for message in (dushc, stadning, unknown):
        assert "en egen aktivitet definieras med ett block i riktlinjen: aktivitet" in message
    assert 'aktivitet helt_okand_sak "Namn" … slut' in unknown
    assert "define one of your own" in found[0].message("en")


def test_a_known_activity_is_not_reported(tmp_path: Path) -> None:
    """The quiet twin."""
    assert activity_diagnostics(tmp_path, "dusch", "städning") == []
