from odoo import api, fields, models
from odoo.addons.base_iban.models.res_partner_bank import normalize_iban, validate_iban
from odoo.addons.childcare_billing.models.childcare_debit import check_debit_rights
from odoo.exceptions import ValidationError
from odoo.tools.translate import _


class ChildcareMandateWizard(models.TransientModel):
    """Register the SEPA Core mandate a family signed: the debtor's IBAN (validated), the mandate's unique
    reference (else the next number of OCA's sequence) and its signature date. Creates the bank account of the
    family's billing partner and OCA's mandate, valid at once."""

    _name = "childcare.mandate.wizard"
    _inherit = ["childcare.guard.mixin"]
    _description = "New direct-debit mandate of a family"

    family_id = fields.Many2one("childcare.family", string="Family", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="family_id.partner_id", string="Debtor")
    iban = fields.Char(string="IBAN", required=True, help="The account the family signed the mandate for.")
    holder_name = fields.Char(
        string="Account holder", help="Name of the account holder when it is not the billing partner's name."
    )
    unique_mandate_reference = fields.Char(
        string="Mandate reference",
        size=35,
        help="The unique reference printed on the signed mandate (35 characters at most). Left empty, the next "
        "number of the mandate sequence is used.",
    )
    signature_date = fields.Date(string="Date of signature", required=True, default=fields.Date.context_today)
    type = fields.Selection(
        [("recurrent", "Recurrent"), ("oneoff", "Single use")], string="Type", required=True, default="recurrent"
    )
    scan = fields.Binary(string="Scan of the signed mandate")

    @api.model
    def _normalized_iban(self, iban):
        try:
            validate_iban(iban or "")
        except ValidationError as error:
            raise ValidationError(_("%(iban)s is not a valid IBAN: %(error)s", iban=iban or "", error=error)) from None
        # the national check digits too, which the IBAN's do not cover: a Belgian account number ends with its
        # first 10 digits modulo 97 (97 for 0)
        number = normalize_iban(iban).upper()
        if number.startswith("BE") and (int(number[4:14]) % 97 or 97) != int(number[14:16]):
            raise ValidationError(_("%s is not a valid IBAN: the account number's check digits are wrong.", iban))
        return normalize_iban(iban).upper()

    def action_create(self):
        self.ensure_one()
        check_debit_rights(self.env)
        self.family_id.check_access("read")
        iban = self._normalized_iban(self.iban)
        family = self.family_id.sudo()  # the bank account and mandate are written for staff after the checks
        partner = family.partner_id.commercial_partner_id
        Mandate = self.env["account.banking.mandate"]
        reference = (self.unique_mandate_reference or "").strip()
        Mandate._childcare_check_reference([(reference, family.company_id.id)])
        Bank = self.env["res.partner.bank"].sudo()
        bank_account = Bank.search(
            [("sanitized_acc_number", "=", iban), ("partner_id", "=", partner.id)], limit=1
        ) or Bank.create(
            {
                "acc_number": iban,
                "partner_id": partner.id,
                "acc_holder_name": self.holder_name or False,
            }
        )
        vals = {
            "partner_id": partner.id,
            "partner_bank_id": bank_account.id,
            "company_id": family.company_id.id,
            "signature_date": self.signature_date,
            "type": self.type,
            "format": "sepa_core",
            "scan": self.scan,
        }
        if reference:
            vals["unique_mandate_reference"] = reference
        mandate = Mandate.sudo().with_company(family.company_id).create(vals)
        mandate.validate()
        family.message_post(
            body=_(
                "Direct-debit mandate %(reference)s registered (account %(iban)s).",
                reference=mandate.unique_mandate_reference,
                iban=bank_account.acc_number,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.banking.mandate",
            "res_id": mandate.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
