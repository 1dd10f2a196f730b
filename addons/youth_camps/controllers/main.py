"""The registration routes of the camps: the portal and the opening-day benchmark call these."""

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request


class YouthCampsController(http.Controller):
    @http.route("/youth_camps/register", type="jsonrpc", auth="user", methods=["POST"])
    def register(self, camp_id, child_ids, slot_id=None, note=None, **kwargs):
        """Register children of the caller's family for a camp (or one week of it).

        The caller must be a guardian of a family holding every child (checked before anything is written,
        in ``youth_camps.request._camp_portal_register``). Answers the state and waiting-list number of each
        registration; a refused request answers ``{"error": message}`` (nothing is written)."""
        if isinstance(child_ids, int):
            child_ids = [child_ids]
        try:
            child_ids = [int(child_id) for child_id in child_ids]
            camp_id, slot_id = int(camp_id), int(slot_id) if slot_id else False
        except (TypeError, ValueError):
            return {"error": request.env._("Invalid camp or child.")}
        try:
            camp_request, registrations = request.env["youth_camps.request"]._camp_portal_register(
                child_ids, camp_id, slot_id=slot_id, note=note
            )
        except (AccessError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            return {"error": str(error.args[0] if error.args else error)}
        results = [
            {
                "id": registration.id,
                "child_id": registration.child_id.id,
                "state": registration.camp_state,
                "position": registration.waitlist_position,
            }
            for registration in registrations
        ]
        return {
            "request_id": camp_request.id,
            "request": camp_request.name,
            "state": results[0]["state"],
            "position": results[0]["position"],
            "registrations": results,
        }

    @http.route("/youth_camps/cancel", type="jsonrpc", auth="user", methods=["POST"])
    def cancel(self, registration_id, reason=None, **kwargs):
        """A guardian of the family cancels a registration (the model checks who may)."""
        registration = request.env["event.registration"].sudo().browse(int(registration_id)).exists()
        if not registration:
            return {"error": request.env._("This registration does not exist.")}
        try:
            # sudo only to read the registration: action_camp_cancel checks the user is a guardian of its family
            registration.action_camp_cancel(reason=reason)
        except (AccessError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            return {"error": str(error.args[0] if error.args else error)}
        return {"state": registration.camp_state}
