from odoo import api, fields, models


class ChildcareFamilyChild(models.Model):
    _name = "childcare.family.child"
    _description = "Child of a family, with the custody share billed to that family"
    _inherit = ["childcare.guard.mixin"]
    _order = "family_id, child_id"
    _rec_name = "child_id"

    family_id = fields.Many2one("childcare.family", required=True, ondelete="cascade", index=True)
    child_id = fields.Many2one("childcare.child", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="family_id.company_id", store=True, index=True)
    custody_share = fields.Float(
        string="Custody share (%)",
        required=True,
        default=100.0,
        digits=(5, 2),
        help="Part of the child's care billed to this family. The shares of all families of a child make 100 %.",
    )
    child_birthdate = fields.Date(related="child_id.birthdate")
    child_school_level = fields.Selection(related="child_id.school_level")

    _family_child_uniq = models.Constraint(
        "UNIQUE(family_id, child_id)",
        "A child is linked only once to the same family.",
    )
    _share_range = models.Constraint(
        "CHECK (custody_share > 0 AND custody_share <= 100)",
        "A custody share lies between 0 and 100 %.",
    )

    @api.constrains("custody_share", "child_id")
    def _check_custody_total(self):
        self.child_id._check_custody_total()
