import base64
import io
from datetime import date, datetime, time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceImport(AttendanceCase):
    def run_import(self, content, filename="attendance.csv", user=None):
        Import = self.env["childcare.attendance.import"].with_user(user or self.user_staff_s1)
        wizard = Import.create(
            {"structure_id": self.structure_s1.id, "filename": filename, "file": base64.b64encode(content)}
        )
        wizard.action_import()
        return wizard

    def s1_lines(self):
        return self.Attendance.search([("structure_id", "=", self.structure_s1.id)])

    def test_csv_import(self):
        csv = (
            "child;date;check_in;check_out;absence;note\n"
            "Léa DUPONT;2025-10-02;07:55;17:10;;\n"
            "léa dupont;03/10/2025;;;sick_certificate;Flu\n"
            "Léa Dupont;2025-10-06;;;Family holiday announced in time;\n"
        ).encode()
        wizard = self.run_import(csv)
        self.assertEqual((wizard.state, wizard.imported_count), ("done", 3), wizard.error_report)
        lines = self.s1_lines().sorted("date")
        self.assertEqual(lines.mapped("absence_reason"), ["none", "sick_certificate", "holiday_announced"])
        self.assertAlmostEqual(lines[0].attended_hours, 9.25)
        self.assertEqual(lines[1].note, "Flu")
        self.assertEqual(lines[0].entered_by_id, self.user_staff_s1)
        # importing the same file again updates, it does not duplicate
        self.assertEqual(self.run_import(csv).imported_count, 3)
        self.assertEqual(len(self.s1_lines()), 3)

    def test_one_wrong_line_imports_nothing(self):
        csv = (
            "child,date,check_in,check_out,absence\n"
            "Léa DUPONT,2025-10-02,08:00,17:00,\n"  # fine
            "Nobody Known,2025-10-03,08:00,17:00,\n"  # line 3: unknown child
            "Léa DUPONT,2025-13-40,08:00,17:00,\n"  # line 4: bad date
            "Léa DUPONT,2025-10-07,25:00,17:00,\n"  # line 5: bad time
            "Léa DUPONT,2025-10-08,,,flu\n"  # line 6: bad reason
            "Léa DUPONT,2025-10-02,08:00,12:00,\n"  # line 7: twice the same day
        ).encode()
        wizard = self.run_import(csv)
        self.assertEqual(wizard.state, "errors")
        report = wizard.error_report
        self.assertIn("Nothing was imported", report)
        for expected in (
            "Line 3: child 'Nobody Known' is not enrolled",
            "Line 4: '2025-13-40' is not a date",
            "Line 5: '25:00' is not a time",
            "Line 6: unknown absence reason 'flu'",
            "Line 7: Léa DUPONT on 2025-10-02 is already on line 2",
        ):
            self.assertIn(expected, report)
        self.assertFalse(self.s1_lines())

    def test_business_rules_are_reported_per_line_and_roll_back(self):
        csv = (
            "child,date,check_in,check_out\n"
            "Léa DUPONT,2025-10-02,08:00,17:00\n"  # fine
            "Léa DUPONT,2025-10-04,08:00,12:00\n"  # Saturday: closed
            "Léa DUPONT,2025-10-06,12:00,08:00\n"  # check-out before check-in
            "Léa DUPONT,2025-08-01,08:00,12:00\n"  # before the enrollment
        ).encode()
        wizard = self.run_import(csv)
        self.assertEqual(wizard.state, "errors")
        self.assertIn("Line 3: Crèche Les Lutins is closed on 2025-10-04", wizard.error_report)
        self.assertIn("Line 4: The check-out of Léa DUPONT on 2025-10-06 must come after", wizard.error_report)
        self.assertIn("Line 5: Léa DUPONT has no enrollment", wizard.error_report)
        self.assertNotIn("Line 2", wizard.error_report)
        self.assertFalse(self.s1_lines())

    def test_xlsx_import(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Child", "Date", "Check-in", "Check-out", "Absence", "Note"])
        sheet.append(["Léa DUPONT", datetime(2025, 10, 2), time(8, 15), time(16, 45), None, None])
        sheet.append(["Léa DUPONT", date(2025, 10, 3), None, None, "unjustified", "No news"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wizard = self.run_import(buffer.getvalue(), filename="october.xlsx")
        self.assertEqual((wizard.state, wizard.imported_count), ("done", 2), wizard.error_report)
        lines = self.s1_lines().sorted("date")
        self.assertEqual(lines[0].attended_hours, 8.5)
        self.assertEqual(lines[1].absence_reason, "unjustified")

    def test_decimal_hours_and_clock_times(self):
        Import = self.env["childcare.attendance.import"]
        for value, hour in (
            ("8.5", 8.5),
            ("8,5", 8.5),
            ("17.25", 17.25),
            ("8.05", 8 + 3 / 60),  # a decimal hour: five hundredths of an hour are 3 minutes
            ("8", 8.0),
            (8.5, 8.5),  # a number cell
            (0.5, 12.0),  # a spreadsheet time: half a day
            ("8:05", 8 + 5 / 60),
            ("08:05:00", 8 + 5 / 60),
            ("8h30", 8.5),
            ("8H30", 8.5),
            ("8h", 8.0),
            (time(8, 5), 8 + 5 / 60),
        ):
            with self.subTest(value=value):
                self.assertAlmostEqual(Import._parse_hour(value), hour)
        for value in ("25:00", "8:75", "8:5", "8.5.1", "noon", "24", "-1"):
            with self.subTest(value=value), self.assertRaisesRegex(ValueError, "is not a time"):
                Import._parse_hour(value)

    def test_csv_with_decimal_hours(self):
        csv = (
            "child;date;check_in;check_out\nLéa DUPONT;2025-10-02;8.5;17,25\nLéa DUPONT;2025-10-03;8h30;16:05\n"
        ).encode()
        wizard = self.run_import(csv)
        self.assertEqual((wizard.state, wizard.imported_count), ("done", 2), wizard.error_report)
        first, second = self.s1_lines().sorted("date")
        self.assertEqual((first.hour_in, first.hour_out, first.attended_hours), (8.5, 17.25, 8.75))
        self.assertAlmostEqual(second.hour_in, 8.5)
        self.assertAlmostEqual(second.hour_out, 16 + 5 / 60)

    def test_staff_cannot_write_the_outcome_of_an_import(self):
        wizard = self.run_import(b"child,date,check_in\nL\xc3\xa9a DUPONT,2025-10-02,08:00\n")
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_staff_s1).write({"state": "done", "imported_count": 99})
        self.assertEqual((wizard.state, wizard.imported_count), ("done", 1))

    def test_staff_cannot_import_into_another_structure(self):
        csv = b"child,date,check_in,check_out\nLars JANSSENS,2025-10-02,08:00,15:00\n"
        Import = self.env["childcare.attendance.import"].with_user(self.user_staff_s1)
        with self.assertRaises(AccessError):  # the wizard cannot even point at a structure they do not see
            Import.create(
                {"structure_id": self.structure_s2.id, "filename": "x.csv", "file": base64.b64encode(csv)}
            ).action_import()
        self.assertFalse(self.Attendance.search([("structure_id", "=", self.structure_s2.id)]))
