"""``bistandsregler fmt``: the canonical layout of guideline and standard-time files.

Canonical means: blocks at the margin, their statements indented two spaces, one space
between words outside strings, one blank line between blocks, comments kept where they
stand, keywords spelled right (an OCR-damaged keyword the parser recognised is written back
correctly), and exactly one newline at the end. Prose inside triple quotes is left as written.
A file with a syntax error is not formatted: its diagnostics are printed instead.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bistandsregler.language import encodings
from bistandsregler.language.diagnostics import Severity, render_all
from bistandsregler.language.files import expand
from bistandsregler.language.messages import Text
from bistandsregler.language.parsing import KINDS, parse_text

INDENT = "  "
# Tokens of a line: strings, a trailing comment, dates and numbers (with a decimal comma),
# comparison and punctuation, words. Spacing is then decided per token, never inside strings.
_TOKENS = re.compile(
    r'""".*?"""|""".*$|"(?:\\.|[^"\\])*"|#.*$|\d{4}-\d{2}-\d{2}|\d+(?:[.,]\d+)?|<=|>=|!=|[<>=≤≥≠()+*/,–-]|[^\s"#<>=≤≥≠()+*/,–-]+'
)


def format_text(text: str, kind: str, path: str = "<text>") -> tuple[str | None, list]:
    """The canonical form of ``text``, or ``None`` with the diagnostics when it does not parse."""
    document, diagnostics = parse_text(text, path, kind)
    if document is None:
        return None, diagnostics
    corrections = {
        (d.line, d.column): (d.args["found"], d.args["keyword"])
        for d in diagnostics
        if d.code == "syntax.ocr_tolkat"
    }
    out: list[str] = []
    depth = 0
    in_prose = False
    # Lines end at "\n" only, as for the parser: splitlines() would also break a line at a
    # form feed or U+2028 inside a string or comment.
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if in_prose:
            out.append(raw.rstrip())
            in_prose = raw.count('"""') % 2 == 0
            continue
        line = _fix_keywords(raw, number, corrections)
        stripped = line.strip()
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        words = _TOKENS.findall(stripped)
        first = words[0]
        if first == "slut":
            depth = max(0, depth - 1)
            while out and out[-1] == "":
                out.pop()
        if depth == 0 and first != "slut" and out and out[-1] != "" and not out[-1].lstrip().startswith("#"):
            out.append("")  # a blank line before every block
        out.append(INDENT * depth + _join(words))
        if first == "slut":
            continue
        if depth == 0 and not first.startswith("#"):
            depth = 1
        # An opening """ without its closing one on the same line starts prose kept as written
        # (a """ inside a string or a comment does not).
        last = words[-1]
        in_prose = last.startswith('"""') and (len(last) < 6 or not last.endswith('"""'))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n", diagnostics


def _join(words: list[str]) -> str:
    """One space between tokens, except "a, b", "(a)" and "f(" style punctuation."""
    text = ""
    for previous, word in zip([None, *words], words, strict=False):
        glue = previous is None or word in (",", ")") or previous == "("
        text += word if glue else " " + word
    return text


def _fix_keywords(line: str, number: int, corrections: dict) -> str:
    for (line_number, column), (found, keyword) in sorted(corrections.items(), reverse=True):
        if line_number == number and line[column - 1 : column - 1 + len(found)] == found:
            line = line[: column - 1] + keyword + line[column - 1 + len(found) :]
    return line


_CANNOT_READ = Text("kan inte läsas", "cannot read")


def run_fmt(paths: list[str], check: bool, lang: str = "sv") -> int:
    status = 0
    for path in expand(paths):
        kind = KINDS.get(path.suffix)
        if kind is None:
            continue
        try:
            text = encodings.read_text(path)  # a byte order mark is dropped: fmt writes none
        except encodings.NotDecodable as error:
            print(f"{path}: {_CANNOT_READ.render(lang)}: {error.message.render(lang)}", file=sys.stderr)
            status = 1
            continue
        except OSError as error:
            reason = error.strerror or type(error).__name__
            print(f"{path}: {_CANNOT_READ.render(lang)}: {reason}", file=sys.stderr)
            status = 1
            continue
        formatted, diagnostics = format_text(text, kind, str(path))
        if formatted is None:
            print(render_all([d for d in diagnostics if d.severity is Severity.ERROR], lang), file=sys.stderr)
            status = 1
        elif formatted != text:
            if check:
                print(f"{path}: {Text('skulle formateras om', 'would be reformatted').render(lang)}")
                status = 1
            else:
                Path(path).write_text(formatted, encoding="utf-8")
                print(f"{path}: {Text('formaterad', 'reformatted').render(lang)}")
    return status
