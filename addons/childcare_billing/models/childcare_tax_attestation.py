"""Belgian tax attestation 281.86 (childcare costs): one attestation per child, paying guardian and year.

What is attested (DOMAIN.md §3; the pure rules are in ``tools/attestation.py``):

- care actually attended and fully paid: a month counts when every invoice of the household for that child and
  month is paid (``payment_state`` paid or in payment, or reversed by a credit note); a month left unpaid at
  the issue is left out (issue the year again after the payment: the issue is idempotent);
- days = the days the child was present (``childcare.attendance``) at the structures billed that month;
  amount = the parent's share invoiced for that child and month (posted invoices, corrections and credit
  notes deducted), meals and fees left out: the meal lines of the fee engine (read from the billing run line
  of the month) and the invoice lines whose product is marked *Excluded from the tax attestation*;
- children under 14 on the day of care (under 21 with a severe disability, ``has_severe_disability`` on the
  child, set by municipal staff): a month across the birthday is prorated by days;
- consecutive months with the same daily rate form one period; at most 4 periods per attestation: a child
  with more periods gets further attestations for the same payer (``part`` 2, 3...);
- the payer is the household's paying guardian: the guardian whose contact is the household's billing
  partner, else the first guardian of the household; their national number is read on their contact
  (``childcare_national_number``, validated as a Belgian national number);
- no cap on amounts.

Extension point for other sources of care (youth camps on Odoo events, ...):
``childcare.tax.attestation._attestation_sources(year, families)`` returns a list of plain dicts, one per
month (or camp) of care attended and fully paid::

    {
        "child_id": int,            # childcare.child
        "family_id": int or False,  # childcare.family the attestation is attached to
        "partner_id": int,          # res.partner: the payer (a guardian)
        "dates": [date, ...],       # the days of care attended
        "amount": float,            # what the payer paid for them (meals and fees excluded), company currency
        "source": str,              # the source documents, e.g. "account.move,42" (shown on the period)
    }

An addon extends it with ``super()`` and appends its own records (``youth_camps``: one per camp registration
paid, the days of the camp the child attended). The age limit, the periods, the split in attestations of 4
periods, the PDF and the Belcotax file are common to every source.
"""

import base64
from collections import defaultdict
from datetime import date

from odoo import Command, api, fields, models
from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.addons.childcare_base.tools.identity import InvalidNationalNumber, normalize_national_number
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import split_every
from odoo.tools.translate import _

from ..tools import attestation as rules
from ..tools import belcotax

#: groups that issue the attestations: municipal staff and accountants
ISSUER_GROUPS = ("childcare_base.group_childcare_manager", "account.group_account_invoice")
#: the fee engine's lines of meals paid by the parent (tools/fees.py)
MEAL_LABEL_KEYS = ("meals", "csa_meals_parent", "csa_free_meals_parent")
#: an invoice counts as paid in these payment states
PAID_STATES = ("paid", "in_payment", "reversed")
#: the PDF report, and how many attestations one wkhtmltopdf run renders
REPORT = "childcare_billing.action_report_tax_attestation"
PDF_CHUNK = 100
ATTESTATION_STATES = [("draft", "Draft"), ("issued", "Issued")]


def _check_issuer(env):
    if not (env.su or any(env.user.has_group(group) for group in ISSUER_GROUPS)):
        raise AccessError(env._("Only municipal staff and accountants issue tax attestations."))


