from . import (  # isort: skip  (the camp and its registrations first)
    event_event,
    event_registration,
    youth_camps_request,
    youth_camps_bus,
    youth_camps_invoicing,
    youth_camps_lists,
    res_company,
    res_config_settings,
)
