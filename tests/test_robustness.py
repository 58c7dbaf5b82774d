"""Never a traceback: whatever text comes in, parsing ends in rule objects or in the library's
own diagnostics, located near the damage.

(a) strings generated from the grammars themselves (hypothesis' lark extra);
(b) random unicode;
(c) mutations of every shipped file: a token deleted, a keyword misspelled, a date made
    impossible, a quote removed, a 'slut' removed, a line duplicated;
(d) deep nesting; (e) very large files; (f) unreadable files and unknown file types.

All hypothesis tests are derandomized (stable in CI); ``BISTANDSREGLER_FUZZ=N`` draws N times
as many examples at random to hunt locally (see conftest.fuzz_settings).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from conftest import (
    amounts,
    dates,
    errors,
    fuzz_settings,
    guideline_files,
    kind_of,
    lawrefs,
    names,
    numbers,
    paragraphs,
    parse,
    prose_blocks,
    shipped_files,
    shipped_ids,
    strip_positions,
    texts,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Token, UnexpectedInput

from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import CATALOGUE, Diagnostic, Severity
from bistandsregler.language.parsing import MAX_DEPTH, MAX_FILE_BYTES, parser
from bistandsregler.rules.loading import read
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.rules.validation import validate

KINDS = ["riktlinje", "schablon"]


def assert_well_formed(text: str, document, diagnostics: list[Diagnostic]) -> None:
    """The contract of parse_text on any input."""
    if document is None:
        assert errors(diagnostics), "no document, so there must be an error saying why"
    lines = text.replace("\r\n", "\n").split("\n")
    for d in diagnostics:
        assert d.code in CATALOGUE
        assert 1 <= d.line <= len(lines), d
        assert d.column >= 1, d
        if d.source_line is not None:
            assert d.source_line == lines[d.line - 1], "the line shown is the line reported"
            assert d.column <= len(d.source_line) + 1, d
        for lang in ("sv", "en"):
            head = d.render(lang).split("\n")[0]
            assert head.startswith(f"{d.path}:{d.line}:{d.column}: ")
            assert d.to_json(lang)["code"] == d.code


@cache
def national_layer() -> tuple:
    folder = shipped_files()[0].parents[1] / "nationell"
    return tuple(parse(p.read_text(encoding="utf-8"), "riktlinje", str(p))[0] for p in sorted(folder.glob("*.riktlinje")))


def assert_checks_run(text: str, document, path: str) -> None:
    """The meaning checks, over the national layer and this document, end in diagnostics too."""
    if document is None:
        return
    book = RuleBook(sources={path: text.replace("\r\n", "\n").split("\n")})
    for other in [d for d in national_layer() if d is not None and d.path != path] + [document]:
        (book.guidelines if isinstance(other, m.Guideline) else book.tables).append(other)
    for d in validate(book):
        assert d.code in CATALOGUE and d.line >= 1 and d.column >= 1, d
        d.render()
        d.render("en")


# ---- (a) strings from the grammars ------------------------------------------------------------


def _spaced(strategy):
    return strategy.map(lambda s: f" {s} ")


@cache
def grammar_strategy(kind: str):
    """Sentences of the grammar, with realistic values for the regex terminals.

    Every terminal is drawn with a space on each side (the language ignores spaces and tabs),
    so that two words never run together; comments are left to _NL, where they may stand.
    """
    lark = parser(kind)
    explicit = {
        "NAME": _spaced(names),
        "DATE": _spaced(dates),
        "NUMBER": _spaced(numbers),
        "STRING": _spaced(st.one_of(texts, amounts, lawrefs, paragraphs)),
        "TEXTBLOCK": _spaced(prose_blocks),
        "COMMENT": st.just(" "),
        "WS_INLINE": st.sampled_from([" ", "\t"]),
        "_NL": st.sampled_from(["\n", "\n  ", "\n\n", "  # kommentar\n", "\n# kommentar\n\t"]),
    }
    explicit["CODE"] = _spaced(st.sampled_from(["omfattning.gransvarde", "riktlinje.x_1", "a.b.c"]))
    explicit["COMP"] = _spaced(st.sampled_from(["<=", ">=", "!=", "≤", "≥", "≠", "<", ">", "="]))
    present = {t.name for t in lark.terminals}
    explicit = {name: strategy for name, strategy in explicit.items() if name in present}
    for terminal in lark.terminals:
        if terminal.name in explicit:
            continue
        if terminal.pattern.type == "str":
            explicit[terminal.name] = st.just(f" {terminal.pattern.value} ")
        else:  # word alternatives such as SEVERITY, UNIT, KIND
            explicit[terminal.name] = _spaced(st.from_regex(terminal.pattern.to_regexp(), fullmatch=True))
    return from_lark(lark, explicit=explicit)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@fuzz_settings(150)
@given(data=st.data())
def test_grammar_sentences_parse(kind: str, data) -> None:
    text = data.draw(grammar_strategy(kind), label="text")
    document, diagnostics = parse(text, kind)
    assert_well_formed(text, document, diagnostics)
    # A sentence of the grammar is never a syntax error (only nesting deeper than the limit is refused);
    # the values in it may still be wrong (an impossible date, an unknown frequency).
    syntax = [d for d in diagnostics if d.code.startswith("syntax.") and d.code != "syntax.for_djup"]
    assert not syntax, [d.render() for d in syntax]
    assert document is not None or [d.code for d in diagnostics] == ["syntax.for_djup"]
    if document is not None:
        assert type(document).model_validate_json(document.model_dump_json()) == document
    assert_checks_run(text, document, f"test.{kind}")


@pytest.mark.slow
@fuzz_settings(150)
@given(guideline_files())
def test_generated_files_parse_and_check(file) -> None:
    text, kind = file
    document, diagnostics = parse(text, kind)
    assert_well_formed(text, document, diagnostics)
    assert document is not None
    assert_checks_run(text, document, f"test.{kind}")


# ---- (b) random text -------------------------------------------------------------------------------

# Fragments of the language, so that random text gets past the first token now and then.
_FRAGMENTS = [
    "riktlinje ", "insats ", "regel ", "värde ", "nivåer ", "schablon ", "aktivitet ", "slut", "\n", "\n  ",
    "när ", "då ", "fel ", "gäller ", "från ", "till ", "2025-07-01", "2025-02-30", " 65 ", '"', '"""', "#",
    "(", ")", " och ", " eller ", " inte ", "=", "<", "x", "ålder", " tid ", '"40 minuter"', '"4 kap. 1 § SoL"',
    "lagrum ", "målgrupp ", "malgrupp ", "giller ", "virde ", "\r\n", "\t", "\x0c", "\u2028", "\x00",
]


