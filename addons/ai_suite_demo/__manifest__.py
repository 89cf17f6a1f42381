{
    "name": "AI Suite: Demo Data",
    "summary": "Three years of realistic, deterministic company history so every AI feature finds real patterns",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["crm_erp_bridge"],
    "external_dependencies": {"python": ["numpy"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
