from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BridgeCase


@tagged("post_install", "-at_install", "crm_erp_bridge")
class TestRightsAndCompanies(BridgeCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Bridge Company 2")["company"]
        # Alpha is also a customer of the second company: 700 invoiced there, unpaid, not due
        cls.inv_c2 = cls._invoice(cls.alpha, cls.today, cls.today, cls.p1, 700.0, company=cls.company_2)
        cls.env["res.partner"]._cron_ai_refresh_360(commit=False)

    def test_facts_per_company(self):
        self.assertAlmostEqual(self.fact(self.alpha).revenue_12m, 2800.0)
        fact_2 = self.fact(self.alpha, self.company_2)
        self.assertAlmostEqual(fact_2.revenue_12m, 700.0)
        self.assertAlmostEqual(fact_2.receivable_overdue, 0.0)
        self.assertEqual(fact_2.opportunity_count, 0)
        # the partner shows the current company's row
        self.assertAlmostEqual(self.alpha.with_company(self.company).ai_revenue_12m, 2800.0)
        alpha_2 = self.alpha.with_context(allowed_company_ids=[self.company_2.id, self.company.id])
        self.assertAlmostEqual(alpha_2.ai_revenue_12m, 700.0)
        self.assertFalse(alpha_2.ai_is_late_payer)
        # top 10 %: per company (Alpha is the only customer of company 2)
        self.assertTrue(fact_2.is_top_customer)
        self.assertFalse(self.fact(self.alpha).is_top_customer)

    def test_salesperson_sees_aggregates_not_invoices(self):
        alpha = self.alpha.with_user(self.salesman)
        self.assertAlmostEqual(alpha.ai_revenue_12m, 2800.0)
        self.assertTrue(alpha.ai_is_late_payer)
        lead = self.lead_odoo.with_user(self.salesman)
        self.assertTrue(lead.ai_customer_risk)
        [row] = self.env["res.partner"].with_user(self.salesman).ai_customer_360(self.alpha.ids)
        self.assertAlmostEqual(row["receivable_overdue"], 2000.0)
        self.assertNotIn("overdue_invoices", row)
        with self.assertRaises(AccessError):
            alpha.action_ai_view_overdue_invoices()
        with self.assertRaises(AccessError):
            self.inv3.with_user(self.salesman).check_access("read")
        # record rule: only the rows of the salesperson's company
        facts = self.env["ai.customer.fact"].with_user(self.salesman).search([("partner_id", "=", self.alpha.id)])
        self.assertEqual(facts.company_id, self.company)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).ai_customer_360(self.alpha.ids, self.company_2.id)
        # no write for anyone but the refresh
        with self.assertRaises(AccessError):
            facts.write({"revenue_12m": 1.0})

    def test_accountant_sees_invoices(self):
        [row] = self.env["res.partner"].with_user(self.accountant).ai_customer_360(self.alpha.ids)
        self.assertEqual([i["id"] for i in row["overdue_invoices"]], self.inv3.ids)
        action = self.alpha.with_user(self.accountant).action_ai_view_overdue_invoices()
        self.assertEqual(self.env["account.move"].with_user(self.accountant).search(action["domain"]), self.inv3)

    def test_user_without_rights(self):
        stock_user = self.env["res.users"].create({
            "name": "Stock only", "login": "bridge_stock", "company_id": self.company.id,
            "company_ids": [(6, 0, self.company.ids)], "group_ids": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(stock_user).ai_customer_360(self.alpha.ids)
        with self.assertRaises(AccessError):
            self.env["ai.customer.fact"].with_user(stock_user).search([])
