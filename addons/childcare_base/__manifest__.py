{
    "name": "Childcare — Base registry",
    "summary": "Families, children, medical sheets and childcare structures shared by every Civic Childcare addon",
    "version": "19.0.1.1.0",
    "category": "Services/Childcare",
    "license": "LGPL-3",
    "author": "Civic Childcare",
    "website": "https://github.com/civic-childcare",
    "depends": ["mail", "portal"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "security/childcare_base_security.xml",
        "security/ir.model.access.csv",
        "views/childcare_structure_views.xml",
        "views/childcare_medical_sheet_views.xml",
        "views/childcare_child_views.xml",
        "views/childcare_family_views.xml",
        "views/childcare_family_income_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/childcare_base_demo.xml",
    ],
    "assets": {
        "web.report_assets_common": [
            "childcare_base/static/src/scss/childcare_report.scss",
        ],
    },
    "application": True,
    "installable": True,
}
