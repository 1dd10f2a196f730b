"""The fee engine (tools/fees.py), without a database: the public reference cases of DOMAIN.md
(R1-R4, R7; R5/R6 are structured references, Odoo's own), the edge cases of each scheme, rounding,
errors, and lines adding up to the totals over many random inputs."""

import random
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from odoo.addons.childcare_billing.tools.fees import (
    LABELS,
    SCHEMES,
    QuoteError,
    effort_rate,
    line_label,
    mensualisation,
    one_daily_rate,
    psu_hourly_rate,
    quote,
    round_money,
)

# ---------------------------------------------------------------------------------------- parameters
EFFORT_COLLECTIVE = {1: 0.000619, 2: 0.000516, 3: 0.000413, 4: 0.00031, 8: 0.000206}
#: (valid from, valid until, values): the CNAF tables of two periods, as the model reads them
PSU_VERSIONS = [
    (date(2024, 9, 1), date(2025, 8, 31), {"effort_rates": EFFORT_COLLECTIVE, "floor": 814.62, "ceiling": 7000.00}),
    (date(2025, 9, 1), None, {"effort_rates": EFFORT_COLLECTIVE, "floor": 814.62, "ceiling": 8500.00}),
]
LU_PARAMS = {
    "state_hourly_cap": 7.00,
    "free_hours_per_week": 20,
    "free_age_min_months": 12,
    "free_age_max_months": 59,
    "school_day_free": True,
}
#: an illustrative four-bracket grid (the shape of ONE's, not its published amounts)
ONE_GRID = [(1500.00, 4.00), (2500.00, 10.00), (3500.00, 16.00), (None, 22.00)]
PSU_PLAN = {"billing_basis": "billable", "care_type": "collective", "apply_ceiling": True}
CONTRACTED_PLAN = dict(PSU_PLAN, billing_basis="contracted")
FLAT_PLAN = {"flat_unit": "hour", "billing_basis": "billable", "resident_price": 3.20, "non_resident_price": 4.10}


def params_on(versions, day):
    """The values of the version valid on ``day`` (what the model's versioned records give)."""
    for date_from, date_to, values in versions:
        if date_from <= day and (date_to is None or day <= date_to):
            return values
    raise LookupError(day)


def psu(day=date(2025, 10, 1), plan=None, params=None, **inputs):
    inputs.setdefault("hours", 100)
    inputs["date"] = day
    return quote("fr_psu", plan or PSU_PLAN, params or params_on(PSU_VERSIONS, day), inputs)


def csa(weeks, params=None, **inputs):
    values = {"age_months": 24, "structure_hourly_price": 8.00, "csa_hourly_rate": 2.50, "weeks": weeks}
    values.update(inputs)
    return quote("lu_csa", {}, params or LU_PARAMS, values)


def by_key(result):
    return {(line["label_key"], line["payer"]): line for line in result["lines"]}


def cents(value):
    return Decimal(str(value))


def assert_consistent(result):
    """Each line: amount = quantity x unit price to the cent; per payer the amounts add up to the
    totals; everything has at most 2 decimals."""
    sums = {"parent": Decimal(0), "subsidy": Decimal(0)}
    for line in result["lines"]:
        quantity, unit_price, amount = cents(line["quantity"]), cents(line["unit_price"]), cents(line["amount"])
        for value in (quantity, unit_price, amount):
            assert value == value.quantize(Decimal("0.01")), line
        assert (quantity * unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP) == amount, line
        assert amount != 0, line
        assert line["label"] == line_label(line)
        sums[line["payer"]] += amount
    assert sums["parent"] == cents(result["parent_amount"])
    assert sums["subsidy"] == cents(result["subsidy_amount"])
    assert sums["parent"] + sums["subsidy"] == cents(result["total_amount"])


# ---------------------------------------------------------------------------------------- R1-R4, R7
def test_r1_psu_3000_two_children():
    result = psu(monthly_income=3000, dependent_children=2)
    assert result["hourly_rate"] == 1.55
    explanation = result["explanation"]
    assert explanation["hourly_rate_exact"] == pytest.approx(1.548)
    assert explanation["effort_rate"] == 0.000516
    assert explanation["effort_rate_percent"] == pytest.approx(0.0516)
    assert explanation["income_used"] == 3000.0
    assert explanation["income_limited_by"] is None
    assert explanation["family_size_used"] == 2


def test_r2_psu_ceiling_8500_from_september_2025():
    result = psu(monthly_income=12000, dependent_children=1)
    assert result["hourly_rate"] == 5.26
    assert result["explanation"]["income_used"] == 8500.0
    assert result["explanation"]["income_limited_by"] == "ceiling"


def test_r3_psu_floor():
    result = psu(day=date(2025, 3, 1), monthly_income=500, dependent_children=1)
    assert result["hourly_rate"] == 0.50
    assert result["explanation"]["income_used"] == 814.62
    assert result["explanation"]["income_limited_by"] == "floor"


def test_r4_mensualisation():
    monthly_hours, fee = mensualisation(40, 45, 12, Decimal("1.55"))
    assert (monthly_hours, fee) == (Decimal(150), Decimal("232.50"))
    result = psu(
        plan=CONTRACTED_PLAN,
        monthly_income=3000,
        dependent_children=2,
        weekly_hours=40,
        weeks_per_year=45,
        billed_months=12,
    )
    assert result["parent_amount"] == 232.50
    assert result["lines"] == [
        {
            "label_key": "monthly_fee",
            "label_format": LABELS["monthly_fee"],
            "label_values": {"weeks": 45, "weekly_hours": 40, "months": 12},
            "label": "Monthly fee: 45 weeks × 40 h a week over 12 months",
            "quantity": 1.0,
            "unit": "month",
            "unit_price": 232.50,
            "amount": 232.50,
            "payer": "parent",
        }
    ]
    assert result["explanation"]["contracted_monthly_hours"] == 150.0
    assert result["explanation"]["hours"] == 150.0


