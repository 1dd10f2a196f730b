from . import (  # isort: skip  (the rate tables before the plans that read them)
    childcare_rate_table,
    childcare_rate_plan,
    childcare_child_rate_input,
    childcare_school_holiday,
    childcare_attendance,
    childcare_billing_run,
    childcare_billing_run_line,
    account_move,
    childcare_billing_run_export,
    account_move_statement,
    res_company,
    # getting the money in (issue 9): one module per concern
    childcare_delivery,
    childcare_debit,
    childcare_statement,
    childcare_credit_control,
    childcare_tax_attestation,
)
