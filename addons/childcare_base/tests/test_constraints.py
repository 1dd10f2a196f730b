from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.addons.childcare_base.tools.identity import be_national_number, lu_national_number
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChildcareCase


@tagged("at_install", "childcare")
class TestChildConstraints(ChildcareCase):
    def _child_vals(self, **values):
        return {
            "first_name": "Noah",
            "last_name": "Peeters",
            "birthdate": date(2024, 5, 6),
            "family_child_ids": [Command.create({"family_id": self.family_a.id, "custody_share": 100})],
            **values,
        }

    def test_valid_belgian_number_is_stored_compact(self):
        number = be_national_number(date(2024, 5, 6), 123)
        formatted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
        child = self.env["childcare.child"].create(self._child_vals(national_number=formatted))
        self.assertEqual(child.national_number, number)
        self.assertEqual(child.name, "Noah PEETERS")
        self.assertEqual(child.family_id, self.family_a)
        self.assertIn(child, self.family_a.child_ids)

    def test_invalid_national_number_refused_and_nothing_written(self):
        count = self.env["childcare.child"].search_count([])
        with self.assertRaisesRegex(ValidationError, "is not valid"):
            self.env["childcare.child"].create(self._child_vals(national_number="85073003329"))
        with self.assertRaisesRegex(ValidationError, "does not match the birthdate"):
            self.env["childcare.child"].create(self._child_vals(national_number="85073003328"))
        self.assertEqual(self.env["childcare.child"].search_count([]), count)

    def test_national_number_checked_by_family_country(self):
        family_lu = self.env["childcare.family"].create({"name": "Schmit", "country_id": self.env.ref("base.lu").id})
        number = lu_national_number(date(2024, 5, 6), 42)
        vals = self._child_vals(national_number=number)
        vals["family_child_ids"] = [Command.create({"family_id": family_lu.id, "custody_share": 100})]
        child = self.env["childcare.child"].create(vals)
        self.assertEqual(child.national_number, number)
        # The same number is no Belgian NN: a Belgian family cannot use it.
        with self.assertRaises(ValidationError):
            self.env["childcare.child"].create(self._child_vals(first_name="Other", national_number=number[:-1] + "0"))

    def test_birthdate_in_future_refused(self):
        tomorrow = fields.Date.context_today(self.env["childcare.child"]) + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self.env["childcare.child"].create(self._child_vals(birthdate=tomorrow))
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self.child_a1.birthdate = tomorrow
        self.assertEqual(self.child_a1.birthdate, date(2025, 3, 14))

    def test_duplicate_national_number_refused(self):
        number = be_national_number(date(2025, 3, 14), 7)
        self.child_a1.national_number = number
        with self.assertRaisesRegex(ValidationError, "already registered"):
            self.env["childcare.child"].create(self._child_vals(birthdate=date(2025, 3, 14), national_number=number))

    def test_duplicate_names_and_birthdate_refused_case_insensitive(self):
        with self.assertRaisesRegex(ValidationError, "already registered"):
            self.env["childcare.child"].create(
                self._child_vals(first_name="léa", last_name="DUPONT", birthdate=date(2025, 3, 14))
            )
        # Same names, another birthdate: a namesake, not a duplicate.
        other = self.env["childcare.child"].create(
            self._child_vals(first_name="Léa", last_name="Dupont", birthdate=date(2023, 1, 1))
        )
        namesakes = self.env["childcare.child"].search([("name", "=", "Léa DUPONT")])
        self.assertEqual(namesakes, self.child_a1 | other)
        self.assertEqual(sorted(namesakes.mapped("birthdate")), [date(2023, 1, 1), date(2025, 3, 14)])

    def test_duplicates_inside_one_batch_refused(self):
        count = self.env["childcare.child"].search_count([])
        with self.assertRaisesRegex(ValidationError, "Mila PEETERS, born on 2024-02-02, is already registered"):
            self.env["childcare.child"].create(
                [
                    self._child_vals(first_name="Mila", birthdate=date(2024, 2, 2)),
                    self._child_vals(first_name="Noé", birthdate=date(2024, 2, 2)),
                    self._child_vals(first_name="MILA", birthdate=date(2024, 2, 2)),
                ]
            )
        self.assertEqual(self.env["childcare.child"].search_count([]), count)

    def test_custody_shares_must_make_100(self):
        with self.assertRaisesRegex(ValidationError, "add up to 90.0 %"):
            self.env["childcare.child"].create(
                self._child_vals(
                    family_child_ids=[
                        Command.create({"family_id": self.family_a.id, "custody_share": 50}),
                        Command.create({"family_id": self.family_b.id, "custody_share": 40}),
                    ]
                )
            )
        with self.assertRaisesRegex(ValidationError, "add up to 80.0 %"):
            self.child_a1.family_child_ids.custody_share = 80
        self.assertEqual(self.child_a1.family_child_ids.custody_share, 100.0)

    def test_separated_parents_share_a_child(self):
        child = self.env["childcare.child"].create(
            self._child_vals(
                family_child_ids=[
                    Command.create({"family_id": self.family_a.id, "custody_share": 40}),
                    Command.create({"family_id": self.family_b.id, "custody_share": 60}),
                ]
            )
        )
        self.assertEqual(child.family_ids, self.family_a | self.family_b)
        self.assertEqual(child.family_id, self.family_b, "the main family has the largest share")
        self.assertIn(child, self.family_a.child_ids)
        self.assertIn(child, self.family_b.child_ids)
        self.assertEqual(sorted(child.family_child_ids.mapped("custody_share")), [40.0, 60.0])

    def test_age_in_months(self):
        self.assertEqual(self.child_a1.with_context(date="2026-03-13").age_months, 11)
        self.assertEqual(self.child_a1.with_context(date="2026-03-14").age_months, 12)
        self.assertEqual(self.child_a1.age_months_on(date(2025, 9, 14)), 6)


