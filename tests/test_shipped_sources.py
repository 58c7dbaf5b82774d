"""What ships, and the regression corpus whose notes say where each expectation comes from,
cites public sources (an address, a named report) or files in the repository: never a
project note that is not in it (DOMAIN.md), a development machine's path, or the file names
of a local copy of the sources (sources/..., seeds/...)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("guidelines", "docs", "src", "examples", "tests/corpus")
TEXT = {".riktlinje", ".schablon", ".md", ".py", ".yaml", ".yml", ".json", ".jsonl", ".tsv", ".csv", ".txt", ".lark",
        ".html", ".css", ".js", ".toml"}

FORBIDDEN = re.compile(
    r"DOMAIN\.md"
    r"|(?<![\w.])/(?:work|home|tmp)/"  # an absolute path of a development machine
    r"|(?<![\w/])seeds/\d{3}"  # the local copy of the audit reports
    r"|(?<![\w/])sources/(?:law|botkyrka-2025|schablontider)"  # the local copy of statutes and guidelines
)


def shipped_files() -> list[Path]:
    files = []
    for folder in SHIPPED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT and "__pycache__" not in path.parts:
                files.append(path)
    return files


def offending_lines(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.split("\n"), start=1) if FORBIDDEN.search(line)]


def test_there_are_shipped_files_to_look_at():
    files = shipped_files()
    assert {folder for folder in SHIPPED if any(p.is_relative_to(ROOT / folder) for p in files)} == set(SHIPPED)


@pytest.mark.parametrize(
    "line",
    ["# Källa: DOMAIN.md, The laws", 'källa "/work/shared/sources/schablontider.md"', "se /home/anna/riktlinje.pdf",
     "(/tmp/x.riktlinje)", 'källa "seeds/003 avsnitt 4.4"', 'källa "sources/law/lss-1993-387.md"'],
)
def test_the_pattern_finds_each_kind_of_local_citation(line):
    assert offending_lines(line) == [(1, line.strip())]


@pytest.mark.parametrize(
    "line",
    ['källa "LSS (1993:387) 7 §, https://selex.se/eli/sfs/1993/387"', 'källa "examples/delegationslista-exempel.tsv"',
     "guidelines/nationell/ordlistor.riktlinje", "https://example.org/work/tmp/x", "docs/riktlinjespraket/sources/x"],
)
def test_public_addresses_and_repository_files_pass(line):
    assert offending_lines(line) == []


def test_no_shipped_file_cites_a_local_source():
    found = []
    for path in shipped_files():
        for number, line in offending_lines(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(ROOT)}:{number}: {line[:120]}")
    assert found == []
