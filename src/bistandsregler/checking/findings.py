"""Findings: what a check says about a decision, and the catalogue of finding codes.

The codes are a stable public interface. Each has a default severity, a Swedish and an
English message template, the decision field it concerns and a one-line description; the
docs page of codes is generated from ``CODES`` so it cannot drift.

A finding is cheap to make (checks run while a case worker waits, and over a year of
decisions): the message is rendered only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from bistandsregler.language.facts import ABSENT
from bistandsregler.language.units import exact_json


@dataclass(frozen=True, slots=True)
class Code:
    severity: str  # "fel", "varning", "info"
    field: str | None
    sv: str
    en: str
    about: str  # what the code means, for the catalogue page (Swedish)


CODES: dict[str, Code] = {
    # ---- law references
    "lagrum.saknas": Code("fel", "lagrum", "Beslutet saknar lagrum.", "The decision cites no legal provision.",
                          "Beslutet anger inget lagrum."),
    "lagrum.okand": Code("fel", "lagrum", "Lagrummet '{paragraf}' kan inte tolkas eller finns inte{detalj}.",
                         "The provision '{paragraf}' cannot be read or does not exist{detalj_en}.",
                         "Lagrummet går inte att tolka, eller paragrafen finns inte i lagen."),
    "lagrum.fel_insats": Code("fel", "lagrum", "{insats} beslutas inte enligt {paragraf}; {forvantat}.",
                              "{insats} is not decided under {paragraf}; {forvantat_en}.",
                              "Paragrafen täcker inte insatsen (t.ex. förenklad hemtjänst enligt 4 kap. 2 § "
                              "i stället för 2 a §)."),
    "lagrum.upphavd": Code("fel", "lagrum", "{paragraf} gällde inte {datum}{ersatt}.",
                           "{paragraf} was not in force on {datum}{ersatt_en}.",
                           "Lagrummet gällde inte på beslutsdagen; ersättaren föreslås."),
    "lagrum.lag_saknas": Code("varning", "lagrum", "Lagrummet '{paragraf}' anger ingen lag; tolkat som {tolkning}.",
                              "The provision '{paragraf}' names no law; read as {tolkning}.",
                              "Lagrummet saknar lagens namn ('9 § 10'); lagen har lästs ut ur insatsen."),
    # ---- the decision itself
    "beslut.utfall_text": Code("fel", "justification",
                               "Avslaget på {insats} beviljar i motiveringen samma insats.",
                               "The refusal of {insats} grants the same service in its reasons.",
                               "Texten motsäger utfallet: ett avslag som beviljar just det som avslås. Att bevilja "
                               "ett alternativ är ingen motsägelse."),
    "beslut.insats_okand": Code("varning", "insats", "Insatsen '{insats}' finns inte i katalogen{forslag}.",
                                "The service '{insats}' is not in the catalogue{forslag_en}.",
                                "Insatsen kan inte kopplas till någon insats i det nationella lagret eller riktlinjen; "
                                "insatsberoende kontroller kan inte göras."),
    "motivering.saknas": Code("fel", "justification", "{utfall} saknar motivering.",
                              "{utfall_en} without reasons.", "Avslag eller delvis bifall utan motivering."),
    "motivering.standardfras": Code("varning", "justification",
                                    "Motiveringen är en standardfras ('{fras}') och säger inget om den enskildes fall.",
                                    "The reasons are a stock phrase ('{fras}') and say nothing about the case.",
                                    "Motiveringen är en standardformulering eller ett systemförval."),
    "motivering.alternativ_saknas": Code("varning", "justification",
                                         "Motiveringen säger att behovet kan tillgodoses på annat sätt men inte hur.",
                                         "The reasons say the need can be met otherwise but not how.",
                                         "Hänvisning till 'andra insatser' utan att ange vilka."),
    # ---- scope
    "omfattning.over_schablon": Code("varning", "scope",
                                     "Beviljad tid {beviljat} per månad överstiger schablontiden {schablon}{tolerans}.",
                                     "Granted time {beviljat_en} a month exceeds the standard time {schablon_en}{tolerans_en}.",
                                     "Beviljad tid över schablontid × frekvens utöver riktlinjens tolerans, utan motivering."),
    "omfattning.over_norm": Code("varning", "scope", "{aktivitet}: {beviljat} är mer än riktlinjens {norm}.",
                                 "{aktivitet}: {beviljat} is more than the guideline's {norm}.",
                                 "Frekvens över riktlinjens norm utan motivering."),
    "omfattning.gransvarde": Code("varning", "scope", "{text}", "{text_en}",
                                  "Ett gränsvärde i riktlinjen passeras (t.ex. hemtjänst över nivån där särskilt "
                                  "boende ska prövas). Regeln står i riktlinjen."),
    "omfattning.oklar": Code("info", "scope", "Aktiviteten '{aktivitet}' kunde inte tolkas: {orsak}.",
                             "The activity '{aktivitet}' could not be read: {orsak}.",
                             "En aktivitet eller frekvens i omfattningen kan inte tolkas; den räknas inte."),
    # ---- time
    "tid.tidsbegransning_saknas": Code("varning", "valid_until", "Beslutet är inte tidsbegränsat; riktlinjen "
                                       "anger högst {max}.", "The decision has no end date; the guideline allows "
                                       "at most {max_en}.", "Beviljat beslut utan slutdatum där riktlinjen kräver tidsbegränsning."),
    "tid.for_lang": Code("varning", "valid_until", "Beslutet gäller {langd}; riktlinjen anger högst {max}.",
                         "The decision runs {langd_en}; the guideline allows at most {max_en}.",
                         "Giltighetstiden är längre än riktlinjens högsta tidsbegränsning."),
    "tid.retroaktiv": Code("varning", "valid_from", "Beslutet gäller från {fran}, före beslutsdagen {beslutat}.",
                           "The decision is valid from {fran}, before it was made on {beslutat}.",
                           "Giltigheten börjar före beslutsdagen (retroaktivt beslut)."),
    "tid.omvand": Code("fel", "valid_until", "Beslutet slutar ({till}) före det börjar ({fran}).",
                       "The decision ends ({till}) before it starts ({fran}).", "Slutdatum före startdatum."),
    "tid.uppfoljning_saknas": Code("varning", "follow_up_on", "Ingen uppföljning är planerad; riktlinjen anger "
                                   "uppföljning inom {inom}.", "No follow-up is planned; the guideline asks for "
                                   "follow-up within {inom_en}.", "Beviljat beslut utan planerad uppföljning."),
    "tid.uppfoljning_sen": Code("varning", "follow_up_on", "Uppföljningen {datum} ligger senare än {inom} efter "
                                "beslutet.", "The follow-up {datum} is later than {inom_en} after the decision.",
                                "Uppföljningen är planerad senare än riktlinjen anger."),
    "tid.ej_verkstalld": Code("fel", "executed_on", "Beviljat {beslutat} men inte verkställt inom {inom} "
                              "({status}): rapporteras till IVO enligt {lagrum}.", "Granted on {beslutat} but not "
                              "carried out within {inom_en} ({status_en}): report to IVO under {lagrum}.",
                              "Beviljat beslut som inte verkställts inom tre månader: ett rapporteringsärende."),
    # ---- delegation
    "delegation.saknas": Code("fel", "decided_by", "Rollen '{roll}' har inte delegation att besluta om {insats}.",
                              "The role '{roll}' has no delegation to decide {insats}.",
                              "Beslutsfattarens roll saknar delegation för insatsen enligt riktlinjen."),
    "delegation.for_tidig": Code("varning", "decided_by", "Beslutsfattaren har haft delegation sedan {sedan}; "
                                 "riktlinjen kräver {efter}.", "The decision maker has held delegation since "
                                 "{sedan}; the guideline requires {efter_en}.",
                                 "Beslut under egen delegation tidigare än riktlinjen tillåter."),
    # ---- goals
    "mal.saknas": Code("varning", "goals", "Beviljad insats utan mål.", "Granted service without goals.",
                       "Beviljad insats utan mål där riktlinjen kräver mål."),
    "mal.generellt": Code("varning", "goals", "Målet '{mal}' återger lagens allmänna syfte, inte den enskildes mål.",
                          "The goal '{mal}' restates the law's general aim, not the person's goal.",
                          "Målet är lagens allmänna formulering ('skäliga levnadsförhållanden')."),
    "mal.ej_matbart": Code("varning", "goals", "Målet '{mal}' är inte mätbart.", "The goal '{mal}' is not measurable.",
                           "Målet saknar något som kan mätas eller iakttas (antal, frekvens, förmåga)."),
    "mal.ej_tidsatt": Code("varning", "goals", "Målet '{mal}' saknar tidpunkt.", "The goal '{mal}' has no due date.",
                           "Målet saknar datum då det ska vara uppnått."),
    "mal.ej_accepterat": Code("varning", "goals", "Målet '{mal}' är inte accepterat av den enskilde.",
                              "The goal '{mal}' is not accepted by the person.", "Målet är inte accepterat."),
    # ---- classification
    "klassning.lss_mojlig": Code("varning", "lagrum", "{insats} enligt SoL till en person i personkrets {krets}: "
                                 "pröva {motsvarighet} enligt LSS.", "{insats} under SoL for a person in "
                                 "personkrets {krets}: consider {motsvarighet} under LSS.",
                                 "SoL-beslut där personen tillhör en LSS-personkrets och insatsen har en LSS-motsvarighet."),
    "klassning.lass_mojlig": Code("varning", "insats", "Grundläggande behov {timmar} timmar per vecka (mer än "
                                  "{grans}): ansökan om assistansersättning hos Försäkringskassan.",
                                  "Basic needs {timmar} hours a week (more than {grans}): apply for assistance "
                                  "allowance at Försäkringskassan.",
                                  "Personlig assistans med grundläggande behov över 20 timmar i veckan."),
    "klassning.pa_alder": Code("varning", "person", "Personlig assistans {vad} vid {alder} år, vid eller efter "
                               "åldersgränsen {grans}: kontrollera att den beviljats eller sökts före.",
                               "Personal assistance {vad_en} at age {alder}, at or past the age limit {grans}: "
                               "verify it was granted or applied for before.",
                               "Personlig assistans som nybeviljas eller utökas vid eller efter åldersgränsen i 9 b § LSS."),
    "klassning.personkrets": Code("fel", "person", "{insats}: {problem}.", "{insats}: {problem_en}.",
                                  "Insats utanför sin personkrets (daglig verksamhet för personkrets 3) eller "
                                  "LSS-insats utan personkrets."),
    "klassning.alder_insats": Code("varning", "person", "{insats} är för {grupp}; personen är {alder} år.",
                                   "{insats} is for {grupp_en}; the person is {alder}.",
                                   "Personen är utanför insatsens åldersgrupp enligt lag eller riktlinje."),
    "klassning.region": Code("fel", "insats", "{insats} är regionens ansvar, inte kommunens.",
                             "{insats} is the region's duty, not the municipality's.",
                             "LSS 9 § 1 (råd och stöd) beslutas av regionen."),
    "klassning.forenklad": Code("fel", "insats", "{insats} får inte beslutas utan behovsprövning.",
                                "{insats} may not be decided without a needs assessment.",
                                "Förenklat beslutsförfarande för en insats som lagen undantar."),
    # ---- guideline and input
    "riktlinje.ej_i_kraft": Code("info", "decided_on", "{kommun}s riktlinje '{riktlinje}' gällde inte {datum}; "
                                 "bara det nationella lagret har tillämpats.", "{kommun}'s guideline '{riktlinje}' was "
                                 "not in force on {datum}; only the national layer was applied.",
                                 "Kommunens riktlinje gällde inte på beslutsdagen."),
    "bedomning.ofullstandig": Code("info", None, "Kunde inte bedömas: {vad}.", "Could not be assessed: {vad_en}.",
                                   "Kontroller som inte kunde göras för att uppgifter saknas i indata."),
    "indata.ogiltig": Code("fel", None, "{meddelande}", "{meddelande_en}",
                           "En post som inte kan läsas, med rad- eller postnummer."),
}

SEVERITY_ORDER = {"fel": 0, "varning": 1, "info": 2}


class _Args(dict):
    def __missing__(self, key: str) -> str:
        # An English placeholder falls back to its Swedish value, then to nothing.
        if key.endswith("_en") and key[:-3] in self:
            return self[key[:-3]]
        return ""


class Finding(NamedTuple):
    """One thing a check says about a decision. A tuple: immutable and cheap to make."""

    code: str
    severity: str
    args: dict  # the message's placeholders
    field: str | None = None  # the decision field concerned
    guideline: str | None = None  # "guidelines/botkyrka/botkyrka-2025.riktlinje:120"
    section: str | None = None  # the guideline's "avsnitt"
    lagrum: str | None = None  # the legal provision it rests on, canonical
    values: dict | None = None  # the values compared
    sv: str | None = None  # a message written in the guideline itself (general rules)
    en: str | None = None

    def message(self, lang: str = "sv") -> str:
        if lang == "en" and self.en:
            text = self.en
        elif self.sv:  # a rule's own text, used as written (English falls back to it)
            text = self.sv
        else:
            code = CODES.get(self.code)
            template = (code.en if lang == "en" else code.sv) if code else self.code
            text = template.format_map(_Args(self.args))
        if self.args.get("motiverad"):  # a deviation the decision justifies: an info that names it
            text += " The decision justifies the deviation." if lang == "en" else " Beslutet motiverar avvikelsen."
        return text

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER.get(self.severity, 3), self.code, self.field or "", self.message())

    def to_json(self, lang: str = "sv") -> dict:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message(lang)}
        for key in ("field", "guideline", "section", "lagrum"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.values:  # numbers as numbers, with "values_exact" beside a rounded one
            out.update(exact_json({"values": {k: _jsonable(v) for k, v in self.values.items()}}))
        return out


def _jsonable(value):
    if value is ABSENT:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
