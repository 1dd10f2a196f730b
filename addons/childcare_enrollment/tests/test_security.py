"""Applications and contracts as an attacker sees them (JSON-RPC with any values, cold cache), and the
shared pre-registration as the staff of every chosen structure must see it."""

import io

import openpyxl

from odoo import Command
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EnrollmentCase


def view_spec(model, view_type):
    """The ``web_read`` specification the web client sends for ``view_type`` of ``model``: every field of
    the view, many2ones with their display name, x2manys with the fields of their sub-views."""
    result = model.get_views([(False, view_type)])
    models = result["models"]

    def spec(model_name, depth=0):
        fields = {}
        for name, descr in models[model_name]["fields"].items():
            if descr["type"] == "many2one":
                fields[name] = {"fields": {"display_name": {}}}
            elif descr["type"] in ("one2many", "many2many"):
                relation = descr["relation"]
                sub = spec(relation, depth + 1) if relation in models and depth < 1 else {"display_name": {}}
                fields[name] = {"fields": sub}
            else:
                fields[name] = {}
        return fields

    return {"display_name": {}, **spec(model._name)}


@tagged("post_install", "-at_install")
class TestEnrollmentSecurity(EnrollmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A chooses crèche 1 then 2; B chooses crèche 2 only; C chooses crèche 3 then 1.
        cls.app_a = cls.new_application(cls.new_child(cls.family_a, "Alice", 6), [cls.crib_1, cls.crib_2], 10)
        cls.app_b = cls.new_application(cls.new_child(cls.family_b, "Bram", 6), [cls.crib_2], 20)
        cls.app_c = cls.new_application(cls.new_child(cls.family_b, "Cleo", 6), [cls.crib_3, cls.crib_1], 15)
        # D and E wait for crèche 1 (its one free baby place goes to A)
        cls.app_d = cls.new_application(cls.new_child(cls.family_a, "Dora", 6), [cls.crib_1, cls.crib_3], 5)
        cls.app_e = cls.new_application(cls.new_child(cls.family_b, "Emil", 6), [cls.crib_1], 3)
        Enrollment = cls.env["childcare.enrollment"]
        cls.enr_a = Enrollment.create(
            {"child_id": cls.app_a.child_id.id, "structure_id": cls.crib_1.id, "date_start": cls.start}
        )
        cls.enr_b = Enrollment.create(
            {"child_id": cls.app_b.child_id.id, "structure_id": cls.crib_2.id, "date_start": cls.start}
        )
        cls.commission = cls.new_commission()
        cls.commission.action_allocate()

    # ------------------------------------------------------------------ finding 1
    def test_staff_cannot_repoint_their_contract_to_another_child(self):
        staff = self.user_staff_s1
        other_child = self.app_b.child_id  # placed in crèche 2
        self.assertRefused(staff, self.enr_a, {"child_id": other_child.id})
        self.assertRefused(staff, self.enr_a, {"structure_id": self.crib_2.id})
        self.assertRefused(staff, self.enr_a, {"family_id": self.family_b.id})
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(staff, other_child).read(["name", "family_ids"])

    def test_staff_cannot_change_contract_terms_nor_state(self):
        staff = self.user_staff_s1
        for values in (
            {"date_start": self.start.replace(day=1)},
            {"date_end": self.start},
            {"rate_plan_ref": "FREE"},
            {"state": "running"},
            {"schedule_line_ids": [Command.create({"weekday": "5", "hour_from": 8, "hour_to": 18})]},
        ):
            self.assertRefused(staff, self.enr_a, values)
        for action in ("action_start", "action_end", "action_reset_draft"):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                getattr(self.as_user(staff, self.enr_a), action)()
        self.assertEqual(self.enr_a.state, "draft")
        # they keep their notes on it
        self.as_user(staff, self.enr_a).write({"note": "<p>Comes by bus</p>"})
        self.assertIn("bus", self.enr_a.note)
        # municipal staff move the contract through its states
        self.as_user(self.user_manager, self.enr_a).action_start()
        self.assertEqual(self.enr_a.state, "running")

    # ------------------------------------------------------------------ finding 5
    def test_portal_parents_do_not_read_internal_notes(self):
        self.app_a.note = "<p>Mother called twice</p>"
        self.enr_a.note = "<p>Unpaid last year</p>"
        manual = self.app_a.point_ids.filtered(lambda p: not p.criterion_id)
        self.assertEqual(manual.justification, "Test score")
        parent = self.user_portal_a
        for record, field in ((self.app_a, "note"), (self.enr_a, "note"), (manual, "justification")):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(parent, record).read([field])
        self.assertEqual(self.as_user(parent, manual).display_name, "Manual adjustment")
        self.assertEqual(self.as_user(parent, self.app_a).read(["score"])[0]["score"], self.app_a.score)
        self.assertEqual(self.as_user(self.user_manager, manual).display_name, "Test score")

    # ------------------------------------------------------------------ finding 6
    def test_reading_an_application_does_not_allow_refreshing_its_points(self):
        staff = self.user_staff_s1
        points = self.app_a.point_ids.read(["points", "is_met"])
        # a new common criterion: refreshing the points would add its line to the application
        self.env["childcare.priority.criterion"].create(
            {"name": "Resident", "code": "RES_T", "apply_mode": "computed", "computed_rule": "resident", "points": 7}
        )
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(staff, self.app_a).action_refresh_points()
        self.env.invalidate_all()
        self.assertEqual(self.app_a.point_ids.read(["points", "is_met"]), points)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_a, self.app_a).action_refresh_points()
        self.as_user(self.user_manager, self.app_a).action_refresh_points()
        self.env.invalidate_all()
        self.assertNotEqual(self.app_a.point_ids.read(["points", "is_met"]), points)

    # ------------------------------------------------------------------ the shared file, seen by staff
    def test_staff_open_every_application_of_their_kanban(self):
        staff = self.user_staff_s1
        Application = self.as_user(staff, self.env["childcare.application"])
        kanban = Application.web_search_read([], view_spec(Application, "kanban"))
        ids = {row["id"] for row in kanban["records"]}
        self.assertEqual(ids, set((self.app_a | self.app_c | self.app_d | self.app_e).ids))
        form_spec = view_spec(Application, "form")
        for application in self.app_a | self.app_c | self.app_d | self.app_e:
            values = self.as_user(staff, application).web_read(form_spec)[0]
            choices = {c["structure_id"]["display_name"] for c in values["choice_ids"]}
            self.assertEqual(choices, set(application.choice_ids.structure_id.mapped("name")))
            self.assertIn(application.choice_ids.structure_id[:1].name, values["allocation_note"])
            self.assertEqual(values["display_name"], application.display_name)
        # ... and nothing else of the other structures
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(staff, self.crib_3).read(["name"])
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(staff, self.crib_3.capacity_ids).read(["places"])

    def test_staff_export_their_waiting_lists_with_a_cold_cache(self):
        staff = self.user_staff_s1
        content = self.as_user(staff, self.commission)._waiting_list_xlsx()
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        waiting_c1 = self.commission.application_ids.choice_ids.filtered(
            lambda c: c.structure_id == self.crib_1 and c.allocation_status == "waiting"
        )
        self.assertEqual(waiting_c1.application_id, self.app_d | self.app_e)
        titles = workbook.sheetnames
        self.assertTrue(all(self.crib_2.name not in t and self.crib_3.name not in t for t in titles), titles)
        rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
        self.assertEqual(len(rows), len(waiting_c1))


