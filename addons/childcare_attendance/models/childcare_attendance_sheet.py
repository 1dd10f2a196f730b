import calendar
import io
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.childcare_attendance.tools.billable import Day, billable_month
from odoo.addons.childcare_base.models.childcare_guard_mixin import FOREIGN_PREFIXES, MANAGER_GROUP
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import split_every
from odoo.tools.translate import _

SHEET_STATES = [("draft", "Draft"), ("submitted", "Submitted"), ("validated", "Validated")]
STRUCTURE_GROUP = "childcare_base.group_childcare_structure"
#: the workflow, its stamps and the totals: written only by the sheet's own methods, under sudo, after
#: they checked the user's group and right to change the sheet
SHEET_SYSTEM_FIELDS = (
    "state",
    "submitted_by_id",
    "date_submitted",
    "validated_by_id",
    "date_validated",
    "date_computed",
    "contracted_hours",
    "attended_hours",
    "extra_hours",
    "billable_hours",
    "missing_check_out_count",
    "unrecorded_count",
    "line_ids",
)
BATCH_SIZE = 50


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class ChildcareAttendanceSheet(models.Model):
    _name = "childcare.attendance.sheet"
    _description = "Monthly attendance sheet of a structure"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_month desc, structure_id"
    _check_company_auto = True
    _childcare_system_fields = SHEET_SYSTEM_FIELDS
    # Structure staff create the sheets of their own structures (the record rules check it); moving a
    # sheet to another structure or month afterwards is for municipal staff, on a draft sheet.
    _childcare_manager_fields = ("structure_id", "date_month")

    name = fields.Char(compute="_compute_name", store=True)
    structure_id = fields.Many2one(
        "childcare.structure",
        string="Structure",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="structure_id.company_id", store=True, index=True, precompute=True)
    director_id = fields.Many2one(related="structure_id.director_id", string="Director")
    date_month = fields.Date(string="Month", required=True, index=True, help="First day of the month the sheet covers.")
    date_end = fields.Date(compute="_compute_date_end", string="Last day")
    state = fields.Selection(SHEET_STATES, required=True, default="draft", tracking=True, copy=False)
    line_ids = fields.One2many("childcare.attendance.sheet.line", "sheet_id", string="Totals per child")
    attendance_ids = fields.One2many(
        "childcare.attendance",
        compute="_compute_attendance_ids",
        string="Attendance lines",
    )
    attendance_count = fields.Integer(compute="_compute_attendance_ids")
    contracted_hours = fields.Float(compute="_compute_totals", store=True, digits=(16, 2))
    attended_hours = fields.Float(compute="_compute_totals", store=True, digits=(16, 2))
    extra_hours = fields.Float(compute="_compute_totals", store=True, digits=(16, 2))
    billable_hours = fields.Float(compute="_compute_totals", store=True, digits=(16, 2))
    missing_check_out_count = fields.Integer(compute="_compute_totals", store=True)
    unrecorded_count = fields.Integer(compute="_compute_totals", store=True, string="Days not recorded")
    date_computed = fields.Datetime(string="Totals computed on", readonly=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_submitted = fields.Datetime(readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_validated = fields.Datetime(readonly=True, copy=False)

    _structure_month_uniq = models.Constraint(
        "UNIQUE (structure_id, date_month)",
        "A structure has one attendance sheet per month.",
    )

    @api.depends("structure_id.name", "date_month")
    def _compute_name(self):
        for sheet in self:
            month = sheet.date_month.strftime("%Y-%m") if sheet.date_month else ""
            sheet.name = f"{sheet.structure_id.name or ''} {month}".strip()

    @api.depends("date_month")
    def _compute_date_end(self):
        for sheet in self:
            sheet.date_end = sheet.date_month and month_end(sheet.date_month)

    def _compute_attendance_ids(self):
        for sheet in self:
            sheet.attendance_ids = (
                self.env["childcare.attendance"].search(
                    [
                        ("structure_id", "=", sheet.structure_id.id),
                        ("date", ">=", sheet.date_month),
                        ("date", "<=", month_end(sheet.date_month)),
                    ]
                )
                if sheet.date_month
                else False
            )
            sheet.attendance_count = len(sheet.attendance_ids)

    @api.depends(
        "line_ids.contracted_hours",
        "line_ids.attended_hours",
        "line_ids.extra_hours",
        "line_ids.billable_hours",
        "line_ids.missing_check_out_count",
        "line_ids.unrecorded_count",
    )
    def _compute_totals(self):
        for sheet in self:
            lines = sheet.line_ids
            sheet.contracted_hours = sum(lines.mapped("contracted_hours"))
            sheet.attended_hours = sum(lines.mapped("attended_hours"))
            sheet.extra_hours = sum(lines.mapped("extra_hours"))
            sheet.billable_hours = sum(lines.mapped("billable_hours"))
            sheet.missing_check_out_count = sum(lines.mapped("missing_check_out_count"))
            sheet.unrecorded_count = sum(lines.mapped("unrecorded_count"))

    @api.constrains("date_month")
    def _check_date_month(self):
        for sheet in self:
            if sheet.date_month.day != 1:
                raise ValidationError(_("An attendance sheet starts on the first day of a month."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_month"):
                vals["date_month"] = fields.Date.to_date(vals["date_month"]).replace(day=1)
        # (a context default of a system field, e.g. default_state, is dropped by the guard mixin)
        return super().create(vals_list)

    def write(self, vals):
        own = {name for name in vals if not name.startswith(FOREIGN_PREFIXES)}
        if own:
            self._childcare_check_fields(vals)  # the user's role first: the clearer refusal
            # A validated sheet changes only by being reopened (``_reopen``: the one write under sudo that
            # takes it back to draft). Everything else, by anybody, is refused; the chatter stays open.
            reopening = self.env.su and vals.get("state") == "draft"
            if not reopening and any(sheet.state == "validated" for sheet in self):
                raise UserError(_("A validated attendance sheet cannot be changed; a manager may reopen it."))
            if {"structure_id", "date_month"} & own and any(sheet.state != "draft" for sheet in self):
                raise UserError(_("Only a draft attendance sheet can move to another structure or month."))
        return super().write(vals)

    def unlink(self):
        if any(sheet.state == "validated" for sheet in self):
            raise UserError(_("A validated attendance sheet cannot be deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ generation
    @api.model
    def _generate_month(self, month, structures=None):
        """Create the missing sheets of ``month`` for ``structures`` (default: every structure with an
        enrollment that month) and (re)compute the totals of those still in draft."""
        month = fields.Date.to_date(month).replace(day=1)
        if structures is None:
            structures = (
                self.env["childcare.enrollment"]
                .search(
                    [
                        ("state", "in", ("running", "ended")),
                        ("date_start", "<=", month_end(month)),
                        "|",
                        ("date_end", "=", False),
                        ("date_end", ">=", month),
                    ]
                )
                .structure_id
            )
        existing = self.search([("structure_id", "in", structures.ids), ("date_month", "=", month)])
        missing = structures - existing.structure_id
        sheets = existing | self.create([{"structure_id": s.id, "date_month": month} for s in missing])
        sheets.filtered(lambda s: s.state == "draft")._compute_lines()
        return sheets

    @api.model
    def _cron_generate_previous_month(self):
        today = fields.Date.context_today(self)
        self._generate_month(today.replace(day=1) - relativedelta(months=1))

    def _compute_lines(self):
        """(Re)build the totals per child of draft sheets the user may change."""
        if any(sheet.state != "draft" for sheet in self):
            raise UserError(_("Only draft attendance sheets can be recomputed."))
        self.check_access("write")
        self._rebuild_lines()

    def _rebuild_lines(self):
        """(Re)build the totals per child, in batches that read everything up front.

        The callers checked the state of the sheets and the user's right to change them: the totals are
        computed and written under sudo, from every attendance line and contract of the month, so that
        they never depend on what the user happens to see.
        """
        sheets = self.sudo()
        by_month = defaultdict(list)
        for sheet in sheets:
            by_month[sheet.date_month].append(sheet.id)
        for month, sheet_ids in by_month.items():
            for batch in split_every(BATCH_SIZE, sheet_ids, sheets.browse):
                batch._compute_lines_of_month(month)

    def _compute_lines_of_month(self, month):
        date_from, date_to = month, month_end(month)
        structures = self.structure_id
        Enrollment = self.env["childcare.enrollment"]
        Attendance = self.env["childcare.attendance"]
        closed = structures._closed_days(date_from, date_to)
        enrollments = Enrollment.search(
            [
                ("structure_id", "in", structures.ids),
                ("state", "in", ("running", "ended")),
                ("date_start", "<=", date_to),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", date_from),
            ],
            order="structure_id, child_id, date_start",
        )
        attendances = self._month_attendance()
        # the lines follow the contracts as they are now (they may have changed while the month was locked)
        attendances._refresh_enrollment()
        attendances.fetch(["enrollment_id", "date", "absence_reason", "attended_hours", "is_missing_check_out"])
        by_enrollment = defaultdict(dict)
        for attendance in attendances:
            by_enrollment[attendance.enrollment_id.id][attendance.date] = attendance
        holidays_before = (
            {
                (child.id, structure.id): count
                for child, structure, count in Attendance._read_group(
                    [
                        ("structure_id", "in", structures.ids),
                        ("absence_reason", "=", "holiday_announced"),
                        ("date", ">=", date_from.replace(month=1)),
                        ("date", "<", date_from),
                    ],
                    ["child_id", "structure_id"],
                    ["__count"],
                )
            }
            if date_from.month > 1
            else {}
        )
        rules = {structure.id: structure._billing_rule() for structure in structures}
        sheet_by_structure = {sheet.structure_id.id: sheet for sheet in self}
        month_days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]

        line_vals = []
        for enrollment in enrollments:
            structure_id = enrollment.structure_id.id
            recorded = by_enrollment.get(enrollment.id, {})
            closed_days = closed[structure_id]
            days, missing_check_out = [], 0
            for day in month_days:
                if day < enrollment.date_start or (enrollment.date_end and day > enrollment.date_end):
                    continue
                expected = enrollment._expected_hours(day)
                attendance = recorded.get(day)
                if attendance:
                    missing_check_out += attendance.is_missing_check_out
                    days.append(
                        Day(
                            day,
                            expected,
                            attendance.attended_hours if attendance.absence_reason == "none" else 0.0,
                            attendance.absence_reason,
                        )
                    )
                elif expected:
                    days.append(Day(day, expected, 0.0, "closure" if day in closed_days else "unrecorded"))
            totals = billable_month(
                days,
                rules[structure_id],
                holiday_days_used_before=holidays_before.get((enrollment.child_id.id, structure_id), 0),
            )
            counts = totals.absence_counts
            line_vals.append(
                {
                    "sheet_id": sheet_by_structure[structure_id].id,
                    "enrollment_id": enrollment.id,
                    "child_id": enrollment.child_id.id,
                    "contracted_hours": totals.contracted_hours,
                    "attended_hours": totals.attended_hours,
                    "rounded_hours": totals.rounded_hours,
                    "extra_hours": totals.extra_hours,
                    "billable_hours": totals.billable_hours,
                    "excused_hours": totals.excused_hours,
                    "days_present": totals.days_present,
                    "sick_certificate_count": counts["sick_certificate"],
                    "sick_no_certificate_count": counts["sick_no_certificate"],
                    "holiday_announced_count": counts["holiday_announced"],
                    "holiday_free_count": totals.holiday_days_used,
                    "closure_count": counts["closure"],
                    "unjustified_count": counts["unjustified"],
                    "unrecorded_count": counts["unrecorded"],
                    "missing_check_out_count": missing_check_out,
                }
            )
        # sudo: the totals are written by this rule only (nobody may write them: they are system fields of
        # the sheet and the lines are read-only for every group); the callers checked the user's rights.
        self.sudo().line_ids.unlink()
        self.env["childcare.attendance.sheet.line"].sudo().create(line_vals)
        self.sudo().date_computed = fields.Datetime.now()

    def _month_attendance(self):
        """Every attendance line of the structures and months of these sheets, under sudo (the callers
        checked the user's rights on the sheets)."""
        by_month = defaultdict(set)
        for sheet in self:
            by_month[sheet.date_month].add(sheet.structure_id.id)
        if not by_month:
            return self.env["childcare.attendance"].sudo()
        return (
            self.env["childcare.attendance"]
            .sudo()
            .search(
                Domain.OR(
                    Domain("structure_id", "in", list(structure_ids))
                    & Domain("date", ">=", month)
                    & Domain("date", "<=", month_end(month))
                    for month, structure_ids in by_month.items()
                )
            )
        )

    # ------------------------------------------------------------------ workflow
    def _check_transition_rights(self, manager=False):
        """The user belongs to the group of the transition (structure staff, or municipal staff when
        ``manager``) and may change these sheets (access rights and record rules)."""
        if not self.env.su:
            if manager and not self.env.user.has_group(MANAGER_GROUP):
                raise AccessError(_("Only municipal staff may validate or reopen an attendance sheet."))
            if not self.env.user.has_group(STRUCTURE_GROUP):
                raise AccessError(
                    _("Only the staff of the structure may submit an attendance sheet or set it back to draft.")
                )
        self.check_access("write")

    def _check_complete(self, validating=False):
        """Refuse the sheets whose freshly computed totals still have missing check-outs or expected days
        not recorded, and those of a month with attendance lines that no contract covers (they would be
        billed nowhere)."""
        for sheet in self:
            if sheet.missing_check_out_count or sheet.unrecorded_count:
                values = {
                    "sheet": sheet.name,
                    "missing": sheet.missing_check_out_count,
                    "unrecorded": sheet.unrecorded_count,
                }
                if validating:
                    raise UserError(
                        _(
                            "%(sheet)s cannot be validated: %(missing)s check-out(s) are missing and %(unrecorded)s "
                            "expected day(s) are not recorded. Set it back to draft so that the structure "
                            "completes it.",
                            **values,
                        )
                    )
                raise UserError(
                    _(
                        "%(sheet)s cannot be submitted yet: %(missing)s check-out(s) are missing and %(unrecorded)s "
                        "expected day(s) are not recorded. Complete the day grids first.",
                        **values,
                    )
                )
            uncovered = sheet._month_attendance().filtered(lambda attendance: not attendance.enrollment_id)
            if uncovered:
                raise UserError(
                    _(
                        "%(sheet)s: no placement contract covers the attendance of %(days)s. Correct the contracts "
                        "(or delete these lines) first.",
                        sheet=sheet.name,
                        days=", ".join(
                            f"{attendance.child_id.name} {attendance.date}" for attendance in uncovered.sorted("date")
                        ),
                    )
                )

    def action_compute(self):
        self._compute_lines()
        return True

    def action_submit(self):
        """Structure staff hand the month over: the totals are computed again and the attendance of the
        month is locked until the sheet goes back to draft."""
        self._check_transition_rights()
        if any(sheet.state != "draft" for sheet in self):
            raise UserError(_("Only draft sheets can be submitted."))
        self._rebuild_lines()
        self._check_complete()
        # sudo: state and stamps are system fields; the rights were checked above
        self.sudo().write(
            {
                "state": "submitted",
                "submitted_by_id": self.env.user.id,
                "date_submitted": fields.Datetime.now(),
            }
        )
        return True

    def action_back_to_draft(self):
        self._check_transition_rights()
        if any(sheet.state != "submitted" for sheet in self):
            raise UserError(_("Only submitted sheets can be set back to draft; a validated one must be reopened."))
        # sudo: the state is a system field; the rights were checked above
        self.sudo().write({"state": "draft"})
        return True

    def action_validate(self):
        """Municipal staff freeze the month for billing, with totals computed again from the attendance
        as it is now (it may have changed while the sheet was submitted: contracts, closures)."""
        self._check_transition_rights(manager=True)
        if any(sheet.state != "submitted" for sheet in self):
            raise UserError(_("Only submitted sheets can be validated."))
        self._rebuild_lines()
        self._check_complete(validating=True)
        # sudo: state and stamps are system fields; the rights were checked above
        self.sudo().write(
            {
                "state": "validated",
                "validated_by_id": self.env.user.id,
                "date_validated": fields.Datetime.now(),
            }
        )
        return True

    def action_reopen(self):
        self._check_transition_rights(manager=True)
        return {
            "type": "ir.actions.act_window",
            "name": _("Reopen attendance sheet"),
            "res_model": "childcare.attendance.sheet.reopen",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sheet_ids": self.ids},
        }

    def _reopen(self, reason):
        """Back to draft, by a manager, with the reason logged on the sheet."""
        self._check_transition_rights(manager=True)
        if not (reason or "").strip():
            raise UserError(_("Give the reason for reopening the sheet."))
        if any(sheet.state != "validated" for sheet in self):
            raise UserError(_("Only validated sheets can be reopened."))
        # sudo: state and stamps are system fields; the rights were checked above
        self.sudo().write(
            {
                "state": "draft",
                "validated_by_id": False,
                "date_validated": False,
            }
        )
        for sheet in self:
            sheet.message_post(
                body=_("Sheet reopened by %(user)s. Reason: %(reason)s", user=self.env.user.name, reason=reason)
            )
        return True

    def action_view_attendance(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Attendance of %s", self.name),
            "res_model": "childcare.attendance",
            "view_mode": "list,calendar,form",
            "domain": [
                ("structure_id", "=", self.structure_id.id),
                ("date", ">=", self.date_month),
                ("date", "<=", self.date_end),
            ],
            "context": {"default_structure_id": self.structure_id.id},
        }

    def action_export_xlsx(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": f"/childcare/attendance/sheet/{self.id}/xlsx", "target": "self"}

    def _export_xlsx(self):
        """The sheet as an XLSX workbook (bytes): one row per child, the totals, the signatures."""
        self.ensure_one()
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        ws = workbook.add_worksheet(self.date_month.strftime("%Y-%m"))
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "0.00"})
        ws.write(0, 0, _("Attendance sheet"), bold)
        ws.write(0, 1, self.name)
        ws.write(1, 0, _("Structure"), bold)
        ws.write(1, 1, self.structure_id.name)
        ws.write(2, 0, _("Month"), bold)
        ws.write(2, 1, self.date_month.strftime("%m/%Y"))
        ws.write(3, 0, _("State"), bold)
        ws.write(3, 1, dict(self._fields["state"]._description_selection(self.env))[self.state])
        Line = self.env["childcare.attendance.sheet.line"]
        columns = [
            "contracted_hours",
            "attended_hours",
            "rounded_hours",
            "extra_hours",
            "billable_hours",
            "excused_hours",
            "days_present",
            "sick_certificate_count",
            "sick_no_certificate_count",
            "holiday_announced_count",
            "holiday_free_count",
            "closure_count",
            "unjustified_count",
            "unrecorded_count",
            "missing_check_out_count",
        ]
        header_row = 5
        ws.write(header_row, 0, _("Child"), bold)
        for col, name in enumerate(columns, start=1):
            ws.write(header_row, col, Line._fields[name]._description_string(self.env), bold)
        row = header_row
        for row, line in enumerate(self.line_ids, start=header_row + 1):
            ws.write(row, 0, line.child_id.name)
            for col, name in enumerate(columns, start=1):
                ws.write_number(row, col, line[name], number if name.endswith("_hours") else None)
        total_row = row + 1
        ws.write(total_row, 0, _("Total"), bold)
        for col, name in enumerate(columns, start=1):
            ws.write_number(
                total_row, col, sum(self.line_ids.mapped(name)), number if name.endswith("_hours") else None
            )
        ws.write(total_row + 2, 0, _("Director"), bold)
        ws.write(total_row + 2, 1, self.director_id.name or "")
        if self.validated_by_id:
            ws.write(total_row + 3, 0, _("Validated by"), bold)
            ws.write(total_row + 3, 1, f"{self.validated_by_id.name} ({self.date_validated:%Y-%m-%d})")
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(columns), 12)
        workbook.close()
        return output.getvalue()
