import calendar
import copy
import functools
import io
import logging
from collections import defaultdict

import psycopg2.errors
import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.addons.childcare_billing.tools import fees
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_is_zero, split_every
from odoo.tools.translate import _

_logger = logging.getLogger(__name__)

RUN_STATES = [
    ("draft", "Draft"),
    ("computing", "Computing"),
    ("computed", "Computed (dry-run)"),
    ("posting", "Invoicing"),
    ("posted", "Posted"),
    ("sent", "Sent"),
]
MANAGER_GROUP = "childcare_base.group_childcare_manager"
BILLING_GROUP = "account.group_account_invoice"
#: children per computation job, households per invoicing job (system parameters
#: childcare_billing.compute_batch_size / childcare_billing.post_batch_size override them)
COMPUTE_BATCH = 500
POST_BATCH = 200
#: an increase on last month above this ratio is flagged for review
BIG_INCREASE = 1.5
#: the invoicing jobs create the documents of a run without a chatter message, follower or tracking per
#: document: the run's own chatter says what it posted
MOVE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class ChildcareBillingRun(models.Model):
    """One month of one municipality: reads the validated attendance sheets, computes every child's month
    with the rate plans (dry-run, with last month's comparison and anomalies), then invoices every
    household once. Both steps run as batches of OCA ``queue_job`` jobs, each committing its own work, so a
    run spreads over the workers of several servers and resumes after a crash without double work; a
    failure on one household is recorded and never stops the others. A second run of a posted month
    bills only the differences, as one correction per affected household."""

    _name = "childcare.billing.run"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Monthly billing run"
    _order = "date_month desc, id desc"
    _check_company_auto = True
    _childcare_system_fields = ("state", "progress_done", "progress_total", "line_ids", "failure_ids")

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_month = fields.Date(
        string="Month",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=1),
        help="First day of the billed month.",
    )
    date_invoice = fields.Date(
        string="Invoice date", default=fields.Date.context_today, help="Date of the invoices the run posts."
    )
    structure_ids = fields.Many2many(
        "childcare.structure",
        "childcare_billing_run_structure_rel",
        "run_id",
        "structure_id",
        string="Structures",
        check_company=True,
        help="Empty: every structure with a validated attendance sheet for the month.",
    )
    state = fields.Selection(RUN_STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    line_ids = fields.One2many("childcare.billing.run.line", "run_id", string="Lines")
    failure_ids = fields.One2many("childcare.billing.run.failure", "run_id", string="Failures")
    move_ids = fields.One2many("account.move", "childcare_run_id", string="Documents")
    progress_done = fields.Integer(readonly=True, copy=False)
    progress_total = fields.Integer(readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    is_correction = fields.Boolean(
        compute="_compute_is_correction",
        store=True,
        string="Correction run",
        help="The month was already posted: this run bills only the differences.",
    )
    line_count = fields.Integer(compute="_compute_counts")
    anomaly_count = fields.Integer(compute="_compute_counts")
    failure_count = fields.Integer(compute="_compute_counts")
    move_count = fields.Integer(compute="_compute_counts")
    family_count = fields.Integer(compute="_compute_counts", string="Households")
    amount_parent = fields.Monetary(compute="_compute_counts", string="Parents")
    amount_subsidy = fields.Monetary(compute="_compute_counts", string="Subsidies")

    # one run at work per municipality and month; the posted ones stay as history
    _open_run_uniq = models.UniqueIndex(
        "(company_id, date_month) WHERE state IN ('draft', 'computing', 'computed', 'posting')",
        "A billing run of this month is already open: finish it first.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("company_id.name", "date_month")
    def _compute_name(self):
        for run in self:
            month = run.date_month.strftime("%Y-%m") if run.date_month else ""
            run.name = f"{month} {run.company_id.name or ''}".strip()

    @api.depends("progress_done", "progress_total")
    def _compute_progress(self):
        for run in self:
            run.progress = 100.0 * run.progress_done / run.progress_total if run.progress_total else 0.0

    @api.depends("company_id", "date_month")
    def _compute_is_correction(self):
        for run in self:
            run.is_correction = bool(
                run.date_month
                and self.sudo().search_count(
                    [
                        ("id", "!=", run._origin.id),
                        ("company_id", "=", run.company_id.id),
                        ("date_month", "=", run.date_month),
                        ("state", "in", ("posted", "sent")),
                    ],
                    limit=1,
                )
            )

    def _compute_counts(self):
        Line = self.env["childcare.billing.run.line"]
        stats = {
            run: (count, anomalies, families, parent, subsidy)
            for run, count, anomalies, families, parent, subsidy in Line._read_group(
                [("run_id", "in", self.ids)],
                ["run_id"],
                [
                    "__count",
                    "has_anomaly:count_distinct",
                    "family_id:count_distinct",
                    "amount_parent:sum",
                    "amount_subsidy:sum",
                ],
            )
        }
        anomalies = dict(
            Line._read_group([("run_id", "in", self.ids), ("has_anomaly", "=", True)], ["run_id"], ["__count"])
        )
        failures = dict(
            self.env["childcare.billing.run.failure"]._read_group([("run_id", "in", self.ids)], ["run_id"], ["__count"])
        )
        moves = dict(
            self.env["account.move"]
            .sudo()
            ._read_group([("childcare_run_id", "in", self.ids)], ["childcare_run_id"], ["__count"])
        )
        for run in self:
            count, _anomalies, families, parent, subsidy = stats.get(run, (0, 0, 0, 0.0, 0.0))
            run.line_count = count
            run.anomaly_count = anomalies.get(run, 0)
            run.failure_count = failures.get(run, 0)
            run.move_count = moves.get(run, 0)
            run.family_count = families
            run.amount_parent = parent
            run.amount_subsidy = subsidy

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_month"):
                vals["date_month"] = fields.Date.to_date(vals["date_month"]).replace(day=1)
        self.flush_model(["state"])  # the open-run index compares with the states as they are now
        return super().create(vals_list)

    def write(self, vals):
        if "date_month" in vals or "company_id" in vals or "structure_ids" in vals:
            if any(run.state != "draft" for run in self):
                raise UserError(_("Only a draft billing run can change its month, municipality or structures."))
            if vals.get("date_month"):
                vals["date_month"] = fields.Date.to_date(vals["date_month"]).replace(day=1)
        return super().write(vals)

    def unlink(self):
        if any(run.state in ("posting", "posted", "sent") or run.move_ids for run in self):
            raise UserError(_("A billing run that made invoices cannot be deleted: its invoices are in the ledger."))
        return super().unlink()

    @api.model
    def _batch_size(self, step):
        """Children per computation job (``step`` "compute") or households per invoicing job ("post")."""
        default = {"compute": COMPUTE_BATCH, "post": POST_BATCH}[step]
        value = self.env["ir.config_parameter"].sudo().get_param(f"childcare_billing.{step}_batch_size")
        return max(int(value), 1) if value and value.isdigit() else default

    # ------------------------------------------------------------------ rights
    def _check_run_rights(self):
        """Billing runs are driven by municipal staff or the accountants, on runs they may change."""
        user = self.env.user
        if not self.env.su and not (user.has_group(MANAGER_GROUP) or user.has_group(BILLING_GROUP)):
            raise AccessError(_("Only municipal staff and accountants may compute or post a billing run."))
        self.check_access("write")

    # ------------------------------------------------------------------ step 1: the dry-run
    def _structures_to_bill(self):
        """The structures of the run: the chosen ones, else every structure of the municipality with an
        attendance sheet or a contract that month."""
        self.ensure_one()
        if self.structure_ids:
            return self.structure_ids.sudo()
        month, last = self.date_month, month_end(self.date_month)
        sheets = (
            self.env["childcare.attendance.sheet"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("date_month", "=", month)])
        )
        contracts = (
            self.env["childcare.enrollment"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", ("running", "ended")),
                    ("date_start", "<=", last),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", month),
                ]
            )
        )
        return sheets.structure_id | contracts.structure_id

    def _check_billable(self, structures):
        """Refuse a month that is not ready, naming what is missing: sheets not validated, structures
        without a rate plan, plans without a parameter table for the period."""
        self.ensure_one()
        Sheet = self.env["childcare.attendance.sheet"].sudo()
        sheets = Sheet.search([("structure_id", "in", structures.ids), ("date_month", "=", self.date_month)])
        validated = sheets.filtered(lambda s: s.state == "validated").structure_id
        missing = structures - validated
        if missing:
            raise UserError(
                _(
                    "The attendance of %(month)s is not validated for: %(structures)s. Validate their sheets "
                    "before billing the month.",
                    month=self.date_month.strftime("%m/%Y"),
                    structures=", ".join(missing.mapped("name")),
                )
            )
        Plan = self.env["childcare.rate.plan"]
        plans = {structure: Plan._plan_of(structure, self.date_month) for structure in structures}
        without = [structure.name for structure, plan in plans.items() if not plan]
        if without:
            raise UserError(
                _(
                    "No rate plan applies in %(month)s to: %(structures)s. Assign a plan to these structures "
                    "(Childcare > Configuration > Rate plans).",
                    month=self.date_month.strftime("%m/%Y"),
                    structures=", ".join(without),
                )
            )
        for plan in set(plans.values()):
            plan.sudo()._parameters(self.date_month)  # a clear error when the period has no table
        return sheets

    def action_compute(self):
        """Dry-run: compute every child's month, compare with last month, flag anomalies; no invoice yet."""
        self._check_run_rights()
        for run in self:
            if run.state not in ("draft", "computed"):
                raise UserError(_("Only a draft or computed run can be computed (again): %s.", run.name))
            structures = run._structures_to_bill()
            if not structures:
                raise UserError(_("No structure has attendance to bill in %s.", run.date_month.strftime("%m/%Y")))
            sheets = run._check_billable(structures)
            sheet_lines = sheets.line_ids
            # sudo: the run's own lines and progress are system fields, written after the checks above
            run.sudo().line_ids.unlink()
            run.sudo().failure_ids.unlink()
            if not run.structure_ids:
                run.structure_ids = [Command.set(structures.ids)]
            run.sudo().write({"state": "computing", "progress_done": 0, "progress_total": len(sheet_lines)})
            for batch in split_every(self._batch_size("compute"), sheet_lines.ids):
                run.sudo().with_delay(description=f"{run.name}: compute {len(batch)} children")._job_compute(
                    list(batch)
                )
            if not sheet_lines:
                run.sudo()._finish_step()
        return True

    def _job_compute(self, sheet_line_ids):
        """Job: the run lines of these attendance totals (one transaction; resumable: lines of a sheet line
        already computed by an earlier attempt are kept)."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - a job: the rights were checked when it was queued
        Line = self.env["childcare.billing.run.line"]
        done = {
            line.sheet_line_id.id
            for line in Line.search_fetch(
                [("run_id", "=", self.id), ("sheet_line_id", "in", sheet_line_ids)], ["sheet_line_id"]
            )
        }
        sheet_lines = self.env["childcare.attendance.sheet.line"].browse(
            [line_id for line_id in sheet_line_ids if line_id not in done]
        )
        vals_list, failures = self._compute_lines(sheet_lines)
        Line.create(vals_list)
        self.env["childcare.billing.run.failure"].create(failures)
        self._progress(len(sheet_line_ids) - len(done))

    # ------------------------------------------------------------------ the computation of a batch
    def _compute_lines(self, sheet_lines):
        """(vals of run lines, vals of failures) for ``sheet_lines``: reads everything up front (a query per
        model for the whole batch), then computes in memory."""
        self.ensure_one()
        month = self.date_month
        sheet_lines = sheet_lines.sudo()
        sheet_lines.fetch(
            [
                "enrollment_id",
                "child_id",
                "structure_id",
                "contracted_hours",
                "attended_hours",
                "rounded_hours",
                "extra_hours",
                "billable_hours",
                "days_present",
            ]
        )
        children = sheet_lines.child_id
        children.fetch(["name", "birthdate"])
        sheet_lines.enrollment_id.fetch(["hours_per_week"])
        plans = self._plans_of(sheet_lines.structure_id)
        params = {plan: plan._parameters(month) for plan in set(plans.values()) if plan}
        rate_inputs = self.env["childcare.child.rate.input"]._inputs_by_child(children, month)
        links = (
            self.env["childcare.family.child"]
            .sudo()
            .search_fetch([("child_id", "in", children.ids)], ["family_id", "child_id", "custody_share"])
        )
        links_by_child = links.grouped("child_id")
        families = links.family_id
        families.fetch(["is_resident"])
        data = {
            "incomes": self._incomes(families),
            "rate_inputs": rate_inputs,
            "days": self._attendance_days(sheet_lines),
            "in_care": self._children_in_care(families),
        }
        previous = self._previous_lines(families, children)
        vals_list, failures = [], []
        for sheet_line in sheet_lines:
            child, structure, enrollment = sheet_line.child_id, sheet_line.structure_id, sheet_line.enrollment_id
            plan = plans[structure]
            child_links = links_by_child.get(child)
            if not child_links:
                failures.append(
                    {
                        "run_id": self.id,
                        "child_id": child.id,
                        "step": "compute",
                        "reason": _("%s belongs to no household: nobody can be billed.", child.name),
                    }
                )
                continue
            for link in child_links:
                family = link.family_id
                vals = {
                    "run_id": self.id,
                    "family_id": family.id,
                    "child_id": child.id,
                    "structure_id": structure.id,
                    "enrollment_id": enrollment.id,
                    "sheet_line_id": sheet_line.id,
                    "plan_id": plan.id,
                    "custody_share": link.custody_share,
                    "days_present": sheet_line.days_present,
                    "hours_contracted": sheet_line.contracted_hours,
                    "hours_attended": sheet_line.rounded_hours,
                    "hours_billable": sheet_line.billable_hours,
                    "is_no_attendance": not sheet_line.days_present and not sheet_line.attended_hours,
                }
                inputs, block = self._quote_inputs(plan, link, sheet_line, data)
                vals["is_missing_income"] = block == "income"
                vals["is_missing_csa_rate"] = block == "csa"
                if block:
                    vals.update(state="blocked", block_reason=self._block_reasons()[block])
                    vals_list.append(vals)
                    continue
                try:
                    result = plan._quote_with(params[plan], inputs)
                except UserError as exc:
                    failures.append(
                        {
                            "run_id": self.id,
                            "family_id": family.id,
                            "child_id": child.id,
                            "step": "compute",
                            "reason": str(exc.args[0]),
                        }
                    )
                    vals.update(state="blocked", block_reason=str(exc.args[0]))
                    vals_list.append(vals)
                    continue
                before = previous.get((family.id, child.id))
                parent = result["parent_amount"]
                vals.update(
                    hours_billed=inputs.get("hours_billed", 0.0),
                    hourly_rate=result.get("hourly_rate") or 0.0,
                    amount_parent=parent,
                    amount_subsidy=result["subsidy_amount"],
                    amount_total=result["total_amount"],
                    quote_lines=result["lines"],
                    quote_details=result.get("details") or result.get("explanation") or {},
                    is_zero_amount=float_is_zero(parent, precision_digits=2),
                )
                if before:
                    vals.update(
                        previous_amount=before["amount"],
                        previous_hours=before["hours"],
                        amount_delta=parent - before["amount"],
                        hours_delta=vals["hours_billed"] - before["hours"],
                        is_big_increase=before["amount"] > 0 and parent > before["amount"] * BIG_INCREASE,
                    )
                vals_list.append(vals)
        return vals_list, failures

    def _plans_of(self, structures):
        """{structure: the rate plan it applies in the run's month}: :meth:`childcare.rate.plan._plan_of` for
        a whole batch of structures in one query (the structure line valid on the first day of the month,
        the latest one when several are)."""
        month = self.date_month
        Plan = self.env["childcare.rate.plan"].sudo()
        lines = (
            self.env["childcare.rate.plan.structure"]
            .sudo()
            .search_fetch(
                [
                    ("structure_id", "in", structures.ids),
                    ("date_from", "<=", month),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", month),
                    ("plan_id.active", "=", True),
                ],
                ["structure_id", "plan_id", "date_from"],
                order="date_from desc, id",
            )
        )
        plans = {}
        for line in lines:
            plans.setdefault(line.structure_id, line.plan_id.with_env(Plan.env))
        return {structure: plans.get(structure, Plan) for structure in structures}

    def _block_reasons(self):
        return {
            "income": _("No validated income: the rate depends on the household's income."),
            "csa": _("No CSA membership (hourly CSA rate) valid this month."),
            "kg": _("No Kind en Gezin certificate (daily price) valid this month."),
        }

    def _quote_inputs(self, plan, link, sheet_line, data):
        """(inputs of :meth:`childcare.rate.plan.quote`, reason to hold the household back or None) for the
        household and child of the custody ``link``. Quantities are the household's custody share of the
        child's month. ``data``: what :meth:`_compute_lines` read up front."""
        family, child, enrollment = link.family_id, link.child_id, sheet_line.enrollment_id
        share = link.custody_share / 100.0
        income = data["incomes"].get(family.id)
        rate_input = data["rate_inputs"].get(child.id)
        days = data["days"].get(sheet_line.id, [])
        month = self.date_month
        basis = plan.billing_basis
        hours = {
            "contracted": sheet_line.contracted_hours,
            "attended": sheet_line.rounded_hours,
            "billable": sheet_line.billable_hours,
        }[basis]
        inputs = {
            "date": month,
            "age_months": child.age_months_on(month),
            "is_resident": family.is_resident,
            "sibling_rank": data["in_care"].get(family.id, {}).get(child.id, 1),
            "hours": round(hours * share, 2),
            "hours_billed": round(hours * share, 2),
        }
        if basis == "contracted":
            inputs.update(
                weekly_hours=round(enrollment.hours_per_week * share, 2),
                weeks_per_year=plan.weeks_per_year,
                billed_months=plan.billed_months,
                extra_hours=round(sheet_line.extra_hours * share, 2),
            )
        if plan.scheme in ("fr_psu", "be_one"):
            if not income:
                return inputs, "income"
            inputs.update(
                monthly_income=income.amount_monthly_income,
                dependent_children=max(income.dependent_children, 1),
                disabled_children=int(income.has_disabled_child)
                + int(bool(rate_input and rate_input.has_disability_allowance and not income.has_disabled_child)),
                is_ase=bool(rate_input and rate_input.is_child_protection),
            )
        if plan.scheme == "lu_csa":
            if not rate_input:
                return inputs, "csa"
            inputs.update(
                csa_hourly_rate=rate_input.csa_hourly_rate,
                csa_meal_price=rate_input.csa_meal_price,
                weeks=self._weeks(days, share),
            )
        if plan.scheme == "be_kg":
            if not rate_input or not rate_input.certified_daily_price:
                return inputs, "kg"
            inputs["certified_daily_price"] = rate_input.certified_daily_price
        if plan.scheme in ("be_one", "be_kg", "flat"):
            full = sum(1 for day in days if not day["before"] and day["hours"] >= 5)
            half = sum(1 for day in days if not day["before"] and 0 < day["hours"] < 5)
            inputs.update(days_full=round(full * share, 2), days_half=round(half * share, 2))
        return inputs, None

    def _weeks(self, days, share):
        """CSA: the month's presence per ISO week: [{"hours", "school_week", "meals", "free_hours_used"}].
        The days of the month's first week that fall in the month before (``before``) are not billed again:
        their hours only use up that week's free hours."""
        weeks = defaultdict(lambda: {"hours": 0.0, "school_week": True, "meals": 0, "free_hours_used": 0.0})
        for day in days:
            week = weeks[day["date"].isocalendar()[:2]]
            if day["before"]:
                week["free_hours_used"] += day["hours"] * share
                continue
            week["hours"] += day["hours"] * share
            week["meals"] += day["meal"]
            week["school_week"] = week["school_week"] and day["school_day"]
        return [
            {
                "hours": round(week["hours"], 2),
                "school_week": week["school_week"],
                "meals": round(week["meals"] * share),
                "free_hours_used": round(week["free_hours_used"], 2),
            }
            for _key, week in sorted(weeks.items())
            if week["hours"] or week["meals"]
        ]

    def _attendance_days(self, sheet_lines):
        """{sheet line id: [{"date", "hours", "meal", "school_day", "before"}]} of the days present in the
        month, and in the days of its first week that belong to the month before (``before``), in one query."""
        Attendance = self.env["childcare.attendance"].sudo()
        first, last = self.date_month, month_end(self.date_month)
        week_start = first - relativedelta(days=first.weekday())  # the Monday of the month's first week
        attendances = Attendance.search_fetch(
            [
                ("enrollment_id", "in", sheet_lines.enrollment_id.ids),
                ("date", ">=", week_start),
                ("date", "<=", last),
                ("absence_reason", "=", "none"),
            ],
            ["enrollment_id", "date", "attended_hours", "has_meal"],
        )
        holidays = self.env["childcare.school.holiday"]._holidays(self.company_id, week_start, last)
        by_enrollment = defaultdict(list)
        for attendance in attendances:
            by_enrollment[attendance.enrollment_id.id].append(
                {
                    "date": attendance.date,
                    "hours": attendance.attended_hours,
                    "meal": int(attendance.has_meal),
                    "school_day": attendance.date not in holidays,
                    "before": attendance.date < first,
                }
            )
        return {line.id: by_enrollment.get(line.enrollment_id.id, []) for line in sheet_lines}

    def _incomes(self, families):
        """{family id: the validated income of the billed year, else of the year before}."""
        year = self.date_month.year
        incomes = (
            self.env["childcare.family.income"]
            .sudo()
            .search(
                [("family_id", "in", families.ids), ("state", "=", "validated"), ("year", "in", [year, year - 1])],
                order="year desc",
            )
        )
        result = {}
        for income in incomes:
            result.setdefault(income.family_id.id, income)
        return result

    def _children_in_care(self, families):
        """{family id: {child id: rank}}: the family's children with a contract this month, eldest first
        (the sibling reduction applies from the second)."""
        month, last = self.date_month, month_end(self.date_month)
        contracts = (
            self.env["childcare.enrollment"]
            .sudo()
            .search_fetch(
                [
                    ("family_id", "in", families.ids),
                    ("state", "in", ("running", "ended")),
                    ("date_start", "<=", last),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", month),
                ],
                ["family_id", "child_id"],
            )
        )
        contracts.child_id.fetch(["birthdate"])
        ranks = defaultdict(dict)
        for family, family_contracts in contracts.grouped("family_id").items():
            children = family_contracts.child_id.sorted(lambda c: (c.birthdate, c.id))
            for rank, child in enumerate(children, start=1):
                ranks[family.id][child.id] = rank
        return ranks

    def _previous_lines(self, families, children):
        """{(family id, child id): {"amount", "hours"}} of the last posted run of the month before."""
        previous_month = self.date_month - relativedelta(months=1)
        lines = (
            self.env["childcare.billing.run.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date_month", "=", previous_month),
                    ("run_id.state", "in", ("posted", "sent")),
                    ("family_id", "in", families.ids),
                    ("child_id", "in", children.ids),
                    ("state", "in", ("invoiced", "unchanged")),
                ],
                order="run_id desc",
            )
        )
        result = {}
        for line in lines:
            result.setdefault(
                (line.family_id.id, line.child_id.id), {"amount": line.amount_parent, "hours": line.hours_billed}
            )
        return result

    # ------------------------------------------------------------------ progress
    def _progress(self, count):
        """Add ``count`` to the progress, atomically, and close the step when everything is done.

        Jobs of several workers finish at the same time, each in its own repeatable-read transaction: when
        another job changed the counter since this job's transaction began, PostgreSQL refuses the update
        (a serialization failure), and queue_job would run the whole batch again for a counter. The count
        is then added right after this job's work is committed, in a short transaction of its own that
        waits for the others and sees their counts (:meth:`_progress_after_commit`). A crash between the
        two leaves the counter short of work that is done: :meth:`action_resume` counts it again."""
        self.ensure_one()
        self.flush_recordset(["progress_done", "progress_total", "state"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "UPDATE childcare_billing_run SET progress_done = progress_done + %s WHERE id = %s "
                        "RETURNING progress_done, progress_total",
                        count,
                        self.id,
                    ),
                    log_exceptions=False,
                )
                done, total = self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            self.env.cr.postcommit.add(functools.partial(self._progress_after_commit, count))
            return
        self.invalidate_recordset(["progress_done"])
        if done >= total:
            self._finish_step()

    def _progress_after_commit(self, count):
        """:meth:`_progress` in a transaction of its own, once the job's work is committed. Read committed:
        the update waits for a job that is counting and adds to its count instead of failing."""
        try:
            with self.env.registry.cursor() as cr:
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                run = self.with_env(self.env(cr=cr))
                cr.execute(
                    SQL(
                        "UPDATE childcare_billing_run SET progress_done = progress_done + %s WHERE id = %s "
                        "RETURNING progress_done, progress_total",
                        count,
                        run.id,
                    )
                )
                done, total = cr.fetchone()
                if done >= total:
                    run._finish_step()
        except Exception:
            # the work is committed: only its count is missing, which action_resume restores
            _logger.exception("Billing run %s: progress of %s not counted", self.id, count)

    def _finish_step(self):
        self.ensure_one()
        if self.state == "computing":
            self.state = "computed"
        elif self.state == "posting":
            self.state = "posted"
            self.message_post(
                body=_(
                    "%(count)s documents posted for %(month)s.",
                    count=self.move_count,
                    month=self.date_month.strftime("%m/%Y"),
                )
            )

    # ------------------------------------------------------------------ step 2: the invoices
    def action_post(self):
        """Invoice every household of the dry-run once (a correction run: the differences only)."""
        self._check_run_rights()
        for run in self:
            if run.state != "computed":
                raise UserError(_("Compute the run %s (dry-run) before posting it.", run.name))
            families = run.line_ids.filtered(lambda line: line.state == "ok").family_id
            structures = run._subsidy_structures()
            run.sudo().write(
                {"state": "posting", "progress_done": 0, "progress_total": len(families) + len(structures)}
            )
            for batch in split_every(self._batch_size("post"), families.ids):
                run.sudo().with_delay(description=f"{run.name}: invoice {len(batch)} households")._job_post(list(batch))
            if structures:
                run.sudo().with_delay(description=f"{run.name}: subsidies")._job_post_subsidy(structures.ids)
            if not families and not structures:
                run.sudo()._finish_step()
        return True

    def action_resume(self):
        """After a crash (workers killed mid-run): queue again the batches whose work is missing. Nothing is
        done twice: a household already invoiced by this run is skipped, a child already computed too."""
        self._check_run_rights()
        for run in self.sudo():
            if run.state == "computing":
                computed = run.line_ids.sheet_line_id
                sheets = run._check_billable(run.structure_ids)
                todo = sheets.line_ids - computed
                run.progress_done = run.progress_total - len(todo)
                for batch in split_every(self._batch_size("compute"), todo.ids):
                    run.with_delay()._job_compute(list(batch))
                if not todo:
                    run._finish_step()
            elif run.state == "posting":
                invoiced = run.move_ids.childcare_family_id
                families = run.line_ids.filtered(lambda line: line.state == "ok").family_id - invoiced
                structures = run._subsidy_structures() - run.move_ids.childcare_structure_id
                run.progress_done = run.progress_total - len(families) - len(structures)
                for batch in split_every(self._batch_size("post"), families.ids):
                    run.with_delay()._job_post(list(batch))
                if structures:
                    run.with_delay()._job_post_subsidy(structures.ids)
                if not families and not structures:
                    run._finish_step()
            else:
                raise UserError(_("Only a run being computed or invoiced can be resumed (%s).", run.name))
        return True

    def _job_post(self, family_ids):
        """Job: the documents of these households (one transaction). Households already invoiced by this run
        (an earlier attempt) are skipped; one that fails is recorded and the others are invoiced."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - a job: the rights were checked when it was queued
        Line = self.env["childcare.billing.run.line"]
        done = (
            self.env["account.move"]
            .search_fetch(
                [("childcare_run_id", "=", self.id), ("childcare_family_id", "in", family_ids)],
                ["childcare_family_id"],
            )
            .childcare_family_id
        )
        todo = self.env["childcare.family"].browse(family_ids) - done
        lines = Line.search([("run_id", "=", self.id), ("family_id", "in", todo.ids), ("state", "=", "ok")])
        lines_by_family = lines.grouped("family_id")
        invoiced = self._invoiced_by_child(todo)
        journal = self._sale_journal()
        cache = {}
        vals_list, line_groups, unchanged = [], [], Line
        for family in todo:
            family_lines = lines_by_family.get(family, Line)
            try:
                vals = self._move_vals(family, family_lines, invoiced.get(family.id, {}), journal, cache=cache)
            except UserError as exc:
                self.env["childcare.billing.run.failure"].create(
                    {"run_id": self.id, "family_id": family.id, "step": "post", "reason": str(exc.args[0])}
                )
                continue
            if vals is None:
                unchanged |= family_lines
                continue
            vals_list.append(vals)
            line_groups.append(family_lines)
        unchanged.write({"state": "unchanged"})
        if vals_list:
            try:
                with self.env.cr.savepoint():
                    self._post_documents(copy.deepcopy(vals_list), line_groups)
            except (UserError, ValidationError):
                # Odoo refused a document of the batch: each one on its own, so that only the refused ones fail
                for vals, family_lines in zip(vals_list, line_groups, strict=True):
                    try:
                        with self.env.cr.savepoint():
                            self._post_documents([vals], [family_lines])
                    except (UserError, ValidationError) as exc:
                        self.env["childcare.billing.run.failure"].create(
                            {
                                "run_id": self.id,
                                "family_id": vals["childcare_family_id"],
                                "step": "post",
                                "reason": str(exc.args[0]),
                            }
                        )
        self._progress(len(family_ids) - len(done))

    def _post_documents(self, vals_list, line_groups):
        """Create the documents of ``vals_list`` in one batch, link each group of run lines to its document,
        then post them all. Odoo's levers for a batch: no chatter message, follower or tracking per document
        (the run's chatter says what it posted), lines given with the values Odoo would compute (see
        :meth:`_move_vals`). Everything is written before posting, which locks the journal's numbering
        until the job commits: the jobs of other workers then wait the shortest time."""
        moves = self.env["account.move"].with_context(**MOVE_CONTEXT).create(vals_list)
        for move, family_lines in zip(moves, line_groups, strict=True):
            family_lines.write({"state": "invoiced", "move_id": move.id})
        self.env.flush_all()
        moves.action_post()
        return moves

    # ------------------------------------------------------------------ the subsidy side
    def _subsidy_structures(self):
        """The structures whose plan invoices the subsidy to a funding body (the CSA: the State)."""
        lines = self.line_ids.filtered(
            lambda line: line.state != "blocked" and line.plan_id.funding_partner_id and line.amount_subsidy
        )
        return lines.structure_id

    def _job_post_subsidy(self, structure_ids):
        """Job: per structure, the subsidy invoice of the month to the plan's funding body (a correction run:
        the difference), with the per-child detail as an XLSX annex. Structures already done are skipped."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - a job: the rights were checked when it was queued
        structures = self.env["childcare.structure"].browse(structure_ids) - self.move_ids.childcare_structure_id
        journal = self._sale_journal()
        for structure in structures:
            lines = self.line_ids.filtered(
                lambda line, s=structure: line.structure_id == s and line.state != "blocked" and line.amount_subsidy
            )
            plan = lines.plan_id[:1]
            previous = self.env["account.move.line"].search(
                [
                    ("move_id.childcare_structure_id", "=", structure.id),
                    ("move_id.childcare_period", "=", self.date_month),
                    ("move_id.state", "=", "posted"),
                    ("childcare_payer", "=", "subsidy"),
                    ("display_type", "=", "product"),
                ]
            )
            already = defaultdict(float)
            for move_line in previous:
                sign = -1 if move_line.move_id.move_type == "out_refund" else 1
                already[move_line.childcare_child_id.id] += sign * move_line.price_subtotal
            by_child = defaultdict(lambda: self.env["childcare.billing.run.line"])
            for line in lines:
                by_child[line.child_id.id] |= line
            differences = []
            for child_id in sorted(set(by_child) | set(already)):
                child_lines = by_child.get(child_id) or self.env["childcare.billing.run.line"]
                delta = self.currency_id.round(sum(child_lines.mapped("amount_subsidy")) - already.get(child_id, 0.0))
                if not self.currency_id.is_zero(delta):
                    differences.append((child_id, child_lines, delta))
            if not differences:
                continue
            total = sum(delta for _c, _l, delta in differences)
            sign = 1 if total > 0 else -1
            gettext = self.with_context(lang=plan.funding_partner_id.lang or self.env.lang).env._
            invoice_lines = []
            for child_id, child_lines, delta in differences:
                child = self.env["childcare.child"].browse(child_id)
                hours = sum(child_lines.mapped("hours_billed"))
                label = gettext("%(child)s: %(hours)s h", child=child.name, hours=round(hours, 2))
                invoice_lines.append(
                    Command.create(
                        {
                            "product_id": plan.product_id.id,
                            "name": label,
                            "quantity": 1.0,
                            "price_unit": sign * delta,
                            "tax_ids": [Command.clear()],
                            "childcare_child_id": child_id,
                            "childcare_structure_id": structure.id,
                            "childcare_plan_id": plan.id,
                            "childcare_period": self.date_month,
                            "childcare_payer": "subsidy",
                            "childcare_hours_billable": hours,
                            "childcare_subsidy_amount": delta,
                        }
                    )
                )
            move = (
                self.env["account.move"]
                .with_context(tracking_disable=True)
                .create(
                    {
                        "move_type": "out_invoice" if total > 0 else "out_refund",
                        "partner_id": plan.funding_partner_id.id,
                        "journal_id": journal.id,
                        "company_id": self.company_id.id,
                        "invoice_date": self.date_invoice or fields.Date.context_today(self),
                        "invoice_origin": f"{self.name} — {structure.name}",
                        "childcare_structure_id": structure.id,
                        "childcare_period": self.date_month,
                        "childcare_run_id": self.id,
                        "childcare_kind": "subsidy" if not previous else "correction",
                        "invoice_line_ids": invoice_lines,
                    }
                )
            )
            move.action_post()
            self.env["ir.attachment"].create(
                {
                    "name": f"{move.name.replace('/', '-')}-{structure.code or structure.id}-annex.xlsx",
                    "res_model": "account.move",
                    "res_id": move.id,
                    "raw": self._subsidy_annex(structure, lines),
                    "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
        self._progress(len(structure_ids))

    def _subsidy_annex(self, structure, lines):
        """The per-child detail of a structure's subsidy for the month, as an XLSX workbook (bytes)."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.date_month.strftime("%Y-%m"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "0.00"})
        sheet.write(0, 0, f"{structure.name} — {self.date_month.strftime('%m/%Y')}", bold)
        headers = [_("Child"), _("Household"), _("Billed hours"), _("Full cost"), _("Parent share"), _("Subsidy")]
        for col, header in enumerate(headers):
            sheet.write(2, col, header, bold)
        row = 2
        for row, line in enumerate(lines.sorted(lambda line: (line.child_id.name, line.id)), start=3):
            sheet.write(row, 0, line.child_id.name)
            sheet.write(row, 1, line.family_id.name)
            sheet.write_number(row, 2, line.hours_billed, money)
            sheet.write_number(row, 3, line.amount_total, money)
            sheet.write_number(row, 4, line.amount_parent, money)
            sheet.write_number(row, 5, line.amount_subsidy, money)
        sheet.write(row + 1, 0, _("Total"), bold)
        sheet.write_number(row + 1, 5, sum(lines.mapped("amount_subsidy")), money)
        sheet.set_column(0, 1, 28)
        sheet.set_column(2, 5, 14)
        workbook.close()
        return output.getvalue()

    def _sale_journal(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not journal:
            raise UserError(_("%s has no sales journal: install its chart of accounts first.", self.company_id.name))
        return journal

    def _invoiced_by_child(self, families):
        """{family id: {child id: parent amount already invoiced for the month, credit notes deducted}}."""
        lines = self.env["account.move.line"].search_fetch(
            [
                ("move_id.childcare_family_id", "in", families.ids),
                ("move_id.childcare_period", "=", self.date_month),
                ("move_id.company_id", "=", self.company_id.id),
                ("move_id.state", "=", "posted"),
                ("childcare_child_id", "!=", False),
                ("childcare_payer", "=", "parent"),
                ("display_type", "=", "product"),
            ],
            ["move_id", "childcare_child_id", "price_subtotal"],
        )
        lines.move_id.fetch(["move_type", "childcare_family_id"])
        result = defaultdict(lambda: defaultdict(float))
        for line in lines:
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            result[line.move_id.childcare_family_id.id][line.childcare_child_id.id] += sign * line.price_subtotal
        return result

    def _move_vals(self, family, lines, invoiced, journal, cache=None):
        """The values of the household's document: the monthly invoice, or for a month already invoiced one
        correction for the difference (an invoice or a credit note), or None when nothing changed.

        ``cache``: a dict shared by the households of a batch (what does not depend on the household)."""
        cache = {} if cache is None else cache
        currency = self.currency_id
        period = self.date_month.strftime("%m/%Y")
        family = family.sudo()
        if not family.partner_id:
            raise UserError(_("%s has no billing partner.", family.name))
        invoice_lines = []
        # the labels in the household's language
        lang = family.partner_id.lang or family.lang or self.env.lang
        gettext = cache.get(("gettext", lang))
        if gettext is None:
            gettext = cache[("gettext", lang)] = self.with_context(lang=lang).env._
        if not invoiced:
            kind, move_type = "invoice", "out_invoice"
            for line in lines.sorted(lambda line: (line.child_id.name, line.id)):
                invoice_lines.append(self._section(line))
                for quote_line in line.quote_lines or []:
                    if quote_line.get("payer") != "parent" or float_is_zero(
                        quote_line["amount"], precision_rounding=currency.rounding
                    ):
                        continue
                    invoice_lines.append(
                        self._product_line(
                            line,
                            fees.line_label(quote_line, gettext),
                            quote_line["quantity"],
                            quote_line["unit_price"],
                            cache=cache,
                        )
                    )
        else:
            differences = []
            children = set(invoiced) | set(lines.child_id.ids)
            for child_id in sorted(children):
                child_lines = lines.filtered(lambda line, c=child_id: line.child_id.id == c)
                new = sum(child_lines.mapped("amount_parent"))
                delta = currency.round(new - invoiced.get(child_id, 0.0))
                if not currency.is_zero(delta):
                    differences.append((child_id, child_lines[:1], delta))
            if not differences:
                return None
            total = currency.round(sum(delta for _c, _l, delta in differences))
            kind, move_type = "correction", "out_invoice" if total > 0 else "out_refund"
            sign = 1 if total > 0 else -1
            for child_id, line, delta in differences:
                child = self.env["childcare.child"].sudo().browse(child_id)
                label = gettext("Correction of %(month)s: %(child)s", month=period, child=child.name)
                invoice_lines.append(self._product_line(line, label, 1.0, sign * delta, child=child, cache=cache))
        if not invoice_lines:
            return None
        move_currency = journal.currency_id or self.company_id.currency_id
        self._line_amounts(move_type, move_currency, [vals for _c, _id, vals in invoice_lines], cache)
        return {
            "move_type": move_type,
            "partner_id": family.partner_id.id,
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "currency_id": move_currency.id,
            "invoice_date": self.date_invoice or fields.Date.context_today(self),
            "invoice_origin": self.name,
            "childcare_family_id": family.id,
            "childcare_period": self.date_month,
            "childcare_run_id": self.id,
            "childcare_kind": kind,
            "invoice_line_ids": invoice_lines,
        }

    def _line_amounts(self, move_type, currency, lines_vals, cache):
        """Give the product lines of a document (``lines_vals``: the values of its invoice lines) the amounts
        Odoo computes for them: Odoo's tax engine on the lines (total without taxes, rounded as Odoo rounds
        it, with the document's sign), and the analytic distribution of Odoo's models (none: empty). Odoo
        keeps the amounts given with the lines of a document without taxes instead of computing and writing
        them again (about 40 % of the time of creating the documents); it computes the rest (accounts,
        receivable line, due date) and posts. Only lines without taxes in the company's currency get their
        amounts: a document with taxes is computed by Odoo from start to end."""
        product_lines = [vals for vals in lines_vals if not vals.get("display_type")]
        company = self.company_id
        if currency != company.currency_id or any(vals["tax_ids"][0][2] for vals in product_lines):
            return
        AccountTax = self.env["account.tax"]
        Move = self.env["account.move"]
        if "no_distribution_model" not in cache:
            # without any analytic distribution model, Odoo's distribution of an invoice line is empty
            cache["no_distribution_model"] = (
                not self.env["account.analytic.distribution.model"].sudo().search_count([], limit=1)
            )
        # account.move.direction_sign
        sign = 1 if move_type == "entry" or move_type in Move.get_outbound_types(include_receipts=True) else -1
        base_lines = [
            AccountTax._prepare_base_line_for_taxes_computation(
                None,
                price_unit=vals["price_unit"],
                quantity=vals["quantity"],
                discount=0.0,
                currency_id=currency,
                tax_ids=AccountTax,
                product_id=self.env["product.product"].browse(vals["product_id"]),
                rate=1.0,
                sign=sign,
                is_refund=move_type in ("out_refund", "in_refund"),
            )
            for vals in product_lines
        ]
        for base_line in base_lines:
            AccountTax._add_tax_details_in_base_line(base_line, company)
        AccountTax._round_base_lines_tax_details(base_lines, company)
        for vals, base_line in zip(product_lines, base_lines, strict=True):
            details = base_line["tax_details"]
            vals["amount_currency"] = sign * (
                details["total_excluded_currency"] + details["delta_total_excluded_currency"]
            )
            vals["balance"] = sign * (details["total_excluded"] + details["delta_total_excluded"])
            if cache["no_distribution_model"]:
                vals["analytic_distribution"] = False

    def _section(self, line):
        child = line.child_id.sudo()
        name = f"{child.name} — {line.structure_id.sudo().name}"
        if line.custody_share < 100:
            name += " " + _("(custody share %s %%)", round(line.custody_share, 2))
        return Command.create({"display_type": "line_section", "name": name})

    def _product_line(self, line, label, quantity, unit_price, *, child=None, cache=None):
        cache = {} if cache is None else cache
        plan = line.plan_id.sudo()
        child = child or line.child_id
        taxes = cache.get(("taxes", plan.id))
        if taxes is None:
            taxes = cache[("taxes", plan.id)] = plan.product_id.taxes_id.filtered(
                lambda t: t.company_id == self.company_id
            ).ids
        return Command.create(
            {
                "product_id": plan.product_id.id,
                "name": label,
                "quantity": quantity,
                "price_unit": unit_price,
                "tax_ids": [Command.set(taxes)],
                "childcare_child_id": child.id,
                "childcare_structure_id": line.structure_id.id,
                "childcare_plan_id": plan.id,
                "childcare_period": self.date_month,
                "childcare_payer": "parent",
                "childcare_hours_contracted": line.hours_contracted,
                "childcare_hours_attended": line.hours_attended,
                "childcare_hours_billable": line.hours_billable,
                "childcare_hourly_rate": line.hourly_rate,
                "childcare_subsidy_amount": line.amount_subsidy,
                "childcare_parent_amount": line.amount_parent,
            }
        )

    # ------------------------------------------------------------------ views
    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Documents of %s", self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("childcare_run_id", "=", self.id)],
        }

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Lines of %s", self.name),
            "res_model": "childcare.billing.run.line",
            "view_mode": "list,pivot,graph",
            "domain": [("run_id", "=", self.id)],
            "context": {"search_default_filter_anomaly": 0},
        }
