"""Returned SEPA direct debits read from the bank's ISO 20022 files.

OCA's ``account_payment_return_import_iso20022`` cannot be installed next to ``account_payment_batch_oca`` (it
depends on ``account_payment_order``), but its parsers are plain Python shipped in the same wheel: this plug-in of
``payment.return.import`` reuses them as that module does (Tecnativa, ACSONE SA/NV, AGPL-3):

- pain.002.001.03 (payment status report of the creditor's bank, with the reason of each rejected debit),
- camt.054.001.02 (debit/credit notification) and camt.053.001.02 (statement) entries with return information.
"""

import logging

from odoo import api, models
from odoo.addons.account_payment_return_import_iso20022.wizard.camt_parser import CamtParser
from odoo.addons.account_payment_return_import_iso20022.wizard.pain_parser import PainParser

_logger = logging.getLogger(__name__)


class PaymentReturnImport(models.TransientModel):
    _inherit = "payment.return.import"

    @api.model
    def _xml_split_file(self, data_file):
        """Some banks concatenate several XML documents in one file."""
        if not data_file.lstrip().startswith(b"<?xml"):
            return [data_file]
        return [b"<?xml" + part for part in data_file.lstrip().split(b"<?xml") if part.strip()]

    @api.model
    def _parse_file(self, data_file):
        if not data_file or not data_file.lstrip().startswith(b"<"):
            return super()._parse_file(data_file)
        payment_returns = []
        for document in self._xml_split_file(data_file):
            payment_returns.extend(self._parse_iso20022_document(document))
        return payment_returns

    @api.model
    def _parse_iso20022_document(self, data_file):
        """camt.054/053 first, then pain.002, then the next parser of the chain."""
        for parser in (CamtParser(), PainParser()):
            try:
                return parser.parse(data_file)
            except ValueError:
                _logger.debug("Not a %s document", type(parser).__name__, exc_info=True)
        return super()._parse_file(data_file)
