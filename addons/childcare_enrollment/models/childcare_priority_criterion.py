from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

APPLY_MODES = [
    ("boolean", "Yes/no answer"),
    ("scale", "Numeric scale"),
    ("computed", "Computed"),
]
COMPUTED_RULES = [
    ("sibling", "Sibling already enrolled in the chosen structure"),
    ("resident", "Resident of the municipality"),
    ("single_parent", "Single-parent family"),
    ("working_parents", "Both parents working or studying"),
    ("disability", "Disability"),
    ("social_referral", "Social-service referral"),
]


class ChildcarePriorityCriterion(models.Model):
    _name = "childcare.priority.criterion"
    _description = "Admission priority criterion"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short stable code used in exports and reports.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True, help="What the commission checks, shown to families.")
    points = fields.Float(
        required=True,
        default=1.0,
        digits=(6, 2),
        tracking=True,
        help="Points given when the criterion is met, or per unit of the numeric scale.",
    )
    apply_mode = fields.Selection(APPLY_MODES, string="Applies as", required=True, default="boolean", tracking=True)
    scale_max = fields.Float(
        string="Scale maximum",
        digits=(6, 2),
        tracking=True,
        help="Numeric scale: the answer is capped at this value (0: no cap).",
    )
    computed_rule = fields.Selection(COMPUTED_RULES, string="Rule", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="Leave empty to share the criterion between all municipalities.",
    )

    _code_company_uniq = models.UniqueIndex(
        "(code, COALESCE(company_id, 0))",
        "A criterion code is used only once per municipality.",
    )

    @api.constrains("apply_mode", "computed_rule")
    def _check_computed_rule(self):
        for criterion in self:
            if criterion.apply_mode == "computed" and not criterion.computed_rule:
                raise ValidationError(_("The computed criterion %s needs a rule.", criterion.name))

    def _points_for(self, is_met, value):
        """Points of this criterion for an answer (``is_met`` for yes/no and computed, ``value`` for a scale)."""
        self.ensure_one()
        if self.apply_mode == "scale":
            value = max(value or 0.0, 0.0)
            if self.scale_max:
                value = min(value, self.scale_max)
            return round(value * self.points, 2)
        return self.points if is_met else 0.0
