"""The page of finding codes (``docs/developers/finding-codes.md``): every code of
``findings.CODES`` with its severity, field and messages, and the real finding the checker
gives on the example decision of ``tests/data/finding_examples.yaml`` marked ``page: true``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import examples
from .common import DOCS, HEADER_MD, NO_EXAMPLE, cell, checker, compile_call, results_of

FINDING_CODES_PAGE = DOCS / "developers" / "finding-codes.md"
EXEMPELKOMMUN = "docs/exempel/exempelkommun.riktlinje"
DATA_FILE = examples.DATA.relative_to(examples.ROOT).as_posix()


def _json_block(data, indent: int | None = 2) -> list[str]:
    return ["```json", json.dumps(data, ensure_ascii=False, indent=indent), "```"]


def finding_codes_page() -> str:
    from bistandsregler.checking.findings import CODES

    data = examples.load()
    lines = [
        HEADER_MD,
        "# Finding codes",
        "",
        "Every finding that `Checker.check` and `bistandsregler evaluate` give has one of these codes. "
        "The codes are a stable public interface: a case system may key on them. This page is "
        "generated from `findings.CODES` by `tools/gen_docs.py`, and each example below is the real "
        "output of the checker on the decision shown, so neither can drift from the code.",
        "",
        "- **Severity** is the default: `fel` (error), `varning` (warning) or `info`. A warning "
        "about a deviation from the guideline becomes an info when the decision has a "
        "`justification`.",
        "- **Field** is the decision field the finding concerns (`Finding.field`).",
        "- The messages are templates: `{name}` is filled in from the finding's arguments. "
        '`Finding.message()` gives Swedish, `Finding.message("en")` English.',
        "",
        "Each example shows one decision, the checker it was run on, and the one finding of that "
        "code as `Finding.to_json()` gives it (the decision's other findings, if any, are left "
        "out). Codes about time limits, follow-up and delegation need handling rules that no "
        "shipped guideline has; their examples use [Exempelkommun](#exempelkommun), a guideline "
        "written for this page.",
        "",
        "## Codes written by a guideline",
        "",
        "A guideline's general rules (`regel … när … då …`) give findings too. Their code is the "
        "rule's `kod` when it names one (Lomma's threshold rule uses "
        "[`omfattning.gransvarde`](#omfattning-gransvarde)), otherwise `riktlinje.<rule id>` "
        "(Botkyrka's `riktlinje.tidsbegransat_beslut`). Their message, severity, field and position "
        "come from the rule; `Finding.guideline` points at it.",
        "",
        "## All codes",
        "",
        "| Code | Severity | Field | What it means |",
        "|---|---|---|---|",
    ]
    for code, info in CODES.items():
        entry = data.codes.get(code)
        meaning = entry.meaning if entry else info.about
        first = _FIRST_SENTENCE.split(meaning)[0].rstrip(".") + "."
        field = f"`{info.field}`" if info.field else "–"
        lines.append(
            f"| [`{code}`](#{_code_anchor(code)}) | {info.severity} | {field} | {cell(first)} |"
        )
    lines.append("")

    current_group = None
    for code, info in CODES.items():
        group = code.split(".")[0]
        if group != current_group:
            lines += [f"## {_FINDING_GROUPS.get(group, group)}", ""]
            current_group = group
        entry = data.codes.get(code)
        example = entry.page if entry else None
        lines += [
            f"### `{code}` {{ #{_code_anchor(code)} }}",
            "",
            entry.meaning
            if entry and example
            else f"{NO_EXAMPLE} add `{code}` with a case marked `page: true` to {DATA_FILE}.",
            "",
            "| | |",
            "|---|---|",
            f"| Severity | {info.severity} |",
            f"| Field | {'`' + info.field + '`' if info.field else '–'} |",
            f"| Swedish message | `{cell(info.text.sv)}` |",
            f"| English message | `{cell(info.text.en)}` |",
            f"| Catalogue summary (Swedish) | {cell(info.about)} |",
            "",
        ]
        if example is None:
            continue
        found = [
            f
            for r in results_of(checker(example.checker), example.decision)
            for f in r.findings
            if f.code == code
        ]
        if isinstance(example.decision, str):
            lines += [
                "Input, a JSON Lines file `beslut.jsonl`:",
                "",
                "```json",
                example.decision.rstrip("\n"),
                "```",
            ]
        else:
            lines += ["Decision:", ""] + _json_block(example.decision, None)
        lines += ["", f"Checked with `{compile_call(example.checker)}`:", ""]
        if not found:
            lines += [
                f"{NO_EXAMPLE} this decision no longer gives `{code}`; change it in "
                f"{DATA_FILE}.",
                "",
            ]
            continue
        finding = found[0]
        lines += _json_block(finding.to_json())
        lines += ["", f"In English: {finding.message('en')}", ""]

    lines += [
        "## Exempelkommun { #exempelkommun }",
        "",
        "The examples of time limits, follow-up and delegation use this guideline. Exempelkommun "
        "does not exist; its periods are the ones the sources show most often.",
        "",
        '```riktlinje title="docs/exempel/exempelkommun.riktlinje"',
        f'--8<-- "exempel/{Path(EXEMPELKOMMUN).name}"',
        "```",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


_FINDING_GROUPS = {
    "lagrum": "Law references",
    "beslut": "The decision itself",
    "motivering": "Reasons",
    "omfattning": "Scope",
    "tid": "Time",
    "delegation": "Delegation",
    "mal": "Goals",
    "klassning": "Classification: SoL or LSS, personkrets, age",
    "riktlinje": "The guideline",
    "bedomning": "What could not be assessed",
    "indata": "Input",
}


# The end of a sentence, but not the full stop of "51 kap. SFB" or "t.ex. hemtjänst".
_FIRST_SENTENCE = re.compile(r"(?<!kap)(?<!t\.ex)\. (?=[A-Z`(\"])")


def _code_anchor(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def pages() -> dict[Path, str]:
    return {FINDING_CODES_PAGE: finding_codes_page()}
