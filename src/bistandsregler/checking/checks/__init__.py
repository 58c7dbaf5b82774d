"""The built-in check families, in the order they run, with what each reads.

Each family is a function ``check(case)`` that adds findings to the case. They are generic:
everything that differs between municipalities or changes with the law (paragraphs, age
limits, norms, time limits, delegations) comes from the guideline files, through
``case.lookups``. Every case arrives with its insats, law reference, decision date, outcome
and age resolved (``checking.case.build_case``); ``reads`` names the decision fields a family
reads beyond those, so a caller can tell which families a partial record can feed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bistandsregler.checking.case import Case
from bistandsregler.checking.checks import (
    beslut,
    delegation,
    klassning,
    lagrum,
    mal,
    omfattning,
    tid,
)


@dataclass(frozen=True)
class Family:
    name: str
    check: Callable[[Case], None]
    reads: tuple[str, ...]


FAMILIES: tuple[Family, ...] = (
    Family("lagrum", lagrum.check, ("lagrum",)),
    Family("beslut", beslut.check, ("justification",)),
    Family("omfattning", omfattning.check, ("scope", "person")),
    Family("tid", tid.check, ("valid_from", "valid_until", "follow_up_on", "executed_on")),
    Family("delegation", delegation.check, ("decided_by",)),
    Family("mal", mal.check, ("goals",)),
    Family("klassning", klassning.check, ("person", "new_grant")),
)
