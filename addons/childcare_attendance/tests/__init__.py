from . import test_access, test_attendance, test_day_grid, test_import, test_kiosk, test_reports, test_sheet
