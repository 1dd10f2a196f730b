from . import (
    test_access,
    test_allocation_scenario,
    test_application,
    test_enrollment,
    test_i18n,
    test_reports,
    test_security,
    test_waiting_list_export,
)
