"""A block's own source text, as the author wrote it: from the comment lines just above its
first line to its ``slut``, so the page can show the rule beside its prose."""

from __future__ import annotations

import re

from bistandsregler.language.model import Pos

_END = re.compile(r"[ \t]*slut[ \t]*(#.*)?$")
_COMMENT = re.compile(r"[ \t]*#")


def block_source(lines: list[str], pos: Pos) -> str:
    """The block starting at ``pos.line`` (1-based) in ``lines``, with the comments right above it."""
    start = pos.line - 1
    if not 0 <= start < len(lines):
        return ""
    first = start
    while first > 0 and _COMMENT.match(lines[first - 1]):
        first -= 1
    end, in_prose = start, False
    while end < len(lines):
        line = lines[end]
        if line.count('"""') % 2:
            in_prose = not in_prose
        elif not in_prose and end > start and _END.match(line):
            break
        end += 1
    return "\n".join(lines[first:end + 1]) + "\n"


def statement_source(lines: list[str], pos: Pos) -> str:
    """One line (a "förval" block's statements stand in a block with no name of its own)."""
    return lines[pos.line - 1] + "\n" if 0 < pos.line <= len(lines) else ""
