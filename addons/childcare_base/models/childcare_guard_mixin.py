"""One write guard for every model of the childcare registry.

Odoo checks the record rules of a write on the rows as they were *before* the write, and lets a
relational field point at any id. A restricted user (structure staff, a portal parent), who may call
any public method over JSON-RPC with any context, could otherwise move a record they may write onto
a record they may not see (a child of another structure, another family's sheet) and then read that
record through the first one. Every model of the suite inherits this mixin, which keeps four
promises for every user but the superuser (code that already checked access and runs under sudo):

1. *Link only what you see*: every record that a create or a write newly links through a relational
   field must be readable by the writer. Checked before anything is written.
2. *Stay in your scope*: after a write that changes a relational field, the records must still be
   writable by the writer under the record rules, evaluated on the new values.
3. *Protected fields*: fields the interface shows read-only (stored computed fields without inverse,
   sequence, audit and workflow fields declared ``readonly=True``) are set by municipal staff only;
   the model's ``_childcare_manager_fields`` (contractual terms, staff lists) are changed by municipal
   staff only (a new record gets them from its creator, within the access rights and record rules).
4. *System fields*: ``_childcare_system_fields`` (states with a workflow, audit stamps) are written
   only by the model's own ``action_*`` methods, which check the user's group and then write under
   ``sudo()``. No context key opens these gates.

A refusal raises :class:`~odoo.exceptions.AccessError` before anything is written (promises 1, 3, 4)
or rolls the write back with the transaction (promise 2).
"""

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools.translate import _

MANAGER_GROUP = "childcare_base.group_childcare_manager"
#: fields of Odoo's mixins (chatter, activities, images) that Odoo itself maintains
FOREIGN_PREFIXES = ("message_", "activity_", "website_message_", "image_", "rating_", "access_")


