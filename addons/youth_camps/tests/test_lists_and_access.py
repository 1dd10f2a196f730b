"""The camp leaders' lists (contents, printed by wkhtmltopdf one document per call) and who sees what: leaders
and organisers their own camps, medical data the medical groups only, parents their own family. Every access
test runs as the restricted user with a cold cache and asserts the refusal."""

from datetime import timedelta

from odoo import Command
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ACCESS_LOGGERS, CampCase

ATTENDANCE = "youth_camps.action_report_camp_attendance_list"
MEDICAL = "youth_camps.action_report_camp_medical_list"
EMERGENCY = "youth_camps.action_report_camp_emergency_list"


@tagged("post_install", "-at_install")
class TestCampListsAndAccess(CampCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        medical_groups = "base.group_user,youth_camps.group_camp_leader,childcare_base.group_childcare_medical"
        cls.user_leader_medical = cls._camp_user("camp_leader_nurse", medical_groups)
        cls.user_nurse_elsewhere = cls._camp_user("camp_nurse_elsewhere", medical_groups)
        cls.camp.camp_leader_ids = [Command.link(cls.user_leader_medical.id)]
        # another organiser's camp at the same dates, led by another leader
        cls.camp_other = cls.create_camp(
            "Explorers week",
            cls.camp_first_day,
            camp_organiser_id=cls.structure_camps_other.id,
            camp_leader_ids=[Command.set((cls.user_leader_other | cls.user_nurse_elsewhere).ids)],
        )
        cls.user_portal_a.partner_id.phone = "+32 470 10 10 10"
        cls.user_portal_a2.partner_id.phone = "+32 470 20 20 20"
        cls.user_portal_b.partner_id.phone = "+32 470 30 30 30"
        Sheet = cls.env["childcare.medical.sheet"]
        cls.sheet_emma = Sheet.search([("child_id", "=", cls.child_emma.id)])
        cls.sheet_emma.write(
            {
                "allergies": "Wasp stings",
                "treatments": "Adrenaline pen 0.3 mg",
                "doctor_name": "Dr Lambert",
                "doctor_phone": "+32 64 55 55 55",
                "contact_ids": [
                    Command.create({"name": "Grandma Rose", "relationship": "grandmother", "phone": "+32 470 99 99 99"})
                ],
            }
        )
        cls.sheet_lucas = Sheet.search([("child_id", "=", cls.child_lucas.id)])
        cls.sheet_lucas.diet = "Vegetarian"
        cls.env["childcare.pickup.person"].create(
            {"child_id": cls.child_noah.id, "name": "Uncle Marc", "relationship": "uncle", "phone": "+32 470 77 77 77"}
        )

    @classmethod
    def _camp_user(cls, login, groups):
        from odoo.addons.mail.tests.common import mail_new_test_user

        return mail_new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def setUp(self):
        super().setUp()
        self.emma, self.noah = self.request(self.family_a, self.child_emma | self.child_noah, self.camp).sorted("id")
        (self.lucas,) = self.request(self.family_b, self.child_lucas, self.camp)
        self.ella = self.make_child(self.family_b, "Ella", 8, level="p3")
        (self.ella_other,) = self.request(self.family_b, self.ella, self.camp_other)
        self.assertEqual((self.emma | self.noah | self.lucas | self.ella_other).mapped("camp_state"), ["validated"] * 4)

    # ------------------------------------------------------------------ helpers
    def render_as(self, user, report_ref, camp):
        """The PDF of ``report_ref`` for one camp, printed by wkhtmltopdf for ``user`` (as the report URL does)."""
        Report = self.env["ir.actions.report"]
        state = Report.get_wkhtmltopdf_state()
        if state != "ok":
            self.fail(f"wkhtmltopdf is not usable ({state!r}): the camp lists cannot be tested without it")
        self.env.invalidate_all()
        pdf, report_type = (
            Report.with_user(user).with_context(force_report_rendering=True)._render_qweb_pdf(report_ref, camp.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(self, pdf)

    def assertRenderRefused(self, user, report_ref, camp):
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(user).with_context(force_report_rendering=True)._render_qweb_pdf(
                report_ref, camp.ids
            )

    # ------------------------------------------------------------------ list contents
    def test_attendance_list_days_and_children(self):
        self.noah.with_user(self.user_portal_a2).action_camp_cancel(reason="ill")
        pages = self.camp._camp_attendance_pages()
        self.assertEqual([day for day, _rows in pages], [self.camp_first_day + timedelta(days=n) for n in range(5)])
        for _day, rows in pages:
            self.assertEqual([row["child_name"] for row in rows], ["Emma DUPONT", "Lucas JANSSENS"])
        # Monday to Friday of one week: no weekend day
        self.assertTrue(all(day.weekday() < 5 for day, _rows in pages))

        text = self.render_as(self.user_leader, ATTENDANCE, self.camp)
        self.assertIn("Attendance — Nature week", text)
        self.assertEqual(text.count("Signature"), 5, "one page per day, with a signature column")
        for n in range(1, 6):
            self.assertIn(f"Day {n}:", text)
        self.assertEqual(text.count("Emma DUPONT"), 5)
        self.assertEqual(text.count("Lucas JANSSENS"), 5)
        self.assertNotIn("Noah", text, "a cancelled registration is not expected")
        self.assertNotIn("Ella", text, "a child of another camp")
        self.assertIn("2 children expected.", text)

    def test_attendance_list_with_a_week_registration(self):
        """A camp enrolled per week (Odoo 19 slots): each child is listed on the days of its week only."""
        second_monday = self.camp_first_day + timedelta(days=14)
        camp = self.create_camp("Two weeks of football", second_monday, days=12)
        camp.write(
            {
                "is_multi_slots": True,
                "event_slot_ids": [
                    Command.create(
                        {
                            "date": second_monday,
                            "camp_date_end": second_monday + timedelta(days=4),
                            "start_hour": 9.0,
                            "end_hour": 16.0,
                        }
                    ),
                    Command.create(
                        {
                            "date": second_monday + timedelta(days=7),
                            "camp_date_end": second_monday + timedelta(days=11),
                            "start_hour": 9.0,
                            "end_hour": 16.0,
                        }
                    ),
                ],
            }
        )
        week1, week2 = camp.event_slot_ids.sorted("date")
        self.request(self.family_a, self.child_emma, camp, slot=week1)
        self.request(self.family_b, self.child_lucas, camp, slot=week2)
        pages = dict(camp._camp_attendance_pages())
        self.assertEqual(len(pages), 10, "two weeks, Monday to Friday")
        self.assertNotIn(second_monday + timedelta(days=5), pages, "no Saturday")
        self.assertEqual([r["child_name"] for r in pages[second_monday]], ["Emma DUPONT"])
        self.assertEqual([r["child_name"] for r in pages[second_monday + timedelta(days=11)]], ["Lucas JANSSENS"])

    def test_medical_list_contents(self):
        rows = {row["child_name"]: row for row in self.camp._camp_medical_rows()}
        self.assertEqual(list(rows), ["Emma DUPONT", "Noah DUPONT", "Lucas JANSSENS"])
        self.assertEqual(
            (rows["Emma DUPONT"]["allergies"], rows["Emma DUPONT"]["treatments"], rows["Emma DUPONT"]["doctor"]),
            ("Wasp stings", "Adrenaline pen 0.3 mg", "Dr Lambert +32 64 55 55 55"),
        )
        self.assertEqual(rows["Lucas JANSSENS"]["diet"], "Vegetarian")
        self.assertFalse(rows["Noah DUPONT"]["has_data"])

        text = self.render_as(self.user_leader_medical, MEDICAL, self.camp)
        self.assertIn("Allergies and treatments — Nature week", text)
        self.assertIn("Wasp stings", text)
        self.assertIn("Adrenaline pen 0.3 mg", text)
        self.assertIn("Vegetarian", text)
        self.assertIn("Confidential medical data", text)
        self.assertNotIn("Ella", text)
        # a municipal medical officer may print it for any camp too
        self.assertIn("Wasp stings", self.render_as(self.user_medical, MEDICAL, self.camp))

    def test_emergency_list_contents(self):
        text = self.render_as(self.user_leader, EMERGENCY, self.camp)
        self.assertIn("Emergency contacts — Nature week", text)
        for expected in (
            "+32 470 10 10 10",  # Emma's and Noah's mother
            "+32 470 20 20 20",  # their father
            "+32 470 30 30 30",  # Lucas's father
            "Grandma Rose",
            "+32 470 99 99 99",
            "Uncle Marc",
            "Dr Lambert",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Wasp stings", text, "no medical data on the emergency list")
        self.assertNotIn("Ella", text)

    # ------------------------------------------------------------------ the lists: who may print them
    def test_non_medical_leader_cannot_print_the_medical_list(self):
        report = self.env.ref(MEDICAL)
        self.assertIn(self.env.ref("childcare_base.group_childcare_medical"), report.group_ids)
        self.assertNotIn(self.env.ref("youth_camps.group_camp_leader"), report.group_ids)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_leader, self.camp).action_print_camp_medical_list()
        # the report URL calls the report model: it refuses too, whatever the button did
        self.assertRenderRefused(self.user_leader, MEDICAL, self.camp)
        # an organiser without a medical role neither
        self.assertRenderRefused(self.user_organiser, MEDICAL, self.camp)
        # a nurse who leads another camp cannot print this camp's list
        self.assertRenderRefused(self.user_nurse_elsewhere, MEDICAL, self.camp)
        # the medical leader of the camp gets the report action
        action = self.as_user(self.user_leader_medical, self.camp).action_print_camp_medical_list()
        self.assertEqual(
            (action["type"], action["report_name"]), ("ir.actions.report", "youth_camps.report_camp_medical_list")
        )

    def test_lists_only_for_the_camps_own_leaders(self):
        action = self.as_user(self.user_leader, self.camp).action_print_camp_attendance_list()
        self.assertEqual(action["report_name"], "youth_camps.report_camp_attendance_list")
        self.as_user(self.user_organiser, self.camp).action_print_camp_emergency_list()
        for user in (self.user_leader_other, self.user_organiser_other, self.user_portal_a, self.user_employee):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.camp).action_print_camp_attendance_list()
            self.assertRenderRefused(user, ATTENDANCE, self.camp)
            self.assertRenderRefused(user, EMERGENCY, self.camp)
        # an event that is not a camp has no lists
        concert = self.env["event.event"].create(
            {"name": "Town concert", "date_begin": self.camp.date_begin, "date_end": self.camp.date_end}
        )
        with self.assertRaisesRegex(UserError, "not a holiday camp"):
            concert.action_print_camp_attendance_list()

    # ------------------------------------------------------------------ record rules
    def test_leader_reads_own_camps_registrations_only(self):
        own = self.emma | self.noah | self.lucas
        self.assertEqual(
            self.as_user(self.user_leader, own).read(["camp_state"]),
            [{"id": r.id, "camp_state": "validated"} for r in own],
        )
        self.assertCannotSee(self.user_leader, self.ella_other, self.camp_other)
        Registration = self.as_user(self.user_leader, self.env["event.registration"])
        self.assertEqual(Registration.search([("is_camp", "=", True)]), own)
        self.assertEqual(
            self.as_user(self.user_leader, self.env["event.event"]).search([("is_camp", "=", True)]), self.camp
        )
        # and the other leader the other way round
        self.assertCannotSee(self.user_leader_other, self.emma, self.lucas, self.camp)
        self.assertEqual(
            self.as_user(self.user_leader_other, self.env["event.registration"]).search([("is_camp", "=", True)]),
            self.ella_other,
        )

    def test_organiser_sees_its_structures_camps_only(self):
        Event = self.env["event.event"]
        self.assertEqual(self.as_user(self.user_organiser, Event).search([("is_camp", "=", True)]), self.camp)
        self.assertEqual(
            self.as_user(self.user_organiser_other, Event).search([("is_camp", "=", True)]), self.camp_other
        )
        self.assertCannotSee(self.user_organiser, self.camp_other, self.ella_other)
        self.assertCannotSee(self.user_organiser_other, self.camp, self.emma, self.noah, self.lucas)
        self.assertRefused(self.user_organiser_other, self.camp, {"name": "Taken over"})
        # municipal staff see every camp
        self.assertEqual(
            self.as_user(self.user_manager, Event).search(
                [("is_camp", "=", True), ("id", "in", (self.camp | self.camp_other).ids)]
            ),
            self.camp | self.camp_other,
        )

    def test_non_medical_leader_cannot_read_medical_sheets(self):
        self.assertCannotSee(self.user_leader, self.sheet_emma, self.sheet_lucas, self.sheet_emma.contact_ids)
        self.assertCannotSee(self.user_organiser, self.sheet_emma)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_leader, self.env["childcare.medical.sheet"]).search([])
        # what a leader may read on a registration tells only until when the sheet is valid
        self.assertEqual(
            self.as_user(self.user_leader, self.emma).read(["camp_medical_sheet_valid_until"])[0][
                "camp_medical_sheet_valid_until"
            ],
            self.sheet_emma.date_valid_until,
        )

    def test_portal_parent_reads_own_familys_registrations_only(self):
        Registration = self.env["event.registration"]
        self.assertEqual(self.as_user(self.user_portal_a, Registration).search([]), self.emma | self.noah)
        self.assertEqual(self.as_user(self.user_portal_a2, Registration).search([]), self.emma | self.noah)
        self.assertEqual(self.as_user(self.user_portal_b, Registration).search([]), self.lucas | self.ella_other)
        self.assertEqual(len(self.as_user(self.user_portal_a, self.emma | self.noah).read(["name"])), 2)
        self.assertCannotSee(self.user_portal_a, self.lucas, self.ella_other)
        self.assertCannotSee(self.user_portal_b, self.emma, self.noah)
        self.assertRefused(self.user_portal_a, self.emma, {"name": "Someone else"})
        self.assertRenderRefused(self.user_portal_a, EMERGENCY, self.camp)

    def test_camp_reminders_follow_their_camp(self):
        """The mail schedules of a camp: its organisers tune them, other organisers and leaders cannot."""
        reminders = self.env["event.mail"].create(
            [
                {"event_id": camp.id, **values}
                for camp in self.camp | self.camp_other
                for values in self.camp._camp_default_mail_values()[:1]
            ]
        )
        own, other = reminders.sorted(lambda m: m.event_id != self.camp)
        self.as_user(self.user_organiser, own).write({"interval_nbr": 28})
        self.assertEqual(own.scheduled_date, self.camp.date_begin - timedelta(days=28))
        self.assertRefused(self.user_organiser, other, {"interval_nbr": 1})
        self.assertCannotSee(self.user_organiser, other)
        self.assertRefused(self.user_leader, own, {"interval_nbr": 1})
        self.assertEqual(len(self.as_user(self.user_leader, own).read(["interval_nbr"])), 1)
        self.assertCannotSee(self.user_leader, other)
        self.assertEqual(
            self.as_user(self.user_organiser_other, self.env["event.mail"]).search([("event_id.is_camp", "=", True)]),
            other,
        )

    def test_camp_form_shows_each_role_its_lists(self):
        def form_arch(user):
            self.env.invalidate_all()
            return self.env["event.event"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]

        leader, nurse = form_arch(self.user_leader), form_arch(self.user_leader_medical)
        for arch in (leader, nurse):
            self.assertIn('name="action_print_camp_attendance_list"', arch)
            self.assertIn('name="action_print_camp_emergency_list"', arch)
            self.assertIn('name="camp_reminder_type"', arch)
        self.assertNotIn('name="action_print_camp_medical_list"', leader)
        self.assertIn('name="action_print_camp_medical_list"', nurse)
