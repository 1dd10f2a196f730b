"""Delivery of a posted billing run: each household's documents by e-mail in its language, or on paper
through a print-house batch, all through Odoo's own invoice sending (``account.move.send``).

Sending a run marks its households' documents for Odoo's asynchronous sending, as Odoo's batch wizard
(``account.move.send.batch.wizard.action_send_and_print``) does: ``sending_data`` on the invoices and a
trigger of Odoo's cron ``account.ir_cron_account_move_send``, which renders each PDF (wkhtmltopdf), attaches
it to its invoice (``invoice_pdf_report_id``) and mails it to the billing partner with Odoo's invoice mail
template in the partner's language, a few invoices per transaction, thousands in the background. Documents
of households on paper go through the same cron with Odoo's "manual" sending method: their PDF is rendered
and attached, no mail leaves. When nothing of the run is left to send, the run builds its print batch (one
merged PDF of the paper invoices ordered by postcode then household name, and its CSV/XLSX manifest,
``tools/print_batch.py``) and goes to the state "Sent" once every document is delivered.
"""

import datetime

from odoo import api, fields, models
from odoo.addons.childcare_billing.tools import print_batch
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import _

DELIVERY_METHODS = [("email", "E-mail"), ("paper", "Paper")]
MANAGER_GROUP = "childcare_base.group_childcare_manager"
#: the run's print-batch files: written by the run's own methods only (after their group check)
PRINT_BATCH_FIELDS = ("print_batch_pdf_id", "print_manifest_csv_id", "print_manifest_xlsx_id")
SEND_CRON = "account.ir_cron_account_move_send"


class ChildcareFamily(models.Model):
    _inherit = "childcare.family"

    invoice_delivery = fields.Selection(
        DELIVERY_METHODS,
        string="Invoice delivery",
        required=True,
        default="email",
        tracking=True,
        help="How the household receives its invoices: by e-mail (the PDF sent to the billing partner's address) "
        "or on paper (printed and posted by the print house). A billing partner without an e-mail address "
        "receives paper. Changed by municipal staff, or by the household's parents on the portal.",
    )
    is_delivered_on_paper = fields.Boolean(
        string="Delivered on paper",
        compute="_compute_is_delivered_on_paper",
        store=True,
        help="The household's invoices go to the print batch: it chose paper, or its billing partner has no "
        "e-mail address.",
    )

    @api.depends("invoice_delivery", "partner_id.email")
    def _compute_is_delivered_on_paper(self):
        for family in self:
            family.is_delivered_on_paper = family.invoice_delivery == "paper" or not family.partner_id.email

    @api.model
    def _childcare_protected_fields(self):
        # the delivery choice is the household's: municipal staff set it, the parents through the portal
        # (set_invoice_delivery); structure staff, who may edit the household, may not
        return super()._childcare_protected_fields() | {"invoice_delivery"}

    def set_invoice_delivery(self, delivery):
        """Set the household's invoice delivery (``"email"`` or ``"paper"``): municipal staff, or a parent of
        the household (the portal's entry point: a guardian of the household reads it under the portal rules)."""
        if delivery not in dict(DELIVERY_METHODS):
            raise UserError(_("Unknown invoice delivery: %s. Choose e-mail or paper.", delivery))
        self.check_access("read")
        user = self.env.user
        if not self.env.su and not user.has_group(MANAGER_GROUP):
            for family in self.sudo():
                if user.partner_id not in family.guardian_ids.partner_id:
                    raise AccessError(
                        _("Only municipal staff or the household's parents may change how it receives its invoices.")
                    )
        # sudo: the user is municipal staff or a parent of every household above
        self.sudo().write({"invoice_delivery": delivery})
        return True


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_delivery = fields.Selection(
        DELIVERY_METHODS,
        string="Delivery",
        readonly=True,
        copy=False,
        index=True,
        help="How the billing run delivered the document: e-mailed to the household, or printed in the run's "
        "print batch.",
    )


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_sending_methods(self, move) -> set:
        # EXTENDS account: a household's document goes the way the household chose (paper: Odoo's "manual"
        # method renders and attaches the PDF without mailing it; the run prints it)
        family = move.childcare_family_id
        if family and move.childcare_run_id:
            return {"manual"} if family.sudo().is_delivered_on_paper else {"email"}
        return super()._get_default_sending_methods(move)

    @api.model
    def _get_default_mail_lang(self, move, mail_template):
        # EXTENDS account: Odoo's template speaks the billing partner's language; without one, the household's
        lang = super()._get_default_mail_lang(move, mail_template)
        if move.childcare_family_id and not move.partner_id.lang:
            return move.childcare_family_id.sudo().lang or lang
        return lang

    @api.model
    def _prepare_invoice_pdf_report(self, invoices_data):
        # EXTENDS account: the households' invoices are rendered by one wkhtmltopdf call each. Odoo renders a
        # batch of invoices in one call and splits the PDF, which a wkhtmltopdf without patched Qt (Debian's,
        # see report/childcare_invoice_report.xml) refuses as soon as one page reports a warning: one bad
        # invoice would stop the whole batch, and the cron would retry it forever.
        childcare = {invoice: data for invoice, data in invoices_data.items() if invoice.childcare_run_id}
        others = {invoice: data for invoice, data in invoices_data.items() if invoice not in childcare}
        if others:
            super()._prepare_invoice_pdf_report(others)
        for invoice, data in childcare.items():
            super()._prepare_invoice_pdf_report({invoice: data})

    @api.model
    def _generate_and_send_invoices(
        self, moves, from_cron=False, allow_raising=True, allow_fallback_pdf=False, **custom_settings
    ):
        # EXTENDS account: a billing run whose last documents were just sent completes its delivery
        result = super()._generate_and_send_invoices(
            moves,
            from_cron=from_cron,
            allow_raising=allow_raising,
            allow_fallback_pdf=allow_fallback_pdf,
            **custom_settings,
        )
        # sudo: Odoo's cron (or the user who sent) delivered these documents; their run records it
        moves = moves.sudo().filtered("childcare_delivery")
        # the way each document went, as the sending methods above chose it a moment ago
        for move in moves:
            delivery = "paper" if move.childcare_family_id.is_delivered_on_paper else "email"
            if move.childcare_delivery != delivery:
                move.childcare_delivery = delivery
        # a PDF that existed before the sending (printed earlier) is not linked again by Odoo: the document
        # went out all the same
        moves.filtered(
            lambda move: not move.sending_data and not move.is_move_sent and move.invoice_pdf_report_id
        ).is_move_sent = True
        runs = moves.childcare_run_id.filtered(lambda run: run.state == "posted")
        runs._delivery_check_done()
        return result


