"""The audit report from a dataset: every section, the totals, the inputs and their traces.

``SECTIONS`` is the list of section builders, each ``(dataset, traces, lang) -> Section``;
another part of the audit (the quarterly report of decisions not carried out) joins the
report by passing its builder in ``extra``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

from bistandsregler._version import __version__
from bistandsregler.audit import boundaries, decision_makers, impact, overview, sex
from bistandsregler.audit.records import Dataset
from bistandsregler.audit.report import (
    InputSummary,
    Report,
    RuleSource,
    Section,
    Totals,
    TraceBook,
    UnreadableRecord,
)
from bistandsregler.checking.evaluation import Checker
from bistandsregler.language.messages import Text

_LANGS: dict[str, Literal["sv", "en"]] = {"sv": "sv", "en": "en"}
SectionBuilder = Callable[[Dataset, TraceBook, str], Section]
SECTIONS: tuple[SectionBuilder, ...] = (overview.overview, boundaries.section, decision_makers.section, sex.section)


def build_report(data: Dataset, *, lang: str = "sv", draft: Checker | None = None,
                 extra: Sequence[SectionBuilder] = ()) -> Report:
    traces = TraceBook()
    sections = [builder(data, traces, lang) for builder in (*SECTIONS, *extra)]
    if draft is not None:
        sections.append(impact.section(data, draft, traces, lang))
    checker = data.checker
    return Report(
        title=Text("Granskning av biståndsbeslut", "Audit of needs-assessed decisions").render(lang),
        lang=_LANGS.get(lang, "sv"), version=__version__,
        period=_period(data.period),
        guideline=_source(checker, checker.guideline.path if checker.guideline else None),
        table=_source(checker, checker.table.path if checker.table else None),
        draft=_source(draft, draft.guideline.path if draft is not None and draft.guideline else None),
        totals=Totals(records_in=data.total, analysed=len(data.records), outside_period=len(data.outside_period),
                      unreadable=len(data.unreadable)),
        inputs=[InputSummary(path=f.path, records=f.records, outside_period=f.outside_period, unreadable=f.unreadable)
                for f in data.files],
        unreadable=[UnreadableRecord(file=u.file, where=u.where, line=u.line, message=u.message.render(lang))
                    for u in data.unreadable],
        sections=sections,
        traces=traces.all(),
    )


def _period(period: tuple[date, date] | None) -> str | None:
    return f"{period[0].isoformat()}..{period[1].isoformat()}" if period else None


def _source(checker: Checker | None, path: str | None) -> RuleSource | None:
    if checker is None or path is None:
        return None
    return RuleSource(path=path, sha256=checker.book.hashes.get(path))


def quarterly_section(quarter: str) -> SectionBuilder:
    """A section builder for the quarterly report of decisions not carried out
    (``audit.unexecuted``) over the dataset's decisions, its three recipients' tables as tables
    of this report. Raises ``unexecuted.QuarterError`` for a quarter that is no quarter."""
    from bistandsregler.audit.unexecuted import Quarter, quarterly_report
    from bistandsregler.audit.unexecuted_output import tables

    period = Quarter.parse(quarter)

    def build(data: Dataset, traces: TraceBook, lang: str) -> Section:
        from bistandsregler.audit.report import Column, Row, Table

        checker = data.checker
        found = quarterly_report((r.decision for r in data.records), period, checker.book, checker.guideline)
        out = []
        for index, table in enumerate(tables(found, lang)):
            out.append(Table(
                id=f"kvartal_{index + 1}", title=f"{table.recipient}: {table.title}",
                columns=[Column(key=f"k{i}", label=h) for i, h in enumerate(table.headers)],
                rows=[Row(cells=[c if isinstance(c, (str, int, float)) or c is None else str(c) for c in row])
                      for row in table.rows]))
        text = Text(f"Rapporten om ej verkställda gynnande beslut för {period.label().sv} (34 kap. 1–3 §§ SoL, "
                    "16 kap. 6 f–h §§ SoL 2001:453, 28 f–h §§ LSS), över de granskade besluten.",
                    f"The report of favourable decisions not carried out for {period.label().en} (34 kap. 1–3 §§ SoL, "
                    "16 kap. 6 f–h §§ SoL 2001:453, 28 f–h §§ LSS), over the decisions audited.")
        return Section(id="ej_verkstallda", title=Text("Ej verkställda beslut", "Decisions not carried out").render(lang),
                       paragraphs=[text.render(lang)], tables=out)

    return build
