from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_stock_horizon_days = fields.Integer("Forecast horizon (days)", config_parameter="ai_stock_forecast.horizon_days",
                                           default=90)
    ai_stock_review_period_days = fields.Integer(
        "Review period (days)", config_parameter="ai_stock_forecast.review_period_days", default=7,
        help="How often purchases are reviewed: an order covers this period plus the safety stock")
    ai_stock_use_prophet = fields.Boolean(
        "Try Prophet on smooth series", config_parameter="ai_stock_forecast.use_prophet", default=True,
        help="Prophet is one of the candidate models of regular series, kept where its backtest is the best")
