"""What the portal's camp pages need from youth_camps: a read-only eligibility helper (the reasons a child cannot
go to a camp, from youth_camps' own rules), the seats left and the waiting list of each camp (or week), the
family's price, and the cart's checked entry point that sends several children to several camps in one request.

Seats, waiting-list numbers and validation are decided by youth_camps (``_camp_register``), never here."""

from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models
from odoo.addons.youth_camps.models.event_registration import SEAT_STATES
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import _


class EventEvent(models.Model):
    _inherit = "event.event"

    def _citizen_camp_refusals(self, child, slot=None):
        """The reasons ``child`` cannot go to this camp (or to its week ``slot``): an empty list when it may.

        Runs youth_camps' own rules (``event.registration._camp_check_eligibility``: age and school level on
        the first day, a medical sheet valid over the camp, no other camp at the same dates) without writing
        anything; the opening time is left out (the catalogue shows it apart: a camp not open yet is still one
        the child may go to). The caller checked that the child is one of the user's."""
        self.ensure_one()
        if self.is_multi_slots and not slot:
            # a camp enrolled per week: the child may go when any week suits
            reasons = []
            for week in self.sudo().event_slot_ids:
                week_reasons = self._citizen_camp_refusals(child, week)
                if not week_reasons:
                    return []
                reasons += [reason for reason in week_reasons if reason not in reasons]
            return reasons or [_("Camp %s has no week to choose.", self.name)]
        vals = {"event_id": self.id, "event_slot_id": slot.id if slot else False, "child_id": child.id}
        # the superuser: the rules read the child's sheet and its other camps (only whether they exist and their
        # dates), and the opening time is not a refusal here; nothing is written
        Registration = self.env["event.registration"].with_user(SUPERUSER_ID)
        try:
            Registration._camp_check_eligibility([vals])
        except (UserError, ValidationError) as refusal:
            return [str(refusal.args[0] if refusal.args else refusal)]
        return []

    def _citizen_camp_is_open(self):
        """True when parents may register now (the camp's opening time passed)."""
        self.ensure_one()
        opening = self.sudo().camp_registration_open
        return not opening or opening <= fields.Datetime.now()

    def _citizen_camp_availability(self):
        """{(event id, slot id or False): {"limited", "capacity", "left", "waiting"}} for the camps of ``self``:
        the seats left and the children on the waiting list, counted as youth_camps counts them (a requested
        registration holds a seat). Counts only: no registration is shown."""
        # sudo: the counts of the other families' registrations, none of their data
        groups = (
            self.env["event.registration"]
            .sudo()
            ._read_group(
                [
                    ("event_id", "in", self.ids),
                    ("is_camp", "=", True),
                    ("camp_state", "in", (*SEAT_STATES, "waitlisted")),
                ],
                ["event_id", "event_slot_id", "camp_state"],
                ["__count"],
            )
        )
        counts = defaultdict(lambda: {"holders": 0, "waiting": 0})
        for event, slot, camp_state, count in groups:
            key = (event.id, slot.id or False)
            counts[key]["waiting" if camp_state == "waitlisted" else "holders"] += count
        result = {}
        for event in self.sudo():
            limited = event.seats_limited and event.seats_max > 0
            keys = (
                [(event.id, slot.id) for slot in event.event_slot_ids] if event.is_multi_slots else [(event.id, False)]
            )
            for key in keys:
                found = counts[key]
                result[key] = {
                    "limited": limited,
                    "capacity": event.seats_max if limited else 0,
                    "left": max(event.seats_max - found["holders"], 0) if limited else None,
                    "waiting": found["waiting"],
                }
        return result

    def _citizen_camp_ticket(self, family):
        """The ticket ``family`` pays for this camp: resident or non-resident (youth_camps' own choice)."""
        self.ensure_one()
        event = self.sudo()
        return event.camp_resident_ticket_id if family.sudo().is_resident else event.camp_non_resident_ticket_id