@tagged("at_install", "childcare")
class TestFamilyIncome(ChildcareCase):
    def test_family_gets_a_billing_partner(self):
        family = self.env["childcare.family"].create({"name": "Maes"})
        self.assertEqual(family.partner_id.name, "Maes")
        self.assertEqual(family.partner_id.company_id, self.company)

    def test_negative_income_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["childcare.family.income"].create(
                {"family_id": self.family_a.id, "year": 2025, "amount_monthly_income": -10.0}
            )
        self.assertEqual(len(self.family_a.income_ids), 1)

    def test_validated_income_needs_an_amount(self):
        income = self.env["childcare.family.income"].create({"family_id": self.family_a.id, "year": 2025})
        with self.assertRaisesRegex(ValidationError, "without a monthly amount"):
            income.action_validate()
        self.assertEqual(income.state, "draft")
        with self.assertRaisesRegex(ValidationError, "without a monthly amount"):
            self.env["childcare.family.income"].create(
                {"family_id": self.family_a.id, "year": 2024, "state": "validated"}
            )

    def test_validate_and_current_income(self):
        self.assertFalse(self.family_a.income_current_id)
        self.income_a.action_validate()
        self.assertEqual(self.income_a.state, "validated")
        self.assertEqual(self.income_a.date_validated, fields.Date.context_today(self.income_a))
        self.assertEqual(self.family_a.income_current_id, self.income_a)
        with self.assertRaisesRegex(UserError, "Only a draft income"):
            self.income_a.action_validate()
        self.income_a.action_reset_draft()
        self.assertEqual(self.income_a.state, "draft")

    def test_one_validated_income_per_year(self):
        self.income_a.action_validate()
        second = self.env["childcare.family.income"].create(
            {"family_id": self.family_a.id, "year": 2026, "amount_monthly_income": 3100.0}
        )
        with self.assertRaisesRegex(ValidationError, "already has a validated income for 2026"):
            second.action_validate()
        self.assertEqual(second.state, "draft")

    @mute_logger("odoo.sql_db")
    def test_implausible_year_refused(self):
        with self.assertRaises(IntegrityError):
            self.env["childcare.family.income"].create({"family_id": self.family_a.id, "year": 1900})
            self.env.flush_all()


