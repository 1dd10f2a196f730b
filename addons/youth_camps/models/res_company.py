from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    camp_refund_days_default = fields.Integer(
        string="Camps: full refund until (days before)",
        default=14,
        help="Proposed for each new camp of the municipality: a cancellation at least this many days before the "
        "first day is fully refunded.",
    )
    camp_payment_days_default = fields.Integer(
        string="Camps: payment delay (days)",
        default=7,
        help="Proposed for each new camp of the municipality: the days a family promoted from the waiting list "
        "has to pay before the seat passes on.",
    )

    @api.constrains("camp_refund_days_default", "camp_payment_days_default")
    def _check_camp_days_default(self):
        for company in self:
            if company.camp_refund_days_default < 0 or company.camp_payment_days_default < 1:
                raise ValidationError(
                    self.env._("The refund days cannot be negative and the payment delay is at least one day.")
                )
