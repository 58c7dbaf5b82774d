"""Decisions from many files at once, each file read by the reader its form needs.

``input_records`` is the one reading path of ``evaluate`` and ``granska``: a delegation list
(a CSV/TSV whose header names Beslutsfattare and Beslut) goes through
``delegationslista.import_delegationslista``, everything else through
``readers.read_decisions``. Every record of every file comes out once, in order, as a
``Decision`` or an ``InputError`` naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from bistandsregler.checking.decision import Decision
from bistandsregler.language.errors import InputError

__all__ = ["input_records", "is_delegation_list", "size"]


def input_records(paths: Iterable[str], encoding: str = "utf-8",
                  progress: Callable[[int], None] | None = None) -> Iterator[Decision | InputError]:
    """Decisions and input errors from every file, in order; the delegation list is detected.

    ``progress`` is told, after each record, how many bytes of all the files have been read.
    """
    done = 0
    for path in paths:
        try:
            handle = open(path, "rb")  # noqa: SIM115 (the readers take a stream as well as a path)
        except OSError:
            yield from _records(path, encoding)  # the reader names the file and the reason
            continue
        with handle:
            for record in _records(handle, encoding, path):
                if progress is not None:
                    progress(done + handle.tell())
                yield record
        done += size(path)


def _records(source: str | BinaryIO, encoding: str, path: str | None = None) -> Iterator[Decision | InputError]:
    from bistandsregler.input.readers import read_decisions

    if is_delegation_list(path or str(source), encoding):
        from bistandsregler.input.delegationslista import import_delegationslista

        yield from import_delegationslista(source, encoding=encoding)
    else:
        yield from read_decisions(source, encoding=encoding)


def size(path: str) -> int:
    """The file's size in bytes, 0 when it cannot be read (the reader says why)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def is_delegation_list(path: str, encoding: str = "utf-8") -> bool:
    """A CSV/TSV whose header names the delegation list's columns (Beslutsfattare, Beslut)."""
    if Path(path).suffix.lower() not in (".tsv", ".csv", ".txt"):
        return False
    try:
        with open(path, "rb") as stream:
            header = stream.readline(64 * 1024).decode(encoding, errors="replace")
    except (OSError, LookupError):
        return False
    return "beslutsfattare" in header.lower() and "beslut" in header.lower()
