"""Bus transport to the camps: routes, their ordered stops, the stop a registration picks, the daily manifest.

A route serves one or more camps and runs one vehicle: on no day may it carry more children than the vehicle
holds. A child rides on the days of its camp (or of its event slot), so the load of a route on a day is the
number of the active registrations (not cancelled, not on the waiting list) of all the camps it serves whose
dates include that day and whose stop belongs to the route. The check runs when a stop is chosen, under a row
lock on the route taken in the same transaction as the registration (an ``UPDATE`` of the route row: under
Odoo's REPEATABLE READ isolation a second transaction that chose a stop of the same route at the same time
fails with a serialization error and Odoo replays it, and the replay sees the first one's child).
"""

import base64
import io
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.misc import format_duration

#: who may print a route's manifest (besides the superuser): municipal staff, camp organisers and leaders
MANIFEST_GROUPS = (
    "childcare_base.group_childcare_manager",
    "youth_camps.group_camp_organiser",
    "youth_camps.group_camp_leader",
)


class YouthCampsBusRoute(models.Model):
    _name = "youth_camps.bus.route"
    _description = "Camp bus route"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, help="How the route is called, e.g. 'North loop (Feluy)'.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    vehicle_capacity = fields.Integer(
        required=True,
        default=20,
        tracking=True,
        help="Seats for children in the vehicle: on no day does the route carry more children than this.",
    )
    carrier_id = fields.Many2one(
        "res.partner",
        string="Bus company",
        tracking=True,
        check_company=True,
        help="The company that runs the route: it receives the daily manifest.",
    )
    driver_name = fields.Char(tracking=True, groups="base.group_user")
    driver_phone = fields.Char(tracking=True, groups="base.group_user")
    camp_ids = fields.Many2many(
        "event.event",
        "youth_camps_bus_route_event_rel",
        "route_id",
        "event_id",
        string="Camps served",
        check_company=True,
        domain=[("camp_bus_service", "=", True)],
        help="The camps whose children may ride this route (only camps with a bus service).",
    )
    stop_ids = fields.One2many("youth_camps.bus.stop", "route_id", string="Stops", copy=True)
    stop_count = fields.Integer(compute="_compute_stop_count", string="Number of stops")
    registration_ids = fields.One2many(
        "event.registration", "bus_route_id", string="Passenger registrations", groups="base.group_user"
    )
    passenger_count = fields.Integer(
        compute="_compute_passenger_count",
        string="Passengers",
        groups="base.group_user",
        help="Children with an active registration (not cancelled, not waiting) who take this route.",
    )
    note = fields.Html(help="Instructions for the driver and the camp staff.")

    _vehicle_capacity_positive = models.Constraint(
        "CHECK (vehicle_capacity > 0)", "The vehicle of a bus route must hold at least one child."
    )

    @api.depends("stop_ids")
    def _compute_stop_count(self):
        for route in self:
            route.stop_count = len(route.stop_ids)

    @api.depends("registration_ids.state", "registration_ids.bus_stop_id")
    def _compute_passenger_count(self):
        counts = dict(
            self.env["event.registration"]
            .sudo()
            ._read_group(
                [("bus_route_id", "in", self.ids), *self.env["event.registration"]._bus_counted_domain()],
                ["bus_route_id"],
                ["__count"],
            )
        )
        for route in self:
            route.passenger_count = counts.get(route._origin, 0)

    # ------------------------------------------------------------------ rules of the route
    @api.constrains("vehicle_capacity")
    def _check_vehicle_capacity_load(self):
        """A smaller vehicle must still hold the children already on the route."""
        for route in self:
            peak_day, peak = route._peak_load()
            if peak > route.vehicle_capacity:
                raise ValidationError(
                    self.env._(
                        "The vehicle of %(route)s cannot hold fewer than %(peak)s children: that many ride "
                        "it on %(day)s.",
                        route=route.name,
                        peak=peak,
                        day=format_date(self.env, peak_day),
                    )
                )

    @api.constrains("camp_ids")
    def _check_camps_served(self):
        """A camp cannot leave a route while some of its children still ride it."""
        Registration = self.env["event.registration"].sudo()
        for route in self:
            stranded = Registration.search(
                [
                    ("bus_route_id", "=", route.id),
                    ("event_id", "not in", route.camp_ids.ids),
                    ("state", "!=", "cancel"),
                ],
                limit=1,
            )
            if stranded:
                raise ValidationError(
                    self.env._(
                        "%(camp)s cannot leave the route %(route)s: some of its children ride it. Move them to "
                        "another stop first.",
                        camp=stranded.event_id.name,
                        route=route.name,
                    )
                )

    # ------------------------------------------------------------------ load per day
    def _lock_for_load(self):
        """Take the row lock that serialises the choice of stops on these routes (see the module docstring):
        lock the rows in the order of their ids (no deadlock between two batches), then touch them, so that a
        transaction that began before this one commits fails to lock them and is replayed by Odoo."""
        if self.ids:
            ids = tuple(sorted(self.ids))
            self.env.cr.execute(
                SQL("SELECT id FROM youth_camps_bus_route WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", ids)
            )
            self.env.cr.execute(SQL("UPDATE youth_camps_bus_route SET write_date = write_date WHERE id IN %s", ids))

    def _load_by_day(self, date_from=None, date_to=None):
        """{day: number of children riding this route that day}, over [date_from, date_to] when given."""
        self.ensure_one()
        domain = [("bus_route_id", "=", self.id), *self.env["event.registration"]._bus_counted_domain()]
        if date_from:
            domain.append(("event_id.date_end", ">=", datetime.combine(date_from, time.min) - timedelta(days=1)))
        if date_to:
            domain.append(("event_id.date_begin", "<=", datetime.combine(date_to, time.max) + timedelta(days=1)))
        load = {}
        for registration in self.env["event.registration"].sudo().search(domain):
            for day in registration._bus_days():
                if (not date_from or day >= date_from) and (not date_to or day <= date_to):
                    load[day] = load.get(day, 0) + 1
        return load

    def _peak_load(self):
        """(day, children) of the busiest day of the route from today on ((False, 0) when nobody rides)."""
        self.ensure_one()
        load = self._load_by_day(date_from=fields.Date.context_today(self))
        if not load:
            return False, 0
        day = max(sorted(load), key=load.get)
        return day, load[day]

    # ------------------------------------------------------------------ manifest
    def _check_manifest_access(self):
        """The manifest lists children and their guardians' phones: camp staff only, never a portal user."""
        self.check_access("read")
        user = self.env.user
        if self.env.su:
            return
        if user.share or not any(user.has_group(group) for group in MANIFEST_GROUPS if self.env.ref(group, False)):
            raise AccessError(
                self.env._(
                    "Only municipal staff, camp organisers and camp leaders may print the manifest of a bus route."
                )
            )

    def _manifest_rows(self, day):
        """The children riding this route on ``day``, stop by stop: a list of dicts (stop order, then name).

        Only the registrations the user may read are listed (camp leaders see their own camps); the names
        and phones are read under sudo after that check, since the registry's rules are those of the crèches.
        """
        self.ensure_one()
        self._check_manifest_access()
        day = fields.Date.to_date(day)
        Registration = self.env["event.registration"]
        domain = [
            ("bus_route_id", "=", self.id),
            *Registration._bus_counted_domain(),
            ("event_id.date_begin", "<=", datetime.combine(day, time.max) + timedelta(days=1)),
            ("event_id.date_end", ">=", datetime.combine(day, time.min) - timedelta(days=1)),
        ]
        registrations = Registration.sudo().search(domain)
        if not self.env.su:
            registrations = registrations.with_env(self.env)._filtered_access("read")
        registrations = registrations.sudo().filtered(lambda r: day in r._bus_days())
        rows = []
        for registration in registrations:
            child = registration._bus_child()
            guardian = registration._bus_guardian()
            stop = registration.bus_stop_id
            rows.append(
                {
                    "registration": registration,
                    "stop": stop,
                    "stop_sequence": stop.sequence,
                    "stop_name": stop.name,
                    "stop_address": stop.address or "",
                    "pickup_time": stop.pickup_time,
                    "dropoff_time": stop.dropoff_time,
                    "child_name": child.name if child else registration.name or "",
                    "camp_name": registration.event_id.name,
                    "guardian_name": guardian.name or "",
                    "guardian_phone": registration._bus_guardian_phones(),
                }
            )
        rows.sort(key=lambda row: (row["stop_sequence"], row["stop"].id, row["child_name"].lower()))
        return rows

    def _manifest_stops(self, day):
        """[(stop, rows)] for every stop of the route, in order, with the children boarding there (maybe none)."""
        rows = self._manifest_rows(day)
        return [(stop, [row for row in rows if row["stop"] == stop]) for stop in self.stop_ids.sorted()]

    def _manifest_xlsx(self, day):
        """The manifest of ``day`` as an XLSX workbook (bytes): a heading, then one row per child."""
        self.ensure_one()
        import xlsxwriter  # an external dependency, only loaded to export

        day = fields.Date.to_date(day)
        stops = self._manifest_stops(day)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(day.isoformat())
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        _ = self.env._
        sheet.write(0, 0, _("Bus manifest"), title)
        sheet.write(0, 2, self.name, title)
        sheet.write(1, 0, _("Date"), bold)
        sheet.write(1, 2, format_date(self.env, day))
        sheet.write(2, 0, _("Driver"), bold)
        sheet.write(2, 2, " ".join(p for p in (self.sudo().driver_name, self.sudo().driver_phone) if p))
        sheet.write(3, 0, _("Children"), bold)
        sheet.write_number(3, 2, sum(len(rows) for _stop, rows in stops))
        sheet.write(3, 3, _("Vehicle capacity"), bold)
        sheet.write_number(3, 4, self.vehicle_capacity)
        headers = [
            _("Stop"),
            _("Address"),
            _("Pick-up"),
            _("Drop-off"),
            _("Child"),
            _("Camp"),
            _("Guardian"),
            _("Guardian phone"),
        ]
        header_row = 5
        for col, header in enumerate(headers):
            sheet.write(header_row, col, header, bold)
        row = header_row
        for stop, rows in stops:
            for line in rows:
                row += 1
                values = [
                    stop.name,
                    stop.address or "",
                    format_duration(stop.pickup_time),
                    format_duration(stop.dropoff_time),
                    line["child_name"],
                    line["camp_name"],
                    line["guardian_name"],
                    line["guardian_phone"],
                ]
                for col, value in enumerate(values):
                    if value:
                        sheet.write_string(row, col, value)
        sheet.set_column(0, 1, 26)
        sheet.set_column(2, 3, 9)
        sheet.set_column(4, 7, 24)
        sheet.freeze_panes(header_row + 1, 0)
        workbook.close()
        return output.getvalue()

    def action_open_manifest_wizard(self):
        self.ensure_one()
        self._check_manifest_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Daily manifest of %s", self.name),
            "res_model": "youth_camps.bus.manifest.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_route_id": self.id},
        }

    def action_view_passengers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Passengers of %s", self.name),
            "res_model": "event.registration",
            "view_mode": "list,form",
            "domain": [("bus_route_id", "=", self.id)],
            "context": {"search_default_group_by_bus_stop": 1},
        }