@tagged("post_install", "-at_install")
class TestCommissionSessions(EnrollmentCase):
    def test_two_sessions_never_allocate_the_same_places(self):
        apps = [
            self.new_application(self.new_child(self.family_a, f"Kid{n}", 6), [self.crib_1], 10 - n) for n in range(4)
        ]
        first = self.new_commission(self.crib_1)
        second = self.new_commission(self.crib_1 | self.crib_2)
        first.action_allocate()
        self.assertEqual(first.placed_count, 2)  # the two baby places of crèche 1
        with self.assertRaisesRegex(UserError, first.name):
            second.action_allocate()
        self.assertEqual(second.state, "draft")
        self.assertFalse(self.env["childcare.application"].search([("commission_id", "=", second.id)]))
        # once the first session's offers are sent, its places are taken for the second
        first.action_confirm()
        second.action_allocate()
        offered = self.env["childcare.application"].search(
            [("id", "in", [a.id for a in apps]), ("state", "=", "offered")]
        )
        allocated_again = self.env["childcare.application"].search(
            [("commission_id", "=", second.id), ("allocation_structure_id", "=", self.crib_1.id)]
        )
        self.assertEqual(len(offered), 2)
        self.assertFalse(allocated_again, "crèche 1 has no place left: nothing is given twice")
        self.assertEqual(second.place_ids.filtered(lambda p: p.capacity_id == self.c1_babies).places_available, 0)

    def test_allocated_rank_is_the_familys_rank(self):
        application = self.new_application(self.new_child(self.family_a, "Rank", 6), [self.crib_3, self.crib_1], 5)
        session = self.new_commission(self.crib_1)
        session.action_allocate()
        self.assertEqual(application.allocation_structure_id, self.crib_1)
        self.assertEqual(application.allocation_rank, 2, "crèche 1 is the family's second choice")
