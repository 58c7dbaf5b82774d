"""Test suites for standard-time comparisons: ``*.jamforelse.yaml`` files.

A suite names tables (``.schablon``), optionally guidelines (``.riktlinje``: fee bands and
reference frequencies), vignettes, and a list of tests. ``bistandsregler test PATH...`` runs
them; the pytest plugin (``bistandsregler.pytest_plugin``) collects the same files as test
items. A failing test prints the numbers that failed. The format is documented in
``docs/analytiker.md``; a short example::

    namn: Kristianstad mot Solna
    tabeller:                      # id -> file, relative to this suite file
      kristianstad: ../../guidelines/kristianstad/kristianstad.schablon
      solna: ../../guidelines/solna/solna-2024.schablon
    riktlinjer:                    # optional: bands (nivåer) and norm frequencies
      botkyrka: ../../guidelines/botkyrka/botkyrka-2025.riktlinje
    vinjetter:
      ensam: {aktiviteter: [dusch 2 gg/v, städning varannan vecka], hushåll: 1}
      par: ../par.vinjett.yaml     # or a vignette file
    tester:
      - namn: Städning nära medianen
        nära_median: {tabell: kristianstad, aktivitet: städning, panel: [kristianstad, solna],
                      inom_procent: 20, blanda_slag: true}
      - kostar: {vinjett: ensam, tabell: kristianstad, mellan: [9, 20]}
      - samma_nivå: {vinjett: ensam, tabeller: [kristianstad, solna], nivåer: avgiftsniva_hemtjanst}
      - allt_mappat: {tabell: kristianstad}

Kinds of test (ASCII spellings are accepted too: nara_median, samma_niva, tid_per_tillfalle):

* ``nära_median``: the activity's value in ``tabell`` is within ``inom_procent`` % of the median
  of ``panel`` (default: every table of the suite with the same ``slag``). ``mått`` is
  ``per_tillfälle`` (default) or ``per_månad``. A panel that mixes kinds (``bedömning``,
  ``normaltid``, ``ersättning``) is refused unless ``blanda_slag: true``.
* ``kostar``: the vignette under ``tabell`` costs between ``mellan: [A, B]`` hours per month
  (inclusive, exact). An incomplete estimate (unmatched activities) fails unless
  ``tillåt_ofullständig: true``.
* ``samma_nivå``: the vignette lands in the same band of ``nivåer`` under every table of
  ``tabeller`` (incomplete estimates fail unless ``tillåt_ofullständig: true``).
* ``nivå``: the vignette under ``tabell`` lands in band ``nivå`` of ``nivåer``.
* ``allt_mappat``: every activity of ``tabell`` is mapped to the national vocabulary
  (``motsvarar`` a known id, or an id that is itself a national id), except those in ``utom``;
  an ``utom`` entry that is mapped after all also fails, so the list stays true.
* ``tid_per_tillfälle``: the vignette line ``aktivitet`` (as written in the vignette) under
  ``tabell`` uses ``minuter`` per occasion (checks the variant chosen).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from bistandsregler.language import encodings

SUFFIX = ".jamforelse.yaml"

TEST_KINDS = {
    "nära_median": "nära_median", "nara_median": "nära_median",
    "kostar": "kostar",
    "samma_nivå": "samma_nivå", "samma_niva": "samma_nivå",
    "nivå": "nivå", "niva": "nivå",
    "allt_mappat": "allt_mappat",
    "tid_per_tillfälle": "tid_per_tillfälle", "tid_per_tillfalle": "tid_per_tillfälle",
}
MEASURES = {"per_tillfälle": "minutes_per_occasion", "per_tillfalle": "minutes_per_occasion",
            "per_månad": "minutes_per_month", "per_manad": "minutes_per_month"}


class SuiteError(ValueError):
    """A suite file that cannot be read or used: the message names the file and the problem."""


@dataclass
class Spec:
    name: str
    kind: str
    args: dict
    index: int


@dataclass
class Outcome:
    name: str
    ok: bool
    message: str
    invalid: bool = False  # the test itself is wrong (unknown table, bad arguments)
    numbers: dict = field(default_factory=dict)


@dataclass
class Suite:
    path: Path
    name: str
    table_files: dict[str, Path]
    guideline_files: dict[str, Path]
    vignettes: dict
    tests: list[Spec]
    _loaded: tuple | None = None

    # ---- data, loaded on first use ----
    def _load(self) -> tuple:
        if self._loaded is None:
            self._loaded = _read_book(tuple(str(p.resolve()) for p in (*self.table_files.values(), *self.guideline_files.values())))
        return self._loaded

    @property
    def book(self):
        return self._load()[0]

    def table(self, key: str):
        if key not in self.table_files:
            raise _Invalid(f"okänd tabell '{key}'; suiten har {', '.join(self.table_files) or 'inga'}")
        wanted = self.book.shown_names([self.table_files[key]])
        for table in self.book.tables:
            if table.path in wanted:
                return table
        raise _Invalid(f"filen för tabell '{key}' ({self.table_files[key]}) innehåller ingen schablontabell")

    def guidelines(self) -> list:
        wanted = self.book.shown_names(self.guideline_files.values())
        return [g for g in self.book.guidelines if g.path in wanted]

    def bands(self, bands_id: str):
        available = {b.id: b for g in self.guidelines() for b in g.bands}
        if bands_id not in available:
            raise _Invalid(f"okända nivåer '{bands_id}'; riktlinjerna har {', '.join(available) or 'inga nivåer'}")
        return available[bands_id]

    def vignette(self, key: str):
        if key not in self.vignettes:
            raise _Invalid(f"okänd vinjett '{key}'; suiten har {', '.join(self.vignettes) or 'inga'}")
        return self.vignettes[key]


class _Invalid(Exception):
    """A test that cannot run as written."""


@lru_cache(maxsize=32)
def _read_book(paths: tuple[str, ...]) -> tuple:
    from bistandsregler.language.errors import InputError
    from bistandsregler.standard_times.compare import read_tables

    try:
        tables, book, named = read_tables(list(paths))
    except InputError as error:
        raise SuiteError(str(error)) from None
    return book, tables


# ---- reading a suite ----------------------------------------------------------------------


def _mapping(data: object, where: str, what: str) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SuiteError(f"{where}: '{what}' ska vara en mappning (namn: värde)")
    return data


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file; raises SuiteError naming the file and the problem."""
    from bistandsregler.standard_times.pricing import (
        ActivityTextError,
        load_vignette,
        vignette_from_data,
    )

    path = Path(path)
    try:
        text = encodings.read_text(path)
    except (OSError, encodings.NotDecodable) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise SuiteError(f"{path}: kan inte läsas: {reason}") from None
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SuiteError(f"{path}: ogiltig YAML: {error}") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: en svit är en mappning med 'tabeller' och 'tester'")
    known = {"namn", "beskrivning", "tabeller", "riktlinjer", "vinjetter", "tester"}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise SuiteError(f"{path}: okända nycklar: {', '.join(unknown)} (kända: {', '.join(sorted(known))})")
    base = path.parent

    def files(key: str) -> dict[str, Path]:
        found = {}
        for name, value in _mapping(data.get(key), str(path), key).items():
            if not isinstance(value, str):
                raise SuiteError(f"{path}: {key}.{name} ska vara en sökväg")
            file = (base / value)
            if not file.is_file():
                raise SuiteError(f"{path}: {key}.{name}: filen '{value}' finns inte (sökväg relativt sviten)")
            found[str(name)] = file
        return found

    tables = files("tabeller")
    if not tables:
        raise SuiteError(f"{path}: 'tabeller' saknas eller är tom")
    guidelines = files("riktlinjer")
    vignettes = {}
    for name, value in _mapping(data.get("vinjetter"), str(path), "vinjetter").items():
        try:
            if isinstance(value, str):
                file = base / value
                if not file.is_file():
                    raise SuiteError(f"{path}: vinjetter.{name}: filen '{value}' finns inte")
                vignettes[str(name)] = load_vignette(file)
            else:
                vignettes[str(name)] = vignette_from_data(value, f"{path}: vinjetter.{name}", str(name))
        except ActivityTextError as error:
            raise SuiteError(f"{path}: vinjetter.{name}: aktiviteten {error}") from None
        except SuiteError:
            raise
        except ValueError as error:
            raise SuiteError(str(error)) from None
    raw_tests = data.get("tester")
    if not isinstance(raw_tests, list) or not raw_tests:
        raise SuiteError(f"{path}: 'tester' ska vara en lista med minst ett test")
    specs = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw_tests, 1):
        if not isinstance(item, dict):
            raise SuiteError(f"{path}: test {index} ska vara en mappning")
        kinds = [k for k in item if k in TEST_KINDS]
        others = [k for k in item if k not in TEST_KINDS and k != "namn"]
        if len(kinds) != 1 or others:
            raise SuiteError(f"{path}: test {index} ska ha exakt en av {', '.join(sorted(set(TEST_KINDS.values())))}"
                             + (f" (okänt: {', '.join(map(str, others))})" if others else ""))
        kind = TEST_KINDS[kinds[0]]
        args = item[kinds[0]]
        if not isinstance(args, dict):
            raise SuiteError(f"{path}: test {index} ({kind}): argumenten ska vara en mappning")
        name = str(item.get("namn") or f"{kind} {index}").replace("::", ":")
        if name in seen:
            name = f"{name} ({index})"
        seen[name] = index
        specs.append(Spec(name=name, kind=kind, args=args, index=index))
    return Suite(path=path, name=str(data.get("namn") or path.name), table_files=tables,
                 guideline_files=guidelines, vignettes=vignettes, tests=specs)


