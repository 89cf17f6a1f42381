"""Per-series model choice by rolling-origin backtest, the final forecast with P10/P50/P90, and the
parallel driver for many series."""
import datetime as dt
import math
import sys
import time

import numpy as np

from . import metrics, models

DEFAULT_HORIZON = 90
QUANTILE_Z = 1.2815515655446004   # P90 - P50 of a normal distribution, in standard deviations
LOG_MODELS = {"regression_log", "prophet"}

_HOLIDAY_CACHE = {}


def holidays_for(country, first_year, last_year, subdiv=None):
    """{date: holiday name} of a country's public holidays (``holidays`` package); {} without a
    country. Unknown country codes raise ValueError with a readable message."""
    if not country:
        return {}
    key = (country, subdiv, first_year, last_year)
    if key not in _HOLIDAY_CACHE:
        import holidays as holidays_lib
        try:
            cal = holidays_lib.country_holidays(country, subdiv=subdiv, years=range(first_year, last_year + 1))
        except NotImplementedError as exc:
            raise ValueError(f"No public holiday calendar for country {country!r}") from exc
        _HOLIDAY_CACHE[key] = {d: name.split(";")[0].strip() for d, name in cal.items()}
    return _HOLIDAY_CACHE[key]


def _to_date(value):
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "date") and callable(value.date):   # pandas Timestamp
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def candidates_for(series_class, freq, use_prophet=False, n_nonzero=0):
    """Candidate methods for a demand class (see ``metrics.classify``)."""
    if series_class == "none":
        return ["zero"]
    if series_class in ("smooth", "erratic"):
        cands = ["snaive", "seasonal_ses" if freq == "D" else "ses", "regression", "regression_log"]
        if use_prophet:
            cands.append("prophet")
        return cands
    cands = ["croston", "sba", "tsb", "ses", "mean"]
    if freq == "D" and n_nonzero >= 100:
        cands.append("regression_log")
    return cands


