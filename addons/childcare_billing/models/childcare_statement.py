"""Bank statements in (CAMT.053 and CODA through OCA's ``account_statement_import_file``) and the automatic
matching of the payers' structured references with the childcare invoices.

- ``account.bank.statement.line``: what the matching found (reference, invoice, result, reason), and the
  matching itself, which reconciles through OCA's ``account_reconcile_oca`` as its own automatic invoice
  matching does (``reconcile_data_info`` → ``reconcile_bank_line``);
- ``childcare.statement.import.report``: one per imported file, what was matched and what was left;
- ``account.journal``: CODA among the formats the journal's import accepts;
- ``account.statement.import.camt.parser``: the structured reference of a CAMT entry kept on its line.

The import wizard (``wizards/account_statement_import.py``) parses CODA, refuses a file imported before or
for another account, then calls :meth:`ChildcareStatementImportReport._childcare_create_for_import`.
"""

import base64
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools.misc import file_open, formatLang

from ..tools import bank_reference

_logger = logging.getLogger(__name__)

#: why a statement line was left for the reconciliation screen
LEFT_REASONS = [
    ("no_reference", "No structured reference"),
    ("invalid_reference", "Invalid structured reference"),
    ("unknown_reference", "Unknown reference"),
    ("ambiguous_reference", "Reference of several open invoices"),
    ("already_paid", "Invoice already paid"),
    ("more_than_due", "More than due"),
    ("in_collection", "Invoice in a direct-debit collection"),
    ("other_currency", "Invoice in another currency"),
    ("outgoing", "Outgoing payment"),
    ("not_reconciled", "Could not be reconciled automatically"),
]
MATCH_RESULTS = [
    ("paid", "Invoice paid"),
    ("partial", "Invoice partially paid"),
    ("rule", "Reconciled by a reconciliation model"),
    ("left", "Left to reconcile"),
]
#: the reasons for which OCA's own automatic rules (reconciliation models) still get their chance
OCA_RULE_REASONS = ("no_reference", "outgoing")


