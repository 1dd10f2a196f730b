from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OCT, AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceSheet(AttendanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.structure_s1.write(
            {
                "attendance_billing_mode": "contracted",
                "attendance_rounding": "half",
                "attendance_holiday_days": 2,
            }
        )
        cls.env["childcare.structure.closure"].create(
            {
                "name": "Team training",
                "structure_id": cls.structure_s1.id,
                "date_from": date(2025, 10, 13),
                "date_to": date(2025, 10, 14),
            }
        )

    def record_month_a1(self):
        s1, a1 = self.structure_s1, self.child_a1
        self.present(a1, s1, date(2025, 10, 1), (7, 50), (12, 10))  # Wed, 4 h contract: 4 h 20 -> 4.5, extra 0.5
        self.absent(a1, s1, date(2025, 10, 2), "sick_certificate")  # excused
        self.absent(a1, s1, date(2025, 10, 3), "holiday_announced")  # free (1/2)
        self.absent(a1, s1, date(2025, 10, 6), "holiday_announced")  # free (2/2)
        self.absent(a1, s1, date(2025, 10, 7), "holiday_announced")  # beyond the allowance: billed
        self.absent(a1, s1, date(2025, 10, 8), "unjustified")  # Wed: 4 h billed
        self.absent(a1, s1, date(2025, 10, 9), "sick_no_certificate")  # billed
        self.present(a1, s1, date(2025, 10, 10), (8, 0), (16, 0))  # less than the 9 h contract
        self.present(a1, s1, date(2025, 10, 28), (8, 0), None)  # missing check-out
        # 13-14: closure of S1; 12 other weekdays not recorded (3 Wednesdays of 4 h, 9 days of 9 h)

    def sheet_of(self, structure, month=OCT):
        return self.Sheet._generate_month(month, structure)

    def test_month_totals_contracted_mode(self):
        self.record_month_a1()
        sheet = self.sheet_of(self.structure_s1)
        self.assertEqual(sheet.date_month, OCT)
        self.assertEqual(sheet.name, "Crèche Les Lutins 2025-10")
        line = sheet.line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.child_id, self.child_a1)
        self.assertEqual(line.enrollment_id, self.enrollment_a1)
        self.assertEqual(line.contracted_hours, 5 * 4 + 18 * 9)
        self.assertAlmostEqual(line.attended_hours, 12.33, places=2)
        self.assertEqual(line.rounded_hours, 12.5)
        self.assertEqual(line.extra_hours, 0.5)
        self.assertEqual(line.excused_hours, 9 + 2 * 9 + 2 * 9)
        self.assertEqual(line.billable_hours, 4.5 + 9 + 9 + 9 + 4 + 9 + (3 * 4 + 9 * 9))
        self.assertEqual(
            (
                line.days_present,
                line.sick_certificate_count,
                line.sick_no_certificate_count,
                line.holiday_announced_count,
                line.holiday_free_count,
                line.closure_count,
                line.unjustified_count,
                line.unrecorded_count,
                line.missing_check_out_count,
            ),
            (3, 1, 1, 3, 2, 2, 1, 12, 1),
        )
        self.assertEqual(sheet.billable_hours, line.billable_hours)
        self.assertEqual(sheet.missing_check_out_count, 1)

    def test_month_totals_attended_mode(self):
        self.structure_s1.attendance_billing_mode = "attended"
        self.record_month_a1()
        line = self.sheet_of(self.structure_s1).line_ids
        # rounded presence 4.5 + 8 + 0 (no check-out) + unexcused absences 9 + 4 + 9 + 93 not recorded
        self.assertEqual(line.billable_hours, 12.5 + 9 + 4 + 9 + 93)

    def test_holidays_taken_earlier_in_the_year_use_the_allowance(self):
        self.absent(self.child_a1, self.structure_s1, date(2025, 9, 15), "holiday_announced")
        self.record_month_a1()
        line = self.sheet_of(self.structure_s1).line_ids
        self.assertEqual(line.holiday_free_count, 1)
        self.assertEqual(line.billable_hours, 4.5 + 9 + 9 + 9 + 4 + 9 + 93 + 9)

    def test_quarter_hour_rounding(self):
        self.structure_s1.attendance_rounding = "quarter"
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 1), (7, 50), (12, 10))  # 4 h 20 -> 4.5
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), (17, 5))  # 9 h 05 -> 9.25
        line = self.sheet_of(self.structure_s1).line_ids
        self.assertEqual(line.rounded_hours, 4.5 + 9.25)
        self.assertEqual(line.extra_hours, 0.5 + 0.25)

    def fill_month_b1(self, user=None):
        """Every expected day of B1 in S2 in October, present as planned, saved as the day grid does."""
        Attendance = self.Attendance.with_user(user) if user else self.Attendance
        day = OCT
        while day.month == 10:
            rows = Attendance.day_grid_data(self.structure_s2.id, day)["rows"]
            for row in rows:
                row.update(hour_in=row["planned_from"], hour_out=row["planned_to"])
            Attendance.day_grid_save(self.structure_s2.id, day, rows)
            day += timedelta(days=1)

    def test_submit_refused_while_days_are_missing(self):
        self.record_month_a1()
        sheet = self.sheet_of(self.structure_s1).with_user(self.user_staff_s1)
        with self.assertRaisesRegex(UserError, "1 check-out.* missing and 12 expected day"):
            sheet.action_submit()
        self.assertEqual(sheet.state, "draft")

    def test_validation_locks_the_month_and_only_a_manager_reopens(self):
        director = self.user_staff_s2
        self.fill_month_b1(user=director)
        sheet = self.sheet_of(self.structure_s2).with_user(director)
        self.assertEqual(sheet.line_ids.days_present, 23)
        self.assertEqual(sheet.billable_hours, 23 * 7.5)
        sheet.action_submit()
        self.assertEqual((sheet.state, sheet.submitted_by_id), ("submitted", director))
        with self.assertRaises(AccessError):
            sheet.action_validate()
        with self.assertRaisesRegex(AccessError, "change only through the buttons"):
            sheet.write({"state": "validated"})
        sheet.with_user(self.user_manager).action_validate()
        self.assertEqual((sheet.state, sheet.validated_by_id), ("validated", self.user_manager))

        # locked for everyone, managers included: create, edit, delete
        october_line = self.Attendance.search(
            [("structure_id", "=", self.structure_s2.id), ("date", "=", date(2025, 10, 6))]
        )
        for user in (director, self.user_manager):
            Attendance = self.Attendance.with_user(user)
            with self.assertRaisesRegex(UserError, "sheet of Maison relais Arc-en-ciel for 10/2025 is validated"):
                october_line.with_user(user).hour_out = 15.0
            with self.assertRaisesRegex(UserError, "is validated"):
                october_line.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "is validated"):
                Attendance.record_day(
                    self.structure_s2.id,
                    date(2025, 10, 6),
                    [{"child_id": self.child_b1.id, "absence_reason": "unjustified"}],
                )
        with self.assertRaisesRegex(UserError, "is validated"):
            october_line.date = date(2025, 11, 3)
        with self.assertRaisesRegex(UserError, "validated attendance sheet cannot be changed"):
            sheet.line_ids.with_user(self.user_manager).billable_hours = 1.0
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            sheet.with_user(self.user_manager).unlink()
        # the next month stays open
        november = self.present(self.child_b1, self.structure_s2, date(2025, 11, 3), (8, 0), (12, 0))
        self.assertEqual(november.attended_hours, 4.0)

        # reopening: managers only, with a logged reason
        with self.assertRaises(AccessError):
            sheet.action_reopen()
        with self.assertRaises(AccessError):
            sheet._reopen("I made a mistake")
        action = sheet.with_user(self.user_manager).action_reopen()
        wizard = Form(self.env[action["res_model"]].with_user(self.user_manager).with_context(action["context"]))
        wizard.reason = "Sickness certificate of 6 October received late"
        wizard.save().action_confirm()
        self.assertEqual(sheet.state, "draft")
        self.assertFalse(sheet.validated_by_id)
        self.assertIn("Sickness certificate of 6 October received late", sheet.message_ids[0].body)
        october_line.with_user(director).write(
            {"absence_reason": "sick_certificate", "check_in": False, "check_out": False}
        )
        sheet.action_compute()
        self.assertEqual(sheet.billable_hours, 22 * 7.5)
        self.assertEqual(sheet.line_ids.sick_certificate_count, 1)

    def test_sheet_pdf_and_xlsx(self):
        self.record_month_a1()
        sheet = self.sheet_of(self.structure_s1)
        self.structure_s1.director_id = self.user_staff_s1
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("childcare_attendance.action_report_attendance_sheet", sheet.ids)[0]
            .decode()
        )
        self.assertIn("Léa DUPONT", html)
        self.assertIn(self.user_staff_s1.name, html)
        self.assertIn("signature", html)
        content = sheet._export_xlsx()
        self.assertEqual(content[:2], b"PK")
        import io

        import openpyxl

        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        child_row = next(r for r in rows if r[0] == "Léa DUPONT")
        self.assertEqual(child_row[1], 182.0)  # contracted
        self.assertEqual(child_row[5], 137.5)  # billable

    def test_generate_creates_one_sheet_per_structure_and_month(self):
        sheets = self.Sheet._generate_month(date(2025, 10, 17))
        self.assertIn(self.structure_s1, sheets.structure_id)
        self.assertIn(self.structure_s2, sheets.structure_id)
        self.assertEqual(set(sheets.mapped("date_month")), {OCT})
        again = self.Sheet._generate_month(OCT)
        self.assertEqual(again, sheets)
