import re
from datetime import date

from odoo import Command, fields
from odoo.addons.childcare_attendance.models.childcare_attendance import utc_to_local_hour
from odoo.tests import HttpCase, tagged

from .common import AttendanceCase


@tagged("post_install", "-at_install")
class TestKiosk(HttpCase, AttendanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # open every day, so that the test runs whatever today is
        cls.structure_s1.write({"open_saturday": True, "open_sunday": True})
        cls.env["childcare.structure.closure"].search([]).unlink()  # demo public holidays
        cls.enrollment_a1.schedule_line_ids = [
            Command.create({"weekday": d, "hour_from": 9.0, "hour_to": 12.0}) for d in "56"
        ]
        cls.grandma = cls.env["childcare.pickup.person"].create(
            {"child_id": cls.child_a1.id, "name": "Mamie Jeanne", "pin": "4321"}
        )

    def tap(self, pin=None):
        page = self.url_open(f"/childcare/kiosk/{self.structure_s1.id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {"csrf_token": token, "child_id": self.child_a1.id}
        if pin:
            data["pin"] = pin
        return self.url_open(f"/childcare/kiosk/{self.structure_s1.id}/tap", data=data)

    def today_line(self):
        return self.env["childcare.attendance"].search(
            [("structure_id", "=", self.structure_s1.id), ("child_id", "=", self.child_a1.id)],
            order="date desc",
            limit=1,
        )

    def test_kiosk_check_in_and_out_with_pin(self):
        self.authenticate(self.user_staff_s1.login, self.user_staff_s1.login)
        page = self.url_open(f"/childcare/kiosk/{self.structure_s1.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Léa DUPONT", page.text)
        self.assertIn("Tap to check in", page.text)

        response = self.tap()
        self.assertIn("Léa DUPONT checked in.", response.text)
        line = self.today_line()
        self.assertTrue(line.check_in)
        self.assertFalse(line.check_out)
        self.assertEqual(line.entered_by_id, self.user_staff_s1)

        response = self.tap(pin="0000")
        self.assertIn("This PIN does not belong to a person allowed to pick up Léa DUPONT.", response.text)
        line.invalidate_recordset()
        self.assertFalse(line.check_out)

        response = self.tap(pin="4321")
        self.assertIn("Léa DUPONT left with Mamie Jeanne.", response.text)
        line.invalidate_recordset()
        self.assertTrue(line.check_out)
        self.assertEqual(line.pickup_person_id, self.grandma)

        response = self.tap()
        self.assertIn("Léa DUPONT has already left.", response.text)

    def kiosk_today(self):
        return utc_to_local_hour(fields.Datetime.now(), self.structure_s1.tz)[0]

    def lines_of_today(self):
        return self.env["childcare.attendance"].search(
            [
                ("structure_id", "=", self.structure_s1.id),
                ("child_id", "=", self.child_a1.id),
                ("date", "=", self.kiosk_today()),
            ]
        )

    def test_double_tap_checks_in_once(self):
        self.env.invalidate_all()
        Attendance = self.env["childcare.attendance"].with_user(self.user_staff_s1)
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            first = Attendance._kiosk_tap(self.structure_s1, self.child_a1.id, self.kiosk_today())
            second = Attendance._kiosk_tap(self.structure_s1, self.child_a1.id, self.kiosk_today())
        self.assertEqual(first, "Léa DUPONT checked in.")
        self.assertEqual(second, "Léa DUPONT is already checked in.")
        line = self.lines_of_today()
        self.assertEqual(len(line), 1)
        self.assertTrue(line.check_in)
        self.assertFalse(line.check_out)

    def test_concurrent_check_in_answers_already_checked_in(self):
        """Two requests at once: the second one did not see the line of the first (not yet committed when
        it looked) and its insert meets the unique constraint (child, structure, day) in the database: no
        server error, nothing logged, one line."""
        self.env.invalidate_all()
        Attendance = self.env["childcare.attendance"].with_user(self.user_staff_s1)
        day, now = self.kiosk_today(), fields.Datetime.now()
        self.assertEqual(Attendance._kiosk_tap(self.structure_s1, self.child_a1.id, day), "Léa DUPONT checked in.")
        # the second request reached the insert: the same step as _kiosk_tap's, against the real database
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            message = Attendance._kiosk_check_in(self.structure_s1, self.child_a1, day, now)
        self.assertEqual(message, "Léa DUPONT is already checked in.")
        line = self.lines_of_today()
        self.assertEqual(len(line), 1)
        self.assertFalse(line.check_out)

    def test_kiosk_double_tap_through_the_page(self):
        self.authenticate(self.user_staff_s1.login, self.user_staff_s1.login)
        first, second = self.tap(), self.tap()
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertIn("Léa DUPONT checked in.", first.text)
        self.assertIn("Léa DUPONT is already checked in.", second.text)
        self.assertFalse(self.lines_of_today().check_out)

    def test_kiosk_of_another_structure_is_not_found(self):
        self.authenticate(self.user_staff_s2.login, self.user_staff_s2.login)
        self.assertEqual(self.url_open(f"/childcare/kiosk/{self.structure_s1.id}").status_code, 404)
        # their own structure is shown directly
        page = self.url_open("/childcare/kiosk")
        self.assertIn("Maison relais Arc-en-ciel", page.text)

    def test_kiosk_needs_a_login(self):
        response = self.url_open(f"/childcare/kiosk/{self.structure_s1.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_sheet_xlsx_download(self):
        self.present(self.child_a1, self.structure_s1, date(2025, 10, 2), (8, 0), (16, 0))
        sheet = self.env["childcare.attendance.sheet"]._generate_month("2025-10-01", self.structure_s1)
        self.authenticate(self.user_staff_s1.login, self.user_staff_s1.login)
        response = self.url_open(f"/childcare/attendance/sheet/{sheet.id}/xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")
        self.authenticate(self.user_staff_s2.login, self.user_staff_s2.login)
        self.assertEqual(self.url_open(f"/childcare/attendance/sheet/{sheet.id}/xlsx").status_code, 403)
