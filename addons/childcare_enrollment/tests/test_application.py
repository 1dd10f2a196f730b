from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestApplicationRules(EnrollmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.baby = cls.new_child(cls.family_a, "Bébé", 6)

    def test_no_choice_refused_at_submit(self):
        application = self.env["childcare.application"].create({"child_id": self.baby.id, "date_start": self.start})
        with self.assertRaisesRegex(UserError, "choose at least one structure"):
            application.action_submit()
        self.assertEqual(application.state, "draft")

    def test_same_structure_twice_refused(self):
        with self.assertRaisesRegex(ValidationError, "Crèche Un is chosen twice"):
            self.new_application(self.baby, [self.crib_1, self.crib_1], state="draft")
        application = self.new_application(self.baby, [self.crib_1], state="draft")
        with self.assertRaisesRegex(ValidationError, "Crèche Un is chosen twice"):
            application.choice_ids = [Command.create({"structure_id": self.crib_1.id, "rank": 2})]
        self.assertEqual(application.choice_ids.structure_id, self.crib_1)

    def test_start_date_in_the_past_refused(self):
        with self.assertRaisesRegex(ValidationError, "lies in the past"):
            self.new_application(self.baby, [self.crib_1], date_start=self.today - timedelta(days=1), state="draft")

    def test_child_too_old_for_every_choice(self):
        schoolchild = self.new_child(self.family_b, "Grand", 60)
        with self.assertRaisesRegex(ValidationError, "none of the chosen structures"):
            self.new_application(schoolchild, [self.crib_1, self.crib_3], state="draft")
        # one suitable structure among the choices is enough
        application = self.new_application(schoolchild, [self.crib_1, self.structure_s2], state="draft")
        self.assertEqual(application.choice_ids.sorted("rank").capacity_id, self.structure_s2.capacity_ids)

    def test_second_active_application_points_at_first(self):
        first = self.new_application(self.baby, [self.crib_1], state="submitted")
        with self.assertRaisesRegex(ValidationError, f"already has an application .*{first.name}"):
            self.new_application(self.baby, [self.crib_2], state="draft")
        first.action_cancel()
        second = self.new_application(self.baby, [self.crib_2], state="draft")
        self.assertEqual(second.state, "draft")

    def test_transitions_check_state(self):
        application = self.new_application(self.baby, [self.crib_1], state="draft")
        with self.assertRaisesRegex(UserError, "not possible"):
            application.action_complete()
        with self.assertRaisesRegex(UserError, "not possible"):
            application.action_accept_offer()
        application.action_submit()
        self.assertTrue(application.date_submitted)
        self.assertEqual(application.first_choice_id, self.crib_1)

    def test_state_changes_are_tracked(self):
        # The class context disables tracking for speed; this test is about it, so it turns it back on.
        tracked_env = self.env(context=dict(self.env.context, tracking_disable=False))
        application = self.new_application(self.baby, [self.crib_1], state="draft").with_env(tracked_env)
        enrollment = tracked_env["childcare.enrollment"].create(
            {"child_id": self.baby.id, "structure_id": self.crib_1.id, "date_start": self.start}
        )
        commission = self.new_commission(self.crib_1).with_env(tracked_env)
        self.flush_tracking()

        application.action_submit()
        enrollment.action_start()
        commission.action_allocate()
        self.flush_tracking()

        for record, old, new in (
            (application, "Draft", "Submitted"),
            (enrollment, "Draft", "Running"),
            (commission, "Draft", "Allocated"),
        ):
            with self.subTest(model=record._name):
                values = record.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "state")
                self.assertEqual([(v.old_value_char, v.new_value_char) for v in values], [(old, new)], record._name)

    def flush_tracking(self):
        """Write the pending tracking values, as Odoo's mail tests do (``MailCommon.flush_tracking``)."""
        self.env.flush_all()
        self.cr.flush()

    def test_hours_per_week(self):
        application = self.new_application(self.baby, [self.crib_1], state="draft")
        application.write({"need_days_per_week": 4, "need_hours_per_day": 8.5})
        self.assertEqual(application.hours_per_week, 34.0)
        application.schedule_line_ids = [
            Command.create({"weekday": "0", "hour_from": 8, "hour_to": 12.5}),
            Command.create({"weekday": "2", "hour_from": 8, "hour_to": 16}),
        ]
        self.assertEqual(application.hours_per_week, 12.5)