@pytest.mark.parametrize("kind", KINDS)
@fuzz_settings(300)
@given(text=st.one_of(st.text(), st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3))).map("".join)))
def test_random_text_gives_diagnostics_never_an_exception(kind: str, text: str) -> None:
    document, diagnostics = parse(text, kind)
    assert_well_formed(text, document, diagnostics)
    assert_checks_run(text, document, f"test.{kind}")


def test_lone_surrogates_and_nul() -> None:
    for text in ["\ud800", 'riktlinje x "\udcff"\nslut\n', "\x00" * 10, "riktlinje x\x00\nslut\n"]:
        for kind in KINDS:
            document, diagnostics = parse(text, kind)
            assert_well_formed(text, document, diagnostics)


# ---- (c) mutations of every shipped file ------------------------------------------------------------


@cache
def lexed(path: Path) -> tuple[str, str, tuple[Token, ...]]:
    """The file's text, kind and every token the parser reads (keywords too), in order."""
    text = path.read_text(encoding="utf-8")
    kind = kind_of(path)
    source = text if text.endswith("\n") else text + "\n"
    tokens = tuple(parser(kind).parse_interactive(source).iter_parse())
    return text, kind, tokens


@cache
def keyword_types(kind: str) -> frozenset[str]:
    return frozenset(
        t.name for t in parser(kind).terminals if t.pattern.type == "str" and t.pattern.value.isalpha()
    )


