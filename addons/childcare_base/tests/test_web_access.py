from odoo.tests import HttpCase, tagged

from .common import ChildcareCase


@tagged("post_install", "-at_install", "childcare")
class TestWebClientAccess(ChildcareCase, HttpCase):
    """Through the web client's own RPC, a structure staff member lists only the children of
    their structure, and a portal parent gets no back-office data at all."""

    def _web_search_read(self, model, fields):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/web_search_read",
            {
                "model": model,
                "method": "web_search_read",
                "args": [],
                "kwargs": {"domain": [], "specification": {name: {} for name in fields}},
            },
        )

    def test_structure_staff_lists_own_children_only(self):
        self.authenticate("cc_staff_s1", "cc_staff_s1")
        result = self._web_search_read("childcare.child", ["name", "birthdate"])
        self.assertEqual([r["name"] for r in result["records"]], ["Léa DUPONT"])
        result = self._web_search_read("childcare.structure", ["name"])
        self.assertEqual([r["name"] for r in result["records"]], ["Crèche Les Lutins"])

    def test_manager_lists_every_child(self):
        self.authenticate("cc_manager", "cc_manager")
        result = self._web_search_read("childcare.child", ["name"])
        names = {r["name"] for r in result["records"]}
        self.assertTrue({"Léa DUPONT", "Lars JANSSENS"} <= names)

    def test_portal_parent_gets_no_backoffice_list_of_structures(self):
        self.authenticate("cc_portal_a", "cc_portal_a")
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.url_open(
                "/web/dataset/call_kw/childcare.structure/web_search_read",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": "childcare.structure",
                        "method": "web_search_read",
                        "args": [],
                        "kwargs": {"domain": [], "specification": {"name": {}}},
                    },
                },
            )
        self.assertEqual(response.json()["error"]["data"]["name"], "odoo.exceptions.AccessError")
