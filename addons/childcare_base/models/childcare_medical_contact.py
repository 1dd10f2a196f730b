from odoo import fields, models


class ChildcareMedicalContact(models.Model):
    _name = "childcare.medical.contact"
    _description = "Emergency contact on a medical sheet"
    _inherit = ["childcare.guard.mixin"]
    _order = "sheet_id, sequence, id"

    sheet_id = fields.Many2one("childcare.medical.sheet", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="sheet_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    relationship = fields.Char()
    phone = fields.Char(required=True)
