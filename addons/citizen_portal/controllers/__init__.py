from . import (  # isort: skip  (the shared helpers first)
    common,
    portal_family,
    portal_application,
    portal_camp,
    portal_invoice,
    portal_document,
)
