import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS, ChildcareCase
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the header row of the export (0-based), the first line below it
HEADER_ROW = 5
HEADERS = [
    "Household",
    "Child",
    "Structure",
    "Rate plan",
    "Scheme",
    "Custody share (%)",
    "Days Present",
    "Contracted hours",
    "Attended hours",
    "Billable hours",
    "Billed hours",
    "Hourly Rate",
    "Daily rate",
    "Parent share",
    "Subsidy",
    "Full cost",
    "Last month",
    "Change (amount)",
    "Anomalies",
    "State",
    "Invoice",
]


class RunExportCase(ChildcareCase):
    """A tiny computed run of October 2026: Léa (family A, S1) invoiced, Lars (family B, S2) held back for a
    missing income; the lines are written directly (the computation is tested elsewhere)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_accountant = mail_new_test_user(
            cls.env,
            login="cc_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.plan = cls.env["childcare.rate.plan"].create(
            {
                "name": "Export flat plan",
                "scheme": "flat",
                "flat_unit": "hour",
                "billing_basis": "billable",
                "resident_price": 1.55,
                "non_resident_price": 2.0,
                "structure_line_ids": [
                    Command.create({"structure_id": structure.id, "date_from": "2026-01-01"})
                    for structure in cls.structure_s1 | cls.structure_s2
                ],
            }
        )
        # sudo: the run's state and lines are system fields, written by the computation only
        cls.billing_run = (
            cls.env["childcare.billing.run"]
            .sudo()
            .create(
                {
                    "date_month": date(2026, 10, 1),
                    "structure_ids": [Command.set((cls.structure_s1 | cls.structure_s2).ids)],
                }
            )
        )
        cls.invoice = cls.create_invoice(cls.family_a, 220.88)
        Line = cls.env["childcare.billing.run.line"].sudo()
        cls.line_a1 = Line.create(
            {
                "run_id": cls.billing_run.id,
                "family_id": cls.family_a.id,
                "child_id": cls.child_a1.id,
                "structure_id": cls.structure_s1.id,
                "plan_id": cls.plan.id,
                "custody_share": 100.0,
                "days_present": 18,
                "hours_contracted": 150.0,
                "hours_attended": 142.5,
                "hours_billable": 142.5,
                "hours_billed": 142.5,
                "hourly_rate": 1.55,
                "amount_parent": 220.88,
                "amount_subsidy": 100.12,
                "amount_total": 321.0,
                "previous_amount": 140.0,
                "amount_delta": 80.88,
                "is_big_increase": True,
                "state": "invoiced",
                "move_id": cls.invoice.id,
            }
        )
        cls.line_b1 = Line.create(
            {
                "run_id": cls.billing_run.id,
                "family_id": cls.family_b.id,
                "child_id": cls.child_b1.id,
                "structure_id": cls.structure_s2.id,
                "plan_id": cls.plan.id,
                "custody_share": 50.0,
                "days_present": 0,
                "hours_contracted": 75.0,
                "is_no_attendance": True,
                "is_missing_income": True,
                "state": "blocked",
                "block_reason": "No validated income",
                "quote_details": {"scheme": "be_one", "daily_rate": 11.0},
            }
        )
        cls.billing_run.state = "posted"

    @classmethod
    def create_invoice(cls, family, amount):
        journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        invoice = (
            cls.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": family.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": date(2026, 11, 5),
                    "childcare_family_id": family.id,
                    "childcare_period": date(2026, 10, 1),
                    "childcare_kind": "invoice",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.env.ref("childcare_billing.product_childcare").id,
                                "name": "Care hours",
                                "quantity": 1.0,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def rows(self, content):
        self.assertEqual(content[:2], b"PK")
        return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@tagged("post_install", "-at_install")
class TestRunExport(RunExportCase):
    def test_rows_per_family_and_child(self):
        rows = self.rows(self.billing_run.with_user(self.user_manager)._export_xlsx())
        self.assertEqual(rows[0][:2], ("Billing run", self.billing_run.name))
        self.assertEqual(rows[1][:2], ("Month", "10/2026"))
        self.assertEqual(rows[2][:2], ("State", "Posted"))
        self.assertEqual(list(rows[HEADER_ROW]), HEADERS)
        lea, lars, total = rows[HEADER_ROW + 1 : HEADER_ROW + 4]
        self.assertEqual(
            list(lea),
            [
                "Dupont",
                self.child_a1.name,
                "Crèche Les Lutins",
                "Export flat plan",
                "Flat rate",
                100,
                18,
                150,
                142.5,
                142.5,
                142.5,
                1.55,
                0,
                220.88,
                100.12,
                321,
                140,
                80.88,
                "+50 % on last month",
                "Invoiced",
                self.invoice.name,
            ],
        )
        self.assertNotIn(self.invoice.name, (False, "/"))  # posted: numbered
        # held back: both flags listed, no invoice
        self.assertEqual(lars[:3], ("Janssens", self.child_b1.name, "Maison relais Arc-en-ciel"))
        self.assertEqual(lars[5], 50)
        self.assertEqual(lars[12], 11.0)  # ONE's daily rate, from the engine's explanation
        self.assertEqual(lars[18], "No attendance, Missing income")
        self.assertEqual(lars[19], "Held back")
        self.assertIn(lars[20], (None, ""))
        # totals of the amounts and hours
        self.assertEqual(total[0], "Total")
        self.assertEqual(total[7], 225)  # contracted hours
        self.assertEqual(total[13], 220.88)  # parents
        self.assertEqual(total[14], 100.12)  # subsidies
        self.assertEqual(len(rows), HEADER_ROW + 4)

    def test_accountant_exports_with_names(self):
        """An accountant reads the run (and its households' names) without any Childcare role."""
        self.assertFalse(self.user_accountant.has_group("childcare_base.group_childcare_structure"))
        rows = self.rows(self.billing_run.with_user(self.user_accountant)._export_xlsx())
        self.assertEqual(rows[HEADER_ROW + 1][:3], ("Dupont", self.child_a1.name, "Crèche Les Lutins"))

    def test_export_refused_outside_billing(self):
        for user in (self.user_staff_s1, self.user_employee, self.user_portal_a):
            with self.subTest(user=user.login), mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.billing_run)._export_xlsx()

    def test_export_button(self):
        action = self.billing_run.with_user(self.user_manager).action_export_xlsx()
        self.assertEqual(action["url"], f"/childcare/billing/run/{self.billing_run.id}/xlsx")