def next_code_line(tokens, line: int) -> int | None:
    """The first line after ``line`` holding something other than blanks and comments."""
    later = [t.line for t in tokens if t.line > line and t.type != "_NL"]
    return min(later) if later else None


def mutate(path: Path, start: int, end: int, replacement: str = "") -> tuple[str, object, list[Diagnostic]]:
    text, kind, _ = lexed(path)
    mutated = text[:start] + replacement + text[end:]
    document, diagnostics = parse(mutated, kind, path=str(path))
    assert_well_formed(mutated, document, diagnostics)
    assert_checks_run(mutated, document, str(path))
    return mutated, document, diagnostics


def grammar_rejects(text: str, kind: str) -> bool:
    """The oracle for "the input is broken": the bare LALR parser, without the error recovery,
    the OCR repair or the diagnostics of ``parse_text``, refuses the text."""
    source = text.replace("\r\n", "\n")
    try:
        parser(kind).parse(source if source.endswith("\n") else source + "\n")
    except UnexpectedInput:
        return True
    return False


def assert_located(document, diagnostics, allowed: set[int], what: str, broken: bool) -> None:
    """Every error on one of the allowed lines; and where the input is ``broken`` (the grammar
    refuses it), at least one there: an error, or the warning that OCR damage was repaired.
    A model with no errors is accepted only for input the grammar accepts."""
    found = errors(diagnostics)
    if document is None:
        assert found
    assert all(d.line in allowed for d in found), (
        f"{what}: errors on lines {[d.line for d in found]}, expected {sorted(allowed)}: "
        + "\n".join(d.render() for d in found)
    )
    if broken:
        said = [d for d in diagnostics if d.line in allowed and (d in found or d.code == "syntax.ocr_tolkat")]
        assert said, f"{what}: the grammar refuses the text, but no error says so on lines {sorted(allowed)}"


SHIPPED = pytest.mark.parametrize("path", shipped_files(), ids=shipped_ids())
MUTATIONS = fuzz_settings(12)


@SHIPPED
def test_shipped_file_parses_cleanly(path: Path) -> None:
    """The starting point of the mutations: no syntax or value errors as shipped."""
    text, kind, tokens = lexed(path)
    document, diagnostics = parse(text, kind, path=str(path))
    assert document is not None and not errors(diagnostics), [d.render() for d in diagnostics]
    assert tokens


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_token_deleted(path: Path, data) -> None:
    # Rule: the error is on the token's line, or on the next line with code when the deleted
    # token left a line that is complete but empty (a block's only word, like "förval").
    _, _, tokens = lexed(path)
    candidates = [t for t in tokens if t.type not in ("_NL", "TEXTBLOCK", "SLUT")]
    token = data.draw(st.sampled_from(candidates), label="token")
    mutated, document, diagnostics = mutate(path, token.start_pos, token.end_pos)
    assert_located(document, diagnostics, {token.line, next_code_line(tokens, token.line)},
                   f"deleted {token!r} at {token.line}:{token.column}", grammar_rejects(mutated, kind_of(path)))


