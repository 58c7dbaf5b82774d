"""Parsing speed: ``validate guidelines/`` from a cold process, and a 1,000-rule guideline.

    python benchmarks/parsing.py [--rounds 7]

1. ``bistandsregler validate guidelines/`` as new processes, the variants interleaved round by
   round so that a busy machine slows them alike:
     * ``python``: ``python -c pass``, the interpreter's own start, the floor;
     * ``warm``: the disk cache filled (the usual run: nothing changed since the last one);
     * ``tables``: only the lark tables cached (every file edited since the last run);
     * ``uncached``: ``BISTANDSREGLER_CACHE=0``, everything built and parsed.
   Bytecode is written once before timing (a source checkout run with
   PYTHONDONTWRITEBYTECODE would otherwise compile the package on every start).
2. A generated guideline of 1,000 rules parsed and checked in this process (``read``), the
   disk cache off so the parser really runs: with the garbage collector paused during the
   parse (as shipped) and, interleaved, with it running (the reference), and lark's own share.

The last line printed is a JSON object of the figures (milliseconds, medians).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def run_once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} exited {done.returncode}")
    return elapsed


def cold_validate(rounds: int) -> dict[str, float]:
    cache = Path(tempfile.mkdtemp(prefix="bistandsregler-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "BISTANDSREGLER_CACHE")}
    env["XDG_CACHE_HOME"] = str(cache)
    validate = [sys.executable, "-m", "bistandsregler", "validate", "guidelines/"]
    variants = {
        "python": ([sys.executable, "-c", "pass"], env, None),
        "warm": (validate, env, None),
        "tables": (validate, env, ("parsed", "validated")),
        "uncached": (validate, {**env, "BISTANDSREGLER_CACHE": "0"}, None),
    }
    try:
        run_once(validate, env)  # bytecode written, cache filled
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, (command, variant_env, cleared) in variants.items():
                for section in cleared or ():
                    for folder in cache.rglob(section):
                        shutil.rmtree(folder)
                times[name].append(run_once(command, variant_env))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {name: statistics.median(values) for name, values in times.items()} | {
        f"{name}_min": min(values) for name, values in times.items()}


def thousand_rules_text() -> str:
    lines = ['riktlinje stor "1 000 regler"', "  gäller från 2025-01-01", "  bygger på nationell", "slut", ""]
    for i in range(1000):
        lines += [f'regel r{i} "Regel {i}"', f"  när insats = hemtjänst och timmar_per_månad > {i} och ålder >= 65",
                  f'  då varning "Regel {i}"', "slut", ""]
    return "\n".join(lines)


def thousand_rules(rounds: int) -> dict[str, float]:
    os.environ["BISTANDSREGLER_CACHE"] = "0"  # the parser must run every time
    from bistandsregler.language import parsing
    from bistandsregler.rules import reading
    from bistandsregler.rules.loading import read

    shipped_pause = parsing._collector_paused
    text = thousand_rules_text()
    times: dict[str, list[float]] = {"paused": [], "collecting": [], "lark": []}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stor.riktlinje"
        path.write_text(text, encoding="utf-8")
        book = read([path])
        assert not [d for d in book.diagnostics if d.severity.value == "fel"], "the generated guideline must be clean"
        assert len(book.guidelines[-1].rules) == 1000
        parsing.parser("riktlinje").parse(text + "\n")  # tables built before timing
        for _ in range(rounds):
            for name, pause in (("paused", shipped_pause), ("collecting", contextlib.nullcontext)):
                parsing._collector_paused = pause  # type: ignore[assignment]
                for key in [k for k in reading._PARSED if k[1] == str(path)]:
                    del reading._PARSED[key]  # the national layer stays parsed: the timing is of the 1,000 rules
                start = time.perf_counter()
                read([path])
                times[name].append((time.perf_counter() - start) * 1000)
            parsing._collector_paused = shipped_pause
            with shipped_pause():
                start = time.perf_counter()
                parsing.parser("riktlinje").parse(text + "\n")
                times["lark"].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def cpu_reference(rounds: int) -> float:
    """A fixed pure-Python loop, in ms, measured before and after the rest: how slow this
    machine is right now, to set the other figures against when comparing runs or machines."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    before = cpu_reference(args.rounds)
    cold = cold_validate(args.rounds)
    big = thousand_rules(args.rounds)
    reference = statistics.median([before, cpu_reference(args.rounds)])
    print(f"validate guidelines/ från en ny process (median av {args.rounds}, ms):")
    print(f"  python -c pass {cold['python']:.0f}; med fylld cache {cold['warm']:.0f}; "
          f"bara tabellerna cachade {cold['tables']:.0f}; utan cache {cold['uncached']:.0f}")
    print(f"1 000 regler läses och kontrolleras på {big['paused']:.0f} ms "
          f"(med skräpsamlaren igång {big['collecting']:.0f} ms; lark {big['lark']:.0f} ms)")
    print(f"referensslingan (1 000 000 kvadrater i ren Python) {reference:.0f} ms")
    summary = {
        "cpu_reference_ms": round(reference, 1),
        "validate_cold_warm_cache_ms": round(cold["warm"], 1),
        "validate_cold_warm_cache_min_ms": round(cold["warm_min"], 1),
        "validate_cold_tables_only_ms": round(cold["tables"], 1),
        "validate_cold_uncached_ms": round(cold["uncached"], 1),
        "python_start_ms": round(cold["python"], 1),
        "thousand_rules_ms": round(big["paused"], 1),
        "thousand_rules_gc_running_ms": round(big["collecting"], 1),
        "thousand_rules_lark_ms": round(big["lark"], 1),
        "rounds": args.rounds,
    }
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
