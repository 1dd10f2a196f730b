from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import _

from .childcare_enrollment_schedule import WEEKDAYS


class ChildcareEnrollment(models.Model):
    _name = "childcare.enrollment"
    _description = "Placement contract"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    # The contract's terms are set by municipal staff; structure staff read them and add notes.
    _childcare_manager_fields = (
        "child_id",
        "structure_id",
        "family_id",
        "date_start",
        "date_end",
        "schedule_line_ids",
        "rate_plan_ref",
    )
    # The state moves only through action_start / action_end / action_reset_draft (municipal staff).
    _childcare_system_fields = ("state",)

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index=True,
    )
    child_id = fields.Many2one("childcare.child", required=True, index=True, tracking=True, check_company=True)
    structure_id = fields.Many2one(
        "childcare.structure",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    family_id = fields.Many2one(
        "childcare.family",
        compute="_compute_family_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="The household that signs the contract; by default the child's main family.",
    )
    company_id = fields.Many2one(related="structure_id.company_id", store=True, index=True, string="Municipality")
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("ended", "Ended")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    schedule_line_ids = fields.One2many(
        "childcare.enrollment.schedule",
        "enrollment_id",
        string="Weekly schedule",
        copy=True,
    )
    hours_per_week = fields.Float(
        string="Contracted hours per week",
        compute="_compute_hours_per_week",
        store=True,
        digits=(6, 2),
    )
    rate_plan_ref = fields.Char(
        string="Rate plan",
        tracking=True,
        help="Reference of the rate plan (defined by the billing addon).",
    )
    application_id = fields.Many2one("childcare.application", index=True, readonly=True, copy=False)
    note = fields.Html(groups="base.group_user", help="Internal note: never shown to the family.")

    @api.depends("child_id")
    def _compute_family_id(self):
        for enrollment in self:
            if not enrollment.family_id or enrollment.family_id not in enrollment.child_id.family_ids:
                enrollment.family_id = enrollment.child_id.family_id

    @api.depends("schedule_line_ids.hours")
    def _compute_hours_per_week(self):
        for enrollment in self:
            enrollment.hours_per_week = round(sum(enrollment.schedule_line_ids.mapped("hours")), 2)

    @api.depends("child_id", "structure_id", "name")
    def _compute_display_name(self):
        for enrollment in self:
            enrollment.display_name = (
                f"{enrollment.name} — {enrollment.child_id.name or ''} ({enrollment.structure_id.name or ''})"
            )

    # ------------------------------------------------------------------ constraints
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for enrollment in self:
            if enrollment.date_end and enrollment.date_end < enrollment.date_start:
                raise ValidationError(
                    _(
                        "The contract %(ref)s ends (%(end)s) before it starts (%(start)s).",
                        ref=enrollment.name,
                        end=enrollment.date_end,
                        start=enrollment.date_start,
                    )
                )

    @api.constrains("state", "child_id", "structure_id", "date_start", "date_end")
    def _check_overlap(self):
        running = self.filtered(lambda e: e.state == "running")
        if not running:
            return
        # sudo: a clash must be found even with a contract the current user cannot read.
        others = (
            self.sudo().search(
                [
                    ("state", "=", "running"),
                    ("child_id", "in", running.child_id.ids),
                    ("structure_id", "in", running.structure_id.ids),
                    ("id", "not in", running.ids),
                ]
            )
            | running.sudo()
        )
        for enrollment in running:
            for other in others:
                if other.id == enrollment.id or (other.child_id, other.structure_id) != (
                    enrollment.child_id,
                    enrollment.structure_id,
                ):
                    continue
                if (not other.date_end or other.date_end >= enrollment.date_start) and (
                    not enrollment.date_end or enrollment.date_end >= other.date_start
                ):
                    raise ValidationError(
                        _(
                            "%(child)s already has a running contract in %(structure)s (%(other)s) over the same "
                            "period.",
                            child=enrollment.child_id.name,
                            structure=enrollment.structure_id.name,
                            other=other.name,
                        )
                    )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("childcare.enrollment") or _("New")
        return super().create(vals_list)

    # ------------------------------------------------------------------ transitions
    def _check_transition_rights(self):
        """Contracts start, end and go back to draft by municipal staff only, on contracts they may write."""
        if not self.env.su and not self.env.user.has_group("childcare_base.group_childcare_manager"):
            raise AccessError(_("Only municipal staff may start, end or reopen a placement contract."))
        self.check_access("write")

    def action_start(self):
        self._check_transition_rights()
        if any(e.state != "draft" for e in self):
            raise UserError(_("Only draft contracts can start."))
        # sudo: the state is a system field; the rights were checked above
        self.sudo().state = "running"
        self.application_id.filtered(lambda a: a.state == "accepted").state = "enrolled"
        return True

    def action_end(self):
        self._check_transition_rights()
        if any(e.state != "running" for e in self):
            raise UserError(_("Only running contracts can end."))
        today = fields.Date.context_today(self)
        for enrollment in self:
            vals = {"state": "ended"}
            if not enrollment.date_end or enrollment.date_end > today:
                vals["date_end"] = max(today, enrollment.date_start)
            # sudo: the state is a system field; the rights were checked above
            enrollment.sudo().write(vals)
        return True

    def action_reset_draft(self):
        self._check_transition_rights()
        if any(e.state == "draft" for e in self):
            raise UserError(_("The contract is already a draft."))
        # sudo: the state is a system field; the rights were checked above
        self.sudo().state = "draft"
        return True

    # ------------------------------------------------------------------ planning
    def _is_active_on(self, day):
        self.ensure_one()
        return self.date_start <= day and (not self.date_end or day <= self.date_end)

    def _expected_slots(self, day):
        """[(hour_from, hour_to)] planned on ``day`` by the weekly schedule; [] outside the contract dates."""
        self.ensure_one()
        if not day or not self._is_active_on(day):
            return []
        weekday = str(day.weekday())
        return sorted((line.hour_from, line.hour_to) for line in self.schedule_line_ids if line.weekday == weekday)

    def _expected_hours(self, day):
        """Hours planned on ``day`` by the weekly schedule (0 outside the contract dates)."""
        return round(sum(hour_to - hour_from for hour_from, hour_to in self._expected_slots(day)), 2)

    @api.model
    def _weekday_label(self, weekday):
        return dict(WEEKDAYS)[weekday]
