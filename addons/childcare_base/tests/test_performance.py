from datetime import date

from odoo import Command
from odoo.tests import Form, tagged, users

from .common import ChildcareCase


@tagged("at_install", "childcare")
class TestFamilyQueries(ChildcareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.family_big = cls.env["childcare.family"].create(
            {
                "name": "Famille nombreuse",
                "guardian_ids": [Command.create({"partner_id": cls.env["res.partner"].create({"name": "Parent"}).id})],
            }
        )
        for i in range(5):
            cls.create_child(cls.family_big, f"Enfant{i}", "Nombreuse", date(2016 + i, 1 + i, 10), cls.structure_s1)
        cls.env["childcare.family.income"].create(
            {
                "family_id": cls.family_big.id,
                "year": 2026,
                "amount_monthly_income": 2500,
                "dependent_children": 5,
            }
        )

    @users("cc_manager")
    def test_open_family_with_five_children_query_bound(self):
        family = self.family_big.with_user(self.env.user)
        self.env.invalidate_all()
        # warm-up: views and access caches
        Form(family)
        self.env.invalidate_all()
        with self.assertQueryCount(cc_manager=16):
            form = Form(family)
        self.assertEqual(len(form.family_child_ids), 5)
