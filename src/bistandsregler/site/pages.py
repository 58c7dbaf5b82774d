"""The pages of the site, each a string of HTML: the index, a guideline, a law, a standard-time
table and the change view. ``Site`` knows where everything is (file names and anchors), so
a law reference on any page links to the paragraph's row on its law's page."""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from fractions import Fraction

from bistandsregler.language import model as m
from bistandsregler.language.lagrum import LawRef
from bistandsregler.language.messages import Text, decimal
from bistandsregler.rules.rulebook import RuleBook
from bistandsregler.site.changes import Change
from bistandsregler.site.html import element, esc, highlight, link, page, prose, table
from bistandsregler.site.source import block_source

T = Text
NAV = [("index.html", T("Riktlinjer", "Guidelines"))]
_ASCII = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuaaoeu")


def slug(value: str) -> str:
    """A name as a file name or anchor: lower-case ASCII letters, digits, '-' and '_'."""
    return re.sub(r"[^a-z0-9_]+", "-", value.lower().translate(_ASCII)).strip("-") or "x"


def _validity(validity: m.Validity, lang: str) -> str:
    start, end = validity.valid_from, validity.valid_until
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    if start:
        return T(f"från {start.isoformat()}", f"from {start.isoformat()}").render(lang)
    if end:
        return T(f"till och med {end.isoformat()}", f"until {end.isoformat()}").render(lang)
    return T("utan tidsgräns", "without a time limit").render(lang)


def _within(validity: m.Validity, outer: m.Validity) -> m.Validity:
    """A paragraph's period of force: its own, else the law's."""
    return m.Validity(valid_from=validity.valid_from or outer.valid_from,
                      valid_until=validity.valid_until or outer.valid_until)


def _number(value: Fraction | str | m.Share, lang: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, m.Share):  # a share of another value (the maxtaxa of prisbasbeloppet): as written
        return value.written
    if value.denominator == 1:
        return str(value.numerator)
    return decimal(f"{float(value):.4g}", lang)


