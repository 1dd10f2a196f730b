"""Deterministic allocation of childcare places: plain values in, plain values out.

The admission commission orders the applications by score (higher first), then by submission date
(earlier first), then by a stable key; each application in turn gets the best-ranked of its choices
that still has a place in the child's age group; the others go on the waiting list of each structure
they chose, in the same order. Nothing here depends on the order the inputs are given in.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

# Reasons why a choice did not give a place.
FULL = "full"  # every place of the age group went to applications ranked before this one
NO_AGE_GROUP = "no_age_group"  # the structure takes no child of this age at the start date
NO_PLACES = "no_places"  # the structure is not in the session or has no place in the age group at all


@dataclass(frozen=True)
class Choice:
    """One ranked choice: ``structure`` is any hashable key, ``age_group`` the key of the structure's
    age group that covers the child at the start date (``None`` when none does)."""

    structure: object
    age_group: object = None


@dataclass(frozen=True)
class Applicant:
    key: object  # stable, unique and orderable (a database id)
    score: float
    submitted: object  # a date or datetime (None sorts last)
    choices: tuple  # of Choice, best first


@dataclass
class Decision:
    key: object
    structure: object = None  # placed in this structure (None: waiting list)
    age_group: object = None
    choice_rank: int = 0  # 1-based rank of the choice that gave the place, 0 when waiting
    order: int = 0  # 1-based position of the application in the commission's order
    skipped: list = field(default_factory=list)  # [(rank, structure, age_group, reason)] better choices
    waiting: list = field(default_factory=list)  # [(rank, structure, age_group, position)]


@dataclass
class AllocationResult:
    decisions: dict  # key -> Decision
    cutoffs: dict  # (structure, age_group) -> lowest score placed there
    structure_cutoffs: dict  # structure -> lowest score placed in any of its age groups
    remaining: dict  # (structure, age_group) -> places left
    placed_count: dict  # (structure, age_group) -> places given

    def placements(self):
        """{key: structure} of the placed applications."""
        return {key: d.structure for key, d in self.decisions.items() if d.structure is not None}

    def waiting_list(self, structure, age_group=None):
        """Keys waiting for ``structure`` (optionally one age group), in waiting-list order."""
        rows = [
            (position, key)
            for key, d in self.decisions.items()
            for (_rank, s, g, position) in d.waiting
            if s == structure and (age_group is None or g == age_group)
        ]
        return [key for _position, key in sorted(rows)]


_FAR_FUTURE = datetime.max


def _submitted_key(value):
    if value is None:
        return _FAR_FUTURE
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"submission date must be a date or datetime, not {type(value).__name__}")


def sort_key(applicant):
    """Order of the commission: score descending, then earlier submission, then the stable key."""
    return (-applicant.score, _submitted_key(applicant.submitted), applicant.key)


def allocate(applicants, places):
    """Allocate ``places`` ({(structure, age_group): int}) to ``applicants`` (iterable of Applicant).

    Returns an :class:`AllocationResult`. Raises ``ValueError`` on a duplicate key, a negative number
    of places, or a structure chosen twice by the same applicant.
    """
    applicants = list(applicants)
    seen = set()
    for applicant in applicants:
        if applicant.key in seen:
            raise ValueError(f"applicant {applicant.key!r} is given twice")
        seen.add(applicant.key)
        structures = [choice.structure for choice in applicant.choices]
        if len(set(structures)) != len(structures):
            raise ValueError(f"applicant {applicant.key!r} chose the same structure twice")
    for slot, count in places.items():
        if count < 0:
            raise ValueError(f"negative number of places for {slot!r}")

    remaining = dict(places)
    placed_count = defaultdict(int)
    cutoffs = {}
    structure_cutoffs = {}
    waiting_positions = defaultdict(int)  # structure -> last position given
    decisions = {}

    for order, applicant in enumerate(sorted(applicants, key=sort_key), start=1):
        decision = Decision(key=applicant.key, order=order)
        for rank, choice in enumerate(applicant.choices, start=1):
            slot = (choice.structure, choice.age_group)
            if choice.age_group is None:
                decision.skipped.append((rank, choice.structure, None, NO_AGE_GROUP))
                continue
            left = remaining.get(slot, 0)
            if left > 0:
                remaining[slot] = left - 1
                placed_count[slot] += 1
                cutoffs[slot] = applicant.score  # applicants come by decreasing score
                structure_cutoffs[choice.structure] = min(
                    structure_cutoffs.get(choice.structure, applicant.score), applicant.score
                )
                decision.structure, decision.age_group, decision.choice_rank = slot[0], slot[1], rank
                break
            reason = FULL if places.get(slot, 0) > 0 else NO_PLACES
            decision.skipped.append((rank, choice.structure, choice.age_group, reason))
        if decision.structure is None:
            for rank, structure, age_group, _reason in decision.skipped:
                if age_group is None:
                    continue
                waiting_positions[structure] += 1
                decision.waiting.append((rank, structure, age_group, waiting_positions[structure]))
        decisions[applicant.key] = decision

    return AllocationResult(
        decisions=decisions,
        cutoffs=cutoffs,
        structure_cutoffs=structure_cutoffs,
        remaining=remaining,
        placed_count=dict(placed_count),
    )