# ---- running ------------------------------------------------------------------------------


def _num(value: Fraction) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _arg(args: dict, *names: str, required: bool = True, default=None):
    for name in names:
        if name in args:
            return args[name]
    if required:
        raise _Invalid(f"argumentet '{names[0]}' saknas")
    return default


def _number(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Invalid(f"'{what}' ska vara ett tal")
    try:
        return Fraction(str(value).replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise _Invalid(f"'{what}' ska vara ett tal, inte '{value}'") from None


def run_test(suite: Suite, spec: Spec) -> Outcome:
    try:
        runner = _RUNNERS[spec.kind]
        ok, message, numbers = runner(suite, spec.args)
        return Outcome(spec.name, ok, message, numbers=numbers)
    except _Invalid as error:
        return Outcome(spec.name, False, f"ogiltigt test: {error}", invalid=True)
    except SuiteError as error:
        return Outcome(spec.name, False, str(error), invalid=True)


def _estimate(suite: Suite, vignette_key: str, table_key: str, bands=()):
    from bistandsregler.standard_times.pricing import estimate

    vignette = suite.vignette(vignette_key)
    table = suite.table(table_key)
    return estimate(table, vignette.activities, suite.book, set(vignette.facts), list(bands),
                    household=vignette.household)


def _near_median(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    from bistandsregler.standard_times.compare import compare, norms_of, table_id

    key = str(_arg(args, "tabell"))
    activity = str(_arg(args, "aktivitet"))
    percent = _number(_arg(args, "inom_procent", "procent"), "inom_procent")
    measure_name = str(_arg(args, "mått", "matt", required=False, default="per_tillfälle"))
    if measure_name not in MEASURES:
        raise _Invalid(f"'mått' ska vara per_tillfälle eller per_månad, inte '{measure_name}'")
    measure = MEASURES[measure_name]
    mixed_ok = bool(_arg(args, "blanda_slag", required=False, default=False))
    target = suite.table(key)
    kind_of = {k: (suite.table(k).meta.kind if suite.table(k).meta else None) or "okänt" for k in suite.table_files}
    panel_keys = _arg(args, "panel", required=False, default=None)
    if panel_keys is None:
        panel_keys = [k for k in suite.table_files if kind_of[k] == kind_of[key]]
    if not isinstance(panel_keys, list) or not panel_keys:
        raise _Invalid("'panel' ska vara en lista med tabeller")
    panel_keys = [str(k) for k in panel_keys]
    kinds = {kind_of[k] for k in panel_keys if suite.table(k) is not None}
    if len(kinds) > 1 and not mixed_ok:
        listing = "; ".join(f"{k}: {kind_of[k]}" for k in panel_keys)
        raise _Invalid(f"panelen blandar slag ({listing}); bedömnings-, normal- och ersättningstider hör inte i "
                       "samma median. Skriv 'blanda_slag: true' om det är avsiktligt.")
    frequencies, source = norms_of(suite.guidelines())
    tables = [suite.table(k) for k in dict.fromkeys([*panel_keys, key])]
    result = compare(tables, vocabulary=suite.book, frequencies=frequencies, frequency_source=source)
    row = result.row(activity)
    if row is None:
        raise _Invalid(f"ingen tabell i panelen har aktiviteten '{activity}' (nationellt id)")
    values = {}
    for k in panel_keys:
        cell = row.cell(table_id(suite.table(k)))
        value = getattr(cell, measure) if cell else None
        if value is not None:
            values[k] = value
    own_cell = row.cell(table_id(target))
    own = getattr(own_cell, measure) if own_cell else None
    unit = "min/tillfälle" if measure == "minutes_per_occasion" else "min/mån"
    if own is None:
        status = own_cell.status if own_cell else "saknas"
        return False, f"{key} har inget värde för {activity} ({unit}; {status})", {}
    if not values:
        return False, f"ingen tabell i panelen har ett värde för {activity}", {}
    from bistandsregler.standard_times.compare import median

    mid = median(list(values.values()))
    listing = ", ".join(f"{k} {_num(v)}" for k, v in values.items())
    mixed = " (blandar slag)" if len(kinds) > 1 else ""
    if mid == 0:
        deviation = Fraction(0) if own == 0 else None
    else:
        deviation = (own - mid) / mid * 100
    numbers = {"värde": own, "median": mid, "avvikelse_procent": deviation, "gräns_procent": percent, "panel": values}
    text = (f"{key} {activity} = {_num(own)} {unit}; panelens median{mixed} = {_num(mid)} ({listing}); "
            f"avvikelse {'+' if deviation is not None and deviation > 0 else ''}{_num(deviation) if deviation is not None else '∞'} % "
            f"{'inom' if deviation is not None and abs(deviation) <= percent else 'utanför'} ±{_num(percent)} %")
    return deviation is not None and abs(deviation) <= percent, text, numbers


def _costs(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    vignette_key = str(_arg(args, "vinjett"))
    key = str(_arg(args, "tabell"))
    between = _arg(args, "mellan")
    if not isinstance(between, list) or len(between) != 2:
        raise _Invalid("'mellan' ska vara [lägst, högst] timmar per månad")
    low, high = (_number(v, "mellan") for v in between)
    if low > high:
        raise _Invalid(f"'mellan' [{_num(low)}, {_num(high)}]: lägst är större än högst")
    allow_incomplete = bool(_arg(args, "tillåt_ofullständig", "tillat_ofullstandig", required=False, default=False))
    result = _estimate(suite, vignette_key, key)
    hours = result.total_hours
    lines = "; ".join(f"{line.written} {line.minutes_rounded if line.minutes_rounded is not None else line.status}"
                      for line in result.lines)
    text = (f"vinjetten '{vignette_key}' under {key}: {_num(hours)} tim/mån ({result.total_minutes_rounded} min: {lines}); "
            f"förväntat {_num(low)}–{_num(high)} tim/mån")
    numbers = {"timmar": hours, "lägst": low, "högst": high}
    if not result.complete and not allow_incomplete:
        return False, text + f"; ofullständig: {', '.join(result.not_priced)} ej prissatt", numbers
    return low <= hours <= high, text, numbers


def _same_band(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    vignette_key = str(_arg(args, "vinjett"))
    keys = _arg(args, "tabeller")
    if not isinstance(keys, list) or len(keys) < 2:
        raise _Invalid("'tabeller' ska vara en lista med minst två tabeller")
    bands = suite.bands(str(_arg(args, "nivåer", "nivaer")))
    allow_incomplete = bool(_arg(args, "tillåt_ofullständig", "tillat_ofullstandig", required=False, default=False))
    found = {}
    parts = []
    incomplete_in = []
    for key in map(str, keys):
        result = _estimate(suite, vignette_key, key, [bands])
        band = result.bands[0]
        found[key] = band.band
        incomplete = ""
        if not result.complete:
            incomplete = f" (ofullständig: {', '.join(result.not_priced)} ej prissatt)"
            incomplete_in.append(key)
        parts.append(f"{key} {_num(result.total_hours)} tim/mån → nivå {band.band or 'ingen'}{incomplete}")
    same = len(set(found.values())) == 1 and None not in found.values()
    text = f"vinjetten '{vignette_key}', nivåer {bands.id}: " + "; ".join(parts)
    if incomplete_in and not allow_incomplete:
        return False, text + "; ofullständiga uppskattningar jämförs inte (tillåt_ofullständig: true)", {"nivåer": found}
    return same, text + ("" if same else " (olika nivåer)"), {"nivåer": found}


def _band_is(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    vignette_key = str(_arg(args, "vinjett"))
    key = str(_arg(args, "tabell"))
    bands = suite.bands(str(_arg(args, "nivåer", "nivaer")))
    expected = str(_arg(args, "nivå", "niva"))
    result = _estimate(suite, vignette_key, key, [bands])
    band = result.bands[0]
    text = (f"vinjetten '{vignette_key}' under {key}: {_num(result.total_hours)} tim/mån → nivå {band.band or 'ingen'} "
            f"i {bands.id}; förväntat nivå {expected}")
    return band.band == expected, text, {"timmar": result.total_hours, "nivå": band.band}


def _all_mapped(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    key = str(_arg(args, "tabell"))
    except_ = _arg(args, "utom", required=False, default=[]) or []
    if not isinstance(except_, list):
        raise _Invalid("'utom' ska vara en lista med aktivitets-id")
    table = suite.table(key)
    vocabulary = suite.book.activities
    ids = {a.id for a in table.activities}
    unmapped = []
    for activity in table.activities:
        mapped = (activity.maps_to in vocabulary) if activity.maps_to else (activity.id in vocabulary)
        if not mapped:
            target = f" (motsvarar {activity.maps_to}, som inte finns i ordförrådet)" if activity.maps_to else ""
            unmapped.append(f"{activity.id}{target}")
    bare = [u.split(" ")[0] for u in unmapped]
    failing = [u for u, b in zip(unmapped, bare, strict=True) if b not in except_]
    stale = [str(e) for e in except_ if str(e) not in bare]
    problems = []
    if failing:
        problems.append(f"omappade: {', '.join(failing)}")
    if stale:
        missing = [s for s in stale if s not in ids]
        listed = [s for s in stale if s in ids]
        if listed:
            problems.append(f"'utom' nämner {', '.join(listed)} som är mappade (ta bort dem)")
        if missing:
            problems.append(f"'utom' nämner {', '.join(missing)} som inte finns i tabellen")
    total = len(table.activities)
    text = f"{key}: {total - len(unmapped)} av {total} aktiviteter mappade" + (f"; {'; '.join(problems)}" if problems else "")
    return not problems, text, {"omappade": bare}


def _time_per_occasion(suite: Suite, args: dict) -> tuple[bool, str, dict]:
    vignette_key = str(_arg(args, "vinjett"))
    key = str(_arg(args, "tabell"))
    written = str(_arg(args, "aktivitet"))
    expected = _number(_arg(args, "minuter"), "minuter")
    vignette = suite.vignette(vignette_key)
    if written not in vignette.activities:
        raise _Invalid(f"vinjetten '{vignette_key}' har ingen aktivitet '{written}' (skriv den som i vinjetten)")
    result = _estimate(suite, vignette_key, key)
    line = result.lines[vignette.activities.index(written)]
    got = line.minutes_per_occasion
    text = (f"'{written}' under {key}: {_num(got) if got is not None else line.status} min per tillfälle "
            f"({line.reason}); förväntat {_num(expected)}")
    return got == expected, text, {"minuter": got}


_RUNNERS = {
    "nära_median": _near_median,
    "kostar": _costs,
    "samma_nivå": _same_band,
    "nivå": _band_is,
    "allt_mappat": _all_mapped,
    "tid_per_tillfälle": _time_per_occasion,
}


def run_suite(suite: Suite) -> list[Outcome]:
    try:
        suite.book  # noqa: B018 - load once, so a file error is reported once
    except SuiteError as error:
        return [Outcome(spec.name, False, f"{suite.path}: {error}", invalid=True) for spec in suite.tests]
    return [run_test(suite, spec) for spec in suite.tests]


def find_suites(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Suite files named or found below folders; and messages for paths that do not exist."""
    found, missing = [], []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(f"{path}: filen eller mappen finns inte")
    return list(dict.fromkeys(found)), missing


def run_paths(paths: Sequence[str | Path], out=None) -> int:
    """Run every suite under ``paths``, print a report, return the exit code (0 all passed, 1 not)."""
    import sys

    out = out or sys.stdout
    files, missing = find_suites(paths)
    for message in missing:
        print(message, file=out)
    if not files and not missing:
        print(f"inga sviter ({SUFFIX}) under: {', '.join(map(str, paths))}", file=out)
        return 1
    passed = failed = 0
    for file in files:
        try:
            suite = load_suite(file)
        except SuiteError as error:
            print(f"FEL  {error}", file=out)
            failed += 1
            continue
        print(f"{suite.path}: {suite.name}", file=out)
        for outcome in run_suite(suite):
            if outcome.ok:
                passed += 1
                print(f"  ok   {outcome.name}", file=out)
            else:
                failed += 1
                print(f"  FEL  {outcome.name}\n       {outcome.message}", file=out)
    print(f"{passed} gick igenom, {failed} misslyckades", file=out)
    return 1 if failed or missing else 0
