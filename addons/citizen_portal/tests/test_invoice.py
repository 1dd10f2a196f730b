import json
import logging
import re
from datetime import date, timedelta

from odoo import Command, fields, sql_db
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase

_logger = logging.getLogger(__name__)

SEPT, OCT = date(2025, 9, 1), date(2025, 10, 1)


class HouseholdInvoicesMixin:
    """Posted childcare invoices of the households of ``ChildcareCase``, as a billing run makes them.

    - family A (guardian ``cc_portal_a``): September for Léa (€232.50 parent share, €664.30 subsidy, 18 days on
      the run's line) and October for Léa (€210.00) and her brother Tom (€92.00): €302.00;
    - family B (guardian ``cc_portal_b``): October for Lars, €75.00.
    The municipality prints Odoo's EPC QR code (a Belgian IBAN) and the Belgian structured reference."""

    @classmethod
    def setup_invoices(cls):
        company = cls.company
        company.qr_code = True
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
        cls.journal.invoice_reference_model = "be"
        cls.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
        cls.product_care = cls.env["product.product"].create(
            {"name": "Childcare hours", "type": "service", "taxes_id": [Command.clear()]}
        )
        cls.child_a2 = cls.create_child(cls.family_a, "Tom", "Dupont", date(2021, 5, 2), cls.structure_s1)
        cls.run_sept = cls.env["childcare.billing.run"].create({"date_month": SEPT, "date_invoice": date(2025, 10, 5)})
        cls.invoice_a_sept = cls.make_invoice(
            cls.family_a, SEPT, [(cls.child_a1, 150.0, 232.50, 664.30)], run=cls.run_sept
        )
        cls.env["childcare.billing.run.line"].create(
            {
                "run_id": cls.run_sept.id,
                "family_id": cls.family_a.id,
                "child_id": cls.child_a1.id,
                "structure_id": cls.structure_s1.id,
                "custody_share": 100.0,
                "days_present": 18,
                "hours_attended": 141.0,
                "hours_billable": 150.0,
                "hours_billed": 150.0,
                "amount_parent": 232.50,
                "amount_subsidy": 664.30,
                "amount_total": 896.80,
                "state": "invoiced",
                "move_id": cls.invoice_a_sept.id,
            }
        )
        cls.invoice_a_oct = cls.make_invoice(
            cls.family_a, OCT, [(cls.child_a1, 140.0, 210.00, 600.00), (cls.child_a2, 46.0, 92.00, 0.0)]
        )
        cls.invoice_b_oct = cls.make_invoice(cls.family_b, OCT, [(cls.child_b1, 37.5, 75.00, 0.0)])

    @classmethod
    def make_invoice(cls, family, period, children, *, run=None, due=None, post=True):
        """A posted childcare invoice of ``family`` for ``period``: one line per (child, hours, parent share,
        subsidy) of ``children``."""
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": family.partner_id.id,
                "journal_id": cls.journal.id,
                "invoice_date": period + timedelta(days=35),
                "invoice_date_due": due or fields.Date.today() + timedelta(days=30),
                "childcare_kind": "invoice",
                "childcare_family_id": family.id,
                "childcare_period": period,
                "childcare_run_id": run and run.id,
                "partner_bank_id": cls.bank_account.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_care.id,
                            "name": f"Care hours {child.first_name}",
                            "quantity": 1,
                            "price_unit": parent,
                            "tax_ids": [Command.clear()],
                            "childcare_child_id": child.id,
                            "childcare_structure_id": child.structure_ids[:1].id,
                            "childcare_period": period,
                            "childcare_payer": "parent",
                            "childcare_hours_billable": hours,
                            "childcare_subsidy_amount": subsidy,
                            "childcare_parent_amount": parent,
                        }
                    )
                    for child, hours, parent, subsidy in children
                ],
            }
        )
        if post:
            move.action_post()
        return move


def query_count(request):
    """The number of SQL queries the server ran for ``request()`` (the HTTP server runs in this process:
    Odoo's global counter of executed queries)."""
    before = sql_db.sql_counter
    response = request()
    return sql_db.sql_counter - before, response


