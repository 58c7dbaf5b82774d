"""Text for people: the width of the terminal, colour, wrapping, tables and progress (rich).

One place decides how human-readable output looks on a terminal, so every command follows
the same conventions:

- **Width.** A terminal's own width; otherwise ``COLUMNS`` when it is set; otherwise lines are
  not wrapped (output for a file or a pipe stays one record a line, for grep).
- **Wrapping** at word boundaries, continuation lines indented under the text they continue.
- **Colour** only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org) or
  ``TERM=dumb``: then no escape code at all is written.
- **Tables** shrink their columns, wrapping cells, to fit the width.
- **Progress** on standard error, only when it is a terminal, only for a run that lasts, with
  the share done and the time left; it is cleared when the run ends.

Machine formats (JSON, JSON Lines, HTML) never pass through here.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
import time
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rich is imported where it is used: plain output (a file, a pipe) needs none of it
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.text import Text

from bistandsregler.language.messages import Text as Message

UNLIMITED = 10_000  # "no width": rich needs a number
STYLES = {"fel": "red", "error": "red", "varning": "yellow", "warning": "yellow", "info": "cyan", "ok": "green"}


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def width_of(stream: IO[str]) -> int | None:
    """The width to wrap at: the terminal's, else COLUMNS, else None (do not wrap)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if is_terminal(stream):
        try:
            columns_now = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            columns_now = 0
        return columns_now if columns_now > 0 else 80  # a terminal that does not say (a bare pty)
    return None


