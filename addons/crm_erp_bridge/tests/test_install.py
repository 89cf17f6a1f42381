from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "crm_erp_bridge")
class TestCrmErpBridgeInstall(TransactionCase):
    def test_module_and_dependencies_installed(self):
        modules = self.env["ir.module.module"].search(
            [
                (
                    "name",
                    "in",
                    [
                        "crm_erp_bridge",
                        "ai_lead_scoring",
                        "ai_invoice_check",
                        "ai_stock_forecast",
                        "sale_management",
                        "sale_crm",
                    ],
                )
            ]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 6)
