"""Data loading and baseline forecasters of the stock forecast benchmark (bench_stock_forecast.py).

Baselines: seasonal naive, default Prophet (``Prophet()`` as documented, forecasts clipped at zero)
and statsforecast's AutoETS. Series are plain numpy rows; dates give the calendar.
"""
import logging
from pathlib import Path

import numpy as np
import pandas as pd

import bench_common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


shared_data_dir = bench_common.shared_data_dir


def load_store_items():
    """Store-item daily sales: (keys [(store, item)], first date, array (n_series, n_days))."""
    path = shared_data_dir() / "demand" / "store_item_demand" / "train.csv"
    df = pd.read_csv(path, parse_dates=["date"])
    wide = df.pivot_table(index=["store", "item"], columns="date", values="sales", aggfunc="sum")
    wide = wide.sort_index()
    first = wide.columns[0].date()
    return list(wide.index), first, wide.to_numpy(dtype=float)


def load_spare_parts():
    """Spare parts weekly demand: (skus, first week start date, array (n_skus, n_weeks), items frame
    indexed by sku)."""
    base = shared_data_dir() / "demand" / "spare_parts_man"
    df = pd.read_csv(base / "man_weekly.csv", parse_dates=["week_start"])
    wide = df.pivot_table(index="sku", columns="week_start", values="qty", aggfunc="sum").sort_index()
    items = pd.read_csv(base / "man_items.csv").set_index("sku").reindex(wide.index)
    return list(wide.index), wide.columns[0].date(), wide.to_numpy(dtype=float), items


def _prophet_one(y, start, horizon, freq):
    from prophet import Prophet

    logging.getLogger("cmdstanpy").disabled = True
    logging.getLogger("prophet").setLevel(logging.WARNING)
    ds = pd.date_range(pd.Timestamp(start), periods=len(y) + horizon, freq="7D" if freq == "W" else "D")
    m = Prophet()
    m.fit(pd.DataFrame({"ds": ds[:len(y)], "y": y}))
    pred = m.predict(pd.DataFrame({"ds": ds[len(y):]}))["yhat"].to_numpy()
    return np.maximum(pred, 0.0)


def _prophet_chunk(jobs, horizon, freq):
    return [_prophet_one(y, start, horizon, freq) for y, start in jobs]


def prophet_default(jobs, horizon, freq="D", n_jobs=2):
    """Default Prophet on every (history array, start date) of ``jobs``, joblib over ``n_jobs``."""
    from joblib import Parallel, delayed

    size = max(1, min(25, len(jobs) // (4 * n_jobs) or 1))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    out = Parallel(n_jobs=n_jobs)(delayed(_prophet_chunk)(c, horizon, freq) for c in chunks)
    return [f for part in out for f in part]


def autoets(histories, horizon, season, freq="D", n_jobs=2):
    """statsforecast AutoETS (season length ``season``) for equal-length histories (n, t)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    n, t = histories.shape
    ds = pd.date_range("2000-01-03", periods=t, freq="W-MON" if freq == "W" else "D")
    df = pd.DataFrame({"unique_id": np.repeat(np.arange(n), t), "ds": np.tile(ds, n),
                       "y": histories.reshape(-1)})
    sf = StatsForecast(models=[AutoETS(season_length=season)], freq="W-MON" if freq == "W" else "D",
                       n_jobs=n_jobs)
    out = sf.forecast(df=df, h=horizon)
    out = out.reset_index() if "unique_id" not in out.columns else out
    out = out.sort_values(["unique_id", "ds"])
    return np.maximum(out["AutoETS"].to_numpy().reshape(n, horizon), 0.0)
