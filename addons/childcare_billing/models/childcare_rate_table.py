from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

SCHEMES = [
    ("fr_psu", "France — CNAF PSU (hourly rate from income)"),
    ("lu_csa", "Luxembourg — chèque-service accueil"),
    ("be_one", "Belgium — ONE income grid (daily rate)"),
    ("be_kg", "Belgium — Kind en Gezin certified daily price"),
    ("flat", "Flat rate"),
]

#: the parameters a table may hold; ``threshold`` gives the family size (effort rates) or the upper bound
#: of a monthly income bracket (ONE grid; 0 for the open last bracket)
PARAMETER_KEYS = [
    ("effort_collective", "PSU effort rate, collective care (threshold: family size from)"),
    ("effort_family", "PSU effort rate, family or parental crèche (threshold: family size from)"),
    ("floor", "PSU monthly resources floor"),
    ("ceiling", "PSU monthly resources ceiling"),
    ("state_hourly_cap", "CSA state hourly cap"),
    ("free_hours_per_week", "CSA free hours per week (children aged 1 to 4)"),
    ("free_age_min_months", "CSA free hours from age (months)"),
    ("free_age_max_months", "CSA free hours until age (months)"),
    ("meal_cap", "CSA state meal cap"),
    ("grid", "ONE daily rate (threshold: monthly income up to)"),
    ("half_day_coefficient", "Half-day coefficient"),
    ("coef_short", "K&G coefficient for a short day"),
    ("coef_full", "K&G coefficient for a full day"),
]
#: keys whose lines form a table (several lines); the others are single values
TABLE_KEYS = {"effort_collective", "effort_family", "grid"}


def overlapping_domain(record, keys):
    """Domain of the other records with the same values of ``keys`` whose period (``date_from`` to
    ``date_to``, open when empty) meets ``record``'s: rate tables, plan periods, rate inputs."""
    domain = [("id", "!=", record.id)]
    for key in keys:
        value = record[key]
        domain.append((key, "=", value.id if isinstance(value, models.BaseModel) else value))
    domain += ["|", ("date_to", "=", False), ("date_to", ">=", record.date_from)]
    if record.date_to:
        domain.append(("date_from", "<=", record.date_to))
    return domain


class ChildcareRateTable(models.Model):
    """The yearly parameters of a rate scheme (CNAF effort rates, floor and ceiling, CSA cap, ONE grid...):
    data with a validity period, shipped as data files per country and year. A month is always computed
    with the table valid on its first day, so past months keep their own parameters."""

    _name = "childcare.rate.table"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _description = "Parameter table of a rate scheme"
    _order = "scheme, date_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    scheme = fields.Selection(SCHEMES, required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        index=True,
        help="Empty: the table applies to every municipality (national parameters).",
    )
    date_from = fields.Date(string="Valid from", required=True, tracking=True)
    date_to = fields.Date(string="Valid until", tracking=True, help="Empty: until a newer table starts.")
    source = fields.Char(help="Legal source of the values (circular, regulation, official page and date).")
    line_ids = fields.One2many("childcare.rate.table.line", "table_id", string="Parameters", copy=True)
    active = fields.Boolean(default=True)

    _dates_check = models.Constraint(
        "CHECK (date_to IS NULL OR date_to >= date_from)",
        "A parameter table must end on or after the day it starts.",
    )

    @api.constrains("scheme", "company_id", "date_from", "date_to", "active")
    def _check_overlap(self):
        for table in self.filtered("active"):
            other = self.sudo().search(overlapping_domain(table, ("scheme", "company_id")), limit=1)
            if other:
                raise ValidationError(
                    _(
                        "The parameter tables %(table)s and %(other)s overlap: close the older one first "
                        "(Valid until).",
                        table=table.name,
                        other=other.name,
                    )
                )

    @api.model
    def _table_for(self, scheme, day, company):
        """The active table of ``scheme`` valid on ``day`` for ``company`` (its own, else the shared one)."""
        domain = [
            ("scheme", "=", scheme),
            ("date_from", "<=", day),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", day),
            ("company_id", "in", [company.id, False]),
        ]
        tables = self.sudo().search(domain, order="company_id, date_from desc")
        return (tables.filtered("company_id") or tables)[:1]

    def _as_params(self):
        """The table as the plain dict the fee engine reads: single values by key, tables as
        ``{threshold: value}`` (effort rates) or ``[(upper bound or None, value)]`` (income grid)."""
        self.ensure_one()
        params = {}
        for line in self.line_ids.sorted(lambda line: (line.key, line.threshold)):
            if line.key == "grid":
                params.setdefault("income_grid", []).append((line.threshold or None, line.value))
            elif line.key in TABLE_KEYS:
                params.setdefault(f"{line.key}_rates", {})[int(line.threshold)] = line.value
            else:
                params[line.key] = line.value
        if "income_grid" in params:  # the open last bracket (no upper bound) comes last
            params["income_grid"].sort(key=lambda bracket: (bracket[0] is None, bracket[0] or 0))
        return params


class ChildcareRateTableLine(models.Model):
    _name = "childcare.rate.table.line"
    _inherit = ["childcare.guard.mixin"]
    _description = "Parameter of a rate table"
    _order = "table_id, key, threshold, id"

    table_id = fields.Many2one("childcare.rate.table", required=True, ondelete="cascade", index=True)
    key = fields.Selection(PARAMETER_KEYS, string="Parameter", required=True)
    threshold = fields.Float(
        digits=(16, 2),
        help="Effort rates: the family size from which the rate applies. ONE grid: the monthly income up to "
        "which the daily rate applies (0 for the last, open bracket).",
    )
    value = fields.Float(digits=(16, 6), required=True)

    _key_threshold_uniq = models.Constraint(
        "UNIQUE (table_id, key, threshold)",
        "A parameter appears once per threshold in a table.",
    )
