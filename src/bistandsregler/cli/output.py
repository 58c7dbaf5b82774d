"""What the command line writes: terminal text that cannot be forged, files that are never half written.

- ``terminal`` escapes control characters in text that quotes input (an id, a file name, a
  message quoting a field) before it reaches a terminal or a text report: a newline or an
  ANSI escape in an id would otherwise start a line of its own ("0 beslut in") or recolour
  the screen. Every text output that quotes input goes through it.
- Files are written whole through ``language.files.atomic_file`` (every face writes files).
- ``interruptible`` turns SIGTERM into the same ``Interrupted`` as Ctrl-C (SIGINT), so a run
  cut short can say so in its summary; ``exit_code`` is 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import contextlib
import re
import signal
from collections.abc import Iterator
from types import FrameType

__all__ = ["Interrupted", "interruptible", "terminal", "terminal_lines"]

# C0 and C1 controls and DEL, the Unicode line and paragraph separators, and the bidi
# controls that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: object) -> str:
    """``text`` with every control character written as an escape (``\\n``-> ``\\x0a``)."""
    return _CONTROL.sub(_escaped, str(text))


def terminal_lines(text: str) -> str:
    """Several lines of text: the line breaks kept, every other control character escaped."""
    return "\n".join(terminal(line) for line in text.split("\n"))


class Interrupted(Exception):
    """The run was stopped by a signal (SIGINT or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted`` inside the block (main thread only)."""
    try:
        previous = {s: signal.signal(s, _raise) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave the signals alone
        yield
        return
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
