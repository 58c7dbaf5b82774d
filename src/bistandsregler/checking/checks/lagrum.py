"""Law references: missing, unreadable, not in force on the decision date, or not covering the insats."""

from __future__ import annotations

from bistandsregler.checking.case import Case
from bistandsregler.language.diagnostics import CATALOGUE
from bistandsregler.language.lagrum import LagrumError, parse_lagrum
from bistandsregler.language.messages import EMPTY, Text


def check(case: Case) -> None:
    d = case.decision
    if d.lagrum is None:
        if "lagrum" in d.model_fields_set:
            case.add("lagrum.saknas")
        else:
            case.cannot_assess(Text("lagrum (uppgift saknas)", "the legal provision (not in the input)"))
        return
    if not d.lagrum.strip():
        case.add("lagrum.saknas")
        return
    try:
        ref = parse_lagrum(d.lagrum)
    except LagrumError as error:
        case.add("lagrum.okand", paragraf=d.lagrum, detalj=" (" + error.message + ")")
        return
    book = case.lookups.book
    problem = book.sfs_problem(ref)
    if problem is not None:  # which SFS numbers exist, and whose they are, is national data
        code, args = problem
        message = CATALOGUE[code]  # the guideline diagnostic's words, in the finding's detail
        case.add("lagrum.okand", paragraf=d.lagrum, detalj=" (" + message.text.fill(**args) + ")")
        return
    ref = book.complete(ref)
    if ref.law is None and ref.sfs is None:
        ref = _law_from_insats(case, ref)
        if ref is None:
            case.cannot_assess(Text("lagrum utan lag och okänd insats", "a provision without a law, for an unknown service"))
            return
    if _repealed_citation_of_insats(case, ref):
        return
    law = book.resolve_law(ref, case.day)
    if law is None:
        case.add("lagrum.okand", paragraf=d.lagrum)
        return
    paragraph = book.paragraph(law, ref, case.day)
    if paragraph is None and (elsewhere := book.other_version(law, ref)) is not None:
        law, paragraph = elsewhere  # the paragraph of another version of the law: judged on its dates below
    canonical = f"{ref.canonical()} ({law.sfs})" if law.sfs and not ref.sfs else ref.canonical()
    if paragraph is None:
        if law.complete:
            case.add("lagrum.okand", paragraf=d.lagrum, detalj=Text(f" i {law.name or law.id}", f" in {law.name or law.id}"))
        return
    if case.day is not None and not (law.validity.covers(case.day) and paragraph.validity.covers(case.day)):
        _repealed(case, canonical, _successors(book, law, ref))
        return
    if not paragraph.ground:
        _no_ground(case, ref, law, paragraph, canonical)
        return
    _covers_insats(case, ref, canonical)


def _successors(book, law, ref) -> Text | None:
    """"11 kap. 1 § SoL (2025:400) eller 12 kap. 1 § SoL (2025:400)": what replaced ``ref``."""
    names = [f"{p.ref.key()} {new_law.abbreviation} ({new_law.sfs})" for new_law, p in book.replacements(law, ref)]
    return Text(" eller ".join(names), " or ".join(names)) if names else None


def _no_ground(case: Case, ref, law, paragraph, canonical: str) -> None:
    """A paragraph that is no ground for a decision on an insats ("ingen beslutsgrund" in the law
    layer). Without an SFS number, after a law change, it is most likely the old law's paragraph
    of that number (4 kap. 1 § SoL in 2026 is not the municipality's ultimate responsibility but
    the old right to assistance): then the reference is repealed, and its successor is named."""
    book = case.lookups.book
    old = book.replaced_paragraph(law, ref) if ref.sfs is None else None
    if old is not None and case.day is None:  # which of the two laws is meant, only the date tells
        case.cannot_assess(Text(f"vilken lags {ref.key()} som avses (beslutsdatum saknas)",
                                f"which law's {ref.key()} is meant (no decision date)"))
        return
    if old is not None:
        old_law, _ = old
        _repealed(case, f"{ref.canonical()} ({old_law.sfs})", _successors(book, old_law, ref))
        return
    insats = case.insats
    in_force = [c for c in insats.citations if case.day is None or c.validity.covers(case.day)] if insats else []
    expected = ", ".join(dict.fromkeys(c.ref.canonical() for c in in_force))
    case.add("lagrum.ej_beslutsgrund", source=paragraph, paragraf=canonical, lagrum=canonical,
             rubrik=Text.same(f" ({paragraph.title})") if paragraph.title else EMPTY,
             forvantat=Text(f"; förväntat {expected}", f"; expected {expected}") if expected else EMPTY,
             values={"lagrum": canonical, **({"förväntat": expected} if expected else {})})


def _repealed(case: Case, canonical: str, suggestion: Text | None) -> None:
    assert case.day is not None  # only a dated decision is judged repealed
    ersatt = Text(f"; använd {suggestion.sv}", f"; use {suggestion.en}") if suggestion else EMPTY
    case.add("lagrum.upphavd", paragraf=canonical, datum=case.day.isoformat(), ersatt=ersatt,
             lagrum=canonical, values={"lagrum": canonical, "beslutsdatum": case.day})


def _repealed_citation_of_insats(case: Case, ref) -> bool:
    """"4 kap. 1 § SoL" in a hemtjänst decision of September 2025 means the old law, not the new
    law's unrelated 4 kap. 1 §: the insats's own dated citations tell which paragraph was meant."""
    insats, day = case.insats, case.day
    if insats is None or day is None or ref.sfs:
        return False
    meant = [c for c in insats.citations if _same(ref, c.ref)]
    if not meant or any(c.validity.covers(day) for c in meant):
        return False
    now = [c for c in insats.citations if c.validity.covers(day)]
    old = meant[0]
    law = case.lookups.book.resolve_law(old.ref, old.validity.valid_until or old.validity.valid_from)
    canonical = f"{old.ref.canonical()} ({law.sfs})" if law is not None and law.sfs else old.ref.canonical()
    suggestion = ", ".join(dict.fromkeys(c.ref.canonical() for c in now))
    _repealed(case, canonical, Text.same(suggestion) if suggestion else None)
    return True


def _law_from_insats(case: Case, ref):
    """'9 § 10' names no law: read it as the law of the insats's citations, and say so."""
    if case.insats is None:
        return None
    for citation in case.insats.citations:
        if citation.ref.key() == ref.key() and citation.ref.point == ref.point and citation.ref.law:
            guessed = ref.model_copy(update={"law": citation.ref.law})
            case.add("lagrum.lag_saknas", paragraf=case.decision.lagrum, tolkning=guessed.canonical())
            return guessed
    return None


def _same(a, b) -> bool:
    return a.law == b.law and a.key() == b.key() and (a.point == b.point or a.point is None or b.point is None)


def _covers_insats(case: Case, ref, canonical: str) -> None:
    insats = case.insats
    if insats is None or not insats.citations:
        return
    day = case.day
    in_force = [c for c in insats.citations if day is None or c.validity.covers(day)]
    if any(_same(ref, c.ref) for c in in_force):
        return
    expected = ", ".join(dict.fromkeys(c.ref.canonical() for c in in_force)) or "–"
    case.add("lagrum.fel_insats", source=insats, insats=case.insats_name, paragraf=canonical, lagrum=canonical,
             forvantat=Text(f"förväntat {expected}", f"expected {expected}"),
             values={"lagrum": canonical, "förväntat": expected})
