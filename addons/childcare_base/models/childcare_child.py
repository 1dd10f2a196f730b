from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.childcare_base.tools.identity import (
    InvalidNationalNumber,
    age_in_months,
    birthdate_from_national_number,
    normalize_national_number,
)
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, float_compare
from odoo.tools.translate import _

SCHOOL_LEVELS = [
    ("creche", "Crèche (not at school)"),
    ("m1", "M1"),
    ("m2", "M2"),
    ("m3", "M3"),
    ("p1", "P1"),
    ("p2", "P2"),
    ("p3", "P3"),
    ("p4", "P4"),
    ("p5", "P5"),
    ("p6", "P6"),
    ("s1", "S1 and above"),
]
SEPARATORS = str.maketrans("", "", " -./")


class ChildcareChild(models.Model):
    _name = "childcare.child"
    _description = "Child"
    _inherit = ["childcare.guard.mixin", "mail.thread", "mail.activity.mixin", "image.mixin"]
    _order = "last_name, first_name, id"
    _check_company_auto = True
    # who sees the child: structures follow the placement contracts, set by municipal staff
    _childcare_manager_fields = ("structure_ids", "company_id")

    name = fields.Char(compute="_compute_name", store=True, index="trigram")
    first_name = fields.Char(required=True, tracking=True)
    last_name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    birthdate = fields.Date(required=True, tracking=True)
    gender = fields.Selection([("female", "Girl"), ("male", "Boy"), ("other", "Other")])
    national_number = fields.Char(
        index=True,
        tracking=True,
        copy=False,
        groups="childcare_base.group_childcare_structure,base.group_portal",
        help="Validated against the rules of the family's country (Belgian NN, French NIR, Luxembourg matricule).",
    )
    school_level = fields.Selection(SCHOOL_LEVELS, default="creche", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Municipality",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    family_child_ids = fields.One2many("childcare.family.child", "child_id", string="Families and custody")
    family_ids = fields.Many2many(
        "childcare.family",
        "childcare_child_family_ids_rel",
        "child_id",
        "family_id",
        compute="_compute_family_ids",
        store=True,
        string="Families",
    )
    family_id = fields.Many2one(
        "childcare.family",
        compute="_compute_family_id",
        store=True,
        index=True,
        string="Main family",
        help="The family with the largest custody share.",
    )
    structure_ids = fields.Many2many(
        "childcare.structure",
        "childcare_child_structure_rel",
        "child_id",
        "structure_id",
        string="Structures",
        default=lambda self: self._default_structure_ids(),
        tracking=True,
        help="Structures that take care of the child: their staff see the child and its family.",
    )
    pickup_person_ids = fields.One2many("childcare.pickup.person", "child_id", string="Authorised pick-up persons")
    has_image_consent = fields.Boolean(
        string="Photo consent",
        tracking=True,
        help="Guardians agree that photos of the child are taken and shown.",
    )
    has_outing_consent = fields.Boolean(string="Outing consent", tracking=True)
    age_months = fields.Integer(compute="_compute_age_months", string="Age (months)")
    medical_sheet_ids = fields.One2many(
        "childcare.medical.sheet",
        "child_id",
        string="Medical sheets",
        groups="childcare_base.group_childcare_medical,base.group_portal",
    )
    has_valid_medical_sheet = fields.Boolean(
        compute="_compute_has_valid_medical_sheet",
        help="A medical sheet is on file and valid today (its content stays restricted).",
    )
    note = fields.Html(groups="base.group_user", help="Internal note: never shown to the family.")

    # One registry per municipality: a child may be registered in two municipalities (a move, a syndicate),
    # and a municipality never learns what another one holds.
    _national_number_uniq = models.UniqueIndex(
        "(company_id, national_number) WHERE national_number IS NOT NULL",
        "Another child of the municipality already has this national number.",
    )

    @api.model
    def _default_structure_ids(self):
        user = self.env.user
        if user.has_group("childcare_base.group_childcare_structure") and not user.has_group(
            "childcare_base.group_childcare_manager"
        ):
            return user.childcare_structure_ids
        return self.env["childcare.structure"]

    @api.depends("first_name", "last_name")
    def _compute_name(self):
        for child in self:
            child.name = " ".join(p for p in (child.first_name, (child.last_name or "").upper()) if p)

    @api.depends("family_child_ids.family_id")
    def _compute_family_ids(self):
        for child in self:
            child.family_ids = child.family_child_ids.family_id

    @api.depends("family_child_ids.custody_share", "family_child_ids.family_id")
    def _compute_family_id(self):
        for child in self:
            links = child.family_child_ids.sorted(lambda link: (-link.custody_share, link.id))
            child.family_id = links[:1].family_id

    @api.depends("birthdate")
    @api.depends_context("date")
    def _compute_age_months(self):
        today = fields.Date.to_date(self.env.context.get("date")) or fields.Date.context_today(self)
        for child in self:
            child.age_months = age_in_months(child.birthdate, today)

    def _compute_has_valid_medical_sheet(self):
        # sudo: only the existence of a valid sheet is exposed here, never its content.
        today = fields.Date.context_today(self)
        valid = (
            self.env["childcare.medical.sheet"]
            .sudo()
            ._read_group(
                [("child_id", "in", self.ids), ("date_valid_until", ">=", today)],
                ["child_id"],
            )
        )
        valid_ids = {child.id for (child,) in valid}
        for child in self:
            child.has_valid_medical_sheet = child.id in valid_ids

    # ------------------------------------------------------------------ constraints
    def _country_code(self):
        self.ensure_one()
        country = self.family_child_ids.family_id[:1].country_id or self.company_id.country_id
        return country.code

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for child in self:
            if child.birthdate > today:
                raise ValidationError(
                    _(
                        "The birthdate of %(child)s (%(date)s) lies in the future.",
                        child=child.name,
                        date=child.birthdate,
                    )
                )
            if child.birthdate < today - relativedelta(years=30):
                raise ValidationError(_("The birthdate of %s is more than 30 years ago.", child.name))

    @api.constrains("national_number", "family_child_ids", "birthdate")
    def _check_national_number(self):
        for child in self.sudo().filtered("national_number"):
            country = child._country_code()
            try:
                number = normalize_national_number(child.national_number, country)
            except InvalidNationalNumber as exc:
                raise ValidationError(
                    _(
                        "The national number %(number)s of %(child)s is not valid for %(country)s: check its digits.",
                        number=child.national_number,
                        child=child.name,
                        country=country,
                    )
                ) from exc
            encoded = birthdate_from_national_number(number, country)
            if encoded and encoded != child.birthdate:
                raise ValidationError(
                    _(
                        "The national number %(number)s of %(child)s does not match the birthdate %(date)s.",
                        number=number,
                        child=child.name,
                        date=child.birthdate,
                    )
                )

    @api.constrains("first_name", "last_name", "birthdate")
    def _check_duplicate(self):
        # One query for the whole batch (bulk registrations and imports): same names, case-insensitive,
        # and same birthdate as another child of the same municipality, archived ones included. Plain SQL on
        # purpose: a duplicate must be found even in a structure the user cannot see; the message names only
        # the child saved. Other municipalities keep their own registries: nothing of theirs is looked at.
        self.flush_model(["first_name", "last_name", "birthdate"])
        rows = self.env.execute_query(
            SQL(
                """SELECT batch.id FROM childcare_child batch
               JOIN childcare_child other
                 ON lower(other.first_name) = lower(batch.first_name)
                AND lower(other.last_name) = lower(batch.last_name)
                AND other.birthdate = batch.birthdate
                AND other.company_id = batch.company_id
                AND other.id != batch.id
              WHERE batch.id IN %s
              ORDER BY batch.id
              LIMIT 1""",
                tuple(self.ids) or (0,),
            )
        )
        if rows:
            child = self.browse(rows[0][0])
            raise ValidationError(
                _(
                    "%(child)s, born on %(date)s, is already registered: open the existing record instead "
                    "of creating a duplicate.",
                    child=child.name,
                    date=child.birthdate,
                )
            )

    def _check_custody_total(self):
        # sudo: the shares of every family count, also those of families the user cannot see
        for child in self.sudo():
            links = child.family_child_ids
            if links and float_compare(sum(links.mapped("custody_share")), 100.0, precision_digits=2):
                # never name a child the user may not read (constraints run under sudo: ask as the user)
                readable = child.sudo(False).has_access("read")
                raise ValidationError(
                    _(
                        "The custody shares of %(child)s add up to %(total)s %% instead of 100 %%.",
                        child=child.name if readable else _("this child"),
                        total=round(sum(links.mapped("custody_share")), 2),
                    )
                )

    @api.constrains("family_child_ids")
    def _check_custody(self):
        self._check_custody_total()

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        numbers = []
        for vals in vals_list:
            if vals.get("national_number"):
                vals["national_number"] = vals["national_number"].translate(SEPARATORS)
                numbers.append((vals.get("company_id") or self.env.company.id, vals["national_number"]))
        self._check_number_free(numbers)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("national_number"):
            vals["national_number"] = vals["national_number"].translate(SEPARATORS)
            if len(self) > 1:
                raise ValidationError(_("Two children cannot share the national number %s.", vals["national_number"]))
            company_id = vals.get("company_id") or self.company_id.id or self.env.company.id
            self._check_number_free([(company_id, vals["national_number"])])
        return super().write(vals)

    def _check_number_free(self, numbers):
        """Refuse national numbers already given to another child of the same municipality (before the
        unique index does). ``numbers``: [(company id, national number)]."""
        if not numbers:
            return
        if len(set(numbers)) < len(numbers):
            raise ValidationError(_("Two children cannot share the same national number."))
        # sudo: a duplicate must be found even in a structure the current user cannot see; only the
        # municipality's own registry is searched, and the message names no record.
        domain = Domain.OR(
            Domain("company_id", "=", company_id) & Domain("national_number", "=", number)
            for company_id, number in numbers
        )
        taken = self.sudo().with_context(active_test=False).search(domain & Domain("id", "not in", self.ids), limit=1)
        if taken:
            raise ValidationError(
                _(
                    "A child with the national number %s is already registered in this municipality: "
                    "look it up (or ask municipal staff) instead of creating a second one.",
                    taken.national_number,
                )
            )

    def age_months_on(self, day):
        """Completed months of age on ``day``."""
        self.ensure_one()
        return age_in_months(self.birthdate, day)
