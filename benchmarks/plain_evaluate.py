"""The reference for the end-to-end benchmark: what a plain Python script does with the same
file, read JSON Lines, apply the nine reference rules (run.py's ``plain``), write JSON Lines.

    python benchmarks/plain_evaluate.py beslut.jsonl > koder.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import plain  # noqa: E402 - the benchmark folder is no package

# The generated decisions' insatser (realistic.py) as the workload's sixteen services.
SERVICE = {
    "Hemtjänst": "hemtjanst", "Trygghetslarm": "trygghetslarm", "Matdistribution": "matdistribution",
    "Ledsagning": "ledsagning", "Ledsagarservice": "ledsagning", "Boendestöd": "boendestod",
    "Dagverksamhet": "dagverksamhet", "Korttidsplats": "sarskilt_boende", "Särskilt boende": "sarskilt_boende",
    "Avlösning i hemmet": "avlosning", "Hemvårdsbidrag": "hemtjanst",
    "Serviceinsatser utan individuell behovsprövning": "hemtjanst", "Personlig assistans": "personlig_assistans",
    "Daglig verksamhet": "daglig_verksamhet", "Kontaktperson": "kontaktperson",
}


def flat(d: dict) -> dict:
    person = d.get("person") or {}
    scope = d.get("scope") or {}
    return {
        "insats": SERVICE[d["insats"]],
        "lag": "LSS" if "LSS" in d.get("lagrum", "") else "SoL",
        "ålder": int(d["decided_on"][:4]) - person.get("birth_year", 1950),
        "personkrets": person.get("personkrets") or [],
        "utfall": d["outcome"],
        "minuter_per_månad": round(scope.get("hours_per_month", 0) * 60),
        "antal_mål": len(d.get("goals") or []),
        "motivering": d.get("justification") or "",
        "nybeviljad": bool(d.get("new_grant")),
        "grundbehov_timmar_per_vecka": person.get("basic_needs_hours_per_week", 0),
    }


def main(path: str) -> None:
    out = sys.stdout
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            decision = json.loads(line)
            out.write(json.dumps({"id": decision["id"], "codes": plain(flat(decision))}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
