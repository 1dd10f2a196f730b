from odoo import api, fields, models


class ChildcareTaxAttestationWizard(models.TransientModel):
    """Issue the tax attestations 281.86 of a year: every attestation, its PDF attached to the household, and the
    Belcotax-on-web file, on the year's issue record (issuing again updates them)."""

    _name = "childcare.tax.attestation.wizard"
    _description = "Issue tax attestations 281.86"

    @api.model
    def _default_year(self):
        return fields.Date.context_today(self).year - 1

    year = fields.Integer(required=True, default=_default_year, help="Calendar year of the care, already over.")
    company_id = fields.Many2one(
        "res.company", string="Municipality", required=True, default=lambda self: self.env.company
    )

    def action_issue(self):
        self.ensure_one()
        Batch = self.env["childcare.tax.attestation.batch"].with_company(self.company_id)
        batch = Batch._get_or_create(self.year, self.company_id)
        batch.with_env(Batch.env).action_issue()
        return {
            "type": "ir.actions.act_window",
            "res_model": "childcare.tax.attestation.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }
