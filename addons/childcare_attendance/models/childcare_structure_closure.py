from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ChildcareStructureClosure(models.Model):
    _name = "childcare.structure.closure"
    _description = "Closure of a structure (public holiday, closing period)"
    _inherit = ["childcare.guard.mixin"]
    _order = "date_from desc, id"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True)
    structure_id = fields.Many2one(
        "childcare.structure",
        string="Structure",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="Leave empty for a closure of every structure of the municipality (public holiday).",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    day_count = fields.Integer(compute="_compute_day_count", string="Days")

    _dates_check = models.Constraint(
        "CHECK (date_to >= date_from)",
        "A closure must end on or after the day it starts.",
    )

    @api.depends("structure_id")
    def _compute_company_id(self):
        for closure in self:
            closure.company_id = closure.structure_id.company_id or closure.company_id or self.env.company

    @api.depends("date_from", "date_to")
    def _compute_day_count(self):
        for closure in self:
            if closure.date_from and closure.date_to:
                closure.day_count = (closure.date_to - closure.date_from).days + 1
            else:
                closure.day_count = 0

    @api.constrains("structure_id", "company_id", "date_from", "date_to")
    def _check_no_attendance(self):
        """A closure cannot cover a day on which a child was recorded present."""
        for closure in self:
            domain = [
                ("date", ">=", closure.date_from),
                ("date", "<=", closure.date_to),
                ("absence_reason", "=", "none"),
            ]
            if closure.structure_id:
                domain.append(("structure_id", "=", closure.structure_id.id))
            else:
                domain.append(("company_id", "=", closure.company_id.id))
            # sudo: the check must see every attendance, the message names only a date.
            present = self.env["childcare.attendance"].sudo().search(domain, limit=1)
            if present:
                raise ValidationError(
                    _(
                        "Children were recorded present on %(date)s: correct their attendance before closing that day.",
                        date=present.date,
                    )
                )
