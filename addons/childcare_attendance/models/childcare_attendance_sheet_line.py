from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import _


class ChildcareAttendanceSheetLine(models.Model):
    """Totals of one enrollment (one child) on a monthly sheet.

    The values are written by :meth:`childcare.attendance.sheet._compute_lines` from the billable-hours
    rule (``tools/billable.py``) and frozen with the sheet: billing reads them, not the attendance lines.
    Nobody writes them but that computation (read-only for every group, written under sudo).
    """

    _name = "childcare.attendance.sheet.line"
    _description = "Monthly attendance totals of a child"
    _inherit = ["childcare.guard.mixin"]
    _order = "sheet_id, child_id, id"
    _rec_name = "child_id"

    sheet_id = fields.Many2one("childcare.attendance.sheet", required=True, index=True, ondelete="cascade")
    structure_id = fields.Many2one(related="sheet_id.structure_id", store=True, index=True)
    date_month = fields.Date(related="sheet_id.date_month", store=True, string="Month")
    company_id = fields.Many2one(related="sheet_id.company_id", store=True, index=True)
    state = fields.Selection(related="sheet_id.state", string="Sheet state")
    enrollment_id = fields.Many2one("childcare.enrollment", required=True, index=True, ondelete="restrict")
    child_id = fields.Many2one("childcare.child", required=True, index=True, ondelete="restrict")
    contracted_hours = fields.Float(digits=(16, 2), aggregator="sum")
    attended_hours = fields.Float(digits=(16, 2), aggregator="sum", help="Raw presence, before rounding.")
    rounded_hours = fields.Float(digits=(16, 2), aggregator="sum", string="Rounded presence")
    extra_hours = fields.Float(digits=(16, 2), aggregator="sum", help="Rounded presence beyond the contract.")
    billable_hours = fields.Float(digits=(16, 2), aggregator="sum")
    excused_hours = fields.Float(digits=(16, 2), aggregator="sum", help="Contracted hours of excused absences.")
    days_present = fields.Integer(aggregator="sum")
    sick_certificate_count = fields.Integer(string="Sick (certificate)", aggregator="sum")
    sick_no_certificate_count = fields.Integer(string="Sick (no certificate)", aggregator="sum")
    holiday_announced_count = fields.Integer(string="Holidays", aggregator="sum")
    holiday_free_count = fields.Integer(
        string="Free holidays", aggregator="sum", help="Announced holiday days within the yearly allowance."
    )
    closure_count = fields.Integer(string="Closure days", aggregator="sum")
    unjustified_count = fields.Integer(string="Unjustified", aggregator="sum")
    unrecorded_count = fields.Integer(string="Not recorded", aggregator="sum")
    missing_check_out_count = fields.Integer(string="Missing check-outs", aggregator="sum")

    def _check_sheet_open(self):
        """The totals are rebuilt on draft sheets, and once more under sudo when a submitted sheet is
        validated; the totals of a validated sheet never change."""
        if any(
            line.sheet_id.state == "validated" or (line.sheet_id.state != "draft" and not self.env.su) for line in self
        ):
            raise UserError(_("The totals of a submitted or validated attendance sheet cannot be changed."))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_sheet_open()
        return lines

    def write(self, vals):
        self._check_sheet_open()
        return super().write(vals)

    def unlink(self):
        self._check_sheet_open()
        return super().unlink()
