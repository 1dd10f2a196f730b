import io
from collections import defaultdict

import xlsxwriter

from odoo import Command, api, fields, models
from odoo.addons.childcare_enrollment.tools.allocation import Applicant, Choice, allocate
from odoo.exceptions import UserError
from odoo.tools.translate import _

SCOPE_STATES = ("complete", "waiting")


class ChildcareCommission(models.Model):
    _name = "childcare.commission"
    _description = "Admission commission"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index=True,
    )
    date = fields.Date(string="Session date", required=True, default=fields.Date.context_today, tracking=True)
    date_start = fields.Date(
        string="Places at",
        required=True,
        tracking=True,
        help="Start date of the places allocated: places are counted at this date.",
    )
    date_to = fields.Date(
        string="Desired start until",
        required=True,
        tracking=True,
        help="Applications whose desired start lies on or before this date are in scope.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    structure_ids = fields.Many2many(
        "childcare.structure",
        "childcare_commission_structure_rel",
        "commission_id",
        "structure_id",
        string="Structures",
        check_company=True,
    )
    place_ids = fields.One2many("childcare.commission.place", "commission_id", string="Places")
    application_ids = fields.Many2many(
        "childcare.application",
        "childcare_commission_application_rel",
        "commission_id",
        "application_id",
        string="Applications in scope",
    )
    application_count = fields.Integer(compute="_compute_counts")
    placed_count = fields.Integer(compute="_compute_counts", string="Placed")
    waiting_count = fields.Integer(compute="_compute_counts", string="Waiting")
    offer_validity_days = fields.Integer(
        string="Offer valid (days)",
        default=lambda self: int(
            self.env["ir.config_parameter"].sudo().get_param("childcare_enrollment.offer_days", 14)
        ),
        help="Days a family has to accept an offer before it expires and goes to the next waiting application.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("allocated", "Allocated"), ("confirmed", "Offers sent"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
    )
    note = fields.Html()

    @api.depends("application_ids")
    def _compute_counts(self):
        placed = dict(
            self.env["childcare.application"]
            .sudo()
            ._read_group(
                [("commission_id", "in", self.ids), ("allocation_structure_id", "!=", False)],
                ["commission_id"],
                ["__count"],
            )
        )
        for commission in self:
            commission.application_count = len(commission.application_ids)
            commission.placed_count = placed.get(commission, 0)
            commission.waiting_count = commission.application_count - commission.placed_count

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("childcare.commission") or _("New")
            if vals.get("date_start") and not vals.get("date_to"):
                vals["date_to"] = vals["date_start"]
        return super().create(vals_list)

    # ------------------------------------------------------------------ loading
    def _scope_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("state", "in", SCOPE_STATES),
            ("date_start", "<=", self.date_to),
            ("choice_ids.structure_id", "in", self.structure_ids.ids),
        ]

    def _compute_places_taken(self):
        """{capacity id: places taken at ``date_start``} by running/draft contracts and open offers."""
        self.ensure_one()
        day = self.date_start
        capacities = self.structure_ids.capacity_ids
        taken = defaultdict(int)
        Enrollment = self.env["childcare.enrollment"].sudo()
        enrollments = Enrollment.search(
            [
                ("structure_id", "in", self.structure_ids.ids),
                ("state", "in", ("draft", "running")),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ]
        )
        for enrollment in enrollments:
            capacity = enrollment.structure_id.capacity_for_age(enrollment.child_id.age_months_on(day))
            if capacity:
                taken[capacity.id] += 1
        offers = (
            self.env["childcare.application"]
            .sudo()
            ._read_group(
                [
                    ("state", "in", ("offered", "accepted")),
                    ("enrollment_id", "=", False),
                    ("offer_capacity_id", "in", capacities.ids),
                ],
                ["offer_capacity_id"],
                ["__count"],
            )
        )
        for capacity, count in offers:
            taken[capacity.id] += count
        return taken

    def action_load_places(self):
        """(Re)compute the places per structure and age group: capacity minus what is taken at the start."""
        for commission in self:
            commission._check_draft()
            taken = commission._compute_places_taken()
            existing = {place.capacity_id: place for place in commission.place_ids}
            commands = []
            for capacity in commission.structure_ids.capacity_ids:
                free = max(capacity.places - taken[capacity.id], 0)
                vals = {"places_taken": taken[capacity.id], "places_available": free}
                if capacity in existing:
                    commands.append(Command.update(existing.pop(capacity).id, vals))
                else:
                    commands.append(
                        Command.create({"structure_id": capacity.structure_id.id, "capacity_id": capacity.id, **vals})
                    )
            commands += [Command.delete(place.id) for place in existing.values()]
            commission.place_ids = commands
        return True

    def action_load_applications(self):
        for commission in self:
            commission._check_draft()
            commission.application_ids = [
                Command.set(self.env["childcare.application"].search(commission._scope_domain()).ids)
            ]
        return True

    def _check_draft(self):
        if self.state not in ("draft", "allocated"):
            raise UserError(_("The session %s is closed: its places and applications can no longer change.", self.name))

    # ------------------------------------------------------------------ allocation
    def _check_no_concurrent_session(self):
        """Two sessions never hold the same places: while a session has allocated places it has not sent as
        offers yet, no other session over one of its structures allocates (places would be given twice)."""
        for commission in self:
            # sudo: the clash must be found even in a session the user cannot read; only its name is shown
            other = self.sudo().search(
                [
                    ("id", "!=", commission.id),
                    ("company_id", "=", commission.company_id.id),
                    ("state", "=", "allocated"),
                    ("structure_ids", "in", commission.structure_ids.ids),
                ],
                limit=1,
            )
            if other:
                raise UserError(
                    _(
                        "The session %(other)s has allocated places in %(structures)s that are not offered yet: "
                        "send its offers or set it back to draft before allocating %(session)s.",
                        other=other.name,
                        structures=", ".join((other.structure_ids & commission.structure_ids).mapped("name")),
                        session=commission.name,
                    )
                )

    def action_allocate(self):
        """Load what is missing, run the deterministic allocation and explain every decision."""
        for commission in self:
            commission._check_draft()
            commission._check_no_concurrent_session()
            if not commission.structure_ids:
                raise UserError(_("Choose the structures of the session %s first.", commission.name))
            if not commission.place_ids:
                commission.action_load_places()
            commission.action_load_applications()
            commission._allocate()
            commission.state = "allocated"
        return True

    def _allocate(self):
        self.ensure_one()
        applications = self.application_ids
        structures = self.structure_ids
        in_session = set(structures.ids)
        places = {(p.structure_id.id, p.capacity_id.id): p.places_available for p in self.place_ids}
        # Read everything up front as plain values (one query per model), then decide, then write.
        choice_rows = applications.choice_ids.read(
            ["application_id", "rank", "structure_id", "capacity_id", "allocation_status", "waiting_position"],
            load=None,
        )
        by_app = defaultdict(list)
        for row in choice_rows:
            by_app[row["application_id"]].append(row)
        applicants = []
        for row in applications.read(["score", "date_submitted"], load=None):
            ranked = sorted(by_app[row["id"]], key=lambda c: (c["rank"], c["id"]))
            applicants.append(
                Applicant(
                    key=row["id"],
                    score=row["score"],
                    submitted=row["date_submitted"],
                    choices=tuple(
                        Choice(c["structure_id"], c["capacity_id"] or None)
                        for c in ranked
                        if c["structure_id"] in in_session
                    ),
                )
            )
        result = allocate(applicants, places)

        # Write the results grouped by identical values: a few hundred writes for thousands of applications.
        # The rank shown is the family's own rank of the structure that gave the place (the allocation
        # only saw the choices inside this session, ranked among themselves).
        family_rank = {(row["application_id"], row["structure_id"]): row["rank"] for row in choice_rows}
        Application = self.env["childcare.application"]
        app_groups = defaultdict(list)
        for decision in result.decisions.values():
            key = (
                decision.structure or False,
                decision.age_group if decision.structure else False,
                family_rank.get((decision.key, decision.structure), 0) if decision.structure else 0,
            )
            app_groups[key].append(decision.key)
        for (structure_id, capacity_id, rank), ids in app_groups.items():
            Application.browse(ids).write(
                {
                    "commission_id": self.id,
                    "allocation_structure_id": structure_id,
                    "allocation_capacity_id": capacity_id,
                    "allocation_rank": rank,
                }
            )
        choice_groups = defaultdict(list)
        for decision in result.decisions.values():
            skipped = {s: reason for (_r, s, _g, reason) in decision.skipped}
            waiting = {s: position for (_r, s, _g, position) in decision.waiting}
            for choice in by_app[decision.key]:
                sid = choice["structure_id"]
                if sid == decision.structure:
                    key = ("placed", 0)
                elif sid in waiting:
                    key = ("waiting", waiting[sid])
                elif sid in skipped:
                    key = (skipped[sid], 0)
                else:
                    key = ("not_reached", 0)
                if (choice["allocation_status"], choice["waiting_position"]) != key:
                    choice_groups[key].append(choice["id"])
        ChoiceModel = self.env["childcare.application.choice"]
        for (status, position), ids in choice_groups.items():
            ChoiceModel.browse(ids).write({"allocation_status": status, "waiting_position": position})
        waiting_count = defaultdict(int)
        for decision in result.decisions.values():
            for _r, s, g, _p in decision.waiting:
                waiting_count[(s, g)] += 1
        for place in self.place_ids:
            key = (place.structure_id.id, place.capacity_id.id)
            values = {"cutoff_score": result.cutoffs.get(key, 0.0), "waiting_count": waiting_count[key]}
            if any(place[name] != value for name, value in values.items()):
                place.write(values)
        return result

    # ------------------------------------------------------------------ confirmation
    def action_confirm(self):
        """Check the allocation against the places and send the offers; the others join the waiting list."""
        for commission in self:
            if commission.state != "allocated":
                raise UserError(_("Run the allocation of %s before sending the offers.", commission.name))
            commission._check_no_concurrent_session()
            over = commission.place_ids.filtered(lambda p: p.places_allocated > p.places_available)
            if over:
                raise UserError(
                    _(
                        "The session allocates more places than available: %s. Run the allocation again.",
                        ", ".join(
                            f"{p.structure_id.name} / {p.capacity_id.name} "
                            f"({p.places_allocated} > {p.places_available})"
                            for p in over
                        ),
                    )
                )
            applications = commission.application_ids
            stale = applications.filtered(lambda a: a.state not in SCOPE_STATES)
            if stale:
                raise UserError(
                    _(
                        "These applications changed since the allocation: %s. Run the allocation again.",
                        ", ".join(stale.mapped("name")),
                    )
                )
            deadline = applications._offer_deadline(commission.offer_validity_days)
            placed = applications.filtered("allocation_structure_id")
            for application in placed:
                application._make_offer(
                    application.allocation_structure_id, application.allocation_capacity_id, deadline
                )
            (applications - placed).filtered(lambda a: a.state != "waiting").state = "waiting"
            commission.state = "confirmed"
        return True

    def action_cancel(self):
        if any(c.state == "confirmed" for c in self):
            raise UserError(_("Offers were sent: a confirmed session cannot be cancelled."))
        self.state = "cancelled"
        return True

    def action_reset_draft(self):
        if any(c.state != "allocated" for c in self):
            raise UserError(_("Only an allocated session goes back to draft."))
        self.state = "draft"
        return True

    def action_view_applications(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Applications of %s", self.name),
            "res_model": "childcare.application",
            "view_mode": "list,kanban,form",
            "domain": [("id", "in", self.application_ids.ids)],
        }

    def action_print_waiting_list(self):
        return self.env.ref("childcare_enrollment.action_report_waiting_list").report_action(self)

    def action_export_waiting_list(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/childcare/commission/{self.id}/waiting_list.xlsx",
            "target": "self",
        }

    # ------------------------------------------------------------------ waiting list
    def _waiting_list_rows(self):
        """{structure: [choice, ...]} the waiting choices of this session, in waiting-list order, for the
        structures the user may read (structure staff: their own; municipal staff: all)."""
        self.ensure_one()
        readable = self.structure_ids._filtered_access("read")
        # sudo: the names of the structures and age groups of the user's own waiting lists
        choices = (
            self.application_ids.choice_ids.sudo()
            .filtered(lambda c: c.structure_id in readable)
            .filtered(
                lambda c: (
                    c.allocation_status == "waiting"
                    and c.application_id.state in ("complete", "waiting")
                    and c.application_id.commission_id == self
                )
            )
        )
        rows = defaultdict(list)
        for choice in choices.sorted(lambda c: (c.structure_id.name, c.structure_id.id, c.waiting_position)):
            rows[choice.structure_id.with_env(self.env)].append(choice.with_env(self.env))
        return rows

    def _waiting_list_xlsx(self):
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        headers = [
            _("Position"),
            _("Application"),
            _("Child"),
            _("Age group"),
            _("Choice"),
            _("Score"),
            _("Submitted on"),
            _("Desired start"),
        ]
        rows = self._waiting_list_rows()
        if not rows:
            workbook.add_worksheet(_("Waiting list"))
        for structure, choices in rows.items():
            title = "".join(ch for ch in (structure.code or structure.name) if ch not in "[]:*?/\\")[:31]
            sheet = workbook.add_worksheet(title or str(structure.id))
            sheet.write(0, 0, f"{self.name} — {structure.name}", bold)
            for col, header in enumerate(headers):
                sheet.write(2, col, header, bold)
            for row, choice in enumerate(choices, start=3):
                application = choice.application_id
                sheet.write_number(row, 0, choice.waiting_position)
                sheet.write(row, 1, application.name)
                # sudo: the child's name is part of the shared application the user reads
                sheet.write(row, 2, application.sudo().child_id.name)
                sheet.write(row, 3, choice.capacity_id.name or "")
                sheet.write_number(row, 4, choice.rank)
                sheet.write_number(row, 5, application.score)
                if application.date_submitted:
                    sheet.write_datetime(row, 6, application.date_submitted, date_format)
                sheet.write_datetime(row, 7, application.date_start, date_format)
            sheet.set_column(1, 2, 24)
            sheet.set_column(3, 7, 14)
        workbook.close()
        return output.getvalue()
