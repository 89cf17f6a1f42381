import datetime as dt
import logging

from odoo import api, fields, models

from odoo.addons.ai_base.models.res_config_settings import param_enabled
from odoo.addons.ai_base.tools import split_every
from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.job import identity_exact

_logger = logging.getLogger(__name__)

CHANNEL = "root.ai_stock_forecast"
ENABLED_PARAM = "ai_stock_forecast_queue.enabled"


class AiStockForecast(models.Model):
    """The weekly forecast run split into queue jobs: one job per slice of (product, warehouse)
    pairs, then one job that stores the run's figures once every slice is done."""

    _inherit = "ai.stock.forecast"

    @api.model
    def _ai_queue_settings(self):
        icp = self.env["ir.config_parameter"].sudo()

        def number(key, default):
            try:
                return int(float(icp.get_param(key, default)))
            except (TypeError, ValueError):
                return default

        return {
            "enabled": param_enabled(self.env, ENABLED_PARAM),
            "job_size": max(1, number("ai_stock_forecast_queue.job_size", 50)),
            "job_cores": number("ai_stock_forecast_queue.job_cores", 1) or 1,
        }

    @api.model
    def _ai_settings(self):
        settings = super()._ai_settings()
        cores = self.env.context.get("ai_forecast_job_cores")
        if cores:
            settings["n_jobs"] = int(cores)
        return settings

    # ------------------------------------------------------------------------------------------
    # Scheduled action: enqueue instead of running

    @api.model
    def _cron_ai_forecast(self, batch_size=200):
        settings = self._ai_queue_settings()
        if not settings["enabled"]:
            return super()._cron_ai_forecast(batch_size=batch_size)
        for company in self.env["res.company"].search([]):
            self.with_company(company)._ai_enqueue_forecast(company, settings=settings)
        return True

    @api.model
    def _ai_enqueue_forecast(self, company, settings=None, today=None):
        """Enqueue the forecast of every product with demand in the company: one job per
        ``job_size`` pairs on the channel ``root.ai_stock_forecast``, then the summary job. A run
        still waiting in the queue with the same slices is not enqueued twice.

        :return: the number of forecast jobs (0 when the company has nothing to forecast)
        """
        settings = settings or self._ai_queue_settings()
        today = today or fields.Date.context_today(self)
        pairs = [list(p) for p in self._ai_forecast_pairs(company, today)]
        if not pairs:
            return 0
        day = fields.Date.to_string(today)
        slices = list(split_every(settings["job_size"], pairs))
        parts = [
            self.delayable(
                channel=CHANNEL, identity_key=identity_exact, max_retries=3,
                description=self.env._("Demand forecast of %(company)s, part %(part)s of %(parts)s",
                                       company=company.name, part=i, parts=len(slices)),
            )._ai_forecast_job(company.id, list(chunk), day, settings["job_cores"])
            for i, chunk in enumerate(slices, 1)
        ]
        summary = self.delayable(
            channel=CHANNEL, identity_key=identity_exact,
            description=self.env._("Demand forecast of %(company)s: run summary", company=company.name),
        )._ai_forecast_summary_job(company.id, day)
        group(*parts).on_done(summary).delay()
        _logger.info("Stock forecast: %s jobs enqueued for %s pairs of %s", len(parts), len(pairs), company.name)
        return len(parts)

    # ------------------------------------------------------------------------------------------
    # Jobs

    @api.model
    def _ai_forecast_job(self, company_id, pairs, day, cores=1):
        """Forecast the given (product, warehouse) pairs of a company, as of ``day`` (ISO date).
        A failing product is recorded on its forecast and skipped, as in the scheduled action."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return "company %s no longer exists: nothing done" % company_id
        today = fields.Date.to_date(day)
        stats = self.with_company(company).with_context(ai_forecast_job_cores=cores)._ai_forecast_company(
            company, pairs=[tuple(p) for p in pairs], today=today, summary=False)
        return "%(forecasts)s forecasts, %(failed)s failed, %(proposals)s proposals in %(seconds)s s" % stats

    @api.model
    def _ai_forecast_summary_job(self, company_id, day):
        """Store the run's figures on the model page once every part is done: forecasts computed
        and failed since the run was enqueued, open proposals, and the run's span from the first
        part started to the last one done."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return "company %s no longer exists: nothing done" % company_id
        since, seconds = self._ai_run_span()
        if since is None:   # not run by the job runner: the last day's forecasts
            since = fields.Datetime.now() - dt.timedelta(days=1)
        domain = [("company_id", "=", company.id), ("computed_on", ">=", since)]
        stats = {
            "forecasts": self.search_count(domain + [("state", "=", "ok")]),
            "failed": self.search_count(domain + [("state", "=", "error")]),
            "proposals": self.env["ai.stock.proposal"].search_count(
                [("company_id", "=", company.id), ("state", "=", "proposed")]),
            "seconds": seconds,
        }
        self.with_company(company)._ai_store_run_summary(company, stats)
        return "%(forecasts)s forecasts, %(failed)s failed, %(proposals)s proposals, %(seconds)s s" % stats

    @api.model
    def _ai_run_span(self):
        """(when the run this summary job closes was enqueued, its wall time in seconds from the
        first part started to the last part done), or (None, 0.0) outside the job runner."""
        uuid = self.env.context.get("job_uuid")
        Job = self.env["queue.job"].sudo()
        job = Job.search([("uuid", "=", uuid)], limit=1) if uuid else None
        if not job or not job.graph_uuid:
            return None, 0.0
        parts = Job.search([("graph_uuid", "=", job.graph_uuid), ("id", "!=", job.id)])
        if not parts:
            return None, 0.0
        since = min(parts.mapped("date_created"))
        ran = parts.filtered(lambda j: j.date_started and j.date_done)
        if not ran:
            return since, 0.0
        span = max(ran.mapped("date_done")) - min(ran.mapped("date_started"))
        return since, round(span.total_seconds(), 2)
