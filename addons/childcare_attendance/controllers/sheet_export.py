from odoo import http
from odoo.http import content_disposition, request


class AttendanceSheetExport(http.Controller):
    @http.route("/childcare/attendance/sheet/<int:sheet_id>/xlsx", type="http", auth="user", methods=["GET"])
    def sheet_xlsx(self, sheet_id):
        sheet = request.env["childcare.attendance.sheet"].browse(sheet_id).exists()
        if not sheet:
            raise request.not_found()
        sheet.check_access("read")
        content = sheet._export_xlsx()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(f"{sheet.name}.xlsx")),
            ],
        )
