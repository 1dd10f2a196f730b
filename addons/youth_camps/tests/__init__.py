from . import (
    test_bus,
    test_eligibility,
    test_invoicing,
    test_lists_and_access,
    test_reminders,
    test_rush,
    test_waitlist,
)
