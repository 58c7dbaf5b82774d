"""The reference benchmark: nine rules over generated decisions (shared/bench-workload.md).

Runs, in one process on the same records:
  * bistandsregler: the rules of ``nio-regler.riktlinje`` compiled by ``bistandsregler.compile``,
    through ``Checker.check_facts`` (full findings: code, severity, message, rule position,
    the values compared);
  * plain Python: the same nine rules written by hand, returning the codes;
  * zen-engine (GoRules, Rust core) and rule-engine, the packages a user would otherwise pick,
    when installed (``pip install -e '.[bench]'``).
First it checks that bistandsregler's findings equal plain Python's on every record: the code,
the severity and the values compared (``expected``), not the codes alone.
The last line printed is a JSON object with decisions per second for each.

    python benchmarks/run.py [--n 100000] [--peers 5000]

Peers are slower by orders of magnitude, so they run on a prefix of the records (``--peers``);
decisions per second is comparable across sizes. For the peers each record also carries its
service's attributes (allowed laws, standard minutes, LSS counterpart), looked up before the
timing starts: that favours the peers, since ours and plain Python look them up per decision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# service: (allowed laws, standard minutes per month, has an LSS counterpart)
SERVICES = {
    "hemtjanst": (("SoL",), 1800, False), "stadning": (("SoL",), 120, False), "inkop": (("SoL",), 180, False),
    "dusch": (("SoL",), 260, False), "promenad": (("SoL",), 130, False), "trygghetslarm": (("SoL",), 0, False),
    "matdistribution": (("SoL",), 0, False), "boendestod": (("SoL",), 600, False),
    "dagverksamhet": (("SoL",), 0, False), "sarskilt_boende": (("SoL",), 0, False),
    "ledsagning": (("SoL", "LSS"), 480, True), "avlosning": (("SoL", "LSS"), 480, True),
    "kontaktperson": (("SoL", "LSS"), 240, True), "personlig_assistans": (("LSS",), 0, False),
    "daglig_verksamhet": (("LSS",), 0, False), "bostad_sarskild_service": (("LSS",), 0, False),
}
OUTCOMES = ("bifall", "delvis_bifall", "avslag")


def generate(n: int, seed: int = 1) -> list[dict]:
    """Flat decision records, in the field names of the rule language."""
    rng = random.Random(seed)
    services = list(SERVICES)
    records = []
    for i in range(n):
        krets = rng.choice((0, 0, 0, 1, 2, 3))
        records.append({
            "id": str(i),
            "insats": rng.choice(services),
            "lag": rng.choice(("SoL", "SoL", "LSS")),
            "ålder": rng.randint(18, 99),
            "personkrets": [krets] if krets else [],
            "utfall": rng.choice(OUTCOMES),
            "minuter_per_månad": rng.randint(0, 9000),
            "antal_mål": rng.choice((0, 1, 2, 3)),
            "motivering": rng.choice(("", "Motiverat utifrån utredningen.")),
            "nybeviljad": rng.random() < 0.3,
            "grundbehov_timmar_per_vecka": rng.randint(0, 40),
        })
    return records


def plain(r: dict) -> list[str]:
    """The nine rules, by hand."""
    laws, standard, counterpart = SERVICES[r["insats"]]
    out = []
    if r["lag"] not in laws:
        out.append("bench.law_mismatch")
    if standard > 0 and r["minuter_per_månad"] > 1.2 * standard and not r["motivering"]:
        out.append("bench.over_standard")
    if r["utfall"] in ("bifall", "delvis_bifall") and r["antal_mål"] == 0:
        out.append("bench.missing_goal")
    if r["utfall"] in ("avslag", "delvis_bifall") and not r["motivering"]:
        out.append("bench.missing_justification")
    if r["lag"] == "LSS" and r["ålder"] >= 65 and r["nybeviljad"]:
        out.append("bench.lss_after_65")
    if r["lag"] == "SoL" and r["personkrets"] and counterpart and r["ålder"] < 65:
        out.append("bench.could_be_lss")
    if r["insats"] == "personlig_assistans" and r["grundbehov_timmar_per_vecka"] > 20:
        out.append("bench.lass_candidate")
    if r["insats"] == "boendestod" and r["ålder"] >= 65:
        out.append("bench.boendestod_age")
    if r["insats"] == "hemtjanst" and r["minuter_per_månad"] > 7200:
        out.append("bench.large_homecare")
    return out


# What each rule reports beside its code, by hand: its severity ("warning" rules become info
# when the decision carries a justification) and the fields it compares.
SEVERITY = {"bench.law_mismatch": "fel", "bench.missing_justification": "fel"}
COMPARED = {
    "bench.law_mismatch": ("lag", "tillåtna_lagar"),
    "bench.over_standard": ("minuter_per_månad", "motivering", "normal_minuter_per_månad"),
    "bench.missing_goal": ("antal_mål", "utfall"),
    "bench.missing_justification": ("motivering", "utfall"),
    "bench.lss_after_65": ("lag", "nybeviljad", "ålder"),
    "bench.could_be_lss": ("lag", "motsvarighet", "personkrets", "ålder"),
    "bench.lass_candidate": ("grundbehov_timmar_per_vecka", "insats"),
    "bench.boendestod_age": ("insats", "ålder"),
    "bench.large_homecare": ("insats", "minuter_per_månad"),
}


def expected(r: dict) -> list[tuple]:
    """Plain Python's findings in full: (code, severity, values compared), sorted."""
    laws, standard, counterpart = SERVICES[r["insats"]]
    known = {**r, "tillåtna_lagar": sorted(laws), "normal_minuter_per_månad": standard or None,
             "motsvarighet": r["insats"] if counterpart else None}
    out = []
    for code in plain(r):
        severity = SEVERITY.get(code) or ("info" if r["motivering"] else "varning")
        out.append((code, severity, {name: known[name] for name in COMPARED[code]}))
    return sorted(out, key=lambda finding: finding[0])