class PageAssertions:
    """Assertions on a page that do not print the whole page when they fail."""

    def assertPage(self, response, *needles):
        for needle in needles:
            self.assertTrue(needle in response.text, f"{needle!r} not in {response.url} ({response.status_code})")

    def assertNotPage(self, response, *needles):
        for needle in needles:
            self.assertFalse(needle in response.text, f"{needle!r} in {response.url} ({response.status_code})")


@tagged("post_install", "-at_install")
class TestPortalInvoices(PortalCase, HouseholdInvoicesMixin, PageAssertions):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoices()

    # ------------------------------------------------------------------ the list
    def test_household_invoices_listed(self):
        response = self.get_page("/my/invoices", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertPage(response, self.invoice_a_sept.name, self.invoice_a_oct.name, "232.50", "302.00")
        self.assertNotPage(response, self.invoice_b_oct.name, "Lars", "75.00")
        # the children billed on each invoice, and the filter by child
        row_oct = re.search(rf"{re.escape(self.invoice_a_oct.name)}.*?</tr>", html, re.S).group(0)
        self.assertIn(f"{self.child_a1.name}, {self.child_a2.name}", row_oct)
        self.assertPage(response, f"child_id={self.child_a2.id}")

        response = self.get_page("/my/invoices", self.user_portal_b)
        self.assertPage(response, self.invoice_b_oct.name)
        self.assertNotPage(response, self.invoice_a_sept.name)
        self.assertNotPage(response, self.invoice_a_oct.name)
        self.assertPage(response, "75.00")

    def test_odoo_pages_of_a_user_outside_the_childcare_groups(self):
        """An internal user without the childcare groups (an accountant paying their own overdue invoices on
        Odoo's portal) is not a guardian: Odoo's /my pages answer as without the suite, no access error."""
        accountant = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "cc_accountant_portal",
                "password": "cc_accountant_portal",
                "group_ids": [Command.set(self.env.ref("account.group_account_manager").ids)],
            }
        )
        self.authenticate(accountant.login, accountant.login)
        for url in ("/my", "/my/invoices", "/my/invoices/overdue", "/my/documents", "/my/attestations"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)

    def test_home_counters(self):
        self.sign_in(self.user_portal_a)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["invoice_count", "overdue_invoice_count", "citizen_attestation_count"]}
        )
        self.assertEqual(counters["invoice_count"], 1)  # Odoo counts with limit=1: "there are some"
        self.assertEqual(counters["overdue_invoice_count"], 0)
        self.assertEqual(counters["citizen_attestation_count"], 0)

    def test_filter_by_child(self):
        response = self.get_page(f"/my/invoices?child_id={self.child_a2.id}", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertPage(response, self.invoice_a_oct.name)
        self.assertNotPage(response, self.invoice_a_sept.name)
        response = self.get_page(f"/my/invoices?child_id={self.child_a1.id}", self.user_portal_a)
        self.assertPage(response, self.invoice_a_oct.name)
        self.assertPage(response, self.invoice_a_sept.name)
        # another family's child: 404, none of its data
        with mute_logger("odoo.http"):
            response = self.get_page(f"/my/invoices?child_id={self.child_b1.id}", self.user_portal_a)
        self.assertEqual(response.status_code, 404)
        self.assertNotPage(response, "Lars")
        self.assertNotPage(response, self.invoice_b_oct.name)
        with mute_logger("odoo.http"):
            response = self.get_page("/my/invoices?child_id=abc", self.user_portal_a)
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------ one invoice
    def test_invoice_page_statement_and_transfer(self):
        invoice = self.invoice_a_sept
        self.assertTrue(invoice.payment_reference.startswith("+++"), "l10n_be's structured reference")
        response = self.get_page(f"/my/invoices/{invoice.id}", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertPage(response, invoice.payment_reference, "BE71 0961 2345 6769", "GKCCBEBB", "o_citizen_ogm")
        qr = re.search(r'<img[^>]*class="img-fluid o_citizen_epc_qr"[^>]*src="(data:image/png;base64,[^"]+)"', html)
        self.assertTrue(qr, "Odoo's EPC QR code of the transfer")
        self.assertEqual(invoice.qr_code_method, "sct_qr")
        # the statement per child: month, days on the run's line, parent share and subsidy to the cent
        statement = re.search(r'class="card mb-3 o_citizen_statement".*?</table>', html, re.S).group(0)
        self.assertIn("Léa", statement)
        self.assertIn("September 2025", statement)
        self.assertRegex(statement, r">\s*18\s*<")
        self.assertIn("232.50", statement)
        self.assertIn("664.30", statement)
        self.assertIn("150.00", statement)

        statement = self.invoice_a_oct.with_user(self.user_portal_a)._citizen_child_statement()
        self.assertEqual(
            [(row["child"], row["days"], row["parent"], row["subsidy"]) for row in statement],
            [(self.child_a1.name, None, 210.0, 600.0), (self.child_a2.name, None, 92.0, 0.0)],
        )

    def test_statement_refused_to_another_family(self):
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.invoice_a_sept.with_user(self.user_portal_b)._citizen_child_statement()

    def test_invoice_of_another_family(self):
        """B opens A's invoice, its PDF and its HTML: Odoo's portal sends him home, nothing of A's."""
        self.sign_in(self.user_portal_b)
        invoice = self.invoice_a_sept
        for url in (
            f"/my/invoices/{invoice.id}",
            f"/my/invoices/{invoice.id}?report_type=pdf&download=true",
            f"/my/invoices/{invoice.id}?report_type=html",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my"), url)
            response = self.url_open(url)
            self.assertNotPage(response, invoice.name)
            self.assertNotPage(response, invoice.payment_reference)

    def test_pdf_download(self):
        invoice = self.invoice_a_oct
        response = self.get_page(f"/my/invoices/{invoice.id}?report_type=pdf&download=true", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # test mode renders the report's HTML under the PDF's headers (Odoo's ir.actions.report)
        self.assertTrue(invoice.name in response.content.decode())

    def test_direct_debit_status(self):
        self.invoice_a_oct.invalidate_recordset()
        # a debit order on the way: the invoice is not paid online a second time
        self.env.cr.execute(
            "UPDATE account_move SET childcare_in_collection = TRUE WHERE id = %s", [self.invoice_a_oct.id]
        )
        self.env.invalidate_all()
        self.assertFalse(self.invoice_a_oct._has_to_be_paid())
        self.assertTrue(self.invoice_a_sept._has_to_be_paid())
        response = self.get_page(f"/my/invoices/{self.invoice_a_oct.id}", self.user_portal_a)
        self.assertPage(response, "o_citizen_in_collection")
        self.assertNotPage(response, "o_citizen_epc_qr")
        self.assertPage(response, "collected by SEPA direct debit: there is nothing to pay here")
        self.assertNotPage(response, 'id="o_payment_form"')

    # ------------------------------------------------------------------ paying
    def _demo_provider(self):
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "company_id": self.company.id})
        method = self.env.ref("payment_demo.payment_method_demo")
        provider.payment_method_ids = [Command.link(method.id)]
        return provider, method

    def _pay(self, route, amount, **values):
        provider, method = self._demo_provider()
        processing = self.make_jsonrpc_request(
            route,
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/my/invoices",
                **values,
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", processing["reference"])])
        self.assertEqual(tx.state, "done")
        tx._post_process()
        self.env.invalidate_all()
        return tx

    def test_pay_one_invoice_online(self):
        invoice = self.invoice_a_sept
        self.sign_in(self.user_portal_a)
        response = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertPage(response, 'id="o_payment_form"')  # Odoo's payment form on the household's invoice
        tx = self._pay(f"/invoice/transaction/{invoice.id}", 232.50, access_token=invoice._portal_ensure_token())
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertEqual(tx.amount, 232.50)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(self.invoice_a_oct.payment_state, "not_paid")
        response = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertNotPage(response, "o_citizen_epc_qr")  # paid: no transfer to make

    def test_pay_all_overdue_invoices_at_once(self):
        past = fields.Date.today() - timedelta(days=3)
        (self.invoice_a_sept | self.invoice_a_oct | self.invoice_b_oct).write({"invoice_date_due": past})
        self.env.flush_all()
        self.sign_in(self.user_portal_a)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["overdue_invoice_count"]})
        self.assertEqual(counters["overdue_invoice_count"], 2)
        response = self.url_open("/my/invoices/overdue")
        self.assertEqual(response.status_code, 200)
        # Odoo's page of the overdue invoices: one amount, one batch reference (B's €75.00 is not in it)
        self.assertPage(response, "534.50", 'data-transaction-route="/invoice/transaction/overdue"')
        self.assertNotPage(response, "609.50")
        tx = self._pay("/invoice/transaction/overdue", 534.50, payment_reference="BATCH")
        self.assertEqual(tx.invoice_ids, self.invoice_a_sept | self.invoice_a_oct)
        for invoice in self.invoice_a_sept | self.invoice_a_oct:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice_b_oct.payment_state, "not_paid")

    def test_overdue_of_a_guardian_of_two_households(self):
        """A guardian of two households (two billing contacts): Odoo pays one partner's overdue invoices at
        once, the first household's here; the page answers (no error) and the other household's invoice is
        paid on its own page."""
        family_c = self.env["childcare.family"].create(
            {
                "name": "Dupont-Martin",
                "guardian_ids": [
                    Command.create({"partner_id": self.user_portal_a.partner_id.id, "relationship": "mother"})
                ],
            }
        )
        child_c = self.create_child(family_c, "Zoé", "Martin", date(2022, 1, 5), self.structure_s1)
        past = fields.Date.today() - timedelta(days=3)
        invoice_c = self.make_invoice(family_c, OCT, [(child_c, 20.0, 41.10, 0.0)], due=past)
        self.invoice_a_sept.invoice_date_due = past
        self.env.flush_all()
        self.sign_in(self.user_portal_a)
        response = self.url_open("/my/invoices/overdue")
        self.assertEqual(response.status_code, 200)
        self.assertPage(response, "232.50")
        self.assertNotPage(response, "273.60")  # 232.50 + 41.10: not mixed
        response = self.url_open(f"/my/invoices/{invoice_c.id}")
        self.assertPage(response, 'id="o_payment_form"', invoice_c.payment_reference)

    # ------------------------------------------------------------------ speed
    def test_query_counts_do_not_grow_with_invoices(self):
        """/my and /my/invoices cost the same number of queries with 3 or 27 invoices of the household."""
        self.sign_in(self.user_portal_a)

        def counts():
            self.url_open("/my/invoices")  # warm the caches (templates, assets)
            self.url_open("/my")
            return (
                query_count(lambda: self.url_open("/my/invoices"))[0],
                query_count(lambda: self.url_open("/my"))[0],
                query_count(
                    lambda: self.url_open(
                        "/my/counters",
                        data=json.dumps({"params": {"counters": ["invoice_count", "citizen_document_count"]}}),
                        headers={"Content-Type": "application/json"},
                    )
                )[0],
            )

        before = counts()
        month = date(2023, 1, 1)
        for _index in range(24):
            self.make_invoice(self.family_a, month, [(self.child_a1, 100.0, 150.0, 10.0)])
            month = (month + timedelta(days=32)).replace(day=1)
        self.env.flush_all()
        after = counts()
        _logger.info("queries of /my/invoices, /my, /my/counters: %s with 3 invoices, %s with 27", before, after)
        # 24 more invoices: at most 2 more queries (a prefetch batch), never one per invoice
        for page, count_before, count_after in zip(("/my/invoices", "/my", "/my/counters"), before, after, strict=True):
            self.assertLessEqual(count_after, count_before + 2, page)
        # and bounded: Odoo's list and home with the household's extensions
        self.assertLessEqual(after[0], 45, "/my/invoices")
        self.assertLessEqual(after[1], 30, "/my")

    # ------------------------------------------------------------------ in the browser
    def test_tour_invoice_list_pdf_pay(self):
        """Invoice list → filter by child → the invoice (statement, reference, QR, PDF) → pay with the demo
        provider → paid."""
        self._demo_provider()
        self.start_tour("/my/invoices", "citizen_invoice_tour", login=self.login_a)
        self.env.invalidate_all()
        self.assertIn(self.invoice_a_oct.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice_a_oct.amount_residual, 0.0)
        self.assertEqual(self.invoice_a_sept.payment_state, "not_paid")
