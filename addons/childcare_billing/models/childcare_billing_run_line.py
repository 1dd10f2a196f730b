from odoo import api, fields, models

LINE_STATES = [
    ("ok", "To invoice"),
    ("blocked", "Held back"),
    ("invoiced", "Invoiced"),
    ("unchanged", "Nothing to correct"),
]


class ChildcareBillingRunLine(models.Model):
    """One child billed to one household for one month (a child in shared custody has one line per household,
    for its custody share): the inputs read, the engine's result, and the comparison with last month."""

    _name = "childcare.billing.run.line"
    _inherit = ["childcare.guard.mixin"]
    _description = "Billing run line (a child billed to a household for a month)"
    _order = "run_id, family_id, child_id, id"

    run_id = fields.Many2one("childcare.billing.run", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    date_month = fields.Date(related="run_id.date_month", store=True, string="Month")
    family_id = fields.Many2one("childcare.family", string="Household", required=True, index=True, readonly=True)
    child_id = fields.Many2one("childcare.child", required=True, index=True, readonly=True)
    structure_id = fields.Many2one("childcare.structure", required=True, index=True, readonly=True)
    enrollment_id = fields.Many2one("childcare.enrollment", string="Contract", readonly=True, index=True)
    sheet_line_id = fields.Many2one("childcare.attendance.sheet.line", string="Attendance totals", readonly=True)
    plan_id = fields.Many2one("childcare.rate.plan", string="Rate plan", readonly=True, index=True)
    scheme = fields.Selection(related="plan_id.scheme", store=True)
    custody_share = fields.Float(string="Custody share (%)", digits=(5, 2), readonly=True)
    days_present = fields.Integer(readonly=True)
    hours_contracted = fields.Float(string="Contracted hours", digits=(16, 2), readonly=True)
    hours_attended = fields.Float(string="Attended hours", digits=(16, 2), readonly=True)
    hours_billable = fields.Float(string="Billable hours", digits=(16, 2), readonly=True)
    hours_billed = fields.Float(string="Billed hours", digits=(16, 2), readonly=True, aggregator="sum")
    hourly_rate = fields.Float(digits=(16, 2), readonly=True, aggregator="avg")
    amount_parent = fields.Monetary(string="Parent share", readonly=True, aggregator="sum")
    amount_subsidy = fields.Monetary(string="Subsidy", readonly=True, aggregator="sum")
    amount_total = fields.Monetary(string="Full cost", readonly=True, aggregator="sum")
    quote_lines = fields.Json(readonly=True, help="The engine's lines (label, quantity, unit price, amount, payer).")
    quote_details = fields.Json(readonly=True, help="What the engine used (income, effort rate, free hours...).")
    previous_amount = fields.Monetary(string="Last month", readonly=True)
    previous_hours = fields.Float(string="Hours last month", digits=(16, 2), readonly=True)
    amount_delta = fields.Monetary(string="Change (amount)", readonly=True, aggregator="sum")
    hours_delta = fields.Float(string="Change (hours)", digits=(16, 2), readonly=True)
    is_no_attendance = fields.Boolean(string="No attendance", readonly=True)
    is_big_increase = fields.Boolean(string="+50 % on last month", readonly=True)
    is_missing_income = fields.Boolean(string="Missing income", readonly=True)
    is_missing_csa_rate = fields.Boolean(string="Missing CSA rate", readonly=True)
    is_zero_amount = fields.Boolean(string="Amount 0", readonly=True)
    has_anomaly = fields.Boolean(compute="_compute_has_anomaly", store=True, string="Anomaly")
    state = fields.Selection(LINE_STATES, required=True, default="ok", readonly=True, index=True)
    block_reason = fields.Char(readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True, index=True, copy=False)

    @api.depends(
        "is_no_attendance", "is_big_increase", "is_missing_income", "is_missing_csa_rate", "is_zero_amount", "state"
    )
    def _compute_has_anomaly(self):
        for line in self:
            line.has_anomaly = line.state == "blocked" or any(
                line[name]
                for name in (
                    "is_no_attendance",
                    "is_big_increase",
                    "is_missing_income",
                    "is_missing_csa_rate",
                    "is_zero_amount",
                )
            )

    @api.depends("family_id", "child_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.family_id.name} — {line.child_id.name}"


class ChildcareBillingRunFailure(models.Model):
    """A household the run could not bill, and why: the others are billed all the same."""

    _name = "childcare.billing.run.failure"
    _inherit = ["childcare.guard.mixin"]
    _description = "Household a billing run could not bill"
    _order = "run_id, id"

    run_id = fields.Many2one("childcare.billing.run", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    family_id = fields.Many2one("childcare.family", string="Household", index=True, readonly=True)
    child_id = fields.Many2one("childcare.child", readonly=True)
    step = fields.Selection([("compute", "Computation"), ("post", "Invoicing")], readonly=True)
    reason = fields.Text(readonly=True)
