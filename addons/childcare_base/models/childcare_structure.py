from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

STRUCTURE_TYPES = [
    ("creche", "Crèche"),
    ("maison_relais", "Maison relais"),
    ("foyer_de_jour", "Foyer de jour"),
    ("mini_creche", "Mini-crèche"),
    ("assistant_parental", "Assistant parental"),
    ("camp_organiser", "Camp organiser"),
]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

#: Contractual terms of a structure and who works there: municipal staff only. Structure staff keep the
#: operational fields (address, phone, e-mail, notes). Extensions add their terms to this tuple.
STRUCTURE_MANAGER_FIELDS = (
    "name",
    "code",
    "structure_type",
    "company_id",
    "active",
    "director_id",
    "staff_ids",
    "capacity_ids",
    "child_ids",
    *(f"open_{day}" for day in WEEKDAYS),
    "hour_open",
    "hour_close",
    "tz",
)


class ChildcareStructure(models.Model):
    _name = "childcare.structure"
    _description = "Childcare structure"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True
    _childcare_manager_fields = STRUCTURE_MANAGER_FIELDS

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(help="Short code used on attendance sheets, invoices and exports.")
    active = fields.Boolean(default=True)
    structure_type = fields.Selection(STRUCTURE_TYPES, string="Type", required=True, default="creche", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    country_id = fields.Many2one("res.country", default=lambda self: self.env.company.country_id)
    phone = fields.Char()
    email = fields.Char()
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self.env.user.tz or "Europe/Brussels",
        help="Check-in and check-out times are entered and shown in this timezone.",
    )
    director_id = fields.Many2one("res.users", string="Director", tracking=True, domain=[("share", "=", False)])
    staff_ids = fields.Many2many(
        "res.users",
        "childcare_structure_staff_rel",
        "structure_id",
        "user_id",
        string="Staff",
        domain=[("share", "=", False)],
        help="Users who work in this structure: with the 'Structure staff' role they see only "
        "the structures they belong to and the children enrolled there.",
    )
    capacity_ids = fields.One2many("childcare.structure.capacity", "structure_id", string="Capacity per age group")
    capacity_total = fields.Integer(compute="_compute_capacity_total", store=True, string="Places")
    open_monday = fields.Boolean(default=True)
    open_tuesday = fields.Boolean(default=True)
    open_wednesday = fields.Boolean(default=True)
    open_thursday = fields.Boolean(default=True)
    open_friday = fields.Boolean(default=True)
    open_saturday = fields.Boolean()
    open_sunday = fields.Boolean()
    hour_open = fields.Float(string="Opens at", default=7.0)
    hour_close = fields.Float(string="Closes at", default=19.0)
    child_ids = fields.Many2many(
        "childcare.child",
        "childcare_child_structure_rel",
        "structure_id",
        "child_id",
        string="Children",
    )
    child_count = fields.Integer(compute="_compute_child_count")
    note = fields.Html()

    _hours_check = models.Constraint(
        "CHECK (hour_open >= 0 AND hour_close <= 24 AND hour_open < hour_close)",
        "Opening hours must lie within the day and open before they close.",
    )

    @api.depends("capacity_ids.places")
    def _compute_capacity_total(self):
        for structure in self:
            structure.capacity_total = sum(structure.capacity_ids.mapped("places"))

    def _compute_child_count(self):
        counts = dict(
            self.env["childcare.child"]._read_group(
                [("structure_ids", "in", self.ids)],
                ["structure_ids"],
                ["__count"],
            )
        )
        for structure in self:
            structure.child_count = counts.get(structure, 0)

    @api.constrains("director_id", "staff_ids", "company_id")
    def _check_users_company(self):
        for structure in self:
            users = structure.director_id | structure.staff_ids
            if any(structure.company_id not in user.company_ids for user in users):
                raise ValidationError(
                    _(
                        "The director and staff of %(structure)s must have access to %(company)s.",
                        structure=structure.name,
                        company=structure.company_id.name,
                    )
                )

    def is_open_on(self, day):
        """True when the structure opens on ``day`` (a date) by its weekly opening days."""
        self.ensure_one()
        return bool(self[f"open_{WEEKDAYS[day.weekday()]}"])

    def capacity_for_age(self, age_months):
        """The capacity line covering a child of ``age_months``, or an empty recordset."""
        self.ensure_one()
        return self.capacity_ids.filtered(lambda c: c.age_min_months <= age_months <= c.age_max_months)[:1]

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Children of %s", self.name),
            "res_model": "childcare.child",
            "view_mode": "list,kanban,form",
            "domain": [("structure_ids", "in", self.ids)],
            "context": {"default_structure_ids": [self.id]},
        }
