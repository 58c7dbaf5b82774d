"""The HTTP service under a bounded load on loopback, beside the same checks in-process.

Starts a real ``bistandsregler serve`` (Botkyrka's guideline and Kristianstad's table, one
worker unless ``--workers``) on a free 127.0.0.1 port, then, in rounds that alternate with
the in-process reference:

  * one decision posted to ``/v1/check``: a row of a delegation list, imported (what a case
    system's export holds), by 1, 8 and 32 concurrent clients, ``--n`` requests per level; and
    one with every field (``docs/exempel/beslut.json``: activities with frequencies, goals,
    dates, priced under the table), by 1 and 8 clients: throughput and p50/p99 latency. Each client is one keep-alive HTTP/1.1 connection driven by a small asyncio
    client in this process (httpx's own overhead per request is larger than the server's);
    every answer is read whole and its status checked. In-process: ``Checker.check`` and the
    result as JSON, one after the other (the work the server does besides HTTP);
  * a batch of ``--batch`` decisions (the list's sixteen and the two full ones, in turn) as NDJSON to ``/v1/check/batch`` (httpx),
    decisions per second, against reading the same lines with ``read_decisions``, checking them
    and writing each result as a JSON line in-process.

It stops after a fixed number of requests. The last line printed is a JSON object of the
figures. Targets: p99 under 10 ms for one decision at 8 clients; batch throughput at least
0.5x in-process.

    python benchmarks/http.py [--n 2000] [--batch 5000] [--rounds 3] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDELINE, TABLE = "guidelines/botkyrka", "guidelines/kristianstad"
SAMPLE = "examples/delegationslista-september-2025.tsv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    import httpx  # before the server starts: an import error must not leave it running

    process = subprocess.Popen([sys.executable, "-m", "bistandsregler", "serve", "--riktlinje", GUIDELINE,
                                "--schablon", TABLE, "--port", str(port), "--workers", str(workers)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve stopped with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("serve did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(10)


# ---- one decision, many clients ---------------------------------------------------------------


async def _client(port: int, request: bytes, count: int, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"answer: {head[:200]!r}")
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


def http_single(port: int, decision: dict, clients: int, n: int) -> dict:
    body = json.dumps(decision, ensure_ascii=False).encode()
    request = (b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    latencies: list[float] = []

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(_client(port, request, n // clients, latencies) for _ in range(clients)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    return {"per_second": len(latencies) / elapsed, **_percentiles(latencies)}


def _percentiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {"p50_ms": ordered[len(ordered) // 2] * 1000, "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000}


def inprocess_single(checker, decision: dict, n: int) -> dict:
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        json.dumps(checker.check(decision).to_json(), ensure_ascii=False)
        latencies.append(time.perf_counter() - t)
    return {"per_second": n / (time.perf_counter() - started), **_percentiles(latencies)}


# ---- the batch ------------------------------------------------------------------------------------


def batch_body(decisions: list[dict], n: int) -> bytes:
    lines = []
    for i in range(n):
        base = dict(decisions[i % len(decisions)], id=f"b{i}")
        base["decided_on"] = f"2025-{7 + i % 5:02d}-{1 + i % 28:02d}"
        lines.append(json.dumps(base, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def http_batch(port: int, body: bytes, n: int) -> float:
    import httpx

    started = time.perf_counter()
    with httpx.Client(timeout=600) as client:
        answer = client.post(f"http://127.0.0.1:{port}/v1/check/batch", content=body,
                             headers={"content-type": "application/x-ndjson"})
    elapsed = time.perf_counter() - started
    lines = answer.text.count("\n")
    if answer.status_code != 200 or lines != n:
        raise SystemExit(f"batch: {answer.status_code}, {lines} lines for {n}")
    return n / elapsed


def inprocess_batch(checker, body: bytes, n: int) -> float:
    from bistandsregler.checking.evaluation import results
    from bistandsregler.input.readers import read_decisions

    started = time.perf_counter()
    out = io.StringIO()
    for result in results(checker, read_decisions(io.BytesIO(body), "jsonl")):
        out.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    elapsed = time.perf_counter() - started
    assert out.getvalue().count("\n") == n
    return n / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per concurrency level and round")
    parser.add_argument("--batch", type=int, default=5000, help="decisions in the batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    # This file is named for what it measures, and so would stand in for the standard library's
    # ``http`` (httpx imports it) when run as a script, its folder first on the path: take it off.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "src"))
    import bistandsregler

    # A decision as a case system's delegation list gives it (the September list's first row,
    # imported), and one with every field (docs/exempel/beslut.json): activities with
    # frequencies, goals, dates, a justification, priced under the standard-time table.
    listed = [d.model_dump(mode="json", exclude_none=True)
              for d in bistandsregler.import_delegationslista(str(ROOT / SAMPLE)) if isinstance(d, bistandsregler.Decision)]
    full = json.loads((ROOT / "docs/exempel/beslut.json").read_text(encoding="utf-8"))
    kinds = {"listed": listed[0], "full": full[0]}
    checker = bistandsregler.compile(GUIDELINE, TABLE)
    body = batch_body(listed + full, args.batch)
    port = free_port()
    server = start_server(port, args.workers)
    levels = {"listed": (1, 8, 32), "full": (1, 8)}
    single: dict[str, list[dict]] = {}
    batch: dict[str, list[float]] = {"http": [], "inprocess": []}
    try:
        for decision in kinds.values():  # warm up: the first requests build caches
            http_single(port, decision, 8, 200)
            inprocess_single(checker, decision, 50)
        for _ in range(args.rounds):  # interleaved, so a busy moment of the machine hits both
            for kind, decision in kinds.items():
                n = args.n if kind == "listed" else max(args.n // 5, 64)
                single.setdefault(f"{kind}_inprocess", []).append(inprocess_single(checker, decision, n))
                for clients in levels[kind]:
                    single.setdefault(f"{kind}_http_{clients}", []).append(http_single(port, decision, clients, n))
            batch["inprocess"].append(inprocess_batch(checker, body, args.batch))
            batch["http"].append(http_batch(port, body, args.batch))
    finally:
        stop_server(server)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    summary: dict = {"requests_per_level": args.n, "rounds": args.rounds, "workers": args.workers,
                     "batch_decisions": args.batch, "cpus": os.cpu_count()}
    print(f"ett beslut (listed: {args.n} anrop per nivå och omgång, full: en femtedel; median av {args.rounds} omgångar):")
    for name, runs in single.items():
        rate, p50, p99 = median(runs, "per_second"), median(runs, "p50_ms"), median(runs, "p99_ms")
        worst = max(r["p99_ms"] for r in runs)
        print(f"  {name:<18} {rate:>9,.0f}/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms (sämsta omgång {worst:.2f} ms)")
        summary[f"single_{name}"] = {"per_second": round(rate), "p50_ms": round(p50, 3), "p99_ms": round(p99, 3),
                                     "p99_ms_worst_round": round(worst, 3)}
    http_rate, local_rate = statistics.median(batch["http"]), statistics.median(batch["inprocess"])
    ratio = http_rate / local_rate
    print(f"batch ({args.batch} beslut): http {http_rate:,.0f}/s, i processen {local_rate:,.0f}/s, kvot {ratio:.2f}")
    summary.update({"batch_http_per_second": round(http_rate), "batch_inprocess_per_second": round(local_rate),
                    "batch_ratio": round(ratio, 3),
                    "target_p99_8_clients_under_10ms": summary["single_listed_http_8"]["p99_ms"] < 10,
                    "target_batch_ratio_at_least_0_5": ratio >= 0.5})
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
