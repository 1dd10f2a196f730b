from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChildcareCase


@tagged("at_install", "childcare")
class TestAccessMatrix(ChildcareCase):
    """Who can read and write what: every role against every model of the registry."""

    def assertCanRead(self, user, records):
        records = records.with_user(user)
        records.invalidate_recordset()
        for record in records:
            record.check_access("read")
            self.assertTrue(record.display_name)
        found = records.search([("id", "in", records.ids)])
        self.assertEqual(found, records, f"{user.login} should find {records}")

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def assertCannotRead(self, user, records):
        records = records.with_user(user)
        records.invalidate_recordset()
        try:
            found = records.search([("id", "in", records.ids)])
        except AccessError:
            found = records.browse()
        self.assertFalse(found, f"{user.login} must not find {records}")
        for record in records:
            with self.assertRaises(AccessError, msg=f"{user.login} must not read {record}"):
                record.check_access("read")
                record.read(["display_name"])

    def assertCanWrite(self, user, record, values):
        record.with_user(user).write(values)
        for name, value in values.items():
            self.assertEqual(record[name], value)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def assertCannotWrite(self, user, record, values):
        before = {name: record[name] for name in values}
        with self.assertRaises(AccessError, msg=f"{user.login} must not write {record}"):
            record.with_user(user).write(values)
            record.env.flush_all()
        record.invalidate_recordset()
        self.assertEqual({name: record[name] for name in values}, before)

    # -------------------------------------------------------------- staff and managers
    def test_admin_and_manager_see_everything_but_medical_needs_its_group(self):
        for user in (self.user_admin, self.user_manager):
            self.assertCanRead(user, self.structure_s1 | self.structure_s2)
            self.assertCanRead(user, self.family_a | self.family_b)
            self.assertCanRead(user, self.child_a1 | self.child_b1)
            self.assertCanRead(user, self.income_a | self.income_b)
            self.assertCanWrite(user, self.child_b1, {"has_image_consent": True})
            self.assertCanWrite(user, self.structure_s2, {"phone": "+32 64 00 00 00"})
        self.assertCanRead(self.user_admin, self.sheet_a1 | self.sheet_b1)
        self.assertCannotRead(self.user_manager, self.sheet_a1 | self.sheet_b1)

    def test_structure_staff_limited_to_own_structure(self):
        staff = self.user_staff_s1
        self.assertCanRead(staff, self.structure_s1)
        self.assertCanRead(staff, self.child_a1)
        self.assertCanRead(staff, self.family_a)
        self.assertCanRead(staff, self.family_a.guardian_ids)
        self.assertCanWrite(staff, self.child_a1, {"has_outing_consent": True})
        self.assertCanWrite(staff, self.family_a, {"is_resident": False})
        self.assertCannotRead(staff, self.structure_s2)
        self.assertCannotRead(staff, self.child_b1)
        self.assertCannotRead(staff, self.family_b)
        self.assertCannotRead(staff, self.income_a | self.income_b)
        self.assertCannotRead(staff, self.sheet_a1 | self.sheet_b1)
        self.assertCannotWrite(staff, self.child_b1, {"has_outing_consent": True})
        self.assertCannotWrite(staff, self.structure_s2, {"phone": "0"})
        self.assertCannotWrite(staff, self.family_b, {"is_resident": False})
        # The director of S2 (not in its staff list) sees S2 and its children, not S1's.
        director = self.user_staff_s2
        self.assertCanRead(director, self.structure_s2)
        self.assertCanRead(director, self.child_b1)
        self.assertCanRead(director, self.family_b)
        self.assertCannotRead(director, self.child_a1)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_structure_staff_cannot_create_structures_nor_move_children_away(self):
        with self.assertRaises(AccessError):
            self.env["childcare.structure"].with_user(self.user_staff_s1).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.child_a1.with_user(self.user_staff_s1).write({"structure_ids": [(6, 0, self.structure_s2.ids)]})
            self.env.flush_all()

    def test_structure_staff_registers_a_child_in_own_structure(self):
        Child = self.env["childcare.child"].with_user(self.user_staff_s1)
        family = self.env["childcare.family"].with_user(self.user_staff_s1).create({"name": "Nouvelle famille"})
        child = Child.create(
            {
                "first_name": "Emma",
                "last_name": "Nouvelle",
                "birthdate": "2025-10-01",
                "family_child_ids": [(0, 0, {"family_id": family.id, "custody_share": 100})],
            }
        )
        self.assertEqual(child.structure_ids, self.structure_s1, "defaults to the user's structures")
        self.assertEqual(family.child_ids, child)

    def test_medical_group_reads_and_writes_sheets_only(self):
        medical = self.user_medical
        self.assertCanRead(medical, self.sheet_a1 | self.sheet_b1)
        self.assertCanRead(medical, self.sheet_a1.contact_ids)
        self.assertCanWrite(medical, self.sheet_b1, {"allergies": "Pollen"})
        self.assertCannotRead(medical, self.family_a)
        self.assertCannotRead(medical, self.income_a)

    def test_plain_employee_sees_nothing(self):
        employee = self.user_employee
        for records in (self.structure_s1, self.family_a, self.child_a1, self.sheet_a1, self.income_a):
            self.assertCannotRead(employee, records)

    # -------------------------------------------------------------- portal and public
    def test_portal_parent_sees_own_household_only(self):
        parent = self.user_portal_a
        self.assertCanRead(parent, self.family_a)
        self.assertCanRead(parent, self.child_a1)
        self.assertCanRead(parent, self.sheet_a1)
        self.assertCanRead(parent, self.sheet_a1.contact_ids)
        self.assertCanRead(parent, self.income_a)
        self.assertCanWrite(parent, self.sheet_a1, {"allergies": "Peanuts, kiwi"})
        self.assertCannotRead(parent, self.family_b)
        self.assertCannotRead(parent, self.child_b1)
        self.assertCannotRead(parent, self.sheet_b1)
        self.assertCannotRead(parent, self.income_b)
        self.assertCannotRead(parent, self.structure_s1)
        self.assertCannotWrite(parent, self.child_a1, {"has_image_consent": True})
        self.assertCannotWrite(parent, self.sheet_b1, {"allergies": "x"})
        self.assertCannotWrite(parent, self.income_a, {"amount_monthly_income": 1.0})

    def test_portal_parent_b_mirrors_a(self):
        self.assertCanRead(self.user_portal_b, self.family_b | self.child_b1.family_ids)
        self.assertCanRead(self.user_portal_b, self.sheet_b1)
        self.assertCannotRead(self.user_portal_b, self.child_a1)
        self.assertCannotRead(self.user_portal_b, self.sheet_a1)

    def test_public_user_sees_nothing(self):
        for records in (
            self.structure_s1,
            self.family_a,
            self.child_a1,
            self.sheet_a1,
            self.income_a,
            self.family_a.guardian_ids,
            self.child_a1.family_child_ids,
            self.structure_s1.capacity_ids,
        ):
            self.assertCannotRead(self.user_public, records)

    def test_other_company_records_are_invisible(self):
        structure = self.env["childcare.structure"].create({"name": "Elsewhere", "company_id": self.other_company.id})
        self.assertCannotRead(self.user_manager, structure)
        self.user_admin.company_ids |= self.other_company
        self.assertCanRead(self.user_admin, structure.with_context(allowed_company_ids=self.other_company.ids))
