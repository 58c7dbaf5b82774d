"""Diagnostics: what is wrong with a guideline or standard-time file, where, and how to fix it.

Every diagnostic has a stable code (``syntax.ovantat``, ``lagrum.okant`` ...), a severity, a
position and a message in Swedish, with English on request. The catalogue below is the one
place messages are written; ``docs/diagnostikkoder.md`` is generated from it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from bistandsregler.language.messages import Severity, Text


@dataclass(frozen=True)
class Entry:
    """One code of the catalogue: its severity, its message template and a summary."""

    severity: Severity
    text: Text  # the message template; placeholders are filled from the diagnostic's args
    summary: str  # one line for the catalogue page (Swedish)


# code -> message templates. Placeholders are filled with str.format rules; an argument may be
# a Text, rendered in the message's language.
CATALOGUE: dict[str, Entry] = {
    "syntax.ovantat": Entry(
        Severity.ERROR,
        Text("oväntat {found}; väntade {expected}", "unexpected {found}; expected {expected}"),
        "Texten följer inte språkets grammatik på den här platsen.",
    ),
    "syntax.tecken": Entry(
        Severity.ERROR,
        Text(
            "tecknet {char} kan inte stå här; väntade {expected}",
            "the character {char} cannot stand here; expected {expected}",
        ),
        "Ett tecken som språket inte känner igen.",
    ),
    "syntax.slut_saknas": Entry(
        Severity.ERROR,
        Text(
            "filen tar slut inne i blocket '{block}'; väntade 'slut'",
            "the file ends inside the block '{block}'; expected 'slut'",
        ),
        "Ett block saknar sitt avslutande 'slut'.",
    ),
    "syntax.slut_fore": Entry(
        Severity.ERROR,
        Text(
            "'slut' saknas: blocket '{block}' på rad {opened} måste sluta med 'slut' före nästa block",
            "'slut' is missing: the block '{block}' on line {opened} must end with 'slut' before the next block",
        ),
        "Ett block saknar sitt avslutande 'slut' och nästa block börjar; läsningen fortsätter där.",
    ),
    "syntax.fler_fel": Entry(
        Severity.INFO,
        Text(
            "fler än {count} syntaxfel: resten av filen från den här raden lästes inte",
            "more than {count} syntax errors: the rest of the file from this line was not read",
        ),
        "Filen har så många syntaxfel att läsningen slutade; rätta de visade först.",
    ),
    "syntax.ocr_tolkat": Entry(
        Severity.INFO,
        Text(
            "tolkade '{found}' som '{keyword}' (trolig OCR-skada)",
            "read '{found}' as '{keyword}' (probably OCR damage)",
        ),
        "Ett nyckelord med typisk OCR-skada (ä lästes som i eller a) tolkades som det avsedda.",
    ),
    "syntax.for_djup": Entry(
        Severity.ERROR,
        Text(
            "villkoret är nästlat för djupt (mer än {limit} nivåer)",
            "the condition is nested too deeply (more than {limit} levels)",
        ),
        "Ett villkor med orimligt många parentesnivåer.",
    ),
    "fil.for_stor": Entry(
        Severity.ERROR,
        Text("filen är för stor ({size} byte; högst {limit})", "the file is too large ({size} bytes; at most {limit})"),
        "Filen är större än vad verktyget läser.",
    ),
    "fil.oläslig": Entry(
        Severity.ERROR,
        Text("filen kan inte läsas: {reason}", "the file cannot be read: {reason}"),
        "Filen saknas eller kan inte öppnas.",
    ),
    "fil.teckenkodning": Entry(
        Severity.ERROR,
        Text("filen är inte giltig {encoding} (första felet på rad {line}){likely}",
             "the file is not valid {encoding} (the first error is on line {line}){likely}"),
        "Filen är inte skriven i den teckenkodning den läses som (utf-8 om inget annat anges med "
        "--encoding); meddelandet säger vilken kodning den troligen har.",
    ),
    "fil.okand_typ": Entry(
        Severity.ERROR,
        Text(
            "okänd filtyp '{suffix}'; väntade .riktlinje eller .schablon",
            "unknown file type '{suffix}'; expected .riktlinje or .schablon",
        ),
        "Filen har en ändelse som verktyget inte läser.",
    ),
    "varde.ogiltigt": Entry(
        Severity.ERROR,
        Text("{what}: {reason}", "{what}: {reason}"),
        "Ett datum, tal, en frekvens eller en lagrumshänvisning som inte kan tolkas.",
    ),
    "lagrum.okant": Entry(
        Severity.ERROR,
        Text("lagrummet '{ref}' finns inte i {law}", "the provision '{ref}' does not exist in {law}"),
        "Hänvisningen kan tolkas men paragrafen finns inte i lagen.",
    ),
    "lagrum.okand_lag": Entry(
        Severity.ERROR,
        Text("lagen i '{ref}' är okänd", "the law in '{ref}' is unknown"),
        "Hänvisningen anger en lag som inte finns i det nationella lagret.",
    ),
    "lagrum.okant_sfs": Entry(
        Severity.ERROR,
        Text(
            "SFS-numret {sfs} är okänt (kända: {known})",
            "the SFS number {sfs} is unknown (known: {known})",
        ),
        "Hänvisningen anger ett SFS-nummer som inget lag-block har (sfs \"...\" i det nationella lagret).",
    ),
    "lagrum.sfs_annan_lag": Entry(
        Severity.ERROR,
        Text(
            "SFS-numret {sfs} hör till {owner}, inte {law}",
            "the SFS number {sfs} belongs to {owner}, not {law}",
        ),
        "Hänvisningen anger en lag och ett SFS-nummer som hör till en annan lag.",
    ),
    "lagrum.ej_i_kraft": Entry(
        Severity.ERROR,
        Text("'{ref}' gäller inte {date}{replacement}", "'{ref}' is not in force on {date}{replacement}"),
        "Paragrafen gäller inte när riktlinjen (eller regeln) börjar gälla.",
    ),
    "lagrum.sfs_saknas": Entry(
        Severity.WARNING,
        Text(
            "'{ref}' läses som {law}{title}, som inte är grund för beslut om en insats; menas {old}, ersatt av "
            "{replacement}? Skriv SFS-numret",
            "'{ref}' reads as {law}{title}, which is no ground for a decision on a service; is {old} meant, "
            "replaced by {replacement}? Write the SFS number",
        ),
        "Ett lagrum utan SFS-nummer som efter ett lagbyte läses som den nya lagens paragraf med samma nummer, "
        "fast den inte är grund för beslut ('4 kap. 1 § SoL' från 2025-07-01 är kommunens yttersta ansvar). "
        "Skriv SFS-numret, eller den nya paragrafen.",
    ),
    "insats.ej_beslutsgrund": Entry(
        Severity.ERROR,
        Text(
            "'{ref}'{title} är ingen grund för beslut om en insats",
            "'{ref}'{title} is no ground for a decision on a service",
        ),
        "Insatsens lagrum är en paragraf som inte är grund för beslut (en definition, ett mål, nämndens uppgifter); "
        "paragraferna är märkta 'ingen beslutsgrund' i lagens block i det nationella lagret.",
    ),
    "insats.lagrum_saknas": Entry(
        Severity.ERROR,
        Text("insatsen '{insats}' saknar lagrum", "the service '{insats}' has no legal basis"),
        "En insats utan hänvisning till det lagrum den beslutas enligt.",
    ),
    "insats.namn_krock": Entry(
        Severity.WARNING,
        Text(
            "insatsen '{insats}' heter '{name}' som {others} i det nationella lagret: ett beslut med namnet "
            "tolkas som '{insats}' bara när det hänvisar till {lag}",
            "the service '{insats}' is called '{name}' like {others} of the national layer: a decision with "
            "that name is read as '{insats}' only when it cites {lag}",
        ),
        "En kommunens egen insats har samma namn (eller 'kallas') som en insats i det nationella lagret. Beslut "
        "med namnet avgörs av lagrummet: under den egna insatsens lag blir det den egna insatsen, under en "
        "annan lag den nationella.",
    ),
    "insats.dubblett": Entry(
        Severity.ERROR,
        Text(
            "insatsen '{insats}' är redan definierad på rad {line}",
            "the service '{insats}' is already defined on line {line}",
        ),
        "Samma insats definieras två gånger i samma fil.",
    ),
    "namn.dubblett": Entry(
        Severity.ERROR,
        Text("{kind} '{name}' är redan definierad på rad {line}", "{kind} '{name}' is already defined on line {line}"),
        "Samma namn definieras två gånger i samma fil.",
    ),
    "namn.okant": Entry(
        Severity.ERROR,
        Text("okänt namn på {kind}: '{name}'{suggestion}", "unknown {kind} name '{name}'{suggestion}"),
        "En hänvisning till en insats, aktivitet, ett värde eller ett fält som inte finns.",
    ),
    "omfattning.normal_over_max": Entry(
        Severity.ERROR,
        Text(
            "normal omfattning '{normal}' är större än högsta '{maximum}'",
            "the normal scope '{normal}' is larger than the maximum '{maximum}'",
        ),
        "Normal omfattning överstiger insatsens eller aktivitetens egen högsta omfattning.",
    ),
    "varde.overlapp": Entry(
        Severity.ERROR,
        Text(
            "värdet '{name}' har överlappande perioder: {first} och {second}",
            "the value '{name}' has overlapping periods: {first} and {second}",
        ),
        "Två daterade värden gäller samtidigt.",
    ),
    "varde.lucka": Entry(
        Severity.ERROR,
        Text(
            "värdet '{name}' saknar värde mellan {after} och {before}",
            "the value '{name}' has no value between {after} and {before}",
        ),
        "Daterade värden lämnar en lucka i tiden.",
    ),
    "varde.andel_ogiltig": Entry(
        Severity.ERROR,
        Text(
            "'{written}' kan inte räknas: {reason}",
            "'{written}' cannot be computed: {reason}",
        ),
        "En andel av ett värde som inte är ett tal i kronor, eller som till slut är en andel av sig själv.",
    ),
    "malgrupp.over_tvetydig": Entry(
        Severity.ERROR,
        Text(
            "'{written}' läses olika: verktyget skulle läsa det som '{older}', många läsare som '{same}'; "
            "skriv den form som menas",
            "'{written}' reads two ways: the tool would read it as '{older}', many readers as '{same}'; "
            "write the form that is meant",
        ),
        "En åldersgräns med 'över' som kan betyda både från och med och efter åldern.",
    ),
    "vistelse.over_grans": Entry(
        Severity.ERROR,
        Text(
            "växelvården i '{name}' har {away} borta, men en vistelse får vara högst {limit}",
            "the respite cycle of '{name}' has {away} away, but a stay may last at most {limit}",
        ),
        "En växelvård vars period borta är längre än insatsens längsta vistelse.",
    ),
    "avgift.taxa_saknas": Entry(
        Severity.ERROR,
        Text(
            "avgiften '{name}' har varken 'timtaxa' eller 'högst'; den kan inte räknas",
            "the fee '{name}' has neither 'timtaxa' nor 'högst'; it cannot be computed",
        ),
        "En avgift som inte säger vad den kostar.",
    ),
    "belopp.enhet": Entry(
        Severity.ERROR,
        Text(
            "'{written}' i '{statement}' räknas i {found}; '{statement}' räknas i {expected}",
            "'{written}' in '{statement}' is counted in {found}; '{statement}' is counted in {expected}",
        ),
        "Ett belopp i en avgift har fel enhet: en timtaxa i kronor per timme, ett tak i kronor per månad.",
    ),
    "avgift.nivaer_saknas": Entry(
        Severity.ERROR,
        Text(
            "'högst ... vid nivå {band}' i avgiften '{name}' kräver en rad 'nivåer NAMN'",
            "'högst ... vid nivå {band}' in the fee '{name}' needs a line 'nivåer NAMN'",
        ),
        "Ett tak per nivå i en avgift som inte säger vilka nivåer det gäller.",
    ),
    "nivaer.overlapp": Entry(
        Severity.ERROR,
        Text(
            "nivåerna '{first}' och '{second}' i '{name}' överlappar",
            "the bands '{first}' and '{second}' in '{name}' overlap",
        ),
        "Två nivåer täcker samma värden.",
    ),
    "nivaer.lucka": Entry(
        Severity.ERROR,
        Text(
            "mellan nivåerna '{first}' och '{second}' i '{name}' finns en lucka",
            "there is a gap between the bands '{first}' and '{second}' in '{name}'",
        ),
        "Nivåerna täcker inte alla värden.",
    ),
    "period.omvand": Entry(
        Severity.ERROR,
        Text(
            "perioden slutar ({until}) före den börjar ({start})",
            "the period ends ({until}) before it starts ({start})",
        ),
        "En giltighetsperiod vars slut ligger före dess början.",
    ),
    "regel.villkor_saknas": Entry(
        Severity.ERROR,
        Text("regeln '{name}' saknar 'när' eller 'då'", "the rule '{name}' lacks 'när' or 'då'"),
        "En regel måste ha både villkor (när) och utfall (då).",
    ),
    "regel.typfel": Entry(
        Severity.ERROR,
        Text(
            "'{left}' ({left_kind}) kan inte jämföras med '{right}' ({right_kind}) med {op}",
            "'{left}' ({left_kind}) cannot be compared with '{right}' ({right_kind}) using {op}",
        ),
        "Ett villkor jämför värden av olika slag (t.ex. ett datum med en text), eller ordnar text.",
    ),
    # A rule that can never fire (or fires on every decision) is as wrong as a type error: errors.
    "regel.insats_text": Entry(
        Severity.ERROR,
        Text(
            "'{field}' har insatsens id, inte dess namn: jämförelsen med \"{text}\" blir {effect}; "
            "menade du {id}? Skriv {id} utan citattecken",
            "'{field}' holds the service's id, not its name: the comparison with \"{text}\" is {effect}; "
            "did you mean {id}? Write {id} without quotes",
        ),
        "Ett villkor jämför insats, ansökt eller motsvarighet med en insats namn inom citattecken i stället för med dess id.",
    ),
    "regel.insats_okand": Entry(
        Severity.ERROR,
        Text(
            "\"{text}\" är ingen insats i katalogen: jämförelsen med '{field}' blir {effect}{candidates}",
            "\"{text}\" is no service of the catalogue: the comparison with '{field}' is {effect}{candidates}",
        ),
        "Ett villkor jämför insats, ansökt eller motsvarighet med en text som inte är någon insats.",
    ),
    "regel.varde_okant": Entry(
        Severity.ERROR,
        Text(
            "'{field}' är alltid ett av {values}: jämförelsen med {written} blir {effect}{suggestion}",
            "'{field}' is always one of {values}: the comparison with {written} is {effect}{suggestion}",
        ),
        "Ett villkor jämför ett fält med bestämda värden (utfall, lag) med något annat än ett av dem.",
    ),
    "regel.datum_utan_enhet": Entry(
        Severity.ERROR,
        Text(
            "'{expr}' räknar med datum, men villkor har ännu ingen enhet för tid mellan datum "
            "(dagar, månader): värdet är okänt och regeln slår aldrig till{hint}",
            "'{expr}' does arithmetic on dates, but conditions have no unit for the time between dates yet "
            "(days, months): the value is unknown and the rule never fires{hint}",
        ),
        "Ett villkor räknar med datum (t.ex. giltig_till - giltig_från > 21); det kan språket ännu inte uttrycka.",
    ),
    "riktlinje.huvud_saknas": Entry(
        Severity.WARNING,
        Text(
            "filen saknar ett '{block}'-block med kommun och giltighet",
            "the file has no '{block}' block with municipality and validity",
        ),
        "En riktlinje eller schablontabell utan huvud kan inte dateras.",
    ),
    "ordlista.form": Entry(
        Severity.ERROR,
        Text(
            "posten '{text}' i ordlistan '{list}' {problem}",
            "the entry '{text}' in the word list '{list}' {problem}",
        ),
        "En förkortning utan 'betyder', eller 'betyder' i en lista som inte har betydelser.",
    ),
    "ordlista.kalla_saknas": Entry(
        Severity.WARNING,
        Text(
            "posten '{text}' i ordlistan '{list}' saknar källa (skriv 'källa \"...\"' på raden eller i blocket)",
            "the entry '{text}' in the word list '{list}' has no source (write 'källa \"...\"' on the line or in the block)",
        ),
        "Varje post i en ordlista ska ha en källa: en offentlig adress eller en fil i projektet.",
    ),
    "schablon.tid_saknas": Entry(
        Severity.ERROR,
        Text(
            "aktiviteten '{name}' saknar tid (skriv 'tid \"...\"', 'beviljas i timmar' eller 'ingen tid')",
            "the activity '{name}' has no time (write 'tid \"...\"', 'beviljas i timmar' or 'ingen tid')",
        ),
        "En schablonaktivitet måste säga hur den tidsätts.",
    ),
    "schablon.annars_saknas": Entry(
        Severity.WARNING,
        Text(
            "aktiviteten '{name}' har villkorade tider men ingen 'annars'",
            "the activity '{name}' has conditional times but no 'annars'",
        ),
        "Villkorade tider utan ett förval lämnar fall utan tid.",
    ),
    "schablon.omappad": Entry(
        Severity.WARNING,
        Text(
            "aktiviteten '{name}' saknar 'motsvarar' i det gemensamma ordförrådet{suggestion}",
            "the activity '{name}' is not mapped to the shared vocabulary{suggestion}",
        ),
        "En kommuns aktivitetsnamn som inte är kopplat till det gemensamma ordförrådet.",
    ),
}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    path: str
    line: int
    column: int
    args: dict = field(default_factory=dict)
    source_line: str | None = None
    width: int = 1  # how many characters the caret underlines

    def message(self, lang: str = "sv") -> str:
        return CATALOGUE[self.code].text.render(lang, self.args)

    def render(self, lang: str = "sv") -> str:
        head = f"{self.path}:{self.line}:{self.column}: {self.severity.render(lang)}[{self.code}]: {self.message(lang)}"
        if self.source_line is None:
            return head
        line = self.source_line.rstrip("\n").replace("\t", " ")
        caret = " " * (self.column - 1) + "^" * max(1, self.width)
        return f"{head}\n    {line}\n    {caret}"

    def to_json(self, lang: str = "sv") -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message(lang),
        }


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.column, d.code)


def render_all(diagnostics: Iterable[Diagnostic], lang: str = "sv", fmt: str = "text") -> str:
    items = sorted(diagnostics, key=sort_key)
    if fmt == "json":
        return json.dumps([d.to_json(lang) for d in items], ensure_ascii=False, indent=2)
    return "\n".join(d.render(lang) for d in items)


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelled word, if one is close enough to be likely.

    Never the word itself: "did you mean 'tills'?" under 'tills' helps nobody.
    """
    others = [c for c in candidates if c != word]
    matches = difflib.get_close_matches(word.lower(), [c.lower() for c in others], n=1, cutoff=0.7)
    if not matches:
        return None
    lowered = {c.lower(): c for c in others}
    return lowered[matches[0]]


def did_you_mean(word: str, candidates: Iterable[str]) -> Text:
    """" (menade du 'X'?)" for the likely candidate, or an empty text."""
    best = suggest(word, candidates)
    if best is None:
        return Text("", "")
    return Text(f" (menade du '{best}'?)", f" (did you mean '{best}'?)")


class GuidelineError(Exception):
    """Raised by the API when a file has errors; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=sort_key)
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        super().__init__(render_all(errors[:20]))
