from . import (
    account_statement_import,  # bank statement import (CODA, refusals, matching)
    childcare_mandate_wizard,  # direct debit
    childcare_payment_return_import,  # returned debits
    childcare_tax_attestation_wizard,  # tax attestation 281.86
)