def test_r7_csa_worked_example():
    result = csa([{"hours": 30, "school_week": False, "meals": 0}])
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (55.00, 185.00, 240.00)
    lines = by_key(result)
    assert (
        lines["csa_free_hours_parent", "parent"]["quantity"],
        lines["csa_free_hours_parent", "parent"]["unit_price"],
    ) == (20.0, 1.0)
    assert lines["csa_free_hours_parent", "parent"]["amount"] == 20.00
    assert lines["csa_hours_parent", "parent"]["unit_price"] == 3.50
    assert lines["csa_hours_parent", "parent"]["amount"] == 35.00
    assert lines["csa_free_hours_state", "subsidy"]["amount"] == 140.00
    assert lines["csa_hours_state", "subsidy"]["amount"] == 45.00
    assert result["hourly_rate"] == 3.50
    assert result["explanation"]["free_hours"] == 20.0
    assert_consistent(result)


# ---------------------------------------------------------------------------------------- France: PSU
def test_psu_ceiling_by_date_uses_the_params_it_is_given():
    assert params_on(PSU_VERSIONS, date(2025, 8, 31))["ceiling"] == 7000.00
    assert params_on(PSU_VERSIONS, date(2025, 9, 1))["ceiling"] == 8500.00
    august = psu(day=date(2025, 8, 1), monthly_income=12000, dependent_children=1)
    september = psu(day=date(2025, 9, 1), monthly_income=12000, dependent_children=1)
    assert august["hourly_rate"] == 4.33  # 7,000 x 0.0619 % = 4.333
    assert september["hourly_rate"] == 5.26
    assert august["explanation"]["ceiling"] == 7000.0
    # a resource between the two ceilings is capped only under the old one
    assert psu(day=date(2025, 8, 1), monthly_income=8000, dependent_children=1)["hourly_rate"] == 4.33
    assert psu(day=date(2025, 10, 1), monthly_income=8000, dependent_children=1)["hourly_rate"] == 4.95


def test_psu_ceiling_not_applied_when_the_plan_says_so():
    plan = dict(PSU_PLAN, apply_ceiling=False)
    result = psu(plan=plan, monthly_income=12000, dependent_children=1)
    assert result["hourly_rate"] == 7.43  # 12,000 x 0.0619 % = 7.428
    assert result["explanation"]["ceiling_applied"] is False
    assert result["explanation"]["ceiling"] is None
    # no ceiling needed in the params then; the floor still applies
    no_ceiling = {"effort_rates": EFFORT_COLLECTIVE, "floor": 814.62}
    assert psu(plan=plan, params=no_ceiling, monthly_income=0, dependent_children=1)["hourly_rate"] == 0.50


@pytest.mark.parametrize(
    ("size", "rate", "hourly"),
    [
        (1, 0.000619, 3.10),  # 3.095
        (2, 0.000516, 2.58),
        (3, 0.000413, 2.07),  # 2.065
        (4, 0.00031, 1.55),
        (5, 0.00031, 1.55),
        (6, 0.00031, 1.55),
        (7, 0.00031, 1.55),
        (8, 0.000206, 1.03),
        (9, 0.000206, 1.03),
        (12, 0.000206, 1.03),
    ],
)
def test_psu_family_size_steps(size, rate, hourly):
    result = psu(monthly_income=5000, dependent_children=size)
    assert result["explanation"]["effort_rate"] == rate
    assert result["hourly_rate"] == hourly


@pytest.mark.parametrize(
    ("children", "disabled", "size_used", "hourly"),
    [
        (2, 1, 3, 1.24),  # 3,000 x 0.0413 % = 1.239: the rate of 3 children
        (2, 2, 4, 0.93),  # one step per disabled child: 3,000 x 0.0310 %
        (1, 1, 2, 1.55),
        (7, 1, 8, 0.62),  # 3,000 x 0.0206 % = 0.618
        (3, 0, 3, 1.24),
    ],
)
def test_psu_disability_moves_one_size_up_per_child(children, disabled, size_used, hourly):
    result = psu(monthly_income=3000, dependent_children=children, disabled_children=disabled)
    assert result["explanation"]["family_size_used"] == size_used
    assert result["explanation"]["family_size_declared"] == children
    assert result["hourly_rate"] == hourly


def test_psu_care_types_select_their_table():
    family = {1: 0.0005, 2: 0.0004, 3: 0.0003, 4: 0.0002}
    base = {"floor": 814.62, "ceiling": 8500.00}
    nested = dict(base, effort_rates={"collective": EFFORT_COLLECTIVE, "family": family})
    by_key_name = dict(base, effort_collective_rates=EFFORT_COLLECTIVE, effort_family_rates=family)
    family_plan = dict(PSU_PLAN, care_type="family")
    for params in (nested, by_key_name):
        assert psu(plan=family_plan, params=params, monthly_income=3000, dependent_children=1)["hourly_rate"] == 1.50
        assert psu(params=params, monthly_income=3000, dependent_children=1)["hourly_rate"] == 1.86
    with pytest.raises(QuoteError) as error:
        psu(
            plan=family_plan,
            params=dict(base, effort_rates={"collective": EFFORT_COLLECTIVE}),
            monthly_income=1,
            dependent_children=1,
        )
    assert error.value.message_key == "missing_parameter"
    assert error.value.values["key"] == "effort_rates[family]"


