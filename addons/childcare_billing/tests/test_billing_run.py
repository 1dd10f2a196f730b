from psycopg2 import IntegrityError

from odoo import Command
from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_be
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OCT, BillingCase


@tagged("post_install", "-at_install")
class TestBillingRun(BillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attend_month()
        cls.sheets = cls.validate_month()

    def moves_of(self, family, month=OCT):
        return self.env["account.move"].search(
            [("childcare_family_id", "=", family.id), ("childcare_period", "=", month)], order="id"
        )

    def test_dry_run_then_post_one_explained_invoice_per_family(self):
        run = self.run_month(post=False)
        self.assertEqual(run.state, "computed")
        self.assertEqual((run.progress_done, run.progress_total), (2, 2))
        self.assertFalse(run.move_ids, "a dry-run makes no invoice")
        line_a = run.line_ids.filtered(lambda line: line.child_id == self.child_a1)
        line_b = run.line_ids.filtered(lambda line: line.child_id == self.child_b1)
        # R1 + R4: €1.55/h, 150 h a month
        self.assertEqual(line_a.hourly_rate, 1.55)
        self.assertEqual(line_a.amount_parent, 232.50)
        self.assertEqual(line_a.family_id, self.family_a)
        # 23 days x 7.5 billable hours x €2.00
        self.assertEqual(line_b.hours_billable, 172.5)
        self.assertEqual(line_b.amount_parent, 345.00)
        self.assertFalse((line_a | line_b).filtered("has_anomaly"))

        with trap_jobs() as trap:
            run.action_post()
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "posted")
        invoice_a, invoice_b = self.moves_of(self.family_a), self.moves_of(self.family_b)
        self.assertEqual(len(invoice_a), 1)
        self.assertEqual(len(invoice_b), 1)
        self.assertEqual(invoice_a.partner_id, self.family_a.partner_id)
        self.assertEqual(
            (invoice_a.move_type, invoice_a.state, invoice_a.childcare_kind), ("out_invoice", "posted", "invoice")
        )
        self.assertEqual(invoice_a.amount_total, 232.50)
        self.assertEqual(invoice_b.amount_total, 345.00)
        # the ledger: balanced entries, receivable = the invoice total
        for invoice in invoice_a | invoice_b:
            self.assertAlmostEqual(sum(invoice.line_ids.mapped("debit")), sum(invoice.line_ids.mapped("credit")))
            receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            self.assertAlmostEqual(receivable.balance, invoice.amount_total)
            # Odoo's own Belgian structured communication, valid by Odoo's own validator
            self.assertTrue(is_valid_structured_reference_be(invoice.payment_reference), invoice.payment_reference)
        sections = invoice_a.invoice_line_ids.filtered(lambda line: line.display_type == "line_section")
        self.assertEqual(len(sections), 1)
        self.assertIn(self.child_a1.name, sections.name)
        product_lines = invoice_a.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(product_lines.childcare_child_id, self.child_a1)
        self.assertEqual(set(product_lines.mapped("childcare_hourly_rate")), {1.55})
        self.assertEqual(run.line_ids.mapped("state"), ["invoiced", "invoiced"])
        self.assertEqual(run.amount_parent, 577.50)

    def test_a_posted_month_is_not_billed_twice(self):
        run = self.run_month()
        with self.assertRaisesRegex(UserError, "before posting"):
            run.action_post()
        # the job of a batch run again (a retry after a crash): nothing new
        run._job_post((self.family_a | self.family_b).ids)
        self.assertEqual(len(self.moves_of(self.family_a)), 1)
        self.assertEqual(len(self.moves_of(self.family_b)), 1)
        # a second monthly invoice for the same household and month is refused by the database
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.family_a.partner_id.id,
                    "childcare_family_id": self.family_a.id,
                    "childcare_period": OCT,
                    "childcare_kind": "invoice",
                    "invoice_line_ids": [Command.create({"name": "Again", "quantity": 1, "price_unit": 1.0})],
                }
            ).flush_recordset()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            run.unlink()

    def test_rerun_unchanged_month_bills_nothing(self):
        self.run_month()
        second = self.run_month()
        self.assertTrue(second.is_correction)
        self.assertFalse(second.move_ids)
        self.assertEqual(set(second.line_ids.mapped("state")), {"unchanged"})
        self.assertEqual(len(self.moves_of(self.family_a)), 1)

    def test_correction_gives_exactly_one_credit_note_to_the_affected_family(self):
        self.run_month()
        # A day of B1 turns out to be a sick day with a certificate: S2's month is reopened and validated again.
        sheet_b = self.sheets.filtered(lambda sheet: sheet.structure_id == self.structure_s2)
        sheet_b._reopen("Sick day reported late")
        day = self.Attendance.search([("child_id", "=", self.child_b1.id), ("date", "=", "2025-10-15")])
        day.write({"absence_reason": "sick_certificate", "check_in": False, "check_out": False})
        sheet_b.action_submit()
        sheet_b.action_validate()
        correction_run = self.run_month()
        moves_b = self.moves_of(self.family_b)
        self.assertEqual(len(moves_b), 2)
        credit = moves_b[1]
        self.assertEqual((credit.move_type, credit.childcare_kind), ("out_refund", "correction"))
        self.assertEqual(credit.amount_total, 15.00)  # 7.5 h x €2.00
        self.assertEqual(credit.childcare_run_id, correction_run)
        self.assertEqual(len(self.moves_of(self.family_a)), 1, "family A is not affected: nothing")
        line_a = correction_run.line_ids.filtered(lambda line: line.family_id == self.family_a)
        self.assertEqual(line_a.state, "unchanged")
        self.assertEqual(
            correction_run.line_ids.filtered(lambda line: line.family_id == self.family_b).amount_parent, 330.0
        )
        # the ledger of the month for family B: 345.00 - 15.00
        net = sum(move.amount_total_signed for move in moves_b)
        self.assertAlmostEqual(net, 330.0)

    def test_month_not_validated_is_refused(self):
        sheet_b = self.sheets.filtered(lambda sheet: sheet.structure_id == self.structure_s2)
        sheet_b._reopen("Late corrections")
        run = self.env["childcare.billing.run"].create(
            {"date_month": OCT, "structure_ids": [Command.set((self.structure_s1 | self.structure_s2).ids)]}
        )
        with self.assertRaisesRegex(UserError, self.structure_s2.name):
            run.action_compute()
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.line_ids)

    def test_missing_income_holds_back_that_family_only(self):
        self.env["childcare.family.income"].search(
            [("family_id", "=", self.family_a.id), ("state", "=", "validated")]
        ).action_reset_draft()
        run = self.run_month()
        line_a = run.line_ids.filtered(lambda line: line.family_id == self.family_a)
        self.assertEqual(line_a.state, "blocked")
        self.assertTrue(line_a.is_missing_income)
        self.assertFalse(self.moves_of(self.family_a))
        self.assertEqual(self.moves_of(self.family_b).amount_total, 345.00)

    def test_crash_mid_run_then_resume_gives_the_same_invoices(self):
        self.env["ir.config_parameter"].set_param("childcare_billing.post_batch_size", "1")
        run = self.run_month(post=False)
        with trap_jobs() as trap:
            run.action_post()
            self.assertEqual(len(trap.enqueued_jobs), 2)
            trap.enqueued_jobs[0].perform()  # the first batch commits, then the workers are killed
        self.assertEqual(run.state, "posting")
        self.assertEqual(len(run.move_ids), 1)
        with trap_jobs() as trap:
            run.action_resume()
            self.assertEqual(len(trap.enqueued_jobs), 1, "only the missing batch is queued again")
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "posted")
        self.assertEqual(len(self.moves_of(self.family_a)), 1)
        self.assertEqual(len(self.moves_of(self.family_b)), 1)
        self.assertEqual(sorted(run.move_ids.mapped("amount_total")), [232.50, 345.00])

    def test_quote_api_reproduces_the_reference_cases(self):
        quote = self.plan_psu.quote(
            {"date": "2025-10-01", "monthly_income": 3000, "dependent_children": 2, "weekly_hours": 40}
        )
        self.assertEqual(quote["hourly_rate"], 1.55)
        self.assertEqual(quote["parent_amount"], 232.50)
        self.assertAlmostEqual(sum(line["amount"] for line in quote["lines"] if line["payer"] == "parent"), 232.50)
        # R2: the ceiling of the period (8,500 from 2025-09-01; 7,000 before)
        high = {"monthly_income": 12000, "dependent_children": 1, "weekly_hours": 40}
        self.assertEqual(self.plan_psu.quote({**high, "date": "2025-10-01"})["hourly_rate"], 5.26)
        self.assertEqual(self.plan_psu.quote({**high, "date": "2025-06-01"})["hourly_rate"], 4.33)
        # a period without parameter table: a clear error
        with self.assertRaisesRegex(UserError, "No parameter table"):
            self.plan_psu.quote({**high, "date": "2019-06-01"})


