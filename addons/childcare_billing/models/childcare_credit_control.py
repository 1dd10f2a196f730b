"""Reminders (dunning) of childcare invoices on OCA's ``account_credit_control``.

OCA does the work: the policy and its levels (days after the due date), the credit control run that makes one
line per overdue receivable and level, the communication that gathers the lines of one partner and level into
one mail sent with the level's template, and the state of the lines (a level is sent once). This module adds
what a municipality needs around it:

- the municipality's reminder policy of childcare invoices (``res.company.childcare_credit_policy_id``), set on
  the household invoices when they are posted (OCA picks a policy by invoice first, then partner, then company);
- invoices in a running SEPA direct-debit collection (``childcare_in_collection``) are never reminded;
- an optional fee per level, shown in the mail (no accounting: OCA's fee module is not installed);
- the mail's invoice table: each invoice with its structured communication and the EPC QR code of its amount due;
- the reminders of a household on its form, and the reminder level on its invoices.
"""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import format_amount

#: credit control line states of a reminder that went (or is going) out
REMINDED_STATES = ("queued", "sent")
#: invoice payment states that are not reminded: a payment is recorded (waiting for the bank) or it is settled
SETTLED_PAYMENT_STATES = ("in_payment", "paid", "reversed")


class ResCompany(models.Model):
    _inherit = "res.company"

    childcare_credit_policy_id = fields.Many2one(
        "credit.control.policy",
        string="Childcare reminder policy",
        domain="[('company_id', 'in', (id, False))]",
        help="The reminder levels of the households' childcare invoices: set on each invoice when it is posted "
        "(OCA credit control picks the invoice's policy before the partner's and the company's).",
    )


class CreditControlPolicy(models.Model):
    _inherit = "credit.control.policy"

    def _move_lines_domain(self, credit_control_run):
        # A SEPA direct debit of the invoice is on its way to the bank: the money comes without a reminder. A
        # returned debit ends the collection and the invoice is reminded again at the next run. A payment
        # recorded on the invoice and waiting for the bank statement (in payment) is not reminded either.
        return [
            *super()._move_lines_domain(credit_control_run),
            ("move_id.childcare_in_collection", "=", False),
            ("move_id.payment_state", "not in", SETTLED_PAYMENT_STATES),
        ]

    @api.model
    def _childcare_add_receivable_accounts(self, policy_ids):
        """Data hook (install, upgrade): the policies reminding childcare invoices get the receivable accounts of
        their municipality (all of them for a policy shared by every municipality), as OCA's form requires."""
        # sudo: install/upgrade time configuration, and the accounts of every municipality
        for policy in self.sudo().browse(policy_ids).exists():
            domain = [("account_type", "=", "asset_receivable")]
            if policy.company_id:
                domain.append(("company_ids", "in", policy.company_id.ids))
            accounts = self.env["account.account"].sudo().search(domain)
            if accounts - policy.account_ids:
                policy.account_ids = [fields.Command.link(account.id) for account in accounts - policy.account_ids]


class CreditControlPolicyLevel(models.Model):
    _inherit = "credit.control.policy.level"

    childcare_currency_id = fields.Many2one("res.currency", compute="_compute_childcare_currency_id")
    childcare_fee_amount = fields.Monetary(
        string="Reminder fee",
        currency_field="childcare_currency_id",
        default=0.0,
        help="Fee announced in the reminder of this level (municipal regulation). It is shown in the mail only: "
        "invoice it separately if the regulation asks for it.",
    )

    @api.depends("policy_id.company_id")
    def _compute_childcare_currency_id(self):
        for level in self:
            level.childcare_currency_id = (level.policy_id.company_id or self.env.company).currency_id

    @api.constrains("childcare_fee_amount")
    def _check_childcare_fee_amount(self):
        for level in self:
            if float_compare(level.childcare_fee_amount, 0.0, precision_digits=2) < 0:
                raise ValidationError(
                    self.env._("The reminder fee of level %(level)s cannot be negative.", level=level.name)
                )


class CreditControlLine(models.Model):
    _inherit = "credit.control.line"

    childcare_family_id = fields.Many2one(
        "childcare.family",
        string="Household",
        related="invoice_id.childcare_family_id",
        store=True,
        index=True,
    )
    childcare_payment_reference = fields.Char(string="Structured communication", related="invoice_id.payment_reference")
    childcare_qr_code = fields.Char(
        string="QR code",
        compute="_compute_childcare_qr_code",
        help="The EPC QR code (SEPA credit transfer) of the amount due, with the invoice's structured communication.",
    )

    @api.depends("balance_due", "invoice_id.payment_reference", "invoice_id.partner_bank_id")
    def _compute_childcare_qr_code(self):
        for line in self:
            invoice = line.invoice_id
            bank = invoice.partner_bank_id
            currency = line.currency_id or line.company_id.currency_id
            amount = currency.round(line.balance_due)
            reference = invoice.payment_reference or invoice.name
            # Odoo's EPC QR code (account_qr_code_sepa); no QR code when the bank account cannot carry one
            line.childcare_qr_code = (
                bank.build_qr_code_base64(amount, reference, reference, currency, line.partner_id, "sct_qr")
                if bank and amount > 0
                else False
            )


