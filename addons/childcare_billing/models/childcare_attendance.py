from odoo import api, fields, models

#: a main meal is taken by a child present across lunch: arrived by 12:00, left from 13:00 (local time)
LUNCH_START, LUNCH_END = 12.0, 13.0


class ChildcareAttendance(models.Model):
    _inherit = "childcare.attendance"

    has_meal = fields.Boolean(
        string="Meal",
        compute="_compute_has_meal",
        store=True,
        readonly=False,
        help="A main meal was served (present across lunch by default; correct it by hand when needed).",
    )

    @api.depends("check_in", "check_out", "absence_reason", "structure_id.tz")
    def _compute_has_meal(self):
        for attendance in self:
            attendance.has_meal = bool(
                attendance.absence_reason == "none"
                and attendance.check_in
                and attendance.check_out
                and attendance.hour_in <= LUNCH_START
                and attendance.hour_out >= LUNCH_END
            )