def ours_in_full(findings) -> list[tuple]:
    return sorted(((f.code, f.severity.value, f.values) for f in findings), key=lambda finding: finding[0])


def enriched(records: list[dict]) -> list[dict]:
    """ASCII keys and the service's attributes, for the peers (done before timing)."""
    out = []
    for r in records:
        laws, standard, counterpart = SERVICES[r["insats"]]
        out.append({"service": r["insats"], "law": r["lag"], "age": r["ålder"],
                    "personkrets": r["personkrets"][0] if r["personkrets"] else 0, "outcome": r["utfall"],
                    "minutes": r["minuter_per_månad"], "goals": r["antal_mål"],
                    "justified": bool(r["motivering"]), "first_lss": r["nybeviljad"],
                    "basic_needs": r["grundbehov_timmar_per_vecka"], "allowed": list(laws),
                    "standard": standard, "counterpart": counterpart})
    return out


PEER_RULES = {  # the same nine rules in the syntax rule-engine and zen-engine share closely enough
    "bench.law_mismatch": "not (law in allowed)",
    "bench.over_standard": "standard > 0 and minutes > 1.2 * standard and not justified",
    "bench.missing_goal": "(outcome == 'bifall' or outcome == 'delvis_bifall') and goals == 0",
    "bench.missing_justification": "(outcome == 'avslag' or outcome == 'delvis_bifall') and not justified",
    "bench.lss_after_65": "law == 'LSS' and age >= 65 and first_lss",
    "bench.could_be_lss": "law == 'SoL' and personkrets > 0 and counterpart and age < 65",
    "bench.lass_candidate": "service == 'personlig_assistans' and basic_needs > 20",
    "bench.boendestod_age": "service == 'boendestod' and age >= 65",
    "bench.large_homecare": "service == 'hemtjanst' and minutes > 7200",
}


def rule_engine_runner():
    import rule_engine

    rules = [(code, rule_engine.Rule(text)) for code, text in PEER_RULES.items()]
    return lambda r: [code for code, rule in rules if rule.matches(r)]


def zen_runner():
    import zen

    expressions = [{"id": f"e{i}", "key": code.replace(".", "_"), "value": text.replace("==", "==")}
                   for i, (code, text) in enumerate(PEER_RULES.items())]
    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
            {"id": "rules", "type": "expressionNode", "name": "rules", "position": {"x": 100, "y": 0},
             "content": {"expressions": expressions}},
            {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 200, "y": 0}},
        ],
        "edges": [{"id": "a", "sourceId": "in", "targetId": "rules", "type": "edge"},
                  {"id": "b", "sourceId": "rules", "targetId": "out", "type": "edge"}],
    }
    decision = zen.ZenEngine().create_decision(json.dumps(content))
    codes = {code.replace(".", "_"): code for code in PEER_RULES}
    return lambda r: [codes[k] for k, v in decision.evaluate(r)["result"].items() if v is True]


def thousand_rules(offset: int = 0) -> str:
    """A generated guideline of 1,000 rules, clean; ``offset`` changes every limit (a new text)."""
    lines = ['riktlinje stor "1 000 regler"', "  gäller från 2025-01-01", "  bygger på nationell", "slut", ""]
    for i in range(1000):
        lines += [f'regel r{i} "Regel {i}"',
                  f"  när insats = hemtjänst och timmar_per_månad > {i + offset} och ålder >= 65",
                  f'  då varning "Regel {i}"', "slut", ""]
    return "\n".join(lines)


def parse_thousand_rules() -> float:
    """Milliseconds to parse and check a generated guideline of 1,000 rules."""
    import tempfile

    from bistandsregler.rules.loading import read

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stor.riktlinje"
        path.write_text(thousand_rules(), encoding="utf-8")
        read([])  # the national layer once, so the timing is of the 1,000 rules
        start = time.perf_counter()
        book = read([path])
        elapsed = (time.perf_counter() - start) * 1000
    assert not [d for d in book.diagnostics if d.severity.value == "fel"], "the generated guideline must be clean"
    return elapsed