def test_psu_effort_rates_from_stored_strings_and_pairs():
    as_strings = {str(size): str(rate) for size, rate in EFFORT_COLLECTIVE.items()}
    assert effort_rate(as_strings, 5) == Decimal("0.00031")
    assert effort_rate(list(EFFORT_COLLECTIVE.items()), 1) == Decimal("0.000619")


def test_psu_hourly_rate_half_up():
    # 6,250 x 0.0516 % = 3.225 exactly: half up gives 3.23 (half even would give 3.22)
    assert psu_hourly_rate(6250, 2, EFFORT_COLLECTIVE, 814.62)["hourly_rate"] == Decimal("3.23")
    assert psu(monthly_income=6250, dependent_children=2)["hourly_rate"] == 3.23
    # 5,000 x 0.0413 % = 2.065
    assert psu(monthly_income=5000, dependent_children=3)["hourly_rate"] == 2.07


def test_psu_billable_hours_and_statement_figures():
    result = psu(monthly_income=3000, dependent_children=2, hours=142.5, days=18, structure_hourly_price=9.55)
    # 142.5 x 1.55 = 220.875 → 220.88; the subsidy 142.5 x (9.55 - 1.55) = 1,140.00
    assert result["parent_amount"] == 220.88
    assert result["subsidy_amount"] == 1140.00
    assert result["total_amount"] == 1360.88
    lines = by_key(result)
    assert lines["care_hours", "parent"]["quantity"] == 142.5
    assert lines["care_hours", "parent"]["unit_price"] == 1.55
    assert lines["public_funding_hours", "subsidy"]["unit_price"] == 8.00
    explanation = result["explanation"]
    assert (explanation["days"], explanation["hours"], explanation["hourly_rate"]) == (18, 142.5, 1.55)
    assert explanation["billing_basis"] == "billable"
    assert explanation["structure_hourly_price"] == 9.55
    assert_consistent(result)


def test_psu_without_structure_price_has_no_subsidy():
    result = psu(monthly_income=3000, dependent_children=2, hours=10)
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (15.50, 0.0, 15.50)
    assert [line["payer"] for line in result["lines"]] == ["parent"]


def test_psu_mensualisation_with_extra_hours_and_subsidy():
    result = psu(
        plan=CONTRACTED_PLAN,
        monthly_income=3000,
        dependent_children=2,
        weekly_hours=40,
        weeks_per_year=45,
        billed_months=12,
        extra_hours=3,
        hours=999,  # not read under the contracted basis
        structure_hourly_price=10.00,
    )
    lines = by_key(result)
    assert lines["monthly_fee", "parent"]["amount"] == 232.50
    assert lines["extra_hours", "parent"]["amount"] == 4.65
    assert lines["public_funding_month", "subsidy"]["amount"] == 1267.50  # 150 h x 8.45
    assert lines["public_funding_extra_hours", "subsidy"]["amount"] == 25.35
    assert result["parent_amount"] == 237.15
    assert result["total_amount"] == 1530.00  # 153 h x 10.00
    assert result["explanation"]["hours"] == 153.0
    assert_consistent(result)


def test_psu_mensualisation_rounds_the_fee_once():
    # 46 weeks x 35 h x 1.55 ÷ 11 = 226.8636…: the fee, not the hours, is rounded
    result = psu(
        plan=CONTRACTED_PLAN,
        monthly_income=3000,
        dependent_children=2,
        weekly_hours=35,
        weeks_per_year=46,
        billed_months=11,
    )
    assert result["parent_amount"] == 226.86
    assert result["explanation"]["contracted_monthly_hours"] == 146.36


def test_psu_child_protection_flat_rate():
    plan = dict(PSU_PLAN, ase_hourly_rate=1.20)
    result = psu(plan=plan, is_ase=True, hours=100)  # no income, no family size needed
    assert (result["hourly_rate"], result["parent_amount"]) == (1.20, 120.00)
    assert result["explanation"]["is_ase"] is True
    assert result["explanation"]["income_used"] is None
    with pytest.raises(QuoteError) as error:
        psu(plan=dict(PSU_PLAN, ase_hourly_rate=0.0), is_ase=True)
    assert (error.value.message_key, error.value.values["key"]) == ("missing_plan_setting", "ase_hourly_rate")


@pytest.mark.parametrize(
    ("inputs", "message_key", "key"),
    [
        ({"dependent_children": 1}, "missing_input", "monthly_income"),
        ({"monthly_income": None, "dependent_children": 1}, "missing_input", "monthly_income"),
        ({"monthly_income": False, "dependent_children": 1}, "missing_input", "monthly_income"),
        ({"monthly_income": 3000}, "missing_input", "dependent_children"),
        ({"monthly_income": -1, "dependent_children": 1}, "negative_value", "monthly_income"),
        ({"monthly_income": 3000, "dependent_children": 1, "hours": -2}, "negative_value", "hours"),
        ({"monthly_income": 3000, "dependent_children": 1, "hours": None}, "missing_input", "hours"),
        ({"monthly_income": 3000, "dependent_children": 1, "hours": "ten"}, "invalid_value", "hours"),
        ({"monthly_income": 3000, "dependent_children": 1.5}, "invalid_value", "dependent_children"),
        (
            {"monthly_income": 3000, "dependent_children": 1, "disabled_children": -1},
            "negative_value",
            "disabled_children",
        ),
        ({"monthly_income": 3000, "dependent_children": 1, "sibling_rank": 0}, None, None),  # not read by PSU
    ],
)
def test_psu_bad_inputs(inputs, message_key, key):
    if message_key is None:
        assert psu(**inputs)["hourly_rate"] == 1.86
        return
    with pytest.raises(QuoteError) as error:
        psu(**inputs)
    assert error.value.message_key == message_key
    assert error.value.values["key"] == key


