from . import (
    test_access,
    test_billing_run,
    test_credit_control,
    test_debit,
    test_delivery,
    test_export,
    test_i18n,
    test_invoice_report,
    test_statement,
    test_subsidy,
    test_tax_attestation,
    test_views,
)
