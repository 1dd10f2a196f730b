"""Belgian tax attestation 281.86 (childcare costs): the periods of an attestation, without a database.

The model gathers *care items* (one per child, payer and month of care, or per camp) and this module turns
them into attestations:

- a care item is the care of one month (or one camp) that was actually attended and fully paid: the first and
  last day of care, the number of days attended and the amount paid for them (meals and fees left out);
- consecutive months with the same daily rate form one period (``merge_periods``); the daily rate of a period is
  its amount divided by its days, rounded to the cent, half up; the amount of a period is the exact sum of the
  amounts of its items, so the periods add up to the cent to what was paid (the daily rate is informative);
- form 281.86 has room for 4 periods: when a child has more, the periods are cut into several attestations
  for the same child and payer, in date order, 4 periods each (``split_attestations``; our documented rule);
- care is attested before the 14th birthday (21st with a severe disability): the days of care from the
  birthday on are left out and the amount of a month across the birthday is prorated by days
  (``eligible_share``).

Amounts are ``Decimal`` (cents); dates are ``datetime.date``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
#: form 281.86 holds at most this many periods
MAX_PERIODS = 4
#: age limits (years): care is attested before this birthday
AGE_LIMIT = 14
AGE_LIMIT_SEVERE_DISABILITY = 21


def to_money(value):
    """``value`` (a number or a string) as a ``Decimal`` rounded to the cent, half up."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def birthday(birthdate, years):
    """The day a person born on ``birthdate`` turns ``years`` (a 29 February birthday falls on 1 March)."""
    try:
        return birthdate.replace(year=birthdate.year + years)
    except ValueError:
        return date(birthdate.year + years, 3, 1)


def age_limit_date(birthdate, severe_disability=False):
    """The first day of care that is no longer attested."""
    return birthday(birthdate, AGE_LIMIT_SEVERE_DISABILITY if severe_disability else AGE_LIMIT)


def eligible_share(days, amount, limit):
    """The part of a month of care before ``limit`` (the 14th or 21st birthday).

    ``days``: the dates attended in the month; ``amount``: what was paid for them. Returns ``(eligible days
    sorted, amount)``: all of them and the full amount when every day is before ``limit``, none and 0 when
    none is, else the days before ``limit`` and the amount prorated by days, rounded to the cent half up.
    """
    days = sorted(set(days))
    amount = to_money(amount)
    eligible = [day for day in days if day < limit]
    if len(eligible) == len(days):
        return eligible, amount
    if not eligible:
        return [], Decimal("0.00")
    return eligible, to_money(amount * len(eligible) / len(days))


def daily_rate(amount, days):
    """``amount`` / ``days`` rounded to the cent, half up (0 without days)."""
    if not days:
        return Decimal("0.00")
    return to_money(to_money(amount) / Decimal(days))


@dataclass
class CareItem:
    """One month (or camp) of attended and paid care of a child for a payer."""

    date_from: date
    date_to: date
    days: int
    amount: Decimal
    sources: tuple = ()

    @property
    def month_index(self):
        return self.date_from.year * 12 + self.date_from.month - 1

    @property
    def last_month_index(self):
        return self.date_to.year * 12 + self.date_to.month - 1

    @property
    def daily_rate(self):
        return daily_rate(self.amount, self.days)


@dataclass
class Period:
    """A period of form 281.86: dates, days, daily rate and amount."""

    date_from: date
    date_to: date
    days: int
    amount: Decimal
    sources: list = field(default_factory=list)

    @property
    def daily_rate(self):
        return daily_rate(self.amount, self.days)


def merge_periods(items):
    """Periods of ``items`` (``CareItem``): consecutive months with the same daily rate form one period.

    Two items are consecutive when the second starts in the month the first ends or in the next one. Items
    without days or with an amount of 0 or less are left out (nothing to attest)."""
    items = sorted(
        (item for item in items if item.days > 0 and to_money(item.amount) > 0),
        key=lambda item: (item.date_from, item.date_to),
    )
    periods = []
    last = None
    for item in items:
        if (
            periods
            and item.month_index - last.last_month_index in (0, 1)
            and item.daily_rate == last.daily_rate
            and item.date_from > periods[-1].date_to
        ):
            period = periods[-1]
            period.date_to = max(period.date_to, item.date_to)
            period.days += item.days
            period.amount = to_money(period.amount + to_money(item.amount))
            period.sources.extend(item.sources)
        else:
            periods.append(Period(item.date_from, item.date_to, item.days, to_money(item.amount), list(item.sources)))
        last = item
    return periods


def split_attestations(periods, max_periods=MAX_PERIODS):
    """``periods`` cut into attestations of at most ``max_periods`` periods each, in date order."""
    periods = sorted(periods, key=lambda period: period.date_from)
    return [periods[index : index + max_periods] for index in range(0, len(periods), max_periods)]


def attestations(items, max_periods=MAX_PERIODS):
    """The attestations (lists of ``Period``) of one child and payer for a year, from their care items."""
    return split_attestations(merge_periods(items), max_periods)
