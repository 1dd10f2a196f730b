"""My family and my children: the pages of family A, the refusals for family B's ids and for anonymous
visitors, the income declaration with its proof (and the uploads refused), the invitation of the other
guardian, a first household, and the ``portal_*`` model methods called as another family's guardian."""

import base64
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import Request
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


class FamilyPortalCase(PortalCase):
    def post(self, url, data=None, files=None):
        """POST a form of the portal as the signed-in user, with the session's CSRF token."""
        return self.url_open(
            url, data={**(data or {}), "csrf_token": Request.csrf_token(self)}, files=files, allow_redirects=False
        )

    def count(self, model, domain):
        return self.env[model].sudo().with_context(active_test=False).search_count(domain)


@tagged("post_install", "-at_install")
class TestPortalFamily(FamilyPortalCase):
    def income_data(self, **values):
        # 2026 has a declaration waiting already (the fixture's): the new one is for 2025
        return {"year": "2025", "amount_monthly_income": "3150.50", "dependent_children": "2", **values}

    # ------------------------------------------------------------------ pages
    def test_family_page_family_a(self):
        response = self.get_page("/my/family", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        body = response.text
        self.assertIn("Household Dupont", body)
        self.assertIn(f'href="/my/children/{self.child_a1.id}"', body)
        self.assertIn("Léa", body)
        self.assertIn(self.user_portal_a.partner_id.name, body)
        self.assertIn("3,000.00", body)  # the income of 2026, waiting for validation
        self.assertIn("Waiting for validation", body)
        self.assertIn(f'action="/my/family/{self.family_a.id}/income"', body)
        self.assertIn('href="/my/account?redirect=/my/family"', body)
        self.assertIn('data-citizen-max-bytes="10485760"', body)  # the browser refuses a larger file first
        # nothing of family B
        for text in ("Janssens", "Lars", "4,200.00", f"/my/children/{self.child_b1.id}"):
            self.assertNotIn(text, body)

    def test_anonymous_redirected_to_login(self):
        for url in ("/my/family", f"/my/children/{self.child_a1.id}"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])
            self.assertNotIn("Peanuts", response.text)

    def test_home_entry_and_counter(self):
        self.sign_in(self.user_portal_a)
        body = self.url_open("/my").text
        self.assertIn('id="portal_citizen_category"', body)
        self.assertIn("Family services", body)
        self.assertIn('href="/my/family"', body)
        self.assertIn('data-placeholder_count="citizen_child_count"', body)
        second = self.create_child(
            self.family_a, "Tom", "Dupont", fields.Date.today() - timedelta(days=400), self.structure_s1
        )
        self.assertTrue(second)
        response = self.url_open(
            "/my/counters", json={"jsonrpc": "2.0", "method": "call", "params": {"counters": ["citizen_child_count"]}}
        )
        self.assertEqual(response.json()["result"]["citizen_child_count"], 2)
        self.sign_in(self.user_portal_b)
        response = self.url_open(
            "/my/counters", json={"jsonrpc": "2.0", "method": "call", "params": {"counters": ["citizen_child_count"]}}
        )
        self.assertEqual(response.json()["result"]["citizen_child_count"], 1)

    # ------------------------------------------------------------------ income
    def test_declare_income_with_proof(self):
        self.sign_in(self.user_portal_a)
        before = self.family_a.income_ids
        response = self.post(
            f"/my/family/{self.family_a.id}/income",
            self.income_data(has_disabled_child="1"),
            files={"proof": ("avertissement extrait.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/my/family?message=income", response.headers["Location"])
        self.env.invalidate_all()
        income = self.family_a.income_ids - before
        self.assertEqual(len(income), 1)
        self.assertEqual(income.state, "draft")
        self.assertEqual(income.year, 2025)
        self.assertEqual(income.amount_monthly_income, 3150.50)
        self.assertEqual(income.dependent_children, 2)
        self.assertTrue(income.has_disabled_child)
        self.assertEqual(income.proof_filename, "avertissement extrait.pdf")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", "childcare.family.income"), ("res_id", "=", income.id), ("res_field", "=", "proof")]
            )
        )
        self.assertEqual(attachment.raw, PDF)
        self.assertEqual(attachment.mimetype, "application/pdf")
        # staff validate it: billing reads only validated incomes
        self.assertFalse(self.family_a.income_current_id)
        activity = self.family_a.sudo().activity_ids.filtered(lambda a: "2025" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertFalse(activity.user_id.share)
        income.with_user(self.user_manager).action_validate()
        self.assertEqual(self.family_a.income_current_id, income)
        # the page shows it, waiting then validated
        self.assertIn("3,150.50", self.url_open("/my/family").text)

    def test_declare_income_refused_uploads(self):
        self.sign_in(self.user_portal_a)
        # more than 10 MB: Odoo's own limit of a form (max_form_memory_size, 10 MB) answers 413 first
        big = ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
        response = self.post(f"/my/family/{self.family_a.id}/income", self.income_data(), {"proof": big})
        self.assertEqual(response.status_code, 413)
        cases = [
            ("html", ("page.pdf", HTML, "application/pdf"), "Only PDF, JPEG and PNG"),
            ("exe renamed", ("setup.pdf", EXE, "application/pdf"), "Only PDF, JPEG and PNG"),
            ("empty", ("empty.pdf", b"", "application/pdf"), "The file is empty"),
        ]
        incomes = self.count("childcare.family.income", [])
        attachments = self.count("ir.attachment", [("res_model", "=", "childcare.family.income")])
        for label, upload, message in cases:
            with self.subTest(label):
                response = self.post(f"/my/family/{self.family_a.id}/income", self.income_data(), {"proof": upload})
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("Not saved", response.text)
                self.assertIn('value="3150.50"', response.text)  # the form keeps what was typed
        self.assertEqual(self.count("childcare.family.income", []), incomes)
        self.assertEqual(self.count("ir.attachment", [("res_model", "=", "childcare.family.income")]), attachments)

    def test_declare_income_bad_values(self):
        self.sign_in(self.user_portal_a)
        incomes = self.count("childcare.family.income", [])
        proof = {"proof": ("proof.pdf", PDF, "application/pdf")}
        for values, message in (
            ({"amount_monthly_income": "0"}, "more than 0"),
            ({"amount_monthly_income": "abc"}, "must be numbers"),
            ({"year": "1990"}, "The income year must lie between"),
            ({"dependent_children": "-1"}, "between 0 and 20"),
        ):
            with self.subTest(values=values):
                response = self.post(f"/my/family/{self.family_a.id}/income", self.income_data(**values), proof)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        # a second declaration of a year already waiting
        self.assertEqual(self.post(f"/my/family/{self.family_a.id}/income", self.income_data(), proof).status_code, 303)
        response = self.post(f"/my/family/{self.family_a.id}/income", self.income_data(), proof)
        self.assertEqual(response.status_code, 400)
        self.assertIn("already waiting for validation", response.text)
        self.assertEqual(self.count("childcare.family.income", []), incomes + 1)

    def test_other_family_ids_and_csrf(self):
        self.sign_in(self.user_portal_a)
        incomes = self.count("childcare.family.income", [("family_id", "=", self.family_b.id)])
        guardians = self.count("childcare.family.guardian", [("family_id", "=", self.family_b.id)])
        proof = {"proof": ("proof.pdf", PDF, "application/pdf")}
        response = self.post(f"/my/family/{self.family_b.id}/income", self.income_data(), proof)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Janssens", response.text)
        response = self.post(
            f"/my/family/{self.family_b.id}/invite",
            {"name": "Eve", "email": "eve@example.com", "relationship": "other"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.count("childcare.family.income", [("family_id", "=", self.family_b.id)]), incomes)
        self.assertEqual(self.count("childcare.family.guardian", [("family_id", "=", self.family_b.id)]), guardians)
        # without the CSRF token: refused, nothing written
        own = self.count("childcare.family.income", [("family_id", "=", self.family_a.id)])
        response = self.url_open(
            f"/my/family/{self.family_a.id}/income", data=self.income_data(), files=proof, allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.count("childcare.family.income", [("family_id", "=", self.family_a.id)]), own)

    # ------------------------------------------------------------------ the model methods, as an attacker
    def test_methods_refuse_another_family(self):
        proof = {"name": "p.pdf", "datas": base64.b64encode(PDF)}
        family_a = self.as_user(self.user_portal_b, self.family_a)
        with mute_logger(*ACCESS_LOGGERS):
            with self.assertRaises(AccessError):
                family_a.portal_declare_income({"year": 2026, "amount_monthly_income": 10}, proof)
            self.env.invalidate_all()
            with self.assertRaises(AccessError):
                family_a.portal_invite_guardian("Eve", "eve@example.com", "mother")
        self.assertEqual(len(self.family_a.sudo().income_ids), 1)
        self.assertEqual(len(self.family_a.sudo().guardian_ids), 1)
        # the proof is checked again by the method (a JSON-RPC caller does not go through the page)
        family_a = self.as_user(self.user_portal_a, self.family_a)
        with self.assertRaisesRegex(UserError, "Only PDF, JPEG and PNG"):
            family_a.portal_declare_income(
                {"year": 2025, "amount_monthly_income": 10}, {"name": "x.pdf", "datas": base64.b64encode(HTML)}
            )
        too_large = base64.b64encode(PDF + b"0" * (10 * 1024 * 1024))
        with self.assertRaisesRegex(UserError, "at most 10 MB"):
            family_a.portal_declare_income(
                {"year": 2025, "amount_monthly_income": 10}, {"name": "x.pdf", "datas": too_large}
            )
        self.assertEqual(len(self.family_a.sudo().income_ids), 1)

    def test_methods_write_only_whitelisted_values(self):
        proof = {"name": "p.pdf", "datas": base64.b64encode(PDF)}
        income_id = self.as_user(self.user_portal_a, self.family_a).portal_declare_income(
            {
                "year": 2025,
                "amount_monthly_income": 2000,
                "state": "validated",
                "family_id": self.family_b.id,
                "company_id": self.other_company.id,
            },
            proof,
        )
        income = self.env["childcare.family.income"].browse(income_id)
        self.assertEqual((income.family_id, income.state, income.company_id), (self.family_a, "draft", self.company))

    def test_parent_cannot_write_what_decides_visibility(self):
        partner_b = self.user_portal_b.partner_id
        self.assertRefused(
            self.user_portal_b,
            self.family_a,
            {"guardian_ids": [Command.create({"partner_id": partner_b.id, "relationship": "other"})]},
        )
        self.assertRefused(self.user_portal_a, self.family_a, {"company_id": self.other_company.id})
        self.assertRefused(
            self.user_portal_a, self.child_b1, {"family_child_ids": [Command.create({"family_id": self.family_a.id})]}
        )
        self.assertRefused(self.user_portal_a, self.child_a1, {"structure_ids": [Command.set([])]})
        self.assertRefused(self.user_portal_a, self.income_a, {"state": "validated"})
        guardian_a = self.family_a.guardian_ids
        self.assertRefused(self.user_portal_b, guardian_a, {"partner_id": partner_b.id})
        self.assertRefused(self.user_portal_a, guardian_a, {"family_id": self.family_b.id})
        # the medical sheet, writable by parents: never moved to another family's child
        self.assertRefused(self.user_portal_a, self.sheet_a1, {"child_id": self.child_b1.id})
        self.assertCannotSee(self.user_portal_a, self.family_b, self.child_b1, self.sheet_b1, self.income_b)

    # ------------------------------------------------------------------ the other guardian
    def test_invite_other_guardian(self):
        self.sign_in(self.user_portal_a)
        response = self.post(
            f"/my/family/{self.family_a.id}/invite",
            {"name": "Paul Dupont", "email": "Paul.Dupont@Example.com", "relationship": "father"},
        )
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        guardian = self.family_a.guardian_ids.filtered(lambda g: g.partner_id.name == "Paul Dupont")
        self.assertEqual(guardian.relationship, "father")
        user = guardian.partner_id.user_ids
        self.assertEqual(user.login, "paul.dupont@example.com")
        self.assertTrue(user._is_portal())
        self.assertTrue(guardian.has_portal_access)
        self.assertTrue(guardian.partner_id.signup_type)  # the invitation link of auth_signup
        mail = self.env["mail.mail"].sudo().search([("recipient_ids", "in", guardian.partner_id.ids)])
        mails = self.env["mail.message"].sudo().search([("partner_ids", "in", guardian.partner_id.ids)])
        self.assertTrue(mail or mails, "the invitation e-mail is sent")
        # the new guardian sees the household and its child, not family B
        families = self.env["childcare.family"].with_user(user).search([])
        self.assertEqual(families, self.family_a)
        # twice the same address: refused, nothing added
        response = self.post(
            f"/my/family/{self.family_a.id}/invite",
            {"name": "Paul Bis", "email": "paul.dupont@example.com", "relationship": "father"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("already has an account", response.text)
        response = self.post(
            f"/my/family/{self.family_a.id}/invite", {"name": "X", "email": "not an e-mail", "relationship": "father"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("valid e-mail", response.text)
        self.env.invalidate_all()
        self.assertEqual(len(self.family_a.guardian_ids), 2)

    def test_invite_guardian_registered_by_staff(self):
        """Staff registered the father without an account: the mother sends him the invitation, to the
        address staff recorded."""
        father = self.env["res.partner"].create({"name": "Olivier Dupont", "email": "olivier@example.com"})
        self.family_a.guardian_ids = [Command.create({"partner_id": father.id, "relationship": "father"})]
        guardian = self.family_a.guardian_ids.filtered(lambda g: g.partner_id == father)
        self.sign_in(self.user_portal_a)
        body = self.url_open("/my/family").text
        url = f"/my/family/{self.family_a.id}/invite_existing"
        self.assertIn(f'action="{url}"', body)
        self.assertIn(f'name="guardian_id" value="{guardian.id}"', body)
        # family B's guardian through family A's URL, and family B's URL: 404
        guardian_b = self.family_b.guardian_ids
        self.assertEqual(self.post(url, {"guardian_id": guardian_b.id}).status_code, 404)
        self.assertEqual(self.post(url, {"guardian_id": "x"}).status_code, 404)
        url_b = f"/my/family/{self.family_b.id}/invite_existing"
        self.assertEqual(self.post(url_b, {"guardian_id": guardian_b.id}).status_code, 404)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, self.family_a).portal_invite_existing_guardian(guardian_b.id)
        self.assertEqual(self.post(url, {"guardian_id": guardian.id}).status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(father.user_ids.login, "olivier@example.com")
        self.assertTrue(father.user_ids._is_portal())
        response = self.post(url, {"guardian_id": guardian.id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("already has an account", response.text)

    def test_separated_households_see_their_own_invoices(self):
        """Léa's parents live apart: two households share her. Each guardian reads only their household's
        invoices, also for the same child."""
        shared = self.env["childcare.child"].create(
            {
                "first_name": "Zoé",
                "last_name": "Dupont",
                "birthdate": fields.Date.today() - relativedelta(years=2),
                "structure_ids": [Command.set(self.structure_s1.ids)],
                "family_child_ids": [
                    Command.create({"family_id": self.family_a.id, "custody_share": 50}),
                    Command.create({"family_id": self.family_b.id, "custody_share": 50}),
                ],
            }
        )
        invoices = self.env["account.move"]
        for family, price in ((self.family_a, 111.0), (self.family_b, 222.0)):
            invoices |= self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": family.partner_id.id,
                    "childcare_family_id": family.id,
                    "invoice_line_ids": [
                        Command.create({"name": f"Crèche {shared.name}", "quantity": 1, "price_unit": price})
                    ],
                }
            )
        invoices.action_post()
        invoice_a, invoice_b = invoices
        Move = self.env["account.move"]
        self.env.invalidate_all()
        self.assertEqual(Move.with_user(self.user_portal_a).search([("id", "in", invoices.ids)]), invoice_a)
        self.env.invalidate_all()
        self.assertEqual(Move.with_user(self.user_portal_b).search([("id", "in", invoices.ids)]), invoice_b)
        self.assertCannotSee(self.user_portal_a, invoice_b)
        self.assertCannotSee(self.user_portal_b, invoice_a)
        # both see the shared child on their family page
        self.assertIn("Zoé", self.get_page("/my/family", self.user_portal_b).text)
        body = self.get_page("/my/invoices", self.user_portal_a).text
        self.assertIn(invoice_a.name, body)
        self.assertNotIn(invoice_b.name, body)

    # ------------------------------------------------------------------ a first household
    def test_first_sign_in_without_household(self):
        newcomer = self.env["res.users"].create(
            {
                "name": "Nina Newcomer",
                "login": "cc_newcomer",
                "password": "cc_newcomer",
                "email": "nina@example.com",
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.sign_in(newcomer)
        body = self.url_open("/my/family").text
        self.assertIn("not linked to a household", body)
        self.assertIn('action="/my/family/register"', body)
        self.assertNotIn("Dupont", body)
        response = self.post("/my/family/register", {"name": "Newcomer"})
        self.assertEqual(response.status_code, 303)
        family = (
            self.env["childcare.family"]
            .with_context(active_test=False)
            .search([("guardian_ids.partner_id", "=", newcomer.partner_id.id)])
        )
        self.assertEqual((family.name, family.active), ("Newcomer", False))
        self.assertFalse(self.env["childcare.family"].with_user(newcomer).search([]))  # until staff activate it
        body = self.url_open("/my/family").text
        self.assertIn("waits for the", body)
        response = self.post("/my/family/register", {"name": "Newcomer again"})
        self.assertEqual(response.status_code, 400)
        # a user already in a household cannot register another one; nobody attaches to an existing one by id
        self.sign_in(self.user_portal_a)
        response = self.post("/my/family/register", {"name": "Second", "family_id": self.family_b.id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("already linked to a household", response.text)
        self.assertEqual(len(self.family_b.guardian_ids), 1)

    def test_language(self):
        self.env["res.lang"]._activate_lang("fr_BE")
        self.sign_in(self.user_portal_a)
        self.assertEqual(self.post("/my/family/language", {"lang": "fr_BE"}).status_code, 303)
        self.assertEqual(self.user_portal_a.lang, "fr_BE")
        response = self.post("/my/family/language", {"lang": "xx_XX"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.user_portal_a.lang, "fr_BE")


@tagged("post_install", "-at_install")
class TestPortalChild(FamilyPortalCase):
    def test_child_page(self):
        response = self.get_page(f"/my/children/{self.child_a1.id}", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        body = response.text
        for text in ("Léa", "DUPONT", "Peanuts", "Grandma", "+32 470 00 00 01", "Crèche Les Lutins", "Valid until"):
            self.assertIn(text, body)
        self.assertNotIn("Ventolin", body)

    def test_other_family_child_404(self):
        self.sign_in(self.user_portal_a)
        response = self.url_open(f"/my/children/{self.child_b1.id}")
        self.assertEqual(response.status_code, 404)
        for text in ("Lars", "Ventolin", "Janssens"):
            self.assertNotIn(text, response.text)
        sheets = self.count("childcare.medical.sheet", [("child_id", "=", self.child_b1.id)])
        persons = self.count("childcare.pickup.person", [("child_id", "=", self.child_b1.id)])
        for url, data in (
            ("medical", {"allergies": "x", "contact_name_0": "X", "contact_phone_0": "1"}),
            ("pickup", {"name": "X", "phone": "1"}),
            ("consents", {"has_image_consent": "1"}),
        ):
            response = self.post(f"/my/children/{self.child_b1.id}/{url}", data)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Lars", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.count("childcare.medical.sheet", [("child_id", "=", self.child_b1.id)]), sheets)
        self.assertEqual(self.count("childcare.pickup.person", [("child_id", "=", self.child_b1.id)]), persons)
        self.assertFalse(self.child_b1.has_image_consent)
        # a pick-up person of family B through family A's child: 404, still active
        person_b = self.env["childcare.pickup.person"].create(
            {"child_id": self.child_b1.id, "name": "Oma", "phone": "1"}
        )
        response = self.post(f"/my/children/{self.child_a1.id}/pickup/{person_b.id}/remove")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(person_b.active)

    def test_medical_sheets_never_public_nor_other_family(self):
        self.assertCannotSee(self.user_public, self.sheet_a1, self.sheet_a1.contact_ids)
        self.assertCannotSee(self.user_portal_b, self.sheet_a1, self.sheet_a1.contact_ids)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, self.child_a1).portal_current_medical_sheet()

    def medical_data(self, **values):
        return {
            "allergies": "Peanuts, kiwi",
            "diet": "No pork",
            "treatments": "",
            "doctor_name": "Dr Lambert",
            "doctor_phone": "+32 64 00 00 00",
            "is_vaccination_up_to_date": "1",
            "contact_name_0": "Grandma",
            "contact_relationship_0": "grandmother",
            "contact_phone_0": "+32 470 00 00 01",
            "contact_name_1": "Uncle Jo",
            "contact_phone_1": "+32 470 00 00 02",
            **values,
        }

    def test_medical_sheet_update_creates_a_version(self):
        self.sign_in(self.user_portal_a)
        response = self.post(f"/my/children/{self.child_a1.id}/medical", self.medical_data())
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        sheets = self.env["childcare.medical.sheet"].sudo().search([("child_id", "=", self.child_a1.id)], order="id")
        self.assertEqual(len(sheets), 2)
        old, new = sheets
        self.assertEqual(old, self.sheet_a1)
        self.assertEqual(old.allergies, "Peanuts")  # kept as it was
        self.assertEqual(len(old.contact_ids), 1)
        self.assertEqual((new.allergies, new.diet, new.doctor_name), ("Peanuts, kiwi", "No pork", "Dr Lambert"))
        self.assertTrue(new.is_vaccination_up_to_date)
        self.assertEqual(new.date_valid_until, fields.Date.today() + relativedelta(years=1))
        self.assertEqual(new.contact_ids.mapped("name"), ["Grandma", "Uncle Jo"])
        self.assertEqual(new.contact_ids[0].relationship, "grandmother")
        # staff with the medical role read both versions; family B and the public none
        self.env.invalidate_all()
        medical = self.env["childcare.medical.sheet"].with_user(self.user_medical)
        self.assertEqual(medical.search([("child_id", "=", self.child_a1.id)]), sheets)
        self.assertCannotSee(self.user_portal_b, new)
        self.assertCannotSee(self.user_public, new)
        # no health data in the child's chatter
        messages = self.child_a1.sudo().message_ids.mapped("body")
        self.assertFalse([body for body in messages if "kiwi" in str(body)])
        body = self.url_open(f"/my/children/{self.child_a1.id}").text
        self.assertIn("Peanuts, kiwi", body)
        self.assertIn("Uncle Jo", body)

    def test_medical_sheet_bad_input(self):
        self.sign_in(self.user_portal_a)
        for values, message in (
            (
                {"contact_name_0": "", "contact_phone_0": "", "contact_name_1": "", "contact_phone_1": ""},
                "at least one",
            ),
            ({"contact_phone_1": ""}, "needs a name and a phone"),
        ):
            response = self.post(f"/my/children/{self.child_a1.id}/medical", self.medical_data(**values))
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.text)
            self.assertIn("Peanuts, kiwi", response.text)  # what was typed stays in the form
        self.assertEqual(self.count("childcare.medical.sheet", [("child_id", "=", self.child_a1.id)]), 1)

    def test_expiry_warnings(self):
        self.sign_in(self.user_portal_a)
        today = fields.Date.today()
        self.sheet_a1.date_valid_until = today - timedelta(days=1)
        body = self.url_open(f"/my/children/{self.child_a1.id}").text
        self.assertIn("Expired", body)
        self.assertIn("Medical sheet expired", self.url_open("/my/family").text)
        self.sheet_a1.date_valid_until = today + timedelta(days=10)
        body = self.url_open(f"/my/children/{self.child_a1.id}").text
        self.assertIn("Expires soon", body)
        self.assertNotIn("Expired", body)
        self.assertIn("Medical sheet expires soon", self.url_open("/my/family").text)
        self.sheet_a1.date_valid_until = today + timedelta(days=200)
        self.assertNotIn("o_citizen_sheet_badge", self.url_open("/my/family").text)
        body = self.url_open(f"/my/children/{self.child_a1.id}").text
        self.assertNotIn("Expires soon", body)
        self.assertIn("Valid until", body)

    def test_pickup_persons_and_consents(self):
        self.sign_in(self.user_portal_a)
        response = self.post(
            f"/my/children/{self.child_a1.id}/pickup",
            {"name": "Mamie Jeanne", "relationship": "grandmother", "phone": "+32 470 11 22 33", "id_document": "592"},
        )
        self.assertEqual(response.status_code, 303)
        person = self.child_a1.sudo().pickup_person_ids
        self.assertEqual(
            (person.name, person.phone, person.relationship), ("Mamie Jeanne", "+32 470 11 22 33", "grandmother")
        )
        self.assertIn("Mamie Jeanne", self.url_open(f"/my/children/{self.child_a1.id}").text)
        response = self.post(f"/my/children/{self.child_a1.id}/pickup", {"name": "No phone"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("name and a phone number", response.text)
        self.assertEqual(self.count("childcare.pickup.person", [("child_id", "=", self.child_a1.id)]), 1)
        response = self.post(f"/my/children/{self.child_a1.id}/pickup/{person.id}/remove")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(person.active)
        # consents
        response = self.post(f"/my/children/{self.child_a1.id}/consents", {"has_image_consent": "1"})
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual((self.child_a1.has_image_consent, self.child_a1.has_outing_consent), (True, False))

    def test_child_methods_refuse_malformed_values(self):
        """Over JSON-RPC a guardian may send anything: a translated refusal, nothing written."""
        child = self.as_user(self.user_portal_a, self.child_a1)
        for call in (
            lambda: child.portal_update_medical_sheet("allergies", [{"name": "X", "phone": "1"}]),
            lambda: child.portal_update_medical_sheet({"allergies": "x"}, "X"),
            lambda: child.portal_update_medical_sheet({"allergies": ["x"]}, [{"name": "X", "phone": "1"}]),
            lambda: child.portal_update_medical_sheet({}, [["X", "1"]]),
            lambda: child.portal_add_pickup_person(["X", "1"]),
            lambda: self.as_user(self.user_portal_a, self.family_a).portal_declare_income(
                "2025", {"name": "p.pdf", "datas": base64.b64encode(PDF)}
            ),
            lambda: self.as_user(self.user_portal_a, self.family_a).portal_declare_income(
                {"year": 2025, "amount_monthly_income": 10}, {"name": "p.pdf", "datas": "%%% not base64"}
            ),
        ):
            with self.assertRaisesRegex(ValidationError, "not valid|could not be read"):
                call()
        self.assertEqual(self.count("childcare.medical.sheet", [("child_id", "=", self.child_a1.id)]), 1)
        self.assertFalse(self.child_a1.sudo().pickup_person_ids)
        self.assertEqual(len(self.family_a.sudo().income_ids), 1)

    def test_child_methods_refuse_another_family(self):
        child_a = self.as_user(self.user_portal_b, self.child_a1)
        person = self.env["childcare.pickup.person"].create({"child_id": self.child_a1.id, "name": "Oma", "phone": "1"})
        calls = (
            lambda: child_a.portal_update_medical_sheet({"allergies": "x"}, [{"name": "X", "phone": "1"}]),
            lambda: child_a.portal_set_consents(True, True),
            lambda: child_a.portal_add_pickup_person({"name": "X", "phone": "1"}),
            lambda: self.as_user(self.user_portal_b, person).portal_remove(),
        )
        for call in calls:
            self.env.invalidate_all()
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                call()
        self.env.invalidate_all()
        self.assertEqual(self.count("childcare.medical.sheet", [("child_id", "=", self.child_a1.id)]), 1)
        self.assertEqual(self.child_a1.pickup_person_ids, person)
        self.assertFalse(self.child_a1.has_image_consent)
        # the public user neither
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_public, self.child_a1).portal_set_consents(True, True)

    def test_tour_family(self):
        """In the browser: /my, my family, the child, a new medical sheet, the photo consent."""
        self.start_tour("/my", "citizen_family_tour", login=self.user_portal_a.login)
        self.env.invalidate_all()
        sheets = self.env["childcare.medical.sheet"].sudo().search([("child_id", "=", self.child_a1.id)], order="id")
        self.assertEqual(sheets.mapped("allergies"), ["Peanuts", "Peanuts, kiwi"])
        self.assertEqual(sheets[1].contact_ids.mapped("name"), ["Grandma", "Uncle Jo"])
        self.assertTrue(self.child_a1.has_image_consent)
        self.assertFalse(self.child_a1.has_outing_consent)