def _misspell(word: str, how: int, letter: str) -> str:
    i = how % max(1, len(word))
    variants = [
        word[:i] + word[i + 1 :],  # a letter dropped
        word[:i] + letter + word[i:],  # a letter added
        word[:i] + letter + word[i + 1 :],  # a letter replaced
        word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],  # two letters swapped
    ]
    return variants[how % 4]


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_keyword_misspelled(path: Path, data) -> None:
    # Rule: a model (the misspelling is OCR damage the parser recovers, or another keyword that
    # fits), or an error on the keyword's own line.
    _, kind, tokens = lexed(path)
    candidates = [t for t in tokens if t.type in keyword_types(kind)]
    token = data.draw(st.sampled_from(candidates), label="keyword")
    how = data.draw(st.integers(0, 40), label="how")
    letter = data.draw(st.sampled_from("aeiklnrstxåäö"), label="letter")
    wrong = _misspell(str(token), how, letter)
    if wrong == str(token):
        wrong = str(token) + "x"
    mutated, document, diagnostics = mutate(path, token.start_pos, token.end_pos, wrong)
    assert_located(document, diagnostics, {token.line}, f"{token!r} -> {wrong!r} on line {token.line}",
                   grammar_rejects(mutated, kind))
    if document is not None:
        assert all(d.line == token.line for d in diagnostics if d.code == "syntax.ocr_tolkat")


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_date_made_impossible(path: Path, data) -> None:
    # Rule: the file still parses, and the date itself is marked, nothing else.
    _, _, tokens = lexed(path)
    candidates = [t for t in tokens if t.type == "DATE"]
    if not candidates:
        return  # a file without dates has nothing to damage here
    token = data.draw(st.sampled_from(candidates), label="date")
    impossible = data.draw(st.sampled_from(["02-30", "02-31", "04-31", "13-01", "00-10", "12-32"]), label="day")
    _, document, diagnostics = mutate(path, token.start_pos, token.end_pos, str(token)[:5] + impossible)
    assert document is not None
    assert [(d.code, d.line, d.column) for d in errors(diagnostics)] == [("varde.ogiltigt", token.line, token.column)]


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_quote_removed(path: Path, data) -> None:
    # Rule: an error on the string's line (a string never spans lines). Triple-quoted prose is
    # left out: an unclosed \"\"\" legitimately runs on to the next \"\"\" in the file, as in Python.
    _, _, tokens = lexed(path)
    candidates = [t for t in tokens if t.type == "STRING"]
    if not candidates:
        return
    token = data.draw(st.sampled_from(candidates), label="string")
    at = token.start_pos if data.draw(st.booleans(), label="opening") else token.end_pos - 1
    mutated, document, diagnostics = mutate(path, at, at + 1)
    # A string never spans lines: without one of its quotes the line is always broken.
    assert grammar_rejects(mutated, kind_of(path))
    assert_located(document, diagnostics, {token.line}, f"quote removed from {token!r} on line {token.line}", True)


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_slut_removed(path: Path, data) -> None:
    # Rule: the block runs on into the next block, whose first line is then where its 'slut'
    # was due: 'syntax.slut_fore' on the next line with code, and nothing else (reading goes
    # on there). When the last block loses its 'slut', the file ends inside it:
    # 'syntax.slut_saknas' on the line that opened that block.
    text, _, tokens = lexed(path)
    ends = [t for t in tokens if t.type == "SLUT"]
    token = data.draw(st.sampled_from(ends), label="slut")
    line_start = text.rfind("\n", 0, token.start_pos) + 1
    line_end = text.find("\n", token.start_pos)
    line_end = len(text) if line_end == -1 else line_end + 1
    _, document, diagnostics = mutate(path, line_start, line_end)
    assert document is None
    (d,) = diagnostics
    following = next_code_line(tokens, token.line)
    if following is not None:
        assert (d.code, d.line) == ("syntax.slut_fore", following - 1), d.render()
    else:
        openers = [t for t in tokens if t.line < token.line and t.column == 1 and t.type != "_NL"]
        assert (d.code, d.line) == ("syntax.slut_saknas", openers[-1].line), d.render()