@tagged("post_install", "-at_install")
class TestSharedCustody(BillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A1 lives half of the time with family B: each household pays its custody share with its own income
        link_a = cls.child_a1.family_child_ids
        cls.env.cr.execute("UPDATE childcare_family_child SET custody_share = 50 WHERE id = %s", [link_a.id])
        cls.env.invalidate_all()
        cls.env["childcare.family.child"].create(
            {"family_id": cls.family_b.id, "child_id": cls.child_a1.id, "custody_share": 50}
        )
        cls.attend_month()
        cls.validate_month()

    def test_each_household_pays_its_share_with_its_own_rate(self):
        run = self.run_month()
        lines = run.line_ids.filtered(lambda line: line.child_id == self.child_a1)
        self.assertEqual(len(lines), 2)
        by_family = {line.family_id: line for line in lines}
        # family A: 20 h a week x 45 / 12 = 75 h x 1.55 (3,000, 2 children); family B: 75 h x 2.60 (4,200, 1 child)
        self.assertEqual(by_family[self.family_a].amount_parent, 116.25)
        self.assertEqual(by_family[self.family_b].hourly_rate, 2.60)
        self.assertEqual(by_family[self.family_b].amount_parent, 195.00)
        invoice_b = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_b)
        self.assertEqual(len(invoice_b), 1, "one invoice for family B, a section per child")
        sections = invoice_b.invoice_line_ids.filtered(lambda line: line.display_type == "line_section")
        self.assertEqual(len(sections), 2)
        self.assertEqual(invoice_b.amount_total, 195.00 + 345.00)

    def test_a_household_that_fails_is_recorded_and_the_others_are_billed(self):
        run = self.run_month(post=False)
        self.family_a.sudo().partner_id = False
        with trap_jobs() as trap:
            run.action_post()
            trap.perform_enqueued_jobs()
        self.assertEqual(run.failure_ids.family_id, self.family_a)
        self.assertIn("billing partner", run.failure_ids.reason)
        self.assertEqual(run.move_ids.childcare_family_id, self.family_b)


