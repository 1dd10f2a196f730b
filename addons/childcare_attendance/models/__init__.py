from . import (
    childcare_attendance,
    childcare_attendance_sheet,
    childcare_attendance_sheet_line,
    childcare_enrollment,
    childcare_structure,
    childcare_structure_closure,
)
