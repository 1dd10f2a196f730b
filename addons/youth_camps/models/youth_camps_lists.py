"""Reminders of the camps on Odoo's ``event.mail`` schedules, and the camp leaders' lists.

Reminders: a schedule (``event.mail``) of a camp may carry a *camp reminder type*. Odoo keeps deciding
*when* it runs (``interval_nbr``, ``interval_unit``, ``interval_type``, its scheduled date and its cron
``event.event_mail_scheduler``); the type only narrows *who* gets the mail among the registrations Odoo
would contact:

* ``camp_info``: practical information (place, daily schedule, bus stop) to the guardians of the children
  holding a confirmed seat (validated or paid);
* ``payment``: the registrations validated but not paid whose invoice is still open;
* ``medical_sheet``: the children whose medical sheet expires before their last day at the camp.

A new camp gets these schedules by default (:meth:`EventEvent._camp_default_mail_values`); staff change their
intervals per camp in Odoo's Communication tab. The mails go to the registration's partner and email, which
the camp flow sets to the guardian who registered, in the guardian's language.

Lists: the daily attendance list, the allergy and treatment list (medical groups only) and the emergency
contacts, printed per camp for its leaders. Camp leaders do not see the childcare registry (children,
families, medical sheets) by its own rules: the report models check that the user leads (or organises) the
camp, and the medical groups for the medical list, before they read what the list shows under ``sudo``.
"""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_duration
from odoo.tools.translate import _

CAMP_REMINDER_TYPES = [
    ("camp_info", "Camp: practical information"),
    ("payment", "Camp: payment reminder"),
    ("medical_sheet", "Camp: medical sheet to update"),
]
CAMP_REMINDER_HELP = (
    "Camp schedules only: who gets the mail among the registered children. Practical information: every "
    "child holding a confirmed seat. Payment reminder: validated registrations whose invoice is still open. "
    "Medical sheet: children whose medical sheet expires before their last day at the camp. Empty: every "
    "registration, as Odoo does."
)
#: camp states of the children expected at the camp (on the leaders' lists, and told the practical information)
CAMP_EXPECTED_STATES = ("validated", "paid", "attended")
MEDICAL_GROUP = "childcare_base.group_childcare_medical"
MEDICAL_OFFICER_GROUP = "childcare_base.group_childcare_medical_officer"
#: the default schedules of a new camp: (template xmlid, reminder type, interval in days before the camp)
CAMP_DEFAULT_REMINDERS = (
    ("youth_camps.mail_template_camp_reminder_medical_sheet", "medical_sheet", 21),
    ("youth_camps.mail_template_camp_reminder_payment", "payment", 10),
    ("youth_camps.mail_template_camp_reminder_info", "camp_info", 7),
    ("youth_camps.mail_template_camp_reminder_info", "camp_info", 1),
)


class EventTypeMail(models.Model):
    _inherit = "event.type.mail"

    camp_reminder_type = fields.Selection(CAMP_REMINDER_TYPES, string="Camp recipients", help=CAMP_REMINDER_HELP)

    def _prepare_event_mail_values(self):
        values = super()._prepare_event_mail_values()
        values["camp_reminder_type"] = self.camp_reminder_type or False
        return values


