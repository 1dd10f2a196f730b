"""Every portal route and every route of the suite, called by family A's guardian with family B's ids.

The routes are read from Odoo's routing map (``ir.http.routing_map()``): a route added tomorrow is swept
without anyone remembering to. Each ``<int:...>`` / ``<model(...):...>`` argument is replaced by the id of
family B's record of that name (``ID_MAP``); an argument of an unknown name fails the test, asking to map it.
A route answers 403, 404, a redirect, or a page (or JSON) holding none of family B's marker strings (names,
references), and none of family B's records is changed."""

import json
import logging
import re
from datetime import date, datetime, timedelta

from odoo import Command, http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCase, routing_rules
from .test_invoice import HouseholdInvoicesMixin

_logger = logging.getLogger(__name__)

#: the modules of the suite: their routes are swept whatever their path
SUITE_MODULES = ("childcare_", "youth_camps", "citizen_portal")
#: route arguments -> the attribute of the test holding family B's record (or a neutral value: pages, countries)
ID_MAP = {
    "family_id": "family_b",
    "child_id": "child_b1",
    "person_id": "pickup_b",
    "income_id": "income_b",
    "application_id": "application_b",
    "invoice_id": "invoice_b_oct",
    "attestation_id": "attestation_b",
    "registration_id": "registration_b",
    "request_id": "request_b",
    "attachment_id": "letter_b",
    "sheet_id": "attendance_sheet_b",
    "medical_sheet_id": "sheet_b1",
    "structure_id": "structure_s2",
    "run_id": "run_b",
    "commission_id": "commission_b",
    "journal_id": "journal",
    "country": "country_be",
    "page": None,  # a page number: 2
}
#: the answers that reveal nothing by themselves
REFUSED = {401, 403, 404, 405, 400, 410, 422}
LOGGERS = ("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models", "odoo.addons.base.models.ir_model")


