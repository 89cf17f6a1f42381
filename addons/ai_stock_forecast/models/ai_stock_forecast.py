import datetime as dt
import logging
import math
import time

from odoo import api, fields, models
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.batching import CONCURRENCY_ERRORS
from odoo.addons.ai_base.tools import finite, split_every
from odoo.addons.ai_base.fields import Json

from .. import forecast as core
from . import demand_data

_logger = logging.getLogger(__name__)

HISTORY_DAYS = 3 * 365        # demand history read for a forecast
SHOWN_HISTORY_DAYS = 365      # history kept in the forecast lines for the graph
LINE_KINDS = [("history", "Demand (history)"), ("forecast", "Forecast (P50)"), ("low", "Low (P10)"),
              ("high", "High (P90)"), ("pipeline", "Sales pipeline")]


class AiStockForecast(models.Model):
    """The latest demand forecast of a product in a warehouse, with the model chosen and its accuracy."""

    _name = "ai.stock.forecast"
    _description = "Demand forecast of a product in a warehouse"
    _order = "product_id, warehouse_id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True)
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, string="Product category")
    state = fields.Selection([("ok", "Forecast"), ("error", "Failed")], default="ok", readonly=True)
    error = fields.Char(readonly=True)
    model = fields.Char("Method", readonly=True)
    model_label = fields.Char("Model", readonly=True)
    reason = fields.Char("Why this model", readonly=True)
    series_class = fields.Selection(
        [("smooth", "Smooth"), ("erratic", "Erratic"), ("intermittent", "Intermittent"), ("lumpy", "Lumpy"),
         ("none", "No demand")], "Demand pattern", readonly=True)
    mase = fields.Float("MASE", digits=(16, 3), readonly=True,
                        help="Backtest error relative to a naive forecast (below 1: better than naive)")
    wape = fields.Float("WAPE", digits=(16, 3), readonly=True, help="Backtest absolute error / actual demand")
    bias = fields.Float(digits=(16, 3), readonly=True,
                        help="Backtest (forecast - actual) / actual: positive when the forecast is too high")
    n_history = fields.Integer("Days of history", readonly=True)
    horizon = fields.Integer("Horizon (days)", readonly=True)
    computed_on = fields.Datetime(readonly=True)
    demand_30 = fields.Float("Next 30 days", digits="Product Unit", readonly=True)
    demand_90 = fields.Float("Next 90 days", digits="Product Unit", readonly=True)
    pipeline_90 = fields.Float("From the pipeline", digits="Product Unit", readonly=True,
                               help="Known future demand of likely deals included in the forecast")
    service_level = fields.Float(
        digits=(3, 3), readonly=True,
        help="Share of replenishment cycles without stock-out the purchase proposals aim at: the category's, "
             "or this product's share when the category is optimised by stock value")
    not_stocked = fields.Boolean(
        "Not kept in stock", readonly=True,
        help="The category is optimised by stock value and this product's supplier order would tie up too "
             "much stock value for the demand it serves: it is ordered for confirmed deliveries only")
    sigma_cum = Json(readonly=True)
    line_ids = fields.One2many("ai.stock.forecast.line", "forecast_id", readonly=True)
    factor_codes = fields.Char("External factors", readonly=True)

    _product_warehouse_unique = models.Constraint("UNIQUE(product_id, warehouse_id)",
                                                  "One forecast per product and warehouse.")

    # ------------------------------------------------------------------------------------------
    # Settings

    @api.model
    def _ai_settings(self):
        icp = self.env["ir.config_parameter"].sudo()

        def number(key, default):
            try:
                return float(icp.get_param(key, default))
            except (TypeError, ValueError):
                return float(default)

        return {
            "horizon": max(7, int(number("ai_stock_forecast.horizon_days", 90))),
            "review_period": max(1, int(number("ai_stock_forecast.review_period_days", 7))),
            "use_prophet": icp.get_param("ai_stock_forecast.use_prophet", "True") not in ("False", "0", ""),
            "n_jobs": int(number("ai_stock_forecast.n_jobs", -1)) or -1,
        }

    # ------------------------------------------------------------------------------------------
    # Running the forecast

    @api.model
    def _cron_ai_forecast(self, batch_size=200):
        for company in self.env["res.company"].search([]):
            self.with_company(company)._ai_forecast_company(company, batch_size=batch_size)

    @api.model
    def _ai_forecast_company(self, company, product_ids=None, warehouse_ids=None, batch_size=200, today=None,
                             pairs=None, summary=True):
        """Forecast every product with demand in the company's warehouses (or the given ones, or
        exactly the given ``pairs`` of (product id, warehouse id)), in batches: one set of queries
        and one parallel fit per batch, committed per batch in a scheduled action; a failing product
        is logged on its forecast and skipped. ``summary``: store the run's figures on the model page
        (a caller that splits a run into parts, such as the job queue, stores them once at the end).

        A pair another transaction is forecasting right now (the scheduled action and a user's
        "Refresh" on the same product) is left to it and counted in ``skipped``.

        :return: {"forecasts": n, "failed": n, "proposals": n, "skipped": n, "seconds": s}
        """
        started = time.monotonic()
        self.env.flush_all()
        today = today or fields.Date.context_today(self)
        pairs = self._ai_forecast_pairs(company, today) if pairs is None else [tuple(p) for p in pairs]
        if product_ids is not None:
            wanted = set(product_ids)
            pairs = [p for p in pairs if p[0] in wanted]
        if warehouse_ids is not None:
            wanted = set(warehouse_ids)
            pairs = [p for p in pairs if p[1] in wanted]
        settings = self._ai_settings()
        # demand already known (the sales pipeline): read once for the whole run
        known = self._ai_known_future_demand(company, pairs, today, today + dt.timedelta(days=settings["horizon"] - 1))
        stats = {"forecasts": 0, "failed": 0, "proposals": 0, "skipped": 0}
        do_commit = not odoo_module.current_test and self.env.context.get("ai_commit", True) \
            and self.env.context.get("cron_id")
        remaining = len(pairs)
        for batch in split_every(batch_size, pairs):
            size = len(batch)
            batch = self._ai_lock_pairs(batch)
            stats["skipped"] += size - len(batch)
            if not batch:
                remaining -= size
                continue
            try:
                with self.env.cr.savepoint():
                    done = self._ai_forecast_batch(company, batch, today, settings, known)
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - retry one by one: a bad product never kills the batch
                _logger.exception("Stock forecast: batch of %s products failed, retrying one by one", len(batch))
                done = {"forecasts": 0, "failed": 0, "proposals": 0}
                for pair in batch:
                    try:
                        with self.env.cr.savepoint():
                            one = self._ai_forecast_batch(company, [pair], today, settings, known)
                    except CONCURRENCY_ERRORS:
                        raise
                    except Exception as exc:  # noqa: BLE001
                        _logger.warning("Stock forecast: product %s in warehouse %s skipped: %s", pair[0], pair[1], exc)
                        self._ai_store_error(pair, str(exc))
                        done["failed"] += 1
                        continue
                    for key in done:
                        done[key] += one[key]
            for key in done:
                stats[key] += done[key]
            remaining -= size
            if do_commit:
                self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining)
        stats["seconds"] = round(time.monotonic() - started, 2)
        if pairs and summary:
            self._ai_store_run_summary(company, stats)
        return stats

    @api.model
    def _ai_lock_pairs(self, pairs):
        """The pairs of ``pairs`` this transaction may forecast: a transaction-level advisory lock per
        (product, warehouse), taken without waiting, so that two runs never write the same forecast
        (its row may not exist yet, hence no row lock). The locks end with the transaction (each
        committed batch of a scheduled action)."""
        if not pairs:
            return []
        self.env.cr.execute(SQL(
            "SELECT p, w FROM unnest(%s::int[], %s::int[]) AS t(p, w) "
            "WHERE pg_try_advisory_xact_lock(hashtextextended('ai.stock.forecast/' || p || '/' || w, 0))",
            [p for p, _w in pairs], [w for _p, w in pairs]))
        free = {tuple(row) for row in self.env.cr.fetchall()}
        skipped = len(pairs) - len(free)
        if skipped:
            _logger.info("Stock forecast: %d products being forecast by another transaction, left to it", skipped)
        return [tuple(p) for p in pairs if tuple(p) in free]

    @api.model
    def _ai_forecast_pairs(self, company, today):
        """The (product id, warehouse id) pairs of the company that had demand in the history read."""
        return demand_data.demand_pairs(self.env, company, today - dt.timedelta(days=HISTORY_DAYS))

    def _ai_store_error(self, pair, message):
        forecast = self.search([("product_id", "=", pair[0]), ("warehouse_id", "=", pair[1])], limit=1)
        vals = {"state": "error", "error": message[:250], "computed_on": fields.Datetime.now()}
        if forecast:
            forecast.write(vals)
        else:
            self.create(dict(vals, product_id=pair[0], warehouse_id=pair[1]))

    def _ai_forecast_batch(self, company, pairs, today, settings, known):
        horizon = settings["horizon"]
        since = dt.datetime.combine(today - dt.timedelta(days=HISTORY_DAYS), dt.time.min)
        env = self.env
        on_hand = demand_data.read_on_hand(env, pairs)
        series = self._ai_demand_series(pairs, today, on_hand)
        products = env["product.product"].browse(sorted({p for p, _w in pairs})).with_company(company)
        factors = env["ai.forecast.factor"]._factors_by_product(products, company)
        all_factors = env["ai.forecast.factor"].union(*factors.values()) if factors else env["ai.forecast.factor"]
        factor_values = demand_data.read_factor_values(env, all_factors.ids, since.date(),
                                                       today + dt.timedelta(days=horizon))
        country = (company.country_id.code or "").upper() or None
        tasks = []
        for pair in pairs:
            data = series.get(tuple(pair))
            if data is None:
                continue
            start, values = data["start"], list(data["values"])
            regressors = {}
            for factor in factors.get(pair[0], []):
                by_day = factor_values.get(factor.id, {})
                if not by_day:
                    continue
                regressors[factor.code] = [by_day.get(start + dt.timedelta(days=i))
                                           for i in range(len(values) + horizon)]
            tasks.append({"key": tuple(pair), "values": values, "start": start,
                          "regressors": regressors or None})
        results = core.forecast_many(tasks, n_jobs=settings["n_jobs"], horizon=horizon, country=country,
                                     use_prophet=settings["use_prophet"])
        stats = {"forecasts": 0, "failed": 0, "proposals": 0}
        stored = {}
        existing = {(f.product_id.id, f.warehouse_id.id): f for f in self.search(
            [("product_id", "in", products.ids), ("warehouse_id", "in", sorted({w for _p, w in pairs}))])}
        for task, result in zip(tasks, results):
            pair = task["key"]
            if result.get("status") != "ok":
                self._ai_store_error(pair, result.get("error") or "forecast failed")
                stats["failed"] += 1
                continue
            pipeline = known.get(pair, [])
            stored[pair] = self._ai_store_forecast(pair, task, result, pipeline, today, existing.get(pair))
            stats["forecasts"] += 1
        self._ai_write_forecast_lines(stored)
        stats["proposals"] = env["ai.stock.proposal"]._ai_update_proposals(company, stored, on_hand, today, settings)
        return stats

    @api.model
    def _ai_demand_series(self, pairs, today, on_hand=None):
        """Daily demand of each (product, warehouse) over the last three years up to yesterday, NaN on
        the days the warehouse had none in stock: ``{pair: {"start", "values", "returns"}}``."""
        since = dt.datetime.combine(today - dt.timedelta(days=HISTORY_DAYS), dt.time.min)
        if on_hand is None:
            on_hand = demand_data.read_on_hand(self.env, pairs)
        moves = demand_data.read_demand_moves(self.env, pairs, since)
        stockouts = demand_data.read_stockout_days(self.env, pairs, since.date(), today, on_hand)
        return core.build_demand_series(moves, stockouts, end=today - dt.timedelta(days=1), min_start=since.date())

    @api.model
    def _ai_known_future_demand(self, company, pairs, date_from, date_to):
        """Demand already known for the coming days, added to the forecast as its own layer:
        ``{(product, warehouse): [(date, qty, description)]}``. Empty here; crm_erp_bridge adds the
        products of likely deals of the sales pipeline."""
        return {}

    def _ai_store_forecast(self, pair, task, result, pipeline, today, forecast=None):
        """Write the forecast header; return what proposals need and its lines (written per batch)."""
        product_id, warehouse_id = pair
        dates = [core_date(d) for d in result["dates"]]
        p10, p50, p90 = result["p10"], result["p50"], result["p90"]
        extra = [0.0] * len(dates)
        index = {d: i for i, d in enumerate(dates)}
        for day, qty, *_rest in pipeline:
            i = index.get(core_date(day))
            if i is not None:
                extra[i] += float(qty)
        vals = {
            "state": "ok", "error": False, "model": result.get("model"), "model_label": result.get("model_label"),
            "reason": (result.get("reason") or "")[:250], "series_class": result.get("series_class") or False,
            "mase": finite(result.get("mase")), "wape": finite(result.get("wape")), "bias": finite(result.get("bias")),
            "n_history": result.get("n_history") or 0, "horizon": len(dates), "computed_on": fields.Datetime.now(),
            "demand_30": float(sum(p50[:30]) + sum(extra[:30])), "demand_90": float(sum(p50[:90]) + sum(extra[:90])),
            "pipeline_90": float(sum(extra[:90])), "sigma_cum": [finite(v) for v in result.get("sigma_cum") or []],
            "factor_codes": ", ".join(sorted(task.get("regressors") or {})) or False,
        }
        if forecast:
            forecast.write(vals)
        else:
            forecast = self.create(dict(vals, product_id=product_id, warehouse_id=warehouse_id))
        # lines: the last year of history, the forecast and its band, the pipeline layer
        rows = []
        start, values = task["start"], task["values"]
        first_shown = today - dt.timedelta(days=SHOWN_HISTORY_DAYS)
        for i, value in enumerate(values):
            day = start + dt.timedelta(days=i)
            if day >= first_shown and value is not None and not (isinstance(value, float) and math.isnan(value)):
                rows.append((day, "history", float(value)))
        for i, day in enumerate(dates):
            rows += [(day, "forecast", float(p50[i] + extra[i])), (day, "low", float(p10[i] + extra[i])),
                     (day, "high", float(p90[i] + extra[i]))]
            if extra[i]:
                rows.append((day, "pipeline", float(extra[i])))
        return {"forecast": forecast, "dates": dates, "p50": [a + b for a, b in zip(p50, extra)],
                "p90": [a + b for a, b in zip(p90, extra)], "sigma_cum": result.get("sigma_cum"),
                "pipeline": pipeline, "lines": rows}

    def _ai_write_forecast_lines(self, stored):
        """Replace the lines of the batch's forecasts: one DELETE and one bulk INSERT per batch."""
        if not stored:
            return
        ids, products, warehouses, companies, days, kinds, qtys = [], [], [], [], [], [], []
        for (product_id, warehouse_id), data in stored.items():
            forecast = data["forecast"]
            ids.append(forecast.id)
            for day, kind, qty in data.pop("lines", ()):
                products.append(product_id)
                warehouses.append(warehouse_id)
                companies.append(forecast.company_id.id)
                days.append(day)
                kinds.append(kind)
                qtys.append(qty)
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("DELETE FROM ai_stock_forecast_line WHERE forecast_id = ANY(%s)", ids))
        if days:
            forecast_of = {(p, w): d["forecast"].id for (p, w), d in stored.items()}
            cr.execute(SQL(
                """
                INSERT INTO ai_stock_forecast_line (forecast_id, product_id, warehouse_id, company_id, date, kind, qty,
                                                    create_uid, create_date, write_uid, write_date)
                SELECT f, p, w, c, d, k, q, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC'
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::date[], %s::varchar[], %s::float8[])
                       AS t(f, p, w, c, d, k, q)
                """, self.env.uid, self.env.uid, [forecast_of[(p, w)] for p, w in zip(products, warehouses)],
                products, warehouses, companies, days, kinds, qtys))
        self.env["ai.stock.forecast.line"].invalidate_model()

    def _ai_store_run_summary(self, company, stats):
        """A model page entry (AI Suite register) with the run's accuracy figures."""
        forecasts = self.search([("company_id", "=", company.id), ("state", "=", "ok")])
        mases = [f.mase for f in forecasts if f.mase]
        wapes = [f.wape for f in forecasts if f.wape]
        metrics = {"series": len(forecasts), "failed": stats["failed"], "proposals": stats["proposals"],
                   "seconds": stats["seconds"]}
        if mases:
            metrics["median_mase"] = sorted(mases)[len(mases) // 2]
        if wapes:
            metrics["median_wape"] = sorted(wapes)[len(wapes) // 2]
        models_used = {}
        for f in forecasts:
            models_used[f.model_label or f.model or "?"] = models_used.get(f.model_label or f.model or "?", 0) + 1
        metrics["models"] = models_used
        self.env["ai.trained.model"]._store("stock_forecast", self.env._("Demand forecasts"), None, metrics=metrics,
                                            company=company, n_samples=len(forecasts),
                                            train_seconds=stats["seconds"])

    # ------------------------------------------------------------------------------------------
    # Buttons and integrations

    def action_refresh(self):
        forecasts = rpc.records_of(self, "write")
        for company in forecasts.company_id:
            mine = forecasts.filtered(lambda f, c=company: f.company_id == c)
            self.with_company(company)._ai_forecast_company(company, product_ids=mine.product_id.ids,
                                                            warehouse_ids=mine.warehouse_id.ids)
        return True

    def action_open_graph(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Demand and forecast"),
            "res_model": "ai.stock.forecast.line",
            "view_mode": "graph,list",
            "domain": [("forecast_id", "in", self.ids)],
            # no empty weeks added by the graph: they would show as a series without kind
            "context": {"fill_temporal": False},
        }


def core_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


class AiStockForecastLine(models.Model):
    _name = "ai.stock.forecast.line"
    _description = "Demand history and forecast per day"
    _order = "date, kind"

    forecast_id = fields.Many2one("ai.stock.forecast", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True)
    kind = fields.Selection(LINE_KINDS, required=True)
    qty = fields.Float("Quantity", digits="Product Unit")
