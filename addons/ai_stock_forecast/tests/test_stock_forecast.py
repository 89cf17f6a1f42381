from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.ai_stock_forecast.models import demand_data

from .common import StockForecastCase


@tagged("post_install", "-at_install", "ai_stock_forecast")
class TestStockForecast(StockForecastCase):

    def test_history_counts_deliveries_nets_returns_and_marks_stockout_days(self):
        pair = (self.lamp.id, self.warehouse.id)
        since = self.today - timedelta(days=self.HISTORY + 5)
        moves = demand_data.read_demand_moves(self.env, [pair], since)
        delivered = sum(m["qty"] for m in moves if m["sign"] == 1)
        self.assertEqual(delivered, sum(self.env["stock.move"].search([
            ("product_id", "=", self.lamp.id), ("location_dest_id", "=", self.customers.id),
            ("state", "=", "done")]).mapped("product_qty")))
        # a customer return is netted
        ret = self.env["stock.move"].create({
            "product_id": self.lamp.id, "product_uom_qty": 3, "product_uom": self.lamp.uom_id.id,
            "location_id": self.customers.id, "location_dest_id": self.stock.id, "picked": True,
            "move_line_ids": [(0, 0, {"product_id": self.lamp.id, "quantity": 3, "location_id": self.customers.id,
                                      "location_dest_id": self.stock.id, "picked": True})]})
        ret._action_done()
        self.env.flush_all()
        moves = demand_data.read_demand_moves(self.env, [pair], since)
        self.assertEqual(sum(m["qty"] for m in moves if m["sign"] == -1), 3)
        # a product sold out 10 days ago: those days were not observed, not "zero demand"
        sold_out = self._product("AI sold-out product", 5.0)
        self.env["stock.quant"]._update_available_quantity(sold_out, self.stock, 50)
        self._deliver([(self.today - timedelta(days=d), sold_out, 2) for d in range(30, 10, -1)] +
                      [(self.today - timedelta(days=10), sold_out, 10)])
        pair = (sold_out.id, self.warehouse.id)
        on_hand = demand_data.read_on_hand(self.env, [pair])
        self.assertEqual(on_hand.get(pair, 0.0), 0)
        stockouts = demand_data.read_stockout_days(self.env, [pair], since, self.today, on_hand)
        self.assertEqual(stockouts, [(sold_out.id, self.warehouse.id, self.today - timedelta(days=10),
                                      self.today - timedelta(days=1))])
        series = self.env["ai.stock.forecast"]._ai_demand_series([pair], self.today)
        values = series[pair]["values"]
        self.assertTrue(all(v != v for v in values[-9:]))   # NaN: not observed
        self.assertEqual(values[-10], 10)

    def test_forecast_lines_model_and_accuracy(self):
        stats = self.forecast()
        self.assertEqual(stats["forecasts"], 2)
        self.assertEqual(stats["failed"], 0)
        lamp = self.forecast_of(self.lamp)
        self.assertEqual(lamp.state, "ok")
        self.assertTrue(lamp.model_label and lamp.reason)
        self.assertEqual(lamp.horizon, 90)
        self.assertAlmostEqual(lamp.demand_90 / 90, 8.0, delta=1.5)   # about 8 lamps a day
        self.assertLess(lamp.mase, 1.5)
        kinds = set(lamp.line_ids.mapped("kind"))
        self.assertEqual(kinds, {"history", "forecast", "low", "high"})
        forecast_days = lamp.line_ids.filtered(lambda l: l.kind == "forecast")
        self.assertEqual(len(forecast_days), 90)
        self.assertEqual(min(forecast_days.mapped("date")), self.today)
        for kind in ("low", "high"):
            self.assertEqual(len(lamp.line_ids.filtered(lambda l, k=kind: l.kind == k)), 90)
        low = sum(lamp.line_ids.filtered(lambda l: l.kind == "low").mapped("qty"))
        high = sum(lamp.line_ids.filtered(lambda l: l.kind == "high").mapped("qty"))
        self.assertLess(low, lamp.demand_90)
        self.assertGreater(high, lamp.demand_90)
        # the register shows the run
        summary = self.env["ai.trained.model"]._get_active("stock_forecast", company=self.company)
        self.assertGreaterEqual(summary.metrics["series"], 2)
        # the product's smart button opens the graph
        action = self.lamp.action_ai_open_forecast()
        self.assertEqual(action["res_model"], "ai.stock.forecast.line")

    def test_external_factor_is_used_as_regressor(self):
        factor = self.env["ai.forecast.factor"].create({"name": "Temperature", "code": "ai_test_temperature",
                                                        "product_ids": [(6, 0, self.fan.ids)]})
        import math
        values = []
        day = self.today - timedelta(days=self.HISTORY + 1)
        while day <= self.today + timedelta(days=100):
            values.append({"factor_id": factor.id, "date": day,
                           "value": 12.0 - 9.0 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 18) / 365.25)})
            day += timedelta(days=1)
        self.env["ai.forecast.factor.value"].create(values)
        self.forecast()
        self.assertEqual(self.forecast_of(self.fan).factor_codes, "ai_test_temperature")
        self.assertFalse(self.forecast_of(self.lamp).factor_codes)
        # a factor whose future values are missing does not break the forecast
        factor.value_ids.filtered(lambda v: v.date > self.today).unlink()
        self.forecast()
        self.assertEqual(self.forecast_of(self.fan).state, "ok")

    def test_proposal_dates_quantities_and_incoming_receipts(self):
        self.forecast()
        proposal = self.env["ai.stock.proposal"].search([("product_id", "=", self.lamp.id)])
        # 30 lamps left, about 8 sold a day: the stock runs out within days
        self.assertEqual(len(proposal), 1)
        self.assertEqual(proposal.supplier_id, self.supplier)
        self.assertLessEqual(proposal.stockout_date, self.today + timedelta(days=5))
        self.assertEqual(proposal.order_by, self.today)
        self.assertTrue(proposal.late)
        self.assertGreaterEqual(proposal.qty, 50)          # the supplier's minimum
        self.assertEqual(proposal.qty, int(proposal.qty))  # whole units
        self.assertIn("safety stock", proposal.reason)
        # a confirmed receipt covering three months: no proposal any more
        order = self.env["purchase.order"].create({
            "partner_id": self.supplier.id,
            "order_line": [(0, 0, {"product_id": self.lamp.id, "product_qty": 2000,
                                   "date_planned": datetime.now()})]})
        order.button_confirm()
        self.forecast()
        self.assertFalse(self.env["ai.stock.proposal"].search([("product_id", "=", self.lamp.id),
                                                               ("state", "=", "proposed")]))

    def test_service_policy_of_subcategories(self):
        Category = self.env["product.category"]
        parent = Category.create({"name": "AI parent", "ai_service_level": 0.9, "ai_service_mode": "uniform"})
        child = Category.create({"name": "AI child", "parent_id": parent.id, "ai_service_level": 0.8})
        # the same level for every product: each category keeps its own level
        self.assertEqual(child._ai_service_policy(), (0.8, "uniform", parent))
        # optimised: the children share the parent's allocation and aim at its level, unless they set a mode
        parent.ai_service_mode = "optimised"
        self.assertEqual(child._ai_service_policy(), (0.9, "optimised", parent))
        child.ai_service_mode = "uniform"
        self.assertEqual(child._ai_service_policy(), (0.8, "uniform", child))
        self.assertEqual(Category.create({"name": "AI plain"})._ai_service_policy()[:2], (0.95, "uniform"))

    def test_service_levels_optimised_by_stock_value(self):
        # the fan becomes a dear product that its supplier sells by 5,000: keeping it would tie up
        # 4.5 million for about three fans a day
        self.fan.standard_price = 900.0
        self.fan.seller_ids.min_qty = 5000.0
        self.categ.write({"ai_service_level": 0.6, "ai_service_mode": "optimised"})
        self.forecast()
        fan, lamp = self.forecast_of(self.fan), self.forecast_of(self.lamp)
        self.assertTrue(fan.not_stocked)
        self.assertEqual(fan.service_level, 0.0)
        self.assertFalse(lamp.not_stocked)
        # the lamp gets the service the fan gives up: the demand-weighted mean stays at 60%
        demand = fan.demand_90 + lamp.demand_90
        self.assertGreater(lamp.service_level, 0.6)
        self.assertGreaterEqual(lamp.service_level * lamp.demand_90 / demand, 0.6 - 1e-6)
        Proposal = self.env["ai.stock.proposal"]
        self.assertFalse(Proposal.search([("product_id", "=", self.fan.id)]))
        self.assertAlmostEqual(Proposal.search([("product_id", "=", self.lamp.id)]).service_level,
                               lamp.service_level, places=3)
        self.assertEqual(self.env["ai.stock.forecast"].search([("not_stocked", "=", True),
                                                               ("product_id", "in", (self.fan | self.lamp).ids)]), fan)
        # a customer order the stock cannot serve: ordered for it, at the supplier's minimum
        picking = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.out_type_id.id, "location_id": self.stock.id,
            "location_dest_id": self.customers.id, "scheduled_date": datetime.now() + timedelta(days=20),
            "move_ids": [(0, 0, {"product_id": self.fan.id, "product_uom_qty": 100,
                                 "product_uom": self.fan.uom_id.id, "location_id": self.stock.id,
                                 "location_dest_id": self.customers.id})]})
        picking.action_confirm()
        self.forecast()
        proposal = Proposal.search([("product_id", "=", self.fan.id)])
        self.assertEqual(proposal.qty, 5000.0)
        self.assertEqual(proposal.service_level, 0.0)
        self.assertIn("not kept in stock", proposal.reason)
        # in Odoo's reordering rule: 0 / 0, the scheduler orders for confirmed deliveries only
        proposal.action_update_reordering_rules()
        rule = self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.fan.id)])
        self.assertEqual((rule.product_min_qty, rule.product_max_qty), (0.0, 0.0))

    def test_rfq_grouped_by_supplier_and_reordering_rules(self):
        self.forecast()
        proposals = self.env["ai.stock.proposal"].search([("product_id", "in", (self.fan | self.lamp).ids)])
        self.assertEqual(len(proposals), 2)
        proposals.with_user(self.buyer).action_create_rfq()
        order = proposals.purchase_order_id
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.supplier)
        self.assertEqual(set(order.order_line.product_id.ids), set(proposals.product_id.ids))
        self.assertEqual(set(proposals.mapped("state")), {"rfq"})
        for proposal in proposals:
            line = order.order_line.filtered(lambda l, p=proposal: l.product_id == p.product_id)
            self.assertEqual(line.product_qty, proposal.qty)
        proposals.action_update_reordering_rules()
        rule = self.env["stock.warehouse.orderpoint"].search([("product_id", "=", self.lamp.id)])
        self.assertEqual(len(rule), 1)
        self.assertGreater(rule.product_max_qty, rule.product_min_qty)
        self.assertGreater(rule.product_min_qty, 5 * 8)   # at least the demand over the 5-day lead time

    def test_a_failing_product_is_skipped(self):
        with self.failing_product(self.fan):
            stats = self.forecast()
        self.assertEqual(stats["failed"], 1)
        self.assertEqual(stats["forecasts"], 1)
        self.assertEqual(self.forecast_of(self.fan).state, "error")
        self.assertIn("corrupt product", self.forecast_of(self.fan).error)
        self.assertEqual(self.forecast_of(self.lamp).state, "ok")
        # the scheduled action runs over every company without error
        self.env["ai.stock.forecast"]._cron_ai_forecast()

    def test_bad_input(self):
        # no demand at all: nothing to forecast, no error
        idle = self._product("AI idle product", 5.0)
        self.assertEqual(self.forecast(idle)["forecasts"], 0)
        action = idle.action_ai_refresh_forecast()
        self.assertEqual(action["type"], "ir.actions.client")
        # three days of history: a short-history method, said in words
        short = self._product("AI new product", 5.0)
        self.env["stock.quant"]._update_available_quantity(short, self.stock, 100)
        self._deliver([(self.today - timedelta(days=d), short, 4) for d in (1, 2, 3)])
        self.forecast(short)
        forecast = self.forecast_of(short)
        self.assertEqual(forecast.state, "ok")
        self.assertTrue(forecast.reason)
        self.assertGreater(forecast.demand_90, 0)
        # a product without supplier: a proposal without supplier cannot become an RFQ
        short.seller_ids.unlink()
        self._deliver([(self.today - timedelta(days=1), short, 80)])
        self.forecast(short)
        proposal = self.env["ai.stock.proposal"].search([("product_id", "=", short.id)])
        self.assertEqual(len(proposal), 1)
        self.assertFalse(proposal.supplier_id)
        with self.assertRaises(UserError):
            proposal.action_create_rfq()

    def test_rpc_methods(self):
        self.forecast()
        [row] = self.env["product.product"].with_user(self.stock_user).ai_get_forecast([self.lamp.id])
        self.assertEqual(row["product_id"], self.lamp.id)
        self.assertEqual(len(row["days"]), 90)
        self.assertTrue(all(d["p10"] <= d["p50"] <= d["p90"] for d in row["days"]))
        proposals = self.env["ai.stock.proposal"].with_user(self.buyer).ai_get_proposals()
        self.assertIn(self.lamp.id, [p["product_id"] for p in proposals])
        self.assertTrue(all(isinstance(p["order_by"], str) for p in proposals))

    def test_access_rights(self):
        self.forecast()
        forecast = self.forecast_of(self.lamp)
        self.assertTrue(forecast.with_user(self.stock_user).model_label)
        with self.assertRaises(AccessError):
            self.env["ai.forecast.factor"].with_user(self.stock_user).create({"name": "X", "code": "x"})
        self.env["ai.forecast.factor"].with_user(self.stock_manager).create({"name": "X", "code": "x"})
        proposal = self.env["ai.stock.proposal"].search([("product_id", "=", self.lamp.id)])
        with self.assertRaises(AccessError):
            proposal.with_user(self.stock_user).action_create_rfq()
        nobody = self.env["res.users"].create({"name": "No stock", "login": "ai_no_stock",
                                               "group_ids": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            forecast.with_user(nobody).read(["model_label"])


@tagged("post_install", "-at_install")
class TestStockForecastConcurrency(StockForecastCase):

    def test_a_pair_being_forecast_elsewhere_is_left_to_it(self):
        """The scheduled action and a user's "Refresh" on the same product never both write its
        forecast: the second finds the pair locked and skips it."""
        from odoo.sql_db import db_connect

        Forecast = self.env["ai.stock.forecast"]
        held, free = (self.fan.id, self.warehouse.id), (self.lamp.id, self.warehouse.id)
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                          [f"ai.stock.forecast/{held[0]}/{held[1]}"])
            self.assertEqual(Forecast._ai_lock_pairs([held, free]), [free])
            stats = self.forecast()
            self.assertEqual(stats["skipped"], 1)
            self.assertFalse(self.forecast_of(self.fan))
            self.assertTrue(self.forecast_of(self.lamp))
        finally:
            other.rollback()
            other.close()
        stats = self.forecast()
        self.assertEqual(stats["skipped"], 0)
        self.assertTrue(self.forecast_of(self.fan))
