from odoo import http
from odoo.http import content_disposition, request


class WaitingListExport(http.Controller):
    @http.route("/childcare/commission/<int:commission_id>/waiting_list.xlsx", type="http", auth="user")
    def waiting_list_xlsx(self, commission_id, **kwargs):
        # The record is read with the user's rights: a user who cannot read the session gets an AccessError.
        commission = request.env["childcare.commission"].browse(commission_id).exists()
        if not commission:
            raise request.not_found()
        commission.check_access("read")
        content = commission._waiting_list_xlsx()
        filename = f"{commission.name.replace('/', '-')}-waiting-list.xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
