from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    childcare_structure_ids = fields.Many2many(
        "childcare.structure",
        "childcare_structure_staff_rel",
        "user_id",
        "structure_id",
        string="Childcare structures",
        help="Structures this user works in (as staff).",
    )
