"""pytest plugin: collect ``*.jamforelse.yaml`` comparison suites as test items.

Registered as the ``bistandsregler`` entry point in ``pytest11``, so an installed package makes
``pytest path/to/suites`` run them; from a source tree use ``pytest -p bistandsregler.pytest_plugin``.
Only files whose name ends in ``.jamforelse.yaml`` are touched; for every other file the hook
returns at once, and nothing heavy is imported until a suite is actually collected.
"""

from __future__ import annotations

import pytest

SUFFIX = ".jamforelse.yaml"  # the same as bistandsregler.suite.SUFFIX (kept here to avoid the import)


def pytest_collect_file(file_path, parent):
    if file_path.name.endswith(SUFFIX):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


class SuiteFailure(Exception):
    """A suite test whose expectation did not hold; carries the message with the numbers."""


class SuiteFile(pytest.File):
    def collect(self):
        from bistandsregler.standard_times.suite import load_suite

        suite = load_suite(self.path)
        for spec in suite.tests:
            yield SuiteItem.from_parent(self, name=spec.name, suite=suite, spec=spec)

    def repr_failure(self, excinfo, style=None):
        from bistandsregler.standard_times.suite import SuiteError

        if isinstance(excinfo.value, SuiteError):
            return f"jämförelsesvit kan inte läsas: {excinfo.value}"
        return super().repr_failure(excinfo)


class SuiteItem(pytest.Item):
    def __init__(self, *, suite, spec, **kwargs):
        super().__init__(**kwargs)
        self.suite = suite
        self.spec = spec
        # pytest-lsp 1.0's runtest wrapper returns without yielding for an item that has no
        # ``funcargs`` (any non-function item), which fails every such item in a session
        # where it is installed; a suite has no fixtures, so its funcargs are empty.
        self.funcargs: dict = {}

    def runtest(self):
        from bistandsregler.standard_times.suite import run_test

        outcome = run_test(self.suite, self.spec)
        if not outcome.ok:
            raise SuiteFailure(outcome.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SuiteFailure):
            return f"{self.suite.path}: {self.spec.name}\n  {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.suite.name}: {self.spec.name}"