class YouthCampsBusStop(models.Model):
    _name = "youth_camps.bus.stop"
    _description = "Camp bus stop"
    _inherit = ["childcare.guard.mixin"]
    _order = "route_id, sequence, id"

    route_id = fields.Many2one("youth_camps.bus.route", string="Route", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="route_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10, help="Order of the stop along the route.")
    name = fields.Char(string="Place", required=True, help="Where the children wait, e.g. 'Church square'.")
    address = fields.Char(help="Street and number of the stop, for the driver.")
    pickup_time = fields.Float(
        string="Pick-up time", help="When the bus picks the children up in the morning (local time)."
    )
    dropoff_time = fields.Float(
        string="Drop-off time", help="When the bus brings the children back in the afternoon (local time)."
    )
    active = fields.Boolean(related="route_id.active", store=True)
    registration_ids = fields.One2many(
        "event.registration", "bus_stop_id", string="Passengers", groups="base.group_user"
    )

    _times_in_day = models.Constraint(
        "CHECK (pickup_time >= 0 AND pickup_time < 24 AND dropoff_time >= 0 AND dropoff_time < 24)",
        "The pick-up and drop-off times of a bus stop are hours of the day (00:00 to 23:59).",
    )

    @api.depends("name", "route_id.name", "pickup_time")
    def _compute_display_name(self):
        for stop in self:
            stop.display_name = f"{stop.route_id.name} — {stop.name} ({format_duration(stop.pickup_time)})"

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "not ilike", "=ilike", "like", "=like") and value:
            domain = ["|", ("name", operator, value), ("route_id.name", operator, value)]
            return ["!", *domain] if operator.startswith("not") else domain
        return super()._search_display_name(operator, value)


