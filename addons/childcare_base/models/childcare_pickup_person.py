from odoo import fields, models


class ChildcarePickupPerson(models.Model):
    _name = "childcare.pickup.person"
    _description = "Person authorised to pick up a child"
    _inherit = ["childcare.guard.mixin"]
    _order = "child_id, sequence, id"

    child_id = fields.Many2one("childcare.child", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="child_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    relationship = fields.Char(help="e.g. grandmother, neighbour, older brother")
    phone = fields.Char()
    id_document = fields.Char(string="ID document number")
    pin = fields.Char(
        string="PIN",
        size=6,
        copy=False,
        groups="childcare_base.group_childcare_structure",
        help="Optional code the person types on the structure's kiosk when picking up the child.",
    )
    active = fields.Boolean(default=True)
