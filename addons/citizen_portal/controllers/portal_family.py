"""My family and my children: the household(s) of the signed-in guardian, its declared incomes, the
invitation of the other guardian, the registration of a first household, and each child's page (identity,
consents, authorised pick-up persons, medical sheet).

Every route checks ownership first (``_citizen_family`` / ``_citizen_record``: 404 for anything not the
user's); every change goes through a ``portal_*`` model method that checks again that the caller is a
guardian (the same methods are reachable over JSON-RPC)."""

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..tools.uploads import MAX_UPLOAD_BYTES
from .common import CitizenPortal

ERRORS = (UserError, ValidationError)


class CitizenPortalFamily(CitizenPortal):
    # ------------------------------------------------------------------ /my
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "citizen_child_count" in counters:
            # the households and children under the portal record rules (the user's own)
            values["citizen_child_count"] = len(self._citizen_families().child_ids)
        return values

    # ------------------------------------------------------------------ /my/family
    def _citizen_family_values(self, **extra):
        families = self._citizen_families()
        pending = request.env["childcare.family"]
        if not families:
            # sudo: only the caller's own registration waiting for validation (archived), to say so
            pending = (
                request.env["childcare.family"]
                .sudo()
                .with_context(active_test=False)
                .search([("guardian_ids.partner_id", "=", request.env.user.partner_id.id), ("active", "=", False)])
            )
        langs = request.env["res.lang"].get_installed()
        today = fields.Date.context_today(request.env.user)
        # sudo: the latest sheet of the user's own children, for the expiry only (the content stays on the
        # child's page)
        latest = {}
        for sheet in (
            request.env["childcare.medical.sheet"]
            .sudo()
            .search_fetch([("child_id", "in", families.child_ids.ids)], ["child_id", "date_valid_until"], order="id")
        ):
            latest[sheet.child_id.id] = sheet.date_valid_until
        sheet_expiry = {
            child_id: "expired" if valid < today else "soon" if (valid - today).days <= 30 else "valid"
            for child_id, valid in latest.items()
        }
        return {
            **self._prepare_portal_layout_values(),
            "page_name": "citizen_family",
            # sudo for display only: these households are the user's (found under the record rules)
            "families": families.sudo(),
            "pending_families": pending,
            "sheet_expiry": sheet_expiry,
            "partner": request.env.user.partner_id,
            "langs": langs,
            "user_lang": request.env.user.lang,
            "relationships": request.env["childcare.family.guardian"]
            ._fields["relationship"]
            ._description_selection(request.env),
            "max_upload_bytes": MAX_UPLOAD_BYTES,
            "income_years": list(range(today.year + 1, today.year - 4, -1)),
            "default_year": today.year,
            "error": {},
            "form": {},
            **extra,
        }

    def _citizen_render_family(self, status=200, **extra):
        return request.render("citizen_portal.portal_my_family", self._citizen_family_values(**extra), status=status)

    @http.route("/my/family", type="http", auth="user", website=True, readonly=True)
    def citizen_my_family(self, message=None, **kw):
        return self._citizen_render_family(message=message)

    @http.route("/my/family/<int:family_id>/income", type="http", auth="user", website=True, methods=["POST"])
    def citizen_family_income(self, family_id, proof=None, **post):
        family = self._citizen_family(family_id)
        try:
            upload = self._citizen_upload(proof)
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                family.portal_declare_income(
                    {
                        "year": post.get("year"),
                        "amount_monthly_income": post.get("amount_monthly_income"),
                        "dependent_children": post.get("dependent_children"),
                        "has_disabled_child": bool(post.get("has_disabled_child")),
                    },
                    {"name": upload["name"], "datas": upload["datas"]},
                )
        except ERRORS as error:
            return self._citizen_render_family(
                status=400, error={"income": error.args[0], "family_id": family.id}, form=post
            )
        return request.redirect("/my/family?message=income")

    @http.route("/my/family/<int:family_id>/invite", type="http", auth="user", website=True, methods=["POST"])
    def citizen_family_invite(self, family_id, **post):
        family = self._citizen_family(family_id)
        try:
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                family.portal_invite_guardian(post.get("name"), post.get("email"), post.get("relationship"))
        except ERRORS as error:
            return self._citizen_render_family(
                status=400, error={"invite": error.args[0], "family_id": family.id}, form=post
            )
        return request.redirect("/my/family?message=invited")

    @http.route("/my/family/<int:family_id>/invite_existing", type="http", auth="user", website=True, methods=["POST"])
    def citizen_family_invite_existing(self, family_id, guardian_id=None, **post):
        family = self._citizen_family(family_id)
        guardian_id = int(guardian_id) if str(guardian_id or "").isdigit() else 0
        if guardian_id not in family.guardian_ids.ids:
            raise request.not_found()
        try:
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                family.portal_invite_existing_guardian(guardian_id)
        except ERRORS as error:
            return self._citizen_render_family(status=400, error={"invite": error.args[0], "family_id": family.id})
        return request.redirect("/my/family?message=invited")

    @http.route("/my/family/register", type="http", auth="user", website=True, methods=["POST"])
    def citizen_family_register(self, **post):
        try:
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                request.env["childcare.family"].portal_register_family(post.get("name"))
        except ERRORS as error:
            return self._citizen_render_family(status=400, error={"register": error.args[0]}, form=post)
        return request.redirect("/my/family?message=registered")

    @http.route("/my/family/language", type="http", auth="user", website=True, methods=["POST"])
    def citizen_family_language(self, lang=None, **post):
        if lang not in dict(request.env["res.lang"].get_installed()):
            return self._citizen_render_family(
                status=400, error={"lang": request.env._("Choose one of the languages offered.")}
            )
        # as the user: ``lang`` is one of the fields a user may write on their own account
        request.env["res.users"].browse(request.env.uid).write({"lang": lang})
        return request.redirect("/my/family?message=lang")

    # ------------------------------------------------------------------ /my/children/<id>
    def _citizen_child_values(self, child, **extra):
        today = fields.Date.context_today(request.env.user)
        sheet = child.portal_current_medical_sheet() if child else None
        expiry = None
        if sheet:
            days = (sheet.date_valid_until - today).days
            expiry = "expired" if days < 0 else "soon" if days <= 30 else "valid"
        return {
            **self._prepare_portal_layout_values(),
            "page_name": "citizen_child",
            "child": child.sudo(),
            "sheet": sheet,
            "expiry": expiry,
            "pickup_persons": child.sudo().pickup_person_ids,
            "error": {},
            "form": {},
            **extra,
        }

    def _citizen_child(self, child_id):
        """The child ``child_id`` as the user (404 when not theirs): the model methods then check as them."""
        self._citizen_record("childcare.child", child_id)
        return request.env["childcare.child"].browse(int(child_id))

    def _citizen_render_child(self, child, status=200, **extra):
        return request.render(
            "citizen_portal.portal_my_child", self._citizen_child_values(child, **extra), status=status
        )

    @http.route("/my/children/<int:child_id>", type="http", auth="user", website=True, readonly=True)
    def citizen_my_child(self, child_id, message=None, **kw):
        child = self._citizen_child(child_id)
        return self._citizen_render_child(child, message=message)

    @http.route("/my/children/<int:child_id>/medical", type="http", auth="user", website=True, methods=["POST"])
    def citizen_child_medical(self, child_id, **post):
        child = self._citizen_child(child_id)
        contacts = [
            {
                "name": post.get(f"contact_name_{index}"),
                "relationship": post.get(f"contact_relationship_{index}"),
                "phone": post.get(f"contact_phone_{index}"),
            }
            for index in range(3)
        ]
        try:
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                child.portal_update_medical_sheet(post, contacts)
        except ERRORS as error:
            return self._citizen_render_child(child, status=400, error={"medical": error.args[0]}, form=post)
        return request.redirect(f"/my/children/{child.id}?message=medical")

    @http.route("/my/children/<int:child_id>/consents", type="http", auth="user", website=True, methods=["POST"])
    def citizen_child_consents(self, child_id, **post):
        child = self._citizen_child(child_id)
        child.portal_set_consents(bool(post.get("has_image_consent")), bool(post.get("has_outing_consent")))
        return request.redirect(f"/my/children/{child.id}?message=consents")

    @http.route("/my/children/<int:child_id>/pickup", type="http", auth="user", website=True, methods=["POST"])
    def citizen_child_pickup_add(self, child_id, **post):
        child = self._citizen_child(child_id)
        try:
            with request.env.cr.savepoint():  # a refusal leaves nothing behind
                child.portal_add_pickup_person(post)
        except ERRORS as error:
            return self._citizen_render_child(child, status=400, error={"pickup": error.args[0]}, form=post)
        return request.redirect(f"/my/children/{child.id}?message=pickup")

    @http.route(
        "/my/children/<int:child_id>/pickup/<int:person_id>/remove",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def citizen_child_pickup_remove(self, child_id, person_id, **post):
        child = self._citizen_child(child_id)
        person = self._citizen_record("childcare.pickup.person", person_id)
        if person.child_id != child.sudo():
            raise request.not_found()
        try:
            request.env["childcare.pickup.person"].browse(person.id).portal_remove()
        except AccessError as error:
            raise request.not_found() from error
        return request.redirect(f"/my/children/{child.id}?message=pickup_removed")