class EventRegistration(models.Model):
    _inherit = "event.registration"

    bus_stop_id = fields.Many2one(
        "youth_camps.bus.stop",
        string="Bus stop",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        domain="[('route_id.camp_ids', 'in', event_id)]",
        help="Where the child takes the camp bus: a stop of a route that serves this camp.",
    )
    bus_route_id = fields.Many2one(
        related="bus_stop_id.route_id", store=True, index="btree_not_null", string="Bus route"
    )

    # ------------------------------------------------------------------ what counts
    @api.model
    def _bus_counted_domain(self):
        """The registrations that hold a seat on the bus: active, not cancelled, not on the waiting list."""
        domain = [("state", "!=", "cancel"), ("active", "=", True)]
        if "camp_state" in self._fields:
            domain.append(("camp_state", "not in", ("waitlisted", "cancelled")))
        return domain

    def _bus_is_counted(self):
        self.ensure_one()
        if self.state == "cancel" or not self.active:
            return False
        return not ("camp_state" in self._fields and self.camp_state in ("waitlisted", "cancelled"))

    def _bus_days(self):
        """The days (in the camp's time zone) the child rides the bus: those of its slot, or of its camp."""
        self.ensure_one()
        slot, camp = self.event_slot_id, self.event_id
        if slot and "camp_date_end" in slot._fields and slot.date:
            first, last = slot.date, slot.camp_date_end or slot.date
            return {first + timedelta(days=n) for n in range((last - first).days + 1)}
        if not slot and "camp_date_first" in camp._fields and camp.camp_date_first and camp.camp_date_last:
            first, last = camp.camp_date_first, camp.camp_date_last
            return {first + timedelta(days=n) for n in range((last - first).days + 1)}
        begin, end = self.event_begin_date, self.event_end_date
        if not begin or not end:
            return set()
        tz = pytz.timezone(self.event_id.date_tz or "UTC")
        first = pytz.utc.localize(begin).astimezone(tz).date()
        last = pytz.utc.localize(end).astimezone(tz).date()
        return {first + timedelta(days=n) for n in range((last - first).days + 1)}

    def _bus_child(self):
        return self.child_id if "child_id" in self._fields else self.env["childcare.child"]

    def _bus_guardian(self):
        if "guardian_partner_id" in self._fields and self.guardian_partner_id:
            return self.guardian_partner_id
        return self.partner_id

    def _bus_guardian_phones(self):
        """The registering guardian's phone first, then the other guardians' of the family."""
        phones = []
        partners = self._bus_guardian()
        if "family_id" in self._fields and self.family_id:
            partners |= self.family_id.guardian_ids.partner_id
        for partner in partners:
            if partner.phone and partner.phone not in phones:
                phones.append(partner.phone)
        if not phones and self.phone:
            phones.append(self.phone)
        return " / ".join(phones)

    # ------------------------------------------------------------------ checks
    @api.constrains("bus_stop_id", "event_id")
    def _check_bus_stop(self):
        for registration in self.filtered("bus_stop_id"):
            camp, route = registration.event_id, registration.bus_stop_id.route_id
            if "camp_bus_service" in camp._fields and not camp.camp_bus_service:
                raise ValidationError(
                    self.env._("%(camp)s has no bus service: no bus stop can be chosen.", camp=camp.name)
                )
            if camp not in route.camp_ids:
                raise ValidationError(
                    self.env._(
                        "The stop %(stop)s belongs to the route %(route)s, which does not serve %(camp)s: "
                        "choose a stop of a route serving this camp.",
                        stop=registration.bus_stop_id.name,
                        route=route.name,
                        camp=camp.name,
                    )
                )
            if not route.active:
                raise ValidationError(
                    self.env._("The bus route %(route)s is archived: choose another stop.", route=route.name)
                )

    def _bus_check_capacity(self, release=False):
        """No route carries more children than its vehicle holds on any day of these registrations.

        ``release=False`` (a stop was chosen): refuse with a ValidationError. ``release=True`` (a registration
        came back from the waiting list or from a cancellation with its stop): the camp seat matters more than
        the bus, so the stop is given up and the registration says so in its chatter.
        """
        registrations = self.filtered(lambda r: r.bus_stop_id and r._bus_is_counted())
        if not registrations:
            return
        routes = registrations.bus_route_id
        routes._lock_for_load()
        self.env.flush_all()
        for route in routes.sudo():
            riding = registrations.filtered(lambda r, route=route: r.bus_route_id == route)
            days = set().union(*(r._bus_days() for r in riding))
            if not days:
                continue
            load = route._load_by_day(min(days), max(days))
            full = sorted(day for day in days if load.get(day, 0) > route.vehicle_capacity)
            if not full:
                continue
            if not release:
                raise ValidationError(
                    self.env._(
                        "The bus route %(route)s is full on %(day)s: its vehicle holds %(capacity)s children. "
                        "Choose a stop of another route, or no bus.",
                        route=route.name,
                        day=format_date(self.env, full[0]),
                        capacity=route.vehicle_capacity,
                    )
                )
            # give up the stop of the last registrations back on the route until every day fits
            for registration in riding.sorted("id", reverse=True):
                if not any(load.get(day, 0) > route.vehicle_capacity for day in registration._bus_days()):
                    continue
                for day in registration._bus_days():
                    load[day] = load.get(day, 0) - 1
                stop = registration.bus_stop_id
                registration.sudo().with_context(youth_camps_bus_skip_check=True).bus_stop_id = False
                registration.sudo().message_post(
                    body=self.env._(
                        "The bus route %(route)s is full on the days of this camp: the stop %(stop)s was given up. "
                        "Contact the organiser for transport.",
                        route=route.name,
                        stop=stop.name,
                    ),
                )

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        registrations.filtered("bus_stop_id")._bus_check_capacity()
        return registrations

    def write(self, vals):
        if self.env.context.get("youth_camps_bus_skip_check"):
            return super().write(vals)
        state_fields = {"state", "camp_state", "active"}
        # registrations that did not hold a bus seat before this write and have a stop: may need one now
        returning = self.browse()
        if state_fields & set(vals) and "bus_stop_id" not in vals:
            returning = self.filtered(lambda r: r.bus_stop_id and not r._bus_is_counted())
        result = super().write(vals)
        if "bus_stop_id" in vals or {"event_id", "event_slot_id"} & set(vals):
            self.filtered("bus_stop_id")._bus_check_capacity()
        if returning:
            returning._bus_check_capacity(release=True)
        return result


