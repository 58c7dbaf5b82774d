"""Written insats names to the catalogue: abbreviations, typos and extra words, never a wrong guess."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from bistandsregler.rules.catalogue import Resolution, resolve_insats
from bistandsregler.rules.loading import read


@pytest.fixture(scope="module")
def catalogue():
    """The national catalogue, as the evaluation sees it."""
    return read([]).insatser()


@pytest.fixture(scope="module")
def bare(catalogue):
    """The same catalogue without any aliases: what the resolver must manage on its own."""
    return {key: insats.model_copy(update={"aliases": []}) for key, insats in catalogue.items()}


# The spellings of the shared sample and of the issue, with the insats they mean (a name both
# laws use with the law the sample row cites, in LAW).
LAW = {"Ledsagarservice": "LSS", "Korttidsvistelse": "LSS"}
SAMPLE = [
    ("Förenkl.handläggn. Hemtj.", "förenklad_hemtjänst"),
    ("Hemtj.", "hemtjänst"),
    ("Kortidsboende", "korttidsplats"),
    ("Hemtjänst Natt", "hemtjänst"),
    ("Avlösarservice i hemmet", "avlösarservice"),
    ("Särskilt boende", "särskilt_boende"),
    ("Ledsagarservice", "ledsagarservice"),
    ("Hemtjänst", "hemtjänst"),
    ("Trygghetslarm", "trygghetslarm"),
    ("Boendestöd", "boendestöd"),
    ("Daglig verksamhet", "daglig_verksamhet"),
    ("Personlig assistans", "personlig_assistans"),
    ("Korttidsvistelse", "korttidsvistelse"),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLE)
def test_the_sample_spellings_resolve(catalogue, text, expected):
    result = resolve_insats(text, catalogue, lag=LAW.get(text))
    assert result.id == expected
    assert result.how is not None
    assert result.candidates == ()


@pytest.mark.parametrize(
    ("text", "expected", "how"),
    [
        ("Hemtjänst", "hemtjänst", "exakt"),
        ("HEMTJÄNST", "hemtjänst", "exakt"),
        ("  hemtjänst. ", "hemtjänst", "exakt"),
        ("förenklad_hemtjänst", "förenklad_hemtjänst", "exakt"),  # the id itself
        ("Förenklad hemtjänst", "förenklad_hemtjänst", "exakt"),
        ("Hemtj.", "hemtjänst", "förkortning"),
        ("Säbo", "särskilt_boende", "förkortning"),
        ("Korttidsv.", "korttidsvistelse", "förkortning"),  # a full stop marks a shortened word
        ("Förenkl.handläggn. Hemtj.", "förenklad_hemtjänst", "ungefärlig"),  # förenklad + hemtjänst inside
        ("Hemtjänst Natt", "hemtjänst", "ungefärlig"),
        ("Hemtjänst natt och helg", "hemtjänst", "ungefärlig"),
        ("Avlösarservice i hemmet", "avlösarservice", "ungefärlig"),
        ("Hemtjanst", "hemtjänst", "ungefärlig"),  # OCR lost the ä
        ("Sdrskilt boende", "särskilt_boende", "ungefärlig"),  # OCR: ä became d
        ("Hemtjänts", "hemtjänst", "ungefärlig"),  # letters swapped
        ("Ledsagarservis", "ledsagarservice", "ungefärlig"),
        ("Hemtjänst i assistansliknande form", "hemtjänst_assistansliknande", "exakt"),
        ("Hemtjänst i assistansliknande form, natt", "hemtjänst_assistansliknande", "ungefärlig"),  # longest wins
    ],
)
def test_without_aliases_the_steps_still_find_the_insats(bare, text, expected, how):
    result = resolve_insats(text, bare)
    assert (result.id, result.how) == (expected, how)


def test_an_alias_is_reported_as_such(catalogue):
    result = resolve_insats("vård- och omsorgsboende", catalogue)
    assert (result.id, result.how, result.matched) == ("särskilt_boende", "alias", "Vård- och omsorgsboende")


def test_the_matched_spelling_is_reported(catalogue):
    result = resolve_insats("Hemtjinst", catalogue)
    assert result == Resolution(text="Hemtjinst", id="hemtjänst", how="ungefärlig", matched="Hemtjänst")


# Names SoL and LSS share (DOMAIN.md, "SoL or LSS"; tests/corpus/delegationslistor/namn_sol_lss.tsv
# and insatsnamn.tsv): the cited law decides, an exact name of the other law's insats does not.
@pytest.mark.parametrize(
    ("text", "sol", "lss"),
    [
        ("Bostad med särskild service", "bostad_med_särskild_service_sol", "bostad_med_särskild_service_vuxna"),
        ("BmSS", "bostad_med_särskild_service_sol", "bostad_med_särskild_service_vuxna"),
        ("Kontaktperson", "kontaktperson_sol", "kontaktperson"),
        ("Ledsagarservice", "ledsagning", "ledsagarservice"),
        ("Avlösarservice", "avlösning", "avlösarservice"),
        ("Korttidsvistelse", "korttidsplats", "korttidsvistelse"),
        ("Korttidshem", "korttidsplats", "korttidsvistelse"),
        ("Serviceboende", "servicehus", "bostad_med_särskild_service_vuxna"),
    ],
)
def test_a_name_both_laws_use_resolves_by_the_cited_law(catalogue, text, sol, lss):
    assert resolve_insats(text, catalogue, lag="SoL").id == sol
    assert resolve_insats(text, catalogue, lag="LSS").id == lss
    unsettled = resolve_insats(text, catalogue)  # no law: say so, naming both
    assert unsettled.id is None and unsettled.ambiguous and {sol, lss} <= set(unsettled.candidates)


@pytest.mark.parametrize(
    ("text", "lag", "expected"),
    [
        # Only the other law has the name: it stands, so the decision gets lagrum.fel_insats
        # (insatsnamn:25 "Ek. stöd PA enligt 4 kap, 1§ SoL"; namn_sol_lss:17 under 9 § 6 LSS).
        ("Ek. stöd PA", "SoL", "personlig_assistans"),
        ("Daglig verksamhet", "SoL", "daglig_verksamhet"),  # not the SoL "Dagverksamhet" by similarity
        ("Hemvårdsbidrag", "LSS", "hemvårdsbidrag"),
        # The quiet twins: a name one law owns resolves under it.
        ("Dagverksamhet", "SoL", "dagverksamhet"),
        ("Gruppboende", "LSS", "bostad_med_särskild_service_vuxna"),
        ("Ekonomiskt stöd till skäliga kostnader", "LSS", "personlig_assistans"),
        ("Medboende", "SoL", "parboende"),
        ("Servicehus", "SoL", "servicehus"),
    ],
)
def test_a_name_only_the_other_law_has_still_resolves(catalogue, text, lag, expected):
    result = resolve_insats(text, catalogue, lag=lag)
    assert result.id == expected and not result.ambiguous


@pytest.mark.parametrize(
    ("text", "lagrum", "expected"),
    [
        # LSS uses "bostad med särskild service" for children (9 § 8) and for adults (9 § 9):
        # the cited paragraph tells which (issue 8's note: 9 § 8 resolved to the adults').
        ("Bostad med särskild service", "9 § 8 LSS", "bostad_barn"),
        ("Bostad med särskild service för barn", "9 § 8 LSS", "bostad_barn"),
        ("Bostad med särskild service", "9 § 9 LSS", "bostad_med_särskild_service_vuxna"),
        # A name that only the other paragraph's insats has stands (the check says fel_insats):
        # the paragraph chooses between spellings, it does not turn a group home into a child's.
        ("Gruppbostad", "9 § 8 LSS", "bostad_med_särskild_service_vuxna"),
        ("Korttidsvistelse", "9 § 5 LSS", "korttidsvistelse"),
        # A reference without a paragraph is the law hint alone.
        ("Bostad med särskild service", "LSS", "bostad_med_särskild_service_vuxna"),
    ],
)
def test_the_cited_paragraph_settles_a_name_two_paragraphs_of_one_law_use(catalogue, text, lagrum, expected):
    from bistandsregler.language.lagrum import parse_lagrum

    ref = parse_lagrum(lagrum) if "§" in lagrum else None
    result = resolve_insats(text, catalogue, lag="LSS", paragraf=ref)
    assert result.id == expected and not result.ambiguous


@pytest.mark.parametrize(
    ("insats", "lagrum", "wrong"),
    [
        ("Bostad med särskild service för barn eller ungdomar", "9 § 8 LSS", False),
        ("Bostad med särskild service", "9 § 8 LSS", False),
        ("Bostad med särskild service", "9 § 9 LSS", False),
        ("Gruppbostad", "9 § 8 LSS", True),
        ("Gruppbostad", "9 § 9 LSS", False),
    ],
)
def test_a_decision_citing_the_childrens_paragraph_is_not_told_it_cites_the_wrong_one(insats, lagrum, wrong):
    from bistandsregler import compile

    result = compile(Path(__file__).resolve().parents[1] / "guidelines" / "botkyrka").check(
        {"id": "b1", "insats": insats, "lagrum": lagrum, "decided_on": "2025-09-01", "outcome": "bifall"})
    assert ("lagrum.fel_insats" in {f.code for f in result.findings}) is wrong


def test_the_guidelines_own_insats_wins_under_its_law():
    # Botkyrka's SoL "Ledsagarservice (SoL)" against the national LSS ledsagarservice and the SoL
    # ledsagning that is also called Ledsagarservice (handläggning 3.7.11; namn_sol_lss:12-13).
    from bistandsregler.rules.catalogue import prepare

    book = read([Path(__file__).resolve().parents[1] / "guidelines" / "botkyrka"])
    [botkyrka] = [g for g in book.guidelines if g.meta and g.meta.id == "botkyrka_2025"]
    assert book.own_insatser(botkyrka) == {"ledsagarservice_sol"}
    prepared = prepare(book.insatser(botkyrka), book.abbreviations(botkyrka), book.own_insatser(botkyrka))
    assert resolve_insats("Ledsagarservice", prepared, lag="SoL").id == "ledsagarservice_sol"
    assert resolve_insats("Ledsagarservice", prepared, lag="LSS").id == "ledsagarservice"
    # Without the guideline's own ids the national SoL insats answers: the preference is what decides.
    national_view = prepare(book.insatser(botkyrka), book.abbreviations(botkyrka))
    assert resolve_insats("Ledsagarservice", national_view, lag="SoL").id == "ledsagning"


def test_a_name_two_insatser_share_is_ambiguous_unless_the_law_says(catalogue):
    # "Kontaktperson" is the SoL insats' alias and the LSS insats' id.
    result = resolve_insats("Kontaktperson", catalogue)
    assert result.id is None and not result.resolved
    assert result.candidates == ("kontaktperson", "kontaktperson_sol")
    assert resolve_insats("Kontaktperson", catalogue, lag="SoL").id == "kontaktperson_sol"
    assert resolve_insats("Kontaktperson", catalogue, lag="LSS").id == "kontaktperson"


@pytest.mark.parametrize("text", ["Fotvård", "Bilstöd", "xyz", "Boende", "Kort"])
def test_unknown_or_too_vague_names_are_not_guessed(catalogue, text):
    result = resolve_insats(text, catalogue)
    assert result.id is None and result.how is None


def test_an_unknown_name_lists_the_nearest_ids(catalogue):
    result = resolve_insats("Korttidsboendeplats", catalogue)
    assert result.id is None or result.id == "korttidsplats"
    if result.id is None:
        assert "korttidsplats" in result.candidates


@pytest.mark.parametrize("text", ["", "   ", None, ".,;"])
def test_empty_text_resolves_to_nothing(catalogue, text):
    result = resolve_insats(text, catalogue)
    assert result.id is None and result.candidates == ()


def test_memoised_per_text_and_catalogue_content(catalogue):
    first = resolve_insats("Hemtjänst Natt", catalogue)
    assert resolve_insats("Hemtjänst Natt", catalogue) is first
    # RuleBook.insatser() builds a new dict each call: the same content hits the same cache.
    assert resolve_insats("Hemtjänst Natt", dict(catalogue)) is first


def test_a_changed_catalogue_is_not_served_from_the_cache(catalogue):
    assert resolve_insats("Nattpatrull", catalogue).id is None
    changed = dict(catalogue)
    changed["hemtjänst"] = catalogue["hemtjänst"].model_copy(
        update={"aliases": [*catalogue["hemtjänst"].aliases, "Nattpatrull"]}
    )
    assert resolve_insats("Nattpatrull", changed).id == "hemtjänst"
    assert resolve_insats("Nattpatrull", catalogue).id is None


def test_every_id_and_name_resolves_to_its_own_insats(catalogue):
    for key, insats in catalogue.items():
        for spelling in filter(None, [key, insats.name]):
            result = resolve_insats(spelling, catalogue)
            assert result.id == key or key in result.candidates, (spelling, result)


def test_every_alias_resolves_to_its_insats_or_names_it_as_a_candidate(catalogue):
    for key, insats in catalogue.items():
        for alias in insats.aliases:
            result = resolve_insats(alias, catalogue)
            assert result.id == key or key in result.candidates, (alias, result)


@st.composite
def respelled(draw, catalogue_items):
    """A catalogue name with other case, spacing and punctuation around the words."""
    key, name = draw(st.sampled_from(catalogue_items))
    words = name.split()
    cased = [draw(st.sampled_from([w, w.upper(), w.lower(), w.capitalize()])) for w in words]
    glue = draw(st.sampled_from([" ", "  ", " \t", " - ", ", "]))
    around = draw(st.sampled_from(["", " ", ".", ":", "  "]))
    return key, around + glue.join(cased) + around


_NAMES = [(key, insats.name) for key, insats in read([]).insatser().items() if insats.name]


@fuzz_settings(200)
@given(respelled(_NAMES))
def test_case_spacing_and_punctuation_do_not_change_the_answer(catalogue, case):
    key, text = case
    exact = resolve_insats(dict(_NAMES)[key], catalogue)
    assert resolve_insats(text, catalogue).id == exact.id


def test_a_catalogue_changed_in_place_is_noticed(catalogue):
    mine = dict(catalogue)
    assert resolve_insats("Nattpatrull", mine).id is None
    mine["hemtjänst"] = catalogue["hemtjänst"].model_copy(
        update={"aliases": [*catalogue["hemtjänst"].aliases, "Nattpatrull"]}
    )  # same dict, same size: recognised by content, not by id()
    assert resolve_insats("Nattpatrull", mine).id == "hemtjänst"


def test_the_memos_are_bounded(catalogue, monkeypatch):
    from bistandsregler.rules import catalogue as module

    for n in range(module.CATALOGUES_KEPT + 5):
        variant = dict(catalogue)
        variant[f"extra_{n}"] = catalogue["hemtjänst"].model_copy(update={"id": f"extra_{n}", "name": f"Extra {n}"})
        assert resolve_insats(f"Extra {n}", variant).id == f"extra_{n}"
    assert module._prepared.cache_info().currsize <= module.CATALOGUES_KEPT
    prepared = module.prepare(catalogue)
    assert prepared is module.prepare(dict(catalogue))  # shared by content
    assert prepared.resolve.cache_info().maxsize == module.RESOLUTIONS_KEPT
    monkeypatch.setattr(module, "RESOLUTIONS_KEPT", 16)
    small = module.Catalogue(module._content_key(catalogue))
    for n in range(30):
        small.resolve(f"okänd insats {n}", None)
    assert small.resolve.cache_info().currsize == 16
    assert not [name for name in vars(module) if name in ("_recent", "_built", "_catalogues")]


def test_a_prepared_catalogue_resolves_as_the_dict_does(catalogue):
    from bistandsregler.rules.catalogue import prepare

    prepared = prepare(catalogue)
    for text in ("Hemtj.", "Kontaktperson", "Korttidsboendeplats", "Nattpatrull"):
        assert resolve_insats(text, prepared) == resolve_insats(text, catalogue)
    assert resolve_insats("Kontaktperson", prepared, lag="LSS").id == "kontaktperson"
