from odoo import api, models
from odoo.fields import Domain

#: the fields of a contract that decide which days it covers
COVERAGE_FIELDS = {"child_id", "structure_id", "date_start", "date_end", "state"}


class ChildcareEnrollment(models.Model):
    """Attendance lines follow the contracts: a contract amended, renewed or ended after days were
    recorded links those days to the contract that covers them now."""

    _inherit = "childcare.enrollment"

    @api.model_create_multi
    def create(self, vals_list):
        enrollments = super().create(vals_list)
        enrollments._relink_attendance(enrollments._coverage())
        return enrollments

    def write(self, vals):
        if not COVERAGE_FIELDS & set(vals):
            return super().write(vals)
        before = self._coverage()
        result = super().write(vals)
        self._relink_attendance(before + self._coverage())
        return result

    def _coverage(self):
        """What the contracts cover: [(child id, structure id, first day, last day or None)], for the
        contracts that cover days at all (running or ended)."""
        return [
            (enrollment.child_id.id, enrollment.structure_id.id, enrollment.date_start, enrollment.date_end or None)
            for enrollment in self.sudo()
            if enrollment.state in ("running", "ended") and enrollment.child_id and enrollment.date_start
        ]

    @api.model
    def _relink_attendance(self, coverage):
        """Link the attendance lines of ``coverage`` (see :meth:`_coverage`) again to the contract that
        covers their day, in one batch. The months whose sheet is submitted or validated keep their
        lines as they are: their totals are frozen (the sheet links them again when it is reopened)."""
        if not coverage:
            return
        # sudo: the link follows the contracts whoever changed them (municipal staff, or code under sudo);
        # every line of the child in that structure must follow, seen by the user or not.
        Attendance = self.env["childcare.attendance"].sudo()
        attendances = Attendance.search(
            Domain.OR(
                Domain("child_id", "=", child_id)
                & Domain("structure_id", "=", structure_id)
                & Domain("date", ">=", date_from)
                & (Domain("date", "<=", date_to) if date_to else Domain.TRUE)
                for child_id, structure_id, date_from, date_to in coverage
            )
        )
        if not attendances:
            return
        locked = Attendance._locked_sheets([(a.structure_id.id, a.date) for a in attendances])
        attendances.filtered(lambda a: (a.structure_id.id, a.date.replace(day=1)) not in locked)._refresh_enrollment()
