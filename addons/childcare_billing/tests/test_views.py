from lxml import etree

from odoo import Command
from odoo.addons.childcare_base.tests.common import ChildcareCase
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import WAIT_FOR
from .test_export import RunExportCase

#: the window actions of the addon, and who opens them
MANAGER_ACTIONS = [
    "childcare_billing.childcare_rate_table_action",
    "childcare_billing.childcare_rate_plan_action",
    "childcare_billing.childcare_child_rate_input_action",
    "childcare_billing.childcare_school_holiday_action",
    "childcare_billing.childcare_billing_run_action",
    "childcare_billing.childcare_billing_run_line_action",
    "childcare_billing.childcare_billing_run_line_analysis_action",
    "childcare_billing.childcare_billing_run_failure_action",
]
ACCOUNTANT_ACTIONS = [
    *MANAGER_ACTIONS,
    "childcare_billing.action_childcare_invoices",
    "childcare_billing.action_childcare_billing_analysis",
]


@tagged("post_install", "-at_install")
class TestViews(ChildcareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_accountant = mail_new_test_user(
            cls.env,
            login="cc_views_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def views_of(self, user, xmlid):
        action = self.env.ref(xmlid)
        views = [*action.views, (action.search_view_id.id, "search")]
        model = self.env[action.res_model].with_user(user)
        result = model.get_views(views, {"load_filters": True})
        for mode in [mode for _view, mode in action.views] + ["search"]:
            self.assertIn(mode, result["views"], f"{xmlid}: no {mode} view")
            etree.fromstring(result["views"][mode]["arch"])
        # the search defaults of the action name filters of its search view
        search = etree.fromstring(result["views"]["search"]["arch"])
        names = set(search.xpath("//filter/@name")) | set(search.xpath("//field/@name"))
        for key in (action.context or "").replace("'", '"').split('"'):
            if key.startswith("search_default_"):
                self.assertIn(key.removeprefix("search_default_"), names, f"{xmlid}: unknown {key}")
        return result

    def test_manager_opens_every_view(self):
        for xmlid in MANAGER_ACTIONS:
            with self.subTest(action=xmlid):
                self.views_of(self.user_manager, xmlid)

    def test_accountant_opens_every_view(self):
        for xmlid in ACCOUNTANT_ACTIONS:
            with self.subTest(action=xmlid):
                self.views_of(self.user_accountant, xmlid)

    def test_run_form_buttons(self):
        form = self.views_of(self.user_manager, "childcare_billing.childcare_billing_run_action")["views"]["form"]
        arch = etree.fromstring(form["arch"])
        buttons = set(arch.xpath("//header/button/@name"))
        self.assertLessEqual({"action_compute", "action_post", "action_resume", "action_export_xlsx"}, buttons)
        self.assertTrue(arch.xpath("//field[@name='progress'][@widget='progressbar']"))
        self.assertTrue(arch.xpath("//field[@name='state'][@widget='statusbar']"))
        self.assertTrue(arch.xpath("//chatter"))
        # structure staff get no run button: they have no access to billing runs at all
        self.assertFalse(self.user_staff_s1.has_group("childcare_base.group_childcare_manager"))

    def test_child_form_rate_inputs_for_municipal_staff_only(self):
        Child = self.env["childcare.child"]
        for user, expected in ((self.user_manager, True), (self.user_staff_s1, False)):
            with self.subTest(user=user.login):
                arch = etree.fromstring(Child.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"])
                self.assertEqual(bool(arch.xpath("//page[@name='rate_inputs']")), expected)

    def test_invoice_form_childcare_group(self):
        Move = self.env["account.move"].with_user(self.user_accountant)
        arch = etree.fromstring(Move.get_views([(False, "form")])["views"]["form"]["arch"])
        group = arch.xpath("//group[@name='childcare_group']")
        self.assertTrue(group)
        # ours first, in this order (addons such as youth_camps add theirs after)
        self.assertEqual(
            group[0].xpath("./field/@name")[:5],
            ["childcare_kind", "childcare_family_id", "childcare_structure_id", "childcare_period", "childcare_run_id"],
        )
        search = etree.fromstring(Move.get_views([(False, "search")])["views"]["search"]["arch"])
        self.assertTrue(search.xpath("//filter[@name='childcare_period'][@date='childcare_period']"))
        self.assertTrue(search.xpath("//filter[@name='group_by_childcare_family']"))

    def test_analysis_reads_billed_amounts(self):
        """The pivot's default grouping (structure x billed month, price_subtotal) runs for an accountant."""
        action = self.env.ref("childcare_billing.action_childcare_billing_analysis")
        Line = self.env["account.move.line"].with_user(self.user_accountant)
        groups = Line.formatted_read_group(
            safe_eval(action.domain), ["childcare_structure_id", "childcare_period:month"], ["price_subtotal:sum"]
        )
        self.assertIsInstance(groups, list)


@tagged("post_install", "-at_install")
class TestViewsInBrowser(HttpCase, RunExportCase):
    """The views render in the web client (kanban, form with its lines, pivot, graph) without a JS error."""

    def render(self, url, selector, user):
        self.browser_js(url, WAIT_FOR % selector, "odoo.isReady === true", login=user.login)

    def test_billing_views_render(self):
        run_action = "/odoo/action-childcare_billing.childcare_billing_run_action"
        line_action = "/odoo/action-childcare_billing.childcare_billing_run_line_analysis_action"
        pages = [
            (f"{run_action}?view_type=kanban", ".o_kanban_record:not(.o_kanban_ghost)"),
            (f"{run_action}?view_type=list", ".o_list_view .o_data_row"),
            (f"{run_action}/{self.billing_run.id}", ".o_form_view .o_field_one2many .o_data_row"),
            (f"{line_action}?view_type=pivot", ".o_pivot table"),
            (f"{line_action}?view_type=graph", ".o_graph_renderer canvas"),
            (f"{line_action}?view_type=list", ".o_list_view .o_data_row"),
            (f"/odoo/action-childcare_billing.childcare_rate_plan_action/{self.plan.id}", ".o_form_view .o_notebook"),
            ("/odoo/action-childcare_billing.childcare_rate_table_action", ".o_list_view"),
            ("/odoo/action-childcare_billing.childcare_school_holiday_action", ".o_list_view"),
            (
                f"/odoo/action-childcare_base.childcare_child_action/{self.child_a1.id}",
                ".o_notebook a[name='rate_inputs']",
            ),
        ]
        for url, selector in pages:
            with self.subTest(url=url):
                self.render(url, selector, self.user_manager)

    def test_accounting_views_render(self):
        analysis = "/odoo/action-childcare_billing.action_childcare_billing_analysis"
        pages = [
            (f"{analysis}?view_type=pivot", ".o_pivot table"),
            (f"{analysis}?view_type=graph", ".o_graph_renderer canvas"),
            (f"{analysis}?view_type=list", ".o_list_view .o_data_row"),
            ("/odoo/action-childcare_billing.action_childcare_invoices", ".o_list_view .o_group_header"),
            (f"/odoo/action-account.action_move_out_invoice/{self.invoice.id}", ".o_form_view .o_notebook"),
            (
                f"/odoo/action-childcare_billing.childcare_billing_run_action/{self.billing_run.id}",
                ".o_form_view .o_field_one2many .o_data_row",
            ),
            ("/odoo/action-childcare_billing.childcare_billing_run_action?view_type=kanban", ".o_kanban_record"),
            ("/odoo/action-childcare_billing.childcare_billing_run_line_action", ".o_list_view .o_data_row"),
        ]
        for url, selector in pages:
            with self.subTest(url=url):
                self.render(url, selector, self.user_accountant)
