"""SEPA Core direct debit of the childcare invoices, on the Odoo Community Association's 19.0 modules (AGPL-3):
``account_payment_mandate`` (mandates), ``account_payment_batch_oca`` (payment orders),
``account_payment_sepa_direct_debit`` (pain.008) and ``account_payment_return`` (returned debits).

What this module adds: the family's mandates, one debit order per billing run (or for chosen invoices), the
"in collection" state of an invoice, the match of a bank's return with the payments of a debit order and the
family's notification of a returned debit. Everything else is OCA's."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_amount, format_date
from odoo.tools.translate import _

#: payment-order states in which a debit is still on its way to the bank or at the bank
COLLECTION_STATES = ("open", "generated", "uploaded")
MANAGER_GROUP = "childcare_base.group_childcare_manager"
BILLING_GROUP = "account.group_account_invoice"
#: SEPA Core: the debtor is told the amount and date 14 calendar days before the collection unless the mandate
#: says otherwise (system parameter ``childcare_billing.debit_notice_days``)
DEFAULT_NOTICE_DAYS = 14
SEPA_DD_CODE = "sepa_direct_debit"


def check_debit_rights(env):
    """Direct debits are driven by municipal staff and the accountants."""
    user = env.user
    if not env.su and not (user.has_group(MANAGER_GROUP) or user.has_group(BILLING_GROUP)):
        raise AccessError(env._("Only municipal staff and accountants may manage direct debits."))


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_in_collection = fields.Boolean(
        string="In collection",
        compute="_compute_childcare_in_collection",
        store=True,
        help="A SEPA direct debit of this invoice is in a payment order sent (or about to be sent) to the bank: "
        "no transfer reminder goes out for it. A returned debit ends the collection.",
    )

    @api.depends(
        "state",
        "payment_state",
        "returned_payment",
        "line_ids.payment_line_ids.state",
        "line_ids.amount_residual",
    )
    def _compute_childcare_in_collection(self):
        for move in self:
            receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            live = receivable.payment_line_ids.filtered(lambda line: line.state in COLLECTION_STATES)
            move.childcare_in_collection = (
                move.state == "posted"
                and move.payment_state not in ("paid", "reversed")
                and any(not self._childcare_payment_line_returned(line) for line in live)
            )

    @api.model
    def _childcare_payment_line_returned(self, payment_line):
        """True when the bank returned the debit of ``payment_line``: OCA's payment return reconciles the
        payment's receivable line with the return and marks that reconciliation with the invoice lines
        it re-opened (``origin_returned_move_ids``)."""
        payment_line = payment_line.sudo()
        for payment in payment_line.payment_ids:
            lines = payment.move_id.line_ids.filtered(
                lambda line, payment=payment: line.account_id == payment.destination_account_id
            )
            if lines.matched_debit_ids.filtered("origin_returned_move_ids"):
                return True
        return False

    # ------------------------------------------------------------------ collecting
    def action_childcare_collect_by_debit(self):
        """Invoices → one SEPA direct-debit order. Every invoice must belong to a family with a valid mandate."""
        check_debit_rights(self.env)
        self.check_access("read")
        moves = self.sudo()  # payment orders are OCA's payment managers' records: rights checked above
        if not moves:
            raise UserError(_("Select the invoices to collect by direct debit."))
        not_open = moves.filtered(
            lambda move: (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or move.payment_state not in ("not_paid", "partial")
                or move.childcare_in_collection
            )
        )
        if not_open:
            raise UserError(
                _(
                    "Only posted invoices that are still to be paid and not already in collection can be "
                    "collected by direct debit: %s.",
                    ", ".join(not_open.mapped("display_name")),
                )
            )
        mandates = moves._childcare_debit_mandates()
        missing = moves.filtered(lambda move: move not in mandates)
        if missing:
            names = sorted({move.childcare_family_id.name or move.partner_id.name for move in missing})
            raise UserError(
                _(
                    "No valid direct-debit mandate for: %s. Register the signed mandate on the family first.",
                    ", ".join(names),
                )
            )
        order = moves._childcare_create_debit_order(mandates)
        return order._childcare_action_open(self.env)

    def _childcare_debit_mandates(self):
        """{invoice: mandate} for the invoices whose billing partner has a valid SEPA mandate of the
        invoice's company (on one of the partner's own bank accounts). One query for the batch."""
        moves = self.sudo()
        partners = moves.partner_id.commercial_partner_id
        if not partners:
            return {}
        mandates = (
            self.env["account.banking.mandate"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "in", moves.company_id.ids),
                    ("state", "in", ("valid", "final")),
                    ("format", "=", "sepa_core"),
                    ("signature_date", "!=", False),
                    ("partner_bank_id", "!=", False),
                ],
                order="signature_date desc, id desc",
            )
        )
        best = {}
        for mandate in mandates.sorted(lambda m: (m.state != "valid", -m.signature_date.toordinal(), -m.id)):
            if mandate.partner_bank_id.partner_id != mandate.partner_id:
                continue
            if mandate.type == "oneoff" and mandate.last_debit_date:
                continue  # a one-off mandate serves once
            best.setdefault((mandate.partner_id.id, mandate.company_id.id), mandate)
        result = {}
        for move in moves:
            mandate = best.get((move.partner_id.commercial_partner_id.id, move.company_id.id))
            if mandate:
                result[move] = mandate
        return result

    def _childcare_create_debit_order(self, mandates):
        """One inbound SEPA direct-debit order holding the receivable lines of ``self`` (sudo, rights
        checked by the caller), confirmed and with its pain.008 generated by OCA's module."""
        company = self.company_id
        if len(company) != 1:
            raise UserError(_("A direct-debit order collects the invoices of one municipality at a time."))
        method_line = self.env["res.company"]._childcare_debit_method_line(company)
        if not company.sepa_creditor_identifier and not method_line.sepa_creditor_identifier:
            raise UserError(
                _("Set the SEPA creditor identifier of %s (Accounting settings) first.", company.display_name)
            )
        not_eur = self.filtered(lambda move: move.currency_id.name != "EUR")
        if not_eur:
            raise UserError(_("A SEPA direct debit is in euros: %s.", ", ".join(not_eur.mapped("display_name"))))
        today = fields.Date.context_today(self)
        notice = int(
            self.env["ir.config_parameter"].sudo().get_param("childcare_billing.debit_notice_days")
            or DEFAULT_NOTICE_DAYS
        )
        due = max(self.mapped(lambda move: move.invoice_date_due or today))
        order = (
            self.env["account.payment.order"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "payment_method_line_id": method_line.id,
                    "payment_type": "inbound",
                    "company_id": company.id,
                    "description": ", ".join(sorted(set(self.mapped("invoice_origin")) - {False}))[:64] or False,
                }
            )
        )
        # collected on a fixed date, after the families' pre-notification period (OCA computes the date type
        # from the method line: set afterwards)
        order.write({"date_prefered": "fixed", "date_scheduled": max(due, today + timedelta(days=notice))})
        lines = []
        for move in self.sorted(lambda move: (move.partner_id.name or "", move.id)):
            for aml in move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            ):
                lines.append({"order_id": order.id, "move_line_id": aml.id, "mandate_id": mandates[move].id})
        self.env["account.payment.line"].sudo().create(lines)
        order.draft2open()
        order.open2generated()
        return order


