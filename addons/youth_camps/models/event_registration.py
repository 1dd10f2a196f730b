"""A child's registration to a camp, on Odoo's ``event.registration``.

The camp flow (``camp_state``) sits on top of Odoo's ``state`` and drives it, so that Odoo's seat counts,
mail schedules and reports keep working:

    requested, waitlisted -> draft      validated, paid -> open      attended -> done      cancelled -> cancel

A *requested* registration holds a seat while staff review it; a *waitlisted* one holds none and waits with
its position (arrival order). Seats are given in :meth:`_camp_decide_seats` only, under a row lock on the
event (or on the slot of a camp enrolled per week) held until the end of the transaction.

Odoo runs its transactions in REPEATABLE READ: a transaction that waited for the lock still reads the
database as it was when it started, and would not see the registrations committed by the transactions that
held the lock before it. So, once the lock is held, the seats are counted on a fresh cursor (which sees every
committed registration) plus the registrations this transaction changed itself (which only it sees).
"""

import logging
import weakref
from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import _

from .event_event import SCHOOL_LEVEL_RANK

_logger = logging.getLogger(__name__)

CAMP_STATES = [
    ("requested", "Requested"),
    ("waitlisted", "Waiting list"),
    ("validated", "Validated"),
    ("paid", "Paid"),
    ("attended", "Attended"),
    ("cancelled", "Cancelled"),
]
#: Odoo's registration state for each camp state
CAMP_TO_STATE = {
    "requested": "draft",
    "waitlisted": "draft",
    "validated": "open",
    "paid": "open",
    "attended": "done",
    "cancelled": "cancel",
}
#: camp states that hold a seat
SEAT_STATES = ("requested", "validated", "paid", "attended")
#: fields of a camp registration that only the camp flow writes (its methods check the user's role first)
CAMP_SYSTEM_FIELDS = frozenset(
    {
        "camp_state",
        "state",
        "active",
        "waitlist_position",
        "payment_deadline",
        "event_id",
        "event_slot_id",
        "child_id",
        "family_id",
        "guardian_partner_id",
        "request_id",
        "camp_cancel_reason",
        "camp_cancel_date",
        "camp_cancel_medical",
        "camp_cancel_uid",
        "camp_promoted_date",
    }
)
MANAGER_GROUP = "childcare_base.group_childcare_manager"
ORGANISER_GROUP = "youth_camps.group_camp_organiser"
LEADER_GROUP = "youth_camps.group_camp_leader"
#: ids of the camp registrations each open transaction changed, by cursor (``cr.cache`` is cleared by
#: ``cr.clear()`` in the middle of a transaction: not a safe place); forgotten at commit and rollback
_TOUCHED = weakref.WeakKeyDictionary()


