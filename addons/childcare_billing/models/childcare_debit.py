from odoo import api, fields, models

#: payment-order states in which a debit is still on its way to the bank or at the bank
COLLECTION_STATES = ("open", "generated", "uploaded")


class AccountMove(models.Model):
    _inherit = "account.move"

    childcare_in_collection = fields.Boolean(
        string="In collection",
        compute="_compute_childcare_in_collection",
        store=True,
        help="A SEPA direct debit of this invoice is in a payment order sent (or about to be sent) to the bank: "
        "no transfer reminder goes out for it.",
    )

    @api.depends("payment_state", "line_ids.payment_line_ids.state", "line_ids.amount_residual")
    def _compute_childcare_in_collection(self):
        for move in self:
            receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            move.childcare_in_collection = (
                move.state == "posted"
                and any(payment_line.state in COLLECTION_STATES for payment_line in receivable.payment_line_ids)
                and move.payment_state not in ("paid", "reversed")
            )
