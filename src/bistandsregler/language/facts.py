"""The decision fields a guideline rule may speak of ("när ålder >= 65 och ...").

One table, used by the guideline checks (is this a known field?), by the rule compiler
(where does the value come from?) and by the generated docs (what does it mean?).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from bistandsregler.language.lagrum import Law


@dataclass(frozen=True)
class FieldInfo:
    kind: str  # "tal", "text", "datum", "ja/nej", or "lista:tal" / "lista:text" for lists
    sv: str
    en: str
    values: tuple[str, ...] = ()  # every value the field can have, where that is a closed set


FIELDS: dict[str, FieldInfo] = {
    "insats": FieldInfo("text", "insatsens id i katalogen (t.ex. hemtjänst)", "the service's catalogue id"),
    "ansökt": FieldInfo("text", "den insats som ansökan gällde", "the service applied for"),
    "lag": FieldInfo("text", "lagen som beslutet hänvisar till: SoL eller LSS", "the law cited: SoL or LSS",
                     get_args(Law)),
    "lagrum": FieldInfo("text", "lagrummet som beslutet anger; lagrum = \"11 kap. 5 § SoL\" gäller också när "
                        "beslutet anger en del av det (ett stycke, en punkt)",
                        "the law reference the decision cites; lagrum = \"11 kap. 5 § SoL\" also holds when it "
                        "cites a part of it (a stycke, a point)"),
    "ålder": FieldInfo("tal", "ålder på beslutsdagen; ett intervall om bara födelseåret är känt",
                       "age on the decision date; a range when only the birth year is known"),
    "personkrets": FieldInfo("lista:tal", "personkretsar enligt 1 § LSS (1, 2, 3)", "LSS 1 § groups (1, 2, 3)"),
    "utfall": FieldInfo("text", "bifall, delvis_bifall eller avslag", "bifall, delvis_bifall or avslag",
                        ("bifall", "delvis_bifall", "avslag")),
    "timmar_per_månad": FieldInfo("tal", "beviljad tid i timmar per månad", "granted hours per month"),
    "minuter_per_månad": FieldInfo("tal", "beviljad tid i minuter per månad", "granted minutes per month"),
    "omvårdnad_timmar_per_månad": FieldInfo("tal", "beviljade timmar omvårdnad per månad",
                                            "granted hours of personal care per month"),
    "service_timmar_per_månad": FieldInfo("tal", "beviljade timmar service per månad",
                                          "granted hours of service per month"),
    "schablon_minuter_per_månad": FieldInfo(
        "tal", "schablontid × frekvens för beslutets aktiviteter, minuter per månad",
        "standard time × frequency of the decision's activities, minutes per month"),
    "antal_mål": FieldInfo("tal", "antal mål i beslutet", "number of goals in the decision"),
    "motivering": FieldInfo("text", "beslutets motivering", "the decision's reasons"),
    "grundbehov_timmar_per_vecka": FieldInfo(
        "tal", "grundläggande behov (9 a § LSS) i timmar per vecka", "basic needs (LSS 9 a §), hours a week"),
    "beslutsdatum": FieldInfo("datum", "dagen beslutet fattades", "the decision date"),
    "giltig_från": FieldInfo("datum", "beslutet gäller från", "valid from"),
    "giltig_till": FieldInfo("datum", "beslutet gäller till", "valid until"),
    "uppföljning": FieldInfo("datum", "planerad uppföljning", "planned follow-up"),
    "kön": FieldInfo("text", "kvinna, man eller annat", "kvinna, man or annat"),
    "hushåll": FieldInfo("tal", "antal personer i hushållet", "number of people in the household"),
    "nybeviljad": FieldInfo("ja/nej", "ja om insatsen beviljas nytt eller utökas", "ja if newly granted or increased"),
    "roll": FieldInfo("text", "beslutsfattarens roll (delegation)", "the decision maker's role"),
    # Facts of the insats rather than the decision (from the catalogue and the guideline).
    "normal_minuter_per_månad": FieldInfo(
        "tal", "insatsens normala omfattning ('omfattning normalt') i minuter per månad",
        "the service's normal scope in minutes per month"),
    "motsvarighet": FieldInfo("text", "insatsens LSS-motsvarighet, om den har någon", "the service's LSS counterpart"),
    "tillåtna_lagar": FieldInfo("lista:text", "lagarna som insatsens lagrum hör till (SoL, LSS)",
                                "the laws the service may be decided under"),
}

class _Absent:
    """A value known to be absent, such as the end date of a decision "tills vidare".

    Unlike ``None`` (unknown) it makes "giltig_till saknas" true; every ordering with it is false.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    def __lt__(self, other: object) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()

# Words a rule may compare fields with, besides insats and activity ids and numbers.
SYMBOLS: frozenset[str] = frozenset(
    {"bifall", "delvis_bifall", "avslag", "SoL", "LSS", "ja", "nej", "kvinna", "man", "annat"}
)
