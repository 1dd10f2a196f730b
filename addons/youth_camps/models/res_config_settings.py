from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    camp_refund_days_default = fields.Integer(related="company_id.camp_refund_days_default", readonly=False)
    camp_payment_days_default = fields.Integer(related="company_id.camp_payment_days_default", readonly=False)
