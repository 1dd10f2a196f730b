from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceConstraints(AttendanceCase):
    def test_enrollment_found_and_hours_in_structure_timezone(self):
        line = self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (7, 55), (17, 10))
        self.assertEqual(line.enrollment_id, self.enrollment_a1)
        self.assertEqual(str(line.check_in), "2025-10-02 05:55:00")  # 07:55 in Brussels, summer time
        self.assertAlmostEqual(line.hour_in, 7 + 55 / 60)
        self.assertAlmostEqual(line.hour_out, 17 + 10 / 60)
        self.assertAlmostEqual(line.attended_hours, 9 + 15 / 60)
        self.assertEqual(line.company_id, self.structure_s1.company_id)
        self.assertEqual(line.entered_by_id, self.env.user)
        self.assertFalse(line.is_missing_check_out)

    def test_hour_fields_write_the_datetimes(self):
        # winter time: 08:30 in Brussels is 07:30 UTC
        line = self.Attendance.create(
            {
                "child_id": self.child_a1.id,
                "structure_id": self.structure_s1.id,
                "date": date(2025, 10, 30),
                "hour_in": 8.5,
            }
        )
        self.assertEqual(str(line.check_in), "2025-10-30 07:30:00")
        self.assertTrue(line.is_missing_check_out)
        line.hour_out = 16.25
        self.assertEqual(str(line.check_out), "2025-10-30 15:15:00")
        self.assertAlmostEqual(line.attended_hours, 7.75)
        self.assertFalse(line.is_missing_check_out)

    def test_weekly_closing_day_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "closed on 2025-10-04"):
            self.present(self.child_a1, self.structure_s1, date(2025, 10, 4), (9, 0), (12, 0))  # Saturday

    def test_closure_of_structure_and_public_holiday_are_refused(self):
        Closure = self.env["childcare.structure.closure"]
        Closure.create(
            {
                "name": "Team training",
                "structure_id": self.structure_s1.id,
                "date_from": date(2025, 10, 13),
                "date_to": date(2025, 10, 14),
            }
        )
        Closure.create({"name": "Armistice", "date_from": date(2025, 11, 11), "date_to": date(2025, 11, 11)})
        with self.assertRaisesRegex(ValidationError, "closed on 2025-10-14"):
            self.absent(self.child_a1, self.structure_s1, date(2025, 10, 14), "unjustified")
        with self.assertRaisesRegex(ValidationError, "closed on 2025-11-11"):
            self.present(self.child_b1, self.structure_s2, date(2025, 11, 11), (8, 0), (12, 0))
        # the closure of S1 does not close S2
        self.present(
            self.child_b1,
            self.structure_s2,
            date(2025, 10, 14),
            (8, 0),
            (12, 0),
        )

    def test_closure_over_recorded_presence_is_refused(self):
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 15), (8, 0), (12, 0))
        with self.assertRaisesRegex(ValidationError, "recorded present on 2025-10-15"):
            self.env["childcare.structure.closure"].create(
                {"name": "Strike", "date_from": date(2025, 10, 15), "date_to": date(2025, 10, 15)}
            )

    def test_day_outside_enrollment_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "no enrollment in Crèche Les Lutins on 2025-08-29"):
            self.present(self.child_a1, self.structure_s1, date(2025, 8, 29), (8, 0), (12, 0))
        # enrolled in S1, not in S2
        with self.assertRaisesRegex(ValidationError, "no enrollment in Maison relais Arc-en-ciel"):
            self.present(self.child_a1, self.structure_s2, date(2025, 10, 2), (8, 0), (12, 0))
        # an ended contract still covers its own dates, not the days after
        self.enrollment_b1.date_end = date(2025, 10, 17)
        self.present(self.child_b1, self.structure_s2, date(2025, 10, 17), (8, 0), (12, 0))
        with self.assertRaisesRegex(ValidationError, "no enrollment"):
            self.present(self.child_b1, self.structure_s2, date(2025, 10, 20), (8, 0), (12, 0))

    def test_check_out_before_check_in_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "check-out of Léa DUPONT on 2025-10-02 must come after"):
            self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (12, 0), (8, 0))
        line = self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), (12, 0))
        with self.assertRaisesRegex(ValidationError, "must come after"):
            line.hour_out = 7.5
        with self.assertRaisesRegex(ValidationError, "without having checked in"):
            line.check_in = False

    def test_absence_has_no_times(self):
        with self.assertRaisesRegex(ValidationError, "marked absent on 2025-10-02"):
            self.present(
                self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), (12, 0), absence_reason="sick_certificate"
            )
        line = self.absent(self.child_a1, self.structure_s1, date(2025, 10, 2), "sick_certificate")
        self.assertEqual(line.attended_hours, 0)
        self.assertFalse(line.is_missing_check_out)

    def test_times_must_fall_on_the_day(self):
        with self.assertRaisesRegex(ValidationError, "must fall on 2025-10-02"):
            self.Attendance.create(
                {
                    "child_id": self.child_a1.id,
                    "structure_id": self.structure_s1.id,
                    "date": date(2025, 10, 2),
                    "check_in": self.utc(date(2025, 10, 3), 8),
                }
            )

    @mute_logger("odoo.sql_db")
    def test_one_line_per_child_structure_and_day(self):
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), (12, 0))
        with self.assertRaises(IntegrityError):
            self.absent(self.child_a1, self.structure_s1, date(2025, 10, 2), "unjustified")

    def test_missing_check_out_list(self):
        open_line = self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), None)
        self.present(self.child_b1, self.structure_s2, date(2025, 10, 2), (8, 0), (12, 0))
        action = self.env.ref("childcare_attendance.childcare_attendance_missing_check_out_action")
        missing = self.Attendance.search(
            [("is_missing_check_out", "=", True), ("structure_id", "in", (self.structure_s1 | self.structure_s2).ids)]
        )
        self.assertEqual(missing, open_line)
        self.assertIn("is_missing_check_out", action.domain)
        open_line.action_check_out_planned()
        self.assertEqual(open_line.hour_out, 17.0)  # the end of the planned day
        self.assertFalse(open_line.is_missing_check_out)

    def test_demo_fill_days(self):
        """The demo data generator (run on the enrollments of the demo) records past open days only."""
        # The demo's running contracts already have these days recorded: leave the generator only ours.
        self.env["childcare.enrollment"].search(
            [("state", "=", "running"), ("id", "not in", (self.enrollment_a1 | self.enrollment_b1).ids)]
        ).action_end()
        lines = self.Attendance._demo_fill_days(5)
        mine = lines.filtered(lambda line: line.enrollment_id in (self.enrollment_a1 | self.enrollment_b1))
        self.assertEqual(len(mine.filtered(lambda line: line.child_id == self.child_a1)), 5)
        self.assertEqual(len(mine.filtered(lambda line: line.child_id == self.child_b1)), 5)
        self.assertTrue(all(line.date.weekday() < 5 for line in mine))
        self.assertFalse(mine.filtered(lambda line: line.check_out and line.check_out <= line.check_in))
