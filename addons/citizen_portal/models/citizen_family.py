"""What a parent changes from the portal on their household and children: each change goes through one of
the ``portal_*`` methods below, which a parent may call over JSON-RPC with any arguments and any context.

Each method first checks that the caller is a guardian of the household (or of a household of the child),
then writes under ``sudo()`` only the whitelisted values: the fields that decide what a parent sees
(guardians, custody, company, structures, states) are never among them. Staff see every change in the
chatter and get an activity when something waits for their validation (a declared income, a household)."""

import base64
import binascii

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.addons.childcare_base.models.childcare_family_guardian import RELATIONSHIPS
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.translate import _

from ..tools.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload

#: how many guardians a household may have when a guardian invites another one
MAX_GUARDIANS = 4
#: the medical sheet values a parent writes (a new version each time)
MEDICAL_FIELDS = ("allergies", "diet", "treatments", "doctor_name", "doctor_phone")
MANAGER_GROUP = "childcare_base.group_childcare_manager"


def _text(env, values, key, size=None):
    value = values.get(key) or ""
    if not isinstance(value, str):
        raise ValidationError(env._("The field %s is not valid.", key))
    value = value.strip()
    return value[:size] if size else value


def _values(env, values):
    """The values a caller sends (a dict, from the page or over JSON-RPC), else a translated refusal."""
    if not isinstance(values, dict):
        raise ValidationError(env._("The values sent are not valid."))
    return values


