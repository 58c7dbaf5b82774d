"""The disk caches never serve a stale result: keyed by content and the engine's version, a
corrupt entry ignored and rewritten, an unwritable folder no error, and off when asked.

The in-process tests count the parser's calls to tell a hit from a miss; the command-line
tests run ``bistandsregler validate`` as a user would, cold processes one after another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUIDELINES

from bistandsregler.language import caching
from bistandsregler.rules import reading
from bistandsregler.rules.loading import diagnose

RULE = 'riktlinje t\n  gäller från 2025-01-01\nslut\nregel r\n  kod t.r\n  när ålder > {age}\n  då fel "x"\nslut\n'


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(caching.ENV, raising=False)
    reading._PARSED.clear()  # the in-memory cache would hide the disk
    yield home
    reading._PARSED.clear()


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The paths the parser was actually run on (a miss), in order."""
    calls: list[str] = []
    real = reading.parse_text

    def counted(text: str, path: str, kind: str):
        calls.append(path)
        return real(text, path, kind)

    monkeypatch.setattr(reading, "parse_text", counted)
    return calls


def parsed_once(path: Path):
    reading._PARSED.clear()
    book = reading.parse_files([path], national=False)
    return book.guidelines[0]


def test_a_second_process_reads_the_parsed_file_from_disk(tmp_path: Path, cache_home: Path, parses) -> None:
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    first = parsed_once(path)
    assert parses == [str(path)]
    assert list((cache_home / "bistandsregler").rglob("parsed/*.pickle"))
    assert parsed_once(path) == first
    assert parses == [str(path)], "served from the disk cache, not parsed again"


def test_changed_content_of_the_same_size_is_a_new_result(tmp_path: Path, cache_home: Path, parses) -> None:
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    stat = path.stat()
    before = parsed_once(path)
    path.write_text(RULE.format(age=67), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the bytes differ
    after = parsed_once(path)
    assert len(parses) == 2
    assert before.rules[0].when != after.rules[0].when
    assert after.rules[0].when.right.value == 67


def test_another_engine_version_is_a_miss(tmp_path: Path, cache_home: Path, parses, monkeypatch) -> None:
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    parsed_once(path)
    monkeypatch.setattr(caching, "__version__", "999.0")
    caching.fingerprint.cache_clear()
    try:
        parsed_once(path)
        assert len(parses) == 2
        assert (cache_home / "bistandsregler" / "999.0" / "parsed").is_dir()
    finally:
        caching.fingerprint.cache_clear()


def test_changed_engine_code_is_a_miss(tmp_path: Path, cache_home: Path, parses, monkeypatch) -> None:
    """A source checkout keeps its version number while its code changes: the fingerprint
    hashes the code of the language and rules layers and the grammars."""
    fingerprint = caching.fingerprint()
    grammar = tmp_path / "grammar"
    grammar.mkdir()
    for source in (Path(caching.__file__).parents[3] / "grammar").glob("*.lark"):
        (grammar / source.name).write_bytes(source.read_bytes())
    from bistandsregler.language import resources

    monkeypatch.setattr(resources, "grammar_dir", lambda: grammar)
    caching.fingerprint.cache_clear()
    try:
        assert caching.fingerprint() == fingerprint, "the same grammars elsewhere: the same engine"
        frekvens = grammar / "frekvens.lark"
        frekvens.write_text(frekvens.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
        caching.fingerprint.cache_clear()
        assert caching.fingerprint() != fingerprint
    finally:
        monkeypatch.undo()
        caching.fingerprint.cache_clear()
    assert caching.fingerprint() == fingerprint


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, cache_home: Path, parses) -> None:
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    expected = parsed_once(path)
    (entry,) = (cache_home / "bistandsregler").rglob("parsed/*.pickle")
    for damage in (b"", b"not a pickle", entry.read_bytes()[:40], b"\x80\x05K\x01."):  # empty, junk, torn, foreign
        entry.write_bytes(damage)
        assert parsed_once(path) == expected
        assert caching.load("parsed", entry.stem) is not None, "rewritten whole"
    assert len(parses) == 5


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch, parses) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder would be
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    assert parsed_once(path).rules[0].when.right.value == 65
    assert parsed_once(path).rules[0].when.right.value == 65
    assert len(parses) == 2


