from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import AttendanceCase

LANGS = ("fr_FR", "nl_BE", "de_DE")


@tagged("post_install", "-at_install")
class TestI18n(AttendanceCase):
    """The addon's errors reach French, Dutch and German users in their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["childcare_attendance"], list(LANGS), overwrite=True)

    def test_attendance_on_a_closed_day(self):
        day = date(2025, 10, 13)  # a Monday, in A1's contract
        self.env["childcare.structure.closure"].create(
            {"name": "Team training", "structure_id": self.structure_s1.id, "date_from": day, "date_to": day}
        )
        name = self.structure_s1.name
        expected = {
            "fr_FR": f"{name} est fermé le 2025-10-13 : aucune présence ne peut être encodée ce jour-là.",
            "nl_BE": f"{name} is gesloten op 2025-10-13: die dag kan geen aanwezigheid worden ingevoerd.",
            "de_DE": f"{name} ist am 2025-10-13 geschlossen: An diesem Tag kann keine Anwesenheit erfasst werden.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(ValidationError) as caught:
                self.Attendance.with_context(lang=lang).create(
                    {
                        "child_id": self.child_a1.id,
                        "structure_id": self.structure_s1.id,
                        "date": day,
                        "check_in": self.utc(day, 8),
                        "check_out": self.utc(day, 16),
                    }
                )
            self.assertEqual(caught.exception.args[0], message)
        self.assertFalse(self.Attendance.search([("child_id", "=", self.child_a1.id), ("date", "=", day)]))
