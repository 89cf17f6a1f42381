{
    "name": "CRM-ERP Bridge",
    "summary": "One customer across CRM and ERP; ERP facts feed the lead score, the pipeline feeds the demand forecast",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "AI Suite for Odoo",
    "website": "https://github.com/odoo-ai-suite/odoo-ai-suite",
    "depends": ["ai_lead_scoring", "ai_invoice_check", "ai_stock_forecast", "sale_management", "sale_crm"],
    "external_dependencies": {"python": ["numpy", "pandas"]},
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
    "application": True,
}
