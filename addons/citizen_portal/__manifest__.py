{
    "name": "Citizen portal",
    "summary": "The parents' side of the childcare suite on the Odoo portal: one account for every service, the "
    "family and its children, pre-registration with ranked choices, cost simulator, camp cart and requests, "
    "invoices with online payment, attestations and documents",
    "version": "19.0.1.0.0",
    "category": "Services/Childcare",
    "license": "LGPL-3",
    "author": "Civic Childcare",
    "website": "https://github.com/civic-childcare",
    "depends": [
        "portal",
        "auth_signup",
        "account_payment",
        "childcare_base",
        "childcare_enrollment",
        "childcare_attendance",
        "childcare_billing",
        "youth_camps",
    ],
    "data": [
        "security/citizen_portal_security.xml",
        "security/ir.model.access.csv",
        "data/citizen_portal_data.xml",
        "views/portal_home_templates.xml",
        "views/portal_family_templates.xml",
        "views/portal_application_templates.xml",
        "views/portal_camp_templates.xml",
        "views/portal_invoice_templates.xml",
        "views/portal_document_templates.xml",
    ],
    "demo": [
        "demo/citizen_portal_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "citizen_portal/static/src/scss/*.scss",
            "citizen_portal/static/src/js/*.js",
        ],
        "web.assets_tests": [
            "citizen_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