class ChildcareGuardMixin(models.AbstractModel):
    _name = "childcare.guard.mixin"
    _description = "Write guard of the childcare registry"

    #: fields only municipal staff may write (besides the read-only ones, see the module docstring)
    _childcare_manager_fields = ()
    #: fields only the model's own methods write, under sudo after their own group check
    _childcare_system_fields = ()

    # ------------------------------------------------------------------ what is protected
    @api.model
    def _childcare_readonly_fields(self):
        """Names of the stored fields the interface shows read-only (computed, sequences, stamps)."""
        cls = type(self)
        cached = cls.__dict__.get("_childcare_readonly_cache")
        if cached is None:
            cached = frozenset(
                name
                for name, field in self._fields.items()
                if field.store
                and field.readonly
                and name not in models.MAGIC_COLUMNS
                and not name.startswith(FOREIGN_PREFIXES)
            )
            cls._childcare_readonly_cache = cached
        return cached

    @api.model
    def _childcare_protected_fields(self):
        """Names of the fields a user who is not municipal staff may not change."""
        return self._childcare_readonly_fields() | frozenset(self._childcare_manager_fields)

    def _childcare_is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _childcare_field_labels(self, names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))

    def _childcare_check_fields(self, names, defaults=None):
        """Refuse the protected and system fields among ``names`` (promises 3 and 4).

        ``defaults``: on create, the values that only repeat a field's default are let through.
        """
        if self.env.su:
            return
        defaults = defaults or {}
        names = {name for name in names if name in self._fields}
        system = {name for name in names & set(self._childcare_system_fields) if name not in defaults}
        if system:
            raise AccessError(
                _(
                    "%(fields)s of %(model)s change only through the buttons of the record (they check your role).",
                    fields=self._childcare_field_labels(system),
                    model=self._description,
                )
            )
        if self._childcare_is_manager():
            return
        protected = {name for name in names & self._childcare_protected_fields() if name not in defaults}
        if protected:
            raise AccessError(
                _(
                    "Only municipal staff may change %(fields)s of %(model)s.",
                    fields=self._childcare_field_labels(protected),
                    model=self._description,
                )
            )

    # ------------------------------------------------------------------ link only what you see
    @api.model
    def _childcare_linked_ids(self, field, value):
        """The ids that ``value`` (a write/create value of the relational ``field``) links."""
        if isinstance(value, models.BaseModel):
            return set(value.ids)
        if field.type == "many2one":
            return {value} if value else set()
        ids = set()
        for command in value or ():
            if isinstance(command, int):
                ids.add(command)
            elif isinstance(command, (list, tuple)) and command:
                if command[0] in (1, 4) and len(command) > 1:
                    ids.add(command[1])
                elif command[0] == 6 and len(command) > 2:
                    ids.update(command[2] or ())
        return ids

    def _childcare_check_targets(self, vals_list):
        """Every record newly linked by ``vals_list`` must be readable by the user (promise 1)."""
        if self.env.su:
            return
        targets = {}
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None or not field.relational or not value:
                    continue
                ids = self._childcare_linked_ids(field, value)
                if ids:
                    targets.setdefault((name, field.comodel_name), set()).update(ids)
        if not targets:
            return
        if self:
            # only what the write adds: links the records already have stay as they are
            current = self.sudo()
            for (name, _comodel), ids in targets.items():
                ids.difference_update(current[name].ids)
        by_model = {}
        for (_name, comodel), ids in targets.items():
            if ids:
                by_model.setdefault(comodel, set()).update(ids)
        now, user = self.env.cr.now(), self.env.user
        for comodel, ids in by_model.items():
            records = self.env[comodel].browse(sorted(ids))
            forbidden = records - records._filtered_access("read")  # one query per model
            if forbidden and forbidden._log_access:
                # Records the user creates in this very transaction (a child and its custody lines in one
                # create) were checked by Odoo's own create rules: they are not refused here.
                forbidden -= (
                    forbidden.sudo()
                    .filtered(lambda r: r.create_date == now and r.create_uid == user)
                    .with_env(forbidden.env)
                )
            if forbidden:
                raise AccessError(
                    _(
                        "You cannot link %(model)s to a record you are not allowed to see.",
                        model=self._description,
                    )
                )

    # ------------------------------------------------------------------ stay in your scope
    def _childcare_check_scope(self):
        """After a write that moved relational fields: the records are still the writer's (promise 2)."""
        if self.env.su or not self:
            return
        if not self.has_access("write"):
            raise AccessError(
                _(
                    "This change would move %(model)s out of what you are allowed to manage: it was not saved.",
                    model=self._description,
                )
            )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # A context default of a guarded field would set it without being in the values: dropped.
            guarded_all = set(self._childcare_system_fields)
            if not self._childcare_is_manager():
                guarded_all |= self._childcare_readonly_fields()
            context = self.env.context
            if any(key.startswith("default_") and key[8:] in guarded_all for key in context):
                self = self.with_env(  # noqa: PLW0642 - the same model, in a cleaned environment
                    self.env(
                        context={
                            key: value
                            for key, value in context.items()
                            if not (key.startswith("default_") and key[8:] in guarded_all)
                        }
                    )
                )
            names = set().union(*vals_list) if vals_list else set()
            # Creating is governed by the access rights, the record rules (checked by Odoo on the new
            # record) and the links; the contractual terms (manager fields) are set at creation.
            guarded = names & (self._childcare_readonly_fields() | set(self._childcare_system_fields))
            if guarded:
                # a new record may carry the defaults (forms send them): only other values are refused
                defaults = self.default_get(list(guarded))
                repeated = {
                    name
                    for name in guarded
                    if all(
                        name not in vals or self._childcare_same_value(name, vals[name], defaults.get(name))
                        for vals in vals_list
                    )
                }
                self._childcare_check_fields(guarded, dict.fromkeys(repeated))
            self._childcare_check_targets(vals_list)
        return super().create(vals_list)

    @api.model
    def _childcare_same_value(self, name, value, default):
        field = self._fields[name]
        if not value:
            return not default or (field.relational and not self._childcare_linked_ids(field, default))
        if field.relational:
            return self._childcare_linked_ids(field, value) == self._childcare_linked_ids(field, default or ())
        return value == default

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        self._childcare_check_fields(vals)
        self._childcare_check_targets([vals])
        result = super().write(vals)
        if any(name in self._fields and self._fields[name].relational for name in vals):
            self._childcare_check_scope()
        return result
