"""The parents' side of a pre-registration: one checked entry point to file an application from the portal,
and checked answers to an offer.

A portal guardian may read their household's applications (record rules of ``childcare_enrollment``) but
writes nothing on them directly. The public methods below are what the portal calls; a parent may call them
over JSON-RPC too, with any values and any context, so each one first checks that the caller is a guardian
of the family concerned, validates every value, and only then writes under ``sudo()`` in a clean context
(no ``default_*`` keys of the caller reach the records)."""

import base64
import binascii

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.translate import _

from ..tools.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload

#: structure types a pre-registration can choose (camp organisers take camp registrations, not applications)
APPLICATION_STRUCTURE_TYPES = ("creche", "maison_relais", "foyer_de_jour", "mini_creche", "assistant_parental")
#: computed criteria the family answers through a field of the application
ANSWERED_RULES = {"disability": "has_disability", "social_referral": "has_social_referral"}


class ChildcarePriorityCriterion(models.Model):
    _inherit = "childcare.priority.criterion"

    is_proof_required = fields.Boolean(
        string="Proof required",
        help="Families who answer yes to this criterion on the portal must upload a document proving it "
        "(PDF, JPEG or PNG).",
    )

    def _portal_is_answered(self):
        """Whether the family answers this criterion on the portal form (else the municipality computes it)."""
        self.ensure_one()
        return self.apply_mode in ("boolean", "scale") or (
            self.apply_mode == "computed" and self.computed_rule in ANSWERED_RULES
        )


