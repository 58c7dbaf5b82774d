"""`bistandsregler fmt`: the canonical layout is a fixed point and never changes what a file means.

Properties, over every shipped file and over generated files laid out untidily (see
``conftest.guideline_files``):
- formatting twice gives what formatting once gave (idempotence);
- the formatted file parses to the same rule objects, positions aside (meaning);
- the formatted file is in canonical layout (margins, indentation, blank lines, one newline).
"""

from __future__ import annotations

import pytest
from conftest import (
    fuzz_settings,
    guideline_files,
    kind_of,
    parse,
    shipped_files,
    shipped_ids,
    strip_positions,
)
from hypothesis import given
from lark import Token

from bistandsregler.cli.main import main
from bistandsregler.language.formatting import format_text
from bistandsregler.language.parsing import parser


def meaning(text: str, kind: str):
    document, diagnostics = parse(text, kind, path=f"x.{kind}")
    assert document is not None, [d.render() for d in diagnostics]
    return strip_positions(document)


def prose_lines(text: str, kind: str) -> set[int]:
    """Line numbers inside triple-quoted prose (after the opening line), which fmt keeps as written."""
    tree = parser(kind).parse(text if text.endswith("\n") else text + "\n")
    inside: set[int] = set()
    for token in tree.scan_values(lambda v: isinstance(v, Token) and v.type.endswith("TEXTBLOCK")):
        inside.update(range(token.line + 1, token.end_line + 1))
    return inside


def assert_canonical(formatted: str, kind: str) -> None:
    if formatted == "\n":
        return  # an empty file
    assert formatted.endswith("\n") and not formatted.endswith("\n\n")
    assert "\r" not in formatted
    lines = formatted.split("\n")[:-1]
    prose = prose_lines(formatted, kind)
    if lines:
        assert lines[0] != "", "no blank line at the top"
    for number, line in enumerate(lines, start=1):
        if number in prose:
            continue
        assert line == line.rstrip(), f"trailing whitespace on line {number}: {line!r}"
        if line:
            indent = len(line) - len(line.lstrip(" "))
            assert indent in (0, 2) and not line[indent].isspace(), f"line {number} badly indented: {line!r}"
        else:
            assert lines[number - 2] != "", f"two blank lines before line {number}"


def check_properties(text: str, kind: str) -> str:
    once, diagnostics = format_text(text, kind)
    assert once is not None, [d.render() for d in diagnostics]
    twice, _ = format_text(once, kind)
    assert twice == once, "formatting twice changed the file"
    assert meaning(once, kind) == meaning(text, kind), "formatting changed the rule objects"
    assert_canonical(once, kind)
    return once


# ---- shipped files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
def test_shipped_file_formats_to_a_fixed_point_with_the_same_meaning(path) -> None:
    check_properties(path.read_text(encoding="utf-8"), kind_of(path))


def test_there_are_shipped_files_of_both_kinds() -> None:
    suffixes = {p.suffix for p in shipped_files()}
    assert suffixes == {".riktlinje", ".schablon"}


# ---- generated files ---------------------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings(300)
@given(guideline_files())
def test_generated_file_formats_to_a_fixed_point_with_the_same_meaning(file) -> None:
    text, kind = file
    document, diagnostics = parse(text, kind)
    syntax = [d for d in diagnostics if d.code.startswith("syntax.") and d.code != "syntax.ocr_tolkat"]
    assert document is not None and not syntax, "the generator wrote a file outside the grammar: " + str(
        [d.render() for d in diagnostics]
    )
    check_properties(text, kind)


def test_prose_and_strings_are_kept_exactly() -> None:
    text = (
        'riktlinje  t   "Titel  med  mellanrum"\n'
        '  text   """Första raden (2001:453)  med  luft\n'
        "     indragen rad\t\n"
        '  sista"""\n'
        '  text """på  en  rad"""\n'
        '  källa "a,b ( c )  #inte kommentar"  # kommentar\n'
        "slut\n"
    )
    formatted = check_properties(text, "riktlinje")
    assert '"""Första raden (2001:453)  med  luft\n     indragen rad' in formatted
    assert '"""på  en  rad"""' in formatted
    assert '"a,b ( c )  #inte kommentar"' in formatted


def test_layout_is_normalised() -> None:
    text = (
        "\n\n# inledning\n"
        'riktlinje t\n   kommun    "X"\n\n\n\tgäller från 2025-01-01 till tills vidare  \n   slut\n'
        "regel r\n när ålder>=65 och(insats i(hemtjänst,  trygghetslarm))\n då varning \"v\"\nslut"
    )
    formatted = check_properties(text, "riktlinje")
    assert formatted == (
        "# inledning\n"
        "riktlinje t\n"
        '  kommun "X"\n'
        "\n"
        "  gäller från 2025-01-01 till tills vidare\n"
        "slut\n"
        "\n"
        "regel r\n"
        "  när ålder >= 65 och (insats i (hemtjänst, trygghetslarm))\n"
        '  då varning "v"\n'
        "slut\n"
    )


