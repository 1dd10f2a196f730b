import re
from datetime import date, timedelta

from odoo import Command
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingCase

#: the company's IBAN (Belfius test account) and a family's IBAN for its direct-debit mandate
COMPANY_IBAN = "BE71096123456769"
FAMILY_IBAN = "BE68539007547034"


@tagged("post_install", "-at_install")
class TestCreditControl(BillingCase):
    """Reminders of childcare invoices with OCA credit control: October 2025 billed (family A €232.50, family B
    €345.00), plus a September invoice of €120.00 for family A; all due on the same day. Family B reads French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attend_month()
        cls.validate_month()
        company = cls.company
        eur = cls.env.ref("base.EUR")
        if company.currency_id != eur:
            # A database made by `odoo db init --country be` may leave the main company on the generic chart in
            # USD (with demo entries: its currency cannot change); the invoices are then billed in EUR (the EPC
            # QR code is SEPA, in EUR), at par so that the amounts read the same in both currencies.
            cls.env["res.currency.rate"].create(
                {"currency_id": eur.id, "company_id": company.id, "name": "2025-01-01", "rate": 1.0}
            )
            cls.journal.currency_id = eur
        bank = cls.env["res.bank"].create({"name": "Belfius Banque", "bic": "GKCCBEBB"})
        cls.company_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": COMPANY_IBAN,
                "partner_id": company.partner_id.id,
                "bank_id": bank.id,
                "allow_out_payment": True,
                "sequence": 0,
            }
        )
        cls.policy = cls.env.ref("childcare_billing.credit_policy_childcare")
        company.childcare_credit_policy_id = cls.policy
        cls.level_1, cls.level_2, cls.level_3 = cls.policy.level_ids.sorted("level")
        cls.family_a.partner_id.write({"email": "dupont@example.com", "lang": "en_US"})
        cls.family_b.partner_id.write({"email": "janssens@example.com", "lang": "fr_FR"})
        cls.clerk = mail_new_test_user(
            cls.env,
            login="cc_reminder_clerk",
            groups="base.group_user,account.group_account_invoice,"
            "account_credit_control.group_account_credit_control_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.accountant = mail_new_test_user(
            cls.env,
            login="cc_reminder_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    # ------------------------------------------------------------------ helpers
    def bill(self):
        """The October run (posted) and a September invoice of family A due the same day."""
        run = self.run_month()
        invoice_a = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_a)
        invoice_b = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_b)
        september_a = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.family_a.partner_id.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 10, 6),
                "invoice_date_due": invoice_a.invoice_date_due,
                "childcare_family_id": self.family_a.id,
                "childcare_kind": "invoice",
                "childcare_period": date(2025, 9, 1),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.env.ref("childcare_billing.product_childcare").id,
                            "name": "September 2025",
                            "quantity": 1.0,
                            "price_unit": 120.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        september_a.action_post()
        return invoice_a, september_a, invoice_b

    def control(self, day, user=None):
        """A credit control run of the childcare policy at ``day``, its lines made ready and mailed by ``user``
        (the clerk). Returns the run and the mails it queued."""
        user = user or self.clerk
        before = self.reminder_mails()
        cc_run = self.env["credit.control.run"].with_user(user).create({"date": day, "policy_ids": self.policy.ids})
        cc_run.generate_credit_lines()
        # only this scenario's households: a demo database holds other overdue invoices (e.g. camp invoices)
        cc_run.line_ids.filtered(
            lambda line: line.childcare_family_id not in (self.family_a | self.family_b)
        ).sudo().unlink()
        cc_run.set_to_ready_lines()
        cc_run.run_channel_action()
        return cc_run.with_user(self.env.user), self.reminder_mails() - before

    def reminder_mails(self):
        return self.env["mail.mail"].search([("model", "=", "credit.control.communication")])

    def mail_of(self, mails, family):
        mail = mails.filtered(lambda mail: mail.recipient_ids == family.partner_id)
        self.assertEqual(len(mail), 1, f"one mail for {family.name}")
        return mail

    def put_in_collection(self, invoice):
        """A SEPA direct debit of ``invoice`` in a confirmed OCA payment order (inbound)."""
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        journal.bank_account_id = self.company_bank
        method_line = self.env["account.payment.method.line"].create(
            {
                "name": "SEPA direct debit (reminder test)",
                "payment_method_id": self.env.ref("account_payment_sepa_direct_debit.sepa_direct_debit").id,
                "journal_id": journal.id,
                "bank_account_link": "fixed",
                "selectable": True,
            }
        )
        partner = invoice.partner_id
        mandate = self.env["account.banking.mandate"].create(
            {
                "partner_id": partner.id,
                "partner_bank_id": self.env["res.partner.bank"]
                .create({"acc_number": FAMILY_IBAN, "partner_id": partner.id})
                .id,
                "company_id": self.company.id,
                "signature_date": date(2025, 9, 1),
                "state": "valid",
                "unique_mandate_reference": "CC-REMINDER-TEST-1",
            }
        )
        order = self.env["account.payment.order"].create(
            {"payment_type": "inbound", "payment_method_line_id": method_line.id, "journal_id": journal.id}
        )
        receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        payment_line = receivable.create_payment_line_from_move_line(order)
        self.assertEqual(payment_line.mandate_id, mandate)
        order.draft2open()
        self.assertEqual(order.state, "open")
        return order

    # ------------------------------------------------------------------ tests
    def test_policy_set_on_posted_household_invoices(self):
        invoice_a, september_a, invoice_b = self.bill()
        invoices = invoice_a | september_a | invoice_b
        self.assertEqual(invoices.sudo().mapped("credit_policy_id"), self.policy)
        receivable = invoices.line_ids.account_id.filtered(lambda a: a.account_type == "asset_receivable")
        self.assertTrue(receivable)
        self.assertLessEqual(receivable, self.policy.account_ids)
        self.assertEqual(
            [(lv.name, lv.computation_mode, lv.delay_days, lv.childcare_fee_amount) for lv in self.policy.level_ids],
            [
                ("First reminder", "net_days", 15, 0.0),
                ("Second reminder", "net_days", 30, 0.0),
                ("Formal notice", "net_days", 45, self.level_3.childcare_fee_amount),
            ],
        )
        self.assertEqual(self.level_1.email_template_id.lang, "{{ object.partner_id.lang }}")

    def test_one_mail_per_family_and_level_sent_once(self):
        invoice_a, september_a, invoice_b = self.bill()
        due = invoice_a.invoice_date_due
        self.assertEqual({september_a.invoice_date_due, invoice_b.invoice_date_due}, {due})
        self.assertTrue(re.fullmatch(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", invoice_a.payment_reference))
        # family B's template subject in French (the translations come with the .po files)
        template_1 = self.level_1.email_template_id
        template_1.update_field_translations(
            "subject", {"fr_FR": "{{ object.company_id.name }} : rappel de factures d'accueil impayées"}
        )
        # its body too (a mail template's body is translated as a whole)
        french_body = str(template_1.body_html).replace(
            "If you have difficulty paying, please contact us: a payment plan can be arranged.",
            "En cas de difficulté de paiement, contactez-nous : un plan de paiement est possible.",
        )
        self.assertIn("un plan de paiement", french_body)
        template_1.update_field_translations("body_html", {"fr_FR": french_body})
        self.level_1.childcare_fee_amount = 5.0

        # 14 days after the due date: not yet (OCA: due date + 15 days <= controlling date)
        cc_run, mails = self.control(due + timedelta(days=14))
        self.assertFalse(cc_run.line_ids)
        self.assertFalse(mails)

        # 16 days after: a first reminder for the three invoices, one mail per family
        cc_run, mails = self.control(due + timedelta(days=16))
        lines = cc_run.line_ids
        self.assertEqual(lines.invoice_id, invoice_a | september_a | invoice_b)
        self.assertEqual(set(lines.mapped("level")), {1})
        self.assertEqual(
            sorted((line.invoice_id.name, line.balance_due) for line in lines),
            sorted([(invoice_a.name, 232.50), (september_a.name, 120.00), (invoice_b.name, 345.00)]),
        )
        self.assertEqual(lines.childcare_family_id, self.family_a | self.family_b)
        self.assertEqual(len(lines.communication_id), 2)
        # the mails are in the queue (the mail cron sends them; OCA marks the lines sent then)
        self.assertEqual(set(lines.mapped("state")), {"queued"})
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(len(mails), 2)
        mail_a, mail_b = self.mail_of(mails, self.family_a), self.mail_of(mails, self.family_b)
        communication_a = lines.filtered(lambda line: line.invoice_id == invoice_a).communication_id
        communication_b = lines.filtered(lambda line: line.invoice_id == invoice_b).communication_id
        self.assertEqual(communication_a.credit_control_line_ids.invoice_id, invoice_a | september_a)
        # in the family's language
        self.assertEqual(template_1._render_lang(communication_a.ids), {communication_a.id: "en_US"})
        self.assertEqual(template_1._render_lang(communication_b.ids), {communication_b.id: "fr_FR"})
        self.assertEqual(mail_a.subject, f"{self.company.name}: reminder of unpaid childcare invoices")
        self.assertEqual(mail_b.subject, f"{self.company.name} : rappel de factures d'accueil impayées")
        # family A: both invoices with their structured communication, the total and a QR code each
        body_a = str(mail_a.body_html)
        for invoice in (invoice_a, september_a):
            self.assertIn(invoice.name, body_a)
            self.assertIn(invoice.payment_reference, body_a)
        self.assertIn("Unless we are mistaken, the childcare invoices below are still unpaid", body_a)
        self.assertIn("352.50", body_a)
        self.assertIn("This reminder carries a fee of", body_a)
        self.assertIn("5.00", body_a)
        self.assertEqual(body_a.count("o_childcare_reminder_qr"), 2)
        # Odoo keeps the QR images as attachments of the mail, linked from the body with an access token
        qr_sources = re.findall(r'<img[^>]*class="o_childcare_reminder_qr"[^>]*src="([^"]+)"', body_a)
        self.assertEqual(len(qr_sources), 2)
        self.assertTrue(all(re.match(r"/web/image/\d+\?access_token=", src) for src in qr_sources))
        self.assertEqual(mail_a.attachment_ids.mapped("mimetype"), ["image/png", "image/png"])
        self.assertNotIn(invoice_b.name, body_a)
        self.assertNotIn(invoice_b.payment_reference, body_a)
        body_b = str(mail_b.body_html)
        self.assertIn("un plan de paiement est possible", body_b)
        self.assertNotIn("payment plan can be arranged", body_b)
        self.assertIn("payment plan can be arranged", body_a)
        self.assertIn(invoice_b.payment_reference, body_b)
        self.assertEqual(body_b.count("o_childcare_reminder_qr"), 1)
        self.assertNotIn(invoice_a.name, body_b)
        # the QR code is Odoo's EPC QR of the amount due with the invoice's structured communication
        line_b = lines.filtered(lambda line: line.invoice_id == invoice_b)
        self.assertTrue(line_b.childcare_qr_code.startswith("data:image/png;base64,"))
        reference = invoice_b.payment_reference
        payload = self.company_bank._get_qr_vals(
            "sct_qr", line_b.balance_due, invoice_b.currency_id, invoice_b.partner_id, reference, reference
        )
        self.assertEqual(payload[6], COMPANY_IBAN)
        self.assertEqual(payload[7], "EUR345.0")
        self.assertEqual(payload[9], re.sub(r"\D", "", reference))
        # the household's history: a note per reminder mail
        note = self.family_a.message_ids.filtered(lambda message: "First reminder sent to" in str(message.body))
        self.assertEqual(len(note), 1)
        self.assertIn(september_a.payment_reference, str(note.body))
        self.assertIn("352.50", str(note.body))
        # the invoices show they were reminded; the household shows its reminders
        self.assertEqual((invoice_a | september_a | invoice_b).mapped("childcare_reminder_level"), [1, 1, 1])
        Move = self.env["account.move"].with_user(self.accountant)
        self.assertEqual(
            Move.search([("childcare_reminder_level", ">", 0), ("childcare_family_id", "=", self.family_a.id)]),
            invoice_a | september_a,
        )
        self.env.invalidate_all()
        self.assertEqual(self.family_a.with_user(self.accountant).childcare_reminder_count, 2)
        action = self.family_a.with_user(self.accountant).action_view_childcare_reminders()
        self.assertEqual(
            self.env["credit.control.line"].with_user(self.accountant).search(action["domain"]),
            lines.filtered(lambda line: line.childcare_family_id == self.family_a),
        )

        # the same control again: nothing new, no mail
        cc_run, mails = self.control(due + timedelta(days=16))
        self.assertFalse(cc_run.line_ids)
        self.assertFalse(mails)
        cc_run, mails = self.control(due + timedelta(days=25))
        self.assertFalse(cc_run.line_ids)
        self.assertFalse(mails)

        # 31 days after the due date: the second reminder, once
        cc_run, mails = self.control(due + timedelta(days=31))
        self.assertEqual(cc_run.line_ids.invoice_id, invoice_a | september_a | invoice_b)
        self.assertEqual(set(cc_run.line_ids.mapped("level")), {2})
        self.assertEqual(len(mails), 2)
        self.assertEqual(
            self.mail_of(mails, self.family_a).subject,
            f"{self.company.name}: second reminder of unpaid childcare invoices",
        )
        self.assertIn("Despite our first reminder", str(self.mail_of(mails, self.family_a).body_html))
        self.assertNotIn("carries a fee", str(self.mail_of(mails, self.family_a).body_html))
        self.assertEqual(invoice_a.childcare_reminder_level, 2)
        cc_run, mails = self.control(due + timedelta(days=32))
        self.assertFalse(cc_run.line_ids)
        self.assertFalse(mails)

        # 46 days after: the formal notice
        cc_run, mails = self.control(due + timedelta(days=46))
        self.assertEqual(set(cc_run.line_ids.mapped("level")), {3})
        self.assertIn("formal notice", self.mail_of(mails, self.family_b).subject)
        self.env.invalidate_all()
        self.assertEqual(self.family_a.with_user(self.accountant).childcare_reminder_count, 6)

    def test_no_reminder_in_collection_or_paid(self):
        invoice_a, september_a, invoice_b = self.bill()
        due = invoice_a.invoice_date_due
        # family B pays by direct debit: its invoice is in a confirmed payment order
        order = self.put_in_collection(invoice_b)
        self.assertTrue(invoice_b.childcare_in_collection)
        # family A paid its September invoice
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=september_a.ids
        ).create({"payment_date": due + timedelta(days=3)})._create_payments()
        self.assertIn(september_a.payment_state, ("paid", "in_payment"))

        cc_run, mails = self.control(due + timedelta(days=16))
        self.assertEqual(cc_run.line_ids.invoice_id, invoice_a)
        self.assertEqual(len(mails), 1)
        body = str(self.mail_of(mails, self.family_a).body_html)
        self.assertIn(invoice_a.payment_reference, body)
        self.assertNotIn(september_a.payment_reference, body)
        self.assertEqual(invoice_b.childcare_reminder_level, 0)

        # the debit comes back (the order is cancelled): the invoice is reminded at the next run
        order.action_cancel()
        self.assertFalse(invoice_b.childcare_in_collection)
        cc_run, mails = self.control(due + timedelta(days=17))
        self.assertEqual(cc_run.line_ids.invoice_id, invoice_b)
        self.assertEqual(cc_run.line_ids.level, 1)

    def test_a_line_settled_before_sending_is_ignored(self):
        invoice_a, _september_a, invoice_b = self.bill()
        due = invoice_a.invoice_date_due
        cc_run = (
            self.env["credit.control.run"]
            .with_user(self.clerk)
            .create({"date": due + timedelta(days=16), "policy_ids": self.policy.ids})
        )
        cc_run.generate_credit_lines()
        # only this scenario's households: a demo database holds other overdue invoices (e.g. camp invoices)
        cc_run.line_ids.filtered(
            lambda line: line.childcare_family_id not in (self.family_a | self.family_b)
        ).sudo().unlink()
        cc_run.set_to_ready_lines()
        # between the run and the sending, family B's invoice is put in a direct-debit collection
        self.put_in_collection(invoice_b)
        before = self.reminder_mails()
        cc_run.run_channel_action()
        mails = self.reminder_mails() - before
        self.assertEqual(mails.recipient_ids, self.family_a.partner_id)
        line_b = cc_run.line_ids.filtered(lambda line: line.invoice_id == invoice_b)
        self.assertEqual(line_b.state, "ignored")
        self.assertFalse(line_b.communication_id)

    def test_fee_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.level_1.childcare_fee_amount = -5.0
            self.level_1.flush_recordset()
        self.assertEqual(self.level_1.childcare_fee_amount, 0.0)

    def test_parents_and_staff_cannot_run_or_read_reminders(self):
        invoice_a, _september_a, _invoice_b = self.bill()
        cc_run, _mails = self.control(invoice_a.invoice_date_due + timedelta(days=16))
        lines_a = cc_run.line_ids.filtered(lambda line: line.childcare_family_id == self.family_a)
        lines_b = cc_run.line_ids - lines_a
        self.assertTrue(lines_a and lines_b)
        for user in (self.user_portal_a, self.user_staff_s1, self.user_manager):
            # no credit control run, neither a new one nor an existing one
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["credit.control.run"]).create(
                    {"date": date(2026, 6, 1), "policy_ids": self.policy.ids}
                )
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, cc_run).generate_credit_lines()
            # no reminder line nor mail of another family (nor their own: the portal shows invoices)
            self.assertCannotSee(user, lines_b, lines_b.communication_id)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.family_a).action_view_childcare_reminders()
            # a state is never written by them
            self.assertRefused(user, lines_b, {"state": "draft"})
        self.assertCannotSee(self.user_portal_a, lines_a)
        # the family's invoices stay readable by the parent, reminder level included
        self.assertEqual(
            self.as_user(self.user_portal_a, invoice_a).read(["childcare_reminder_level"])[0][
                "childcare_reminder_level"
            ],
            1,
        )

    def test_views_for_their_roles(self):
        """The reminders' views open for the accountant; the family form opens for structure staff without the
        reminders button (they do not read credit control)."""
        for user in (self.accountant, self.clerk):
            self.env.invalidate_all()
            views = (
                self.env["credit.control.line"]
                .with_user(user)
                .get_views([(False, "list"), (False, "form"), (False, "search")])
            )
            self.assertIn("childcare_family_id", views["views"]["list"]["arch"])
            self.assertIn("group_by_communication", views["views"]["search"]["arch"])
            family_form = self.env["childcare.family"].with_user(user).get_views([(False, "form")])
            self.assertIn("action_view_childcare_reminders", family_form["views"]["form"]["arch"])
            search = self.env["account.move"].with_user(user).get_views([(False, "search")])
            self.assertIn('name="childcare_reminded"', search["views"]["search"]["arch"])
        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.accountant)
            ._for_xml_id("childcare_billing.action_childcare_credit_control_line")
        )
        self.assertEqual(action["res_model"], "credit.control.line")
        staff_form = self.env["childcare.family"].with_user(self.user_staff_s1).get_views([(False, "form")])
        self.assertNotIn("action_view_childcare_reminders", staff_form["views"]["form"]["arch"])
        self.assertNotIn("childcare_reminder_count", staff_form["views"]["form"]["arch"])
