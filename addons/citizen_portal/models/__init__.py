from . import (  # isort: skip
    citizen_family,
    citizen_application,
    citizen_camp,
    citizen_document,
    citizen_medical_reminder,
)