@pytest.mark.parametrize("size", [0, -1])
def test_psu_family_size_below_one(size):
    with pytest.raises(QuoteError) as error:
        psu(monthly_income=3000, dependent_children=size)
    assert error.value.message_key == "family_size"
    assert str(error.value) == f"The family must count at least one dependent child ({size})."


def test_psu_more_disabled_than_dependent_children():
    with pytest.raises(QuoteError) as error:
        psu(monthly_income=3000, dependent_children=1, disabled_children=2)
    assert error.value.message_key == "disabled_children"


@pytest.mark.parametrize(
    ("params", "message_key", "key"),
    [
        ({"effort_rates": EFFORT_COLLECTIVE, "ceiling": 8500}, "missing_parameter", "floor"),
        ({"effort_rates": EFFORT_COLLECTIVE, "floor": 814.62}, "missing_parameter", "ceiling"),
        ({"floor": 814.62, "ceiling": 8500}, "missing_parameter", "effort_rates"),
        ({"effort_rates": {}, "floor": 814.62, "ceiling": 8500}, "missing_parameter", "effort_rates"),
    ],
)
def test_psu_missing_parameters(params, message_key, key):
    with pytest.raises(QuoteError) as error:
        psu(params=params, monthly_income=3000, dependent_children=1)
    assert (error.value.message_key, error.value.values["key"]) == (message_key, key)
    assert error.value.values["date"] == "2025-10-01"


def test_psu_table_without_the_family_size():
    params = {"effort_rates": {2: 0.000516, 3: 0.000413}, "floor": 814.62, "ceiling": 8500}
    with pytest.raises(QuoteError) as error:
        psu(params=params, monthly_income=3000, dependent_children=1)
    assert (error.value.message_key, error.value.values) == ("no_effort_rate", {"size": "1"})


def test_psu_effort_rate_typed_as_a_percentage():
    params = {"effort_rates": {1: 0.0619}, "floor": 814.62, "ceiling": 8500}
    with pytest.raises(QuoteError) as error:
        psu(params=params, monthly_income=3000, dependent_children=1)
    assert error.value.message_key == "effort_rate_percent"
    assert "0.0619 % is written 0.000619" in str(error.value)


def test_psu_contracted_needs_the_contract():
    with pytest.raises(QuoteError) as error:
        psu(plan=CONTRACTED_PLAN, monthly_income=3000, dependent_children=1, weekly_hours=40, weeks_per_year=45)
    assert error.value.values["key"] == "billed_months"
    with pytest.raises(QuoteError) as error:
        psu(
            plan=CONTRACTED_PLAN,
            monthly_income=3000,
            dependent_children=1,
            weekly_hours=40,
            weeks_per_year=45,
            billed_months=0,
        )
    assert error.value.message_key == "too_small"


def test_psu_plan_needs_a_billing_basis():
    with pytest.raises(QuoteError) as error:
        psu(plan={"apply_ceiling": True}, monthly_income=3000, dependent_children=1)
    assert (error.value.message_key, error.value.values["key"]) == ("missing_plan_setting", "billing_basis")
    with pytest.raises(QuoteError) as error:
        psu(plan={"billing_basis": "weekly"}, monthly_income=3000, dependent_children=1)
    assert error.value.message_key == "invalid_value"


# ---------------------------------------------------------------------------------------- Luxembourg: CSA
def test_csa_free_hours_across_a_week_boundary():
    result = csa([{"hours": 15}, {"hours": 25}])
    explanation = result["explanation"]
    assert [week["free_hours"] for week in explanation["weeks"]] == [15.0, 20.0]
    assert (explanation["free_hours"], explanation["paid_hours"]) == (35.0, 5.0)
    # parent 35 x 1.00 + 5 x 3.50; state 35 x 7.00 + 5 x 4.50
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (52.50, 267.50, 320.00)
    assert_consistent(result)


def test_csa_free_hours_already_granted_in_the_previous_month():
    result = csa([{"hours": 15, "free_hours_used": 12}])
    assert result["explanation"]["weeks"][0]["free_hours"] == 8.0
    assert result["explanation"]["free_hours"] == 8.0
    assert csa([{"hours": 15, "free_hours_used": 25}])["explanation"]["free_hours"] == 0.0


def test_csa_price_below_the_cap_no_parent_surcharge():
    result = csa([{"hours": 30}], structure_hourly_price=5.00)
    lines = by_key(result)
    assert ("csa_free_hours_parent", "parent") not in lines  # free hours cost the parent nothing
    assert lines["csa_hours_parent", "parent"]["unit_price"] == 2.50
    assert lines["csa_free_hours_state", "subsidy"]["amount"] == 100.00
    assert lines["csa_hours_state", "subsidy"]["amount"] == 25.00
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (25.00, 125.00, 150.00)
    assert result["explanation"]["parent_surcharge_per_hour"] == 0.0


def test_csa_rate_above_the_covered_price():
    # a CSA rate of 6.00 at a price of 5.00: the parent pays the price, the state nothing
    result = csa([{"hours": 10}], age_months=72, structure_hourly_price=5.00, csa_hourly_rate=6.00)
    assert (result["parent_amount"], result["subsidy_amount"]) == (50.00, 0.0)
    assert result["explanation"]["csa_hourly_rate_applied"] == 5.0


def test_csa_cap_of_2025_and_of_2026():
    weeks = [{"hours": 30}]
    cap_2025 = csa(weeks, params=dict(LU_PARAMS, state_hourly_cap=6.00))
    # free 20 h: parent 20 x 2.00, state 20 x 6.00; 10 h: parent 10 x 4.50, state 10 x 3.50
    assert (cap_2025["parent_amount"], cap_2025["subsidy_amount"]) == (85.00, 155.00)
    assert csa(weeks)["parent_amount"] == 55.00


