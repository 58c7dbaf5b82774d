"""Comparison suites (*.jamforelse.yaml): the shipped example passes, wrong expectations fail
with their numbers, bad suites are refused with a message, and the pytest plugin collects them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bistandsregler.cli.main import main
from bistandsregler.standard_times.suite import SUFFIX, SuiteError, load_suite, run_paths, run_suite

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples/jamforelser"
KRISTIANSTAD = ROOT / "guidelines/kristianstad/kristianstad.schablon"
SOLNA = ROOT / "guidelines/solna/solna-2024.schablon"
BOTKYRKA = ROOT / "guidelines/botkyrka/botkyrka-2025.riktlinje"

HEADER = f"""
namn: Test
tabeller:
  kristianstad: {KRISTIANSTAD}
  solna: {SOLNA}
riktlinjer:
  botkyrka: {BOTKYRKA}
vinjetter:
  service:
    aktiviteter: [städning varannan vecka, inköp 1 gg/v, tvätt varannan vecka, apoteksärende 1 gång per månad]
  omvardnad:
    aktiviteter: [dusch 2 gg/v, städning varannan vecka]
"""


def write_suite(tmp_path: Path, tests: str, name: str = f"t{SUFFIX}") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "tester:\n" + textwrap.indent(textwrap.dedent(tests), "  "), encoding="utf-8")
    return path


def run(paths) -> tuple[int, str]:
    out = io.StringIO()
    code = run_paths(paths, out=out)
    return code, out.getvalue()


# ---- the shipped example ---------------------------------------------------------------------


def test_example_suite_passes():
    code, output = run([EXAMPLES])
    assert code == 0, output
    assert "0 misslyckades" in output


def test_example_suite_through_the_cli(capsys):
    assert main(["test", str(EXAMPLES)]) == 0
    assert " ok " in capsys.readouterr().out


# ---- failures print their numbers ------------------------------------------------------------


def test_wrong_cost_expectation_fails_with_its_numbers(tmp_path):
    suite = write_suite(tmp_path, """
        - namn: avsiktligt fel
          kostar: {vinjett: service, tabell: kristianstad, mellan: [9, 20]}
    """)
    code, output = run([suite])
    assert code == 1
    assert "FEL  avsiktligt fel" in output
    assert "7,58 tim/mån" in output and "455 min" in output and "förväntat 9–20 tim/mån" in output


def test_right_cost_expectation_passes(tmp_path):
    suite = write_suite(tmp_path, """
        - kostar: {vinjett: service, tabell: kristianstad, mellan: [7, 8]}
        - kostar: {vinjett: service, tabell: solna, mellan: ["11,5", 12]}
    """)
    assert run([suite])[0] == 0


def test_same_band_failure_shows_both_totals(tmp_path):
    suite = write_suite(tmp_path, """
        - samma_nivå: {vinjett: service, tabeller: [kristianstad, solna], nivåer: avgiftsniva_hemtjanst}
    """)
    code, output = run([suite])
    assert code == 1
    assert "kristianstad 7,58 tim/mån → nivå 2" in output and "solna 11,66 tim/mån → nivå 3" in output


def test_incomplete_estimates_are_not_compared_silently(tmp_path):
    suite = write_suite(tmp_path, """
        - samma_nivå: {vinjett: omvardnad, tabeller: [kristianstad, solna], nivåer: avgiftsniva_hemtjanst}
        - kostar: {vinjett: omvardnad, tabell: solna, mellan: [0, 100]}
        - kostar: {vinjett: omvardnad, tabell: solna, mellan: [0, 100], tillåt_ofullständig: true}
    """)
    outcomes = run_suite(load_suite(suite))
    assert [o.ok for o in outcomes] == [False, False, True]
    assert "ofullständig" in outcomes[0].message and "dusch 2 gg/v" in outcomes[1].message


def test_median_test_refuses_a_mixed_panel_unless_asked(tmp_path):
    suite = write_suite(tmp_path, """
        - nära_median: {tabell: kristianstad, aktivitet: tvätt, panel: [kristianstad, solna], inom_procent: 20}
        - nära_median: {tabell: kristianstad, aktivitet: tvätt, panel: [kristianstad, solna], inom_procent: 20, blanda_slag: true}
        - nära_median: {tabell: kristianstad, aktivitet: städning, panel: [kristianstad, solna], inom_procent: 5, blanda_slag: true}
    """)
    first, second, third = run_suite(load_suite(suite))
    assert first.invalid and "blandar slag" in first.message
    assert not second.ok and "median (blandar slag) = 58" in second.message and "-48,28 %" in second.message
    assert third.ok and "-3,23 %" in third.message


def test_normal_granted_times_do_not_join_an_assessment_panel_unasked(tmp_path):
    nacka = ROOT / "guidelines/nacka/nacka.schablon"
    suite = tmp_path / f"n{SUFFIX}"
    suite.write_text(HEADER.replace("tabeller:\n", f"tabeller:\n  nacka: {nacka}\n") + textwrap.dedent("""
        tester:
          - nära_median: {tabell: nacka, aktivitet: städning, panel: [nacka, kristianstad], inom_procent: 10}
          - nära_median: {tabell: nacka, aktivitet: städning, inom_procent: 1}
    """), encoding="utf-8")
    refused, alone = run_suite(load_suite(suite))
    assert refused.invalid and "nacka: normaltid" in refused.message and "kristianstad: bedömning" in refused.message
    assert alone.ok  # by default the panel is the tables of its own kind: Nacka alone


def test_variant_and_band_tests(tmp_path):
    suite = write_suite(tmp_path, """
        - tid_per_tillfälle: {vinjett: omvardnad, tabell: kristianstad, aktivitet: städning varannan vecka, minuter: 70}
        - tid_per_tillfälle: {vinjett: service, tabell: kristianstad, aktivitet: städning varannan vecka, minuter: 70}
        - nivå: {vinjett: service, tabell: kristianstad, nivåer: avgiftsniva_hemtjanst, nivå: "2"}
    """)
    outcomes = run_suite(load_suite(suite))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "90 min per tillfälle" in outcomes[1].message and "förväntat 70" in outcomes[1].message


def test_all_mapped_keeps_its_exception_list_true(tmp_path):
    suite = write_suite(tmp_path, """
        - allt_mappat: {tabell: solna}
        - allt_mappat: {tabell: solna, utom: [ny_omvårdnadskund]}
        - allt_mappat: {tabell: solna, utom: [ny_omvårdnadskund, städ]}
    """)
    outcomes = run_suite(load_suite(suite))
    assert [o.ok for o in outcomes] == [False, True, False]
    assert "omappade: ny_omvårdnadskund" in outcomes[0].message
    assert "städ som är mappade" in outcomes[2].message


def test_unknown_names_in_a_test_are_reported(tmp_path):
    suite = write_suite(tmp_path, """
        - kostar: {vinjett: saknas, tabell: kristianstad, mellan: [1, 2]}
        - kostar: {vinjett: service, tabell: lund, mellan: [1, 2]}
        - samma_nivå: {vinjett: service, tabeller: [kristianstad, solna], nivåer: okända}
        - kostar: {vinjett: service, tabell: kristianstad, mellan: [5]}
    """)
    outcomes = run_suite(load_suite(suite))
    assert all(o.invalid for o in outcomes)
    assert "okänd vinjett 'saknas'" in outcomes[0].message
    assert "okänd tabell 'lund'" in outcomes[1].message
    assert "okända nivåer 'okända'" in outcomes[2].message


# ---- bad suite files ---------------------------------------------------------------------------


K = f"tabeller: {{k: {KRISTIANSTAD}}}\n"
ONE_TEST = "tester: [{allt_mappat: {tabell: k}}]\n"


@pytest.mark.parametrize("body, message", [
    ("tabeller: {k: nope.schablon}\n" + ONE_TEST, "finns inte"),
    (K + "tester: []\n", "minst ett test"),
    (K + "tester: [{gissa: {}}]\n", "exakt en av"),
    (K + "okänt: 1\n" + ONE_TEST, "okända nycklar"),
    (K + "vinjetter: {v: {aktiviteter: [dusch 2 xx/v]}}\n" + ONE_TEST, "dusch 2 xx/v"),
    ("tabeller: [\n", "ogiltig YAML"),
])
def test_bad_suite_files_are_refused_with_a_message(tmp_path, body, message):
    path = tmp_path / f"bad{SUFFIX}"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SuiteError, match=message):
        load_suite(path)
    code, output = run([path])
    assert code == 1 and message.split()[0] in output


def test_missing_path_and_empty_folder(tmp_path):
    assert run([tmp_path / "nope"])[0] == 1
    code, output = run([tmp_path])
    assert code == 1 and "inga sviter" in output


# ---- the pytest plugin -------------------------------------------------------------------------


def _plugin_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value == "bistandsregler.standard_times.pytest_plugin" for ep in entry_points(group="pytest11"))


def pytest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """pytest in a subprocess; the plugin comes from the entry point when the package is
    installed, else from -p (giving both would register it twice)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    plugin = [] if _plugin_installed() else ["-p", "bistandsregler.standard_times.pytest_plugin"]
    # -o addopts=: run from the repository root, pytest would take its addopts (-n auto) too.
    return subprocess.run([sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", "-o", "addopts=", "-q", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_plugin_collects_suites_and_reports_numbers(tmp_path):
    write_suite(tmp_path, """
        - namn: avsiktligt fel
          kostar: {vinjett: service, tabell: kristianstad, mellan: [9, 20]}
        - namn: rätt
          kostar: {vinjett: service, tabell: kristianstad, mellan: [7, 8]}
    """)
    (tmp_path / "other.yaml").write_text("not: a suite\n", encoding="utf-8")  # wrong suffix: ignored
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n", encoding="utf-8")
    result = pytest_run(str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout
    assert "7,58 tim/mån" in result.stdout and "förväntat 9–20 tim/mån" in result.stdout


@pytest.mark.slow
def test_plugin_runs_the_example_suite():
    result = pytest_run(str(EXAMPLES), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout


@pytest.mark.slow
def test_plugin_reports_a_broken_suite_as_a_collection_error(tmp_path):
    (tmp_path / f"bad{SUFFIX}").write_text("tabeller: {k: nope.schablon}\ntester: [{allt_mappat: {tabell: k}}]\n",
                                          encoding="utf-8")
    result = pytest_run(str(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    assert "jämförelsesvit kan inte läsas" in result.stdout and "nope.schablon" in result.stdout


def test_plugin_import_is_light():
    code = ("import sys, bistandsregler.standard_times.pytest_plugin as p; "
            "heavy = [m for m in ('pydantic', 'lark', 'yaml', 'bistandsregler.standard_times.suite') if m in sys.modules]; "
            "print(heavy)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
