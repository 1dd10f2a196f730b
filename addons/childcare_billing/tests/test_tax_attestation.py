import base64
from datetime import date

from lxml import etree

from odoo import Command
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text
from odoo.addons.childcare_base.tools.identity import be_national_number
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import BillingCase

SEP, OCT, NOV = date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)


@tagged("post_install", "-at_install")
class TestTaxAttestation(BillingCase, HttpCase):
    """Tax attestations 281.86 of 2025 (today is in 2026), from September, October and November billed:

    - family A, child A1 (born 2025) in the crèche, €232.50 a month (PSU, 150 contracted hours at €1.55):
      September (22 days) and October (23 days) paid, November left unpaid → two periods (daily rates 10.57
      and 10.11), €465.00; a membership fee invoiced for A1 and paid (its product is excluded) changes nothing;
    - family B, child B1 turning 14 on 15 October 2025 in the maison relais, €2.00 an hour, 7.5 h a day, all
      paid: September €330.00 (22 days), October €345.00 of which the 10 days before the birthday are attested
      (€150.00), November after the birthday nothing → one period (same daily rate €15.00), 32 days, €480.00.

    An ``HttpCase``: wkhtmltopdf fetches the report's assets from the server, which sees the transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child_b1.birthdate = date(2011, 10, 15)
        for month in (SEP, OCT, NOV):
            cls.attend_month(month)
            cls.validate_month(month)
            BillingCase.run_month(cls, month)
        cls.nn_a = be_national_number(date(1990, 5, 17), 123)
        cls.user_portal_a.partner_id.write(
            {"childcare_national_number": cls.nn_a, "street": "Rue Haute 1", "zip": "1000", "city": "Bruxelles"}
        )
        Move = cls.env["account.move"]
        invoices = Move.search([("childcare_family_id", "in", (cls.family_a | cls.family_b).ids)])
        cls.invoices = {(move.childcare_family_id, move.childcare_period): move for move in invoices}
        # a membership fee billed for A1 in September, paid: not a childcare cost
        fee = cls.env["product.product"].create(
            {"name": "Membership fee", "type": "service", "childcare_tax_excluded": True, "taxes_id": False}
        )
        cls.fee_invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.family_a.partner_id.id,
                "invoice_date": date(2025, 9, 5),
                "childcare_family_id": cls.family_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": fee.id,
                            "quantity": 1,
                            "price_unit": 25.0,
                            "tax_ids": [Command.clear()],
                            "childcare_child_id": cls.child_a1.id,
                            "childcare_period": SEP,
                            "childcare_payer": "parent",
                        }
                    )
                ],
            }
        )
        cls.fee_invoice.action_post()
        cls.pay(cls.fee_invoice | cls.invoice(cls.family_a, SEP) | cls.invoice(cls.family_a, OCT))
        cls.pay(cls.invoice(cls.family_b, SEP) | cls.invoice(cls.family_b, OCT) | cls.invoice(cls.family_b, NOV))
        cls.accountant = mail_new_test_user(
            cls.env,
            login="cc_attest_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def invoice(cls, family, month):
        return cls.invoices[(family, month)]

    @classmethod
    def pay(cls, moves):
        for partner in moves.partner_id:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=moves.filtered(lambda m, p=partner: m.partner_id == p).ids
            ).create({"payment_date": date(2025, 12, 15)}).action_create_payments()

    def issue(self, year=2025, user=None):
        wizard = self.env["childcare.tax.attestation.wizard"].with_user(user or self.user_manager)
        wizard = wizard.with_context(force_report_rendering=True).create({"year": year})
        action = wizard.action_issue()
        return self.env["childcare.tax.attestation.batch"].browse(action["res_id"])

    def periods(self, attestation):
        return [
            (line.date_from, line.date_to, line.days, line.daily_rate, line.amount)
            for line in attestation.line_ids.sorted("sequence")
        ]

    # ------------------------------------------------------------------ the figures
    def test_amounts_and_periods_to_the_cent(self):
        self.assertEqual(self.invoice(self.family_a, NOV).payment_state, "not_paid")
        self.assertIn(self.invoice(self.family_a, SEP).payment_state, ("paid", "in_payment"))
        batch = self.env["childcare.tax.attestation.batch"].with_user(self.user_manager)
        batch = batch._get_or_create(2025)
        batch.with_user(self.user_manager).action_compute()
        attestation_a, attestation_b = (
            batch.attestation_ids.filtered(lambda a, f=family: a.family_id == f)
            for family in (self.family_a, self.family_b)
        )
        # family A: September and October, November unpaid left out, the membership fee excluded
        self.assertEqual(attestation_a.child_id, self.child_a1)
        self.assertEqual(attestation_a.partner_id, self.user_portal_a.partner_id)
        self.assertEqual(attestation_a.payer_national_number, self.nn_a)
        self.assertEqual(
            self.periods(attestation_a),
            [
                (date(2025, 9, 1), date(2025, 9, 30), 22, 10.57, 232.50),
                (date(2025, 10, 1), date(2025, 10, 31), 23, 10.11, 232.50),
            ],
        )
        self.assertEqual(attestation_a.amount_total, 465.00)
        self.assertEqual(attestation_a.days_total, 45)
        self.assertEqual(attestation_a.state, "draft")
        # family B: the care from the 14th birthday on left out, one period at €15.00 a day
        self.assertEqual(attestation_b.partner_id, self.user_portal_b.partner_id)
        self.assertFalse(attestation_b.payer_national_number)
        self.assertEqual(self.periods(attestation_b), [(date(2025, 9, 1), date(2025, 10, 14), 32, 15.00, 480.00)])
        self.assertEqual(len(batch.attestation_ids), 2)
        self.assertEqual(batch.amount_total, 945.00)
        self.assertEqual(batch.missing_national_number_count, 1)
        # with a severe disability B1 is attested until 21: October and November in full (€975.00, 65 days)
        self.child_b1.has_severe_disability = True
        batch.with_user(self.user_manager).action_compute()
        self.assertEqual(len(batch.attestation_ids), 2, "computed again: updated, not duplicated")
        self.assertEqual(self.periods(attestation_b), [(date(2025, 9, 1), date(2025, 11, 28), 65, 15.00, 975.00)])

    def test_credit_note_deducted(self):
        """A credit note made with Odoo's "Reverse" (it does not carry the household) still belongs to the
        household's month: B's September refunded in full leaves October's 10 days only."""
        invoice = self.invoice(self.family_b, SEP)
        self.env["account.move.reversal"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "date": date(2025, 12, 20), "reason": "Closed in September"}
        ).refund_moves()
        invoice.reversal_move_ids.action_post()
        self.assertFalse(invoice.reversal_move_ids.childcare_family_id)
        batch = self.env["childcare.tax.attestation.batch"].with_user(self.user_manager)._get_or_create(2025)
        batch.with_user(self.user_manager).action_compute()
        attestation_b = batch.attestation_ids.filtered(lambda a: a.family_id == self.family_b)
        self.assertEqual(self.periods(attestation_b), [(date(2025, 10, 1), date(2025, 10, 14), 10, 15.00, 150.00)])

    def test_more_than_four_periods_make_further_attestations(self):
        """The hook's plain records (as youth camps give them): six camp weeks at six prices for A1 → two
        attestations for the same child and payer, 4 periods then 2; amounts reconcile to the cent."""
        Attestation = self.env["childcare.tax.attestation"]
        payer = self.user_portal_a.partner_id
        sources = [
            {
                "child_id": self.child_a1.id,
                "family_id": self.family_a.id,
                "partner_id": payer.id,
                "dates": [date(2025, month, day) for day in range(1, 6)],
                "amount": 50.0 + month + 0.01,
                "source": f"event.registration,{month}",
            }
            for month in (2, 3, 4, 5, 6, 7)
        ]
        prepared = Attestation._prepare_attestations(2025, sources)
        self.assertEqual([(vals["part"], len(vals["lines"])) for vals in prepared], [(1, 4), (2, 2)])
        self.assertEqual(prepared[1]["lines"][0]["date_from"], date(2025, 6, 1))
        self.assertAlmostEqual(
            sum(line["amount"] for vals in prepared for line in vals["lines"]), 6 * 50.01 + 27, places=2
        )
        self.assertEqual(prepared[0]["lines"][0]["daily_rate"], 10.40)  # 52.01 / 5

    # ------------------------------------------------------------------ issuing
    def test_year_not_over_is_refused(self):
        Batch = self.env["childcare.tax.attestation.batch"]
        for year in (2026, 2027, 0):
            with self.assertRaises(UserError):
                self.issue(year)
        self.assertFalse(Batch.search([("year", "in", (2026, 2027, 0))]))
        self.assertFalse(self.env["childcare.tax.attestation"].search([]).filtered(lambda a: a.year != 2025))

    def test_issue_renders_attaches_and_writes_belcotax(self):
        batch = self.issue(2025, self.accountant)
        self.assertEqual(batch.state, "issued")
        attestations = batch.attestation_ids
        self.assertEqual(set(attestations.mapped("state")), {"issued"})
        attestation_a = attestations.filtered(lambda a: a.family_id == self.family_a)
        # one PDF per attestation, attached to its household
        attachment = attestation_a.attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("childcare.family", self.family_a.id))
        pdf = attachment.raw
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(self, pdf)
        for expected in ("281.86", attestation_a.name, self.nn_a, "232.50", "465.00", "10.57", "10.11", "Léa"):
            self.assertIn(expected, text)
        self.assertIn("signature", text.lower())
        # one wkhtmltopdf run for the batch, split by attestation: each PDF holds its own household only
        self.assertNotIn("JANSSENS", text)
        attestation_b = attestations.filtered(lambda a: a.family_id == self.family_b)
        self.assertEqual(attestation_b.attachment_id.res_id, self.family_b.id)
        text_b = pdf_text(self, attestation_b.attachment_id.raw)
        for expected in ("Lars JANSSENS", "480.00", "15.00", "32"):
            self.assertIn(expected, text_b)
        self.assertNotIn("DUPONT", text_b)
        # the Belcotax-on-web file
        root = etree.fromstring(base64.b64decode(batch.belcotax_file))
        forms = {form.findtext("f2010_referentie"): form for form in root.iter("Fiche28186")}
        self.assertEqual(len(forms), 2)
        form_a = forms[attestation_a.name]
        self.assertEqual(form_a.findtext("f2011_nationaalnr"), self.nn_a)
        self.assertEqual(form_a.findtext("f86_2106_childname"), "Dupont")
        self.assertEqual(form_a.findtext("f86_2163_childbirthdate"), "14-03-2025")
        self.assertEqual(form_a.findtext("f86_2055_begindate1"), "01-09-2025")
        self.assertEqual(form_a.findtext("f86_2056_enddate1"), "30-09-2025")
        self.assertEqual(form_a.findtext("f86_2110_numberofday1"), "22")
        self.assertEqual(form_a.findtext("f86_2111_dailytariff1"), "1057")
        self.assertEqual(form_a.findtext("f86_2060_amount1"), "23250")
        self.assertEqual(form_a.findtext("f86_2113_numberofday2"), "23")
        self.assertEqual(form_a.findtext("f86_2061_amount2"), "23250")
        self.assertEqual(form_a.findtext("f86_2064_totalamount"), "46500")
        form_b = forms[attestations.filtered(lambda a: a.family_id == self.family_b).name]
        self.assertEqual(form_b.findtext("f86_2064_totalamount"), "48000")
        self.assertEqual(root.findtext(".//r8012_controletotaal"), str(2 * (46500 + 48000)))
        self.assertEqual(batch.belcotax_filename, "belcotax_28186_2025.xml")
        # issuing again updates, nothing duplicated
        family_attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "childcare.family"), ("res_id", "in", (self.family_a | self.family_b).ids)]
        )
        again = self.issue(2025)
        self.assertEqual(again, batch)
        self.assertEqual(batch.attestation_ids, attestations)
        self.assertEqual(attestation_a.attachment_id, attachment)
        self.assertEqual(
            self.env["ir.attachment"].search(
                [("res_model", "=", "childcare.family"), ("res_id", "in", (self.family_a | self.family_b).ids)]
            ),
            family_attachments,
        )
        self.assertEqual(self.family_a.with_user(self.user_manager).tax_attestation_count, 1)

    # ------------------------------------------------------------------ who
    def test_access(self):
        batch = self.issue(2025)
        attestation_a, attestation_b = (
            batch.attestation_ids.filtered(lambda a, f=family: a.family_id == f)
            for family in (self.family_a, self.family_b)
        )
        # a parent reads the attestation of their household, with its periods and PDF, not the other's
        parent_a = self.as_user(self.user_portal_a, self.env["childcare.tax.attestation"])
        self.assertEqual(parent_a.search([]), attestation_a)
        self.assertEqual(
            self.as_user(self.user_portal_a, attestation_a).read(["amount_total"])[0]["amount_total"], 465.0
        )
        self.assertEqual(self.as_user(self.user_portal_a, attestation_a).line_ids.mapped("days"), [22, 23])
        # (the PDF itself reaches the parent through the portal's routes, after their ownership check: portal
        # users have no direct access to attachments in Odoo)
        self.assertCannotSee(self.user_portal_a, attestation_b, attestation_b.line_ids, attestation_b.attachment_id)
        self.assertCannotSee(self.user_portal_b, attestation_a, batch)
        # nobody writes an attestation: it is what the issue computed
        for user in (self.user_portal_a, self.user_manager, self.accountant):
            self.assertRefused(user, attestation_a, {"payer_national_number": "00000000000"})
        self.assertRefused(self.user_manager, batch, {"state": "draft"})
        # structure staff and parents cannot issue, whatever they call
        for user in (self.user_staff_s1, self.user_portal_a, self.user_employee):
            self.assertCannotSee(user, batch)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, batch).action_issue()
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["childcare.tax.attestation.batch"])._get_or_create(2024)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["childcare.tax.attestation.wizard"]).create({"year": 2024})
        self.assertFalse(self.env["childcare.tax.attestation.batch"].search([("year", "=", 2024)]))
        # the severe disability and the payer's national number: municipal staff only
        self.assertRefused(self.user_staff_s1, self.child_a1, {"has_severe_disability": True})
        self.assertRefused(self.accountant, self.child_a1, {"has_severe_disability": True})
        self.as_user(self.user_manager, self.child_a1).has_severe_disability = True
        self.assertTrue(self.child_a1.sudo().has_severe_disability)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, self.user_portal_a.partner_id).read(["childcare_national_number"])

    def test_views(self):
        for user in (self.user_manager, self.accountant):
            for xmlid in (
                "childcare_billing.childcare_tax_attestation_action",
                "childcare_billing.childcare_tax_attestation_batch_action",
                "childcare_billing.childcare_tax_attestation_wizard_action",
            ):
                action = self.env.ref(xmlid)
                views = [*action.views, (action.search_view_id.id, "search")]
                result = self.env[action.res_model].with_user(user).get_views(views, {"load_filters": True})
                for mode in [mode for _view, mode in action.views]:
                    etree.fromstring(result["views"][mode]["arch"])
        family_form = etree.fromstring(
            self.env["childcare.family"]
            .with_user(self.user_manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(family_form.xpath("//button[@name='action_view_tax_attestations']"))
        child_form = self.env["childcare.child"].with_user(self.user_staff_s1).get_views([(False, "form")])
        self.assertNotIn("has_severe_disability", child_form["views"]["form"]["arch"])
        child_form = self.env["childcare.child"].with_user(self.user_manager).get_views([(False, "form")])
        self.assertIn("has_severe_disability", child_form["views"]["form"]["arch"])
        menu = self.env.ref("childcare_billing.menu_childcare_tax_attestation_wizard")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.user_staff_s1)._visible_menu_ids())

    def test_invalid_national_number_refused(self):
        partner = self.user_portal_b.partner_id
        with self.assertRaises(ValidationError):
            partner.childcare_national_number = "85073003399"
        self.env.invalidate_all()
        self.assertFalse(partner.childcare_national_number)


