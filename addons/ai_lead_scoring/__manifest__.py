{
    "name": "AI Lead Scoring",
    "summary": "Learned conversion probability for every lead, its reasons, best time and channel to call, "
               "drafted follow-ups",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_base", "crm"],
    "external_dependencies": {"python": ["numpy", "pandas", "scikit-learn"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ai_lead_scoring_security.xml",
        "data/ai_lead_scoring_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["ai_lead_scoring/static/tests/tours/**/*"],
    },
    "installable": True,
    "application": True,
}
