"""Pure-Python core of ai_stock_forecast: demand history, forecasts, purchase proposals.

No Odoo import: plain data in, plain results out (numbers, lists, dates, dicts), so the ORM layer,
the tests and the benchmark share it.

- ``build_demand_series(moves, stockouts, start, end)``: daily demand per (product, warehouse),
  NaN on days without stock;
- ``forecast_series(values, start, horizon=90, ...)``: per-series model choice by rolling-origin
  backtest (MASE), P10/P50/P90 and the reason in plain words;
- ``forecast_many(tasks, n_jobs=-1, ...)``: the same for many series on all cores, one failing
  series giving an error entry;
- ``propose_purchase(...)``, ``reorder_min_max(...)``: projected stock, safety stock, stock-out and
  order-by dates, quantity rounded to the supplier's minimum and packaging; min/max for Odoo's
  reordering rules; ``allocate_service_levels(items, 0.95)``: a service level per product with the
  same demand-weighted mean, cheap fast movers protected more than dear slow ones (with
  ``not_stocked=True``, those whose order size ties up too much value for their demand are not
  kept in stock at all: service level 0, ordered for confirmed deliveries only).
"""
from .engine import DEFAULT_HORIZON, candidates_for, forecast_many, forecast_series, holidays_for
from .history import build_demand_series
from .metrics import bias, classify, mase, mase_scale, rmsse, wape
from .models import LABELS, METHODS
from .replenishment import (
    allocate_service_levels, allocation_item, allocation_price, lead_time_sigma, propose_purchase, reorder_min_max,
    round_order_qty, service_levels_at, service_z,
)

__all__ = [
    "DEFAULT_HORIZON", "LABELS", "METHODS", "allocate_service_levels", "allocation_item",
    "allocation_price", "bias", "build_demand_series",
    "candidates_for", "classify",
    "forecast_many", "forecast_series", "holidays_for", "lead_time_sigma", "mase", "mase_scale",
    "propose_purchase", "reorder_min_max", "rmsse", "round_order_qty", "service_levels_at", "service_z", "wape",
]
