from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ACCESS_LOGGERS, CampCase


@tagged("post_install", "-at_install")
class TestCampEligibility(CampCase):
    def counts(self):
        self.env.invalidate_all()
        Registration = self.env["event.registration"].sudo().with_context(active_test=False)
        return (
            Registration.search_count([("is_camp", "=", True)]),
            self.env["youth_camps.request"].sudo().search_count([]),
        )

    def assertRefusedRequest(self, exception, regex, family, children, camp, *, user=None, slot=None):
        """The portal request is refused with ``exception`` matching ``regex``, and nothing is written."""
        before = self.counts()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaisesRegex(exception, regex):
            self.request(family, children, camp, user=user, slot=slot)
        self.assertEqual(self.counts(), before)

    # ------------------------------------------------------------------ accepted
    def test_request_validated_automatically(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        self.assertRecordValues(
            emma,
            [
                {
                    "camp_state": "validated",
                    "state": "open",
                    "child_id": self.child_emma.id,
                    "family_id": self.family_a.id,
                    "guardian_partner_id": self.user_portal_a.partner_id.id,
                    "partner_id": self.user_portal_a.partner_id.id,
                    "name": self.child_emma.name,
                    "email": "a@example.com",
                    "event_ticket_id": self.camp.camp_resident_ticket_id.id,
                    "waitlist_position": 0,
                    "camp_date_begin": self.camp_first_day,
                    "camp_date_end": self.camp_first_day + timedelta(days=4),
                }
            ],
        )
        request = emma.request_id
        self.assertRegex(request.name, r"^CAMP/\d{4}/\d{5}$")
        self.assertRecordValues(
            request,
            [
                {
                    "family_id": self.family_a.id,
                    "guardian_partner_id": self.user_portal_a.partner_id.id,
                    "state": "validated",
                }
            ],
        )
        self.assertEqual(self.camp.seats_taken, 1)
        self.assertEqual(self.camp.seats_available, 19)

    def test_request_several_children_one_request(self):
        registrations = self.request(self.family_a, self.child_emma | self.child_noah, self.camp)
        self.assertEqual(registrations.mapped("camp_state"), ["validated", "validated"])
        self.assertEqual(len(registrations.request_id), 1)
        self.assertEqual(registrations.request_id.registration_count, 2)
        self.assertEqual(registrations.request_id.child_ids, self.child_emma | self.child_noah)

    def test_non_resident_ticket(self):
        lucas = self.request(self.family_b, self.child_lucas, self.camp)
        self.assertEqual(lucas.event_ticket_id, self.camp.camp_non_resident_ticket_id)
        self.assertEqual(lucas.event_ticket_id.price, 150.0)

    def test_age_limits_on_first_day(self):
        # 6 years on the first day exactly: accepted; one day short of 6 years: refused
        six = self.make_child(self.family_a, "Jules", 6, level="p1")
        six.birthdate = self.camp_first_day.replace(year=self.camp_first_day.year - 6)
        self.assertEqual(self.request(self.family_a, six, self.camp).camp_state, "validated")
        young = self.make_child(self.family_a, "Zoé", 6, level="p1")
        young.birthdate = self.camp_first_day.replace(year=self.camp_first_day.year - 6) + timedelta(days=1)
        self.assertRefusedRequest(ValidationError, "5 years and 11 months old", self.family_a, young, self.camp)
        old = self.make_child(self.family_a, "Hugo", 13, level="p6")
        self.assertRefusedRequest(ValidationError, "13 years .*takes children aged 6", self.family_a, old, self.camp)

    def test_school_level_range(self):
        child = self.make_child(self.family_a, "Léon", 7, level="m3")
        self.assertRefusedRequest(ValidationError, "is in M3.*from P1 to P6", self.family_a, child, self.camp)
        child.school_level = "s1"
        self.assertRefusedRequest(ValidationError, "is in S1 and above", self.family_a, child, self.camp)

    def test_medical_sheet_missing_or_expiring(self):
        without = self.make_child(self.family_a, "Sacha", 8, sheet_days=None)
        self.assertRefusedRequest(ValidationError, "medical sheet of .* is missing", self.family_a, without, self.camp)
        # valid today but expiring on the camp's second day
        expiring = self.make_child(self.family_a, "Mila", 8, sheet_days=(self.camp_first_day - self.today).days + 1)
        self.assertRefusedRequest(ValidationError, "expires before the end of camp", self.family_a, expiring, self.camp)

    def test_overlapping_camps(self):
        self.request(self.family_a, self.child_emma, self.camp)
        same_week = self.create_camp("Art week", self.camp_first_day + timedelta(days=2), days=3)
        self.assertRefusedRequest(
            ValidationError, "already registered for Nature week", self.family_a, self.child_emma, same_week
        )
        next_week = self.create_camp("Sport week", self.camp_first_day + timedelta(days=7))
        self.assertEqual(self.request(self.family_a, self.child_emma, next_week).camp_state, "validated")
        # the same camp twice is refused too, and a cancelled registration frees the dates
        self.assertRefusedRequest(ValidationError, "already registered", self.family_a, self.child_emma, self.camp)

    def test_request_before_opening(self):
        self.camp.camp_registration_open = fields.Datetime.now() + timedelta(hours=2)
        self.assertRefusedRequest(
            UserError, "Registrations for Nature week open on", self.family_a, self.child_emma, self.camp
        )
        # organisers may register a child before the opening (a priority case)
        registration = (
            self.env["event.registration"]
            .with_user(self.user_organiser)
            .create({"event_id": self.camp.id, "child_id": self.child_emma.id, "family_id": self.family_a.id})
        )
        self.assertEqual(registration.camp_state, "validated")
        self.assertEqual(registration.guardian_partner_id, self.user_portal_a.partner_id)

    def test_child_of_another_family_refused(self):
        self.assertRefusedRequest(
            AccessError,
            "children of your own family",
            self.family_b,
            self.child_emma,
            self.camp,
            user=self.user_portal_b,
        )
        self.assertRefusedRequest(
            AccessError,
            "children of your own family",
            self.family_a,
            self.child_emma | self.child_lucas,
            self.camp,
        )

    def test_overdue_invoice_waits_for_staff(self):
        account = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.company.id)], limit=1
        )
        # an earlier camp request of family A whose invoice is overdue
        earlier = self.request(
            self.family_a, self.child_noah, self.create_camp("Easter camp", self.today + timedelta(days=20))
        )
        camp_link = (
            {"youth_camps_request_id": earlier.request_id.id}
            if "youth_camps_request_id" in self.env["account.move"]._fields
            else {}
        )
        invoice = self.env["account.move"].create(
            {
                **camp_link,
                "move_type": "out_invoice",
                "partner_id": self.family_a.partner_id.id,
                "childcare_family_id": self.family_a.id,
                "invoice_date": self.today - timedelta(days=45),
                "invoice_date_due": self.today - timedelta(days=15),
                "invoice_line_ids": [
                    Command.create({"name": "Summer camp", "price_unit": 80.0, "account_id": account.id})
                ],
            }
        )
        invoice.action_post()
        emma = self.request(self.family_a, self.child_emma, self.camp)
        self.assertRecordValues(emma, [{"camp_state": "requested", "state": "draft"}])
        self.assertEqual(emma.request_id.state, "requested")
        # a requested registration holds its seat
        self.assertEqual(
            self.env["event.registration"]._camp_seat_view(self.camp, self.env["event.slot"])[self.camp.id, False][
                "holders"
            ],
            1,
        )
        # parents and leaders cannot validate it; the organiser can
        for user in (self.user_portal_a, self.user_leader, self.user_organiser_other):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, emma).action_camp_validate()
        self.env.invalidate_all()
        self.assertEqual(emma.camp_state, "requested")
        self.as_user(self.user_organiser, emma).action_camp_validate()
        self.assertRecordValues(emma, [{"camp_state": "validated", "state": "open"}])
        self.assertEqual(emma.request_id.state, "validated")
        # Lucas' family owes nothing: validated at once
        self.assertEqual(self.request(self.family_b, self.child_lucas, self.camp).camp_state, "validated")

    def test_camp_state_written_only_by_the_flow(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        for user in (self.user_organiser, self.user_leader, self.user_manager):
            for values in (
                {"camp_state": "paid"},
                {"state": "done"},
                {"waitlist_position": 3},
                {"child_id": self.child_noah.id},
            ):
                self.assertRefused(user, emma, values)
        # a leader or a parent cannot create registrations directly (Odoo's rights would let the desk do it)
        for user in (self.user_leader, self.user_portal_a):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.env["event.registration"].with_user(user).create(
                    {"event_id": self.camp.id, "child_id": self.child_noah.id, "family_id": self.family_a.id}
                )
        # an organiser's create cannot choose the state: the flow decides
        noah = (
            self.env["event.registration"]
            .with_user(self.user_organiser)
            .create(
                {
                    "event_id": self.camp.id,
                    "child_id": self.child_noah.id,
                    "camp_state": "paid",
                    "state": "done",
                    "waitlist_position": 7,
                }
            )
        )
        self.assertRecordValues(noah, [{"camp_state": "validated", "state": "open", "waitlist_position": 0}])

    def test_organiser_of_another_structure(self):
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.env["event.registration"].with_user(self.user_organiser_other).create(
                {"event_id": self.camp.id, "child_id": self.child_noah.id, "family_id": self.family_a.id}
            )
        self.assertCannotSee(self.user_organiser_other, self.camp)
        self.assertCannotSee(self.user_leader_other, self.camp)

    def test_confirmation_mail_sent_by_the_cron(self):
        """The seat's transaction does not render mails: Odoo's after-registration mail of a camp is queued for
        the event mail cron, which sends it."""
        self.camp.event_mail_ids = [
            Command.create(
                {
                    "interval_unit": "now",
                    "interval_type": "after_sub",
                    "template_ref": f"mail.template,{self.env.ref('event.event_subscription').id}",
                }
            )
        ]
        cron = self.env.ref("event.event_mail_scheduler")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        emma = self.request(self.family_a, self.child_emma, self.camp)
        self.assertEqual(emma.camp_state, "validated")
        self.assertFalse(self.camp.event_mail_ids.mail_registration_ids)
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before)
        self.env["event.mail"].schedule_communications()
        self.assertEqual(self.camp.event_mail_ids.mail_registration_ids.registration_id, emma)
        mail = self.env["mail.mail"].search([("model", "=", "event.registration"), ("res_id", "=", emma.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn("Nature week", mail.subject)
