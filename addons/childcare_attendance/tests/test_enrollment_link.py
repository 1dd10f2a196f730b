from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OCT, AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceFollowsContracts(AttendanceCase):
    """A1 in S1 attends every expected day of October 2025 as planned (182 h); her contract is then
    renewed mid-month: the old one ends on the 15th, a new one runs from the 16th."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.days = []
        day = OCT
        while day.month == 10:
            hours = cls.enrollment_a1._expected_hours(day)
            if hours:
                cls.present(cls.child_a1, cls.structure_s1, day, (8, 0), (8 + int(hours), 0))
                cls.days.append(day)
            day += timedelta(days=1)

    def renew_mid_month(self):
        """What the clerk does: end the running contract on the 15th, then start the renewal on the 16th."""
        self.enrollment_a1.date_end = date(2025, 10, 15)
        self.enrollment_a1.action_end()
        return self.create_enrollment(
            self.child_a1,
            self.structure_s1,
            [(day, 8.0, 17.0 if day != "2" else 12.0) for day in "01234"],
            date_start=date(2025, 10, 16),
        )

    def lines_a1(self):
        return self.Attendance.search(
            [("child_id", "=", self.child_a1.id), ("structure_id", "=", self.structure_s1.id)]
        )

    def test_renewal_mid_month_counts_every_attended_day(self):
        renewal = self.renew_mid_month()
        lines = self.lines_a1()
        self.assertEqual(len(lines), 23)
        self.assertEqual(lines.filtered(lambda line: line.date <= date(2025, 10, 15)).enrollment_id, self.enrollment_a1)
        self.assertEqual(lines.filtered(lambda line: line.date >= date(2025, 10, 16)).enrollment_id, renewal)

        sheet = self.Sheet._generate_month(OCT, self.structure_s1)
        self.assertEqual(sheet.unrecorded_count, 0)
        self.assertEqual(sheet.missing_check_out_count, 0)
        self.assertEqual(sheet.contracted_hours, 182)
        self.assertEqual(sheet.attended_hours, 182)
        self.assertEqual(sheet.billable_hours, 182)
        by_contract = {line.enrollment_id: line for line in sheet.line_ids}
        self.assertEqual(set(by_contract), {self.enrollment_a1, renewal})
        self.assertEqual(by_contract[self.enrollment_a1].days_present, 11)  # 1-3, 6-10, 13-15
        self.assertEqual(by_contract[renewal].days_present, 12)  # 16-17, 20-24, 27-31
        sheet.with_user(self.user_staff_s1).action_submit()
        self.assertEqual(sheet.state, "submitted")

    def test_dates_and_state_changed_after_attendance_was_recorded(self):
        lines = self.lines_a1()
        # a contract signed late: its start is moved back, the days before it are no longer covered...
        self.enrollment_a1.date_start = date(2025, 10, 10)
        self.assertFalse(lines.filtered(lambda line: line.date < date(2025, 10, 10)).enrollment_id)
        self.assertEqual(lines.filtered(lambda line: line.date >= date(2025, 10, 10)).enrollment_id, self.enrollment_a1)
        # ...and such a month cannot be submitted: those days would be billed nowhere
        sheet = self.Sheet._generate_month(OCT, self.structure_s1)
        with self.assertRaisesRegex(UserError, "no placement contract covers the attendance of Léa DUPONT 2025-10-01"):
            sheet.with_user(self.user_staff_s1).action_submit()
        # the mistake corrected, the days follow again
        self.enrollment_a1.date_start = date(2025, 9, 1)
        self.assertEqual(lines.enrollment_id, self.enrollment_a1)
        # a contract set back to draft covers nothing
        self.enrollment_a1.action_reset_draft()
        self.assertFalse(lines.enrollment_id)
        self.enrollment_a1.action_start()
        self.assertEqual(lines.enrollment_id, self.enrollment_a1)

    def test_locked_month_keeps_its_lines_until_recomputed(self):
        sheet = self.Sheet._generate_month(OCT, self.structure_s1)
        sheet.with_user(self.user_staff_s1).action_submit()
        renewal = self.renew_mid_month()
        late = self.lines_a1().filtered(lambda line: line.date >= date(2025, 10, 16))
        self.assertEqual(late.enrollment_id, self.enrollment_a1)  # frozen with the submitted month
        sheet.with_user(self.user_manager).action_validate()  # validation recomputes: the lines follow
        self.assertEqual(late.enrollment_id, renewal)
        self.assertEqual(sheet.unrecorded_count, 0)
        self.assertEqual(sheet.attended_hours, 182)

    def test_staff_cannot_move_a_day_to_another_contract(self):
        line = self.lines_a1()[:1]
        other = self.create_enrollment(self.child_b1, self.structure_s1, [("0", 8.0, 12.0)])
        self.env.invalidate_all()
        for enrollment in (other, self.enrollment_b1, self.env["childcare.enrollment"]):
            with self.subTest(enrollment=enrollment.name), self.assertRaises(AccessError):
                line.with_user(self.user_staff_s1).write({"enrollment_id": enrollment.id})
            self.env.invalidate_all()
            self.assertEqual(line.enrollment_id, self.enrollment_a1)
