"""Accessibility measured, not promised: axe-core (npm, pinned in the repository's package-lock.json) runs in
headless Chromium over every page of the citizen portal, signed in as family A's guardian, and finds no serious
or critical violation of the WCAG 2.1 A/AA rules.

Every page holds real content (at least one record in each list and each detail page): family A's invoices
(``HouseholdInvoicesMixin``), a paid camp request and a camp in the cart (youth_camps' ``CampCase``), a
pre-registration with a place offered, an issued tax attestation and a letter of the municipality.

The pages are checked against the routing map: a GET route of citizen_portal neither checked here nor listed
in ``EXCLUDED_ROUTES`` (with its reason) fails the test, so a new page is noticed.

axe-core comes from ``node_modules/`` at the repository root (``make setup`` runs ``npm ci``); the browser
reads it from an attachment of the test (``/web/content``) rather than from the test code: the code
``browser_js`` evaluates is logged and printed in full when it fails, and axe is 650 kB."""

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.youth_camps.tests.common import CampCase
from odoo.tests import tagged

from ..controllers.portal_camp import CART_KEY
from .common import PortalCase, routing_rules
from .test_invoice import HouseholdInvoicesMixin

_logger = logging.getLogger(__name__)

#: the repository root: addons/citizen_portal/tests -> parents[3]
REPOSITORY = Path(__file__).resolve().parents[3]
AXE_PATH = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
#: the WCAG 2.1 level A and AA rules of axe
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: the impacts that fail the test
FAILING_IMPACTS = ["serious", "critical"]

#: GET routes of citizen_portal not checked, with the reason (a page of its own must be checked instead)
EXCLUDED_ROUTES = {
    "/my/applications/page/<int:page>": "the list's next pages: the template of /my/applications",
    "/my/camps/page/<int:page>": "the catalogue's next pages: the template of /my/camps",
    "/my/camp_requests/page/<int:page>": "the list's next pages: the template of /my/camp_requests",
    "/my/invoices/page/<int:page>": "the list's next pages: the template of /my/invoices",
    "/my/documents/<int:attachment_id>": "a PDF download, not a page",
    "/my/attestations/tax/<int:attestation_id>": "a PDF download, not a page",
    "/my/attestations/health_fund/<int:registration_id>": "a PDF download, not a page",
}

#: Violations of Odoo's own layout (website header and footer, portal layout), which the suite does not
#: rewrite: (rule id, target selector of axe) -> the reason. Keep it minimal: each entry is one element.
EXCLUDED_VIOLATIONS = {
    ("link-in-text-block", '.o_brand_promotion > a[target="_blank"]:nth-child(2)'): (
        'Odoo\'s footer (web.brand_promotion_message): the link "Odoo" of "Powered by Odoo" is told from its '
        "sentence by its colour only"
    ),
    ("frame-title", "#invoice_html"): (
        "Odoo's invoice page (account.portal_invoice_page): the iframe showing the invoice has no title"
    ),
}

#: the code run in the page: loads axe, runs the WCAG 2.1 A/AA rules, logs "test successful" or
#: console.error with each serious or critical violation (rule, impact, help, the first target selectors).
AXE_CODE = """
(async () => {
    const axeUrl = %(axe_url)s;
    const tags = %(tags)s;
    const failing = %(failing)s;
    const excluded = %(excluded)s;
    if (!window.axe) {
        const response = await fetch(axeUrl);
        if (!response.ok) {
            console.error(`axe-core could not be loaded from ${axeUrl}: ${response.status}`);
            return;
        }
        const script = document.createElement("script");
        script.textContent = await response.text();
        document.head.appendChild(script);
    }
    // Odoo's frontend starts its interactions and loads lazy bundles (the portal chatter) after the load
    // event: wait until no resource has been loaded for half a second (at most 10 s)
    let loaded = -1;
    for (let quiet = 0, tries = 0; quiet < 5 && tries < 100; tries++) {
        const now = performance.getEntriesByType("resource").length;
        quiet = now === loaded ? quiet + 1 : 0;
        loaded = now;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    const problems = [];
    for (const violation of results.violations) {
        const nodes = violation.nodes.filter(
            (node) => failing.includes(node.impact || violation.impact)
                && !excluded.includes(`${violation.id} ${node.target.join(" ")}`)
        );
        if (nodes.length) {
            const targets = nodes.slice(0, 5).map(
                (node) => `  at ${node.target.join(" ")}: ${node.failureSummary.replace(/\\s+/g, " ")}`
            );
            problems.push(
                `- ${violation.id} (${violation.impact}, ${nodes.length} element(s)): ${violation.help} `
                + `(${violation.helpUrl})\\n${targets.join("\\n")}`
            );
        }
    }
    if (problems.length) {
        console.error(
            `axe-core: ${problems.length} serious or critical WCAG 2.1 A/AA violation(s) on `
            + `${location.pathname}${location.search}:\\n${problems.join("\\n")}`
        );
    } else {
        console.log("test successful");
    }
})()
"""


