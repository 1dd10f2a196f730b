"""The Odoo Community Association addons of ``requirements.txt`` are found by the Odoo of this environment.

OCA publishes its 19.0 addons as ``odoo-addon-<module>`` wheels that install ``site-packages/odoo/addons/<module>``.
``odoo`` and ``odoo.addons`` are namespace packages, so that directory joins Odoo's addons path whether Odoo is
installed from its source tree in editable mode (``pip install -e``: the project's set-up) or as a regular package
(the wheels then land in Odoo's own ``odoo/addons``). The check asks Odoo itself (``get_module_path`` after
``initialize_sys_path``) in a fresh interpreter of the environment, and that every OCA wheel is needed: depended on
by a suite addon, directly or through another OCA addon.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENT = re.compile(r"^odoo-addon-(?P<module>[\w]+)", re.MULTILINE)

PROBE = """
import json, sys
import odoo.modules.module as module
module.initialize_sys_path()
print(json.dumps({name: module.get_module_path(name, display_warning=False) for name in sys.argv[1:]}))
"""


def oca_requirements():
    return REQUIREMENT.findall((ROOT / "requirements.txt").read_text(encoding="utf-8"))


def test_requirements_list_oca_wheels_with_19_0_pins():
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    modules = oca_requirements()
    assert "account_credit_control" in modules and "queue_job" in modules
    for name in modules:
        assert re.search(rf"^odoo-addon-{name}>=19\.0[^\n]*,<19\.1$", text, re.MULTILINE), name


def test_odoo_finds_every_oca_addon_in_site_packages():
    modules = oca_requirements()
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], check=True, capture_output=True, text=True, cwd=ROOT
    )
    paths = json.loads(probe.stdout.strip().splitlines()[-1])
    for name in modules:
        path = paths[name]
        assert path, f"Odoo does not find the OCA addon {name}: run 'make setup'"
        assert Path(path, "__manifest__.py").is_file()
        assert Path(path).parent.parts[-2:] == ("odoo", "addons"), path
        assert "site-packages" in Path(path).parts, f"{name} is not the wheel's copy: {path}"


def _manifest(path):
    return ast.literal_eval(Path(path, "__manifest__.py").read_text(encoding="utf-8"))


def test_every_oca_wheel_is_a_dependency_of_the_suite():
    modules = oca_requirements()
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], check=True, capture_output=True, text=True, cwd=ROOT
    )
    paths = json.loads(probe.stdout.strip().splitlines()[-1])
    needed = set()
    todo = [dep for manifest in ROOT.glob("addons/*/__manifest__.py") for dep in _manifest(manifest.parent)["depends"]]
    while todo:
        name = todo.pop()
        if name in needed or name not in paths:
            continue  # an addon of Odoo itself
        needed.add(name)
        todo.extend(_manifest(paths[name])["depends"])
    # the iso20022 return import is installed for its parsers only (its addon conflicts with the batch stack)
    unused = set(modules) - needed - {"account_payment_return_import_iso20022"}
    assert not unused, f"OCA wheels no suite addon depends on: {sorted(unused)}"
