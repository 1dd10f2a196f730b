"""Pure functions of childcare_billing: no Odoo environment, no records (see fees.py)."""

from . import fees
