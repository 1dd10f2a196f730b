from odoo import api, models
from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.tools.misc import format_date, formatLang

#: top margin (mm) of the household documents' PDF when wkhtmltopdf prints no header page
MARGIN_TOP_WITHOUT_HEADER = 12


class AccountMove(models.Model):
    """What the invoice a household receives prints besides Odoo's invoice (see
    ``report/childcare_invoice_report.xml``): the statement of each child's month in plain words, the
    billed month and the amount to pay in words, in the language the report is rendered in (the
    household's)."""

    _inherit = "account.move"

    def _childcare_statements(self):
        """The statement of each child (and structure) billed by this household document, in the order of
        the invoice: a list of dicts ``{"child", "structure", "days", "hours", "hours_kind", "hourly_rate",
        "hours_amount", "amount_total", "amount_subsidy", "amount_parent", "custody_share",
        "amount_document"}`` of plain values (names as text; ``hours_kind`` is the plan's billing basis:
        ``contracted``, ``attended`` or ``billable``).

        The figures are those the billing run computed (its line for the child, with the days present and
        the hours actually billed for the household's custody share); a document without run lines (made by
        hand or imported) falls back on the breakdown its invoice lines carry. ``hours_amount`` is hours x
        rate to the cent when the scheme has an hourly rate, else ``None``; ``amount_document`` is what this
        document bills for the child (negative on a credit note)."""
        self.ensure_one()
        if self.childcare_kind not in ("invoice", "correction"):
            return []
        # sudo: whoever may read the invoice may read what it was computed from; the children, structures
        # and run lines themselves are out of reach of an auditor or of the parent printing from the portal
        self.check_access("read")
        move = self.sudo()
        currency = move.currency_id
        sign = -1 if move.move_type == "out_refund" else 1
        run_lines = {
            (line.child_id, line.structure_id): line
            for line in self.env["childcare.billing.run.line"].sudo().search([("move_id", "=", move.id)])
        }
        groups = {}
        for line in move.invoice_line_ids.sorted(lambda line: (line.sequence, line.id)):
            if line.display_type != "product" or not line.childcare_child_id:
                continue
            key = (line.childcare_child_id, line.childcare_structure_id)
            group = groups.setdefault(key, {"line": line, "amount_document": 0.0})
            group["amount_document"] += sign * line.price_subtotal
        statements = []
        for (child, structure), group in groups.items():
            line, run_line = group["line"], run_lines.get((child, structure))
            plan = (run_line.plan_id if run_line else None) or line.childcare_plan_id
            basis = plan.billing_basis if plan.billing_basis in ("contracted", "attended") else "billable"
            if run_line:
                values = {
                    "days": run_line.days_present,
                    "hours": run_line.hours_billed,
                    "hourly_rate": run_line.hourly_rate,
                    "amount_total": run_line.amount_total,
                    "amount_subsidy": run_line.amount_subsidy,
                    "amount_parent": run_line.amount_parent,
                    "custody_share": run_line.custody_share,
                }
            else:
                hours = {
                    "contracted": line.childcare_hours_contracted,
                    "attended": line.childcare_hours_attended,
                    "billable": line.childcare_hours_billable,
                }[basis]
                values = {
                    "days": 0,
                    "hours": hours,
                    "hourly_rate": line.childcare_hourly_rate,
                    "amount_total": currency.round(line.childcare_parent_amount + line.childcare_subsidy_amount),
                    "amount_subsidy": line.childcare_subsidy_amount,
                    "amount_parent": line.childcare_parent_amount,
                    "custody_share": 100.0,
                }
            hourly = bool(values["hours"]) and not currency.is_zero(values["hourly_rate"])
            statements.append(
                {
                    **values,
                    "child": child.name,
                    "structure": structure.name or "",
                    "hours_kind": basis,
                    "hours_amount": currency.round(values["hours"] * values["hourly_rate"]) if hourly else None,
                    "amount_document": currency.round(group["amount_document"]),
                }
            )
        return statements

    @api.model
    def _childcare_pdf_margin_top(self):
        """The top margin (mm) of a PDF of household documents, or None for the paper format's. An
        unpatched wkhtmltopdf (Debian's) does not print Odoo's header page: the letterhead is in the body,
        and the space the paper format keeps for the header would stay blank at the top of every page."""
        return None if _wkhtml().is_patched_qt else MARGIN_TOP_WITHOUT_HEADER

    def _childcare_format_hours(self, hours):
        """Hours as the reader's language writes them, with the decimals they have: 142.5 → "142,5" in
        French, 150.0 → "150", 37.25 → "37.25"."""
        digits = next((digits for digits in (0, 1) if round(hours, digits) == round(hours, 2)), 2)
        return formatLang(self.env, hours, digits=digits)

    def _childcare_period_label(self):
        """The billed month in the reader's language, e.g. "octobre 2025"."""
        self.ensure_one()
        if not self.childcare_period:
            return ""
        return format_date(self.env, self.childcare_period, date_format="MMMM y")

    def _childcare_amount_in_words(self, amount=None):
        """``amount`` (default: what is left to pay) in words in the reader's language, by Odoo's
        ``res.currency.amount_to_text`` (num2words). Computed at each call: ``amount_total_words`` is
        cached whatever the language, and one transaction may print the invoice in two languages."""
        self.ensure_one()
        if amount is None:
            amount = self.amount_residual
        return self.currency_id.amount_to_text(amount).replace(",", "")
