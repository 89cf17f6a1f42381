from odoo import api, fields, models

from .ai_stock_forecast import ENABLED_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_stock_queue_enabled = fields.Boolean(   # on by default (ai_base's _ai_default_on_params)
        "Run forecasts as background jobs",
        help="The weekly forecast is split into jobs of the job queue, which every Odoo worker of every host "
             "running the job runner takes its share of")
    ai_stock_queue_job_size = fields.Integer(
        "Products per job", config_parameter="ai_stock_forecast_queue.job_size", default=50,
        help="Product and warehouse pairs forecast by one job: smaller jobs spread better, larger ones "
             "read the database less often")
    ai_stock_queue_job_cores = fields.Integer(
        "Cores per job", config_parameter="ai_stock_forecast_queue.job_cores", default=1,
        help="Processes one job fits its models with; the job runner's channel capacity times this "
             "should not exceed the host's cores (-1: all cores)")

    @api.model
    def _ai_default_on_params(self):
        return dict(super()._ai_default_on_params(), ai_stock_queue_enabled=ENABLED_PARAM)

    def action_ai_enqueue_forecast(self):
        """Enqueue the forecast of the current company now (saved settings first)."""
        self.execute()
        self.env["ai.stock.forecast"].check_access("write")
        company = self.env.company
        count = self.env["ai.stock.forecast"].sudo().with_company(company)._ai_enqueue_forecast(company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if count else "info",
                "message": self.env._("Forecast of %(company)s enqueued: %(count)s job(s) and its summary.",
                                      count=count, company=company.name) if count else
                self.env._("No product of %(company)s has demand to forecast.", company=company.name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
