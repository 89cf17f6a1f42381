from odoo import api, fields, models

from odoo.addons.ai_base import rpc


class ProductCategory(models.Model):
    _inherit = "product.category"

    ai_service_level = fields.Float(
        "Service level", digits=(3, 3),
        help="Share of replenishment cycles without stock-out the purchase proposals aim at (0.95 = 95%). "
             "Empty: the parent category's, else 95%.")

    ai_service_mode = fields.Selection(
        [("uniform", "Same for every product"), ("optimised", "Optimised by stock value")],
        "Service level per product",
        help="Same for every product: each product aims at the service level.\n"
             "Optimised by stock value: the service level is the average over the category's products, "
             "weighted by their demand. Cheap fast movers get more, dear slow movers with large supplier "
             "minimums less, and a product whose order would tie up too much stock value for the demand it "
             "serves is not kept in stock (ordered for confirmed deliveries only): the same overall "
             "service for less stock.\nEmpty: the parent category's, else the same for every product.")

    def _ai_service_level(self):
        category = self
        while category:
            if category.ai_service_level:
                return min(max(category.ai_service_level, 0.5), 0.999)
            category = category.parent_id
        return 0.95

    def _ai_service_policy(self):
        """``(service level, mode, category that sets the mode)``, unset values from the parents. The
        products of an optimised category (and of its children that set no mode) share one allocation
        aiming at that category's service level; in the uniform mode each category keeps its own."""
        category = self
        while category and not category.ai_service_mode:
            category = category.parent_id
        if category.ai_service_mode == "optimised":
            return category._ai_service_level(), "optimised", category
        return self._ai_service_level(), "uniform", category


class ProductProduct(models.Model):
    _inherit = "product.product"

    ai_forecast_ids = fields.One2many("ai.stock.forecast", "product_id", "Demand forecasts")
    ai_forecast_count = fields.Integer(compute="_compute_ai_forecast_count")
    ai_demand_90 = fields.Float("Forecast demand, 90 days", compute="_compute_ai_forecast_count",
                                digits="Product Unit")

    @api.depends("ai_forecast_ids")
    def _compute_ai_forecast_count(self):
        for product in self:
            forecasts = product.ai_forecast_ids.filtered(lambda f: f.state == "ok")
            product.ai_forecast_count = len(product.ai_forecast_ids)
            product.ai_demand_90 = sum(forecasts.mapped("demand_90"))

    def action_ai_open_forecast(self):
        forecasts = self.ai_forecast_ids
        if not forecasts:
            return self.action_ai_refresh_forecast()
        return forecasts.action_open_graph()

    def action_ai_refresh_forecast(self):
        """Forecast these products now (every warehouse they have demand in): the forecasts are stored,
        so the caller must be allowed to change them."""
        products = rpc.records_of(self, "read")
        Forecast = self.env["ai.stock.forecast"]
        Forecast.check_access("write")
        Forecast.check_access("create")
        for company in self.env.companies:
            Forecast.with_company(company)._ai_forecast_company(company, product_ids=products.ids)
        forecasts = products.ai_forecast_ids
        if forecasts:
            return forecasts.action_open_graph()
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "warning", "message": self.env._(
                    "No demand in the last three years: nothing to forecast.")}}

    @api.model
    def ai_get_forecast(self, product_ids, warehouse_id=False, **options):
        """XML-RPC / JSON-RPC: the current forecast of products.

        :param product_ids: list of product.product ids the caller may read (at most 10,000)
        :param warehouse_id: a warehouse id (default: every warehouse of the caller's companies)
        :raises UserError: an argument is not a list of positive ids / a positive id
        :raises AccessError: an id does not exist or is not visible to the caller (one message for both)
        :return: list of ``{"product_id", "warehouse_id", "model", "reason", "mase", "wape", "bias",
            "computed_on", "demand_30", "demand_90", "days": [{"date", "p10", "p50", "p90"}]}``
        """
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        products = rpc.checked_records(self, product_ids, "read", arg="product_ids")
        domain = [("product_id", "in", products.ids), ("state", "=", "ok")]
        warehouse_id = rpc.id_argument(self.env, warehouse_id, arg="warehouse_id")
        if warehouse_id:
            warehouse = rpc.checked_records(self.env["stock.warehouse"], [warehouse_id], "read", arg="warehouse_id")
            domain.append(("warehouse_id", "=", warehouse.id))
        out = []
        for forecast in self.env["ai.stock.forecast"].search(domain):
            days = {}
            for line in forecast.line_ids:
                if line.kind in ("forecast", "low", "high"):
                    key = {"forecast": "p50", "low": "p10", "high": "p90"}[line.kind]
                    days.setdefault(line.date, {"date": line.date.isoformat()})[key] = line.qty
            out.append({
                "product_id": forecast.product_id.id, "warehouse_id": forecast.warehouse_id.id,
                "model": forecast.model_label or forecast.model or "", "reason": forecast.reason or "",
                "mase": forecast.mase, "wape": forecast.wape, "bias": forecast.bias,
                "computed_on": fields.Datetime.to_string(forecast.computed_on) if forecast.computed_on else False,
                "demand_30": forecast.demand_30, "demand_90": forecast.demand_90,
                "days": [days[d] for d in sorted(days)],
            })
        return out


class ProductTemplate(models.Model):
    _inherit = "product.template"

    ai_forecast_count = fields.Integer(compute="_compute_ai_forecast_count")

    def _compute_ai_forecast_count(self):
        for template in self:
            template.ai_forecast_count = sum(template.product_variant_ids.mapped("ai_forecast_count"))

    def action_ai_open_forecast(self):
        return self.product_variant_ids.action_ai_open_forecast()

    def action_ai_refresh_forecast(self):
        return self.product_variant_ids.action_ai_refresh_forecast()
