from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.addons.childcare_enrollment.tools.allocation import Applicant, sort_key
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import _

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("complete", "Complete"),
    ("offered", "Offered"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("expired", "Expired"),
    ("waiting", "Waiting list"),
    ("enrolled", "Enrolled"),
    ("cancelled", "Cancelled"),
]
# An application in one of these states blocks a second one for the same child and start period.
ACTIVE_STATES = ("draft", "submitted", "complete", "offered", "accepted", "waiting", "enrolled")
# The points of these applications still follow the answers; later they are frozen.
OPEN_STATES = ("draft", "submitted", "complete", "waiting")


class ChildcareApplication(models.Model):
    _name = "childcare.application"
    _description = "Childcare pre-registration"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "score desc, date_submitted, id"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index=True,
    )
    child_id = fields.Many2one(
        "childcare.child",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    child_birthdate = fields.Date(related="child_id.birthdate")
    family_id = fields.Many2one(
        "childcare.family",
        compute="_compute_family_id",
        store=True,
        readonly=False,
        required=True,
        index=True,
        precompute=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    date_start = fields.Date(string="Desired start", required=True, tracking=True)
    start_period = fields.Char(
        compute="_compute_start_period",
        store=True,
        index=True,
        help="School year of the desired start (September to August): one active file per child and period.",
    )
    need_days_per_week = fields.Integer(string="Days per week", default=5)
    need_hours_per_day = fields.Float(string="Hours per day", default=9.0)
    schedule_line_ids = fields.One2many(
        "childcare.enrollment.schedule",
        "application_id",
        string="Weekly schedule",
        help="Optional detailed weekly schedule; otherwise days × hours per day.",
    )
    hours_per_week = fields.Float(compute="_compute_hours_per_week", store=True, digits=(6, 2))
    choice_ids = fields.One2many("childcare.application.choice", "application_id", string="Choices", copy=True)
    first_choice_id = fields.Many2one(
        "childcare.structure",
        compute="_compute_first_choice_id",
        store=True,
        string="First choice",
        index=True,
    )
    has_disability = fields.Boolean(
        string="Disability", tracking=True, help="The child has a recognised disability or special needs."
    )
    has_social_referral = fields.Boolean(string="Social-service referral", tracking=True)
    point_ids = fields.One2many("childcare.application.point", "application_id", string="Points")
    score = fields.Float(compute="_compute_score", store=True, digits=(8, 2), tracking=True, index=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, index=True, copy=False)
    date_submitted = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    # Result of the last commission
    commission_id = fields.Many2one("childcare.commission", readonly=True, copy=False, index=True)
    allocation_structure_id = fields.Many2one(
        "childcare.structure", string="Allocated structure", readonly=True, copy=False, index=True
    )
    allocation_capacity_id = fields.Many2one(
        "childcare.structure.capacity", string="Allocated age group", readonly=True, copy=False
    )
    allocation_rank = fields.Integer(string="Allocated choice", readonly=True, copy=False)
    allocation_order = fields.Integer(
        string="Order in session",
        compute="_compute_allocation_note",
        help="Position of the application in the commission's order (score, then submission date).",
    )
    allocation_note = fields.Text(string="Decision explained", compute="_compute_allocation_note")
    # Offer
    offer_structure_id = fields.Many2one(
        "childcare.structure", string="Offered structure", readonly=True, copy=False, tracking=True, index=True
    )
    offer_capacity_id = fields.Many2one(
        "childcare.structure.capacity", string="Offered age group", readonly=True, copy=False
    )
    offer_deadline = fields.Date(readonly=True, copy=False, tracking=True)
    enrollment_id = fields.Many2one("childcare.enrollment", string="Placement contract", readonly=True, copy=False)
    note = fields.Html(groups="base.group_user", help="Internal note: never shown to the family.")

    # ------------------------------------------------------------------ computes
    @api.depends("child_id")
    def _compute_family_id(self):
        for application in self:
            if not application.family_id or application.family_id not in application.child_id.family_ids:
                application.family_id = application.child_id.family_id

    @api.depends("date_start")
    def _compute_start_period(self):
        for application in self:
            day = application.date_start
            if not day:
                application.start_period = False
                continue
            first = day.year if day.month >= 9 else day.year - 1
            application.start_period = f"{first}-{first + 1}"

    @api.depends("schedule_line_ids.hours", "need_days_per_week", "need_hours_per_day")
    def _compute_hours_per_week(self):
        for application in self:
            if application.schedule_line_ids:
                application.hours_per_week = round(sum(application.schedule_line_ids.mapped("hours")), 2)
            else:
                application.hours_per_week = round(application.need_days_per_week * application.need_hours_per_day, 2)

    @api.depends("choice_ids.rank", "choice_ids.structure_id")
    def _compute_first_choice_id(self):
        for application in self:
            application.first_choice_id = application.choice_ids.sorted(lambda c: (c.rank, c.id))[:1].structure_id

    @api.depends("point_ids.points")
    def _compute_score(self):
        for application in self:
            application.score = round(sum(application.point_ids.mapped("points")), 2)

    @api.depends("commission_id", "choice_ids.allocation_status", "choice_ids.waiting_position")
    def _compute_allocation_note(self):
        """The commission's order and the explanation of its decision, from the stored choice statuses."""
        orders = {}
        # sudo: the order in the session counts every application of it, also those the user cannot read.
        for commission in self.commission_id.sudo():
            ranked = commission.application_ids.filtered(lambda a, c=commission: a.commission_id == c)
            ranked = ranked.sorted(lambda a: sort_key(Applicant(a.id, a.score, a.date_submitted, ())))
            orders[commission.id] = ({app.id: index for index, app in enumerate(ranked, start=1)}, len(ranked))
        for application in self:
            commission = application.commission_id
            if not commission or application.id not in orders.get(commission.id, ({},))[0]:
                application.allocation_order = 0
                application.allocation_note = False
                continue
            positions, total = orders[commission.id]
            application.allocation_order = positions[application.id]
            application.allocation_note = application._explain_decision(positions[application.id], total)

    def _explain_decision(self, order, total):
        self.ensure_one()
        # sudo: the cut-offs of every chosen structure explain the decision, also to the staff of one of them.
        places = self.commission_id.sudo().place_ids
        cutoffs = {place.capacity_id: place.cutoff_score for place in places}
        available = {place.capacity_id: place.places_available for place in places}
        lines = [
            _(
                "Score %(score)s: position %(order)s of %(total)s in the session (score, then submission date).",
                score=self.score,
                order=order,
                total=total,
            )
        ]
        waiting = []
        # sudo: whoever reads the application reads the names of all its chosen structures and age groups
        # (the single pre-registration is shared by every chosen structure), and nothing else of them.
        for choice in self.choice_ids.sudo().sorted(lambda c: (c.rank, c.id)):
            values = {
                "rank": choice.rank,
                "structure": choice.structure_id.name,
                "group": choice.capacity_id.name or "",
                "cutoff": cutoffs.get(choice.capacity_id, 0.0),
                "position": choice.waiting_position,
            }
            status = choice.allocation_status
            if status == "waiting" and not available.get(choice.capacity_id):
                status = "no_places_waiting"
            if status == "no_age_group":
                lines.append(
                    _("Choice %(rank)s, %(structure)s: takes no child of this age at the start date.", **values)
                )
            elif status in ("full", "waiting"):
                lines.append(
                    _(
                        "Choice %(rank)s, %(structure)s (%(group)s): full — every place went to "
                        "applications ranked before; cut-off score %(cutoff)s.",
                        **values,
                    )
                )
            elif status in ("no_places", "no_places_waiting"):
                lines.append(
                    _("Choice %(rank)s, %(structure)s (%(group)s): no place available in this session.", **values)
                )
            elif status == "placed":
                lines.append(_("Choice %(rank)s, %(structure)s (%(group)s): place given.", **values))
            elif status == "not_reached" and choice.structure_id not in self.commission_id.sudo().structure_ids:
                lines.append(_("Choice %(rank)s, %(structure)s: not in this session.", **values))
            if status in ("waiting", "no_places_waiting"):
                waiting.append(_("Waiting list of %(structure)s (choice %(rank)s): position %(position)s.", **values))
        if not self.allocation_structure_id:
            lines += waiting or [_("No chosen structure of the session can take the child: not on any waiting list.")]
        return "\n".join(lines)

    @api.depends("name", "child_id")
    def _compute_display_name(self):
        # sudo: whoever reads the application (staff of every chosen structure) reads whose it is
        for application in self:
            application.display_name = f"{application.name} — {application.sudo().child_id.name or ''}"

    # ------------------------------------------------------------------ constraints
    @api.constrains("child_id", "start_period", "state")
    def _check_one_active_per_period(self):
        active = self.filtered(lambda a: a.state in ACTIVE_STATES)
        if not active:
            return
        # sudo: the duplicate must be found even when it was filed in a structure the user cannot see.
        others = self.sudo().search(
            [
                ("child_id", "in", active.child_id.ids),
                ("start_period", "in", list(set(active.mapped("start_period")))),
                ("state", "in", ACTIVE_STATES),
            ],
            order="id",
        )
        first_by_key = {}
        for other in others:
            first_by_key.setdefault((other.child_id.id, other.start_period), []).append(other)
        for application in active:
            first = next(
                (
                    o
                    for o in first_by_key.get((application.child_id.id, application.start_period), [])
                    if o.id != application.id
                ),
                None,
            )
            if first:
                raise ValidationError(
                    _(
                        "%(child)s already has an application for %(period)s: %(ref)s (%(state)s). Complete or "
                        "change that file instead of filing a second one.",
                        child=application.child_id.name,
                        period=application.start_period,
                        ref=first.name,
                        state=self._state_labels()[first.state],
                    )
                )

    @api.constrains("date_start")
    def _check_date_start(self):
        today = fields.Date.context_today(self)
        for application in self:
            if application.state in OPEN_STATES and application.date_start < today:
                raise ValidationError(
                    _(
                        "The desired start date (%(date)s) of %(ref)s lies in the past.",
                        date=application.date_start,
                        ref=application.name,
                    )
                )

    @api.constrains("choice_ids", "date_start", "child_id", "state")
    def _check_choices(self):
        for application in self:
            if application.state == "cancelled":
                continue
            structures = application.choice_ids.structure_id
            if len(structures) != len(application.choice_ids):
                raise ValidationError(_("%s: each structure can be chosen only once.", application.name))
            if application.state == "draft" and not application.choice_ids:
                continue
            if not application.choice_ids:
                raise ValidationError(_("%s: choose at least one structure.", application.name))
            if not application.choice_ids.filtered("capacity_id"):
                age = application.child_id.age_months_on(application.date_start)
                raise ValidationError(
                    _(
                        "%(child)s will be %(age)s months old on %(date)s: none of the chosen structures "
                        "(%(structures)s) takes children of that age.",
                        child=application.child_id.name,
                        age=age,
                        date=application.date_start,
                        structures=", ".join(structures.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("childcare.application") or _("New")
        applications = super().create(vals_list)
        applications._refresh_points()
        return applications

    # ------------------------------------------------------------------ points
    def _criteria(self):
        return (
            self.env["childcare.priority.criterion"]
            .sudo()
            .search(
                [
                    ("company_id", "in", [False, *self.company_id.ids]),
                ]
            )
        )

    def _rule_met(self, rule):
        """Whether the computed criterion ``rule`` holds for this application (data of the family)."""
        self.ensure_one()
        family = self.family_id.sudo()
        guardians = family.guardian_ids
        rules = {
            "resident": lambda: family.is_resident,
            "single_parent": lambda: len(guardians) == 1,
            "working_parents": lambda: bool(guardians) and all(guardians.mapped("is_working_or_studying")),
            "disability": lambda: self.has_disability,
            "social_referral": lambda: self.has_social_referral,
            "sibling": self._has_sibling_in_choices,
        }
        return bool(rules[rule]()) if rule in rules else False

    def _has_sibling_in_choices(self):
        siblings = self.family_id.sudo().child_ids - self.child_id
        return bool(siblings) and bool(
            self.env["childcare.enrollment"]
            .sudo()
            .search_count(
                [
                    ("child_id", "in", siblings.ids),
                    ("structure_id", "in", self.choice_ids.structure_id.ids),
                    ("state", "in", ("draft", "running")),
                ],
                limit=1,
            )
        )

    def _refresh_points(self):
        """Create the missing criterion lines and re-evaluate the computed ones (open applications only)."""
        open_apps = self.filtered(lambda a: a.state in OPEN_STATES)
        if not open_apps:
            return
        criteria = open_apps._criteria()
        Point = self.env["childcare.application.point"].sudo()
        to_create = []
        for application in open_apps:
            lines = {line.criterion_id: line for line in application.sudo().point_ids if line.criterion_id}
            for criterion in criteria.filtered(
                lambda c, app=application: not c.company_id or c.company_id == app.company_id
            ):
                is_met = criterion.apply_mode == "computed" and application._rule_met(criterion.computed_rule)
                line = lines.get(criterion)
                if line is None:
                    to_create.append({"application_id": application.id, "criterion_id": criterion.id, "is_met": is_met})
                else:
                    vals = {
                        "points": criterion._points_for(
                            is_met if criterion.apply_mode == "computed" else line.is_met, line.value
                        )
                    }
                    if criterion.apply_mode == "computed":
                        vals["is_met"] = is_met
                    if any(line[name] != value for name, value in vals.items()):
                        line.write(vals)
        if to_create:
            Point.create(to_create)

    def action_refresh_points(self):
        # _refresh_points writes under sudo: only who may change these applications may trigger it
        self.check_access("write")
        self._refresh_points()
        return True

    # ------------------------------------------------------------------ transitions
    def _state_labels(self):
        """{state: label} in the user's language."""
        return dict(self._fields["state"]._description_selection(self.env))

    def _check_state(self, allowed, action):
        wrong = self.filtered(lambda a: a.state not in allowed)
        if wrong:
            raise UserError(
                _(
                    "%(action)s is not possible for %(refs)s in state %(state)s.",
                    action=action,
                    refs=", ".join(wrong.mapped("name")),
                    state=self._state_labels()[wrong[0].state],
                )
            )

    def action_submit(self):
        self._check_state(("draft",), _("Submitting"))
        for application in self:
            if not application.choice_ids:
                raise UserError(_("%s: choose at least one structure before submitting.", application.name))
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        self._check_date_start()
        self._refresh_points()
        return True

    def action_complete(self):
        self._check_state(("submitted",), _("Marking the documents as checked"))
        self.state = "complete"
        self._refresh_points()
        return True

    def action_cancel(self):
        self._check_state(("draft", "submitted", "complete", "waiting", "offered", "accepted"), _("Cancelling"))
        offered = self.filtered(lambda a: a.state == "offered")
        self.state = "cancelled"
        offered._release_places()
        return True

    def action_reset_draft(self):
        self._check_state(("submitted", "cancelled"), _("Resetting to draft"))
        self.write({"state": "draft", "date_submitted": False})
        return True

    # ------------------------------------------------------------------ offers
    def _offer_deadline(self, days=None):
        if days is None:
            days = int(self.env["ir.config_parameter"].sudo().get_param("childcare_enrollment.offer_days", 14))
        return fields.Date.context_today(self) + timedelta(days=days)

    def _make_offer(self, structure, capacity, deadline):
        """Offer a place in ``structure`` (age group ``capacity``) until ``deadline`` and mail the family."""
        self.ensure_one()
        self.write(
            {
                "state": "offered",
                "offer_structure_id": structure.id,
                "offer_capacity_id": capacity.id,
                "offer_deadline": deadline,
            }
        )
        template = self.env.ref("childcare_enrollment.mail_template_application_offer", raise_if_not_found=False)
        if template:
            family = self.family_id.sudo()
            partners = family.guardian_ids.partner_id.filtered("email") or family.partner_id
            # sudo: the family is mailed by the municipality whoever triggers the offer (a cron, a decline).
            self.sudo().message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=partners.ids,
            )

    def _release_places(self):
        """The offers of ``self`` are no longer held: offer each place to the next waiting application."""
        for application in self:
            structure, capacity = application.offer_structure_id, application.offer_capacity_id
            if not structure:
                continue
            nxt = self._next_waiting(structure, capacity)
            if nxt:
                nxt._make_offer(
                    structure, capacity, nxt._offer_deadline(application.commission_id.offer_validity_days or None)
                )
                nxt.message_post(
                    body=_(
                        "Place in %(structure)s released by %(ref)s: offered to this application, next on the "
                        "waiting list.",
                        structure=structure.name,
                        ref=application.name,
                    )
                )

    @api.model
    def _next_waiting(self, structure, capacity):
        """The first waiting application that chose ``structure`` in the age group ``capacity``."""
        choices = (
            self.env["childcare.application.choice"]
            .sudo()
            .search(
                [
                    ("structure_id", "=", structure.id),
                    ("capacity_id", "=", capacity.id),
                    ("application_id.state", "=", "waiting"),
                ]
            )
        )
        if not choices:
            return self.browse()
        best = min(choices.application_id, key=lambda a: sort_key(a._as_applicant()))
        return best.with_env(self.env)

    def _as_applicant(self):
        """This application as the allocation function sees it (choices given as (structure, age group) ids)."""
        from odoo.addons.childcare_enrollment.tools.allocation import Choice

        return Applicant(
            key=self.id,
            score=self.score,
            submitted=self.date_submitted,
            choices=tuple(
                Choice(c.structure_id.id, c.capacity_id.id or None)
                for c in self.choice_ids.sorted(lambda c: (c.rank, c.id))
            ),
        )

    def action_accept_offer(self):
        self._check_state(("offered", "expired"), _("Accepting an offer"))
        today = fields.Date.context_today(self)
        for application in self:
            if application.state == "expired" or (application.offer_deadline and application.offer_deadline < today):
                raise UserError(
                    _(
                        "The offer of %(ref)s expired on %(date)s: it can no longer be accepted.",
                        ref=application.name,
                        date=application.offer_deadline,
                    )
                )
        enrollments = self.env["childcare.enrollment"].create(
            [application._prepare_enrollment_vals() for application in self]
        )
        for application, enrollment in zip(self, enrollments, strict=True):
            application.write({"state": "accepted", "enrollment_id": enrollment.id})
        return True

    def action_decline_offer(self):
        self._check_state(("offered",), _("Declining an offer"))
        self.state = "declined"
        self._release_places()
        return True

    def _prepare_enrollment_vals(self):
        self.ensure_one()
        structure = self.offer_structure_id
        if self.schedule_line_ids:
            slots = [(line.weekday, line.hour_from, line.hour_to) for line in self.schedule_line_ids]
        else:
            open_days = [
                str(day)
                for day in range(7)
                if structure.is_open_on(self.date_start + timedelta(days=(day - self.date_start.weekday()) % 7))
            ]
            hour_to = min(structure.hour_open + self.need_hours_per_day, structure.hour_close)
            slots = [(day, structure.hour_open, hour_to) for day in open_days[: self.need_days_per_week]]
        return {
            "child_id": self.child_id.id,
            "structure_id": structure.id,
            "family_id": self.family_id.id,
            "date_start": max(self.date_start, fields.Date.context_today(self)),
            "application_id": self.id,
            "schedule_line_ids": [Command.create({"weekday": d, "hour_from": f, "hour_to": t}) for d, f, t in slots],
        }

    @api.model
    def _cron_expire_offers(self):
        """Daily: offers past their deadline expire and their places go to the next waiting applications."""
        expired = self.search(
            [
                ("state", "=", "offered"),
                ("offer_deadline", "<", fields.Date.context_today(self)),
            ]
        )
        expired.write({"state": "expired"})
        for application in expired:
            application.message_post(body=_("The offer expired on %s without an answer.", application.offer_deadline))
        expired._release_places()
        return expired

    def action_view_enrollment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "childcare.enrollment",
            "view_mode": "form",
            "res_id": self.enrollment_id.id,
        }
