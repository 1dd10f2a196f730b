from odoo import api, fields, models

RELATIONSHIPS = [
    ("mother", "Mother"),
    ("father", "Father"),
    ("legal_guardian", "Legal guardian"),
    ("foster", "Foster parent"),
    ("partner", "Partner of a parent"),
    ("other", "Other"),
]


class ChildcareFamilyGuardian(models.Model):
    _name = "childcare.family.guardian"
    _description = "Guardian of a family"
    _inherit = ["childcare.guard.mixin"]
    _order = "family_id, sequence, id"

    family_id = fields.Many2one("childcare.family", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="family_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one("res.partner", string="Guardian", required=True, index=True, ondelete="restrict")
    relationship = fields.Selection(RELATIONSHIPS, required=True, default="mother")
    email = fields.Char(related="partner_id.email", readonly=False)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    is_working_or_studying = fields.Boolean(
        string="Works or studies",
        help="Used by the admission priority criteria.",
    )
    has_portal_access = fields.Boolean(compute="_compute_has_portal_access")

    _family_partner_uniq = models.Constraint(
        "UNIQUE(family_id, partner_id)",
        "A person is listed only once as guardian of a family.",
    )

    @api.depends("partner_id.user_ids")
    def _compute_has_portal_access(self):
        for guardian in self:
            guardian.has_portal_access = bool(guardian.partner_id.sudo().user_ids)