class ChildcareTaxAttestationBatch(models.Model):
    """The tax attestations of one municipality and year: issued together, with the Belcotax-on-web file."""

    _name = "childcare.tax.attestation.batch"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _description = "Tax attestations 281.86 of a year"
    _order = "year desc, id desc"
    _mail_post_access = "read"
    _childcare_system_fields = ("state", "date_issued", "belcotax_file", "belcotax_filename")

    name = fields.Char(compute="_compute_name")  # in the reader's language
    company_id = fields.Many2one(
        "res.company", string="Municipality", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(required=True, help="Calendar year of the care attested.")
    state = fields.Selection(ATTESTATION_STATES, required=True, default="draft", readonly=True, tracking=True)
    date_issued = fields.Datetime(string="Issued on", readonly=True, tracking=True)
    attestation_ids = fields.One2many("childcare.tax.attestation", "batch_id", string="Attestations", readonly=True)
    attestation_count = fields.Integer(compute="_compute_totals", string="Attestations (count)")
    amount_total = fields.Monetary(compute="_compute_totals", string="Total attested")
    missing_national_number_count = fields.Integer(compute="_compute_totals", string="Payers without national number")
    belcotax_file = fields.Binary(string="Belcotax-on-web file", attachment=True, readonly=True, copy=False)
    belcotax_filename = fields.Char(readonly=True, copy=False)

    _company_year_uniq = models.Constraint(
        "UNIQUE(company_id, year)", "The tax attestations of a year are issued once per municipality: issue again."
    )

    @api.depends("year")
    def _compute_name(self):
        for batch in self:
            batch.name = self.env._("Tax attestations 281.86 — %s", batch.year)

    @api.depends("attestation_ids.amount_total", "attestation_ids.payer_national_number")
    def _compute_totals(self):
        for batch in self:
            attestations = batch.attestation_ids
            batch.attestation_count = len(attestations)
            batch.amount_total = sum(attestations.mapped("amount_total"))
            batch.missing_national_number_count = len(attestations.filtered(lambda a: not a.payer_national_number))

    # ------------------------------------------------------------------ actions
    @api.model
    def _get_or_create(self, year, company=None):
        _check_issuer(self.env)
        company = company or self.env.company
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(_("You cannot issue the tax attestations of %s.", company.name))
        self._check_year(year)
        # sudo: the issuer's group was checked; the batch is a system record
        batch = self.sudo().search([("company_id", "=", company.id), ("year", "=", year)], limit=1)
        return batch or self.sudo().create({"company_id": company.id, "year": year})

    @api.model
    def _check_year(self, year):
        today = fields.Date.context_today(self)
        if not year or year < 2000:
            raise UserError(_("Give the calendar year of the attestations, e.g. %s.", today.year - 1))
        if year >= today.year:
            raise UserError(
                _(
                    "The year %(year)s is not over: its tax attestations are issued from 1 January %(next)s.",
                    year=year,
                    next=year + 1,
                )
            )

    def action_compute(self):
        """Compute (or compute again) the attestations of the year, in draft, without PDF."""
        _check_issuer(self.env)
        for batch in self:
            batch._check_year(batch.year)
            batch.sudo()._compute_attestations()
        return True

    def action_issue(self):
        """Compute the attestations, render one PDF each, attach it to the household, and write the Belcotax
        file. Issuing a year again updates its attestations and files (nothing is duplicated)."""
        _check_issuer(self.env)
        for record in self:
            record._check_year(record.year)
            # sudo: the group was checked above; the attestations, their PDFs and the families' attachments
            # are written by the system
            batch = record.sudo()
            attestations = batch._compute_attestations()
            attestations.write({"state": "issued", "date_issued": fields.Datetime.now()})
            attestations._render_pdf()
            batch._write_belcotax()
            batch.write({"state": "issued", "date_issued": fields.Datetime.now()})
            batch.message_post(
                body=_(
                    "%(count)s tax attestations issued, %(amount)s in all.",
                    count=len(attestations),
                    amount=f"{batch.amount_total:.2f}",
                )
            )
        return True

    def action_view_attestations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "childcare.tax.attestation",
            "view_mode": "list,form",
            "domain": [("batch_id", "=", self.id)],
        }

    # ------------------------------------------------------------------ computation
    def _compute_attestations(self):
        """Create, update or remove the attestations of the batch from the sources; returns them."""
        self.ensure_one()
        Attestation = self.env["childcare.tax.attestation"].with_company(self.company_id)
        families = (
            self.env["childcare.family"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.company_id.id)])
        )
        prepared = Attestation._prepare_attestations(self.year, Attestation._attestation_sources(self.year, families))
        existing = {attestation._attestation_key(): attestation for attestation in self.attestation_ids}
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in prepared}).sudo()
        national_numbers = {partner.id: partner.childcare_national_number or False for partner in partners}
        to_create, kept = [], self.env["childcare.tax.attestation"]
        for vals in prepared:
            key = (vals["child_id"], vals["family_id"], vals["partner_id"], vals["part"])
            line_commands = [Command.create(line) for line in vals.pop("lines")]
            vals.update(payer_national_number=national_numbers.get(vals["partner_id"]), batch_id=self.id)
            attestation = existing.get(key)
            if attestation:
                attestation.write({**vals, "line_ids": [Command.clear(), *line_commands]})
                kept |= attestation
            else:
                to_create.append({**vals, "line_ids": line_commands})
        obsolete = self.attestation_ids - kept
        obsolete.attachment_id.unlink()
        obsolete.unlink()
        created = Attestation.create(to_create) if to_create else Attestation
        for attestation in created:
            attestation.number = attestation.id
        return (kept | created).sorted("id")

    def _write_belcotax(self):
        self.ensure_one()
        company = self.company_id
        partner = company.partner_id
        address = {
            "name": company.name,
            "street": ", ".join(filter(None, (partner.street, partner.street2))),
            "zip": partner.zip,
            "city": partner.city,
            "company_registry": company.company_registry or company.vat,
            "phone": partner.phone,
            "email": partner.email,
            "contact": self.env.user.name,
            "lang": self.env.user.lang or partner.lang,
        }
        fiches = [attestation._belcotax_fiche() for attestation in self.attestation_ids.sorted("id")]
        content = belcotax.belcotax_xml(self.year, address, address, fiches, created=fields.Date.context_today(self))
        self.write(
            {
                "belcotax_file": base64.b64encode(content),
                "belcotax_filename": f"belcotax_28186_{self.year}.xml",
            }
        )


