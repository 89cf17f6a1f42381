{
    "name": "AI Stock Forecast",
    "summary": "Prophet demand forecasts per product and warehouse, purchase proposals before the stock-out",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_base", "stock", "purchase_stock"],
    "external_dependencies": {"python": ["numpy", "pandas", "prophet", "joblib"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "application": True,
}
