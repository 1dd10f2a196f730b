from . import (
    childcare_attendance_import,
    childcare_attendance_sheet_reopen,
)
