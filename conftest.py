"""pytest set-up for the database-free unit tests under addons/*/tools/tests.

They import the suite's pure functions as ``odoo.addons.<addon>.tools.<module>``: the repository's
``addons`` folder is put on Odoo's addons path, nothing else of Odoo is started (no database).

pytest names a test file after its path (``addons.<addon>.tools.tests.test_x``) and imports the
parent packages of that name; those parents are aliased to the real ``odoo.addons`` packages so that
no addon is imported twice under a name Odoo refuses.
"""

import importlib
import sys
import types
from pathlib import Path

import odoo.addons
from odoo.modules.module import initialize_sys_path

_ADDONS = Path(__file__).resolve().parent / "addons"
# Odoo's own addons (an addon's package imports the addons it extends, e.g. base_iban), then ours
initialize_sys_path()
if str(_ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(_ADDONS))

sys.modules.setdefault("addons", types.ModuleType("addons"))


def _alias_addon(addon):
    if f"addons.{addon}" not in sys.modules:
        sys.modules[f"addons.{addon}"] = importlib.import_module(f"odoo.addons.{addon}")
        sys.modules[f"addons.{addon}.tools"] = importlib.import_module(f"odoo.addons.{addon}.tools")


def pytest_collect_directory(path, parent):
    """Collect addon folders as plain directories: a pytest Package would import the addon's
    ``__init__.py`` under a name of its own for its set-up, which Odoo refuses."""
    import pytest

    if _ADDONS in path.parents:
        if path.name == "tests" and path.parent.name == "tools":
            _alias_addon(path.parent.parent.name)
        return pytest.Dir.from_parent(parent, path=path)
    return None