@tagged("post_install", "-at_install")
class TestStructuredReference(BillingCase):
    """DOMAIN.md R5 and R6 with Odoo's own generator (l10n_be) and validator (account)."""

    def test_r5_r6(self):
        partner = self.env["res.partner"].create({"name": "Ménage R5", "ref": "1234567890"})
        move = self.env["account.move"].new({"move_type": "out_invoice", "partner_id": partner.id})
        self.assertEqual(move._get_invoice_reference_be_partner(), "+++123/4567/89002+++")
        self.assertTrue(is_valid_structured_reference_be("+++123/4567/89002+++"))
        self.assertFalse(is_valid_structured_reference_be("+++000/2024/00182+++"))


@tagged("post_install", "-at_install")
class TestPeriods(BillingCase):
    def test_overlapping_periods_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "one plan at a time"):
            self.plan_flat.structure_line_ids = [
                Command.create({"structure_id": self.structure_s1.id, "date_from": "2025-06-01"})
            ]
        Input = self.env["childcare.child.rate.input"]
        Input.create({"child_id": self.child_b1.id, "date_from": "2025-01-01", "date_to": "2025-06-30"})
        with self.assertRaisesRegex(ValidationError, "already has rate inputs"):
            Input.create({"child_id": self.child_b1.id, "date_from": "2025-06-01"})
        Input.create({"child_id": self.child_b1.id, "date_from": "2025-07-01"})  # the next period is fine
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self.env["childcare.rate.table"].create(
                {"name": "PSU again", "scheme": "fr_psu", "date_from": "2025-10-01"}
            )
