"""The opening rush at the ORM level: concurrent transactions in threads against the real database.

Each thread registers its own child through the portal's model method on its own cursor, all released at
once. The camp and the families must be committed for the threads to see them, so this test commits its
fixture in a separate cursor and deletes everything (fixture and what the threads created) at the end.
"""

import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import HttpCase, tagged

from .common import CampCase, CommittedCampCase

THREADS = 12
SEATS = 4


@tagged("post_install", "-at_install")
class TestCampRush(CommittedCampCase):
    THREADS = THREADS
    SEATS = SEATS
    CAMP_VALUES = {
        "camp_age_min_months": 72,
        "camp_age_max_months": 144,
        "camp_registration_open": fields.Datetime.now() - timedelta(minutes=1),
    }

    def _commit_fixture(self, env, fixture):
        """A portal parent per family, guardian of its child, and a valid medical sheet per child."""
        company = env["res.company"].browse(fixture["company"])
        families = env["childcare.family"].browse(fixture["families"])
        users = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"Rush parent {index}",
                        "login": f"rush_{self.tag}_{index}",
                        "email": f"rush_{self.tag}_{index}@example.com",
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "group_ids": [Command.set(env.ref("base.group_portal").ids)],
                    }
                    for index in range(THREADS)
                ]
            )
        )
        for family, user in zip(families, users, strict=True):
            family.guardian_ids = [Command.create({"partner_id": user.partner_id.id, "relationship": "mother"})]
        env["childcare.medical.sheet"].create(
            [
                {"child_id": child_id, "date_valid_until": fixture["today"] + timedelta(days=365)}
                for child_id in fixture["children"]
            ]
        )
        fixture["users"] = users.ids
        fixture["partners"] = users.partner_id.ids

    def test_opening_rush(self):
        fixture = self.fixture
        barrier = threading.Barrier(THREADS)
        results, errors = {}, []

        # Environments are created in this thread (the registry lock is the test runner's) and each one
        # reads once, so every transaction has its snapshot before the rush (as an HTTP request after its
        # authentication): the transactions that wait for the lock cannot see what the others committed.
        cursors = [self.registry.cursor() for _user in fixture["users"]]
        envs = [api.Environment(cr, user_id, {}) for cr, user_id in zip(cursors, fixture["users"], strict=True)]
        for env in envs:
            env.user.partner_id.name  # noqa: B018 - takes the snapshot

        def register(env, child_id):
            try:
                barrier.wait(timeout=30)
                _request, registrations = env["youth_camps.request"]._camp_portal_register([child_id], fixture["camp"])
                results[child_id] = (registrations.id, registrations.camp_state, registrations.waitlist_position)
                env.cr.commit()
            except Exception as error:  # every failure is reported by the assertion below
                env.cr.rollback()
                errors.append(repr(error))
            finally:
                env.cr.close()

        threads = [
            threading.Thread(target=register, args=(env, child_id), name=f"rush-{index}")
            for index, (env, child_id) in enumerate(zip(envs, fixture["children"], strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertEqual(len(results), THREADS)

        # what the threads answered is what the database holds
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            registrations = env["event.registration"].search([("event_id", "=", fixture["camp"])], order="id")
            self.assertEqual(len(registrations), THREADS)
            self.assertEqual({r.child_id.id: (r.id, r.camp_state, r.waitlist_position) for r in registrations}, results)
            seated = registrations.filtered(lambda r: r.camp_state == "validated")
            waiting = registrations.filtered(lambda r: r.camp_state == "waitlisted").sorted("waitlist_position")
            self.assertEqual(len(seated), SEATS)
            self.assertEqual(len(waiting), THREADS - SEATS)
            # arrival order: the seat or the number is written under the lock with the clock time as write_date
            # (the rows themselves are inserted before it): the seats went to the first ones, then 1..n in turn
            self.assertLess(max(seated.mapped("write_date")), min(waiting.mapped("write_date")))
            self.assertEqual(waiting.mapped("waitlist_position"), list(range(1, THREADS - SEATS + 1)))
            self.assertEqual(waiting.sorted("write_date"), waiting)
            self.assertEqual(len(set(registrations.mapped("write_date"))), THREADS)
            camp = env["event.event"].browse(fixture["camp"])
            self.assertEqual(camp.seats_taken, SEATS)
            self.assertEqual(camp.seats_available, 0)
            self.assertEqual(camp.camp_waitlist_count, THREADS - SEATS)

            # a seat freed after the rush goes to number 1 of the waiting list, in another transaction
            seated[:1].action_camp_cancel(reason="Rush test")
            self.assertEqual(waiting[:1].camp_state, "validated")
            self.assertEqual(waiting[1:].mapped("camp_state"), ["waitlisted"] * (THREADS - SEATS - 1))


@tagged("post_install", "-at_install")
class TestCampRegisterRoute(CampCase, HttpCase):
    """The HTTP route the portal and the opening-day benchmark use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.camp.seats_max = 1
        for user in (cls.user_portal_a, cls.user_portal_b):
            user.password = f"{user.login}-secret"

    def register(self, user, **params):
        self.authenticate(user.login, f"{user.login}-secret")
        return self.make_jsonrpc_request("/youth_camps/register", params)

    def test_register_seat_then_waiting_list(self):
        emma = self.register(self.user_portal_a, camp_id=self.camp.id, child_ids=[self.child_emma.id])
        self.assertEqual((emma["state"], emma["position"]), ("validated", 0))
        lucas = self.register(self.user_portal_b, camp_id=self.camp.id, child_ids=self.child_lucas.id)
        self.assertEqual((lucas["state"], lucas["position"]), ("waitlisted", 1))
        registration = self.env["event.registration"].browse(lucas["registrations"][0]["id"])
        self.assertRecordValues(
            registration,
            [{"child_id": self.child_lucas.id, "family_id": self.family_b.id, "camp_state": "waitlisted"}],
        )
        self.assertEqual(registration.request_id.name, lucas["request"])

    def test_refusals_write_nothing(self):
        before = self.env["event.registration"].search_count([("event_id", "=", self.camp.id)])
        # a child of another family
        answer = self.register(self.user_portal_b, camp_id=self.camp.id, child_ids=[self.child_emma.id])
        self.assertIn("children of your own family", answer["error"])
        # a child outside the age range
        young = self.make_child(self.family_a, "Zoé", 4, level="m2")
        answer = self.register(self.user_portal_a, camp_id=self.camp.id, child_ids=[young.id])
        self.assertIn("takes children aged", answer["error"])
        # a camp that does not exist, nonsense ids
        self.assertIn("error", self.register(self.user_portal_a, camp_id=999999, child_ids=[self.child_emma.id]))
        self.assertIn("error", self.register(self.user_portal_a, camp_id="x", child_ids=["y"]))
        self.assertEqual(self.env["event.registration"].search_count([("event_id", "=", self.camp.id)]), before)

    def test_cancel_route(self):
        emma = self.register(self.user_portal_a, camp_id=self.camp.id, child_ids=[self.child_emma.id])
        lucas = self.register(self.user_portal_b, camp_id=self.camp.id, child_ids=[self.child_lucas.id])
        # another family cannot cancel Emma
        answer = self.make_jsonrpc_request("/youth_camps/cancel", {"registration_id": emma["registrations"][0]["id"]})
        self.assertIn("Only a guardian", answer["error"])
        self.authenticate(self.user_portal_a.login, f"{self.user_portal_a.login}-secret")
        answer = self.make_jsonrpc_request(
            "/youth_camps/cancel", {"registration_id": emma["registrations"][0]["id"], "reason": "Flu"}
        )
        self.assertEqual(answer, {"state": "cancelled"})
        self.assertEqual(self.env["event.registration"].browse(lucas["registrations"][0]["id"]).camp_state, "validated")
