from datetime import date, timedelta
from functools import partial

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OCT, AttendanceCase

TOTALS = [
    "contracted_hours",
    "attended_hours",
    "extra_hours",
    "billable_hours",
    "missing_check_out_count",
    "unrecorded_count",
]
STAMPS = ["state", "submitted_by_id", "date_submitted", "validated_by_id", "date_validated", "date_computed"]


@tagged("post_install", "-at_install")
class TestSheetLock(AttendanceCase):
    """The month lock: the state, stamps and totals of a sheet move only through its buttons, which check
    the user's group; the attendance of a submitted or validated month is frozen; validation recomputes.

    B1 in S2 (director: staff_s2), October 2025, present as planned every expected day (23 x 7.5 h).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = cls.user_staff_s2
        day = OCT
        while day.month == 10:
            if day.weekday() < 5:
                cls.present(cls.child_b1, cls.structure_s2, day, (7, 30), (15, 0))
            day += timedelta(days=1)
        cls.sheet = cls.Sheet._generate_month(OCT, cls.structure_s2)
        cls.line_b1 = cls.Attendance.search(
            [("structure_id", "=", cls.structure_s2.id), ("date", "=", date(2025, 10, 6))]
        )

    def as_user(self, records, user):
        """``records`` seen by ``user`` with a cold cache: what a JSON-RPC call of that user would see."""
        self.env.invalidate_all()
        return records.with_user(user)

    def stored(self, records, fnames):
        self.env.invalidate_all()
        return records.sudo().read(fnames)

    def assertRefused(self, exception, records, fnames, call):
        """``call`` raises ``exception`` and ``fnames`` of ``records`` hold what they held before."""
        before = self.stored(records, fnames)
        with self.assertRaises(exception):
            call()
        self.assertEqual(self.stored(records, fnames), before)

    def submit_and_validate(self):
        self.as_user(self.sheet, self.director).action_submit()
        self.as_user(self.sheet, self.user_manager).action_validate()
        self.assertEqual(self.stored(self.sheet, ["state"])[0]["state"], "validated")

    # ------------------------------------------------------------------ A: the month lock
    def test_staff_cannot_write_the_workflow_of_a_validated_sheet(self):
        self.submit_and_validate()
        fnames = STAMPS + TOTALS
        writes = [
            {"state": "draft"},
            {"state": "submitted"},
            {"validated_by_id": self.director.id},
            {"date_validated": "2025-11-01 08:00:00"},
            {"billable_hours": 0.0},
            {"line_ids": [Command.clear()]},
        ]
        for vals in writes:
            for context in ({}, {"childcare_sheet_transition": True}):  # the old gate is gone
                with self.subTest(vals=vals, context=context):
                    sheet = self.as_user(self.sheet, self.director).with_context(**context)
                    self.assertRefused(AccessError, self.sheet, fnames, partial(sheet.write, vals))
        lines = self.stored(self.sheet.line_ids, ["billable_hours", "days_present"])
        self.assertEqual(lines, [{"id": self.sheet.line_ids.id, "billable_hours": 23 * 7.5, "days_present": 23}])

    def test_only_municipal_staff_validate_and_reopen(self):
        sheet = self.as_user(self.sheet, self.director)
        sheet.action_submit()
        self.assertEqual(self.stored(self.sheet, ["state"])[0]["state"], "submitted")
        self.assertRefused(
            AccessError, self.sheet, STAMPS, lambda: self.as_user(self.sheet, self.director).action_validate()
        )
        self.as_user(self.sheet, self.user_manager).action_validate()
        for call in (
            lambda: self.as_user(self.sheet, self.director)._reopen("Typo"),
            lambda: self.as_user(self.sheet, self.director).action_reopen(),
            lambda: self.as_user(self.sheet, self.user_staff_s1)._reopen("Not even mine"),
            lambda: self.as_user(self.sheet, self.user_portal_b)._reopen("Please"),
        ):
            self.assertRefused(AccessError, self.sheet, STAMPS, call)
        # the manager reopens, with the reason logged under their name
        self.as_user(self.sheet, self.user_manager)._reopen("Certificate of 6 October received late")
        self.assertEqual(
            self.stored(self.sheet, ["state", "validated_by_id", "date_validated"]),
            [{"id": self.sheet.id, "state": "draft", "validated_by_id": False, "date_validated": False}],
        )
        message = self.sheet.message_ids[0]
        self.assertIn("Certificate of 6 October received late", message.body)
        self.assertEqual(message.author_id, self.user_manager.partner_id)

    def test_validated_sheet_refuses_every_write_but_the_reopening(self):
        self.submit_and_validate()
        for user, refusal in ((self.user_manager, UserError), (self.director, AccessError)):
            sheet = self.as_user(self.sheet, user)
            self.assertRefused(refusal, self.sheet, ["date_month"], partial(sheet.write, {"date_month": "2025-11-01"}))
        # not even code running under sudo, but for the manager's reopening
        self.assertRefused(UserError, self.sheet, TOTALS, lambda: self.sheet.sudo().write({"billable_hours": 1.0}))
        self.assertRefused(UserError, self.sheet, ["state"], lambda: self.sheet.sudo().unlink())
        # the chatter stays open
        self.as_user(self.sheet, self.user_manager).message_post(body="Sent to billing")
        self.assertIn("Sent to billing", self.sheet.message_ids[0].body)

    def test_staff_create_draft_sheets_only(self):
        Sheet = self.env["childcare.attendance.sheet"]
        november = date(2025, 11, 1)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            Sheet.with_user(self.director).create(
                {"structure_id": self.structure_s2.id, "date_month": november, "state": "validated"}
            )
        with self.assertRaises(AccessError):
            Sheet.with_user(self.director).create(
                {"structure_id": self.structure_s2.id, "date_month": november, "billable_hours": 12.0}
            )
        with self.assertRaises(AccessError):  # another structure's sheet
            Sheet.with_user(self.director).create({"structure_id": self.structure_s1.id, "date_month": november})
        self.assertFalse(Sheet.search([("date_month", "=", november)]))
        # context defaults do not open the gate: the new sheet is a draft without stamps
        sheet = (
            Sheet.with_user(self.director)
            .with_context(default_state="validated", default_validated_by_id=self.user_manager.id)
            .create({"structure_id": self.structure_s2.id, "date_month": november})
        )
        self.assertEqual(
            self.stored(sheet, ["state", "validated_by_id", "structure_id"]),
            [
                {
                    "id": sheet.id,
                    "state": "draft",
                    "validated_by_id": False,
                    "structure_id": (self.structure_s2.id, self.structure_s2.display_name),
                }
            ],
        )
        # moving it elsewhere is for municipal staff
        self.assertRefused(
            AccessError,
            sheet,
            ["date_month"],
            lambda: self.as_user(sheet, self.director).write({"date_month": date(2025, 12, 1)}),
        )

    # ------------------------------------------------------------------ B: submitted months are frozen too
    def test_submitted_month_is_locked_until_back_to_draft(self):
        Attendance = self.as_user(self.Attendance, self.director)
        self.as_user(self.sheet, self.director).action_submit()
        fnames = ["check_in", "check_out", "absence_reason", "note"]
        line = self.as_user(self.line_b1, self.director)
        for call in (
            lambda: line.write({"check_out": self.utc(date(2025, 10, 6), 12)}),
            lambda: line.write({"note": "Left early"}),
            line.unlink,
            lambda: Attendance.record_day(
                self.structure_s2.id,
                date(2025, 10, 6),
                [{"child_id": self.child_b1.id, "absence_reason": "unjustified"}],
            ),
        ):
            self.assertRefused(UserError, self.line_b1, fnames, call)
        with self.assertRaisesRegex(UserError, "Arc-en-ciel for 10/2025 is submitted"):
            Attendance.create(
                {"child_id": self.child_b1.id, "structure_id": self.structure_s2.id, "date": date(2025, 10, 6)}
            )
        with self.assertRaisesRegex(UserError, "Arc-en-ciel for 10/2025 is submitted"):  # date by default
            Attendance.with_context(default_date="2025-10-07").create(
                {"child_id": self.child_b1.id, "structure_id": self.structure_s2.id}
            )
        self.assertEqual(self.Attendance.search_count([("child_id", "=", self.child_b1.id)]), 23)
        # November is open
        self.present(self.child_b1, self.structure_s2, date(2025, 11, 3), (8, 0), (12, 0))

        # the structure sets the sheet back to draft to correct the month
        self.as_user(self.sheet, self.director).action_back_to_draft()
        line.write({"check_out": self.utc(date(2025, 10, 6), 12), "note": "Left early"})
        self.assertEqual(self.stored(self.line_b1, ["attended_hours"])[0]["attended_hours"], 4.5)

    def test_validation_recomputes_the_totals(self):
        self.as_user(self.sheet, self.director).action_submit()
        self.assertEqual(self.sheet.contracted_hours, 23 * 7.5)
        # while the sheet waits for validation, the contract changes: Fridays until 16:00
        self.enrollment_b1.schedule_line_ids.filtered(lambda line: line.weekday == "4").hour_to = 16.0
        self.as_user(self.sheet, self.user_manager).action_validate()
        validated = self.stored(self.sheet, TOTALS)[0]
        fridays = 5  # 3, 10, 17, 24, 31 October
        self.assertEqual(validated["contracted_hours"], 23 * 7.5 + fridays)
        self.assertEqual(validated["billable_hours"], 23 * 7.5 + fridays)
        # the validated totals are those a fresh computation gives
        self.as_user(self.sheet, self.user_manager)._reopen("Check")
        self.as_user(self.sheet, self.director).action_compute()
        self.assertEqual(self.stored(self.sheet, TOTALS)[0], validated)

    def test_validation_refuses_an_incomplete_month(self):
        # a child admitted in October after the sheet was submitted: nobody can record its days any more
        self.as_user(self.sheet, self.director).action_submit()
        newcomer = self.create_child(self.family_b, "Mia", "Janssens", date(2021, 5, 5), self.structure_s2)
        self.create_enrollment(newcomer, self.structure_s2, [("0", 8.0, 12.0)], date_start=date(2025, 10, 20))
        self.assertRefused(
            UserError,
            self.sheet,
            STAMPS + TOTALS,
            lambda: self.as_user(self.sheet, self.user_manager).action_validate(),
        )
        with self.assertRaisesRegex(UserError, "cannot be validated: 0 check-out.* missing and 2 expected day"):
            self.as_user(self.sheet, self.user_manager).action_validate()