def streamed_peak_kib(checker, n: int) -> float:
    """Peak traced memory while streaming ``n`` decisions through ``check_many``: flat means O(1)."""
    import tracemalloc

    def decisions():
        for i in range(n):
            yield {"id": str(i), "decided_on": "2025-09-01", "insats": "Hemtjänst", "lagrum": "11 kap. 1 § SoL",
                   "outcome": "bifall", "person": {"birth_year": 1930 + i % 60}, "goals": []}

    tracemalloc.start()
    for _ in checker.check_many(decisions()):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024


def timed(fn, records, repeat: int = 3) -> float:
    """Best of ``repeat`` runs, in decisions per second."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for r in records:
            fn(r)
        best = min(best, time.perf_counter() - start)
    return len(records) / best


def interleaved(functions: dict, records, repeat: int = 3, chunk: int = 1000) -> dict[str, float]:
    """Decisions per second of each function, run chunk by chunk in turn (the best of ``repeat``
    per chunk), so that the machine's noise falls on all of them alike."""
    total = dict.fromkeys(functions, 0.0)
    for start in range(0, len(records), chunk):
        part = records[start:start + chunk]
        for name, fn in functions.items():
            best = float("inf")
            for _ in range(repeat):
                began = time.perf_counter()
                for r in part:
                    fn(r)
                best = min(best, time.perf_counter() - began)
            total[name] += best
    return {name: len(records) / seconds for name, seconds in total.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--peers", type=int, default=5_000)
    args = parser.parse_args(argv)

    import bistandsregler

    started = time.perf_counter()
    rules = HERE / "nio-regler.riktlinje"
    checker = bistandsregler.compile(book=bistandsregler.load(rules, national=False))
    compile_seconds = time.perf_counter() - started
    records = generate(args.n)

    # Same answers first: every record, every finding's code, severity and values compared.
    mismatches = 0
    for r in records:
        ours = ours_in_full(checker.check_facts(r))
        if ours != expected(r):
            mismatches += 1
            if mismatches <= 5:
                print(f"skillnad i post {r['id']}: {ours} != {expected(r)}", file=sys.stderr)
    if mismatches:
        print(f"{mismatches} poster skiljer sig från ren Python", file=sys.stderr)
        return 1

    results = interleaved({"bistandsregler": checker.check_facts, "plain_python": plain}, records)
    first = checker.check_facts(records[0]) or checker.check_facts(records[1])
    if first:  # findings carry everything a person needs: render one fully to prove it
        first[0].message(), first[0].to_json()
    peers = enriched(records[: args.peers])
    for name, make in (("rule_engine", rule_engine_runner), ("zen_engine", zen_runner)):
        try:
            runner = make()
        except ImportError:
            results[name] = None
            continue
        wrong = sum(sorted(runner(p)) != sorted(plain(r)) for p, r in zip(peers, records, strict=False))
        if wrong:
            print(f"{name}: {wrong} poster skiljer sig från ren Python", file=sys.stderr)
        results[name] = timed(runner, peers, repeat=1)

    # One decision, end to end, while a case worker waits: the full Decision path.
    single = bistandsregler.compile("guidelines/botkyrka" if Path("guidelines/botkyrka").is_dir() else None)
    decision = {"id": "x", "decided_on": "2025-09-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL",
                "outcome": "bifall", "person": {"birth_year": 1940}, "goals": []}
    single.check(decision)
    n_single = 2000
    start = time.perf_counter()
    for _ in range(n_single):
        single.check(decision)
    latency_us = (time.perf_counter() - start) / n_single * 1e6

    parse_ms = parse_thousand_rules()
    streamed_peak_kib(single, 500)  # warm the memoised look-ups first: they are per guideline, not per decision
    memory = {n: streamed_peak_kib(single, n) for n in (2_000, 20_000)}

    print(f"beslut: {args.n} (peers: {len(peers)}), kompilering: {compile_seconds * 1000:.0f} ms")
    print(f"  1 000 regler läses och kontrolleras på {parse_ms:.0f} ms")
    print("  minne i flödet (högsta, KiB): " + ", ".join(f"{n} beslut: {kib:.0f}" for n, kib in memory.items()))
    for name, rate in results.items():
        print(f"  {name:<16} {'–' if rate is None else f'{rate:>12,.0f} beslut/s'}")
    ratio = results["plain_python"] / results["bistandsregler"]
    print(f"  ren Python / bistandsregler: {ratio:.2f}x; ett helt beslut (Decision): {latency_us:.0f} µs")
    summary = {name: (round(rate) if rate else None) for name, rate in results.items()}
    summary.update({"parse_1000_rules_ms": round(parse_ms), "stream_peak_kib": {str(k): round(v) for k, v in memory.items()}})
    summary.update({"decisions": args.n, "plain_over_ours": round(ratio, 3),
                    "single_decision_latency_us": round(latency_us, 1), "compile_ms": round(compile_seconds * 1000)})
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
