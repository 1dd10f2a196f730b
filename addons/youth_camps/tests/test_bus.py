import base64
import io
import random
import threading
import time
from datetime import timedelta

import openpyxl

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.childcare_base.tests.pdf_helpers import pdf_text
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import format_date, mute_logger

from .common import ACCESS_LOGGERS, CampCase, CommittedCampCase

REPORT = "youth_camps.action_report_bus_manifest"


@tagged("post_install", "-at_install")
class TestBus(CampCase):
    """Bus routes: stops of the right route only, never more children than the vehicle holds on any day, the
    daily manifest (XLSX and PDF) and who may see it.

    Camps (Monday D = ``camp_first_day``): ``camp`` D..D+4, ``camp_overlap`` D+2..D+6 (three common days),
    ``camp_later`` D+7..D+11 (none), ``camp_no_bus`` without bus service. ``route_north`` (one seat, stops
    N1, N2) serves all four; ``route_south`` (ten seats, stops S1, S2) serves ``camp`` only.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        first = cls.camp_first_day
        cls.camp.camp_bus_service = True
        cls.camp_overlap = cls.create_camp("Sports week", first + timedelta(days=2), camp_bus_service=True)
        cls.camp_later = cls.create_camp("Art week", first + timedelta(days=7), camp_bus_service=True)
        cls.camp_no_bus = cls.create_camp("Theatre week", first + timedelta(days=14))
        Route = cls.env["youth_camps.bus.route"]
        cls.route_north = Route.create(
            {
                "name": "North loop",
                "vehicle_capacity": 1,
                "driver_name": "Marc Lemaire",
                "driver_phone": "+32 475 12 34 56",
                "camp_ids": [Command.set((cls.camp | cls.camp_overlap | cls.camp_later | cls.camp_no_bus).ids)],
                "stop_ids": [
                    Command.create({"name": "Feluy church", "sequence": 10, "pickup_time": 7.75, "dropoff_time": 17}),
                    Command.create(
                        {"name": "Arquennes school", "sequence": 20, "pickup_time": 8, "dropoff_time": 16.75}
                    ),
                ],
            }
        )
        cls.stop_n1, cls.stop_n2 = cls.route_north.stop_ids.sorted()
        cls.route_south = Route.create(
            {
                "name": "South loop",
                "vehicle_capacity": 10,
                "camp_ids": [Command.set(cls.camp.ids)],
                "stop_ids": [
                    # created in the reverse order: the manifest follows the sequence
                    Command.create(
                        {"name": "Manage town hall", "sequence": 20, "pickup_time": 8.25, "dropoff_time": 16.5}
                    ),
                    Command.create(
                        {
                            "name": "Familleureux station",
                            "address": "Rue de la Gare 2",
                            "sequence": 10,
                            "pickup_time": 7.5,
                            "dropoff_time": 17.25,
                        }
                    ),
                ],
            }
        )
        cls.stop_s1, cls.stop_s2 = cls.route_south.stop_ids.sorted()
        cls.user_portal_a.partner_id.phone = "+32 470 11 11 11"
        cls.user_portal_a2.partner_id.phone = "+32 470 22 22 22"
        cls.user_portal_b.partner_id.phone = "+32 470 33 33 33"

    def day(self, offset):
        return self.camp_first_day + timedelta(days=offset)

    # ------------------------------------------------------------------ which stop
    def test_stop_of_another_route_refused(self):
        lucas = self.request(self.family_b, self.child_lucas, self.camp_overlap)
        self.assertEqual(lucas.camp_state, "validated")
        # the south loop does not serve the sports week
        with self.assertRaisesRegex(ValidationError, "South loop, which does not serve Sports week"):
            lucas.bus_stop_id = self.stop_s1
            lucas.flush_recordset()
        self.assertFalse(lucas.bus_stop_id)
        self.assertEqual(self.route_south._load_by_day(), {})
        lucas.bus_stop_id = self.stop_n2
        self.assertEqual(lucas.bus_route_id, self.route_north)
        self.assertEqual(self.route_north.passenger_count, 1)

    def test_no_stop_without_bus_service(self):
        lucas = self.request(self.family_b, self.child_lucas, self.camp_no_bus)
        with self.assertRaisesRegex(ValidationError, "Theatre week has no bus service"):
            lucas.bus_stop_id = self.stop_n1
            lucas.flush_recordset()
        self.assertFalse(lucas.bus_stop_id)

    def test_camp_cannot_leave_route_with_children(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        emma.bus_stop_id = self.stop_s1
        with self.assertRaisesRegex(ValidationError, "Nature week cannot leave the route South loop"):
            self.route_south.camp_ids = [Command.unlink(self.camp.id)]
            self.route_south.flush_recordset()
        self.assertEqual(self.route_south.camp_ids, self.camp)

    # ------------------------------------------------------------------ capacity per day
    def test_capacity_refused_on_the_day_it_overflows(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        emma.bus_stop_id = self.stop_n1
        self.assertEqual(self.route_north._load_by_day(), {self.day(n): 1 for n in range(5)})

        # Lucas's sports week shares Wednesday to Friday with Emma's camp: the one seat is taken those days
        lucas = self.request(self.family_b, self.child_lucas, self.camp_overlap)
        full_day = format_date(self.env, self.day(2))
        with self.assertRaisesRegex(ValidationError, f"North loop is full on {full_day}: its vehicle holds 1"):
            lucas.bus_stop_id = self.stop_n2
            lucas.flush_recordset()
        self.assertFalse(lucas.bus_stop_id)
        self.assertEqual(self.route_north._load_by_day(), {self.day(n): 1 for n in range(5)})

        # the art week shares no day with it: the same seat is free
        noah = self.request(self.family_a, self.child_noah, self.camp_later)
        noah.bus_stop_id = self.stop_n2
        self.assertEqual(
            self.route_north._load_by_day(),
            {**{self.day(n): 1 for n in range(5)}, **{self.day(n): 1 for n in range(7, 12)}},
        )

        # a second seat: Lucas rides too, two children on the common days
        self.route_north.vehicle_capacity = 2
        lucas.bus_stop_id = self.stop_n2
        load = self.route_north._load_by_day()
        self.assertEqual([load[self.day(n)] for n in range(7)], [1, 1, 2, 2, 2, 1, 1])
        # and the vehicle cannot shrink below what it carries
        with self.assertRaisesRegex(ValidationError, "cannot hold fewer than 2 children"):
            self.route_north.vehicle_capacity = 1
            self.route_north.flush_recordset()
        self.assertEqual(self.route_north.vehicle_capacity, 2)

    def test_capacity_on_create_and_after_cancellation(self):
        emma = self.request(self.family_a, self.child_emma, self.camp)
        emma.bus_stop_id = self.stop_n1
        Registration = self.env["event.registration"]
        before = Registration.search_count([("event_id", "=", self.camp_overlap.id)])
        # a registration created with its stop (as the portal does) is refused whole
        with self.assertRaisesRegex(ValidationError, "North loop is full"):
            Registration.create(
                {
                    "event_id": self.camp_overlap.id,
                    "child_id": self.child_lucas.id,
                    "family_id": self.family_b.id,
                    "bus_stop_id": self.stop_n1.id,
                }
            )
        self.assertEqual(Registration.search_count([("event_id", "=", self.camp_overlap.id)]), before)
        lucas = self.request(self.family_b, self.child_lucas, self.camp_overlap)
        # Emma's guardian cancels: her bus seat is free again
        emma.with_user(self.user_portal_a2).action_camp_cancel(reason="Sick")
        self.assertEqual(emma.camp_state, "cancelled")
        self.assertEqual(self.route_north._load_by_day(), {})
        lucas.bus_stop_id = self.stop_n1
        self.assertEqual(self.route_north._load_by_day(), {self.day(n): 1 for n in range(2, 7)})

    def test_waiting_list_holds_no_bus_seat(self):
        small = self.create_camp("Small week", self.day(21), seats=1, camp_bus_service=True)
        self.route_north.camp_ids = [Command.link(small.id)]
        emma = self.request(self.family_a, self.child_emma, small)
        lucas = self.request(self.family_b, self.child_lucas, small)
        self.assertEqual((emma.camp_state, lucas.camp_state), ("validated", "waitlisted"))
        emma.bus_stop_id = self.stop_n1
        # a child on the waiting list may choose a stop: it holds no seat on the bus (nor in the camp)
        lucas.bus_stop_id = self.stop_n2
        self.assertEqual(self.route_north._load_by_day(), {self.day(21 + n): 1 for n in range(5)})
        # Emma cancels, Lucas gets her camp seat; the bus seat she freed goes with it
        emma.with_user(self.user_portal_a).action_camp_cancel(reason="Holidays")
        self.assertEqual(lucas.camp_state, "validated")
        self.assertEqual(lucas.bus_stop_id, self.stop_n2)
        self.assertEqual(self.route_north._load_by_day(), {self.day(21 + n): 1 for n in range(5)})

    def test_promotion_onto_a_full_bus_gives_up_the_stop(self):
        small = self.create_camp("Small week", self.day(21), seats=1, camp_bus_service=True)
        other = self.create_camp("Forest week", self.day(21), camp_bus_service=True)
        self.route_north.camp_ids = [Command.link(small.id), Command.link(other.id)]
        emma = self.request(self.family_a, self.child_emma, small)
        lucas = self.request(self.family_b, self.child_lucas, small)
        noah = self.request(self.family_a, self.child_noah, other)
        lucas.bus_stop_id = self.stop_n2  # waiting: no bus seat taken
        noah.bus_stop_id = self.stop_n1  # takes the only seat of those days
        emma.with_user(self.user_portal_a).action_camp_cancel(reason="Holidays")
        # Lucas gets the camp seat; the bus is full those days: his stop is given up, and he is told why
        self.assertEqual(lucas.camp_state, "validated")
        self.assertFalse(lucas.bus_stop_id)
        self.assertEqual(self.route_north._load_by_day(), {self.day(21 + n): 1 for n in range(5)})
        bodies = [str(body) for body in lucas.message_ids.mapped("body")]
        self.assertTrue(any("the stop Arquennes school was given up" in body for body in bodies), bodies)

    # ------------------------------------------------------------------ the manifest
    def _fill_south(self):
        emma, noah = self.request(self.family_a, self.child_emma | self.child_noah, self.camp)
        lucas = self.request(self.family_b, self.child_lucas, self.camp)
        (emma | noah).bus_stop_id = self.stop_s1
        lucas.bus_stop_id = self.stop_s2
        return emma, noah, lucas

    def _xlsx_rows(self, route, day, user=None):

        wizard = self.env["youth_camps.bus.manifest.wizard"]
        if user:
            wizard = wizard.with_user(user)
        wizard = wizard.create({"route_id": route.id, "date": day})
        action = wizard.action_download_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/youth_camps.bus.manifest.wizard/{wizard.id}/xlsx_file/", action["url"])
        content = base64.b64decode(wizard.sudo().xlsx_file)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_manifest_xlsx(self):
        emma, noah, lucas = self._fill_south()
        rows = self._xlsx_rows(self.route_south, self.day(1))
        self.assertEqual(rows[0][:3], ["Bus manifest", None, "South loop"])
        self.assertEqual(rows[1][2], format_date(self.env, self.day(1)))
        self.assertEqual(rows[3][2], 3)  # children
        self.assertEqual(rows[3][4], 10)  # vehicle capacity
        header = rows[5]
        self.assertEqual(
            header,
            ["Stop", "Address", "Pick-up", "Drop-off", "Child", "Camp", "Guardian", "Guardian phone"],
        )
        family_a_phones = "+32 470 11 11 11 / +32 470 22 22 22"
        self.assertEqual(
            rows[6:],
            [
                [
                    "Familleureux station",
                    "Rue de la Gare 2",
                    "07:30",
                    "17:15",
                    emma.child_id.name,
                    "Nature week",
                    self.user_portal_a.partner_id.name,
                    family_a_phones,
                ],
                [
                    "Familleureux station",
                    "Rue de la Gare 2",
                    "07:30",
                    "17:15",
                    noah.child_id.name,
                    "Nature week",
                    self.user_portal_a.partner_id.name,
                    family_a_phones,
                ],
                [
                    "Manage town hall",
                    None,
                    "08:15",
                    "16:30",
                    lucas.child_id.name,
                    "Nature week",
                    self.user_portal_b.partner_id.name,
                    "+32 470 33 33 33",
                ],
            ],
        )
        # the day before the camp nobody rides; a cancelled child is not on the list
        self.assertEqual(self._xlsx_rows(self.route_south, self.day(-1))[6:], [])
        noah.action_camp_cancel(reason="Moved")
        names = [row[4] for row in self._xlsx_rows(self.route_south, self.day(4))[6:]]
        self.assertEqual(names, [emma.child_id.name, lucas.child_id.name])

    def test_manifest_pdf(self):
        self._fill_south()
        Report = self.env["ir.actions.report"]
        self.assertEqual(Report.get_wkhtmltopdf_state(), "ok", "wkhtmltopdf must be installed")
        pdf, report_type = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, self.route_south.ids, data={"date": str(self.day(2))}
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(self, pdf)
        self.assertIn("Bus manifest — South loop", text)
        self.assertIn(format_date(self.env, self.day(2)), text)
        self.assertIn("Children: 3 / 10 seats", text)
        # wkhtmltopdf wraps the narrow columns: the lines are read piece by piece
        for expected in (
            "station 07:30 17:15 2 child(ren)",
            "Rue de la Gare 2",
            "Manage town hall 08:15 16:30 1 child(ren)",
            "Emma Nature cc_portal_a",
            "+32 470 11 11 11 / +32 470 22",
            "Lucas Nature cc_portal_b",
            "+32 470 33 33 33",
        ):
            self.assertIn(expected, text)
        self.assertLess(text.index("Noah"), text.index("Manage town hall"))
        self.assertLess(text.index("Manage town hall"), text.index("Lucas"))
        # the wizard's button prints the same report for its day
        wizard = self.env["youth_camps.bus.manifest.wizard"].create({"route_id": self.route_south.id})
        wizard.date = self.day(2)
        action = wizard.action_print_pdf()
        self.assertEqual(action["report_name"], "youth_camps.report_bus_manifest")
        self.assertEqual(action["data"], {"date": str(self.day(2))})

    def test_manifest_of_one_route_per_document(self):
        with self.assertRaisesRegex(UserError, "one bus route at a time"):
            self.env["ir.actions.report"]._render_qweb_html(
                REPORT, (self.route_south | self.route_north).ids, data={"date": str(self.day(1))}
            )

    # ------------------------------------------------------------------ access
    def test_portal_parent_cannot_manage_routes(self):
        portal = self.user_portal_a
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.env["youth_camps.bus.route"].with_user(portal).create({"name": "My own bus", "vehicle_capacity": 50})
        self.assertRefused(portal, self.route_south, {"vehicle_capacity": 99})
        self.assertRefused(portal, self.route_south, {"camp_ids": [Command.link(self.camp_overlap.id)]})
        self.assertRefused(portal, self.stop_s1, {"pickup_time": 6.0})
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(portal, self.env["youth_camps.bus.stop"]).create(
                {"route_id": self.route_south.id, "name": "My door"}
            )
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(portal, self.route_north).unlink()
        # a parent sees the stops and times (to choose one), not the driver's phone
        self.assertEqual(self.as_user(portal, self.stop_s1).display_name, "South loop — Familleureux station (07:30)")
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(portal, self.route_north).read(["driver_phone"])
        self.env.invalidate_all()
        self.assertEqual(self.route_south.vehicle_capacity, 10)
        self.assertEqual(len(self.route_south.stop_ids), 2)

    def test_portal_parent_cannot_read_manifests(self):
        self._fill_south()
        day = str(self.day(1))
        for user in (self.user_portal_a, self.user_portal_b, self.user_employee):
            route = self.as_user(user, self.route_south)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                route._manifest_rows(day)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                route.action_open_manifest_wizard()
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(user)._render_qweb_html(REPORT, route.ids, data={"date": day})
        for user in (self.user_portal_a, self.user_portal_b):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self._xlsx_rows(self.route_south, self.day(1), user=user)

    def test_leaders_see_their_own_camps_only(self):
        emma, noah, lucas = self._fill_south()
        # the camp's leader and organiser print the whole list; a leader of no camp of the route gets none
        for user in (self.user_leader, self.user_organiser, self.user_manager):
            names = [row["child_name"] for row in self.as_user(user, self.route_south)._manifest_rows(self.day(1))]
            self.assertEqual(names, [emma.child_id.name, noah.child_id.name, lucas.child_id.name], user.login)
        self.assertEqual(self.as_user(self.user_leader_other, self.route_south)._manifest_rows(self.day(1)), [])
        rows = self._xlsx_rows(self.route_south, self.day(1), user=self.user_leader_other)
        self.assertEqual(rows[6:], [])


@tagged("post_install", "-at_install")
class TestBusRush(CommittedCampCase):
    """Parents choosing the last seats of a bus at the same second, each in its own transaction (threads on
    the real database, each call wrapped as Odoo wraps an HTTP or RPC call: replayed on a serialization
    failure). The fixture is committed for the threads to see it, and deleted at the end."""

    THREADS = 4
    SEATS = 2  # of the bus: the camp has 20
    CAMP_VALUES = {"seats_max": 20, "camp_bus_service": True}

    def _commit_fixture(self, env, fixture):
        """A route of ``SEATS`` seats serving the camp, and every child validated on the camp."""
        route = env["youth_camps.bus.route"].create(
            {
                "name": f"Bus route {self.tag}",
                "company_id": fixture["company"],
                "vehicle_capacity": self.SEATS,
                "camp_ids": [Command.set([fixture["camp"]])],
                "stop_ids": [Command.create({"name": "Church square", "pickup_time": 8.0, "dropoff_time": 17.0})],
            }
        )
        children = env["childcare.child"].browse(fixture["children"])
        families = env["childcare.family"].browse(fixture["families"])
        # seats given by the camp flow's internal path: this test is about the bus
        registrations = env["event.registration"].create(
            [
                {
                    "event_id": fixture["camp"],
                    "child_id": child.id,
                    "family_id": family.id,
                    "name": child.name,
                    "camp_state": "validated",
                }
                for child, family in zip(children, families, strict=True)
            ]
        )
        fixture.update(route=route.id, stop=route.stop_ids.id, registrations=registrations.ids)

    def _cleanup_extra(self, env, fixture):
        env["youth_camps.bus.route"].browse(fixture["route"]).unlink()

    def test_last_bus_seats_at_the_same_second(self):
        fixture = self.fixture
        barrier = threading.Barrier(self.THREADS)
        chosen, refused, errors, replays = [], [], [], []
        # each transaction takes its snapshot before the rush, as an HTTP request does after its authentication
        cursors = [self.registry.cursor() for _index in range(self.THREADS)]
        envs = [api.Environment(cr, SUPERUSER_ID, {}) for cr in cursors]
        for env in envs:
            env["youth_camps.bus.route"].browse(fixture["route"]).name  # noqa: B018 - takes the snapshot

        def choose(env, registration_id):
            try:
                barrier.wait(timeout=30)
                for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
                    try:
                        env["event.registration"].browse(registration_id).bus_stop_id = fixture["stop"]
                        env.flush_all()
                        env.cr.commit()
                        chosen.append(registration_id)
                        return
                    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                        # replayed as Odoo replays an HTTP or RPC call (odoo.service.model.retrying, which a
                        # thread of a test cannot call: it reloads the registry, locked by the test runner)
                        env.cr.rollback()
                        env.clear()
                        replays.append(registration_id)
                        time.sleep(random.uniform(0.0, 0.05 * attempt))
                errors.append(f"{registration_id}: too many serialization failures")
            except ValidationError as error:
                env.cr.rollback()
                refused.append((registration_id, str(error)))
            except Exception as error:  # every other failure is reported by the assertion below
                errors.append(repr(error))
            finally:
                env.cr.close()

        threads = [
            threading.Thread(target=choose, args=(env, registration_id), name=f"bus-rush-{index}")
            for index, (env, registration_id) in enumerate(zip(envs, fixture["registrations"], strict=True))
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse(errors)
        # every transaction but the first began before the first committed: the route's lock made each of
        # them fail and start again, and the new start sees the children taken before
        self.assertGreaterEqual(len(replays), self.THREADS - 1)
        self.assertEqual(len(chosen), self.SEATS)
        self.assertEqual(len(refused), self.THREADS - self.SEATS)
        for _registration_id, message in refused:
            self.assertIn("is full on", message)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            route = env["youth_camps.bus.route"].browse(fixture["route"])
            riders = env["event.registration"].search([("bus_route_id", "=", route.id)])
            self.assertEqual(sorted(riders.ids), sorted(chosen))
            self.assertEqual(set(route._load_by_day().values()), {self.SEATS})
