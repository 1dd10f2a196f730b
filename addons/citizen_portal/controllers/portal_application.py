"""Childcare pre-registration and the cost simulator on the portal.

- ``/my/applications``: the household's applications; ``/my/applications/new``: one form per child (ranked
  choices among the structures taking the child's age at the start date, weekly need, priority criteria with
  proofs), filed by ``childcare.application.portal_submit``; ``/my/applications/<id>``: state, choices,
  points, the commission's decision and the offer to accept or decline.
- ``/my/simulator`` (public: it reads no personal data unless the parent is signed in, then it is prefilled
  from the household's declared income): the monthly cost under a structure's rate plan, computed by
  ``childcare.rate.plan.quote``."""

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.addons.childcare_billing.tools import fees
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools.simulator import SimulationRefused, check_simulation, simulation_inputs
from .common import CitizenPortal

#: the most ranked choices a form offers
MAX_CHOICES = 5
#: weekdays of the weekly need and of the simulator (Monday = "0", the schedule lines' codes)
WEEKDAYS = ("0", "1", "2", "3", "4", "5", "6")


def _hour_of(value):
    """``"08:30"`` (an HTML time input) → 8.5; empty → None; anything else → ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    hours, _sep, minutes = value.partition(":")
    return int(hours) + int(minutes or 0) / 60.0


class CitizenApplicationPortal(CitizenPortal):
    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "citizen_application_count" in counters:
            Application = request.env["childcare.application"]
            values["citizen_application_count"] = (
                Application.search_count(self._citizen_application_domain())
                if Application.has_access("read") and request.env["childcare.family"].has_access("read")
                else 0
            )
        return values

    def _citizen_application_domain(self):
        return [("family_id", "in", self._citizen_families().ids)]

    # ------------------------------------------------------------------ list
    @http.route(["/my/applications", "/my/applications/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_applications(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Application = request.env["childcare.application"]
        domain = self._citizen_application_domain()
        pager = portal_pager(
            url="/my/applications",
            total=Application.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        applications = Application.search(
            domain, order="date_start desc, id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values.update(
            {
                "applications": applications,
                "children": self._citizen_families().child_ids,
                "pager": pager,
                "page_name": "citizen_applications",
                "default_url": "/my/applications",
            }
        )
        return request.render("citizen_portal.portal_my_applications", values)

    # ------------------------------------------------------------------ new
    def _citizen_default_start(self):
        """The first day of the month after next: the earliest start a commission usually decides."""
        today = fields.Date.context_today(request.env.user)
        return today.replace(day=1) + relativedelta(months=2)

    def _citizen_application_form_values(self, child, date_start, form=None, error=None):
        Application = request.env["childcare.application"]
        family = child.family_id
        # sudo (in the model helpers): the structures and criteria of the municipality are not readable by
        # a portal user; the child was checked as the user's own before (``_citizen_record``).
        structures = Application._portal_eligible_structures(child, date_start)
        criteria = Application._portal_criteria(family.company_id)
        weekdays = dict(
            request.env["childcare.enrollment.schedule"]._fields["weekday"]._description_selection(request.env)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "citizen_application_new",
                "child": child,
                "date_start": date_start,
                "age_months": child.age_months_on(date_start),
                "structures": structures,
                "choice_count": min(len(structures), MAX_CHOICES),
                "criteria": criteria,
                "weekdays": [(code, weekdays[code]) for code in WEEKDAYS],
                "form": form or {},
                "error": error,
                "today": fields.Date.context_today(request.env.user),
            }
        )
        return values

    @http.route("/my/applications/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_application_new(self, child_id=None, date_start=None, **kw):
        if not child_id:
            values = self._prepare_portal_layout_values()
            values.update(
                {
                    "page_name": "citizen_application_new",
                    "children": self._citizen_families().child_ids,
                }
            )
            return request.render("citizen_portal.portal_application_children", values)
        child = self._citizen_record("childcare.child", child_id)
        error = None
        try:
            day = fields.Date.to_date(date_start) if date_start else self._citizen_default_start()
        except ValueError:
            day, error = self._citizen_default_start(), request.env._("Enter a valid start date.")
        return request.render(
            "citizen_portal.portal_application_form",
            self._citizen_application_form_values(child, day, error=error),
        )

    @http.route("/my/applications/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_application_submit(self, child_id=None, **post):
        # ownership first: another household's child (or an unknown id) answers 404 and reads nothing
        child = self._citizen_record("childcare.child", child_id)
        try:
            day = fields.Date.to_date(post.get("date_start"))
        except ValueError:
            day = None
        form = dict(post)
        try:
            values = self._citizen_application_values(child, day, post)
            application = request.env["childcare.application"].portal_submit(values)
        except (UserError, ValidationError) as error:
            return request.render(
                "citizen_portal.portal_application_form",
                self._citizen_application_form_values(
                    child, day or self._citizen_default_start(), form=form, error=error.args[0]
                ),
            )
        return request.redirect(f"/my/applications/{application.id}?submitted=1")

    def _citizen_application_values(self, child, day, post):
        """The values of ``portal_submit`` from the posted form (the uploads read and checked)."""
        if not day:
            raise UserError(request.env._("Enter the desired start date."))
        structure_ids = []
        for rank in range(1, MAX_CHOICES + 1):
            value = post.get(f"choice_{rank}")
            if value:
                structure_ids.append(value)
        schedule = []
        for code in WEEKDAYS:
            raw_from, raw_to = post.get(f"day_{code}_from"), post.get(f"day_{code}_to")
            if not (raw_from or raw_to):
                continue
            try:
                hour_from, hour_to = _hour_of(raw_from), _hour_of(raw_to)
            except ValueError as error:
                raise UserError(request.env._("Enter the hours as HH:MM.")) from error
            schedule.append({"weekday": code, "hour_from": hour_from, "hour_to": hour_to})
        criteria = request.env["childcare.application"]._portal_criteria(child.family_id.company_id)
        answers, documents = {}, []
        for criterion in criteria:
            key = f"criterion_{criterion.id}"
            if criterion.apply_mode == "boolean":
                answers[criterion.id] = {"is_met": bool(post.get(key))}
            elif criterion.apply_mode == "scale":
                answers[criterion.id] = {"value": post.get(key) or 0}
            upload = request.httprequest.files.get(f"proof_{criterion.id}")
            if upload and upload.filename:
                attachment = self._citizen_upload(upload)
                documents.append(
                    {"criterion_id": criterion.id, "name": attachment["name"], "datas": attachment["datas"]}
                )
        return {
            "child_id": child.id,
            "date_start": day,
            "structure_ids": structure_ids,
            "schedule": schedule,
            "answers": answers,
            "has_disability": bool(post.get("has_disability")),
            "has_social_referral": bool(post.get("has_social_referral")),
            "documents": documents,
        }

    # ------------------------------------------------------------------ one application
    def _citizen_application_page(self, application, error=None, message=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "citizen_application",
                "application": application,
                "choices": application.choice_ids.sorted(lambda c: (c.rank, c.id)),
                "points": application.point_ids,
                "error": error,
                "message": message,
                "today": fields.Date.context_today(request.env.user),
            }
        )
        return request.render("citizen_portal.portal_application_page", values)

    @http.route("/my/applications/<int:application_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_application_page(self, application_id, submitted=None, answered=None, **kw):
        application = self._citizen_record("childcare.application", application_id)
        message = None
        if submitted:
            message = request.env._("Your application was submitted.")
        elif answered == "accepted":
            message = request.env._("You accepted the place: the structure will contact you.")
        elif answered == "declined":
            message = request.env._("You declined the place.")
        return self._citizen_application_page(application, message=message)

    def _citizen_answer_offer(self, application_id, method, answered):
        # ownership first (404 for another household's application), then the checked model method as the
        # user: it verifies the user is a guardian and the offer still holds.
        application = self._citizen_record("childcare.application", application_id)
        try:
            getattr(request.env["childcare.application"].browse(application.id), method)()
        except UserError as error:
            request.env.invalidate_all()
            return self._citizen_application_page(application, error=error.args[0])
        return request.redirect(f"/my/applications/{application.id}?answered={answered}")

    @http.route(
        "/my/applications/<int:application_id>/accept", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_application_accept(self, application_id, **post):
        return self._citizen_answer_offer(application_id, "portal_accept_offer", "accepted")

    @http.route(
        "/my/applications/<int:application_id>/decline", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_application_decline(self, application_id, **post):
        return self._citizen_answer_offer(application_id, "portal_decline_offer", "declined")

    # ------------------------------------------------------------------ cost simulator
    def _citizen_simulator_company(self, family):
        return family.company_id if family else request.env.company

    def _citizen_simulator_plans(self, company, day):
        """{structure: its rate plan on ``day``} of the municipality's structures that apply one."""
        # sudo: structures and rate plans are the municipality's public price list (no personal data); the
        # public and portal users have no access rights on them.
        lines = (
            request.env["childcare.rate.plan.structure"]
            .sudo()
            .search(
                [
                    ("structure_id.company_id", "=", company.id),
                    ("structure_id.structure_type", "!=", "camp_organiser"),
                    ("date_from", "<=", day),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                    ("plan_id.active", "=", True),
                ],
                order="date_from desc, id",
            )
        )
        plans = {}
        for line in lines:
            plans.setdefault(line.structure_id, line.plan_id)
        return dict(sorted(plans.items(), key=lambda item: (item[0].name, item[0].id)))

    def _citizen_simulator_prefill(self, family):
        """The form's initial values from the household's declared income (validated first, else the latest)."""
        if not family:
            return {"children": "1", "is_resident": "1"}
        income = family.income_current_id or family.income_ids.sorted("year", reverse=True)[:1]
        prefill = {"children": str(max(income.dependent_children, 1) if income else 1)}
        if income:
            prefill["income"] = f"{income.amount_monthly_income:.2f}"
        if family.is_resident:
            prefill["is_resident"] = "1"
        return prefill

    def _citizen_simulator_error(self, refused):
        weekdays = dict(
            request.env["childcare.enrollment.schedule"]._fields["weekday"]._description_selection(request.env)
        )
        _t = request.env._
        if refused.reason == "income":
            return _t("The declared monthly income is a positive amount (or 0).")
        if refused.reason == "children":
            return _t("The number of children lies between 1 and 20.")
        if refused.reason == "hours":
            return _t("%s: the hours of care lie between 0 and 24.", weekdays[str(refused.values.get("day", 0))])
        return _t("Give the hours of care of at least one day of the week.")

    @http.route("/my/simulator", type="http", auth="public", website=True, methods=["GET"])
    def portal_simulator(self, **kw):
        user = request.env.user
        family = request.env["childcare.family"]
        if not user._is_public() and family.has_access("read"):
            family = self._citizen_family()
        company = self._citizen_simulator_company(family)
        day = fields.Date.context_today(user)
        plans = self._citizen_simulator_plans(company, day)
        form = kw if kw.get("structure_id") is not None else {**self._citizen_simulator_prefill(family), **kw}
        values = self._prepare_portal_layout_values() if not user._is_public() else {}
        values.update(
            {
                "page_name": "citizen_simulator",
                "plans": plans,
                "form": form,
                "weekdays": [
                    (code, label)
                    for code, label in request.env["childcare.enrollment.schedule"]
                    ._fields["weekday"]
                    ._description_selection(request.env)
                ],
                "currency": company.currency_id,
                "result": None,
                "error": None,
            }
        )
        if kw.get("structure_id") is not None:
            try:
                values.update(self._citizen_simulate(plans, day, kw))
            except UserError as error:
                values["error"] = error.args[0]
        return request.render("citizen_portal.portal_simulator", values)

    def _citizen_simulate(self, plans, day, kw):
        """{"result", "lines", "plan", "structure"} of the simulation asked by ``kw``, or a UserError."""
        try:
            income, children, hours = check_simulation(
                kw.get("income"), kw.get("children"), [kw.get(f"hours_{code}") for code in WEEKDAYS]
            )
        except SimulationRefused as refused:
            raise UserError(self._citizen_simulator_error(refused)) from refused
        try:
            structure_id = int(kw.get("structure_id") or 0)
        except ValueError:
            structure_id = 0
        structure = next((s for s in plans if s.id == structure_id), None)
        if structure is None:
            raise UserError(request.env._("Choose a structure from the list."))
        plan = plans[structure].with_context(lang=request.env.lang)
        inputs = simulation_inputs(
            day,
            income,
            children,
            hours,
            weeks_per_month=plan.weeks_per_year / plan.billed_months,
            is_resident=bool(kw.get("is_resident")),
        )
        result = plan.quote(inputs)  # the fee engine's one entry point: no second formula here
        lines = [{**line, "label_shown": fees.line_label(line, request.env._)} for line in result["lines"]]
        return {"result": result, "lines": lines, "plan": plan, "structure": structure, "inputs": inputs}
