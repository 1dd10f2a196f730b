from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import _


class ChildcareFamilyIncome(models.Model):
    _name = "childcare.family.income"
    _description = "Yearly declared income of a family"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _order = "family_id, year desc, id desc"

    family_id = fields.Many2one("childcare.family", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="family_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    amount_monthly_income = fields.Monetary(
        string="Monthly net taxable income",
        currency_field="currency_id",
        tracking=True,
        help="Household income per month used by income-related rates (e.g. CNAF PSU, ONE grid).",
    )
    dependent_children = fields.Integer(string="Dependent children", default=1, tracking=True)
    has_disabled_child = fields.Boolean(
        string="Child with disability allowance",
        help="A child receiving a disability allowance (e.g. AEEH) lives in the household.",
    )
    proof = fields.Binary(string="Proof", attachment=True)
    proof_filename = fields.Char()
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated")],
        default="draft",
        required=True,
        tracking=True,
    )
    date_validated = fields.Date(readonly=True)

    _year_range = models.Constraint("CHECK (year BETWEEN 2000 AND 2100)", "The income year is not plausible.")
    _children_positive = models.Constraint(
        "CHECK (dependent_children >= 0)",
        "The number of dependent children cannot be negative.",
    )

    @api.depends("family_id", "year")
    def _compute_display_name(self):
        for income in self:
            income.display_name = f"{income.family_id.name} — {income.year}"

    @api.constrains("amount_monthly_income", "state")
    def _check_amount(self):
        for income in self:
            if income.amount_monthly_income < 0:
                raise ValidationError(_("A declared income cannot be negative (%s).", income.display_name))
            if income.state == "validated" and not income.amount_monthly_income:
                raise ValidationError(
                    _("The income of %s cannot be validated without a monthly amount.", income.display_name)
                )

    @api.constrains("state", "year", "family_id")
    def _check_one_validated_per_year(self):
        validated = self.filtered(lambda i: i.state == "validated")
        if not validated:
            return
        groups = self._read_group(
            [("family_id", "in", validated.family_id.ids), ("state", "=", "validated")],
            ["family_id", "year"],
            having=[("__count", ">", 1)],
        )
        if groups:
            family, year = groups[0]
            raise ValidationError(
                _("%(family)s already has a validated income for %(year)s.", family=family.name, year=year)
            )

    def action_validate(self):
        for income in self:
            if income.state != "draft":
                raise UserError(_("Only a draft income can be validated (%s).", income.display_name))
        self.write({"state": "validated", "date_validated": fields.Date.context_today(self)})

    def action_reset_draft(self):
        for income in self:
            if income.state != "validated":
                raise UserError(_("Only a validated income can be reset to draft (%s).", income.display_name))
        self.write({"state": "draft", "date_validated": False})
