from datetime import date, datetime

from odoo import Command
from odoo.addons.childcare_base.tests.common import ChildcareCase

# October 2025: Wednesday 1st; weekdays 1-3, 6-10, 13-17, 20-24, 27-31 (23 days); summer time (UTC+2)
# until Sunday 26th, winter time (UTC+1) after.
OCT = date(2025, 10, 1)


class AttendanceCase(ChildcareCase):
    """The base fixtures (S1 with staff_s1, S2 directed by staff_s2, child A1 in S1 of portal parent A,
    child B1 in S2 of portal parent B) plus running enrollments from 2025-09-01:

    - A1 in S1: Monday, Tuesday, Thursday, Friday 08:00-17:00 (9 h), Wednesday 08:00-12:00 (4 h);
    - B1 in S2: Monday to Friday 07:30-15:00 (7.5 h).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.structure_s1 | cls.structure_s2).write({"tz": "Europe/Brussels"})
        cls.enrollment_a1 = cls.create_enrollment(
            cls.child_a1, cls.structure_s1, [(day, 8.0, 17.0 if day != "2" else 12.0) for day in "01234"]
        )
        cls.enrollment_b1 = cls.create_enrollment(cls.child_b1, cls.structure_s2, [(day, 7.5, 15.0) for day in "01234"])
        cls.Attendance = cls.env["childcare.attendance"]
        cls.Sheet = cls.env["childcare.attendance.sheet"]

    @classmethod
    def create_enrollment(cls, child, structure, slots, date_start=date(2025, 9, 1), date_end=False):
        enrollment = cls.env["childcare.enrollment"].create(
            {
                "child_id": child.id,
                "structure_id": structure.id,
                "date_start": date_start,
                "date_end": date_end,
                "schedule_line_ids": [
                    Command.create({"weekday": weekday, "hour_from": hour_from, "hour_to": hour_to})
                    for weekday, hour_from, hour_to in slots
                ],
            }
        )
        enrollment.action_start()
        return enrollment

    @staticmethod
    def utc(day, hour, minute=0, offset=2):
        """The naive UTC datetime of a Brussels local time (``offset``: 2 in summer, 1 in winter)."""
        return datetime(day.year, day.month, day.day, hour - offset, minute)

    @classmethod
    def present(cls, child, structure, day, hour_in, hour_out, **values):
        offset = 2 if day < date(2025, 10, 26) else 1
        return cls.env["childcare.attendance"].create(
            {
                "child_id": child.id,
                "structure_id": structure.id,
                "date": day,
                "check_in": cls.utc(day, *hour_in, offset=offset),
                "check_out": hour_out and cls.utc(day, *hour_out, offset=offset),
                **values,
            }
        )

    @classmethod
    def absent(cls, child, structure, day, reason, **values):
        return cls.env["childcare.attendance"].create(
            {
                "child_id": child.id,
                "structure_id": structure.id,
                "date": day,
                "absence_reason": reason,
                **values,
            }
        )
