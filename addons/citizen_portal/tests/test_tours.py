"""End-to-end tours of the citizen portal in headless Chromium, each cut in two where municipal staff (or a cron)
act in between, with the records checked in Python after each tour.

- Sign-up → family → child → pre-registration: a new parent signs up on Odoo's own ``/web/signup`` (free
  sign-up), asks for a household from "My family" (created archived); staff activate it and add the child;
  the parent pre-registers the child with ranked choices and a weekly need and reads the application's state.
- Camp cart → payment: a guardian of family A sends one request for two children (Emma and Noah in "Nature
  week", Emma in "Art week" too); the camp invoicing cron invoices it; the guardian opens the request, its
  invoice, pays it with the demo provider and finds the registrations paid on the request's page. The request's
  invoice link (``/my/invoices/<id>``) carries no access token, which Odoo's payment form posts to
  ``/invoice/transaction/<id>`` (a required argument): the tour opens the invoice from that link, then pays it
  from the invoice list, whose links carry the token (``get_portal_url``).

Tours: ``static/tests/tours/citizen_signup_tour.js`` and ``citizen_camp_payment_tour.js``."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .test_application import ApplicationPortalCase
from .test_camp import CampPortalCase

SIGNUP_LOGIN = "camille.martin@example.com"


@tagged("post_install", "-at_install")
class TestTourSignupToPreRegistration(ApplicationPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # free sign-up: Odoo's setting, and the website's (``website`` reads its own when installed)
        cls.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        if "website" in cls.env:
            cls.env["website"].search([]).auth_signup_uninvited = "b2c"

    def test_tour_signup_family_child_pre_registration(self):
        Family = self.env["childcare.family"].with_context(active_test=False)
        self.assertFalse(self.env["res.users"].search([("login", "=", SIGNUP_LOGIN)]))

        # 1. sign-up, My family, register the household
        self.start_tour("/web/signup", "citizen_signup_tour", login=None)
        self.env.invalidate_all()
        user = self.env["res.users"].search([("login", "=", SIGNUP_LOGIN)])
        self.assertEqual(len(user), 1)
        self.assertTrue(user._is_portal(), "a signed-up parent is a portal user")
        self.assertEqual(user.partner_id.name, "Camille Martin")
        family = Family.search([("guardian_ids.partner_id", "=", user.partner_id.id)])
        self.assertEqual(len(family), 1)
        self.assertRecordValues(family, [{"name": "Martin", "active": False, "company_id": self.company.id}])
        self.assertEqual(family.guardian_ids.partner_id, user.partner_id)
        self.assertFalse(family.child_ids)
        # archived: the parent does not see it as theirs yet
        self.assertFalse(self.env["childcare.family"].with_user(user).search([]))

        # 2. municipal staff check it: activate it and add the child (10 months old at the default start)
        start = fields.Date.context_today(user).replace(day=1) + relativedelta(months=2)
        birthdate = start - relativedelta(months=10)
        staff_family = family.with_user(self.user_manager)
        staff_family.action_unarchive()
        child = (
            self.env["childcare.child"]
            .with_user(self.user_manager)
            .create(
                {
                    "first_name": "Jules",
                    "last_name": "Martin",
                    "birthdate": birthdate,
                    "structure_ids": [Command.clear()],
                    "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
                }
            )
            .sudo()
        )
        self.env.invalidate_all()
        self.assertTrue(family.active)
        self.assertEqual(family.child_ids, child)
        self.assertEqual(self.env["childcare.family"].with_user(user).search([]), family)
        self.assertEqual(self.env["childcare.application"].search_count([("child_id", "=", child.id)]), 0)

        # 3. the parent pre-registers the child
        self.start_tour("/my", "citizen_signup_application_tour", login=SIGNUP_LOGIN)
        self.env.invalidate_all()
        application = self.env["childcare.application"].search([("child_id", "=", child.id)])
        self.assertEqual(len(application), 1)
        self.assertRecordValues(
            application,
            [
                {
                    "family_id": family.id,
                    "date_start": start,
                    "state": "submitted",
                    "score": 2.0,
                    "hours_per_week": 13.0,
                }
            ],
        )
        self.assertTrue(application.date_submitted)
        self.assertEqual(
            [(choice.rank, choice.structure_id) for choice in application.choice_ids.sorted("rank")],
            [(1, self.structure_s1), (2, self.structure_s3)],
        )
        self.assertEqual(
            sorted((s.weekday, s.hour_from, s.hour_to) for s in application.schedule_line_ids),
            [("0", 7.5, 16.5), ("3", 8.0, 12.0)],
        )
        seniority = application.point_ids.filtered(lambda p: p.criterion_id == self.crit_seniority)
        self.assertEqual((seniority.value, seniority.points), (1.0, 2.0))
        # the parent reads it under the portal's record rules
        self.assertEqual(self.env["childcare.application"].with_user(user).search([]), application)


@tagged("post_install", "-at_install")
class TestTourCampCartPayment(CampPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", True)
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "company_id": cls.company.id})
        cls.provider.payment_method_ids = [Command.link(cls.env.ref("payment_demo.payment_method_demo").id)]

    def test_tour_camp_cart_two_children_paid_online(self):
        Request = self.env["youth_camps.request"]
        self.assertFalse(Request.search([("family_id", "=", self.family_a.id)]))

        # 1. the cart: Emma and Noah in Nature week, Emma in Art week, one request
        self.start_tour("/my/camps", "citizen_camp_cart_two_children_tour", login=self.user_portal_a.login)
        self.env.invalidate_all()
        camp_request = Request.search([("family_id", "=", self.family_a.id)])
        self.assertEqual(len(camp_request), 1)
        self.assertEqual(camp_request.guardian_partner_id, self.user_portal_a.partner_id)
        registrations = camp_request.registration_ids
        self.assertEqual(
            sorted((r.child_id.name, r.event_id.name, r.camp_state) for r in registrations),
            [
                (self.child_emma.name, "Art week", "validated"),
                (self.child_emma.name, "Nature week", "validated"),
                (self.child_noah.name, "Nature week", "validated"),
            ],
        )
        self.assertFalse(camp_request._camp_moves(("out_invoice",)))

        # 2. the camp invoicing cron: one posted invoice for the three registrations
        Request._cron_camp_invoice()
        self.env.invalidate_all()
        invoice = camp_request._camp_moves(("out_invoice",))
        self.assertEqual(len(invoice), 1)
        self.assertRecordValues(
            invoice,
            [
                {
                    "state": "posted",
                    "payment_state": "not_paid",
                    "partner_id": self.family_a.partner_id.id,
                    "childcare_kind": "camp",
                    "youth_camps_request_id": camp_request.id,
                }
            ],
        )
        self.assertEqual(invoice.invoice_line_ids.youth_camps_registration_id, registrations)
        self.assertGreater(invoice.amount_total, 0.0)
        amount = invoice.amount_total

        # 3. the guardian pays it online from the request's page
        self.start_tour("/my/camp_requests", "citizen_camp_payment_tour", login=self.user_portal_a.login)
        self.env.invalidate_all()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        tx = invoice.transaction_ids.filtered(lambda t: t.state == "done")
        self.assertEqual(len(tx), 1)
        self.assertEqual((tx.provider_id, tx.amount), (self.provider, amount))
        self.assertEqual(set(registrations.mapped("camp_state")), {"paid"})
        # nothing else was invoiced or paid
        self.assertEqual(camp_request._camp_moves(("out_invoice",)), invoice)
        self.assertFalse(camp_request._camp_moves(("out_refund",)))