class ChildcareStatementImportReport(models.Model):
    _name = "childcare.statement.import.report"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _description = "Bank statement import report"
    _order = "date_import desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"  # accountants comment on a report they may only read

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    journal_id = fields.Many2one(
        "account.journal", string="Bank journal", required=True, readonly=True, index=True, check_company=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date_import = fields.Datetime(string="Imported on", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Imported by", required=True, readonly=True)
    file_name = fields.Char(readonly=True)
    file_format = fields.Selection(
        [("camt", "CAMT.053"), ("coda", "CODA"), ("other", "Other")], string="Format", readonly=True
    )
    file_hash = fields.Char(
        string="File fingerprint",
        required=True,
        readonly=True,
        help="SHA-256 of the file: the same file is imported once into a journal.",
    )
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    statement_ids = fields.Many2many("account.bank.statement", string="Statements", readonly=True)
    line_ids = fields.One2many("account.bank.statement.line", "childcare_report_id", string="Lines", readonly=True)
    left_line_ids = fields.One2many(
        "account.bank.statement.line",
        "childcare_report_id",
        string="Lines left",
        domain=[("childcare_match", "=", "left")],
        readonly=True,
    )
    statement_count = fields.Integer(string="Statements imported", readonly=True)
    line_count = fields.Integer(string="Lines imported", readonly=True)
    amount_total = fields.Monetary(string="Total imported", readonly=True)
    matched_count = fields.Integer(
        string="Matched", readonly=True, help="Lines reconciled with the invoice of their structured reference."
    )
    amount_matched = fields.Monetary(string="Total matched", readonly=True)
    rule_count = fields.Integer(
        string="Reconciled by models", readonly=True, help="Lines reconciled by the bank's reconciliation models."
    )
    amount_rule = fields.Monetary(string="Total reconciled by models", readonly=True)
    left_count = fields.Integer(
        string="Left", readonly=True, help="Lines left for the reconciliation screen after the import."
    )
    amount_left = fields.Monetary(string="Total left", readonly=True)
    open_count = fields.Integer(
        string="Still to reconcile", compute="_compute_open_count", help="Lines of this import not reconciled yet."
    )

    _file_hash_unique = models.Constraint(
        "unique(journal_id, file_hash)", "This file was already imported into this journal."
    )

    _childcare_system_fields = (
        "name",
        "company_id",
        "journal_id",
        "currency_id",
        "date_import",
        "user_id",
        "file_name",
        "file_format",
        "file_hash",
        "attachment_id",
        "statement_ids",
        "statement_count",
        "line_count",
        "amount_total",
        "matched_count",
        "amount_matched",
        "rule_count",
        "amount_rule",
        "left_count",
        "amount_left",
    )

    @api.depends("line_ids.is_reconciled")
    def _compute_open_count(self):
        groups = dict(
            self.env["account.bank.statement.line"]._read_group(
                [("childcare_report_id", "in", self.ids), ("is_reconciled", "=", False)],
                ["childcare_report_id"],
                ["__count"],
            )
        )
        for report in self:
            report.open_count = groups.get(report, 0)

    @api.model
    def _childcare_create_for_import(self, values, statements):
        """Match the lines of ``statements`` (just imported by the current user) with the invoices, then
        record the report of the import. ``values``: the report's file fields (name, file_name, file_format,
        file_hash, attachment_id)."""
        lines = statements.line_ids
        lines._childcare_match()
        journal = statements.journal_id[:1]
        company = journal.company_id
        by_result = defaultdict(lambda: self.env["account.bank.statement.line"])
        for line in lines:
            by_result[line.childcare_match] |= line
        currency = journal.currency_id or company.currency_id

        def total(records):
            return currency.round(sum(records.mapped("amount")))

        # sudo: the report is a record of the import itself; the user just created the statements under
        # their own rights (OCA's wizard and Odoo's statement access rights)
        report = self.sudo().create(
            {
                **values,
                "company_id": company.id,
                "journal_id": journal.id,
                "currency_id": currency.id,
                "date_import": fields.Datetime.now(),
                "user_id": self.env.user.id,
                "statement_ids": [fields.Command.set(statements.ids)],
                "statement_count": len(statements),
                "line_count": len(lines),
                "amount_total": total(lines),
                "matched_count": len(by_result["paid"] | by_result["partial"]),
                "amount_matched": total(by_result["paid"] | by_result["partial"]),
                "rule_count": len(by_result["rule"]),
                "amount_rule": total(by_result["rule"]),
                "left_count": len(by_result["left"]),
                "amount_left": total(by_result["left"]),
            }
        )
        lines.write({"childcare_report_id": report.id})
        report.message_post(
            body=self.env._(
                "%(lines)s lines imported: %(matched)s matched (%(amount_matched)s), %(left)s left for the "
                "reconciliation screen (%(amount_left)s).",
                lines=report.line_count,
                matched=report.matched_count,
                amount_matched=formatLang(self.env, report.amount_matched, currency_obj=currency),
                left=report.left_count,
                amount_left=formatLang(self.env, report.amount_left, currency_obj=currency),
            )
        )
        return report.with_env(self.env)

    @api.model
    def _childcare_demo_import(self, path, iban, invoices):
        """Demo data: post ``invoices`` (``[(family xml id, amount, payment reference)]``) and import the
        CODA file ``path`` into the main company's bank journal of ``iban``, as an accountant would."""
        company = self.env.ref("base.main_company")
        journal = self.env["account.journal"].search(
            [
                ("type", "=", "bank"),
                ("company_id", "=", company.id),
                ("bank_account_id.sanitized_acc_number", "=", iban.replace(" ", "").upper()),
            ],
            limit=1,
        )
        if not journal or (journal.currency_id or company.currency_id).name != "EUR":
            _logger.info("Statement demo not loaded: no bank journal in EUR of %s for %s.", company.name, iban)
            return
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": self.env.ref(family).partner_id.id,
                    "invoice_date": "2025-11-05",
                    "payment_reference": reference,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {"name": "Garderie octobre 2025", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                for family, amount, reference in invoices
            ]
        )
        moves.action_post()
        with file_open(path, "rb") as file:
            data = file.read()
        wizard = (
            self.env["account.statement.import"]
            .with_company(company)
            .with_context(journal_id=journal.id)
            .create({"statement_file": base64.b64encode(data), "statement_filename": path.rsplit("/", 1)[-1]})
        )
        wizard.import_file_button()

    # ------------------------------------------------------------------ actions
    def action_open_lines(self):
        """The lines of this import in OCA's reconciliation screen (those still to reconcile first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_reconcile_oca.action_bank_statement_line_reconcile_all"
        )
        action.update(
            {
                "name": self.env._("Lines of %s", self.name),
                "domain": [("childcare_report_id", "=", self.id)],
                "context": {
                    "default_journal_id": self.journal_id.id,
                    "search_default_not_reconciled": True,
                    "view_ref": "account_reconcile_oca.bank_statement_line_form_reconcile_view",
                },
            }
        )
        return action

    def action_open_statements(self):
        self.ensure_one()
        return self.statement_ids._get_records_action(name=self.env._("Statements of %s", self.name))


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    childcare_bank_reference = fields.Char(
        string="Structured reference (bank)",
        readonly=True,
        copy=False,
        help="The structured reference the bank gave in its own field (CAMT RmtInf/Strd, CODA structured "
        "communication).",
    )
    childcare_reference = fields.Char(
        string="Structured reference",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The structured reference found on the line (bank field or free text), normalised: a Belgian "
        "structured communication (12 digits) or an ISO 11649 creditor reference (RF...).",
    )
    childcare_match = fields.Selection(MATCH_RESULTS, string="Automatic matching", readonly=True, copy=False)
    childcare_match_reason = fields.Selection(LEFT_REASONS, string="Reason left", readonly=True, copy=False)
    childcare_match_note = fields.Char(string="Matching note", readonly=True, copy=False)
    childcare_match_move_id = fields.Many2one(
        "account.move", string="Invoice of the reference", readonly=True, copy=False, index="btree_not_null"
    )
    childcare_report_id = fields.Many2one(
        "childcare.statement.import.report",
        string="Import report",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    def _auto_reconcile(self):
        # The statement import matches the structured references first (``_childcare_match``), then gives
        # OCA's own automatic rules the lines without one: not at creation.
        if self.env.context.get("childcare_statement_import"):
            return None
        return super()._auto_reconcile()

    # ------------------------------------------------------------------ matching
    def _childcare_match(self):
        """Reconcile each incoming line whose communication is a valid structured reference (Belgian
        structured communication or ISO 11649 RF) with the open customer invoice of that payment reference:
        the exact amount pays it, a smaller amount pays part of it. Any other line is left for OCA's
        reconciliation screen with its reason (unknown reference, more than due, invoice already paid...);
        lines without a structured reference go through OCA's reconciliation models. Returns nothing: the
        result is on the lines (``childcare_match``, ``childcare_match_reason``, ``childcare_match_note``)."""
        lines = self.filtered(lambda line: not line.is_reconciled).sorted(lambda line: line.internal_index or "")
        found = {line: bank_reference.find_reference(line.childcare_bank_reference, line.payment_ref) for line in lines}
        invoices = self._childcare_invoices_by_reference({ref for ref, valid in found.values() if valid})
        for_rules = self.browse()
        for line in lines:
            reference, valid = found[line]
            values = {"childcare_reference": reference or False, "childcare_match_move_id": False}
            currency = line.currency_id
            invoice, reason, note = self.env["account.move"], None, False
            if currency.compare_amounts(line.amount, 0.0) <= 0:
                reason = "outgoing"
            elif not reference:
                reason = "no_reference"
            elif not valid:
                reason = "invalid_reference"
            else:
                invoice, reason, note = line._childcare_match_invoice(invoices.get(reference))
            values["childcare_match_move_id"] = invoice.id
            if reason is None:
                values.update(
                    {
                        "childcare_match": "paid"
                        if invoice.currency_id.is_zero(invoice.amount_residual)
                        else "partial",
                        "childcare_match_reason": False,
                        "childcare_match_note": note,
                    }
                )
            else:
                values.update(
                    {"childcare_match": "left", "childcare_match_reason": reason, "childcare_match_note": note}
                )
                if reason in OCA_RULE_REASONS:
                    for_rules |= line
            line.write(values)
        if for_rules:
            for_rules.with_context(childcare_statement_import=False)._auto_reconcile()
            for_rules.filtered("is_reconciled").write(
                {"childcare_match": "rule", "childcare_match_reason": False, "childcare_match_note": False}
            )

    def _childcare_match_invoice(self, candidates):
        """``(invoice, reason, note)`` for this line carrying the reference of the invoices ``candidates``:
        reason ``None`` when the line was reconciled with the invoice."""
        self.ensure_one()
        Move = self.env["account.move"]
        candidates = (candidates or Move).filtered(lambda move: move.company_id == self.company_id)
        if not candidates:
            return Move, "unknown_reference", False
        open_invoices = candidates.filtered(
            lambda move: (
                move.payment_state in ("not_paid", "partial") and not move.currency_id.is_zero(move.amount_residual)
            )
        )
        if len(open_invoices) > 1:
            return Move, "ambiguous_reference", ", ".join(open_invoices.mapped("name"))
        if not open_invoices:
            invoice = candidates.sorted("id")[-1:]
            # paid by an earlier transfer, online through the portal or by a registered payment: this money
            # is a second payment (a refund or a credit to decide), never counted twice on the invoice
            return invoice, "already_paid", invoice.name
        invoice = open_invoices
        due = invoice.amount_residual
        checks = (
            (invoice.currency_id != self.currency_id, "other_currency"),
            (invoice.childcare_in_collection, "in_collection"),
            (self.currency_id.compare_amounts(self.amount, due) > 0, "more_than_due"),
        )
        reason = next((reason for failed, reason in checks if failed), None)
        note = invoice.name
        if reason == "more_than_due":
            note = self.env._(
                "%(received)s received, %(due)s due on %(invoice)s",
                received=formatLang(self.env, self.amount, currency_obj=self.currency_id),
                due=formatLang(self.env, due, currency_obj=invoice.currency_id),
                invoice=invoice.name,
            )
        elif reason is None and not self._childcare_reconcile_invoice(invoice):
            reason = "not_reconciled"
        return invoice, reason, note

    def _childcare_reconcile_invoice(self, invoice):
        """Reconcile this line with the open receivable lines of ``invoice`` as OCA's automatic invoice
        matching does (``_do_auto_reconcile_invoices``): the liquidity line, the invoice's receivable as
        counterpart up to the line's amount, then ``reconcile_bank_line``. True when reconciled."""
        self.ensure_one()
        # the reference says who paid for what better than OCA's guess from the payer's name or account
        if self.partner_id != invoice.commercial_partner_id:
            self.partner_id = invoice.commercial_partner_id
        receivables = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).sorted(lambda line: (line.date_maturity or line.date, line.id))
        liquidity_lines, _suspense_lines, _other_lines = self._seek_for_lines()
        data, auxiliary = [], 1
        for line in liquidity_lines:
            auxiliary, line_data = self._get_reconcile_line(
                line, "liquidity", reconcile_auxiliary_id=auxiliary, move=True
            )
            data += line_data
        pending = self.amount
        for line in receivables:
            if self.currency_id.compare_amounts(pending, 0.0) <= 0:
                break
            auxiliary, line_data = self._get_reconcile_line(
                line, "other", is_counterpart=True, max_amount=pending, reconcile_auxiliary_id=auxiliary, move=True
            )
            data += line_data
            pending -= min(line.amount_residual, pending)
        self.reconcile_data_info = self._recompute_suspense_line(data, auxiliary, self.manual_reference)
        if not self.reconcile_data_info.get("can_reconcile"):
            self.reconcile_data_info = self._default_reconcile_data()
            return False
        self.reconcile_bank_line()
        return self.is_reconciled

    @api.model
    def _childcare_invoices_by_reference(self, references):
        """{normalised reference: posted customer invoices whose payment reference it is} (one query)."""
        result = defaultdict(lambda: self.env["account.move"])
        searched = sorted({form for reference in references for form in bank_reference.variants(reference)})
        if not searched:
            return result
        moves = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("company_id", "in", self.env.companies.ids),
                ("payment_reference", "in", searched),
            ]
        )
        for move in moves:
            result[bank_reference.normalise(move.payment_reference)] |= move
        return result


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _get_bank_statements_available_import_formats(self):
        formats = super()._get_bank_statements_available_import_formats()
        formats.append("CODA")
        return formats


