"""The package is typed: it ships ``py.typed`` and mypy (configured in pyproject.toml) is clean on src/."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_says_it_is_typed():
    marker = resources.files("bistandsregler") / "py.typed"
    assert marker.is_file()
    assert (ROOT / "src/bistandsregler/py.typed").is_file()


def test_mypy_configuration_names_what_it_ignores():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]
    # The wheel carries the whole package folder, so the marker goes with it.
    assert "src/bistandsregler" in wheel["build"]["targets"]["wheel"]["packages"]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == ["src"]
    assert "ignore_missing_imports" not in config  # only per module, by name, in [[tool.mypy.overrides]]
    assert "pydantic.mypy" in config["plugins"]


@pytest.mark.slow
def test_mypy_is_clean_on_src():
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found"), run.stdout