class EventMail(models.Model):
    _inherit = "event.mail"

    camp_reminder_type = fields.Selection(CAMP_REMINDER_TYPES, string="Camp recipients", help=CAMP_REMINDER_HELP)
    camp_mail_count_sent = fields.Integer(
        string="Camp mails sent",
        copy=False,
        readonly=True,
        help="Mails this camp schedule actually sent (the registrations it skipped are not counted).",
    )

    def _prepare_event_mail_values(self):
        values = super()._prepare_event_mail_values()
        values["camp_reminder_type"] = self.camp_reminder_type or False
        return values

    def _send_mail(self, registrations):
        """Camp schedules mail only the registrations their reminder type targets (every way Odoo runs a
        schedule, per event, per slot or per registration, ends here)."""
        if not self.camp_reminder_type:
            return super()._send_mail(registrations)
        targets = registrations._camp_reminder_targets(self.camp_reminder_type)
        if targets:
            super()._send_mail(targets)
            self.camp_mail_count_sent += len(targets)
        return None

    def _refresh_mail_count_done(self, mail_slot=False):
        # Odoo counts every registration the schedule went through (which also tells when it is done);
        # a camp schedule shows the mails it sent.
        result = super()._refresh_mail_count_done(mail_slot=mail_slot)
        for scheduler in self.filtered(lambda s: s.camp_reminder_type and s.interval_type != "after_sub"):
            scheduler.mail_count_done = scheduler.camp_mail_count_sent
        return result


class EventRegistration(models.Model):
    _inherit = "event.registration"

    camp_medical_sheet_valid_until = fields.Date(
        string="Medical sheet valid until",
        compute="_compute_camp_medical_sheet_valid_until",
        help="End of validity of the child's most recent medical sheet (its content stays restricted).",
    )
    camp_medical_sheet_to_update = fields.Boolean(
        string="Medical sheet to update",
        compute="_compute_camp_medical_sheet_valid_until",
        help="The child's medical sheet is missing or expires before the child's last day at the camp.",
    )

    @api.depends("child_id", "event_id.camp_date_last", "event_slot_id")
    def _compute_camp_medical_sheet_valid_until(self):
        valid_until = self._camp_medical_sheet_dates()
        for registration in self:
            registration.camp_medical_sheet_valid_until = valid_until.get(registration.child_id.id, False)
            _first, last = registration._camp_dates() if registration.is_camp else (False, False)
            registration.camp_medical_sheet_to_update = bool(
                registration.is_camp
                and registration.child_id
                and last
                and (
                    not registration.camp_medical_sheet_valid_until
                    or registration.camp_medical_sheet_valid_until < last
                )
            )

    def _camp_medical_sheet_dates(self):
        """{child id: end of validity of the child's most recent medical sheet}."""
        children = self.child_id
        if not children:
            return {}
        # sudo: only the validity date of the sheets is read (as childcare_base's has_valid_medical_sheet), never
        # their content
        groups = (
            self.env["childcare.medical.sheet"]
            .sudo()
            ._read_group([("child_id", "in", children.ids)], ["child_id"], ["date_valid_until:max"])
        )
        return {child.id: date for child, date in groups}

    def _camp_reminder_targets(self, reminder_type):
        """The registrations of ``self`` that a camp schedule of ``reminder_type`` mails."""
        expected = self.filtered(lambda r: r.camp_state in ("validated", "paid"))
        if reminder_type == "camp_info":
            return expected
        if reminder_type == "payment":
            return self.filtered(lambda r: r.camp_state == "validated")._camp_with_open_invoice()
        if reminder_type == "medical_sheet":
            return expected.filtered("camp_medical_sheet_to_update")
        return self

    def _camp_with_open_invoice(self):
        """The registrations of ``self`` billed on a posted customer invoice not (fully) paid yet."""
        if not self:
            return self
        # sudo: only whether an invoice is still open decides the reminder, no invoice is shown
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("youth_camps_registration_id", "in", self.ids),
                    ("display_type", "=", "product"),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("move_id.state", "=", "posted"),
                    ("move_id.payment_state", "in", ("not_paid", "partial")),
                ]
            )
        )
        open_ids = set(lines.youth_camps_registration_id.ids)
        return self.filtered(lambda r: r.id in open_ids)

    # ------------------------------------------------------------------ practical information (mail templates)
    def _camp_reminder_schedule_text(self):
        """The daily schedule of the registration's camp as a sentence, for the mails."""
        self.ensure_one()
        event = self.event_id
        hours = {"start": format_duration(event.camp_hour_start), "end": format_duration(event.camp_hour_end)}
        if event.camp_has_early_care and event.camp_has_late_care:
            return _("every day from %(start)s to %(end)s, with early and late care", **hours)
        if event.camp_has_early_care:
            return _("every day from %(start)s to %(end)s, with early care", **hours)
        if event.camp_has_late_care:
            return _("every day from %(start)s to %(end)s, with late care", **hours)
        return _("every day from %(start)s to %(end)s", **hours)

    def _camp_reminder_bus_text(self):
        """The bus stop of the registration with its times, for the mails (empty without a stop)."""
        self.ensure_one()
        stop = self.sudo().bus_stop_id
        if not stop:
            return ""
        return _(
            "%(route)s, stop %(stop)s: pick-up at %(pickup)s, drop-off at %(dropoff)s",
            route=stop.route_id.name,
            stop=stop.name,
            pickup=format_duration(stop.pickup_time),
            dropoff=format_duration(stop.dropoff_time),
        )


