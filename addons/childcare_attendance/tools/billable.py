"""Billable hours of one child in one structure for one month: the rule, as a pure function.

Everything here takes plain values and returns plain values: no environment, no records. The
attendance sheet gathers the days, calls :func:`billable_month` and stores what it returns; billing
and the reports read those stored totals, so the rule lives in this one place.

Hours are handled internally as whole minutes (``int``) so that rounding is exact; results are
returned both in minutes and as hours (``float``, exact for quarter-hour multiples).

The rule (also documented in ``readme/CONFIGURE.md``):

1. Each day's presence (check-out - check-in) is rounded **up** to the started step: 15 minutes
   (``quarter``) or 30 minutes (``half``).
2. Extra hours of a day = rounded presence - contracted hours of that day, when positive
   (a child present on a day without contracted hours: all of it is extra).
3. Mode ``contracted`` (mensualisation): a day bills its contracted hours plus its extra hours,
   whatever the child actually attended — unless the day is an excused absence.
   Mode ``attended``: a day of presence bills its rounded presence (contract + extra); an absence
   that is not excused bills the contracted hours of the day (the place was reserved).
4. Excused absences bill nothing: sickness with a medical certificate, closure of the structure,
   and family holidays announced in time, up to ``holiday_days_per_year`` days in the calendar
   year (days used earlier in the year are passed in; beyond the allowance a holiday day is billed
   like an unjustified absence).
5. Sickness without certificate, unjustified absences and expected days that nobody recorded
   bill the contracted hours of the day.
"""

from dataclasses import dataclass, field
from datetime import date

ABSENCE_NONE = "none"
ABSENCE_SICK_CERTIFICATE = "sick_certificate"
ABSENCE_SICK_NO_CERTIFICATE = "sick_no_certificate"
ABSENCE_HOLIDAY_ANNOUNCED = "holiday_announced"
ABSENCE_CLOSURE = "closure"
ABSENCE_UNJUSTIFIED = "unjustified"
#: an expected day for which no attendance line exists
UNRECORDED = "unrecorded"

ABSENCE_REASONS = (
    ABSENCE_NONE,
    ABSENCE_SICK_CERTIFICATE,
    ABSENCE_SICK_NO_CERTIFICATE,
    ABSENCE_HOLIDAY_ANNOUNCED,
    ABSENCE_CLOSURE,
    ABSENCE_UNJUSTIFIED,
    UNRECORDED,
)
ALWAYS_EXCUSED = frozenset({ABSENCE_SICK_CERTIFICATE, ABSENCE_CLOSURE})

MODE_CONTRACTED = "contracted"
MODE_ATTENDED = "attended"
ROUNDING_STEPS = {"quarter": 15, "half": 30}


def to_minutes(hours):
    """Hours (float) to whole minutes, rounded to the nearest minute (7.999999 h is 480 min)."""
    if hours is None:
        return 0
    if hours < 0:
        raise ValueError(f"negative duration: {hours} h")
    return round(hours * 60)


def to_hours(minutes):
    return minutes / 60.0


def round_presence(minutes, step):
    """Round ``minutes`` of presence up to the started ``step`` (minutes). 0 stays 0."""
    if step <= 0:
        raise ValueError(f"rounding step must be positive, got {step}")
    if minutes <= 0:
        return 0
    return -(-minutes // step) * step


@dataclass(frozen=True)
class BillingRule:
    """A structure's billing configuration."""

    mode: str = MODE_CONTRACTED
    rounding: str = "half"
    holiday_days_per_year: int = 0

    def __post_init__(self):
        if self.mode not in (MODE_CONTRACTED, MODE_ATTENDED):
            raise ValueError(f"unknown billing mode {self.mode!r}")
        if self.rounding not in ROUNDING_STEPS:
            raise ValueError(f"unknown rounding {self.rounding!r}")
        if self.holiday_days_per_year < 0:
            raise ValueError("holiday_days_per_year cannot be negative")

    @property
    def step(self):
        return ROUNDING_STEPS[self.rounding]


@dataclass(frozen=True)
class Day:
    """One expected or recorded day of a child.

    ``contracted_hours``: hours planned by the enrollment schedule that day (0 when none);
    ``attended_hours``: raw presence (check-out - check-in), 0 for an absence;
    ``absence``: one of :data:`ABSENCE_REASONS` (``none`` when the child was there).
    """

    day: date
    contracted_hours: float = 0.0
    attended_hours: float = 0.0
    absence: str = ABSENCE_NONE

    def __post_init__(self):
        if self.absence not in ABSENCE_REASONS:
            raise ValueError(f"unknown absence reason {self.absence!r}")
        if self.absence != ABSENCE_NONE and self.attended_hours:
            raise ValueError(f"{self.day}: an absence cannot have attended hours")


@dataclass
class MonthTotals:
    contracted_minutes: int = 0
    attended_minutes: int = 0
    rounded_minutes: int = 0
    extra_minutes: int = 0
    billable_minutes: int = 0
    excused_minutes: int = 0
    days_present: int = 0
    holiday_days_used: int = 0
    holiday_days_billed: int = 0
    absence_counts: dict = field(default_factory=lambda: dict.fromkeys(ABSENCE_REASONS[1:], 0))

    @property
    def contracted_hours(self):
        return to_hours(self.contracted_minutes)

    @property
    def attended_hours(self):
        return to_hours(self.attended_minutes)

    @property
    def rounded_hours(self):
        return to_hours(self.rounded_minutes)

    @property
    def extra_hours(self):
        return to_hours(self.extra_minutes)

    @property
    def billable_hours(self):
        return to_hours(self.billable_minutes)

    @property
    def excused_hours(self):
        return to_hours(self.excused_minutes)


def billable_month(days, rule, holiday_days_used_before=0):
    """Totals of one child's month under ``rule``.

    :param days: iterable of :class:`Day`, at most one per date (order does not matter: announced
        holidays are granted in date order).
    :param rule: :class:`BillingRule`.
    :param holiday_days_used_before: announced-holiday days already granted (not billed) earlier in
        the same calendar year.
    :returns: :class:`MonthTotals`.
    """
    days = sorted(days, key=lambda d: d.day)
    seen = set()
    totals = MonthTotals()
    holidays_left = max(rule.holiday_days_per_year - holiday_days_used_before, 0)
    for day in days:
        if day.day in seen:
            raise ValueError(f"{day.day} is given twice")
        seen.add(day.day)
        contracted = to_minutes(day.contracted_hours)
        totals.contracted_minutes += contracted
        if day.absence == ABSENCE_NONE:
            attended = to_minutes(day.attended_hours)
            rounded = round_presence(attended, rule.step)
            extra = max(rounded - contracted, 0)
            totals.attended_minutes += attended
            totals.rounded_minutes += rounded
            totals.extra_minutes += extra
            totals.days_present += 1
            if rule.mode == MODE_CONTRACTED:
                totals.billable_minutes += contracted + extra
            else:
                totals.billable_minutes += rounded
            continue
        totals.absence_counts[day.absence] += 1
        excused = day.absence in ALWAYS_EXCUSED
        if day.absence == ABSENCE_HOLIDAY_ANNOUNCED:
            if holidays_left > 0:
                holidays_left -= 1
                totals.holiday_days_used += 1
                excused = True
            else:
                totals.holiday_days_billed += 1
        if excused:
            totals.excused_minutes += contracted
        else:
            totals.billable_minutes += contracted
    return totals
