#!/usr/bin/env python3
"""Extract the paragraphs of a statute text as `paragraf` lines of the guideline language.

Used to write the national layer in guidelines/nationell/ (the output is checked by eye and
pasted into the .riktlinje files; nothing here is imported by the library).

    python tools/extract_paragraphs.py sol sol-2025-400.txt       # https://selex.se/eli/sfs/2025/400
    python tools/extract_paragraphs.py lss lss-1993-387.md        # https://selex.se/eli/sfs/1993/387
    python tools/extract_paragraphs.py sfb sfb-2010-110-kap51.md  # https://selex.se/eli/sfs/2010/110

Three source formats:

* sol: the plain text of SoL (2025:400). A paragraph starts a line, after a blank line, with
  "N §" or "N a §"; chapters start with "N kap. Title". Later versions are marked
  "/Upphör att gälla U:DATE/" and "/Träder i kraft I:DATE/" (the old version then ends the
  day before DATE). A heading is a block of text that is followed by a paragraph or by another
  heading and does not read like body text (no final punctuation, not a list item). A heading
  covers the paragraphs after it until the next heading in the same chapter.
* lss: the markdown of LSS (1993:387) with `<section class="paragraf">`, `### N §` and
  `selex:status` attributes (upphord/ikraft dates, upphavd). Headings are the `## ` lines and
  the stray heading lines that the conversion left at the end of the previous paragraph
  ("Avgifter m.m."). Dates when a designation came into being are taken from the amendment list
  in the front matter ("ny 7 a §", "nuvarande 9 b § ... betecknas 9 c §", "upph. 17 a §").
* sfb: the markdown of Socialförsäkringsbalken 51 kap. (`#### N §`, headings `### `).

Warnings about the numbering (a paragraph that does not follow the previous one) go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field

# Pairs old -> new read from both laws (https://selex.se/eli/sfs/2001/453 and
# https://selex.se/eli/sfs/2025/400), each verified against the text of SoL (2025:400); see guidelines/nationell/sol-2025-400.riktlinje for what each new paragraph says.
SOL_2025_ERSATTER: dict[str, list[str]] = {
    "11 kap. 1 §": ["4 kap. 1 § SoL (2001:453)"],
    "11 kap. 3 §": ["4 kap. 1 c § SoL (2001:453)"],
    "11 kap. 4 §": ["4 kap. 2 § SoL (2001:453)"],
    "11 kap. 5 §": ["4 kap. 2 a § SoL (2001:453)"],
    "11 kap. 6 §": ["4 kap. 2 a § SoL (2001:453)"],
    "13 kap. 9 §": ["5 kap. 10 § SoL (2001:453)"],
    "14 kap. 3 §": ["11 kap. 5 § SoL (2001:453)"],
    "34 kap. 1 §": ["16 kap. 6 f § SoL (2001:453)"],
    "35 kap. 1 §": ["16 kap. 3 § SoL (2001:453)"],
}


@dataclass
class Paragraph:
    ref: str  # "11 kap. 1 §" or "9 b §"
    title: str | None = None
    start: str | None = None  # ISO date
    end: str | None = None  # ISO date (last day in force)
    replaces: list[str] = field(default_factory=list)
    note: str | None = None  # trailing comment

    def line(self) -> str:
        parts = [f'paragraf "{self.ref}"']
        if self.title:
            parts.append(f'"{self.title}"')
        if self.start and self.end:
            parts.append(f"från {self.start} till {self.end}")
        elif self.start:
            parts.append(f"från {self.start}")
        elif self.end:
            parts.append(f"till {self.end}")
        if self.replaces:
            parts.append("ersätter " + ", ".join(f'"{r}"' for r in self.replaces))
        text = " ".join(parts)
        if self.note:
            text += f" # {self.note}"
        return text


def day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def clean_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace('"', "'")


def sort_key(number: str) -> tuple[int, str]:
    m = re.fullmatch(r"(\d+)(?: ([a-z]))?", number)
    assert m, number
    return int(m.group(1)), m.group(2) or ""


def follows(prev: str | None, cur: str) -> bool:
    """Whether paragraph number cur may come right after prev in the same chapter."""
    if prev is None:
        return cur == "1"
    pn, pl = sort_key(prev)
    cn, cl = sort_key(cur)
    if cn == pn:
        return cl > pl or (cl == pl)  # same designation again: a new version
    return cn == pn + 1 and cl == ""


# ---- SoL (2025:400), plain text -------------------------------------------------------------

SOL_PARA = re.compile(r"^(\d+(?: [a-z])?) §(?: (/Upphör att gälla U:(\d{4}-\d{2}-\d{2})/|/Träder i kraft I:(\d{4}-\d{2}-\d{2})/))?(?:\s|$)")
SOL_CHAPTER = re.compile(r"^(\d+) kap\. (\S.*)$")
MARKER = re.compile(r"^/Rubriken träder i kraft I:\d{4}-\d{2}-\d{2}/$")


def blocks(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    cur: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def looks_like_heading(block: list[str]) -> bool:
    text = " ".join(block)
    if len(text) > 160:
        return False
    if text.startswith(("-", "–")) or re.match(r"^(\d+\.|[a-z]\))\s", text):
        return False
    if text[0].islower():
        return False
    if re.search(r"[.,:;]$", text) or re.search(r"\b(och|eller|samt)$", text):
        return False
    return True


def extract_sol(path: str) -> list[Paragraph]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = text.split("\nÖvergångsbestämmelser\n")[0]
    bl = blocks(text.splitlines())
    paragraphs: list[Paragraph] = []
    chapter = 0
    prev_number: str | None = None
    heading: str | None = None
    pending: list[str] = []  # candidate headings not yet confirmed
    i = 0
    while i < len(bl):
        block = [line for line in bl[i] if not MARKER.match(line)]
        i += 1
        if not block:
            continue
        first = block[0]
        if first.startswith("AVDELNING "):
            pending = []
            continue
        m = SOL_CHAPTER.match(first)
        if m and int(m.group(1)) == chapter + 1:
            chapter += 1
            prev_number = None
            heading = None
            pending = []
            continue
        m = SOL_PARA.match(first)
        if m and chapter and follows(prev_number, m.group(1)):
            number = m.group(1)
            if pending:
                heading = clean_title(" ".join(pending[-1:]))
                pending = []
            ref = f"{chapter} kap. {number} §"
            p = Paragraph(ref, heading)
            if m.group(3):  # ceases on that date
                p.start, p.end = "2025-07-01", day_before(m.group(3))
            elif m.group(4):
                p.start = m.group(4)
            if number == prev_number and not (m.group(3) or m.group(4)):
                print(f"warning: {ref} twice without dates", file=sys.stderr)
            if m.group(3):
                p.note = "ursprunglig lydelse (2025:400)"
            elif m.group(4):
                body = " ".join(" ".join(b) for b in bl[i - 1 : i + 40])
                later = re.search(r"Lag \((\d{4}:\d+)\)", body)
                if later:
                    p.note = f"lydelse enligt lag ({later.group(1)})"
            p.replaces = SOL_2025_ERSATTER.get(ref, [])
            paragraphs.append(p)
            prev_number = number
            continue
        if m and chapter:
            print(f"warning: skipped '{first[:50]}' after {chapter} kap. {prev_number} §", file=sys.stderr)
        if looks_like_heading(block):
            pending.append(" ".join(block))
        else:
            pending = []
    return paragraphs


# ---- LSS (1993:387), markdown with front matter ---------------------------------------------

SECTION = re.compile(r'<section id="([^"]+)"([^>]*)>')


def parse_front_matter(text: str) -> list[tuple[str, str, str]]:
    """(ikraft date, beteckning, anteckningar) of each amendment, sorted by date (stable)."""
    fm = text.split("\n---\n", 1)[0]
    out = []
    for m in re.finditer(
        r'- beteckning: "([^"]+)"\n(?:\s+rubrik: [^\n]*\n)?(?:\s+ikraft_datum: (\S+)\n)?\s+anteckningar: "?([^\n"]*)"?',
        fm,
    ):
        if m.group(2):
            out.append((m.group(2), m.group(1), m.group(3)))
    out.sort(key=lambda t: t[0])
    return out


def expand(numbers: str) -> list[str]:
    """'26 a, 26 b, 30' -> ['26 a', '26 b', '30']; '9 a, 9 f' ... also '9 a och 9 f'."""
    out = []
    for part in re.split(r",\s*|\s+och\s+", numbers.strip()):
        part = part.strip()
        if re.fullmatch(r"\d+(?: [a-z])?", part):
            out.append(part)
    return out


def designation_dates(amendments: list[tuple[str, str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """When each designation came into being (latest 'ny'/'betecknas') and when it was repealed."""
    since: dict[str, str] = {}
    repealed: dict[str, str] = {}
    for date, _sfs, notes in amendments:
        for clause in notes.split(";"):
            clause = clause.strip()
            m = re.match(r"nuvarande (.+?) §§? (?:i \S+ )?betecknas (.+?) §§?$", clause)
            if m:
                for new in expand(m.group(2)):
                    since[new] = date
                    repealed.pop(new, None)
                continue
            for m in re.finditer(r"\b(?:ny|nya) ((?:\d+(?: [a-z])?(?:, | och )?)+) §", clause):
                for new in expand(m.group(1)):
                    since[new] = date
                    repealed.pop(new, None)
            for m in re.finditer(r"\bupph\. ((?:\d+(?: [a-z])?(?:, | och )?)+) §", clause):
                for old in expand(m.group(1)):
                    repealed[old] = date
    return since, repealed


def markdown_paragraphs(text: str, para_level: str, head_level: str, prefix: str) -> list[Paragraph]:
    """Paragraph sections of the selex markdown. para_level '###', head_level '##'."""
    lines = text.splitlines()
    out: list[Paragraph] = []
    heading: str | None = None
    stray: str | None = None
    cur: Paragraph | None = None
    body: list[str] = []
    status: dict[str, str] = {}

    def close() -> None:
        nonlocal stray
        if cur is None:
            return
        texts = [b for b in body if b.strip()]
        joined = " ".join(texts)
        if cur.note == "upphävd":
            m = re.search(r"Har upphävts genom lag \(\[?(\d{4}:\d+)", joined)
            cur.title = f"Upphävd genom lag ({m.group(1)})" if m else "Upphävd"
        elif cur.start or cur.end:
            amended = re.findall(r"Lag \(\[?(\d{4}:\d+)", joined)
            if amended and (status.get("status") in ("upphord", "ikraft")):
                cur.note = f"lydelse enligt lag ({amended[-1]})"
        if texts:
            last = texts[-1].strip()
            if (
                len(texts) > 1
                and "Lag (" not in last
                and len(last) < 80
                and not re.match(r"^(\d+\.|[-–])", last)
                and "§" not in last
            ):
                stray = last
        out.append(cur)

    for line in lines:
        m = SECTION.match(line.strip())
        if m:
            close()
            cur = None
            body = []
            attrs = m.group(2)
            status = dict(re.findall(r'selex:(\w+)="([^"]*)"', attrs))
            continue
        if line.startswith(head_level + " "):
            heading = clean_title(line[len(head_level) + 1 :])
            stray = None
            continue
        m = re.match(re.escape(para_level) + r" (\d+(?: [a-z])?) §\s*$", line)
        if m:
            if stray:
                heading, stray = stray, None
            cur = Paragraph(f"{prefix}{m.group(1)} §", heading)
            if status.get("status") == "upphord":
                cur.end = day_before(status["upphor_datum"])
            elif status.get("status") == "ikraft" and "ikraft_datum" in status:
                cur.start = status["ikraft_datum"]
            elif status.get("status") == "upphavd":
                cur.note = "upphävd"
            continue
        if line.startswith("#"):
            # a heading of another level (e.g. the subheading "### Utbetalning till den försäkrade")
            lvl = line.split(" ", 1)
            if len(lvl) == 2 and lvl[0] != para_level and lvl[0].startswith("#"):
                if len(lvl[0]) > len(head_level) and len(lvl[0]) < len(para_level):
                    heading = clean_title(lvl[1])
                    stray = None
            continue
        if cur is not None and not line.strip().startswith("</"):
            body.append(line)
    close()
    return out


def extract_lss(path: str) -> list[Paragraph]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    amendments = parse_front_matter(text)
    since, repealed = designation_dates(amendments)
    body = text.split("\n---\n", 1)[1]
    body = body.split('<section id="övergångsbestämmelser">')[0]
    paragraphs = markdown_paragraphs(body, "###", "##", "")
    prev = None
    for p in paragraphs:
        number = p.ref[:-2]
        if prev is not None and not follows(prev, number):
            print(f"warning: {p.ref} after {prev} §", file=sys.stderr)
        prev = number
        if p.title and p.title.startswith("Upphävd"):
            p.start = since.get(number)
            p.end = day_before(repealed[number]) if number in repealed else None
            p.note = None
            continue
        if p.start is None and number in since:
            p.start = since[number]
        if p.end is not None and p.start is None and number in since:
            p.start = since[number]
    return paragraphs


def extract_sfb(path: str) -> list[Paragraph]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = text.split('<section id="kap52"')[0]
    paragraphs = markdown_paragraphs(text, "####", "###", "51 kap. ")
    prev = None
    for p in paragraphs:
        number = p.ref.split("kap. ")[1][:-2]
        if not follows(prev, number):
            print(f"warning: {p.ref} after {prev} §", file=sys.stderr)
        prev = number
    return paragraphs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("law", choices=["sol", "lss", "sfb"])
    ap.add_argument("path")
    ap.add_argument("--indent", default="  ")
    args = ap.parse_args(argv)
    extract = {"sol": extract_sol, "lss": extract_lss, "sfb": extract_sfb}[args.law]
    paragraphs = extract(args.path)
    for p in paragraphs:
        print(args.indent + p.line())
    print(f"{len(paragraphs)} paragraphs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
