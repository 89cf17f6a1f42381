{
    "name": "AI Suite: Base",
    "summary": "Shared pieces of the AI suite: AI settings, trained-model registry, batch helpers",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["base_setup", "mail"],
    "external_dependencies": {"python": ["numpy"]},
    "data": [
        "security/ai_base_security.xml",
        "security/ir.model.access.csv",
        "views/ai_trained_model_views.xml",
        "views/res_config_settings_views.xml",
        "views/ai_base_menus.xml",
    ],
    "installable": True,
}
