"""The audit report as data: sections of tables and charts, every number traceable.

``Report`` is what ``granska`` writes as JSON (its JSON Schema is
``docs/developers/granska-report.schema.json``, from ``report_schema()``) and what the HTML,
xlsx and CSV renderers read. A section is a title, a few paragraphs, tables and charts; any
part of the audit (the quarterly report of decisions not carried out too) adds a section of
its own. A table row may name a trace: the decisions behind its numbers, by id and source
line, listed once in ``Report.traces``.

Texts are in the report's language (``lang``); numbers are numbers (a rate is a fraction
0..1, beside the count and the denominator it was computed from).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1

Cell = str | int | float | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Model):
    key: str
    label: str
    kind: Literal["text", "count", "rate", "number"] = "text"


class Row(_Model):
    cells: list[Cell]
    trace: str | None = Field(None, description="The id of the trace listing the decisions behind this row.")


class Table(_Model):
    id: str = Field(description="Stable id, also the CSV file's and the sheet's name.")
    title: str
    note: str | None = Field(None, description="Denominators and how the numbers were computed.")
    columns: list[Column]
    rows: list[Row]


class HistogramBin(_Model):
    low: float
    high: float
    count: int
    counterfactual: float | None = None
    window: bool = Field(False, description="In the window where bunching is measured (left out of the fit).")


class Histogram(_Model):
    kind: Literal["histogram"] = "histogram"
    id: str
    title: str
    unit: str
    edge: float = Field(description="The boundary, in the unit of the bins.")
    bins: list[HistogramBin]


class FunnelPoint(_Model):
    label: str = Field(description="The decision-maker's id.")
    x: float
    y: float
    beyond: Literal["", "95", "99.8"] = ""


class FunnelLimit(_Model):
    x: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float


class Funnel(_Model):
    kind: Literal["funnel"] = "funnel"
    id: str
    title: str
    x_label: str
    y_label: str
    target: float
    points: list[FunnelPoint]
    limits: list[FunnelLimit]


Chart = Annotated[Histogram | Funnel, Field(discriminator="kind")]


class Section(_Model):
    id: str
    title: str
    paragraphs: list[str] = []
    tables: list[Table] = []
    charts: list[Chart] = []


class DecisionRef(_Model):
    id: str
    source: str


class Trace(_Model):
    id: str
    label: str
    decisions: list[DecisionRef]


class InputSummary(_Model):
    path: str
    records: int = Field(description="Readable records in the period.")
    outside_period: int
    unreadable: int


class UnreadableRecord(_Model):
    file: str
    where: str
    line: int | None
    message: str


class Totals(_Model):
    records_in: int = Field(description="Every record of every input file, counted once.")
    analysed: int = Field(description="Readable and in the period: the records the sections count.")
    outside_period: int
    unreadable: int


class RuleSource(_Model):
    path: str
    sha256: str | None = None


class Report(_Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    title: str
    lang: Literal["sv", "en"]
    version: str = Field(description="The bistandsregler version that wrote the report.")
    period: str | None = Field(None, description="FROM..TO, when the input was limited to a period.")
    guideline: RuleSource | None = None
    table: RuleSource | None = None
    draft: RuleSource | None = None
    totals: Totals
    inputs: list[InputSummary]
    unreadable: list[UnreadableRecord]
    sections: list[Section]
    traces: list[Trace] = []

    def trace(self, trace_id: str) -> Trace | None:
        for trace in self.traces:
            if trace.id == trace_id:
                return trace
        return None


def report_schema() -> dict:
    """The JSON Schema of ``granska --format json``."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bistandsregler granska report"
    return schema


class TraceBook:
    """Collects the traces the sections name, each list of decisions once."""

    def __init__(self) -> None:
        self.traces: dict[str, Trace] = {}

    def add(self, trace_id: str, label: str, refs: list[tuple[str, str]]) -> str | None:
        """Register the decisions ``refs`` (id, source) under ``trace_id``; None for none."""
        if not refs:
            return None
        if trace_id not in self.traces:
            self.traces[trace_id] = Trace(id=trace_id, label=label,
                                          decisions=[DecisionRef(id=i, source=s) for i, s in refs])
        return trace_id

    def all(self) -> list[Trace]:
        return list(self.traces.values())