class EventRegistration(models.Model):
    _inherit = "event.registration"

    is_camp = fields.Boolean(related="event_id.is_camp", store=True, index=True, string="Camp registration")
    child_id = fields.Many2one("childcare.child", string="Child", index="btree_not_null", ondelete="restrict")
    family_id = fields.Many2one("childcare.family", string="Family", index="btree_not_null", ondelete="restrict")
    guardian_partner_id = fields.Many2one(
        "res.partner",
        string="Registered by",
        index="btree_not_null",
        help="The guardian who registered the child. Any guardian of the family may follow or cancel it.",
    )
    camp_state = fields.Selection(
        CAMP_STATES,
        string="Camp status",
        index="btree_not_null",
        copy=False,
        readonly=True,
        tracking=True,
        help="Requested: holds a seat, waits for staff validation. Waiting list: no seat yet, waits for one in "
        "arrival order. Validated: the seat is confirmed, to be paid. Paid, Attended, Cancelled.",
    )
    waitlist_position = fields.Integer(
        string="Waiting list number",
        copy=False,
        readonly=True,
        help="Arrival number on the waiting list of the camp (or of its week): the lowest number gets the next "
        "free seat.",
    )
    waitlist_rank = fields.Integer(
        string="Place in line",
        compute="_compute_waitlist_rank",
        help="How many waiting registrations come before this one, plus one.",
    )
    payment_deadline = fields.Date(
        copy=False,
        readonly=True,
        tracking=True,
        help="A seat given from the waiting list passes on to the next child when it is not paid by this day.",
    )
    request_id = fields.Many2one(
        "youth_camps.request", string="Request", index="btree_not_null", ondelete="restrict", copy=False
    )
    camp_date_begin = fields.Date(string="From", compute="_compute_camp_dates")
    camp_date_end = fields.Date(string="To", compute="_compute_camp_dates")
    camp_promoted_date = fields.Datetime(string="Seat given on", copy=False, readonly=True)
    camp_cancel_reason = fields.Char(string="Cancellation reason", copy=False, readonly=True)
    camp_cancel_date = fields.Datetime(string="Cancelled on", copy=False, readonly=True)
    camp_cancel_medical = fields.Boolean(
        string="Medical certificate",
        copy=False,
        readonly=True,
        help="Cancelled for medical reasons with a certificate: fully refunded whatever the date.",
    )
    camp_cancel_uid = fields.Many2one("res.users", string="Cancelled by", copy=False, readonly=True)

    # ------------------------------------------------------------------ computes
    @api.depends(
        "event_id.camp_date_first", "event_id.camp_date_last", "event_slot_id.date", "event_slot_id.camp_date_end"
    )
    def _compute_camp_dates(self):
        for registration in self:
            begin, end = registration._camp_dates()
            registration.camp_date_begin, registration.camp_date_end = begin, end

    def _camp_dates(self):
        """(first day, last day) of the registration: its slot's week, or the whole camp."""
        self.ensure_one()
        slot = self.event_slot_id
        if slot:
            return slot.date, slot.camp_date_end or slot.date
        return self.event_id.camp_date_first, self.event_id.camp_date_last

    @api.depends("camp_state", "waitlist_position", "event_id", "event_slot_id")
    def _compute_waitlist_rank(self):
        waiting = self.filtered(lambda r: r.camp_state == "waitlisted" and r.waitlist_position)
        (self - waiting).waitlist_rank = 0
        if not waiting:
            return
        # sudo: the rank only counts the other waiting registrations, it shows none of them
        rows = self.sudo().search_fetch(
            [("event_id", "in", waiting.event_id.ids), ("camp_state", "=", "waitlisted")],
            ["event_id", "event_slot_id", "waitlist_position"],
        )
        queues = defaultdict(list)
        for row in rows:
            queues[row.event_id.id, row.event_slot_id.id].append(row.waitlist_position)
        for registration in waiting:
            queue = queues[registration.event_id.id, registration.event_slot_id.id]
            registration.waitlist_rank = 1 + sum(1 for position in queue if position < registration.waitlist_position)

    # ------------------------------------------------------------------ who may do what
    def _camp_user_is_manager(self):
        return self.env.uid == SUPERUSER_ID or self.env.user.has_group(MANAGER_GROUP)

    def _camp_user_organises(self, event):
        """True when the user manages ``event``: municipal staff, or staff of its organiser structure."""
        if self._camp_user_is_manager():
            return True
        user = self.env.user
        if not user.has_group(ORGANISER_GROUP):
            return False
        organiser = event.sudo().camp_organiser_id
        return bool(organiser) and (user in organiser.staff_ids or user == organiser.director_id)

    def _camp_user_leads(self, event):
        if self._camp_user_organises(event):
            return True
        return self.env.user.has_group(LEADER_GROUP) and self.env.user in event.sudo().camp_leader_ids

    def _camp_check_staff(self, leaders=False):
        """Refuse unless the user organises (or, with ``leaders``, leads) every camp of ``self``."""
        check = self._camp_user_leads if leaders else self._camp_user_organises
        for event in self.sudo().event_id:
            if not check(event):
                raise AccessError(_("Only the organisers of camp %s may do this.", event.name))

    # ------------------------------------------------------------------ the transaction's own changes
    def _camp_touch(self, ids):
        """Remember that this transaction changed the camp registrations ``ids`` (see the module docstring)."""
        cr = self.env.cr
        touched = _TOUCHED.get(cr)
        if touched is None:
            touched = _TOUCHED[cr] = set()

            def forget():
                _TOUCHED.pop(cr, None)

            cr.postcommit.add(forget)
            cr.postrollback.add(forget)
        touched.update(ids)

    @api.model
    def _camp_wake_crons(self, xmlids):
        """Ask the crons ``xmlids`` to run soon after this transaction, on the cron workers' next round (at most
        a minute): one trigger row each, written in one batch. ``ir.cron._trigger`` for *now* would also wake
        the workers at once, from a new database connection opened after each commit (``_notifydb``): on
        opening day hundreds of connections in a few seconds, the largest single cost of a registration."""
        Data = self.env["ir.model.data"]
        cron_ids = [Data._xmlid_to_res_id(xmlid, raise_if_not_found=False) for xmlid in xmlids]
        # the superuser: system rows, and the defaults of ir.cron.trigger are cached once, not per parent
        crons = self.env["ir.cron"].with_user(SUPERUSER_ID).browse(filter(None, cron_ids)).filtered("active")
        if crons:
            at = fields.Datetime.now() + timedelta(seconds=1)
            self.env["ir.cron.trigger"].with_user(SUPERUSER_ID).create(
                [{"cron_id": cron.id, "call_at": at} for cron in crons]
            )

    @api.model
    def _camp_crons_after_request(self, vals_list):
        """The crons woken when families request seats (the other addons add theirs): the scheduler of the
        mails after registration (see :meth:`_update_mail_schedulers`); it finds nothing to send for a
        registration placed on the waiting list."""
        return ["event.event_mail_scheduler"]

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        events = self.env["event.event"].browse({vals["event_id"] for vals in vals_list if vals.get("event_id")})
        camp_ids = set(events.filtered("is_camp").ids)
        camp_vals = [vals for vals in vals_list if vals.get("event_id") in camp_ids]
        to_decide = self._camp_prepare_create(camp_vals) if camp_vals else []
        if to_decide and not self.env.context.get("install_mode"):
            self._camp_wake_crons(self._camp_crons_after_request(to_decide))
        to_decide = {id(vals) for vals in to_decide}
        registrations = super().create(vals_list)
        camps = registrations.filtered("is_camp")
        if camps:
            self._camp_touch(camps.ids)
        if to_decide:
            # last of all: the seats are given under a lock held until the commit
            registrations.browse(
                [reg.id for reg, vals in zip(registrations, vals_list, strict=True) if id(vals) in to_decide]
            )._camp_decide_seats()
        return registrations

    def write(self, vals):
        camps = self.filtered("is_camp")
        if camps:
            protected = CAMP_SYSTEM_FIELDS.intersection(vals)
            if protected and not self.env.su:
                raise AccessError(
                    _(
                        "%(fields)s of a camp registration change only through its buttons (they check your role).",
                        fields=", ".join(
                            sorted(self._fields[name]._description_string(self.env) for name in protected)
                        ),
                    )
                )
            if "state" in vals and "camp_state" not in vals:
                # internal code (Odoo's own flows, under sudo) moved Odoo's state: follow it
                camp_state = {"open": "validated", "done": "attended", "cancel": "cancelled"}.get(vals["state"])
                if camp_state:
                    (camps - camps.filtered(lambda r: r.camp_state == "paid" and camp_state == "validated")).write(
                        {"camp_state": camp_state}
                    )
            elif "camp_state" in vals and "state" not in vals:
                vals = dict(vals, state=CAMP_TO_STATE[vals["camp_state"]])
            if {"camp_state", "state", "active", "event_id", "event_slot_id"}.intersection(vals):
                self._camp_touch(camps.ids)
        return super().write(vals)

    def unlink(self):
        self._camp_touch(self.filtered("is_camp").ids)
        return super().unlink()

    # ------------------------------------------------------------------ requesting a seat
    def _camp_prepare_create(self, vals_list):
        """Complete and check the values of new camp registrations; returns the values of those whose seat
        is still to decide (created waiting, without a number, then placed by :meth:`_camp_decide_seats`).

        Raises before anything is written when a value is refused. Runs as the creating user: parents come
        through the portal route, which checks they are guardians and then calls this under sudo."""
        Event = self.env["event.event"]
        Child, Family, Partner = self.env["childcare.child"], self.env["childcare.family"], self.env["res.partner"]
        decided = []
        for vals in vals_list:
            if not self.env.su:
                # the flow sets these, whatever a form or an RPC call sends
                for name in CAMP_SYSTEM_FIELDS - {
                    "event_id",
                    "event_slot_id",
                    "child_id",
                    "family_id",
                    "guardian_partner_id",
                    "request_id",
                }:
                    vals.pop(name, None)
                if not self._camp_user_organises(Event.browse(vals["event_id"])):
                    raise AccessError(
                        _("Parents register their children through the portal; only camp organisers add them here.")
                    )
            if self.env.su and vals.get("camp_state"):
                # internal code (data import, demo, tests of other flows) states the camp state itself
                vals.setdefault("state", CAMP_TO_STATE[vals["camp_state"]])
            else:
                decided.append(vals)
            event = Event.browse(vals["event_id"])
            if not vals.get("child_id"):
                raise ValidationError(_("A registration to camp %s must name the child.", event.name))
            # sudo: reading the registry to fill in and check the registration, not to show it
            child = Child.browse(vals["child_id"]).sudo()
            family = Family.browse(vals["family_id"]).sudo() if vals.get("family_id") else child.family_id
            if family not in child.family_ids:
                raise ValidationError(
                    _("%(child)s is not a child of the %(family)s household.", child=child.name, family=family.name)
                )
            guardian = Partner.browse(vals.get("guardian_partner_id") or vals.get("partner_id") or ()).sudo()
            if not guardian:
                guardian = (
                    self.env.user.partner_id
                    if self.env.user.partner_id in family.guardian_ids.partner_id
                    else family.guardian_ids[:1].partner_id
                )
            if guardian and guardian not in family.guardian_ids.partner_id:
                raise ValidationError(
                    _(
                        "%(person)s is not a guardian of the %(family)s household.",
                        person=guardian.name,
                        family=family.name,
                    )
                )
            vals.update(
                family_id=family.id,
                guardian_partner_id=guardian.id,
                partner_id=vals.get("partner_id") or guardian.id,
                name=vals.get("name") or child.name,
                email=vals.get("email") or guardian.email,
                phone=vals.get("phone") or guardian.phone,
            )
            if not vals.get("event_ticket_id"):
                ticket = event.camp_resident_ticket_id if family.is_resident else event.camp_non_resident_ticket_id
                if ticket:
                    vals["event_ticket_id"] = ticket.id
        if not decided:
            return []
        self._camp_check_eligibility(decided)
        for vals in decided:
            # for the time of the insert only: _camp_decide_seats gives the seat or the number
            vals.update(camp_state="waitlisted", state=CAMP_TO_STATE["waitlisted"], waitlist_position=0)
        return decided

    @api.model
    def _camp_check_eligibility(self, vals_list):
        """The rules a request must pass: opening time, age and school level on the first day, a medical
        sheet valid over the whole camp, no other camp at the same dates. Raises on the first refusal."""
        now = fields.Datetime.now()
        Event, Slot, Child = self.env["event.event"], self.env["event.slot"], self.env["childcare.child"].sudo()
        Sheet = self.env["childcare.medical.sheet"].sudo()
        planned = []  # (child, first day, last day, camp) of this batch
        for vals in vals_list:
            event = Event.browse(vals["event_id"])
            slot = Slot.browse(vals.get("event_slot_id") or ())
            child = Child.browse(vals["child_id"])
            if event.is_multi_slots and not slot:
                raise ValidationError(_("Camp %s is enrolled per week: choose the week.", event.name))
            if slot and slot.event_id != event:
                raise ValidationError(_("This week is not a week of camp %s.", event.name))
            if (
                event.camp_registration_open
                and now < event.camp_registration_open
                and not self._camp_user_organises(event)
            ):
                raise UserError(
                    _(
                        "Registrations for %(camp)s open on %(date)s.",
                        camp=event.name,
                        date=fields.Datetime.context_timestamp(
                            event.with_context(tz=event.date_tz), event.camp_registration_open
                        ).strftime("%d/%m/%Y %H:%M"),
                    )
                )
            first, last = (
                (slot.date, slot.camp_date_end or slot.date) if slot else (event.camp_date_first, event.camp_date_last)
            )
            age = child.age_months_on(first)
            low, high = event.camp_age_min_months, event.camp_age_max_months
            if age < low or (high and age > high):
                raise ValidationError(
                    _(
                        "%(child)s will be %(years)s years and %(months)s months old on %(date)s: camp %(camp)s "
                        "takes children aged %(ages)s.",
                        child=child.name,
                        years=age // 12,
                        months=age % 12,
                        date=first.strftime("%d/%m/%Y"),
                        camp=event.name,
                        ages=event.camp_age_label,
                    )
                )
            level = SCHOOL_LEVEL_RANK.get(child.school_level or "creche")
            level_min, level_max = event.camp_school_level_min, event.camp_school_level_max
            if (level_min and level < SCHOOL_LEVEL_RANK[level_min]) or (
                level_max and level > SCHOOL_LEVEL_RANK[level_max]
            ):
                levels = dict(child._fields["school_level"]._description_selection(self.env))
                raise ValidationError(
                    _(
                        "%(child)s is in %(level)s: camp %(camp)s takes children from %(low)s to %(high)s.",
                        child=child.name,
                        level=levels.get(child.school_level, child.school_level),
                        camp=event.name,
                        low=levels.get(level_min, "-"),
                        high=levels.get(level_max, "-"),
                    )
                )
            # sudo: only whether a valid sheet exists is used here, never its content
            if not Sheet.search_count([("child_id", "=", child.id), ("date_valid_until", ">=", last)], limit=1):
                raise ValidationError(
                    _(
                        "The medical sheet of %(child)s is missing or expires before the end of camp %(camp)s "
                        "(%(date)s): update it first.",
                        child=child.name,
                        camp=event.name,
                        date=last.strftime("%d/%m/%Y"),
                    )
                )
            planned.append((child, first, last, event))
        # the same child in two camps at the same dates: in this batch, then against the registrations on file
        for index, (child, first, last, event) in enumerate(planned):
            for other_child, other_first, other_last, other_event in planned[:index]:
                if other_child == child and first <= other_last and other_first <= last:
                    raise ValidationError(
                        _(
                            "%(child)s cannot go to %(camp)s and %(other)s: they take place at the same dates.",
                            child=child.name,
                            camp=event.name,
                            other=other_event.name,
                        )
                    )
        children = Child.browse({child.id for child, *_rest in planned})
        # sudo: the other camps of the child may belong to other organisers
        existing = self.sudo().search(
            [("child_id", "in", children.ids), ("is_camp", "=", True), ("camp_state", "!=", "cancelled")]
        )
        for child, first, last, event in planned:
            for other in existing.filtered(lambda r, c=child: r.child_id == c):
                other_first, other_last = other._camp_dates()
                if first <= other_last and other_first <= last:
                    raise ValidationError(
                        _(
                            "%(child)s is already registered for %(other)s at the same dates as %(camp)s.",
                            child=child.name,
                            other=other.event_id.name,
                            camp=event.name,
                        )
                    )

    @api.model
    def _camp_overdue_invoice_domain(self, families):
        """Invoices that block the automatic validation: posted, unpaid and past due. The invoicing part
        narrows this to camp invoices."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("childcare_family_id", "in", families.ids),
            ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    @api.model
    def _camp_families_with_overdue_invoices(self, families):
        if not families:
            return families
        # sudo: only which families owe money is used, no invoice is shown
        moves = (
            self.env["account.move"]
            .sudo()
            ._read_group(self._camp_overdue_invoice_domain(families), ["childcare_family_id"])
        )
        return families.browse([family.id for (family,) in moves])

    def _camp_decide_seats(self):
        """Give each new registration of ``self`` (in order of creation) a seat or a waiting-list number,
        under the row lock of its camp (or week).

        The lock is held until the commit and every request of an opening waits for it in turn: everything
        that can be done before is done before (the rules, the inserts, the computed fields: ``flush_all``),
        and under the lock there are only the count of the seats, one UPDATE with the decisions, and the
        fields computed from them. The decision is written with SQL and announced to the ORM
        (``modified``); the side effect of ``write`` on a confirmed registration, waking the mail scheduler
        (:meth:`_update_mail_schedulers`), is done before the lock."""
        if not self:
            return
        # sudo: the caller checked the access; the decision is the flow's own write
        registrations = self.sudo()
        events, slots = registrations.event_id, registrations.event_slot_id
        blocked = self._camp_families_with_overdue_invoices(registrations.family_id)
        auto = {event.id: event.camp_auto_validate for event in events}
        self.env.flush_all()
        events.filtered(lambda e: not e.is_multi_slots)._camp_lock_seats(slots)
        # ---- from here to the commit, the other requests for this camp wait
        view = self._camp_seat_view(events, slots, exclude=registrations)
        rows = []
        for registration in registrations.sorted("id"):
            queue = view[registration.event_id.id, registration.event_slot_id.id or False]
            if queue["capacity"] is None or queue["holders"] < queue["capacity"]:
                queue["holders"] += 1
                camp_state = (
                    "validated"
                    if auto[registration.event_id.id] and registration.family_id not in blocked
                    else "requested"
                )
                position = 0
            else:
                queue["last_position"] += 1
                camp_state, position = "waitlisted", queue["last_position"]
            rows.append(SQL("(%s, %s, %s, %s)", registration.id, camp_state, CAMP_TO_STATE[camp_state], position))
        # write_date: the moment the seat was given (clock time, inside the lock), not the transaction's start
        self.env.cr.execute(
            SQL(
                """UPDATE event_registration AS reg
                      SET camp_state = decision.camp_state, state = decision.state,
                          waitlist_position = decision.position,
                          write_date = clock_timestamp() AT TIME ZONE 'UTC'
                     FROM (VALUES %s) AS decision(id, camp_state, state, position)
                    WHERE reg.id = decision.id""",
                SQL(", ").join(rows),
            )
        )
        fnames = ["camp_state", "state", "waitlist_position", "write_date"]
        registrations.invalidate_recordset(fnames)
        registrations.modified(fnames)

    @api.model
    def _camp_seat_view(self, events, slots, exclude=None):
        """Seats of each (event id, slot id or False): ``capacity`` (None: unlimited), ``holders`` (registrations
        holding a seat), ``waiting`` ([(number, registration id)] in line order), ``last_position``.

        Call it with the lock held: it reads the committed registrations on a fresh cursor and this
        transaction's own changes on the current one (see the module docstring), leaving out ``exclude`` (the
        registrations being placed)."""
        self.env.flush_all()
        view = {}
        for event in events:
            capacity = event.seats_max if event.seats_limited and event.seats_max > 0 else None
            keys = (
                [(event.id, slot.id) for slot in slots if slot.event_id == event]
                if event.is_multi_slots
                else [(event.id, False)]
            )
            for key in keys:
                view[key] = {"capacity": capacity, "holders": 0, "waiting": [], "last_position": 0}
        if not view:
            return view
        touched = tuple(_TOUCHED.get(self.env.cr) or ())
        rows = []
        query = SQL(
            """SELECT id, event_id, event_slot_id, camp_state, waitlist_position
                 FROM event_registration
                WHERE event_id IN %s AND active AND camp_state IN %s AND NOT (id = ANY(%s))""",
            tuple(events.ids),
            (*SEAT_STATES, "waitlisted"),
            list(touched),
        )
        with self.env.registry.cursor() as fresh:
            fresh.execute(query)
            rows += fresh.fetchall()
        own = tuple(set(touched) - set(exclude.ids if exclude else ()))
        if own:
            self.env.cr.execute(
                SQL(
                    """SELECT id, event_id, event_slot_id, camp_state, waitlist_position
                         FROM event_registration
                        WHERE id IN %s AND event_id IN %s AND active AND camp_state IN %s""",
                    own,
                    tuple(events.ids),
                    (*SEAT_STATES, "waitlisted"),
                )
            )
            rows += self.env.cr.fetchall()
        for reg_id, event_id, slot_id, camp_state, position in rows:
            queue = view.get((event_id, slot_id or False))
            if queue is None:
                continue
            if camp_state == "waitlisted":
                queue["waiting"].append((position or 0, reg_id))
                queue["last_position"] = max(queue["last_position"], position or 0)
            else:
                queue["holders"] += 1
        for queue in view.values():
            queue["waiting"].sort()
        return view

    # ------------------------------------------------------------------ the waiting list
    def _camp_seat_keys(self):
        return {(registration.event_id, registration.event_slot_id) for registration in self}

    @api.model
    def _camp_promote(self, keys):
        """Give the free seats of each (event, slot) of ``keys`` to the first children in line."""
        keys = {(event, slot) for event, slot in keys if event.is_camp}
        if not keys:
            return self.browse()
        events = self.env["event.event"].union(*(event for event, _slot in keys))
        slots = self.env["event.slot"].union(*(slot for _event, slot in keys))
        events.filtered(lambda e: not e.is_multi_slots)._camp_lock_seats(slots)
        view = self._camp_seat_view(events, slots)
        promoted_ids = []
        for event, slot in keys:
            queue = view.get((event.id, slot.id or False))
            if not queue:
                continue
            free = None if queue["capacity"] is None else queue["capacity"] - queue["holders"]
            for _position, reg_id in queue["waiting"]:
                if free is not None and free <= 0:
                    break
                promoted_ids.append(reg_id)
                if free is not None:
                    free -= 1
        if not promoted_ids:
            return self.browse()
        # a registration put on the list after this transaction began is not visible to it: the cron promotes it
        self.env.cr.execute(
            SQL(
                "SELECT id FROM event_registration WHERE id IN %s AND camp_state = 'waitlisted'",
                tuple(promoted_ids),
            )
        )
        visible = {row[0] for row in self.env.cr.fetchall()}
        if len(visible) < len(promoted_ids):
            promoted_ids = promoted_ids[: next(i for i, reg_id in enumerate(promoted_ids) if reg_id not in visible)]
            self.env.ref("youth_camps.ir_cron_camp_waitlist")._trigger()
        promoted = self.sudo().browse(promoted_ids)
        promoted._camp_give_seat()
        return promoted

    def _camp_give_seat(self):
        """Promote waitlisted registrations (the caller holds the lock and checked the free seats)."""
        now = fields.Datetime.now()
        for event, registrations in self.grouped("event_id").items():
            # the deadline is a day at the camp's place, whoever (and wherever) freed the seat
            today = fields.Date.context_today(event.with_context(tz=event.date_tz))
            registrations.write(
                {
                    "camp_state": "validated",
                    "waitlist_position": 0,
                    "camp_promoted_date": now,
                    "payment_deadline": today + timedelta(days=event.camp_payment_days),
                }
            )
        template = self.env.ref("youth_camps.mail_template_camp_waitlist_promoted", raise_if_not_found=False)
        for registration in self:
            if template and registration.email:
                template.send_mail(registration.id)
            registration.message_post(
                body=_(
                    "A seat freed up: the registration left the waiting list, to be paid by %s.",
                    registration.payment_deadline,
                )
            )

    @api.model
    def _cron_camp_waitlist(self):
        """Pass on the seats whose payment deadline passed, then fill every free seat from the waiting lists."""
        today = fields.Date.context_today(self)
        expired = self.sudo().search(
            [
                ("is_camp", "=", True),
                ("camp_state", "=", "validated"),
                ("payment_deadline", "!=", False),
                ("payment_deadline", "<", today),
            ]
        )
        for registration in expired:
            registration._camp_cancel(_("The payment deadline of %s passed.", registration.payment_deadline))
        waiting = self.sudo()._read_group(
            [
                ("is_camp", "=", True),
                ("camp_state", "=", "waitlisted"),
                ("event_id.date_end", ">", fields.Datetime.now()),
            ],
            ["event_id", "event_slot_id"],
        )
        self._camp_promote({(event, slot) for event, slot in waiting})

    # ------------------------------------------------------------------ the flow
    def action_camp_validate(self):
        """Staff confirm requested registrations (they already hold their seat)."""
        self._camp_check_staff()
        if any(registration.camp_state != "requested" for registration in self):
            raise UserError(_("Only requested registrations can be validated."))
        self.sudo().write({"camp_state": "validated"})
        return True

    def action_camp_promote(self):
        """Staff give a seat to a waiting registration when one is free."""
        self._camp_check_staff()
        if any(registration.camp_state != "waitlisted" for registration in self):
            raise UserError(_("Only registrations on the waiting list can be given a seat."))
        keys = self._camp_seat_keys()
        events = self.env["event.event"].union(*(event for event, _slot in keys))
        slots = self.env["event.slot"].union(*(slot for _event, slot in keys))
        events.filtered(lambda e: not e.is_multi_slots)._camp_lock_seats(slots)
        view = self._camp_seat_view(events, slots)
        for registration in self:
            queue = view[registration.event_id.id, registration.event_slot_id.id or False]
            if queue["capacity"] is not None and queue["holders"] >= queue["capacity"]:
                raise UserError(_("Camp %s has no free seat.", registration.event_id.name))
            queue["holders"] += 1
        self.sudo()._camp_give_seat()
        return True

    def action_camp_attend(self):
        """Leaders mark the children who came."""
        self._camp_check_staff(leaders=True)
        if any(registration.camp_state not in ("validated", "paid") for registration in self):
            raise UserError(_("Only validated or paid registrations can be marked as attended."))
        self.sudo().write({"camp_state": "attended"})
        return True

    def _camp_mark_paid(self):
        """The invoice of the registrations is paid (called by the invoicing code, which checked it)."""
        to_pay = self.filtered(lambda r: r.is_camp and r.camp_state in ("requested", "validated"))
        to_pay.sudo().write({"camp_state": "paid", "payment_deadline": False})
        return to_pay

    def _camp_check_cancel_access(self):
        """Any guardian of the registration's family may cancel it; so may the camp's organisers."""
        partner = self.env.user.partner_id
        for registration in self.sudo():
            if self.with_env(self.env(su=False))._camp_user_organises(registration.event_id):
                continue
            if partner not in registration.family_id.guardian_ids.partner_id:
                raise AccessError(_("Only a guardian of the child's family can cancel this registration."))

    def action_camp_cancel(self, reason=None, medical_certificate=False):
        """Cancel camp registrations (a guardian of the family, or the camp's organisers), ask the invoicing
        for the refund, and give the freed seats to the waiting list."""
        if not all(registration.sudo().is_camp for registration in self):
            raise UserError(_("Only camp registrations are cancelled this way."))
        self._camp_check_cancel_access()
        if medical_certificate and not all(
            self.with_env(self.env(su=False))._camp_user_organises(event) for event in self.sudo().event_id
        ):
            raise AccessError(_("Only the camp's organisers record a medical certificate (they check it)."))
        registrations = self.sudo()
        if any(registration.camp_state in ("cancelled", "attended") for registration in registrations):
            raise UserError(_("A registration already cancelled or attended cannot be cancelled."))
        registrations._camp_cancel(reason or _("Cancelled by %s", self.env.user.name), medical_certificate)
        return True

    def _camp_cancel(self, reason, medical_certificate=False):
        freed = self.filtered(lambda r: r.camp_state in SEAT_STATES)
        self.write(
            {
                "camp_state": "cancelled",
                "waitlist_position": 0,
                "camp_cancel_reason": reason,
                "camp_cancel_date": fields.Datetime.now(),
                "camp_cancel_medical": medical_certificate,
                "camp_cancel_uid": self.env.uid,
            }
        )
        for registration in self:
            registration.message_post(body=_("Cancelled: %s", reason))
        self._camp_refund()
        if freed:
            self._camp_promote(freed._camp_seat_keys())

    def _camp_refund(self):
        """Hook: refund cancelled registrations (the invoicing part issues the credit note)."""
        return self.env["account.move"]

    def _camp_refund_rate(self):
        """Share of the price refunded on cancellation: everything with a medical certificate or at least the
        camp's refund days before its first day, nothing later."""
        self.ensure_one()
        if self.camp_cancel_medical:
            return 1.0
        first, _last = self._camp_dates()
        day = (self.camp_cancel_date or fields.Datetime.now()).date()
        return 1.0 if first and (first - day).days >= self.event_id.camp_refund_days else 0.0

    def _update_mail_schedulers(self):
        """Odoo sends the after-registration mails inside the registering transaction; for camps the cron
        sends them (Odoo's ``event.event_mail_async`` choice): the transaction holding the camp's seat lock
        stays short on opening day."""
        camps = self.filtered("is_camp")
        if (
            camps
            and not self.env.context.get("install_mode")
            and any(registration.state == "open" for registration in camps)
        ):
            self.env.ref("event.event_mail_scheduler")._trigger()
        return super(EventRegistration, self - camps)._update_mail_schedulers()

    # ------------------------------------------------------------------ Odoo's own buttons on camps
    def action_confirm(self):
        camps = self.filtered("is_camp")
        camps.filtered(lambda r: r.camp_state == "requested").action_camp_validate()
        camps.filtered(lambda r: r.camp_state == "waitlisted").action_camp_promote()
        return super(EventRegistration, self - camps).action_confirm()

    def action_set_done(self):
        camps = self.filtered("is_camp")
        camps.action_camp_attend() if camps else None
        return super(EventRegistration, self - camps).action_set_done()

    def action_cancel(self):
        camps = self.filtered("is_camp")
        camps.action_camp_cancel() if camps else None
        return super(EventRegistration, self - camps).action_cancel()

    def action_set_draft(self):
        if any(self.mapped("is_camp")):
            raise UserError(_("A camp registration does not go back to draft: cancel it and register again."))
        return super().action_set_draft()
