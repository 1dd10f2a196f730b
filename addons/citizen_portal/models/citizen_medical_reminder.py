"""The guardians are reminded to update a medical sheet that expires soon (issue 11, "Each child": "reminder
when it expires")."""

from datetime import timedelta

from odoo import api, fields, models

#: the guardians are told this many days before a medical sheet expires (and up to this many days after)
REMIND_DAYS = 30


class ChildcareMedicalSheet(models.Model):
    _inherit = "childcare.medical.sheet"
    # the reminder date is the cron's own record of what it did: never written by a form or an RPC call
    # (childcare_base's sheet declares no system field of its own)
    _childcare_system_fields = ("portal_expiry_reminder_date",)

    portal_expiry_reminder_date = fields.Date(
        string="Expiry reminder sent on",
        readonly=True,
        copy=False,
        help="The day the guardians were reminded to update this sheet before it expires (once per sheet).",
    )

    @api.model
    def _cron_portal_expiry_reminder(self):
        """Remind the guardians of each child whose latest medical sheet expires within REMIND_DAYS days (or
        expired less than REMIND_DAYS days ago), once per sheet: one mail per guardian with an e-mail, in
        their language, linking to the child's page of the portal."""
        today = fields.Date.context_today(self)
        Sheet = self.sudo()  # the cron's work: it reads the sheets of every family, sends no health data
        candidates = Sheet.search(
            [
                ("portal_expiry_reminder_date", "=", False),
                ("date_valid_until", "<=", today + timedelta(days=REMIND_DAYS)),
                ("date_valid_until", ">=", today - timedelta(days=REMIND_DAYS)),
                ("child_id.active", "=", True),
            ]
        )
        if not candidates:
            return
        latest = {
            child.id: sheet_id
            for child, sheet_id in Sheet._read_group(
                [("child_id", "in", candidates.child_id.ids)], ["child_id"], ["id:max"]
            )
        }
        sheets = candidates.filtered(lambda sheet: latest.get(sheet.child_id.id) == sheet.id)
        template = self.env.ref("citizen_portal.mail_template_medical_sheet_expiry", raise_if_not_found=False)
        for sheet in sheets:
            guardians = sheet.child_id.family_ids.filtered("active").guardian_ids.partner_id.filtered("email")
            for partner in guardians:
                if template:
                    template.with_context(citizen_lang=partner.lang).send_mail(
                        sheet.id,
                        email_values={"recipient_ids": [(6, 0, partner.ids)]},
                        email_layout_xmlid="mail.mail_notification_light",
                    )
        sheets.write({"portal_expiry_reminder_date": today})
