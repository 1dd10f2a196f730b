"""The citizen portal speaks the parent's language: its refusals (model methods called over JSON-RPC, and
the pages) reach French, Dutch and German parents in their language (i18n/<lang>.po read at run time)."""

import base64
import html

from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import Request
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase

LANGS = ("fr_FR", "nl_BE", "de_DE")
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

NOT_A_GUARDIAN = {
    "fr_FR": "Seul un tuteur du ménage peut effectuer cette action.",
    "nl_BE": "Alleen een voogd van het huishouden mag dit doen.",
    "de_DE": "Nur ein(e) Erziehungsberechtigte(r) des Haushalts darf dies tun.",
}
WRONG_TYPE = {
    "fr_FR": "Seuls les documents PDF, JPEG et PNG sont acceptés.",
    "nl_BE": "Alleen PDF-, JPEG- en PNG-documenten worden aanvaard.",
    "de_DE": "Es werden nur PDF-, JPEG- und PNG-Dokumente angenommen.",
}
NO_INCOME = {
    "fr_FR": "Indiquez le revenu net imposable mensuel du ménage (supérieur à 0).",
    "nl_BE": "Vul het maandelijks netto belastbaar inkomen van het huishouden in (meer dan 0).",
    "de_DE": "Geben Sie das monatliche steuerpflichtige Nettoeinkommen des Haushalts ein (mehr als 0).",
}


@tagged("post_install", "-at_install")
class TestPortalI18n(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["citizen_portal"], list(LANGS), overwrite=True)

    def income_count(self):
        return self.env["childcare.family.income"].sudo().with_context(active_test=False).search_count([])

    def test_model_refusals_in_the_parents_language(self):
        """Over JSON-RPC (the methods as the user, with the user's language): another household's guardian,
        a proof that is a web page, an income of zero — refused in each language, nothing written."""
        incomes = self.income_count()
        proof_html = {"name": "proof.pdf", "datas": base64.b64encode(HTML)}
        proof_pdf = {"name": "proof.pdf", "datas": base64.b64encode(PDF)}
        values = {"year": 2025, "amount_monthly_income": 2500, "dependent_children": 1}
        for lang in LANGS:
            with self.subTest(lang=lang):
                family_a_as_b = self.family_a.with_user(self.user_portal_b).with_context(lang=lang)
                family_a = self.family_a.with_user(self.user_portal_a).with_context(lang=lang)
                self.env.invalidate_all()
                with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError) as caught:
                    family_a_as_b.portal_declare_income(values, proof_pdf)
                self.assertEqual(caught.exception.args[0], NOT_A_GUARDIAN[lang])
                with self.assertRaises(UserError) as caught:
                    family_a.portal_declare_income(values, proof_html)
                self.assertEqual(caught.exception.args[0], WRONG_TYPE[lang])
                with self.assertRaises(ValidationError) as caught:
                    family_a.portal_declare_income(dict(values, amount_monthly_income=0), proof_pdf)
                self.assertEqual(caught.exception.args[0], NO_INCOME[lang])
        self.assertEqual(self.income_count(), incomes)

    def test_page_refusal_in_the_parents_language(self):
        """The income form of /my/family answers a web page sent as proof in the language of the page (the
        website's language chosen by the parent: /fr/..., /nl_BE/..., /de/...)."""
        website = self.env["website"].get_current_website()
        languages = self.env["res.lang"].search([("code", "in", LANGS)])
        website.language_ids |= languages
        incomes = self.income_count()
        self.sign_in(self.user_portal_a)
        for language in languages:
            lang = language.code
            with self.subTest(lang=lang):
                response = self.url_open(
                    f"/{language.url_code}/my/family/{self.family_a.id}/income",
                    data={
                        "year": "2025",
                        "amount_monthly_income": "2500",
                        "dependent_children": "1",
                        "csrf_token": Request.csrf_token(self),
                    },
                    files={"proof": ("page.pdf", HTML, "application/pdf")},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn(WRONG_TYPE[lang], html.unescape(response.text))
        self.assertEqual(self.income_count(), incomes)
