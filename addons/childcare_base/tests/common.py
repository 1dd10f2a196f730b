from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase
from odoo.tools import mute_logger

#: loggers that report the refusals the access tests provoke on purpose
ACCESS_LOGGERS = ("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


class ChildcareCase(TransactionCase):
    """Two structures, two families with one child each, and a user of every role.

    S1 (crèche) takes care of child A1 of family A; S2 (maison relais) of child B1 of family B.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.be")
        cls.other_company = cls.env["res.company"].create({"name": "Other municipality"})

        def user(login, groups, **kw):
            return mail_new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kw,
            )

        cls.user_admin = cls.env.ref("base.user_admin")
        cls.user_manager = user("cc_manager", "base.group_user,childcare_base.group_childcare_manager")
        cls.user_staff_s1 = user("cc_staff_s1", "base.group_user,childcare_base.group_childcare_structure")
        cls.user_staff_s2 = user("cc_staff_s2", "base.group_user,childcare_base.group_childcare_structure")
        cls.user_medical = user("cc_medical", "base.group_user,childcare_base.group_childcare_medical_officer")
        cls.user_employee = user("cc_employee", "base.group_user")
        cls.user_portal_a = user("cc_portal_a", "base.group_portal")
        cls.user_portal_b = user("cc_portal_b", "base.group_portal")
        cls.user_public = user("cc_public", "base.group_public")

        cls.structure_s1 = cls.env["childcare.structure"].create(
            {
                "name": "Crèche Les Lutins",
                "structure_type": "creche",
                "staff_ids": [Command.set(cls.user_staff_s1.ids)],
                "capacity_ids": [
                    Command.create({"name": "Babies", "age_min_months": 0, "age_max_months": 17, "places": 9}),
                    Command.create({"name": "Toddlers", "age_min_months": 18, "age_max_months": 36, "places": 12}),
                ],
            }
        )
        cls.structure_s2 = cls.env["childcare.structure"].create(
            {
                "name": "Maison relais Arc-en-ciel",
                "structure_type": "maison_relais",
                "director_id": cls.user_staff_s2.id,
                "capacity_ids": [
                    Command.create({"name": "School age", "age_min_months": 36, "age_max_months": 144, "places": 40}),
                ],
            }
        )

        cls.family_a = cls.env["childcare.family"].create(
            {
                "name": "Dupont",
                "guardian_ids": [
                    Command.create({"partner_id": cls.user_portal_a.partner_id.id, "relationship": "mother"})
                ],
            }
        )
        cls.family_b = cls.env["childcare.family"].create(
            {
                "name": "Janssens",
                "guardian_ids": [
                    Command.create({"partner_id": cls.user_portal_b.partner_id.id, "relationship": "father"})
                ],
            }
        )
        cls.child_a1 = cls.create_child(cls.family_a, "Léa", "Dupont", date(2025, 3, 14), cls.structure_s1)
        cls.child_b1 = cls.create_child(
            cls.family_b, "Lars", "Janssens", date(2019, 9, 2), cls.structure_s2, school_level="p1"
        )
        Sheet = cls.env["childcare.medical.sheet"]
        cls.sheet_a1 = Sheet.create(
            {
                "child_id": cls.child_a1.id,
                "allergies": "Peanuts",
                "contact_ids": [Command.create({"name": "Grandma", "phone": "+32 470 00 00 01"})],
            }
        )
        cls.sheet_b1 = Sheet.create({"child_id": cls.child_b1.id, "treatments": "Ventolin"})
        cls.income_a = cls.env["childcare.family.income"].create(
            {
                "family_id": cls.family_a.id,
                "year": 2026,
                "amount_monthly_income": 3000.0,
                "dependent_children": 2,
            }
        )
        cls.income_b = cls.env["childcare.family.income"].create(
            {
                "family_id": cls.family_b.id,
                "year": 2026,
                "amount_monthly_income": 4200.0,
            }
        )

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like unittest's, inside a savepoint (as Odoo's assertRaises) so a refused change leaves
        nothing behind, and with the cache cleared so the test reads what the database holds."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)
        self.env.invalidate_all()

    # ------------------------------------------------------------------ as an attacker
    def as_user(self, user, records):
        """``records`` for ``user`` with nothing in the cache: what the server sees for an RPC call."""
        self.env.invalidate_all()
        return records.with_user(user)

    def assertRefused(self, user, records, values, exception=AccessError):
        """``user`` writing ``values`` on ``records`` is refused, and nothing is written."""
        fields = list(values)
        before = records.sudo().read(fields)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(exception):
            self.as_user(user, records).write(values)
            records.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(records.sudo().read(fields), before)

    def assertCannotSee(self, user, *recordsets):
        """``user`` cannot read any record of ``recordsets`` (cold cache)."""
        for record in (record for records in recordsets for record in records):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, record).read(["display_name"])

    @classmethod
    def create_child(cls, family, first, last, birthdate, structure, **values):
        return cls.env["childcare.child"].create(
            {
                "first_name": first,
                "last_name": last,
                "birthdate": birthdate,
                "structure_ids": [Command.set(structure.ids)],
                "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
                **values,
            }
        )