@tagged("at_install", "childcare")
class TestStructureAndMedical(ChildcareCase):
    def test_capacity_min_above_max_refused(self):
        with self.assertRaisesRegex(ValidationError, "must not exceed"):
            self.structure_s1.capacity_ids = [
                Command.create({"name": "Wrong", "age_min_months": 36, "age_max_months": 12, "places": 3})
            ]
        self.assertEqual(len(self.structure_s1.capacity_ids), 2)
        self.assertEqual(self.structure_s1.capacity_total, 21)

    def test_capacity_for_age_and_opening(self):
        self.assertEqual(self.structure_s1.capacity_for_age(20).name, "Toddlers")
        self.assertFalse(self.structure_s1.capacity_for_age(40))
        self.assertTrue(self.structure_s1.is_open_on(date(2026, 11, 23)))  # Monday
        self.assertFalse(self.structure_s1.is_open_on(date(2026, 11, 22)))  # Sunday

    def test_structure_children_counter(self):
        self.assertEqual(self.structure_s1.child_count, 1)
        action = self.structure_s1.action_view_children()
        self.assertEqual(self.env["childcare.child"].search(action["domain"]), self.child_a1)

    def test_medical_sheet_validity(self):
        self.assertEqual(self.sheet_a1.state, "valid")
        self.assertTrue(self.child_a1.has_valid_medical_sheet)
        self.sheet_a1.date_valid_until = date(2025, 1, 1)
        self.assertEqual(self.sheet_a1.state, "expired")
        self.child_a1.invalidate_recordset(["has_valid_medical_sheet"])
        self.assertFalse(self.child_a1.has_valid_medical_sheet)
        Sheet = self.env["childcare.medical.sheet"]
        self.assertEqual(
            Sheet.search([("state", "=", "expired"), ("id", "in", (self.sheet_a1 | self.sheet_b1).ids)]), self.sheet_a1
        )
        self.assertEqual(
            Sheet.search([("state", "=", "valid"), ("id", "in", (self.sheet_a1 | self.sheet_b1).ids)]), self.sheet_b1
        )


@tagged("at_install", "childcare")
class TestTranslatedErrors(ChildcareCase):
    def test_errors_speak_the_users_language(self):
        for lang in ("fr_FR", "nl_BE", "de_DE"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["childcare_base"], ["fr_FR", "nl_BE", "de_DE"], overwrite=True)
        tomorrow = fields.Date.context_today(self.env["childcare.child"]) + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "est dans le futur"):
            self.child_a1.with_context(lang="fr_FR").birthdate = tomorrow
        with self.assertRaises(ValidationError) as caught:
            self.child_a1.with_context(lang="de_DE").birthdate = tomorrow
        self.assertEqual(
            caught.exception.args[0], f"Das Geburtsdatum von {self.child_a1.name} ({tomorrow}) liegt in der Zukunft."
        )
        jan = {
            "first_name": "Jan",
            "last_name": "Peeters",
            "birthdate": date(2024, 5, 6),
            "national_number": "85073003329",
            "family_child_ids": [Command.create({"family_id": self.family_a.id, "custody_share": 100})],
        }
        with self.assertRaisesRegex(ValidationError, "niet geldig|ongeldig"):
            self.env["childcare.child"].with_context(lang="nl_BE").create(dict(jan))
        with self.assertRaises(ValidationError) as caught:
            self.env["childcare.child"].with_context(lang="de_DE").create(dict(jan))
        self.assertRegex(
            caught.exception.args[0],
            r"^Die Nationalregisternummer 85073003329 von Jan (?i:Peeters) ist für BE nicht gültig: Prüfen Sie die Ziffern\.$",
        )
        self.assertEqual(self.child_a1.birthdate, date(2025, 3, 14))
