"""Quick fixes for the diagnostics that say "menade du …": the written word replaced by the
suggestion, where the diagnostic's file shows that word.

The suggestion is read from the diagnostic's Swedish message (every suggestion goes through
``did_you_mean``, or names the id in ``regel.insats_text``); the word it replaces from the
diagnostic's arguments. The word is looked for first under the diagnostic's caret, then on its
line and the lines of its block after it (a diagnostic may stand at the block's start, the name
on a later line): a fix is offered only where the word is found, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bistandsregler.language.diagnostics import Diagnostic
from bistandsregler.language.messages import Text

_SUGGESTION = re.compile(r"menade du '([^']+)'\?|menade du ([^\s?']+)\?")
# The argument holding what the author wrote, for each kind of diagnostic that suggests.
_WRITTEN = ("found", "name", "written", "text")


@dataclass(frozen=True)
class Fix:
    title: str
    line: int  # 1-based
    column: int  # 1-based, where the replaced text starts
    length: int
    new_text: str


def suggestion(diagnostic: Diagnostic) -> str | None:
    match = _SUGGESTION.search(diagnostic.message("sv"))
    if match is None:
        return None
    return match.group(1) or match.group(2)


def _written(diagnostic: Diagnostic) -> list[str]:
    """What the author wrote, as it may stand in the file (a text also with its quotes)."""
    for key in _WRITTEN:
        value = diagnostic.args.get(key)
        if value is None:
            continue
        text = value.sv if isinstance(value, Text) else str(value)
        bare = text.strip("'")
        if diagnostic.code == "regel.insats_text":
            return [f'"{bare}"']
        return [bare, f'"{bare}"'] if not bare.startswith('"') else [bare]
    return []


def fix_for(diagnostic: Diagnostic, lines: list[str], lang: str = "sv") -> Fix | None:
    new = suggestion(diagnostic)
    if new is None:
        return None
    written = _written(diagnostic)
    place = _find(written, lines, diagnostic.line, diagnostic.column)
    if place is None:
        return None
    line, column, old = place
    replacement = new
    if old.startswith('"') and diagnostic.code != "regel.insats_text" and diagnostic.code != "regel.varde_okant":
        replacement = f'"{new}"'
    title = Text(f"Ändra till '{replacement}'", f"Change to '{replacement}'").render(lang)
    return Fix(title, line, column, len(old), replacement)


def _find(candidates: list[str], lines: list[str], line: int, column: int) -> tuple[int, int, str] | None:
    for word in candidates:  # under the caret
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if text[column - 1 : column - 1 + len(word)] == word:
            return line, column, word
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if number > line and text.split()[:1] == ["slut"] and not text[:1].isspace():
            break
        for word in candidates:
            pattern = re.escape(word) if word.startswith('"') else rf"(?<![\w.]){re.escape(word)}(?![\w.])"
            match = re.search(pattern, text[column - 1:] if number == line else text)
            if match is not None:
                start = match.start() + (column - 1 if number == line else 0)
                return number, start + 1, word
    return None