class ChildcareBillingRun(models.Model):
    _inherit = "childcare.billing.run"

    delivery_total = fields.Integer(
        compute="_compute_delivery_counts", string="To send", help="Households' documents of the run."
    )
    delivery_done = fields.Integer(
        compute="_compute_delivery_counts",
        string="Sent",
        help="Documents delivered: PDF attached to the invoice and e-mailed, or ready in the print batch.",
    )
    delivery_queued = fields.Integer(
        compute="_compute_delivery_counts", string="In the queue", help="Documents Odoo is still sending."
    )
    delivery_failed = fields.Integer(
        compute="_compute_delivery_counts",
        string="Not delivered",
        help="Documents Odoo could not send (the reason is in their chatter): send the run again.",
    )
    delivery_email_count = fields.Integer(compute="_compute_delivery_counts", string="By e-mail")
    delivery_paper_count = fields.Integer(compute="_compute_delivery_counts", string="On paper")
    delivery_progress = fields.Float(compute="_compute_delivery_counts", string="Delivery (%)")
    print_batch_pdf_id = fields.Many2one(
        "ir.attachment", string="Print batch", readonly=True, copy=False, ondelete="set null"
    )
    print_manifest_csv_id = fields.Many2one(
        "ir.attachment", string="Manifest (CSV)", readonly=True, copy=False, ondelete="set null"
    )
    print_manifest_xlsx_id = fields.Many2one(
        "ir.attachment", string="Manifest (XLSX)", readonly=True, copy=False, ondelete="set null"
    )

    # ------------------------------------------------------------------ guard
    def _childcare_check_fields(self, names, defaults=None):
        # EXTENDS childcare.guard.mixin: the print-batch files are system fields (the run's own methods)
        if not self.env.su:
            written = {name for name in names if name in PRINT_BATCH_FIELDS and name not in (defaults or {})}
            if written:
                raise AccessError(
                    _(
                        "%(fields)s of %(model)s change only through the buttons of the record (they check your role).",
                        fields=self._childcare_field_labels(written),
                        model=self._description,
                    )
                )
        return super()._childcare_check_fields(names, defaults=defaults)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(f"default_{name}" in self.env.context for name in PRINT_BATCH_FIELDS):
            self = self.with_context(  # noqa: PLW0642 - the same model without defaults of system fields
                **{f"default_{name}": False for name in PRINT_BATCH_FIELDS}
            )
        return super().create(vals_list)

    # ------------------------------------------------------------------ counters
    def _delivery_domain(self):
        """The documents a run delivers: the posted documents of its households (the subsidy invoices go to
        the funding bodies by the accountants' own means)."""
        return [
            ("childcare_run_id", "in", self.ids),
            ("childcare_family_id", "!=", False),
            ("state", "=", "posted"),
        ]

    def _compute_delivery_counts(self):
        # sudo: counters only; municipal staff may follow a run without reading the ledger
        Move = self.env["account.move"].sudo()
        domain = self._delivery_domain()

        def count(extra):
            return dict(Move._read_group(domain + extra, ["childcare_run_id"], ["__count"]))

        total = count([])
        queued = count([("sending_data", "!=", False)])
        done = count([("sending_data", "=", False), ("is_move_sent", "=", True), ("childcare_delivery", "!=", False)])
        failed = count(
            [("sending_data", "=", False), ("is_move_sent", "=", False), ("childcare_delivery", "!=", False)]
        )
        email = count([("childcare_delivery", "=", "email")])
        paper = count([("childcare_delivery", "=", "paper")])
        for run in self:
            run.delivery_total = total.get(run, 0)
            run.delivery_queued = queued.get(run, 0)
            run.delivery_done = done.get(run, 0)
            run.delivery_failed = failed.get(run, 0)
            run.delivery_email_count = email.get(run, 0)
            run.delivery_paper_count = paper.get(run, 0)
            run.delivery_progress = 100.0 * run.delivery_done / run.delivery_total if run.delivery_total else 0.0

    # ------------------------------------------------------------------ sending
    def action_send_invoices(self):
        """Send the households' documents of posted runs: e-mail (the PDF, in the household's language) or
        paper (the print batch), in the background through Odoo's invoice sending cron. Sending again sends
        only what was not delivered yet."""
        self._check_run_rights()
        for run in self:
            if run.state != "posted":
                raise UserError(
                    _(
                        "Only a posted billing run can send its invoices: %(run)s is %(state)s.",
                        run=run.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[run.state],
                    )
                )
        cron = self.env.ref(SEND_CRON, raise_if_not_found=False)
        if not cron or not cron.sudo().active:
            raise UserError(
                _(
                    'Odoo\'s invoice sending is switched off (scheduled action "Send invoices automatically"): '
                    "ask your administrator to activate it, then send the run again."
                )
            )
        Send = self.env["account.move.send"]
        author = {"author_user_id": self.env.user.id, "author_partner_id": self.env.user.partner_id.id}
        to_trigger = False
        # sudo: the user's role was checked above; the documents are marked for Odoo's sending cron
        for run in self.sudo():
            moves = self.env["account.move"].sudo().search(run._delivery_domain(), order="id")
            if not moves:
                raise UserError(_("The billing run %s has no household invoice to send.", run.name))
            if any(moves.mapped("sending_data")):
                raise UserError(
                    _("The invoices of %s are being sent: wait until Odoo has sent them (reload the page).", run.name)
                )
            todo = moves.filtered(lambda move: not move.is_move_sent)
            Send._check_move_constraints(todo)
            Send._check_invoice_report(todo)
            families = moves.childcare_family_id
            families.fetch(["is_delivered_on_paper"])
            for delivery, group in moves.grouped(
                lambda move: "paper" if move.childcare_family_id.is_delivered_on_paper else "email"
            ).items():
                group.filtered(lambda move, d=delivery: move.childcare_delivery != d).childcare_delivery = delivery
            if todo:
                # as account.move.send.batch.wizard.action_send_and_print: the cron sends them
                todo.sending_data = author
                to_trigger = True
                run.message_post(
                    body=_(
                        "%(count)s documents queued for sending: %(email)s by e-mail, %(paper)s on paper (print "
                        "batch).",
                        count=len(todo),
                        email=len(todo.filtered(lambda move: move.childcare_delivery == "email")),
                        paper=len(todo.filtered(lambda move: move.childcare_delivery == "paper")),
                    )
                )
            else:
                run._delivery_check_done()
        if to_trigger:
            cron.sudo()._trigger()
        return True

    def _delivery_check_done(self):
        """Called when Odoo sent documents of these runs: once nothing of a run is left in the queue, build
        its print batch; the run is "Sent" when every document is delivered."""
        for run in self.sudo():
            if run.state != "posted":
                continue
            Move = self.env["account.move"].sudo()
            domain = run._delivery_domain()
            if Move.search_count([*domain, ("sending_data", "!=", False)], limit=1):
                continue  # Odoo's cron is still at work
            run._build_print_batch()
            failed = Move.search_count([*domain, ("is_move_sent", "=", False)])
            if failed:
                run.message_post(
                    body=_(
                        "%(count)s documents could not be delivered (the reason is in their chatter): fix them and "
                        "send the run again.",
                        count=failed,
                    )
                )
                continue
            run.state = "sent"
            run.message_post(
                body=_(
                    "Invoices delivered: %(email)s by e-mail, %(paper)s on paper (print batch).",
                    email=Move.search_count([*domain, ("childcare_delivery", "=", "email")]),
                    paper=Move.search_count([*domain, ("childcare_delivery", "=", "paper")]),
                )
            )

    # ------------------------------------------------------------------ print batch
    def action_build_print_batch(self):
        """Build the print batch again from the PDFs attached to the paper invoices (same run, same files)."""
        self._check_run_rights()
        for run in self:
            if run.state not in ("posted", "sent"):
                raise UserError(_("Only a posted billing run has a print batch (%s).", run.name))
        for run in self.sudo():
            if not run._build_print_batch():
                raise UserError(_("The billing run %s has no paper invoice with its PDF yet: send it first.", run.name))
        return True

    def _print_batch_entries(self):
        """The entries of :func:`tools.print_batch.build_batch`: the posted paper documents of the run that
        have their PDF."""
        self.ensure_one()
        moves = self.env["account.move"].sudo().search([*self._delivery_domain(), ("childcare_delivery", "=", "paper")])
        company_country = self.company_id.country_id
        entries = []
        for move in moves:
            attachment = move.invoice_pdf_report_id
            if not attachment:
                continue
            partner = move.partner_id
            entries.append(
                {
                    "id": move.id,
                    "invoice": move.name,
                    "family": move.childcare_family_id.name,
                    "postcode": partner.zip,
                    "address_lines": [
                        partner.name,
                        partner.street,
                        partner.street2,
                        " ".join(part for part in (partner.zip, partner.city) if part),
                        partner.country_id.name if partner.country_id and partner.country_id != company_country else "",
                    ],
                    "pdf": attachment.raw,
                    "amount": move.amount_total_in_currency_signed,
                    "currency": move.currency_id.name,
                }
            )
        return entries

    def _build_print_batch(self):
        """Build (or build again) the run's print batch and store its files as attachments of the run.
        Returns False when the run has no paper document with its PDF."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - the callers checked the user's role (or are Odoo's cron)
        lang = self.company_id.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env  # the files speak the municipality's language
        headers = {
            "sequence": env._("Sequence"),
            "invoice": env._("Invoice"),
            "family": env._("Household"),
            "pages": env._("Pages"),
            "first_page": env._("First page"),
            "amount": env._("Amount"),
            "currency": env._("Currency"),
            **{
                f"address_{index}": env._("Address line %s", index) for index in range(1, print_batch.ADDRESS_LINES + 1)
            },
        }
        batch = print_batch.build_batch(
            self._print_batch_entries(),
            title=env._("Print batch %(run)s", run=self.name),
            headers=headers,
            total_label=env._("Total"),
            created=datetime.datetime.combine(self.date_invoice or self.date_month, datetime.time()),
        )
        if not batch:
            return False
        stem = f"print-batch-{self.date_month.strftime('%Y-%m')}-{self.id}"
        files = {
            "print_batch_pdf_id": (f"{stem}.pdf", batch["pdf"], "application/pdf"),
            "print_manifest_csv_id": (f"{stem}-manifest.csv", batch["csv"], "text/csv"),
            "print_manifest_xlsx_id": (
                f"{stem}-manifest.xlsx",
                batch["xlsx"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        }
        values = {}
        for field, (name, raw, mimetype) in files.items():
            attachment = self[field]
            if attachment:
                attachment.write({"name": name, "raw": raw, "mimetype": mimetype})
            else:
                values[field] = (
                    self.env["ir.attachment"]
                    .create(
                        {"name": name, "raw": raw, "mimetype": mimetype, "res_model": self._name, "res_id": self.id}
                    )
                    .id
                )
        if values:
            self.write(values)
        self.message_post(
            body=_(
                "Print batch: %(count)s paper invoices, %(pages)s pages.",
                count=len(batch["rows"]),
                pages=sum(row["pages"] for row in batch["rows"]),
            )
        )
        return True

    def _download(self, field):
        self.ensure_one()
        attachment = self[field]
        if not attachment:
            raise UserError(_("The billing run %s has no print batch yet: send its invoices first.", self.name))
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def action_download_print_batch(self):
        return self._download("print_batch_pdf_id")

    def action_download_manifest_csv(self):
        return self._download("print_manifest_csv_id")

    def action_download_manifest_xlsx(self):
        return self._download("print_manifest_xlsx_id")

    def action_view_delivery(self):
        """The households' documents of the run, with how each one is delivered."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Delivery of %s", self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(self.env.ref("account.view_out_invoice_tree").id, "list"), (False, "form")],
            "search_view_id": [self.env.ref("account.view_account_invoice_filter").id, "search"],
            "domain": [("childcare_run_id", "=", self.id), ("childcare_family_id", "!=", False)],
            "context": {"search_default_group_by_childcare_delivery": 1},
        }
