{
    "name": "AI Stock Forecast - Job Queue",
    "summary": "Run the demand forecasts as OCA queue_job jobs shared by several Odoo workers and hosts",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_stock_forecast", "queue_job"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ai_stock_forecast_queue_security.xml",
        "data/queue_job_data.xml",
        "views/ai_stock_forecast_queue_views.xml",
    ],
    "installable": True,
}
