"""No state that leaks between calls or hosts: no module global rebound at run time, no cache
keyed by ``id()``, no object growing attributes its class does not declare."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "bistandsregler"


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py"))]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC)}:{getattr(node, 'lineno', '?')}"


def test_no_module_global_is_rebound_at_run_time():
    found = [_where(path, node) for path, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.Global)]
    assert found == []


def test_no_cache_is_keyed_by_id():
    # id() of a dead object is reused by the next one: a cache keyed by it serves the wrong answer.
    found = [_where(path, node) for path, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"]
    assert found == []


def _declared(cls: ast.ClassDef) -> set[str]:
    names = set()
    for item in cls.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(item, ast.FunctionDef):
            names.add(item.name)
            if item.name == "__init__":
                names.update(_self_stores(item))
    return names


def _self_stores(function: ast.FunctionDef) -> set[str]:
    return {node.attr for node in ast.walk(function)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id == "self"}


def test_no_method_gives_an_object_an_undeclared_attribute():
    found = []
    for path, tree in _modules():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            declared = _declared(cls)
            for item in cls.body:
                if isinstance(item, ast.FunctionDef) and item.name != "__init__":
                    found += [f"{_where(path, item)} {cls.name}.{name} in {item.name}"
                              for name in sorted(_self_stores(item) - declared)]
    assert found == []


def test_the_checker_holds_only_what_it_declares():
    import bistandsregler

    checker = bistandsregler.compile()
    with pytest.raises(AttributeError):
        checker.remembered = 1  # type: ignore[attr-defined]
    assert not hasattr(checker, "__dict__")


def test_the_shipped_vocabulary_is_read_once_and_read_only():
    from bistandsregler.standard_times.pricing import shipped_vocabulary

    vocabulary = shipped_vocabulary()
    assert vocabulary is shipped_vocabulary() and "städning" in vocabulary
    with pytest.raises(TypeError):
        vocabulary["städning"] = vocabulary["dusch"]  # type: ignore[index]
