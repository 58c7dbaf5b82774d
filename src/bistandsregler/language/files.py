"""Files: which files are guideline files, and writing a file so that it is never half written.

- ``expand``: the files named, and the guideline files below the folders named.
- ``atomic_file`` writes to a temporary file in the same folder and renames it over the
  target only when the block succeeded: a failed, interrupted or concurrent run leaves an
  existing file as it was, or replaced whole, never torn or shorter. Every face that writes
  a file (``-o FILE``, a report, a site, a workbook) uses it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

# The file kinds by suffix: which language a file is written in.
KINDS = {".riktlinje": "riktlinje", ".schablon": "schablon"}


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the guideline files below folders named, in a stable order."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in KINDS and p.is_file()))
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


# Errors of writing output that are the machine's, not the tool's: a full disk, a quota, a
# read-only file system, an I/O error. The command says so and exits 1.
OUTPUT_ERRORS = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS", "EIO", "EFBIG")
                          if hasattr(errno, name))


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, newline: str | None = None, binary: bool = False) -> Iterator[IO[Any]]:
    """A UTF-8 text file (or with ``binary``, a byte file) that appears at ``path`` whole, when the block ends without an error.

    The temporary file is in the same folder (a rename there is atomic) and is removed when
    the block raises anything, including ``Interrupted`` and ``KeyboardInterrupt``. An
    existing file's permissions are kept; a new file gets the usual ones (0666 less umask).
    Raises OSError when the file cannot be created or written (the caller says so).
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    try:
        handle: IO[Any]
        opened = (os.fdopen(descriptor, "wb") if binary
                  else os.fdopen(descriptor, "w", encoding="utf-8", newline=newline))
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    except Discard:
        os.unlink(temporary)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Discard(Exception):  # noqa: N818 (an instruction, not an error)
    """Raised inside ``atomic_file``: the run produced nothing worth keeping; leave the file."""


def _mode(target: str) -> int:
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
