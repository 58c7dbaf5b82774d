"""The issue-8 regression corpus (tests/corpus/): well-formed, and the classes listed in ``holds`` hold.

The corpus is data written by hand; tools/corpus_report.py runs it and prints every class's
figures. These tests judge rows with the report's own functions. A class enters ``holds`` in
expected.yaml once the engine handles it (0 false ``fel``, every defect flagged with its
expected code, every twin quiet); from then on a change that breaks it fails here.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
HEADER = ["Beslutsfattare", "Beslutsdatum", "Beslut", "Anledning till avslag", "Födelseår", "Kön"]


def _report():
    spec = importlib.util.spec_from_file_location("corpus_report", ROOT / "tools" / "corpus_report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("corpus_report", module)
    spec.loader.exec_module(module)
    return module


report = _report()


@pytest.fixture(scope="module")
def checked():
    return report.run(CORPUS)


def _tsv_rows():
    for path in sorted((CORPUS / "delegationslistor").glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as stream:
            yield path, list(csv.reader(stream, delimiter="\t"))


def test_rows_are_in_the_exports_format():
    """Same six columns, tab separated, ÅÅÅÅMMDD dates, four-digit birth years, as the real export."""
    for path, rows in _tsv_rows():
        assert rows[0] == HEADER, path.name
        for line, row in enumerate(rows[1:], start=2):
            assert len(row) == 6, f"{path.name}:{line}"
            assert len(row[1]) == 8 and row[1].isdigit(), f"{path.name}:{line}: Beslutsdatum"
            assert len(row[4]) == 4 and row[4].isdigit(), f"{path.name}:{line}: Födelseår"
            assert row[2].split()[0] in ("Bifall", "Avslag", "Delvis"), f"{path.name}:{line}: Beslut"


def test_corpus_is_large_enough_and_spans_the_law_change():
    dates = [row[1] for _, rows in _tsv_rows() for row in rows[1:]]
    assert len(dates) >= 150
    assert {d[:4] for d in dates} >= {"2019", "2024", "2025", "2026"}
    assert any("20250101" <= d <= "20250630" for d in dates) and any(d >= "20250701" for d in dates), \
        "decisions on both sides of SoL 2001:453 -> 2025:400 (2025-07-01)"


def test_every_row_has_an_expectation_and_every_class_a_defect_and_a_twin(checked):
    data, rows = checked  # run() refuses rows without expectations, orphans and shifted keys
    kinds: dict[str, set[str]] = {}
    for row in rows.values():
        kinds.setdefault(row.klass, set()).add(row.kind)
    assert set(kinds) == set(data["classes"])
    for klass, found in kinds.items():
        assert found == {"defect", "twin"}, klass


def test_expected_codes_exist_or_are_proposed(checked):
    data, rows = checked
    unknown, _ = report.unknown_codes(data, rows)
    assert not unknown, "expected codes neither in findings.CODES nor in proposed_codes"


def test_holds_names_classes_of_the_corpus(checked):
    data, _ = checked
    assert set(data.get("holds") or []) <= set(data["classes"])


def test_held_classes_hold(checked):
    data, rows = checked
    for klass in data.get("holds") or []:
        members = [row for row in rows.values() if row.klass == klass]
        failing = [report._describe(row) for row in members if not row.ok]
        assert not failing, f"{klass}:\n" + "\n".join(failing)
        figures = report.figures({row.key: row for row in members})[klass]
        assert figures["false_fel"] == 0 and figures["recall"] == 1.0


def test_a_row_is_judged_by_its_expectation():
    """The judge itself: a twin with a fel, a defect without its code, an any-of and a severity."""
    spec = report.Spec.parse
    twin = report.Row("k:2", "k", "twin", [], [spec("lagrum.okand")], "n", findings=[("lagrum.upphavd", "fel")])
    assert twin.false_fel == ["lagrum.upphavd"] and not twin.ok
    quiet = report.Row("k:3", "k", "twin", [spec("klassning.pa_alder@info")], [spec("klassning.pa_alder@varning")],
                       "n", findings=[("klassning.pa_alder", "info")])
    assert quiet.ok
    defect = report.Row("k:4", "k", "defect", [spec(["motivering.standardfras", "motivering.saknas"])], [], "n",
                        findings=[("motivering.saknas", "fel")])
    assert defect.ok
    defect.findings = [("motivering.alternativ_saknas", "varning")]
    assert not defect.ok and [str(s) for s in defect.missing] == ["motivering.standardfras|motivering.saknas"]


def test_the_report_runs_and_ends_with_json(capsys):
    import json

    assert report.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    total = figures["classes"]["TOTAL"]
    assert total["defects"] + total["twins"] >= 150
    assert {"2019", "2024", "2025 (SoL 2001:453)", "2025 (SoL 2025:400)", "2026"} <= set(figures["by_period"])