class YouthCampsRequest(models.Model):
    _inherit = "youth_camps.request"

    @api.model
    def _camp_portal_register_cart(self, lines, note=False):
        """A guardian sends the portal's camp cart: several children of their family in several camps, in one
        request. ``lines``: dicts with ``child_id``, ``event_id`` and, when needed, ``slot_id`` (a camp enrolled
        per week) and ``bus_stop_id`` (a stop of a route serving a camp with a bus service).

        Checks, as the calling user and before anything is written, that every child belongs to one family the
        user is a guardian of, and that every camp is an open, published camp of the family's municipality;
        then registers under sudo through ``_camp_register`` (youth_camps decides the seats and the waiting
        list). A refused line raises, and nothing of the request is kept. Returns the request and its
        registrations (under sudo: the caller shows only their states)."""
        if not lines:
            raise UserError(_("Your camp cart is empty: add a child and a camp first."))
        partner = self.env.user.partner_id
        # sudo: the checks below decide what the user may do; nothing is read for display before they pass
        Child, Event = self.env["childcare.child"].sudo(), self.env["event.event"].sudo()
        Slot, Stop = self.env["event.slot"].sudo(), self.env["youth_camps.bus.stop"].sudo()
        try:
            parsed = [
                (
                    int(line["child_id"]),
                    int(line["event_id"]),
                    int(line.get("slot_id") or 0),
                    int(line.get("bus_stop_id") or 0),
                )
                for line in lines
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UserError(_("A line of your camp cart is not valid: remove it and add it again.")) from error
        children = Child.browse({child_id for child_id, *_rest in parsed}).exists()
        if len(children) != len({child_id for child_id, *_rest in parsed}):
            raise AccessError(_("You can only register the children of your own family."))
        families = children[0].family_ids
        for child in children[1:]:
            families &= child.family_ids
        family = families.filtered(lambda f: partner in f.guardian_ids.partner_id)[:1]
        if not family:
            if all(any(partner in f.guardian_ids.partner_id for f in child.family_ids) for child in children):
                raise UserError(_("A request holds the children of one household: send one cart per household."))
            raise AccessError(_("You can only register the children of your own family."))
        seen = set()
        register_lines, stops = [], []
        for child_id, event_id, slot_id, stop_id in parsed:
            child, event = Child.browse(child_id), Event.browse(event_id).exists()
            if not event or not event.is_camp or not event.active or not event.website_published:
                raise UserError(_("This camp does not exist or is no longer offered."))
            if event.company_id and event.company_id != family.company_id:
                raise AccessError(_("Camp %s is offered by another municipality.", event.name))
            slot = Slot.browse(slot_id).exists() if slot_id else Slot
            if slot_id and (not slot or slot.event_id != event):
                raise UserError(_("This week is not a week of camp %s.", event.name))
            if (child_id, event_id, slot_id) in seen:
                raise UserError(_("%(child)s is twice in the cart for %(camp)s.", child=child.name, camp=event.name))
            seen.add((child_id, event_id, slot_id))
            stop = Stop.browse(stop_id).exists() if stop_id else Stop
            if stop_id:
                if not stop or not event.camp_bus_service or event not in stop.route_id.camp_ids:
                    raise UserError(
                        _("Choose a bus stop of a route serving camp %s, or no bus.", event.name),
                    )
            register_lines.append({"child": child, "event": event, "slot": slot})
            stops.append(stop)
        quiet = {"mail_create_nolog": True, "mail_create_nosubscribe": True, "tracking_disable": True}
        # a savepoint: a line refused by youth_camps' rules (or a full bus) leaves nothing behind, whatever the
        # caller does with the transaction
        with self.env.cr.savepoint():
            camp_request, registrations = (
                self.sudo().with_context(**quiet)._camp_register(family, partner, register_lines, note=note or False)
            )
            for registration, stop in zip(registrations, stops, strict=True):
                if stop:
                    # the flow's own write (the constraint and the bus capacity check run on it)
                    registration.bus_stop_id = stop
            self.env.flush_all()
        return camp_request, registrations
