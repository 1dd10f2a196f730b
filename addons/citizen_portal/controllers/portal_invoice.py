"""Invoices on the citizen portal: Odoo's ``/my/invoices`` (``account`` / ``account_payment``) extended for the
household's invoices (their billing partner is the household's contact, not the guardian's: the portal record
rule of childcare_billing lets the guardians read them), filtered by child, with the statement per child, the
transfer details (structured reference, EPC QR), the direct-debit status, online payment and the payment of
all the overdue invoices at once; the attestations to download (281.86, health fund)."""

from odoo import http
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.http import request

from .common import CitizenPortal


class CitizenInvoicePortal(CitizenPortal, PortalAccount):
    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "citizen_attestation_count" in counters:
            families = self._citizen_families()
            values["citizen_attestation_count"] = (
                len(families._citizen_tax_attestations()) + len(families._citizen_health_fund_registrations())
                if families
                else 0
            )
        return values

    # ------------------------------------------------------------------ the household's invoices
    def _citizen_invoice_domain(self):
        """The invoices of the user's households (what childcare_billing's portal rule lets them read)."""
        families = self._citizen_families()
        return Domain("childcare_family_id", "in", families.ids) if families else Domain.FALSE

    def _get_invoices_domain(self, m_type=None):
        """Odoo's domain, narrowed to what the record rules let a guardian read (the household's invoices or
        their own contact's): the same invoices, but PostgreSQL finds them through the indexes of the invoice's
        household and partner instead of reading every invoice of the database to apply the rules."""
        domain = super()._get_invoices_domain(m_type)
        user = request.env.user
        if user._is_internal():
            return domain
        families = self._citizen_families()
        own = Domain("partner_id", "child_of", user.commercial_partner_id.id)
        return domain & (Domain("childcare_family_id", "in", families.ids) | own if families else own)

    def _get_overdue_invoices_domain(self, partner_id=None):
        """Odoo's overdue invoices are the user's own contact's; a guardian pays the household's (their billing
        partner is the household's contact). Invoices in a direct-debit collection are left out (the bank
        debits them). Odoo pays the overdue invoices of ONE partner at once: a guardian of several households
        with different billing contacts pays those of the first household here, the others invoice by invoice."""
        domain = super()._get_overdue_invoices_domain(partner_id=partner_id)
        families = self._citizen_families() if not partner_id else None
        if not families:
            return domain
        domain = [term for term in domain if not (isinstance(term, tuple) and term[0] == "partner_id")]
        billing = families.sorted("id")[:1].partner_id
        return [
            *domain,
            ("childcare_family_id", "in", families.filtered(lambda f: f.partner_id == billing).ids),
            ("partner_id", "=", billing.id),
            ("childcare_in_collection", "=", False),
        ]

    def _citizen_invoice_child(self, child_id):
        """The child ``child_id`` of the user's households (404 for any other)."""
        if not child_id:
            return request.env["childcare.child"]
        try:
            child_id = int(child_id)
        except (TypeError, ValueError):
            raise request.not_found() from None
        child = self._citizen_families().child_ids.filtered(lambda c: c.id == child_id)
        if not child:
            raise request.not_found()
        return child

    @http.route()
    def portal_my_invoices(self, page=1, date_begin=None, date_end=None, sortby=None, filterby=None, **kw):
        child = self._citizen_invoice_child(kw.get("child_id"))
        if child:
            # read by _prepare_my_invoices_values (Odoo's route does not pass its other arguments on)
            request.update_context(citizen_child_id=child.id)
        return super().portal_my_invoices(
            page=page, date_begin=date_begin, date_end=date_end, sortby=sortby, filterby=filterby, **kw
        )

    def _prepare_my_invoices_values(  # noqa: PLR0917 (Odoo's signature)
        self, page, date_begin, date_end, sortby, filterby, domain=None, url="/my/invoices"
    ):
        child_id = request.env.context.get("citizen_child_id")
        if child_id:
            domain = Domain(domain or Domain.TRUE) & Domain("invoice_line_ids.childcare_child_id", "=", child_id)
        values = super()._prepare_my_invoices_values(
            page, date_begin, date_end, sortby, filterby, domain=domain, url=url
        )
        families = self._citizen_families()
        if child_id:
            values["pager"]["url_args"]["child_id"] = child_id
        invoices = values["invoices"]
        if callable(invoices):

            def with_children(offset):
                rows = invoices(offset)
                moves = request.env["account.move"].browse([row["invoice"].id for row in rows])
                children = self._citizen_invoice_children(moves)
                for row in rows:
                    row["citizen_children"] = children.get(row["invoice"].id, "")
                return rows

            values["invoices"] = with_children
        values.update(
            citizen_families=families,
            citizen_children=families.child_ids,
            citizen_child_id=child_id,
            citizen_debit=self._citizen_debit_status(families),
        )
        return values

    def _citizen_invoice_children(self, moves):
        """{invoice id: "Léa, Tom"}: the children billed on each of ``moves``, in one query."""
        if not moves:
            return {}
        # sudo: ``moves`` are the page's invoices, found under the user's record rules; their lines are read
        # without the rules' joins (one indexed query)
        groups = (
            request.env["account.move.line"]
            .sudo()
            ._read_group(
                [("move_id", "in", moves.ids), ("childcare_child_id", "!=", False)],
                ["move_id", "childcare_child_id"],
            )
        )
        names = {}
        for move, child in groups:
            names.setdefault(move.id, []).append(child.name)
        return {move_id: ", ".join(sorted(children)) for move_id, children in names.items()}

    def _citizen_debit_status(self, families):
        """{family: True/False}: the household pays by SEPA direct debit (a valid mandate of its billing
        partner). sudo: the families are the user's own (``_citizen_families``), the mandates are staff
        records."""
        return {family: family.sudo().has_valid_mandate for family in families}

    # ------------------------------------------------------------------ one invoice
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        if invoice.childcare_family_id:
            # invoice is sudo: Odoo's _document_check_access checked the record rules or the access token of
            # the e-mailed link
            statement = invoice._citizen_child_statement()
            transfer = self._citizen_transfer_values(invoice)
            values.update(
                citizen_statement=statement,
                citizen_transfer=transfer,
                citizen_in_collection=invoice.childcare_in_collection,
                citizen_has_mandate=invoice.childcare_family_id.has_valid_mandate,
            )
        return values

    def _citizen_transfer_values(self, invoice):
        """The bank transfer of an open invoice: the municipality's IBAN, the structured reference (OGM) and
        Odoo's EPC QR code (account_qr_code_sepa) as a data URI, or nothing once it is paid."""
        if invoice.move_type != "out_invoice" or invoice.payment_state not in ("not_paid", "partial"):
            return {}
        qr = False
        if invoice.display_qr_code and invoice.partner_bank_id:
            try:
                qr = invoice._generate_qr_code(silent_errors=True)
            except UserError:
                qr = False
        return {
            "iban": invoice.partner_bank_id.acc_number or "",
            "bic": invoice.partner_bank_id.bank_bic or "",
            "holder": invoice.company_id.name,
            "reference": invoice.payment_reference or invoice.name,
            "amount": invoice.amount_residual,
            "currency": invoice.currency_id,
            "qr": qr,
        }

    # ------------------------------------------------------------------ attestations
    @http.route(["/my/attestations"], type="http", auth="user", website=True)
    def portal_my_attestations(self, **kw):
        families = self._citizen_families()
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="citizen_attestations",
            tax_attestations=families._citizen_tax_attestations() if families else [],
            health_fund_registrations=families._citizen_health_fund_registrations() if families else [],
        )
        return request.render("citizen_portal.portal_my_attestations", values)

    @http.route(["/my/attestations/tax/<int:attestation_id>"], type="http", auth="user", website=True)
    def portal_tax_attestation_download(self, attestation_id, **kw):
        attestation = self._citizen_record("childcare.tax.attestation", attestation_id)
        if attestation.state != "issued" or not attestation.attachment_id:
            raise request.not_found()
        attachment = attestation.attachment_id  # sudo: the attestation is the user's household's (checked)
        return self._citizen_pdf_response(attachment.raw, attachment.name)

    @http.route(["/my/attestations/health_fund/<int:registration_id>"], type="http", auth="user", website=True)
    def portal_health_fund_download(self, registration_id, **kw):
        registration = self._citizen_record("event.registration", registration_id)
        try:
            name, pdf = registration.with_env(request.env)._citizen_health_fund_pdf()
        except (AccessError, UserError) as error:
            raise request.not_found() from error
        return self._citizen_pdf_response(pdf, name)

    def _citizen_pdf_response(self, content, filename):
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(content)),
            ("Content-Disposition", http.content_disposition(filename)),
            ("X-Content-Type-Options", "nosniff"),
        ]
        return request.make_response(content, headers)