@SHIPPED
@MUTATIONS
@given(data=st.data())
def test_line_duplicated(path: Path, data) -> None:
    # Rule: a model (a statement said twice, a comment, a line of prose), or an error on the
    # line or its copy, or on the next line with code (a block opened twice, like "förval").
    text, _, tokens = lexed(path)
    lines = text.split("\n")
    number = data.draw(st.integers(1, max(1, len(lines) - 1)), label="line")
    start = sum(len(line) + 1 for line in lines[: number - 1])
    copy = lines[number - 1] + "\n"
    mutated, document, diagnostics = mutate(path, start, start, copy)
    after = next_code_line(tokens, number)
    allowed = {number, number + 1} | ({after + 1} if after else set())
    assert_located(document, diagnostics, allowed, f"line {number} duplicated: {copy!r}",
                   grammar_rejects(mutated, kind_of(path)))


# ---- (d) deep nesting ----------------------------------------------------------------------------


def rule_text(condition: str) -> str:
    return f'regel r "R"\n  när {condition}\n  då fel "x"\nslut\n'


@pytest.mark.slow
@pytest.mark.parametrize(
    "condition",
    [
        "inte " * 10_000 + "ålder > 1",
        "inte (" * 10_000 + "ålder > 1" + ")" * 10_000,
        "".join(f"(ålder > {i} {'och' if i % 2 else 'eller'} " for i in range(10_000)) + "ålder > 0" + ")" * 10_000,
        "ålder > " + "(1 + " * 10_000 + "1" + ")" * 10_000,
        "ålder > " + " + ".join(["1"] * 10_000),
    ],
    ids=["inte", "inte-parens", "och-eller-parens", "plus-parens", "plus-chain"],
)
def test_deep_nesting_is_refused_with_a_message(condition: str) -> None:
    text = rule_text(condition)
    document, diagnostics = parse(text)
    assert document is None
    (d,) = diagnostics
    assert (d.code, d.line) == ("syntax.for_djup", 2)
    assert f"mer än {MAX_DEPTH} nivåer" in d.message()
    assert_well_formed(text, document, diagnostics)


@pytest.mark.slow
def test_grouping_parentheses_and_long_chains_are_not_nesting() -> None:
    # 10,000 parentheses around one comparison group nothing: the same as none at all.
    plain, _ = parse(rule_text("ålder > 1"))
    wrapped, diagnostics = parse(rule_text("(" * 10_000 + "ålder > 1" + ")" * 10_000))
    assert not diagnostics
    assert strip_positions(wrapped.rules[0].when) == strip_positions(plain.rules[0].when)
    # A chain of 5,000 alternatives, or of conditions that must all hold, is flat, not deep.
    chain, diagnostics = parse(rule_text(" eller ".join(f"ålder = {i}" for i in range(5_000))))
    assert not diagnostics and len(chain.rules[0].when.items) == 5_000
    nested_and, diagnostics = parse(rule_text("(ålder > 1 och " * 5_000 + "ålder > 0" + ")" * 5_000))
    assert not diagnostics and len(nested_and.rules[0].when.items) == 5_001


def test_nesting_just_below_the_limit_is_accepted() -> None:
    document, diagnostics = parse(rule_text("inte " * (MAX_DEPTH - 10) + "ålder > 1"))
    assert document is not None and not diagnostics


# ---- (e) very large files --------------------------------------------------------------------------


def test_very_large_file_is_refused_with_a_message(tmp_path) -> None:
    block = 'insats x "X"\n  lagrum "4 kap. 1 § SoL"\nslut\n'
    text = block * (6_000_000 // len(block.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) > 6_000_000
    document, diagnostics = parse(text)
    assert document is None
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("fil.for_stor", 1, 1)]
    assert str(MAX_FILE_BYTES) in diagnostics[0].message()
    path = tmp_path / "stor.riktlinje"
    path.write_text(text, encoding="utf-8")
    book = read([path], national=False)
    assert [d.code for d in book.diagnostics] == ["fil.for_stor"] and book.guidelines == []