def test_csa_school_age_child_in_school_and_holiday_weeks():
    weeks = [
        {"hours": 12, "school_week": True, "meals": 4},
        {"hours": 30, "school_week": False, "meals": 5},
    ]
    result = csa(
        weeks,
        params=dict(LU_PARAMS, meal_cap=4.50),
        age_months=72,
        structure_hourly_price=6.00,
        csa_hourly_rate=1.50,
        structure_meal_price=4.00,
        csa_meal_price=2.00,
    )
    explanation = result["explanation"]
    assert explanation["school_age"] is True
    assert [week["free_rule"] for week in explanation["weeks"]] == ["school", None]
    assert (explanation["free_hours"], explanation["free_meals"], explanation["paid_meals"]) == (12.0, 4, 5)
    lines = by_key(result)
    assert lines["csa_free_hours_state", "subsidy"]["amount"] == 72.00
    assert lines["csa_free_meals_state", "subsidy"]["amount"] == 16.00
    assert lines["csa_hours_parent", "parent"]["amount"] == 45.00
    assert lines["csa_hours_state", "subsidy"]["amount"] == 135.00
    assert lines["csa_meals_parent", "parent"]["amount"] == 10.00
    assert lines["csa_meals_state", "subsidy"]["amount"] == 10.00
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (55.00, 233.00, 288.00)
    assert_consistent(result)


def test_csa_school_child_in_the_age_band_holiday_week_has_the_20_hours():
    result = csa([{"hours": 30, "school_week": False}], age_months=52, school_age=True)
    assert result["explanation"]["weeks"][0]["free_rule"] == "age"
    assert result["explanation"]["free_hours"] == 20.0
    school = csa([{"hours": 30, "school_week": True}], age_months=52, school_age=True)
    assert school["explanation"]["free_hours"] == 30.0


def test_csa_school_week_of_a_toddler_is_an_ordinary_week():
    result = csa([{"hours": 30, "school_week": True, "meals": 2}], structure_meal_price=4.00, csa_meal_price=2.00)
    assert result["explanation"]["weeks"][0]["free_rule"] == "age"
    assert result["explanation"]["free_meals"] == 0
    assert by_key(result)["csa_meals_parent", "parent"]["amount"] == 4.00


def test_csa_school_day_rule_switched_off():
    result = csa([{"hours": 10, "school_week": True}], params=dict(LU_PARAMS, school_day_free=False), age_months=72)
    assert result["explanation"]["free_hours"] == 0.0


@pytest.mark.parametrize(("age", "free"), [(11, 0.0), (12, 20.0), (59, 20.0), (60, 0.0)])
def test_csa_age_band(age, free):
    assert csa([{"hours": 30}], age_months=age)["explanation"]["free_hours"] == free


def test_csa_meals_with_and_without_cap():
    weeks = [{"hours": 0, "meals": 5}]
    no_cap = csa(weeks, structure_meal_price=4.00, csa_meal_price=2.00)
    assert (no_cap["parent_amount"], no_cap["subsidy_amount"]) == (10.00, 10.00)
    capped = csa(weeks, params=dict(LU_PARAMS, meal_cap=3.50), structure_meal_price=4.00, csa_meal_price=2.00)
    # the state covers 3.50 at most: parent 5 x (2.00 + 0.50), state 5 x 1.50
    assert (capped["parent_amount"], capped["subsidy_amount"]) == (12.50, 7.50)
    free = csa(
        [{"hours": 0, "meals": 5, "school_week": True}],
        params=dict(LU_PARAMS, meal_cap=3.50),
        age_months=80,
        structure_meal_price=4.00,
        csa_meal_price=2.00,
    )
    lines = by_key(free)
    assert lines["csa_free_meals_parent", "parent"]["amount"] == 2.50  # 5 x 0.50 above the cap
    assert lines["csa_free_meals_state", "subsidy"]["amount"] == 17.50
    assert_consistent(free)


def test_csa_meal_prices_required_only_with_meals():
    assert csa([{"hours": 5}])["explanation"]["structure_meal_price"] is None
    with pytest.raises(QuoteError) as error:
        csa([{"hours": 5, "meals": 1}])
    assert error.value.values["key"] == "structure_meal_price"


@pytest.mark.parametrize(
    ("weeks", "inputs", "message_key", "key"),
    [
        (None, {}, "missing_input", "weeks"),
        ([{"hours": -1}], {}, "negative_value", "weeks[0].hours"),
        ([{"meals": 2}], {}, "missing_input", "weeks[0].hours"),
        ([{"hours": 5}, "five"], {}, "invalid_value", "weeks[1]"),
        ([{"hours": 5}], {"age_months": None}, "missing_input", "age_months"),
        ([{"hours": 5}], {"csa_hourly_rate": None}, "missing_input", "csa_hourly_rate"),
        ([{"hours": 5}], {"structure_hourly_price": -8}, "negative_value", "structure_hourly_price"),
    ],
)
def test_csa_bad_inputs(weeks, inputs, message_key, key):
    with pytest.raises(QuoteError) as error:
        csa(weeks, **inputs)
    assert (error.value.message_key, error.value.values["key"]) == (message_key, key)


def test_csa_missing_cap():
    params = {key: value for key, value in LU_PARAMS.items() if key != "state_hourly_cap"}
    with pytest.raises(QuoteError) as error:
        csa([{"hours": 5}], params=params)
    assert (error.value.message_key, error.value.values["key"]) == ("missing_parameter", "state_hourly_cap")


def test_csa_empty_month():
    result = csa([])
    assert (result["parent_amount"], result["subsidy_amount"], result["lines"]) == (0.0, 0.0, [])


