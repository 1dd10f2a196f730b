import base64
import csv
import io
import re
from datetime import date, datetime, time

from odoo import fields, models
from odoo.addons.childcare_attendance.models.childcare_attendance import ABSENCE_REASONS, local_to_utc
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import _

COLUMNS = {
    "child": ("child", "enfant", "kind", "national_number"),
    "date": ("date", "datum", "day", "jour"),
    "check_in": ("check_in", "check-in", "arrival", "arrivée", "aankomst", "in"),
    "check_out": ("check_out", "check-out", "departure", "départ", "vertrek", "out"),
    "absence": ("absence", "afwezigheid", "absence_reason"),
    "note": ("note", "remarque", "opmerking"),
}


#: a clock time: 8:30, 08:30, 08:30:00, 8h30, 8h, 8 h 30
CLOCK_TIME = re.compile(r"(\d{1,2})(?::(\d{2})(?::\d{2})?|\s*h\s*(\d{2})?)")
#: a decimal hour: 8, 8.5, 8,5, 17.25
DECIMAL_HOUR = re.compile(r"\d{1,2}(?:[.,]\d+)?")


class ImportFailed(Exception):
    """Raised inside the import savepoint to roll everything back."""


class ChildcareAttendanceImport(models.TransientModel):
    """Import the attendance of a structure from a CSV or XLSX file: all lines or none."""

    _name = "childcare.attendance.import"
    _description = "Import attendance from CSV or XLSX"
    _inherit = ["childcare.guard.mixin"]
    # the outcome of the import, written by action_import only
    _childcare_system_fields = ("state", "error_report", "imported_count")

    structure_id = fields.Many2one(
        "childcare.structure",
        string="Structure",
        required=True,
        default=lambda self: self.env.user.childcare_structure_ids[:1],
    )
    file = fields.Binary(
        required=True,
        help="Columns child, date, check_in, check_out, absence, note. Times are clock times (08:30, 8h30) or "
        "decimal hours (8.5 or 8,5 = 08:30; 17.25 = 17:15): a value with a dot or a comma is always a decimal "
        "hour, so 8.05 is 08:03, not 08:05.",
    )
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("errors", "Errors"), ("done", "Done")], default="upload")
    error_report = fields.Text(readonly=True)
    imported_count = fields.Integer(readonly=True)

    # ------------------------------------------------------------------ reading
    def _read_rows(self):
        """The file's rows as dicts keyed by our column names, with their line number."""
        content = base64.b64decode(self.file)
        name = (self.filename or "").lower()
        if name.endswith(".xlsx"):
            import openpyxl

            try:
                sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            except Exception as exc:
                raise UserError(_("The file cannot be read as an XLSX workbook: %s", exc)) from exc
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("latin-1")
            dialect = csv.excel
            try:
                dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            except csv.Error:
                pass
            table = list(csv.reader(io.StringIO(text), dialect))
        if not table:
            raise UserError(_("The file is empty."))
        header = [str(cell or "").strip().lower() for cell in table[0]]
        index = {}
        for column, aliases in COLUMNS.items():
            for position, title in enumerate(header):
                if title in aliases:
                    index[column] = position
                    break
        missing = [c for c in ("child", "date") if c not in index]
        if missing:
            raise UserError(
                _(
                    "The first line must name the columns; missing: %s. Expected columns: %s.",
                    ", ".join(missing),
                    ", ".join(COLUMNS),
                )
            )
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            if not any(str(c or "").strip() for c in cells):
                continue
            rows.append(
                (
                    number,
                    {column: cells[position] if position < len(cells) else None for column, position in index.items()},
                )
            )
        return rows

    def _parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("'%s' is not a date (use YYYY-MM-DD or DD/MM/YYYY)", text))

    def _parse_hour(self, value):
        """The hour (float) of a cell: a clock time (``08:30``, ``8h30``, a time cell) or a decimal hour
        (``8.5`` and ``8,5`` are 08:30, ``17.25`` is 17:15, a number cell). A value with a dot or a comma is
        always a decimal hour (``8.05`` is 08:03); a number cell below 1 is a spreadsheet time (a fraction
        of a day). Rounded to the minute; empty: 0."""
        if value in (None, ""):
            return 0.0
        if isinstance(value, datetime):
            value = value.time()
        if isinstance(value, time):
            return value.hour + value.minute / 60
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            hour = float(value) * 24 if 0 < value < 1 else float(value)
        else:
            text = str(value).strip().lower()
            clock = CLOCK_TIME.fullmatch(text)
            if clock:
                hours, minutes = int(clock[1]), int(clock[2] or clock[3] or 0)
                hour = hours + minutes / 60 if minutes < 60 else -1
            elif DECIMAL_HOUR.fullmatch(text):
                hour = float(text.replace(",", "."))
            else:
                hour = -1
        if not 0 <= hour < 24:
            raise ValueError(_("'%s' is not a time (use HH:MM, 8h30 or a decimal hour such as 8.5)", value))
        return round(hour * 60) / 60

    def _absence_codes(self):
        labels = dict(self.env["childcare.attendance"]._fields["absence_reason"]._description_selection(self.env))
        codes = {}
        for code, label in ABSENCE_REASONS:
            codes[code] = codes[label.lower()] = codes[labels[code].lower()] = code
        codes[""] = "none"
        return codes

    # ------------------------------------------------------------------ importing
    def action_import(self):
        self.ensure_one()
        structure = self.structure_id
        structure.check_access("read")
        rows = self._read_rows()
        Attendance = self.env["childcare.attendance"]
        # Children of the structure by national number and by name (case-insensitive).
        enrollments = self.env["childcare.enrollment"].search([("structure_id", "=", structure.id)])
        by_key = {}
        for child in enrollments.child_id:
            by_key[child.name.lower()] = child
            by_key[f"{child.first_name} {child.last_name}".lower()] = child
            number = child.sudo().national_number  # sudo: matching only, the number is not shown
            if number:
                by_key[number] = child
        codes = self._absence_codes()
        errors, parsed, seen = [], [], {}
        for number, row in rows:
            try:
                key = str(row.get("child") or "").strip()
                child = by_key.get(key.lower()) or by_key.get(key.replace(".", "").replace("-", "").replace(" ", ""))
                if not child:
                    raise ValueError(_("child '%s' is not enrolled in %s", key, structure.name))
                day = self._parse_date(row.get("date"))
                absence = codes.get(str(row.get("absence") or "").strip().lower())
                if not absence:
                    raise ValueError(_("unknown absence reason '%s'", row.get("absence")))
                hour_in, hour_out = self._parse_hour(row.get("check_in")), self._parse_hour(row.get("check_out"))
                if absence == "none" and not hour_in:
                    raise ValueError(_("a present child needs a check-in time (or give an absence reason)"))
                if (child.id, day) in seen:
                    raise ValueError(_("%s on %s is already on line %s", child.name, day, seen[child.id, day]))
                seen[child.id, day] = number
                parsed.append(
                    (
                        number,
                        child,
                        day,
                        {
                            "absence_reason": absence,
                            "check_in": local_to_utc(day, hour_in, structure.tz)
                            if absence == "none" and hour_in
                            else False,
                            "check_out": local_to_utc(day, hour_out, structure.tz)
                            if absence == "none" and hour_out
                            else False,
                            "note": str(row.get("note") or "").strip() or False,
                        },
                    )
                )
            except ValueError as exc:
                errors.append(_("Line %(line)s: %(error)s", line=number, error=exc))
        count = 0
        if not errors:
            existing = {
                (a.child_id.id, a.date): a
                for a in Attendance.search(
                    [
                        ("structure_id", "=", structure.id),
                        ("child_id", "in", list({p[1].id for p in parsed})),
                        ("date", "in", list({p[2] for p in parsed})),
                    ]
                )
            }
            try:
                with self.env.cr.savepoint():
                    for number, child, day, vals in parsed:
                        try:
                            with self.env.cr.savepoint():
                                line = existing.get((child.id, day))
                                if line:
                                    line.write(vals)
                                else:
                                    Attendance.create(
                                        {**vals, "child_id": child.id, "structure_id": structure.id, "date": day}
                                    )
                                count += 1
                        except (ValidationError, UserError) as exc:
                            errors.append(_("Line %(line)s: %(error)s", line=number, error=exc.args[0]))
                    if errors:
                        raise ImportFailed()
            except ImportFailed:
                self.env.invalidate_all()
                count = 0
        # sudo: the outcome is a system field of the wizard, written here only
        if errors:
            self.sudo().write(
                {
                    "state": "errors",
                    "imported_count": 0,
                    "error_report": "\n".join(
                        [_("Nothing was imported: correct these lines and import the file again."), *errors]
                    ),
                }
            )
        else:
            self.sudo().write({"state": "done", "imported_count": count, "error_report": False})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import attendance"),
        }