@pytest.mark.slow
def test_thousand_rule_guideline_parses_and_validates(tmp_path) -> None:
    parts = ['riktlinje stor "Stor"\n  kommun "K"\n  gäller från 2025-07-01\nslut\n',
             "värde gräns\n  65 till 2022-12-31\n  66 från 2023-01-01\nslut\n",
             'aktivitet städning "Städning"\nslut\n']
    for i in range(1_000):
        parts.append(
            f'regel r{i} "Regel {i}"\n'
            f"  kod riktlinje.r{i}\n"
            f"  när insats = hemtjänst_{i % 50} och (timmar_per_månad > {i} eller ålder >= värde gräns)"
            f" och inte utfall i (avslag)\n"
            f'  då varning "Regel {i}"\n'
            f'  engelska "Rule {i}"\n'
            "slut\n"
        )
    for i in range(50):
        parts.append(f'insats hemtjänst_{i}\n  lagrum "9 § 3 LSS"\n  norm städning normalt "varannan vecka"\nslut\n')
    path = tmp_path / "stor.riktlinje"
    path.write_text("\n".join(parts), encoding="utf-8")
    book = read([path])
    assert not errors(book.diagnostics), [d.render() for d in errors(book.diagnostics)][:5]
    (guideline,) = [g for g in book.guidelines if g.path == str(path)]
    assert len(guideline.rules) == 1_000 and len(guideline.insatser) == 50
    assert not errors(validate(book))


# ---- (f) unreadable files and unknown types ----------------------------------------------------------


def test_folder_with_binary_file_and_other_files(tmp_path) -> None:
    (tmp_path / "bra.riktlinje").write_text('riktlinje bra\n  kommun "K"\nslut\n', encoding="utf-8")
    (tmp_path / "binär.riktlinje").write_bytes(bytes(range(256)))
    (tmp_path / "latin1.schablon").write_bytes("schablon s\n  kommun \"Malmö\"\nslut\n".encode("latin-1"))
    (tmp_path / "README.md").write_text("Riktlinjerna i den här mappen.", encoding="utf-8")
    (tmp_path / "mapp.riktlinje").mkdir()  # a folder with a guideline's name is no file
    (tmp_path / "bruten.riktlinje").symlink_to(tmp_path / "finns-inte")
    book = read([tmp_path], national=False)
    found = sorted((Path(d.path).name, d.code) for d in book.diagnostics)
    # In a folder only .riktlinje and .schablon files are read: README.md is not a guideline.
    # Bytes that are no text cannot be read; a Latin-1 file is named as being in another encoding.
    assert found == [("binär.riktlinje", "fil.oläslig"), ("latin1.schablon", "fil.teckenkodning")]
    assert [g.meta.id for g in book.guidelines] == ["bra"]
    for d in book.diagnostics:  # the encoding's error is located at the first byte that does not decode
        assert (d.line, d.column, d.severity) == ((2, 15) if d.code == "fil.teckenkodning" else (1, 1)) + (Severity.ERROR,)
        assert "UTF-8" in d.message() or "utf-8" in d.message()


def test_named_files_of_unknown_type_or_missing(tmp_path) -> None:
    notes = tmp_path / "anteckningar.txt"
    notes.write_text("riktlinje x\nslut\n", encoding="utf-8")
    no_suffix = tmp_path / "riktlinje"
    no_suffix.write_text("riktlinje x\nslut\n", encoding="utf-8")
    missing = tmp_path / "saknas.schablon"
    broken_link = tmp_path / "bruten.riktlinje"
    broken_link.symlink_to(tmp_path / "finns-inte")
    book = read([notes, no_suffix, missing, broken_link], national=False)
    found = [(Path(d.path).name, d.code, d.args.get("suffix")) for d in book.diagnostics]
    assert found == [
        ("anteckningar.txt", "fil.okand_typ", ".txt"),
        ("riktlinje", "fil.okand_typ", "riktlinje"),
        ("saknas.schablon", "fil.oläslig", None),
        ("bruten.riktlinje", "fil.oläslig", None),
    ]
    rendered = [d.render() for d in book.diagnostics]
    assert rendered[0] == f"{notes}:1:1: fel[fil.okand_typ]: okänd filtyp '.txt'; väntade .riktlinje eller .schablon"
    assert all("Traceback" not in r for r in rendered)


