from datetime import timedelta

from odoo.tests import tagged

from .common import BridgeCase


@tagged("post_install", "-at_install", "crm_erp_bridge")
class TestPipelineDemand(BridgeCase):

    def test_rows_weighted_and_dated(self):
        Lead = self.env["crm.lead"]
        deadline = self.today + timedelta(days=20)
        self.lead_odoo.date_deadline = deadline
        quote = self._order(self.alpha, self.today, product=self.p1, qty=10.0, state="draft",
                            opportunity=self.lead_odoo)
        quote.order_line.create({"order_id": quote.id, "product_id": self.service.id, "product_uom_qty": 3.0})
        # the AI-scored lead, no deadline: the quotation's validity date
        quote_ai = self._order(self.alice, self.today, product=self.p2, qty=4.0, state="draft",
                               opportunity=self.lead_ai)
        quote_ai.validity_date = self.today + timedelta(days=45)
        # not counted: a confirmed order, and a quotation of a lost opportunity
        self._order(self.alpha, self.today, product=self.p1, qty=7.0, opportunity=self.lead_odoo)
        lost = Lead.create({"name": "Lost", "type": "opportunity", "partner_id": self.beta.id})
        self._order(self.beta, self.today, product=self.p1, qty=99.0, state="draft", opportunity=lost)
        lost.action_set_lost()

        rows = Lead._ai_pipeline_demand(self.company, self.today, self.today + timedelta(days=90))
        self.assertEqual(len(rows), 2)
        by_order = {row["order_id"]: row for row in rows}
        row = by_order[quote.id]
        self.assertEqual(row["product_id"], self.p1.id)
        self.assertEqual(row["lead_id"], self.lead_odoo.id)
        self.assertEqual(row["date"], deadline)
        self.assertAlmostEqual(row["qty_unweighted"], 10.0)
        self.assertAlmostEqual(row["probability"], 30.0)
        self.assertAlmostEqual(row["qty"], 3.0)
        self.assertEqual(row["warehouse_id"], quote.warehouse_id.id)
        self.assertTrue(row["warehouse_id"])
        row = by_order[quote_ai.id]
        self.assertEqual(row["date"], self.today + timedelta(days=45))
        self.assertAlmostEqual(row["probability"], 50.0)  # the AI probability, not Odoo's 10 %
        self.assertAlmostEqual(row["qty"], 2.0)
        # the window
        self.assertEqual(len(Lead._ai_pipeline_demand(self.company, self.today, self.today + timedelta(days=30))), 1)
        # a past expected closing date is demand from today
        self.lead_odoo.date_deadline = self.today - timedelta(days=5)
        rows = Lead._ai_pipeline_demand(self.company, self.today, self.today + timedelta(days=90))
        self.assertEqual({r["date"] for r in rows if r["order_id"] == quote.id}, {self.today})
        # the setting
        self.env["res.config.settings"].create({"crm_erp_pipeline_demand": False}).execute()
        self.assertEqual(Lead._ai_pipeline_demand(self.company, self.today, self.today + timedelta(days=90)), [])
        self.assertEqual(len(Lead._ai_pipeline_demand(self.company, self.today, self.today + timedelta(days=90),
                                                      ignore_setting=True)), 2)
        self.assertFalse(self.env["res.config.settings"].create({}).crm_erp_pipeline_demand)
        self.env["res.config.settings"].create({"crm_erp_pipeline_demand": True}).execute()
        self.assertTrue(Lead._ai_pipeline_demand_enabled())

    def test_on_by_default(self):
        self.assertTrue(self.env["crm.lead"]._ai_pipeline_demand_enabled())
        self.assertTrue(self.env["res.config.settings"].create({}).crm_erp_pipeline_demand)

    def test_pipeline_is_a_layer_of_the_demand_forecast(self):
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("ai_stock_forecast.n_jobs", "1")
        icp.set_param("ai_stock_forecast.use_prophet", "False")
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        stock, customers = warehouse.lot_stock_id, self.env.ref("stock.stock_location_customers")
        self.env["stock.quant"]._update_available_quantity(self.p1, stock, 200)
        moves = self.env["stock.move"].create([{
            "product_id": self.p1.id, "product_uom_qty": 2, "product_uom": self.p1.uom_id.id,
            "location_id": stock.id, "location_dest_id": customers.id, "picked": True,
            "move_line_ids": [(0, 0, {"product_id": self.p1.id, "quantity": 2, "location_id": stock.id,
                                      "location_dest_id": customers.id, "picked": True})]} for _day in range(60)])
        moves._action_done()
        self.env.flush_all()
        for index, move in enumerate(moves):
            self.env.cr.execute("UPDATE stock_move SET date = %s WHERE id = %s",
                                [self.today - timedelta(days=60 - index), move.id])
        self.env.invalidate_all()
        self.lead_odoo.date_deadline = self.today + timedelta(days=20)
        self._order(self.alpha, self.today, product=self.p1, qty=10.0, state="draft", opportunity=self.lead_odoo)
        self.env["ai.stock.forecast"]._ai_forecast_company(self.company, product_ids=self.p1.ids)
        forecast = self.env["ai.stock.forecast"].search([("product_id", "=", self.p1.id)])
        self.assertAlmostEqual(forecast.pipeline_90, 3.0)      # 10 units x 30 %
        layer = forecast.line_ids.filtered(lambda l: l.kind == "pipeline")
        self.assertEqual(layer.date, self.today + timedelta(days=20))
        self.assertAlmostEqual(layer.qty, 3.0)
