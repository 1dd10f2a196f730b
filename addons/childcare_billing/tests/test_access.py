from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingCase


@tagged("post_install", "-at_install")
class TestBillingAccess(BillingCase):
    """Accountants read every invoice and run; structure staff never see invoices or runs; a parent reads
    the invoices of their own household only. Cold cache, as the server sees an RPC call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attend_month()
        cls.validate_month()
        cls.accountant = mail_new_test_user(
            cls.env, login="cc_accountant", groups="base.group_user,account.group_account_invoice"
        )

    def test_who_reads_the_invoices(self):
        run = self.run_month()
        invoice_a = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_a)
        invoice_b = run.move_ids.filtered(lambda move: move.childcare_family_id == self.family_b)
        # the accountant: every invoice and the run with its lines
        self.env.invalidate_all()
        Move = self.env["account.move"].with_user(self.accountant)
        self.assertEqual(Move.search([("childcare_run_id", "=", run.id)]), invoice_a | invoice_b)
        self.assertEqual(run.with_user(self.accountant).line_ids.mapped("amount_parent"), [232.50, 345.00])
        # structure staff: no invoice, no run, even of their own structure
        for staff in (self.user_staff_s1, self.user_staff_s2):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(staff, invoice_a).read(["amount_total"])
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(staff, run).read(["state"])
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(staff, run).action_compute()
        # parents: their own household's invoice, not the other's
        parent_a = self.as_user(self.user_portal_a, self.env["account.move"])
        self.assertEqual(parent_a.search([("childcare_period", "!=", False)]), invoice_a)
        self.assertEqual(self.as_user(self.user_portal_a, invoice_a).read(["amount_total"])[0]["amount_total"], 232.50)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, invoice_b).read(["amount_total"])
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, invoice_a).read(["amount_total"])
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, invoice_a).write({"ref": "paid"})

    def test_only_billing_roles_drive_a_run(self):
        run = self.env["childcare.billing.run"].create({"date_month": "2025-10-01"})
        employee = mail_new_test_user(self.env, login="cc_plain", groups="base.group_user")
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(employee, run).action_compute()
        # a state is never written directly, whoever asks
        for user in (self.user_manager, self.accountant):
            self.assertRefused(user, run, {"state": "posted"})
        self.assertEqual(run.state, "draft")
