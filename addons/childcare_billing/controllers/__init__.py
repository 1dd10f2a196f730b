from . import billing_run_export
