from odoo import fields, models

CHILDCARE_KINDS = [
    ("invoice", "Monthly invoice"),
    ("correction", "Correction"),
    ("subsidy", "Subsidy"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_family_id = fields.Many2one(
        "childcare.family", string="Household", index=True, readonly=True, copy=False, ondelete="restrict"
    )
    childcare_structure_id = fields.Many2one(
        "childcare.structure", string="Structure (subsidy)", index=True, readonly=True, copy=False
    )
    childcare_period = fields.Date(string="Billed month", index=True, readonly=True, copy=False)
    childcare_run_id = fields.Many2one(
        "childcare.billing.run", string="Billing run", index=True, readonly=True, copy=False, ondelete="restrict"
    )
    childcare_kind = fields.Selection(CHILDCARE_KINDS, string="Childcare document", readonly=True, copy=False)

    # One monthly invoice per household and month, whatever happens (a crash, a second run): corrections
    # are separate documents. A run never makes two documents for the same household or structure.
    _childcare_invoice_uniq = models.UniqueIndex(
        "(company_id, childcare_family_id, childcare_period) WHERE childcare_kind = 'invoice' AND state != 'cancel'",
        "This household already has an invoice for this month: a change is billed by a correction.",
    )
    _childcare_subsidy_uniq = models.UniqueIndex(
        "(company_id, childcare_structure_id, childcare_period) WHERE childcare_kind = 'subsidy' AND state != 'cancel'",
        "This structure already has a subsidy invoice for this month: a change is billed by a correction.",
    )
    _childcare_run_family_uniq = models.UniqueIndex(
        "(childcare_run_id, childcare_family_id) WHERE childcare_family_id IS NOT NULL AND state != 'cancel'",
        "A billing run makes one document per household.",
    )
    _childcare_run_structure_uniq = models.UniqueIndex(
        "(childcare_run_id, childcare_structure_id) WHERE childcare_structure_id IS NOT NULL AND state != 'cancel'",
        "A billing run makes one subsidy invoice per structure.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    childcare_child_id = fields.Many2one("childcare.child", string="Child", index=True, readonly=True)
    childcare_structure_id = fields.Many2one("childcare.structure", string="Structure", index=True, readonly=True)
    childcare_plan_id = fields.Many2one("childcare.rate.plan", string="Rate plan", index=True, readonly=True)
    childcare_period = fields.Date(string="Billed month", index=True, readonly=True)
    childcare_scheme = fields.Selection(related="childcare_plan_id.scheme", store=True, string="Rate scheme")
    childcare_payer = fields.Selection(
        [("parent", "Parent"), ("subsidy", "Subsidy")], string="Payer", readonly=True, index=True
    )
    childcare_hours_contracted = fields.Float(string="Contracted hours", digits=(16, 2), readonly=True)
    childcare_hours_attended = fields.Float(string="Attended hours", digits=(16, 2), readonly=True)
    childcare_hours_billable = fields.Float(string="Billable hours", digits=(16, 2), readonly=True)
    childcare_hourly_rate = fields.Float(string="Hourly rate", digits=(16, 2), readonly=True)
    childcare_subsidy_amount = fields.Monetary(string="Subsidy part", readonly=True)
    childcare_parent_amount = fields.Monetary(string="Parent part", readonly=True)
