"""Delegation: may this role decide this insats under the guideline, and has it for long enough?"""

from __future__ import annotations

from bistandsregler.checking.case import Case, add_span
from bistandsregler.language.messages import Text


def check(case: Case) -> None:
    delegations = case.lookups.delegations
    by = case.decision.decided_by
    if not delegations or case.insats_id is None:
        return
    if by is None or not by.role:
        case.cannot_assess(Text("delegation (roll saknas)", "delegation (no role in the input)"))
        return
    role = by.role.strip().lower()
    matching = [x for x in delegations if x.id.lower() == role or (x.name or "").lower() == role]
    allowed = [x for x in matching if case.insats_id in x.decides]
    if not allowed:
        source = matching[0] if matching else None
        case.add("delegation.saknas", roll=by.role, insats=case.insats_name, source=source)
        return
    delegation = allowed[0]
    if delegation.after and by.delegation_since and case.day:
        if case.day < add_span(by.delegation_since, delegation.after):
            case.add("delegation.for_tidig", sedan=by.delegation_since.isoformat(), efter=delegation.after.words(),
                     source=delegation)