class AccountPaymentOrder(models.Model):
    _inherit = "account.payment.order"

    childcare_run_ids = fields.One2many("childcare.billing.run", "debit_order_id", string="Billing runs")

    def _childcare_action_open(self, env=None):
        """The order's form, for a user who may read payment orders (OCA's payment managers and auditors);
        for the others (municipal staff, invoicing clerks) nothing to open: the run shows its file."""
        self.ensure_one()
        if env is not None and not self.with_env(env).has_access("read"):
            return {"type": "ir.actions.client", "tag": "soft_reload"}
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_batch_oca.account_payment_order_inbound_action"
        )
        action.update({"view_mode": "form", "views": [(False, "form")], "res_id": self.id})
        return action


class ChildcareBillingRun(models.Model):
    _inherit = "childcare.billing.run"

    debit_order_id = fields.Many2one(
        "account.payment.order",
        string="Direct-debit order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The SEPA direct-debit order (OCA) collecting the invoices of the families with a valid mandate.",
    )
    debit_order_state = fields.Selection(related="debit_order_id.state", string="Direct-debit status")
    debit_file_id = fields.Many2one(related="debit_order_id.payment_file_id", string="pain.008 file")
    debit_file = fields.Binary(related="debit_order_id.payment_file_datas", string="Direct-debit file")
    debit_file_name = fields.Char(related="debit_order_id.payment_file_name", string="Direct-debit file name")
    debit_amount = fields.Monetary(related="debit_order_id.total_company_currency", string="Collected by debit")
    debit_count = fields.Integer(compute="_compute_debit_count", string="Debits")

    @api.depends("debit_order_id")
    def _compute_debit_count(self):
        for run in self:
            run.debit_count = len(run.sudo().debit_order_id.payment_line_ids)

    def write(self, vals):
        if "debit_order_id" in vals and not self.env.su:
            raise AccessError(_("The direct-debit order of a billing run is set by its 'Create direct debit' button."))
        return super().write(vals)

    def action_create_direct_debit(self):
        """Posted run → ONE SEPA direct-debit order for the invoices of the families with a valid mandate,
        confirmed, with its pain.008 file. Families without a mandate pay by transfer (left out)."""
        self.ensure_one()
        check_debit_rights(self.env)
        self.check_access("write")
        run = self.sudo()  # OCA's payment orders are its payment managers' records: rights checked above
        if run.state not in ("posted", "sent"):
            raise UserError(_("Post the billing run before collecting its invoices by direct debit."))
        if run.debit_order_id and run.debit_order_id.state != "cancel":
            raise UserError(
                _("This billing run is already collected by direct-debit order %s.", run.debit_order_id.name)
            )
        invoices = run.move_ids.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.childcare_family_id
                and move.payment_state in ("not_paid", "partial")
                and not move.childcare_in_collection
                and move.currency_id.name == "EUR"
            )
        )
        mandates = invoices._childcare_debit_mandates()
        by_transfer = invoices.filtered(lambda move: move not in mandates)
        invoices -= by_transfer
        if not invoices:
            raise UserError(_("No open invoice of this run belongs to a family with a valid direct-debit mandate."))
        order = invoices._childcare_create_debit_order(mandates)
        run.debit_order_id = order
        run.message_post(
            body=Markup(
                _(
                    "Direct-debit order %(order)s: %(count)s invoices, %(amount)s, collected on %(date)s. "
                    "%(transfer)s families without a valid mandate pay by transfer."
                )
            )
            % {
                "order": order._get_html_link(),
                "count": len(invoices),
                "amount": format_amount(self.env, sum(invoices.mapped("amount_residual")), invoices.currency_id[:1]),
                "date": format_date(self.env, order.date_scheduled),
                "transfer": len(by_transfer),
            }
        )
        return order._childcare_action_open(self.env)

    def action_view_debit_order(self):
        self.ensure_one()
        check_debit_rights(self.env)
        if not self.debit_order_id:
            raise UserError(_("This billing run has no direct-debit order."))
        return self.debit_order_id.sudo()._childcare_action_open(self.env)


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    mandate_ids = fields.One2many(
        "account.banking.mandate",
        compute="_compute_mandate_ids",
        string="Direct-debit mandates",
        groups=f"{MANAGER_GROUP},{BILLING_GROUP}",
        help="The SEPA mandates signed by the billing partner of the household.",
    )
    mandate_count = fields.Integer(compute="_compute_mandate_ids", groups=f"{MANAGER_GROUP},{BILLING_GROUP}")
    has_valid_mandate = fields.Boolean(
        compute="_compute_mandate_ids",
        search="_search_has_valid_mandate",
        string="Pays by direct debit",
        groups=f"{MANAGER_GROUP},{BILLING_GROUP}",
        help="The billing partner signed a valid SEPA mandate with the municipality.",
    )

    @api.depends("partner_id")
    def _compute_mandate_ids(self):
        mandates = self.env["account.banking.mandate"].search(
            [("partner_id", "in", self.partner_id.commercial_partner_id.ids)]
        )
        for family in self:
            own = mandates.filtered(lambda m, f=family: m.partner_id == f.partner_id.commercial_partner_id)
            family.mandate_ids = own
            family.mandate_count = len(own)
            family.has_valid_mandate = any(
                m.state in ("valid", "final") and m.company_id == family.company_id for m in own
            )

    def _search_has_valid_mandate(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        mandates = self.env["account.banking.mandate"].search([("state", "in", ("valid", "final"))])
        partners = mandates.partner_id
        positive = (operator == "in") == (True in value)
        return [("partner_id.commercial_partner_id", "in" if positive else "not in", partners.ids)]

    def action_view_mandates(self):
        self.ensure_one()
        check_debit_rights(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("Mandates of %s", self.name),
            "res_model": "account.banking.mandate",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.partner_id.commercial_partner_id.id)],
            "context": {"default_partner_id": self.partner_id.commercial_partner_id.id},
        }

    def action_new_mandate(self):
        self.ensure_one()
        check_debit_rights(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": _("New direct-debit mandate"),
            "res_model": "childcare.mandate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_family_id": self.id},
        }


