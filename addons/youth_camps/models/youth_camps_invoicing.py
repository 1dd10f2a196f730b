"""The money of the camps: one invoice per family request, refunds on cancellation, the paid registrations,
the tax attestation 281.86 and the health-fund (mutualité) attestation.

- Invoice: one per request batch (several children, several camps), posted on the municipality's sale journal
  (childcare_billing's, with the Belgian structured communication: Odoo's ``invoice_reference_model = 'be'``),
  addressed to the household's billing partner; Odoo's invoice report prints the EPC QR code
  (``account_qr_code_sepa``). One line per registration (``youth_camps_registration_id``): the resident or
  non-resident ticket by the family's ``is_resident``, a partial week at the camp's price per day, the camp's
  sibling reduction from the second child of the request (``tools/camp_pricing.py``). The registrations are
  invoiced when none of the request waits for staff validation any more (a cron triggered by the flow, out of
  the opening rush's transactions); a registration promoted later from the waiting list gets an invoice of its
  own for the same request.
- Paid: Odoo calls ``account.move._invoice_paid_hook`` when a reconciliation makes an invoice paid (or in
  payment): its registrations become ``paid`` (the core's ``_camp_mark_paid``).
- Cancellation (the core's ``action_camp_cancel`` calls ``_camp_refund``): full refund at least
  ``camp_refund_days`` before the first day or with a medical certificate (the core's ``_camp_refund_rate``),
  nothing later; a credit note for the registration's line, reconciled with the invoice while it is open.
- The 281.86 sources (childcare_billing's hook) and the health-fund attestation read the amount paid of a
  registration: its invoice line, less its credit notes, when the invoice is paid.
"""

import base64
import logging
from collections import defaultdict
from datetime import date, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import _

from ..tools import camp_pricing

_logger = logging.getLogger(__name__)

#: an invoice counts as paid in these payment states (childcare_billing's attestation rule)
PAID_STATES = ("paid", "in_payment")
#: registrations invoiced once none of their request waits for staff
INVOICE_STATES = ("validated", "attended")
#: who may invoice, send and print for any request (besides the organisers of its camps)
MANAGER_GROUP = "childcare_base.group_childcare_manager"
ACCOUNT_GROUP = "account.group_account_invoice"
HEALTH_FUND_REPORT = "youth_camps.action_report_health_fund_attestation"
INVOICE_CRON = "youth_camps.ir_cron_camp_invoice"


