from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ai_stock_forecast")
class TestAiStockForecastInstall(TransactionCase):
    def test_module_and_dependencies_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", ["ai_stock_forecast", "stock", "purchase_stock"])])
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 3)