def test_crlf_and_odd_line_breaks_are_handled() -> None:
    text = 'riktlinje t\r\n  # sida 1\x0csida 2\r\n  kommun "a\u2028b"\r\n  text """rad 1\r\n  rad 2"""\r\nslut\r\n'
    formatted = check_properties(text, "riktlinje")
    assert "\r" not in formatted and "# sida 1\x0csida 2" in formatted and '"a\u2028b"' in formatted


def test_comment_holding_triple_quotes_does_not_start_prose() -> None:
    text = 'regel r\n  # en kommentar med """ i\n     när ålder > 1\n     då fel "x"\nslut\n'
    formatted = check_properties(text, "riktlinje")
    assert '\n  när ålder > 1\n  då fel "x"\n' in formatted


def test_ocr_damaged_keywords_are_written_back_correctly() -> None:
    text = 'riktlinje t\n  giller från 2025-01-01\nslut\nvirde v\n  65\nslut\ninsats i\n  malgrupp ålder 65 och äldre\nslut\n'
    formatted = check_properties(text, "riktlinje")
    assert "gäller från" in formatted and "värde v" in formatted and "målgrupp ålder" in formatted
    _, diagnostics = parse(formatted)
    assert not [d for d in diagnostics if d.code == "syntax.ocr_tolkat"]


def test_a_file_with_a_syntax_error_is_not_formatted() -> None:
    formatted, diagnostics = format_text('riktlinje t\n  komun "X"\nslut\n', "riktlinje")
    assert formatted is None
    assert [(d.code, d.line) for d in diagnostics] == [("syntax.ovantat", 2)]


def test_empty_file() -> None:
    assert format_text("", "riktlinje")[0] == "\n"
    assert format_text("\n\n  \n", "schablon")[0] == "\n"


# ---- the command ---------------------------------------------------------------------------------

UGLY = 'riktlinje   t\n kommun   "X"\nslut\ninsats  a\n    lagrum "4 kap. 1 § SoL"\nslut\n'
PRETTY = 'riktlinje t\n  kommun "X"\nslut\n\ninsats a\n  lagrum "4 kap. 1 § SoL"\nslut\n'


def test_fmt_check_exit_codes(tmp_path, capsys) -> None:
    ugly = tmp_path / "ful.riktlinje"
    pretty = tmp_path / "fin.riktlinje"
    ugly.write_text(UGLY, encoding="utf-8")
    pretty.write_text(PRETTY, encoding="utf-8")

    assert main(["fmt", "--check", str(pretty)]) == 0
    assert main(["fmt", "--check", str(ugly)]) == 1
    assert "ful.riktlinje: skulle formateras om" in capsys.readouterr().out
    assert ugly.read_text(encoding="utf-8") == UGLY, "--check must not write"
    assert main(["fmt", "--check", "--lang", "en", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "ful.riktlinje: would be reformatted" in out and "fin.riktlinje" not in out


def test_fmt_writes_files(tmp_path, capsys) -> None:
    ugly = tmp_path / "a" / "ful.riktlinje"
    ugly.parent.mkdir()
    ugly.write_text(UGLY, encoding="utf-8")
    table = tmp_path / "a" / "t.schablon"
    table.write_text('schablon s\n    odaterad\nslut\naktivitet dusch\n tid "40 minuter"\nslut\n', encoding="utf-8")
    notes = tmp_path / "a" / "anteckningar.txt"
    notes.write_text("  ska   inte röras\n", encoding="utf-8")

    assert main(["fmt", str(tmp_path)]) == 0
    assert ugly.read_text(encoding="utf-8") == PRETTY
    assert table.read_text(encoding="utf-8") == (
        'schablon s\n  odaterad\nslut\n\naktivitet dusch\n  tid "40 minuter"\nslut\n'
    )
    assert notes.read_text(encoding="utf-8") == "  ska   inte röras\n"
    assert "formaterad" in capsys.readouterr().out
    assert main(["fmt", "--check", str(tmp_path)]) == 0


def test_fmt_refuses_a_file_with_errors(tmp_path, capsys) -> None:
    broken = tmp_path / "trasig.riktlinje"
    broken.write_text('riktlinje t\n  komun "X"\nslut\n', encoding="utf-8")
    assert main(["fmt", str(broken)]) == 1
    assert main(["fmt", "--check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:2:3: fel[syntax.ovantat]" in err
    assert broken.read_text(encoding="utf-8") == 'riktlinje t\n  komun "X"\nslut\n'


def test_fmt_reports_an_unreadable_file(tmp_path, capsys) -> None:
    binary = tmp_path / "binär.schablon"
    binary.write_bytes(b"\xff\xfe\x00trasig")
    assert main(["fmt", str(binary)]) == 1
    assert "kan inte läsas" in capsys.readouterr().err
