"""The documentation is tested like code.

- Every example in docs/exempel/ reads cleanly, except the intentionally broken ones
  (``*-fel.riktlinje``, ``*-fel.schablon``), which must give the codes they name in their
  ``# Felexempel. Förväntad kod: ...`` comment.
- Every example, and every generated output, is shown on some page.
- The generated pages and fragments (tools/gen_docs.py, tools/docgen/) are up to date, so the diagnostic
  output shown on a page is what the tool prints today.
- The fenced ``pycon`` examples on the developer pages run as doctests.
- The page of finding codes has every code of ``findings.CODES``, each with a real example
  finding; the decision fields, every command's options and the audit of the sample
  delegation list are shown.
- ``mkdocs build --strict`` succeeds.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import docgen  # tools/docgen, put on the path by conftest.py
import pytest
from docgen import cli, common, decisions, examples, findings, language

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

EXAMPLES = language.example_files()
MISTAKES = [p for p in EXAMPLES if language.is_mistake(p)]

VALID = [p for p in EXAMPLES if not language.is_mistake(p)]


@pytest.fixture(scope="module")
def diagnostics() -> dict[Path, list]:
    """Each example's own diagnostics (the shipped national layer's are left out)."""
    with common.cached_parsing():
        return {path: language.diagnostics_for(path) for path in EXAMPLES}


def _show(found: list) -> str:
    return "\n".join(d.render() for d in found) or "(inga)"


def test_there_are_examples_of_both_kinds():
    assert len(EXAMPLES) - len(MISTAKES) >= 10
    assert len(MISTAKES) >= 10


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_reads_cleanly(path: Path, diagnostics):
    found = diagnostics[path]
    problems = [d for d in found if d.severity.value in ("fel", "varning")]
    assert not problems, f"{path.name} should read without errors or warnings:\n{_show(problems)}"
    # Infos are allowed only where the example says it shows them (the OCR examples).
    assert {d.code for d in found} <= set(language.expected_codes(path)), _show(found)


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.name)
def test_broken_example_gives_the_codes_it_names(path: Path, diagnostics):
    from bistandsregler.language.diagnostics import CATALOGUE

    expected = language.expected_codes(path)
    assert expected, (
        f"{path.name}: name the expected code in a '# Felexempel. Förväntad kod: ...' comment"
    )
    assert set(expected) <= set(CATALOGUE), f"{path.name}: unknown code in {expected}"
    found = {d.code for d in diagnostics[path]}
    missing = [code for code in expected if code not in found]
    assert not missing, f"{path.name} should give {missing}, gave:\n{_show(diagnostics[path])}"


def test_every_example_and_generated_fragment_is_shown_on_a_page():
    included = common.pages_including()
    for path in EXAMPLES:
        assert f"exempel/{path.name}" in included, f"no page includes docs/exempel/{path.name}"
    for path in sorted(p for p in common.GENERATED.rglob("*") if p.is_file()):
        relative = path.relative_to(DOCS).as_posix()
        assert relative in included, f"no page includes docs/{relative}"


def test_every_broken_example_is_shown_with_its_output():
    included = common.pages_including()
    for path in MISTAKES:
        example_pages = set(included.get(f"exempel/{path.name}", []))
        output_pages = set(included.get(f"_genererat/utdata/{path.name}.txt", []))
        assert example_pages & output_pages, (
            f"{path.name}: show its output on the page that shows it"
        )


def test_generated_files_are_up_to_date():
    problems = docgen.stale()
    assert not problems, "\n".join(problems) + "\nrun: python tools/gen_docs.py"


def test_catalogue_page_has_every_code():
    from bistandsregler.language.diagnostics import CATALOGUE

    page = (DOCS / "diagnostikkoder.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"### `{code}`" in page


# ---- the developer pages' examples ---------------------------------------------------------------

_PYCON = re.compile(r"^```pycon[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
DEVELOPER_PAGES = [
    p for p in sorted((DOCS / "developers").glob("*.md")) if _PYCON.search(p.read_text("utf-8"))
]


def test_the_api_and_embedding_pages_have_examples():
    assert DOCS / "developers" / "api.md" in DEVELOPER_PAGES
    assert DOCS / "developers" / "embedding.md" in DEVELOPER_PAGES


@pytest.mark.parametrize("page", DEVELOPER_PAGES, ids=lambda p: p.name)
def test_developer_page_examples_run(page: Path, monkeypatch):
    text = page.read_text(encoding="utf-8")
    blocks = list(_PYCON.finditer(text))
    monkeypatch.chdir(ROOT)  # the examples name files relative to the repository root
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    names: dict = {}  # shared by the blocks of a page, in order, like a reader's session
    report: list[str] = []
    for block in blocks:
        line = text.count("\n", 0, block.start(1))
        test = parser.get_doctest(block.group(1), names, page.name, str(page), line)
        runner.run(test, out=report.append, clear_globs=False)
        names = test.globs  # DocTest copies its globals; carry them on to the next block
    assert runner.failures == 0, f"{runner.failures} example(s) on {page.name} failed:\n" + "".join(
        report
    )


# ---- decisions: finding codes, embedding, the command line, auditing ----------------------------


def test_finding_codes_page_has_every_code_with_a_real_example():
    from bistandsregler.checking.findings import CODES

    shown = {code for code, entry in examples.load().codes.items() if entry.page}
    assert shown == set(CODES), (
        "tests/data/finding_examples.yaml must mark one firing case per code page: true"
    )
    page = findings.FINDING_CODES_PAGE.read_text(encoding="utf-8")
    for code in CODES:
        assert f"### `{code}`" in page, code
    assert common.NO_EXAMPLE not in page, (
        "an example decision no longer gives its code:\n"
        + "\n".join(line for line in page.splitlines() if common.NO_EXAMPLE in line)
    )
    assert page.count('  "code": ') == len(CODES), "one example finding per code"


def test_every_decision_field_has_a_note():
    fragment = (common.GENERATED / "beslutsfalt.md").read_text(encoding="utf-8")
    assert common.NO_EXAMPLE not in fragment, "add the field to FIELD_NOTES in tools/docgen/decisions.py"
    shown = set(re.findall(r"^\| `([^`]+)` \|", fragment, re.MULTILINE))
    assert shown == set(decisions.FIELD_NOTES), set(decisions.FIELD_NOTES) ^ shown


def test_every_command_is_on_the_cli_page():
    included = common.pages_including()
    cli_page = DOCS / "developers" / "cli.md"
    commands = cli.commands()
    assert {" ".join(words) for words, _ in commands} >= {
        "validate",
        "fmt",
        "export",
        "evaluate",
        "import delegationslista",
        "schema",
        "estimate",
        "compare",
        "test",
    }
    for words, _ in commands:
        fragment = cli.cli_fragment_name(words)
        assert cli_page in included.get(f"_genererat/{fragment}", []), (
            f"cli.md does not show {fragment}"
        )
        assert "{ #" + "-".join(words) + " }" in cli_page.read_text(encoding="utf-8"), words


def test_decision_examples_are_valid_decisions():
    from bistandsregler.checking.decision import Decision
    from bistandsregler.input.readers import read_decisions

    examples = sorted((DOCS / "exempel").glob("*.json"))
    assert examples
    for path in examples:
        records = list(read_decisions(path))
        assert records and all(isinstance(r, Decision) for r in records), (path.name, records)


def test_the_audit_page_shows_the_sample_read_completely():
    included = common.pages_including()
    page = DOCS / "granskning.md"
    for fragment in (
        "utdata/delegationslista-exempel.import.txt",
        "utdata/delegationslista-exempel.evaluate.txt",
        "granskning-rader.md",
    ):
        assert page in included.get(f"_genererat/{fragment}", []), fragment
    imported = (common.OUTPUT / "delegationslista-exempel.import.txt").read_text(encoding="utf-8")
    rows = len(Path(ROOT / common.SAMPLE).read_text(encoding="utf-8").splitlines()) - 1
    assert imported.rstrip().endswith(f"{rows} beslut skrivna, 0 fel"), imported[-200:]
    evaluated = (common.OUTPUT / "delegationslista-exempel.evaluate.txt").read_text(
        encoding="utf-8"
    )
    assert f"{rows} beslut in, {rows} resultat ut" in evaluated


# ---- the site builds -------------------------------------------------------------------------------


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path: Path):
    pytest.importorskip("material", reason="mkdocs-material is installed with the test extras")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "diagnostikkoder" / "index.html").is_file()
    for page in (
        "granskning",
        "developers/finding-codes",
        "developers/embedding",
        "developers/cli",
    ):
        assert (tmp_path / "site" / page / "index.html").is_file(), page
    # The examples are highlighted by the languages' own lexer (the pygments.lexers entry
    # points), not as Python: a block keyword is a declaration, a statement keyword a keyword,
    # and the name after "fält" a name although it spells a keyword.
    insatser = (tmp_path / "site" / "riktlinjespraket" / "insatser" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kd">insats</span>' in insatser and '<span class="kd">slut</span>' in insatser
    assert '<span class="k">lagrum</span>' in insatser
    regler = (tmp_path / "site" / "riktlinjespraket" / "regler" / "index.html").read_text(encoding="utf-8")
    assert '<span class="k">när</span>' in regler and '<span class="nv">' in regler  # decision fields
    assert (tmp_path / "site" / "visa" / "index.html").is_file()
