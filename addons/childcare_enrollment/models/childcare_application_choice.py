from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

ALLOCATION_STATUSES = [
    ("placed", "Place given"),
    ("full", "Full"),
    ("waiting", "Waiting list"),
    ("no_age_group", "No age group"),
    ("no_places", "No place available"),
    ("not_reached", "Not needed"),
]


class ChildcareApplicationChoice(models.Model):
    _name = "childcare.application.choice"
    _description = "Ranked structure choice of an application"
    _inherit = ["childcare.guard.mixin"]
    _order = "application_id, rank, id"
    _rec_name = "structure_id"

    application_id = fields.Many2one("childcare.application", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="application_id.company_id", store=True, index=True)
    rank = fields.Integer(required=True, default=1, help="1 is the family's preferred structure.")
    structure_id = fields.Many2one("childcare.structure", required=True, index=True, ondelete="restrict")
    capacity_id = fields.Many2one(
        "childcare.structure.capacity",
        string="Age group",
        compute="_compute_capacity_id",
        store=True,
        index=True,
        help="Age group of the structure that takes the child at the desired start date.",
    )
    allocation_status = fields.Selection(ALLOCATION_STATUSES, readonly=True, copy=False)
    waiting_position = fields.Integer(readonly=True, copy=False, help="Position on this structure's waiting list.")
    application_state = fields.Selection(related="application_id.state")
    application_score = fields.Float(related="application_id.score")

    _application_structure_uniq = models.Constraint(
        "UNIQUE(application_id, structure_id)",
        "Each structure can be chosen only once per application.",
    )
    _rank_positive = models.Constraint("CHECK (rank > 0)", "The rank of a choice starts at 1.")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_new_structures([(vals.get("application_id"), vals.get("structure_id")) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("structure_id"):
            self._check_new_structures(
                [(choice.application_id.id, vals["structure_id"]) for choice in self], replaced=self
            )
        return super().write(vals)

    @api.model
    def _check_new_structures(self, pairs, replaced=None):
        """Refuse, before anything is written, a structure chosen twice in the same application."""
        pairs = [(app_id, structure_id) for app_id, structure_id in pairs if app_id and structure_id]
        if not pairs:
            return
        taken = defaultdict(set)
        existing = self.sudo().search([("application_id", "in", list({app_id for app_id, _s in pairs}))])
        for choice in existing - (replaced or self.browse()):
            taken[choice.application_id.id].add(choice.structure_id.id)
        for app_id, structure_id in pairs:
            if structure_id in taken[app_id]:
                raise ValidationError(
                    _(
                        "%s is chosen twice: rank each structure only once.",
                        self.env["childcare.structure"].sudo().browse(structure_id).name,
                    )
                )
            taken[app_id].add(structure_id)

    @api.depends(
        "structure_id.capacity_ids.age_min_months",
        "structure_id.capacity_ids.age_max_months",
        "application_id.date_start",
        "application_id.child_id.birthdate",
    )
    def _compute_capacity_id(self):
        for choice in self:
            application = choice.application_id
            if not (application.child_id and application.date_start and choice.structure_id):
                choice.capacity_id = False
                continue
            age = application.child_id.age_months_on(application.date_start)
            choice.capacity_id = choice.structure_id.sudo().capacity_for_age(age)
