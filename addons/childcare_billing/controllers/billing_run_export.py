from odoo import http
from odoo.http import content_disposition, request


class BillingRunExport(http.Controller):
    @http.route("/childcare/billing/run/<int:run_id>/xlsx", type="http", auth="user", methods=["GET"])
    def billing_run_xlsx(self, run_id):
        run = request.env["childcare.billing.run"].browse(run_id).exists()
        if not run:
            raise request.not_found()
        run.check_access("read")
        content = run._export_xlsx()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(f"{run.name}.xlsx")),
            ],
        )
