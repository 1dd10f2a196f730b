from datetime import date

from odoo import Command
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.youth_camps.tests.common import CampCase
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase
from .test_invoice import HouseholdInvoicesMixin, PageAssertions

PDF_A = b"%PDF-1.4\n% offer of a place for Lea Dupont\n%%EOF"
PDF_B = b"%PDF-1.4\n% decision for Lars Janssens\n%%EOF"


@tagged("post_install", "-at_install")
class TestPortalDocuments(PortalCase, CampCase, HouseholdInvoicesMixin, PageAssertions):
    """Family A holds: its invoices (HouseholdInvoicesMixin), Noah's paid Nature week (a health-fund
    attestation), an issued tax attestation 281.86 for Léa, an offer letter sent by staff on Léa's application
    and a proof of income the mother uploaded herself (hers, not a document of the municipality). Family B
    holds a decision letter and a tax attestation of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoices()
        (cls.product_resident | cls.product_non_resident).taxes_id = False
        Request = cls.env["youth_camps.request"]
        request, registrations = Request._camp_register(
            cls.family_a, cls.user_portal_a.partner_id, [{"child": cls.child_noah, "event": cls.camp}]
        )
        Request._cron_camp_invoice()
        camp_invoice = cls.env["account.move"].search(
            [("youth_camps_request_id", "=", request.id), ("move_type", "=", "out_invoice")]
        )
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=camp_invoice.ids
        ).create({"payment_date": cls.today})._create_payments()
        cls.env.flush_all()
        cls.registration_noah = registrations
        cls.camp_invoice = camp_invoice

        cls.attestation_a = cls.make_attestation(cls.family_a, cls.child_a1, cls.user_portal_a, b"%PDF-1.4 281.86 A")
        cls.attestation_b = cls.make_attestation(cls.family_b, cls.child_b1, cls.user_portal_b, b"%PDF-1.4 281.86 B")
        cls.application_a = cls.env["childcare.application"].create(
            {"child_id": cls.child_a1.id, "date_start": date(2027, 9, 1)}
        )
        Attachment = cls.env["ir.attachment"]
        cls.letter_a = Attachment.create(
            {
                "name": "Offer of a place.pdf",
                "raw": PDF_A,
                "mimetype": "application/pdf",
                "res_model": "childcare.application",
                "res_id": cls.application_a.id,
            }
        )
        cls.letter_b = Attachment.create(
            {
                "name": "Decision Janssens.pdf",
                "raw": PDF_B,
                "mimetype": "application/pdf",
                "res_model": "childcare.family",
                "res_id": cls.family_b.id,
            }
        )
        cls.upload_a = (
            Attachment.with_user(cls.user_portal_a)
            .sudo()
            .create(
                {
                    "name": "My payslip.pdf",
                    "raw": b"%PDF-1.4 payslip",
                    "mimetype": "application/pdf",
                    "res_model": "childcare.family",
                    "res_id": cls.family_a.id,
                }
            )
        )

    @classmethod
    def make_attestation(cls, family, child, user, pdf):
        batch = cls.env["childcare.tax.attestation.batch"].search(
            [("company_id", "=", cls.company.id), ("year", "=", 2024)]
        ) or cls.env["childcare.tax.attestation.batch"].create({"company_id": cls.company.id, "year": 2024})
        attestation = cls.env["childcare.tax.attestation"].create(
            {
                "batch_id": batch.id,
                "child_id": child.id,
                "family_id": family.id,
                "partner_id": user.partner_id.id,
                "state": "issued",
                "date_issued": "2025-02-15 10:00:00",
                "line_ids": [
                    Command.create(
                        {"date_from": date(2024, 9, 1), "date_to": date(2024, 12, 31), "days": 60, "amount": 812.40}
                    )
                ],
            }
        )
        attestation.number = attestation.id  # as the issue numbers them
        attestation.attachment_id = cls.env["ir.attachment"].create(
            {
                "name": f"{attestation.name}.pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "childcare.family",
                "res_id": family.id,
            }
        )
        return attestation

    # ------------------------------------------------------------------ the list
    def test_documents_of_the_family(self):
        self.assertEqual(self.registration_noah.camp_state, "paid")
        documents = self.family_a.with_user(self.user_portal_a)._citizen_documents()
        keys = {document["key"] for document in documents}
        self.assertEqual(
            keys,
            {
                f"account.move-{self.invoice_a_sept.id}",
                f"account.move-{self.invoice_a_oct.id}",
                f"account.move-{self.camp_invoice.id}",
                f"childcare.tax.attestation-{self.attestation_a.id}",
                f"event.registration-{self.registration_noah.id}",
                f"ir.attachment-{self.letter_a.id}",
            },
            "the municipality's documents of family A: not the mother's own upload, nothing of family B",
        )
        health_fund = next(document for document in documents if document["kind"] == "health_fund")
        self.assertEqual(health_fund["child"], self.child_noah.name)
        self.assertEqual(health_fund["url"], f"/my/attestations/health_fund/{self.registration_noah.id}")

        response = self.get_page("/my/documents", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertPage(
            response,
            self.invoice_a_sept.name,
            self.camp_invoice.name,
            self.attestation_a.name,
            "Offer of a place.pdf",
            f"/my/documents/{self.letter_a.id}",
            f"/my/attestations/tax/{self.attestation_a.id}",
            f"/my/attestations/health_fund/{self.registration_noah.id}",
        )
        self.assertNotPage(response, "My payslip", "Decision Janssens", self.attestation_b.name, "Janssens")
        response = self.get_page("/my/documents?kind=tax_attestation", self.user_portal_a)
        self.assertPage(response, self.attestation_a.name)
        self.assertNotPage(response, self.invoice_a_sept.name)

        response = self.get_page("/my/documents", self.user_portal_b)
        self.assertPage(response, "Decision Janssens.pdf", self.attestation_b.name, self.invoice_b_oct.name)
        self.assertNotPage(response, "Offer of a place", self.invoice_a_sept.name, self.attestation_a.name, "Noah")

    def test_attestations_page(self):
        response = self.get_page("/my/attestations", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertPage(response, self.attestation_a.name, "812.40", self.camp.name, self.child_noah.name)
        self.assertNotPage(response, self.attestation_b.name)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["citizen_attestation_count", "citizen_document_count"]}
        )
        self.assertEqual(counters, {"citizen_attestation_count": 2, "citizen_document_count": 6})

    def test_staff_printed_health_fund_attestation_listed_once(self):
        """The attestation staff print from the registration (attached to the household) is not listed a
        second time as a letter."""
        self.registration_noah.with_context(force_report_rendering=False).action_camp_health_fund_attestation()
        documents = self.family_a.with_user(self.user_portal_a)._citizen_documents()
        self.assertEqual([d["kind"] for d in documents].count("health_fund"), 1)
        self.assertFalse([d for d in documents if d["kind"] == "document" and "Health-fund" in d["name"]])

    # ------------------------------------------------------------------ downloads
    def test_downloads_for_the_family(self):
        self.sign_in(self.user_portal_a)
        response = self.url_open(f"/my/documents/{self.letter_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.content, PDF_A)
        response = self.url_open(f"/my/attestations/tax/{self.attestation_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 281.86 A")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        response = self.url_open(f"/my/attestations/health_fund/{self.registration_noah.id}")
        self.assertEqual(response.status_code, 200)
        # test mode renders the report's HTML (Odoo's ir.actions.report): the figures of the attestation
        text = response.content.decode()
        self.assertIn("Health-fund attestation", text)
        self.assertIn(self.camp.name, text)
        self.assertIn("Health-fund%20attestation%20Noah", response.headers["Content-Disposition"])

    def test_downloads_refused_to_another_family(self):
        self.sign_in(self.user_portal_b)
        for url in (
            f"/my/documents/{self.letter_a.id}",
            f"/my/documents/{self.upload_a.id}",
            f"/my/attestations/tax/{self.attestation_a.id}",
            f"/my/attestations/health_fund/{self.registration_noah.id}",
        ):
            with mute_logger("odoo.http", *ACCESS_LOGGERS):
                response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(b"Lea Dupont", response.content)
            self.assertNotIn(b"281.86 A", response.content)
            self.assertNotPage(response, "Noah")
        # Odoo's raw content route does not hand it out either (the household is not theirs)
        with mute_logger("odoo.http", *ACCESS_LOGGERS):
            response = self.url_open(f"/web/content/{self.letter_a.id}?download=true")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"Lea Dupont", response.content)
        # and a parent's own upload is not downloaded through the documents route, even by the mother
        self.sign_in(self.user_portal_a)
        with mute_logger("odoo.http"):
            response = self.url_open(f"/my/documents/{self.upload_a.id}")
        self.assertEqual(response.status_code, 404)

    def test_model_methods_check_the_caller(self):
        family_a = self.as_user(self.user_portal_b, self.family_a)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            family_a._citizen_documents()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, self.family_a)._citizen_tax_attestations()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, self.registration_noah)._citizen_health_fund_pdf()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, self.invoice_a_oct)._citizen_child_statement()
        # the mother gets her own
        self.assertEqual(
            len(self.as_user(self.user_portal_a, self.family_a)._citizen_documents()), 6, "family A's documents"
        )
