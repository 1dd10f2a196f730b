from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestWaitingListExport(EnrollmentCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apps = cls.build_scenario()
        cls.commission = cls.new_commission()
        cls.commission.action_allocate()
        cls.url = f"/childcare/commission/{cls.commission.id}/waiting_list.xlsx"

    def test_manager_downloads_xlsx(self):
        self.authenticate("cc_manager", "cc_manager")
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.assertIn("waiting-list.xlsx", response.headers["Content-Disposition"])
        self.assertEqual(response.content[:2], b"PK")

    def test_portal_parent_cannot_download(self):
        self.authenticate("cc_portal_a", "cc_portal_a")
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.url_open(self.url)
        self.assertNotEqual(response.status_code, 200)

    def test_places_cannot_exceed_capacity(self):
        place = self.commission.place_ids.filtered(lambda p: p.capacity_id == self.c3_babies)
        with self.assertRaisesRegex(ValidationError, "exceed the capacity"):
            place.places_available = 2
