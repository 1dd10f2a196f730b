from datetime import date

import pytest

from odoo.addons.citizen_portal.tools.simulator import SimulationRefused, check_simulation, simulation_inputs


def test_check_simulation_reads_numbers_and_pads_the_week():
    assert check_simulation("2500,50", "2", ["9", "9", "", "4.5", "9"]) == (
        2500.5,
        2,
        [9.0, 9.0, 0.0, 4.5, 9.0, 0.0, 0.0],
    )


@pytest.mark.parametrize(
    ("income", "children", "hours", "reason", "values"),
    [
        ("-1", "1", ["8"], "income", {}),
        ("abc", "1", ["8"], "income", {}),
        ("nan", "1", ["8"], "income", {}),
        ("1000", "0", ["8"], "children", {}),
        ("1000", "two", ["8"], "children", {}),
        ("1000", "1", ["8", "25"], "hours", {"day": 1}),
        ("1000", "1", ["-2"], "hours", {"day": 0}),
        ("1000", "1", ["", "0"], "no_hours", {}),
    ],
)
def test_check_simulation_refuses_bad_input(income, children, hours, reason, values):
    with pytest.raises(SimulationRefused) as refused:
        check_simulation(income, children, hours)
    assert refused.value.reason == reason
    assert refused.value.values == values


def test_simulation_inputs_count_a_typical_month():
    inputs = simulation_inputs(
        date(2026, 9, 1), 3000.0, 2, [9, 9, 4, 9, 0, 0, 0], weeks_per_month=3.75, is_resident=False
    )
    assert inputs == {
        "date": date(2026, 9, 1),
        "monthly_income": 3000.0,
        "dependent_children": 2,
        "disabled_children": 0,
        "is_resident": False,
        "sibling_rank": 1,
        "weekly_hours": 31.0,
        "extra_hours": 0.0,
        "hours": 116.25,
        "days_full": 11,
        "days_half": 4,
    }


def test_simulation_days_are_whole_days_rounded_half_up():
    inputs = simulation_inputs(date(2026, 9, 1), 0.0, 1, [9, 9, 0, 0, 0, 0, 0], weeks_per_month=4.25)
    assert (inputs["days_full"], inputs["days_half"], inputs["hours"]) == (9, 0, 76.5)  # 8.5 -> 9
