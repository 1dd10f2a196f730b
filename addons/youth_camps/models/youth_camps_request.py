"""One family's camp request: several children, several camps, sent at once and invoiced once."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import _

REQUEST_STATES = [
    ("requested", "To validate"),
    ("waitlisted", "Waiting list"),
    ("validated", "Validated"),
    ("paid", "Paid"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class YouthCampsRequest(models.Model):
    _name = "youth_camps.request"
    _description = "Camp request of a family"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _childcare_manager_fields = ("family_id", "guardian_partner_id", "company_id")

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", string="Municipality", required=True, index=True, default=lambda self: self.env.company
    )
    family_id = fields.Many2one(
        "childcare.family", string="Family", required=True, index=True, tracking=True, check_company=True
    )
    guardian_partner_id = fields.Many2one(
        "res.partner",
        string="Requested by",
        index=True,
        tracking=True,
        help="The guardian who sent the request.",
    )
    date_request = fields.Datetime(string="Requested on", default=fields.Datetime.now, readonly=True)
    registration_ids = fields.One2many("event.registration", "request_id", string="Registrations")
    registration_count = fields.Integer(compute="_compute_registration_count", string="Children registered")
    child_ids = fields.Many2many("childcare.child", compute="_compute_registration_count", string="Children")
    event_ids = fields.Many2many("event.event", compute="_compute_registration_count", string="Camps")
    state = fields.Selection(
        REQUEST_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="To validate: a registration waits for staff. Waiting list: every open registration waits for a "
        "seat. Validated: every seat is confirmed, to be paid. Paid, Done (the camps took place), Cancelled.",
    )
    note = fields.Text(help="Anything the family wants the organisers to know.")

    @api.depends("registration_ids.child_id", "registration_ids.event_id")
    def _compute_registration_count(self):
        for request in self:
            registrations = request.registration_ids
            request.registration_count = len(registrations)
            request.child_ids = registrations.child_id
            request.event_ids = registrations.event_id

    @api.depends("registration_ids.camp_state")
    def _compute_state(self):
        for request in self:
            states = set(request.registration_ids.mapped("camp_state")) - {"cancelled"}
            if not states:
                request.state = "cancelled" if request.registration_ids else "requested"
            elif "requested" in states:
                request.state = "requested"
            elif states <= {"attended"}:
                request.state = "done"
            elif states <= {"paid", "attended"}:
                request.state = "paid"
            elif "waitlisted" in states and states <= {"waitlisted"}:
                request.state = "waitlisted"
            else:
                request.state = "validated"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # sudo: the sequence is the addon's, the user only receives a number from it
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("youth_camps.request") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------ registering
    @api.model
    def _camp_register(self, family, guardian_partner, lines, note=False):
        """Create a request of ``family`` and its registrations, one per line: a dict with ``child`` and
        ``event`` (and ``slot`` for camps enrolled per week).

        Callers check the access first (the portal route checks the user is a guardian of the family) and
        call this under sudo. A refusal raises before any registration is written, and the request created
        just before goes with the rolled-back transaction (or savepoint)."""
        if not lines:
            raise UserError(_("Choose at least one child and one camp."))
        for line in lines:
            if line["child"] not in family.sudo().child_ids:
                raise AccessError(_("%s is not a child of your family.", line["child"].sudo().name))
            if not line["event"].is_camp:
                raise ValidationError(_("%s is not a holiday camp.", line["event"].name))
        Registration = self.env["event.registration"]
        # The registrations check the rules (age, school level, medical sheet, dates, opening) before anything of
        # theirs is written; a refusal rolls the request back with them (its number is then skipped).
        # No "created" log in the chatter of the request and its registrations: the request number, the
        # registrations and their tracked states say it, and the opening rush needs the time
        quiet = {"mail_create_nolog": True, "mail_create_nosubscribe": True}
        request = self.with_context(**quiet).create(
            {
                "family_id": family.id,
                "guardian_partner_id": guardian_partner.id,
                "company_id": family.company_id.id,
                "note": note,
            }
        )
        registrations = Registration.with_context(**quiet).create(
            [
                {
                    "event_id": line["event"].id,
                    "event_slot_id": line.get("slot") and line["slot"].id,
                    "child_id": line["child"].id,
                    "family_id": family.id,
                    "guardian_partner_id": guardian_partner.id,
                    "request_id": request.id,
                }
                for line in lines
            ]
        )
        return request, registrations

    @api.model
    def _camp_portal_register(self, child_ids, event_id, slot_id=False, note=False):
        """A guardian registers children of their family for a camp (the portal route and the benchmark).

        Checks, as the calling user, that the camp is an open camp and that the user is a guardian of a family
        holding every child; then registers under sudo (parents have no right on registrations). Returns the
        request and its registrations (under sudo: the caller returns only their states)."""
        user = self.env.user
        partner = user.partner_id
        # sudo: the checks below decide what the user may do; nothing is shown before they pass
        children = self.env["childcare.child"].sudo().browse(child_ids).exists()
        event = self.env["event.event"].sudo().browse(event_id).exists()
        if not children or len(children) != len(set(child_ids)):
            raise UserError(_("Choose the children to register."))
        if not event or not event.is_camp or not event.active:
            raise UserError(_("This camp does not exist or is no longer offered."))
        slot = self.env["event.slot"].sudo().browse(slot_id or ()).exists()
        if slot_id and not slot:
            raise UserError(_("This week of camp %s does not exist.", event.name))
        families = children[0].family_ids
        for child in children[1:]:
            families &= child.family_ids
        family = families.filtered(lambda f: partner in f.guardian_ids.partner_id)[:1]
        if not family:
            raise AccessError(_("You can only register the children of your own family."))
        if event.company_id and event.company_id != family.company_id:
            raise AccessError(_("Camp %s is offered by another municipality.", event.name))
        lines = [{"child": child, "event": event, "slot": slot} for child in children]
        # no "created" note nor creation tracking per record: on opening day every millisecond inside the seat
        # lock counts; the request's and registrations' own state messages still tell their story
        quiet = {"mail_create_nolog": True, "mail_create_nosubscribe": True, "tracking_disable": True}
        return self.sudo().with_context(**quiet)._camp_register(family, partner, lines, note=note)

    # ------------------------------------------------------------------ flow
    def _camp_mark_paid(self):
        """The request's invoice is paid: its registrations are paid (called by the invoicing code)."""
        return self.registration_ids._camp_mark_paid()

    def action_validate(self):
        """Validate every requested registration of the request (staff)."""
        to_validate = self.registration_ids.filtered(lambda r: r.camp_state == "requested")
        if not to_validate:
            raise UserError(_("No registration of this request waits for validation."))
        to_validate.action_camp_validate()
        return True

    def action_view_registrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("youth_camps.event_registration_camp_action")
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def write(self, vals):
        if "registration_ids" in vals and not self.env.su:
            # registrations are added through the registration flow only (it checks the rules and the seats)
            commands = vals["registration_ids"]
            if any(not isinstance(c, (list, tuple)) or c[0] not in (Command.UPDATE, Command.LINK) for c in commands):
                raise AccessError(_("Registrations of a request are added or removed through the camp flow."))
        return super().write(vals)
