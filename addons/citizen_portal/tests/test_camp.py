"""Camps on the citizen portal: the catalogue for the parent's children, the cart that sends several children
to several camps in one request, and the family's requests (waiting list, invoice, cancellation).

Fixture (youth_camps' ``CampCase``, published on the website): ``camp`` "Nature week" (6-12 years, P1-P6,
20 seats, resident €100 / non-resident €150) two months from now; family A (resident: guardians
``cc_portal_a`` and ``cc_portal_a2``) with Léa (a baby), Emma (9, P4) and Noah (7, P2); family B (non-resident,
``cc_portal_b``) with Lars and Lucas (8, P3)."""

from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.addons.youth_camps.tests.common import ACCESS_LOGGERS, CampCase
from odoo.exceptions import AccessError, ValidationError
from odoo.http import Request
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger


class CampPortalCase(HttpCase, CampCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        first = cls.camp_first_day
        cls.camp.write({"website_published": True, "camp_bus_service": True})
        # a week later, one seat: the second child of a request waits
        cls.camp_art = cls.create_camp("Art week", first + timedelta(days=7), seats=1, website_published=True)
        # the same days as "Nature week"
        cls.camp_sport = cls.create_camp("Sports week", first, website_published=True)
        # not published: no parent sees it
        cls.camp_hidden = cls.create_camp("Staff rehearsal", first + timedelta(days=14))
        cls.route = cls.env["youth_camps.bus.route"].create(
            {
                "name": "North loop",
                "vehicle_capacity": 10,
                "camp_ids": [Command.set(cls.camp.ids)],
                "stop_ids": [Command.create({"name": "Feluy church", "pickup_time": 7.75, "dropoff_time": 17})],
            }
        )
        cls.stop = cls.route.stop_ids

    # ------------------------------------------------------------------ helpers
    def sign_in(self, user):
        self.authenticate(user.login, user.login)

    def post(self, url, data=None, allow_redirects=True):
        """POST a portal form with the session's CSRF token (as the browser does)."""
        return self.url_open(
            url, data={**(data or {}), "csrf_token": Request.csrf_token(self)}, allow_redirects=allow_redirects
        )

    def page(self, response):
        self.assertEqual(response.status_code, 200, response.text[:500])
        return html.fromstring(response.content)

    def camp_counts(self):
        self.env.invalidate_all()
        return (
            self.env["youth_camps.request"].search_count([]),
            self.env["event.registration"].search_count([("is_camp", "=", True)]),
        )

    def add(self, child, camp, slot=None, stop=None):
        data = {"child_id": child.id, "event_id": camp.id}
        if slot:
            data["slot_id"] = slot.id
        if stop:
            data["bus_stop_id"] = stop.id
        return self.post("/my/camps/cart/add", data)


@tagged("post_install", "-at_install")
class TestPortalCampCatalogue(CampPortalCase):
    def test_catalogue_for_an_eligible_child(self):
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_emma.id}"))
        offered = {int(node.get("data-camp-id")) for node in doc.xpath("//article[contains(@class, 'o_citizen_camp')]")}
        self.assertEqual(offered, {self.camp.id, self.camp_art.id, self.camp_sport.id})
        card = doc.xpath(f"//article[@data-camp-id='{self.camp.id}']")[0]
        text = card.text_content()
        self.assertIn(f"{self.child_emma.name}: eligible", text)
        # the resident price of family A, the seats left, the event page and the bus stop of the route
        self.assertIn("100.00", text)
        self.assertIn("20 seat(s) left", " ".join(text.split()))
        self.assertEqual(card.xpath(".//h3/a/@href"), [self.camp.website_url])
        self.assertEqual(card.xpath(".//select[@name='bus_stop_id']/option/@value"), ["", str(self.stop.id)])
        # every input has its label
        for field in card.xpath(".//select | .//input[not(@type='hidden')]"):
            self.assertTrue(card.xpath(f".//label[@for='{field.get('id')}']"), field.get("name"))
        self.assertNotIn("Staff rehearsal", doc.text_content())
        self.assertNotIn("Léa", doc.xpath(f"//select[@id='camp_child_{self.camp.id}']")[0].text_content())

    def test_catalogue_greys_a_camp_the_child_cannot_go_to(self):
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_a1.id}"))
        self.assertFalse(doc.xpath("//article[contains(@class, 'o_citizen_camp')]"))
        refused = doc.xpath(f"//li[contains(@class, 'o_citizen_camp_refused')][@data-camp-id='{self.camp.id}']")
        self.assertEqual(len(refused), 1)
        self.assertIn(f"{self.child_a1.name} will be", refused[0].text_content())
        self.assertIn("takes children aged 6.0–12.0 years", refused[0].text_content())
        # the helper gives youth_camps' own reasons and writes nothing
        before = self.camp_counts()
        self.assertEqual(self.camp._citizen_camp_refusals(self.child_emma), [])
        self.assertEqual(len(self.camp._citizen_camp_refusals(self.child_a1)), 1)
        self.assertEqual(self.camp_counts(), before)

    def test_catalogue_reasons_of_a_registered_child_and_filters(self):
        self.request(self.family_a, self.child_emma, self.camp)
        self.assertIn("already registered", self.camp_sport._citizen_camp_refusals(self.child_emma)[0])
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_emma.id}"))
        refused = doc.xpath("//li[contains(@class, 'o_citizen_camp_refused')]/@data-camp-id")
        self.assertEqual(sorted(map(int, refused)), sorted((self.camp | self.camp_sport).ids))
        # filters: the week of the art camp, an age, a school level
        week = (self.camp_first_day + timedelta(days=7)).isoformat()
        doc = self.page(self.url_open(f"/my/camps?week={week}"))
        ids = {int(n) for n in doc.xpath("//article[contains(@class, 'o_citizen_camp')]/@data-camp-id")}
        self.assertEqual(ids, set(self.camp_art.ids))
        doc = self.page(self.url_open("/my/camps?age=4"))
        self.assertFalse(doc.xpath("//article[contains(@class, 'o_citizen_camp')]"))
        doc = self.page(self.url_open(f"/my/camps?level=p2&theme={self.theme_nature.id}"))
        ids = {int(n) for n in doc.xpath("//article[contains(@class, 'o_citizen_camp')]/@data-camp-id")}
        self.assertEqual(ids, set((self.camp_art | self.camp | self.camp_sport).ids))

    def test_catalogue_non_resident_price_and_full_camp(self):
        self.request(self.family_a, self.child_emma, self.camp_art)
        self.sign_in(self.user_portal_b)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_lucas.id}"))
        card = doc.xpath(f"//article[@data-camp-id='{self.camp_art.id}']")[0]
        text = " ".join(card.text_content().split())
        self.assertIn("150.00", text)
        self.assertIn("Full: waiting list (0 waiting)", text)
        self.assertNotIn("Emma", doc.text_content())

    def test_catalogue_camp_not_open_yet(self):
        self.camp_art.camp_registration_open = fields.Datetime.now() + timedelta(days=3)
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_emma.id}"))
        card = doc.xpath(f"//article[@data-camp-id='{self.camp_art.id}']")[0]
        self.assertIn("Registrations open on", card.text_content())
        self.assertFalse(card.xpath(".//form"))
        before = self.camp_counts()
        doc = self.page(self.add(self.child_emma, self.camp_art))
        self.assertIn("not open yet", doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")[0].text_content())
        self.assertEqual(self.camp_counts(), before)

    def test_catalogue_refuses_another_familys_child(self):
        self.sign_in(self.user_portal_b)
        response = self.url_open(f"/my/camps?child_id={self.child_emma.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Emma", response.text)


@tagged("post_install", "-at_install")
class TestPortalCampCart(CampPortalCase):
    def test_cart_two_children_two_camps_one_request(self):
        self.sign_in(self.user_portal_a)
        for child, camp, stop in (
            (self.child_emma, self.camp, self.stop),
            (self.child_noah, self.camp, None),
            (self.child_emma, self.camp_art, None),
            (self.child_noah, self.camp_art, None),
        ):
            response = self.add(child, camp, stop=stop)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.url.endswith("/my/camps/cart"), response.url)
        doc = self.page(self.url_open("/my/camps/cart"))
        self.assertEqual(len(doc.xpath("//tr[contains(@class, 'o_citizen_camp_cart_line')]")), 4)
        details = " ".join(doc.xpath("//form[contains(@class, 'o_citizen_camp_submit')]")[0].text_content().split())
        # answers pre-filled from the profile: the guardian's contact and the medical sheets' validity
        self.assertIn("a@example.com", details)
        self.assertEqual(details.count(f"Medical sheet of {self.child_emma.name} valid until"), 1)
        before = self.camp_counts()
        response = self.post("/my/camps/cart/submit", {"note": "Emma is vegetarian"})
        self.assertEqual(response.status_code, 200)
        camp_request = self.env["youth_camps.request"].search([("family_id", "=", self.family_a.id)])
        self.assertEqual(len(camp_request), 1)
        self.assertEqual(self.camp_counts(), (before[0] + 1, before[1] + 4))
        self.assertIn(f"/my/camp_requests/{camp_request.id}", response.url)
        self.assertRecordValues(
            camp_request,
            [{"note": "Emma is vegetarian", "guardian_partner_id": self.user_portal_a.partner_id.id}],
        )
        registrations = camp_request.registration_ids.sorted(lambda r: (r.event_id.id, r.child_id.id))
        expected = {
            (self.camp, self.child_emma): ("validated", 0, self.stop),
            (self.camp, self.child_noah): ("validated", 0, self.stop.browse()),
            (self.camp_art, self.child_emma): ("validated", 0, self.stop.browse()),
            (self.camp_art, self.child_noah): ("waitlisted", 1, self.stop.browse()),
        }
        self.assertEqual(len(registrations), 4)
        for registration in registrations:
            state, position, stop = expected[registration.event_id, registration.child_id]
            self.assertEqual(
                (registration.camp_state, registration.waitlist_position, registration.bus_stop_id),
                (state, position, stop),
                registration.display_name,
            )
        self.assertEqual(camp_request.state, "validated")
        # the page says it, and the cart is empty again
        text = " ".join(self.page(response).text_content().split())
        self.assertIn("Your request was sent.", text)
        self.assertIn("Place in line: 1 (number 1)", text)
        doc = self.page(self.url_open("/my/camps/cart"))
        self.assertFalse(doc.xpath("//tr[contains(@class, 'o_citizen_camp_cart_line')]"))

    def test_cart_overlapping_camps_refused_nothing_written(self):
        self.sign_in(self.user_portal_a)
        self.add(self.child_emma, self.camp)
        self.add(self.child_noah, self.camp)
        self.add(self.child_emma, self.camp_sport)
        before = self.camp_counts()
        response = self.post("/my/camps/cart/submit")
        doc = self.page(response)
        error = doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")
        self.assertEqual(len(error), 1)
        self.assertIn("they take place at the same dates", error[0].text_content())
        self.assertEqual(self.camp_counts(), before)
        # the cart is kept for the parent to fix
        self.assertEqual(len(doc.xpath("//tr[contains(@class, 'o_citizen_camp_cart_line')]")), 3)

    def test_cart_child_too_young_refused(self):
        self.sign_in(self.user_portal_a)
        before = self.camp_counts()
        doc = self.page(self.add(self.child_a1, self.camp))
        error = doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")[0].text_content()
        self.assertIn(f"{self.child_a1.name} will be", error)
        self.assertFalse(doc.xpath("//tr[contains(@class, 'o_citizen_camp_cart_line')]"))
        # the model method refuses the same line, as the parent, and writes nothing
        Request = self.env["youth_camps.request"].with_user(self.user_portal_a)
        self.env.invalidate_all()
        with self.assertRaisesRegex(ValidationError, f"{self.child_a1.name} will be"):
            Request._camp_portal_register_cart(
                [
                    {"child_id": self.child_emma.id, "event_id": self.camp.id},
                    {"child_id": self.child_a1.id, "event_id": self.camp.id},
                ]
            )
        self.assertEqual(self.camp_counts(), before)

    def test_cart_another_familys_child_refused(self):
        self.sign_in(self.user_portal_a)
        before = self.camp_counts()
        response = self.add(self.child_lucas, self.camp)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Lucas", response.text)
        Request = self.env["youth_camps.request"].with_user(self.user_portal_a)
        self.env.invalidate_all()
        with mute_logger(*ACCESS_LOGGERS), self.assertRaisesRegex(AccessError, "your own family"):
            Request._camp_portal_register_cart(
                [
                    {"child_id": self.child_emma.id, "event_id": self.camp.id},
                    {"child_id": self.child_lucas.id, "event_id": self.camp.id},
                ]
            )
        self.assertEqual(self.camp_counts(), before)

    def test_cart_unpublished_camp_and_foreign_stop_refused(self):
        self.sign_in(self.user_portal_a)
        self.assertEqual(self.add(self.child_emma, self.camp_hidden).status_code, 404)
        # a stop of a route that does not serve the camp
        doc = self.page(self.add(self.child_emma, self.camp_art, stop=self.stop))
        self.assertIn(
            "Choose a bus stop", doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")[0].text_content()
        )
        before = self.camp_counts()
        Request = self.env["youth_camps.request"].with_user(self.user_portal_a)
        self.env.invalidate_all()
        with self.assertRaisesRegex(Exception, "no longer offered"):
            Request._camp_portal_register_cart([{"child_id": self.child_emma.id, "event_id": self.camp_hidden.id}])
        with self.assertRaisesRegex(Exception, "Choose a bus stop"):
            Request._camp_portal_register_cart(
                [{"child_id": self.child_emma.id, "event_id": self.camp_art.id, "bus_stop_id": self.stop.id}]
            )
        self.assertEqual(self.camp_counts(), before)

    def test_cart_csrf_and_remove(self):
        self.sign_in(self.user_portal_a)
        response = self.url_open("/my/camps/cart/add", data={"child_id": self.child_emma.id, "event_id": self.camp.id})
        self.assertEqual(response.status_code, 400)
        self.add(self.child_emma, self.camp)
        self.add(self.child_noah, self.camp)
        self.post("/my/camps/cart/remove", {"key": f"{self.child_emma.id}-{self.camp.id}-0"})
        doc = self.page(self.url_open("/my/camps/cart"))
        lines = doc.xpath("//tr[contains(@class, 'o_citizen_camp_cart_line')]")
        self.assertEqual(len(lines), 1)
        self.assertIn("Noah", lines[0].text_content())

    def test_cart_weekly_camp(self):
        first = self.camp_first_day + timedelta(days=21)
        summer = self.create_camp(
            "Summer club",
            first,
            days=12,
            seats=1,
            website_published=True,
            is_multi_slots=True,
            event_slot_ids=[
                Command.create({"date": first + timedelta(days=7 * week), "start_hour": 9.0, "end_hour": 16.0})
                for week in (0, 1)
            ],
        )
        week1, week2 = summer.event_slot_ids.sorted("date")
        week1.camp_date_end = first + timedelta(days=4)
        week2.camp_date_end = first + timedelta(days=11)
        # Lucas (family B) takes the only seat of the first week
        self.request(self.family_b, self.child_lucas, summer, slot=week1)
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camps?child_id={self.child_emma.id}"))
        card = doc.xpath(f"//article[@data-camp-id='{summer.id}']")[0]
        self.assertEqual(card.xpath(".//select[@name='slot_id']/option/@value"), [str(week1.id), str(week2.id)])
        weeks = [
            " ".join(li.text_content().split()) for li in card.xpath(".//li[starts-with(normalize-space(), 'Week of')]")
        ]
        self.assertEqual(len(weeks), 2)
        self.assertIn("Full: waiting list (0 waiting)", weeks[0])
        self.assertIn("1 seat(s) left", weeks[1])
        self.assertNotIn("Lucas", doc.text_content())
        # the week is required
        doc = self.page(self.add(self.child_emma, summer))
        self.assertIn("choose the week", doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")[0].text_content())
        self.add(self.child_emma, summer, slot=week1)
        self.add(self.child_emma, summer, slot=week2)
        self.post("/my/camps/cart/submit")
        registrations = self.env["event.registration"].search(
            [("child_id", "=", self.child_emma.id), ("event_id", "=", summer.id)]
        )
        self.assertEqual(len(registrations.request_id), 1)
        self.assertEqual(
            sorted((r.event_slot_id.date, r.camp_state, r.waitlist_position) for r in registrations),
            [(week1.date, "waitlisted", 1), (week2.date, "validated", 0)],
        )

    def test_tour_camp_cart(self):
        self.camp_art.seats_max = 5
        self.start_tour("/my/camps", "citizen_camp_tour", login=self.user_portal_a.login)
        camp_request = self.env["youth_camps.request"].search([("family_id", "=", self.family_a.id)])
        self.assertEqual(len(camp_request), 1)
        self.assertEqual(camp_request.note, "Both children can swim")
        self.assertEqual(
            sorted(
                (r.child_id.name, r.event_id.name, r.camp_state, r.bus_stop_id.name or "")
                for r in camp_request.registration_ids
            ),
            [
                (self.child_emma.name, "Nature week", "validated", "Feluy church"),
                (self.child_noah.name, "Art week", "validated", ""),
            ],
        )


@tagged("post_install", "-at_install")
class TestPortalCampRequests(CampPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.camp_art.seats_max = 1

    def setUp(self):
        super().setUp()
        Request = self.env["youth_camps.request"].with_user(self.user_portal_a)
        self.camp_request, registrations = Request._camp_portal_register_cart(
            [
                {"child_id": self.child_emma.id, "event_id": self.camp_art.id},
                {"child_id": self.child_noah.id, "event_id": self.camp_art.id},
            ]
        )
        self.camp_request = self.camp_request.with_env(self.env)
        self.emma, self.noah = registrations.with_env(self.env).sorted(lambda r: r.child_id != self.child_emma)

    def test_list_detail_and_counter(self):
        self.assertEqual((self.emma.camp_state, self.noah.camp_state), ("validated", "waitlisted"))
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open("/my/camp_requests"))
        rows = doc.xpath("//tr[contains(@class, 'o_citizen_camp_request')]")
        self.assertEqual(len(rows), 1)
        self.assertIn(self.camp_request.name, rows[0].text_content())
        self.assertEqual(
            self.make_jsonrpc_request("/my/counters", {"counters": ["camp_request_count"]}),
            {"camp_request_count": 1},
        )
        home = self.page(self.url_open("/my"))
        self.assertTrue(home.xpath("//a[@href='/my/camps']"))
        self.assertTrue(home.xpath("//a[@href='/my/camp_requests']"))
        doc = self.page(self.url_open(f"/my/camp_requests/{self.camp_request.id}"))
        text = " ".join(doc.text_content().split())
        self.assertIn("Waiting list", text)
        self.assertIn("Place in line: 1 (number 1)", text)
        # both registrations may be cancelled: one form each, with a labelled reason
        forms = doc.xpath("//form[contains(@class, 'o_citizen_camp_cancel')]")
        self.assertEqual(len(forms), 2)
        for form in forms:
            field = form.xpath(".//input[@name='reason']")[0]
            self.assertTrue(form.xpath(f".//label[@for='{field.get('id')}']"))

    def test_invoiced_then_paid(self):
        self.camp_request.sudo().action_camp_invoice()
        invoice = self.camp_request._camp_moves(("out_invoice",))
        self.assertEqual(len(invoice), 1)
        # the resident ticket, €100 before tax (the product's sales tax, 21 %, on top)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_total), (100.0, 121.0))
        self.sign_in(self.user_portal_a)
        doc = self.page(self.url_open(f"/my/camp_requests/{self.camp_request.id}"))
        links = doc.xpath("//a[contains(@class, 'o_citizen_camp_invoice')]/@href")
        # with the invoice's access token: Odoo's payment form on the invoice page sends it with the transaction
        self.assertEqual(links, [invoice.sudo().get_portal_url()])
        self.assertIn("access_token=", links[0])
        self.assertIn(invoice.payment_reference, doc.text_content())
        self.emma.sudo()._camp_mark_paid()
        doc = self.page(self.url_open(f"/my/camp_requests/{self.camp_request.id}"))
        badges = doc.xpath(f"//tr[@data-registration-id='{self.emma.id}']//span[contains(@class, 'badge')]")
        self.assertEqual(badges[0].text_content().strip(), "Paid")

    def test_paid_online_with_the_demo_provider(self):
        """The camp invoice paid on Odoo's portal with the demo provider: the request shows "Paid"."""
        self.camp_request.sudo().action_camp_invoice()
        invoice = self.camp_request._camp_moves(("out_invoice",))
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "company_id": self.company.id})
        method = self.env.ref("payment_demo.payment_method_demo")
        provider.payment_method_ids = [Command.link(method.id)]
        self.sign_in(self.user_portal_a)
        processing = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "token_id": None,
                "amount": 121.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": f"/my/camp_requests/{self.camp_request.id}",
                "access_token": invoice._portal_ensure_token(),
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", processing["reference"])])
        self.assertEqual((tx.state, tx.amount, tx.invoice_ids), ("done", 121.0, invoice))
        tx._post_process()
        self.env.invalidate_all()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual((self.emma.camp_state, self.noah.camp_state), ("paid", "waitlisted"))
        doc = self.page(self.url_open(f"/my/camp_requests/{self.camp_request.id}"))
        badge = doc.xpath(f"//tr[@data-registration-id='{self.emma.id}']//span[contains(@class, 'badge')]")
        self.assertEqual(badge[0].text_content().strip(), "Paid")
        self.assertIn(
            "paid", " ".join(doc.xpath("//dd[a[contains(@class, 'o_citizen_camp_invoice')]]")[0].text_content().split())
        )

    def test_other_family_cannot_see_or_cancel(self):
        self.sign_in(self.user_portal_b)
        response = self.url_open(f"/my/camp_requests/{self.camp_request.id}")
        self.assertEqual(response.status_code, 404)
        for secret in (self.camp_request.name, "Emma", "Noah"):
            self.assertNotIn(secret, response.text)
        doc = self.page(self.url_open("/my/camp_requests"))
        self.assertFalse(doc.xpath("//tr[contains(@class, 'o_citizen_camp_request')]"))
        response = self.post(
            f"/my/camp_requests/{self.camp_request.id}/cancel", {"registration_id": self.emma.id, "reason": "x"}
        )
        self.assertEqual(response.status_code, 404)
        # the model refuses user B too, with a cold cache (an RPC call)
        self.assertCannotSee(self.user_portal_b, self.camp_request, self.emma)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.as_user(self.user_portal_b, self.emma).action_camp_cancel(reason="Not mine")
        self.env.invalidate_all()
        self.assertEqual(self.emma.camp_state, "validated")

    def test_other_guardian_cancels_with_a_reason(self):
        self.sign_in(self.user_portal_a2)
        url = f"/my/camp_requests/{self.camp_request.id}/cancel"
        # no reason: said on the page, nothing changes
        doc = self.page(self.post(url, {"registration_id": self.emma.id, "reason": "  "}))
        self.assertIn("why you cancel", doc.xpath("//div[contains(@class, 'o_citizen_camp_error')]")[0].text_content())
        self.env.invalidate_all()
        self.assertEqual(self.emma.camp_state, "validated")
        # a registration of another request: 404
        other = self.request(self.family_b, self.child_lucas, self.camp)
        self.assertEqual(self.post(url, {"registration_id": other.id, "reason": "x"}).status_code, 404)
        response = self.post(url, {"registration_id": self.emma.id, "reason": "Holidays abroad"})
        self.assertIn("The registration was cancelled.", response.text)
        self.env.invalidate_all()
        self.assertRecordValues(
            self.emma,
            [
                {
                    "camp_state": "cancelled",
                    "camp_cancel_reason": "Holidays abroad",
                    "camp_cancel_uid": self.user_portal_a2.id,
                }
            ],
        )
        # the freed seat went to Noah, first in line (youth_camps decided)
        self.assertEqual(self.noah.camp_state, "validated")
        self.assertEqual(other.camp_state, "validated")
        # a cancelled registration has no cancel form any more
        doc = self.page(self.url_open(f"/my/camp_requests/{self.camp_request.id}"))
        self.assertFalse(doc.xpath(f"//tr[@data-registration-id='{self.emma.id}']//form"))
