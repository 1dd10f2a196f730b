from . import (  # isort: skip
    test_family,
    test_application,
    test_camp,
    test_invoice,
    test_document,
    test_route_sweep,
    test_i18n,
    test_tours,
    test_accessibility,
    test_medical_reminder,
)
