"""What the portal shows of the money and the papers of a household: the statement per child of an invoice,
the documents the municipality issued to the family (invoices, tax attestations 281.86, health-fund
attestations of camps, offers and decisions sent as PDF) and the health-fund attestation's PDF.

Every method here is private (not callable over JSON-RPC) and checks the caller all the same: the portal's
routes call them after their ownership check, a parent reaching them any other way still gets only their own
household's documents."""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import code_translations

#: the health-fund attestation of a camp (youth_camps)
HEALTH_FUND_REPORT = "youth_camps.action_report_health_fund_attestation"
#: the name youth_camps gives the attachment of a health-fund attestation it printed (in the printer's language)
HEALTH_FUND_NAME = "Health-fund attestation %(child)s %(camp)s"
#: the registrations whose camp is paid (the health-fund attestation is printed once the camp is paid)
PAID_CAMP_STATES = ("paid", "attended")
#: the models whose PDF attachments are documents the municipality sent to the family
DOCUMENT_MODELS = ("childcare.family", "childcare.application")
#: the order of the kinds of documents on the page
DOCUMENT_KINDS = ("invoice", "credit_note", "tax_attestation", "health_fund", "document")


def _check_guardian(env, families):
    """The user is a guardian of every household of ``families`` (municipal staff who may read the households
    pass: the back office prints the same documents). Raises ``AccessError`` otherwise."""
    if env.su:
        return
    user = env.user
    if not user._is_internal():
        partner = user.partner_id
        for family in families.sudo():
            if partner not in family.guardian_ids.partner_id:
                raise AccessError(env._("You can only see the documents of your own household."))
        return
    families.check_access("read")


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    def _citizen_documents(self):
        """The PDFs the municipality issued to the households of ``self``, newest first: a list of dicts
        ``{"key", "kind", "name", "date", "family", "child", "url", "record"}`` (plain values but the record,
        read under sudo: the caller's guardianship is checked first). Uploads of the parents (proofs, the
        priority criteria's documents) are not the municipality's documents and are left out, as are the
        camps' bus manifests and leaders' lists (staff papers, never attached to a household)."""
        _check_guardian(self.env, self)
        # sudo: the user is a guardian of every household of self (checked above); the invoices, attestations
        # and attachments are read as the portal's record rules would show them, in one query each
        families = self.sudo()
        documents = []
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("childcare_family_id", "in", families.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                order="invoice_date desc, id desc",
            )
        )
        for move in moves:
            documents.append(
                {
                    "key": f"account.move-{move.id}",
                    "kind": "credit_note" if move.move_type == "out_refund" else "invoice",
                    "name": move.name,
                    "date": move.invoice_date,
                    "family": move.childcare_family_id,
                    "child": "",
                    "url": f"/my/invoices/{move.id}?report_type=pdf&download=true",
                    "record": move,
                }
            )
        for attestation in families._citizen_tax_attestations():
            documents.append(
                {
                    "key": f"childcare.tax.attestation-{attestation.id}",
                    "kind": "tax_attestation",
                    "name": attestation.name,
                    "date": attestation.date_issued and attestation.date_issued.date(),
                    "family": attestation.family_id,
                    "child": attestation.child_id.name,
                    "url": f"/my/attestations/tax/{attestation.id}",
                    "record": attestation,
                }
            )
        registrations = families._citizen_health_fund_registrations()
        for registration in registrations:
            documents.append(
                {
                    "key": f"event.registration-{registration.id}",
                    "kind": "health_fund",
                    "name": registration.event_id.name,
                    "date": registration.event_id.date_end and registration.event_id.date_end.date(),
                    "family": registration.family_id,
                    "child": registration.child_id.name,
                    "url": f"/my/attestations/health_fund/{registration.id}",
                    "record": registration,
                }
            )
        for attachment in families._citizen_issued_attachments(registrations):
            documents.append(
                {
                    "key": f"ir.attachment-{attachment.id}",
                    "kind": "document",
                    "name": attachment.name,
                    "date": attachment.create_date.date(),
                    "family": families.browse(attachment.res_id)
                    if attachment.res_model == "childcare.family"
                    else self.env["childcare.application"].sudo().browse(attachment.res_id).family_id,
                    "child": ""
                    if attachment.res_model == "childcare.family"
                    else self.env["childcare.application"].sudo().browse(attachment.res_id).child_id.name,
                    "url": f"/my/documents/{attachment.id}",
                    "record": attachment,
                }
            )
        documents.sort(key=lambda doc: doc["date"] or doc["record"].create_date.date(), reverse=True)
        return documents

    def _citizen_tax_attestations(self):
        """The issued 281.86 attestations of the households of ``self`` that have their PDF (sudo)."""
        _check_guardian(self.env, self)
        return (
            self.env["childcare.tax.attestation"]
            .sudo()
            .search(
                [("family_id", "in", self.ids), ("state", "=", "issued"), ("attachment_id", "!=", False)],
                order="year desc, id desc",
            )
        )

    def _citizen_health_fund_registrations(self):
        """The paid camp registrations of the households of ``self``: one health-fund attestation each (sudo)."""
        _check_guardian(self.env, self)
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search(
                [("family_id", "in", self.ids), ("is_camp", "=", True), ("camp_state", "in", PAID_CAMP_STATES)],
                order="id desc",
            )
        )
        return registrations.filtered(lambda registration: registration.camp_amount_paid)

    def _citizen_issued_attachments(self, registrations=None):
        """The PDF attachments of the households of ``self`` and of their applications that staff (or the
        system) issued: not the parents' uploads, not the tax attestations and health-fund attestations
        (listed as such), not the fields' files (proofs of income)."""
        _check_guardian(self.env, self)
        Attachment = self.env["ir.attachment"].sudo()
        applications = self.env["childcare.application"].sudo().search([("family_id", "in", self.ids)])
        attachments = Attachment.search(
            [
                ("mimetype", "=", "application/pdf"),
                "|",
                "&",
                ("res_model", "=", "childcare.family"),
                ("res_id", "in", self.ids),
                "&",
                ("res_model", "=", "childcare.application"),
                ("res_id", "in", applications.ids),
            ],
            order="create_date desc, id desc",
        )
        attested = self.env["childcare.tax.attestation"].sudo().search([("family_id", "in", self.ids)]).attachment_id
        health_fund = self._citizen_health_fund_names(registrations)
        return attachments.filtered(
            lambda attachment: (
                attachment not in attested
                and not attachment.create_uid.share
                and (attachment.res_model, attachment.res_id, attachment.name) not in health_fund
            )
        )

    def _citizen_health_fund_names(self, registrations=None):
        """{("childcare.family", family id, file name)} of the health-fund attestations youth_camps may have
        attached to the households (one name per language installed)."""
        registrations = (
            registrations if registrations is not None else self._citizen_health_fund_registrations()
        ).sudo()
        if not registrations:
            return set()
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        sources = {
            code: code_translations.get_python_translations("youth_camps", code).get(HEALTH_FUND_NAME)
            or HEALTH_FUND_NAME
            for code in languages
        }
        names = set()
        for registration in registrations:
            for template in set(sources.values()) | {HEALTH_FUND_NAME}:
                name = template % {"child": registration.child_id.name, "camp": registration.event_id.name}
                names.add(("childcare.family", registration.family_id.id, f"{name.replace('/', '-')}.pdf"))
        return names

    @api.model
    def _citizen_document_kinds(self):
        """{kind: label} of the documents, in the reader's language."""
        return {
            "invoice": self.env._("Invoice"),
            "credit_note": self.env._("Credit note"),
            "tax_attestation": self.env._("Tax attestation 281.86"),
            "health_fund": self.env._("Health-fund attestation"),
            "document": self.env._("Letter"),
        }


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        """An invoice in a SEPA direct-debit collection is not paid online a second time (the bank debits it)."""
        return super()._has_to_be_paid() and not self.childcare_in_collection

    def _get_online_payment_error(self):
        if self.childcare_in_collection:
            return self.env._("This invoice is being collected by SEPA direct debit: there is nothing to pay here.")
        return super()._get_online_payment_error()

    def _citizen_child_statement(self):
        """The statement per child of the childcare invoice ``self``: a list of dicts ``{"child", "period",
        "structure", "days", "hours", "parent", "subsidy"}`` in the order of the invoice, read from the breakdown
        childcare_billing stores on the lines (and the days present on its billing run's line). Raises
        ``AccessError`` unless the user may read the invoice (a guardian of its household); under sudo the
        caller checked it (Odoo's portal: the record rules or the invoice's access token)."""
        self.ensure_one()
        self.check_access("read")
        # sudo: the invoice is readable by the user (checked above); the billing run's lines are staff records
        move = self.sudo()
        rows = {}
        for line in move.invoice_line_ids.filtered(lambda line: line.childcare_child_id).sorted("sequence"):
            key = (line.childcare_child_id.id, line.childcare_period, line.childcare_structure_id.id)
            row = rows.setdefault(
                key,
                {
                    "child": line.childcare_child_id.name,
                    "period": line.childcare_period or move.childcare_period,
                    "structure": line.childcare_structure_id.name or "",
                    "days": None,
                    "hours": 0.0,
                    "parent": 0.0,
                    "subsidy": 0.0,
                },
            )
            sign = -1 if move.move_type == "out_refund" else 1
            row["hours"] += line.childcare_hours_billable or line.childcare_hours_attended
            row["parent"] += sign * (line.childcare_parent_amount or line.price_total)
            row["subsidy"] += sign * line.childcare_subsidy_amount
        if rows:
            run_lines = (
                self.env["childcare.billing.run.line"]
                .sudo()
                .search([("move_id", "=", move.id), ("child_id", "in", [key[0] for key in rows])])
            )
            days = defaultdict(int)
            for run_line in run_lines:
                days[(run_line.child_id.id, run_line.structure_id.id)] += run_line.days_present
            for (child_id, _period, structure_id), row in rows.items():
                if (child_id, structure_id) in days:
                    row["days"] = days[(child_id, structure_id)]
        currency = move.currency_id
        for row in rows.values():
            row["parent"] = currency.round(row["parent"])
            row["subsidy"] = currency.round(row["subsidy"])
        return list(rows.values())


class EventRegistration(models.Model):
    _inherit = "event.registration"

    def _citizen_health_fund_pdf(self):
        """(file name, PDF) of the health-fund attestation of the paid camp registration ``self``, rendered
        for a guardian of its household (nothing is stored: youth_camps' own print attaches a copy to the
        household, the portal only downloads)."""
        self.ensure_one()
        registration = self.sudo()
        if not registration.is_camp or not registration.family_id:
            raise AccessError(self.env._("This is not a camp registration of your household."))
        _check_guardian(self.env, registration.family_id)
        if registration.camp_state not in PAID_CAMP_STATES or not registration.camp_amount_paid:
            raise UserError(
                self.env._("The health-fund attestation of %s is available once the camp is paid.", registration.name)
            )
        # sudo: the user is a guardian of the registration's household (checked above)
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(registration.company_id or self.env.company)
            ._render_qweb_pdf(HEALTH_FUND_REPORT, registration.ids)
        )
        name = self.env._(
            "Health-fund attestation %(child)s %(camp)s",
            child=registration.child_id.name,
            camp=registration.event_id.name,
        )
        return f"{name.replace('/', '-')}.pdf", pdf
