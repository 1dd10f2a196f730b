from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EnrollmentCase


@tagged("post_install", "-at_install")
class TestAllocationScenario(EnrollmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apps = cls.build_scenario()
        cls.commission = cls.new_commission()
        cls.commission.action_allocate()

    def labels(self, applications):
        by_id = {app.id: label for label, app in self.apps.items()}
        return [by_id[app.id] for app in applications]

    def test_places_loaded_from_capacity(self):
        places = {p.capacity_id: p.places_available for p in self.commission.place_ids}
        self.assertEqual(places, {self.c1_babies: 2, self.c1_toddlers: 1, self.c2_all: 2, self.c3_babies: 1})
        self.assertEqual(len(self.commission.application_ids), 12)

    def test_exact_placements(self):
        placed = {label: app.allocation_structure_id for label, app in self.apps.items()}
        self.assertEqual(
            placed,
            {
                "A01": self.crib_1,
                "A02": self.crib_1,
                "A03": self.crib_2,
                "A04": self.crib_3,
                "A05": self.crib_1,
                "A06": self.crib_2,
                "A07": self.env["childcare.structure"],
                "A08": self.env["childcare.structure"],
                "A09": self.env["childcare.structure"],
                "A10": self.env["childcare.structure"],
                "A11": self.env["childcare.structure"],
                "A12": self.env["childcare.structure"],
            },
        )
        self.assertEqual(self.apps["A03"].allocation_rank, 2)
        self.assertEqual(self.apps["A05"].allocation_capacity_id, self.c1_toddlers)
        self.assertEqual(self.commission.placed_count, 6)
        self.assertEqual(self.commission.waiting_count, 6)

    def test_waiting_list_order_and_cutoffs(self):
        def waiting(structure):
            choices = self.commission.application_ids.choice_ids.filtered(
                lambda c: c.structure_id == structure and c.allocation_status == "waiting"
            )
            return self.labels(choices.sorted("waiting_position").application_id)

        self.assertEqual(waiting(self.crib_1), ["A09", "A10", "A11"])
        self.assertEqual(waiting(self.crib_2), ["A07", "A08", "A11", "A12"])
        self.assertEqual(waiting(self.crib_3), ["A08", "A10"])
        cutoffs = {p.capacity_id: p.cutoff_score for p in self.commission.place_ids}
        self.assertEqual(cutoffs, {self.c1_babies: 45, self.c1_toddlers: 35, self.c2_all: 30, self.c3_babies: 40})
        allocated = {p.capacity_id: p.places_allocated for p in self.commission.place_ids}
        self.assertEqual(allocated, {self.c1_babies: 2, self.c1_toddlers: 1, self.c2_all: 2, self.c3_babies: 1})
        # S3 takes no toddler: A12 waits for C2 only.
        a12 = self.apps["A12"].choice_ids.sorted("rank")
        self.assertEqual(a12.mapped("allocation_status"), ["waiting", "no_age_group"])

    def test_decision_is_explained(self):
        note = self.apps["A03"].allocation_note
        self.assertIn("position 3 of 12", note)
        self.assertIn("Choice 1, Crèche Un (Babies): full", note)
        self.assertIn("cut-off score 45.0", note)
        self.assertIn("Choice 2, Crèche Deux (Under three): place given", note)
        self.assertIn("Waiting list of Crèche Deux (choice 1): position 1", self.apps["A07"].allocation_note)

    def test_allocation_is_stable(self):
        before = {label: (a.allocation_structure_id, a.allocation_order) for label, a in self.apps.items()}
        self.commission.action_allocate()
        after = {label: (a.allocation_structure_id, a.allocation_order) for label, a in self.apps.items()}
        self.assertEqual(before, after)

    def test_offers_decline_and_next_waiting(self):
        self.commission.action_confirm()
        self.assertEqual(self.commission.state, "confirmed")
        states = {label: app.state for label, app in self.apps.items()}
        self.assertEqual(
            [label for label, state in sorted(states.items()) if state == "offered"],
            ["A01", "A02", "A03", "A04", "A05", "A06"],
        )
        self.assertEqual({state for label, state in states.items() if label > "A06"}, {"waiting"})
        a02 = self.apps["A02"]
        self.assertEqual(a02.offer_deadline, self.today + timedelta(days=self.commission.offer_validity_days))
        self.assertIn("A place for", a02.message_ids[0].subject or "")
        # A02 declines its baby place in C1: the next waiting baby for C1 is A10 (A09 is a toddler).
        a02.action_decline_offer()
        self.assertEqual(a02.state, "declined")
        a10 = self.apps["A10"]
        self.assertEqual(a10.state, "offered")
        self.assertEqual((a10.offer_structure_id, a10.offer_capacity_id), (self.crib_1, self.c1_babies))
        self.assertEqual(self.apps["A09"].state, "waiting")
        self.assertEqual(self.apps["A11"].state, "waiting")

    def test_accept_creates_enrollment_and_expiry_releases(self):
        self.commission.action_confirm()
        a01 = self.apps["A01"]
        a01.action_accept_offer()
        self.assertEqual(a01.state, "accepted")
        enrollment = a01.enrollment_id
        self.assertEqual(
            (enrollment.child_id, enrollment.structure_id, enrollment.family_id),
            (a01.child_id, self.crib_1, a01.family_id),
        )
        self.assertEqual(enrollment.hours_per_week, 45.0)  # 5 days x 9 hours
        enrollment.action_start()
        self.assertEqual(a01.state, "enrolled")
        self.assertEqual(a01.child_id.structure_ids, self.crib_1)
        # A04 lets its offer expire: the cron releases C3 babies to A08 (first waiting for C3).
        a04 = self.apps["A04"]
        a04.offer_deadline = self.today - timedelta(days=1)
        self.env["childcare.application"]._cron_expire_offers()
        self.assertEqual(a04.state, "expired")
        self.assertEqual(self.apps["A08"].state, "offered")
        self.assertEqual(self.apps["A08"].offer_structure_id, self.crib_3)
        with self.assertRaisesRegex(UserError, "expired"):
            a04.action_accept_offer()

    def test_waiting_list_reports(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("childcare_enrollment.report_waiting_list", self.commission.ids)[0]
            .decode()
        )
        for label in ("A07", "A08", "A09", "A10", "A11", "A12"):
            self.assertIn(self.apps[label].name, html)
        self.assertNotIn(self.apps["A01"].name, html)
        rows = self.commission._waiting_list_rows()
        self.assertEqual([c.waiting_position for c in rows[self.crib_2]], [1, 2, 3, 4])
        content = self.commission._waiting_list_xlsx()
        self.assertEqual(content[:2], b"PK")  # an xlsx is a zip archive
        response = self.commission.action_export_waiting_list()
        self.assertEqual(response["url"], f"/childcare/commission/{self.commission.id}/waiting_list.xlsx")

    def test_confirm_refuses_more_than_available(self):
        place = self.commission.place_ids.filtered(lambda p: p.capacity_id == self.c1_babies)
        place.places_available = 1
        with self.assertRaisesRegex(UserError, "more places than available"):
            self.commission.action_confirm()
        self.assertEqual(self.apps["A01"].state, "complete")


@tagged("post_install", "-at_install")
class TestAllocationCreationOrder(EnrollmentCase):
    def test_reverse_creation_order_same_result(self):
        apps = self.build_scenario(reverse=True)
        commission = self.new_commission()
        commission.action_allocate()
        placed = {label: app.allocation_structure_id for label, app in apps.items() if app.allocation_structure_id}
        self.assertEqual(
            placed,
            {
                "A01": self.crib_1,
                "A02": self.crib_1,
                "A03": self.crib_2,
                "A04": self.crib_3,
                "A05": self.crib_1,
                "A06": self.crib_2,
            },
        )
        self.assertEqual([apps[label].allocation_order for label in sorted(apps)], list(range(1, 13)))
