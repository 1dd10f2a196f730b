"""Camps on the citizen portal: the catalogue for the parent's children, a cart to request several children in
several camps at once, and the family's requests with their registrations (waiting list, invoice, cancel).

The catalogue lists the published camps (Odoo's website_event rules decide which ones a parent reads) and keeps
those a child of the family may go to, by youth_camps' own rules (``event.event._citizen_camp_refusals``). The
cart lives in the session (ids only, checked again at every use); sending it calls
``youth_camps.request._camp_portal_register_cart``, which checks the user is a guardian of every child and lets
youth_camps decide the seats and the waiting list."""

from datetime import date, timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.youth_camps.models.event_event import SCHOOL_LEVEL_RANK
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from .common import CitizenPortal

#: the session key of the camp cart: a list of {"child_id", "event_id", "slot_id", "bus_stop_id"} (ids only)
CART_KEY = "citizen_camp_cart"
#: registration states a guardian may still cancel from the portal (youth_camps refuses the others)
CANCELLABLE_STATES = ("requested", "waitlisted", "validated", "paid")


def _int(value):
    """``value`` as a positive int, or 0 (query strings and forms send text)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


class CitizenPortalCamp(CitizenPortal):
    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "camp_request_count" in counters:
            families = self._citizen_families()
            values["camp_request_count"] = (
                request.env["youth_camps.request"].search_count([("family_id", "in", families.ids)]) if families else 0
            )
        return values

    # ------------------------------------------------------------------ helpers
    def _camp_children(self):
        """The children of the user's households (read under the portal record rules)."""
        return self._citizen_families().child_ids.sorted(lambda c: (c.birthdate or date.min, c.id))

    def _camp_child(self, child_id):
        """A child of the user's households (404 for any other id)."""
        child = self._camp_children().filtered(lambda c: c.id == _int(child_id))
        if not child:
            raise request.not_found()
        return child

    def _camp_family_of(self, child):
        """The household of the user holding ``child`` (its price: resident or not)."""
        partner = request.env.user.partner_id
        return child.sudo().family_ids.filtered(lambda f: partner in f.guardian_ids.partner_id)[:1]

    def _camp_visible_camps(self, domain=None):
        """The camps the user may read (published, under website_event's rules) that have not ended."""
        families = self._citizen_families()
        base = [
            ("is_camp", "=", True),
            ("date_end", ">", fields.Datetime.now()),
            ("company_id", "in", [False, *families.company_id.ids]),
        ]
        return request.env["event.event"].search(base + (domain or []), order="date_begin, id")

    def _camp_stops(self, event):
        """The stops of the active routes serving ``event`` when it has a bus service."""
        # sudo: the routes and stops of a published camp are public information (place and time)
        event = event.sudo()
        if not event.camp_bus_service:
            return request.env["youth_camps.bus.stop"].sudo()
        return event.camp_bus_route_ids.filtered("active").stop_ids

    def _camp_state_labels(self):
        Registration = request.env["event.registration"]
        return dict(Registration._fields["camp_state"]._description_selection(request.env))

    def _camp_request_state_labels(self):
        Request = request.env["youth_camps.request"]
        return dict(Request._fields["state"]._description_selection(request.env))

    def _camp_level_labels(self):
        Child = request.env["childcare.child"]
        return dict(Child._fields["school_level"]._description_selection(request.env))

    # ------------------------------------------------------------------ catalogue
    def _camp_catalogue_values(self, filters, page=1):
        """The catalogue's values for ``filters`` (the query string: child_id, age, level, theme, week, place)."""
        child_id, age, level = filters.get("child_id"), filters.get("age"), filters.get("level")
        theme, week, place = filters.get("theme"), filters.get("week"), filters.get("place")
        children = self._camp_children()
        child = self._camp_child(child_id) if _int(child_id) else children.browse()
        considered = child or children
        camps = self._camp_visible_camps()
        # the filter choices come from the camps on offer (sudo for their public themes and places)
        camps_sudo = camps.sudo()
        themes = camps_sudo.camp_theme_ids.sorted("name")
        places = camps_sudo.address_id.sorted("name")
        weeks = sorted(
            {
                camp.camp_date_first - timedelta(days=camp.camp_date_first.weekday())
                for camp in camps_sudo
                if camp.camp_date_first
            }
        )
        selected = {"child_id": child.id or 0, "age": "", "level": "", "theme": 0, "week": "", "place": 0}
        if age not in (None, "") and str(age).isdigit():
            months = int(age) * 12
            selected["age"] = str(int(age))
            camps = camps.filtered(
                lambda c: (
                    c.sudo().camp_age_min_months <= months + 11
                    and (not c.sudo().camp_age_max_months or c.sudo().camp_age_max_months >= months)
                )
            )
        if level in SCHOOL_LEVEL_RANK:
            rank = SCHOOL_LEVEL_RANK[level]
            selected["level"] = level
            camps = camps.filtered(
                lambda c: (
                    (not c.sudo().camp_school_level_min or SCHOOL_LEVEL_RANK[c.sudo().camp_school_level_min] <= rank)
                    and (
                        not c.sudo().camp_school_level_max or SCHOOL_LEVEL_RANK[c.sudo().camp_school_level_max] >= rank
                    )
                )
            )
        if _int(theme):
            selected["theme"] = _int(theme)
            camps = camps.filtered(lambda c: selected["theme"] in c.sudo().camp_theme_ids.ids)
        if week:
            try:
                monday = date.fromisoformat(week)
            except ValueError:
                monday = None
            if monday:
                monday -= timedelta(days=monday.weekday())
                selected["week"] = monday.isoformat()
                camps = camps.filtered(
                    lambda c: (
                        c.sudo().camp_date_first
                        and c.sudo().camp_date_first <= monday + timedelta(days=6)
                        and c.sudo().camp_date_last >= monday
                    )
                )
        if _int(place):
            selected["place"] = _int(place)
            camps = camps.filtered(lambda c: c.sudo().address_id.id == selected["place"])
        # every child considered against every camp: youth_camps' rules, read only
        rows, unavailable = [], []
        for camp in camps.sudo():
            per_child = []
            for kid in considered:
                per_child.append({"child": kid, "reasons": camp._citizen_camp_refusals(kid.sudo())})
            eligible = [entry["child"] for entry in per_child if not entry["reasons"]]
            row = {
                "camp": camp,
                "per_child": per_child,
                "eligible": eligible,
                "is_open": camp._citizen_camp_is_open(),
                "stops": self._camp_stops(camp),
                "slots": camp.event_slot_ids if camp.is_multi_slots else camp.event_slot_ids.browse(),
            }
            (rows if eligible else unavailable).append(row)
        pager = portal_pager(
            url="/my/camps",
            url_args={key: value for key, value in selected.items() if value},
            total=len(rows),
            page=page,
            step=self._items_per_page,
        )
        rows = rows[pager["offset"] : pager["offset"] + self._items_per_page]
        availability = camps._citizen_camp_availability() if camps else {}
        family = self._camp_family_of(considered[:1]) if considered else request.env["childcare.family"]
        prices = {row["camp"].id: row["camp"]._citizen_camp_ticket(family) for row in rows + unavailable}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "camps",
                "children": children,
                "child": child,
                "rows": rows,
                "unavailable": unavailable,
                "availability": availability,
                "prices": prices,
                "themes": themes,
                "places": places,
                "weeks": weeks,
                "levels": self._camp_level_labels(),
                "selected": selected,
                "pager": pager,
                "cart_count": len(request.session.get(CART_KEY) or []),
            }
        )
        return values

    @http.route(["/my/camps", "/my/camps/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_camps(self, page=1, **kw):
        values = self._camp_catalogue_values(kw, page=page)
        return request.render("citizen_portal.portal_my_camps", values)

    # ------------------------------------------------------------------ cart
    def _camp_cart_lines(self):
        """The cart's lines whose child is still one of the user's and whose camp is still on offer, with
        their records (the session holds ids only: every use checks them again)."""
        children = self._camp_children()
        lines = []
        for entry in request.session.get(CART_KEY) or []:
            child = children.filtered(lambda c, e=entry: c.id == _int(e.get("child_id")))
            camp = self._camp_visible_camps([("id", "=", _int(entry.get("event_id")))])
            if not child or not camp:
                continue
            camp_sudo = camp.sudo()
            slot = camp_sudo.event_slot_ids.filtered(lambda s, e=entry: s.id == _int(e.get("slot_id")))
            stop = self._camp_stops(camp).filtered(lambda s, e=entry: s.id == _int(e.get("bus_stop_id")))
            family = self._camp_family_of(child)
            lines.append(
                {
                    "key": f"{child.id}-{camp.id}-{slot.id or 0}",
                    "child": child,
                    "camp": camp_sudo,
                    "slot": slot,
                    "stop": stop,
                    "family": family,
                    "ticket": camp_sudo._citizen_camp_ticket(family),
                    "values": {
                        "child_id": child.id,
                        "event_id": camp.id,
                        "slot_id": slot.id or 0,
                        "bus_stop_id": stop.id or 0,
                    },
                }
            )
        return lines

    def _camp_cart_values(self, error=None, note=None):
        lines = self._camp_cart_lines()
        camps = request.env["event.event"].sudo().union(*(line["camp"] for line in lines))
        children = self._camp_children()
        # sudo: only the validity date of the sheets of the user's own children is shown, never their content
        sheets = (
            request.env["childcare.medical.sheet"].sudo().search([("child_id", "in", children.ids)])
            if children
            else request.env["childcare.medical.sheet"].sudo()
        )
        sheet_until = {}
        for sheet in sheets:
            current = sheet_until.get(sheet.child_id.id)
            if sheet.date_valid_until and (not current or sheet.date_valid_until > current):
                sheet_until[sheet.child_id.id] = sheet.date_valid_until
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "camp_cart",
                "lines": lines,
                "availability": camps._citizen_camp_availability() if camps else {},
                "families": self._citizen_families(),
                "partner": request.env.user.partner_id,
                "sheet_until": sheet_until,
                "cart_children": children.browse(dict.fromkeys(line["child"].id for line in lines)),
                "error": error,
                "note": note or "",
            }
        )
        return values

    @http.route("/my/camps/cart", type="http", auth="user", website=True)
    def portal_my_camp_cart(self, **kw):
        return request.render("citizen_portal.portal_my_camp_cart", self._camp_cart_values())

    @http.route("/my/camps/cart/add", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_camp_cart_add(self, child_id=None, event_id=None, slot_id=None, bus_stop_id=None, **kw):
        child = self._camp_child(child_id)
        camp = self._camp_visible_camps([("id", "=", _int(event_id))])
        if not camp:
            raise NotFound()
        camp_sudo = camp.sudo()
        try:
            slot = camp_sudo.event_slot_ids.filtered(lambda s: s.id == _int(slot_id))
            if camp_sudo.is_multi_slots and not slot:
                raise UserError(request.env._("Camp %s is enrolled per week: choose the week.", camp_sudo.name))
            stop = self._camp_stops(camp).filtered(lambda s: s.id == _int(bus_stop_id))
            if _int(bus_stop_id) and not stop:
                raise UserError(
                    request.env._("Choose a bus stop of a route serving camp %s, or no bus.", camp_sudo.name)
                )
            if not camp_sudo._citizen_camp_is_open():
                raise UserError(request.env._("Registrations for %s are not open yet.", camp_sudo.name))
            reasons = camp_sudo._citizen_camp_refusals(child.sudo(), slot or None)
            if reasons:
                raise UserError(reasons[0])
            cart = list(request.session.get(CART_KEY) or [])
            entry = {"child_id": child.id, "event_id": camp.id, "slot_id": slot.id or 0, "bus_stop_id": stop.id or 0}
            if any(
                (line["child_id"], line["event_id"], line["slot_id"]) == (child.id, camp.id, slot.id or 0)
                for line in cart
            ):
                raise UserError(
                    request.env._(
                        "%(child)s is already in the cart for %(camp)s.", child=child.name, camp=camp_sudo.name
                    )
                )
        except UserError as error:
            return request.render("citizen_portal.portal_my_camp_cart", self._camp_cart_values(error=error.args[0]))
        cart.append(entry)
        request.session[CART_KEY] = cart
        return request.redirect("/my/camps/cart")

    @http.route("/my/camps/cart/remove", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_camp_cart_remove(self, key=None, **kw):
        cart = [
            line
            for line in request.session.get(CART_KEY) or []
            if f"{line.get('child_id')}-{line.get('event_id')}-{line.get('slot_id') or 0}" != key
        ]
        request.session[CART_KEY] = cart
        return request.redirect("/my/camps/cart")

    @http.route("/my/camps/cart/submit", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_camp_cart_submit(self, note=None, **kw):
        lines = self._camp_cart_lines()
        try:
            if not lines:
                raise UserError(request.env._("Your camp cart is empty: add a child and a camp first."))
            camp_request, _registrations = request.env["youth_camps.request"]._camp_portal_register_cart(
                [line["values"] for line in lines], note=(note or "").strip() or False
            )
        except (AccessError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            values = self._camp_cart_values(error=error.args[0] if error.args else str(error), note=note)
            return request.render("citizen_portal.portal_my_camp_cart", values)
        request.session[CART_KEY] = []
        return request.redirect(f"/my/camp_requests/{camp_request.id}?sent=1")

    # ------------------------------------------------------------------ requests
    @http.route(["/my/camp_requests", "/my/camp_requests/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_camp_requests(self, page=1, **kw):
        families = self._citizen_families()
        Request = request.env["youth_camps.request"]
        domain = [("family_id", "in", families.ids)]
        total = Request.search_count(domain) if families else 0
        pager = portal_pager(url="/my/camp_requests", total=total, page=page, step=self._items_per_page)
        camp_requests = (
            Request.search(
                domain, order="date_request desc, id desc", limit=self._items_per_page, offset=pager["offset"]
            )
            if families
            else Request
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "camp_requests",
                "camp_requests": camp_requests,
                "pager": pager,
                "state_labels": self._camp_request_state_labels(),
            }
        )
        return request.render("citizen_portal.portal_my_camp_requests", values)

    def _camp_request_values(self, camp_request, error=None, success=None):
        """The detail page of a request already checked to be the user's (``camp_request`` under sudo)."""
        registrations = camp_request.registration_ids.sorted(lambda r: (r.camp_date_begin or date.min, r.id))
        invoices = camp_request._camp_moves(("out_invoice",)).filtered(lambda m: m.state == "posted")
        # the invoices the user may open on /my/invoices (Odoo's portal decides, as the user)
        readable = request.env["account.move"].browse(invoices.ids)._filtered_access("read")
        now = fields.Datetime.now()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "camp_request",
                "camp_request": camp_request,
                "registrations": registrations,
                "cancellable": {
                    registration.id: registration.camp_state in CANCELLABLE_STATES
                    and registration.event_id.date_end > now
                    for registration in registrations
                },
                "invoices": invoices,
                "readable_invoice_ids": set(readable.ids),
                "state_labels": self._camp_state_labels(),
                "request_state_labels": self._camp_request_state_labels(),
                "error": error,
                "success": success,
            }
        )
        return values

    @http.route("/my/camp_requests/<int:request_id>", type="http", auth="user", website=True)
    def portal_my_camp_request(self, request_id, sent=None, cancelled=None, **kw):
        camp_request = self._citizen_record("youth_camps.request", request_id)
        success = None
        if sent:
            success = request.env._("Your request was sent.")
        elif cancelled:
            success = request.env._("The registration was cancelled.")
        return request.render(
            "citizen_portal.portal_my_camp_request", self._camp_request_values(camp_request, success=success)
        )

    @http.route("/my/camp_requests/<int:request_id>/cancel", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_camp_request_cancel(self, request_id, registration_id=None, reason=None, **kw):
        camp_request = self._citizen_record("youth_camps.request", request_id)
        registration_sudo = camp_request.registration_ids.filtered(lambda r: r.id == _int(registration_id))
        if not registration_sudo:
            raise NotFound()
        reason = (reason or "").strip()
        try:
            if not reason:
                raise UserError(request.env._("Tell the organisers why you cancel (a few words are enough)."))
            # as the user, not under sudo: action_camp_cancel checks that they are a guardian of the family
            registration = request.env["event.registration"].browse(registration_sudo.id)
            with request.env.cr.savepoint():
                registration.action_camp_cancel(reason=reason)
        except (AccessError, UserError, ValidationError) as error:
            values = self._camp_request_values(camp_request, error=error.args[0] if error.args else str(error))
            return request.render("citizen_portal.portal_my_camp_request", values)
        return request.redirect(f"/my/camp_requests/{camp_request.id}?cancelled={registration_sudo.id}")
