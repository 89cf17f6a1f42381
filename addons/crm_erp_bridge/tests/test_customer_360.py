from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models import bridge_sql
from .common import BridgeCase


@tagged("post_install", "-at_install", "crm_erp_bridge")
class TestCustomer360(BridgeCase):

    def test_figures_by_hand(self):
        fact = self.fact(self.alpha)
        self.assertEqual(len(fact), 1)
        # 1,000 + 2,000 - 200 in the last 12 months; 500 the 12 before
        self.assertAlmostEqual(fact.revenue_12m, 2800.0)
        self.assertAlmostEqual(fact.revenue_prev_12m, 500.0)
        self.assertAlmostEqual(fact.revenue_trend, 460.0)
        # invoice 3 open (2,000) minus the credit note (200); only invoice 3 is overdue, 20 days
        self.assertAlmostEqual(fact.receivable_open, 1800.0)
        self.assertAlmostEqual(fact.receivable_overdue, 2000.0)
        self.assertEqual(fact.overdue_count, 1)
        self.assertEqual(fact.max_days_overdue, 20)
        # paid: 40 days (10 late) and 30 days (on time)
        self.assertEqual(fact.paid_count, 2)
        self.assertAlmostEqual(fact.avg_days_to_pay, 35.0)
        self.assertAlmostEqual(fact.avg_days_late, 5.0)
        self.assertAlmostEqual(fact.late_share, 50.0)
        self.assertEqual(fact.invoice_count, 3)
        # orders of the company and of its contact
        self.assertEqual(fact.order_count, 2)
        self.assertEqual(fact.order_count_12m, 2)
        self.assertEqual(fact.last_order_date, self.today - timedelta(days=40))
        self.assertAlmostEqual(fact.avg_days_between_orders, 60.0)
        self.assertEqual(fact.customer_since, self.today - timedelta(days=400))
        # P2 2,000 before P1 1,000 - 200
        self.assertEqual(fact.main_products, "Lamp P2, Fan P1")
        # 10,000 x 30 % (Odoo's) + 4,000 x 50 % (the AI's)
        self.assertEqual(fact.opportunity_count, 2)
        self.assertAlmostEqual(fact.opportunity_value, 14000.0)
        self.assertAlmostEqual(fact.opportunity_weighted, 5000.0)
        # 20 days overdue >= 15: late payer; customer for 400 days: not new; 2,800 < Beta's 5,000: not top
        self.assertTrue(fact.is_late_payer)
        self.assertFalse(fact.is_new_customer)
        self.assertFalse(fact.is_top_customer)

        beta = self.fact(self.beta)
        self.assertAlmostEqual(beta.revenue_12m, 5000.0)
        self.assertAlmostEqual(beta.receivable_open, 5000.0)
        self.assertAlmostEqual(beta.receivable_overdue, 0.0)
        self.assertFalse(beta.is_late_payer)
        self.assertTrue(beta.is_new_customer)
        self.assertTrue(beta.is_top_customer)  # 2 customers with revenue: the top 10 % is 1
        self.assertFalse(beta.revenue_trend)

    def test_partner_and_contact_show_the_company_facts(self):
        for partner in (self.alpha, self.alice):
            self.assertTrue(partner.ai_has_360)
            self.assertAlmostEqual(partner.ai_revenue_12m, 2800.0)
            self.assertAlmostEqual(partner.ai_receivable_overdue, 2000.0)
            self.assertTrue(partner.ai_is_late_payer)
        self.assertIn(self.alpha, self.env["res.partner"].search([("ai_is_late_payer", "=", True)]))
        self.assertIn(self.beta, self.env["res.partner"].search([("ai_is_top_customer", "=", True)]))
        self.assertNotIn(self.beta, self.env["res.partner"].search([("ai_is_late_payer", "=", True)]))
        self.assertIn(self.alice, self.env["res.partner"].search([("ai_receivable_overdue", ">", 1000)]))

    def test_payment_refreshes_before_commit(self):
        self._pay(self.inv3, self.today)
        self.assertAlmostEqual(self.fact(self.alpha).receivable_overdue, 2000.0)  # not yet: at commit
        self.env.cr.precommit.run()
        fact = self.fact(self.alpha)
        self.assertAlmostEqual(fact.receivable_overdue, 0.0)
        self.assertAlmostEqual(fact.receivable_open, -200.0)
        self.assertEqual(fact.paid_count, 3)
        self.assertFalse(fact.is_late_payer)  # 50 days to pay, 20 late: (10 + 0 + 20) / 3 = 10 < 15

    def test_new_invoice_and_order_refresh(self):
        self._invoice(self.beta, self.today, self.today + timedelta(days=30), self.p1, 300.0)
        self._order(self.beta, self.today)
        self.env.cr.precommit.run()
        fact = self.fact(self.beta)
        self.assertAlmostEqual(fact.revenue_12m, 5300.0)
        self.assertEqual(fact.order_count, 1)

    def test_cron_survives_a_bad_record(self):
        original = bridge_sql.refresh_facts
        bad = self.alpha.id

        def failing(env, partner_ids, *args, **kwargs):
            if bad in partner_ids:
                raise ValueError("broken partner")
            return original(env, partner_ids, *args, **kwargs)

        self.env.cr.execute("DELETE FROM ai_customer_fact")
        self.env["ai.customer.fact"].invalidate_model()
        with patch.object(bridge_sql, "refresh_facts", failing):
            stats = self.env["res.partner"]._cron_ai_refresh_360(batch_size=50, commit=False)
        self.assertEqual(stats["failed"], 1)
        self.assertIn(bad, stats["errors"])
        self.assertFalse(self.fact(self.alpha))
        self.assertAlmostEqual(self.fact(self.beta).revenue_12m, 5000.0)
        self.assertTrue(self.fact(self.beta).is_top_customer)

    def test_risk_both_ways(self):
        # the salesperson sees the overdue invoices on the lead and on a new quotation
        self.assertIn("overdue", self.lead_odoo.ai_customer_risk)
        self.assertAlmostEqual(self.lead_ai.ai_customer_overdue, 2000.0)
        self.assertTrue(self.lead_ai.ai_customer_late_payer)
        quote = self.env["sale.order"].create({"partner_id": self.alice.id})
        self.assertIn("2,000", quote.ai_partner_overdue_warning.replace("\u202f", ",").replace("\xa0", ","))
        self.assertFalse(self.env["sale.order"].create({"partner_id": self.beta.id}).ai_partner_overdue_warning)
        # a bill from Alpha (also a supplier) is noted
        bill = self.env["account.move"].create({
            "move_type": "in_invoice", "partner_id": self.alpha.id, "invoice_date": self.today,
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": 100.0})]})
        self.assertIn("crm_erp_bridge_supplier_overdue", bill._get_alerts())
        beta_bill = bill.copy({"partner_id": self.beta.id, "invoice_date": self.today})
        self.assertNotIn("crm_erp_bridge_supplier_overdue", beta_bill._get_alerts())

    def test_xmlrpc_plain_data(self):
        [row] = self.env["res.partner"].with_user(self.accountant).ai_customer_360([self.alice.id])
        self.assertEqual(row["commercial_partner_id"], self.alpha.id)
        self.assertAlmostEqual(row["revenue_12m"], 2800.0)
        self.assertEqual(row["badges"], ["late_payer"])
        self.assertEqual(row["main_products"], ["Lamp P2", "Fan P1"])
        self.assertEqual([i["id"] for i in row["overdue_invoices"]], self.inv3.ids)
        self.assertNotIn(None, row.values())
        [empty] = self.env["res.partner"].ai_customer_360([self.env.user.partner_id.id])
        self.assertFalse(empty["has_facts"])
        self.assertNotIn(None, empty.values())

    def test_cockpit(self):
        action = self.env["ai.bridge.cockpit"].action_open_cockpit()
        self.assertEqual(self.env["ai.bridge.cockpit"].browse(action["res_id"]).display_name, "Cockpit")
        cockpit = self.env["ai.bridge.cockpit"].create({})
        self.assertEqual(cockpit.pipeline_count, 2)
        self.assertAlmostEqual(cockpit.pipeline_weighted, 5000.0)
        self.assertAlmostEqual(cockpit.pipeline_weighted_odoo, 3400.0)
        self.assertEqual(cockpit.risky_pipeline_count, 2)
        self.assertTrue(cockpit.show_receivables)
        self.assertAlmostEqual(cockpit.overdue_amount, 2000.0)
        self.assertEqual(cockpit.overdue_count, 1)
        self.assertEqual(cockpit.overdue_customer_count, 1)
        action = cockpit.action_open_overdue()
        self.assertEqual(self.env["account.move"].search(action["domain"]), self.inv3)
        action = cockpit.action_open_pipeline()
        self.assertEqual(self.env["crm.lead"].search(action["domain"]), self.lead_odoo | self.lead_ai)
        has_proposals = "ai.stock.proposal" in self.env.registry and \
            "stockout_date" in self.env["ai.stock.proposal"]._fields
        self.assertEqual(cockpit.show_stockouts, has_proposals)
