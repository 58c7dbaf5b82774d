"""Shared helpers for the language tests: the shipped files, position-free comparison of rule
objects, and a hypothesis strategy that writes valid guideline and standard-time files.

The strategy assembles files from statement templates (one per statement of the language) and
lays them out untidily on purpose: random indentation, runs of spaces and tabs between tokens,
no space around parentheses and commas, blank lines holding whitespace, comment lines, trailing
comments, triple-quoted prose spanning lines, CRLF line endings, and text holding characters
that Python (but not the language) treats as line breaks (form feed, U+2028, U+0085).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from bistandsregler.language.parsing import KINDS, parse_text

# No per-example deadline anywhere: a shared or loaded machine (CI, several test runs at
# once) makes an example slow without making it wrong. Tests that set their own settings
# inherit this unless they say otherwise.
settings.register_profile("bistandsregler", deadline=None)
settings.load_profile("bistandsregler")

REPO = Path(__file__).resolve().parents[1]

# The disk caches (language/caching.py) of a test run are its own, in a folder that starts
# empty: never the user's cache, and every worker process and CLI subprocess shares it.
if "BISTANDSREGLER_TEST_CACHE" not in os.environ:
    os.environ["BISTANDSREGLER_TEST_CACHE"] = tempfile.mkdtemp(prefix="bistandsregler-cache-")
    atexit.register(shutil.rmtree, os.environ["BISTANDSREGLER_TEST_CACHE"], True)
os.environ["XDG_CACHE_HOME"] = os.environ["BISTANDSREGLER_TEST_CACHE"]
# The documentation generator (tools/docgen) reads the finding examples the tests run, and
# tests/test_docs.py checks its pages; tools/ is not a package, so it goes on the path.
sys.path.insert(0, str(REPO / "tools"))


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch):
    """Text output as for a file: not wrapped, not coloured, whatever runs the tests
    (pytest-xdist's workers set COLUMNS=80). Tests of the terminal conventions set them."""
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


GUIDELINES = REPO / "guidelines"
GRAMMAR = REPO / "grammar"


def shipped_files() -> list[Path]:
    """Every guideline and standard-time file shipped in guidelines/, found anew on each run."""
    return sorted(p for p in GUIDELINES.rglob("*") if p.suffix in KINDS and p.is_file())


def shipped_ids() -> list[str]:
    return [str(p.relative_to(GUIDELINES)) for p in shipped_files()]


def kind_of(path: Path | str) -> str:
    return KINDS[Path(path).suffix]


def parse(text: str, kind: str = "riktlinje", path: str | None = None):
    """parse_text with a default path that matches the kind."""
    return parse_text(text, path or f"test.{kind}", kind)


def strip_positions(value):
    """A model dump without source positions ('pos', 'positions'), recursively."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: strip_positions(v) for k, v in value.items() if k not in ("pos", "positions")}
    if isinstance(value, list):
        return [strip_positions(v) for v in value]
    return value


def errors(diagnostics) -> list:
    return [d for d in diagnostics if d.severity.value == "fel"]


# ---- the keywords of the languages (a generated name must not be one) -----------------------


def grammar_keywords() -> frozenset[str]:
    words: set[str] = set()
    for name in ("riktlinje.lark", "schablon.lark", "gemensam.lark"):
        words.update(re.findall(r'"([^\W\d]+)"', (GRAMMAR / name).read_text(encoding="utf-8")))
    return frozenset(words)


KEYWORDS = grammar_keywords()

# ---- building blocks ---------------------------------------------------------------------------

# Characters Python's str.splitlines() breaks lines at, but the language does not.
ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

names = st.one_of(
    st.sampled_from(["hemtjänst", "städning", "tvätt", "inköp", "x", "a_b", "Ålder2", "café", "ωmega", "nivå_ett"]),
    st.from_regex(r"[a-zåäö_][a-zåäö0-9_]{0,8}", fullmatch=True),
).filter(lambda n: n not in KEYWORDS)

_string_chars = st.one_of(
    st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs",)),
    st.sampled_from(list(ODD_BREAKS) + ["#", "\t", "”", "§", "'"]),
)
_string_body = st.lists(st.one_of(_string_chars, st.sampled_from(['\\"', "\\\\"])), max_size=12).map("".join)
texts = _string_body.map(lambda s: f'"{s}"')

AMOUNTS = [
    "1 gång var tredje vecka", "upp till 2 gånger per vecka", "högst 15 timmar per månad", "2 gg/v",
    "1gg/3:e v", "varannan vecka", "var 14:e dag", "sju besök per dag", "20 tim/v", "40 minuter",
    "3 timmar per år", "2 tim och 15 min per vecka", "45 min per tillfälle", "ingen frekvens alls",
]
LAWREFS = [
    "4 kap. 1 § SoL", "4 kap, 1§ SoL", "Kapitel 4 §1 SoL", "11 kap. 1 § SoL (2025:400)", "9 § 10 LSS",
    "9 b § LSS", "4 kap, 2 a§ SoL", "9 § 10", "inget lagrum",
]
PARAGRAPHS = ["11 kap. 1 §", "9 b §", "9 §", "4 kap. 2 a §", "1 kap. 1 §"]
amounts = st.sampled_from(AMOUNTS).map(lambda s: f'"{s}"')
lawrefs = st.sampled_from(LAWREFS).map(lambda s: f'"{s}"')
paragraphs = st.sampled_from(PARAGRAPHS).map(lambda s: f'"{s}"')
dates = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)).map(lambda d: d.isoformat()),
    st.just("2025-02-30"),
)
numbers = st.one_of(st.integers(0, 200).map(str), st.sampled_from(["1,5", "2.25", "0", "007"]))
units = st.sampled_from(["dag", "dagar", "dygn", "vecka", "veckor", "månad", "månader", "år"])
counts = st.integers(1, 36).map(str)

_prose_line = st.tuples(
    st.sampled_from(["", " ", "    ", "\t"]),
    st.text(st.characters(blacklist_characters='"\n\r', blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(["", " ", "  ", "\t", "\x0c"]),
).map("".join)
# One token spanning lines: """first line<NL>more lines<NL>   """ (or closed on the last line).
prose_blocks = st.tuples(
    _prose_line, st.lists(_prose_line, max_size=3), st.sampled_from(["\n", "\n  ", ""])
).map(lambda t: '"""' + t[0] + "".join("\n" + line for line in t[1]) + t[2] + '"""')


def _cat(*parts):
    """Tuples of token lists and single tokens, flattened into one token list."""
    return st.tuples(*parts).map(lambda ts: [x for t in ts for x in (t if isinstance(t, list) else [t])])


def _opt(strategy, empty=()):
    return st.one_of(st.just(list(empty)), strategy.map(lambda x: x if isinstance(x, list) else [x]))


def _list(strategy, max_size=3):
    return st.lists(strategy, min_size=1, max_size=max_size).map(
        lambda xs: [t for i, x in enumerate(xs) for t in ([","] if i else []) + (x if isinstance(x, list) else [x])]
    )


validity = st.one_of(
    _cat(st.just("från"), dates),
    _cat(st.just("från"), dates, st.just("till"), dates),
    st.just(["från", "2020-01-01", "till", "tills", "vidare"]),
    _cat(st.just("till"), dates),
    st.just(["till", "tills", "vidare"]),
)

# ---- conditions --------------------------------------------------------------------------------

FIELD_NAMES = ["ålder", "insats", "timmar_per_månad", "utfall", "giltig_till", "personkrets", "hemtjänst"]
_leaf = st.one_of(
    st.sampled_from(FIELD_NAMES).map(lambda f: [f]),
    numbers.map(lambda n: [n]),
    dates.map(lambda d: [d]),
    texts.map(lambda s: [s]),
    names.map(lambda n: ["värde", n]),
)
exprs = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        _cat(inner, st.sampled_from(["+", "-", "*", "/"]), inner),
        inner.map(lambda t: ["(", *t, ")"]),
    ),
    max_leaves=4,
)
_atoms = st.one_of(
    _cat(exprs, st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "≤", "≥", "≠"]), exprs),
    _cat(exprs, st.just("i"), st.just("("), _list(exprs), st.just(")")),
    _cat(exprs, st.sampled_from(["finns", "saknas"])),
)
conditions = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        _cat(inner, st.sampled_from(["och", "eller"]), inner),
        inner.map(lambda t: ["inte", *t]),
        inner.map(lambda t: ["(", *t, ")"]),
    ),
    max_leaves=6,
)

# ---- statements (token lists) ---------------------------------------------------------------------

documented = [
    _cat(st.just("avsnitt"), texts),
    _cat(st.just("källa"), texts),
    _cat(st.just("text"), texts),
    _cat(st.just("text"), prose_blocks),
]
sourced = documented[1:]  # headers and laws take no "avsnitt"
requirements = [
    st.just(["kräver", "mål"]),
    _cat(st.just(["kräver", "motivering", "vid"]), _list(st.sampled_from(["bifall", "delvis_bifall", "avslag"]))),
    _cat(st.just(["tidsbegränsning", "högst"]), counts, units),
    st.just(["tidsbegränsning", "tills", "vidare"]),
    _cat(st.just(["uppföljning", "inom"]), counts, units),
    _cat(st.just(["genomförandeplan", "inom"]), counts, units, st.just("från"), names),
    _cat(st.just(["verkställighet", "inom"]), counts, units),
    _cat(st.just("tolerans"), numbers, st.just("%")),
]
age_values = st.one_of(counts.map(lambda n: [n]), counts.map(lambda n: [n, "år"]), names.map(lambda n: ["värde", n]))
age_ranges = st.one_of(
    _cat(age_values, st.sampled_from(["–", "-", "till"]), age_values),
    _cat(st.sampled_from(["under", "över", "fyllda", "från"]), age_values),
    _cat(age_values, st.sampled_from(["och", "eller"]), st.sampled_from(["äldre", "yngre"])),
)
MONEY = ["415 kr per timme", "2 642,08 kr per månad", "58 800 kr", "89 kronor/dygn", "kr per timme", "415 kr per fortnight"]
shares = _cat(st.just("andel"), numbers, _opt(_cat(st.just("/"), numbers)), st.just(["av", "värde"]), names)
money = st.one_of(st.sampled_from(MONEY).map(lambda s: [f'"{s}"']), _cat(st.just("värde"), names), shares)
bounds = st.one_of(
    _cat(st.just("normalt"), amounts, _opt(_cat(st.just("högst"), amounts))),
    _cat(st.just("högst"), amounts),
    st.just([]),
)

STATEMENTS = {
    "riktlinje": [
        _cat(st.just("titel"), texts), _cat(st.just("kommun"), texts), _cat(st.just("nämnd"), texts),
        _cat(st.just("diarienummer"), texts), _cat(st.just("antagen"), dates),
        _cat(st.just("gäller"), validity), _cat(st.just("ersätter"), texts),
        _cat(st.just(["bygger", "på"]), names), *sourced,
    ],
    "lag": [
        _cat(st.just("förkortning"), names), _cat(st.just("sfs"), texts), _cat(st.just("gäller"), validity),
        _cat(st.just("förteckning"), st.sampled_from(["fullständig", "ofullständig"])),
        _cat(st.just("paragraf"), paragraphs, _opt(texts), _opt(validity),
             _opt(_cat(st.just("ersätter"), _list(lawrefs)))),
        *sourced,
    ],
    "insats": [
        _cat(st.just("lagrum"), lawrefs, _opt(validity)), _cat(st.just("kallas"), _list(texts)),
        _cat(st.just(["målgrupp", "ålder"]), age_ranges),
        _cat(st.just(["målgrupp", "personkrets"]), _list(st.sampled_from(["1", "2", "3"]))),
        _cat(st.just(["målgrupp", "boende"]), _list(names)),
        _cat(st.just("motsvarighet"), names), _cat(st.just("huvudman"), names),
        _cat(st.just("förenklad"), st.sampled_from(["tillåten", "utesluten"])),
        _cat(st.just("schablon"), _list(names)), _cat(st.just("slag"), names), _cat(st.just("norm"), names, bounds, _opt(_cat(st.just("avsnitt"), texts))),
        _cat(st.just("omfattning"), bounds), _cat(st.just(["vistelse", "högst"]), counts, units),
        _cat(st.just("växelvård"), counts, units, st.just(["hemma", ","]), counts, units, st.just("på"), names),
        *requirements, *documented,
    ],
    "aktivitet": [_cat(st.just("kategori"), names), _cat(st.just("kallas"), _list(texts)), *documented],
    "värde": [
        _cat(st.one_of(numbers, texts, shares), _opt(validity)), _cat(st.just("enhet"), texts),
        _cat(st.just("enhet"), st.sampled_from(MONEY).map(lambda s: f'"{s}"')),
        _cat(st.just("lagrum"), lawrefs), *documented,
    ],
    "nivåer": [
        _cat(st.just("mått"), names), _cat(st.just("steg"), numbers),
        _cat(st.just("nivå"), st.one_of(numbers, names), st.just("från"), numbers,
             _opt(_cat(st.just("till"), numbers)), _opt(texts)),
        *documented,
    ],
    "regel": [
        _cat(st.just("kod"), st.sampled_from(["omfattning.gransvarde", "a.b.c", "ålder_x.gräns"])),
        _cat(st.just("när"), conditions),
        _cat(st.just("då"), st.sampled_from(["fel", "varning", "info"]), texts),
        _cat(st.just("engelska"), texts), _cat(st.just("fält"), names), _cat(st.just("lagrum"), lawrefs),
        *documented,
    ],
    "förval": [*requirements, *documented],
    "ordlista": [
        _cat(texts, _opt(_cat(st.just("betyder"), texts)), _opt(_cat(st.just("källa"), texts))), *documented,
    ],
    "avgift": [
        _cat(st.just("insats"), _list(names)), _cat(st.just("timtaxa"), money),
        _cat(st.just("högst"), money, _opt(_cat(st.just(["vid", "nivå"]), st.one_of(numbers, names)))),
        _cat(st.just("nivåer"), names), *documented,
    ],
    "delegation": [
        _cat(st.just("beslutar"), _list(names)), _cat(st.just("efter"), counts, units), *documented,
    ],
    "schablon": [
        _cat(st.just("titel"), texts), _cat(st.just("kommun"), texts),
        _cat(st.just("slag"), st.sampled_from(["bedömning", "ersättning"])),
        _cat(st.just("gäller"), validity), st.just(["odaterad"]), *sourced,
    ],
    "schablon_aktivitet": [
        _cat(st.just("motsvarar"), names),
        _cat(st.just("tid"), amounts, _opt(st.one_of(
            _cat(st.just("om"), names, st.lists(_cat(st.just("och"), names), max_size=2).map(
                lambda xs: [t for x in xs for t in x])),
            st.just(["annars"]),
        ))),
        _cat(st.just("normalt"), amounts), _cat(st.just("högst"), amounts),
        st.just(["delas", "i", "hushållet"]), _cat(st.just(["ingår", "i"]), _list(names)),
        st.just(["beviljas", "i", "timmar"]), st.just(["ingen", "tid"]), *documented,
    ],
}

BLOCKS = {
    "riktlinje": ["riktlinje", "lag", "insats", "aktivitet", "värde", "nivåer", "regel", "förval", "delegation", "ordlista", "avgift"],
    "schablon": ["schablon", "schablon_aktivitet"],
}

# ---- layout -------------------------------------------------------------------------------------

_PUNCT = {"(", ")", ","}
_indents = st.sampled_from(["", " ", "  ", "    ", "\t", " \t", "      "])
_comment_text = st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=15)
_comments = st.one_of(_comment_text, st.just(' med """ i sig')).map(lambda s: "#" + s)


@st.composite
def _line(draw, tokens: list[str]) -> str:
    out = draw(_indents)
    for i, token in enumerate(tokens):
        if i:
            loose = token in _PUNCT or tokens[i - 1] in _PUNCT
            out += draw(st.sampled_from(["", " ", "  ", "\t"] if loose else [" ", "  ", "\t", " \t "]))
        out += token
    prose_open = tokens and tokens[-1].startswith('"""') and "\n" in tokens[-1]
    if not prose_open and draw(st.integers(0, 4)) == 0:
        out += draw(st.sampled_from([" ", "  ", "\t"])) + draw(_comments)
    elif draw(st.integers(0, 4)) == 0:
        out += draw(st.sampled_from([" ", "\t"]))  # trailing whitespace
    return out


@st.composite
def _gap(draw) -> list[str]:
    """Nothing, blank lines (perhaps holding whitespace) or comment lines."""
    return draw(st.lists(st.one_of(st.sampled_from(["", "  ", "\t"]),
                                   st.tuples(_indents, _comments).map("".join)), max_size=2))


@st.composite
def guideline_files(draw, kind: str | None = None) -> tuple[str, str]:
    """(text, kind) of a file that follows the grammar, laid out untidily."""
    kind = kind or draw(st.sampled_from(["riktlinje", "schablon"]))
    lines: list[str] = draw(_gap())
    for block in draw(st.lists(st.sampled_from(BLOCKS[kind]), max_size=4)):
        keyword = "aktivitet" if block == "schablon_aktivitet" else block
        header = [keyword] if block == "förval" else [keyword, draw(names), *draw(_opt(texts))]
        lines.append(draw(_line(header)))
        for statement in draw(st.lists(st.one_of(STATEMENTS[block]), max_size=5)):
            lines.extend(draw(_gap()))
            lines.append(draw(_line(statement)))
        lines.extend(draw(_gap()))
        lines.append(draw(_line(["slut"])))
        lines.extend(draw(_gap()))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    return text.replace("\n", newline), kind


def fuzz_settings(examples: int, **extra):
    """Hypothesis settings for the property tests: derandomized so that CI is stable.

    ``BISTANDSREGLER_FUZZ=N`` multiplies the examples by N and draws them at random, to
    hunt for new failures locally.
    """
    from hypothesis import HealthCheck, settings

    factor = int(os.environ.get("BISTANDSREGLER_FUZZ", "0"))
    return settings(
        max_examples=examples * max(1, factor),
        deadline=None,
        derandomize=factor == 0,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        **extra,
    )


# A real browser for the pages the project writes (visa, the audit report): Debian's
# Chromium driven by Playwright, which downloads nothing. The README's test command installs
# Chromium where apt-get exists; without one the browser tests skip and say why.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def _chromium_path() -> str | None:
    import shutil

    return os.environ.get("BISTANDSREGLER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module; pages opened from it get no network beyond file:// and loopback."""
    executable = _chromium_path()
    if executable is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium, or set BISTANDSREGLER_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
