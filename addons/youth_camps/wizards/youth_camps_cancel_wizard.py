"""Cancel camp registrations from the back office, with the reason and, for the organisers, the medical
certificate that gives a full refund (the parents cancel from the portal with their reason)."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class YouthCampsCancelWizard(models.TransientModel):
    _name = "youth_camps.cancel.wizard"
    _description = "Cancel camp registrations"
    _inherit = ["childcare.guard.mixin"]

    registration_ids = fields.Many2many(
        "event.registration",
        string="Registrations",
        required=True,
        domain=[("is_camp", "=", True), ("camp_state", "not in", ("cancelled", "attended"))],
    )
    reason = fields.Text(required=True, help="Why the registrations are cancelled: kept on each registration.")
    medical_certificate = fields.Boolean(
        help="The family handed in a medical certificate: the registrations are refunded in full whatever the date. "
        "Only the camp's organisers record it (they check the certificate)."
    )
    refund_summary = fields.Text(
        string="Refund", compute="_compute_refund_summary", help="What each registration is refunded if cancelled now."
    )

    @api.depends("registration_ids", "medical_certificate")
    def _compute_refund_summary(self):
        for wizard in self:
            lines = []
            for registration in wizard.registration_ids:
                full = wizard.medical_certificate or registration._camp_refund_rate() >= 1.0
                lines.append(
                    self.env._(
                        "%(child)s, %(camp)s: %(refund)s",
                        child=registration.name,
                        camp=registration.event_id.name,
                        refund=self.env._("full refund") if full else self.env._("no refund"),
                    )
                )
            wizard.refund_summary = "\n".join(lines)

    def action_confirm(self):
        """Cancel: the registrations' own method checks who may (organisers of the camps, or a guardian of
        the family) and who may record a medical certificate."""
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the cancellation."))
        self.registration_ids.action_camp_cancel(
            reason=self.reason.strip(), medical_certificate=self.medical_certificate
        )
        return {"type": "ir.actions.act_window_close"}
