from datetime import date, timedelta

import pytest

from odoo.addons.childcare_attendance.tools.billable import (
    BillingRule,
    Day,
    billable_month,
    round_presence,
    to_minutes,
)

D = date(2025, 10, 1)


def day(n, contracted=8.0, attended=0.0, absence="none"):
    return Day(D + timedelta(days=n), contracted, attended, absence)


# ---------------------------------------------------------------- rounding
@pytest.mark.parametrize(
    ("minutes", "step", "expected"),
    [
        (0, 30, 0),
        (1, 30, 30),
        (30, 30, 30),
        (31, 30, 60),
        (457, 30, 480),
        (0, 15, 0),
        (1, 15, 15),
        (15, 15, 15),
        (16, 15, 30),
        (457, 15, 465),
    ],
)
def test_round_presence_started_step(minutes, step, expected):
    assert round_presence(minutes, step) == expected


def test_to_minutes_absorbs_float_noise():
    assert to_minutes(7.999999999) == 480
    assert to_minutes(8.25) == 495
    with pytest.raises(ValueError):
        to_minutes(-1)


def test_round_presence_rejects_bad_step():
    with pytest.raises(ValueError):
        round_presence(10, 0)


def test_daily_rounding_is_per_day_not_per_month():
    # 7 h 10 on two days: half hour rounding gives 7.5 + 7.5 = 15 h, not round(14 h 20) = 14.5 h
    rule = BillingRule(mode="attended", rounding="half")
    totals = billable_month([day(0, 7.5, 7 + 10 / 60), day(1, 7.5, 7 + 10 / 60)], rule)
    assert totals.attended_minutes == 860
    assert totals.rounded_hours == 15.0
    assert totals.billable_hours == 15.0
    quarter = billable_month(
        [day(0, 7.5, 7 + 10 / 60), day(1, 7.5, 7 + 10 / 60)], BillingRule(mode="attended", rounding="quarter")
    )
    assert quarter.rounded_hours == 14.5


# ---------------------------------------------------------------- extras
def test_contracted_mode_bills_contract_plus_extra():
    rule = BillingRule(mode="contracted", rounding="quarter")
    days = [
        day(0, 8.0, 6.0),  # came less: still 8 h billed
        day(1, 8.0, 8 + 20 / 60),  # 8 h 20 -> 8 h 30 rounded: 0.5 h extra
        day(2, 0.0, 3.1),  # not in the contract: 3 h 15 extra
    ]
    totals = billable_month(days, rule)
    assert totals.contracted_hours == 16.0
    assert totals.extra_hours == 0.5 + 3.25
    assert totals.billable_hours == 16.0 + 3.75
    assert totals.days_present == 3


def test_attended_mode_bills_rounded_presence_including_extra():
    rule = BillingRule(mode="attended", rounding="half")
    days = [day(0, 8.0, 6.0), day(1, 8.0, 8 + 20 / 60), day(2, 0.0, 3.1)]
    totals = billable_month(days, rule)
    assert totals.rounded_hours == 6.0 + 8.5 + 3.5
    assert totals.extra_hours == 0.5 + 3.5
    assert totals.billable_hours == 18.0


# ---------------------------------------------------------------- absences
@pytest.mark.parametrize("mode", ["contracted", "attended"])
def test_absence_kinds(mode):
    rule = BillingRule(mode=mode, rounding="half", holiday_days_per_year=0)
    days = [
        day(0, 8.0, absence="sick_certificate"),  # excused
        day(1, 8.0, absence="closure"),  # excused
        day(2, 8.0, absence="sick_no_certificate"),  # billed
        day(3, 8.0, absence="unjustified"),  # billed
        day(4, 6.0, absence="unrecorded"),  # billed
        day(5, 8.0, absence="holiday_announced"),  # billed: no allowance
    ]
    totals = billable_month(days, rule)
    assert totals.billable_hours == 8 + 8 + 6 + 8
    assert totals.excused_hours == 16.0
    assert totals.contracted_hours == 46.0
    assert totals.attended_hours == 0
    assert totals.absence_counts == {
        "sick_certificate": 1,
        "closure": 1,
        "sick_no_certificate": 1,
        "unjustified": 1,
        "unrecorded": 1,
        "holiday_announced": 1,
    }
    assert totals.holiday_days_billed == 1


def test_announced_holidays_free_up_to_yearly_allowance():
    rule = BillingRule(mode="contracted", rounding="half", holiday_days_per_year=10)
    holidays = [day(n, 8.0, absence="holiday_announced") for n in range(5)]
    # 7 days already granted earlier this year: 3 more are free, the 2 last ones (by date) are billed
    totals = billable_month(list(reversed(holidays)), rule, holiday_days_used_before=7)
    assert totals.holiday_days_used == 3
    assert totals.holiday_days_billed == 2
    assert totals.billable_hours == 16.0
    assert totals.excused_hours == 24.0
    # allowance already exhausted
    assert billable_month(holidays, rule, holiday_days_used_before=12).billable_hours == 40.0


def test_mixed_month_in_contracted_mode():
    rule = BillingRule(mode="contracted", rounding="half", holiday_days_per_year=5)
    days = [day(n, 8.0, 8.0) for n in range(18)]
    days += [
        day(18, 8.0, absence="sick_certificate"),
        day(19, 8.0, absence="holiday_announced"),
        day(20, 8.0, 9.05),
        day(21, 4.0, absence="unjustified"),
    ]
    totals = billable_month(days, rule)
    assert totals.contracted_hours == 21 * 8 + 4
    assert totals.extra_hours == 1.5
    assert totals.billable_hours == 19 * 8 + 1.5 + 4
    assert totals.days_present == 19


def test_empty_month():
    totals = billable_month([], BillingRule())
    assert totals.billable_minutes == 0 and totals.days_present == 0


# ---------------------------------------------------------------- input validation
def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError):
        BillingRule(mode="daily")
    with pytest.raises(ValueError):
        BillingRule(rounding="tenth")
    with pytest.raises(ValueError):
        BillingRule(holiday_days_per_year=-1)
    with pytest.raises(ValueError):
        Day(D, 8.0, 0.0, "flu")
    with pytest.raises(ValueError):
        Day(D, 8.0, 3.0, "unjustified")
    with pytest.raises(ValueError):
        billable_month([day(0, 8, 8), day(0, 8, 7)], BillingRule())