def _is_camp_accountant(env):
    return env.su or env.user.has_group(MANAGER_GROUP) or env.user.has_group(ACCOUNT_GROUP)


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_kind = fields.Selection(selection_add=[("camp", "Youth camps")], ondelete={"camp": "set null"})
    youth_camps_request_id = fields.Many2one(
        "youth_camps.request",
        string="Camp request",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The family's camp request this invoice (or credit note) bills.",
    )

    def _camp_is_paid(self):
        """True when this camp invoice is paid in full: reconciled (``paid``), or ``in_payment`` with nothing left
        to reconcile or with registered payments (not yet matched with the bank) that cover what is left. Odoo
        shows ``in_payment`` as soon as one payment is registered, even a partial one."""
        self.ensure_one()
        if self.state != "posted" or self.move_type != "out_invoice" or self.payment_state not in PAID_STATES:
            return False
        currency = self.currency_id
        if self.payment_state == "paid" or currency.is_zero(self.amount_residual):
            return True
        pending = self.matched_payment_ids.filtered(
            lambda payment: not payment.move_id and payment.state in ("in_process", "paid")
        )
        return currency.compare_amounts(sum(pending.mapped("amount")), self.amount_residual) >= 0

    def _camp_mark_registrations_paid(self):
        """Mark paid the registrations of the camp invoices of ``self`` that are paid in full."""
        paid_invoices = self.filtered(lambda move: move.youth_camps_request_id and move._camp_is_paid())
        if not paid_invoices:
            return self.env["event.registration"]
        # sudo: whoever records the payment (an accountant, a bank reconciliation, a payment provider's callback)
        # marks the registrations of the invoice paid; the flow only moves validated ones
        registrations = paid_invoices.sudo().invoice_line_ids.youth_camps_registration_id
        paid = registrations.filtered(lambda r: r.camp_state in ("requested", "validated"))._camp_mark_paid()
        for request in paid.request_id:
            request.message_post(
                body=_(
                    "Invoice paid: %(children)s.",
                    children=", ".join(paid.filtered(lambda r, q=request: r.request_id == q).mapped("name")),
                )
            )
        return paid

    def _compute_payment_state(self):
        super()._compute_payment_state()
        # a payment registered without journal entry (invoicing with bank matching) makes the invoice
        # ``in_payment`` without any reconciliation: Odoo's paid hook is not called then
        self.filtered(
            lambda move: move.youth_camps_request_id and move.payment_state == "in_payment"
        )._camp_mark_registrations_paid()

    def _invoice_paid_hook(self):
        """A reconciliation made a camp invoice paid (or in payment): its registrations are paid."""
        res = super()._invoice_paid_hook()
        self._camp_mark_registrations_paid()
        return res

    def _camp_refund_vals(self, items):
        """The credit note of this camp invoice for ``items``: [(registration, invoice line, amount)]."""
        self.ensure_one()
        family = self.childcare_family_id
        gettext = self.with_context(lang=self.partner_id.lang or family.lang or self.env.lang).env._
        lines = []
        for registration, line, amount in items:
            lines.append(
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": gettext("Refund: %s", line.name),
                        "quantity": 1.0,
                        "price_unit": amount,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                        "childcare_child_id": line.childcare_child_id.id,
                        "childcare_structure_id": line.childcare_structure_id.id,
                        "youth_camps_registration_id": registration.id,
                    }
                )
            )
        return {
            "move_type": "out_refund",
            "partner_id": self.partner_id.id,
            "journal_id": self.journal_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "reversed_entry_id": self.id,
            "ref": gettext("Cancellation of %s", ", ".join(registration.name for registration, _l, _a in items)),
            "childcare_family_id": self.childcare_family_id.id,
            "childcare_kind": "camp",
            "youth_camps_request_id": self.youth_camps_request_id.id,
            "invoice_line_ids": lines,
        }


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    youth_camps_registration_id = fields.Many2one(
        "event.registration",
        string="Camp registration",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
        help="The camp registration this line bills (or refunds).",
    )


