from odoo import Command, api, fields, models
from odoo.addons.base.models.res_partner import _lang_get
from odoo.tools.translate import _


class ChildcareFamily(models.Model):
    _name = "childcare.family"
    _description = "Family (household)"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True
    # the municipality and the billing partner (who receives the invoices) are set by municipal staff
    _childcare_manager_fields = ("company_id", "partner_id")

    name = fields.Char(
        string="Household",
        required=True,
        tracking=True,
        help="How the household is called on invoices and letters, e.g. 'Dupont - Martin'.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    country_id = fields.Many2one(
        "res.country",
        string="Country",
        default=lambda self: self.env.company.country_id,
        help="Country whose rules validate the national numbers of the children.",
    )
    is_resident = fields.Boolean(
        string="Resident of the municipality",
        default=True,
        tracking=True,
        help="Residents get priority points and resident prices; non-residents pay the non-resident rates.",
    )
    lang = fields.Selection(_lang_get, string="Preferred language", default=lambda self: self.env.lang)
    partner_id = fields.Many2one(
        "res.partner",
        string="Billing partner",
        index=True,
        tracking=True,
        check_company=True,
        help="Who receives the invoices of this household. Left empty, a household contact is created.",
    )
    street = fields.Char(related="partner_id.street", readonly=False)
    zip = fields.Char(related="partner_id.zip", readonly=False)
    city = fields.Char(related="partner_id.city", readonly=False)
    email = fields.Char(related="partner_id.email", readonly=False)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    guardian_ids = fields.One2many("childcare.family.guardian", "family_id", string="Guardians", copy=True)
    family_child_ids = fields.One2many("childcare.family.child", "family_id", string="Children and custody")
    child_ids = fields.Many2many(
        "childcare.child",
        "childcare_family_child_ids_rel",
        "family_id",
        "child_id",
        compute="_compute_child_ids",
        store=True,
        string="Children",
    )
    child_count = fields.Integer(compute="_compute_child_count")
    income_ids = fields.One2many("childcare.family.income", "family_id", string="Declared incomes")
    income_current_id = fields.Many2one(
        "childcare.family.income",
        compute="_compute_income_current_id",
        string="Current income",
        help="The validated income declaration of the most recent year.",
    )
    note = fields.Html(groups="base.group_user", help="Internal note: never shown to the family.")

    @api.depends("family_child_ids.child_id")
    def _compute_child_ids(self):
        for family in self:
            family.child_ids = family.family_child_ids.child_id

    @api.depends("child_ids")
    def _compute_child_count(self):
        for family in self:
            family.child_count = len(family.child_ids)

    @api.depends("income_ids.state", "income_ids.year")
    def _compute_income_current_id(self):
        for family in self:
            validated = family.income_ids.filtered(lambda i: i.state == "validated")
            family.income_current_id = validated.sorted("year", reverse=True)[:1]

    @api.model_create_multi
    def create(self, vals_list):
        # Every household gets a billing contact: the one given, or one created from its name.
        missing = [vals for vals in vals_list if not vals.get("partner_id")]
        if missing:
            partners = self.env["res.partner"].create(
                [
                    {
                        "name": vals["name"],
                        "company_id": vals.get("company_id") or self.env.company.id,
                        "lang": vals.get("lang") or self.env.lang,
                        "type": "contact",
                    }
                    for vals in missing
                ]
            )
            for vals, partner in zip(missing, partners, strict=True):
                vals["partner_id"] = partner.id
        return super().create(vals_list)

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Children of %s", self.name),
            "res_model": "childcare.child",
            "view_mode": "list,kanban,form",
            "domain": [("id", "in", self.child_ids.ids)],
            "context": {"default_family_child_ids": [Command.create({"family_id": self.id, "custody_share": 100})]},
        }
