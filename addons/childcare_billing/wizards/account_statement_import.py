"""OCA's statement file import (``account_statement_import_file``), for a municipality's bank journals:

- CODA plugs in as OCA's CAMT module does: ``_parse_file`` tries CODA (``tools/coda.py`` on ``pycoda``),
  else the next format of the chain (CAMT, then OCA's "format not supported");
- a file is imported once per journal (SHA-256 of the file; OCA itself only skips the transactions that
  carry an import id already known, and CAMT entries often carry none);
- a file of another bank account than the journal the import was started from is refused with a clear
  message;
- right after the import, the lines are matched with the invoices (``account.bank.statement.line.
  _childcare_match``) and the import's report opens.

Any refusal raises a ``UserError`` before the statements are created, or rolls them back with the
transaction: nothing is written.
"""

import base64
import hashlib

from odoo import fields, models
from odoo.addons.base.models.res_bank import sanitize_account_number
from odoo.exceptions import UserError

from ..tools import coda


class AccountStatementImport(models.TransientModel):
    _inherit = "account.statement.import"

    childcare_report_id = fields.Many2one("childcare.statement.import.report", string="Import report", readonly=True)

    # ------------------------------------------------------------------ parsing
    def _parse_file(self, data_file):
        """CODA, else the next parser of the chain (CAMT); an unreadable CODA file is a clear error."""
        try:
            return coda.parse_coda(data_file)
        except coda.NotCoda:
            pass
        except coda.CodaError as error:
            raise UserError(
                self.env._("This CODA file cannot be read (%(error)s). Nothing was imported.", error=error)
            ) from error
        try:
            return super()._parse_file(data_file)
        except UserError as error:
            formats = self.env["account.journal"]._get_bank_statements_available_import_formats()
            raise UserError(
                self.env._(
                    "The file %(file)s is not a bank statement this database can read (formats: %(formats)s). "
                    "Nothing was imported.\n\n%(detail)s",
                    file=self.statement_filename or "",
                    formats=", ".join(sorted(set(formats))),
                    detail=error.args[0] if error.args else "",
                )
            ) from error

    def _childcare_file_data(self):
        self.ensure_one()
        return base64.b64decode(self.statement_file or b"")

    def _childcare_file_hash(self):
        return hashlib.sha256(self._childcare_file_data()).hexdigest()

    # ------------------------------------------------------------------ refusals
    def _match_journal(self, account_number, currency):
        journal_id = self.env.context.get("journal_id")
        if account_number and journal_id:
            journal = self.env["account.journal"].browse(journal_id)
            own = (journal.bank_account_id.sanitized_acc_number or "").upper()
            of_file = (sanitize_account_number(account_number) or "").upper()
            if own and of_file not in own:
                raise UserError(
                    self.env._(
                        "This file is a statement of the bank account %(file_account)s, but the journal "
                        "%(journal)s is the account %(journal_account)s. Import it from the journal of that "
                        "account. Nothing was imported.",
                        file_account=account_number,
                        journal=journal.display_name,
                        journal_account=journal.bank_account_id.acc_number,
                    )
                )
        return super()._match_journal(account_number, currency)

    def _create_bank_statements(self, stmts_vals, result):
        digest = self._childcare_file_hash()
        journal_ids = sorted({vals["journal_id"] for vals in stmts_vals if vals.get("journal_id")})
        # sudo: the refusal must see the imports of every user of the journal (the report only says when
        # and by whom; its content is not disclosed)
        done = (
            self.env["childcare.statement.import.report"]
            .sudo()
            .search([("journal_id", "in", journal_ids), ("file_hash", "=", digest)], limit=1)
        )
        if done:
            raise UserError(
                self.env._(
                    "This file was already imported into %(journal)s on %(date)s by %(user)s (%(report)s): a "
                    "statement file is imported once. Nothing was imported.",
                    journal=done.journal_id.display_name,
                    date=fields.Datetime.to_string(
                        fields.Datetime.context_timestamp(self, done.date_import).replace(tzinfo=None)
                    ),
                    user=done.user_id.name,
                    report=done.name,
                )
            )
        return super()._create_bank_statements(stmts_vals, result)

    # ------------------------------------------------------------------ import, matching and report
    def _import_file(self):
        self.ensure_one()
        # the lines are matched once the statements exist, not one by one at creation (see
        # account.bank.statement.line._auto_reconcile)
        result = super(AccountStatementImport, self.with_context(childcare_statement_import=True))._import_file()
        statements = self.env["account.bank.statement"].browse(result["statement_ids"])
        data = self._childcare_file_data()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.bank.statement"), ("res_id", "in", statements.ids)],
            order="id desc",
            limit=1,
        )
        if coda.is_coda(data):
            file_format = "coda"
        elif b"camt.05" in data[:4096]:
            file_format = "camt"
        else:
            file_format = "other"
        report = self.env["childcare.statement.import.report"]._childcare_create_for_import(
            {
                "name": self.statement_filename or statements[:1].name or self.env._("Statement file"),
                "file_name": self.statement_filename,
                "file_format": file_format,
                "file_hash": self._childcare_file_hash(),
                "attachment_id": attachment.id,
            },
            statements,
        )
        self.childcare_report_id = report
        return result

    def import_file_button(self):
        """OCA's import, then the import's report (OCA's notifications, if any, first)."""
        action = super().import_file_button()
        if not self.childcare_report_id:
            return action
        report_action = self.childcare_report_id._get_records_action()
        if action.get("type") == "ir.actions.client" and action.get("params", {}).get("next"):
            action["params"]["next"] = report_action
            return action
        return report_action