def _origins(n, horizon, season, n_origins, min_train):
    """Backtest cut points (training length) and the evaluation horizon, newest first."""
    h = min(horizon, max(season, (n - min_train) // 2))
    if h < 1 or n - h < min_train:
        return [], 0
    step = max(season, h // 2) if n - h - (n_origins - 1) * h < min_train else h
    cuts = [n - h - k * step for k in range(n_origins)]
    return [c for c in cuts if c >= min_train], h


def _run(name, y, horizon, ctx):
    fn = models.METHODS[name]
    kwargs = dict(season=ctx["season"], design=ctx.get("design"), start=ctx["start"], freq=ctx["freq"],
                  country=ctx.get("country"), regressors=ctx.get("regressors"))
    if name == "mean":
        kwargs["window"] = ctx["mean_window"]
    if name == "snaive" and ctx["freq"] == "W":
        kwargs["season"] = 52 if len(y) >= 104 else 1
    if name == "prophet" and ctx.get("regressors"):
        kwargs["regressors"] = {k: np.asarray(v, dtype=float)[:len(y) + horizon] for k, v in ctx["regressors"].items()}
    f = np.asarray(fn(y, horizon, **kwargs), dtype=float)
    if f.shape != (horizon,) or not np.all(np.isfinite(f)):
        raise ValueError(f"{name} returned no usable forecast")
    return np.maximum(f, 0.0)


def _window_sigma(err_rows, length, persistent=True):
    """Standard deviation of the forecast error summed over 1..``length`` periods (the uncertainty
    of demand over a lead time), from the backtest errors (forecast - actual) of each origin.

    Regular demand (``persistent``): independent noise of variance ``v`` per period plus a level
    error that persists over a whole horizon (variance ``b2``, the spread of each origin's mean
    error beyond what the noise explains): the sum over L periods has variance L v + L² b2.
    Intermittent demand: the errors of a period are taken as independent (the mean of a window is
    dominated by whether a rare large order fell into it, not by a lasting error), variance L x
    the mean squared error. Two parameters pooled over every origin are far more stable than the
    spread of a handful of long windows."""
    rows = [np.asarray(r, dtype=float) for r in err_rows if len(r)]
    if not rows:
        return np.zeros(length)
    L = np.arange(1, length + 1, dtype=float)
    if not persistent:
        mse = float(np.mean(np.concatenate(rows) ** 2))
        return np.sqrt(L * mse)
    v = float(np.mean([np.mean((r - r.mean()) ** 2) for r in rows]))
    h = float(np.mean([len(r) for r in rows]))
    b2 = max(float(np.mean([r.mean() ** 2 for r in rows])) - v / h, 0.0)
    return np.sqrt(L * v + L * L * b2)


def _demand_sigma(y, length, window):
    """Intermittent demand: the standard deviation of demand summed over 1..``length`` periods,
    from every run of that many periods of the recent history (overlapping, unobserved periods
    skipped). A flat forecast's error over a lead time is that spread; the history holds many more
    such windows than a backtest, and keeps the clustering of orders that a square-root rule
    would ignore. Past half the history, the square-root rule extends it."""
    obs = y[np.isfinite(y)][-window:]
    n = len(obs)
    sig = np.zeros(length)
    if n < 2:
        return sig
    c = np.concatenate([[0.0], np.cumsum(obs)])
    top = max(1, min(length, n // 2))
    for L in range(1, top + 1):
        sig[L - 1] = float(np.std(c[L:] - c[:-L]))
    if length > top:
        sig[top:] = sig[top - 1] * np.sqrt(np.arange(top + 1, length + 1) / top)
    return np.maximum.accumulate(sig)


def forecast_series(values, start=None, horizon=DEFAULT_HORIZON, freq="D", country=None, regressors=None,
                    use_prophet=False, candidates=None, n_origins=3, min_train=None, season=None,
                    selection="mase"):
    """Forecast one demand series.

    ``values``: demand per period (day for ``freq="D"``, week for ``"W"``), oldest first, NaN or None
    for periods not observed (out of stock); ``start``: date of ``values[0]`` (needed for weekdays,
    holidays, yearly seasonality); ``regressors``: {name: values for history *and* horizon}
    (``len(values) + horizon`` numbers, missing ones replaced by the column mean); ``country``: ISO
    code for public holidays; ``use_prophet``: add the Prophet library as a candidate for smooth
    series (about 0.08 s per fit, ``n_origins + 1`` fits per series).

    Each candidate is scored by a rolling-origin backtest (``n_origins`` cut points, the horizon
    capped by the history) with MASE; the best one is refitted on the whole history.
    ``selection="rmsse"`` ranks by the scaled squared error instead (smallest for the mean demand,
    where the absolute error of an intermittent series is smallest for a forecast of zero);
    ``"auto"`` uses RMSSE for intermittent and lumpy series only. (On the spare-parts replay
    neither changed the stock needed for a given fill rate, so MASE, as specified, is the default.)

    Returns a dict of plain values: ``status`` ("ok"), ``model``, ``model_label``, ``reason`` (plain
    words), ``series_class`` with ``adi``/``cv2``, backtest ``mase``/``wape``/``bias`` of the chosen
    model and ``scores`` {model: MASE}, ``dates`` (forecast periods), ``point``/``p10``/``p50``/``p90``
    (lists of ``horizon`` floats, demand per period), ``sigma_cum`` (standard deviation of the
    cumulative forecast error over 1..horizon periods, for safety stocks), ``n_history``.
    """
    t0 = time.perf_counter()
    y = np.array([np.nan if v is None else v for v in values], dtype=float)
    y[np.isfinite(y) & (y < 0)] = 0.0
    start = _to_date(start) or dt.date(2000, 1, 3)
    season = season or (7 if freq == "D" else 1)
    step_days = 7 if freq == "W" else 1
    n = len(y)
    n_obs = int(np.isfinite(y).sum())
    first_day = start + dt.timedelta(days=n * step_days)
    dates = [first_day + dt.timedelta(days=i * step_days) for i in range(horizon)]
    cls, adi, cv2, n_nonzero = metrics.classify(y)
    result = {"status": "ok", "series_class": cls, "adi": adi if math.isfinite(adi) else None, "cv2": cv2,
              "n_history": n, "n_observed": n_obs, "freq": freq, "dates": dates, "horizon": horizon}
    ctx = {"season": season, "start": start, "freq": freq, "country": country, "regressors": regressors,
           "mean_window": 52 if freq == "W" else 365}
    cands = list(candidates) if candidates else candidates_for(cls, freq, use_prophet, n_nonzero)
    if any(c.startswith("regression") for c in cands):
        last = first_day + dt.timedelta(days=horizon * step_days)
        hol = holidays_for(country, start.year, last.year)
        ctx["design"] = models.Design(start, n + horizon, freq=freq, holidays=hol, regressors=regressors)
    if min_train is None:
        min_train = max(3 * season, 8) if freq == "W" else max(4 * season, 28)
    cuts, h = _origins(n, horizon, season, n_origins, min_train) if n_obs and cls != "none" else ([], 0)
    scale_season = season if freq == "D" else 1

    scores, sq_scores, detail = {}, {}, {}
    if cuts and len(cands) > 1:
        for name in cands:
            ms, rs, err_rows, res_rows, agg = [], [], [], [], [0.0, 0.0, 0.0]
            try:
                for c in cuts:
                    train, actual = y[:c], y[c:c + h]
                    f = _run(name, train, h, ctx)
                    scale = metrics.mase_scale(train, scale_season)
                    ae, se, tot, cnt = metrics.errors(actual, f)
                    if cnt:
                        ms.append(ae / cnt / scale if scale > 0 else (0.0 if ae == 0 else float("inf")))
                        sq = metrics.rmsse(actual, f, train, scale_season)
                        rs.append(sq if math.isfinite(sq) else (0.0 if ae == 0 else float("inf")))
                    agg[0] += ae
                    agg[1] += se
                    agg[2] += tot
                    ok = np.isfinite(actual)
                    err_rows.append(np.where(ok, f - actual, 0.0))
                    if name in LOG_MODELS:
                        res_rows.append((np.log1p(actual) - np.log1p(f))[ok])
                    else:
                        res_rows.append((actual - f)[ok])
            except Exception as exc:  # a method that cannot handle this series is not a candidate
                detail[name] = {"error": str(exc)}
                continue
            if ms:
                scores[name] = float(np.mean(ms))
                sq_scores[name] = float(np.mean(rs))
                detail[name] = {"agg": agg, "err_rows": err_rows, "res": np.concatenate(res_rows)}
    by_sq = selection == "rmsse" or selection == "auto" and cls in ("intermittent", "lumpy")
    if scores:
        rank = sq_scores if by_sq else scores
        model = min(rank, key=lambda k: (rank[k], cands.index(k)))
        agg = detail[model]["agg"]
        result["mase"] = scores[model] if math.isfinite(scores[model]) else None
        result["wape"] = agg[0] / agg[2] if agg[2] > 0 else None
        result["bias"] = agg[1] / agg[2] if agg[2] > 0 else None
        result["n_origins"] = len(cuts)
        reason = _reason(model, cls, sq_scores if by_sq else scores, len(cuts), h, freq,
                         "RMSSE" if by_sq else "MASE")
    else:
        model = _fallback(cls, n_obs, season, cands)
        result.update(mase=None, wape=None, bias=None, n_origins=0)
        reason = _fallback_reason(model, cls, n_obs, freq, cands)
    point = _run(model, y, horizon, ctx)
    if model in detail and "res" in detail[model] and len(detail[model]["res"]) >= 5:
        res = detail[model]["res"]
        q10, q90 = np.quantile(res, [0.1, 0.9])
        if model in LOG_MODELS:
            p10 = np.expm1(np.log1p(point) + q10)
            p90 = np.expm1(np.log1p(point) + q90)
        else:
            p10, p90 = point + q10, point + q90
        if cls in ("smooth", "erratic"):
            sigma_cum = _window_sigma(detail[model]["err_rows"], horizon)
        else:
            sigma_cum = _demand_sigma(y, horizon, 104 if freq == "W" else 730)
    else:
        obs = y[np.isfinite(y)][-28:]
        sd = float(np.std(obs)) if len(obs) > 1 else float(point.mean())
        p10, p90 = point - QUANTILE_Z * sd, point + QUANTILE_Z * sd
        sigma_cum = sd * np.sqrt(np.arange(1, horizon + 1))
    p10 = np.minimum(np.maximum(p10, 0.0), point)
    p90 = np.maximum(p90, point)
    result.update(model=model, model_label=models.LABELS.get(model, model), reason=reason,
                  scores={k: (v if math.isfinite(v) else None) for k, v in scores.items()},
                  selection="rmsse" if by_sq and scores else "mase",
                  point=point.tolist(), p50=point.tolist(), p10=p10.tolist(), p90=p90.tolist(),
                  sigma_cum=sigma_cum.tolist(), seconds=time.perf_counter() - t0)
    return result


def _unit(freq, n):
    word = "week" if freq == "W" else "day"
    return f"{n} {word}{'s' if n != 1 else ''}"


def _reason(model, cls, scores, n_cuts, h, freq, metric="MASE"):
    ranked = sorted((v, k) for k, v in scores.items() if math.isfinite(v))
    text = {
        "smooth": "regular demand", "erratic": "regular but very variable demand",
        "intermittent": "intermittent demand (many periods without sales)",
        "lumpy": "lumpy demand (rare and very variable sales)",
    }.get(cls, cls)
    parts = [f"{text}; {models.LABELS.get(model, model)} had the lowest error in a backtest on "
             f"{n_cuts} past period{'s' if n_cuts != 1 else ''} of {_unit(freq, h)} "
             f"({metric} {scores[model]:.2f}"]
    runner = [(v, k) for v, k in ranked if k != model]
    if runner:
        parts.append(f", next best {models.LABELS.get(runner[0][1], runner[0][1])} {runner[0][0]:.2f}")
    parts.append(")")
    return "".join(parts)


def _fallback(cls, n_obs, season, cands):
    if cls == "none" or "zero" in cands and len(cands) == 1:
        return "zero"
    if len(cands) == 1:
        return cands[0]
    if n_obs >= 2 * season and cls in ("smooth", "erratic") and "snaive" in cands:
        return "snaive"
    return "mean"


def _fallback_reason(model, cls, n_obs, freq, cands):
    if model == "zero":
        return "no demand recorded: forecast zero"
    if len(cands) == 1:
        return f"{models.LABELS.get(model, model)} as requested (no backtest)"
    return (f"history too short for a backtest ({_unit(freq, n_obs)} observed): "
            f"{models.LABELS.get(model, model)}")


# ------------------------------------------------------------------------------------------------
# Many series


def _safe_forecast(task, options):
    key = task.get("key")
    try:
        res = forecast_series(task["values"], task.get("start"), regressors=task.get("regressors"),
                              **{**options, **task.get("options", {})})
    except Exception as exc:  # one failing series must not stop the others
        return {"key": key, "status": "error", "error": f"{type(exc).__name__}: {exc}"}
    res["key"] = key
    return res


def _chunk(tasks, options):
    return [_safe_forecast(t, options) for t in tasks]


def forecast_many(tasks, n_jobs=-1, chunk_size=None, **options):
    """Forecast many series, in parallel on ``n_jobs`` processes (joblib; -1 = all cores, 1 = in
    this process).

    ``tasks``: iterable of dicts ``{"key": any picklable id, e.g. (product_id, warehouse_id),
    "values": [...], "start": date, "regressors": {...} (optional), "options": {...} (optional,
    per-series keyword arguments of ``forecast_series``)}``; ``options``: keyword arguments of
    ``forecast_series`` for every series. Returns one dict per task, in order, with its ``key``:
    the result of ``forecast_series``, or ``{"key", "status": "error", "error": message}``.
    """
    tasks = list(tasks)
    if not tasks:
        return []
    if n_jobs == 1 or len(tasks) == 1:
        return _chunk(tasks, options)
    from joblib import Parallel, delayed, effective_n_jobs
    try:
        from joblib.externals import cloudpickle
    except ImportError:   # joblib packaged without its vendored copy
        import cloudpickle

    # Worker processes start fresh: they cannot import this package by its name when it lives in an
    # Odoo addon (``odoo.addons...`` is set up at run time) or was loaded from a path, so its code is
    # sent to them by value.
    package = sys.modules.get(__package__) if __package__ else None
    if package is not None:
        cloudpickle.register_pickle_by_value(package)
    workers = effective_n_jobs(n_jobs)
    if workers <= 1:
        return _chunk(tasks, options)
    size = chunk_size or max(1, min(50, math.ceil(len(tasks) / (4 * workers))))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    out = Parallel(n_jobs=workers)(delayed(_chunk)(c, options) for c in chunks)
    return [r for part in out for r in part]
