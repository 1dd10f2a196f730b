from . import (
    test_access,
    test_billing_run,
    test_export,
    test_i18n,
    test_invoice_report,
    test_subsidy,
    test_views,
    test_delivery,
    test_debit,
    test_statement,
    test_credit_control,
    test_tax_attestation,
)
