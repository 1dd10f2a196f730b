from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import _

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ChildcareEnrollmentSchedule(models.Model):
    _name = "childcare.enrollment.schedule"
    _description = "Weekly schedule slot of a placement contract or an application"
    _inherit = ["childcare.guard.mixin"]
    _order = "weekday, hour_from, id"

    enrollment_id = fields.Many2one("childcare.enrollment", ondelete="cascade", index=True)
    application_id = fields.Many2one("childcare.application", ondelete="cascade", index=True)
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        string="Municipality",
    )
    weekday = fields.Selection(WEEKDAYS, required=True, default="0")
    hour_from = fields.Float(string="From", required=True, default=8.0)
    hour_to = fields.Float(string="To", required=True, default=17.0)
    hours = fields.Float(compute="_compute_hours", store=True)

    _hours_range = models.Constraint(
        "CHECK (hour_from >= 0 AND hour_to <= 24 AND hour_from < hour_to)",
        "A schedule slot lies within the day and starts before it ends.",
    )
    _one_parent = models.Constraint(
        "CHECK (enrollment_id IS NOT NULL OR application_id IS NOT NULL)",
        "A schedule slot belongs to a placement contract or an application.",
    )

    @api.depends("enrollment_id.company_id", "application_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = line.enrollment_id.company_id or line.application_id.company_id

    @api.depends("hour_from", "hour_to")
    def _compute_hours(self):
        for line in self:
            line.hours = max(line.hour_to - line.hour_from, 0.0)

    @api.constrains("weekday", "hour_from", "hour_to", "enrollment_id", "application_id")
    def _check_overlap(self):
        for line in self:
            siblings = (
                line.enrollment_id.schedule_line_ids if line.enrollment_id else line.application_id.schedule_line_ids
            ) - line
            for other in siblings:
                if other.weekday == line.weekday and other.hour_from < line.hour_to and line.hour_from < other.hour_to:
                    raise ValidationError(
                        _(
                            "Two schedule slots overlap on %(day)s.",
                            day=dict(self._fields["weekday"]._description_selection(self.env))[line.weekday],
                        )
                    )
