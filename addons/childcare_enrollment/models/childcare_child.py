from odoo import api, fields, models


class ChildcareChild(models.Model):
    _inherit = "childcare.child"

    enrollment_ids = fields.One2many("childcare.enrollment", "child_id", string="Placement contracts")
    application_ids = fields.One2many("childcare.application", "child_id", string="Applications")
    # Same relation as in the base; now driven by the placement contracts.
    structure_ids = fields.Many2many(
        "childcare.structure",
        "childcare_child_structure_rel",
        "child_id",
        "structure_id",
        compute="_compute_structure_ids",
        store=True,
        readonly=False,
        help="Structures of the child's draft or running placement contracts: their staff see the child and "
        "its family. A child without any contract keeps the structures set by hand.",
    )

    @api.depends("enrollment_ids.state", "enrollment_ids.structure_id")
    def _compute_structure_ids(self):
        for child in self:
            # sudo: the visibility of a child follows all its contracts, not only those the user can read.
            enrollments = child.sudo().enrollment_ids
            if enrollments:
                child.structure_ids = enrollments.filtered(lambda e: e.state in ("draft", "running")).structure_id
            else:
                child.structure_ids = child.structure_ids  # keep what was set by hand (or the default)
