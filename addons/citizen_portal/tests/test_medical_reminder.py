"""The guardians are reminded when a child's medical sheet is about to expire: once per sheet, only for the
child's latest version, one mail per guardian in their language, a link to the child's page, no health data;
a parent cannot silence the reminder by writing its date."""

from datetime import timedelta

from odoo import Command, fields
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS, ChildcareCase
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import format_date, mute_logger


@tagged("post_install", "-at_install")
class TestMedicalSheetReminder(ChildcareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["citizen_portal"], ["fr_FR"], overwrite=True)
        cls.today = fields.Date.context_today(cls.env["childcare.medical.sheet"])
        # family A: two guardians, one reads French
        cls.user_portal_a.partner_id.write({"email": "mother.a@example.com", "lang": "en_US"})
        cls.father_a = cls.env["res.partner"].create(
            {"name": "Father A", "email": "father.a@example.com", "lang": "fr_FR"}
        )
        cls.family_a.guardian_ids = [Command.create({"partner_id": cls.father_a.id, "relationship": "father"})]
        cls.user_portal_b.partner_id.email = "parent.b@example.com"
        # Léa's sheet expires in 20 days; Lars's in 200 days (no reminder yet)
        cls.sheet_a1.date_valid_until = cls.today + timedelta(days=20)
        cls.sheet_b1.date_valid_until = cls.today + timedelta(days=200)

    def reminders(self, sheet):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "childcare.medical.sheet"), ("res_id", "=", sheet.id)], order="id")
        )

    def test_reminder_once_per_sheet_to_each_guardian_in_their_language(self):
        Sheet = self.env["childcare.medical.sheet"]
        Sheet._cron_portal_expiry_reminder()
        mails = self.reminders(self.sheet_a1)
        self.assertEqual(len(mails), 2, "one mail per guardian of Léa")
        by_partner = {mail.recipient_ids: mail for mail in mails}
        english = by_partner[self.user_portal_a.partner_id]
        french = by_partner[self.father_a]
        expiry = self.sheet_a1.date_valid_until
        self.assertEqual(
            english.subject, f"The medical sheet of Léa expires on {format_date(self.env, expiry, lang_code='en_US')}"
        )
        self.assertEqual(
            french.subject, f"La fiche médicale de Léa expire le {format_date(self.env, expiry, lang_code='fr_FR')}"
        )
        for mail in mails:
            self.assertIn(f"/my/children/{self.child_a1.id}", mail.body_html)
            self.assertNotIn("Peanuts", mail.body_html, "no health data in a mail")
        self.assertEqual(self.sheet_a1.portal_expiry_reminder_date, self.today)
        self.assertFalse(self.reminders(self.sheet_b1), "Lars's sheet is valid for months")
        # the next day: nothing again for the same sheet
        Sheet._cron_portal_expiry_reminder()
        self.assertEqual(len(self.reminders(self.sheet_a1)), 2)

    def test_only_the_latest_version_is_reminded(self):
        # the parents already gave a new version valid for a year: the old one is not reminded
        new = self.env["childcare.medical.sheet"].create(
            {"child_id": self.child_a1.id, "date_valid_until": self.today + timedelta(days=365)}
        )
        self.env["childcare.medical.sheet"]._cron_portal_expiry_reminder()
        self.assertFalse(self.reminders(self.sheet_a1))
        self.assertFalse(self.reminders(new))
        self.assertFalse(self.sheet_a1.portal_expiry_reminder_date)

    def test_parent_cannot_silence_the_reminder(self):
        sheet = self.sheet_a1.with_user(self.user_portal_a)
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            sheet.write({"portal_expiry_reminder_date": self.today})
        self.assertFalse(self.sheet_a1.portal_expiry_reminder_date)