class ChildcareApplication(models.Model):
    _inherit = "childcare.application"

    # ------------------------------------------------------------------ what the portal may offer
    @api.model
    def _portal_clean_env(self):
        """A superuser environment with only the language and time zone of the caller's context: the
        caller's ``default_*`` and other keys never reach what the portal writes under sudo."""
        context = {key: self.env.context[key] for key in ("lang", "tz") if self.env.context.get(key)}
        return self.env(context=context, su=True)

    @api.model
    def _portal_child_family(self, child_id):
        """(child, family) under sudo when the user is a guardian of a household of the child; else
        ``AccessError``, before anything of the child is read for the caller."""
        partner = self.env.user.partner_id
        child = self._portal_clean_env()["childcare.child"].browse(int(child_id or 0)).exists()
        families = child.family_ids.filtered(lambda f: partner in f.guardian_ids.partner_id)
        if not child or not families or self.env.user._is_public():
            raise AccessError(_("You can only file an application for a child of your own household."))
        # the household that carries the child most, among those the user is a guardian of
        family = child.family_id if child.family_id in families else families[:1]
        return child, family

    @api.model
    def _portal_structure_domain(self, company):
        return [
            ("company_id", "=", company.id),
            ("structure_type", "in", APPLICATION_STRUCTURE_TYPES),
            ("capacity_ids", "!=", False),
        ]

    @api.model
    def _portal_eligible_structures(self, child, day):
        """The structures of the child's municipality with an age group taking the child at ``day``: the same
        rule as a choice's age group (``childcare.structure.capacity_for_age`` on the age at the start)."""
        child = child.sudo()
        family = child.family_id
        structures = self.env["childcare.structure"].sudo().search(self._portal_structure_domain(family.company_id))
        age = child.age_months_on(day)
        return structures.filtered(lambda s: s.capacity_for_age(age))

    @api.model
    def _portal_criteria(self, company):
        """The active priority criteria of the municipality (``_criteria`` of childcare_enrollment)."""
        return self.sudo().new({"company_id": company.id})._criteria()

    # ------------------------------------------------------------------ filing
    @api.model
    def portal_submit(self, values):
        """File a pre-registration from the portal; returns the submitted application (as the caller).

        ``values``: ``child_id``; ``date_start`` (date or ISO string); ``structure_ids`` (ranked: the first
        is choice 1); ``schedule``: ``[{"weekday": "0".."6", "hour_from": float, "hour_to": float}]``;
        ``answers``: ``{criterion id: {"is_met": bool, "value": float}}`` for yes/no and scale criteria;
        ``has_disability``, ``has_social_referral``; ``documents``:
        ``[{"criterion_id", "name", "datas" (base64)}]``, the proofs of the criteria answered yes.

        The caller must be a guardian of the child's household (checked first). Bad values raise a
        translated ``UserError``/``ValidationError`` and nothing is written."""
        if not isinstance(values, dict):
            raise UserError(_("The application could not be read."))
        child, family = self._portal_child_family(values.get("child_id"))
        env = self._portal_clean_env()
        for key, kind in (("structure_ids", list), ("schedule", list), ("answers", dict), ("documents", list)):
            if not isinstance(values.get(key) or kind(), (kind, tuple) if kind is list else kind):
                raise UserError(_("The application could not be read."))
        date_start = self._portal_date(values.get("date_start"))
        structures = self._portal_structures(family, values.get("structure_ids") or [])
        schedule = self._portal_schedule(values.get("schedule") or [])
        criteria = self._portal_criteria(family.company_id)
        answers = self._portal_answers(criteria, values.get("answers") or {})
        documents = self._portal_documents(criteria, values.get("documents") or [])
        flags = {
            "has_disability": bool(values.get("has_disability")),
            "has_social_referral": bool(values.get("has_social_referral")),
        }
        self._portal_check_proofs(criteria, answers, flags, documents)
        hours = sum(slot["hour_to"] - slot["hour_from"] for slot in schedule)
        with env.cr.savepoint():
            # sudo (clean context): the caller is a guardian of the child's household (checked above) and
            # every value was validated; the application's own constraints decide the rest (one active file
            # per child and period, start date not in the past, an age group among the choices).
            application = env["childcare.application"].create(
                {
                    "child_id": child.id,
                    "family_id": family.id,
                    "company_id": family.company_id.id,
                    "date_start": date_start,
                    "need_days_per_week": len(schedule),
                    "need_hours_per_day": round(hours / len(schedule), 2),
                    **flags,
                    "choice_ids": [
                        Command.create({"structure_id": structure.id, "rank": rank})
                        for rank, structure in enumerate(structures, start=1)
                    ],
                    "schedule_line_ids": [Command.create(slot) for slot in schedule],
                    "point_ids": [
                        Command.create({"criterion_id": criterion_id, **answer})
                        for criterion_id, answer in answers.items()
                    ],
                }
            )
            age = child.age_months_on(date_start)
            for choice in application.choice_ids.sorted("rank"):
                if not choice.capacity_id:
                    raise ValidationError(
                        _(
                            "%(structure)s does not take children of %(age)s months: %(child)s will be that age "
                            "on %(date)s. Choose among the structures offered for that date.",
                            structure=choice.structure_id.name,
                            age=age,
                            child=child.name,
                            date=date_start,
                        )
                    )
            attachments = env["ir.attachment"].create(
                [
                    {
                        **document["attachment"],
                        "res_model": "childcare.application",
                        "res_id": application.id,
                        "description": document["criterion"].name,
                    }
                    for document in documents
                ]
            )
            application.action_submit()
            if attachments:
                application.message_post(
                    body=_(
                        "Proofs uploaded by the family: %s",
                        ", ".join(f"{doc['criterion'].name} ({doc['attachment']['name']})" for doc in documents),
                    ),
                    attachment_ids=attachments.ids,
                )
        return application.with_env(self.env)

    @api.model
    def _portal_date(self, value):
        try:
            day = fields.Date.to_date(value)
        except (TypeError, ValueError):
            day = None
        if not day:
            raise UserError(_("Enter the desired start date."))
        return day

    @api.model
    def _portal_structures(self, family, structure_ids):
        """The ranked structures (records under sudo), each chosen once and offered to the family."""
        try:
            ids = [int(structure_id) for structure_id in structure_ids if structure_id]
        except (TypeError, ValueError) as error:
            raise UserError(_("Choose the structures from the list.")) from error
        if not ids:
            raise UserError(_("Choose at least one structure."))
        if len(set(ids)) != len(ids):
            raise UserError(_("Each structure can be chosen only once: rank different structures."))
        Structure = self.env["childcare.structure"].sudo()
        found = Structure.search([("id", "in", ids), *self._portal_structure_domain(family.company_id)])
        if len(found) != len(ids):
            raise UserError(_("One of the chosen structures does not take pre-registrations: choose from the list."))
        return Structure.browse(ids)

    @api.model
    def _portal_schedule(self, slots):
        """The weekly need as schedule lines: one slot per weekday, within the day."""
        weekdays = dict(self.env["childcare.enrollment.schedule"]._fields["weekday"]._description_selection(self.env))
        result, seen = [], set()
        for slot in slots:
            if not isinstance(slot, dict):
                raise UserError(_("The weekly schedule gives each weekday once."))
            weekday = str(slot.get("weekday", ""))
            if weekday not in weekdays or weekday in seen:
                raise UserError(_("The weekly schedule gives each weekday once."))
            seen.add(weekday)
            try:
                hour_from, hour_to = float(slot.get("hour_from")), float(slot.get("hour_to"))
            except (TypeError, ValueError) as error:
                raise UserError(_("%s: enter the hours of arrival and departure.", weekdays[weekday])) from error
            if not 0 <= hour_from < hour_to <= 24:
                raise UserError(
                    _("%s: the child arrives before leaving, within the day (0:00 to 24:00).", weekdays[weekday])
                )
            result.append({"weekday": weekday, "hour_from": hour_from, "hour_to": hour_to})
        if not result:
            raise UserError(_("Give the weekly need: the hours of at least one day."))
        return sorted(result, key=lambda slot: slot["weekday"])

    @api.model
    def _portal_answers(self, criteria, answers):
        """{criterion id: {"is_met", "value"}} of the yes/no and scale criteria of the municipality."""
        result = {}
        by_id = {criterion.id: criterion for criterion in criteria if criterion.apply_mode in ("boolean", "scale")}
        for key, answer in answers.items():
            try:
                criterion = by_id.get(int(key))
            except (TypeError, ValueError):
                criterion = None
            if criterion is None:
                raise UserError(_("Answer only the priority criteria of the form."))
            given = answer if isinstance(answer, dict) else {}
            if criterion.apply_mode == "scale":
                try:
                    value = float(given.get("value") or 0.0)
                except (TypeError, ValueError) as error:
                    raise UserError(_("%s: enter a number.", criterion.name)) from error
                if value < 0:
                    raise UserError(_("%s: the answer cannot be negative.", criterion.name))
                result[criterion.id] = {"value": value, "is_met": value > 0}
            else:
                result[criterion.id] = {"is_met": bool(given.get("is_met")), "value": 0.0}
        return result

    @api.model
    def _portal_documents(self, criteria, documents):
        """The proofs as attachment values, each checked on its content (type and size) as an upload."""
        result = []
        by_id = {criterion.id: criterion for criterion in criteria}
        for document in documents:
            if not isinstance(document, dict):
                raise UserError(_("A document must prove one of the priority criteria of the form."))
            try:
                criterion = by_id.get(int(document.get("criterion_id")))
            except (TypeError, ValueError):
                criterion = None
            if criterion is None:
                raise UserError(_("A document must prove one of the priority criteria of the form."))
            try:
                content = base64.b64decode(document.get("datas") or b"", validate=True)
            except (binascii.Error, ValueError, TypeError) as error:
                raise UserError(_("%s: the document could not be read.", criterion.name)) from error
            sniffed = guess_mimetype(content) if content else ""
            try:
                name = check_upload(document.get("name"), content, sniffed)
            except UploadRefused as refused:
                messages = {
                    "empty": _("%s: the file is empty.", criterion.name),
                    "too_large": _(
                        "%(criterion)s: the file is too large (at most %(size)s MB).",
                        criterion=criterion.name,
                        size=MAX_UPLOAD_BYTES // (1024 * 1024),
                    ),
                    "type": _("%s: only PDF, JPEG and PNG documents are accepted.", criterion.name),
                }
                raise UserError(messages[refused.reason]) from refused
            result.append(
                {
                    "criterion": criterion,
                    "attachment": {"name": name, "datas": base64.b64encode(content), "mimetype": sniffed},
                }
            )
        return result

    @api.model
    def _portal_check_proofs(self, criteria, answers, flags, documents):
        """A criterion that needs proof and is answered yes comes with its document."""
        proven = {document["criterion"].id for document in documents}
        for criterion in criteria.filtered("is_proof_required"):
            if criterion.apply_mode == "computed":
                claimed = flags.get(ANSWERED_RULES.get(criterion.computed_rule), False)
            else:
                claimed = answers.get(criterion.id, {}).get("is_met")
            if claimed and criterion.id not in proven:
                raise UserError(_("%s: upload the document that proves it.", criterion.name))

    # ------------------------------------------------------------------ offers
    def _portal_check_guardian(self):
        """The user is a guardian of the household of every application of ``self``; else ``AccessError``
        (before anything of them is read for the caller)."""
        partner = self.env.user.partner_id
        # sudo: only to compare the household's guardians with the caller; nothing is returned
        for application in self.sudo():
            if self.env.user._is_public() or partner not in application.family_id.guardian_ids.partner_id:
                raise AccessError(_("Only a guardian of the child's household can answer this offer."))

    def portal_accept_offer(self):
        """The guardian accepts the offered place (``action_accept_offer``: deadline, placement contract)."""
        self._portal_check_guardian()
        # sudo (clean context): the caller is a guardian of the household (checked above); the transition
        # checks the state and the deadline itself.
        return self.with_env(self._portal_clean_env()).action_accept_offer()

    def portal_decline_offer(self):
        """The guardian declines the offered place (``action_decline_offer``: the place goes to the next)."""
        self._portal_check_guardian()
        # sudo (clean context): the caller is a guardian of the household (checked above); the transition
        # checks the state itself.
        return self.with_env(self._portal_clean_env()).action_decline_offer()