class EventRegistration(models.Model):
    _inherit = "event.registration"

    camp_amount_invoiced = fields.Monetary(
        string="Invoiced",
        compute="_compute_camp_amounts",
        currency_field="camp_currency_id",
        help="The price of the registration on its camp invoice (sibling reduction deducted).",
    )
    camp_amount_refunded = fields.Monetary(
        string="Refunded", compute="_compute_camp_amounts", currency_field="camp_currency_id"
    )
    camp_amount_paid = fields.Monetary(
        string="Amount paid",
        compute="_compute_camp_amounts",
        currency_field="camp_currency_id",
        help="Invoiced less refunded, once the invoice is paid: the amount on the health-fund and tax attestations.",
    )
    camp_invoice_line_ids = fields.One2many(
        "account.move.line",
        "youth_camps_registration_id",
        string="Invoice lines",
        readonly=True,
        groups="account.group_account_invoice",
    )
    camp_currency_id = fields.Many2one(related="company_id.currency_id", string="Camp currency")
    camp_invoice_name = fields.Char(string="Invoice", compute="_compute_camp_amounts")
    camp_invoice_payment_state = fields.Char(string="Invoice payment", compute="_compute_camp_amounts")

    def _camp_invoice_lines(self):
        """{registration id: {"invoice": lines of posted invoices, "refund": lines of posted credit notes,
        "draft": lines of draft invoices}} (sudo: the amounts of a registration are shown to whoever reads it)."""
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search([("youth_camps_registration_id", "in", self.ids), ("display_type", "=", "product")])
        )
        result = defaultdict(lambda: defaultdict(self.env["account.move.line"].sudo))
        for line in lines:
            move = line.move_id
            if move.state == "cancel":
                continue
            kind = "draft" if move.state == "draft" else "refund" if move.move_type == "out_refund" else "invoice"
            result[line.youth_camps_registration_id.id][kind] |= line
        return result

    def _compute_camp_amounts(self):
        lines = self._camp_invoice_lines() if self.ids else {}
        for registration in self:
            found = lines.get(registration.id) or {}
            invoice_lines = found.get("invoice") or self.env["account.move.line"]
            refund_lines = found.get("refund") or self.env["account.move.line"]
            currency = registration.camp_currency_id or self.env.company.currency_id
            invoiced = sum(invoice_lines.mapped("price_subtotal"))
            refunded = sum(refund_lines.mapped("price_subtotal"))
            invoices = invoice_lines.move_id
            paid = bool(invoices) and all(move._camp_is_paid() for move in invoices)
            registration.camp_amount_invoiced = invoiced
            registration.camp_amount_refunded = refunded
            registration.camp_amount_paid = currency.round(max(invoiced - refunded, 0.0)) if paid else 0.0
            registration.camp_invoice_name = ", ".join(invoices.mapped("name")) or False
            registration.camp_invoice_payment_state = (
                ", ".join(
                    dict(invoices._fields["payment_state"]._description_selection(self.env)).get(state, state)
                    for state in set(invoices.mapped("payment_state"))
                )
                or False
            )

    def _camp_days_attended(self):
        """The days of care of the registration (its week, or the whole camp), Monday to Friday: what the
        attestations count. A registration marked attended came; a paid one is counted for its camp days."""
        self.ensure_one()
        first, last = self._camp_dates()
        return camp_pricing.camp_days(first, last)

    def _camp_payer(self):
        """Who paid the camp, for the attestations: the guardian whose contact is the household's billing
        partner, else the guardian who registered, else the household's attestation payer."""
        self.ensure_one()
        family = self.sudo().family_id
        guardians = family.guardian_ids.partner_id
        if family.partner_id in guardians:
            return family.partner_id
        if self.sudo().guardian_partner_id in guardians:
            return self.sudo().guardian_partner_id
        return family._childcare_attestation_payer()

    # ------------------------------------------------------------------ the flow's hooks
    @api.model
    def _camp_crons_after_request(self, vals_list):
        # woken before the registrations are placed (not under the seat lock): a request that ends up on the
        # waiting list only makes the cron look for nothing to invoice
        crons = super()._camp_crons_after_request(vals_list)
        return [*crons, INVOICE_CRON] if any(vals.get("request_id") for vals in vals_list) else crons

    def write(self, vals):
        res = super().write(vals)
        if vals.get("camp_state") in INVOICE_STATES and any(r.is_camp and r.request_id for r in self):
            self._camp_trigger_invoicing()
        return res

    @api.model
    def _camp_trigger_invoicing(self):
        """Ask the invoicing cron to run after this transaction: a trigger row, no lock on the journal (the
        opening rush must not wait for the invoice numbering)."""
        self._camp_wake_crons([INVOICE_CRON])

    @api.model
    def _camp_overdue_invoice_domain(self, families):
        """Only camp invoices block the automatic validation of a camp request."""
        return [*super()._camp_overdue_invoice_domain(families), ("youth_camps_request_id", "!=", False)]

    def _camp_refund(self):
        """Refund the cancelled registrations of ``self`` (called by the core's cancellation, under sudo, after
        its access check): a credit note per invoice for the lines of the registrations refunded (full refund
        before the camp's refund days or with a medical certificate, nothing after), reconciled with the invoice
        while it is open; a line of a draft invoice is removed (a draft left empty is cancelled)."""
        if not self.env.su:
            # reached only through action_camp_cancel, which checked the user and switched to sudo
            raise AccessError(_("Refunds are issued by the cancellation of a registration."))
        res = super()._camp_refund()
        camps = self.filtered(lambda r: r.is_camp and r.camp_state == "cancelled")
        if not camps:
            return res
        found = camps._camp_invoice_lines()
        Move = self.env["account.move"]
        refunds = Move
        by_invoice = defaultdict(list)  # invoice -> [(line, amount to refund)]
        for registration in camps:
            lines = found.get(registration.id) or {}
            drafts = lines.get("draft")
            for draft in drafts.move_id if drafts else ():
                # never posted: the line goes, a draft left without lines is cancelled
                draft.write({"invoice_line_ids": [Command.delete(line.id) for line in drafts & draft.invoice_line_ids]})
                if not draft.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
                    draft.button_cancel()
            invoice_lines = lines.get("invoice")
            if not invoice_lines:
                continue
            rate = registration._camp_refund_rate()
            invoiced = sum(invoice_lines.mapped("price_subtotal"))
            refunded = sum((lines.get("refund") or self.env["account.move.line"]).mapped("price_subtotal"))
            amount = camp_pricing.refund_amount(invoiced, refunded, rate)
            if not amount and not rate:
                registration.message_post(
                    body=_(
                        "Cancelled less than %s days before the camp without a medical certificate: nothing is refunded.",
                        registration.event_id.camp_refund_days,
                    )
                )
                continue
            if not amount:
                continue  # refunded already
            line = invoice_lines[:1]
            by_invoice[line.move_id].append((registration, line, amount))
        for invoice, items in by_invoice.items():
            refund = (
                Move.with_company(invoice.company_id)
                .with_context(tracking_disable=True)
                .create(invoice._camp_refund_vals(items))
            )
            refund.action_post()
            refunds |= refund
            if invoice.state == "posted" and invoice.payment_state not in ("paid", "in_payment", "reversed"):
                (invoice.line_ids | refund.line_ids).filtered(
                    lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
                ).reconcile()
            for registration, _line, amount in items:
                registration.message_post(
                    body=_(
                        "Refunded %(amount)s by the credit note %(refund)s.",
                        amount=f"{amount:.2f}",
                        refund=refund.name,
                    )
                )
        return res | refunds

    # ------------------------------------------------------------------ health-fund attestation
    def _camp_check_attestation_access(self):
        """The family's guardians and the camp's organisers (and municipal staff, accountants) print it."""
        partner = self.env.user.partner_id
        for registration in self.sudo():
            if not registration.is_camp:
                raise UserError(_("%s is not a camp registration.", registration.display_name))
            if _is_camp_accountant(self.env):
                continue
            if self.with_env(self.env(su=False))._camp_user_organises(registration.event_id):
                continue
            if partner not in registration.family_id.guardian_ids.partner_id:
                raise AccessError(_("Only the child's guardians and the camp's organisers print this attestation."))

    def _camp_health_fund_values(self):
        """The figures of the health-fund attestation of a paid registration (plain values)."""
        self.ensure_one()
        registration = self.sudo()
        days = registration._camp_days_attended()
        organiser = registration.event_id.camp_organiser_id
        company = registration.company_id or self.env.company
        return {
            "child": registration.child_id.name,
            "birthdate": registration.child_id.birthdate,
            "camp": registration.event_id.name,
            "date_from": days[0] if days else registration.camp_date_begin,
            "date_to": days[-1] if days else registration.camp_date_end,
            "days": len(days),
            "amount": registration.camp_amount_paid,
            "organiser": organiser.name or company.name,
            "organiser_address": ", ".join(
                filter(
                    None,
                    (
                        organiser.street or company.street,
                        " ".join(filter(None, (organiser.zip or company.zip, organiser.city or company.city))),
                    ),
                )
            ),
            "signatory": organiser.director_id.name or "",
            "company": company.name,
        }

    def action_camp_health_fund_attestation(self):
        """Print the health-fund (mutualité) attestation of a paid registration, attach it to the family and
        download it."""
        self.ensure_one()
        self._camp_check_attestation_access()
        registration = self.sudo()
        if registration.camp_state not in ("paid", "attended") or not registration.camp_amount_paid:
            raise UserError(_("The health-fund attestation of %s is printed once the camp is paid.", registration.name))
        # sudo: the access was checked above; the PDF and its attachment on the family are written by the system
        pdf, _report_type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(HEALTH_FUND_REPORT, registration.ids)
        name = _(
            "Health-fund attestation %(child)s %(camp)s",
            child=registration.child_id.name,
            camp=registration.event_id.name,
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{name.replace('/', '-')}.pdf",
                    "type": "binary",
                    "datas": base64.b64encode(pdf),
                    "mimetype": "application/pdf",
                    "res_model": "childcare.family",
                    "res_id": registration.family_id.id,
                    "company_id": (registration.company_id or self.env.company).id,
                }
            )
        )
        registration.message_post(body=_("Health-fund attestation printed: %s.", attachment.name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }


class YouthCampsRequest(models.Model):
    _inherit = "youth_camps.request"

    invoice_count = fields.Integer(compute="_compute_camp_invoicing", string="Invoices (count)")
    amount_invoiced = fields.Monetary(compute="_compute_camp_invoicing", string="Invoiced")
    amount_residual = fields.Monetary(compute="_compute_camp_invoicing", string="Amount due")
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_reference = fields.Char(
        compute="_compute_camp_invoicing",
        string="Structured communication",
        help="The payment reference of the request's invoice (Belgian structured communication).",
    )
    invoice_payment_state = fields.Char(compute="_compute_camp_invoicing", string="Payment")

    def _camp_moves(self, move_types=("out_invoice", "out_refund")):
        # sudo: the request's figures are shown to whoever reads the request (staff, the family's guardians)
        return (
            self.env["account.move"]
            .sudo()
            .search(
                [("youth_camps_request_id", "in", self.ids), ("move_type", "in", move_types), ("state", "!=", "cancel")]
            )
        )

    def _compute_camp_invoicing(self):
        moves = self._camp_moves() if self.ids else self.env["account.move"]
        by_request = moves.grouped("youth_camps_request_id")
        labels = dict(self.env["account.move"]._fields["payment_state"]._description_selection(self.env))
        for request in self:
            request_moves = by_request.get(request, self.env["account.move"]).filtered(lambda m: m.state == "posted")
            invoices = request_moves.filtered(lambda m: m.move_type == "out_invoice")
            refunds = request_moves - invoices
            request.invoice_count = len(invoices)
            request.amount_invoiced = sum(invoices.mapped("amount_total")) - sum(refunds.mapped("amount_total"))
            request.amount_residual = sum(invoices.mapped("amount_residual"))
            request.invoice_reference = ", ".join(filter(None, invoices.mapped("payment_reference"))) or False
            request.invoice_payment_state = (
                ", ".join(labels.get(state, state) for state in dict.fromkeys(invoices.mapped("payment_state")))
                or False
            )

    # ------------------------------------------------------------------ who may
    def _camp_check_invoicing_access(self, guardians=False):
        """Municipal staff, accountants and the organisers of every camp of the request; with ``guardians``
        also the family's guardians. Raises otherwise (a portal parent calling over RPC included)."""
        if _is_camp_accountant(self.env):
            return
        Registration = self.env["event.registration"]
        partner = self.env.user.partner_id
        for request in self.sudo():
            if guardians and partner in request.family_id.guardian_ids.partner_id:
                continue
            events = request.registration_ids.event_id
            if not events or not all(Registration._camp_user_organises(event) for event in events):
                raise AccessError(_("Only the organisers of the camps of %s may do this.", request.name))

    # ------------------------------------------------------------------ invoicing
    def action_camp_invoice(self):
        """Invoice the registrations of the requests that are not invoiced yet (staff)."""
        self._camp_check_invoicing_access()
        # sudo: the access was checked; the invoices are written by the system
        moves = self.sudo()._camp_invoice()
        if not moves:
            raise UserError(_("Nothing to invoice: every validated registration of the request is invoiced."))
        return True

    @api.model
    def _cron_camp_invoice(self):
        """Invoice every request none of whose registrations waits for validation."""
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search(
                [
                    ("is_camp", "=", True),
                    ("request_id", "!=", False),
                    ("camp_state", "in", INVOICE_STATES),
                    "|",
                    ("camp_invoice_line_ids", "=", False),
                    ("camp_invoice_line_ids.parent_state", "=", "cancel"),
                ]
            )
        )
        requests = registrations.request_id
        for request in requests:
            try:
                with self.env.cr.savepoint():
                    request._camp_invoice()
            except UserError as exc:
                _logger.warning("camp request %s not invoiced: %s", request.name, exc)
                request.message_post(body=_("Not invoiced: %s", exc.args[0]))

    def _camp_invoiceable(self):
        """The registrations of the request to invoice now: validated (or attended) and not on an invoice yet;
        none while a registration of the request waits for staff validation."""
        self.ensure_one()
        registrations = self.registration_ids
        if any(r.camp_state == "requested" for r in registrations):
            return registrations.browse()
        found = registrations._camp_invoice_lines()
        return registrations.filtered(
            lambda r: (
                r.camp_state in INVOICE_STATES
                and not (found.get(r.id) or {}).get("invoice")
                and not (found.get(r.id) or {}).get("draft")
            )
        )

    def _camp_journal(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not journal:
            raise UserError(_("%s has no sales journal: install its chart of accounts first.", self.company_id.name))
        return journal

    def _camp_invoice(self):
        """Post one invoice per request for its invoiceable registrations (runs as the system)."""
        moves = self.env["account.move"]
        for request in self:
            registrations = request._camp_invoiceable()
            if not registrations:
                continue
            vals = request._camp_invoice_vals(registrations)
            move = moves.with_company(request.company_id).with_context(tracking_disable=True).create(vals)
            move.action_post()
            moves |= move
            request.message_post(
                body=_(
                    "Invoice %(invoice)s posted: %(amount)s, structured communication %(reference)s.",
                    invoice=move.name,
                    amount=f"{move.amount_total:.2f}",
                    reference=move.payment_reference,
                )
            )
        return moves

    def _camp_sibling_ranks(self, registrations):
        """{child id: rank} in the request: the children already invoiced first (in invoice order), then the
        others in the order of their registrations; cancelled and waiting registrations are not counted."""
        self.ensure_one()
        found = self.registration_ids._camp_invoice_lines()
        invoiced = []
        for registration in self.registration_ids:
            lines = (found.get(registration.id) or {}).get("invoice")
            if lines:
                invoiced.append((min(lines.ids), registration.child_id.id))
        order = [child for _line, child in sorted(invoiced)]
        order += [r.child_id.id for r in registrations.sorted("id")]
        return camp_pricing.sibling_ranks(order)

    def _camp_line_vals(self, registration, rank, lang):
        event = registration.event_id
        family = self.family_id
        ticket = (
            event.camp_resident_ticket_id if family.is_resident else event.camp_non_resident_ticket_id
        ) or registration.event_ticket_id
        if not ticket or not ticket.product_id:
            raise UserError(
                _(
                    "Camp %s has no ticket with a product for this family: set its resident and non-resident tickets.",
                    event.name,
                )
            )
        first, last = registration._camp_dates()
        days = camp_pricing.camp_days(first, last)
        full_days = (
            5
            if registration.event_slot_id
            else len(camp_pricing.camp_days(event.camp_date_first, event.camp_date_last))
        )
        price = camp_pricing.registration_price(
            ticket_price=ticket.price,
            days=len(days),
            full_days=full_days,
            partial_weeks=event.camp_partial_weeks,
            day_price=event.camp_day_price,
            sibling_rank=rank,
            sibling_reduction=event.camp_sibling_reduction,
        )
        gettext = self.with_context(lang=lang).env._
        label = gettext(
            "%(child)s — %(camp)s, %(first)s to %(last)s",
            child=registration.child_id.name,
            camp=event.name,
            first=first.strftime("%d/%m/%Y") if first else "",
            last=last.strftime("%d/%m/%Y") if last else "",
        )
        if price["basis"] == "days":
            label += " " + gettext("(%s days at the price per day)", len(days))
        if price["discount"]:
            label += " " + gettext("(sibling reduction %s %%)", round(price["discount"], 2))
        taxes = ticket.product_id.taxes_id.filtered(lambda tax: tax.company_id == self.company_id)
        return {
            "product_id": ticket.product_id.id,
            "name": label,
            "quantity": price["quantity"],
            "price_unit": price["unit_price"],
            "discount": price["discount"],
            "tax_ids": [Command.set(taxes.ids)],
            "childcare_child_id": registration.child_id.id,
            "childcare_structure_id": event.camp_organiser_id.id,
            "youth_camps_registration_id": registration.id,
        }

    def _camp_due_date(self, registrations, today):
        deadlines = [d for d in registrations.mapped("payment_deadline") if d]
        if deadlines:
            return max(min(deadlines), today)
        delay = min([d for d in registrations.event_id.mapped("camp_payment_days") if d] or [7])
        due = today + timedelta(days=delay)
        first_days = [d for d in registrations.event_id.mapped("camp_date_first") if d]
        if first_days and min(first_days) - timedelta(days=1) < due:
            due = max(min(first_days) - timedelta(days=1), today)
        return due

    def _camp_invoice_vals(self, registrations):
        self.ensure_one()
        family = self.family_id
        if not family.partner_id:
            raise UserError(_("%s has no billing partner.", family.name))
        lang = family.partner_id.lang or family.lang or self.env.lang
        ranks = self._camp_sibling_ranks(registrations)
        lines = [
            Command.create(self._camp_line_vals(registration, ranks[registration.child_id.id], lang))
            for registration in registrations.sorted(lambda r: (ranks[r.child_id.id], r.id))
        ]
        journal = self._camp_journal()
        today = fields.Date.context_today(self)
        return {
            "move_type": "out_invoice",
            "partner_id": family.partner_id.id,
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "currency_id": (journal.currency_id or self.company_id.currency_id).id,
            "invoice_date": today,
            "invoice_payment_term_id": False,
            "invoice_date_due": self._camp_due_date(registrations, today),
            "invoice_origin": self.name,
            "childcare_family_id": family.id,
            "childcare_kind": "camp",
            "youth_camps_request_id": self.id,
            "invoice_line_ids": lines,
        }

    # ------------------------------------------------------------------ sending
    def action_camp_send_invoice(self):
        """E-mail the request's invoices (Odoo's Send, with the PDF) to the family's guardians (staff)."""
        self._camp_check_invoicing_access()
        invoices = self._camp_moves(("out_invoice",)).filtered(lambda m: m.state == "posted")
        if not invoices:
            raise UserError(_("The request has no posted invoice to send yet."))
        for invoice in invoices:
            request = invoice.youth_camps_request_id
            recipients = request.family_id.guardian_ids.partner_id.filtered("email")
            if invoice.partner_id.email:
                recipients |= invoice.partner_id
            if not recipients:
                raise UserError(_("No guardian of %s has an e-mail address.", request.family_id.name))
            # sudo: the access was checked; Odoo's sending renders the PDF and posts the mail on the invoice
            self.env["account.move.send"].sudo()._generate_and_send_invoices(
                invoice, sending_methods=["email"], mail_partner_ids=recipients.ids
            )
            request.message_post(
                body=_(
                    "Invoice %(invoice)s sent to %(to)s.", invoice=invoice.name, to=", ".join(recipients.mapped("name"))
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Invoice sent."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_camp_download_invoice(self):
        """Download the PDF of the request's invoice (staff and the family's guardians)."""
        self.ensure_one()
        self._camp_check_invoicing_access(guardians=True)
        invoices = self._camp_moves(("out_invoice",)).filtered(lambda m: m.state == "posted").sorted("id")
        if not invoices:
            raise UserError(_("The request has no posted invoice yet."))
        invoice = invoices[-1]
        if not invoice.invoice_pdf_report_id:
            # sudo: Odoo's own PDF of the invoice (stored on the invoice, as Send & Print does)
            self.env["account.move.send"].sudo()._generate_and_send_invoices(invoice, sending_methods=["manual"])
        pdf = invoice.invoice_pdf_report_id
        # a copy on the request, readable by whoever reads the request (organisers have no accounting rights)
        Attachment = self.env["ir.attachment"].sudo()
        copy = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("checksum", "=", pdf.checksum)], limit=1
        ) or Attachment.create(
            {
                "name": pdf.name,
                "raw": pdf.raw,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{copy.id}?download=true", "target": "download"}

    def action_camp_view_invoices(self):
        self.ensure_one()
        moves = self._camp_moves()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices of %s", self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }


class ChildcareTaxAttestation(models.Model):
    _inherit = "childcare.tax.attestation"

    @api.model
    def _attestation_sources(self, year, families):
        """childcare_billing's sources, and one per camp registration of ``year`` paid by the family (see
        childcare_billing's ``models/childcare_tax_attestation.py`` docstring for the format)."""
        return super()._attestation_sources(year, families) + self._attestation_sources_camps(year, families)

    @api.model
    def _attestation_sources_camps(self, year, families):
        if not families:
            return []
        # sudo: runs for the issuer (childcare_billing checked the group); reads registrations and invoices
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search(
                [
                    ("is_camp", "=", True),
                    ("family_id", "in", families.ids),
                    ("camp_state", "in", ("paid", "attended")),
                    ("event_id.camp_date_first", "<=", date(year, 12, 31)),
                    ("event_id.camp_date_last", ">=", date(year, 1, 1)),
                ],
                order="id",
            )
        )
        company = self.env.company
        registrations = registrations.filtered(lambda r: (r.family_id.company_id or company) == company)
        sources = []
        for registration in registrations:
            amount = registration.camp_amount_paid
            days = [day for day in registration._camp_days_attended() if day.year == year]
            if amount <= 0 or not days:
                continue
            sources.append(
                {
                    "child_id": registration.child_id.id,
                    "family_id": registration.family_id.id,
                    "partner_id": registration._camp_payer().id,
                    "dates": days,
                    "amount": amount,
                    "source": f"event.registration,{registration.id}",
                }
            )
        return sources
