import re
from datetime import date

from odoo import Command
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
