from datetime import date

from odoo import Command
from odoo.addons.childcare_attendance.tests.common import OCT
from odoo.addons.childcare_billing.tools import fees
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BillingCase

LANGS = ("fr_FR", "nl_BE", "de_DE")


@tagged("post_install", "-at_install")
class TestI18n(BillingCase):
    """The billing errors and the fee engine's invoice line labels reach French, Dutch and German users in
    their language: the messages of the code and of tools/fees.py (i18n/<lang>.po read at run time) and the
    labels they quote (selection values, loaded terms)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["childcare_billing"], list(LANGS), overwrite=True)

    def test_posting_a_run_that_is_not_computed(self):
        run = self.env["childcare.billing.run"].create(
            {
                "date_month": OCT,
                "date_invoice": date(2025, 11, 5),
                "structure_ids": [Command.set((self.structure_s1 | self.structure_s2).ids)],
            }
        )
        self.assertEqual(run.state, "draft")
        expected = {
            "fr_FR": f"Calculez le lot {run.name} (simulation) avant de le comptabiliser.",
            "nl_BE": f"Bereken de ronde {run.name} (proefberekening) voordat u ze boekt.",
            "de_DE": f"Berechnen Sie den Lauf {run.name} (Probelauf), bevor Sie ihn buchen.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                run.with_context(lang=lang).action_post()
            self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.move_ids)

    def test_quote_of_a_date_without_parameter_table(self):
        inputs = {"date": "2019-06-01", "monthly_income": 3000, "dependent_children": 2, "weekly_hours": 40}
        expected = {
            "fr_FR": "Aucune table de paramètres France — PSU de la CNAF (tarif horaire selon les revenus) n'est "
            "valable le 2019-06-01 pour le plan tarifaire PSU crèche : chargez la table de cette année (Accueil de "
            "l'enfance > Configuration > Tables de paramètres).",
            "nl_BE": "Geen enkele parametertabel van Frankrijk — CNAF PSU (uurtarief volgens inkomen) is geldig op "
            "2019-06-01 voor het tariefplan PSU crèche: laad de tabel van dat jaar (Kinderopvang > Configuratie > "
            "Parametertabellen).",
            "de_DE": "Keine Parametertabelle von Frankreich — CNAF PSU (Stundensatz nach Einkommen) ist am "
            "2019-06-01 für den Tarifplan PSU crèche gültig: Laden Sie die Tabelle dieses Jahres (Kinderbetreuung "
            "> Konfiguration > Parametertabellen).",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                self.plan_psu.with_context(lang=lang).quote(inputs)
            self.assertEqual(caught.exception.args[0], message)

    def test_fee_engine_error(self):
        """A QuoteError of tools/fees.py (an ``_lt`` format) comes out translated inside the plan's message."""
        inputs = {"date": "2025-10-01", "dependent_children": 2, "weekly_hours": 40}
        expected = {
            "fr_FR": "Plan tarifaire PSU crèche : La valeur monthly_income est requise pour calculer une "
            "participation du régime fr_psu.",
            "nl_BE": "Tariefplan PSU crèche: De waarde monthly_income is vereist om een bijdrage van de regeling "
            "fr_psu te berekenen.",
            "de_DE": "Tarifplan PSU crèche: Der Wert monthly_income wird benötigt, um einen Beitrag des "
            "Tarifsystems fr_psu zu berechnen.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                self.plan_psu.with_context(lang=lang).quote(inputs)
            self.assertEqual(caught.exception.args[0], message)

    def test_invoice_line_label(self):
        """The label of the monthly fee line (R4: 40 h x 45 weeks / 12), with its values, in each language."""
        quote = self.plan_psu.quote(
            {"date": "2025-10-01", "monthly_income": 3000, "dependent_children": 2, "weekly_hours": 40}
        )
        (line,) = [line for line in quote["lines"] if line["label_key"] == "monthly_fee"]
        self.assertEqual(line["amount"], 232.50)
        self.assertEqual(
            fees.line_label(line), "Monthly fee: 45 weeks × 40 h a week over 12 months", "English without gettext"
        )
        expected = {
            "fr_FR": "Forfait mensuel : 45 semaines × 40 h par semaine sur 12 mois",
            "nl_BE": "Maandbedrag: 45 weken × 40 u per week over 12 maanden",
            "de_DE": "Monatsbeitrag: 45 Wochen × 40 Std. pro Woche über 12 Monate",
        }
        for lang, label in expected.items():
            with self.subTest(lang=lang):
                self.assertEqual(fees.line_label(line, self.plan_psu.with_context(lang=lang).env._), label)

    def test_money_in_errors(self):
        """The errors of direct debit and tax attestations come out in the user's language."""
        run = self.env["childcare.billing.run"].create(
            {
                "date_month": OCT,
                "date_invoice": date(2025, 11, 5),
                "structure_ids": [Command.set((self.structure_s1 | self.structure_s2).ids)],
            }
        )
        expected = {
            "fr_FR": "Comptabilisez le lot de facturation avant d'encaisser ses factures par domiciliation.",
            "nl_BE": "Boek de facturatieronde voordat u haar facturen via domiciliëring int.",
            "de_DE": "Buchen Sie den Abrechnungslauf, bevor Sie seine Rechnungen per Lastschrift einziehen.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                run.with_context(lang=lang).action_create_direct_debit()
            self.assertEqual(caught.exception.args[0], message)
        self.assertFalse(run.debit_order_id)

        year = date.today().year  # the current year is never over
        expected = {
            "fr_FR": f"L'année {year} n'est pas terminée : ses attestations fiscales sont émises à partir du "
            f"1er janvier {year + 1}.",
            "nl_BE": f"Het jaar {year} is nog niet voorbij: de fiscale attesten ervan worden vanaf 1 januari "
            f"{year + 1} uitgereikt.",
            "de_DE": f"Das Jahr {year} ist noch nicht abgeschlossen: Seine Steuerbescheinigungen werden ab dem "
            f"1. Januar {year + 1} ausgestellt.",
        }
        Batch = self.env["childcare.tax.attestation.batch"]
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as caught:
                Batch.with_context(lang=lang)._check_year(year)
            self.assertEqual(caught.exception.args[0], message)
