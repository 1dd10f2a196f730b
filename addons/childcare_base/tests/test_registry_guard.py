"""Registry-driven: for every model of the suite's addons and every relational field that structure staff
or a portal parent may write (by the access rights), re-pointing it, over JSON-RPC, to a record outside
that user's scope is refused and writes nothing. New models and fields are covered without anyone
remembering to add a test. Runs on the demo data (every model has records there), after every addon of
the suite is installed."""

import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

MUTE = ("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model", "odoo.sql_db")
SUITE_PREFIXES = ("childcare.", "youth_camps.")
REFUSALS = (AccessError, UserError, ValidationError)


@tagged("post_install", "-at_install", "childcare")
class TestRegistryGuard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        users = {
            "structure staff": "childcare_base.user_staff",
            "structure director": "childcare_base.user_director_creche",
            "nurse (staff + medical)": "childcare_base.user_nurse",
            "portal parent": "childcare_base.user_parent",
        }
        cls.users = {label: cls.env.ref(xmlid, raise_if_not_found=False) for label, xmlid in users.items()}
        missing = [label for label, user in cls.users.items() if not user]
        if missing:
            raise AssertionError(f"the registry guard test runs on the demo data; missing demo users: {missing}")
        # another municipality, with a structure, a family and a child: targets no demo user may see
        other = cls.env["res.company"].create({"name": "Other municipality (guard test)"})
        Env = cls.env(context=dict(cls.env.context, allowed_company_ids=[other.id]))
        family = Env["childcare.family"].create({"name": "Elsewhere", "company_id": other.id})
        Env["childcare.structure"].create({"name": "Elsewhere crèche", "company_id": other.id})
        Env["childcare.child"].create(
            {
                "first_name": "Else",
                "last_name": "Where",
                "birthdate": "2024-01-01",
                "company_id": other.id,
                "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
            }
        )
        if "childcare.attendance.sheet" in cls.env:
            # a draft sheet of this month for each structure with contracts, so that sheets are in scope
            cls.env["childcare.attendance.sheet"]._generate_month(cls.env.cr.now().date().replace(day=1))

    def suite_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith(SUITE_PREFIXES) and not model._abstract and model._auto
        )

    def outside_scope(self, user, comodel):
        """Up to 2 records of ``comodel`` that ``user`` may not read (other structures, families, towns)."""
        candidates = self.env[comodel].sudo().with_context(active_test=False).search([], limit=400, order="id desc")
        self.env.invalidate_all()
        readable = candidates.with_user(user)._filtered_access("read")
        return (candidates - readable.sudo())[:2]

    def test_every_relational_field_refuses_records_outside_the_writers_scope(self):
        tested, refused_by, skipped, leaks = [], {}, [], []
        for model_name in self.suite_models():
            Model = self.env[model_name]
            if model_name == "childcare.guard.mixin" or Model._transient:
                continue
            for label, user in self.users.items():
                self.env.invalidate_all()
                if not Model.with_user(user).has_access("write"):
                    continue
                in_scope = Model.with_user(user).search([], limit=50)._filtered_access("write")[:1]
                if not in_scope:
                    skipped.append(f"{model_name} ({label}): no record in scope to write")
                    continue
                for name, field in Model._fields.items():
                    if (
                        field.type not in ("many2one", "many2many")
                        or not field.store
                        or name in ("create_uid", "write_uid")
                    ):
                        continue
                    targets = self.outside_scope(user, field.comodel_name)
                    if not targets:
                        skipped.append(f"{model_name}.{name} ({label}): every {field.comodel_name} is in scope")
                        continue
                    for target in targets:
                        value = target.id if field.type == "many2one" else [Command.link(target.id)]
                        before = in_scope.sudo().read([name])[0][name]
                        error = None
                        try:
                            with mute_logger(*MUTE), self.env.cr.savepoint():
                                self.env.invalidate_all()
                                in_scope.with_user(user).write({name: value})
                                self.env.flush_all()
                                raise _Leaked()
                        except REFUSALS as exc:
                            error = exc
                        except _Leaked:
                            leaks.append(f"{model_name}.{name} ({label}) accepted {target}")
                        self.env.invalidate_all()
                        self.assertEqual(in_scope.sudo().read([name])[0][name], before, f"{model_name}.{name}")
                        if error is not None:
                            refused_by[type(error).__name__] = refused_by.get(type(error).__name__, 0) + 1
                    tested.append(f"{model_name}.{name} ({label})")
        _logger.info(
            "registry guard: %s field/user pairs re-pointed outside scope, refusals %s; not testable: %s",
            len(tested),
            refused_by,
            "; ".join(skipped) or "none",
        )
        self.assertFalse(leaks, "\n".join(leaks))
        # the demo data lets the guard be tried on the registry's main write paths
        self.assertGreaterEqual(len(tested), 25, "\n".join(tested))
        for expected in (
            "childcare.child.structure_ids (structure staff)",
            "childcare.family.child.family_id (structure staff)",
            "childcare.medical.sheet.child_id (portal parent)",
            "childcare.medical.contact.sheet_id (portal parent)",
            "childcare.pickup.person.child_id (structure staff)",
        ):
            self.assertIn(expected, tested)


class _Leaked(Exception):
    """Raised inside the savepoint when a write went through, to roll it back."""
