"""End to end at scale: ``bistandsregler evaluate`` against a plain Python script on the same file.

Generated realistic decisions (``realistic.py``: activities in text, goals and reasons in free
text) in JSON Lines, checked with Botkyrka's guideline and Kristianstad's standard-time table,
every built-in check on, results written as JSON Lines; the reference is ``plain_evaluate.py``
(read, the nine reference rules, write). Each run is its own process, as a user runs them,
the two alternating round by round so that the machine's noise falls on both; CPU time (user +
system) and peak memory come from the operating system for each child.

    python benchmarks/evaluate_scale.py [--n 100000] [--million] [--rounds 2] [--dir /tmp/bench]

Memory is flat when the peak at ``--n`` is that at a tenth of it. The last line printed is a
JSON object: decisions per second (by CPU time) for each, their ratio and the peaks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from realistic import write_jsonl  # noqa: E402 - the benchmark folder is no package


def run(command: list[str], output: Path) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, peak resident KiB) of one child process."""
    started = time.perf_counter()
    with open(output, "wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed ({os.waitstatus_to_exitcode(status)})")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="10^6 decisions (same as --n 1000000)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dir", default=None, help="where the generated files are kept between runs")
    args = parser.parse_args(argv)
    n = 1_000_000 if args.million else args.n
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bistandsregler-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    small_n = max(1, n // 10)
    files = {}
    for size in (n, small_n):
        files[size] = folder / f"beslut-{size}.jsonl"
        if not files[size].exists():
            write_jsonl(str(files[size]), size)

    python = sys.executable
    ours = [python, "-m", "bistandsregler", "evaluate", "--riktlinje", "guidelines/botkyrka", "--schablon",
            "guidelines/kristianstad", "--format", "jsonl", "--fail-on", "aldrig"]
    plain = [python, str(HERE / "plain_evaluate.py")]
    cpu = {"bistandsregler": 0.0, "plain_python": 0.0}
    wall = dict.fromkeys(cpu, 0.0)
    peak = dict.fromkeys(cpu, 0)
    for _ in range(args.rounds):
        for name, command in (("plain_python", plain), ("bistandsregler", ours)):
            seconds, elapsed, kib = run([*command, str(files[n])], folder / f"ut-{name}.jsonl")
            cpu[name] += seconds
            wall[name] += elapsed
            peak[name] = max(peak[name], kib)
    _, _, small_peak = run([*ours, str(files[small_n])], folder / "ut-small.jsonl")
    with open(folder / "ut-bistandsregler.jsonl", encoding="utf-8") as results:
        out = sum(1 for _ in results)
    if out != n:
        raise SystemExit(f"{n} beslut in, {out} resultat ut")

    rate = {name: n * args.rounds / seconds for name, seconds in cpu.items()}
    ratio = rate["bistandsregler"] / rate["plain_python"]
    print(f"beslut: {n}, omgångar: {args.rounds}, filer i {folder}")
    for name in cpu:
        print(f"  {name:<16} {rate[name]:>10,.0f} beslut/s (CPU)  {n * args.rounds / wall[name]:>10,.0f} beslut/s (vägg)"
              f"  högsta minne {peak[name] / 1024:.0f} MB")
    print(f"  bistandsregler / ren Python: {ratio:.3f}x; minne vid {small_n}: {small_peak / 1024:.0f} MB, "
          f"vid {n}: {peak['bistandsregler'] / 1024:.0f} MB")
    print(json.dumps({"decisions": n, "decisions_per_second_cpu": {k: round(v) for k, v in rate.items()},
                      "decisions_per_second_wall": {k: round(n * args.rounds / v) for k, v in wall.items()},
                      "ours_over_plain": round(ratio, 3),
                      "peak_rss_mb": {"bistandsregler": round(peak["bistandsregler"] / 1024),
                                      "bistandsregler_at_tenth": round(small_peak / 1024),
                                      "plain_python": round(peak["plain_python"] / 1024)}}, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
