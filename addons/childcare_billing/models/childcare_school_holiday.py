from datetime import timedelta

from odoo import api, fields, models


class ChildcareSchoolHoliday(models.Model):
    """School holidays of a municipality: the CSA frees hours and meals of school-age children in school
    weeks only, so billing needs to know which weeks are holidays."""

    _name = "childcare.school.holiday"
    _inherit = ["childcare.guard.mixin"]
    _description = "School holidays"
    _order = "date_from desc, id"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", string="Municipality", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)

    _dates_check = models.Constraint(
        "CHECK (date_to >= date_from)", "School holidays end on or after the day they start."
    )

    @api.model
    def _holidays(self, company, date_from, date_to):
        """The set of holiday dates of ``company`` between ``date_from`` and ``date_to``."""
        days = set()
        for holiday in self.sudo().search(
            [("company_id", "=", company.id), ("date_from", "<=", date_to), ("date_to", ">=", date_from)]
        ):
            day = max(holiday.date_from, date_from)
            while day <= min(holiday.date_to, date_to):
                days.add(day)
                day += timedelta(days=1)
        return days
