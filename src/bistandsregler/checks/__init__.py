"""The built-in check families. Each is a function ``check(case)`` that adds findings.

They are generic: everything that differs between municipalities or changes with the law
(paragraphs, age limits, norms, time limits, delegations) comes from the guideline files.
"""

from . import beslut, delegation, klassning, lagrum, mal, omfattning, tid

FAMILIES = (
    lagrum.check,
    beslut.check,
    omfattning.check,
    tid.check,
    delegation.check,
    mal.check,
    klassning.check,
)
