"""Reminders of the camps on Odoo's event mail schedules: default schedules and their dates, and who Odoo's
scheduler mails (time frozen with odoo.tests.freeze_time, as Odoo's own event mail tests do)."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, freeze_time, tagged

from .common import CampCase

INFO = "youth_camps.mail_template_camp_reminder_info"
PAYMENT = "youth_camps.mail_template_camp_reminder_payment"
MEDICAL = "youth_camps.mail_template_camp_reminder_medical_sheet"


@tagged("post_install", "-at_install")
class TestCampReminders(CampCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.user_portal_b.partner_id.lang = "fr_FR"
        cls.env.company.email = "stages@seneffe.example.com"
        # the schedules of the other events (demo data) stay out of the scheduler runs of these tests, as in
        # Odoo's own event mail tests
        cls.env["event.mail"].search([]).unlink()
        cls.venue = cls.env["res.partner"].create(
            {"name": "Hall omnisports", "street": "Rue de la Station 1", "zip": "7180", "city": "Seneffe"}
        )
        # a camp created as staff do: no schedule given, the camp gets its reminders by default
        cls.first_day = cls.camp_first_day + timedelta(days=7)
        cls.rcamp = cls.new_camp("Art week", cls.first_day, seats=2)
        cls.route = cls.env["youth_camps.bus.route"].create(
            {
                "name": "North loop",
                "vehicle_capacity": 10,
                "camp_ids": [Command.set(cls.rcamp.ids)],
                "stop_ids": [Command.create({"name": "Church square", "pickup_time": 8.25, "dropoff_time": 16.5})],
            }
        )

    @classmethod
    def new_camp(cls, name, first_day, seats=20, **values):
        """A camp as the camp form creates it: without mail schedules in the values."""
        camp = cls.env["event.event"].create(
            {
                "name": name,
                "is_camp": True,
                "date_tz": "Europe/Brussels",
                "date_begin": cls.brussels_to_utc(first_day, 9),
                "date_end": cls.brussels_to_utc(first_day + timedelta(days=4), 16),
                "seats_limited": True,
                "seats_max": seats,
                "address_id": cls.venue.id,
                "camp_organiser_id": cls.structure_camps.id,
                "camp_age_min_months": 72,
                "camp_age_max_months": 144,
                "camp_school_level_min": "p1",
                "camp_school_level_max": "p6",
                "camp_registration_open": fields.Datetime.now() - timedelta(days=1),
                "camp_has_early_care": True,
                "camp_bus_service": True,
                "camp_leader_ids": [Command.set(cls.user_leader.ids)],
                "event_ticket_ids": [
                    Command.create({"name": "Resident", "product_id": cls.product_resident.id, "price": 100.0}),
                    Command.create({"name": "Non-resident", "product_id": cls.product_non_resident.id, "price": 150.0}),
                ],
                **values,
            }
        )
        tickets = camp.event_ticket_ids.sorted("price")
        camp.write({"camp_resident_ticket_id": tickets[0].id, "camp_non_resident_ticket_id": tickets[1].id})
        return camp

    # ------------------------------------------------------------------ helpers
    def scheduler(self, camp, template_xmlid, days):
        template = self.env.ref(template_xmlid)
        found = camp.event_mail_ids.filtered(lambda m: m.template_ref == template and m.interval_nbr == days)
        self.assertEqual(len(found), 1, f"one schedule {template_xmlid} {days} days before")
        return found

    def run_scheduler(self, when):
        """Run Odoo's event mail cron method at ``when`` (UTC); return the mails it queued."""
        before = self.env["mail.mail"].search([]).ids
        with freeze_time(when):
            self.env["event.mail"].schedule_communications()
        self.env.flush_all()
        return self.env["mail.mail"].search([("id", "not in", before)])

    def mails_of(self, mails, template_xmlid):
        """{registration: mail} of the mails of ``template_xmlid`` among ``mails``."""
        template = self.env.ref(template_xmlid)
        subject_start = {
            INFO: "practical information",
            PAYMENT: "is not paid yet",
            MEDICAL: "please update the medical sheet",
        }[template_xmlid]
        self.assertTrue(template)
        result = {}
        for mail in mails.filtered(lambda m: m.model == "event.registration" and subject_start in (m.subject or "")):
            registration = self.env["event.registration"].browse(mail.res_id)
            self.assertNotIn(registration, result, "one mail per registration")
            result[registration] = mail
        return result

    def recipients(self, mail):
        return (
            mail.recipient_ids | self.env["res.partner"].search([("email", "=", mail.email_to)])
            if (mail.email_to)
            else mail.recipient_ids
        )

    # ------------------------------------------------------------------ the schedules
    def test_default_schedules_and_dates(self):
        camp = self.rcamp
        self.assertEqual(
            sorted(
                (m.camp_reminder_type, m.interval_nbr, m.interval_unit, m.interval_type) for m in camp.event_mail_ids
            ),
            [
                ("camp_info", 1, "days", "before_event"),
                ("camp_info", 7, "days", "before_event"),
                ("medical_sheet", 21, "days", "before_event"),
                ("payment", 10, "days", "before_event"),
            ],
        )
        begin = camp.date_begin
        self.assertEqual(self.scheduler(camp, INFO, 7).scheduled_date, begin - timedelta(days=7))
        self.assertEqual(self.scheduler(camp, INFO, 1).scheduled_date, begin - timedelta(days=1))
        self.assertEqual(self.scheduler(camp, PAYMENT, 10).scheduled_date, begin - timedelta(days=10))
        self.assertEqual(self.scheduler(camp, MEDICAL, 21).scheduled_date, begin - timedelta(days=21))
        self.assertEqual(begin, self.brussels_to_utc(self.first_day, 9))
        self.assertTrue(all(m.mail_state == "scheduled" for m in camp.event_mail_ids))

        # each interval is set per camp: 3 days instead of 7 for this camp only
        self.scheduler(camp, INFO, 7).interval_nbr = 3
        self.assertEqual(self.scheduler(camp, INFO, 3).scheduled_date, begin - timedelta(days=3))
        other = self.new_camp("Sport week", self.first_day + timedelta(days=7))
        self.assertEqual(self.scheduler(other, INFO, 7).scheduled_date, other.date_begin - timedelta(days=7))
        # moving the camp moves its reminders
        camp.write({"date_begin": begin + timedelta(days=1), "date_end": camp.date_end + timedelta(days=1)})
        self.assertEqual(self.scheduler(camp, PAYMENT, 10).scheduled_date, begin + timedelta(days=1 - 10))

    def test_default_schedules_in_the_form_and_for_other_events(self):
        # the camp form (is_camp by default from the Camps menu) shows the camp reminders before saving
        with Form(self.env["event.event"].with_context(default_is_camp=True)) as form:
            form.name = "Theatre week"
            form.date_begin = self.brussels_to_utc(self.first_day + timedelta(days=14), 9)
            form.date_end = self.brussels_to_utc(self.first_day + timedelta(days=18), 16)
        camp = form.save()
        self.assertEqual(
            sorted(camp.event_mail_ids.mapped("camp_reminder_type")),
            ["camp_info", "camp_info", "medical_sheet", "payment"],
        )
        # an ordinary event keeps Odoo's own defaults
        event = self.env["event.event"].create(
            {"name": "Town concert", "date_begin": camp.date_begin, "date_end": camp.date_end}
        )
        self.assertTrue(event.event_mail_ids)
        self.assertFalse(any(event.event_mail_ids.mapped("camp_reminder_type")))
        self.assertIn(self.env.ref("event.event_reminder"), event.event_mail_ids.mapped("template_ref"))
        # it becomes a camp: camp reminders instead of Odoo's generic ones; and back
        event.is_camp = True
        self.assertEqual(
            sorted(event.event_mail_ids.mapped("camp_reminder_type")),
            ["camp_info", "camp_info", "medical_sheet", "payment"],
        )
        event.is_camp = False
        self.assertFalse(any(event.event_mail_ids.mapped("camp_reminder_type")))
        self.assertIn(self.env.ref("event.event_reminder"), event.event_mail_ids.mapped("template_ref"))
        # schedules given at creation are kept as given
        self.assertFalse(self.camp.event_mail_ids, "the fixture camp was created with no schedule")

    # ------------------------------------------------------------------ the scheduler
    def test_before_camp_mail_to_registered_guardians_only(self):
        camp = self.rcamp
        emma, noah = self.request(self.family_a, self.child_emma | self.child_noah, camp).sorted("id")
        (lucas,) = self.request(self.family_b, self.child_lucas, camp)
        self.assertEqual((emma.camp_state, noah.camp_state), ("validated", "validated"))
        self.assertEqual(lucas.camp_state, "waitlisted", "two seats: Lucas waits")
        stop = self.route.stop_ids
        emma.bus_stop_id = stop
        # a cancelled registration gets nothing either
        ella = self.make_child(self.family_b, "Ella", 8, level="p3")
        (ella_reg,) = self.request(self.family_b, ella, camp)
        self.assertEqual(ella_reg.camp_state, "waitlisted")
        noah.with_user(self.user_portal_a2).action_camp_cancel(reason="ill")
        self.assertEqual(noah.camp_state, "cancelled")
        # Noah's seat went to Lucas, first in line
        self.assertEqual(lucas.camp_state, "validated")

        week_before = self.scheduler(camp, INFO, 7)
        # six days and 23 hours before: the 7-day reminder is due, the 1-day one is not
        mails = self.run_scheduler(camp.date_begin - timedelta(days=7) + timedelta(hours=1))
        info = self.mails_of(mails, INFO)
        self.assertEqual(set(info), {emma, lucas})
        self.assertEqual(self.recipients(info[emma]), self.user_portal_a.partner_id)
        self.assertEqual(self.recipients(info[lucas]), self.user_portal_b.partner_id)
        self.assertTrue(week_before.mail_done)
        self.assertEqual(week_before.mail_count_done, 2)
        self.assertFalse(self.scheduler(camp, INFO, 1).mail_done)
        # practical information: place, schedule, bus stop
        body = info[emma].body_html
        self.assertIn("Art week", body)
        self.assertIn("Rue de la Station 1", body)
        self.assertIn("09:00", body)
        self.assertIn("16:00", body)
        self.assertIn("early care", body)
        self.assertIn("Church square", body)
        self.assertIn("08:15", body)
        self.assertNotIn("Church square", info[lucas].body_html, "Lucas takes no bus")
        # in the guardian's language
        template = self.env.ref(INFO)
        self.assertEqual(template._render_lang(lucas.ids), {lucas.id: "fr_FR"})
        self.assertEqual(template._render_lang(emma.ids), {emma.id: self.user_portal_a.partner_id.lang})

        # a second run sends nothing again; the day before, the 1-day reminder goes to the same two
        self.assertFalse(self.mails_of(self.run_scheduler(camp.date_begin - timedelta(days=6)), INFO))
        info = self.mails_of(self.run_scheduler(camp.date_begin - timedelta(hours=20)), INFO)
        self.assertEqual(set(info), {emma, lucas})

    def test_payment_reminder_skips_paid_registrations(self):
        camp = self.rcamp
        camp.seats_max = 10
        emma, noah = self.request(self.family_a, self.child_emma | self.child_noah, camp).sorted("id")
        (lucas,) = self.request(self.family_b, self.child_lucas, camp)
        ella = self.make_child(self.family_b, "Ella", 8, level="p3")
        requests = (emma | lucas).request_id
        self.assertEqual(len(requests), 2)
        requests._camp_invoice()
        invoice_a = requests.filtered(lambda r: r.family_id == self.family_a)._camp_moves(("out_invoice",))
        invoice_b = requests.filtered(lambda r: r.family_id == self.family_b)._camp_moves(("out_invoice",))
        self.assertEqual((invoice_a.state, invoice_a.payment_state), ("posted", "not_paid"))
        # family B pays its invoice through Odoo's payment wizard: nothing is due for Lucas any more
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice_b.ids).create(
            {}
        )._create_payments()
        self.assertIn(invoice_b.payment_state, ("paid", "in_payment"))
        # Noah's part was paid at the desk: the registration is paid while the family's invoice stays open
        noah._camp_mark_paid()
        self.assertEqual((emma.camp_state, noah.camp_state), ("validated", "paid"))
        self.assertEqual(invoice_a.payment_state, "not_paid")
        # Ella registered later, validated, not invoiced yet: no open invoice, no reminder
        (ella_reg,) = self.request(self.family_b, ella, camp)
        self.assertEqual(ella_reg.camp_state, "validated")
        self.assertFalse(ella_reg._camp_invoice_lines().get(ella_reg.id, {}).get("invoice"))

        payment = self.scheduler(camp, PAYMENT, 10)
        self.assertEqual((emma | noah | lucas | ella_reg)._camp_reminder_targets("payment"), emma)
        mails = self.run_scheduler(payment.scheduled_date + timedelta(minutes=5))
        reminders = self.mails_of(mails, PAYMENT)
        self.assertEqual(set(reminders), {emma})
        self.assertEqual(self.recipients(reminders[emma]), self.user_portal_a.partner_id)
        self.assertIn(invoice_a.payment_reference or "", reminders[emma].body_html)
        self.assertTrue(payment.mail_done)
        self.assertEqual(payment.mail_count_done, 1, "the mails sent, not the registrations gone through")
        # the practical information is not due yet
        self.assertFalse(self.mails_of(mails, INFO))

    def test_medical_sheet_reminder_targets_sheets_expiring_before_the_end(self):
        camp = self.rcamp
        camp.seats_max = 10
        emma, noah = self.request(self.family_a, self.child_emma | self.child_noah, camp).sorted("id")
        (lucas,) = self.request(self.family_b, self.child_lucas, camp)
        last_day = self.first_day + timedelta(days=4)
        Sheet = self.env["childcare.medical.sheet"]
        # after registering, the medical officer corrects the sheets' validity: Noah's ends on the camp's
        # Wednesday, Lucas's on its last day (still valid for the whole camp), Emma's stays valid a year
        Sheet.search([("child_id", "=", self.child_noah.id)]).date_valid_until = last_day - timedelta(days=2)
        Sheet.search([("child_id", "=", self.child_lucas.id)]).date_valid_until = last_day
        self.assertEqual(
            [(r.camp_medical_sheet_to_update, r.camp_medical_sheet_valid_until) for r in emma | noah | lucas],
            [
                (False, self.today + timedelta(days=365)),
                (True, last_day - timedelta(days=2)),
                (False, last_day),
            ],
        )
        medical = self.scheduler(camp, MEDICAL, 21)
        mails = self.run_scheduler(medical.scheduled_date + timedelta(hours=1))
        reminders = self.mails_of(mails, MEDICAL)
        self.assertEqual(set(reminders), {noah})
        self.assertEqual(self.recipients(reminders[noah]), self.user_portal_a.partner_id)
        self.assertIn(fields.Date.to_date(last_day - timedelta(days=2)).strftime("%m/%d/%Y"), reminders[noah].body_html)
        # no medical data in the mail: only the validity date
        self.assertTrue(medical.mail_done)
        self.assertEqual(medical.mail_count_done, 1)

    def test_medical_sheet_reminder_newest_sheet_counts(self):
        """A child with an old expired sheet and a new one valid over the camp gets no reminder."""
        camp = self.rcamp
        (lucas,) = self.request(self.family_b, self.child_lucas, camp)
        self.env["childcare.medical.sheet"].create(
            {"child_id": self.child_lucas.id, "date_valid_until": self.today - timedelta(days=30)}
        )
        self.assertFalse(lucas.camp_medical_sheet_to_update)
        self.assertFalse(lucas._camp_reminder_targets("medical_sheet"))
