"""Section 1, overview: findings by code, insats, month and decision-maker.

Every rate is shown with its count and its denominator: the decisions in the group. A decision
counts once per code however many findings of that code it has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from bistandsregler.audit.records import UNKNOWN, Dataset, Record
from bistandsregler.audit.report import Column, Row, Section, Table, TraceBook
from bistandsregler.language.messages import Severity, Text


def rate(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def overview(data: Dataset, traces: TraceBook, lang: str = "sv") -> Section:
    def t(sv: str, en: str) -> str:
        return Text(sv, en).render(lang)

    records = data.records
    n = len(records)
    by_code: dict[tuple[Severity, str], list[Record]] = defaultdict(list)
    for record in records:
        for severity, code in sorted({(f.severity, f.code) for f in record.result.findings}, key=lambda k: (k[0].rank, k[1])):
            by_code[(severity, code)].append(record)
    rows = []
    for (severity, code), found in sorted(by_code.items(), key=lambda kv: (kv[0][0].rank, -len(kv[1]), kv[0][1])):
        trace = traces.add(f"kod:{code}:{severity.value}", f"{severity.render(lang)} {code}", [r.ref() for r in found])
        rows.append(Row(cells=[code, severity.render(lang), len(found), n, rate(len(found), n)], trace=trace))
    codes = Table(
        id="fynd_per_kod", title=t("Fynd per kod", "Findings by code"),
        note=t(f"Antal beslut med minst ett fynd av koden, av {n} granskade beslut.",
               f"Decisions with at least one finding of the code, of {n} decisions audited."),
        columns=[Column(key="kod", label=t("kod", "code")), Column(key="niva", label=t("nivå", "severity")),
                 Column(key="beslut", label=t("beslut", "decisions"), kind="count"),
                 Column(key="av", label=t("av", "of"), kind="count"),
                 Column(key="andel", label=t("andel", "rate"), kind="rate")],
        rows=rows,
    )
    tables = [codes]
    groupings: list[tuple[str, str, Callable[[Record], str]]] = [
        ("per_insats", t("Per insats", "By insats"), lambda r: r.insats_name),
        ("per_manad", t("Per månad (beslutsdatum)", "By month (decision date)"), lambda r: r.month or UNKNOWN),
        ("per_beslutsfattare", t("Per beslutsfattare", "By decision-maker"), lambda r: r.decision_maker or UNKNOWN),
    ]
    for table_id, title, key in groupings:
        tables.append(_grouped(records, table_id, title, key, traces, t))
    paragraphs = [t(f"{n} beslut granskade. Andelarna är antal beslut med fynd delat med antal beslut i gruppen; "
                    "båda talen står i tabellen.",
                    f"{n} decisions audited. Rates are decisions with findings divided by the decisions in the group; "
                    "both numbers are in the table.")]
    return Section(id="oversikt", title=t("Översikt", "Overview"), paragraphs=paragraphs, tables=tables)


def _grouped(records: list[Record], table_id: str, title: str, key: Callable[[Record], str], traces: TraceBook,
             t: Callable[[str, str], str]) -> Table:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    rows = []
    for name in sorted(groups, key=lambda g: (g == UNKNOWN, g)):
        members = groups[name]
        errors = [r for r in members if r.result.severity == Severity.ERROR]
        warnings = [r for r in members if r.result.severity == Severity.WARNING]
        trace = traces.add(f"{table_id}:{name}", f"{title}: {name}", [r.ref() for r in errors + warnings])
        rows.append(Row(cells=[name, len(members), len(errors), rate(len(errors), len(members)),
                               len(warnings), rate(len(warnings), len(members))], trace=trace))
    return Table(
        id=table_id, title=title,
        note=t("Ett beslut räknas efter sitt allvarligaste fynd: fel, annars varning. Nämnaren är gruppens beslut.",
               "A decision counts by its worst finding: error, else warning. The denominator is the group's decisions."),
        columns=[Column(key="grupp", label=t("grupp", "group")),
                 Column(key="beslut", label=t("beslut", "decisions"), kind="count"),
                 Column(key="med_fel", label=t("med fel", "with errors"), kind="count"),
                 Column(key="andel_fel", label=t("andel fel", "error rate"), kind="rate"),
                 Column(key="med_varning", label=t("med varning", "with warnings"), kind="count"),
                 Column(key="andel_varning", label=t("andel varning", "warning rate"), kind="rate")],
        rows=rows,
    )
