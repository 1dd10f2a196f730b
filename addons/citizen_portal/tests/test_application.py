"""Pre-registration and cost simulator on the portal: what a parent files, sees and answers, what another
household gets (404, nothing of the first one), and the simulator's amounts against the fee engine's."""

import base64
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, http
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase

#: a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTTP_LOGGERS = ("odoo.http", "werkzeug", *ACCESS_LOGGERS)


class ApplicationPortalCase(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Criterion = cls.env["childcare.priority.criterion"]
        # the shared and demo criteria are archived: every score is the one the test states
        Criterion.search([]).active = False
        cls.crit_twins = Criterion.create(
            {
                "name": "Twins or multiple birth",
                "code": "PT_TWINS",
                "sequence": 1,
                "apply_mode": "boolean",
                "points": 5,
                "is_proof_required": True,
            }
        )
        cls.crit_seniority = Criterion.create(
            {
                "name": "Years lived in the municipality",
                "code": "PT_SENIORITY",
                "sequence": 2,
                "apply_mode": "scale",
                "points": 2,
                "scale_max": 5,
            }
        )
        cls.crit_disability = Criterion.create(
            {
                "name": "Child with a disability",
                "code": "PT_DISABILITY",
                "sequence": 3,
                "apply_mode": "computed",
                "computed_rule": "disability",
                "points": 15,
                "is_proof_required": True,
            }
        )
        cls.structure_s3 = cls.env["childcare.structure"].create(
            {
                "name": "Mini-crèche Les Abeilles",
                "structure_type": "mini_creche",
                "capacity_ids": [
                    Command.create({"name": "Under three", "age_min_months": 0, "age_max_months": 36, "places": 6})
                ],
            }
        )
        cls.s1_toddlers = cls.structure_s1.capacity_ids.filtered(lambda c: c.age_min_months == 18)
        # "today" of the parent (the portal user's time zone, as the server sees the request)
        cls.today = fields.Date.context_today(cls.env["childcare.application"].with_user(cls.user_portal_a))
        cls.start = cls.today.replace(day=1) + relativedelta(months=2)
        cls.age_at_start = cls.child_a1.age_months_on(cls.start)

    def csrf(self):
        return http.Request.csrf_token(self)

    def form_data(self, **overrides):
        data = {
            "csrf_token": self.csrf(),
            "child_id": self.child_a1.id,
            "date_start": str(self.start),
            "choice_1": self.structure_s3.id,
            "choice_2": self.structure_s1.id,
            "day_0_from": "08:00",
            "day_0_to": "17:30",
            "day_2_from": "08:30",
            "day_2_to": "12:30",
            f"criterion_{self.crit_twins.id}": "1",
            f"criterion_{self.crit_seniority.id}": "3",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def post_application(self, user, files=None, **overrides):
        self.sign_in(user)
        if files is None:
            files = {f"proof_{self.crit_twins.id}": ("acte de naissance.pdf", PDF, "application/pdf")}
        return self.url_open("/my/applications/new", data=self.form_data(**overrides), files=files)

    @staticmethod
    def error_of(response):
        match = re.search(r'o_citizen_application_error" role="alert">([^<]*)<', response.text)
        return match and match.group(1)

    def applications_of(self, child):
        self.env.invalidate_all()
        return self.env["childcare.application"].search([("child_id", "=", child.id)])

    def submit_as(self, user, child, structures):
        """An application filed through the model method as ``user`` (what the form calls)."""
        self.env.invalidate_all()
        return (
            self.env["childcare.application"]
            .with_user(user)
            .portal_submit(
                {
                    "child_id": child.id,
                    "date_start": self.start,
                    "structure_ids": structures.ids,
                    "schedule": [{"weekday": "1", "hour_from": 8.0, "hour_to": 16.0}],
                }
            )
            .sudo()
        )


@tagged("post_install", "-at_install")
class TestPortalApplication(ApplicationPortalCase):
    # ------------------------------------------------------------------ filing
    def test_form_offers_the_structures_taking_the_child_at_the_start(self):
        response = self.get_page(f"/my/applications/new?child_id={self.child_a1.id}", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertGreaterEqual(self.age_at_start, 18)
        self.assertLessEqual(self.age_at_start, 35)
        self.assertIn(f"{self.age_at_start} months old", response.text)
        self.assertIn("Mini-crèche Les Abeilles", response.text)
        self.assertIn("Crèche Les Lutins", response.text)
        self.assertNotIn("Maison relais Arc-en-ciel", response.text, "S2 takes children from 36 months")
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn("Twins or multiple birth", response.text)
        self.assertIn(f'for="citizen_proof_{self.crit_twins.id}"', response.text)

    def test_submit_creates_the_ranked_application(self):
        response = self.post_application(self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        application = self.applications_of(self.child_a1)
        self.assertEqual(len(application), 1)
        self.assertTrue(response.url.endswith(f"/my/applications/{application.id}?submitted=1"), response.url)
        self.assertIn(application.name, response.text)
        self.assertIn("Your application was submitted.", response.text)
        self.assertEqual(application.state, "submitted")
        self.assertTrue(application.date_submitted)
        self.assertEqual(application.family_id, self.family_a)
        self.assertEqual(application.date_start, self.start)
        self.assertEqual(
            [(c.rank, c.structure_id, c.capacity_id) for c in application.choice_ids.sorted("rank")],
            [
                (1, self.structure_s3, self.structure_s3.capacity_ids),
                (2, self.structure_s1, self.s1_toddlers),
            ],
        )
        self.assertEqual(application.first_choice_id, self.structure_s3)
        self.assertEqual(
            [(s.weekday, s.hour_from, s.hour_to) for s in application.schedule_line_ids.sorted("weekday")],
            [("0", 8.0, 17.5), ("2", 8.5, 12.5)],
        )
        self.assertEqual(application.hours_per_week, 13.5)
        self.assertEqual(application.need_days_per_week, 2)
        points = {p.criterion_id: (p.is_met, p.value, p.points) for p in application.point_ids}
        self.assertEqual(points[self.crit_twins], (True, 0.0, 5.0))
        self.assertEqual(points[self.crit_seniority], (True, 3.0, 6.0))
        self.assertEqual(points[self.crit_disability], (False, 0.0, 0.0))
        self.assertFalse(application.has_disability)
        self.assertEqual(application.score, 11.0)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "childcare.application"), ("res_id", "=", application.id)]
        )
        self.assertEqual(attachment.mapped("name"), ["acte de naissance.pdf"])
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.raw, PDF)
        self.assertEqual(attachment.description, "Twins or multiple birth")
        # the points breakdown and the ranked choices on the application's page
        page = self.url_open(f"/my/applications/{application.id}").text
        self.assertIn("Mini-crèche Les Abeilles", page)
        self.assertIn("Years lived in the municipality", page)
        self.assertRegex(page, r'o_citizen_score">\s*11\.0')

    def test_disability_answer_with_its_proof(self):
        files = {
            f"proof_{self.crit_twins.id}": ("twins.pdf", PDF, "application/pdf"),
            f"proof_{self.crit_disability.id}": ("certificate.png", PNG, "image/png"),
        }
        response = self.post_application(self.user_portal_a, files=files, has_disability="1")
        self.assertNotIn("o_citizen_application_error", response.text, self.error_of(response))
        application = self.applications_of(self.child_a1)
        self.assertTrue(application.has_disability)
        self.assertEqual(application.point_ids.filtered(lambda p: p.criterion_id == self.crit_disability).points, 15)
        self.assertEqual(application.score, 26.0)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "childcare.application"), ("res_id", "=", application.id)], order="id"
        )
        self.assertEqual(attachments.mapped("name"), ["twins.pdf", "certificate.png"])

    def test_structure_not_eligible_for_the_age_is_refused(self):
        # one eligible choice and one not: the portal names the one that does not take the child
        response = self.post_application(self.user_portal_a, choice_2=self.structure_s2.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.error_of(response),
            f"Maison relais Arc-en-ciel does not take children of {self.age_at_start} months: Léa DUPONT will be "
            f"that age on {self.start}. Choose among the structures offered for that date.",
        )
        self.assertIn('value="08:00"', response.text, "the form is shown again with the values entered")
        self.assertIn('value="17:30"', response.text)
        self.assertFalse(self.applications_of(self.child_a1))
        # no eligible choice at all: childcare_enrollment's own rule answers
        response = self.post_application(self.user_portal_a, choice_1=self.structure_s2.id, choice_2=None)
        self.assertIn("none of the chosen structures (Maison relais Arc-en-ciel) takes children", response.text)
        self.assertFalse(self.applications_of(self.child_a1))
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", "childcare.application"), ("name", "like", "acte")])
        )

    def test_bad_input_is_refused_and_nothing_written(self):
        yesterday = str(self.today - timedelta(days=2))  # in every time zone
        cases = [
            ({"choice_1": "", "choice_2": ""}, None, "Choose at least one structure."),
            ({"choice_2": str(self.structure_s3.id)}, None, "Each structure can be chosen only once"),
            ({"date_start": yesterday}, None, "lies in the past"),
            ({"day_0_from": "18:00"}, None, "the child arrives before leaving"),
            ({"day_0_from": "", "day_0_to": "", "day_2_from": "", "day_2_to": ""}, None, "at least one day"),
            ({f"criterion_{self.crit_seniority.id}": "-2"}, None, "cannot be negative"),
            ({}, {}, "Twins or multiple birth: upload the document that proves it."),
            ({}, {f"proof_{self.crit_twins.id}": ("x.pdf", b"<html>no</html>", "application/pdf")}, "Only PDF"),
        ]
        for overrides, files, message in cases:
            with self.subTest(message=message), mute_logger("odoo.http"):
                response = self.post_application(self.user_portal_a, files=files, **overrides)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_citizen_application_error", response.text)
                self.assertFalse(self.applications_of(self.child_a1))

    def test_duplicate_application_is_refused(self):
        first = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.assertEqual(first.state, "submitted")
        response = self.post_application(self.user_portal_a)
        self.assertIn("already has an application", response.text)
        self.assertIn(first.name, response.text)
        self.assertEqual(self.applications_of(self.child_a1), first)

    def test_list_and_counter(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        response = self.get_page("/my/applications", self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertIn(application.name, response.text)
        self.assertIn(f"/my/applications/new?child_id={self.child_a1.id}", response.text)
        counters = self.url_open("/my/counters", json={"params": {"counters": ["citizen_application_count"]}}).json()
        self.assertEqual(counters["result"]["citizen_application_count"], 1)
        self.assertIn("/my/applications", self.url_open("/my").text)
        # family B's guardian: none of it
        response = self.get_page("/my/applications", self.user_portal_b)
        self.assertNotIn(application.name, response.text)
        self.assertNotIn("Léa", response.text)
        counters = self.url_open("/my/counters", json={"params": {"counters": ["citizen_application_count"]}}).json()
        self.assertEqual(counters["result"]["citizen_application_count"], 0)

    # ------------------------------------------------------------------ another household
    def test_other_family_gets_404_and_nothing(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.sign_in(self.user_portal_b)
        with mute_logger(*HTTP_LOGGERS):
            for url in (
                f"/my/applications/{application.id}",
                f"/my/applications/new?child_id={self.child_a1.id}",
                "/my/applications/999999999",
            ):
                with self.subTest(url=url):
                    response = self.url_open(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(application.name, response.text)
                    self.assertNotIn("Léa", response.text)
            response = self.url_open(
                "/my/applications/new", data=self.form_data(child_id=self.child_a1.id, date_start=str(self.start))
            )
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Léa", response.text)
        self.assertEqual(self.applications_of(self.child_a1), application)

    def test_model_method_refuses_another_household_child(self):
        Application = self.as_user(self.user_portal_b, self.env["childcare.application"])
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            Application.with_context(default_state="enrolled").portal_submit(
                {
                    "child_id": self.child_a1.id,
                    "date_start": self.start,
                    "structure_ids": self.structure_s1.ids,
                    "schedule": [{"weekday": "0", "hour_from": 8, "hour_to": 17}],
                }
            )
        self.assertFalse(self.applications_of(self.child_a1))

    def test_model_method_checks_what_an_rpc_caller_sends(self):
        """What the form cannot send but a JSON-RPC caller can: refused with a message, nothing written."""
        Application = self.as_user(self.user_portal_a, self.env["childcare.application"])
        base = {
            "child_id": self.child_a1.id,
            "date_start": self.start,
            "structure_ids": self.structure_s1.ids,
            "schedule": [{"weekday": "0", "hour_from": 8, "hour_to": 17}],
        }
        camp = self.env["childcare.structure"].create(
            {
                "name": "Camp organiser",
                "structure_type": "camp_organiser",
                "capacity_ids": [Command.create({"name": "All", "age_min_months": 0, "age_max_months": 200})],
            }
        )
        other_company = self.env["childcare.structure"].create(
            {
                "name": "Elsewhere",
                "company_id": self.other_company.id,
                "capacity_ids": [Command.create({"name": "All", "age_min_months": 0, "age_max_months": 200})],
            }
        )
        cases = [
            ({"structure_ids": camp.ids}, "does not take pre-registrations"),
            ({"structure_ids": other_company.ids}, "does not take pre-registrations"),
            ({"structure_ids": "1,2"}, "could not be read"),
            ({"schedule": [{"weekday": "9", "hour_from": 8, "hour_to": 9}]}, "each weekday once"),
            ({"schedule": [{"weekday": "0", "hour_from": 8, "hour_to": 25}]}, "within the day"),
            ({"answers": {str(self.crit_disability.id): {"is_met": True}}}, "Answer only the priority criteria"),
            (
                {"documents": [{"criterion_id": self.crit_twins.id, "name": "x.pdf", "datas": "bm90IGEgcGRm"}]},
                "only PDF, JPEG and PNG",
            ),
            (
                {"answers": {self.crit_twins.id: {"is_met": True}}},
                "Twins or multiple birth: upload the document that proves it.",
            ),
            ({"has_disability": True}, "Child with a disability: upload the document that proves it."),
        ]
        for overrides, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                Application.portal_submit({**base, **overrides})
        self.assertFalse(self.applications_of(self.child_a1))

    def test_caller_context_does_not_reach_the_records(self):
        self.env.invalidate_all()
        application = (
            self.env["childcare.application"]
            .with_user(self.user_portal_a)
            .with_context(default_state="enrolled", default_score=99, default_note="<p>x</p>")
            .portal_submit(
                {
                    "child_id": self.child_a1.id,
                    "date_start": self.start,
                    "structure_ids": self.structure_s1.ids,
                    "schedule": [{"weekday": "0", "hour_from": 8, "hour_to": 17}],
                }
            )
            .sudo()
        )
        self.assertEqual(application.state, "submitted")
        self.assertEqual(application.score, 0.0)
        self.assertFalse(application.note)

    # ------------------------------------------------------------------ offers
    def offer(self, application, deadline=None):
        application._make_offer(self.structure_s1, self.s1_toddlers, deadline or self.today + timedelta(days=7))
        self.env.flush_all()

    def test_accept_offer_by_the_guardian(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application)
        response = self.get_page(f"/my/applications/{application.id}", self.user_portal_a)
        self.assertIn("o_citizen_accept_offer", response.text)
        self.assertIn("Crèche Les Lutins", response.text)
        response = self.url_open(f"/my/applications/{application.id}/accept", data={"csrf_token": self.csrf()})
        self.assertEqual(response.status_code, 200)
        self.assertIn("You accepted the place", response.text)
        self.env.invalidate_all()
        self.assertEqual(application.state, "accepted")
        self.assertEqual(application.enrollment_id.structure_id, self.structure_s1)
        self.assertEqual(application.enrollment_id.child_id, self.child_a1)

    def test_decline_offer_by_the_guardian(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application)
        self.sign_in(self.user_portal_a)
        response = self.url_open(f"/my/applications/{application.id}/decline", data={"csrf_token": self.csrf()})
        self.assertEqual(response.status_code, 200)
        self.assertIn("You declined the place.", response.text)
        self.env.invalidate_all()
        self.assertEqual(application.state, "declined")
        self.assertFalse(application.enrollment_id)

    def test_expired_offer_cannot_be_accepted(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application, deadline=self.today - timedelta(days=2))
        self.sign_in(self.user_portal_a)
        page = self.url_open(f"/my/applications/{application.id}").text
        self.assertNotIn("o_citizen_accept_offer", page)
        response = self.url_open(f"/my/applications/{application.id}/accept", data={"csrf_token": self.csrf()})
        self.assertIn("it can no longer be accepted", response.text)
        self.env.invalidate_all()
        self.assertEqual(application.state, "offered")

    def test_offer_refused_to_another_household(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application)
        self.sign_in(self.user_portal_b)
        with mute_logger(*HTTP_LOGGERS):
            for action in ("accept", "decline"):
                response = self.url_open(
                    f"/my/applications/{application.id}/{action}", data={"csrf_token": self.csrf()}
                )
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(application.name, response.text)
        for method in ("portal_accept_offer", "portal_decline_offer", "action_accept_offer", "action_decline_offer"):
            with self.subTest(method=method), mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                getattr(self.as_user(self.user_portal_b, application), method)()
        # the staff transitions stay staff-only, also for the family's own guardian
        for method in ("action_accept_offer", "action_decline_offer"):
            with self.subTest(method=method), mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                getattr(self.as_user(self.user_portal_a, application), method)()
        self.env.invalidate_all()
        self.assertEqual(application.state, "offered")
        self.assertFalse(application.enrollment_id)

    # ------------------------------------------------------------------ in the browser
    def test_tour_pre_registration(self):
        self.start_tour("/my/applications", "citizen_application_tour", login=self.login_a)
        application = self.applications_of(self.child_a1)
        self.assertEqual(application.state, "submitted")
        self.assertEqual(application.choice_ids.sorted("rank").structure_id, self.structure_s3 | self.structure_s1)
        self.assertEqual(
            [(s.weekday, s.hour_from, s.hour_to) for s in application.schedule_line_ids], [("0", 8.0, 17.0)]
        )
        self.assertEqual(application.score, 4.0)

    def test_tour_offer_accept(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application)
        self.start_tour(f"/my/applications/{application.id}", "citizen_application_offer_tour", login=self.login_a)
        self.env.invalidate_all()
        self.assertEqual(application.state, "accepted")
        self.assertEqual(application.enrollment_id.structure_id, self.structure_s1)

    def test_post_without_csrf_is_refused(self):
        application = self.submit_as(self.user_portal_a, self.child_a1, self.structure_s1)
        self.offer(application)
        self.sign_in(self.user_portal_a)
        with mute_logger(*HTTP_LOGGERS):
            response = self.url_open(f"/my/applications/{application.id}/accept", data={"csrf_token": "forged"})
        self.assertEqual(response.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(application.state, "offered")


@tagged("post_install", "-at_install")
class TestPortalSimulator(ApplicationPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_flat = cls.env["childcare.rate.plan"].create(
            {
                "name": "Crèche hourly rate (test)",
                "scheme": "flat",
                "billing_basis": "attended",
                "flat_unit": "hour",
                "resident_price": 3.20,
                "non_resident_price": 4.10,
                "weeks_per_year": 45,
                "billed_months": 12,
                "structure_line_ids": [
                    Command.create({"structure_id": cls.structure_s1.id, "date_from": "2025-01-01"})
                ],
            }
        )

    def simulate(self, user=None, **params):
        if user:
            self.sign_in(user)
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"/my/simulator?{query}")

    @staticmethod
    def amount(text, payer):
        match = re.search(rf'data-amount-{payer}="([0-9.-]+)"', text)
        return match and float(match.group(1))

    def test_simulator_amounts_are_the_quote(self):
        hours = {"hours_0": "9", "hours_1": "9", "hours_2": "4", "hours_3": "9", "hours_4": "9"}
        response = self.simulate(
            structure_id=self.structure_s1.id, income="3000", children="2", is_resident="1", **hours
        )
        self.assertEqual(response.status_code, 200)
        expected = self.plan_flat.quote(
            {
                "date": self.today,
                "monthly_income": 3000.0,
                "dependent_children": 2,
                "is_resident": True,
                "sibling_rank": 1,
                "disabled_children": 0,
                "weekly_hours": 40.0,
                "extra_hours": 0.0,
                "hours": 150.0,  # 40 h a week x 45 weeks / 12 months
                "days_full": 15,
                "days_half": 4,
            }
        )
        self.assertEqual(expected["parent_amount"], 480.0)  # 150 h x €3.20
        self.assertEqual(self.amount(response.text, "parent"), expected["parent_amount"])
        self.assertEqual(self.amount(response.text, "subsidy"), expected["subsidy_amount"])
        self.assertEqual(self.amount(response.text, "total"), expected["total_amount"])
        self.assertEqual(
            [float(a) for a in re.findall(r'o_citizen_simulator_line" data-amount="([0-9.-]+)"', response.text)],
            [line["amount"] for line in expected["lines"]],
        )
        self.assertEqual(expected["hourly_rate"], 3.2)
        self.assertIn("Hourly rate", response.text)
        # not a resident: the other price of the same plan
        response = self.simulate(structure_id=self.structure_s1.id, income="3000", children="2", **hours)
        self.assertEqual(self.amount(response.text, "parent"), 615.0)  # 150 h x €4.10

    def test_simulator_income_grid_plan(self):
        """The demo's ONE plan (daily rate from the income grid, half days under 5 hours)."""
        plan = self.env.ref("childcare_billing.rate_plan_be_one")
        self.env["childcare.rate.plan.structure"].create(
            {"plan_id": plan.id, "structure_id": self.structure_s3.id, "date_from": "2025-01-01"}
        )
        hours = {"hours_0": "9", "hours_1": "9", "hours_2": "9", "hours_3": "9", "hours_4": "4"}
        response = self.simulate(
            self.user_portal_a, structure_id=self.structure_s3.id, income="2400", children="1", **hours
        )
        weeks = plan.weeks_per_year / plan.billed_months
        expected = plan.quote(
            {
                "date": self.today,
                "monthly_income": 2400.0,
                "dependent_children": 1,
                "disabled_children": 0,
                "is_resident": False,
                "sibling_rank": 1,
                "weekly_hours": 40.0,
                "extra_hours": 0.0,
                "hours": round(40.0 * weeks, 2),
                "days_full": int(Decimal(4 * weeks).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                "days_half": int(Decimal(1 * weeks).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            }
        )
        self.assertGreater(expected["parent_amount"], 0)
        self.assertEqual(self.amount(response.text, "parent"), expected["parent_amount"])
        self.assertEqual(self.amount(response.text, "subsidy"), expected["subsidy_amount"])
        self.assertEqual(self.amount(response.text, "total"), expected["total_amount"])
        self.assertIn("Daily rate", response.text)

    def test_simulator_prefilled_for_a_signed_in_parent(self):
        response = self.simulate(self.user_portal_a)
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.text, r'id="citizen_sim_income"[^>]*value="3000.00"')
        self.assertRegex(response.text, r'id="citizen_sim_children"[^>]*value="2"')
        self.assertIn("Crèche Les Lutins — Crèche hourly rate (test)", response.text)
        self.assertIsNone(self.amount(response.text, "parent"))

    def test_simulator_bad_input(self):
        base = {"structure_id": self.structure_s1.id, "income": "2000", "children": "1", "hours_0": "8"}
        cases = [
            ({"income": "-5"}, "The declared monthly income is a positive amount"),
            ({"income": "abc"}, "The declared monthly income is a positive amount"),
            ({"children": "0"}, "The number of children lies between 1 and 20."),
            ({"hours_1": "25"}, "Tuesday: the hours of care lie between 0 and 24."),
            ({"hours_0": "0"}, "Give the hours of care of at least one day of the week."),
            ({"structure_id": "999999"}, "Choose a structure from the list."),
            ({"structure_id": self.structure_s2.id}, "Choose a structure from the list."),
        ]
        for overrides, message in cases:
            with self.subTest(message=message):
                response = self.simulate(**{**base, **overrides})
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_citizen_simulator_error", response.text)
                self.assertIsNone(self.amount(response.text, "parent"))