# ---------------------------------------------------------------------------------------- Belgium: ONE
def one(plan=None, grid=ONE_GRID, **inputs):
    values = {"monthly_income": 2400}
    values.update(inputs)
    return quote("be_one", plan or {}, {"income_grid": grid}, values)


def test_one_worked_example_half_days_and_sibling():
    result = one(days_full=15, days_half=4, sibling_rank=2, plan={"sibling_reduction_percent": 30})
    lines = by_key(result)
    assert result["daily_rate"] == 10.00
    assert lines["full_days", "parent"]["amount"] == 150.00
    assert (lines["half_days", "parent"]["unit_price"], lines["half_days", "parent"]["amount"]) == (6.00, 24.00)
    assert lines["half_days", "parent"]["label"] == "Half days (60% of the daily rate)"
    assert lines["sibling_reduction", "parent"]["amount"] == -52.20
    assert lines["sibling_reduction", "parent"]["label"] == "Sibling reduction (30%)"
    assert (result["parent_amount"], result["subsidy_amount"], result["total_amount"]) == (121.80, 0.0, 121.80)
    assert result["explanation"]["bracket_index"] == 1
    assert_consistent(result)


def test_one_first_child_has_no_sibling_reduction():
    result = one(days_full=15, days_half=4, sibling_rank=1, plan={"sibling_reduction_percent": 30})
    assert result["parent_amount"] == 174.00
    assert "sibling_reduction" not in {line["label_key"] for line in result["lines"]}


@pytest.mark.parametrize(
    ("income", "daily", "index"),
    [
        (0, 4.00, 0),
        (1500.00, 4.00, 0),
        (1500.01, 10.00, 1),
        (2500, 10.00, 1),
        (3500, 16.00, 2),
        (3500.01, 22.00, 3),
        (99999, 22.00, 3),
    ],
)
def test_one_grid_brackets_include_their_upper_bound(income, daily, index):
    assert one_daily_rate(income, ONE_GRID)[::2] == (index, Decimal(str(daily)).quantize(Decimal("0.01")))
    assert one(monthly_income=income, days_full=1)["daily_rate"] == daily


def test_one_grid_order_and_stored_lists():
    shuffled = [[None, 22.0], [3500.0, 16.0], [1500.0, 4.0], [2500.0, 10.0]]
    assert one(grid=shuffled, monthly_income=2000, days_full=2)["parent_amount"] == 20.00


def test_one_grid_without_open_bracket():
    with pytest.raises(QuoteError) as error:
        one(grid=ONE_GRID[:3], monthly_income=4000, days_full=1)
    assert error.value.message_key == "no_income_bracket"


def test_one_half_day_coefficient_from_params_and_plan():
    params = {"income_grid": ONE_GRID, "half_day_coefficient": 0.5}
    assert quote("be_one", {}, params, {"monthly_income": 2400, "days_half": 3})["parent_amount"] == 15.00
    assert one(plan={"half_day_coefficient": 0.55}, days_half=3)["parent_amount"] == 16.50
    assert one(days_half=3)["parent_amount"] == 18.00


def test_one_sibling_reduction_rounds_half_up():
    # 5 x 10.10 = 50.50; 25 % = 12.625 → 12.63
    grid = [(None, 10.10)]
    result = one(grid=grid, days_full=5, sibling_rank=3, plan={"sibling_reduction_percent": 25})
    assert by_key(result)["sibling_reduction", "parent"]["amount"] == -12.63
    assert result["parent_amount"] == 37.87


@pytest.mark.parametrize(
    ("inputs", "message_key", "key"),
    [
        ({"monthly_income": None, "days_full": 1}, "missing_input", "monthly_income"),
        ({}, "missing_input", "days_full"),
        ({"days_full": -1}, "negative_value", "days_full"),
        ({"days_full": 1.5}, "invalid_value", "days_full"),
        ({"days_full": 1, "sibling_rank": 0}, "too_small", "sibling_rank"),
    ],
)
def test_one_bad_inputs(inputs, message_key, key):
    with pytest.raises(QuoteError) as error:
        one(**inputs)
    assert (error.value.message_key, error.value.values["key"]) == (message_key, key)


def test_one_missing_grid():
    with pytest.raises(QuoteError) as error:
        quote("be_one", {}, {}, {"monthly_income": 2400, "days_full": 1})
    assert (error.value.message_key, error.value.values["key"]) == ("missing_parameter", "income_grid")


# ---------------------------------------------------------------------------------------- Belgium: K&G
def test_kg_worked_example_default_coefficients():
    result = quote("be_kg", {}, {}, {"certified_daily_price": 17.43, "days_full": 12, "days_half": 5})
    lines = by_key(result)
    assert lines["full_days", "parent"]["amount"] == 209.16
    assert lines["short_days", "parent"]["unit_price"] == 10.46  # 0.6 x 17.43 = 10.458
    assert lines["short_days", "parent"]["amount"] == 52.30
    assert (result["parent_amount"], result["daily_rate"]) == (261.46, 17.43)
    assert_consistent(result)


def test_kg_coefficients_from_plan_and_params():
    inputs = {"certified_daily_price": 20.00, "days_full": 1, "days_half": 1}
    plan = {"kg_coefficients": {"short": 0.5, "full": 1.0}}
    assert quote("be_kg", plan, {}, inputs)["parent_amount"] == 30.00
    assert quote("be_kg", plan, {"coef_short": 0.7, "coef_full": 1.0}, inputs)["parent_amount"] == 34.00
    assert quote("be_kg", {}, {"kg_coefficients": {"short": 0.6, "full": 0.9}}, inputs)["parent_amount"] == 30.00
    with pytest.raises(QuoteError) as error:
        quote("be_kg", {"kg_coefficients": {"short": 0.5}}, {}, inputs)
    assert error.value.values["key"] == "kg_coefficients[full]"


