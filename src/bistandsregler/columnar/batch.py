"""``check_batch``: an Arrow record batch of decisions in, an Arrow record batch of findings out.

    >>> import bistandsregler, pyarrow.parquet as pq                        # doctest: +SKIP
    >>> checker = bistandsregler.compile("guidelines/botkyrka", "guidelines/kristianstad")
    >>> for batch in pq.ParquetFile("beslut.parquet").iter_batches():
    ...     findings = check_batch(batch, checker)

The input's columns are the decision's fields (``bistandsregler schema decision``): nested
fields as structs (``person`` with ``birth_year``) or as dotted names (``person.birth_year``),
lists as lists; a null is unknown, as an absent field is. Each row is read with
``input.readers.read_row`` and checked with ``Checker.check``, so a batch gives exactly
the findings the per-record checker gives. A row that is no valid decision gives one finding
``indata.ogiltig`` naming the row and the field at fault, never an exception.

The output has one row per finding, in ``FINDINGS_SCHEMA`` (documented in
docs/developers/scale.md): ``row`` (the input row, from 0), ``decision_id``, ``code``,
``severity``, ``field``, ``guideline`` (file:line of the rule), ``section``, ``lagrum``, ``values`` and
``values_exact`` (JSON text, as ``evaluate --format jsonl`` writes them) and ``message``.
A decision without findings has no row: join on ``row`` or ``decision_id`` to find them.

The checker is not sent between processes (its rules are compiled functions): build it where
the batches are checked, once per worker, with ``checker_for``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import Any

import pyarrow as pa

from bistandsregler.checking.evaluation import Checker, Result, compile
from bistandsregler.checking.findings import Finding
from bistandsregler.input.readers import read_row
from bistandsregler.language.errors import InputError
from bistandsregler.language.messages import Severity

FINDINGS_SCHEMA = pa.schema([
    pa.field("row", pa.int64(), nullable=False),
    pa.field("decision_id", pa.string()),
    pa.field("code", pa.string(), nullable=False),
    pa.field("severity", pa.string(), nullable=False),
    pa.field("field", pa.string()),
    pa.field("guideline", pa.string()),
    pa.field("section", pa.string()),
    pa.field("lagrum", pa.string()),
    pa.field("values", pa.string()),
    pa.field("values_exact", pa.string()),
    pa.field("message", pa.string(), nullable=False),
])


def check_batch(batch: pa.RecordBatch | pa.Table, checker: Checker, lang: str = "sv", *,
                name: str = "batch") -> pa.RecordBatch:
    """The findings of every decision in ``batch``, one row each, in ``FINDINGS_SCHEMA``.

    ``name`` names the rows in messages about unreadable input ("batch[3]")."""
    columns: dict[str, list[Any]] = {f.name: [] for f in FINDINGS_SCHEMA}
    for index, result in enumerate(check_rows(batch.to_pylist(), checker, name)):
        for finding in result.findings:
            _append(columns, index, result.id, finding, lang)
    return pa.RecordBatch.from_pydict(columns, schema=FINDINGS_SCHEMA)


def check_batches(batches: Iterable[pa.RecordBatch], checker: Checker, lang: str = "sv") -> Iterator[pa.RecordBatch]:
    """``check_batch`` over a stream of batches (the shape ``mapInArrow`` hands over and wants back)."""
    for batch in batches:
        yield check_batch(batch, checker, lang)


def check_rows(rows: Iterable[dict[str, Any]], checker: Checker, name: str = "batch") -> Iterator[Result]:
    """One ``Result`` per row, as ``evaluate`` makes them: unreadable rows as ``indata.ogiltig``."""
    for index, row in enumerate(rows):
        record = f"{name}[{index}]"
        decision = read_row(row, record)
        if isinstance(decision, InputError):
            identifier = row.get("id")
            finding = Finding(code="indata.ogiltig", severity=Severity.ERROR, args={"meddelande": decision.message})
            yield Result(id=str(identifier) if identifier is not None else record, source=record, findings=[finding])
        else:
            yield checker.check(decision)


def _append(columns: dict[str, list[Any]], index: int, decision_id: str, finding: Finding, lang: str) -> None:
    out = finding.to_json(lang)
    columns["row"].append(index)
    columns["decision_id"].append(decision_id)
    columns["code"].append(out["code"])
    severity = out["severity"]
    columns["severity"].append(severity.value if isinstance(severity, Severity) else str(severity))
    columns["field"].append(out.get("field"))
    columns["guideline"].append(out.get("guideline"))
    columns["section"].append(out.get("section"))
    columns["lagrum"].append(out.get("lagrum"))
    columns["values"].append(_json(out["values"]) if "values" in out else None)
    columns["values_exact"].append(_json(out["values_exact"]) if "values_exact" in out else None)
    columns["message"].append(out["message"])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=8)
def checker_for(riktlinje: str | None = None, schablon: str | None = None, as_of: date | None = None) -> Checker:
    """A checker compiled once per process for these files: what a Spark or Dask worker calls
    in its partition function, since a checker cannot be pickled and sent to it."""
    return compile(riktlinje, schablon, as_of=as_of)
