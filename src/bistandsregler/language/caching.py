"""Disk caches of work that depends only on content: the built lark parsers and parsed files.

A cold ``validate`` otherwise spends most of its time building the LALR tables and parsing
files that have not changed since the last run. Both results are kept under the user's
cache folder, ``$XDG_CACHE_HOME/bistandsregler/<version>/`` (``~/.cache/...`` without
``XDG_CACHE_HOME``), and are never served stale:

- a parsed file is keyed by the sha256 of its bytes, its kind, the name it is shown under,
  its encoding and the engine's fingerprint (``fingerprint()``: the version, the source of
  the language layer, the grammars, and the Python, lark and pydantic versions);
- a lark parser is keyed by lark itself (grammar text, options, lark and Python versions,
  imported grammar files), in a file named by the same fingerprint.

An entry that cannot be read (torn, corrupt, from another version) is a miss and is
rewritten, never an error; a folder that cannot be written means no cache, never an error.
``BISTANDSREGLER_CACHE=0`` (or ``off``/``no``/``false``) turns both caches off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from bistandsregler._version import __version__

ENV = "BISTANDSREGLER_CACHE"
_OFF = {"0", "off", "no", "false", "nej", "av"}


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in _OFF


def folder() -> Path | None:
    """The cache folder of this engine version, or ``None`` when the cache is off."""
    if not enabled():
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bistandsregler" / __version__


@cache
def fingerprint() -> str:
    """What a cached result depends on besides its input: the engine's version and code.

    The source of the language and rules layers (the parser, the models, the checks that
    ``validate`` runs) and the grammars are hashed, so that changed code in a source checkout
    (same version number) is a miss, not a stale hit.
    """
    from bistandsregler.language.resources import grammar_dir

    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0{_version_of('lark')}\0{_version_of('pydantic')}".encode())
    package = Path(__file__).resolve().parent.parent
    sources = [*sorted((package / "language").glob("*.py")), *sorted((package / "rules").glob("*.py")),
               *sorted(grammar_dir().glob("*.lark"))]
    for path in sources:
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _version_of(package: str) -> str:
    """A dependency's version without importing it (the warm path need not load lark)."""
    module = sys.modules.get(package)
    if module is not None:
        return str(getattr(module, "__version__", getattr(module, "VERSION", "")))
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None or spec.origin is None:
        return "?"
    origin = Path(spec.origin)
    # lark writes its version in __init__.py, pydantic in version.py: hash the files themselves.
    parts = [origin, origin.with_name("version.py")]
    return hashlib.sha256(b"".join(p.read_bytes() for p in parts if p.is_file())).hexdigest()[:16]


def lark_cache(name: str) -> dict[str, Any]:
    """Options for a lark parser: its tables in a file under the cache folder, or nothing.

    The grammar is kept with the tables (``cache_grammar``), so a parser loaded from the
    cache is the whole parser (``Lark.grammar``: hypothesis' ``from_lark`` reads it)."""
    root = folder()
    if root is None or not _writable(root / "lark"):
        return {}
    return {"cache": str(root / "lark" / f"{name}-{fingerprint()}.pickle"), "cache_grammar": True}


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join((fingerprint(), *parts)).encode("utf-8", "surrogatepass")).hexdigest()


def load(section: str, entry: str) -> Any | None:
    """The value stored under ``entry``, or ``None`` on a miss (absent, unreadable, corrupt)."""
    root = folder()
    if root is None:
        return None
    try:
        with open(root / section / f"{entry}.pickle", "rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # noqa: BLE001 -- a torn or foreign file is a miss, never an error
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == entry):
        return None
    return stored[1]


def store(section: str, entry: str, value: Any) -> None:
    """Keep ``value`` under ``entry``; whole or not at all, and silently not when unwritable."""
    root = folder()
    if root is None or not _writable(root / section):
        return
    from bistandsregler.language.files import atomic_file

    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        with atomic_file(root / section / f"{entry}.pickle", binary=True) as handle:
            pickle.dump((entry, value), handle, protocol=pickle.HIGHEST_PROTOCOL)


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return False
    return os.access(path, os.W_OK)