class AccountBankingMandate(models.Model):
    _inherit = "account.banking.mandate"

    @api.model
    def _childcare_check_reference(self, references):
        """OCA's unique index refuses a reference used twice in a company when the row is written; the
        same check here answers first, with a clear message (``references``: [(reference, company id)])."""
        seen = set()
        for reference, company_id in references:
            if not reference or reference == self.env._("New"):
                continue
            key = (reference.strip().upper(), company_id)
            pattern = reference.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            duplicate = key in seen or self.sudo().search_count(
                [
                    ("unique_mandate_reference", "=ilike", pattern),  # the same reference, whatever its case
                    ("company_id", "=", company_id),
                    ("id", "not in", self.ids),
                ],
                limit=1,
            )
            if duplicate:
                raise ValidationError(
                    _("The mandate reference %s is already used: each mandate has its own reference.", reference)
                )
            seen.add(key)

    @api.model_create_multi
    def create(self, vals_list):
        self._childcare_check_reference(
            [
                (vals.get("unique_mandate_reference"), vals.get("company_id") or self.env.company.id)
                for vals in vals_list
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("unique_mandate_reference") or vals.get("company_id"):
            for mandate in self:
                mandate._childcare_check_reference(
                    [
                        (
                            vals.get("unique_mandate_reference", mandate.unique_mandate_reference),
                            vals.get("company_id", mandate.company_id.id),
                        )
                    ]
                )
        return super().write(vals)


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _childcare_debit_method_line(self, company):
        """The company's SEPA direct-debit payment method line (see ``_childcare_setup_direct_debit``)."""
        method_line = (
            self.env["account.payment.method.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("payment_method_id.code", "=", SEPA_DD_CODE),
                    ("selectable", "=", True),
                    ("journal_id.bank_account_id", "!=", False),
                ],
                order="id",
                limit=1,
            )
        )
        if not method_line:
            raise UserError(
                _(
                    "%s has no SEPA direct-debit payment method on a bank journal with the municipality's bank "
                    "account (Accounting > Configuration > Payment methods).",
                    company.display_name,
                )
            )
        return method_line

    @api.model
    def _childcare_setup_direct_debit(self, company_ids=None, iban=None, bic=None, creditor_identifier=None):
        """Make the SEPA direct-debit payment method of OCA usable for the childcare invoices of the
        companies with a chart of accounts: on the first bank journal, selectable on invoices, with the
        outstanding receipts account (so a debit makes a journal entry that a return can reverse) and the
        families' pre-notification by e-mail (OCA's ``mail_notif``). Optionally sets the company's bank
        account (``iban``) on that journal and its SEPA creditor identifier. Safe to run again."""
        companies = self.browse(company_ids) if company_ids else self.search([("chart_template", "!=", False)])
        method = self.env.ref("account_payment_sepa_direct_debit.sepa_direct_debit", raise_if_not_found=False)
        if not method:
            return
        for company in companies.sudo():
            journal = (
                self.env["account.journal"]
                .sudo()
                .search([("type", "=", "bank"), ("company_id", "=", company.id)], order="sequence, id", limit=1)
            )
            if not journal:
                continue
            if creditor_identifier and company.sepa_creditor_identifier != creditor_identifier:
                company.sepa_creditor_identifier = creditor_identifier
            if iban:
                bank_account = (
                    self.env["res.partner.bank"]
                    .sudo()
                    .search(
                        [
                            ("sanitized_acc_number", "=", iban.replace(" ", "").upper()),
                            ("partner_id", "=", company.partner_id.id),
                        ],
                        limit=1,
                    )
                )
                if not bank_account:
                    bank_vals = {"acc_number": iban, "partner_id": company.partner_id.id, "company_id": company.id}
                    if bic:
                        bank = self.env["res.bank"].sudo().search([("bic", "=", bic)], limit=1) or self.env[
                            "res.bank"
                        ].sudo().create({"name": bic, "bic": bic})
                        bank_vals["bank_id"] = bank.id
                    bank_account = self.env["res.partner.bank"].sudo().create(bank_vals)
                if journal.bank_account_id != bank_account:
                    journal.bank_account_id = bank_account
            method_line = journal.inbound_payment_method_line_ids.filtered(
                lambda line: line.payment_method_id == method
            )[:1]
            if method_line.selectable:
                continue  # set up already (by this method or by the accountant): their settings stay
            try:
                outstanding = (
                    self.env["account.payment"]
                    .with_company(company)
                    .new({"company_id": company.id})
                    ._get_outstanding_account("inbound")
                )
            except UserError:
                continue  # no outstanding receipts account in this chart: the accountant sets the method up
            vals = {
                "selectable": True,
                "mail_notif": True,
                "mail_partner_policy": "invoice_partner",
            }
            if not method_line:
                method_line = (
                    self.env["account.payment.method.line"]
                    .sudo()
                    .create(
                        {
                            "name": method.name,
                            "payment_method_id": method.id,
                            "journal_id": journal.id,
                            "bank_account_link": "fixed",
                            "payment_account_id": outstanding.id,
                            **vals,
                        }
                    )
                )
            else:
                if not method_line.payment_account_id:
                    vals["payment_account_id"] = outstanding.id
                current = {
                    key: method_line[key].id if isinstance(method_line[key], models.BaseModel) else method_line[key]
                    for key in vals
                }
                method_line.write({key: value for key, value in vals.items() if current[key] != value})


class PaymentReturn(models.Model):
    _inherit = "payment.return"

    def action_confirm(self):
        result = super().action_confirm()
        self._childcare_notify_families()
        return result

    def _childcare_returned_invoices(self):
        """The invoices this return re-opened (OCA marks the reconciliation it made with them)."""
        payment_lines = self.line_ids.move_line_ids
        return payment_lines.matched_debit_ids.origin_returned_move_ids.move_id

    def _childcare_notify_families(self):
        """Tell each family, in its language, that its debit came back and the invoice is to be paid."""
        invoices = self._childcare_returned_invoices().filtered("childcare_family_id")
        if not invoices:
            return
        template = self.env.ref("childcare_billing.mail_template_childcare_debit_returned", raise_if_not_found=False)
        reasons = {}
        for line in self.line_ids:
            for invoice in line.move_line_ids.matched_debit_ids.origin_returned_move_ids.move_id:
                reasons[invoice.id] = line.reason_id.name or line.reason_additional_information or ""
        for invoice in invoices:
            # the family's own language (the template's lang), the reason of the bank in the mail
            invoice.with_context(childcare_return_reason=reasons.get(invoice.id, "")).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )


class PaymentReturnLine(models.Model):
    _inherit = "payment.return.line"

    def _find_match(self):
        """A return of a debit names the payment it returns by the end-to-end identification of the pain.008,
        which OCA's SEPA module fills with the payment's memo (else its id). Adapted from OCA's
        ``account_payment_return_import_iso20022`` (Tecnativa, AGPL-3), whose matching is written for
        ``account_payment_order``: here on the payments of ``account_payment_batch_oca``'s orders."""
        Payment = self.env["account.payment"]
        for line in self.filtered(lambda x: not x.move_line_ids and x.reference):
            reference = line.reference.strip()
            domain = [("payment_order_id", "!=", False), ("company_id", "=", line.return_id.company_id.id)]
            payment = Payment.search([*domain, ("memo", "=", reference)], limit=1)
            if not payment and reference.isdigit():
                payment = Payment.search([*domain, ("id", "=", int(reference))], limit=1)
            if payment:
                line.partner_id = payment.partner_id
                line.move_line_ids |= payment.move_id.line_ids.filtered(
                    lambda x, payment=payment: (
                        x.account_id == payment.destination_account_id and x.partner_id == payment.partner_id
                    )
                )
                if not line.concept:
                    line.concept = payment.payment_reference
        return super()._find_match()