class ChildcareTaxAttestation(models.Model):
    _name = "childcare.tax.attestation"
    _inherit = ["childcare.guard.mixin", "mail.thread"]
    _description = "Tax attestation 281.86 (childcare costs)"
    _order = "year desc, family_id, child_id, part, id"
    _mail_post_access = "read"
    _check_company_auto = True
    _childcare_system_fields = ("state", "date_issued", "attachment_id")

    name = fields.Char(compute="_compute_name", store=True, string="Reference")
    number = fields.Integer(readonly=True, copy=False, help="Sequence of the attestation (its Belcotax reference).")
    batch_id = fields.Many2one(
        "childcare.tax.attestation.batch", string="Issue of the year", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True, index=True, string="Municipality")
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(related="batch_id.year", store=True, index=True)
    child_id = fields.Many2one("childcare.child", required=True, index=True, readonly=True, ondelete="restrict")
    child_birthdate = fields.Date(related="child_id.birthdate", string="Birthdate")
    family_id = fields.Many2one("childcare.family", string="Household", index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Payer", required=True, index=True, readonly=True, help="The guardian who paid."
    )
    payer_national_number = fields.Char(
        string="Payer's national number",
        readonly=True,
        help="Read on the payer's contact when the attestation is issued.",
    )
    part = fields.Integer(
        default=1,
        readonly=True,
        help="1 for the first attestation of the child and payer; 2, 3... when the year has more than 4 periods.",
    )
    line_ids = fields.One2many("childcare.tax.attestation.line", "attestation_id", string="Periods", readonly=True)
    days_total = fields.Integer(compute="_compute_totals", store=True, string="Days")
    amount_total = fields.Monetary(compute="_compute_totals", store=True, string="Total")
    state = fields.Selection(ATTESTATION_STATES, required=True, default="draft", readonly=True, tracking=True)
    date_issued = fields.Datetime(string="Issued on", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True, copy=False)

    _key_uniq = models.UniqueIndex(
        "(batch_id, child_id, partner_id, COALESCE(family_id, 0), part)",
        "A child has one attestation per payer, household and part in a year.",
    )

    @api.depends("year", "number")
    def _compute_name(self):
        for attestation in self:
            attestation.name = f"281.86/{attestation.year}/{attestation.number or 0:05d}"

    @api.depends("line_ids.days", "line_ids.amount")
    def _compute_totals(self):
        for attestation in self:
            attestation.days_total = sum(attestation.line_ids.mapped("days"))
            attestation.amount_total = attestation.currency_id.round(sum(attestation.line_ids.mapped("amount")))

    def _attestation_key(self):
        return (self.child_id.id, self.family_id.id or False, self.partner_id.id, self.part)

    # ------------------------------------------------------------------ the sources of care (hook)
    @api.model
    def _attestation_sources(self, year, families):
        """The care of ``year`` attended and fully paid, as plain dicts (see the module docstring): one per
        household, child and month billed by the childcare billing runs. Extend with ``super()`` to add other
        sources (camps). Runs as the system: the caller checked the issuer's group."""
        return self._attestation_sources_childcare(year, families)

    @api.model
    def _attestation_sources_childcare(self, year, families):
        if not families:
            return []
        env = self.sudo().env
        company = self.env.company
        lines = env["account.move.line"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                # the household's documents, and the credit notes Odoo's "Reverse" made of them (the household
                # is not copied to a reversal; the child and the month of its lines are)
                "|",
                ("move_id.childcare_family_id", "in", families.ids),
                ("move_id.reversed_entry_id.childcare_family_id", "in", families.ids),
                ("childcare_period", ">=", date(year, 1, 1)),
                ("childcare_period", "<=", date(year, 12, 31)),
                ("childcare_child_id", "!=", False),
                ("childcare_payer", "=", "parent"),
                ("display_type", "=", "product"),
            ],
            [
                "move_id",
                "childcare_child_id",
                "childcare_period",
                "childcare_structure_id",
                "price_subtotal",
                "product_id",
            ],
        )
        lines.move_id.fetch(["move_type", "payment_state", "childcare_family_id", "reversed_entry_id"])
        excluded_products = lines.product_id.filtered(lambda product: product.childcare_tax_excluded)
        months = defaultdict(lambda: {"amount": 0.0, "paid": True, "moves": set(), "structures": set()})
        for line in lines:
            move = line.move_id
            family = move.childcare_family_id or move.reversed_entry_id.childcare_family_id
            key = (family.id, line.childcare_child_id.id, line.childcare_period.replace(day=1))
            month = months[key]
            month["moves"].add(move.id)
            if line.product_id in excluded_products:
                continue
            if line.childcare_structure_id:
                month["structures"].add(line.childcare_structure_id.id)
            sign = -1 if move.move_type == "out_refund" else 1
            month["amount"] += sign * line.price_subtotal
            if move.move_type == "out_invoice" and move.payment_state not in PAID_STATES:
                month["paid"] = False
        if not months:
            return []
        meals = self._meals_paid(year, families)
        attended = self._days_attended(year, {child for _f, child, _m in months})
        payers = {family.id: family._childcare_attestation_payer() for family in families.sudo()}
        sources = []
        for (family_id, child_id, month_start), month in sorted(months.items()):
            payer = payers.get(family_id)
            if not month["paid"] or not payer:
                continue
            amount = company.currency_id.round(month["amount"] - meals.get((family_id, child_id, month_start), 0.0))
            days = sorted(
                {
                    day
                    for structure_id, day in attended.get((child_id, month_start), ())
                    if not month["structures"] or structure_id in month["structures"]
                }
            )
            if amount <= 0 or not days:
                continue
            sources.append(
                {
                    "child_id": child_id,
                    "family_id": family_id,
                    "partner_id": payer.id,
                    "dates": days,
                    "amount": amount,
                    "source": ",".join(f"account.move,{move_id}" for move_id in sorted(month["moves"])),
                }
            )
        return sources

    @api.model
    def _meals_paid(self, year, families):
        """{(family id, child id, month): meals billed to the parent} from the last billing run line invoiced
        (or found unchanged by a correction run) of each household, child and month."""
        run_lines = (
            self.env["childcare.billing.run.line"]
            .sudo()
            .search_fetch(
                [
                    ("family_id", "in", families.ids),
                    ("date_month", ">=", date(year, 1, 1)),
                    ("date_month", "<=", date(year, 12, 31)),
                    ("state", "in", ("invoiced", "unchanged")),
                ],
                ["family_id", "child_id", "date_month", "quote_lines", "run_id"],
                order="run_id desc, id desc",
            )
        )
        meals = {}
        for run_line in run_lines:
            key = (run_line.family_id.id, run_line.child_id.id, run_line.date_month.replace(day=1))
            if key in meals:
                continue  # an older run of the month
            meals[key] = sum(
                quote_line.get("amount") or 0.0
                for quote_line in run_line.quote_lines or []
                if quote_line.get("payer") == "parent" and quote_line.get("label_key") in MEAL_LABEL_KEYS
            )
        return meals

    @api.model
    def _days_attended(self, year, child_ids):
        """{(child id, month): {(structure id, day)}} of the days the children were present in ``year``."""
        attendances = (
            self.env["childcare.attendance"]
            .sudo()
            .search_fetch(
                [
                    ("child_id", "in", list(child_ids)),
                    ("date", ">=", date(year, 1, 1)),
                    ("date", "<=", date(year, 12, 31)),
                    ("absence_reason", "=", "none"),
                    ("check_in", "!=", False),
                ],
                ["child_id", "structure_id", "date"],
            )
        )
        result = defaultdict(set)
        for attendance in attendances:
            result[(attendance.child_id.id, attendance.date.replace(day=1))].add(
                (attendance.structure_id.id, attendance.date)
            )
        return result

    # ------------------------------------------------------------------ from sources to attestations
    @api.model
    def _prepare_attestations(self, year, sources):
        """The values of the attestations (with their ``lines``) of ``sources`` (see the module docstring):
        grouped by child, household and payer; days from the 14th (21st) birthday on left out; periods
        merged; 4 periods per attestation."""
        children = self.env["childcare.child"].sudo().browse({source["child_id"] for source in sources})
        limits = {child.id: rules.age_limit_date(child.birthdate, child.has_severe_disability) for child in children}
        items = defaultdict(list)
        for source in sources:
            days = [day for day in source["dates"] if day.year == year]
            eligible, amount = rules.eligible_share(days, source["amount"], limits[source["child_id"]])
            if not eligible or amount <= 0:
                continue
            items[(source["child_id"], source.get("family_id") or False, source["partner_id"])].append(
                rules.CareItem(eligible[0], eligible[-1], len(eligible), amount, (source.get("source") or "",))
            )
        result = []
        for (child_id, family_id, partner_id), care_items in sorted(items.items(), key=lambda kv: str(kv[0])):
            for part, periods in enumerate(rules.attestations(care_items), start=1):
                result.append(
                    {
                        "child_id": child_id,
                        "family_id": family_id,
                        "partner_id": partner_id,
                        "part": part,
                        "lines": [
                            {
                                "sequence": index,
                                "date_from": period.date_from,
                                "date_to": period.date_to,
                                "days": period.days,
                                "daily_rate": float(period.daily_rate),
                                "amount": float(period.amount),
                                "source": ";".join(filter(None, period.sources)),
                            }
                            for index, period in enumerate(periods, start=1)
                        ],
                    }
                )
        return result

    # ------------------------------------------------------------------ documents
    def _render_pdf(self):
        """One PDF per attestation, attached to the household (or the payer without one). wkhtmltopdf runs once
        for up to ``PDF_CHUNK`` attestations (about a second a run): Odoo splits the document by attestation
        (one page each); a document it cannot split is rendered again one attestation at a time. The wkhtmltopdf
        of Debian (unpatched Qt) cannot render several documents in one run: there, one run per attestation."""
        Report = self.env["ir.actions.report"].sudo()
        Attachment = self.env["ir.attachment"].sudo()
        contents = {}
        chunk = PDF_CHUNK if _wkhtml().is_patched_qt else 1
        for ids in split_every(chunk, self.ids, list):
            streams, report_type = Report._pre_render_qweb_pdf(REPORT, res_ids=ids)
            if report_type == "pdf" and all((streams.get(res_id) or {}).get("stream") for res_id in ids):
                contents.update({res_id: streams[res_id]["stream"].getvalue() for res_id in ids})
            else:
                # test mode's HTML, or a document Odoo could not split by attestation
                contents.update({res_id: Report._render_qweb_pdf(REPORT, [res_id])[0] for res_id in ids})
        for attestation in self:
            pdf = contents[attestation.id]
            vals = {
                "name": f"{attestation.name.replace('/', '-')}.pdf",
                "type": "binary",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "childcare.family" if attestation.family_id else "res.partner",
                "res_id": attestation.family_id.id or attestation.partner_id.id,
                "company_id": attestation.company_id.id,
            }
            if attestation.attachment_id:
                attestation.attachment_id.write(vals)
            else:
                attestation.attachment_id = Attachment.create(vals)

    def _belcotax_fiche(self):
        self.ensure_one()
        child = self.child_id.sudo()
        payer = self.partner_id.sudo()
        family_partner = self.family_id.sudo().partner_id or payer
        first, last = self._split_name(payer.name)
        company = self.company_id
        return {
            "reference": self.name,
            "company_registry": False,
            "debtor": {
                "national_number": self.payer_national_number,
                "name": last,
                "first_name": first,
                "street": ", ".join(filter(None, (payer.street or family_partner.street, payer.street2))),
                "zip": payer.zip or family_partner.zip,
                "city": payer.city or family_partner.city,
                "country": belcotax.BELGIUM
                if (payer.country_id or family_partner.country_id or company.country_id).code in (False, "BE")
                else "",
            },
            "child": {
                "national_number": child.national_number,
                "name": child.last_name,
                "first_name": child.first_name,
                "birthdate": child.birthdate,
                "street": family_partner.street,
                "zip": family_partner.zip,
                "city": family_partner.city,
                "country": belcotax.BELGIUM,
            },
            "certifier": {
                "name": company.name,
                "street": company.street,
                "zip": company.zip,
                "city": company.city,
                "company_registry": company.company_registry or company.vat,
                "authorisation": "1",
            },
            "periods": [
                {
                    "date_from": line.date_from,
                    "date_to": line.date_to,
                    "days": line.days,
                    "daily_rate": line.daily_rate,
                    "amount": line.amount,
                }
                for line in self.line_ids.sorted("sequence")
            ],
        }

    @staticmethod
    def _split_name(name):
        """(first names, last name) of a contact named "First Last" (Odoo's convention for people)."""
        parts = (name or "").split(" ", 1)
        return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])

    def action_download_pdf(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(_("%s has not been issued yet.", self.name))
        return {"type": "ir.actions.act_url", "url": f"/web/content/{self.attachment_id.id}?download=true"}


class ChildcareTaxAttestationLine(models.Model):
    _name = "childcare.tax.attestation.line"
    _inherit = ["childcare.guard.mixin"]
    _description = "Period of a tax attestation 281.86"
    _order = "attestation_id, sequence, id"

    attestation_id = fields.Many2one("childcare.tax.attestation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="attestation_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="attestation_id.currency_id")
    sequence = fields.Integer(default=1)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    days = fields.Integer(required=True)
    daily_rate = fields.Monetary(help="Amount divided by the days, rounded to the cent (informative).")
    amount = fields.Monetary(required=True, help="What was paid for the days of the period.")
    source = fields.Char(string="Source documents", help="The invoices (or registrations) the period comes from.")


class ChildcareChild(models.Model):
    _inherit = "childcare.child"

    has_severe_disability = fields.Boolean(
        string="Severe disability",
        tracking=True,
        groups="childcare_base.group_childcare_manager,account.group_account_invoice",
        help="Tax attestation 281.86: the care of a child with a severe disability is attested until the age of "
        "21 (14 otherwise). Set by municipal staff on proof.",
    )

    @api.model
    def _childcare_protected_fields(self):
        return super()._childcare_protected_fields() | frozenset({"has_severe_disability"})


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    tax_attestation_ids = fields.One2many(
        "childcare.tax.attestation",
        "family_id",
        string="Tax attestations",
        groups="childcare_base.group_childcare_manager,account.group_account_invoice,base.group_portal",
    )
    tax_attestation_count = fields.Integer(
        compute="_compute_tax_attestation_count",
        groups="childcare_base.group_childcare_manager,account.group_account_invoice",
    )

    def _compute_tax_attestation_count(self):
        counts = dict(
            self.env["childcare.tax.attestation"]._read_group(
                [("family_id", "in", self.ids)], ["family_id"], ["__count"]
            )
        )
        for family in self:
            family.tax_attestation_count = counts.get(family, 0)

    def _childcare_attestation_payer(self):
        """The guardian who receives the household's tax attestation: the guardian whose contact is the
        billing partner, else the first guardian (the order of the guardians on the household)."""
        self.ensure_one()
        guardians = self.guardian_ids.sorted(lambda guardian: (guardian.sequence, guardian.id))
        billing = guardians.filtered(lambda guardian: guardian.partner_id == self.partner_id)
        return (billing or guardians)[:1].partner_id or self.partner_id

    def action_view_tax_attestations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Tax attestations of %s", self.name),
            "res_model": "childcare.tax.attestation",
            "view_mode": "list,form",
            "domain": [("family_id", "=", self.id)],
        }


class ResPartner(models.Model):
    _inherit = "res.partner"

    childcare_national_number = fields.Char(
        string="National number",
        copy=False,
        groups="childcare_base.group_childcare_manager,account.group_account_invoice",
        help="Belgian national register (or BIS) number of a guardian who pays childcare: printed on the tax "
        "attestation 281.86 and sent to Belcotax.",
    )

    @api.constrains("childcare_national_number")
    def _check_childcare_national_number(self):
        for partner in self.sudo().filtered("childcare_national_number"):
            try:
                normalize_national_number(partner.childcare_national_number, "BE")
            except InvalidNationalNumber as exc:
                raise ValidationError(
                    _(
                        "The national number %(number)s of %(name)s is not a valid Belgian national number.",
                        number=partner.childcare_national_number,
                        name=partner.name,
                    )
                ) from exc


class ProductTemplate(models.Model):
    _inherit = "product.template"

    childcare_tax_excluded = fields.Boolean(
        string="Excluded from the tax attestation",
        help="Meals, membership fees, penalties: invoice lines of this product are not childcare costs on the tax "
        "attestation 281.86.",
    )
