from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestAccess(EnrollmentCase):
    """Manager, structure staff S1 (staff of crèche 1) vs S2 (director of crèche 2), portal parents A vs B,
    public user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A: family A, chooses crèche 1 then 3; B: family B, chooses crèche 2 only.
        cls.app_a = cls.new_application(cls.new_child(cls.family_a, "Alice", 6), [cls.crib_1, cls.crib_3], 10)
        cls.app_b = cls.new_application(cls.new_child(cls.family_b, "Bram", 6), [cls.crib_2], 20)
        Enrollment = cls.env["childcare.enrollment"]
        cls.enr_a = Enrollment.create(
            {"child_id": cls.app_a.child_id.id, "structure_id": cls.crib_1.id, "date_start": cls.start}
        )
        cls.enr_b = Enrollment.create(
            {"child_id": cls.app_b.child_id.id, "structure_id": cls.crib_2.id, "date_start": cls.start}
        )
        cls.commission = cls.new_commission()

    def assert_no_read(self, user, *recordsets):
        for record in (rec for records in recordsets for rec in records):
            with self.assertRaises(AccessError):
                record.with_user(user).check_access("read")
            with self.assertRaises(AccessError):
                record.with_user(user).read(["name"])

    def test_manager_sees_and_edits_all(self):
        Application = self.env["childcare.application"].with_user(self.user_manager)
        self.assertEqual(Application.search([("id", "in", (self.app_a | self.app_b).ids)]), self.app_a | self.app_b)
        self.app_b.with_user(self.user_manager).has_social_referral = True
        self.commission.with_user(self.user_manager).action_allocate()
        self.assertEqual(self.app_b.allocation_structure_id, self.crib_2)

    def test_structure_staff_see_applications_choosing_their_structures(self):
        Application = self.env["childcare.application"]
        both = (self.app_a | self.app_b).ids
        self.assertEqual(Application.with_user(self.user_staff_s1).search([("id", "in", both)]), self.app_a)
        self.assertEqual(Application.with_user(self.user_staff_s2).search([("id", "in", both)]), self.app_b)
        self.assert_no_read(self.user_staff_s1, self.app_b)
        self.assert_no_read(self.user_staff_s2, self.app_a)
        self.assertEqual(self.app_a.with_user(self.user_staff_s1).point_ids, self.app_a.point_ids)
        with self.assertRaises(AccessError):
            self.app_a.with_user(self.user_staff_s1).write({"has_disability": True})
        # Sessions: staff read those of their structures (transparency), never change them.
        self.assertTrue(self.commission.with_user(self.user_staff_s1).read(["name", "state"]))
        with self.assertRaises(AccessError):
            self.commission.with_user(self.user_staff_s1).write({"note": "x"})
        only_c2 = self.new_commission(self.crib_2)
        self.assert_no_read(self.user_staff_s1, only_c2)
        # The application form as the web client reads it: the session, contract, choices and explanation.
        self.commission.action_allocate()
        spec = {
            "commission_id": {"fields": {"display_name": {}}},
            "enrollment_id": {"fields": {"display_name": {}}},
            "allocation_note": {},
            "choice_ids": {"fields": {"structure_id": {"fields": {"display_name": {}}}, "allocation_status": {}}},
            "point_ids": {"fields": {"criterion_id": {"fields": {"display_name": {}}}, "points": {}}},
        }
        values = self.app_a.with_user(self.user_staff_s1).web_read(spec)[0]
        self.assertEqual(values["commission_id"]["id"], self.commission.id)
        self.assertIn("place given", values["allocation_note"])

    def test_structure_staff_annotate_contracts_of_their_structures(self):
        Enrollment = self.env["childcare.enrollment"]
        both = (self.enr_a | self.enr_b).ids
        self.assertEqual(Enrollment.with_user(self.user_staff_s1).search([("id", "in", both)]), self.enr_a)
        self.enr_a.with_user(self.user_staff_s1).write({"note": "<p>Allergic to cats</p>"})
        self.assertIn("cats", self.enr_a.note)
        # the rate plan is a contractual term: municipal staff only (see test_security)
        with self.assertRaises(AccessError):
            self.enr_a.with_user(self.user_staff_s1).write({"rate_plan_ref": "PSU"})
        self.assert_no_read(self.user_staff_s1, self.enr_b)
        with self.assertRaises(AccessError):
            self.enr_b.with_user(self.user_staff_s1).write({"note": "X"})
        with self.assertRaises(AccessError):
            Enrollment.with_user(self.user_staff_s1).create(
                {"child_id": self.app_a.child_id.id, "structure_id": self.crib_1.id, "date_start": self.start}
            )
        # The contract in crèche 2 makes child B visible to crèche 2's director (base rule on structure_ids).
        self.assertEqual(self.app_b.child_id.structure_ids, self.crib_2)
        self.assertTrue(self.app_b.child_id.with_user(self.user_staff_s2).read(["name"]))
        self.assert_no_read(self.user_staff_s1, self.app_b.child_id)

    def test_portal_parent_sees_own_family_only(self):
        Application = self.env["childcare.application"].with_user(self.user_portal_a)
        self.assertEqual(Application.search([]), self.app_a)
        self.assertEqual(self.env["childcare.enrollment"].with_user(self.user_portal_a).search([]), self.enr_a)
        self.assertTrue(self.app_a.with_user(self.user_portal_a).read(["score", "state"]))
        self.assert_no_read(self.user_portal_a, self.app_b, self.enr_b)
        self.assert_no_read(self.user_portal_b, self.app_a, self.enr_a)
        with self.assertRaises(AccessError):
            self.app_a.with_user(self.user_portal_a).write({"has_disability": True})
        with self.assertRaises(AccessError):
            self.env["childcare.application"].with_user(self.user_portal_a).create(
                {
                    "child_id": self.app_a.child_id.id,
                    "date_start": self.start,
                    "choice_ids": [Command.create({"structure_id": self.crib_1.id})],
                }
            )

    def test_public_user_sees_nothing(self):
        self.assert_no_read(self.user_public, self.app_a, self.enr_a, self.commission)
        with self.assertRaises(AccessError):
            self.env["childcare.priority.criterion"].with_user(self.user_public).search([])

    def test_multi_company_enrollment(self):
        other = self.other_company
        self.user_manager.write({"company_ids": [Command.link(other.id)]})
        structure = self.env["childcare.structure"].create({"name": "Ailleurs", "company_id": other.id})
        family = self.env["childcare.family"].create({"name": "Autre", "company_id": other.id})
        child = self.env["childcare.child"].create(
            {
                "first_name": "Otto",
                "last_name": "Autre",
                "birthdate": self.today.replace(year=self.today.year - 1),
                "company_id": other.id,
                "structure_ids": [Command.set(structure.ids)],
                "family_child_ids": [Command.create({"family_id": family.id})],
            }
        )
        contract = self.env["childcare.enrollment"].create(
            {"child_id": child.id, "structure_id": structure.id, "date_start": self.start}
        )
        self.assertEqual(contract.company_id, other)
        # The manager works for both municipalities but only the current one is active.
        Enrollment = self.env["childcare.enrollment"].with_user(self.user_manager)
        manager_env = Enrollment.with_context(allowed_company_ids=self.company.ids)
        self.assertFalse(manager_env.search([("id", "=", contract.id)]))
        self.assertEqual(
            Enrollment.with_context(allowed_company_ids=[self.company.id, other.id]).search([("id", "=", contract.id)]),
            contract,
        )

    def test_multi_company(self):
        criterion = self.env["childcare.priority.criterion"].create(
            {"name": "Other town", "code": "OTHER", "company_id": self.other_company.id}
        )
        Criterion = self.env["childcare.priority.criterion"].with_user(self.user_manager)
        self.assertFalse(Criterion.search([("id", "=", criterion.id)]))
        self.assert_no_read(self.user_manager, criterion)
