from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestEnrollment(EnrollmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.env["childcare.enrollment"].create(
            {
                "child_id": cls.child_a1.id,
                "structure_id": cls.crib_1.id,
                "date_start": date(2026, 9, 1),
                "date_end": date(2027, 6, 30),
                "rate_plan_ref": "PSU-2026",
                "schedule_line_ids": [
                    Command.create({"weekday": "0", "hour_from": 8.0, "hour_to": 12.0}),
                    Command.create({"weekday": "0", "hour_from": 13.0, "hour_to": 17.5}),
                    Command.create({"weekday": "3", "hour_from": 7.5, "hour_to": 16.0}),
                ],
            }
        )

    def test_defaults_and_hours(self):
        self.assertEqual(self.contract.family_id, self.family_a)
        self.assertEqual(self.contract.company_id, self.crib_1.company_id)
        self.assertEqual(self.contract.hours_per_week, 17.0)
        self.assertTrue(self.contract.name.startswith("ENR/"))

    def test_expected_hours_and_slots(self):
        monday, thursday, friday = date(2026, 9, 7), date(2026, 9, 10), date(2026, 9, 11)
        self.assertEqual(self.contract._expected_slots(monday), [(8.0, 12.0), (13.0, 17.5)])
        self.assertEqual(self.contract._expected_hours(monday), 8.5)
        self.assertEqual(self.contract._expected_hours(thursday), 8.5)
        self.assertEqual(self.contract._expected_hours(friday), 0.0)
        self.assertEqual(self.contract._expected_hours(date(2026, 8, 31)), 0.0)  # a Monday before the start
        self.assertEqual(self.contract._expected_slots(date(2027, 7, 5)), [])  # a Monday after the end

    def test_states_and_child_structures(self):
        self.assertEqual(self.child_a1.structure_ids, self.crib_1)  # draft contracts count
        with self.assertRaisesRegex(UserError, "Only running"):
            self.contract.action_end()
        self.contract.action_start()
        self.assertEqual(self.contract.state, "running")
        self.contract.action_end()
        self.assertEqual(self.contract.state, "ended")
        self.assertFalse(self.child_a1.structure_ids)
        self.contract.action_reset_draft()
        self.assertEqual(self.child_a1.structure_ids, self.crib_1)

    def test_child_without_contract_keeps_manual_structures(self):
        self.assertEqual(self.child_b1.structure_ids, self.structure_s2)

    def test_overlapping_running_refused(self):
        self.contract.action_start()
        other = self.contract.copy({"date_start": date(2027, 1, 1), "date_end": False})
        with self.assertRaisesRegex(ValidationError, "already has a running contract"):
            other.action_start()
        other.write({"date_start": date(2027, 7, 1)})
        other.action_start()
        self.assertEqual(other.state, "running")

    def test_schedule_slots_must_not_overlap(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self.contract.schedule_line_ids = [Command.create({"weekday": "0", "hour_from": 11.0, "hour_to": 14.0})]
