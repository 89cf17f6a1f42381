import math
import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger


class StockForecastCase(TransactionCase):
    """A warehouse with two products sold every day for 400 days (one seasonal with the temperature),
    their supplier, and users of each role."""

    HISTORY = 400

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("ai_stock_forecast.n_jobs", "1")
        icp.set_param("ai_stock_forecast.use_prophet", "False")
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["ai.stock.forecast"])
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.supplier = cls.env["res.partner"].create({"name": "Ventilo Test S.r.l.", "is_company": True})
        cls.categ = cls.env["product.category"].create({"name": "AI test goods", "ai_service_level": 0.95})
        cls.fan = cls._product("AI test fan", 40.0)
        cls.lamp = cls._product("AI test lamp", 10.0)
        rng = random.Random(3)
        start = cls.today - timedelta(days=cls.HISTORY)
        plan = []
        for day in range(cls.HISTORY):
            date = start + timedelta(days=day)
            temperature = 12.0 - 9.0 * math.cos(2 * math.pi * (date.timetuple().tm_yday - 18) / 365.25)
            fan_qty = max(0, round(rng.gauss(2.0 + 0.8 * max(0.0, temperature - 15.0), 1.0)))
            lamp_qty = max(0, round(rng.gauss(8.0, 2.0)))
            plan.append((date, cls.fan, fan_qty))
            plan.append((date, cls.lamp, lamp_qty))
        total = {}
        for _date, product, qty in plan:
            total[product] = total.get(product, 0) + qty
        for product, qty in total.items():
            # everything sold was in stock, and a little is left
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock, qty + 30)
        cls._deliver(plan)
        cls.stock_user = new_test_user(cls.env, login="ai_stock_user", groups="stock.group_stock_user")
        cls.stock_manager = new_test_user(cls.env, login="ai_stock_manager", groups="stock.group_stock_manager")
        cls.buyer = new_test_user(cls.env, login="ai_buyer",
                                  groups="purchase.group_purchase_user,stock.group_stock_user")

    @classmethod
    def _product(cls, name, price):
        product = cls.env["product.product"].create({
            "name": name, "is_storable": True, "categ_id": cls.categ.id, "standard_price": price,
            "seller_ids": [(0, 0, {"partner_id": cls.supplier.id, "delay": 5, "min_qty": 50.0,
                                   "price": price})]})
        return product

    @classmethod
    def _deliver(cls, plan):
        vals_list, dates = [], []
        for date, product, qty in plan:
            if not qty:
                continue
            vals_list.append({
                "product_id": product.id, "product_uom_qty": qty, "product_uom": product.uom_id.id,
                "location_id": cls.stock.id, "location_dest_id": cls.customers.id,
                "picking_type_id": cls.warehouse.out_type_id.id, "picked": True,
                "move_line_ids": [(0, 0, {"product_id": product.id, "quantity": qty,
                                          "product_uom_id": product.uom_id.id, "location_id": cls.stock.id,
                                          "location_dest_id": cls.customers.id, "picked": True})],
            })
            dates.append(datetime.combine(date, datetime.min.time()) + timedelta(hours=15))
        moves = cls.env["stock.move"].create(vals_list)
        moves._action_done()
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE stock_move m SET date = d.date FROM unnest(%s::int[], %s::timestamp[]) AS d(id, date) "
            "WHERE m.id = d.id", [moves.ids, dates])
        cls.env.invalidate_all()
        return moves

    def forecast(self, products=None, **kw):
        products = products or (self.fan | self.lamp)
        return self.env["ai.stock.forecast"]._ai_forecast_company(self.company, product_ids=products.ids,
                                                                  warehouse_ids=self.warehouse.ids, **kw)

    def forecast_of(self, product):
        return self.env["ai.stock.forecast"].search([("product_id", "=", product.id),
                                                     ("warehouse_id", "=", self.warehouse.id)])

    @contextmanager
    def failing_product(self, product, message="corrupt product"):
        """Storing the forecast of ``product`` raises (a bad record in the middle of a batch)."""
        Forecast = type(self.env["ai.stock.forecast"])
        original = Forecast._ai_store_forecast

        def flaky(self_, pair, *args, **kwargs):
            if pair[0] == product.id:
                raise ValueError(message)
            return original(self_, pair, *args, **kwargs)

        with patch.object(Forecast, "_ai_store_forecast", flaky), \
                mute_logger("odoo.addons.ai_stock_forecast.models.ai_stock_forecast"):
            yield