@tagged("post_install", "-at_install")
class TestRunExportRoute(HttpCase, RunExportCase):
    def url(self, run=None):
        return f"/childcare/billing/run/{(run or self.billing_run).id}/xlsx"

    def test_download(self):
        self.authenticate(self.user_manager.login, self.user_manager.login)
        response = self.url_open(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], XLSX)
        self.assertIn(".xlsx", response.headers["Content-Disposition"])
        self.assertEqual(self.rows(response.content)[HEADER_ROW + 1][0], "Dupont")

    def test_structure_staff_refused(self):
        self.authenticate(self.user_staff_s1.login, self.user_staff_s1.login)
        with mute_logger("odoo.http", *ACCESS_LOGGERS):
            response = self.url_open(self.url())
        self.assertEqual(response.status_code, 403)
        self.assertNotEqual(response.content[:2], b"PK")

    def test_portal_parent_refused(self):
        self.authenticate(self.user_portal_a.login, self.user_portal_a.login)
        with mute_logger("odoo.http", *ACCESS_LOGGERS):
            response = self.url_open(self.url())
        self.assertEqual(response.status_code, 403)

    def test_other_municipality_not_found(self):
        other = (
            self.env["childcare.billing.run"]
            .sudo()
            .create({"company_id": self.other_company.id, "date_month": date(2026, 10, 1)})
        )
        self.authenticate(self.user_manager.login, self.user_manager.login)
        with mute_logger("odoo.http", *ACCESS_LOGGERS):
            response = self.url_open(self.url(other))
        self.assertIn(response.status_code, (403, 404))

    def test_anonymous_redirected_to_login(self):
        response = self.url_open(self.url(), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
