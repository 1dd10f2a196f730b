"""Pure functions of childcare_base: no Odoo environment, no records."""