class EventEvent(models.Model):
    _inherit = "event.event"

    camp_bus_route_ids = fields.Many2many(
        "youth_camps.bus.route",
        "youth_camps_bus_route_event_rel",
        "event_id",
        "route_id",
        string="Bus routes",
        readonly=True,
        help="The bus routes that serve this camp (chosen on each route, which checks its passengers).",
    )


class YouthCampsBusManifestWizard(models.TransientModel):
    _name = "youth_camps.bus.manifest.wizard"
    _description = "Daily manifest of a bus route"
    _inherit = ["childcare.guard.mixin"]

    route_id = fields.Many2one("youth_camps.bus.route", string="Route", required=True, ondelete="cascade")
    date = fields.Date(required=True, default=fields.Date.context_today, help="The day of the manifest.")
    xlsx_file = fields.Binary(string="Manifest (XLSX)", attachment=False)
    xlsx_filename = fields.Char()

    def _manifest_filename(self, extension):
        name = "".join(c if c.isalnum() else "-" for c in self.route_id.name)
        return f"manifest-{name}-{self.date.isoformat()}.{extension}"

    def action_print_pdf(self):
        self.ensure_one()
        self.route_id._check_manifest_access()
        return self.env.ref("youth_camps.action_report_bus_manifest").report_action(
            self.route_id, data={"date": fields.Date.to_string(self.date)}, config=False
        )

    def action_download_xlsx(self):
        self.ensure_one()
        content = self.route_id._manifest_xlsx(self.date)
        self.write({"xlsx_file": base64.b64encode(content), "xlsx_filename": self._manifest_filename("xlsx")})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_filename}?download=true",
            "target": "self",
        }


class ReportBusManifest(models.AbstractModel):
    _name = "report.youth_camps.report_bus_manifest"
    _description = "Bus manifest report"

    @api.model
    def _get_report_values(self, docids, data=None):
        routes = self.env["youth_camps.bus.route"].browse(docids)
        if len(routes) != 1:
            raise UserError(self.env._("Print the manifest of one bus route at a time."))
        day = fields.Date.to_date((data or {}).get("date")) or fields.Date.context_today(self)
        if not isinstance(day, date):
            raise UserError(self.env._("The date of the manifest is not valid."))
        stops = routes._manifest_stops(day)  # checks that the user may print it
        return {
            "doc_ids": routes.ids,
            "doc_model": "youth_camps.bus.route",
            "docs": routes,
            "day": day,
            "stops": stops,
            "children_count": sum(len(rows) for _stop, rows in stops),
            "format_time": format_duration,
        }
