"""Findings: what a check says about a decision, and the catalogue of finding codes.

The codes are a stable public interface. Each has a default severity, a message template in
Swedish and English (a ``Text``), the decision field it concerns and a one-line description; the
docs page of codes is generated from ``CODES`` so it cannot drift.

A finding is cheap to make (checks run while a case worker waits, and over a year of
decisions): the message is rendered only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from bistandsregler.language.errors import mask_personnummer
from bistandsregler.language.facts import ABSENT
from bistandsregler.language.messages import Severity, Text
from bistandsregler.language.units import exact_json


@dataclass(frozen=True, slots=True)
class Code:
    severity: Severity  # the default; a check may set another
    field: str | None
    text: Text  # the message template, filled from the finding's args
    about: str  # what the code means, for the catalogue page (Swedish)


CODES: dict[str, Code] = {
    # ---- law references
    "lagrum.saknas": Code(
        Severity.ERROR, "lagrum",
        Text("Beslutet saknar lagrum.", "The decision cites no legal provision."),
        "Beslutet anger inget lagrum.",
    ),
    "lagrum.okand": Code(
        Severity.ERROR, "lagrum",
        Text(
            "Lagrummet '{paragraf}' kan inte tolkas eller finns inte{detalj}.",
            "The provision '{paragraf}' cannot be read or does not exist{detalj}.",
        ),
        "Lagrummet går inte att tolka, eller paragrafen finns inte i lagen.",
    ),
    "lagrum.fel_insats": Code(
        Severity.ERROR, "lagrum",
        Text(
            "{insats} beslutas inte enligt {paragraf}; {forvantat}.",
            "{insats} is not decided under {paragraf}; {forvantat}.",
        ),
        "Paragrafen täcker inte insatsen (t.ex. förenklad hemtjänst enligt 4 kap. 2 § i stället för 2 a §).",
    ),
    "lagrum.upphavd": Code(
        Severity.ERROR, "lagrum",
        Text("{paragraf} gällde inte {datum}{ersatt}.", "{paragraf} was not in force on {datum}{ersatt}."),
        "Lagrummet gällde inte på beslutsdagen; ersättaren föreslås. Också den gamla lagens nummer utan "
        "SFS-nummer efter ett lagbyte, där den nya lagens paragraf med samma nummer inte är grund för beslut "
        "('4 kap. 1 § SoL' efter 2025-07-01).",
    ),
    "lagrum.ej_beslutsgrund": Code(
        Severity.ERROR, "lagrum",
        Text(
            "{paragraf}{rubrik} är ingen grund för beslut om en insats{forvantat}.",
            "{paragraf}{rubrik} is no ground for a decision on a service{forvantat}.",
        ),
        "Paragrafen är ingen grund för beslut om en insats: en definition, ett mål, nämndens uppgifter, "
        "rapportering eller överklagande ('ingen beslutsgrund' i lagens block i det nationella lagret).",
    ),
    "lagrum.lag_saknas": Code(
        Severity.WARNING, "lagrum",
        Text(
            "Lagrummet '{paragraf}' anger ingen lag; tolkat som {tolkning}.",
            "The provision '{paragraf}' names no law; read as {tolkning}.",
        ),
        "Lagrummet saknar lagens namn ('9 § 10'); lagen har lästs ut ur insatsen.",
    ),
    # ---- the decision itself
    "beslut.utfall_text": Code(
        Severity.ERROR, "justification",
        Text(
            "Avslaget på {insats} beviljar i motiveringen samma insats.",
            "The refusal of {insats} grants the same service in its reasons.",
        ),
        "Texten motsäger utfallet: ett avslag som beviljar just det som avslås. Att bevilja ett alternativ är ingen "
        "motsägelse.",
    ),
    "beslut.insats_text": Code(
        Severity.WARNING, "justification",
        Text(
            "Beslutet är registrerat som {insats}, men motiveringen gäller en ansökan om {i_texten}.",
            "The decision is registered as {insats}, but its reasons concern an application for {i_texten}.",
        ),
        "Den registrerade insatsen och den insats som motiveringen säger att ansökan gällde skiljer sig (registrerat "
        "som en boendeform, avslaget gäller en annan): beslutet visar inte vad som har avslagits. En insats och dess "
        "motsvarighet i den andra lagen räknas som samma.",
    ),
    "beslut.insats_okand": Code(
        Severity.WARNING, "insats",
        Text(
            "Insatsen '{insats}' finns inte i katalogen{forslag}.",
            "The service '{insats}' is not in the catalogue{forslag}.",
        ),
        "Insatsen kan inte kopplas till någon insats i det nationella lagret eller riktlinjen; insatsberoende "
        "kontroller kan inte göras.",
    ),
    "beslut.insats_tvetydig": Code(
        Severity.WARNING, "insats",
        Text(
            "Insatsen '{insats}' kan vara {kandidater}: lagrummet avgör inte vilken.",
            "The service '{insats}' may be {kandidater}: the legal provision does not settle which.",
        ),
        "Namnet används av flera insatser (oftast en i SoL och en i LSS, som 'Bostad med särskild service') och "
        "beslutet har inget lagrum som skiljer dem åt; insatsberoende kontroller kan inte göras.",
    ),
    "motivering.saknas": Code(
        Severity.ERROR, "justification",
        Text("{utfall} saknar motivering.", "{utfall} without reasons."),
        "Avslag eller delvis bifall utan motivering.",
    ),
    "motivering.standardfras": Code(
        Severity.WARNING, "justification",
        Text(
            "Motiveringen är en standardfras ('{fras}') och säger inget om den enskildes fall.",
            "The reasons are a stock phrase ('{fras}') and say nothing about the case.",
        ),
        "Motiveringen är en standardformulering eller ett systemförval.",
    ),
    "motivering.alternativ_saknas": Code(
        Severity.WARNING, "justification",
        Text(
            "Motiveringen säger att behovet kan tillgodoses på annat sätt men inte hur.",
            "The reasons say the need can be met otherwise but not how.",
        ),
        "Hänvisning till 'andra insatser' utan att ange vilka.",
    ),
    # ---- scope
    "omfattning.over_schablon": Code(
        Severity.WARNING, "scope",
        Text(
            "Beviljad tid {beviljat} per månad överstiger schablontiden {schablon}{tolerans}.",
            "Granted time {beviljat} a month exceeds the standard time {schablon}{tolerans}.",
        ),
        "Beviljad tid över schablontid × frekvens utöver riktlinjens tolerans, utan motivering.",
    ),
    "omfattning.over_norm": Code(
        Severity.WARNING, "scope",
        Text(
            "{aktivitet}: {beviljat} är mer än riktlinjens {norm}.",
            "{aktivitet}: {beviljat} is more than the guideline's {norm}.",
        ),
        "Frekvens över riktlinjens norm utan motivering.",
    ),
    "omfattning.over_tak": Code(
        Severity.WARNING, "scope",
        Text(
            "Beviljad tid {beviljat} per månad är mer än taket för {insats} ({tak}).",
            "Granted time {beviljat} a month is more than the cap for {insats} ({tak}).",
        ),
        "Beviljad tid över insatsens eget tak ('omfattning högst 6 timmar per månad', t.ex. serviceinsatser utan "
        "individuell behovsprövning). Mer än taket är inte längre den insatsen: pröva behovet individuellt.",
    ),
    "omfattning.gransvarde": Code(
        Severity.WARNING, "scope",
        Text("{text}", "{text}"),
        "Ett gränsvärde i riktlinjen passeras (t.ex. hemtjänst över nivån där särskilt boende ska prövas). Regeln "
        "står i riktlinjen.",
    ),
    "omfattning.oklar": Code(
        Severity.INFO, "scope",
        Text(
            "Aktiviteten '{aktivitet}' kunde inte tolkas: {orsak}.",
            "The activity '{aktivitet}' could not be read: {orsak}.",
        ),
        "En aktivitet eller frekvens i omfattningen kan inte tolkas; den räknas inte.",
    ),
    # ---- time
    "tid.tidsbegransning_saknas": Code(
        Severity.WARNING, "valid_until",
        Text(
            "Beslutet är inte tidsbegränsat; riktlinjen anger högst {max}.",
            "The decision has no end date; the guideline allows at most {max}.",
        ),
        "Beviljat beslut utan slutdatum där riktlinjen kräver tidsbegränsning.",
    ),
    "tid.for_lang": Code(
        Severity.WARNING, "valid_until",
        Text(
            "Beslutet gäller {langd}; riktlinjen anger högst {max}.",
            "The decision runs {langd}; the guideline allows at most {max}.",
        ),
        "Giltighetstiden är längre än riktlinjens högsta tidsbegränsning.",
    ),
    "tid.retroaktiv": Code(
        Severity.WARNING, "valid_from",
        Text(
            "Beslutet gäller från {fran}, före beslutsdagen {beslutat}.",
            "The decision is valid from {fran}, before it was made on {beslutat}.",
        ),
        "Giltigheten börjar före beslutsdagen (retroaktivt beslut).",
    ),
    "tid.omvand": Code(
        Severity.ERROR, "valid_until",
        Text(
            "Beslutet slutar ({till}) före det börjar ({fran}).",
            "The decision ends ({till}) before it starts ({fran}).",
        ),
        "Slutdatum före startdatum.",
    ),
    "tid.uppfoljning_saknas": Code(
        Severity.WARNING, "follow_up_on",
        Text(
            "Ingen uppföljning är planerad; riktlinjen anger uppföljning inom {inom}.",
            "No follow-up is planned; the guideline asks for follow-up within {inom}.",
        ),
        "Beviljat beslut utan planerad uppföljning.",
    ),
    "tid.uppfoljning_sen": Code(
        Severity.WARNING, "follow_up_on",
        Text(
            "Uppföljningen {datum} ligger senare än {inom} efter beslutet.",
            "The follow-up {datum} is later than {inom} after the decision.",
        ),
        "Uppföljningen är planerad senare än riktlinjen anger.",
    ),
    "tid.ej_verkstalld": Code(
        Severity.ERROR, "executed_on",
        Text(
            "Beviljat {beslutat} men inte verkställt inom {inom} ({status}): rapporteras till IVO enligt {lagrum}.",
            "Granted on {beslutat} but not carried out within {inom} ({status}): report to IVO under {lagrum}.",
        ),
        "Beviljat beslut som inte verkställts inom tre månader: ett rapporteringsärende.",
    ),
    # ---- delegation
    "delegation.saknas": Code(
        Severity.ERROR, "decided_by",
        Text(
            "Rollen '{roll}' har inte delegation att besluta om {insats}.",
            "The role '{roll}' has no delegation to decide {insats}.",
        ),
        "Beslutsfattarens roll saknar delegation för insatsen enligt riktlinjen.",
    ),
    "delegation.for_tidig": Code(
        Severity.WARNING, "decided_by",
        Text(
            "Beslutsfattaren har haft delegation sedan {sedan}; riktlinjen kräver {efter}.",
            "The decision maker has held delegation since {sedan}; the guideline requires {efter}.",
        ),
        "Beslut under egen delegation tidigare än riktlinjen tillåter.",
    ),
    # ---- goals
    "mal.saknas": Code(
        Severity.WARNING, "goals",
        Text("Beviljad insats utan mål.", "Granted service without goals."),
        "Beviljad insats utan mål där riktlinjen kräver mål.",
    ),
    "mal.generellt": Code(
        Severity.WARNING, "goals",
        Text(
            "Målet '{mal}' återger lagens allmänna syfte, inte den enskildes mål.",
            "The goal '{mal}' restates the law's general aim, not the person's goal.",
        ),
        "Målet är lagens allmänna formulering ('skäliga levnadsförhållanden').",
    ),
    "mal.ej_matbart": Code(
        Severity.WARNING, "goals",
        Text("Målet '{mal}' är inte mätbart.", "The goal '{mal}' is not measurable."),
        "Målet saknar något som kan mätas eller iakttas (antal, frekvens, förmåga).",
    ),
    "mal.ej_tidsatt": Code(
        Severity.WARNING, "goals",
        Text("Målet '{mal}' saknar tidpunkt.", "The goal '{mal}' has no due date."),
        "Målet saknar datum då det ska vara uppnått.",
    ),
    "mal.ej_accepterat": Code(
        Severity.WARNING, "goals",
        Text("Målet '{mal}' är inte accepterat av den enskilde.", "The goal '{mal}' is not accepted by the person."),
        "Målet är inte accepterat.",
    ),
    # ---- classification
    "klassning.lss_mojlig": Code(
        Severity.WARNING, "lagrum",
        Text(
            "{insats} enligt SoL till en person i personkrets {krets}: pröva {motsvarighet} enligt LSS.",
            "{insats} under SoL for a person in personkrets {krets}: consider {motsvarighet} under LSS.",
        ),
        "SoL-beslut där personen tillhör en LSS-personkrets och insatsen har en LSS-motsvarighet.",
    ),
    "klassning.lass_mojlig": Code(
        Severity.WARNING, "insats",
        Text(
            "Grundläggande behov {timmar} timmar per vecka (mer än {grans}): ansökan om assistansersättning hos "
            "Försäkringskassan.",
            "Basic needs {timmar} hours a week (more than {grans}): apply for assistance allowance at "
            "Försäkringskassan.",
        ),
        "Personlig assistans med grundläggande behov över 20 timmar i veckan.",
    ),
    "klassning.pa_alder": Code(
        Severity.WARNING, "person",
        Text(
            "Personlig assistans {vad} vid {alder} år, {lage} åldersgränsen {grans}: kontrollera att den "
            "beviljats eller sökts före.",
            "Personal assistance {vad} at age {alder}, {lage} the age limit {grans}: verify it was granted or "
            "applied for before.",
        ),
        "Personlig assistans som nybeviljas eller utökas vid eller efter åldersgränsen i 9 b § LSS (gränsen som "
        "gällde när personen nådde den, enligt övergångsbestämmelserna). Med bara födelseår: varning när hela "
        "åldersintervallet är vid eller efter gränsen, info när det går över gränsen.",
    ),
    "klassning.personkrets": Code(
        Severity.ERROR, "person",
        Text("{insats}: {problem}.", "{insats}: {problem}."),
        "Insats utanför sin personkrets (daglig verksamhet för personkrets 3) eller LSS-insats utan personkrets.",
    ),
    "klassning.alder_insats": Code(
        Severity.WARNING, "person",
        Text("{insats} är för {grupp}; personen är {alder} år.", "{insats} is for {grupp}; the person is {alder}."),
        "Personen är utanför insatsens åldersgrupp enligt lag eller riktlinje.",
    ),
    "klassning.region": Code(
        Severity.ERROR, "insats",
        Text("{insats} är regionens ansvar, inte kommunens.", "{insats} is the region's duty, not the municipality's."),
        "LSS 9 § 1 (råd och stöd) beslutas av regionen.",
    ),
    "klassning.forenklad": Code(
        Severity.ERROR, "insats",
        Text(
            "{insats} får inte beslutas utan behovsprövning.",
            "{insats} may not be decided without a needs assessment.",
        ),
        "Förenklat beslutsförfarande för en insats som lagen undantar.",
    ),
    # ---- guideline and input
    "riktlinje.ej_i_kraft": Code(
        Severity.INFO, "decided_on",
        Text(
            "{kommun}s riktlinje '{riktlinje}' gällde inte {datum}; bara det nationella lagret har tillämpats.",
            "{kommun}'s guideline '{riktlinje}' was not in force on {datum}; only the national layer was applied.",
        ),
        "Kommunens riktlinje gällde inte på beslutsdagen.",
    ),
    "bedomning.ofullstandig": Code(
        Severity.INFO, None,
        Text("Kunde inte bedömas: {vad}.", "Could not be assessed: {vad}."),
        "Kontroller som inte kunde göras för att uppgifter saknas i indata.",
    ),
    "indata.ogiltig": Code(
        Severity.ERROR, None,
        Text("{meddelande}", "{meddelande}"),
        "En post som inte kan läsas, med rad- eller postnummer.",
    ),
}

# Said after the message of a deviation the decision justifies (a warning turned info).
JUSTIFIED = Text(" Beslutet motiverar avvikelsen.", " The decision justifies the deviation.")


class Finding(NamedTuple):
    """One thing a check says about a decision. A tuple: immutable and cheap to make."""

    code: str
    severity: Severity
    args: dict  # the message's placeholders; a Text value is rendered in the message's language
    field: str | None = None  # the decision field concerned
    guideline: str | None = None  # "guidelines/botkyrka/botkyrka-2025.riktlinje:120"
    section: str | None = None  # the guideline's "avsnitt"
    lagrum: str | None = None  # the legal provision it rests on, canonical
    values: dict | None = None  # the values compared
    text: Text | None = None  # a message written in the guideline itself (general rules), used as written

    def message(self, lang: str = "sv") -> str:
        if self.text is not None:
            text = self.text.render(lang)
        elif self.code in CODES:
            text = CODES[self.code].text.render(lang, self.args)
        else:
            text = self.code
        if self.args.get("motiverad"):  # a deviation the decision justifies: an info that names it
            text += JUSTIFIED.render(lang)
        return mask_personnummer(text)  # a message may quote a field of the decision

    def sort_key(self) -> tuple:
        return (self.severity.rank, self.code, self.field or "", self.message())

    def to_json(self, lang: str = "sv") -> dict:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message(lang)}
        for key in ("field", "guideline", "section", "lagrum"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.values:  # numbers as numbers, with "values_exact" beside a rounded one
            out.update(exact_json({"values": {k: _jsonable(v) for k, v in self.values.items()}}))
        return out


@dataclass(frozen=True, slots=True)
class RuleKind:
    """What a general rule's finding says that does not depend on the decision: one per rule,
    and a second for a warning the decision justifies (an info, ``motiverad``)."""

    code: str
    severity: Severity
    args: dict
    field: str | None
    guideline: str | None
    section: str | None
    lagrum: str | None
    text: Text | None
    fields: tuple[str, ...]  # the names of the values compared, in the order they are kept


_VALUES = slice(1, None)


def _kind(finding: Any) -> RuleKind:
    return tuple.__getitem__(finding, 0)


class RuleFinding(Finding):
    """A general rule's finding as the compiled rules make it: a tuple (``RuleKind``, then the
    values compared), one allocation where a full ``Finding`` needs a 9-tuple and a dict.

    It reads as the ``Finding`` it stands for: the same attributes, ``message``, ``to_json``,
    equality, iteration, ``_replace`` and pickling (which gives the full ``Finding``). What it
    reports cannot change after the rule fired: the kind is constant and the values are the
    ones the rule compared. ``values`` is built on each access.
    """

    __slots__ = ()

    code = property(lambda self: _kind(self).code)
    severity = property(lambda self: _kind(self).severity)
    args = property(lambda self: _kind(self).args)
    field = property(lambda self: _kind(self).field)
    guideline = property(lambda self: _kind(self).guideline)
    section = property(lambda self: _kind(self).section)
    lagrum = property(lambda self: _kind(self).lagrum)
    text = property(lambda self: _kind(self).text)

    @property
    def values(self) -> dict:
        return dict(zip(_kind(self).fields, tuple.__getitem__(self, _VALUES), strict=True))

    def full(self) -> Finding:
        """The same finding as a plain ``Finding``."""
        kind = _kind(self)
        return Finding(kind.code, kind.severity, kind.args, kind.field, kind.guideline, kind.section, kind.lagrum,
                       self.values, kind.text)

    def __iter__(self):
        return iter(self.full())

    def __len__(self) -> int:
        return len(Finding._fields)

    def __getitem__(self, index):
        return self.full()[index]

    def __eq__(self, other: object) -> bool:
        return self.full() == (other.full() if isinstance(other, RuleFinding) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.full())  # as a Finding's: a TypeError, since its args are a dict

    def __lt__(self, other: Any) -> bool:
        return self.full() < other

    def __le__(self, other: Any) -> bool:
        return self.full() <= other

    def __gt__(self, other: Any) -> bool:
        return self.full() > other

    def __ge__(self, other: Any) -> bool:
        return self.full() >= other

    def __repr__(self) -> str:
        return repr(self.full())

    def __reduce__(self):
        return Finding, tuple(self.full())

    def _replace(self, **changes: Any) -> Finding:  # type: ignore[override]
        return self.full()._replace(**changes)

    def _asdict(self) -> dict[str, Any]:
        return self.full()._asdict()


def _jsonable(value):
    if value is ABSENT:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
