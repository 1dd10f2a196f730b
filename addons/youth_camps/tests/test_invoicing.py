from datetime import timedelta

from odoo import Command
from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_be
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text, render_pdf
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ACCESS_LOGGERS, CampCase, next_monday

HEALTH_FUND_REPORT = "youth_camps.action_report_health_fund_attestation"


@tagged("post_install", "-at_install")
class TestCampInvoicing(CampCase):
    """Family A (resident) sends ONE request: Emma and Noah in the Nature week (€100, 10 % sibling reduction)
    and in the Art week a week later (€100, 15 %): one invoice of 100 + 90 + 100 + 85 = €375.00. Family B
    (non-resident) registers Lucas and Mia for the Nature week: 150 + 135 = €285.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a municipality's camps are not subject to VAT: the ticket products carry no tax
        (cls.product_resident | cls.product_non_resident).taxes_id = False
        cls.company.qr_code = True  # Odoo's QR codes on invoices (account_qr_code_sepa: EPC QR)
        bank = cls.env["res.bank"].create({"name": "Belfius Banque", "bic": "GKCCBEBB"})
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "acc_number": "BE71096123456769",
                "partner_id": cls.company.partner_id.id,
                "bank_id": bank.id,
                "allow_out_payment": True,
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.journal.invoice_reference_model = "be"  # l10n_be: Belgian structured communication
        cls.camp_art = cls.create_camp("Art week", cls.camp_first_day + timedelta(days=7), camp_sibling_reduction=15.0)
        cls.child_mia = cls.make_child(cls.family_b, "Mia", 6.5, level="p1")

    # ------------------------------------------------------------------ helpers
    def register(self, family, lines, guardian=None):
        """One request of ``family`` for ``lines`` [(child, camp)], as the portal sends it."""
        guardian = guardian or family.guardian_ids[:1].partner_id
        return self.env["youth_camps.request"]._camp_register(
            family, guardian, [{"child": child, "event": camp} for child, camp in lines]
        )

    def invoice_of(self, request):
        self.env["youth_camps.request"]._cron_camp_invoice()
        return self.env["account.move"].search(
            [("youth_camps_request_id", "=", request.id), ("move_type", "=", "out_invoice")]
        )

    def refunds_of(self, request):
        return self.env["account.move"].search(
            [("youth_camps_request_id", "=", request.id), ("move_type", "=", "out_refund")]
        )

    def pay(self, invoice, amount=None):
        wizard = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
        vals = {"payment_date": self.today}
        if amount is not None:
            vals["amount"] = amount
        payments = wizard.create(vals)._create_payments()
        self.env.flush_all()  # the end of the request: Odoo recomputes the invoice's payment state
        return payments

    def line_of(self, invoice, registration):
        return invoice.invoice_line_ids.filtered(lambda line: line.youth_camps_registration_id == registration)

    def request_family_a(self):
        request, registrations = self.register(
            self.family_a,
            [
                (self.child_emma, self.camp),
                (self.child_noah, self.camp),
                (self.child_emma, self.camp_art),
                (self.child_noah, self.camp_art),
            ],
        )
        return request, registrations

    def late_camp(self):
        """A camp starting in less than 14 days (the refund limit)."""
        return self.create_camp("Last-minute week", next_monday(self.today + timedelta(days=1)))

    # ------------------------------------------------------------------ one invoice per request
    def test_one_invoice_per_request(self):
        request, registrations = self.request_family_a()
        self.assertEqual(set(registrations.mapped("camp_state")), {"validated"})
        self.assertEqual(request.registration_ids, registrations)
        # nothing invoiced inside the registration's transaction: the cron does it
        self.assertFalse(self.env["account.move"].search([("youth_camps_request_id", "=", request.id)]))
        invoice = self.invoice_of(request)
        self.assertEqual(len(invoice), 1, "one invoice for the whole request")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.journal_id, self.journal)
        self.assertEqual(invoice.partner_id, self.family_a.partner_id)
        self.assertEqual(invoice.childcare_family_id, self.family_a)
        self.assertEqual(invoice.childcare_kind, "camp")
        self.assertEqual(invoice.invoice_origin, request.name)
        emma_nature, noah_nature, emma_art, noah_art = registrations.sorted("id")
        expected = {emma_nature: 100.0, noah_nature: 90.0, emma_art: 100.0, noah_art: 85.0}
        for registration, amount in expected.items():
            line = self.line_of(invoice, registration)
            self.assertEqual(len(line), 1)
            self.assertEqual(line.product_id, self.product_resident)
            self.assertEqual(line.price_subtotal, amount, registration.display_name)
            self.assertEqual(line.childcare_child_id, registration.child_id)
        self.assertEqual(self.line_of(invoice, noah_art).discount, 15.0)
        self.assertIn("sibling reduction 15", self.line_of(invoice, noah_art).name)
        self.assertEqual(invoice.amount_total, 375.0)
        self.assertEqual(invoice.amount_residual, 375.0)
        # the Belgian structured communication (OGM), valid by Odoo's own validator
        reference = invoice.payment_reference
        self.assertRegex(reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
        self.assertTrue(is_valid_structured_reference_be(reference), reference)
        # the EPC QR code Odoo prints on the invoice (account_qr_code_sepa)
        self.assertEqual(invoice.partner_bank_id, self.bank_account)
        self.assertTrue(invoice._generate_qr_code())
        self.assertEqual(invoice.qr_code_method, "sct_qr")
        payload = invoice.partner_bank_id._get_qr_vals(
            "sct_qr", invoice.amount_residual, invoice.currency_id, invoice.partner_id, reference, reference
        )
        self.assertEqual(payload[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(payload[6:8], ["BE71096123456769", "EUR375.0"])
        self.assertEqual(payload[9], reference.replace("+", "").replace("/", ""))
        # Odoo's invoice PDF (childcare_billing's letterhead and payment box): the lines, the structured
        # communication and the EPC QR code
        text = pdf_text(self, render_pdf(self, "account.account_invoices", invoice))
        self.assertIn(f"Structured communication {reference}", text)
        self.assertIn("sibling reduction 15", text)
        self.assertIn("Art week", text)
        self.assertTrue(invoice.qr_code_method == "sct_qr")
        # the request shows its figures, and a second run invoices nothing more
        self.assertEqual((request.invoice_count, request.amount_invoiced, request.amount_residual), (1, 375.0, 375.0))
        self.assertEqual(request.invoice_reference, reference)
        self.assertEqual(self.invoice_of(request), invoice)
        self.assertEqual(emma_nature.camp_amount_invoiced, 100.0)
        self.assertEqual(emma_nature.camp_amount_paid, 0.0, "not paid yet")

    def test_non_resident_prices(self):
        request, registrations = self.register(
            self.family_b, [(self.child_lucas, self.camp), (self.child_mia, self.camp)]
        )
        invoice = self.invoice_of(request)
        lucas, mia = registrations.sorted("id")
        self.assertEqual(self.line_of(invoice, lucas).product_id, self.product_non_resident)
        self.assertEqual(self.line_of(invoice, lucas).price_subtotal, 150.0)
        self.assertEqual(self.line_of(invoice, mia).price_subtotal, 135.0)
        self.assertEqual(invoice.amount_total, 285.0)

    def test_partial_week_at_the_day_price(self):
        camp = self.create_camp(
            "Short week", self.camp_first_day + timedelta(days=14), days=3, camp_partial_weeks=True, camp_day_price=0
        )
        # a camp of 3 days (a holiday week) enrolled per week: the week has 3 days of 5
        camp.write({"is_multi_slots": True, "camp_day_price": 22.5})
        slot = self.env["event.slot"].create(
            {"event_id": camp.id, "date": camp.camp_date_first, "start_hour": 9.0, "end_hour": 16.0}
        )
        slot.camp_date_end = camp.camp_date_first + timedelta(days=2)
        request, _registrations = self.env["youth_camps.request"]._camp_register(
            self.family_a,
            self.user_portal_a.partner_id,
            [{"child": self.child_emma, "event": camp, "slot": slot}],
        )
        invoice = self.invoice_of(request)
        line = invoice.invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (3.0, 22.5, 67.5))
        self.assertEqual(invoice.amount_total, 67.5)

    def test_requested_registrations_wait_for_validation(self):
        self.camp.camp_auto_validate = False
        request, registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        self.assertEqual(registrations.camp_state, "requested")
        self.assertFalse(self.invoice_of(request), "not invoiced while staff have not validated it")
        registrations.with_user(self.user_organiser).action_camp_validate()
        self.assertEqual(self.invoice_of(request).amount_total, 100.0)

    def test_invoicing_runs_after_the_registration(self):
        cron = self.env.ref("youth_camps.ir_cron_camp_invoice")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        self.register(self.family_a, [(self.child_emma, self.camp)])
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1, "the cron is triggered")

    def test_overdue_camp_invoice_blocks_the_automatic_validation(self):
        request, registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        vals = request._camp_invoice_vals(registrations)
        past = self.today - timedelta(days=40)
        vals.update(invoice_date=past, invoice_date_due=past + timedelta(days=7))
        overdue = self.env["account.move"].create(vals)
        overdue.action_post()
        # another family's request, and a childcare invoice (not a camp) overdue of family B: no effect
        childcare = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.family_b.partner_id.id,
                "childcare_family_id": self.family_b.id,
                "invoice_date": past,
                "invoice_date_due": past,
                "invoice_line_ids": [Command.create({"name": "Crèche", "price_unit": 50.0})],
            }
        )
        childcare.action_post()
        _request, noah = self.register(self.family_a, [(self.child_noah, self.camp)])
        self.assertEqual(noah.camp_state, "requested", "staff decide while a camp invoice is overdue")
        _request, lucas = self.register(self.family_b, [(self.child_lucas, self.camp)])
        self.assertEqual(lucas.camp_state, "validated")

    # ------------------------------------------------------------------ payment
    def test_payment_marks_the_registrations_paid(self):
        request, registrations = self.request_family_a()
        invoice = self.invoice_of(request)
        self.pay(invoice, amount=200.0)
        # Odoo shows a registered payment "in payment" until the bank matches it, even a partial one
        self.assertIn(invoice.payment_state, ("partial", "in_payment"))
        self.assertEqual(set(registrations.mapped("camp_state")), {"validated"}, "partly paid is not paid")
        self.pay(invoice, amount=175.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(set(registrations.mapped("camp_state")), {"paid"})
        self.assertEqual(request.state, "paid")
        self.assertEqual(registrations.sorted("id")[1].camp_amount_paid, 90.0)

    # ------------------------------------------------------------------ cancellation
    def test_cancel_before_the_refund_limit_gives_a_full_credit_note(self):
        request, registrations = self.request_family_a()
        invoice = self.invoice_of(request)
        noah_art = registrations.sorted("id")[3]
        noah_art.with_user(self.user_portal_a2).action_camp_cancel("Grandparents' holiday")
        self.assertEqual(noah_art.camp_state, "cancelled")
        refund = self.refunds_of(request)
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.amount_total, 85.0)
        self.assertEqual(refund.invoice_line_ids.youth_camps_registration_id, noah_art)
        self.assertEqual(refund.payment_state, "paid", "reconciled with the open invoice")
        self.assertEqual(invoice.amount_residual, 290.0)
        self.assertEqual(noah_art.camp_amount_refunded, 85.0)
        # paying the rest makes the other registrations paid, the cancelled one stays cancelled
        self.pay(invoice)
        self.assertEqual(sorted(registrations.mapped("camp_state")), ["cancelled", "paid", "paid", "paid"])

    def test_cancel_after_payment_leaves_a_credit(self):
        request, registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        invoice = self.invoice_of(request)
        self.pay(invoice)
        self.assertEqual(registrations.camp_state, "paid")
        registrations.with_user(self.user_portal_a).action_camp_cancel("Moving abroad")
        refund = self.refunds_of(request)
        self.assertEqual(refund.amount_total, 100.0)
        # Odoo settles the invoice with its credit note: the family's payment is left as a credit to pay back
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(registrations.camp_amount_refunded, 100.0)
        self.assertEqual(registrations.camp_amount_paid, 0.0)

    def test_cancel_after_the_refund_limit_gives_nothing(self):
        camp = self.late_camp()
        request, registrations = self.register(self.family_a, [(self.child_emma, camp)])
        invoice = self.invoice_of(request)
        registrations.with_user(self.user_portal_a).action_camp_cancel("Changed our mind")
        self.assertEqual(registrations.camp_state, "cancelled")
        self.assertFalse(self.refunds_of(request))
        self.assertEqual(invoice.amount_residual, 100.0, "still owed")

    def test_medical_certificate_gives_a_full_refund(self):
        camp = self.late_camp()
        request, registrations = self.register(self.family_a, [(self.child_emma, camp), (self.child_noah, camp)])
        invoice = self.invoice_of(request)
        noah = registrations.sorted("id")[1]
        noah.with_user(self.user_organiser).action_camp_cancel("Broken arm", medical_certificate=True)
        refund = self.refunds_of(request)
        self.assertEqual(refund.amount_total, 90.0)
        self.assertEqual(invoice.amount_residual, 100.0)

    def test_cancel_wizard_records_reason_and_medical_certificate(self):
        """The back office cancels through the wizard: the reason is kept, the organiser's medical certificate
        gives the full refund the preview announced; a leader (not an organiser) is refused, nothing changes."""
        camp = self.late_camp()
        request, registrations = self.register(self.family_a, [(self.child_emma, camp), (self.child_noah, camp)])
        self.invoice_of(request)
        noah = registrations.sorted("id")[1]
        Wizard = self.env["youth_camps.cancel.wizard"]
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            Wizard.with_user(self.user_leader).create({"registration_ids": noah.ids, "reason": "Not mine"})
        # a parent calling the method of a wizard made by staff is refused by the registration's own check
        staff_wizard = Wizard.with_user(self.user_organiser).create({"registration_ids": noah.ids, "reason": "x"})
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            staff_wizard.with_user(self.user_portal_b).action_confirm()
        self.assertEqual(noah.camp_state, "validated")
        blank = Wizard.with_user(self.user_organiser).create({"registration_ids": noah.ids, "reason": "  "})
        with self.assertRaises(UserError):
            blank.action_confirm()
        wizard = Wizard.with_user(self.user_organiser).create({"registration_ids": noah.ids, "reason": "Broken arm"})
        self.assertIn("no refund", wizard.refund_summary, "the camp is too close: no refund without a certificate")
        wizard.medical_certificate = True
        self.assertIn("full refund", wizard.refund_summary)
        wizard.action_confirm()
        self.assertRecordValues(
            noah,
            [
                {
                    "camp_state": "cancelled",
                    "camp_cancel_reason": "Broken arm",
                    "camp_cancel_medical": True,
                    "camp_cancel_uid": self.user_organiser.id,
                }
            ],
        )
        self.assertEqual(self.refunds_of(request).amount_total, 90.0)

    def test_cancel_before_invoicing_leaves_nothing_to_refund(self):
        request, registrations = self.register(
            self.family_a, [(self.child_emma, self.camp), (self.child_noah, self.camp)]
        )
        emma = registrations.sorted("id")[0]
        emma.with_user(self.user_portal_a).action_camp_cancel("Ill")
        invoice = self.invoice_of(request)
        self.assertFalse(self.refunds_of(request))
        self.assertEqual(invoice.invoice_line_ids.youth_camps_registration_id, registrations - emma)
        self.assertEqual(invoice.amount_total, 100.0, "Noah is now the first child of the request")

    def test_cancel_on_a_draft_invoice_removes_the_line(self):
        request, registrations = self.register(
            self.family_a, [(self.child_emma, self.camp), (self.child_noah, self.camp)]
        )
        emma, noah = registrations.sorted("id")
        # an invoice left in draft (an accountant unposted it to correct it)
        draft = self.env["account.move"].create(request._camp_invoice_vals(registrations))
        self.assertEqual(draft.amount_total, 190.0)
        noah.with_user(self.user_portal_a).action_camp_cancel("Ill")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.invoice_line_ids.youth_camps_registration_id, emma)
        self.assertFalse(self.refunds_of(request), "no credit note for an invoice never posted")
        emma.with_user(self.user_portal_a).action_camp_cancel("Ill too")
        self.assertEqual(draft.state, "cancel")

    # ------------------------------------------------------------------ attestations
    def test_paid_camp_feeds_the_tax_attestation(self):
        request, registrations = self.register(
            self.family_a, [(self.child_emma, self.camp), (self.child_noah, self.camp)]
        )
        self.pay(self.invoice_of(request))
        year = self.camp_first_day.year
        Attestation = self.env["childcare.tax.attestation"]
        sources = [
            source
            for source in Attestation._attestation_sources(year, self.family_a)
            if source["source"].startswith("event.registration,")
        ]
        emma, noah = registrations.sorted("id")
        days = [self.camp_first_day + timedelta(days=offset) for offset in range(5)]
        self.assertEqual(
            sources,
            [
                {
                    "child_id": self.child_emma.id,
                    "family_id": self.family_a.id,
                    "partner_id": self.user_portal_a.partner_id.id,
                    "dates": days,
                    "amount": 100.0,
                    "source": f"event.registration,{emma.id}",
                },
                {
                    "child_id": self.child_noah.id,
                    "family_id": self.family_a.id,
                    "partner_id": self.user_portal_a.partner_id.id,
                    "dates": days,
                    "amount": 90.0,
                    "source": f"event.registration,{noah.id}",
                },
            ],
        )
        # in the year's attestation of the child: one period of 5 days, €90.00
        prepared = Attestation._prepare_attestations(year, sources)
        noah_attestation = next(vals for vals in prepared if vals["child_id"] == self.child_noah.id)
        self.assertEqual(noah_attestation["partner_id"], self.user_portal_a.partner_id.id)
        [period] = noah_attestation["lines"]
        self.assertEqual((period["date_from"], period["date_to"], period["days"]), (days[0], days[-1], 5))
        self.assertEqual((period["amount"], period["daily_rate"]), (90.0, 18.0))
        self.assertEqual(period["source"], f"event.registration,{noah.id}")

    def test_unpaid_camp_is_not_attested(self):
        request, _registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        self.invoice_of(request)
        sources = self.env["childcare.tax.attestation"]._attestation_sources(self.camp_first_day.year, self.family_a)
        self.assertFalse([s for s in sources if s["source"].startswith("event.registration,")])

    def test_health_fund_attestation(self):
        request, registrations = self.register(
            self.family_a, [(self.child_emma, self.camp), (self.child_noah, self.camp)]
        )
        noah = registrations.sorted("id")[1]
        with self.assertRaisesRegex(UserError, "once the camp is paid"):
            noah.with_user(self.user_portal_a).action_camp_health_fund_attestation()
        self.pay(self.invoice_of(request))
        self.structure_camps.write({"street": "Rue de la Jeunesse 1", "zip": "7180", "city": "Seneffe"})
        text = pdf_text(self, render_pdf(self, HEALTH_FUND_REPORT, noah))
        self.assertIn("Health-fund attestation", text)
        self.assertIn("Noah DUPONT" if "Noah DUPONT" in text else "Noah Dupont", text)
        self.assertIn(f"From {self.camp_first_day.strftime('%d/%m/%Y')}", text)
        self.assertIn(f"To {(self.camp_first_day + timedelta(days=4)).strftime('%d/%m/%Y')}", text)
        self.assertIn("Number of days 5", text)
        self.assertRegex(text, r"Amount paid .*90[.,]00")
        self.assertIn("Service Jeunesse - Stages", text)
        self.assertIn("Rue de la Jeunesse 1, 7180 Seneffe", text)
        self.assertIn("signature of the organiser", text)
        # a guardian prints it from the registration: attached to the family
        action = (
            noah.with_user(self.user_portal_a2)
            .with_context(force_report_rendering=True)
            .action_camp_health_fund_attestation()
        )
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual((attachment.res_model, attachment.res_id), ("childcare.family", self.family_a.id))
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        # not the guardian of another family
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            noah.with_user(self.user_portal_b).action_camp_health_fund_attestation()

    # ------------------------------------------------------------------ sending
    def test_send_and_download_invoice(self):
        request, _registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        invoice = self.invoice_of(request)
        self.as_user(self.user_organiser, request).action_camp_send_invoice()
        message = invoice.message_ids.filtered(lambda m: m.message_type == "comment" and m.attachment_ids)[:1]
        self.assertTrue(message, "Odoo's Send posted the invoice with its PDF")
        self.assertEqual(
            message.partner_ids & self.family_a.guardian_ids.partner_id, self.family_a.guardian_ids.partner_id
        )
        action = self.as_user(self.user_portal_a, request).action_camp_download_invoice()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual((attachment.res_model, attachment.res_id), ("youth_camps.request", request.id))

    def test_views_show_the_money(self):
        request, registrations = self.register(self.family_a, [(self.child_emma, self.camp)])
        self.invoice_of(request)
        for user in (self.user_organiser, self.user_manager):
            self.env.invalidate_all()
            arch = self.env["youth_camps.request"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn("action_camp_send_invoice", arch)
            form = self.as_user(user, request).read(["invoice_reference", "amount_invoiced", "amount_residual"])[0]
            self.assertEqual((form["amount_invoiced"], form["amount_residual"]), (100.0, 100.0))
            self.assertTrue(is_valid_structured_reference_be(form["invoice_reference"]))
        arch = self.env["event.registration"].get_views(
            [(self.env.ref("youth_camps.event_registration_view_form_camp").id, "form")]
        )
        self.assertIn("action_camp_health_fund_attestation", arch["views"]["form"]["arch"])
        registration = self.as_user(self.user_portal_a, registrations)
        self.assertEqual(registration.camp_amount_invoiced, 100.0, "the family sees what it owes")

    # ------------------------------------------------------------------ access
    def test_portal_parent_cannot_invoice_nor_refund(self):
        request_a, registrations_a = self.register(self.family_a, [(self.child_emma, self.late_camp())])
        request_b, _registrations_b = self.register(self.family_b, [(self.child_lucas, self.camp)])
        with mute_logger(*ACCESS_LOGGERS):
            for request in (request_a, request_b):
                with self.assertRaises(AccessError):
                    self.as_user(self.user_portal_a, request).action_camp_invoice()
                with self.assertRaises(AccessError):
                    self.as_user(self.user_portal_a, request).action_camp_send_invoice()
            with self.assertRaises(AccessError):
                self.as_user(self.user_portal_a, self.env["account.move"]).create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.family_b.partner_id.id,
                        "youth_camps_request_id": request_b.id,
                        "invoice_line_ids": [Command.create({"name": "Camp", "price_unit": 1.0})],
                    }
                )
            with self.assertRaises(AccessError):
                self.as_user(self.user_portal_a, request_b).action_camp_download_invoice()
        self.env.invalidate_all()
        self.assertFalse(
            self.env["account.move"].search([("youth_camps_request_id", "in", (request_a | request_b).ids)])
        )
        invoice = self.invoice_of(request_a)
        forged = {"youth_camps_refund_rate": 1.0, "force_refund": True, "medical_certificate": True}
        with mute_logger(*ACCESS_LOGGERS):
            # the medical certificate is recorded by the organisers only, whatever the context says
            with self.assertRaises(AccessError):
                self.as_user(self.user_portal_a, registrations_a).with_context(**forged).action_camp_cancel(
                    "Ill", medical_certificate=True
                )
            # the refund hook is not a door: only the cancellation reaches it
            with self.assertRaises(AccessError):
                self.as_user(self.user_portal_a, registrations_a).with_context(**forged)._camp_refund()
            # a guardian of another family cannot cancel
            with self.assertRaises(AccessError):
                self.as_user(self.user_portal_b, registrations_a).with_context(**forged).action_camp_cancel("x")
        self.env.invalidate_all()
        self.assertEqual(registrations_a.camp_state, "validated")
        self.assertFalse(self.refunds_of(request_a))
        # the family cancels late with a forged context: cancelled, nothing refunded
        self.as_user(self.user_portal_a, registrations_a).with_context(**forged).action_camp_cancel("Changed plans")
        self.env.invalidate_all()
        self.assertEqual(registrations_a.camp_state, "cancelled")
        self.assertFalse(self.refunds_of(request_a))
        self.assertEqual(invoice.amount_residual, 100.0)
