from collections import defaultdict
from datetime import datetime, time, timedelta

import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.translate import _

ABSENCE_REASONS = [
    ("none", "Present"),
    ("sick_certificate", "Sickness with certificate"),
    ("sick_no_certificate", "Sickness without certificate"),
    ("holiday_announced", "Family holiday announced in time"),
    ("closure", "Closure of the structure"),
    ("unjustified", "Unjustified absence"),
]


def local_to_utc(day, hour, tz_name):
    """The naive UTC datetime of ``hour`` (float, local time) on ``day`` in the timezone ``tz_name``."""
    local = datetime.combine(day, time()) + timedelta(minutes=round(hour * 60))
    return pytz.timezone(tz_name).localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def utc_to_local_hour(value, tz_name):
    """The local (date, hour as float) of the naive UTC datetime ``value`` in ``tz_name``."""
    local = pytz.utc.localize(value).astimezone(pytz.timezone(tz_name))
    return local.date(), local.hour + local.minute / 60 + local.second / 3600


def month_start(day):
    return day.replace(day=1)


#: a kiosk tap without PIN this soon after the check-in is the same tap again, not a check-out
KIOSK_REPEAT_DELAY = timedelta(minutes=1)


class ChildcareAttendance(models.Model):
    _name = "childcare.attendance"
    _description = "Attendance of a child on a day"
    _inherit = ["childcare.guard.mixin"]
    _order = "date desc, structure_id, child_id, id"
    _rec_name = "child_id"
    _check_company_auto = True
    # The contract of a day is found from the child, the structure and the date (and follows the
    # contracts when they change): structure staff may not point a day at another contract.
    _childcare_manager_fields = ("enrollment_id",)

    child_id = fields.Many2one("childcare.child", string="Child", required=True, index=True, ondelete="restrict")
    structure_id = fields.Many2one(
        "childcare.structure",
        string="Structure",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    enrollment_id = fields.Many2one(
        "childcare.enrollment",
        string="Enrollment",
        index=True,
        ondelete="restrict",
        compute="_compute_enrollment_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The placement contract covering this day; found from the child, the structure and the date.",
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    check_in = fields.Datetime(string="Check-in")
    check_out = fields.Datetime(string="Check-out")
    hour_in = fields.Float(
        string="Arrived",
        compute="_compute_hours",
        inverse="_inverse_hour_in",
        help="Check-in time in the structure's timezone.",
    )
    hour_out = fields.Float(
        string="Left",
        compute="_compute_hours",
        inverse="_inverse_hour_out",
        help="Check-out time in the structure's timezone.",
    )
    attended_hours = fields.Float(
        compute="_compute_attended_hours",
        store=True,
        precompute=True,
        aggregator="sum",
        digits=(16, 2),
    )
    absence_reason = fields.Selection(ABSENCE_REASONS, string="Absence", required=True, default="none", index=True)
    is_missing_check_out = fields.Boolean(
        compute="_compute_is_missing_check_out",
        store=True,
        precompute=True,
        string="Missing check-out",
    )
    pickup_person_id = fields.Many2one(
        "childcare.pickup.person",
        string="Picked up by",
        ondelete="set null",
        domain="[('child_id', '=', child_id)]",
    )
    note = fields.Char(groups="base.group_user", help="Internal note of the structure: never shown to the family.")
    entered_by_id = fields.Many2one(
        "res.users",
        string="Entered by",
        default=lambda self: self.env.user,
        readonly=True,
        ondelete="set null",
    )
    company_id = fields.Many2one(related="structure_id.company_id", store=True, index=True, precompute=True)
    tz = fields.Selection(related="structure_id.tz")

    _child_structure_day_uniq = models.Constraint(
        "UNIQUE (child_id, structure_id, date)",
        "A child has only one attendance line per structure and day.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("child_id", "structure_id", "date")
    def _compute_enrollment_id(self):
        todo = self.filtered(lambda a: a.child_id and a.structure_id and a.date)
        (self - todo).enrollment_id = False
        if not todo:
            return
        enrollments = (
            self.env["childcare.enrollment"]
            .sudo()
            .search_fetch(
                [
                    ("child_id", "in", todo.child_id.ids),
                    ("structure_id", "in", todo.structure_id.ids),
                    ("state", "in", ("running", "ended")),
                    ("date_start", "<=", max(todo.mapped("date"))),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", min(todo.mapped("date"))),
                ],
                ["child_id", "structure_id", "date_start", "date_end"],
                order="date_start desc",
            )
        )
        by_key = defaultdict(list)
        for enrollment in enrollments:
            by_key[enrollment.child_id.id, enrollment.structure_id.id].append(enrollment)
        for attendance in todo:
            match = next(
                (
                    e
                    for e in by_key[attendance.child_id.id, attendance.structure_id.id]
                    if e.date_start <= attendance.date and (not e.date_end or e.date_end >= attendance.date)
                ),
                None,
            )
            attendance.enrollment_id = match.id if match else False

    def _refresh_enrollment(self):
        """Link these lines again to the contract that covers their day, after contracts were amended,
        renewed or ended (a day no contract covers any more loses its link).

        The link is derived data: it is recomputed in place, in one batch, without going through
        :meth:`write` (no lock, no write guard), and only by code that decided which lines may follow.
        """
        if self:
            self.env.add_to_compute(self._fields["enrollment_id"], self)
            self._recompute_recordset(["enrollment_id"])

    @api.depends("check_in", "check_out", "structure_id.tz")
    def _compute_hours(self):
        for attendance in self:
            tz = attendance.structure_id.tz or "UTC"
            attendance.hour_in = attendance.check_in and utc_to_local_hour(attendance.check_in, tz)[1]
            attendance.hour_out = attendance.check_out and utc_to_local_hour(attendance.check_out, tz)[1]

    def _inverse_hour_in(self):
        for attendance in self:
            attendance.check_in = attendance._hour_to_datetime(attendance.hour_in)

    def _inverse_hour_out(self):
        for attendance in self:
            attendance.check_out = attendance._hour_to_datetime(attendance.hour_out)

    def _hour_to_datetime(self, hour):
        self.ensure_one()
        if not hour or not self.date or not self.structure_id:
            return False
        return local_to_utc(self.date, hour, self.structure_id.tz or "UTC")

    @api.depends("check_in", "check_out")
    def _compute_attended_hours(self):
        for attendance in self:
            if attendance.check_in and attendance.check_out and attendance.check_out > attendance.check_in:
                attendance.attended_hours = (attendance.check_out - attendance.check_in).total_seconds() / 3600
            else:
                attendance.attended_hours = 0.0

    @api.depends("check_in", "check_out", "absence_reason")
    def _compute_is_missing_check_out(self):
        for attendance in self:
            attendance.is_missing_check_out = bool(
                attendance.absence_reason == "none" and attendance.check_in and not attendance.check_out
            )

    @api.onchange("absence_reason")
    def _onchange_absence_reason(self):
        if self.absence_reason != "none":
            self.check_in = self.check_out = False

    # ------------------------------------------------------------------ constraints
    @api.constrains("check_in", "check_out", "absence_reason", "date", "structure_id")
    def _check_times(self):
        for attendance in self:
            if attendance.absence_reason != "none":
                if attendance.check_in or attendance.check_out:
                    raise ValidationError(
                        _(
                            "%(child)s is marked absent on %(date)s: remove the check-in and check-out times.",
                            child=attendance.child_id.name,
                            date=attendance.date,
                        )
                    )
                continue
            if attendance.check_out and not attendance.check_in:
                raise ValidationError(
                    _(
                        "%(child)s cannot check out on %(date)s without having checked in.",
                        child=attendance.child_id.name,
                        date=attendance.date,
                    )
                )
            if attendance.check_in and attendance.check_out and attendance.check_out <= attendance.check_in:
                raise ValidationError(
                    _(
                        "The check-out of %(child)s on %(date)s must come after the check-in.",
                        child=attendance.child_id.name,
                        date=attendance.date,
                    )
                )
            tz = attendance.structure_id.tz or "UTC"
            for moment in (attendance.check_in, attendance.check_out):
                if moment and utc_to_local_hour(moment, tz)[0] != attendance.date:
                    raise ValidationError(
                        _(
                            "The check-in and check-out of %(child)s must fall on %(date)s (in the structure's "
                            "timezone).",
                            child=attendance.child_id.name,
                            date=attendance.date,
                        )
                    )

    def _enrollment_covers_day(self):
        """Whether the line's contract is one of the child in that structure, in force on its day."""
        self.ensure_one()
        enrollment = self.enrollment_id.sudo()
        return bool(
            enrollment
            and enrollment.child_id == self.child_id
            and enrollment.structure_id == self.structure_id
            and enrollment.state in ("running", "ended")
            and enrollment.date_start <= self.date
            and (not enrollment.date_end or enrollment.date_end >= self.date)
        )

    def _raise_no_enrollment(self):
        raise ValidationError(
            _(
                "%(child)s has no enrollment in %(structure)s on %(date)s.",
                child=self.child_id.name,
                structure=self.structure_id.name,
                date=self.date,
            )
        )

    @api.constrains("child_id", "structure_id", "date")
    def _check_day_allowed(self):
        """The structure opens that day and an enrollment of the child in that structure covers it."""
        if not self:
            return
        closed = self.structure_id._closed_days(min(self.mapped("date")), max(self.mapped("date")))
        for attendance in self:
            if attendance.date in closed[attendance.structure_id.id]:
                raise ValidationError(
                    _(
                        "%(structure)s is closed on %(date)s: no attendance can be recorded that day.",
                        structure=attendance.structure_id.name,
                        date=attendance.date,
                    )
                )
            if not attendance._enrollment_covers_day():
                attendance._raise_no_enrollment()

    @api.constrains("enrollment_id")
    def _check_enrollment_id(self):
        """A contract set on a line covers its day. A line may lose its contract when the contracts are
        amended afterwards (see ``_refresh_enrollment``): the sheet then refuses the month."""
        for attendance in self:
            if attendance.enrollment_id and not attendance._enrollment_covers_day():
                attendance._raise_no_enrollment()

    # ------------------------------------------------------------------ locking
    @api.model
    def _locked_sheets(self, keys):
        """The submitted or validated sheets of the months of ``keys`` ((structure id, date) pairs): the
        attendance of those months is frozen. One query whatever the number of keys.

        :returns: ``{(structure id, first day of the month): sheet}``
        """
        keys = {(structure_id, month_start(day)) for structure_id, day in keys if structure_id and day}
        if not keys:
            return {}
        # sudo: the lock applies whoever may read the sheet.
        sheets = (
            self.env["childcare.attendance.sheet"]
            .sudo()
            .search_fetch(
                [
                    ("state", "in", ("submitted", "validated")),
                    ("structure_id", "in", list({k[0] for k in keys})),
                    ("date_month", "in", list({k[1] for k in keys})),
                ],
                ["structure_id", "date_month", "state"],
            )
        )
        return {
            (sheet.structure_id.id, sheet.date_month): sheet
            for sheet in sheets
            if (sheet.structure_id.id, sheet.date_month) in keys
        }

    def _check_not_locked(self, keys=None):
        """Refuse any change to a month whose sheet is submitted or validated. ``keys``: (structure id,
        date) pairs, by default those of ``self``."""
        keys = keys if keys is not None else [(a.structure_id.id, a.date) for a in self]
        locked = sorted(self._locked_sheets(keys).values(), key=lambda sheet: sheet.state != "validated")
        for sheet in locked:
            if sheet.state == "validated":
                raise UserError(
                    _(
                        "The attendance sheet of %(structure)s for %(month)s is validated: its attendance can no "
                        "longer be changed. A municipal manager may reopen it, giving a reason.",
                        structure=sheet.structure_id.name,
                        month=sheet.date_month.strftime("%m/%Y"),
                    )
                )
            raise UserError(
                _(
                    "The attendance sheet of %(structure)s for %(month)s is submitted: its attendance can no longer "
                    "be changed. Set the sheet back to draft to correct it.",
                    structure=sheet.structure_id.name,
                    month=sheet.date_month.strftime("%m/%Y"),
                )
            )

    def _hours_to_datetimes(self, vals, day=None, structure=None):
        """Turn ``hour_in``/``hour_out`` (local floats) of ``vals`` into ``check_in``/``check_out``."""
        if "hour_in" not in vals and "hour_out" not in vals:
            return vals
        vals = dict(vals)
        day = fields.Date.to_date(vals.get("date")) or day
        structure = self.env["childcare.structure"].browse(vals.get("structure_id")) or structure
        tz = structure.tz or "UTC"
        for hour_field, datetime_field in (("hour_in", "check_in"), ("hour_out", "check_out")):
            if hour_field in vals:
                hour = vals.pop(hour_field)
                vals[datetime_field] = local_to_utc(day, hour, tz) if hour and day else False
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        # ("Entered by" is read-only: a context default naming someone else is dropped by the guard mixin)
        attendance = self
        # the lock before anything is written, on the day and structure each line will have
        missing = [name for name in ("structure_id", "date") if not all(vals.get(name) for vals in vals_list)]
        defaults = attendance.default_get(missing) if missing else {}
        attendance._check_not_locked(
            [
                (
                    vals.get("structure_id") or defaults.get("structure_id"),
                    fields.Date.to_date(vals.get("date") or defaults.get("date")),
                )
                for vals in vals_list
            ]
        )
        return super(ChildcareAttendance, attendance).create([self._hours_to_datetimes(vals) for vals in vals_list])

    def write(self, vals):
        self._check_not_locked()
        if "hour_in" in vals or "hour_out" in vals:
            for attendance in self:
                attendance.write(self._hours_to_datetimes(vals, attendance.date, attendance.structure_id))
            return True
        result = super().write(vals)
        if "date" in vals or "structure_id" in vals:
            self._check_not_locked()
        return result

    def unlink(self):
        self._check_not_locked()
        return super().unlink()

    # ------------------------------------------------------------------ entry API
    @api.model
    def _expected_enrollments(self, structure, day):
        """Enrollments of ``structure`` with hours planned on ``day``: {enrollment: [(from, to), ...]}."""
        enrollments = self.env["childcare.enrollment"].search(
            [
                ("structure_id", "=", structure.id),
                ("state", "=", "running"),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ]
        )
        result = {}
        for enrollment in enrollments:
            slots = enrollment._expected_slots(day)
            if slots:
                result[enrollment] = slots
        return result

    @api.model
    def record_day(self, structure_id, day, rows):
        """Record the presence of many children of one structure on one day in one call.

        :param rows: list of dicts ``{child_id, hour_in, hour_out, absence_reason, note}`` (hours as
            floats in the structure's timezone, 0/False for none). A row updates the child's line of that
            day when there is one, else creates it; all new lines are created by one ``create``.
        :returns: the attendance lines of the rows.
        """
        structure = self.env["childcare.structure"].browse(structure_id)
        day = fields.Date.to_date(day)
        existing = {
            a.child_id.id: a
            for a in self.search(
                [
                    ("structure_id", "=", structure.id),
                    ("date", "=", day),
                    ("child_id", "in", [row["child_id"] for row in rows]),
                ]
            )
        }
        to_create, result = [], self.browse()
        tz = structure.tz or "UTC"
        for row in rows:
            absence = row.get("absence_reason") or "none"
            present = absence == "none"
            vals = {
                "absence_reason": absence,
                "check_in": local_to_utc(day, row["hour_in"], tz) if present and row.get("hour_in") else False,
                "check_out": local_to_utc(day, row["hour_out"], tz) if present and row.get("hour_out") else False,
                "note": row.get("note") or False,
            }
            line = existing.get(row["child_id"])
            if line:
                current = {
                    "absence_reason": line.absence_reason,
                    "check_in": line.check_in or False,
                    "check_out": line.check_out or False,
                    "note": line.note or False,
                }
                changed = {k: v for k, v in vals.items() if current[k] != v}
                if changed:
                    line.write(changed)
                result |= line
            elif present and not row.get("hour_in"):
                continue  # nothing entered for this child yet
            else:
                to_create.append({**vals, "child_id": row["child_id"], "structure_id": structure.id, "date": day})
        if to_create:
            result |= self.create(to_create)
        return result

    # ------------------------------------------------------------------ the children of a day
    @api.model
    def _day_rows(self, structure, day):
        """Every child expected in ``structure`` on ``day`` (running enrollments and their weekly schedule)
        or already recorded that day, by name: what the day grid and the kiosk show."""
        expected = self._expected_enrollments(structure, day)
        recorded = {a.child_id: a for a in self.search([("structure_id", "=", structure.id), ("date", "=", day)])}
        planned = {e.child_id: slots for e, slots in expected.items()}
        children = (
            self.env["childcare.child"].browse(sorted({c.id for c in planned} | {c.id for c in recorded})).sorted()
        )
        tz = structure.tz or "UTC"
        rows = []
        for child in children:
            attendance = recorded.get(child, self.browse())
            slots = planned.get(child, [])
            rows.append(
                {
                    "child": child,
                    "attendance": attendance,
                    "planned_from": min((s[0] for s in slots), default=0.0),
                    "planned_to": max((s[1] for s in slots), default=0.0),
                    "hour_in": (attendance.check_in and utc_to_local_hour(attendance.check_in, tz)[1]) or 0.0,
                    "hour_out": (attendance.check_out and utc_to_local_hour(attendance.check_out, tz)[1]) or 0.0,
                    "absence_reason": attendance.absence_reason or "none",
                    "note": attendance.note or "",
                }
            )
        return rows

    # ------------------------------------------------------------------ day grid (client action)
    @api.model
    def day_grid_data(self, structure_id=False, day=False):
        """Everything the day grid shows, in one call: the user's structures, the day, the reasons and
        one row per child. Default: the user's first structure, today in its timezone."""
        structures = self.env["childcare.structure"].search([])
        if structure_id:
            structure = self.env["childcare.structure"].browse(structure_id)
            structure.check_access("read")
        else:
            structure = (self.env.user.childcare_structure_ids & structures)[:1] or structures[:1]
        reasons = self._fields["absence_reason"]._description_selection(self.env)
        if not structure:
            return {"structures": [], "structure_id": False, "rows": [], "reasons": reasons}
        tz = structure.tz or "UTC"
        day = fields.Date.to_date(day) if day else utc_to_local_hour(fields.Datetime.now(), tz)[0]
        return {
            "structures": [{"id": s.id, "name": s.name} for s in structures | structure],
            "structure_id": structure.id,
            "date": fields.Date.to_string(day),
            "tz": tz,
            "is_closed": day in structure._closed_days(day, day)[structure.id],
            "reasons": reasons,
            "rows": [
                {
                    "child_id": row["child"].id,
                    "child_name": row["child"].name,
                    "is_recorded": bool(row["attendance"]),
                    **{
                        key: row[key]
                        for key in ("planned_from", "planned_to", "hour_in", "hour_out", "absence_reason", "note")
                    },
                }
                for row in self._day_rows(structure, day)
            ],
        }

    @api.model
    def day_grid_save(self, structure_id, day, rows):
        """Save the whole grid (:meth:`record_day`) and answer with the refreshed grid: one round trip."""
        self.record_day(structure_id, day, rows)
        return self.day_grid_data(structure_id, day)

    # ------------------------------------------------------------------ kiosk
    @api.model
    def _kiosk_cards(self, structure, day):
        """The cards of the kiosk: the rows of the day, with their state."""
        cards = []
        for row in self._day_rows(structure, day):
            attendance = row["attendance"]
            if not attendance:
                state = "expected"
            elif attendance.absence_reason != "none":
                state = "absent"
            elif attendance.check_out:
                state = "left"
            else:
                state = "present"
            cards.append({**row, "state": state})
        return cards

    @api.model
    def _kiosk_tap(self, structure, child_id, day, pin=None):
        """Check a child in, or out when already in; ``pin``: optional code of the pick-up person.

        A double tap checks the child in once: a second tap without PIN within ``KIOSK_REPEAT_DELAY`` of
        the check-in, or a second request that raced the first one to the check-in, answers that the
        child is already checked in.

        :returns: the message to show."""
        child = self.env["childcare.child"].browse(child_id)
        attendance = self.search([("structure_id", "=", structure.id), ("date", "=", day), ("child_id", "=", child.id)])
        now = fields.Datetime.now()
        already_in = _("%s is already checked in.", child.name)
        if not attendance:
            return self._kiosk_check_in(structure, child, day, now)
        if attendance.absence_reason != "none":
            raise UserError(_("%s is recorded absent today: correct it in the day grid.", child.name))
        if attendance.check_out:
            raise UserError(_("%s has already left.", child.name))
        if not pin and attendance.check_in and now - attendance.check_in < KIOSK_REPEAT_DELAY:
            return already_in
        vals = {"check_out": max(now, attendance.check_in + timedelta(minutes=1))}
        if pin:
            person = child.pickup_person_ids.filtered(lambda p: p.pin and p.pin == pin)[:1]
            if not person:
                raise UserError(_("This PIN does not belong to a person allowed to pick up %s.", child.name))
            vals["pickup_person_id"] = person.id
        attendance.write(vals)
        if pin:
            return _("%(child)s left with %(person)s.", child=child.name, person=attendance.pickup_person_id.name)
        return _("%s checked out.", child.name)

    @api.model
    def _kiosk_check_in(self, structure, child, day, now):
        """Create the check-in line of ``child``; the message to show.

        Two taps sent at once: the second request does not see the first one's line yet (not committed when
        it looked) and hits the unique constraint (child, structure, day). That refusal is expected, not an
        error to log (as in product.product._unlink_or_archive): only the savepoint is rolled back and the
        tap answers that the child is already checked in."""
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.create({"child_id": child.id, "structure_id": structure.id, "date": day, "check_in": now})
        except psycopg2.errors.UniqueViolation:
            return _("%s is already checked in.", child.name)
        return _("%s checked in.", child.name)

    def action_check_out_planned(self):
        """Close a missing check-out: now when the line is today's, else at the planned end of the day
        (the enrollment's last slot, or the structure's closing time)."""
        now = fields.Datetime.now()
        for attendance in self:
            if not attendance.check_in or attendance.check_out or attendance.absence_reason != "none":
                raise UserError(_("%s is not checked in.", attendance.child_id.name))
            tz = attendance.structure_id.tz or "UTC"
            if utc_to_local_hour(now, tz)[0] == attendance.date:
                check_out = now
            else:
                slots = attendance.enrollment_id._expected_slots(attendance.date)
                hour = max((s[1] for s in slots), default=attendance.structure_id.hour_close)
                check_out = local_to_utc(attendance.date, hour, tz)
            attendance.check_out = max(check_out, attendance.check_in + timedelta(minutes=1))
        return True

    # ------------------------------------------------------------------ demo
    @api.model
    def _demo_fill_days(self, days=10):
        """Demo data: the last ``days`` open days of every running enrollment, mostly present as planned,
        a few absences, and today's children checked in. Creates nothing when there is no enrollment."""
        enrollments = self.env["childcare.enrollment"].search([("state", "=", "running")])
        today = fields.Date.context_today(self)
        reasons = ["sick_certificate", "holiday_announced", "sick_no_certificate", "unjustified"]
        vals_list, counter = [], 0
        oldest = today - timedelta(days=120)
        by_structure = defaultdict(list)
        for enrollment in enrollments:
            by_structure[enrollment.structure_id].append(enrollment)
        for structure, structure_enrollments in by_structure.items():
            closed = structure._closed_days(oldest, today)[structure.id]
            tz = structure.tz or "UTC"
            for enrollment in structure_enrollments:
                day, done = today, 0
                while done < days and day >= max(enrollment.date_start, oldest):
                    slots = enrollment._expected_slots(day)
                    if slots and day not in closed:
                        counter += 1
                        vals = {"child_id": enrollment.child_id.id, "structure_id": structure.id, "date": day}
                        if counter % 11 == 0:
                            vals["absence_reason"] = reasons[counter % len(reasons)]
                        else:
                            start, end = slots[0][0], slots[-1][1]
                            vals["check_in"] = local_to_utc(day, start + (counter % 3) * 0.1, tz)
                            if day != today:
                                vals["check_out"] = local_to_utc(day, end + (counter % 4) * 0.1, tz)
                        vals_list.append(vals)
                        done += 1
                    day -= timedelta(days=1)
        return self.create(vals_list)