def test_kg_sibling_reduction():
    inputs = {"certified_daily_price": 20.00, "days_full": 10, "sibling_rank": 2}
    assert quote("be_kg", {"sibling_reduction_percent": 25}, {}, inputs)["parent_amount"] == 150.00
    assert quote("be_kg", {}, {}, inputs)["parent_amount"] == 200.00


def test_kg_needs_the_certificate():
    with pytest.raises(QuoteError) as error:
        quote("be_kg", {}, {}, {"days_full": 3})
    assert (error.value.message_key, error.value.values["key"]) == ("missing_input", "certified_daily_price")


# ---------------------------------------------------------------------------------------- flat rate
def test_flat_resident_and_non_resident_per_hour():
    resident = quote("flat", FLAT_PLAN, {}, {"is_resident": True, "hours": 100.5})
    other = quote("flat", FLAT_PLAN, {}, {"is_resident": False, "hours": 100.5})
    assert (resident["hourly_rate"], resident["parent_amount"]) == (3.20, 321.60)
    assert (other["hourly_rate"], other["parent_amount"]) == (4.10, 412.05)
    with pytest.raises(QuoteError) as error:
        quote("flat", FLAT_PLAN, {}, {"hours": 1})
    assert error.value.values["key"] == "is_resident"


def test_flat_meals_and_sibling_reduction_on_care_only():
    plan = dict(FLAT_PLAN, meal_price=4.50, sibling_reduction_percent=10)
    result = quote("flat", plan, {}, {"is_resident": True, "hours": 100.5, "meals": 12, "sibling_rank": 2})
    lines = by_key(result)
    assert lines["meals", "parent"]["amount"] == 54.00
    assert lines["sibling_reduction", "parent"]["amount"] == -32.16
    assert result["parent_amount"] == 343.44  # 321.60 - 32.16 + 54.00
    assert_consistent(result)
    with pytest.raises(QuoteError) as error:
        quote("flat", FLAT_PLAN, {}, {"is_resident": True, "hours": 1, "meals": 1})
    assert error.value.values["key"] == "meal_price"


def test_flat_per_day_and_per_month():
    day_plan = {"flat_unit": "day", "resident_price": 25.00, "non_resident_price": 32.00}
    result = quote("flat", day_plan, {}, {"is_resident": False, "days_full": 10, "days_half": 2})
    assert (result["daily_rate"], result["parent_amount"]) == (32.00, 358.40)  # 320 + 2 x 19.20
    month_plan = {"flat_unit": "month", "resident_price": 180.00, "non_resident_price": 240.00}
    result = quote("flat", month_plan, {}, {"is_resident": True})
    assert (result["parent_amount"], result["hourly_rate"], result["daily_rate"]) == (180.00, None, None)
    assert result["lines"][0]["unit"] == "month"


def test_flat_hourly_mensualisation():
    plan = dict(FLAT_PLAN, billing_basis="contracted")
    inputs = {"is_resident": True, "weekly_hours": 40, "weeks_per_year": 45, "billed_months": 12, "extra_hours": 2}
    result = quote("flat", plan, {}, inputs)
    assert result["parent_amount"] == 486.40  # 150 x 3.20 + 2 x 3.20


def test_line_rounding_half_up():
    # 0.25 h x 1.22 = 0.305 → 0.31 (half even would give 0.30)
    plan = dict(FLAT_PLAN, resident_price=1.22)
    assert quote("flat", plan, {}, {"is_resident": True, "hours": 0.25})["parent_amount"] == 0.31


# ---------------------------------------------------------------------------------------- API, money, errors
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.545", "1.55"),
        ("1.544999", "1.54"),
        ("1.555", "1.56"),
        (2.675, "2.68"),  # the float 2.675 through its repr, not its binary expansion (2.67499…)
        ("-1.545", "-1.55"),
        (0, "0.00"),
    ],
)
def test_round_money_half_up(value, expected):
    assert round_money(value) == Decimal(expected)


def test_unknown_scheme():
    with pytest.raises(QuoteError) as error:
        quote("de_kita", {}, {}, {})
    assert error.value.message_key == "unknown_scheme"
    assert str(error.value) == "Unknown fee scheme: de_kita."


def test_error_translated_through_the_callers_gettext():
    error = QuoteError("negative_value", key="hours", value=-2)
    assert error.values == {"key": "hours", "value": "-2"}
    assert error.message == "%(key)s cannot be negative (%(value)s)."

    def gettext(source, **values):
        return "FR:" + (source % values if values else source)

    assert error.translated(gettext) == "FR:hours cannot be negative (-2)."
    line = {"label_format": "Sibling reduction (%(percent)s%%)", "label_values": {"percent": 30}, "label": "x"}
    assert line_label(line, gettext) == "FR:Sibling reduction (30%)"
    assert line_label({"label_format": "Meals", "label_values": {}}, gettext) == "FR:Meals"


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("template", [*QuoteError.MESSAGES.values(), *LABELS.values()])
def test_templates_format_with_their_placeholders(template):
    # Odoo formats a message only when it is given values: a '%%' needs at least one placeholder
    names = PLACEHOLDER.findall(template)
    if "%%" in template:
        assert names, template
    assert "%" not in PLACEHOLDER.sub("", template).replace("%%", "")
    template % dict.fromkeys(names, "x")


