import io

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import OCT, BillingCase


@tagged("post_install", "-at_install")
class TestSubsidy(BillingCase):
    """S2 applies the chèque-service accueil: price P €8.00 an hour, state cap €6.00 (2025), meal €4.00.
    B1 is of school age (6): in school weeks its hours and meals are free of the CSA rate, so the family
    pays P - C = €2.00 an hour and the State the rest; the State is invoiced per structure and month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["childcare.school.holiday"].search([("company_id", "=", cls.company.id)]).unlink()
        cls.state = cls.env["res.partner"].create({"name": "Ministère de l'Éducation nationale", "is_company": True})
        cls.plan_flat.structure_line_ids.unlink()
        cls.plan_csa = cls.env["childcare.rate.plan"].create(
            {
                "name": "CSA maison relais",
                "scheme": "lu_csa",
                "billing_basis": "attended",
                "structure_hourly_price": 8.0,
                "structure_meal_price": 4.0,
                "funding_partner_id": cls.state.id,
                "structure_line_ids": [
                    Command.create({"structure_id": cls.structure_s2.id, "date_from": "2025-01-01"})
                ],
            }
        )
        cls.env["childcare.child.rate.input"].create(
            {"child_id": cls.child_b1.id, "date_from": "2025-01-01", "csa_hourly_rate": 1.0, "csa_meal_price": 1.5}
        )
        cls.attend_month()
        cls.validate_month()

    def test_state_share_invoiced_per_structure_with_annex(self):
        run = self.run_month()
        line = run.line_ids.filtered(lambda line: line.child_id == self.child_b1)
        # 23 days of 7.5 h, all in school weeks: 172.5 h x (8.00 - 6.00) for the family, x 6.00 for the State,
        # and 23 free meals of 4.00 for the State
        self.assertEqual(line.amount_parent, 345.00)
        self.assertEqual(line.amount_subsidy, 1035.00 + 92.00)
        self.assertEqual(line.amount_total, 172.5 * 8.0 + 92.00)
        parent = self.moves_of(self.family_b)
        self.assertEqual(parent.amount_total, 345.00)
        subsidy = run.move_ids.filtered(lambda move: move.childcare_kind == "subsidy")
        self.assertEqual(len(subsidy), 1)
        self.assertEqual(subsidy.partner_id, self.state)
        self.assertEqual(subsidy.childcare_structure_id, self.structure_s2)
        self.assertEqual(subsidy.amount_total, 1127.00)
        self.assertEqual(subsidy.invoice_line_ids.childcare_child_id, self.child_b1)
        annex = self.env["ir.attachment"].search([("res_model", "=", "account.move"), ("res_id", "=", subsidy.id)])
        self.assertEqual(len(annex), 1)
        sheet = openpyxl.load_workbook(io.BytesIO(annex.raw), read_only=True).active
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        self.assertEqual(rows[0][0], self.child_b1.name)
        self.assertEqual(rows[0][5], 1127.00)
        # the PSU side (S1) has no funding body: no subsidy invoice for it
        self.assertFalse(run.move_ids.filtered(lambda m: m.childcare_structure_id == self.structure_s1))

    def moves_of(self, family, month=OCT):
        return self.env["account.move"].search(
            [("childcare_family_id", "=", family.id), ("childcare_period", "=", month)], order="id"
        )