class AccountStatementImportCamtParser(models.AbstractModel):
    """Keep the structured reference of a CAMT entry (``RmtInf/Strd/CdtrRefInf/Ref``: a Belgian structured
    communication with issuer BBA, an ISO 11649 reference with issuer ISO) in its own field of the line, and
    show it as the line's label when the bank gave no free text."""

    _inherit = "account.statement.import.camt.parser"

    _STRUCTURED_REF = "./ns:RmtInf/ns:Strd/ns:CdtrRefInf/ns:Ref"

    def _childcare_keep_reference(self, transaction, nodes):
        reference = (nodes[0].text or "").strip() if nodes else ""
        if not reference or transaction.get("childcare_bank_reference"):
            return
        transaction["childcare_bank_reference"] = reference
        if transaction.get("payment_ref") in (None, "", "/"):
            if bank_reference.kind(reference) == "be":
                digits = bank_reference.normalise(reference)
                reference = f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"
            transaction["payment_ref"] = reference

    def parse_transaction_details(self, ns, node, transaction):
        result = super().parse_transaction_details(ns, node, transaction)
        self._childcare_keep_reference(transaction, node.xpath(self._STRUCTURED_REF, namespaces={"ns": ns}))
        return result

    def parse_entry(self, ns, node):
        entry_reference = node.xpath("./ns:NtryDtls" + self._STRUCTURED_REF[1:], namespaces={"ns": ns})
        for transaction in super().parse_entry(ns, node):
            self._childcare_keep_reference(transaction, entry_reference)
            yield transaction
