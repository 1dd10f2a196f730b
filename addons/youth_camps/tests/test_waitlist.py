from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ACCESS_LOGGERS, CampCase


@tagged("post_install", "-at_install")
class TestCampWaitlist(CampCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.camp.seats_max = 2
        cls.child_lina = cls.make_child(cls.family_b, "Lina", 10, level="p5")
        cls.child_theo = cls.make_child(cls.family_b, "Théo", 11, level="p6")

    def promoted_mails(self, registration):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "event.registration"), ("res_id", "=", registration.id)])
            .filtered(lambda mail: "A seat for" in (mail.subject or ""))
        )

    def fill_camp(self):
        """Emma and Noah take the two seats; Lucas, Lina and Théo wait in that order."""
        seated = self.request(self.family_a, self.child_emma | self.child_noah, self.camp)
        lucas = self.request(self.family_b, self.child_lucas, self.camp)
        lina = self.request(self.family_b, self.child_lina, self.camp)
        theo = self.request(self.family_b, self.child_theo, self.camp)
        return seated, lucas, lina, theo

    def test_waiting_list_order(self):
        seated, lucas, lina, theo = self.fill_camp()
        self.assertEqual(seated.mapped("camp_state"), ["validated", "validated"])
        self.assertRecordValues(
            lucas | lina | theo,
            [
                {"camp_state": "waitlisted", "state": "draft", "waitlist_position": 1, "waitlist_rank": 1},
                {"camp_state": "waitlisted", "state": "draft", "waitlist_position": 2, "waitlist_rank": 2},
                {"camp_state": "waitlisted", "state": "draft", "waitlist_position": 3, "waitlist_rank": 3},
            ],
        )
        self.assertEqual(lucas.request_id.state, "waitlisted")
        self.assertEqual(self.camp.camp_waitlist_count, 3)
        # Odoo's own counts ignore the waiting list
        self.assertEqual(self.camp.seats_taken, 2)
        self.assertEqual(self.camp.seats_available, 0)

    def test_cancellation_promotes_first_in_line(self):
        seated, lucas, lina, theo = self.fill_camp()
        emma = seated.filtered(lambda r: r.child_id == self.child_emma)
        # the other guardian of Emma's family cancels (not the one who registered)
        self.as_user(self.user_portal_a2, emma).action_camp_cancel(reason="Holidays abroad")
        self.env.invalidate_all()
        self.assertRecordValues(
            emma,
            [
                {
                    "camp_state": "cancelled",
                    "state": "cancel",
                    "camp_cancel_reason": "Holidays abroad",
                    "camp_cancel_uid": self.user_portal_a2.id,
                    "camp_cancel_medical": False,
                }
            ],
        )
        deadline = self.camp_today() + timedelta(days=7)
        self.assertRecordValues(
            lucas | lina | theo,
            [
                {"camp_state": "validated", "state": "open", "payment_deadline": deadline, "waitlist_position": 0},
                {"camp_state": "waitlisted", "state": "draft", "payment_deadline": False, "waitlist_position": 2},
                {"camp_state": "waitlisted", "state": "draft", "payment_deadline": False, "waitlist_position": 3},
            ],
        )
        self.assertEqual((lina | theo).mapped("waitlist_rank"), [1, 2])
        mail = self.promoted_mails(lucas)
        self.assertEqual(len(mail), 1)
        self.assertIn("b@example.com", mail.email_to or mail.recipient_ids.mapped("email"))
        self.assertIn(fields.Date.to_string(deadline)[:4], mail.body_html)
        self.assertIn("Nature week", mail.subject)
        self.assertEqual(self.camp.seats_taken, 2)

    def test_cancellation_by_another_family_refused(self):
        seated, lucas, _lina, _theo = self.fill_camp()
        emma = seated.filtered(lambda r: r.child_id == self.child_emma)
        for user, registration in ((self.user_portal_b, emma), (self.user_portal_a, lucas), (self.user_leader, emma)):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, registration).action_camp_cancel(reason="Not mine")
        self.env.invalidate_all()
        self.assertEqual(emma.camp_state, "validated")
        self.assertEqual(lucas.camp_state, "waitlisted")
        self.assertFalse(self.promoted_mails(lucas))
        # a parent cannot claim a medical certificate (organisers check it)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, emma).action_camp_cancel(reason="Ill", medical_certificate=True)
        self.env.invalidate_all()
        self.assertEqual(emma.camp_state, "validated")
        # the organiser records it
        self.as_user(self.user_organiser, emma).action_camp_cancel(reason="Broken arm", medical_certificate=True)
        self.env.invalidate_all()
        self.assertRecordValues(emma, [{"camp_state": "cancelled", "camp_cancel_medical": True}])
        self.assertEqual(emma._camp_refund_rate(), 1.0)
        self.assertEqual(lucas.camp_state, "validated")
        with self.assertRaisesRegex(UserError, "already cancelled"):
            emma.action_camp_cancel()

    def test_cancelling_a_waiting_registration_frees_no_seat(self):
        _seated, lucas, lina, theo = self.fill_camp()
        self.as_user(self.user_portal_b, lina).action_camp_cancel()
        self.env.invalidate_all()
        self.assertEqual(lina.camp_state, "cancelled")
        self.assertEqual((lucas | theo).mapped("camp_state"), ["waitlisted", "waitlisted"])
        self.assertEqual(theo.waitlist_rank, 2)

    def test_expired_payment_deadline_passes_the_seat_on(self):
        seated, lucas, lina, theo = self.fill_camp()
        emma, noah = seated.sorted(lambda r: r.child_id.first_name)
        emma.action_camp_cancel(reason="Moved")
        self.assertEqual(lucas.camp_state, "validated")
        # Noah is paid; Lucas does not pay in time
        noah._camp_mark_paid()
        self.assertRecordValues(noah, [{"camp_state": "paid", "state": "open"}])
        self.env["event.registration"]._cron_camp_waitlist()
        self.assertEqual(lucas.camp_state, "validated", "the deadline has not passed yet")
        lucas.sudo().payment_deadline = self.today - timedelta(days=1)
        self.env["event.registration"]._cron_camp_waitlist()
        self.assertRecordValues(
            lucas | lina | theo | noah,
            [
                {"camp_state": "cancelled", "payment_deadline": lucas.payment_deadline},
                {"camp_state": "validated", "payment_deadline": self.camp_today() + timedelta(days=7)},
                {"camp_state": "waitlisted", "payment_deadline": False},
                {"camp_state": "paid", "payment_deadline": False},
            ],
        )
        self.assertIn("payment deadline", lucas.camp_cancel_reason)
        self.assertEqual(len(self.promoted_mails(lina)), 1)
        self.assertEqual(theo.waitlist_rank, 1)

    def test_cron_fills_seats_freed_outside_the_flow(self):
        _seated, lucas, _lina, _theo = self.fill_camp()
        self.camp.seats_max = 3  # the organiser adds a seat
        self.env["event.registration"]._cron_camp_waitlist()
        self.assertEqual(lucas.camp_state, "validated")

    def test_staff_promotes_when_a_seat_is_free(self):
        _seated, lucas, lina, _theo = self.fill_camp()
        with self.assertRaisesRegex(UserError, "no free seat"):
            self.as_user(self.user_organiser, lina).action_camp_promote()
        self.camp.seats_max = 3
        self.as_user(self.user_organiser, lina).action_camp_promote()
        self.env.invalidate_all()
        self.assertEqual(lina.camp_state, "validated")
        self.assertEqual(lucas.camp_state, "waitlisted")
        # Odoo's own buttons follow the camp flow
        self.camp.seats_max = 4
        lucas.action_confirm()
        self.assertEqual(lucas.camp_state, "validated")
        lucas.action_set_done()
        self.assertRecordValues(lucas, [{"camp_state": "attended", "state": "done"}])
        with self.assertRaisesRegex(UserError, "does not go back to draft"):
            lucas.action_set_draft()

    def test_municipality_defaults_for_new_camps(self):
        """The settings give each new camp of the municipality its refund days and payment delay; a camp
        keeps its own values; impossible values are refused and nothing changes."""
        settings = self.env["res.config.settings"].create(
            {"camp_refund_days_default": 21, "camp_payment_days_default": 3}
        )
        settings.execute()
        self.assertRecordValues(self.company, [{"camp_refund_days_default": 21, "camp_payment_days_default": 3}])
        defaults = self.env["event.event"].default_get(["camp_refund_days", "camp_payment_days"])
        self.assertEqual(defaults, {"camp_refund_days": 21, "camp_payment_days": 3})
        self.assertEqual(self.camp.camp_payment_days, 7, "an existing camp keeps its own delay")
        with self.assertRaises(ValidationError):
            self.company.camp_payment_days_default = 0
        self.assertEqual(self.company.camp_payment_days_default, 3)

    def test_refund_rate(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        emma.action_camp_cancel()
        self.assertEqual(emma._camp_refund_rate(), 1.0)
        soon = self.create_camp("Last-minute camp", self.today + timedelta(days=10))
        noah = self.request(self.family_a, self.child_noah, soon)
        noah.action_camp_cancel()
        self.assertEqual(noah._camp_refund_rate(), 0.0)

    def test_weekly_slots_have_their_own_seats(self):
        first = self.camp_first_day + timedelta(days=21)
        summer = self.create_camp(
            "Summer club",
            first,
            days=12,
            seats=1,
            is_multi_slots=True,
            event_slot_ids=[
                Command.create(
                    {"date": first, "camp_date_end": first + timedelta(days=4), "start_hour": 9.0, "end_hour": 16.0}
                ),
                Command.create(
                    {
                        "date": first + timedelta(days=7),
                        "camp_date_end": first + timedelta(days=11),
                        "start_hour": 9.0,
                        "end_hour": 16.0,
                    }
                ),
            ],
        )
        week1, week2 = summer.event_slot_ids.sorted("date")
        with self.assertRaisesRegex(Exception, "choose the week"):
            self.request(self.family_a, self.child_emma, summer)
        emma1 = self.request(self.family_a, self.child_emma, summer, slot=week1)
        lucas1 = self.request(self.family_b, self.child_lucas, summer, slot=week1)
        lucas2 = self.request(self.family_b, self.child_lucas, summer, slot=week2)
        emma2 = self.request(self.family_a, self.child_emma, summer, slot=week2)
        self.assertEqual(
            (emma1 | lucas1 | lucas2 | emma2).mapped("camp_state"),
            ["validated", "waitlisted", "validated", "waitlisted"],
        )
        self.assertEqual((lucas1 | emma2).mapped("waitlist_position"), [1, 1])
        self.assertEqual(emma1.camp_date_end, first + timedelta(days=4))
        self.assertEqual(week1.seats_taken, 1)
        emma1.action_camp_cancel()
        self.assertEqual(lucas1.camp_state, "validated")
        self.assertEqual(emma2.camp_state, "waitlisted", "week 2 keeps its own seat")

    def test_leaders_and_organisers_see_their_camps_only(self):
        seated, lucas, _lina, _theo = self.fill_camp()
        other_camp = self.create_camp(
            "Explorers",
            self.camp_first_day + timedelta(days=7),
            camp_organiser_id=self.structure_camps_other.id,
            camp_leader_ids=[Command.set(self.user_leader_other.ids)],
        )
        marc = self.make_child(self.family_b, "Marc", 9)
        other = self.request(self.family_b, marc, other_camp)
        Registration = self.env["event.registration"]
        for user, own_camp, own, foreign in (
            (self.user_leader, self.camp, seated | lucas, other),
            (self.user_organiser, self.camp, seated | lucas, other),
            (self.user_leader_other, other_camp, other, seated | lucas),
            (self.user_organiser_other, other_camp, other, seated | lucas),
        ):
            self.env.invalidate_all()
            visible = Registration.with_user(user).search([("event_id", "in", (self.camp | other_camp).ids)])
            self.assertTrue(own <= visible, user.login)
            self.assertFalse(visible & foreign, user.login)
            self.assertEqual(
                self.env["event.event"].with_user(user).search([("id", "in", (self.camp | other_camp).ids)]),
                own_camp,
                user.login,
            )
            self.assertCannotSee(user, foreign, foreign.event_id)
        # a leader marks attendance in his camp only
        self.as_user(self.user_leader, seated[:1]).action_camp_attend()
        self.assertEqual(seated[:1].camp_state, "attended")
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_leader_other, seated[1:]).action_camp_attend()
        # parents see their family's registrations and requests only
        self.env.invalidate_all()
        self.assertEqual(
            Registration.with_user(self.user_portal_a).search([("event_id", "in", (self.camp | other_camp).ids)]),
            seated,
        )
        self.assertFalse(Registration.with_user(self.user_portal_a).search([("family_id", "!=", self.family_a.id)]))
        self.assertEqual(
            self.env["youth_camps.request"].with_user(self.user_portal_a).search([("family_id", "!=", False)]),
            seated.request_id,
        )
        self.assertCannotSee(self.user_portal_a, lucas, lucas.request_id)
        # municipal staff see everything
        self.assertEqual(
            Registration.with_user(self.user_manager).search([("event_id", "in", (self.camp | other_camp).ids)]),
            seated | lucas | _lina | _theo | other,
        )
