from odoo import api, fields, models
from odoo.addons.childcare_billing.tools import fees
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import _

from .childcare_rate_table import SCHEMES, overlapping_domain

BILLING_BASES = [
    ("contracted", "Contracted hours (monthly flat rate, extra hours on top)"),
    ("attended", "Attended hours"),
    ("billable", "Billable hours of the attendance sheet"),
]


class ChildcareRatePlan(models.Model):
    """How a parent share and a subsidy are computed. :meth:`quote` is the one entry point of the fee
    engine (``tools/fees.py``): billing runs, the portal's cost simulator and the tests call it."""

    _name = "childcare.rate.plan"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Rate plan"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Municipality", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    scheme = fields.Selection(SCHEMES, required=True, default="flat", tracking=True)
    billing_basis = fields.Selection(BILLING_BASES, required=True, default="billable", tracking=True)
    care_type = fields.Selection(
        [("collective", "Collective care or micro-crèche"), ("family", "Family or parental crèche")],
        default="collective",
        help="CNAF PSU: selects the scale of effort rates.",
    )
    apply_ceiling = fields.Boolean(
        string="Apply the resources ceiling",
        default=True,
        tracking=True,
        help="CNAF PSU: resources above the ceiling are capped (a structure may choose not to).",
    )
    ase_hourly_rate = fields.Monetary(
        string="Child protection hourly rate", help="CNAF PSU: flat hourly rate of children placed by child protection."
    )
    weeks_per_year = fields.Float(
        default=45.0, help="Monthly flat rate: weeks of care per year of a contract (CNAF mensualisation)."
    )
    billed_months = fields.Integer(default=12, help="Monthly flat rate: months over which the year is billed.")
    meal_price = fields.Monetary(help="Price of a main meal charged by the structure.")
    sibling_reduction_percent = fields.Float(
        string="Sibling reduction (%)", help="Reduction on the parent share of the second and further children in care."
    )
    resident_price = fields.Monetary(help="Flat rate: price per unit for residents of the municipality.")
    non_resident_price = fields.Monetary(help="Flat rate: price per unit for the other families.")
    flat_unit = fields.Selection(
        [("hour", "Hour"), ("day", "Day"), ("month", "Month")], default="hour", string="Flat rate per"
    )
    structure_hourly_price = fields.Monetary(
        help="Full cost of an hour of care in the structure (CSA: the price P; PSU: shows the subsidy)."
    )
    structure_meal_price = fields.Monetary(help="CSA: full price of a main meal, of which the state pays a part.")
    funding_partner_id = fields.Many2one(
        "res.partner",
        string="Funding body",
        check_company=True,
        help="Who is invoiced the subsidy part (e.g. the State for the chèque-service accueil).",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Invoiced as",
        required=True,
        check_company=True,
        default=lambda self: self.env.ref("childcare_billing.product_childcare", raise_if_not_found=False),
        help="Product of the invoice lines (its income account and taxes).",
    )
    structure_line_ids = fields.One2many("childcare.rate.plan.structure", "plan_id", string="Structures", copy=False)
    note = fields.Html()

    _weeks_check = models.Constraint(
        "CHECK (weeks_per_year >= 0 AND weeks_per_year <= 53 AND billed_months > 0 AND billed_months <= 12)",
        "Weeks per year lie between 0 and 53 and billed months between 1 and 12.",
    )

    @api.constrains("sibling_reduction_percent")
    def _check_reduction(self):
        for plan in self:
            if not 0 <= plan.sibling_reduction_percent <= 100:
                raise ValidationError(_("A sibling reduction lies between 0 and 100 %% (%s).", plan.name))

    # ------------------------------------------------------------------ the engine
    def _settings(self):
        """The plan as the plain dict the fee engine reads."""
        self.ensure_one()
        return {
            "billing_basis": self.billing_basis,
            "care_type": self.care_type,
            "apply_ceiling": self.apply_ceiling,
            "ase_hourly_rate": self.ase_hourly_rate,
            "meal_price": self.meal_price,
            "sibling_reduction_percent": self.sibling_reduction_percent,
            "resident_price": self.resident_price,
            "non_resident_price": self.non_resident_price,
            "flat_unit": self.flat_unit,
        }

    def _parameters(self, day):
        """The parameters of the plan's scheme valid on ``day`` (a versioned table), or a clear error."""
        self.ensure_one()
        if self.scheme == "flat":
            return {}
        table = self.env["childcare.rate.table"]._table_for(self.scheme, day, self.company_id)
        if not table:
            raise UserError(
                _(
                    "No parameter table of %(scheme)s is valid on %(date)s for the rate plan %(plan)s: load the "
                    "table of that year (Childcare > Configuration > Parameter tables).",
                    scheme=dict(self._fields["scheme"]._description_selection(self.env))[self.scheme],
                    date=day,
                    plan=self.name,
                )
            )
        return table._as_params()

    def quote(self, inputs):
        """What a month of care costs under this plan.

        :param dict inputs: plain values (see readme/USAGE.md): ``date`` (a day of the billed month),
            ``monthly_income``, ``dependent_children``, ``disabled_children``, ``weekly_hours``,
            ``weeks_per_year``, ``billed_months``, ``extra_hours``, ``age_months``, ``weeks``,
            ``structure_hourly_price``, ``csa_hourly_rate``, ``structure_meal_price``, ``csa_meal_price``,
            ``days_full``, ``days_half``, ``certified_daily_price``...; keys a scheme does not use are ignored.
        :returns: ``{"hourly_rate", "parent_amount", "subsidy_amount", "total_amount", "lines": [...]}``;
            the lines' amounts per payer add up to the totals to the cent.
        """
        self.ensure_one()
        day = fields.Date.to_date(inputs.get("date")) or fields.Date.context_today(self)
        return self._quote_with(self._parameters(day), inputs)

    def _quote_with(self, params, inputs):
        """:meth:`quote` with the parameters already read (a billing run reads each table once)."""
        self.ensure_one()
        inputs = dict(inputs)
        inputs["date"] = fields.Date.to_date(inputs.get("date")) or fields.Date.context_today(self)
        for key in ("structure_hourly_price", "structure_meal_price"):
            if inputs.get(key) is None and self[key]:
                inputs[key] = self[key]
        inputs.setdefault("weeks_per_year", self.weeks_per_year)
        inputs.setdefault("billed_months", self.billed_months)
        try:
            result = fees.quote(self.scheme, self._settings(), params, inputs)
        except fees.QuoteError as exc:
            raise UserError(
                _("Rate plan %(plan)s: %(error)s", plan=self.name, error=exc.translated(self.env._))
            ) from exc
        return result

    # ------------------------------------------------------------------ which plan applies
    @api.model
    def _plan_of(self, structure, day):
        """The plan a structure applies on ``day`` (its structure line valid then)."""
        line = (
            self.env["childcare.rate.plan.structure"]
            .sudo()
            .search(
                [
                    ("structure_id", "=", structure.id),
                    ("date_from", "<=", day),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                    ("plan_id.active", "=", True),
                ],
                order="date_from desc",
                limit=1,
            )
        )
        return line.plan_id.with_env(self.env)


class ChildcareRatePlanStructure(models.Model):
    _name = "childcare.rate.plan.structure"
    _inherit = ["childcare.guard.mixin"]
    _description = "Structure applying a rate plan over a period"
    _order = "structure_id, date_from desc"

    plan_id = fields.Many2one("childcare.rate.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    structure_id = fields.Many2one("childcare.structure", required=True, index=True, ondelete="cascade")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="Until")

    _dates_check = models.Constraint(
        "CHECK (date_to IS NULL OR date_to >= date_from)", "A plan period must end on or after the day it starts."
    )

    @api.constrains("structure_id", "date_from", "date_to")
    def _check_overlap(self):
        for line in self:
            other = self.sudo().search(overlapping_domain(line, ("structure_id",)), limit=1)
            if other:
                raise ValidationError(
                    _(
                        "%(structure)s already applies the rate plan %(plan)s from %(date)s: a structure applies "
                        "one plan at a time.",
                        structure=line.structure_id.sudo().name,
                        plan=other.plan_id.name,
                        date=other.date_from,
                    )
                )