class CreditControlCommunication(models.Model):
    _inherit = "credit.control.communication"

    childcare_fee_amount = fields.Monetary(related="policy_level_id.childcare_fee_amount", string="Reminder fee")
    childcare_invoice_table = fields.Html(
        string="Invoices to pay",
        compute="_compute_childcare_invoice_table",
        sanitize=False,
        help="The overdue invoices of the mail: structured communication, amount due and EPC QR code of each.",
    )

    @api.depends_context("lang")
    @api.depends("credit_control_line_ids.balance_due", "credit_control_line_ids.invoice_id")
    def _compute_childcare_invoice_table(self):
        QWeb = self.env["ir.qweb"]
        for communication in self:
            lines = communication.credit_control_line_ids.sorted(lambda line: (line.date_due, line.invoice_id.name))
            communication.childcare_invoice_table = QWeb._render(
                "childcare_billing.credit_control_invoice_table",
                {"communication": communication, "lines": lines},
            )

    @api.model
    def _generate_comm_from_credit_lines(self, lines):
        # Between the run and the sending, an invoice may have been paid or put in a direct-debit collection: its
        # line is ignored (it would be generated again by the next run if it is due again).
        settled = lines.filtered(
            lambda line: (
                line.move_line_id.reconciled
                or line.invoice_id.childcare_in_collection
                or line.invoice_id.payment_state in SETTLED_PAYMENT_STATES
            )
        )
        settled.write({"state": "ignored"})
        return super()._generate_comm_from_credit_lines(lines - settled)

    def _send_communications_by_email(self):
        result = super()._send_communications_by_email()
        self._childcare_log_on_family()
        return result

    def _childcare_log_on_family(self):
        """The household's history: a note on the family for each reminder mail (level, invoices, amount)."""
        for communication in self:
            families = communication.credit_control_line_ids.childcare_family_id
            if not families:
                continue
            invoices = communication.credit_control_line_ids.invoice_id.sorted("name")
            body = Markup("%s<ul>%s</ul>") % (
                self.env._(
                    "%(level)s sent to %(partner)s, amount due %(amount)s:",
                    level=communication.policy_level_id.name,
                    partner=communication.get_emailing_contact().display_name,
                    amount=format_amount(self.env, communication.total_due, communication.currency_id),
                ),
                Markup().join(
                    Markup("<li>%s — %s</li>") % (invoice.name, escape(invoice.payment_reference or ""))
                    for invoice in invoices
                ),
            )
            # sudo: a system note of the reminder sent, written whoever sends it (the family is municipal
            # staff's record; credit control users may not write on it)
            for family in families.sudo():
                family._message_log(body=body)


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_reminder_level = fields.Integer(
        string="Reminder level",
        compute="_compute_childcare_reminder",
        store=True,
        help="The highest reminder level sent for this invoice (0: never reminded).",
    )
    childcare_reminder_date = fields.Date(
        string="Last reminder",
        compute="_compute_childcare_reminder",
        store=True,
        help="Controlling date of the last reminder sent for this invoice.",
    )

    @api.depends("credit_control_line_ids.state", "credit_control_line_ids.level", "credit_control_line_ids.date")
    def _compute_childcare_reminder(self):
        for move in self:
            reminded = move.credit_control_line_ids.filtered(lambda line: line.state in REMINDED_STATES)
            move.childcare_reminder_level = max(reminded.mapped("level"), default=0)
            move.childcare_reminder_date = max(reminded.mapped("date"), default=False)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._childcare_assign_credit_policy()
        return posted

    def _childcare_assign_credit_policy(self):
        """Give the household invoices among ``self`` their municipality's reminder policy, and the policy the
        receivable accounts of those invoices (OCA only reminds lines on the policy's accounts)."""
        # sudo: the policy fields are restricted to the credit control groups; whoever may post an invoice
        # (a billing run's job) gives it the policy its municipality chose.
        moves = self.sudo().filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.childcare_family_id
                and not move.credit_policy_id
                and move.company_id.childcare_credit_policy_id
            )
        )
        for policy in moves.company_id.childcare_credit_policy_id:
            policy_moves = moves.filtered(lambda move, p=policy: move.company_id.childcare_credit_policy_id == p)
            policy_moves.write({"credit_policy_id": policy.id})
            receivable = policy_moves.line_ids.account_id.filtered(
                lambda account: account.account_type == "asset_receivable"
            )
            if receivable - policy.account_ids:
                policy.account_ids = [fields.Command.link(account.id) for account in receivable - policy.account_ids]

    @api.model
    def _childcare_assign_credit_policy_posted(self):
        """Data hook (install, upgrade): the household invoices posted before the policy was chosen get it."""
        self.sudo().search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("childcare_family_id", "!=", False),
                ("credit_policy_id", "=", False),
                ("payment_state", "not in", ("paid", "reversed")),
            ]
        )._childcare_assign_credit_policy()


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    childcare_reminder_count = fields.Integer(
        string="Reminders",
        compute="_compute_childcare_reminder_count",
        groups="account.group_account_invoice,account_credit_control.group_account_credit_control_info",
        help="Reminder lines (one per overdue invoice and level) of the household's invoices.",
    )

    def _compute_childcare_reminder_count(self):
        counts = dict(
            self.env["credit.control.line"]._read_group(
                [("childcare_family_id", "in", self.ids)], ["childcare_family_id"], ["__count"]
            )
        )
        for family in self:
            family.childcare_reminder_count = counts.get(family, 0)

    def action_view_childcare_reminders(self):
        """The reminders of the household (for the roles that read credit control lines)."""
        self.ensure_one()
        self.env["credit.control.line"].check_access("read")
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("childcare_billing.action_childcare_credit_control_line")
        action["domain"] = [("childcare_family_id", "=", self.id)]
        action["context"] = {"search_default_group_by_communication": 1}
        action["name"] = self.env._("Reminders of %s", self.name)
        return action
