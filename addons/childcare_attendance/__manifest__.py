{
    "name": "Childcare — Attendance",
    "summary": "Daily presence (day grid, kiosk, import), absences, contracted vs attended hours, "
    "monthly sheets validated and locked for billing",
    "version": "19.0.1.0.0",
    "category": "Services/Childcare",
    "license": "LGPL-3",
    "author": "Civic Childcare",
    "website": "https://github.com/civic-childcare",
    "depends": ["childcare_enrollment", "mail"],
    "external_dependencies": {"python": ["xlsxwriter", "openpyxl"]},
    "data": [
        "security/childcare_attendance_security.xml",
        "security/ir.model.access.csv",
        "views/childcare_attendance_views.xml",
        "views/childcare_attendance_sheet_views.xml",
        "views/childcare_attendance_sheet_line_views.xml",
        "views/childcare_structure_closure_views.xml",
        "views/childcare_structure_views.xml",
        "wizards/childcare_attendance_import_views.xml",
        "wizards/childcare_attendance_sheet_reopen_views.xml",
        "views/menus.xml",
        "report/childcare_attendance_sheet_report.xml",
        "views/childcare_attendance_kiosk_templates.xml",
        "data/ir_cron_data.xml",
    ],
    "demo": [
        "demo/childcare_attendance_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "childcare_attendance/static/src/**/*",
        ],
        "web.assets_tests": [
            "childcare_attendance/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
