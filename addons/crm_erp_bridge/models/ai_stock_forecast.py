from odoo import api, models


class AiStockForecast(models.Model):
    _inherit = "ai.stock.forecast"

    @api.model
    def _ai_known_future_demand(self, company, pairs, date_from, date_to):
        """The products of likely deals (open quotations of open opportunities), weighted by their AI
        probability and placed at their expected closing date, are known future demand: a separate
        layer of the forecast, named in the purchase proposals' reasons."""
        known = super()._ai_known_future_demand(company, pairs, date_from, date_to)
        wanted = {tuple(pair) for pair in pairs}
        for row in self.env["crm.lead"].sudo()._ai_pipeline_demand(company, date_from, date_to):
            pair = (row["product_id"], row["warehouse_id"])
            if pair in wanted and row["qty"] > 0:
                known.setdefault(pair, []).append((row["date"], row["qty"], row["lead_id"]))
        return known
