from odoo import fields, models


class ChildcareAttendanceSheetReopen(models.TransientModel):
    _name = "childcare.attendance.sheet.reopen"
    _description = "Reopen validated attendance sheets"

    sheet_ids = fields.Many2many(
        "childcare.attendance.sheet",
        "childcare_attendance_sheet_reopen_rel",
        "wizard_id",
        "sheet_id",
        string="Sheets",
        required=True,
    )
    reason = fields.Text(required=True, help="Logged on each sheet: why the validated month must change.")

    def action_confirm(self):
        self.ensure_one()
        self.sheet_ids._reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
