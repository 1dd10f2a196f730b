import random
import time
from datetime import date, datetime

import pytest

from odoo.addons.childcare_enrollment.tools.allocation import (
    FULL,
    NO_AGE_GROUP,
    NO_PLACES,
    Applicant,
    Choice,
    allocate,
    sort_key,
)


def app(key, score, submitted=date(2026, 1, 10), *choices):
    return Applicant(key=key, score=score, submitted=submitted, choices=tuple(Choice(s, g) for s, g in choices))


def test_capacity_is_never_exceeded():
    apps = [app(i, 10, date(2026, 1, 1), ("A", "baby")) for i in range(1, 6)]
    result = allocate(apps, {("A", "baby"): 3})
    assert sorted(result.placements()) == [1, 2, 3]
    assert result.remaining == {("A", "baby"): 0}
    assert result.placed_count == {("A", "baby"): 3}
    assert result.waiting_list("A") == [4, 5]


def test_higher_score_wins_and_gets_first_choice():
    apps = [
        app(1, 5, date(2026, 1, 1), ("A", "g"), ("B", "g")),
        app(2, 20, date(2026, 1, 2), ("A", "g"), ("B", "g")),
    ]
    result = allocate(apps, {("A", "g"): 1, ("B", "g"): 1})
    assert result.placements() == {2: "A", 1: "B"}
    d1 = result.decisions[1]
    assert d1.choice_rank == 2
    assert d1.skipped == [(1, "A", "g", FULL)]
    assert result.decisions[2].order == 1 and d1.order == 2
    assert result.cutoffs == {("A", "g"): 20, ("B", "g"): 5}


def test_ties_broken_by_submission_date_then_key():
    apps = [
        app(3, 10, date(2026, 1, 5), ("A", "g")),
        app(2, 10, date(2026, 1, 5), ("A", "g")),
        app(1, 10, date(2026, 1, 9), ("A", "g")),
        app(4, 10, datetime(2026, 1, 4, 23, 59), ("A", "g")),
    ]
    result = allocate(apps, {("A", "g"): 2})
    assert sorted(result.placements()) == [2, 4]
    assert result.waiting_list("A") == [3, 1]
    assert [a.key for a in sorted(apps, key=sort_key)] == [4, 2, 3, 1]


def test_missing_submission_date_sorts_last():
    apps = [app(1, 10, None, ("A", "g")), app(2, 10, date(2026, 3, 1), ("A", "g"))]
    assert allocate(apps, {("A", "g"): 1}).placements() == {2: "A"}


def test_age_groups_are_separate_pools():
    apps = [
        app(1, 30, date(2026, 1, 1), ("A", "baby")),
        app(2, 20, date(2026, 1, 1), ("A", "toddler")),
        app(3, 10, date(2026, 1, 1), ("A", "baby")),
    ]
    result = allocate(apps, {("A", "baby"): 1, ("A", "toddler"): 1})
    assert result.placements() == {1: "A", 2: "A"}
    assert result.waiting_list("A", "baby") == [3]
    assert result.waiting_list("A", "toddler") == []


def test_child_outside_every_age_group_waits_nowhere():
    apps = [app(1, 99, date(2026, 1, 1), ("A", None), ("B", "g"))]
    result = allocate(apps, {("A", "g"): 5, ("B", "g"): 0})
    decision = result.decisions[1]
    assert decision.structure is None
    assert decision.skipped == [(1, "A", None, NO_AGE_GROUP), (2, "B", "g", NO_PLACES)]
    # on the waiting list of B only (A cannot take a child of that age)
    assert decision.waiting == [(2, "B", "g", 1)]


def test_waiting_positions_per_structure():
    apps = [
        app(1, 50, date(2026, 1, 1), ("A", "g")),
        app(2, 40, date(2026, 1, 1), ("A", "g"), ("B", "g")),
        app(3, 30, date(2026, 1, 1), ("B", "g"), ("A", "g")),
        app(4, 20, date(2026, 1, 1), ("A", "g")),
    ]
    result = allocate(apps, {("A", "g"): 1, ("B", "g"): 0})
    assert result.placements() == {1: "A"}
    assert result.waiting_list("A") == [2, 3, 4]
    assert result.waiting_list("B") == [2, 3]
    assert result.decisions[3].waiting == [(1, "B", "g", 2), (2, "A", "g", 2)]


def test_same_input_any_order_same_output():
    rng = random.Random(42)
    structures = [f"S{i}" for i in range(8)]
    apps = []
    for key in range(1, 301):
        chosen = rng.sample(structures, 3)
        apps.append(
            app(
                key,
                rng.randint(0, 10),
                date(2026, 1, rng.randint(1, 5)),
                *[(s, rng.choice(["baby", "toddler"])) for s in chosen],
            )
        )
    places = {(s, g): rng.randint(0, 6) for s in structures for g in ("baby", "toddler")}
    reference = allocate(apps, places)
    for _ in range(5):
        shuffled = apps[:]
        rng.shuffle(shuffled)
        other = allocate(shuffled, dict(reversed(list(places.items()))))
        assert other.decisions == reference.decisions
        assert other.cutoffs == reference.cutoffs
    assert sum(reference.placed_count.values()) <= sum(places.values())
    for slot, count in reference.placed_count.items():
        assert count <= places[slot]


def test_cutoff_per_structure_is_lowest_placed_score():
    apps = [
        app(1, 40, date(2026, 1, 1), ("A", "baby")),
        app(2, 25, date(2026, 1, 1), ("A", "toddler")),
        app(3, 10, date(2026, 1, 1), ("A", "baby")),
    ]
    result = allocate(apps, {("A", "baby"): 1, ("A", "toddler"): 1})
    assert result.structure_cutoffs == {"A": 25}
    assert result.cutoffs == {("A", "baby"): 40, ("A", "toddler"): 25}


@pytest.mark.parametrize(
    "apps, places, message",
    [
        ([app(1, 1), app(1, 2)], {}, "given twice"),
        ([app(1, 1, date(2026, 1, 1), ("A", "g"), ("A", "g"))], {}, "same structure twice"),
        ([], {("A", "g"): -1}, "negative"),
    ],
)
def test_bad_input_is_refused(apps, places, message):
    with pytest.raises(ValueError, match=message):
        allocate(apps, places)


def test_five_thousand_applications_fast():
    rng = random.Random(7)
    structures = list(range(100))
    apps = [
        app(
            key,
            rng.randint(0, 60),
            date(2026, 1, rng.randint(1, 28)),
            *[(s, rng.choice((1, 2))) for s in rng.sample(structures, 3)],
        )
        for key in range(5000)
    ]
    places = {(s, g): rng.randint(5, 15) for s in structures for g in (1, 2)}
    start = time.perf_counter()
    result = allocate(apps, places)
    assert time.perf_counter() - start < 1.0
    assert len(result.decisions) == 5000
