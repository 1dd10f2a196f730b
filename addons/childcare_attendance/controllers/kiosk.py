from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.childcare_attendance.models.childcare_attendance import utc_to_local_hour
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools.translate import _


class AttendanceKiosk(http.Controller):
    """A tablet page for structure staff: tap a child's card to check in or out.

    Plain server-rendered HTML (no asset bundle, works on any tablet browser); every action goes
    through the logged-in user's environment, so record rules limit it to the user's structures.
    """

    def _structure(self, structure_id):
        structure = request.env["childcare.structure"].browse(structure_id).exists()
        if not structure:
            raise request.not_found()
        try:
            structure.check_access("read")
        except AccessError:
            raise request.not_found() from None
        return structure

    def _today(self, structure):
        return utc_to_local_hour(fields.Datetime.now(), structure.tz or "UTC")[0]

    @http.route("/childcare/kiosk", type="http", auth="user", methods=["GET"])
    def kiosk_structures(self):
        structures = request.env["childcare.structure"].search([])
        if len(structures) == 1:
            return request.redirect(f"/childcare/kiosk/{structures.id}")
        return request.render("childcare_attendance.kiosk_structures", {"structures": structures})

    @http.route("/childcare/kiosk/<int:structure_id>", type="http", auth="user", methods=["GET"])
    def kiosk(self, structure_id, message=None, error=None):
        structure = self._structure(structure_id)
        cards = request.env["childcare.attendance"]._kiosk_cards(structure, self._today(structure))
        return request.render(
            "childcare_attendance.kiosk_page",
            {
                "structure": structure,
                "cards": cards,
                "message": message,
                "error": error,
                "today": self._today(structure),
            },
        )

    @http.route("/childcare/kiosk/<int:structure_id>/tap", type="http", auth="user", methods=["POST"])
    def kiosk_tap(self, structure_id, child_id, pin=None, **kwargs):
        structure = self._structure(structure_id)
        params = {}
        try:
            params["message"] = request.env["childcare.attendance"]._kiosk_tap(
                structure, int(child_id), self._today(structure), pin=(pin or "").strip() or None
            )
        except (UserError, ValidationError, AccessError, ValueError) as exc:
            params["error"] = exc.args[0] if exc.args else _("This tap could not be recorded.")
        return request.redirect(f"/childcare/kiosk/{structure.id}?{url_encode(params)}")
