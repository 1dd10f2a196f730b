from . import (  # isort: skip  (the company's defaults first: new camps' fields read them at install)
    res_company,
    event_event,
    event_registration,
    youth_camps_request,
    youth_camps_bus,
    youth_camps_invoicing,
    youth_camps_lists,
    res_config_settings,
)
