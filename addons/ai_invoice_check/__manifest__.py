{
    "name": "AI Invoice Check",
    "summary": "Every supplier bill checked against that supplier's history; usual expense account proposed",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_base", "account", "purchase"],
    "external_dependencies": {"python": ["numpy", "scipy"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ai_invoice_check_security.xml",
        "data/ai_invoice_check_data.xml",
        "views/account_move_views.xml",
        "views/ai_invoice_finding_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["ai_invoice_check/static/tests/tours/**/*"],
    },
    "installable": True,
    "application": True,
}