def test_empty_and_whitespace_files(tmp_path) -> None:
    for name, content in [("tom.riktlinje", ""), ("blank.schablon", "\n \n\t\n"), ("bom.riktlinje", "\ufeffriktlinje x\nslut\n")]:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        book = read([path], national=False)
        for d in book.diagnostics:
            assert d.code in CATALOGUE and d.line >= 1


# ---- (g) damaged decision files through the command line ------------------------------------------------
#
# The corpus of damaged files, written in tmp_path: each case a file, the exit code it must
# give and what its output must say; and a correct twin of each, which must stay quiet.

GOOD = {"id": "b1", "decided_on": "2024-03-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL",
        "outcome": "bifall", "scope": {"hours_per_month": 10}}


def _jsonl(*records) -> bytes:
    import json

    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records).encode()


def _with(**changes) -> dict:
    out = {**GOOD}
    for key, value in changes.items():
        if "__" in key:
            outer, inner = key.split("__")
            out[outer] = {**out.get(outer, {}), inner: value}
        else:
            out[key] = value
    return out


# (name, file name, content, exit code, what the output says, records in)
HOSTILE_FILES = [
    ("json-5000-digits", "beslut.json", b'{"id": "a", "scope": {"hours_per_month": ' + b"9" * 5000 + b"}}",
     1, "scope.hours_per_month: väntade ett ändligt tal", 1),
    ("jsonl-1e400-infinity-nan", "beslut.jsonl",
     b'{"id": "a", "scope": {"hours_per_month": 1e400}}\n{"id": "b", "scope": {"hours_per_month": Infinity}}\n'
     b'{"id": "c", "scope": {"hours_per_month": NaN}}\n', 1, "väntade ett ändligt tal", 3),
    ("csv-400-digit-hours", "beslut.csv", b"id,scope.hours_per_month\na," + b"9" * 400 + b"\n", 1,
     "scope.hours_per_month: väntade ett ändligt tal", 1),
    ("hours-over-a-month", "beslut.jsonl", _jsonl(_with(scope__hours_per_month=745)), 1, "får vara högst 744", 1),
    ("dated-9999", "beslut.jsonl", _jsonl(_with(decided_on="9999-12-31", valid_from="9999-12-31",
                                                executed_on="9999-12-31", follow_up_on="9999-12-31")), None, "b1", 1),
    ("dated-0001", "beslut.jsonl", _jsonl(_with(decided_on="0001-01-01", valid_until="0001-01-01",
                                                follow_up_on="0001-01-01")), None, "b1", 1),
    ("yaml-nul-at-start", "beslut.yaml", b"id: \x00a\n", 1, "ett tecken som YAML inte tillåter", 1),
    ("csv-of-nul-bytes", "beslut.csv", b"\x00" * 100, 1, "ingen textfil", 1),
    ("csv-utf16", "beslut.csv", "id,insats\nb1,Hemtjänst\n".encode("utf-16"), 1, "--encoding utf-16", 1),
    ("csv-cr-line-endings", "beslut.csv", b"id,insats\rA,Hemtj\xc3\xa4nst\rB,Hemtj\xc3\xa4nst\rC,x\rD,y\rE,z\r",
     None, "5 beslut in, 5 resultat ut", 5),
    ("csv-headerless", "beslut.csv", b"19391231-4312,Anna Andersson,Hemtj\xc3\xa4nst\n"
     b"19391231-4313,Bo Ek,Hemtj\xc3\xa4nst\n", 1, "rad 1 är ingen rubrikrad", 1),
    ("id-forging-a-summary-line", "beslut.jsonl", _jsonl(_with(id="x\n\x1b[32m0 beslut in, 0 resultat ut\x1b[0m")),
     None, "x\\x0a\\x1b[32m0 beslut in", 1),
    ("personnummer-with-a-space", "beslut.jsonl", _jsonl(_with(person__birth_year="19391231 4312"),
                                                         {**GOOD, "19391231 4312": "Anna"}), 1, "(okänt fält)", 2),
    ("personnummer-as-insats", "beslut.jsonl", _jsonl(_with(insats="391231+4312 Anna")), None, "[personnummer]", 1),
    ("reason-of-300k-chars", "beslut.jsonl", _jsonl(_with(justification="ord " * 75_000)), 1,
     "justification: är för lång (högst 250000 tecken)", 1),
]


