"""The house: stages import only downwards, no import circles, and the check registry tells the truth."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "src" / "bistandsregler" / "checking" / "checks"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_stage_imports_a_higher_stage_or_a_face() -> None:
    assert _tool("layers").violations() == []


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch) -> None:
    layers = _tool("layers")
    package = tmp_path / "bistandsregler"
    (package / "language").mkdir(parents=True)
    (package / "language" / "x.py").write_text("def f():\n    from bistandsregler.checking.case import Case\n")
    monkeypatch.setattr(layers, "PACKAGE", package)
    assert layers.violations() == ["language/x.py:2: language imports bistandsregler.checking.case (checking is above it)"]


def test_faces_never_import_each_other_but_the_command_line_starts_them(tmp_path, monkeypatch) -> None:
    layers = _tool("layers")
    package = tmp_path / "bistandsregler"
    for folder in ("cli", "service", "language"):
        (package / folder).mkdir(parents=True)
    (package / "cli" / "serve.py").write_text("from bistandsregler.service.app import create_app\n")
    (package / "service" / "app.py").write_text("from bistandsregler.cli.output import terminal\n")
    (package / "language" / "y.py").write_text("import bistandsregler.service.app\n")
    monkeypatch.setattr(layers, "PACKAGE", package)
    assert layers.violations() == [
        "language/y.py:1: language imports bistandsregler.service.app (service is above it)",
        "service/app.py:1: service imports bistandsregler.cli.output (a face does not call another face)",
    ]


def test_no_import_circles() -> None:
    tool = ROOT.parent / "shared" / "tools" / "import_cycles.py"
    if not tool.exists():  # the shared tool sits beside the checkout on developers' machines and CI
        import pytest

        pytest.skip("shared/tools/import_cycles.py is not beside this checkout")
    run = subprocess.run([sys.executable, str(tool), "src", "bistandsregler"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and "cycles=0 " in run.stdout, run.stdout


def _decision_fields_read(path: Path) -> set[str]:
    """Attributes read off the decision in a check module: ``d.x``, ``decision.x``, ``case.decision.x``."""
    from bistandsregler.checking.decision import Decision

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in Decision.model_fields:
            base = node.value
            if (isinstance(base, ast.Name) and base.id in ("d", "decision")) or (
                    isinstance(base, ast.Attribute) and base.attr == "decision"):
                found.add(node.attr)
    return found


def test_each_family_reads_what_the_registry_says() -> None:
    from bistandsregler.checking.checks import FAMILIES

    resolved_for_every_case = {"insats", "lagrum", "decided_on", "outcome", "person"}
    for family in FAMILIES:
        module = CHECKS / f"{family.check.__module__.rsplit('.', 1)[1]}.py"
        read = _decision_fields_read(module)
        assert read - resolved_for_every_case <= set(family.reads), (family.name, read)
        assert set(family.reads) - {"person", "lagrum"} <= read, (family.name, read)
