from . import (
    test_access,
    test_attendance,
    test_day_grid,
    test_enrollment_link,
    test_i18n,
    test_import,
    test_kiosk,
    test_reports,
    test_sheet,
    test_sheet_lock,
)
