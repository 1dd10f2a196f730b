import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _childcare_demo_local_chart(self):
        """Demo data only: give the demo municipality its country's chart of accounts and currency.

        With demo data, ``account`` loads its generic chart (in USD) on the main company before any localisation
        can, so the demo municipality of Seneffe would bill in dollars. When the country's localisation is
        installed and the main company still has only the generic chart (and so only Odoo's demo entries), its
        own chart is loaded the way Odoo's settings do it with demo data: the generic demo entries are replaced,
        the currency becomes the country's (EUR for Belgium). A company with a real chart is never touched."""
        company = self.env.ref("base.main_company")
        Template = self.env["account.chart.template"]
        code = Template._guess_chart_template(company.country_id)
        mapping = Template._get_chart_template_mapping()
        module = mapping.get(code, {}).get("module")
        installed = module and self.env["ir.module.module"].search_count(
            [("name", "=", module), ("state", "in", ("installed", "to upgrade"))]
        )
        if company.chart_template != "generic_coa" or code == "generic_coa" or not installed:
            return False
        _logger.info("demo municipality %s: loading the %s chart of accounts", company.name, code)
        Template.try_loading(code, company, install_demo=True)
        return True
