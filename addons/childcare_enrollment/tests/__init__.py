from . import (
    test_access,
    test_allocation_scenario,
    test_application,
    test_enrollment,
    test_reports,
    test_security,
    test_waiting_list_export,
)
