"""The fee engine: what a month of care costs a family, and who pays what. Pure functions.

Everything here takes plain values and returns plain values: no environment, no records, only the
standard library. ``childcare.rate.plan.quote(inputs)`` gathers three plain dicts and calls
:func:`quote`; billing runs, the portal's cost simulator and the tests all go through it, so each
formula lives in this one place. The rules are those of ``/shared/DOMAIN.md`` (sections 1-3); the
choices that are ours are marked *choice* below and in ``readme/USAGE.md``.

``quote(scheme, plan, params, inputs) -> dict``

* ``scheme``: ``"fr_psu"``, ``"lu_csa"``, ``"be_one"``, ``"be_kg"`` or ``"flat"``;
* ``plan``: the rate plan's settings; ``params``: the parameter table valid on the billed date
  (the caller picks the version: this module never looks at dates); ``inputs``: the family's and
  the month's values. The keys each scheme reads are listed in the docstring of its function
  (``_fr_psu``, ``_lu_csa``, ``_be_one``, ``_be_kg``, ``_flat``); keys a scheme does not use are
  ignored. ``None`` and ``False`` (Odoo's empty value) count as *missing* for a number.

Money
    Computed in :class:`~decimal.Decimal`, rounded to the cent with ``ROUND_HALF_UP``. Every unit
    price is rounded to the cent first (it is the price the invoice shows: the PSU hourly rate, a
    half-day rate, the CSA state share of an hour), quantities are hundredths (hours) or whole
    numbers (days, meals), and each line's amount is ``quantity x unit price`` rounded once to the
    cent — so an invoice line built from it (Odoo recomputes ``quantity x price_unit``) gives the same
    amount. Totals are sums of the rounded lines. The result holds floats with at most 2 decimals
    (amounts, unit prices, quantities), ready for the ORM.

Errors
    Bad or missing values raise :class:`QuoteError` (``message_key``, ``values``, ``message``: an
    English ``%(name)s`` format string that Odoo's translation export picks up).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCHEMES = ("fr_psu", "lu_csa", "be_one", "be_kg", "flat")
BILLING_BASES = ("contracted", "attended", "billable")
CARE_TYPES = ("collective", "family")
FLAT_UNITS = ("hour", "day", "month")
PAYER_PARENT = "parent"
PAYER_SUBSIDY = "subsidy"

#: ONE half day (< 5 h) and flat half day: share of the daily rate when neither params nor plan say
DEFAULT_HALF_DAY_COEFFICIENT = Decimal("0.6")
#: Kind en Gezin: short day (3-5 h) and full day coefficients when neither params nor plan say
DEFAULT_KG_COEFFICIENTS = {"short": Decimal("0.6"), "full": Decimal("1")}
#: sanity bound: a PSU effort rate is a fraction of the monthly resources per hour (0.0619 % is
#: 0.000619); a value of 1 % or more is a percentage typed where a fraction is expected
MAX_EFFORT_RATE = Decimal("0.01")

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def _lt(source):
    """Marks an English message for Odoo's translation export (which extracts ``_`` and ``_lt`` calls
    of every Python file of the addon); the text itself is translated by the caller, see
    :meth:`QuoteError.translated` and :func:`line_label`."""
    return source


# ---------------------------------------------------------------------------------------- errors
class QuoteError(ValueError):
    """A quote cannot be computed: a value is missing, negative or out of range, the scheme is
    unknown, a parameter table lacks a value.

    ``message_key`` names the problem (a key of :attr:`MESSAGES`), ``values`` holds the format
    values (strings), ``message`` the English format string (``%(name)s`` placeholders). The model
    layer shows it translated: ``raise UserError(exc.translated(self.env._))``.
    """

    MESSAGES = {
        "unknown_scheme": _lt("Unknown fee scheme: %(scheme)s."),
        "missing_input": _lt("The value %(key)s is required to compute a fee of the %(scheme)s scheme."),
        "missing_plan_setting": _lt("The rate plan setting %(key)s is required by the %(scheme)s scheme."),
        "missing_parameter": _lt(
            "The parameter %(key)s of the %(scheme)s scheme is missing from the table valid on %(date)s."
        ),
        "negative_value": _lt("%(key)s cannot be negative (%(value)s)."),
        "too_small": _lt("%(key)s must be at least %(minimum)s (%(value)s)."),
        "too_large": _lt("%(key)s must be at most %(maximum)s (%(value)s)."),
        "invalid_value": _lt("Invalid value for %(key)s: %(value)s."),
        "family_size": _lt("The family must count at least one dependent child (%(size)s)."),
        "disabled_children": _lt(
            "The household counts %(disabled)s children with a disability allowance but only %(children)s "
            "dependent children."
        ),
        "no_effort_rate": _lt("The table of effort rates has no rate for a family of %(size)s."),
        "effort_rate_percent": _lt(
            "The effort rate %(value)s for a family of %(size)s is not a fraction: 0.0619 %% is written 0.000619."
        ),
        "no_income_bracket": _lt("No bracket of the income grid covers a monthly income of %(income)s."),
        "invalid_income_grid": _lt("The income grid is invalid: its upper bounds must increase (%(bound)s)."),
    }

    def __init__(self, message_key, **values):
        self.message_key = message_key
        self.values = {key: str(value) for key, value in values.items()}
        self.message = self.MESSAGES[message_key]
        super().__init__(self.message % self.values if self.values else self.message)

    def translated(self, gettext):
        """The message translated by ``gettext`` (pass ``self.env._`` from a model: it knows the
        language), formatted with :attr:`values`."""
        return gettext(self.message, **self.values) if self.values else gettext(self.message)


# ---------------------------------------------------------------------------------------- numbers
def to_decimal(value, key="value"):
    """``value`` (int, float, str or Decimal) as a finite Decimal; floats through their shortest
    repr, so 0.000619 is ``Decimal("0.000619")``. Booleans and anything else: :class:`QuoteError`."""
    if isinstance(value, bool):
        raise QuoteError("invalid_value", key=key, value=value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise QuoteError("invalid_value", key=key, value=value) from None
    else:
        raise QuoteError("invalid_value", key=key, value=value)
    if not number.is_finite():
        raise QuoteError("invalid_value", key=key, value=value)
    return number


def round_money(value):
    """``value`` rounded to the cent, half up (1.545 → 1.55, 1.544999 → 1.54, -1.545 → -1.55)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _hundredths(value):
    """A quantity of hours rounded to the hundredth, half up (Odoo's quantity precision)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain(value):
    """Decimals to floats, recursively; everything else as it is."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _shown(value):
    """A number for a label: an int when whole (45, not 45.0), else a float (37.5)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value.normalize())
    return value


# ---------------------------------------------------------------------------------------- reading
_MISSING_KEYS = {"input": "missing_input", "plan": "missing_plan_setting", "param": "missing_parameter"}


class _Reader:
    """Reads and checks the values of the three dicts, raising :class:`QuoteError` on bad ones."""

    def __init__(self, scheme, plan, params, inputs):
        self.scheme = scheme
        self.sources = {"plan": plan or {}, "param": params or {}, "input": inputs or {}}
        self.inputs = self.sources["input"]

    def missing(self, key, source="input"):
        date = self.inputs.get("date")
        return QuoteError(_MISSING_KEYS[source], key=key, scheme=self.scheme, date=date or "-")

    def raw(self, key, source="input"):
        value = self.sources[source].get(key)
        return None if value is None or value is False else value

    def number(self, key, source="input", *, required=True, default=None, minimum=ZERO, maximum=None):
        value = self.raw(key, source)
        if value is None:
            if required:
                raise self.missing(key, source)
            return default
        return check_range(to_decimal(value, key), key, minimum, maximum)

    def money(self, key, source="input", **kwargs):
        value = self.number(key, source, **kwargs)
        return None if value is None else round_money(value)

    def hours(self, key, source="input", **kwargs):
        value = self.number(key, source, **kwargs)
        return None if value is None else _hundredths(value)

    def integer(self, key, source="input", **kwargs):
        value = self.number(key, source, **kwargs)
        return whole(value, key) if isinstance(value, Decimal) else value

    def flag(self, key, source="input", *, required=False, default=False):
        value = self.sources[source].get(key)
        if value is None:
            if required:
                raise self.missing(key, source)
            return default
        if not isinstance(value, bool):
            raise QuoteError("invalid_value", key=key, value=value)
        return value

    def choice(self, key, choices, source="plan", *, required=True, default=None):
        value = self.raw(key, source)
        if value is None:
            if required:
                raise self.missing(key, source)
            return default
        if value not in choices:
            raise QuoteError("invalid_value", key=key, value=value)
        return value


def check_range(number, key, minimum=ZERO, maximum=None):
    if minimum is not None and number < minimum:
        if minimum == ZERO:
            raise QuoteError("negative_value", key=key, value=number)
        raise QuoteError("too_small", key=key, minimum=minimum, value=number)
    if maximum is not None and number > maximum:
        raise QuoteError("too_large", key=key, maximum=maximum, value=number)
    return number


def whole(number, key):
    if number != number.to_integral_value():
        raise QuoteError("invalid_value", key=key, value=number)
    return int(number)


# ---------------------------------------------------------------------------------------- lines
@dataclass
class _Line:
    label_key: str
    label_format: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    payer: str
    label_values: dict = field(default_factory=dict)

    @property
    def amount(self):
        return round_money(self.quantity * self.unit_price)

    def as_dict(self):
        values = {key: _shown(value) for key, value in self.label_values.items()}
        return {
            "label_key": self.label_key,
            "label_format": self.label_format,
            "label_values": values,
            "label": self.label_format % values if values else self.label_format,
            "quantity": float(self.quantity),
            "unit": self.unit,
            "unit_price": float(self.unit_price),
            "amount": float(self.amount),
            "payer": self.payer,
        }


#: the English labels of the lines, by ``label_key`` (the same key always has the same format)
LABELS = {
    "care_hours": _lt("Care hours"),
    "monthly_fee": _lt("Monthly fee: %(weeks)s weeks × %(weekly_hours)s h a week over %(months)s months"),
    "extra_hours": _lt("Extra hours beyond the contract"),
    "public_funding_month": _lt("Public funding of the monthly care not paid by the family"),
    "public_funding_hours": _lt("Public funding of the care hours not paid by the family"),
    "public_funding_extra_hours": _lt("Public funding of the extra hours not paid by the family"),
    "csa_free_hours_parent": _lt("Free hours (chèque-service): price above the state cap"),
    "csa_hours_parent": _lt("Care hours at the chèque-service rate"),
    "csa_free_hours_state": _lt("Free hours paid by the State (chèque-service)"),
    "csa_hours_state": _lt("Care hours: State share (chèque-service)"),
    "csa_free_meals_parent": _lt("Free meals (chèque-service): price above the state cap"),
    "csa_meals_parent": _lt("Meals at the chèque-service meal price"),
    "csa_free_meals_state": _lt("Free meals paid by the State (chèque-service)"),
    "csa_meals_state": _lt("Meals: State share (chèque-service)"),
    "full_days": _lt("Full days"),
    "half_days": _lt("Half days (%(percent)s%% of the daily rate)"),
    "short_days": _lt("Days of 3 to 5 hours (%(percent)s%% of the daily price)"),
    "month": _lt("Monthly fee"),
    "meals": _lt("Meals"),
    "sibling_reduction": _lt("Sibling reduction (%(percent)s%%)"),
}


def _line(label_key, quantity, unit, unit_price, payer=PAYER_PARENT, **label_values):
    return _Line(label_key, LABELS[label_key], quantity, unit, unit_price, payer, label_values)


def line_label(line, gettext=None):
    """The label of a result line, translated by ``gettext`` (e.g. ``self.env._``) when given."""
    if gettext is None:
        return line["label"]
    values = line.get("label_values") or {}
    return gettext(line["label_format"], **values) if values else gettext(line["label_format"])


@dataclass
class _Quote:
    lines: list
    explanation: dict
    hourly_rate: Decimal = None
    daily_rate: Decimal = None


# ---------------------------------------------------------------------------------------- shared formulas
def mensualisation(weekly_hours, weeks_per_year, billed_months, hourly_rate):
    """CNAF *mensualisation*: ``(monthly hours, monthly fee)``; the fee is weeks of care per year x
    booked hours per week x hourly rate ÷ billed months, rounded once to the cent; the hours are
    exact (a Decimal, e.g. 150 for 40 h x 45 weeks ÷ 12)."""
    weekly_hours, weeks, months, rate = (
        to_decimal(weekly_hours, "weekly_hours"),
        to_decimal(weeks_per_year, "weeks_per_year"),
        to_decimal(billed_months, "billed_months"),
        to_decimal(hourly_rate, "hourly_rate"),
    )
    if months <= 0:
        raise QuoteError("too_small", key="billed_months", minimum=1, value=months)
    return weeks * weekly_hours / months, round_money(weeks * weekly_hours * rate / months)


def _hour_lines(reader, basis, rate, subsidy_rate=None):
    """The care lines of an hourly rate under a billing basis: the monthly fee plus extra hours
    (contracted: mensualisation), or the month's hours (attended or billable). With a subsidy rate
    (full cost per hour - ``rate``), the matching subsidy lines. Returns ``(lines, explanation)``."""
    lines, explanation = [], {"billing_basis": basis}
    if basis == "contracted":
        weekly_hours = reader.hours("weekly_hours")
        weeks = reader.number("weeks_per_year", maximum=Decimal(53))
        months = reader.number("billed_months", minimum=ONE, maximum=Decimal(12))
        extra = reader.hours("extra_hours", required=False, default=ZERO)
        monthly_hours, fee = mensualisation(weekly_hours, weeks, months, rate)
        labels = {"weeks": weeks, "weekly_hours": weekly_hours, "months": months}
        lines.append(_line("monthly_fee", ONE, "month", fee, **labels))
        if extra:
            lines.append(_line("extra_hours", extra, "hour", rate))
        if subsidy_rate:
            lines.append(
                _line(
                    "public_funding_month",
                    ONE,
                    "month",
                    mensualisation(weekly_hours, weeks, months, subsidy_rate)[1],
                    PAYER_SUBSIDY,
                )
            )
            if extra:
                lines.append(_line("public_funding_extra_hours", extra, "hour", subsidy_rate, PAYER_SUBSIDY))
        explanation.update(
            weekly_hours=weekly_hours,
            weeks_per_year=weeks,
            billed_months=months,
            contracted_monthly_hours=_hundredths(monthly_hours),
            monthly_fee=fee,
            extra_hours=extra,
            hours=_hundredths(monthly_hours + extra),
        )
    else:
        hours = reader.hours("hours")
        lines.append(_line("care_hours", hours, "hour", rate))
        if subsidy_rate:
            lines.append(_line("public_funding_hours", hours, "hour", subsidy_rate, PAYER_SUBSIDY))
        explanation.update(
            weekly_hours=None,
            weeks_per_year=None,
            billed_months=None,
            contracted_monthly_hours=None,
            monthly_fee=None,
            extra_hours=ZERO,
            hours=hours,
        )
    return lines, explanation


def _sibling_reduction(reader, care_lines):
    """The negative parent line of the plan's sibling reduction for a child of rank 2 or more, on the
    sum of ``care_lines`` (meals excluded), and the percentage applied (0 when none)."""
    rank = reader.integer("sibling_rank", required=False, default=1, minimum=ONE)
    percent = reader.number("sibling_reduction_percent", "plan", required=False, default=ZERO, maximum=HUNDRED)
    if rank < 2 or not percent:
        return [], rank, ZERO
    base = sum((line.amount for line in care_lines if line.payer == PAYER_PARENT), ZERO)
    reduction = round_money(base * percent / HUNDRED)
    if not reduction:
        return [], rank, ZERO
    return [_line("sibling_reduction", ONE, "unit", -reduction, percent=percent)], rank, percent


def _days(reader):
    """``(days_full, days_half)``: at least one of them must be given; the other one defaults to 0."""
    if reader.raw("days_full") is None and reader.raw("days_half") is None:
        raise reader.missing("days_full")
    return (
        reader.integer("days_full", required=False, default=0),
        reader.integer("days_half", required=False, default=0),
    )


def _coefficient(reader, key, plan_default):
    """A coefficient from the params (the yearly table), else the plan, else the default."""
    for source in ("param", "plan"):
        value = reader.number(key, source, required=False, minimum=ZERO, maximum=ONE)
        if value is not None:
            return value
    return plan_default


# ---------------------------------------------------------------------------------------- France: PSU
def effort_rate(effort_rates, family_size):
    """The effort rate (a Decimal fraction) of the table ``{minimum family size: rate}`` for
    ``family_size``: the rate of the largest minimum size not above it (size 5 → the rate of 4)."""
    table = {}
    items = effort_rates.items() if isinstance(effort_rates, dict) else effort_rates
    for size, rate in items:
        minimum = whole(to_decimal(size, "effort_rates"), "effort_rates")
        value = to_decimal(rate, "effort_rates")
        if value <= 0:
            raise QuoteError("invalid_value", key="effort_rates", value=value)
        if value >= MAX_EFFORT_RATE:
            raise QuoteError("effort_rate_percent", value=value, size=minimum)
        table[minimum] = value
    candidates = [size for size in table if size <= family_size]
    if not candidates:
        raise QuoteError("no_effort_rate", size=family_size)
    return table[max(candidates)]


def psu_hourly_rate(monthly_income, family_size, effort_rates, floor, ceiling=None):
    """The PSU hourly rate: resources raised to ``floor``, capped at ``ceiling`` (``None``: no
    ceiling), x the effort rate of ``family_size`` (see :func:`effort_rate`), rounded to the cent.

    Returns a dict of Decimals: ``income_used``, ``limited_by`` (``"floor"``, ``"ceiling"`` or
    ``None``), ``effort_rate``, ``hourly_rate_exact``, ``hourly_rate``."""
    income = to_decimal(monthly_income, "monthly_income")
    floor = to_decimal(floor, "floor")
    used, limited_by = income, None
    if used < floor:
        used, limited_by = floor, "floor"
    if ceiling is not None:
        ceiling = to_decimal(ceiling, "ceiling")
        if used > ceiling:
            used, limited_by = ceiling, "ceiling"
    rate = effort_rate(effort_rates, family_size)
    exact = used * rate
    return {
        "income_used": used,
        "limited_by": limited_by,
        "effort_rate": rate,
        "hourly_rate_exact": exact,
        "hourly_rate": round_money(exact),
    }


def _effort_table(reader, care_type):
    """The effort rates of the plan's care type: ``params["effort_<care type>_rates"]``, else
    ``params["effort_rates"]`` (a table, or tables by care type)."""
    params = reader.sources["param"]
    table = params.get(f"effort_{care_type}_rates")
    key = f"effort_{care_type}_rates"
    if not table:
        table, key = params.get("effort_rates"), "effort_rates"
        if isinstance(table, dict) and any(name in table for name in CARE_TYPES):
            table, key = table.get(care_type), f"effort_rates[{care_type}]"
    if not table:
        raise reader.missing(key, "param")
    return table


def _fr_psu(reader):
    """France, CNAF PSU: an hourly rate from the family's resources.

    plan
        ``billing_basis`` (required): ``"contracted"`` (mensualisation: monthly fee + extra hours),
        ``"attended"`` or ``"billable"`` (the month's ``hours``); ``care_type``: ``"collective"``
        (default) or ``"family"`` (selects the table of effort rates); ``apply_ceiling`` (bool,
        default True); ``ase_hourly_rate`` (required for a child placed by child protection).
        Meals and care products are included in the PSU rate: ``meal_price`` is not read; nor is the
        sibling reduction (the effort rate already depends on the family size).
    params
        ``effort_rates``: ``{minimum family size: rate as a fraction}`` — e.g. ``{1: 0.000619,
        2: 0.000516, 3: 0.000413, 4: 0.00031, 8: 0.000206}`` — or ``{"collective": {...}, "family":
        {...}}``; or, instead, ``effort_collective_rates`` / ``effort_family_rates``; ``floor``
        (required); ``ceiling`` (required when the plan applies it).
    inputs
        ``monthly_income``, ``dependent_children`` (≥ 1) — both required unless ``is_ase``;
        ``disabled_children`` (default 0; each one moves the family one size up);
        ``is_ase`` (bool, default False: child protection, the plan's flat hourly rate);
        contracted: ``weekly_hours``, ``weeks_per_year``, ``billed_months`` (required),
        ``extra_hours`` (default 0); attended/billable: ``hours`` (required);
        ``structure_hourly_price`` (optional: the full cost of an hour; gives the subsidy lines,
        ``max(price - hourly rate, 0)`` per hour); ``days`` (optional, for the statement).
    """
    basis = reader.choice("billing_basis", BILLING_BASES)
    care_type = reader.choice("care_type", CARE_TYPES, required=False, default="collective")
    apply_ceiling = reader.flag("apply_ceiling", "plan", default=True)
    is_ase = reader.flag("is_ase", default=False)
    explanation = {
        "care_type": care_type,
        "is_ase": is_ase,
        "ceiling_applied": apply_ceiling and not is_ase,
        "income_declared": None,
        "floor": None,
        "ceiling": None,
        "income_used": None,
        "income_limited_by": None,
        "family_size_declared": None,
        "disabled_children": None,
        "family_size_used": None,
        "effort_rate": None,
        "effort_rate_percent": None,
        "hourly_rate_exact": None,
    }
    if is_ase:
        rate = reader.money("ase_hourly_rate", "plan")
        if not rate:  # an unset Monetary field reads 0.0: a child-protection rate is never free
            raise reader.missing("ase_hourly_rate", "plan")
    else:
        income = reader.number("monthly_income")
        children = reader.raw("dependent_children")
        if children is None:
            raise reader.missing("dependent_children")
        children = whole(to_decimal(children, "dependent_children"), "dependent_children")
        if children < 1:
            raise QuoteError("family_size", size=children)
        disabled = reader.integer("disabled_children", required=False, default=0)
        if disabled > children:
            raise QuoteError("disabled_children", disabled=disabled, children=children)
        floor = reader.number("floor", "param")
        ceiling = reader.number("ceiling", "param") if apply_ceiling else None
        if ceiling is not None and ceiling < floor:
            raise QuoteError("too_small", key="ceiling", minimum=floor, value=ceiling)
        size = children + disabled
        computed = psu_hourly_rate(income, size, _effort_table(reader, care_type), floor, ceiling)
        rate = computed["hourly_rate"]
        explanation.update(
            income_declared=income,
            floor=floor,
            ceiling=ceiling,
            income_used=computed["income_used"],
            income_limited_by=computed["limited_by"],
            family_size_declared=children,
            disabled_children=disabled,
            family_size_used=size,
            effort_rate=computed["effort_rate"],
            effort_rate_percent=computed["effort_rate"] * HUNDRED,
            hourly_rate_exact=computed["hourly_rate_exact"],
        )
    price = reader.money("structure_hourly_price", required=False)
    subsidy_rate = max(price - rate, ZERO) if price is not None else None
    lines, hours_explanation = _hour_lines(reader, basis, rate, subsidy_rate)
    explanation.update(hours_explanation, hourly_rate=rate, structure_hourly_price=price)
    return _Quote(lines, explanation, hourly_rate=rate)


# ---------------------------------------------------------------------------------------- Luxembourg: CSA
def _lu_csa(reader):
    """Luxembourg, chèque-service accueil (group care: crèches, maisons relais).

    For an hour at the structure's price P with the state cap C: the parent pays the CSA rate (0 for
    a free hour) plus ``max(P - C, 0)``; the state pays ``min(P, C) - CSA rate``. *Choice*: the CSA
    rate counts at most ``min(P, C)``, so that an hour always costs P in all. Meals alike with the
    structure's meal price, the contract meal price and ``meal_cap``.

    Free hours: a child aged ``free_age_min_months``-``free_age_max_months`` has the first
    ``free_hours_per_week`` hours of each week free (minus ``free_hours_used`` of the week, granted
    on the previous month's invoice for a week across two months); a school-age child has every
    hour and every meal of a school week free (the caller gives the hours of school weeks within
    Mon-Fri 07:00-19:00). A school-age child within the age band falls under the age rule in
    holiday weeks.

    plan
        nothing (the billing basis only tells the caller which hours to put in ``weeks``).
    params
        ``state_hourly_cap``, ``free_hours_per_week``, ``free_age_min_months``,
        ``free_age_max_months`` (required); ``school_day_free`` (bool, default True);
        ``meal_cap`` (optional: the meal price the state covers at most; none: no cap).
    inputs
        ``age_months`` (required); ``school_age`` (bool, default: ``age_months >
        free_age_max_months``); ``weeks`` (required, a list of ``{"hours" (required),
        "school_week" (default False), "meals" (default 0), "free_hours_used" (default 0)}``);
        ``structure_hourly_price``, ``csa_hourly_rate`` (required); ``structure_meal_price``,
        ``csa_meal_price`` (required when a week has meals); ``days`` (optional).
    """
    age = reader.integer("age_months")
    weeks = reader.inputs.get("weeks")
    if weeks is None or weeks is False:
        raise reader.missing("weeks")
    if not isinstance(weeks, (list, tuple)):
        raise QuoteError("invalid_value", key="weeks", value=type(weeks).__name__)
    price = reader.money("structure_hourly_price")
    csa_rate = reader.money("csa_hourly_rate")
    cap = reader.money("state_hourly_cap", "param")
    free_per_week = reader.hours("free_hours_per_week", "param")
    age_min = reader.integer("free_age_min_months", "param")
    age_max = reader.integer("free_age_max_months", "param")
    school_day_free = reader.flag("school_day_free", "param", default=True)
    school_age = reader.flag("school_age", default=age > age_max)
    in_age_band = age_min <= age <= age_max

    week_rows = []
    for index, week in enumerate(weeks):
        if not isinstance(week, dict):
            raise QuoteError("invalid_value", key=f"weeks[{index}]", value=week)
        hours = week.get("hours")
        if hours is None or hours is False:
            raise reader.missing(f"weeks[{index}].hours")
        hours = _hundredths(check_range(to_decimal(hours, f"weeks[{index}].hours"), f"weeks[{index}].hours"))
        meals = week.get("meals") or 0
        meals = whole(check_range(to_decimal(meals, f"weeks[{index}].meals"), f"weeks[{index}].meals"), "meals")
        used = week.get("free_hours_used") or 0
        used = _hundredths(check_range(to_decimal(used, f"weeks[{index}].free_hours_used"), "free_hours_used"))
        school_week = week.get("school_week") or False
        if not isinstance(school_week, bool):
            raise QuoteError("invalid_value", key=f"weeks[{index}].school_week", value=school_week)
        if school_age and school_week and school_day_free:
            rule, free_hours, free_meals = "school", hours, meals
        elif in_age_band:
            rule, free_hours, free_meals = "age", min(hours, max(free_per_week - used, ZERO)), 0
        else:
            rule, free_hours, free_meals = None, ZERO, 0
        week_rows.append(
            {
                "hours": hours,
                "school_week": school_week,
                "meals": meals,
                "free_hours_used": used,
                "free_rule": rule,
                "free_hours": free_hours,
                "free_meals": free_meals,
            }
        )
    hours = sum((row["hours"] for row in week_rows), ZERO)
    free_hours = sum((row["free_hours"] for row in week_rows), ZERO)
    paid_hours = hours - free_hours
    meals = sum(row["meals"] for row in week_rows)
    free_meals = sum(row["free_meals"] for row in week_rows)
    paid_meals = meals - free_meals

    covered = min(price, cap)
    surcharge = price - covered
    csa_applied = min(csa_rate, covered)
    lines = [
        _line("csa_free_hours_parent", free_hours, "hour", surcharge),
        _line("csa_hours_parent", paid_hours, "hour", csa_applied + surcharge),
        _line("csa_free_hours_state", free_hours, "hour", covered, PAYER_SUBSIDY),
        _line("csa_hours_state", paid_hours, "hour", covered - csa_applied, PAYER_SUBSIDY),
    ]
    meal_price = csa_meal_price = meal_cap = meal_covered = csa_meal_applied = None
    if meals:
        meal_price = reader.money("structure_meal_price")
        csa_meal_price = reader.money("csa_meal_price")
        meal_cap = reader.money("meal_cap", "param", required=False)
        meal_covered = meal_price if meal_cap is None else min(meal_price, meal_cap)
        meal_surcharge = meal_price - meal_covered
        csa_meal_applied = min(csa_meal_price, meal_covered)
        free_meals, paid_meals = Decimal(free_meals), Decimal(paid_meals)
        lines += [
            _line("csa_free_meals_parent", free_meals, "meal", meal_surcharge),
            _line("csa_meals_parent", paid_meals, "meal", csa_meal_applied + meal_surcharge),
            _line("csa_free_meals_state", free_meals, "meal", meal_covered, PAYER_SUBSIDY),
            _line("csa_meals_state", paid_meals, "meal", meal_covered - csa_meal_applied, PAYER_SUBSIDY),
        ]
    explanation = {
        "age_months": age,
        "school_age": school_age,
        "free_age_min_months": age_min,
        "free_age_max_months": age_max,
        "free_hours_per_week": free_per_week,
        "school_day_free": school_day_free,
        "structure_hourly_price": price,
        "state_hourly_cap": cap,
        "csa_hourly_rate": csa_rate,
        "csa_hourly_rate_applied": csa_applied,
        "parent_surcharge_per_hour": surcharge,
        "state_per_free_hour": covered,
        "state_per_paid_hour": covered - csa_applied,
        "hours": hours,
        "free_hours": free_hours,
        "paid_hours": paid_hours,
        "meals": meals,
        "free_meals": int(free_meals),
        "paid_meals": int(paid_meals),
        "structure_meal_price": meal_price,
        "csa_meal_price": csa_meal_price,
        "csa_meal_price_applied": csa_meal_applied,
        "meal_cap": meal_cap,
        "state_per_free_meal": meal_covered,
        "weeks": week_rows,
    }
    return _Quote(lines, explanation, hourly_rate=csa_applied + surcharge)


# ---------------------------------------------------------------------------------------- Belgium
def one_daily_rate(monthly_income, income_grid):
    """The ONE daily rate of the bracket holding ``monthly_income``: ``income_grid`` is a list of
    ``(upper bound or None, daily rate)``; a bracket covers incomes up to and including its bound,
    ``None`` is the open last bracket. Returns ``(index of the bracket, upper bound, daily rate)``."""
    income = to_decimal(monthly_income, "monthly_income")
    brackets = []
    for given_bound, rate in income_grid:
        bound = None if given_bound is None or given_bound is False else to_decimal(given_bound, "income_grid")
        brackets.append((bound, check_range(to_decimal(rate, "income_grid"), "income_grid")))
    brackets.sort(key=lambda bracket: (bracket[0] is None, bracket[0] or ZERO))
    bounds = [bound for bound, _rate in brackets if bound is not None]
    if len(set(bounds)) != len(bounds):
        raise QuoteError("invalid_income_grid", bound=bounds)
    if sum(bound is None for bound, _rate in brackets) > 1:
        raise QuoteError("invalid_income_grid", bound="None")
    for index, (bound, rate) in enumerate(brackets):
        if bound is None or income <= bound:
            return index, bound, round_money(rate)
    raise QuoteError("no_income_bracket", income=income)


def _be_one(reader):
    """Belgium, ONE (Wallonia-Brussels): a daily parental contribution from the income grid.

    plan
        ``half_day_coefficient`` (default 0.6, unless the params give it); ``sibling_reduction_percent``
        (default 0: the reduction of a child of ``sibling_rank`` ≥ 2). Meals are included.
    params
        ``income_grid`` (required): ``[(upper bound or None, daily rate), ...]``;
        ``half_day_coefficient`` (optional, wins over the plan's).
    inputs
        ``monthly_income`` (required); ``days_full``, ``days_half`` (a half day is < 5 h; at least
        one of the two); ``sibling_rank`` (default 1); ``days`` (optional).
    """
    income = reader.number("monthly_income")
    grid = reader.raw("income_grid", "param")
    if not grid:
        raise reader.missing("income_grid", "param")
    index, bound, daily = one_daily_rate(income, grid)
    coefficient = _coefficient(reader, "half_day_coefficient", DEFAULT_HALF_DAY_COEFFICIENT)
    half = round_money(daily * coefficient)
    days_full, days_half = _days(reader)
    lines = []
    if days_full:
        lines.append(_line("full_days", Decimal(days_full), "day", daily))
    if days_half:
        lines.append(_line("half_days", Decimal(days_half), "half_day", half, percent=coefficient * HUNDRED))
    reduction, rank, percent = _sibling_reduction(reader, lines)
    explanation = {
        "income_declared": income,
        "bracket_index": index,
        "bracket_upper_bound": bound,
        "daily_rate": daily,
        "half_day_coefficient": coefficient,
        "half_day_rate": half,
        "days_full": days_full,
        "days_half": days_half,
        "sibling_rank": rank,
        "sibling_reduction_percent": percent,
    }
    return _Quote(lines + reduction, explanation, daily_rate=daily)


def _kg_coefficients(reader):
    """Kind en Gezin coefficients: params ``coef_short``/``coef_full`` or ``kg_coefficients``,
    else the plan's ``kg_coefficients``, else 0.6 and 1.0."""
    params = reader.sources["param"]
    if params.get("coef_short") is not None or params.get("coef_full") is not None:
        return {
            "short": reader.number("coef_short", "param", maximum=Decimal(2)),
            "full": reader.number("coef_full", "param", maximum=Decimal(2)),
        }
    for source in ("param", "plan"):
        given = reader.raw("kg_coefficients", source)
        if given:
            if not isinstance(given, dict):
                raise QuoteError("invalid_value", key="kg_coefficients", value=given)
            coefficients = {}
            for name in ("short", "full"):
                value = given.get(name)
                if value is None:
                    raise reader.missing(f"kg_coefficients[{name}]", source)
                key = f"kg_coefficients[{name}]"
                coefficients[name] = check_range(to_decimal(value, key), key, ZERO, Decimal(2))
            return coefficients
    return dict(DEFAULT_KG_COEFFICIENTS)


def _be_kg(reader):
    """Belgium, Kind en Gezin (Flanders): the daily price printed on the family's certificate.

    plan
        ``kg_coefficients`` (optional, ``{"short": 0.6, "full": 1.0}``); ``sibling_reduction_percent``
        (default 0; leave 0 when the certificate's price already holds a reduction). Meals are
        included.
    params
        ``coef_short`` and ``coef_full``, or ``kg_coefficients`` (optional, win over the plan's).
    inputs
        ``certified_daily_price`` (required); ``days_full``, ``days_half`` (days of 3 to 5 hours;
        at least one of the two); ``sibling_rank`` (default 1); ``days`` (optional).
    """
    price = reader.money("certified_daily_price")
    coefficients = _kg_coefficients(reader)
    full = round_money(price * coefficients["full"])
    short = round_money(price * coefficients["short"])
    days_full, days_half = _days(reader)
    lines = []
    if days_full:
        lines.append(_line("full_days", Decimal(days_full), "day", full))
    if days_half:
        lines.append(
            _line("short_days", Decimal(days_half), "half_day", short, percent=coefficients["short"] * HUNDRED)
        )
    reduction, rank, percent = _sibling_reduction(reader, lines)
    explanation = {
        "certified_daily_price": price,
        "coefficient_full": coefficients["full"],
        "coefficient_short": coefficients["short"],
        "full_day_price": full,
        "short_day_price": short,
        "days_full": days_full,
        "days_half": days_half,
        "sibling_rank": rank,
        "sibling_reduction_percent": percent,
    }
    return _Quote(lines + reduction, explanation, daily_rate=price)


# ---------------------------------------------------------------------------------------- flat rate
def _flat(reader):
    """A flat price per hour, day or month, for residents of the municipality or not.

    plan
        ``flat_unit`` (required: ``"hour"``, ``"day"`` or ``"month"``); ``resident_price`` or
        ``non_resident_price`` (the one used is required); hour: ``billing_basis`` (required:
        ``"contracted"`` bills the mensualisation of the price, like PSU); day: ``half_day_coefficient``
        (default 0.6); ``meal_price`` (required when meals are billed); ``sibling_reduction_percent``
        (default 0, on care, not meals).
    params
        nothing (``half_day_coefficient`` if given).
    inputs
        ``is_resident`` (bool, required); hour: as PSU (``hours``, or ``weekly_hours``,
        ``weeks_per_year``, ``billed_months``, ``extra_hours``); day: ``days_full``, ``days_half``;
        ``meals`` (default 0); ``sibling_rank`` (default 1); ``days`` (optional).
    """
    unit = reader.choice("flat_unit", FLAT_UNITS)
    is_resident = reader.flag("is_resident", required=True)
    price = reader.money("resident_price" if is_resident else "non_resident_price", "plan")
    explanation = {"flat_unit": unit, "is_resident": is_resident, "unit_price": price}
    hourly_rate = daily_rate = None
    if unit == "hour":
        basis = reader.choice("billing_basis", BILLING_BASES)
        lines, hours_explanation = _hour_lines(reader, basis, price)
        explanation.update(hours_explanation)
        hourly_rate = price
    elif unit == "day":
        coefficient = _coefficient(reader, "half_day_coefficient", DEFAULT_HALF_DAY_COEFFICIENT)
        half = round_money(price * coefficient)
        days_full, days_half = _days(reader)
        lines = []
        if days_full:
            lines.append(_line("full_days", Decimal(days_full), "day", price))
        if days_half:
            lines.append(_line("half_days", Decimal(days_half), "half_day", half, percent=coefficient * HUNDRED))
        explanation.update(
            days_full=days_full, days_half=days_half, half_day_coefficient=coefficient, half_day_rate=half
        )
        daily_rate = price
    else:
        lines = [_line("month", ONE, "month", price)]
    reduction, rank, percent = _sibling_reduction(reader, lines)
    meals = reader.integer("meals", required=False, default=0)
    meal_lines, meal_price = [], None
    if meals:
        meal_price = reader.money("meal_price", "plan")
        meal_lines = [_line("meals", Decimal(meals), "meal", meal_price)]
    explanation.update(meals=meals, meal_price=meal_price, sibling_rank=rank, sibling_reduction_percent=percent)
    return _Quote(lines + reduction + meal_lines, explanation, hourly_rate=hourly_rate, daily_rate=daily_rate)


# ---------------------------------------------------------------------------------------- entry point
_SCHEME_FUNCTIONS = {"fr_psu": _fr_psu, "lu_csa": _lu_csa, "be_one": _be_one, "be_kg": _be_kg, "flat": _flat}


def quote(scheme, plan, params, inputs):
    """What a month of care costs under ``scheme``, and who pays what.

    :param str scheme: ``"fr_psu"``, ``"lu_csa"``, ``"be_one"``, ``"be_kg"`` or ``"flat"``
    :param dict plan: the rate plan's settings (keys per scheme: see ``_fr_psu``... and USAGE.md)
    :param dict params: the parameter table valid on the billed date
    :param dict inputs: the family's and the month's values; ``date`` and ``days`` (optional) are
        only reported in the explanation
    :returns: a dict of plain values:

        - ``scheme``;
        - ``hourly_rate`` (float or None): PSU the contract rate, CSA the parent's price of an hour
          that is not free, flat per hour the price; ``daily_rate`` (float or None): ONE the grid's
          rate, K&G the certified price, flat per day the price;
        - ``parent_amount``, ``subsidy_amount``, ``total_amount`` (floats, 2 decimals; total = parent
          + subsidy = the full cost when the scheme knows it);
        - ``lines``: ``[{"label_key", "label_format", "label_values", "label", "quantity", "unit"
          ("hour", "day", "half_day", "month", "meal", "unit"), "unit_price", "amount", "payer"
          ("parent" or "subsidy")}]``, lines of amount 0 left out; per payer their amounts add up
          to ``parent_amount`` and ``subsidy_amount``, and each amount is ``quantity x
          unit_price`` rounded to the cent;
        - ``explanation``: the figures a statement prints (per scheme, see USAGE.md), plus
          ``scheme``, ``date``, ``days``, ``hours`` and the three amounts.
    :raises QuoteError: unknown scheme, missing or bad value
    """
    function = _SCHEME_FUNCTIONS.get(scheme)
    if function is None:
        raise QuoteError("unknown_scheme", scheme=scheme)
    reader = _Reader(scheme, plan, params, inputs)
    result = function(reader)
    lines = [line for line in result.lines if line.amount]
    parent = sum((line.amount for line in lines if line.payer == PAYER_PARENT), ZERO)
    subsidy = sum((line.amount for line in lines if line.payer == PAYER_SUBSIDY), ZERO)
    days = reader.integer("days", required=False)
    explanation = {
        "scheme": scheme,
        "date": reader.inputs.get("date"),
        "days": days,
        "hours": None,
        "sibling_rank": None,
        "sibling_reduction_percent": ZERO,
        **result.explanation,
        "hourly_rate": result.hourly_rate,
        "daily_rate": result.daily_rate,
        "parent_amount": parent,
        "subsidy_amount": subsidy,
        "total_amount": parent + subsidy,
    }
    return {
        "scheme": scheme,
        "hourly_rate": _plain(result.hourly_rate),
        "daily_rate": _plain(result.daily_rate),
        "parent_amount": float(parent),
        "subsidy_amount": float(subsidy),
        "total_amount": float(parent + subsidy),
        "lines": [line.as_dict() for line in lines],
        "explanation": _plain(explanation),
    }
