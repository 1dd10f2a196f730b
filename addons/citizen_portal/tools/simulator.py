"""The cost simulator's inputs: what a parent types (declared monthly income, number of children, hours per
weekday) checked and turned into the plain ``inputs`` of ``childcare.rate.plan.quote``. The cost itself is
the fee engine's (``childcare_billing/tools/fees.py``): nothing here prices anything, it only counts hours
and days the way a month of the billing run counts them."""

import math
from decimal import ROUND_HALF_UP, Decimal

#: a day of at least these hours is a full day (the billing run's count of full and half days)
FULL_DAY_HOURS = 5.0
WEEKDAY_COUNT = 7


class SimulationRefused(ValueError):
    """Bad simulator input; ``reason`` is ``"income"``, ``"children"``, ``"hours"`` or ``"no_hours"``,
    ``values`` what the message shows (``day``: index of the weekday, 0 = Monday)."""

    def __init__(self, reason, **values):
        super().__init__(reason)
        self.reason = reason
        self.values = values


def _number(value, reason, **values):
    if value in (None, ""):
        return 0.0
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError) as error:
        raise SimulationRefused(reason, **values) from error
    if not math.isfinite(number):  # NaN, infinities
        raise SimulationRefused(reason, **values)
    return number


def check_simulation(monthly_income, children, day_hours):
    """(income, children, hours per weekday) as numbers, or :class:`SimulationRefused`.

    ``day_hours``: up to seven values, Monday first (empty: no care that day)."""
    income = _number(monthly_income, "income")
    if income < 0:
        raise SimulationRefused("income")
    try:
        count = int(str(children or "1").strip())
    except (TypeError, ValueError) as error:
        raise SimulationRefused("children") from error
    if not 1 <= count <= 20:
        raise SimulationRefused("children")
    hours = []
    for day, value in enumerate(list(day_hours)[:WEEKDAY_COUNT]):
        number = _number(value, "hours", day=day)
        if not 0 <= number <= 24:
            raise SimulationRefused("hours", day=day)
        hours.append(round(number, 2))
    hours += [0.0] * (WEEKDAY_COUNT - len(hours))
    if not any(hours):
        raise SimulationRefused("no_hours")
    return round(income, 2), count, hours


def _whole(number):
    """``number`` rounded half up to a whole number (the engine counts days in units)."""
    return int(Decimal(str(number)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def simulation_inputs(day, monthly_income, children, day_hours, *, weeks_per_month, is_resident=True):
    """The ``inputs`` of ``childcare.rate.plan.quote`` for a typical month of the weekly schedule
    ``day_hours`` (seven checked values): the week repeated ``weeks_per_month`` times (the plan's weeks
    of care per year over its billed months): hours in hundredths, days rounded to whole days. Keys a scheme
    does not use are ignored by the engine."""
    weekly = round(sum(day_hours), 2)
    full = sum(1 for hours in day_hours if hours >= FULL_DAY_HOURS)
    half = sum(1 for hours in day_hours if 0 < hours < FULL_DAY_HOURS)
    return {
        "date": day,
        "monthly_income": monthly_income,
        "dependent_children": children,
        "disabled_children": 0,
        "is_resident": bool(is_resident),
        "sibling_rank": 1,
        "weekly_hours": weekly,
        "extra_hours": 0.0,
        "hours": round(weekly * weeks_per_month, 2),
        "days_full": _whole(full * weeks_per_month),
        "days_half": _whole(half * weeks_per_month),
    }
