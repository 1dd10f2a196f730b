from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ChildcareCommissionPlace(models.Model):
    _name = "childcare.commission.place"
    _description = "Places of one structure and age group in an admission session"
    _inherit = ["childcare.guard.mixin"]
    _order = "commission_id, structure_id, capacity_id"

    commission_id = fields.Many2one("childcare.commission", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="commission_id.company_id", store=True, index=True)
    structure_id = fields.Many2one("childcare.structure", required=True, index=True)
    capacity_id = fields.Many2one(
        "childcare.structure.capacity",
        string="Age group",
        required=True,
        index=True,
        domain="[('structure_id', '=', structure_id)]",
    )
    places_capacity = fields.Integer(related="capacity_id.places", string="Capacity")
    places_taken = fields.Integer(
        string="Taken",
        readonly=True,
        help="Contracts running at the start date and offers still open, counted when the places were loaded.",
    )
    places_available = fields.Integer(string="Available", help="Places the commission allocates (editable).")
    places_allocated = fields.Integer(string="Allocated", compute="_compute_allocation")
    waiting_count = fields.Integer(string="Waiting", readonly=True)
    cutoff_score = fields.Float(
        string="Cut-off score",
        readonly=True,
        digits=(8, 2),
        help="Lowest score that obtained a place in this age group.",
    )

    _commission_capacity_uniq = models.Constraint(
        "UNIQUE(commission_id, capacity_id)",
        "Each age group appears once per session.",
    )
    _available_positive = models.Constraint(
        "CHECK (places_available >= 0)", "The number of available places cannot be negative."
    )

    @api.depends("commission_id", "capacity_id")
    def _compute_allocation(self):
        # Counted on read (one grouped query), not stored: storing it would make every result write of the
        # allocation look up the sessions of each application.
        counts = {
            (commission.id, capacity.id): count
            for commission, capacity, count in self.env["childcare.application"]
            .sudo()
            ._read_group(
                [("commission_id", "in", self.commission_id.ids), ("allocation_capacity_id", "!=", False)],
                ["commission_id", "allocation_capacity_id"],
                ["__count"],
            )
        }
        for place in self:
            place.places_allocated = counts.get((place.commission_id.id, place.capacity_id.id), 0)

    @api.constrains("places_available", "capacity_id")
    def _check_places(self):
        for place in self:
            if place.places_available > place.capacity_id.places:
                raise ValidationError(
                    _(
                        "%(structure)s, %(group)s: %(available)s places exceed the capacity of %(capacity)s.",
                        structure=place.structure_id.name,
                        group=place.capacity_id.name,
                        available=place.places_available,
                        capacity=place.capacity_id.places,
                    )
                )
