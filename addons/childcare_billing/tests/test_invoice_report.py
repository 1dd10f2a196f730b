import base64
import io
import re
import subprocess
import tempfile
from datetime import date

from num2words import num2words
from PIL import Image

from odoo import Command
from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_be
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text, render_pdf
from odoo.tests import HttpCase, tagged

INVOICE_REPORT = "account.account_invoices"
OCT = date(2025, 10, 1)
LOGO_SIZE = (240, 80)


def flat(text):
    """The PDF text on one line: a sentence the layout wrapped reads in one piece."""
    return re.sub(r"\s+", " ", text)


@tagged("post_install", "-at_install")
class TestInvoiceReport(HttpCase):
    """The invoice a household receives, printed by wkhtmltopdf through Odoo's own "Invoice PDF" report and
    read back as text: the municipality of Écaussinnes (a Belgian company with an IBAN account and the QR
    setting on) bills the Dupont household (French-speaking) for October 2025:

    - Léa DUPONT in the crèche, from a billing run: 18 days, 142.5 billable hours x €1.55 = €220.88 (R1's
      rate); full cost 142.5 h x €7.00 = €997.50, of which the subsidy pays €776.62;
    - Tom DUPONT in the maison relais, an invoice line without run line (made by hand): 46 billable hours
      x €2.00 = €92.00, no subsidy.

    Total €312.88, due 30 days after the invoice date of 5 November 2025. An ``HttpCase``: wkhtmltopdf
    fetches the report's assets from the server, which must see the test's transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "nl_BE"):
            cls.env["res.lang"]._activate_lang(lang)
        # the languages as an installed database has them: Odoo's own terms (invoice, amount in words)
        cls.env["ir.module.module"]._load_module_terms(["base", "account"], ["fr_FR", "nl_BE"])

        # a Belgian municipality with Odoo's Belgian chart of accounts (l10n_be), as Odoo's accounting tests
        # set up a company of a country (AccountTestInvoicingCommon._use_chart_template)
        logo = io.BytesIO()
        Image.new("RGB", LOGO_SIZE, (0, 84, 147)).save(logo, "PNG")
        belgium = cls.env.ref("base.be")
        cls.company = company = cls.env["res.company"].create(
            {
                "name": "Commune d'Écaussinnes",
                "street": "Grand-Place 3",
                "zip": "7190",
                "city": "Écaussinnes",
                "country_id": belgium.id,
                "currency_id": cls.env.ref("base.EUR").id,
                "email": "finances@ecaussinnes.be",
                "logo": base64.b64encode(logo.getvalue()),
                "qr_code": True,
            }
        )
        cls.env["account.chart.template"].try_loading("be_comp", company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids, tracking_disable=True))
        bank = cls.env["res.bank"].create({"name": "Belfius Banque", "bic": "GKCCBEBB"})
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "acc_number": "BE71096123456769",
                "partner_id": company.partner_id.id,
                "bank_id": bank.id,
                "allow_out_payment": True,
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        cls.journal.invoice_reference_model = "be"  # Odoo's Belgian structured communication (l10n_be)

        Structure = cls.env["childcare.structure"]
        cls.structure_s1 = Structure.create({"name": "Crèche Les Lutins", "structure_type": "creche"})
        cls.structure_s2 = Structure.create({"name": "Maison relais Arc-en-ciel", "structure_type": "maison_relais"})
        cls.family = cls.env["childcare.family"].create({"name": "Dupont", "lang": "fr_FR"})
        cls.partner = cls.family.partner_id
        cls.partner.write(
            {"street": "Rue de la Station 12", "zip": "7190", "city": "Écaussinnes", "country_id": belgium.id}
        )
        cls.child_a1 = cls.create_child("Léa", date(2024, 3, 14), cls.structure_s1)
        cls.child_a2 = cls.create_child("Tom", date(2019, 5, 2), cls.structure_s2, school_level="p1")
        Plan = cls.env["childcare.rate.plan"]
        cls.plan_psu = Plan.create({"name": "PSU crèche", "scheme": "fr_psu", "billing_basis": "billable"})
        cls.plan_flat = Plan.create(
            {"name": "Maison relais", "scheme": "flat", "billing_basis": "billable", "resident_price": 2.0}
        )
        run = cls.env["childcare.billing.run"].create({"date_month": OCT, "date_invoice": date(2025, 11, 5)})
        cls.move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner.id,
                "journal_id": cls.journal.id,
                "invoice_date": date(2025, 11, 5),
                "invoice_payment_term_id": cls.env.ref("account.account_payment_term_30days").id,
                "invoice_origin": run.name,
                "childcare_kind": "invoice",
                "childcare_family_id": cls.family.id,
                "childcare_period": OCT,
                "childcare_run_id": run.id,
                "invoice_line_ids": [
                    Command.create({"display_type": "line_section", "name": "Léa DUPONT — Crèche Les Lutins"}),
                    cls.line_vals(
                        cls.child_a1,
                        cls.structure_s1,
                        cls.plan_psu,
                        hours=142.5,
                        rate=1.55,
                        subsidy=776.62,
                        parent=220.88,
                    ),
                    Command.create({"display_type": "line_section", "name": "Tom DUPONT — Maison relais Arc-en-ciel"}),
                    cls.line_vals(
                        cls.child_a2, cls.structure_s2, cls.plan_flat, hours=46.0, rate=2.0, subsidy=0.0, parent=92.0
                    ),
                ],
            }
        )
        # what the billing run keeps of Léa's month (Tom's line was added by hand: no run line)
        cls.env["childcare.billing.run.line"].create(
            {
                "run_id": run.id,
                "family_id": cls.family.id,
                "child_id": cls.child_a1.id,
                "structure_id": cls.structure_s1.id,
                "plan_id": cls.plan_psu.id,
                "custody_share": 100.0,
                "days_present": 18,
                "hours_attended": 141.0,
                "hours_billable": 142.5,
                "hours_billed": 142.5,
                "hourly_rate": 1.55,
                "amount_parent": 220.88,
                "amount_subsidy": 776.62,
                "amount_total": 997.50,
                "state": "invoiced",
                "move_id": cls.move.id,
            }
        )
        cls.move.action_post()

    @classmethod
    def create_child(cls, first_name, birthdate, structure, **values):
        return cls.env["childcare.child"].create(
            {
                "first_name": first_name,
                "last_name": "Dupont",
                "birthdate": birthdate,
                "structure_ids": [Command.set(structure.ids)],
                "family_child_ids": [Command.create({"family_id": cls.family.id, "custody_share": 100})],
                **values,
            }
        )

    @classmethod
    def line_vals(cls, child, structure, plan, *, hours, rate, subsidy, parent):
        return Command.create(
            {
                "product_id": plan.product_id.id,
                "name": "Care hours",
                "quantity": hours,
                "price_unit": rate,
                "tax_ids": [Command.clear()],
                "childcare_child_id": child.id,
                "childcare_structure_id": structure.id,
                "childcare_plan_id": plan.id,
                "childcare_period": OCT,
                "childcare_payer": "parent",
                "childcare_hours_billable": hours,
                "childcare_hourly_rate": rate,
                "childcare_subsidy_amount": subsidy,
                "childcare_parent_amount": parent,
            }
        )

    def render(self, lang, move=None):
        """The text of the invoice PDF with the household's partner speaking ``lang``."""
        move = move or self.move
        move.partner_id.lang = lang
        pdf = render_pdf(self, INVOICE_REPORT, move)
        return pdf, pdf_text(self, pdf)

    def pdf_images(self, pdf):
        """``[(width, height)]`` of the images embedded in ``pdf`` (``pdfimages -list``, poppler-utils)."""
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            result = subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True, timeout=60)
        rows = [line.split() for line in result.stdout.decode().splitlines()[2:]]
        return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image"]

    # ------------------------------------------------------------------ the document
    def test_invoice_in_french(self):
        move = self.move
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.amount_total, 312.88)
        self.assertEqual(move.invoice_date_due, date(2025, 12, 5))
        self.assertEqual(move.partner_bank_id, self.bank_account)
        reference = move.payment_reference
        self.assertRegex(reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
        self.assertTrue(is_valid_structured_reference_be(reference), reference)
        # the template's own strings go through the report's translations, like Odoo's
        view = self.env.ref("childcare_billing.report_invoice_document")
        view.update_field_translations("arch_db", {"fr_FR": {"Amount to pay": "Montant à payer"}})

        pdf, text = self.render("fr_FR")
        # the letterhead, in the document body
        for line in ("Commune d'Écaussinnes", "Grand-Place 3", "7190 Écaussinnes", "finances@ecaussinnes.be"):
            self.assertIn(line, text)
        self.assertIn("IBAN BE71 0961 2345 6769 · BIC GKCCBEBB", text)
        self.assertIn(LOGO_SIZE, self.pdf_images(pdf), "the municipality's logo")
        self.assertEqual(len(re.findall(rb"/Type\s*/Page\b", pdf)), 1, "the invoice and its payment slip on one page")
        # the household's address and the billed month, in French
        self.assertIn("Rue de la Station 12", text)
        self.assertIn("octobre 2025", text)
        # each child's month in plain words: English template strings until the .po files translate them,
        # numbers and amounts as a French reader writes them
        statements = flat(text[text.index("Léa DUPONT — Crèche Les Lutins") :])
        self.assertIn(
            "Léa DUPONT — Crèche Les Lutins 18 days, 142,5 billable hours × 1,55 € = 220,88 €; "
            "full cost 997,50 €, subsidy 776,62 €, you pay 220,88 €.",
            statements,
        )
        self.assertIn(
            "Tom DUPONT — Maison relais Arc-en-ciel 46 billable hours × 2,00 € = 92,00 €; you pay 92,00 €.",
            statements,
        )
        # the payment: amount, due date, account, structured communication, amount in words
        payment = flat(text[text.index("Montant à payer") :])
        self.assertNotIn("Amount to pay", text)
        self.assertIn("Montant à payer 312,88 €", payment)
        self.assertIn("05/12/2025", payment)
        self.assertIn("BE71 0961 2345 6769 (BIC GKCCBEBB) of Commune d'Écaussinnes", payment)
        self.assertIn(f"Structured communication {reference}", payment)
        words = move.with_context(lang="fr_FR")._childcare_amount_in_words()
        self.assertIn(num2words(312, lang="fr").title(), words)  # Trois Cent Douze
        self.assertIn(num2words(88, lang="fr").title(), words)  # Quatre-Vingt-Huit
        self.assertIn(f"Amount in words: {words}", payment)

        # the EPC QR code Odoo printed (account_qr_code_sepa) and its payload
        self.assertEqual(move.qr_code_method, "sct_qr", "the report printed Odoo's SEPA QR code")
        self.assertIn((128, 128), self.pdf_images(pdf), "the QR code image")
        payload = move.partner_bank_id._get_qr_vals(
            move.qr_code_method, move.amount_residual, move.currency_id, move.partner_id, reference, reference
        )
        self.assertEqual(payload[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(payload[4:8], ["GKCCBEBB", "Commune d'Écaussinnes", "BE71096123456769", "EUR312.88"])
        self.assertEqual(payload[9], re.sub(r"\D", "", reference), "the structured reference, digits only")
        self.assertEqual(payload[10], "", "no free text next to a structured reference")

    def test_invoice_in_dutch(self):
        _pdf, text = self.render("nl_BE")
        words = self.move.with_context(lang="nl_BE")._childcare_amount_in_words()
        self.assertIn(num2words(312, lang="nl").title(), words)  # Driehonderdtwaalf
        self.assertIn(num2words(88, lang="nl").title(), words)  # Achtentachtig
        self.assertIn(f"Amount in words: {words}", flat(text))
        self.assertNotIn(num2words(312, lang="fr").title(), text)
        self.assertIn("oktober 2025", text)
        self.assertIn("142,5 billable hours × 1,55 € = 220,88 €", flat(text))
        self.assertIn(self.move.payment_reference, text)

    def test_invoice_in_english(self):
        _pdf, text = self.render("en_US")
        statements = flat(text)
        self.assertIn(
            "18 days, 142.5 billable hours × 1.55 € = 220.88 €; full cost 997.50 €, subsidy 776.62 €, you pay 220.88 €.",
            statements,
        )
        self.assertIn("Amount to pay 312.88 €", statements)
        self.assertIn("Due date 12/05/2025", statements)
        self.assertIn("Amount in words: Three Hundred And Twelve Euros and Eighty-Eight Cents", statements)

    def test_other_invoices_unchanged(self):
        """An invoice that is not a childcare document prints as Odoo prints it."""
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 11, 5),
                "invoice_line_ids": [
                    Command.create({"name": "Room rental", "quantity": 1, "price_unit": 50.0, "tax_ids": []})
                ],
            }
        )
        other.action_post()
        self.partner.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(INVOICE_REPORT, other.ids)[0].decode()
        self.assertIn("Payment Communication", html)
        self.assertIn("qrcode_image", html, "Odoo's own QR code block")
        for childcare in ("childcare_letterhead", "childcare_statements", "childcare_payment", "Billed month"):
            self.assertNotIn(childcare, html)

    def test_correction_states_what_was_already_invoiced(self):
        """A credit note correcting Léa's October (recomputed: €200.00 instead of €220.88) states the new
        month, what was already invoiced and the difference it credits."""
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2025, 11, 20),
                "childcare_kind": "correction",
                "childcare_family_id": self.family.id,
                "childcare_period": OCT,
                "invoice_line_ids": [
                    self.line_vals(
                        self.child_a1,
                        self.structure_s1,
                        self.plan_psu,
                        hours=129.03,
                        rate=1.55,
                        subsidy=0.0,
                        parent=200.0,
                    )
                ],
            }
        )
        credit.invoice_line_ids.write({"quantity": 1.0, "price_unit": 20.88, "name": "Correction of 10/2025"})
        credit.action_post()
        [statement] = credit._childcare_statements()
        self.assertEqual(statement["child"], "Léa DUPONT")
        self.assertEqual(
            (statement["hours"], statement["hourly_rate"], statement["hours_amount"]), (129.03, 1.55, 200.0)
        )
        self.assertEqual((statement["amount_parent"], statement["amount_document"]), (200.0, -20.88))
        html = self.env["ir.actions.report"]._render_qweb_html(INVOICE_REPORT, credit.ids)[0].decode()
        self.assertIn("Already invoiced for this month", html)
        self.assertIn("220,88", html)  # 200.00 + 20.88
        self.assertRegex(html, "-\ufeff?20,88", "the credited difference")
        self.assertIn("How this correction is computed", html)
        self.assertNotIn("childcare_payment", html, "a credit note is not paid by the household")
