from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ChildcareApplicationPoint(models.Model):
    _name = "childcare.application.point"
    _description = "Points of an application for one criterion"
    _inherit = ["childcare.guard.mixin"]
    _order = "application_id, sequence, id"

    application_id = fields.Many2one("childcare.application", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="application_id.company_id", store=True, index=True)
    criterion_id = fields.Many2one(
        "childcare.priority.criterion",
        ondelete="restrict",
        index=True,
        help="Empty for a manual adjustment, which needs a justification.",
    )
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    apply_mode = fields.Selection(related="criterion_id.apply_mode")
    is_manual = fields.Boolean(compute="_compute_is_manual", store=True)
    is_met = fields.Boolean(string="Met")
    value = fields.Float(string="Answer", digits=(6, 2), help="Answer on the criterion's numeric scale.")
    points = fields.Float(compute="_compute_points", store=True, readonly=False, digits=(6, 2))
    justification = fields.Text(groups="base.group_user", help="Internal: never shown to the family.")

    @api.depends("criterion_id")
    def _compute_is_manual(self):
        for line in self:
            line.is_manual = not line.criterion_id

    @api.depends("is_met", "value", "criterion_id")
    def _compute_points(self):
        # The points follow the answer with the criterion's weight of that moment: changing a criterion later
        # does not rewrite decided files (the refresh of open applications does).
        for line in self:
            if line.criterion_id:
                line.points = line.criterion_id._points_for(line.is_met, line.value)
            else:
                line.points = line.points or 0.0

    @api.depends("criterion_id", "justification")
    def _compute_display_name(self):
        internal = self.env.su or self.env.user._is_internal()
        for line in self:
            justification = line.justification if internal else False
            line.display_name = line.criterion_id.name or justification or _("Manual adjustment")

    @api.constrains("criterion_id", "justification", "points")
    def _check_justification(self):
        for line in self:
            if not line.criterion_id and not (line.justification or "").strip():
                raise ValidationError(_("A manual points adjustment needs a justification."))
