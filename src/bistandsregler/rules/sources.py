"""Which files a run reads, what they are called in messages, and what each is known by.

Light on purpose (no parser, no rule models): ``loading.diagnose`` decides from this alone
whether a cached result of the same files may be served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from bistandsregler.language.files import expand
from bistandsregler.language.resources import guidelines_dir

NATIONAL = "nationell"


def source_files(paths: Iterable[str | Path], national: bool = True) -> tuple[list[Path], set[Path]]:
    """The files to read, in order, and which of them are the shipped national layer.

    The national layer comes first unless the files named include it (by path, or by name:
    a source checkout's guidelines/nationell beside an installed package is the same layer).
    """
    files = expand(paths)
    if not national:
        return files, set()
    shipped = guidelines_dir().parent
    named = {p.resolve() for p in files} | {shown_name(p, shipped) for p in files}
    national_files = expand([guidelines_dir() / NATIONAL])
    national_set = {p.resolve() for p in national_files}
    added = [p for p in national_files if p.resolve() not in named and shown_name(p, shipped) not in named]
    return added + files, national_set


def shown_name(path: Path, shipped: Path | None = None) -> str:
    """How a file is named in messages: shipped files the same on every machine."""
    shipped = shipped if shipped is not None else guidelines_dir().parent
    resolved = path.resolve()
    if resolved.is_relative_to(guidelines_dir().resolve()):
        return str(resolved.relative_to(shipped.resolve()))
    return str(path)


def content_hash(data: bytes) -> str:
    """What a file's receipt and every cache of it are keyed by: its bytes, not its name or time."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
