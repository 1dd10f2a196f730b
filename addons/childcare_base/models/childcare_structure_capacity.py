from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ChildcareStructureCapacity(models.Model):
    _name = "childcare.structure.capacity"
    _description = "Capacity of a structure for one age group"
    _inherit = ["childcare.guard.mixin"]
    _order = "structure_id, age_min_months, id"

    structure_id = fields.Many2one("childcare.structure", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="structure_id.company_id", store=True, index=True)
    name = fields.Char(string="Age group", required=True, translate=True)
    age_min_months = fields.Integer(string="From (months)", required=True, default=0)
    age_max_months = fields.Integer(string="To (months)", required=True, default=36)
    places = fields.Integer(required=True, default=0)

    _places_positive = models.Constraint("CHECK (places >= 0)", "The number of places cannot be negative.")

    @api.constrains("age_min_months", "age_max_months")
    def _check_age_range(self):
        for line in self:
            if line.age_min_months < 0 or line.age_min_months > line.age_max_months:
                raise ValidationError(
                    _(
                        "Age group %(group)s: the minimum age (%(min)s months) must not exceed the maximum age "
                        "(%(max)s months).",
                        group=line.name,
                        min=line.age_min_months,
                        max=line.age_max_months,
                    )
                )