def test_explanation_holds_plain_values():
    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(key, str) and plain(item) for key, item in value.items())
        if isinstance(value, list):
            return all(plain(item) for item in value)
        return value is None or isinstance(value, (bool, int, float, str, date))

    result = csa([{"hours": 30, "meals": 2}], structure_meal_price=4.00, csa_meal_price=2.00, date=date(2026, 1, 31))
    assert plain(result)
    assert result["explanation"]["date"] == date(2026, 1, 31)
    for key in ("scheme", "date", "days", "hours", "hourly_rate", "parent_amount", "subsidy_amount", "total_amount"):
        assert key in result["explanation"]
    assert SCHEMES == ("fr_psu", "lu_csa", "be_one", "be_kg", "flat")


def test_psu_explanation_has_the_same_keys_under_every_basis():
    family = {"monthly_income": 3000, "dependent_children": 2}
    contract = {"weekly_hours": 40, "weeks_per_year": 45, "billed_months": 12}
    keys = {
        basis: set(psu(plan=dict(PSU_PLAN, billing_basis=basis), **family, **contract)["explanation"])
        for basis in ("contracted", "attended", "billable")
    }
    assert keys["contracted"] == keys["attended"] == keys["billable"]
    ase = psu(plan=dict(PSU_PLAN, ase_hourly_rate=1.20), is_ase=True)["explanation"]
    assert set(ase) == keys["billable"]


# ---------------------------------------------------------------------------------------- random inputs
def _random_case(rng, scheme):
    money = lambda low, high: round(rng.uniform(low, high), 2)  # noqa: E731
    hours = lambda high: round(rng.uniform(0, high) * 4) / 4 if rng.random() < 0.7 else round(rng.uniform(0, high), 2)  # noqa: E731
    if scheme == "fr_psu":
        basis = rng.choice(["contracted", "attended", "billable"])
        plan = dict(PSU_PLAN, billing_basis=basis, apply_ceiling=rng.random() < 0.8, ase_hourly_rate=money(0.3, 3))
        children = rng.randint(1, 9)
        inputs = {
            "monthly_income": money(0, 15000),
            "dependent_children": children,
            "disabled_children": rng.randint(0, min(children, 2)),
            "is_ase": rng.random() < 0.1,
            "hours": hours(220),
            "weekly_hours": hours(50),
            "weeks_per_year": rng.randint(1, 52),
            "billed_months": rng.randint(1, 12),
            "extra_hours": hours(20),
        }
        if rng.random() < 0.5:
            inputs["structure_hourly_price"] = money(5, 14)
        params = params_on(PSU_VERSIONS, rng.choice([date(2025, 1, 1), date(2025, 12, 1)]))
    elif scheme == "lu_csa":
        plan = {}
        params = dict(LU_PARAMS, state_hourly_cap=rng.choice([6.0, 7.0]))
        if rng.random() < 0.5:
            params["meal_cap"] = money(3, 5)
        inputs = {
            "age_months": rng.randint(0, 150),
            "structure_hourly_price": money(3, 10),
            "csa_hourly_rate": money(0, 8),
            "structure_meal_price": money(2, 6),
            "csa_meal_price": money(0, 3),
            "weeks": [
                {"hours": hours(50), "school_week": rng.random() < 0.6, "meals": rng.randint(0, 5)}
                for _week in range(rng.randint(0, 5))
            ],
        }
    elif scheme == "be_one":
        plan = {"sibling_reduction_percent": rng.choice([0, 25, 30, 33.33]), "half_day_coefficient": 0.6}
        params = {"income_grid": ONE_GRID}
        inputs = {"monthly_income": money(0, 6000), "days_full": rng.randint(0, 23), "days_half": rng.randint(0, 10)}
        inputs["sibling_rank"] = rng.randint(1, 3)
    elif scheme == "be_kg":
        plan = {"sibling_reduction_percent": rng.choice([0, 25])}
        params = {}
        inputs = {
            "certified_daily_price": money(2, 35),
            "days_full": rng.randint(0, 23),
            "days_half": rng.randint(0, 10),
        }
        inputs["sibling_rank"] = rng.randint(1, 3)
    else:
        unit = rng.choice(["hour", "day", "month"])
        basis = rng.choice(["contracted", "attended", "billable"])
        plan = {
            "flat_unit": unit,
            "billing_basis": basis,
            "resident_price": money(1, 300),
            "non_resident_price": money(1, 400),
            "meal_price": money(2, 6),
            "sibling_reduction_percent": rng.choice([0, 10, 12.5]),
        }
        params = {}
        inputs = {
            "is_resident": rng.random() < 0.5,
            "hours": hours(220),
            "weekly_hours": hours(50),
            "weeks_per_year": rng.randint(1, 52),
            "billed_months": rng.randint(1, 12),
            "extra_hours": hours(20),
            "days_full": rng.randint(0, 23),
            "days_half": rng.randint(0, 10),
            "meals": rng.randint(0, 22),
            "sibling_rank": rng.randint(1, 3),
        }
    return plan, params, inputs


@pytest.mark.parametrize("scheme", SCHEMES)
def test_lines_add_up_to_the_totals_over_random_inputs(scheme):
    rng = random.Random(20251001)
    for _case in range(400):
        plan, params, inputs = _random_case(rng, scheme)
        result = quote(scheme, plan, params, inputs)
        assert_consistent(result)
        assert result["parent_amount"] >= 0
        assert result["subsidy_amount"] >= 0
        if scheme == "lu_csa":
            # every hour and meal costs the structure's price in all, give or take a cent per line
            explanation = result["explanation"]
            full = cents(explanation["hours"]) * cents(inputs["structure_hourly_price"])
            if explanation["meals"]:
                full += explanation["meals"] * cents(inputs["structure_meal_price"])
            assert abs(cents(result["total_amount"]) - full) <= Decimal("0.01") * len(result["lines"])
