"""The pieces every page is made of: escaping, elements, the page frame, the style sheet and
highlighted source. Everything the user wrote is escaped here; nothing in a guideline becomes markup."""

from __future__ import annotations

from html import escape

from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter

from bistandsregler.language.highlighting import LEXERS
from bistandsregler.language.messages import Text

STYLESHEET = "stil.css"


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def element(tag: str, content: str = "", **attributes: str | None) -> str:
    """``<tag attributes>content</tag>``; ``content`` is markup already (escape text with ``esc``).
    An attribute ``class_`` is written ``class``; ``None`` leaves an attribute out."""
    attrs = "".join(f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"'
                    for name, value in attributes.items() if value is not None)
    return f"<{tag}{attrs}>{content}</{tag}>"


def link(href: str, text: str, **attributes: str | None) -> str:
    return element("a", esc(text), href=href, **attributes)


def table(head: list[str], rows: list[list[str]], class_: str | None = None) -> str:
    """A table; the cells are markup."""
    header = "".join(element("th", cell, scope="col") for cell in head)
    body = "".join(element("tr", "".join(element("td", cell) for cell in row)) for row in rows)
    return element("table", element("thead", element("tr", header)) + element("tbody", body), class_=class_)


def prose(text: str | None) -> str:
    """A guideline's prose: paragraphs where it has blank lines, line breaks kept."""
    if not text:
        return ""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(element("p", esc(p).replace("\n", "<br>")) for p in paragraphs)


_FORMATTER = HtmlFormatter(cssclass="highlight", nowrap=False)


def highlight(source: str, kind: str) -> str:
    """Source in the language ``kind`` ("riktlinje" or "schablon") as highlighted HTML."""
    return _pygments_highlight(source, LEXERS[kind](stripnl=False), _FORMATTER)


def page(title: str, body: str, lang: str, root: str, nav: list[tuple[str, Text]]) -> str:
    """A whole page. ``root`` is the path back to the site's top ("" or "../")."""
    links = "".join(element("li", link(root + href, label.render(lang))) for href, label in nav)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{Text("sv", "en").render(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}{STYLESHEET}">\n</head>\n<body>\n'
        f'{element("nav", element("ul", links), class_="top")}\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# Readable on screen and on paper; no web fonts, no scripts, nothing fetched.
_STYLE = """
:root { --ink: #1d2327; --muted: #5b6770; --line: #d6dde1; --paper: #ffffff; --tint: #f4f7f8;
        --accent: #0b6e6e; --national: #2f5d8a; --municipal: #8a4b0b; --added: #e6f4ea;
        --removed: #fbe9e7; --changed: #fff8e1; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--paper); }
main { max-width: 78rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
nav.top { background: var(--accent); }
nav.top ul { display: flex; flex-wrap: wrap; gap: 1.5rem; margin: 0 auto; max-width: 78rem;
             padding: .6rem 1.5rem; list-style: none; }
nav.top a { color: #fff; text-decoration: none; font-weight: 600; }
h1 { font-size: 1.8rem; margin: 1rem 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 0 0 .4rem; }
a { color: var(--accent); }
.muted, .source { color: var(--muted); font-size: .9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--tint); }
td, th { overflow-wrap: break-word; hyphens: auto; }
table.layers { table-layout: fixed; }
table.layers th:first-child { width: 28%; }
td table { margin: 0; font-size: .9rem; }
tr:target, section:target, article:target { outline: 3px solid #f0b429; }
article.block { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.2rem;
                border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 1rem 0; }
article.block > header { grid-column: 1 / -1; }
.prose { background: var(--tint); border-left: 4px solid var(--accent); padding: .6rem .9rem; align-self: start; }
.prose p:first-child { margin-top: 0; }
.label { display: inline-block; font-size: .75rem; font-weight: 700; text-transform: uppercase;
         letter-spacing: .04em; border-radius: 3px; padding: .05rem .4rem; margin-right: .4rem;
         color: #fff; background: var(--muted); vertical-align: middle; }
.label.national { background: var(--national); }
.label.municipal { background: var(--municipal); }
.label.fel { background: #b3261e; } .label.varning { background: #9a6700; } .label.info { background: #2f5d8a; }
.label.added { background: #1e7d32; } .label.removed { background: #b3261e; } .label.changed { background: #9a6700; }
.highlight { font-size: .85rem; overflow-x: auto; border-radius: 4px; }
.highlight pre { margin: 0; padding: .6rem .8rem; white-space: pre-wrap; word-break: break-word; }
.change.added { background: var(--added); } .change.removed { background: var(--removed); }
.change.changed { background: var(--changed); }
article.change { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
pre.diff { background: #fff; border: 1px solid var(--line); padding: .5rem .8rem; white-space: pre-wrap;
           font-size: .85rem; }
pre.diff .del { display: block; background: #fbe9e7; color: #8c1d18; }
pre.diff .ins { display: block; background: #e6f4ea; color: #145a24; }
.beside { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
ul.plain { list-style: none; padding-left: 0; }
@media (max-width: 50rem) { article.block, .beside { grid-template-columns: 1fr; } }
@media print { nav.top { display: none; } article.block { break-inside: avoid; } }
"""


def stylesheet() -> str:
    """The site's one style sheet: the page and Pygments' colours for the highlighted source."""
    return _STYLE.lstrip() + HtmlFormatter(style="default").get_style_defs(".highlight") + "\n"
