from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

from .childcare_rate_table import overlapping_domain


class ChildcareChildRateInput(models.Model):
    """What a family's own documents state for a child over a period: the CSA membership card (hourly CSA
    rate, contract meal price), the Kind en Gezin income-related certificate (daily price), a disability
    allowance. Billing reads the line valid on the billed month."""

    _name = "childcare.child.rate.input"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _description = "Rate inputs of a child over a period"
    _order = "child_id, date_from desc, id desc"
    _check_company_auto = True

    child_id = fields.Many2one("childcare.child", required=True, index=True, check_company=True, tracking=True)
    company_id = fields.Many2one(related="child_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Valid from", required=True, tracking=True)
    date_to = fields.Date(string="Valid until", tracking=True)
    reference = fields.Char(help="Number of the CSA card or of the certificate.")
    csa_hourly_rate = fields.Monetary(string="CSA hourly rate", tracking=True)
    csa_meal_price = fields.Monetary(string="CSA meal price", tracking=True)
    certified_daily_price = fields.Monetary(string="Certified daily price (K&G)", tracking=True)
    has_disability_allowance = fields.Boolean(
        string="Disability allowance",
        help="The child receives a disability allowance (e.g. AEEH): the CNAF rate of the next family size applies.",
    )
    is_child_protection = fields.Boolean(
        string="Placed by child protection", help="CNAF PSU: the plan's child-protection hourly rate applies."
    )

    _dates_check = models.Constraint(
        "CHECK (date_to IS NULL OR date_to >= date_from)", "A period must end on or after the day it starts."
    )
    _amounts_check = models.Constraint(
        "CHECK (csa_hourly_rate >= 0 AND csa_meal_price >= 0 AND certified_daily_price >= 0)",
        "Rates and prices cannot be negative.",
    )

    @api.constrains("child_id", "date_from", "date_to")
    def _check_overlap(self):
        for line in self:
            if self.sudo().search_count(overlapping_domain(line, ("child_id",)), limit=1):
                raise ValidationError(
                    _("%s already has rate inputs over this period: end the previous ones first.", line.child_id.name)
                )

    @api.model
    def _inputs_by_child(self, children, day):
        """{child id: the line valid on ``day``} for ``children``, in one query."""
        lines = self.sudo().search(
            [
                ("child_id", "in", children.ids),
                ("date_from", "<=", day),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", day),
            ]
        )
        return {line.child_id.id: line for line in lines}


class ChildcareChild(models.Model):
    _inherit = "childcare.child"

    rate_input_ids = fields.One2many("childcare.child.rate.input", "child_id", string="Rate inputs")
