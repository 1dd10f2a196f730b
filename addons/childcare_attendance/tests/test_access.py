from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OCT, AttendanceCase


@tagged("post_install", "-at_install")
class TestAttendanceAccess(AttendanceCase):
    """Who reads and changes what: manager, staff of S1 vs S2, portal parent A vs B, public, other company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line_a1 = cls.present(cls.child_a1, cls.structure_s1, date(2025, 10, 2), (8, 0), (16, 0))
        cls.line_b1 = cls.present(cls.child_b1, cls.structure_s2, date(2025, 10, 2), (8, 0), (15, 0))
        cls.sheet_s1, cls.sheet_s2 = (
            cls.env["childcare.attendance.sheet"]
            ._generate_month(OCT, cls.structure_s1 | cls.structure_s2)
            .sorted(lambda s: s.structure_id != cls.structure_s1)
        )
        cls.closure_s1 = cls.env["childcare.structure.closure"].create(
            {
                "name": "Training",
                "structure_id": cls.structure_s1.id,
                "date_from": date(2025, 12, 22),
                "date_to": date(2025, 12, 23),
            }
        )
        cls.holiday = cls.env["childcare.structure.closure"].create(
            {"name": "Christmas", "date_from": date(2025, 12, 25), "date_to": date(2025, 12, 25)}
        )
        cls.lines = cls.line_a1 | cls.line_b1

    def visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_manager_sees_and_changes_everything(self):
        self.assertEqual(self.visible(self.user_manager, self.lines), self.lines)
        self.assertEqual(self.visible(self.user_manager, self.sheet_s1 | self.sheet_s2), self.sheet_s1 | self.sheet_s2)
        self.line_b1.with_user(self.user_manager).note = "Corrected by the municipality"
        closure = self.holiday.with_user(self.user_manager)
        closure.name = "Noël"
        closure.unlink()

    def test_structure_staff_limited_to_their_structure(self):
        for user, own, other, own_sheet, other_sheet in (
            (self.user_staff_s1, self.line_a1, self.line_b1, self.sheet_s1, self.sheet_s2),
            (self.user_staff_s2, self.line_b1, self.line_a1, self.sheet_s2, self.sheet_s1),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(self.visible(user, self.lines), own)
                self.assertEqual(self.visible(user, self.sheet_s1 | self.sheet_s2), own_sheet)
                self.assertEqual(self.visible(user, own_sheet.line_ids | other_sheet.line_ids), own_sheet.line_ids)
                with self.assertRaises(AccessError):  # totals come from the rule only
                    own_sheet.line_ids.with_user(user).billable_hours = 0.0
                own_sheet.with_user(user).action_compute()  # but staff recompute their own draft sheets
                with self.assertRaises(AccessError):
                    other_sheet.with_user(user).action_compute()
                own.with_user(user).note = "Tired"
                with self.assertRaises(AccessError):
                    other.with_user(user).read(["date"])
                with self.assertRaises(AccessError):
                    other.with_user(user).note = "Not mine"
                with self.assertRaises(AccessError):
                    other.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    other_sheet.with_user(user).read(["state"])
                with self.assertRaises(AccessError):
                    self.env["childcare.attendance"].with_user(user).create(
                        {
                            "child_id": other.child_id.id,
                            "structure_id": other.structure_id.id,
                            "date": date(2025, 10, 3),
                            "absence_reason": "unjustified",
                        }
                    )
                with self.assertRaises(AccessError):
                    own_sheet.with_user(user).unlink()
        # closures: staff read public holidays and their own structure's, change none
        self.assertEqual(
            self.visible(self.user_staff_s1, self.closure_s1 | self.holiday), self.closure_s1 | self.holiday
        )
        self.assertEqual(self.visible(self.user_staff_s2, self.closure_s1 | self.holiday), self.holiday)
        with self.assertRaises(AccessError):
            self.holiday.with_user(self.user_staff_s1).name = "Moved"
        with self.assertRaises(AccessError):
            self.env["childcare.structure.closure"].with_user(self.user_staff_s1).create(
                {
                    "name": "Own closure",
                    "structure_id": self.structure_s1.id,
                    "date_from": date(2025, 12, 29),
                    "date_to": date(2025, 12, 31),
                }
            )

    def test_portal_parent_reads_own_children_only(self):
        for user, own, other in (
            (self.user_portal_a, self.line_a1, self.line_b1),
            (self.user_portal_b, self.line_b1, self.line_a1),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(self.visible(user, self.lines), own)
                self.assertEqual(own.with_user(user).read(["attended_hours"])[0]["attended_hours"], own.attended_hours)
                with self.assertRaises(AccessError):
                    other.with_user(user).read(["attended_hours"])
                with self.assertRaises(AccessError):
                    own.with_user(user).note = "We were late"
                with self.assertRaises(AccessError):
                    own.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.sheet_s1.with_user(user).read(["state"])
                with self.assertRaises(AccessError):
                    self.env["childcare.attendance.sheet"].with_user(user).search([])

    def test_structure_terms_are_for_municipal_staff(self):
        structure = self.structure_s1
        refused = {
            "attendance_billing_mode": "attended",
            "attendance_rounding": "quarter",
            "attendance_holiday_days": 10,
            "open_saturday": True,
            "hour_close": 20.0,
            "director_id": self.user_staff_s1.id,
            "staff_ids": [Command.link(self.user_staff_s2.id)],
            "closure_ids": [
                Command.create({"name": "Bridge", "date_from": date(2025, 11, 10), "date_to": date(2025, 11, 10)})
            ],
        }
        for name, value in refused.items():
            with self.subTest(field=name):
                self.env.invalidate_all()
                before = structure.read([name])
                with self.assertRaises(AccessError):
                    structure.with_user(self.user_staff_s1).write({name: value})
                self.env.invalidate_all()
                self.assertEqual(structure.read([name]), before)
        # the operational fields stay theirs
        self.env.invalidate_all()
        structure.with_user(self.user_staff_s1).write(
            {"phone": "+32 2 555 01 01", "email": "lutins@example.org", "note": "<p>Key in the box</p>"}
        )
        self.env.invalidate_all()
        self.assertEqual(
            (structure.phone, structure.email, str(structure.note)),
            ("+32 2 555 01 01", "lutins@example.org", "<p>Key in the box</p>"),
        )
        # municipal staff set the terms
        structure.with_user(self.user_manager).write(
            {"attendance_billing_mode": "attended", "attendance_holiday_days": 10}
        )
        self.assertEqual((structure.attendance_billing_mode, structure.attendance_holiday_days), ("attended", 10))

    def test_internal_note_is_hidden_from_portal_parents(self):
        self.line_a1.note = "Bit another child"
        self.env.invalidate_all()
        line = self.line_a1.with_user(self.user_portal_a)
        with self.assertRaises(AccessError):
            line.read(["note"])
        self.assertNotIn("note", line.fields_get())
        values = line.read()[0]  # every field the parent may read
        self.assertNotIn("note", values)
        self.assertEqual(values["attended_hours"], 8.0)
        self.env.invalidate_all()
        self.assertEqual(self.line_a1.with_user(self.user_staff_s1).read(["note"])[0]["note"], "Bit another child")
        # the views load for everyone who reads attendance, with the note for internal users only
        for user, sees_note in ((self.user_portal_a, False), (self.user_staff_s1, True), (self.user_manager, True)):
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                result = (
                    self.env["childcare.attendance"]
                    .with_user(user)
                    .get_views([(False, view_type) for view_type in ("list", "form", "calendar", "pivot", "search")])
                )
                self.assertEqual(set(result["views"]), {"list", "form", "calendar", "pivot", "search"})
                self.assertEqual('name="note"' in result["views"]["form"]["arch"], sees_note)
                self.assertEqual('name="note"' in result["views"]["list"]["arch"], sees_note)
                self.assertEqual("note" in result["models"]["childcare.attendance"]["fields"], sees_note)

    def test_public_and_plain_employees_see_nothing(self):
        for user in (self.user_public, self.user_employee):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.line_a1.with_user(user).read(["date"])
                with self.assertRaises(AccessError):
                    self.sheet_s1.with_user(user).read(["state"])
                with self.assertRaises(AccessError):
                    self.holiday.with_user(user).read(["name"])

    def test_other_municipality_is_invisible(self):
        other_structure = self.env["childcare.structure"].create(
            {"name": "Crèche d'ailleurs", "company_id": self.other_company.id, "tz": "Europe/Brussels"}
        )
        other_child = self.env["childcare.child"].create(
            {
                "first_name": "Zoé",
                "last_name": "Ailleurs",
                "birthdate": date(2024, 5, 5),
                "company_id": self.other_company.id,
                "structure_ids": [Command.set(other_structure.ids)],
            }
        )
        self.create_enrollment(other_child, other_structure, [("3", 8.0, 12.0)])
        line = self.present(other_child, other_structure, date(2025, 10, 2), (8, 0), (12, 0))
        # the manager works for the first municipality only
        self.assertFalse(self.visible(self.user_manager, line))
        with self.assertRaises(AccessError):
            line.with_user(self.user_manager).read(["date"])
        self.user_manager.company_ids = [Command.link(self.other_company.id)]
        self.assertEqual(
            line.with_user(self.user_manager)
            .with_context(allowed_company_ids=[self.company.id, self.other_company.id])
            .attended_hours,
            4.0,
        )
