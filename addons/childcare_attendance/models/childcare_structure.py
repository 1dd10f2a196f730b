from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.addons.childcare_attendance.tools.billable import BillingRule
from odoo.addons.childcare_base.models.childcare_structure import STRUCTURE_MANAGER_FIELDS


class ChildcareStructure(models.Model):
    _inherit = "childcare.structure"
    # The billing terms and the closures are contractual: municipal staff only.
    _childcare_manager_fields = (
        *STRUCTURE_MANAGER_FIELDS,
        "attendance_billing_mode",
        "attendance_rounding",
        "attendance_holiday_days",
        "closure_ids",
    )

    attendance_billing_mode = fields.Selection(
        [("contracted", "Contracted hours (monthly flat rate)"), ("attended", "Attended hours")],
        string="Bill",
        required=True,
        default="contracted",
        tracking=True,
        help="Contracted hours: the hours of the enrollment schedule are billed whatever the child attended, "
        "plus the hours beyond the contract. Attended hours: the rounded presence is billed, plus the "
        "contracted hours of absences that are not excused.",
    )
    attendance_rounding = fields.Selection(
        [("quarter", "Started quarter hour"), ("half", "Started half hour")],
        string="Round each day's presence to",
        required=True,
        default="half",
        tracking=True,
    )
    attendance_holiday_days = fields.Integer(
        string="Free announced holiday days per year",
        default=0,
        tracking=True,
        help="Family holidays announced in time are not billed up to this number of days per calendar year.",
    )
    closure_ids = fields.One2many("childcare.structure.closure", "structure_id", string="Closures")

    _attendance_holiday_days_positive = models.Constraint(
        "CHECK (attendance_holiday_days >= 0)",
        "The number of free holiday days cannot be negative.",
    )

    def _billing_rule(self):
        self.ensure_one()
        return BillingRule(
            mode=self.attendance_billing_mode,
            rounding=self.attendance_rounding,
            holiday_days_per_year=self.attendance_holiday_days,
        )

    def _closed_days(self, date_from, date_to):
        """Days between ``date_from`` and ``date_to`` (included) on which each structure is closed:
        its weekly closing days and the closures of the structure or of its whole municipality.

        :returns: ``{structure id: set of dates}``; one query for the whole recordset.
        """
        # sudo: closures are public information for whoever may see the structure.
        closures = (
            self.env["childcare.structure.closure"]
            .sudo()
            .search_fetch(
                [
                    ("date_from", "<=", date_to),
                    ("date_to", ">=", date_from),
                    "|",
                    ("structure_id", "in", self.ids),
                    "&",
                    ("structure_id", "=", False),
                    ("company_id", "in", self.company_id.ids),
                ],
                ["structure_id", "company_id", "date_from", "date_to"],
            )
        )
        by_structure, by_company = defaultdict(set), defaultdict(set)
        for closure in closures:
            day = max(closure.date_from, date_from)
            while day <= min(closure.date_to, date_to):
                if closure.structure_id:
                    by_structure[closure.structure_id.id].add(day)
                else:
                    by_company[closure.company_id.id].add(day)
                day += timedelta(days=1)
        result = {}
        for structure in self:
            closed = by_structure[structure.id] | by_company[structure.company_id.id]
            day = date_from
            while day <= date_to:
                if not structure.is_open_on(day):
                    closed.add(day)
                day += timedelta(days=1)
            result[structure.id] = closed
        return result