class EventEvent(models.Model):
    _inherit = "event.event"

    # ------------------------------------------------------------------ default reminders of a camp
    @api.depends("event_type_id", "is_camp")
    def _compute_event_mail_ids(self):
        """A camp without an event template gets the camp reminders instead of Odoo's generic ones; an event
        that stops being a camp gets Odoo's defaults back. Everything else is Odoo's."""
        camps = self.filtered(lambda e: e.is_camp and not e.event_type_id)
        former_camps = (self - camps).filtered(
            lambda e: not e.is_camp and not e.event_type_id and any(e.event_mail_ids.mapped("camp_reminder_type"))
        )
        super(EventEvent, self - camps - former_camps)._compute_event_mail_ids()
        for event in camps | former_camps:
            mails = event.event_mail_ids
            if event.is_camp and any(mails.mapped("camp_reminder_type")):
                continue  # already set up for a camp (and maybe tuned by staff)
            # schedules not sent yet and without registrations give way, as in Odoo's own compute
            unused = mails.filtered(lambda m: not m._origin.mail_done and not m._origin.mail_registration_ids)
            commands = [Command.unlink(mail.id) for mail in unused]
            values = event._camp_default_mail_values() if event.is_camp else self._default_event_mail_ids()
            commands += [Command.create(vals) if isinstance(vals, dict) else vals for vals in values]
            event.event_mail_ids = commands

    @api.model
    def _camp_default_mail_values(self):
        """Values of the mail schedules a new camp gets (their intervals are then set per camp)."""
        values = []
        for xmlid, reminder_type, days in CAMP_DEFAULT_REMINDERS:
            template = self.env.ref(xmlid, raise_if_not_found=False)
            if template:
                values.append(
                    {
                        "interval_nbr": days,
                        "interval_unit": "days",
                        "interval_type": "before_event",
                        "camp_reminder_type": reminder_type,
                        "template_ref": f"mail.template,{template.id}",
                    }
                )
        return values

    # ------------------------------------------------------------------ the leaders' lists
    def _camp_check_list_access(self, medical=False):
        """Refuse unless the user leads or organises every camp of ``self`` (municipal staff: every camp);
        with ``medical``, the user must also belong to a medical group (a municipal medical officer may print
        the medical list of any camp they can see)."""
        for event in self:
            if not event.is_camp:
                raise UserError(_("%s is not a holiday camp: it has no camp leaders' lists.", event.name))
        if self.env.su:
            return
        user = self.env.user
        if medical and not user.has_group(MEDICAL_GROUP):
            raise AccessError(_("Only the medical staff may print the allergy and treatment list."))
        self.check_access("read")
        if medical and user.has_group(MEDICAL_OFFICER_GROUP):
            return
        Registration = self.env["event.registration"]
        for event in self:
            if not Registration._camp_user_leads(event):
                raise AccessError(_("Only the leaders and organisers of camp %s may print its lists.", event.name))

    def _camp_list_header(self):
        """What the top of every list says about the camp (under ``sudo``: leaders do not see the organiser
        structures; call :meth:`_camp_check_list_access` first)."""
        self.ensure_one()
        camp = self.sudo()
        return {
            "organiser": camp.camp_organiser_id.name or "",
            "leaders": ", ".join(camp.camp_leader_ids.mapped("name")),
            "place": camp.address_inline or camp.address_id.display_name or "",
            "first": camp.camp_date_first,
            "last": camp.camp_date_last,
        }

    def _camp_list_registrations(self):
        """The registrations on the leaders' lists: children expected at the camp, by name.
        Call :meth:`_camp_check_list_access` first: the result is under ``sudo``."""
        self.ensure_one()
        # sudo: the caller checked the user leads the camp; leaders do not see the childcare registry
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search([("event_id", "=", self.id), ("camp_state", "in", CAMP_EXPECTED_STATES)])
        )
        return registrations.sorted(
            lambda r: ((r.child_id.last_name or r.name or "").lower(), (r.child_id.first_name or "").lower(), r.id)
        )

    def _camp_list_days(self):
        """The days of the camp. Saturdays and Sundays are left out unless the camp starts or ends on one (a
        weekend camp)."""
        self.ensure_one()
        first, last = self.camp_date_first, self.camp_date_last
        if not first or not last:
            return []
        days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        if first.weekday() < 5 and last.weekday() < 5:
            days = [day for day in days if day.weekday() < 5]
        return days

    def _camp_attendance_pages(self):
        """[(day, [row])] of the daily attendance list: the children expected each day."""
        self.ensure_one()
        rows = []
        for registration in self._camp_list_registrations():
            first, last = registration._camp_dates()
            child = registration.child_id
            rows.append(
                {
                    "first": first,
                    "last": last,
                    "child_name": child.name or registration.name or "",
                    "birthdate": child.birthdate,
                    "bus": registration.bus_stop_id.display_name if registration.bus_stop_id else "",
                    "guardian_phone": registration.guardian_partner_id.phone or registration.phone or "",
                }
            )
        pages = []
        for day in self._camp_list_days():
            day_rows = [row for row in rows if row["first"] and row["first"] <= day <= row["last"]]
            pages.append((day, day_rows))
        return pages

    def _camp_medical_rows(self):
        """Rows of the allergy and treatment list. Call :meth:`_camp_check_list_access` with ``medical``
        first: the sheets are read under ``sudo``."""
        self.ensure_one()
        registrations = self._camp_list_registrations()
        # sudo: the caller checked the user is medical staff leading the camp (or a medical officer)
        sheets = (
            self.env["childcare.medical.sheet"]
            .sudo()
            .search([("child_id", "in", registrations.child_id.ids)], order="date_valid_until desc, id desc")
        )
        latest = {}
        for sheet in sheets:
            latest.setdefault(sheet.child_id.id, sheet)
        rows = []
        for registration in registrations:
            child = registration.child_id
            sheet = latest.get(child.id)
            rows.append(
                {
                    "child_name": child.name or registration.name or "",
                    "birthdate": child.birthdate,
                    "allergies": sheet.allergies if sheet else "",
                    "diet": sheet.diet if sheet else "",
                    "treatments": sheet.treatments if sheet else "",
                    "doctor": " ".join(p for p in (sheet.doctor_name, sheet.doctor_phone) if p) if sheet else "",
                    "valid_until": sheet.date_valid_until if sheet else False,
                    "has_sheet": bool(sheet),
                    "has_data": bool(sheet and (sheet.allergies or sheet.diet or sheet.treatments)),
                }
            )
        return rows

    def _camp_emergency_rows(self):
        """Rows of the emergency contacts list: the guardians, the emergency contacts of the medical sheet
        (names and phones only) and the authorised pick-up persons. Call :meth:`_camp_check_list_access` first."""
        self.ensure_one()
        registrations = self._camp_list_registrations()
        # sudo: the caller checked the user leads the camp; only names, relationships and phones are shown
        sheets = (
            self.env["childcare.medical.sheet"]
            .sudo()
            .search([("child_id", "in", registrations.child_id.ids)], order="date_valid_until desc, id desc")
        )
        latest = {}
        for sheet in sheets:
            latest.setdefault(sheet.child_id.id, sheet)
        relationships = dict(
            self.env["childcare.family.guardian"]._fields["relationship"]._description_selection(self.env)
        )
        rows = []
        for registration in registrations:
            child = registration.child_id
            family = registration.family_id or child.family_id
            guardians = [
                {
                    "name": guardian.partner_id.name,
                    "relationship": relationships.get(guardian.relationship, guardian.relationship or ""),
                    "phone": guardian.partner_id.phone or "",
                    "is_registering": guardian.partner_id == registration.guardian_partner_id,
                }
                for guardian in family.guardian_ids
            ]
            sheet = latest.get(child.id)
            contacts = [
                {"name": contact.name, "relationship": contact.relationship or "", "phone": contact.phone or ""}
                for contact in (sheet.contact_ids if sheet else [])
            ]
            pickups = [
                {"name": person.name, "relationship": person.relationship or "", "phone": person.phone or ""}
                for person in child.pickup_person_ids
            ]
            rows.append(
                {
                    "child_name": child.name or registration.name or "",
                    "birthdate": child.birthdate,
                    "guardians": guardians,
                    "contacts": contacts,
                    "pickups": pickups,
                    "doctor": " ".join(p for p in (sheet.doctor_name, sheet.doctor_phone) if p) if sheet else "",
                }
            )
        return rows

    def _camp_print_list(self, report_xmlid, medical=False):
        self.ensure_one()
        self._camp_check_list_access(medical=medical)
        return self.env.ref(report_xmlid).report_action(self)

    def action_print_camp_attendance_list(self):
        """Daily attendance list of the camp (one page per day, with a signature column)."""
        return self._camp_print_list("youth_camps.action_report_camp_attendance_list")

    def action_print_camp_medical_list(self):
        """Allergy and treatment list: medical groups only."""
        return self._camp_print_list("youth_camps.action_report_camp_medical_list", medical=True)

    def action_print_camp_emergency_list(self):
        """Emergency contacts of the children of the camp."""
        return self._camp_print_list("youth_camps.action_report_camp_emergency_list")


