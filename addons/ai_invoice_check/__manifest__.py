{
    "name": "AI Invoice Check",
    "summary": "Every supplier bill checked against that supplier's history; usual expense account proposed",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_base", "account", "purchase"],
    "external_dependencies": {"python": ["numpy", "pandas", "scikit-learn"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "application": True,
}