def _check_proof(env, proof):
    """``proof``: {"name", "datas" (base64)} as the portal sends it. The content is checked again here (a
    caller over JSON-RPC does not go through the page): returns (file name, base64 data)."""
    if not isinstance(proof, dict) or not proof.get("datas"):
        raise ValidationError(env._("Attach a proof of the declared income (PDF, JPEG or PNG)."))
    try:
        content = base64.b64decode(proof["datas"], validate=True)
    except (binascii.Error, ValueError, TypeError) as error:
        raise ValidationError(env._("The proof could not be read.")) from error
    try:
        name = check_upload(proof.get("name") or "", content, guess_mimetype(content) if content else "")
    except UploadRefused as refused:
        messages = {
            "empty": env._("The file is empty."),
            "too_large": env._("The file is too large: at most %(size)s MB.", size=MAX_UPLOAD_BYTES // (1024 * 1024)),
            "type": env._("Only PDF, JPEG and PNG documents are accepted."),
        }
        raise UserError(messages[refused.reason]) from refused
    return name, base64.b64encode(content)


def _staff_user(env, company):
    """A municipal staff member of ``company`` to give a validation to (none: the chatter message only)."""
    group = env.ref(MANAGER_GROUP, raise_if_not_found=False)
    if not group:
        return env["res.users"]
    users = group.sudo().all_user_ids.filtered(lambda u: u.active and not u.share and company in u.company_ids)
    return users.sorted("id")[:1]


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    # ------------------------------------------------------------------ the caller
    def _citizen_check_guardian(self):
        """Refuse (AccessError) unless the caller is a guardian of every household of ``self``."""
        if self.env.su:
            return
        partner = self.env.user.partner_id
        # sudo: the guardians of the household are read to decide, nothing of them is returned
        if not self or any(partner not in family.sudo().guardian_ids.partner_id for family in self):
            raise AccessError(_("Only a guardian of the household may do this."))

    def _citizen_notify_staff(self, summary, body):
        """A chatter note on the household and, when staff exist, a to-do for them (under sudo: the caller,
        a guardian, has been checked)."""
        family = self.sudo()
        family.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        user = _staff_user(self.env, family.company_id)
        if user:
            family.activity_schedule("mail.mail_activity_data_todo", summary=summary, note=body, user_id=user.id)

    # ------------------------------------------------------------------ income
    def portal_declare_income(self, values, proof):
        """A guardian declares the yearly income of the household with a proof: a new declaration in
        draft, which staff validate (billing reads only validated incomes). Returns the declaration's id."""
        self.ensure_one()
        self._citizen_check_guardian()
        values = _values(self.env, values)
        today = fields.Date.context_today(self)
        try:
            year = int(values.get("year") or 0)
            amount = float(values.get("amount_monthly_income") or 0)
            children = int(values.get("dependent_children") or 0)
        except (TypeError, ValueError) as error:
            raise ValidationError(_("The year, the income and the number of children must be numbers.")) from error
        if not today.year - 3 <= year <= today.year + 1:
            raise ValidationError(
                _("The income year must lie between %(first)s and %(last)s.", first=today.year - 3, last=today.year + 1)
            )
        if amount <= 0 or amount > 1_000_000:
            raise ValidationError(_("Enter the monthly net taxable income of the household (more than 0)."))
        if not 0 <= children <= 20:
            raise ValidationError(_("The number of dependent children must lie between 0 and 20."))
        name, datas = _check_proof(self.env, proof)
        family = self.sudo()  # sudo: the caller is a guardian (checked above); only these values are written
        if family.income_ids.filtered(lambda i: i.year == year and i.state == "draft"):
            raise ValidationError(
                _("A declaration for %s is already waiting for validation: staff will contact you.", year)
            )
        income = (
            self.env["childcare.family.income"]
            .sudo()
            .create(
                {
                    "family_id": family.id,
                    "year": year,
                    "amount_monthly_income": amount,
                    "dependent_children": children,
                    "has_disabled_child": bool(values.get("has_disabled_child")),
                    "proof": datas,
                    "proof_filename": name,
                    "state": "draft",
                }
            )
        )
        self._citizen_notify_staff(
            _("Validate the declared income %s", year),
            _(
                "%(user)s declared the household's income for %(year)s: it waits for validation.",
                user=self.env.user.name,
                year=year,
            ),
        )
        return income.id

    # ------------------------------------------------------------------ guardians
    def portal_invite_guardian(self, name, email, relationship):
        """A guardian invites the other guardian: a new contact becomes guardian of the household and gets
        a portal account through Odoo's own portal wizard (the invitation e-mail of ``auth_signup``).
        An e-mail that already has an account is refused: an existing account is linked by staff."""
        self.ensure_one()
        self._citizen_check_guardian()
        name = (name or "").strip() if isinstance(name, str) else ""
        email = email_normalize(email) if isinstance(email, str) else False
        if not name:
            raise ValidationError(_("Enter the name of the guardian to invite."))
        if not email:
            raise ValidationError(_("Enter a valid e-mail address."))
        if relationship not in dict(RELATIONSHIPS):
            raise ValidationError(_("Choose the relationship of the guardian to the children."))
        family = self.sudo()  # sudo: the caller is a guardian (checked above)
        if len(family.guardian_ids) >= MAX_GUARDIANS:
            raise ValidationError(_("A household has at most %s guardians: contact the municipality.", MAX_GUARDIANS))
        users = self.env["res.users"].sudo().with_context(active_test=False)
        if users.search_count([("login", "=ilike", email)], limit=1) or family.guardian_ids.filtered(
            lambda g: email_normalize(g.partner_id.email or "") == email
        ):
            raise ValidationError(
                _("This e-mail address already has an account: ask the municipality to link it to your household.")
            )
        partner = (
            self.env["res.partner"]
            .sudo()
            .create(
                {"name": name, "email": email, "company_id": family.company_id.id, "lang": family.lang or self.env.lang}
            )
        )
        family.write({"guardian_ids": [Command.create({"partner_id": partner.id, "relationship": relationship})]})
        family._citizen_grant_portal(partner)
        family.message_post(
            body=_(
                "%(user)s invited %(name)s (%(email)s) as guardian.", user=self.env.user.name, name=name, email=email
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return partner.id

    def portal_invite_existing_guardian(self, guardian_id):
        """A guardian sends the invitation to a guardian that staff registered without an account (with the
        e-mail address staff recorded: the caller cannot choose it)."""
        self.ensure_one()
        self._citizen_check_guardian()
        family = self.sudo()  # sudo: the caller is a guardian (checked above)
        guardian = family.guardian_ids.filtered(lambda g: g.id == guardian_id) if isinstance(guardian_id, int) else None
        if not guardian:
            raise AccessError(_("Only a guardian of the household may do this."))
        if guardian.partner_id.user_ids:
            raise ValidationError(_("%s already has an account.", guardian.partner_id.name))
        if not email_normalize(guardian.partner_id.email or ""):
            raise ValidationError(
                _("The municipality has no e-mail address for %s: ask it to add one.", guardian.partner_id.name)
            )
        family._citizen_grant_portal(guardian.partner_id)
        family.message_post(
            body=_("%(user)s invited %(name)s to the portal.", user=self.env.user.name, name=guardian.partner_id.name),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _citizen_grant_portal(self, partner):
        """A portal account for ``partner`` through Odoo's portal wizard (the ``auth_signup`` invitation
        e-mail); an address that is already another account's login is refused by the wizard."""
        self.ensure_one()
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .with_company(self.company_id)
            .create({"partner_ids": [Command.set(partner.ids)]})
        )
        try:
            wizard.user_ids.filtered(lambda u: u.partner_id == partner).action_grant_access()
        except UserError as error:
            raise ValidationError(
                _("This e-mail address already has an account: ask the municipality to link it to your household.")
            ) from error

    # ------------------------------------------------------------------ a new household
    @api.model
    def portal_register_family(self, name):
        """A signed-in user without a household asks for one: a new, archived household with them as its
        only guardian, which staff check and activate. Never an existing household."""
        if self.env.user._is_public():
            raise AccessError(_("Sign in first."))
        partner = self.env.user.partner_id
        name = (name or "").strip()[:100] if isinstance(name, str) else ""
        if not name:
            raise ValidationError(_("Enter the name of your household."))
        families = self.sudo().with_context(active_test=False)  # sudo: only the caller's own households
        if families.search_count([("guardian_ids.partner_id", "=", partner.id)], limit=1):
            raise ValidationError(_("Your account is already linked to a household (or its registration waits)."))
        family = families.create(
            {
                "name": name,
                "active": False,
                "company_id": self.env.company.id,
                "guardian_ids": [Command.create({"partner_id": partner.id, "relationship": "other"})],
            }
        )
        family._citizen_notify_staff(
            _("Check and activate the household %s", name),
            _("%(user)s registered the household from the portal: check it and activate it.", user=partner.name),
        )
        return family.id


class ChildcareChild(models.Model):
    _inherit = "childcare.child"

    def _citizen_check_guardian(self):
        """Refuse (AccessError) unless the caller is a guardian of a household of every child of ``self``."""
        if self.env.su:
            return
        partner = self.env.user.partner_id
        # sudo: the households of the child are read to decide, nothing of them is returned
        if not self or any(partner not in child.sudo().family_ids.guardian_ids.partner_id for child in self):
            raise AccessError(_("Only a guardian of the child may do this."))

    def portal_current_medical_sheet(self):
        """The latest version of the child's medical sheet (under sudo: for a checked guardian or staff)."""
        self.ensure_one()
        self._citizen_check_guardian()
        return self.env["childcare.medical.sheet"].sudo().search([("child_id", "=", self.id)], order="id desc", limit=1)

    def portal_update_medical_sheet(self, values, contacts):
        """A guardian updates the medical sheet: a NEW sheet (the versions before stay for staff), valid one
        year. ``contacts``: [{"name", "relationship", "phone"}] (at least one). Returns the new sheet's id."""
        self.ensure_one()
        self._citizen_check_guardian()
        values = _values(self.env, values)
        if not isinstance(contacts, (list, tuple)):
            raise ValidationError(_("The values sent are not valid."))
        vals = {name: _text(self.env, values, name, 2000) for name in MEDICAL_FIELDS}
        lines = []
        for sent in contacts:
            contact = _values(self.env, sent)
            name, phone = _text(self.env, contact, "name", 100), _text(self.env, contact, "phone", 40)
            if name or phone:
                if not (name and phone):
                    raise ValidationError(_("An emergency contact needs a name and a phone number."))
                lines.append(
                    Command.create(
                        {"name": name, "phone": phone, "relationship": _text(self.env, contact, "relationship", 60)}
                    )
                )
        if not lines:
            raise ValidationError(_("Give at least one emergency contact with a phone number."))
        sheet = (
            self.env["childcare.medical.sheet"]
            .sudo()
            .create(  # sudo: the caller is a guardian (checked)
                {
                    **vals,
                    "child_id": self.id,
                    "is_vaccination_up_to_date": bool(values.get("is_vaccination_up_to_date")),
                    "date_valid_until": fields.Date.context_today(self) + relativedelta(years=1),
                    "contact_ids": lines,
                }
            )
        )
        # no health data in the chatter: only that a new version exists
        self.sudo().message_post(
            body=_("%(user)s submitted a new medical sheet.", user=self.env.user.name),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return sheet.id

    def portal_set_consents(self, image, outing):
        """A guardian gives or withdraws the photo and outing consents."""
        self.ensure_one()
        self._citizen_check_guardian()
        self.sudo().write({"has_image_consent": bool(image), "has_outing_consent": bool(outing)})
        return True

    def portal_add_pickup_person(self, values):
        """A guardian authorises a person to pick the child up. Returns the new record's id."""
        self.ensure_one()
        self._citizen_check_guardian()
        values = _values(self.env, values)
        name = _text(self.env, values, "name", 100)
        phone = _text(self.env, values, "phone", 40)
        if not name or not phone:
            raise ValidationError(_("An authorised person needs a name and a phone number."))
        person = (
            self.env["childcare.pickup.person"]
            .sudo()
            .create(  # sudo: the caller is a guardian (checked)
                {
                    "child_id": self.id,
                    "name": name,
                    "phone": phone,
                    "relationship": _text(self.env, values, "relationship", 60),
                    "id_document": _text(self.env, values, "id_document", 40),
                }
            )
        )
        self.sudo().message_post(
            body=_("%(user)s authorised %(name)s to pick the child up.", user=self.env.user.name, name=name),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return person.id


class ChildcarePickupPerson(models.Model):
    _inherit = "childcare.pickup.person"

    def portal_remove(self):
        """A guardian withdraws the authorisation (archived: staff keep the history)."""
        if not self:
            raise AccessError(_("Only a guardian of the child may do this."))
        # the child is read under sudo only to know whose it is; the check runs as the caller
        self.sudo().child_id.with_env(self.env)._citizen_check_guardian()
        self.sudo().write({"active": False})  # sudo: the caller is a guardian of each child (checked above)
        for person in self.sudo():
            person.child_id.message_post(
                body=_("%(user)s withdrew the authorisation of %(name)s.", user=self.env.user.name, name=person.name),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True