def _evaluate(tmp_path, capsys, name: str, content: bytes, *options: str) -> tuple[int, str, str]:
    from bistandsregler.cli.main import main

    path = tmp_path / name
    path.write_bytes(content)
    code = main(["evaluate", str(path), *options])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("case", "name", "content", "code", "says", "records"), HOSTILE_FILES,
                         ids=[c[0] for c in HOSTILE_FILES])
def test_a_damaged_decision_file_gives_a_named_result_for_every_record(tmp_path, capsys, case, name, content, code,
                                                                         says, records):
    exit_code, out, err = _evaluate(tmp_path, capsys, name, content, "--visa-info")  # every result shown
    assert "internt fel" not in err and "Traceback" not in err, err
    if code is not None:
        assert exit_code == code, (exit_code, out, err)
    else:
        assert exit_code in (0, 1)
    assert says in out, out
    assert f"{records} beslut in, {records} resultat ut" in out, out
    for secret in ("19391231", "4312", "Anna Andersson", "\x1b[32m"):
        assert secret not in out + err, f"{case}: {secret!r} shown"
    # every line of the text output is the tool's own: none starts with what the input wrote
    assert not any(line.startswith("\x1b") or line.startswith("0 beslut in") for line in out.split("\n"))


def test_the_correct_twin_of_the_damaged_files_is_quiet(tmp_path, capsys):
    for name, content in [("beslut.jsonl", _jsonl(GOOD)), ("beslut.csv", b"id,insats,scope.hours_per_month\r\n"
                                                           b"b1,Hemtj\xc3\xa4nst,10\r\n"), ("beslut.yaml", b"id: b1\n")]:
        exit_code, out, err = _evaluate(tmp_path, capsys, name, content)
        assert exit_code == 0 and "indata.ogiltig" not in out and err == "", (name, out, err)
        assert "1 beslut in, 1 resultat ut" in out


def test_an_unknown_encoding_is_a_usage_error(tmp_path, capsys):
    exit_code, out, err = _evaluate(tmp_path, capsys, "beslut.jsonl", _jsonl(GOOD), "--encoding", "ingen-sådan")
    assert exit_code == 2 and "okänd teckenkodning 'ingen-sådan'" in err and out == ""
    twin = _jsonl(GOOD).decode("utf-8").encode("cp1252")  # the twin: a known encoding, the file in it
    assert _evaluate(tmp_path, capsys, "beslut.jsonl", twin, "--encoding", "cp1252")[0] == 0


def test_a_full_disk_is_a_clear_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "beslut.jsonl"
    path.write_bytes(_jsonl(*[_with(id=f"b{i}") for i in range(2000)]))
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "bistandsregler", "evaluate", str(path)], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode == 1 and "kan inte skriva utdata" in run.stderr and "Traceback" not in run.stderr, run.stderr
    with open(os.devnull, "w") as nothing:  # the twin: the same run with room to write
        assert subprocess.run([sys.executable, "-m", "bistandsregler", "evaluate", str(path)], stdout=nothing,
                              timeout=120).returncode == 0
