"""Generated realistic decisions for the end-to-end benchmarks: a year of a municipality's
needs-assessed decisions as a case system exports them, in the decision schema.

Activities are written as case workers write them ("dusch 2 gg/v", "Städning var tredje
vecka", "inköp 1 gång per vecka"), goals and reasons are free text drawn from a few dozen
phrasings, and the insatser, law references, dates and people vary the way an export's do
(some old law references, some open-ended decisions, some not carried out). Deterministic
for a seed.

    python benchmarks/realistic.py --n 100000 -o beslut.jsonl [--parquet beslut.parquet]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta

# (insats as written, law references as written, weight)
INSATSER = [
    ("Hemtjänst", ["11 kap. 1 § SoL", "11 kap. 1 § SoL", "4 kap. 1 § SoL", "11 kap 1§ SoL"], 40),
    ("Trygghetslarm", ["11 kap. 1 § SoL"], 10),
    ("Matdistribution", ["11 kap. 1 § SoL"], 6),
    ("Ledsagning", ["11 kap. 1 § SoL"], 4),
    ("Ledsagarservice", ["11 kap. 1 § SoL", "9 § 3 LSS"], 3),
    ("Boendestöd", ["11 kap. 1 § SoL"], 5),
    ("Dagverksamhet", ["11 kap. 1 § SoL"], 4),
    ("Korttidsplats", ["11 kap. 1 § SoL"], 4),
    ("Särskilt boende", ["11 kap. 1 § SoL", "4 kap. 1 § SoL"], 8),
    ("Avlösning i hemmet", ["11 kap. 1 § SoL"], 3),
    ("Hemvårdsbidrag", ["11 kap. 4 § SoL"], 2),
    ("Serviceinsatser utan individuell behovsprövning", ["11 kap. 5 § SoL"], 3),
    ("Personlig assistans", ["9 § 2 LSS"], 3),
    ("Daglig verksamhet", ["9 § 10 LSS"], 3),
    ("Kontaktperson", ["9 § 4 LSS", "11 kap. 1 § SoL"], 2),
]
ACTIVITIES = ["dusch", "Dusch", "städning", "Städ", "inköp", "tvätt", "promenad", "morgonhjälp", "kvällshjälp",
              "tillsyn", "bäddning", "renbäddning", "fönsterputs", "matdistribution", "apoteksärende",
              "natthjälp", "middagshjälp", "ledsagning", "egenvård", "disk/sopor"]
FREQUENCIES = ["1 gg/v", "2 gg/v", "2ggr/v", "1 gång per vecka", "2 gånger per vecka", "varannan vecka",
               "var tredje vecka", "1gg/3:e v", "dagligen", "7 gg/v", "2 ggr/dag", "3 gånger i veckan",
               "1 gång per år", "varje dag", "4 tim/mån", "30 min per tillfälle 2 gg/v", "sju besök per dag"]
GOALS = [
    ("Ska kunna duscha på egen hand två gånger i veckan", True),
    ("Känna trygghet i hemmet", True),
    ("Skäliga levnadsförhållanden", None),
    ("Kunna bo kvar i sin lägenhet", True),
    ("Delta i dagverksamhetens aktiviteter tre dagar i veckan", False),
    ("Leva ett självständigt liv", None),
    ("Handla själv med stöd av personal en gång i veckan", True),
]
JUSTIFICATIONS = [
    "Utifrån utredningen bedöms behovet inte kunna tillgodoses på annat sätt.",
    "Den enskilde har behov av stöd med personlig omvårdnad efter en fallolycka.",
    "Behovet bedöms tillgodosett.",
    "Ej behov",
    "Avslag på ansökan om särskilt boende eftersom behovet kan tillgodoses genom hemtjänst.",
    "Behovet kan tillgodoses på annat sätt.",
    "Du har ansökt om korttidsplats. Behovet kan tillgodoses genom avlösning i hemmet som beviljas.",
    "Den enskilde klarar sin personliga hygien men behöver hjälp med städning och inköp.",
]
ROLES = ["handläggare", "Biståndshandläggare", "enhetschef", "nämnd"]
START = date(2025, 7, 1)  # Botkyrka's guideline of 2025 is in force from this day


def decisions(n: int, seed: int = 1) -> Iterator[dict]:
    rng = random.Random(seed)
    names = [i for i, _, _ in INSATSER]
    weights = [w for _, _, w in INSATSER]
    laws = {i: refs for i, refs, _ in INSATSER}
    for i in range(n):
        insats = rng.choices(names, weights)[0]
        decided = START + timedelta(days=rng.randrange(365))
        outcome = rng.choices(("bifall", "delvis_bifall", "avslag"), (75, 10, 15))[0]
        person: dict = {"birth_year": rng.randint(1925, 2005), "sex": rng.choice(("kvinna", "man", "kvinna"))}
        if rng.random() < 0.1:
            person["personkrets"] = [rng.choice((1, 2, 3))]
        if rng.random() < 0.3:
            person["household"] = rng.choice((1, 2, 2, 3))
        if insats == "Personlig assistans":
            person["basic_needs_hours_per_week"] = rng.randint(5, 40)
        record: dict = {
            "id": f"B{i:07d}",
            "decided_on": decided.isoformat(),
            "decided_by": {"id": f"H-{rng.randint(100, 160)}", "role": rng.choice(ROLES)},
            "person": person,
            "insats": insats,
            "lagrum": rng.choice(laws[insats]),
            "outcome": outcome,
            "new_grant": rng.random() < 0.4,
        }
        if outcome != "avslag":
            activities = [{"text": f"{rng.choice(ACTIVITIES)} {rng.choice(FREQUENCIES)}"}
                          for _ in range(rng.choice((0, 1, 2, 3, 4)) if insats == "Hemtjänst" else rng.choice((0, 0, 1)))]
            scope: dict = {"hours_per_month": round(rng.uniform(0, 140), 1)}
            if activities:
                scope["activities"] = activities
            record["scope"] = scope
            record["valid_from"] = (decided + timedelta(days=rng.choice((-3, 0, 0, 1, 7)))).isoformat()
            if rng.random() < 0.8:
                record["valid_until"] = (decided + timedelta(days=rng.choice((90, 180, 365, 400)))).isoformat()
            elif rng.random() < 0.5:
                record["valid_until"] = "tills_vidare"
            record["follow_up_on"] = (decided + timedelta(days=rng.choice((60, 90, 170, 420)))).isoformat()
            if rng.random() < 0.9:
                record["executed_on"] = (decided + timedelta(days=rng.choice((3, 10, 30, 120)))).isoformat()
            goals = []
            for text, accepted in rng.sample(GOALS, rng.choice((0, 1, 1, 2))):
                goal: dict = {"text": text}
                if accepted is not None:
                    goal["accepted"] = accepted
                if rng.random() < 0.7:
                    goal["due"] = (decided + timedelta(days=180)).isoformat()
                goals.append(goal)
            record["goals"] = goals
        if outcome != "bifall" or rng.random() < 0.5:
            record["justification"] = rng.choice(JUSTIFICATIONS)
        yield record


def write_jsonl(path: str, n: int, seed: int = 1) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for record in decisions(n, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True)
    write_jsonl(parser.parse_args().output, parser.parse_args().n, parser.parse_args().seed)


if __name__ == "__main__":
    main()