def _camp_list_values(env, docids, key, rows, medical=False):
    """Values of a camp list report. The report URL is reachable by any user: the access is checked here,
    whatever the button did. ``rows(camp)`` gives the list's content, under ``key``."""
    camps = env["event.event"].browse(docids)
    camps._camp_check_list_access(medical=medical)
    return {
        "doc_ids": docids,
        "doc_model": "event.event",
        "docs": camps,
        key: {camp.id: rows(camp) for camp in camps},
        "headers": {camp.id: camp._camp_list_header() for camp in camps},
    }


class ReportCampAttendanceList(models.AbstractModel):
    _name = "report.youth_camps.report_camp_attendance_list"
    _description = "Camp daily attendance list"

    @api.model
    def _get_report_values(self, docids, data=None):
        return _camp_list_values(self.env, docids, "pages", lambda camp: camp._camp_attendance_pages())


class ReportCampMedicalList(models.AbstractModel):
    _name = "report.youth_camps.report_camp_medical_list"
    _description = "Camp allergy and treatment list"

    @api.model
    def _get_report_values(self, docids, data=None):
        return _camp_list_values(self.env, docids, "rows", lambda camp: camp._camp_medical_rows(), medical=True)


class ReportCampEmergencyList(models.AbstractModel):
    _name = "report.youth_camps.report_camp_emergency_list"
    _description = "Camp emergency contacts list"

    @api.model
    def _get_report_values(self, docids, data=None):
        return _camp_list_values(self.env, docids, "rows", lambda camp: camp._camp_emergency_rows())
