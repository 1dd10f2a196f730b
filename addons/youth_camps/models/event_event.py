"""A holiday camp ("stage") is an Odoo event with ``is_camp`` set.

Odoo keeps the seats, tickets, slots and mail schedules; this extension adds who organises the camp, who may
join it (age and school level on the first day), when registrations open, its prices and refund rule, and the
row lock that makes seat taking safe when hundreds of parents register at the same second.
"""

import pytz

from odoo import api, fields, models
from odoo.addons.childcare_base.models.childcare_child import SCHOOL_LEVELS
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.translate import _

#: position of each school level in childcare_base's order (creche < m1 < ... < p6 < s1)
SCHOOL_LEVEL_RANK = {code: rank for rank, (code, _label) in enumerate(SCHOOL_LEVELS)}


class EventEvent(models.Model):
    _inherit = "event.event"

    is_camp = fields.Boolean(
        string="Holiday camp",
        index=True,
        help="A camp for children: registrations name a child, follow the camp flow (request, validation, "
        "payment, attendance) and a waiting list replaces Odoo's 'sold out'.",
    )
    camp_organiser_id = fields.Many2one(
        "childcare.structure",
        string="Camp organiser",
        index=True,
        domain=[("structure_type", "=", "camp_organiser")],
        tracking=True,
        help="The structure that runs the camp: its staff with the 'Camp organiser' role manage it.",
    )
    camp_theme_ids = fields.Many2many(
        "event.tag",
        "event_event_camp_theme_rel",
        "event_id",
        "tag_id",
        string="Themes",
        help="What the children do (sport, nature, art...): the catalogue filters on these.",
    )
    camp_age_min_months = fields.Integer(
        string="Minimum age (months)",
        help="Age in completed months on the first day of the camp (6 years = 72 months).",
    )
    camp_age_max_months = fields.Integer(
        string="Maximum age (months)",
        help="Age in completed months on the first day of the camp; 0 means no upper limit.",
    )
    camp_age_label = fields.Char(string="Ages", compute="_compute_camp_age_label")
    camp_school_level_min = fields.Selection(SCHOOL_LEVELS, string="From school level")
    camp_school_level_max = fields.Selection(SCHOOL_LEVELS, string="To school level")
    camp_registration_open = fields.Datetime(
        string="Registrations open",
        tracking=True,
        help="Parents cannot register before this date and time (the opening rush); staff can.",
    )
    camp_date_first = fields.Date(
        string="First day",
        compute="_compute_camp_dates",
        store=True,
        help="First day of the camp in its timezone.",
    )
    camp_date_last = fields.Date(string="Last day", compute="_compute_camp_dates", store=True)
    camp_hour_start = fields.Float(string="Day starts at", default=9.0)
    camp_hour_end = fields.Float(string="Day ends at", default=16.0)
    camp_has_early_care = fields.Boolean(string="Early care", help="Children may be dropped off before the day starts.")
    camp_has_late_care = fields.Boolean(string="Late care", help="Children may be picked up after the day ends.")
    camp_bus_service = fields.Boolean(string="Bus service", help="Children may take a bus route to the camp.")
    camp_resident_ticket_id = fields.Many2one(
        "event.event.ticket",
        string="Resident ticket",
        domain="[('event_id', '=', id)]",
        help="Ticket (with its product and price) of the families living in the municipality.",
    )
    camp_non_resident_ticket_id = fields.Many2one(
        "event.event.ticket",
        string="Non-resident ticket",
        domain="[('event_id', '=', id)]",
        help="Ticket of the families living elsewhere.",
    )
    camp_sibling_reduction = fields.Float(
        string="Sibling reduction (%)",
        digits=(5, 2),
        help="Reduction on the price of each further child of a family in the same request.",
    )
    camp_partial_weeks = fields.Boolean(
        string="Partial weeks",
        help="Families may register for some days only, at the price per day.",
    )
    camp_day_price = fields.Monetary(string="Price per day", currency_field="currency_id")
    camp_refund_days = fields.Integer(
        string="Full refund until (days before)",
        default=lambda self: self.env.company.camp_refund_days_default,
        help="A cancellation at least this many days before the first day is fully refunded; later, nothing is "
        "refunded unless a medical certificate is given.",
    )
    camp_payment_days = fields.Integer(
        string="Payment delay (days)",
        default=lambda self: self.env.company.camp_payment_days_default,
        help="Days a family promoted from the waiting list has to pay before the seat passes on.",
    )
    camp_auto_validate = fields.Boolean(
        string="Validate automatically",
        default=True,
        help="Requests that pass every rule (age, school level, medical sheet, no overdue camp invoice) are "
        "validated at once; otherwise staff validate each request.",
    )
    camp_leader_ids = fields.Many2many(
        "res.users",
        "event_event_camp_leader_rel",
        "event_id",
        "user_id",
        string="Camp leaders",
        domain=[("share", "=", False)],
        help="Leaders see this camp, its registrations and its lists.",
    )
    camp_waitlist_count = fields.Integer(string="On the waiting list", compute="_compute_camp_counts")
    camp_request_count = fields.Integer(string="To validate", compute="_compute_camp_counts")

    @api.constrains("is_camp", "camp_age_min_months", "camp_age_max_months")
    def _check_camp_ages(self):
        for event in self.filtered("is_camp"):
            if event.camp_age_min_months < 0 or event.camp_age_max_months < 0:
                raise ValidationError(_("The ages of camp %s cannot be negative.", event.name))
            if event.camp_age_max_months and event.camp_age_max_months < event.camp_age_min_months:
                raise ValidationError(
                    _("The maximum age of camp %s is below its minimum age.", event.name),
                )

    @api.constrains("camp_school_level_min", "camp_school_level_max")
    def _check_camp_school_levels(self):
        for event in self:
            low, high = event.camp_school_level_min, event.camp_school_level_max
            if low and high and SCHOOL_LEVEL_RANK[high] < SCHOOL_LEVEL_RANK[low]:
                raise ValidationError(_("The school levels of camp %s are in the wrong order.", event.name))

    @api.constrains("camp_organiser_id")
    def _check_camp_organiser(self):
        for event in self.filtered("camp_organiser_id"):
            if event.camp_organiser_id.structure_type != "camp_organiser":
                raise ValidationError(
                    _("%s is not a camp organiser: choose a structure of that type.", event.camp_organiser_id.name)
                )

    @api.constrains("camp_resident_ticket_id", "camp_non_resident_ticket_id")
    def _check_camp_tickets(self):
        for event in self:
            tickets = event.camp_resident_ticket_id | event.camp_non_resident_ticket_id
            if tickets.event_id - event:
                raise ValidationError(_("The resident and non-resident tickets must be tickets of %s.", event.name))

    @api.depends("camp_age_min_months", "camp_age_max_months")
    def _compute_camp_age_label(self):
        for event in self:
            low, high = event.camp_age_min_months, event.camp_age_max_months
            if not (low or high):
                event.camp_age_label = False
            elif not high:
                event.camp_age_label = _("from %s years", round(low / 12, 1))
            else:
                event.camp_age_label = _("%(low)s–%(high)s years", low=round(low / 12, 1), high=round(high / 12, 1))

    @api.depends("date_begin", "date_end", "date_tz")
    def _compute_camp_dates(self):
        for event in self:
            tz = pytz.timezone(event.date_tz or "UTC")
            event.camp_date_first = event.date_begin and pytz.utc.localize(event.date_begin).astimezone(tz).date()
            event.camp_date_last = event.date_end and pytz.utc.localize(event.date_end).astimezone(tz).date()

    def _compute_camp_counts(self):
        counts = {
            (event.id, state): count
            for event, state, count in self.env["event.registration"]._read_group(
                [("event_id", "in", self.ids), ("camp_state", "in", ("waitlisted", "requested"))],
                ["event_id", "camp_state"],
                ["__count"],
            )
        }
        for event in self:
            event.camp_waitlist_count = counts.get((event.id, "waitlisted"), 0)
            event.camp_request_count = counts.get((event.id, "requested"), 0)

    # ------------------------------------------------------------------ seats
    def _camp_lock_seats(self, slots=None):
        """Lock the rows that hold the seats (the events, or the slots of multi-slot camps) until the end of
        the transaction, always in the same order (events then slots, by id) so two transactions never
        wait for each other in a circle. Every code path that gives a seat takes this lock first."""
        if self:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM event_event WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(self.ids),
                )
            )
        if slots:
            self.env.cr.execute(
                SQL("SELECT id FROM event_slot WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", tuple(slots.ids))
            )

    def action_view_camp_registrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("youth_camps.event_registration_camp_action")
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"default_event_id": self.id, "search_default_group_camp_state": 1}
        return action

    def action_view_camp_waitlist(self):
        action = self.action_view_camp_registrations()
        action["context"] = {"default_event_id": self.id, "search_default_waitlisted": 1}
        return action


class EventSlot(models.Model):
    _inherit = "event.slot"

    camp_date_end = fields.Date(
        string="Last day",
        compute="_compute_camp_date_end",
        store=True,
        readonly=False,
        help="Camps enrolled per week use one slot per week: the slot starts on its date and runs daily, at "
        "its hours, until this day.",
    )

    @api.depends("date")
    def _compute_camp_date_end(self):
        for slot in self:
            if slot.date and (not slot.camp_date_end or slot.camp_date_end < slot.date):
                slot.camp_date_end = slot.date

    @api.constrains("date", "camp_date_end")
    def _check_camp_date_end(self):
        for slot in self.filtered("camp_date_end"):
            if slot.camp_date_end < slot.date:
                raise ValidationError(_("The last day of slot %s comes before its first day.", slot.display_name))
            last = slot.event_id.camp_date_last
            if last and slot.camp_date_end > last:
                raise ValidationError(_("The last day of slot %s falls after the end of its camp.", slot.display_name))

    def _camp_days(self):
        self.ensure_one()
        return (self.camp_date_end - self.date).days + 1 if self.camp_date_end else 1
