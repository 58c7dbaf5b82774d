"""The audit page (in Swedish): what ``import delegationslista`` and ``evaluate`` print for the
sample delegation list, how each of its rows was read, and the SoL insatser that have an LSS
counterpart."""

from __future__ import annotations

from pathlib import Path

from .common import (
    GENERATED,
    OUTPUT,
    ROOT,
    SAMPLE,
    cell,
    checker,
    in_folder,
    run_cli,
    table,
    transcript,
)


def sample_outputs() -> dict[Path, str]:
    """What ``import delegationslista`` and ``evaluate`` print for the sample."""
    args = ["import", "delegationslista", SAMPLE]
    _, out, err = run_cli(args)
    files = {OUTPUT / "delegationslista-exempel.import.txt": transcript(args, out, err)}
    args = ["evaluate", "--riktlinje", "guidelines/botkyrka", SAMPLE]
    _, out, _ = run_cli(args)
    files[OUTPUT / "delegationslista-exempel.evaluate.txt"] = transcript(args, out)
    return files


def lss_counterparts_fragment() -> str:
    """The SoL insatser of the national layer that have an LSS counterpart (klassning.lss_mojlig)."""
    insatser = checker("nationell").lookups(None).insatser
    rows = []
    for insats in insatser.values():
        if not insats.lss_counterpart or insats.lss_counterpart not in insatser:
            continue
        other = insatser[insats.lss_counterpart]
        aliases = ", ".join(insats.aliases) or "–"
        citations = ", ".join(c.ref.canonical() for c in other.citations) or "–"
        rows.append(
            f"| {cell(insats.name or insats.id)} | {cell(aliases)} | {cell(other.name or other.id)} "
            f"| {cell(citations)} |"
        )
    return table("| Insats enligt SoL | Kallas också | Motsvarighet enligt LSS | Lagrum |", rows)


def delegation_rows_fragment() -> str:
    """How each row of the sample delegation list was read: outcome, insats, law reference."""
    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import InputError
    from bistandsregler.language.lagrum import try_parse_lagrum

    botkyrka = checker("botkyrka")
    how_sv = {
        "exakt": "exakt",
        "alias": "känt namn",
        "förkortning": "förkortning",
        "ungefärlig": "ungefärlig",
    }
    rows = []
    with in_folder(ROOT):
        records = list(import_delegationslista(SAMPLE))
    for record in records:
        if isinstance(record, InputError):
            rows.append(f"| {record.record} | fel: {cell(str(record.message))} | | | | |")
            continue
        guideline = botkyrka.layer_for(record.decided_on)
        ref = try_parse_lagrum(record.lagrum) if record.lagrum else None
        lookups = botkyrka.lookups(guideline)
        resolution = lookups.resolve_insats(record.insats, ref.law if ref else None)
        if resolution.id:
            name = lookups.insatser[resolution.id].name or resolution.id
            insats = f"{name} ({how_sv.get(resolution.how, resolution.how)})"
        else:
            insats = "okänd"
        line = record.source.rsplit(":", 1)[-1] if record.source else "?"
        rows.append(
            f"| {line} | {record.outcome} | {cell(record.insats or '–')} | {cell(insats)} "
            f"| {cell(record.lagrum or '–')} | {cell(ref.canonical() if ref else '–')} |"
        )
    return table(
        "| Rad | Utfall | Insats som skriven | Tolkad som | Lagrum som skrivet | Tolkat som |", rows
    )


def pages() -> dict[Path, str]:
    return {
        **sample_outputs(),
        GENERATED / "granskning-rader.md": delegation_rows_fragment(),
        GENERATED / "lss-motsvarigheter.md": lss_counterparts_fragment(),
    }
