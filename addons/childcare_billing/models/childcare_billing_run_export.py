import io

from odoo import models
from odoo.tools.translate import _

#: the columns of the export: (field of childcare.billing.run.line or a computed key, kind)
EXPORT_COLUMNS = [
    ("family_id", "text"),
    ("child_id", "text"),
    ("structure_id", "text"),
    ("plan_id", "text"),
    ("scheme", "selection"),
    ("custody_share", "percent"),
    ("days_present", "integer"),
    ("hours_contracted", "hours"),
    ("hours_attended", "hours"),
    ("hours_billable", "hours"),
    ("hours_billed", "hours"),
    ("hourly_rate", "money"),
    ("daily_rate", "money"),
    ("amount_parent", "money"),
    ("amount_subsidy", "money"),
    ("amount_total", "money"),
    ("previous_amount", "money"),
    ("amount_delta", "money"),
    ("anomalies", "text"),
    ("state", "selection"),
    ("move_id", "text"),
]
#: the anomaly flags of a line, in the order the export lists them
ANOMALY_FLAGS = ["is_no_attendance", "is_big_increase", "is_missing_income", "is_missing_csa_rate", "is_zero_amount"]
#: columns with a total at the bottom
TOTAL_COLUMNS = {
    "days_present",
    "hours_contracted",
    "hours_attended",
    "hours_billable",
    "hours_billed",
    "amount_parent",
    "amount_subsidy",
    "amount_total",
    "previous_amount",
    "amount_delta",
}


class ChildcareBillingRun(models.Model):
    _inherit = "childcare.billing.run"

    def action_export_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/childcare/billing/run/{self.id}/xlsx",
            "target": "self",
        }

    def _export_header(self, name):
        """The column title of ``name``: the field's label in the user's language."""
        if name == "anomalies":
            return _("Anomalies")
        if name == "move_id":
            return _("Invoice")
        if name == "daily_rate":
            return _("Daily rate")
        return self.env["childcare.billing.run.line"]._fields[name]._description_string(self.env)

    def _export_xlsx(self):
        """The run as an XLSX workbook (bytes): a row per household and child with the hours, the rate, the
        parent share, the subsidy, last month's comparison, the anomalies, the state and the invoice."""
        self.ensure_one()
        self.check_access("read")
        import xlsxwriter

        # sudo: the reader may read the run (checked above), so every line of it, with the names of the
        # households, children and structures and the invoice numbers an accountant has no other access to
        run = self.sudo()
        Line = self.env["childcare.billing.run.line"]
        selections = {
            name: dict(Line._fields[name]._description_selection(self.env))
            for name, kind in EXPORT_COLUMNS
            if kind == "selection"
        }
        flag_labels = {flag: Line._fields[flag]._description_string(self.env) for flag in ANOMALY_FLAGS}

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        ws = workbook.add_worksheet(self.date_month.strftime("%Y-%m"))
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        number_formats = {"money": "#,##0.00", "hours": "0.00", "percent": "0.##", "integer": "0"}
        formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in number_formats.items()}
        total_formats = {
            kind: workbook.add_format({"bold": True, "top": 1, "num_format": fmt})
            for kind, fmt in number_formats.items()
        }

        run_states = dict(self._fields["state"]._description_selection(self.env))
        ws.write(0, 0, _("Billing run"), bold)
        ws.write(0, 1, run.name)
        ws.write(1, 0, _("Month"), bold)
        ws.write(1, 1, self.date_month.strftime("%m/%Y"))
        ws.write(2, 0, _("State"), bold)
        ws.write(2, 1, run_states[run.state])
        ws.write(3, 0, _("Structures"), bold)
        ws.write(3, 1, ", ".join(run.structure_ids.mapped("name")))

        header_row = 5
        for col, (name, _kind) in enumerate(EXPORT_COLUMNS):
            ws.write(header_row, col, self._export_header(name), header)
        lines = run.line_ids.sorted(lambda line: (line.family_id.name or "", line.child_id.name or "", line.id))
        lines.fetch([name for name, _kind in EXPORT_COLUMNS if name in Line._fields] + ANOMALY_FLAGS)
        row = header_row
        for row, line in enumerate(lines, start=header_row + 1):
            for col, (name, kind) in enumerate(EXPORT_COLUMNS):
                if name == "anomalies":
                    flags = [label for flag, label in flag_labels.items() if line[flag]]
                    ws.write_string(row, col, ", ".join(flags))
                elif name == "daily_rate":
                    # the engine's daily rate (ONE grid, K&G certificate, flat per day), kept in its explanation
                    daily_rate = (line.quote_details or {}).get("daily_rate")
                    ws.write_number(row, col, float(daily_rate or 0.0), formats[kind])
                elif name == "move_id":
                    ws.write_string(row, col, line.move_id.name or "")
                elif kind == "text":
                    ws.write_string(row, col, line[name].display_name or "")
                elif kind == "selection":
                    ws.write_string(row, col, selections[name].get(line[name], "") if line[name] else "")
                else:
                    ws.write_number(row, col, line[name], formats[kind])
        if lines:
            total_row = row + 1
            ws.write(total_row, 0, _("Total"), bold)
            for col, (name, kind) in enumerate(EXPORT_COLUMNS):
                if name in TOTAL_COLUMNS:
                    ws.write_number(total_row, col, sum(lines.mapped(name)), total_formats[kind])
            ws.autofilter(header_row, 0, row, len(EXPORT_COLUMNS) - 1)
        ws.freeze_panes(header_row + 1, 2)
        ws.set_column(0, 1, 26)
        ws.set_column(2, 4, 20)
        ws.set_column(5, len(EXPORT_COLUMNS) - 4, 11)
        ws.set_column(len(EXPORT_COLUMNS) - 3, len(EXPORT_COLUMNS) - 3, 30)
        ws.set_column(len(EXPORT_COLUMNS) - 2, len(EXPORT_COLUMNS) - 1, 16)
        workbook.close()
        return output.getvalue()
