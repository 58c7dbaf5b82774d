"""The documentation is tested like code.

- Every example in docs/exempel/ reads cleanly, except the intentionally broken ones
  (``*-fel.riktlinje``, ``*-fel.schablon``), which must give the codes they name in their
  ``# Felexempel. Förväntad kod: ...`` comment.
- Every example, and every generated output, is shown on some page.
- The generated pages and fragments (tools/gen_docs.py) are up to date, so the diagnostic
  output shown on a page is what the tool prints today.
- The fenced ``pycon`` examples on the developer pages run as doctests.
- ``mkdocs build --strict`` succeeds.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _load_gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = _load_gen_docs()
EXAMPLES = gen_docs.example_files()
MISTAKES = [p for p in EXAMPLES if gen_docs.is_mistake(p)]

VALID = [p for p in EXAMPLES if not gen_docs.is_mistake(p)]


@pytest.fixture(scope="module")
def diagnostics() -> dict[Path, list]:
    """Each example's own diagnostics (the shipped national layer's are left out)."""
    with gen_docs.cached_parsing():
        return {path: gen_docs.diagnostics_for(path) for path in EXAMPLES}


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
    assert {d.code for d in found} <= set(gen_docs.expected_codes(path)), _show(found)


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.name)
def test_broken_example_gives_the_codes_it_names(path: Path, diagnostics):
    from bistandsregler.diagnostics import CATALOGUE

    expected = gen_docs.expected_codes(path)
    assert expected, (
        f"{path.name}: name the expected code in a '# Felexempel. Förväntad kod: ...' comment"
    )
    assert set(expected) <= set(CATALOGUE), f"{path.name}: unknown code in {expected}"
    found = {d.code for d in diagnostics[path]}
    missing = [code for code in expected if code not in found]
    assert not missing, f"{path.name} should give {missing}, gave:\n{_show(diagnostics[path])}"


def test_every_example_and_generated_fragment_is_shown_on_a_page():
    included = gen_docs.pages_including()
    for path in EXAMPLES:
        assert f"exempel/{path.name}" in included, f"no page includes docs/exempel/{path.name}"
    for path in sorted(p for p in gen_docs.GENERATED.rglob("*") if p.is_file()):
        relative = path.relative_to(DOCS).as_posix()
        assert relative in included, f"no page includes docs/{relative}"


def test_every_broken_example_is_shown_with_its_output():
    included = gen_docs.pages_including()
    for path in MISTAKES:
        example_pages = set(included.get(f"exempel/{path.name}", []))
        output_pages = set(included.get(f"_genererat/utdata/{path.name}.txt", []))
        assert example_pages & output_pages, (
            f"{path.name}: show its output on the page that shows it"
        )


def test_generated_files_are_up_to_date():
    problems = gen_docs.stale()
    assert not problems, "\n".join(problems) + "\nrun: python tools/gen_docs.py"


def test_catalogue_page_has_every_code():
    from bistandsregler.diagnostics import CATALOGUE

    page = (DOCS / "diagnostikkoder.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"### `{code}`" in page


# ---- the developer pages' examples ---------------------------------------------------------------

_PYCON = re.compile(r"^```pycon[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
DEVELOPER_PAGES = [
    p for p in sorted((DOCS / "developers").glob("*.md")) if _PYCON.search(p.read_text("utf-8"))
]


def test_the_api_page_has_examples():
    assert DOCS / "developers" / "api.md" in DEVELOPER_PAGES


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


# ---- the site builds -------------------------------------------------------------------------------


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
