from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools.translate import _


class ChildcareMedicalSheet(models.Model):
    _name = "childcare.medical.sheet"
    _description = "Medical sheet of a child"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _order = "date_valid_until desc, id desc"
    # Health data (allergies, diet, treatments, vaccinations) is never tracked: tracking copies the old and
    # new values into the chatter, which every reader of the sheet and its followers receive.

    child_id = fields.Many2one("childcare.child", required=True, ondelete="cascade", index=True, tracking=True)
    company_id = fields.Many2one(related="child_id.company_id", store=True, index=True)
    allergies = fields.Text()
    diet = fields.Text(string="Diet")
    treatments = fields.Text(string="Treatments and medication")
    doctor_name = fields.Char(string="Doctor")
    doctor_phone = fields.Char(string="Doctor's phone")
    contact_ids = fields.One2many("childcare.medical.contact", "sheet_id", string="Emergency contacts", copy=True)
    is_vaccination_up_to_date = fields.Boolean(string="Vaccinations up to date")
    date_valid_until = fields.Date(
        string="Valid until",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(years=1),
    )
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )

    @api.depends("child_id")
    def _compute_display_name(self):
        # sudo: whoever may read a sheet may know whose it is (medical staff need not read the registry).
        for sheet in self:
            sheet.display_name = _("Medical sheet of %s", sheet.sudo().child_id.name)

    @api.depends("date_valid_until")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for sheet in self:
            sheet.state = "valid" if sheet.date_valid_until and sheet.date_valid_until >= today else "expired"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        values = {value} if isinstance(value, str) else set(value)
        want_valid = "valid" in values
        if operator in ("!=", "not in"):
            want_valid = not want_valid
        today = fields.Date.context_today(self)
        return [("date_valid_until", ">=" if want_valid else "<", today)]
