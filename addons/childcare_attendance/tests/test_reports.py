from datetime import date

from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text, render_pdf
from odoo.tests import HttpCase, tagged

from .common import AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceSheetPdf(AttendanceCase, HttpCase):
    """The monthly attendance sheet printed by wkhtmltopdf: the real PDF, read back as text.

    October 2025 of A1 (Léa DUPONT) in S1, the scenario of test_sheet: billing on the contract, presence
    rounded to the half hour, two free announced holidays, S1 closed on 13-14 October.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s1, a1 = cls.structure_s1, cls.child_a1
        s1.write(
            {
                "attendance_billing_mode": "contracted",
                "attendance_rounding": "half",
                "attendance_holiday_days": 2,
                "director_id": cls.user_staff_s1.id,
            }
        )
        cls.user_staff_s1.name = "Marie Lambert"
        cls.env["childcare.structure.closure"].create(
            {
                "name": "Team training",
                "structure_id": s1.id,
                "date_from": date(2025, 10, 13),
                "date_to": date(2025, 10, 14),
            }
        )
        cls.present(a1, s1, date(2025, 10, 1), (7, 50), (12, 10))
        cls.absent(a1, s1, date(2025, 10, 2), "sick_certificate")
        cls.absent(a1, s1, date(2025, 10, 3), "holiday_announced")
        cls.absent(a1, s1, date(2025, 10, 6), "holiday_announced")
        cls.absent(a1, s1, date(2025, 10, 7), "holiday_announced")
        cls.absent(a1, s1, date(2025, 10, 8), "unjustified")
        cls.absent(a1, s1, date(2025, 10, 9), "sick_no_certificate")
        cls.present(a1, s1, date(2025, 10, 10), (8, 0), (16, 0))
        cls.present(a1, s1, date(2025, 10, 28), (8, 0), None)
        cls.sheet = cls.Sheet._generate_month(date(2025, 10, 1), s1)

    def test_attendance_sheet_pdf(self):
        line = self.sheet.line_ids
        self.assertEqual(line.child_id, self.child_a1)
        # the totals of test_sheet.test_month_totals_contracted_mode, printed as hours:minutes
        self.assertEqual(line.contracted_hours, 182)
        self.assertAlmostEqual(line.attended_hours, 12 + 20 / 60, places=2)
        self.assertEqual(line.extra_hours, 0.5)
        self.assertEqual(line.billable_hours, 137.5)

        pdf = render_pdf(self, "childcare_attendance.action_report_attendance_sheet", self.sheet)
        text = pdf_text(self, pdf)
        self.assertIn("Attendance sheet Crèche Les Lutins — 10/2025", text)
        self.assertIn("Child Contracted Attended Extra Billable Days present", text)
        counts = (
            f"{line.days_present} {line.sick_certificate_count} {line.sick_no_certificate_count} "
            f"{line.holiday_announced_count} {line.unjustified_count}"
        )
        self.assertIn(f"\nLéa DUPONT 182:00 12:20 00:30 137:30 {counts}\n", text)
        self.assertIn("\nTotal 182:00 12:20 00:30 137:30\n", text)
        # the director's signature block
        signature = text[text.index("The director certifies this sheet exact.") :]
        self.assertIn("\nMarie Lambert\n", signature)
        self.assertIn("Date and signature:", signature)
        self.assertNotIn("Validated by", text)