@tagged("post_install", "-at_install")
class TestTaxAttestationMeals(BillingCase):
    """Meals billed by the fee engine are not childcare costs: the crèche S1 bills October 2025 under the
    chèque-service (full price €8.00 an hour, meal €5.00; A1's card: €2.50 an hour, meal €2.00): A1 takes a
    meal on the 18 long days (not on the Wednesday mornings) → 18 x €2.00 = €36.00 of meals on the invoice,
    left out of the attestation; the 23 days of care are attested."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_psu.write(
            {
                "scheme": "lu_csa",
                "billing_basis": "attended",
                "structure_hourly_price": 8.0,
                "structure_meal_price": 5.0,
            }
        )
        cls.env["childcare.child.rate.input"].create(
            {"child_id": cls.child_a1.id, "date_from": "2025-01-01", "csa_hourly_rate": 2.5, "csa_meal_price": 2.0}
        )
        cls.attend_month(OCT)
        cls.validate_month(OCT)

    def test_meals_excluded(self):
        run = self.run_month(OCT)
        invoice = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_a)
        meal_lines = invoice.invoice_line_ids.filtered(lambda line: line.quantity == 18 and line.price_unit == 2.0)
        self.assertEqual(len(meal_lines), 1, invoice.invoice_line_ids.mapped("name"))
        self.assertEqual(meal_lines.price_subtotal, 36.00)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": date(2025, 11, 20)}
        ).action_create_payments()
        batch = self.env["childcare.tax.attestation.batch"].with_user(self.user_manager)._get_or_create(2025)
        batch.with_user(self.user_manager).action_compute()
        attestation = batch.attestation_ids.filtered(lambda a: a.family_id == self.family_a)
        care = invoice.amount_untaxed - 36.00
        self.assertGreater(care, 0)
        self.assertEqual(
            [(line.date_from, line.date_to, line.days, line.amount) for line in attestation.line_ids],
            [(date(2025, 10, 1), date(2025, 10, 31), 23, round(care, 2))],
        )
        self.assertEqual(attestation.line_ids.daily_rate, round(care / 23, 2))
