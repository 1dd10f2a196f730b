from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import AttendanceCase


@tagged("post_install", "-at_install")
class TestDayGrid(AttendanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 79 more children in S1: 80 expected on a Thursday
        children = cls.env["childcare.child"].create(
            [
                {
                    "first_name": f"Kid{n:02d}",
                    "last_name": "Grid",
                    "birthdate": date(2024, 1, 1) + timedelta(days=n),
                    "structure_ids": [Command.set(cls.structure_s1.ids)],
                }
                for n in range(79)
            ]
        )
        enrollments = cls.env["childcare.enrollment"].create(
            [
                {
                    "child_id": child.id,
                    "structure_id": cls.structure_s1.id,
                    "date_start": date(2025, 9, 1),
                    "schedule_line_ids": [
                        Command.create({"weekday": "3", "hour_from": 8.0 + (n % 3) * 0.5, "hour_to": 16.5})
                    ],
                }
                for n, child in enumerate(children)
            ]
        )
        enrollments.action_start()
        cls.thursday = date(2025, 10, 9)

    def grid(self, user=None, structure=None, day=None):
        Attendance = self.Attendance.with_user(user or self.user_staff_s1)
        return Attendance.day_grid_data((structure or self.structure_s1).id, day or self.thursday)

    def test_grid_lists_expected_children_and_saves_in_one_batch(self):
        data = self.grid()
        self.assertEqual(data["date"], "2025-10-09")
        self.assertEqual(data["tz"], "Europe/Brussels")
        self.assertFalse(data["is_closed"])
        self.assertEqual(len(data["rows"]), 80)
        self.assertIn(["sick_certificate", "Sickness with certificate"], [list(r) for r in data["reasons"]])
        rows = {row["child_id"]: row for row in data["rows"]}
        row_a1 = rows[self.child_a1.id]
        self.assertEqual((row_a1["planned_from"], row_a1["planned_to"], row_a1["is_recorded"]), (8.0, 17.0, False))
        # what the client does: A1 sick, every other child present as planned
        for row in data["rows"]:
            row.update(hour_in=row["planned_from"], hour_out=row["planned_to"])
        row_a1.update(absence_reason="sick_certificate", hour_in=False, hour_out=False)
        sent = [
            {key: row[key] for key in ("child_id", "hour_in", "hour_out", "absence_reason", "note")}
            for row in data["rows"]
        ]
        Attendance = self.Attendance.with_user(self.user_staff_s1)
        self.env.invalidate_all()
        # 80 lines, whatever the number of children (with the write guard's read check of the linked
        # children and structure: one query per linked model; childcare_billing's meal flag, computed on
        # the new lines, adds one when it is installed)
        bound = 20 if "has_meal" in self.Attendance._fields else 19
        with self.assertQueryCount(bound):
            lines = Attendance.record_day(self.structure_s1.id, self.thursday, sent)
        self.assertEqual(len(lines), 80)
        self.assertEqual(lines.filtered(lambda line: line.child_id == self.child_a1).absence_reason, "sick_certificate")
        kid = lines.filtered(lambda line: line.child_id.first_name == "Kid01")
        self.assertEqual((kid.hour_in, kid.hour_out, kid.attended_hours), (8.5, 16.5, 8.0))
        self.assertEqual(kid.entered_by_id, self.user_staff_s1)

        # saving again: nothing changed, nothing written; one change, one line written
        sent[5]["hour_out"] = 15.0
        with self.assertQueryCount(5):
            Attendance.record_day(self.structure_s1.id, self.thursday, sent)
        self.assertEqual(
            self.Attendance.search_count([("structure_id", "=", self.structure_s1.id), ("date", "=", self.thursday)]),
            80,
        )

    def test_save_answers_with_the_refreshed_grid(self):
        data = self.grid()
        sent = [
            {"child_id": row["child_id"], "hour_in": row["planned_from"], "hour_out": False, "absence_reason": "none"}
            for row in data["rows"]
        ]
        refreshed = self.Attendance.with_user(self.user_staff_s1).day_grid_save(
            self.structure_s1.id, "2025-10-09", sent
        )
        self.assertTrue(all(row["is_recorded"] for row in refreshed["rows"]))
        self.assertEqual(refreshed["rows"][0]["hour_in"], refreshed["rows"][0]["planned_from"])
        self.assertEqual(
            self.Attendance.search_count(
                [("structure_id", "=", self.structure_s1.id), ("is_missing_check_out", "=", True)]
            ),
            80,
        )

    def test_grid_on_a_closed_day(self):
        data = self.grid(day=date(2025, 10, 11))  # Saturday
        self.assertTrue(data["is_closed"])
        self.assertFalse(data["rows"])

    def test_structure_staff_grid_only_shows_their_structure(self):
        data = self.Attendance.with_user(self.user_staff_s2).day_grid_data(False, "2025-10-09")
        self.assertEqual(data["structure_id"], self.structure_s2.id)
        self.assertEqual([s["id"] for s in data["structures"]], self.structure_s2.ids)
        self.assertEqual([row["child_id"] for row in data["rows"]], self.child_b1.ids)
        with self.assertRaises(AccessError):
            self.grid(user=self.user_staff_s2)


@tagged("post_install", "-at_install")
class TestDayGridTour(HttpCase, AttendanceCase):
    def test_day_grid_tour(self):
        # open every day, so that the tour runs whatever today is
        self.structure_s1.write({"open_saturday": True, "open_sunday": True})
        self.env["childcare.structure.closure"].search([]).unlink()  # demo public holidays
        self.enrollment_a1.schedule_line_ids.unlink()
        self.enrollment_a1.schedule_line_ids = [
            Command.create({"weekday": d, "hour_from": 8.0, "hour_to": 16.5}) for d in "0123456"
        ]
        self.start_tour(
            "/odoo/action-childcare_attendance.action_day_grid",
            "childcare_attendance_day_grid",
            login=self.user_staff_s1.login,
        )
        line = self.Attendance.search(
            [("structure_id", "=", self.structure_s1.id), ("child_id", "=", self.child_a1.id)]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual((line.hour_in, line.hour_out, line.entered_by_id), (8.0, 16.5, self.user_staff_s1))

    def test_views_render(self):
        """Smoke test of the backoffice views: each opens without an error in the browser."""
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), None)
        sheet = self.Sheet._generate_month(date(2025, 10, 1), self.structure_s1)
        for url in (
            "/odoo/action-childcare_attendance.childcare_attendance_action?view_type=list",
            "/odoo/action-childcare_attendance.childcare_attendance_action?view_type=calendar",
            "/odoo/action-childcare_attendance.childcare_attendance_action?view_type=pivot",
            "/odoo/action-childcare_attendance.childcare_attendance_missing_check_out_action",
            "/odoo/action-childcare_attendance.childcare_attendance_sheet_action",
            f"/odoo/action-childcare_attendance.childcare_attendance_sheet_action/{sheet.id}",
            "/odoo/action-childcare_attendance.childcare_attendance_sheet_line_action",
            "/odoo/action-childcare_attendance.childcare_attendance_sheet_line_action?view_type=graph",
            "/odoo/action-childcare_attendance.childcare_structure_closure_action",
            f"/odoo/action-childcare_base.childcare_structure_action/{self.structure_s1.id}",
        ):
            with self.subTest(url=url):
                self.start_tour(url, "childcare_attendance_view_smoke", login=self.user_manager.login)