def colour_for(stream: IO[str]) -> bool:
    """Colour only on a terminal, and not with NO_COLOR (any value but empty) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def console(stream: IO[str] | None = None) -> Console:
    """A rich console for ``stream`` (looked up when called: a caller may have replaced sys.stdout)."""
    from rich.console import Console

    stream = stream if stream is not None else sys.stdout
    colour = colour_for(stream)
    return Console(
        file=stream,
        width=width_of(stream) or UNLIMITED,
        color_system="standard" if colour else None,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
        _environ={},  # width and colour are decided above, from the same rules for every stream
    )


def wrap(line: str, width: int | None, extra_indent: int = 2) -> list[str]:
    """One line wrapped at word boundaries; continuation lines are indented under its text."""
    if width is None or len(line) <= width or width < 8:
        return [line]
    body = line.lstrip(" ")
    indent = " " * (len(line) - len(body))
    hanging = indent + " " * extra_indent
    if len(hanging) >= width // 2:  # a deep indent on a narrow terminal: keep room for words
        hanging = indent[: max(0, width // 4)]
    return textwrap.wrap(body, width=width, initial_indent=indent, subsequent_indent=hanging,
                         break_on_hyphens=False, break_long_words=True, drop_whitespace=True) or [line]


def print_lines(text: str, stream: IO[str] | None = None) -> None:
    """Print plain text wrapped to the width, with its severity words coloured on a terminal."""
    out = console(stream)
    width = width_of(out.file)
    for line in text.split("\n"):
        for piece in wrap(line, width):
            out.print(styled(piece), soft_wrap=True)


_SEVERITY = "fel|varning|info|ok|error|warning"
# Where a severity stands in a report line, and nowhere else ("information" is no severity):
# "  fel[code] ...", "id (file:2): fel", "  12  info  code", "15 beslut in, ...: 1 fel, 2 info".
SEVERITY_AT = re.compile(
    rf"(?:^\s*|: )(?P<a>{_SEVERITY})\[|: (?P<b>{_SEVERITY})$|^\s+\d+\s+(?P<c>{_SEVERITY})\s|(?<=\d )(?P<d>{_SEVERITY})(?=,|$)"
)


def styled(line: str) -> Text:
    """A line of a report with its severities coloured (fel red, varning yellow, info cyan, ok green)."""
    from rich.text import Text

    text = Text(line)
    for match in SEVERITY_AT.finditer(line):
        for group in "abcd":
            if match.group(group):
                text.stylize(STYLES[match.group(group)], match.start(group), match.end(group))
    return text


class TableLike(Protocol):
    """A table of text (``standard_times.compare.Grid``): a header, rows, an indent and the
    columns aligned left (the others are values, aligned right)."""

    header: list[str]
    rows: list[list[str]]
    indent: int
    left: set[int]


def print_blocks(blocks: Iterable[str | TableLike], stream: IO[str] | None = None) -> None:
    """Lines and tables, each fitted to the width: tables shrink and wrap their cells."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(stream)
    width = width_of(out.file)
    for block in blocks:
        if isinstance(block, str):
            for piece in wrap(block, width):
                out.print(Text(piece), soft_wrap=True)
            continue
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1),
                      collapse_padding=True, header_style="bold")
        for index, title in enumerate(block.header):
            if index == 0:  # the row's label: never broken, the values give way first
                longest = max((len(row[0]) for row in block.rows), default=0)
                table.add_column(title, no_wrap=True, min_width=min(longest, (width or UNLIMITED) // 3))
            else:  # cells wrap at word boundaries; a word longer than the column is folded
                table.add_column(title, justify="left" if index in block.left else "right", overflow="fold")
        for row in block.rows:
            table.add_row(*row)
        with out.capture() as captured:
            out.print(table, width=max(20, width - block.indent) if width is not None else UNLIMITED)
        pad = " " * block.indent
        for line in captured.get().rstrip("\n").split("\n"):
            out.file.write((pad + line).rstrip() + "\n")


_LEFT = Message("kvar", "left")  # before the time remaining


class Progressbar:
    """A progress bar on standard error for a run over files of known size.

    ``advance(done, count)``: ``done`` bytes of the input read so far, ``count`` records
    checked. Shown only when standard error is a terminal, and only after ``delay`` seconds,
    so that a short run prints nothing; removed when the run ends.
    """

    def __init__(self, total: int, label: str, unit: str, lang: str = "sv", delay: float = 0.5,
                 enabled: bool = True) -> None:
        self.enabled = enabled and total > 0 and is_terminal(sys.stderr)
        self.total, self.delay, self.unit, self.lang = total, delay, unit, lang
        self.label = label
        self.started_at = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def _start(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        left = _LEFT.render(self.lang)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[count]} " + self.unit + " ·"),
            TextColumn(left),
            TimeRemainingColumn(),
            console=console(sys.stderr),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=self.total, count=0)

    def advance(self, done: int, count: int) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.started_at < self.delay:
                return
            self._start()
        assert self._progress is not None and self._task is not None
        self._progress.update(self._task, completed=min(done, self.total), count=count)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


_CARET = re.compile(r"^(?P<pad> +)\^+$")
_LOCATED = re.compile(r"^\S.*?\.(?P<kind>riktlinje|schablon):\d+:\d+: ")  # "fil.riktlinje:3:5: fel[...]"
# What rich's Text changes on the way out (it drops these controls and expands tabs by cell width).
_RICH_CHANGES = re.compile("[\t\x07\x08\x0b\x0c\r]")


def print_diagnostics(text: str, stream: IO[str] | None = None) -> None:
    """Diagnostics as ``render_all`` writes them, fitted to the width: the message wraps, and a
    quoted source line wider than the terminal is cut to the part around its caret."""
    stream = stream if stream is not None else sys.stdout
    width = width_of(stream)
    if colour_for(stream) or _RICH_CHANGES.search(text):
        out = console(stream)

        def write(piece: str, how: str) -> None:  # how: "styled", "plain", or "source" (highlighted)
            shown = styled(piece) if how == "styled" else _highlighted(piece, kind) if how == "source" else _plain(piece)
            out.print(shown, soft_wrap=True)
    else:  # nothing to colour or to clean: the same lines rich would write, without starting it
        def write(piece: str, how: str) -> None:
            stream.write(piece + "\n")
    lines = text.split("\n")
    index, kind = 0, None
    while index < len(lines):
        line = lines[index]
        located = _LOCATED.match(line)
        if located:
            kind = located.group("kind")
        caret = _CARET.match(lines[index + 1]) if index + 1 < len(lines) and line.startswith("    ") else None
        if caret is not None and width is not None:
            source, under = _window(line, lines[index + 1], width)
            write(source, "source")
            write(under, "plain")
            index += 2
            continue
        for piece in wrap(line, width, extra_indent=4):
            write(piece, "styled")
        index += 1


def _highlighted(source: str, kind: str | None) -> Text:
    """A quoted source line coloured by the language's lexer (only a terminal shows colour)."""
    from rich.text import Text

    text = Text(source)
    if kind is None:
        return text
    from pygments.token import Comment, Keyword, Literal, Name, Number, String

    from bistandsregler.language.highlighting import LEXERS

    styles = ((Keyword, "bold magenta"), (String, "green"), (Comment, "dim"), (Number, "cyan"),
              (Literal.Date, "cyan"), (Name.Class, "bold"))
    for start, token, value in LEXERS[kind]().get_tokens_unprocessed(source):
        style = next((style for kinds, style in styles if token in kinds), None)
        if style is not None:
            text.stylize(style, start, start + len(value))
    return text


def _plain(piece: str) -> Text:
    from rich.text import Text

    return Text(piece)


def _window(source: str, caret: str, width: int) -> list[str]:
    """A source line and its caret line, cut to ``width`` around the caret, marked with '…'."""
    if len(source) <= width and len(caret) <= width:
        return [source, caret]
    indent = 4
    room = max(10, width - indent - 2)  # two for the '…' marks
    text, marks = source[indent:], caret[indent:]
    column = len(marks) - len(marks.lstrip(" "))
    start = max(0, min(column - room // 3, len(text) - room))
    end = start + room
    shown = ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")
    under = " " * (column - start + (1 if start > 0 else 0)) + marks.strip()[: room - (column - start)]
    return [" " * indent + shown, " " * indent + under]
