"""Time the free-text paths on long texts: is each linear? (A measurement, not a test.)

    python benchmarks/text_paths.py [--words 1000,4000,16000,32000]

For each size it times ``units.split_activities`` and ``split_activity`` (goals, reasons,
activities), a delegation list's reasons cell (``activities_from_text``) and a Beslut cell
(``split_beslut``), and a whole decision through ``Checker.check``. A linear path takes about
twice as long for twice the words.
"""

from __future__ import annotations

import argparse
import time

from bistandsregler.checking.evaluation import compile
from bistandsregler.input.delegationslista import BeslutError, activities_from_text, split_beslut
from bistandsregler.language.units import split_activities, split_activity

# Words with quantities and separators, and words with none (every word a place a quantity
# might start: the case that was quadratic).
MIXED = "dusch 2 gg/v, städ 1 gång per vecka och promenad med hemtjänst varje dag i lägenheten".split()
PLAIN = "den enskilde vill kunna klara sin vardag i hemmet med stöd av personal".split()


def text_of(words: int, vocabulary: list[str]) -> str:
    return " ".join(vocabulary[i % len(vocabulary)] for i in range(words))


def timed(function, *args) -> float:
    start = time.perf_counter()
    try:
        function(*args)
    except BeslutError:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", default="1000,4000,16000,32000")
    sizes = [int(n) for n in parser.parse_args().words.split(",")]
    checker = compile()
    print(f"{'words':>7} {'text':>5} {'chars':>8} {'split_activities':>17} {'split_activity':>15} {'reasons cell':>13} "
          f"{'Beslut cell':>12} {'check()':>8}")
    for words, (kind, vocabulary) in ((w, v) for w in sizes for v in (("mixed", MIXED), ("plain", PLAIN))):
        text = text_of(words, vocabulary)
        decision = {"id": "x", "decided_on": "2024-03-01", "insats": "Hemtjänst", "lagrum": "4 kap. 1 § SoL",
                    "outcome": "bifall", "justification": text[:100_000], "goals": [{"text": text[:100_000]}]}
        print(f"{words:>7} {kind:>5} {len(text):>8} {timed(split_activities, text):>16.2f}s {timed(split_activity, text):>14.2f}s "
              f"{timed(activities_from_text, text):>12.2f}s {timed(split_beslut, 'Bifall ' + text):>11.2f}s "
              f"{timed(checker.check, decision):>7.2f}s")


if __name__ == "__main__":
    main()