@tagged("post_install", "-at_install")
class TestPortalAccessibility(PortalCase, CampCase, HouseholdInvoicesMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # invoices: September (Léa) and October (Léa and Tom) of family A
        cls.setup_invoices()
        # camps: a bus stop to choose, Emma's paid request (the request list and page), Noah in the cart
        cls.camp.write({"website_published": True, "camp_bus_service": True})
        cls.camp_art = cls.create_camp("Art week", cls.camp_first_day + timedelta(days=7), website_published=True)
        cls.bus_route = env["youth_camps.bus.route"].create(
            {
                "name": "North loop",
                "vehicle_capacity": 10,
                "camp_ids": [Command.set(cls.camp.ids)],
                "stop_ids": [Command.create({"name": "Feluy church", "pickup_time": 7.75, "dropoff_time": 17})],
            }
        )
        # Emma's week is invoiced and paid (a "paid" request, a health-fund attestation)
        (cls.product_resident | cls.product_non_resident).taxes_id = False
        Request = env["youth_camps.request"]
        cls.camp_request, _registrations = Request._camp_register(
            cls.family_a, cls.user_portal_a.partner_id, [{"child": cls.child_emma, "event": cls.camp_art}]
        )
        Request._cron_camp_invoice()
        camp_invoice = env["account.move"].search(
            [("youth_camps_request_id", "=", cls.camp_request.id), ("move_type", "=", "out_invoice")]
        )
        env["account.payment.register"].with_context(active_model="account.move", active_ids=camp_invoice.ids).create(
            {"payment_date": cls.today}
        )._create_payments()
        cls.cart = [
            {
                "child_id": cls.child_noah.id,
                "event_id": cls.camp.id,
                "slot_id": 0,
                "bus_stop_id": cls.bus_route.stop_ids.id,
            }
        ]
        # a pre-registration of Léa with a place offered (the accept and decline buttons)
        today = fields.Date.context_today(env["childcare.application"].with_user(cls.user_portal_a))
        cls.date_start = today.replace(day=1) + relativedelta(months=2)
        env["childcare.rate.plan"].create(
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
        application = (
            env["childcare.application"]
            .with_user(cls.user_portal_a)
            .portal_submit(
                {
                    "child_id": cls.child_a1.id,
                    "date_start": cls.date_start,
                    "structure_ids": cls.structure_s1.ids,
                    "schedule": [{"weekday": "1", "hour_from": 8.0, "hour_to": 16.0}],
                }
            )
        )
        cls.application = application.with_env(env)
        age = cls.child_a1.age_months_on(cls.date_start)
        capacity = cls.structure_s1.capacity_ids.filtered(lambda c: c.age_min_months <= age < c.age_max_months)
        cls.application._make_offer(cls.structure_s1, capacity[:1], today + timedelta(days=7))
        # documents: an issued tax attestation 281.86 and a letter of the municipality
        batch = env["childcare.tax.attestation.batch"].create({"company_id": cls.company.id, "year": 2024})
        cls.attestation = env["childcare.tax.attestation"].create(
            {
                "batch_id": batch.id,
                "child_id": cls.child_a1.id,
                "family_id": cls.family_a.id,
                "partner_id": cls.user_portal_a.partner_id.id,
                "state": "issued",
                "date_issued": "2025-02-15 10:00:00",
                "line_ids": [
                    Command.create({"date_from": "2024-09-01", "date_to": "2024-12-31", "days": 60, "amount": 812.40})
                ],
            }
        )
        cls.attestation.number = cls.attestation.id
        Attachment = env["ir.attachment"]
        cls.attestation.attachment_id = Attachment.create(
            {
                "name": "Attestation 281.86.pdf",
                "raw": b"%PDF-1.4\n% 281.86\n%%EOF",
                "mimetype": "application/pdf",
                "res_model": "childcare.family",
                "res_id": cls.family_a.id,
            }
        )
        Attachment.create(
            {
                "name": "Offer of a place.pdf",
                "raw": b"%PDF-1.4\n% offer of a place\n%%EOF",
                "mimetype": "application/pdf",
                "res_model": "childcare.application",
                "res_id": cls.application.id,
            }
        )
        env.flush_all()

    def authenticate(self, user, password, *, browser=None, session_extra=None):
        # every page is read with Noah in the camp cart (a session value, as the cart's form leaves it)
        session_extra = {CART_KEY: self.cart, **(session_extra or {})}
        return super().authenticate(user, password, browser=browser, session_extra=session_extra)

    # ------------------------------------------------------------------ the pages
    def _pages(self):
        """[(route, url)]: each page of the portal with real content; the route is the routing map's rule."""
        hours = "&".join(f"hours_{day}=9" for day in range(5))
        return [
            ("/my", "/my"),
            ("/my/family", "/my/family"),
            ("/my/children/<int:child_id>", f"/my/children/{self.child_a1.id}"),
            ("/my/applications", "/my/applications"),
            ("/my/applications/new", "/my/applications/new"),
            (
                "/my/applications/new",
                f"/my/applications/new?child_id={self.child_a1.id}&date_start={self.date_start}",
            ),
            ("/my/applications/<int:application_id>", f"/my/applications/{self.application.id}"),
            ("/my/simulator", "/my/simulator"),
            (
                "/my/simulator",
                f"/my/simulator?structure_id={self.structure_s1.id}&income=3000&children=2&is_resident=1&{hours}",
            ),
            ("/my/camps", "/my/camps"),
            ("/my/camps", f"/my/camps?child_id={self.child_a1.id}"),  # a child no camp takes: the reasons
            ("/my/camps/cart", "/my/camps/cart"),
            ("/my/camp_requests", "/my/camp_requests"),
            ("/my/camp_requests/<int:request_id>", f"/my/camp_requests/{self.camp_request.id}"),
            ("/my/invoices", "/my/invoices"),
            ("/my/invoices/<int:invoice_id>", f"/my/invoices/{self.invoice_a_oct.id}"),
            ("/my/attestations", "/my/attestations"),
            ("/my/documents", "/my/documents"),
        ]

    def _citizen_portal_get_routes(self):
        """The rules of the routing map whose GET page is citizen_portal's (defined or overridden there)."""
        rules = set()
        for rule, endpoint, modules in routing_rules(self.env):
            routing = endpoint.routing
            methods = routing.get("methods")
            if "citizen_portal" in modules and routing.get("type") == "http" and (not methods or "GET" in methods):
                rules.add(rule.rule)
        return rules

    def test_every_page_is_checked(self):
        routes = self._citizen_portal_get_routes()
        # the routing map is read right: the portal's own pages are in it
        self.assertIn("/my/family", routes)
        self.assertIn("/my/camp_requests/<int:request_id>", routes)
        checked = {route for route, _url in self._pages()}
        missing = sorted(routes - checked - set(EXCLUDED_ROUTES))
        self.assertFalse(
            missing,
            "GET routes of citizen_portal neither checked by axe nor excluded: add a page with real content to "
            "TestPortalAccessibility._pages() (or the route and its reason to EXCLUDED_ROUTES):\n" + "\n".join(missing),
        )
        # the exclusions and the pages are still routes of the portal (or Odoo's pages the portal extends)
        self.assertFalse(set(EXCLUDED_ROUTES) - routes, "EXCLUDED_ROUTES lists routes that no longer exist")
        for route, url in self._pages():
            self.assertRegex(url.split("?")[0], "^" + re.sub(r"<int:\w+>", r"\\d+", route) + "$")

    def test_no_serious_or_critical_violation(self):
        if not AXE_PATH.is_file():
            self.fail(
                f"axe-core is not installed ({AXE_PATH} is missing): run the set-up (`make setup`, which runs "
                "`npm ci --no-audit --no-fund` at the repository root) before the tests."
            )
        axe = self.env["ir.attachment"].create(
            {"name": "axe.min.js", "raw": AXE_PATH.read_bytes(), "mimetype": "text/plain", "public": True}
        )
        code = AXE_CODE % {
            "axe_url": json.dumps(f"/web/content/{axe.id}"),
            "tags": json.dumps(AXE_TAGS),
            "failing": json.dumps(FAILING_IMPACTS),
            "excluded": json.dumps([f"{rule} {target}" for rule, target in EXCLUDED_VIOLATIONS]),
        }
        pages = self._pages()
        passed = 0
        for _route, url in pages:
            with self.subTest(page=url):
                self.browser_js(url, code, ready="document.readyState === 'complete'", login=self.login_a)
                passed += 1
        _logger.info("axe-core: %s of %s portal pages without serious or critical violation", passed, len(pages))
