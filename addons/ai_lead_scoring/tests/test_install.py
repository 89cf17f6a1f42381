from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "ai_lead_scoring")
class TestAiLeadScoringInstall(TransactionCase):
    def test_module_and_dependencies_installed(self):
        modules = self.env["ir.module.module"].search([("name", "in", ["ai_lead_scoring", "crm"])])
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 2)
