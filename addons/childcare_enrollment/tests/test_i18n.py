from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EnrollmentCase

LANGS = ("fr_FR", "nl_BE", "de_DE")


@tagged("post_install", "-at_install")
class TestI18n(EnrollmentCase):
    """The addon's errors reach French, Dutch and German users in their language: the message of the
    code (i18n/<lang>.po read at run time) and the labels it quotes (selection values, loaded terms)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["childcare_enrollment"], list(LANGS), overwrite=True)

    def test_wrong_state_of_an_application(self):
        child = self.new_child(self.family_a, "Lina", 6)
        application = self.new_application(child, [self.crib_1], 10)
        self.assertEqual(application.state, "complete")
        expected = {
            "fr_FR": f"Le dépôt n'est pas possible pour {application.name} à l'état Complète.",
            "nl_BE": f"Het indienen is niet mogelijk voor {application.name} in de status Volledig.",
            "de_DE": f"Das Einreichen ist für {application.name} im Status Vollständig nicht möglich.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                application.with_context(lang=lang).action_submit()
            self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(application.state, "complete")

    def test_contract_that_already_runs(self):
        contract = self.env["childcare.enrollment"].create(
            {"child_id": self.child_a1.id, "structure_id": self.crib_1.id, "date_start": self.start}
        )
        contract.action_start()
        expected = {
            "fr_FR": "Seuls les contrats en brouillon peuvent commencer.",
            "nl_BE": "Alleen conceptcontracten kunnen starten.",
            "de_DE": "Nur Verträge im Entwurf können beginnen.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                contract.with_context(lang=lang).action_start()
            self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(contract.state, "running")
