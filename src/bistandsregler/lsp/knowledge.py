"""Hover and go to definition: what the rule book knows of the word under the cursor.

A law reference shows its paragraph (title, law, dates of force, whether it is a ground for a
decision, what it replaced); an insats its national definition; an activity its standard times;
a dated value its values and when each is in force. The national layer carries each
paragraph's heading and dates, not the statute's wording: the hover says so and names the
law's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bistandsregler.language import model as m
from bistandsregler.language.facts import FIELDS
from bistandsregler.language.lagrum import LagrumError, LawRef, parse_lagrum
from bistandsregler.language.messages import Text, decimal
from bistandsregler.language.units import FrequencyError, format_hours, parse_quantity
from bistandsregler.rules.rulebook import RuleBook

_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')
_WORD = re.compile(r"[^\W\d]\w*")
# Statements whose string is a law reference, and those whose string is a frequency or time.
LAW_STATEMENTS = {"lagrum", "paragraf", "ersätter", "för"}
AMOUNT_STATEMENTS = {"normalt", "högst", "tid"}


@dataclass(frozen=True)
class Word:
    """What stands at the cursor: a name, or a string (``quoted``), with its place on the line."""

    text: str
    start: int  # 0-based, on the line
    end: int
    quoted: bool
    before: list[str]  # the words before it on the line, nearest last (strings as written)


def word_at(line: str, character: int) -> Word | None:
    for match in _STRING.finditer(line):
        if match.start() <= character <= match.end() and match.end() > match.start():
            if character == match.end() and match.end() < len(line) and line[match.end()].isalnum():
                continue
            return Word(match.group(0)[1:-1], match.start(), match.end(), True, _words(line[: match.start()]))
    if "#" in line[:character] and not _in_string(line, line.index("#")):
        return None  # a comment
    for match in _WORD.finditer(line):
        if match.start() <= character <= match.end():
            return Word(match.group(0), match.start(), match.end(), False, _words(line[: match.start()]))
    return None


def _in_string(line: str, at: int) -> bool:
    return any(m.start() < at < m.end() for m in _STRING.finditer(line))


def _words(text: str) -> list[str]:
    return re.findall(r'"(?:\\.|[^"\\\n])*"|[^\s,()]+', text)


def _period(validity: m.Validity, lang: str) -> str:
    start = validity.valid_from.isoformat() if validity.valid_from else None
    until = validity.valid_until.isoformat() if validity.valid_until else None
    if start and until:
        return Text(f"från {start} till {until}", f"from {start} until {until}").render(lang)
    if start:
        return Text(f"från {start} tills vidare", f"from {start} until further notice").render(lang)
    if until:
        return Text(f"till {until}", f"until {until}").render(lang)
    return Text("utan tidsgräns", "without a time limit").render(lang)


def _at(pos: m.Pos) -> str:
    return f"{pos.file}:{pos.line}"


class Knowledge:
    """Answers about one document, from the rule book its folder was read into."""

    def __init__(self, book: RuleBook, shown: str | None, lang: str = "sv", today: date | None = None):
        self.book = book
        self.lang = lang
        self.today = today or date.today()
        self.guideline = next((g for g in book.guidelines if g.path == shown), None)

    def t(self, sv: str, en: str) -> str:
        return Text(sv, en).render(self.lang)

    # ---- hover ----
    def hover(self, word: Word) -> str | None:
        statement = word.before[0] if word.before else None
        previous = word.before[-1] if word.before else None
        if word.quoted:
            if statement in LAW_STATEMENTS or previous in LAW_STATEMENTS or (previous or "").startswith('"'):
                law = self.law_hover(word.text)
                if law is not None:
                    return law
            if statement in AMOUNT_STATEMENTS or previous in AMOUNT_STATEMENTS:
                return self.amount_hover(word.text)
            return None
        name = word.text
        if previous == "värde" or (statement == "värde" and len(word.before) == 1):
            return self.value_hover(name)
        if statement in ("aktivitet", "norm", "motsvarar", "schablon", "ingår") or previous in ("norm", "motsvarar"):
            return self.activity_hover(name) or self.insats_hover(name)
        return self.insats_hover(name) or self.activity_hover(name) or self.value_hover(name) or self.field_hover(name)

    def law_hover(self, written: str) -> str | None:
        try:
            ref = parse_lagrum(written)
        except LagrumError:
            return None
        found = self.paragraphs(ref)
        if not found:
            law = self.book.resolve_law(ref)
            where = law.name if law is not None and law.name else (ref.law or "?")
            return self.t(f"**{ref.canonical()}** finns inte i {where} i det nationella lagret.",
                          f"**{ref.canonical()}** is not in {where} in the national layer.")
        parts = [f"**{ref.canonical()}**", ""]
        for law, paragraph in found:
            validity = paragraph.validity if paragraph.validity != m.ALWAYS else law.validity
            title = f" – *{paragraph.title}*" if paragraph.title else ""
            line = f"- {law.name or law.id}{title}, {self.t('gäller', 'in force')} {_period(validity, self.lang)}"
            if not paragraph.ground:
                line += self.t("; ingen grund för beslut om en insats", "; no ground for a decision on a service")
            if paragraph.replaces:
                line += self.t("; ersätter ", "; replaces ") + ", ".join(r.canonical() for r in paragraph.replaces)
            for later_law, later in self.book.replacements(law, paragraph.ref):
                line += self.t("; ersatt av ", "; replaced by ") + f"{later.ref.key()} {later_law.abbreviation or ''}".rstrip()
            parts.append(line)
        sources = {law.source for law, _ in found if law.source}
        parts += ["", self.t("Lagtexten själv följer inte med det nationella lagret (bara paragrafens rubrik och "
                             "giltighet); läs den i källan: ",
                             "The statute's wording is not shipped with the national layer (only the paragraph's "
                             "heading and dates); read it in the source: ") + "; ".join(sorted(sources))]
        return "\n".join(parts)

    def paragraphs(self, ref: LawRef) -> list[tuple[m.Law, m.Paragraph]]:
        """Every version of the paragraph in every law the reference may mean (old and new SoL
        when no SFS number is written), oldest law first."""
        ref = self.book.complete(ref)
        laws = [law for law in self.book.laws
                if (ref.sfs is None or law.sfs == ref.sfs)
                and (ref.law is None or (law.abbreviation or "").lower() == ref.law.lower())]
        found = []
        for law in sorted(laws, key=lambda x: x.validity.valid_from or date.min):
            for paragraph in law.paragraphs:
                if paragraph.ref.key() == ref.key():
                    found.append((law, paragraph))
        return found

    def national_insats(self, name: str) -> m.Insats | None:
        return self.book.insatser(None).get(name)

    def insats_hover(self, name: str) -> str | None:
        national = self.national_insats(name)
        merged = self.book.insatser(self.guideline).get(name)
        insats = national or merged
        if insats is None:
            return None
        head = f"**{insats.name or insats.id}** (`insats {insats.id}`)"
        origin = (self.t("nationell definition, ", "national definition, ") if national is not None
                  else self.t("definierad i ", "defined in ")) + _at(insats.pos)
        lines = [head, "", origin, ""]
        for citation in insats.citations:
            lines.append(f"- {self.t('lagrum', 'legal basis')} {citation.ref.canonical()} "
                         f"({_period(citation.validity, self.lang)})")
        if insats.aliases:
            lines.append(f"- {self.t('kallas', 'also called')} " + ", ".join(f'"{a}"' for a in insats.aliases))
        if insats.simplified:
            lines.append(f"- {self.t('förenklad', 'simplified')} {insats.simplified}")
        if insats.lss_counterpart:
            lines.append(f"- {self.t('motsvarighet', 'counterpart')} {insats.lss_counterpart}")
        if insats.kinds:
            lines.append(f"- {self.t('slag', 'kind')} " + ", ".join(insats.kinds))
        if national is not None and merged is not None and merged is not national and self.guideline is not None:
            lines.append(self.t(f"- i {self.guideline.path} med riktlinjens tillägg",
                                f"- in {self.guideline.path} with the guideline's additions"))
        if insats.text:
            lines += ["", insats.text]
        if insats.source:
            lines += ["", f"{self.t('Källa', 'Source')}: {insats.source}"]
        return "\n".join(lines)

    def standard_activities(self, name: str) -> list[tuple[m.StandardTimeTable, m.StandardActivity]]:
        return [(table, activity) for table in self.book.tables for activity in table.activities
                if name in (activity.id, activity.maps_to)]

    def activity_hover(self, name: str) -> str | None:
        activity = self.book.activities.get(name)
        times = self.standard_activities(name)
        if activity is None and not times:
            return None
        lines = []
        if activity is not None:
            category = f", {self.t('kategori', 'category')} {activity.category}" if activity.category else ""
            lines += [f"**{activity.name or activity.id}** (`aktivitet {activity.id}`{category})", "",
                      self.t("i det gemensamma ordförrådet, ", "in the shared vocabulary, ") + _at(activity.pos)]
        for table, standard in times:
            owner = table.meta.municipality or table.meta.id if table.meta else table.path
            lines.append(f"- {owner}: " + self.standard_time(standard))
        if not times:
            lines.append(self.t("Ingen schablontabell i mappen anger en tid för aktiviteten.",
                                "No standard-time table in the folder gives a time for the activity."))
        return "\n".join(lines)

    def standard_time(self, activity: m.StandardActivity) -> str:
        parts = []
        for variant in activity.times:
            condition = ""
            if variant.when:
                condition = self.t(" om ", " if ") + self.t(" och ", " and ").join(variant.when)
            elif variant.otherwise:
                condition = self.t(" annars", " otherwise")
            parts.append(f'{self.t("tid", "time")} "{variant.amount.written}"{condition}')
        if activity.granted_in_hours:
            parts.append(self.t("beviljas i timmar", "granted in hours"))
        if activity.no_time:
            parts.append(self.t("ingen tid", "no time"))
        if activity.normal:
            parts.append(f'{self.t("normalt", "normally")} "{activity.normal.written}"')
        if activity.maximum:
            parts.append(f'{self.t("högst", "at most")} "{activity.maximum.written}"')
        if activity.shared_by_household:
            parts.append(self.t("delas i hushållet", "shared in the household"))
        return "; ".join(parts) + f" ({_at(activity.pos)})"

    def value_hover(self, name: str) -> str | None:
        value = self.book.values(self.guideline).get(name) or next(
            (v for g in self.book.guidelines for v in g.values if v.id == name), None)
        if value is None:
            return None
        unit = f" {value.unit}" if value.unit else ""
        lines = [f"**{value.name or value.id}** (`värde {value.id}`), {_at(value.pos)}", ""]
        for entry in value.entries:
            shown = str(entry.value) if not isinstance(entry.value, str) else f'"{entry.value}"'
            now = self.t(" ← gäller i dag", " ← in force today") if entry.validity.covers(self.today) else ""
            lines.append(f"- {shown}{unit}: {_period(entry.validity, self.lang)}{now}")
        if value.citation:
            lines += ["", f"{self.t('Lagrum', 'Legal basis')}: {value.citation.ref.canonical()}"]
        return "\n".join(lines)

    def field_hover(self, name: str) -> str | None:
        info = FIELDS.get(name)
        if info is None:
            return None
        return f"**{name}** ({info.kind}): {Text(info.sv, info.en).render(self.lang)}"

    def amount_hover(self, written: str) -> str | None:
        try:
            quantity = parse_quantity(written)
        except FrequencyError as error:
            return error.message.render(self.lang)
        if quantity.kind == "tillfällen":
            per_month = decimal(f"{float(quantity.per_month()):.2f}", self.lang)
            return self.t(f'"{written}": {per_month} tillfällen per månad', f'"{written}": {per_month} occasions a month')
        if quantity.kind == "tid":
            return f'"{written}": {format_hours(quantity.per_month(), self.lang)} ' + self.t("per månad", "a month")
        return f'"{written}": {quantity.amount} ' + self.t("minuter per tillfälle", "minutes per occasion")

    # ---- definitions ----
    def definitions(self, word: Word) -> list[m.Pos]:
        """Where the name under the cursor is defined: a municipal insats at its national
        definition, an activity at its lines in the standard-time tables (and in the shared
        vocabulary), a dated value at its block."""
        if word.quoted:
            return []
        name = word.text
        previous = word.before[-1] if word.before else None
        found: list[m.Pos] = []
        if previous != "värde":
            national = self.national_insats(name)
            if national is not None:
                found.append(national.pos)
            else:
                found += [i.pos for g in self.book.guidelines for i in g.insatser if i.id == name]
            found += [activity.pos for _, activity in self.standard_activities(name)]
            if name in self.book.activities:
                found.append(self.book.activities[name].pos)
        found += [v.pos for g in self.book.guidelines for v in g.values if v.id == name]
        unique: dict[tuple[str, int], m.Pos] = {}
        for pos in found:
            unique.setdefault((pos.file, pos.line), pos)
        return list(unique.values())
