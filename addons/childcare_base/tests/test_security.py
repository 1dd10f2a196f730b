"""The registry as an attacker sees it: restricted users call any public method over JSON-RPC with any
context. Every test runs as the restricted user with a cold cache, asserts the refusal, then reads the
database as the superuser to assert that nothing was written."""

from datetime import date

from odoo import Command
from odoo.addons.childcare_base.tools.identity import be_national_number
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ACCESS_LOGGERS, ChildcareCase


@tagged("at_install", "childcare")
class TestGuard(ChildcareCase):
    # ------------------------------------------------------------------ finding 1
    def test_staff_cannot_create_a_child_linked_to_another_family(self):
        Child = self.as_user(self.user_staff_s1, self.env["childcare.child"])
        count = self.env["childcare.family.child"].search_count([("family_id", "=", self.family_b.id)])
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            Child.create(
                {
                    "first_name": "Intrus",
                    "last_name": "Janssens",
                    "birthdate": "2025-01-01",
                    "family_child_ids": [Command.create({"family_id": self.family_b.id, "custody_share": 100})],
                }
            )
        self.env.invalidate_all()
        self.assertEqual(self.env["childcare.family.child"].search_count([("family_id", "=", self.family_b.id)]), count)
        # ... nor link their own child to it afterwards, nor a child of another structure to their family
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_staff_s1, self.env["childcare.family.child"]).create(
                {"family_id": self.family_b.id, "child_id": self.child_a1.id, "custody_share": 50}
            )
        link = self.child_a1.family_child_ids
        self.assertRefused(self.user_staff_s1, link, {"child_id": self.child_b1.id})
        self.assertRefused(self.user_staff_s1, link, {"family_id": self.family_b.id})
        self.assertCannotSee(self.user_staff_s1, self.family_b)
        self.assertCannotSee(self.user_staff_s1, self.child_b1)

    def test_staff_cannot_move_children_between_structures(self):
        self.assertRefused(self.user_staff_s1, self.child_a1, {"structure_ids": [Command.link(self.structure_s2.id)]})
        self.assertRefused(self.user_staff_s1, self.child_a1, {"structure_ids": [Command.set([])]})
        self.assertRefused(self.user_staff_s1, self.child_a1, {"company_id": self.other_company.id})

    # ------------------------------------------------------------------ finding 3 (base fields)
    def test_staff_edit_operational_fields_only(self):
        self.as_user(self.user_staff_s1, self.structure_s1).write({"phone": "+32 64 11 22 33", "email": "a@b.be"})
        self.assertEqual(self.structure_s1.phone, "+32 64 11 22 33")
        for values in (
            {"director_id": self.user_staff_s1.id},
            {"staff_ids": [Command.link(self.user_staff_s2.id)]},
            {"staff_ids": [Command.unlink(self.user_staff_s1.id)]},
            {"open_saturday": True},
            {"open_monday": False},
            {"hour_close": 20.0},
            {"capacity_ids": [Command.create({"name": "More", "places": 50})]},
            {"child_ids": [Command.link(self.child_b1.id)]},
            {"name": "Renamed"},
        ):
            self.assertRefused(self.user_staff_s1, self.structure_s1, values)

    # ------------------------------------------------------------------ finding 4
    def test_portal_parent_cannot_move_medical_data_onto_another_child(self):
        sheet = self.sheet_a1
        self.assertRefused(self.user_portal_a, sheet, {"child_id": self.child_b1.id})
        contact = sheet.contact_ids
        self.assertRefused(self.user_portal_a, contact, {"sheet_id": self.sheet_b1.id})
        # across municipalities too
        other_child = self.env["childcare.child"].create(
            {
                "first_name": "Otto",
                "last_name": "Ailleurs",
                "birthdate": "2024-05-05",
                "company_id": self.other_company.id,
            }
        )
        self.assertRefused(self.user_portal_a, sheet, {"child_id": other_child.id})
        # and no new sheet for a child of another family
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, self.env["childcare.medical.sheet"]).create(
                {"child_id": self.child_b1.id, "allergies": "x"}
            )
        self.assertEqual(self.env["childcare.medical.sheet"].search_count([("child_id", "=", self.child_b1.id)]), 1)
        # their own child's sheet stays theirs to update
        self.as_user(self.user_portal_a, sheet).write({"allergies": "Peanuts, kiwi"})
        self.assertEqual(sheet.allergies, "Peanuts, kiwi")

    # ------------------------------------------------------------------ finding 5 (base part)
    def test_portal_parents_do_not_read_internal_notes(self):
        self.child_a1.note = "<p>Father not allowed to pick up</p>"
        self.family_a.note = "<p>Social worker follows</p>"
        for record in (self.child_a1, self.family_a):
            self.assertTrue(self.as_user(self.user_portal_a, record).read(["name"]))
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(self.user_portal_a, record).read(["note"])
            values = self.as_user(self.user_portal_a, record).web_read({"name": {}})[0]
            self.assertNotIn("note", values)
        self.assertIn("Social", self.as_user(self.user_staff_s1, self.family_a).read(["note"])[0]["note"])

    # ------------------------------------------------------------------ finding 7
    def test_medical_staff_read_the_sheets_of_their_structures_only(self):
        nurse = mail_new_test_user(
            self.env,
            login="cc_nurse",
            groups="base.group_user,childcare_base.group_childcare_structure,childcare_base.group_childcare_medical",
        )
        self.structure_s1.staff_ids = [Command.link(nurse.id)]
        self.assertEqual(self.as_user(nurse, self.env["childcare.medical.sheet"]).search([]), self.sheet_a1)
        self.assertEqual(self.as_user(nurse, self.sheet_a1).allergies, "Peanuts")
        self.assertCannotSee(nurse, self.sheet_b1, self.sheet_b1.contact_ids)
        self.assertRefused(nurse, self.sheet_b1, {"treatments": "none"})
        # a municipal medical officer (common.py's user_medical) reads every sheet
        officer = self.user_medical
        found = self.as_user(officer, self.env["childcare.medical.sheet"]).search(
            [("id", "in", (self.sheet_a1 | self.sheet_b1).ids)]
        )
        self.assertEqual(found, self.sheet_a1 | self.sheet_b1)

    # ------------------------------------------------------------------ finding 8
    def test_health_data_is_never_copied_into_the_chatter(self):
        sheet = self.sheet_a1.with_context(tracking_disable=False)
        sheet.write({"allergies": "Peanuts, eggs", "treatments": "EpiPen", "is_vaccination_up_to_date": True})
        self.env.flush_all()
        values = (
            self.env["mail.tracking.value"]
            .sudo()
            .search([("mail_message_id.model", "=", sheet._name), ("mail_message_id.res_id", "=", sheet.id)])
        )
        self.assertFalse(values.field_id.filtered(lambda f: f.name in ("allergies", "treatments", "diet")))
        tracked = sheet._track_get_fields()
        for name in ("allergies", "treatments", "diet", "is_vaccination_up_to_date", "doctor_name"):
            self.assertNotIn(name, tracked)
        self.assertIn("date_valid_until", tracked)

    # ------------------------------------------------------------------ finding 9
    def test_duplicate_check_reveals_nothing_of_another_municipality(self):
        number = be_national_number(date(2025, 3, 14), 7)
        self.child_a1.national_number = number
        clerk_other = mail_new_test_user(
            self.env,
            login="cc_clerk_other",
            groups="base.group_user,childcare_base.group_childcare_manager",
            company_id=self.other_company.id,
            company_ids=[Command.set(self.other_company.ids)],
        )
        Child = self.as_user(clerk_other, self.env["childcare.child"])
        # Léa Dupont, same birthdate and number, registered by another municipality: its own registry,
        # no refusal, nothing learnt of ours.
        twin = Child.create(
            {"first_name": "Léa", "last_name": "Dupont", "birthdate": date(2025, 3, 14), "national_number": number}
        )
        self.assertEqual(twin.company_id, self.other_company)
        self.assertEqual(twin.national_number, number)
        # Inside one municipality the duplicate is refused, naming no record of another structure.
        Child = self.as_user(self.user_staff_s2, self.env["childcare.child"])
        count = self.env["childcare.child"].search_count([])
        messages = []
        for values in (
            {"first_name": "Other", "last_name": "Kid", "national_number": number},
            {"first_name": "léa", "last_name": "DUPONT"},
        ):
            with self.assertRaises(ValidationError) as caught:
                Child.create({"birthdate": date(2025, 3, 14), **values})
            messages.append(str(caught.exception))
            for hidden in (self.structure_s1.name, self.other_company.name, "Léa"):
                self.assertNotIn(hidden, messages[-1])
        self.assertIn(number, messages[0])
        self.assertIn("already registered", messages[1])
        self.assertEqual(self.env["childcare.child"].search_count([]), count)

    def test_custody_error_names_no_unreadable_child(self):
        # A custody line staff S1 created for child B1 (of S2, not theirs) while B1 shared custody with their
        # family: the share error they get must not name B1.
        link_b = self.child_b1.family_child_ids
        # arrange: B's share drops to 50 % (SQL: the custody check would refuse the half-way state) and the
        # other half goes to family A through a line created by staff S1 at the time
        self.env.cr.execute("UPDATE childcare_family_child SET custody_share = 50 WHERE id = %s", [link_b.id])
        self.env.invalidate_all()
        link_a = (
            self.env["childcare.family.child"]
            .with_user(self.user_staff_s1)
            .sudo()
            .create({"family_id": self.family_a.id, "child_id": self.child_b1.id, "custody_share": 50})
        )
        self.assertEqual(link_a.create_uid, self.user_staff_s1)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(ValidationError) as caught:
            self.as_user(self.user_staff_s1, link_a).write({"custody_share": 40})
        self.assertIn("90", str(caught.exception))
        self.assertNotIn("Lars", str(caught.exception))
        self.assertNotIn("JANSSENS", str(caught.exception))
        # the same error on their own child names it
        with self.assertRaises(ValidationError) as caught:
            self.as_user(self.user_staff_s1, self.child_a1.family_child_ids).write({"custody_share": 60})
        self.assertIn("Léa", str(caught.exception))