@pytest.mark.parametrize("off", ["0", "off", "no", "false"])
def test_the_cache_is_off_when_asked(tmp_path: Path, cache_home: Path, parses, monkeypatch, off: str) -> None:
    monkeypatch.setenv(caching.ENV, off)
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    parsed_once(path)
    parsed_once(path)
    assert len(parses) == 2
    assert not cache_home.exists()
    assert caching.lark_cache("riktlinje") == {}


def test_diagnose_serves_validate_and_never_stale(tmp_path: Path, cache_home: Path, parses) -> None:
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    clean, files = diagnose([path])
    assert [d for d in clean if d.path == str(path)] == [] and files > 1
    parses.clear()
    reading._PARSED.clear()
    assert diagnose([path]) == (clean, files)
    assert parses == [], "neither parsed nor checked again"
    path.write_text(RULE.format(age=65).replace("ålder", "åldr"), encoding="utf-8")
    broken, _ = diagnose([path])
    assert [d.code for d in broken if d.path == str(path)] == ["namn.okant"]
    assert parses == [str(path)]


def test_diagnose_is_not_cached_for_a_missing_file(tmp_path: Path, cache_home: Path) -> None:
    missing = tmp_path / "borta.riktlinje"
    assert [d.code for d in diagnose([missing])[0] if d.path == str(missing)] == ["fil.oläslig"]
    assert not list((cache_home / "bistandsregler").rglob("validated/*.pickle"))


def run_validate(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bistandsregler", "validate", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_validate_from_cold_processes_says_the_same_as_without_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop(caching.ENV, None)
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65).replace("ålder", "åldr"), encoding="utf-8")
    uncached = run_validate([str(path), str(GUIDELINES)], {**env, caching.ENV: "0"})
    assert uncached.returncode == 1 and "namn.okant" in uncached.stdout
    for _ in range(2):  # the first fills the cache, the second is served from it
        cached = run_validate([str(path), str(GUIDELINES)], env)
        assert (cached.returncode, cached.stdout, cached.stderr) == (uncached.returncode, uncached.stdout,
                                                                     uncached.stderr)
    path.write_text(RULE.format(age=65), encoding="utf-8")
    fixed = run_validate([str(path), str(GUIDELINES)], env)
    assert fixed.returncode == 0 and "namn.okant" not in fixed.stdout


def test_a_corrupt_lark_cache_is_rebuilt(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop(caching.ENV, None)
    path = tmp_path / "a.riktlinje"
    path.write_text(RULE.format(age=65), encoding="utf-8")
    assert run_validate([str(path)], env).returncode == 0
    tables = list((tmp_path / "cache").rglob("lark/*.pickle"))
    assert {p.name.split("-")[0] for p in tables} >= {"riktlinje", "lagrum"}
    for table in tables:
        table.write_bytes(b"garbage")
    for entry in (tmp_path / "cache").rglob("parsed/*.pickle"):
        entry.unlink()  # so that the parser must be built
    for entry in (tmp_path / "cache").rglob("validated/*.pickle"):
        entry.unlink()
    again = run_validate([str(path)], env)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert all(table.read_bytes() != b"garbage" for table in tables)


def test_a_parser_loaded_from_the_cache_is_whole(cache_home: Path) -> None:
    """The grammar comes back with the tables: hypothesis' from_lark (and any caller) reads it."""
    from lark import Lark

    from bistandsregler.language.resources import grammar_text

    built = [Lark(grammar_text("frekvens.lark"), parser="lalr", lexer="contextual", **caching.lark_cache("test"))
             for _ in range(2)]
    assert list(cache_home.rglob("lark/test-*.pickle"))
    assert built[1].grammar is not None
    assert built[1].parse("2 gg/v") == built[0].parse("2 gg/v")