class Site:
    """Every page of one site, and the links between them."""

    def __init__(self, book: RuleBook, shown: set[str], lang: str,
                 changes: dict[str, tuple[RuleBook, m.Guideline, list[Change]]] | None = None):
        self.book, self.shown, self.lang = book, shown, lang
        self.changes = changes or {}  # guideline path -> (the old book, the old guideline, its changes)
        self.guideline_pages: dict[str, str] = {}
        used: set[str] = set()
        for guideline in book.guidelines:
            if guideline.meta is None and not (guideline.insatser or guideline.rules or guideline.values
                                               or guideline.activities or guideline.word_lists):
                continue  # a file of laws only: its laws have pages of their own
            name = slug(guideline.meta.id if guideline.meta else guideline.path.rsplit("/", 1)[-1].split(".")[0])
            while name in used:
                name += "-2"
            used.add(name)
            self.guideline_pages[guideline.path] = f"riktlinje/{name}.html"
        self.law_pages = {law.id: f"lag/{slug(law.id)}.html" for law in book.laws}
        self.table_pages = {table.path: f"schablon/{slug(table.meta.id if table.meta else table.path)}.html"
                            for table in book.tables}
        self.national_insatser = {i.id: (g, i) for g in book.national for i in g.insatser}
        self.cited_by: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (law id, anchor) -> (href, text)

    def t(self, sv: str, en: str) -> str:
        return Text(sv, en).render(self.lang)

    # ---- where things are ----
    def paragraph_anchor(self, law: m.Law, paragraph: m.Paragraph) -> str:
        versions = [p for p in law.paragraphs if p.ref.key() == paragraph.ref.key()]
        anchor = "p-" + slug(paragraph.ref.key())
        if versions and versions[0] is not paragraph and paragraph.validity.valid_from:
            anchor += "-" + paragraph.validity.valid_from.isoformat()
        return anchor

    def resolve(self, ref: LawRef, on: date | None) -> tuple[m.Law, m.Paragraph | None] | None:
        law = self.book.resolve_law(self.book.complete(ref), on)
        if law is None:
            return None
        return law, self.book.paragraph(law, ref, on)

    def law_link(self, citation: m.Citation | LawRef, on: date | None, root: str, back: tuple[str, str] | None = None) -> str:
        """A law reference as written, linked to its paragraph on the law's page (the version in force ``on``)."""
        ref = citation.ref if isinstance(citation, m.Citation) else citation
        written = citation.written if isinstance(citation, m.Citation) else ref.canonical()
        if isinstance(citation, m.Citation) and citation.validity.valid_from:
            on = citation.validity.valid_from
        found = self.resolve(ref, on)
        if found is None:
            return esc(written)
        law, paragraph = found
        href = root + self.law_pages[law.id]
        title = law.name or law.id
        if paragraph is not None:
            anchor = self.paragraph_anchor(law, paragraph)
            href += "#" + anchor
            title = f"{paragraph.written} {law.abbreviation or ''}: {paragraph.title or ''}".strip(": ")
            if back is not None:
                self.cited_by.setdefault((law.id, anchor), []).append(back)
        shown = written
        if isinstance(citation, m.Citation) and citation.validity != m.ALWAYS:
            shown += f" ({_validity(citation.validity, self.lang)})"
        return link(href, shown, title=title, class_="lagrum")

    # ---- shared pieces ----
    def documented(self, item: m.Documented) -> str:
        """The prose a block carries: its section, its text and its source."""
        parts = []
        if item.section:
            parts.append(element("p", element("strong", esc(self.t("Avsnitt", "Section") + " " + item.section))))
        parts.append(prose(item.text))
        if item.source:
            parts.append(element("p", esc(self.t("Källa: ", "Source: ") + item.source), class_="source"))
        if not item.section and not item.text and not item.source:
            parts.append(element("p", esc(self.t("Blocket har ingen text ur riktlinjen.",
                                                 "The block carries no text from the guideline.")), class_="muted"))
        return element("div", "".join(parts), class_="prose")

    def source(self, book: RuleBook, item: m.Documented, open_: bool = True) -> str:
        code = block_source(book.sources.get(item.pos.file, []), item.pos)
        where = element("p", esc(f"{item.pos.file}:{item.pos.line}"), class_="source")
        return where + highlight(code, "riktlinje") if code else where

    def facts(self, rows: list[tuple[str, str]]) -> str:
        return element("dl", "".join(element("dt", esc(k)) + element("dd", v) for k, v in rows if v), class_="facts")

    def requirements(self, requirements: m.Requirements | None) -> list[tuple[str, str]]:
        if requirements is None:
            return []
        r, rows = requirements, []
        if r.goals_required is not None:
            rows.append((self.t("Mål", "Goals"), esc(self.t("krävs", "required") if r.goals_required
                                                      else self.t("krävs inte", "not required"))))
        if r.reasons_required_on:
            rows.append((self.t("Motivering krävs vid", "Reasons required on"), esc(", ".join(r.reasons_required_on))))
        if r.max_duration:
            rows.append((self.t("Tidsbegränsning", "Time limit"),
                         esc(self.t("högst ", "at most ") + r.max_duration.words().render(self.lang))))
        if r.until_further_allowed:
            rows.append((self.t("Tidsbegränsning", "Time limit"), esc(self.t("tills vidare", "until further notice"))))
        if r.follow_up_within:
            rows.append((self.t("Uppföljning", "Follow-up"),
                         esc(self.t("inom ", "within ") + r.follow_up_within.words().render(self.lang))))
        if r.plan_within:
            rows.append((self.t("Genomförandeplan", "Implementation plan"),
                         esc(self.t("inom ", "within ") + r.plan_within.words().render(self.lang)
                             + self.t(" från ", " from ") + (r.plan_from or ""))))
        if r.executed_within:
            rows.append((self.t("Verkställighet", "Carried out"),
                         esc(self.t("inom ", "within ") + r.executed_within.words().render(self.lang))))
        if r.tolerance_percent is not None:
            rows.append((self.t("Tolerans", "Tolerance"), esc(_number(r.tolerance_percent, self.lang) + " %")))
        return rows

    def target(self, target: m.TargetGroup) -> str:
        parts = []
        if target.ages is not None:
            low, high = target.ages.minimum, target.ages.maximum

            def bound(b: m.AgeBound | None) -> str:
                if b is None:
                    return ""
                return str(b.years) if b.years is not None else self.t("värdet ", "the value ") + (b.value or "")

            if low and high:
                parts.append(self.t(f"ålder {bound(low)}–{bound(high)} år", f"age {bound(low)}–{bound(high)}"))
            elif low:
                parts.append(self.t(f"ålder {bound(low)} år och äldre", f"age {bound(low)} and older"))
            elif high:
                parts.append(self.t(f"ålder {bound(high)} år och yngre", f"age {bound(high)} and younger"))
        if target.personkrets:
            parts.append(self.t("personkrets ", "personkrets ") + ", ".join(map(str, target.personkrets)))
        if target.housing:
            parts.append(self.t("boende ", "housing ") + ", ".join(target.housing))
        return esc("; ".join(parts))

    def norms(self, norms: list[m.Norm]) -> str:
        if not norms:
            return ""
        rows = [[esc(n.activity), esc(n.bounds.normal.written if n.bounds.normal else "–"),
                 esc(n.bounds.maximum.written if n.bounds.maximum else "–"), esc(n.section or "")] for n in norms]
        return table([esc(self.t("Aktivitet", "Activity")), esc(self.t("Normalt", "Normally")),
                      esc(self.t("Högst", "At most")), esc(self.t("Avsnitt", "Section"))], rows, class_="norms")

    def bounds(self, bounds: m.Bounds | None) -> str:
        if bounds is None:
            return ""
        parts = []
        if bounds.normal:
            parts.append(self.t("normalt ", "normally ") + bounds.normal.written)
        if bounds.maximum:
            parts.append(self.t("högst ", "at most ") + bounds.maximum.written)
        return esc(", ".join(parts))

    # ---- the index ----
    def index(self) -> str:
        lang, root = self.lang, ""
        body = [element("h1", esc(self.t("Riktlinjer för biståndsbedömning", "Guidelines for needs assessment")))]
        municipal = [g for g in self.book.municipal if g.path in self.shown and g.path in self.guideline_pages]
        national = [g for g in self.book.national if g.path in self.guideline_pages]
        rows = []
        for g in municipal:
            meta = g.meta
            assert meta is not None
            change = ""
            if g.path in self.changes:
                change = link(root + self.change_page(g), self.t("ändringar", "changes"))
            rows.append([link(self.guideline_pages[g.path], meta.title or meta.id), esc(meta.municipality or ""),
                         esc(_validity(meta.validity, lang)), esc(str(len(g.rules))), change])
        if rows:
            body.append(element("h2", esc(self.t("Kommunernas riktlinjer", "The municipalities' guidelines"))))
            body.append(table([esc(self.t("Riktlinje", "Guideline")), esc(self.t("Kommun", "Municipality")),
                               esc(self.t("Gäller", "In force")), esc(self.t("Regler", "Rules")),
                               esc(self.t("Ändringar", "Changes"))], rows, class_="guidelines"))
        tables = [t for t in self.book.tables if t.path in self.shown]
        if tables:
            body.append(element("h2", esc(self.t("Schablontabeller", "Standard-time tables"))))
            body.append(table(
                [esc(self.t("Tabell", "Table")), esc(self.t("Kommun", "Municipality")), esc(self.t("Slag", "Kind")),
                 esc(self.t("Aktiviteter", "Activities"))],
                [[link(self.table_pages[t.path], (t.meta.title or t.meta.id) if t.meta else t.path),
                  esc(t.meta.municipality or "" if t.meta else ""), esc(t.meta.kind or "" if t.meta else ""),
                  esc(str(len(t.activities)))] for t in tables]))
        body.append(element("h2", esc(self.t("Det nationella lagret", "The national layer"))))
        body.append(element("p", esc(self.t(
            "Lagarna med sina paragrafer och deras giltighet, och katalogen över insatser och aktiviteter som "
            "kommunernas riktlinjer bygger på.",
            "The laws with their paragraphs and when they are in force, and the catalogue of insatser and "
            "activities the municipalities' guidelines build on."))))
        items = [element("li", link(self.law_pages[law.id], f"{law.name or law.id}")
                         + esc(f" ({law.abbreviation or ''}, {_validity(law.validity, lang)})"))
                 for law in self.book.laws]
        items += [element("li", link(self.guideline_pages[g.path], (g.meta.title or g.meta.id) if g.meta else g.path))
                  for g in national]
        body.append(element("ul", "".join(items), class_="national"))
        return page(self.t("Riktlinjer", "Guidelines"), "\n".join(body), lang, root, NAV)

    def change_page(self, guideline: m.Guideline) -> str:
        return "andringar/" + self.guideline_pages[guideline.path].split("/", 1)[1]

    # ---- a guideline ----
    def guideline(self, g: m.Guideline) -> str:
        lang, root, book = self.lang, "../", self.book
        here = self.guideline_pages[g.path]
        meta = g.meta
        national = g in book.national
        title = (meta.title or meta.id) if meta else g.path
        label = (element("span", esc(self.t("nationellt", "national")), class_="label national") if national
                 else element("span", esc(self.t("kommunal", "municipal")), class_="label municipal"))
        body = [element("h1", label + esc(title))]
        on = meta.validity.valid_from if meta else None
        if meta is not None:
            base = book.guideline(meta.builds_on) if meta.builds_on else None
            builds_on = (link(root + self.guideline_pages[base.path], meta.builds_on or "")
                         if base is not None and base.path in self.guideline_pages else esc(meta.builds_on or ""))
            rows = [(self.t("Kommun", "Municipality"), esc(meta.municipality or "")),
                    (self.t("Nämnd", "Committee"), esc(meta.committee or "")),
                    (self.t("Diarienummer", "Reference"), esc(meta.reference or "")),
                    (self.t("Antagen", "Adopted"), esc(meta.adopted.isoformat() if meta.adopted else "")),
                    (self.t("Gäller", "In force"), esc(_validity(meta.validity, lang))),
                    (self.t("Ersätter", "Replaces"), esc(meta.replaces or "")),
                    (self.t("Bygger på", "Builds on"), builds_on),
                    (self.t("Fil", "File"), esc(g.path))]
            if g.path in self.changes:
                old = self.changes[g.path][1]
                rows.append((self.t("Ändringar", "Changes"),
                             link(root + self.change_page(g), self.t("jämfört med ", "compared with ") + old.path)))
            body.append(self.facts(rows))
            if meta.text or meta.source:
                body.append(self.documented(meta))
        sections = [("forval", self.t("Förval för alla insatser", "Defaults for every insats"), g.defaults is not None),
                    ("insatser", self.t("Insatser", "Insatser"), bool(g.insatser)),
                    ("regler", self.t("Regler", "Rules"), bool(g.rules)),
                    ("varden", self.t("Daterade värden", "Dated values"), bool(g.values)),
                    ("nivaer", self.t("Nivåer", "Bands"), bool(g.bands)),
                    ("delegation", self.t("Delegation", "Delegation"), bool(g.delegations)),
                    ("aktiviteter", self.t("Aktiviteter", "Activities"), bool(g.activities)),
                    ("ordlistor", self.t("Ordlistor", "Word lists"), bool(g.word_lists))]
        body.append(element("nav", element("ul", "".join(
            element("li", link("#" + anchor, name)) for anchor, name, present in sections if present)), class_="contents"))
        if g.defaults is not None:
            body.append(element("h2", esc(sections[0][1]), id="forval"))
            body.append(self.facts(self.requirements(g.defaults)))
        if g.insatser:
            body.append(element("h2", esc(sections[1][1]), id="insatser"))
            body.extend(self.insats(g, insats, here, on, national) for insats in g.insatser)
            if not national:
                untouched = [(ng, i) for key, (ng, i) in self.national_insatser.items()
                             if key not in {x.id for x in g.insatser} and ng.path in self.guideline_pages]
                if untouched:
                    body.append(element("h3", esc(self.t("Nationella insatser som gäller utan tillägg i riktlinjen",
                                                         "National insatser that apply without additions"))))
                    body.append(element("p", ", ".join(
                        link(root + self.guideline_pages[ng.path] + "#insats-" + slug(i.id), i.name or i.id)
                        for ng, i in untouched), class_="muted"))
        if g.rules:
            body.append(element("h2", esc(sections[2][1]), id="regler"))
            body.extend(self.rule(g, rule, here, on) for rule in g.rules)
        if g.values:
            body.append(element("h2", esc(sections[3][1]), id="varden"))
            body.append(self.values(g.values, here, on))
        if g.bands:
            body.append(element("h2", esc(sections[4][1]), id="nivaer"))
            body.extend(self.band_table(b) for b in g.bands)
        if g.delegations:
            body.append(element("h2", esc(sections[5][1]), id="delegation"))
            body.append(table([esc(self.t("Delegation", "Delegation")), esc(self.t("Beslutar", "Decides")),
                               esc(self.t("Efter", "After")), esc(self.t("Avsnitt och källa", "Section and source"))],
                              [[element("span", esc(d.name or d.id), id="delegation-" + slug(d.id)),
                                esc(", ".join(d.decides)), esc(d.after.words().render(lang) if d.after else ""),
                                esc(" ".join(filter(None, [d.section, d.source])))] for d in g.delegations]))
        if g.activities:
            body.append(element("h2", esc(sections[6][1]), id="aktiviteter"))
            body.append(table([esc(self.t("Aktivitet", "Activity")), esc(self.t("Kategori", "Category")),
                               esc(self.t("Kallas även", "Also called")), esc(self.t("Källa", "Source"))],
                              [[element("span", esc(a.name or a.id), id="aktivitet-" + slug(a.id)),
                                esc(a.category or ""), esc(", ".join(a.aliases)), esc(a.source or "")]
                               for a in g.activities]))
        if g.word_lists:
            body.append(element("h2", esc(sections[7][1]), id="ordlistor"))
            for word_list in g.word_lists:
                body.append(element("h3", esc(word_list.name or word_list.id), id="ordlista-" + slug(word_list.id)))
                body.append(table([esc(self.t("Post", "Entry")), esc(self.t("Betyder", "Means")),
                                   esc(self.t("Källa", "Source"))],
                                  [[esc(e.text), esc(e.meaning or ""), esc(e.source or word_list.source or "")]
                                   for e in word_list.entries]))
        return page(title, "\n".join(body), lang, root, NAV)

    def insats(self, g: m.Guideline, insats: m.Insats, here: str, on: date | None, national: bool) -> str:
        root, anchor = "../", "insats-" + slug(insats.id)
        back = (here + "#" + anchor, f"{insats.name or insats.id} ({g.meta.id if g.meta else g.path})")
        base = None if national else self.national_insatser.get(insats.id)
        if national:
            label = element("span", esc(self.t("nationell insats", "national insats")), class_="label national")
        elif base is not None:
            label = element("span", esc(self.t("nationell insats med kommunens tillägg",
                                               "national insats with the municipality's additions")),
                            class_="label national")
        else:
            label = element("span", esc(self.t("kommunal insats", "municipal insats")), class_="label municipal")
        header = element("header", element("h3", label + esc(insats.name or insats.id)) + element(
            "p", esc(f"insats {insats.id}"), class_="muted"))

        def describe(item: m.Insats) -> dict[str, str]:
            return {
                self.t("Lagrum", "Law"): ", ".join(self.law_link(c, on, root, back) for c in item.citations),
                self.t("Kallas även", "Also called"): esc(", ".join(item.aliases)),
                self.t("Målgrupp", "Target group"): self.target(item.target),
                self.t("Huvudman", "Responsible"): esc(item.responsible or ""),
                self.t("LSS-motsvarighet", "LSS counterpart"): esc(item.lss_counterpart or ""),
                self.t("Utan behovsprövning", "Without needs assessment"): esc(item.simplified or ""),
                self.t("Omfattning", "Scope"): self.bounds(item.scope),
                self.t("Krav", "Requirements"): "; ".join(f"{esc(k)}: {v}" for k, v in self.requirements(item.requirements)),
                self.t("Schablonaktiviteter", "Standard activities"): esc(", ".join(item.standard_activities)),
                self.t("Slag", "Kind"): esc(", ".join(item.kinds)),
            }

        own = describe(insats)
        norms = ""
        if insats.norms:
            norms = element("h4", esc(self.t("Normer i riktlinjen", "Norms in the guideline"))) + self.norms(insats.norms)
        if base is None:
            facts = self.facts(list(own.items()))
        else:  # the national definition beside what the guideline adds
            _, national_insats = base
            theirs = describe(national_insats)
            rows = [[esc(k), theirs[k] or "–", own[k] or "–"] for k in own if own[k] or theirs[k]]
            national_page = self.guideline_pages.get(base[0].path)
            head = link(root + national_page + "#" + anchor, self.t("Nationellt", "National")) if national_page \
                else esc(self.t("Nationellt", "National"))
            facts = table(["", head, esc(self.t("I riktlinjen", "In the guideline"))], rows, class_="layers")
            if national_insats.norms:
                norms = element("h4", esc(self.t("Nationella normer", "National norms"))) + \
                    self.norms(national_insats.norms) + norms
        right = facts + norms + element("details", element("summary", esc(self.t("Källtext", "Source"))) +
                                self.source(self.book, insats))
        return element("article", header + self.documented(insats) + element("div", right), class_="block insats",
                       id=anchor)

    def rule(self, g: m.Guideline, rule: m.Rule, here: str, on: date | None) -> str:
        root, anchor = "../", "regel-" + slug(rule.id)
        back = (here + "#" + anchor, f"{rule.name or rule.id} ({g.meta.id if g.meta else g.path})")
        severity = rule.severity.value if rule.severity else "info"
        header = element("header", element("h3", esc(rule.name or rule.id)) +
                         element("p", esc(f"regel {rule.id} · {rule.finding_code}"), class_="muted"))
        message = Text(rule.message or "", rule.english or rule.message or "").render(self.lang)
        said = element("p", element("span", esc(rule.severity.render(self.lang) if rule.severity else ""),
                                    class_=f"label {severity}") + esc(message or ""), class_="message")
        rows = [(self.t("Lagrum", "Law"), self.law_link(rule.citation, on, root, back) if rule.citation else ""),
                (self.t("Fält", "Field"), esc(rule.field or ""))]
        right = said + self.facts(rows) + self.source(self.book, rule)
        return element("article", header + self.documented(rule) + element("div", right, class_="rule-source"),
                       class_="block rule", id=anchor)

    def values(self, values: list[m.DatedValue], here: str, on: date | None) -> str:
        rows = []
        for value in values:
            anchor = "varde-" + slug(value.id)
            entries = "".join(element("li", esc(f"{_number(e.value, self.lang)} {value.unit or ''}".strip()
                                                + f" ({_validity(e.validity, self.lang)})")) for e in value.entries)
            citation = self.law_link(value.citation, on, "../", (here + "#" + anchor, value.name or value.id)) \
                if value.citation else ""
            rows.append([element("span", esc(value.name or value.id), id=anchor) +
                         element("div", esc(value.id), class_="muted"),
                         element("ul", entries, class_="plain"), citation,
                         esc(" ".join(filter(None, [value.section and self.t("Avsnitt ", "Section ") + value.section,
                                                    value.source]))) + prose(value.text)])
        return table([esc(self.t("Värde", "Value")), esc(self.t("Belopp och giltighet", "Amount and period")),
                      esc(self.t("Lagrum", "Law")), esc(self.t("Källa och text", "Source and text"))], rows,
                     class_="values")

    def band_table(self, bands: m.Bands) -> str:
        rows = [[esc(b.name), esc(_number(b.low, self.lang)), esc(_number(b.high, self.lang) if b.high is not None else "–"),
                 esc(b.label or "")] for b in bands.bands]
        head = element("h3", esc(bands.name or bands.id), id="nivaer-" + slug(bands.id))
        about = element("p", esc(self.t("Mått: ", "Measure: ") + (bands.measure or "–") +
                                 (self.t(", steg ", ", step ") + _number(bands.step, self.lang) if bands.step else "")),
                        class_="muted")
        return head + about + table([esc(self.t("Nivå", "Level")), esc(self.t("Från", "From")), esc(self.t("Till", "To")),
                                     esc(self.t("Beskrivning", "Description"))], rows) + self.documented(bands)

    # ---- a law ----
    def law(self, law: m.Law) -> str:
        lang, root = self.lang, "../"
        title = law.name or law.id
        body = [element("h1", element("span", esc(self.t("lag", "law")), class_="label national") + esc(title))]
        body.append(self.facts([
            (self.t("Förkortning", "Abbreviation"), esc(law.abbreviation or "")),
            ("SFS", esc(law.sfs or "")),
            (self.t("Gäller", "In force"), esc(_validity(law.validity, lang))),
            (self.t("Förteckningen", "The list"), esc(self.t("fullständig: varje paragraf i lagen står här",
                                                             "complete: every paragraph of the law is here")
                                                      if law.complete else self.t("ofullständig", "incomplete"))),
        ]))
        if law.text or law.source:
            body.append(self.documented(law))
        body.append(element("p", esc(self.t(
            "Paragrafernas text finns i lagtexten (se källan ovan); här står rubriken paragrafen står under, "
            "när den gäller och vad lagen säger om den.",
            "The paragraphs' wording is in the statute (see the source above); here are the heading each stands "
            "under, when it is in force and what the law says of it.")), class_="muted"))
        rows = []
        for paragraph in law.paragraphs:
            anchor = self.paragraph_anchor(law, paragraph)
            before = paragraph.validity.valid_from - timedelta(days=1) if paragraph.validity.valid_from else None
            replaces = ", ".join(self.law_link(ref, before, root) for ref in paragraph.replaces)
            reports = ", ".join(esc(ref.canonical()) for ref in paragraph.reports)
            cited = ", ".join(link(root + href, text) for href, text in
                              dict.fromkeys(self.cited_by.get((law.id, anchor), [])))
            rows.append(element("tr", "".join(element("td", cell) for cell in [
                element("strong", esc(paragraph.written)), esc(paragraph.title or "") + prose(paragraph.text),
                esc(_validity(_within(paragraph.validity, law.validity), lang)),
                esc(self.t("ja", "yes") if paragraph.ground else self.t("ingen beslutsgrund", "no ground for a decision")),
                replaces, esc(reports), cited]), id=anchor))
        head = "".join(element("th", esc(h), scope="col") for h in [
            self.t("Paragraf", "Paragraph"), self.t("Rubrik", "Heading"), self.t("Gäller", "In force"),
            self.t("Beslutsgrund", "Ground for a decision"), self.t("Ersätter", "Replaces"),
            self.t("Rapportplikt för", "Reporting duty for"), self.t("Citeras av", "Cited by")])
        body.append(element("h2", esc(self.t("Paragrafer", "Paragraphs"))))
        body.append(element("table", element("thead", element("tr", head)) + element("tbody", "".join(rows)),
                            class_="paragraphs"))
        return page(title, "\n".join(body), lang, root, NAV)

    # ---- a standard-time table ----
    def standard_times(self, t: m.StandardTimeTable) -> str:
        lang, root = self.lang, "../"
        title = (t.meta.title or t.meta.id) if t.meta else t.path
        body = [element("h1", esc(title))]
        if t.meta:
            body.append(self.facts([(self.t("Kommun", "Municipality"), esc(t.meta.municipality or "")),
                                    (self.t("Slag", "Kind"), esc(t.meta.kind or "")),
                                    (self.t("Gäller", "In force"), esc(self.t("odaterad", "undated") if t.meta.undated
                                                                      else _validity(t.meta.validity, lang))),
                                    (self.t("Fil", "File"), esc(t.path))]))
            if t.meta.text or t.meta.source:
                body.append(self.documented(t.meta))
        rows = []
        for activity in t.activities:
            times = "".join(element("li", esc(v.amount.written + (
                self.t(" om ", " if ") + self.t(" och ", " and ").join(v.when) if v.when else
                self.t(" annars", " otherwise") if v.otherwise else ""))) for v in activity.times)
            notes = [self.t("delas i hushållet", "shared by the household") if activity.shared_by_household else "",
                     self.t("ingår i ", "included in ") + ", ".join(activity.included_in) if activity.included_in else "",
                     self.t("beviljas i timmar", "granted in hours") if activity.granted_in_hours else "",
                     self.t("ingen tid", "no time") if activity.no_time else ""]
            rows.append([element("span", esc(activity.name or activity.id), id="aktivitet-" + slug(activity.id)),
                         esc(activity.maps_to or ""), element("ul", times, class_="plain"),
                         esc(activity.normal.written if activity.normal else ""),
                         esc(activity.maximum.written if activity.maximum else ""),
                         esc("; ".join(n for n in notes if n)),
                         esc(" ".join(filter(None, [activity.section, activity.source]))) + prose(activity.text)])
        body.append(element("h2", esc(self.t("Schablontider", "Standard times"))))
        body.append(table([esc(h) for h in [self.t("Aktivitet", "Activity"), self.t("Motsvarar", "Maps to"),
                                            self.t("Tid", "Time"), self.t("Normalt", "Normally"),
                                            self.t("Högst", "At most"), self.t("Anmärkning", "Notes"),
                                            self.t("Källa och text", "Source and text")]], rows, class_="times"))
        lines = self.book.sources.get(t.path, [])
        body.append(element("details", element("summary", esc(self.t("Hela filen", "The whole file"))) +
                            highlight("\n".join(lines), "schablon")))
        return page(title, "\n".join(body), lang, root, NAV)

    # ---- the change view ----
    _FIELDS = {"when": T("villkor (när)", "condition (när)"), "message": T("meddelande (då)", "message (då)"),
               "severity": T("nivå", "severity"), "english": T("engelska", "English"), "text": T("text", "text"),
               "source": T("källa", "source"), "section": T("avsnitt", "section"), "citation": T("lagrum", "law"),
               "citations": T("lagrum", "law"), "norms": T("normer", "norms"), "scope": T("omfattning", "scope"),
               "target": T("målgrupp", "target group"), "requirements": T("krav", "requirements"),
               "entries": T("värden", "values"), "field": T("fält", "field"), "code": T("kod", "code"),
               "name": T("namn", "name"), "aliases": T("kallas", "also called"), "bands": T("nivåer", "levels"),
               "validity": T("giltighet", "period of force"), "title": T("titel", "title"),
               "decides": T("beslutar", "decides"), "after": T("efter", "after")}
    _STATUS = {"added": T("tillagd", "added"), "removed": T("borttagen", "removed"), "changed": T("ändrad", "changed")}

    def line_diff(self, old_book: RuleBook, before: m.Documented, after: m.Documented) -> str:
        """The lines of a block that differ, old (-) and new (+), for the eye to find first."""
        old = block_source(old_book.sources.get(before.pos.file, []), before.pos).splitlines()
        new = block_source(self.book.sources.get(after.pos.file, []), after.pos).splitlines()
        lines = [element("span", esc(line), class_="del" if line.startswith("-") else "ins")
                 for line in difflib.ndiff(old, new) if line[:1] in "-+"]
        if not lines:
            return ""
        return element("div", element("h4", esc(self.t("Ändrade rader", "Changed lines"))) +
                       element("pre", "".join(lines), class_="diff"))

    def change_view(self, g: m.Guideline) -> str:
        lang, root = self.lang, "../"
        old_book, old, changes = self.changes[g.path]
        here = self.guideline_pages[g.path]
        title = self.t("Ändringar i ", "Changes in ") + ((g.meta.title or g.meta.id) if g.meta else g.path)
        body = [element("h1", esc(title)),
                element("p", esc(self.t(f"Från {old.path} till ", f"From {old.path} to ")) + link(root + here, g.path))]
        counts = {status: sum(c.status == status for c in changes) for status in self._STATUS}
        body.append(element("p", esc(", ".join(f"{n} {self._STATUS[s].render(lang)}" for s, n in counts.items())
                                     + (self.t(" (inga ändringar)", " (no changes)") if not changes else "")),
                            class_="summary"))
        for change in changes:
            status = self._STATUS[change.status].render(lang)
            name = getattr(change.after or change.before, "name", None) or change.id
            heading = element("h3", element("span", esc(status), class_=f"label {change.status}") +
                              esc(f"{change.kind} {change.id}" + (f" – {name}" if name != change.id else "")))
            parts = [heading]
            if change.fields:
                parts.append(element("p", esc(self.t("Ändrat: ", "Changed: ") + ", ".join(
                    self._FIELDS[f].render(lang) if f in self._FIELDS else f for f in change.fields))))
            sides = []
            for label, book, item in ((self.t("Före", "Before"), old_book, change.before),
                                      (self.t("Efter", "After"), self.book, change.after)):
                if item is None or not hasattr(item, "pos"):
                    sides.append(element("div", element("h4", esc(label)) + element("p", "–", class_="muted")))
                else:
                    sides.append(element("div", element("h4", esc(label)) + self.source(book, item),
                                         class_="before" if book is old_book else "after"))
            if change.status == "changed" and hasattr(change.before, "pos") and hasattr(change.after, "pos"):
                parts.append(self.line_diff(old_book, change.before, change.after))
            parts.append(element("div", "".join(sides), class_="beside"))
            anchor = f"{slug(change.kind)}-{slug(change.id)}"
            body.append(element("article", "".join(parts), class_=f"change {change.status}", id=anchor))
        return page(title, "\n".join(body), lang, root, NAV)