@tagged("post_install", "-at_install")
class TestPriorityPoints(EnrollmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Criterion = cls.env["childcare.priority.criterion"]
        cls.crit_resident = Criterion.create(
            {"name": "Resident", "code": "T_RES", "points": 15, "apply_mode": "computed", "computed_rule": "resident"}
        )
        cls.crit_single = Criterion.create(
            {
                "name": "Single parent",
                "code": "T_SGL",
                "points": 10,
                "apply_mode": "computed",
                "computed_rule": "single_parent",
            }
        )
        cls.crit_sibling = Criterion.create(
            {"name": "Sibling", "code": "T_SIB", "points": 20, "apply_mode": "computed", "computed_rule": "sibling"}
        )
        cls.crit_referral = Criterion.create(
            {
                "name": "Referral",
                "code": "T_REF",
                "points": 7,
                "apply_mode": "computed",
                "computed_rule": "social_referral",
            }
        )
        cls.crit_twins = Criterion.create({"name": "Twins", "code": "T_TWN", "points": 5, "apply_mode": "boolean"})
        cls.crit_distance = Criterion.create(
            {"name": "Km from home", "code": "T_KM", "points": 0.5, "apply_mode": "scale", "scale_max": 10}
        )

    def test_breakdown_is_stored_per_criterion(self):
        # Family A has one guardian (single parent) and is resident; a sibling runs a contract in crèche 1.
        sibling = self.new_child(self.family_a, "Aîné", 24)
        contract = self.env["childcare.enrollment"].create(
            {"child_id": sibling.id, "structure_id": self.crib_1.id, "date_start": self.today}
        )
        contract.action_start()
        baby = self.new_child(self.family_a, "Cadet", 6)
        application = self.new_application(baby, [self.crib_1], state="draft")
        application.has_social_referral = True
        application.action_refresh_points()
        points = {line.criterion_id: line.points for line in application.point_ids}
        self.assertEqual(
            points,
            {
                self.crit_resident: 15,
                self.crit_single: 10,
                self.crit_sibling: 20,
                self.crit_referral: 7,
                self.crit_twins: 0,
                self.crit_distance: 0,
            },
        )
        twins = application.point_ids.filtered(lambda p: p.criterion_id == self.crit_twins)
        distance = application.point_ids.filtered(lambda p: p.criterion_id == self.crit_distance)
        twins.is_met = True
        distance.value = 14  # capped at 10 km
        self.env["childcare.application.point"].create(
            {"application_id": application.id, "points": -2.5, "justification": "Late documents"}
        )
        self.assertEqual(application.score, 15 + 10 + 20 + 7 + 5 + 5 - 2.5)

    def test_manual_line_needs_justification(self):
        application = self.new_application(self.new_child(self.family_b, "Sans", 6), [self.crib_2], state="draft")
        with self.assertRaisesRegex(ValidationError, "justification"):
            self.env["childcare.application.point"].create({"application_id": application.id, "points": 3})

    def test_criterion_changes_are_tracked(self):
        criterion = (
            self.env["childcare.priority.criterion"]
            .with_context(tracking_disable=False)
            .create({"name": "Tracked", "code": "T_TRK", "points": 5, "apply_mode": "boolean"})
        )
        self.env.flush_all()
        self.cr.flush()
        criterion.points = 8
        self.env.flush_all()
        self.cr.flush()  # tracking values are written when the cursor flushes
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", criterion._name),
                ("mail_message_id.res_id", "=", criterion.id),
                ("field_id.name", "=", "points"),
            ]
        )
        self.assertEqual((tracked.old_value_float, tracked.new_value_float), (5.0, 8.0))
