"""The portal's fixture: the registry's two households over HTTP.

Family A (guardian ``cc_portal_a``, child Léa, crèche S1) and family B (guardian ``cc_portal_b``, child Lars,
maison relais S2) of ``ChildcareCase``; a test signs in with ``self.authenticate(login, login)`` (Odoo's test
users have their login as password) and reads pages with ``self.url_open``."""

from odoo.addons.childcare_base.tests.common import ChildcareCase
from odoo.tests import HttpCase


class PortalCase(HttpCase, ChildcareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.login_a, cls.login_b = cls.user_portal_a.login, cls.user_portal_b.login

    def sign_in(self, user):
        """Open a portal session as ``user`` (a res.users record)."""
        return self.authenticate(user.login, user.login)

    def get_page(self, url, user=None, allow_redirects=True):
        """GET ``url`` (as ``user`` when given); the response (status, text)."""
        if user:
            self.sign_in(user)
        return self.url_open(url, allow_redirects=allow_redirects)


def routing_rules(env):
    """[(rule, endpoint, modules)] of Odoo's routing map: ``modules`` are the addons whose controllers define or
    override the rule's endpoint (the route sweep and the accessibility check find the suite's pages with it)."""
    rules = []
    for rule in env["ir.http"].routing_map().iter_rules():
        endpoint = rule.endpoint
        method = getattr(endpoint, "func", endpoint)
        controller = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        modules = {
            cls.__module__.split(".")[2]
            for cls in (type(controller).mro() if controller is not None else ())
            if name in cls.__dict__ and cls.__module__.startswith("odoo.addons.")
        }
        original = getattr(endpoint, "original_endpoint", None)
        if original is not None and original.__module__.startswith("odoo.addons."):
            modules.add(original.__module__.split(".")[2])
        rules.append((rule, endpoint, modules))
    return rules