@tagged("post_install", "-at_install")
class TestPortalRouteSweep(PortalCase, HouseholdInvoicesMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoices()
        env = cls.env
        cls.country_be = env.ref("base.be")
        cls.pickup_b = env["childcare.pickup.person"].create({"child_id": cls.child_b1.id, "name": "Oma Janssens"})
        cls.application_b = env["childcare.application"].create(
            {"child_id": cls.child_b1.id, "date_start": date.today() + timedelta(days=90)}
        )
        cls.request_b = env["youth_camps.request"].create({"family_id": cls.family_b.id})
        event = env["event.event"].create(
            {
                "name": "Stage Janssens",
                "date_begin": datetime.now() + timedelta(days=30),
                "date_end": datetime.now() + timedelta(days=34),
            }
        )
        cls.registration_b = env["event.registration"].create(
            {
                "event_id": event.id,
                "name": "Lars Janssens",
                "family_id": cls.family_b.id,
                "child_id": cls.child_b1.id,
                "partner_id": cls.user_portal_b.partner_id.id,
            }
        )
        cls.letter_b = env["ir.attachment"].create(
            {
                "name": "Decision Janssens.pdf",
                "raw": b"%PDF-1.4\n% Decision for Lars Janssens\n%%EOF",
                "mimetype": "application/pdf",
                "res_model": "childcare.family",
                "res_id": cls.family_b.id,
            }
        )
        batch = env["childcare.tax.attestation.batch"].create({"company_id": cls.company.id, "year": 2024})
        cls.attestation_b = env["childcare.tax.attestation"].create(
            {
                "batch_id": batch.id,
                "child_id": cls.child_b1.id,
                "family_id": cls.family_b.id,
                "partner_id": cls.user_portal_b.partner_id.id,
                "state": "issued",
                "line_ids": [
                    Command.create(
                        {
                            "date_from": date(2024, 9, 1),
                            "date_to": date(2024, 9, 30),
                            "days": 10,
                            "amount": 123.45,
                        }
                    )
                ],
            }
        )
        cls.attestation_b.attachment_id = env["ir.attachment"].create(
            {
                "name": "Attestation Janssens.pdf",
                "raw": b"%PDF-1.4\n% 281.86 Lars Janssens\n%%EOF",
                "mimetype": "application/pdf",
                "res_model": "childcare.family",
                "res_id": cls.family_b.id,
            }
        )
        cls.attendance_sheet_b = env["childcare.attendance.sheet"].create(
            {"structure_id": cls.structure_s2.id, "date_month": date(2025, 10, 1)}
        )
        cls.run_b = cls.run_sept
        cls.commission_b = env["childcare.commission"].create(
            {
                "date_start": date.today() + timedelta(days=90),
                "date_to": date.today() + timedelta(days=120),
                "structure_ids": [Command.set(cls.structure_s2.ids)],
            }
        )

    # ------------------------------------------------------------------ the routes
    def _suite_routes(self):
        """[(rule, endpoint)] of the routing map under ``/my`` or defined (or overridden) by the suite."""
        routes = []
        for rule, endpoint, modules in routing_rules(self.env):
            if rule.rule.startswith("/my") or any(module.startswith(SUITE_MODULES) for module in modules):
                routes.append((rule, endpoint))
        return routes

    def _values(self):
        """{route argument: value} with family B's ids."""
        values = {}
        for argument, attribute in ID_MAP.items():
            values[argument] = 2 if attribute is None else getattr(self, attribute).id
        return values

    def _url(self, rule, values):
        unknown = [argument for argument in rule.arguments if argument not in values]
        self.assertFalse(
            unknown,
            f"The route {rule.rule} takes {', '.join(unknown)}: map it to a record of family B in ID_MAP "
            "(tests/test_route_sweep.py) so the sweep calls it with another family's id.",
        )
        return re.sub(r"<(?:[^<>]*:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)

    def _markers(self):
        """Strings only family B's records hold."""
        candidates = {
            self.family_b.name,
            self.child_b1.first_name,
            self.child_b1.name,
            self.invoice_b_oct.name,
            self.invoice_b_oct.payment_reference,
            self.application_b.name,
            self.request_b.name,
            self.pickup_b.name,
            "Ventolin",  # B's medical sheet
            "4,200.00",  # B's declared income
        }
        return {marker for marker in candidates if marker and len(marker) >= 4 and marker not in ("New", "Nouveau")}

    def _snapshot(self):
        records = [
            self.family_b,
            self.child_b1,
            self.sheet_b1,
            self.income_b,
            self.pickup_b,
            self.application_b,
            self.request_b,
            self.registration_b,
            self.invoice_b_oct,
            self.attestation_b,
        ]
        self.env.invalidate_all()
        return {
            f"{record._name},{record.id}": record.exists() and record.read(["write_date"])[0]["write_date"]
            for record in records
        }

    def _sweep(self, routes, values, markers, csrf_token=None):
        """Call every route of ``routes`` with ``values``: (leaks, crashes, swept)."""
        leaks, crashes, swept = [], [], []
        for rule, endpoint in sorted(routes, key=lambda item: item[0].rule):
            url = self._url(rule, values)
            routing = endpoint.routing
            methods = set(routing.get("methods") or ["GET"]) - {"OPTIONS"}
            if "/logout" in url:
                continue
            with mute_logger(*LOGGERS):
                if routing.get("type") == "jsonrpc":
                    response = self.url_open(
                        url,
                        data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": dict(values)}),
                        headers={"Content-Type": "application/json"},
                        allow_redirects=False,
                    )
                elif "GET" in methods:
                    response = self.url_open(url, allow_redirects=False)
                else:
                    data = {**values, "csrf_token": csrf_token} if csrf_token else dict(values)
                    response = self.url_open(url, data=data, allow_redirects=False)
            swept.append(f"{response.status_code} {url}")
            body = response.text if response.content else ""
            location = response.headers.get("Location", "")
            found = sorted(marker for marker in markers if marker in body or marker in location)
            if found:
                leaks.append(f"{url} ({response.status_code}): {', '.join(found)}")
            if response.status_code >= 500:
                crashes.append(f"{url} ({response.status_code})")
        return leaks, crashes, swept

    def test_sweep_as_the_public(self):
        """Nobody signed in: the same routes, the same ids, nothing of family B (nor its medical sheet)."""
        before = self._snapshot()
        leaks, crashes, swept = self._sweep(self._suite_routes(), self._values(), self._markers())
        _logger.info("Public route sweep: %s routes", len(swept))
        self.assertFalse(leaks, "family B's data reached the public:\n" + "\n".join(leaks))
        self.assertGreater(len(swept), 30)
        self.assertEqual(self._snapshot(), before, "family B's records were changed by the public")
        if crashes:
            _logger.warning("Routes crashing for the public (no data shown):\n%s", "\n".join(crashes))

    def test_sweep_with_another_familys_ids(self):
        routes = self._suite_routes()
        paths = {rule.rule for rule, _endpoint in routes}
        # the sweep sees the portal's own pages and Odoo's (a routing map read wrongly would sweep nothing)
        for path in ("/my", "/my/invoices", "/my/invoices/<int:invoice_id>", "/my/documents",
                     "/my/attestations/tax/<int:attestation_id>"):  # fmt: skip
            self.assertIn(path, paths)
        values = self._values()
        markers = self._markers()
        before = self._snapshot()
        self.sign_in(self.user_portal_a)
        csrf_token = http.Request.csrf_token(self)
        leaks, crashes, swept = self._sweep(routes, values, markers, csrf_token)
        _logger.info("Route sweep: %s routes\n%s", len(swept), "\n".join(swept))
        self.assertFalse(leaks, "family B's data reached family A's guardian:\n" + "\n".join(leaks))
        self.assertGreater(len(swept), 30)
        self.assertEqual(self._snapshot(), before, "family B's records were changed by family A's guardian")
        if crashes:
            _logger.warning("Routes crashing on another family's ids (no data shown):\n%s", "\n".join(crashes))
