import csv
import io

from lxml import etree
from openpyxl import load_workbook

from odoo import SUPERUSER_ID, api
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import release_test_lock
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader
from odoo.tools.safe_eval import safe_eval

from .common import BillingCase

SEND_CRON = "account.ir_cron_account_move_send"


def pages(pdf):
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


@tagged("post_install", "-at_install")
class TestDelivery(BillingCase):
    """October 2025 of the billing fixtures, delivered. Lars (B1, maison relais, €2.00 a billable hour, 172.5 h)
    lives 60 % of the time with the Janssens household and 40 % with the Peeters household:

    - Dupont (A, French, e-mail): Léa's month, €232.50 (R4), e-mailed in French;
    - Janssens (B, postcode 7000, has an e-mail address but chose paper): 103.5 h -> €207.00, print batch;
    - Peeters (C, postcode 1000, no e-mail address: paper by force): 69 h -> €138.00, print batch, first.

    Odoo's sending cron runs its own method in a transaction of its own (a cursor that may commit, as the
    scheduler gives it), and wkhtmltopdf renders the PDFs for real; Odoo's ``allow_pdf_render`` lets
    wkhtmltopdf fetch the report's assets from the server, which sees the test's transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["mail", "account"], ["fr_FR"])
        cls.company.write({"email": "finances@commune.example.be", "street": "Grand-Place 1", "zip": "5000"})
        cls.family_c = cls.env["childcare.family"].create({"name": "Peeters"})
        link_b = cls.child_b1.family_child_ids
        cls.env.cr.execute("UPDATE childcare_family_child SET custody_share = 60 WHERE id = %s", [link_b.id])
        cls.env.invalidate_all()
        cls.env["childcare.family.child"].create(
            {"family_id": cls.family_c.id, "child_id": cls.child_b1.id, "custody_share": 40}
        )
        cls.family_a.partner_id.write(
            {"email": "dupont@example.com", "lang": "fr_FR", "street": "Rue de Fer 12", "zip": "5000", "city": "Namur"}
        )
        cls.family_b.partner_id.write(
            {"email": "janssens@example.com", "street": "Rue de Nimy 7", "zip": "7000", "city": "Mons"}
        )
        cls.family_b.invoice_delivery = "paper"
        cls.family_c.partner_id.write({"street": "Rue Haute 20", "zip": "1000", "city": "Bruxelles"})
        # wkhtmltopdf fetches the report's assets from this server (as HttpCase sets it up)
        cls.env["ir.config_parameter"].set_param("web.base.url", HttpCase.base_url())
        cls.accountant = mail_new_test_user(
            cls.env, login="cc_delivery_accountant", groups="base.group_user,account.group_account_invoice"
        )
        cls.attend_month()
        cls.validate_month()

    # ------------------------------------------------------------------ helpers
    def run_send_cron(self, job_count=10):
        """Odoo's invoice sending cron (``account.move._cron_account_move_send``, what the scheduled action
        runs) in a transaction of its own, with wkhtmltopdf rendering the PDFs."""
        self.env.flush_all()
        # the cron's cursor (as the HTTP server's, the test's transaction) holds the test lock, which
        # allow_pdf_render hands to the server while wkhtmltopdf fetches the report's assets
        with self.allow_pdf_render(), release_test_lock(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"force_report_rendering": True})
            env["account.move"]._cron_account_move_send(job_count=job_count)
        self.env.invalidate_all()

    def invoices(self, run):
        moves = run.move_ids
        return [moves.filtered(lambda m, f=family: m.childcare_family_id == f) for family in self.families]

    @property
    def families(self):
        return self.family_a, self.family_b, self.family_c

    def comments(self, moves):
        return self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "in", moves.ids), ("message_type", "=", "comment")]
        )

    # ------------------------------------------------------------------ tests
    def test_household_delivery_choice(self):
        self.assertEqual(self.family_a.invoice_delivery, "email")
        self.assertFalse(self.family_a.is_delivered_on_paper)
        self.assertTrue(self.family_b.is_delivered_on_paper, "chose paper")
        self.assertEqual(self.family_c.invoice_delivery, "email")
        self.assertTrue(self.family_c.is_delivered_on_paper, "no e-mail address: paper")
        self.family_c.partner_id.email = "peeters@example.com"
        self.assertFalse(self.family_c.is_delivered_on_paper)
        # structure staff may edit the household of their children, not its delivery choice
        self.assertRefused(self.user_staff_s2, self.family_b, {"invoice_delivery": "email"})
        # a parent sets the delivery of their own household (the portal's entry point), not another's
        self.as_user(self.user_portal_a, self.family_a).set_invoice_delivery("paper")
        self.assertEqual(self.family_a.invoice_delivery, "paper")
        for user, family in ((self.user_portal_a, self.family_b), (self.user_staff_s2, self.family_b)):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, family).set_invoice_delivery("email")
        self.assertEqual(self.family_b.invoice_delivery, "paper")
        # municipal staff may
        self.as_user(self.user_manager, self.family_b).write({"invoice_delivery": "email"})
        self.assertEqual(self.family_b.invoice_delivery, "email")
        # bad input: a clear error, nothing written
        with self.assertRaisesRegex(UserError, "Unknown invoice delivery: fax"):
            self.as_user(self.user_manager, self.family_b).set_invoice_delivery("fax")
        self.assertEqual(self.family_b.invoice_delivery, "email")

    def test_send_a_run(self):
        run = self.run_month()
        invoice_a, invoice_b, invoice_c = self.invoices(run)
        self.assertEqual(
            [invoice_a.amount_total, invoice_b.amount_total, invoice_c.amount_total], [232.50, 207.00, 138.00]
        )
        cron = self.env.ref(SEND_CRON)
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self.env.invalidate_all()
        run.with_user(self.accountant).action_send_invoices()

        # queued for Odoo's cron, which is triggered; nothing sent yet
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), 1)
        invoices = invoice_a | invoice_b | invoice_c
        self.assertTrue(all(invoices.mapped("is_being_sent")))
        self.assertEqual(invoices[0].sending_data["author_user_id"], self.accountant.id)
        self.assertEqual(invoices.mapped("childcare_delivery"), ["email", "paper", "paper"])
        self.assertEqual((run.delivery_total, run.delivery_done, run.delivery_queued), (3, 0, 3))
        self.assertEqual((run.delivery_email_count, run.delivery_paper_count), (1, 2))
        with self.assertRaisesRegex(UserError, "are being sent"):  # nothing twice
            run.action_send_invoices()

        # the cron sends a few invoices per transaction: the run shows the progress
        self.run_send_cron(job_count=2)
        self.assertEqual((run.delivery_done, run.delivery_queued, run.state), (2, 1, "posted"))
        self.assertAlmostEqual(run.delivery_progress, 200 / 3, places=2)
        self.assertFalse(run.print_batch_pdf_id)
        self.run_send_cron()
        self.assertEqual((run.delivery_done, run.delivery_queued, run.delivery_failed), (3, 0, 0))
        self.assertEqual(run.delivery_progress, 100.0)
        self.assertEqual(run.state, "sent")
        with self.assertRaisesRegex(UserError, "Only a posted billing run"):
            run.action_send_invoices()
        self.assertFalse(any(invoices.mapped("sending_data")))

        # every PDF is attached to its invoice (the portal lists them)
        for invoice in invoices:
            attachment = invoice.invoice_pdf_report_id
            self.assertEqual(attachment.name, invoice._get_invoice_report_filename())
            self.assertEqual((attachment.res_model, attachment.res_id), ("account.move", invoice.id))
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
            self.assertTrue(invoice.is_move_sent)
            self.assertFalse(invoice.is_being_sent)

        # one mail, to Dupont's billing partner, in French, with Dupont's PDF
        (message,) = self.comments(invoices)
        self.assertEqual(message.res_id, invoice_a.id)
        self.assertEqual(message.partner_ids, self.family_a.partner_id)
        self.assertEqual(message.subject, f"{self.company.name} Facture (Réf {invoice_a.name})")
        self.assertIn("Voici votre", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), [invoice_a.invoice_pdf_report_id.name])
        self.assertEqual(message.attachment_ids.raw, invoice_a.invoice_pdf_report_id.raw)
        text = pdf_text(self, message.attachment_ids.raw)
        self.assertIn(invoice_a.name, text)
        self.assertIn("232,50", text)
        self.assertIn("Facture", text)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.recipient_ids, self.family_a.partner_id)
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("recipient_ids", "in", (self.family_b | self.family_c).partner_id.ids)]
            ),
            0,
            "no mail to the households on paper",
        )

    def test_print_batch(self):
        run = self.run_month()
        invoice_a, invoice_b, invoice_c = self.invoices(run)
        run.action_send_invoices()
        self.run_send_cron()
        self.assertEqual(run.state, "sent")
        self.assertFalse(self.comments(invoice_b | invoice_c), "the households on paper get no mail")

        # the files, attached to the run
        files = run.print_batch_pdf_id | run.print_manifest_csv_id | run.print_manifest_xlsx_id
        self.assertEqual(len(files), 3)
        self.assertEqual(set(files.mapped("res_model")), {"childcare.billing.run"})
        self.assertEqual(set(files.mapped("res_id")), {run.id})
        stem = f"print-batch-2025-10-{run.id}"
        self.assertEqual(files.mapped("name"), [f"{stem}.pdf", f"{stem}-manifest.csv", f"{stem}-manifest.xlsx"])
        action = run.action_download_manifest_csv()
        self.assertEqual(action["url"], f"/web/content/{run.print_manifest_csv_id.id}?download=true")

        # the manifest: Peeters (1000) before Janssens (7000), page counts of the real PDFs, amounts to the cent
        pages_c, pages_b = pages(invoice_c.invoice_pdf_report_id.raw), pages(invoice_b.invoice_pdf_report_id.raw)
        self.assertEqual((pages_c, pages_b), (1, 1))
        rows = list(csv.DictReader(io.StringIO(run.print_manifest_csv_id.raw.decode())))
        self.assertEqual(
            rows,
            [
                {
                    "sequence": "1",
                    "invoice": invoice_c.name,
                    "family": "Peeters",
                    "address_1": "Peeters",
                    "address_2": "Rue Haute 20",
                    "address_3": "1000 Bruxelles",
                    "address_4": "",
                    "address_5": "",
                    "pages": str(pages_c),
                    "first_page": "1",
                    "amount": "138.00",
                    "currency": invoice_c.currency_id.name,
                },
                {
                    "sequence": "2",
                    "invoice": invoice_b.name,
                    "family": "Janssens",
                    "address_1": "Janssens",
                    "address_2": "Rue de Nimy 7",
                    "address_3": "7000 Mons",
                    "address_4": "",
                    "address_5": "",
                    "pages": str(pages_b),
                    "first_page": str(1 + pages_c),
                    "amount": "207.00",
                    "currency": invoice_b.currency_id.name,
                },
            ],
        )
        sheet = load_workbook(io.BytesIO(run.print_manifest_xlsx_id.raw)).active
        values = list(sheet.iter_rows(values_only=True))
        self.assertEqual(values[0][0], f"Print batch {run.name}")
        self.assertEqual(values[2][:3], ("Sequence", "Invoice", "Household"))
        self.assertEqual(values[3][:3], (1, invoice_c.name, "Peeters"))
        self.assertEqual(values[4][:3], (2, invoice_b.name, "Janssens"))
        amount_col = values[2].index("Amount")
        self.assertEqual([values[3][amount_col], values[4][amount_col]], [138.0, 207.0])
        self.assertEqual(values[5][0], "Total")
        self.assertEqual(values[5][amount_col], 345.0)

        # the merged PDF: Peeters's invoice, then Janssens's, all their pages; Dupont's (e-mail) is not in it
        merged = run.print_batch_pdf_id.raw
        self.assertEqual(pages(merged), pages_c + pages_b)
        text = pdf_text(self, merged)
        self.assertLess(text.index(invoice_c.name), text.index(invoice_b.name))
        self.assertNotIn(invoice_a.name, text)

        # the same run gives the same files
        before = {
            field: run[field].raw for field in ("print_batch_pdf_id", "print_manifest_csv_id", "print_manifest_xlsx_id")
        }
        ids = files.ids
        run.with_user(self.accountant).action_build_print_batch()
        self.env.invalidate_all()
        self.assertEqual((run.print_batch_pdf_id | run.print_manifest_csv_id | run.print_manifest_xlsx_id).ids, ids)
        for field, raw in before.items():
            self.assertEqual(run[field].raw, raw, field)

    def test_address_removed_while_queued(self):
        """A household whose e-mail address disappears before Odoo sends its invoice gets it on paper."""
        run = self.run_month()
        invoice_a, invoice_b, invoice_c = self.invoices(run)
        run.action_send_invoices()
        self.assertEqual(invoice_a.childcare_delivery, "email")
        self.family_a.partner_id.email = False
        self.run_send_cron()
        self.assertEqual(run.state, "sent")
        self.assertEqual((invoice_a | invoice_b | invoice_c).mapped("childcare_delivery"), ["paper"] * 3)
        self.assertFalse(self.comments(invoice_a | invoice_b | invoice_c))
        self.assertTrue(invoice_a.invoice_pdf_report_id)
        rows = list(csv.DictReader(io.StringIO(run.print_manifest_csv_id.raw.decode())))
        # Peeters (1000), then Dupont (5000), then Janssens (7000)
        self.assertEqual([row["invoice"] for row in rows], [invoice_c.name, invoice_a.name, invoice_b.name])
        self.assertEqual([row["amount"] for row in rows], ["138.00", "232.50", "207.00"])
        self.assertEqual((run.delivery_email_count, run.delivery_paper_count, run.delivery_done), (0, 3, 3))

    def test_who_sends(self):
        """Only municipal staff and accountants send a run, only a posted one; a refusal changes nothing."""
        run = self.run_month()
        invoices = run.move_ids
        draft = self.env["childcare.billing.run"].create({"date_month": "2025-11-01"})
        for user in (self.accountant, self.user_manager):
            with self.assertRaisesRegex(UserError, "Only a posted billing run can send its invoices"):
                self.as_user(user, draft).action_send_invoices()
        self.assertEqual(draft.state, "draft")
        for user in (self.user_portal_a, self.user_staff_s1, self.user_staff_s2, self.user_employee):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, run).action_send_invoices()
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, run).action_build_print_batch()
        self.env.invalidate_all()
        self.assertEqual(run.state, "posted")
        self.assertFalse(any(invoices.mapped("sending_data")))
        self.assertFalse(any(invoices.mapped("childcare_delivery")))
        # the print-batch files are the run's own: nobody links another file, whatever their role
        other = self.env["ir.attachment"].create({"name": "forged.pdf", "raw": b"%PDF-1.4"})
        for user in (self.user_manager, self.accountant):
            self.assertRefused(user, run, {"print_batch_pdf_id": other.id})
            self.assertRefused(user, run, {"state": "sent"})
        # municipal staff send it
        self.as_user(self.user_manager, run).action_send_invoices()
        self.assertEqual(run.delivery_queued, 3)

    def test_views(self):
        """The run form sends and downloads, the household form shows the delivery choice, the invoice list
        filters the paper deliveries (before a run is sent: the household's current choice)."""
        run = self.run_month()
        for user in (self.user_manager, self.accountant):
            Run = self.env["childcare.billing.run"].with_user(user)
            arch = etree.fromstring(Run.get_views([(False, "form")])["views"]["form"]["arch"])
            buttons = set(arch.xpath("//header/button/@name"))
            self.assertLessEqual(
                {
                    "action_send_invoices",
                    "action_download_print_batch",
                    "action_download_manifest_csv",
                    "action_download_manifest_xlsx",
                },
                buttons,
            )
            self.assertTrue(arch.xpath("//field[@name='delivery_progress'][@widget='progressbar']"))
            self.assertTrue(arch.xpath("//page[@name='delivery']//field[@name='delivery_done']"))
        Family = self.env["childcare.family"]
        for user, readonly in ((self.user_manager, False), (self.user_staff_s1, True)):
            arch = etree.fromstring(Family.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"])
            (field,) = arch.xpath("//field[@name='invoice_delivery']")
            self.assertEqual(field.get("readonly") in ("1", "True"), readonly, user.login)
        Move = self.env["account.move"].with_user(self.accountant)
        search = etree.fromstring(Move.get_views([(False, "search")])["views"]["search"]["arch"])
        (paper,) = search.xpath("//filter[@name='childcare_paper_delivery']")
        invoices = Move.search([("childcare_run_id", "=", run.id), *safe_eval(paper.get("domain"))])
        self.assertEqual(invoices.childcare_family_id, self.family_b | self.family_c)
        # the run's smart button: its households' documents grouped by delivery
        action = run.with_user(self.accountant).action_view_delivery()
        views = Move.get_views([*action["views"], tuple(action["search_view_id"])])["views"]
        self.assertTrue(
            etree.fromstring(views["search"]["arch"]).xpath("//filter[@name='group_by_childcare_delivery']")
        )
        self.assertEqual(Move.search(action["domain"]), run.move_ids.filtered("childcare_family_id"))
