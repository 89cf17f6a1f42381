"""Forecasting methods on plain numpy arrays.

Every method takes the history ``y`` (1-D float array, NaN = day not observed, e.g. out of stock)
and returns the point forecast for the next ``horizon`` periods. The exponential smoothers also
accept a 2-D array (one series per row) so that a benchmark or a replay can run thousands of
series at once; the per-series engine passes one row.

Methods:

- ``zero``, ``mean`` (mean of the last observed periods), ``naive`` (last observed value),
  ``snaive`` (the last observed season repeated);
- ``ses`` simple exponential smoothing, ``seasonal_ses`` SES on the series divided by its
  seasonal (day-of-week) profile;
- ``croston``, ``sba`` (Syntetos-Boylan approximation), ``tsb`` (Teunter-Syntetos-Babai) for
  intermittent demand;
- ``regression`` / ``regression_log``: the structure of Prophet's model (piecewise-linear trend
  with changepoints, weekly and yearly Fourier seasonality, public holidays, external regressors)
  fitted as one ridge-penalised least-squares problem - Prophet's MAP estimate with Gaussian
  instead of Laplace priors on the changepoints, solved in closed form in about a millisecond;
  the ``_log`` variant fits ``log1p(y)`` (multiplicative seasonality, never negative);
- ``prophet``: the Prophet library itself with fast settings (MAP fit, no sampling of intervals).
"""
import datetime as dt
import logging
import math

import numpy as np

ALPHAS = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.5])
BETAS = np.array([0.01, 0.02, 0.05, 0.1, 0.2])
# ridge penalties of the regression (relative to the number of observations x 1e-3)
CP_PENALTY = 3.0
YEARLY_PENALTY = 1.0
MAX_CHANGEPOINTS = 10


def _as2d(y):
    y = np.asarray(y, dtype=float)
    return (y[None, :], True) if y.ndim == 1 else (y, False)


def _out(f, single):
    return f[0] if single else f


# ------------------------------------------------------------------------------------------------
# Simple methods


def zero(y, horizon, **_):
    y2, single = _as2d(y)
    return _out(np.zeros((y2.shape[0], horizon)), single)


def mean(y, horizon, window=None, **_):
    """Mean of the observed values of the last ``window`` periods (all when None)."""
    y2, single = _as2d(y)
    part = y2 if not window else y2[:, -window:]
    with np.errstate(all="ignore"):
        m = np.nanmean(part, axis=1) if part.shape[1] else np.zeros(y2.shape[0])
    m = np.where(np.isfinite(m), m, 0.0)
    return _out(np.repeat(m[:, None], horizon, axis=1), single)


def naive(y, horizon, **_):
    y2, single = _as2d(y)
    last = np.zeros(y2.shape[0])
    for i, row in enumerate(y2):
        obs = row[np.isfinite(row)]
        last[i] = obs[-1] if len(obs) else 0.0
    return _out(np.repeat(last[:, None], horizon, axis=1), single)


def snaive(y, horizon, season=7, **_):
    """The last full season repeated; an unobserved day takes the mean of the same position in the
    seasons before it (up to four), else the season's mean."""
    y2, single = _as2d(y)
    n, t = y2.shape
    if t < season:
        return _out(mean(y2, horizon), single)
    k = min(4, t // season)
    block = y2[:, t - k * season:].reshape(n, k, season)
    last = block[:, -1, :].copy()
    with np.errstate(all="ignore"):
        fill = np.nanmean(block, axis=1)
        overall = np.nanmean(y2, axis=1)
    fill = np.where(np.isfinite(fill), fill, np.where(np.isfinite(overall), overall, 0.0)[:, None])
    last = np.where(np.isfinite(last), last, fill)
    reps = int(math.ceil(horizon / season))
    return _out(np.tile(last, (1, reps))[:, :horizon], single)


# ------------------------------------------------------------------------------------------------
# Exponential smoothing (vectorised over series and over a grid of smoothing constants)


def _ses_grid(y2, alphas):
    """One-step SSE and final level for every alpha of the grid: arrays (n, len(alphas))."""
    n, t = y2.shape
    level = np.full((n, len(alphas)), np.nan)
    sse = np.zeros((n, len(alphas)))
    for j in range(t):
        v = y2[:, j:j + 1]
        ok = np.isfinite(v)
        init = ok & ~np.isfinite(level)
        level = np.where(init, v, level)
        upd = ok & ~init
        err = np.where(upd, v - level, 0.0)
        sse += err * err
        level = np.where(upd, level + alphas[None, :] * err, level)
    return sse, np.where(np.isfinite(level), level, 0.0)


def ses(y, horizon, **_):
    """Simple exponential smoothing; alpha chosen per series by one-step squared error."""
    y2, single = _as2d(y)
    sse, level = _ses_grid(y2, ALPHAS)
    best = np.argmin(sse, axis=1)
    lv = level[np.arange(len(best)), best]
    return _out(np.repeat(np.maximum(lv, 0.0)[:, None], horizon, axis=1), single)


def seasonal_profile(y, season, first_position=0):
    """Multiplicative seasonal indices (mean 1) by position in the season, from the last 8 seasons."""
    y = np.asarray(y, dtype=float)
    t = len(y)
    keep = min(t, 8 * season)
    part = y[t - keep:]
    pos = (np.arange(t - keep, t) + first_position) % season
    sums = np.bincount(pos[np.isfinite(part)], weights=part[np.isfinite(part)], minlength=season)
    counts = np.bincount(pos[np.isfinite(part)], minlength=season)
    with np.errstate(all="ignore"):
        avg = sums / counts
    overall = np.nansum(part) / max(np.isfinite(part).sum(), 1)
    if not overall > 0:
        return np.ones(season)
    idx = np.where(counts > 0, avg / overall, 1.0)
    return idx / idx.mean() if idx.mean() > 0 else np.ones(season)


def seasonal_ses(y, horizon, season=7, **_):
    y = np.asarray(y, dtype=float)
    if len(y) < 2 * season:
        return ses(y, horizon)
    idx = seasonal_profile(y, season)
    pos = np.arange(len(y)) % season
    with np.errstate(all="ignore"):
        adj = np.where(idx[pos] > 0, y / idx[pos], np.nan)
    adj[idx[pos] == 0] = np.nan
    level = ses(adj, 1)[0]
    fpos = np.arange(len(y), len(y) + horizon) % season
    return np.maximum(level * idx[fpos], 0.0)


def _intermittent(y2, kind, alphas, betas):
    """Croston-type recursions, vectorised over series and over an (alpha, beta) grid.

    Returns the per-period demand rate of the best (alpha, beta) pair by one-step squared error.
    Croston and SBA update size ``z`` and interval ``p`` only in periods with demand (the rate is
    z / p, SBA multiplies by 1 - alpha / 2); TSB updates the demand probability every period.
    """
    n, t = y2.shape
    grid = [(a, b) for a in alphas for b in betas]
    a = np.array([g[0] for g in grid])[None, :]
    b = np.array([g[1] for g in grid])[None, :]
    g = len(grid)
    z = np.full((n, g), np.nan)       # size level
    p = np.full((n, g), np.nan)       # interval (Croston/SBA) or probability (TSB)
    since = np.ones((n, 1))
    sse = np.zeros((n, g))
    for j in range(t):
        v = y2[:, j:j + 1]
        ok = np.isfinite(v)
        started = np.isfinite(z)
        rate = z / p if kind != "tsb" else z * p
        if kind == "sba":
            rate = rate * (1 - a / 2)
        err = np.where(ok & started, v - rate, 0.0)
        sse += err * err
        pos = ok & (v > 0)
        first = pos & ~started
        if kind == "tsb":
            z = np.where(first, v, np.where(pos & started, z + a * (v - z), z))
            p = np.where(first, 1.0, np.where(ok & started, p + b * (pos - p), p))
        else:
            z = np.where(first, v, np.where(pos & started, z + a * (v - z), z))
            p = np.where(first, since, np.where(pos & started, p + a * (since - p), p))
        since = np.where(pos, 1.0, np.where(ok, since + 1, since))
    rate = z / p if kind != "tsb" else z * p
    if kind == "sba":
        rate = rate * (1 - a / 2)
    rate = np.where(np.isfinite(rate), rate, 0.0)
    best = np.argmin(sse, axis=1)
    return rate[np.arange(n), best]


def croston(y, horizon, **_):
    y2, single = _as2d(y)
    r = _intermittent(y2, "croston", ALPHAS[:4], [0.0])
    return _out(np.repeat(r[:, None], horizon, axis=1), single)


def sba(y, horizon, **_):
    y2, single = _as2d(y)
    r = _intermittent(y2, "sba", ALPHAS[:4], [0.0])
    return _out(np.repeat(r[:, None], horizon, axis=1), single)


def tsb(y, horizon, **_):
    y2, single = _as2d(y)
    r = _intermittent(y2, "tsb", ALPHAS[:4], BETAS)
    return _out(np.repeat(r[:, None], horizon, axis=1), single)


# ------------------------------------------------------------------------------------------------
# Prophet-structured regression


class Design:
    """Columns of the regression for a whole span (history + horizon), built once per series and
    sliced for each backtest origin.

    ``start``: date of index 0; ``length``: history + horizon; ``holidays``: {date: name};
    ``regressors``: {name: array of that length} (NaN filled with the column's mean).
    """

    def __init__(self, start, length, freq="D", holidays=None, regressors=None, yearly_order=10):
        self.start, self.length, self.freq = start, length, freq
        step = 7 if freq == "W" else 1
        t = np.arange(length, dtype=float)
        days = t * step
        base = start.toordinal() if start else 0
        cols, names, penal = [], [], []
        if freq == "D":
            dow = (base + np.arange(length)) % 7
            for k in range(1, 7):
                cols.append((dow == k).astype(float))
                names.append(f"dow{k}")
                penal.append(0.1)
        year_pos = 2 * np.pi * ((base + days) % 365.25) / 365.25
        for k in range(1, yearly_order + 1):
            cols += [np.sin(k * year_pos), np.cos(k * year_pos)]
            names += [f"ys{k}", f"yc{k}"]
            penal += [YEARLY_PENALTY * k, YEARLY_PENALTY * k]
        if holidays and freq == "D":
            by_name = {}
            for i in range(length):
                name = holidays.get(dt.date.fromordinal(base + i))
                if name:
                    by_name.setdefault(name, []).append(i)
            for name, idx in sorted(by_name.items()):
                c = np.zeros(length)
                c[idx] = 1.0
                cols.append(c)
                names.append(f"hol:{name}")
                penal.append(0.1)
        for name, values in sorted((regressors or {}).items()):
            v = np.asarray(values, dtype=float)[:length]
            if len(v) < length:
                v = np.concatenate([v, np.full(length - len(v), np.nan)])
            m = np.nanmean(v) if np.isfinite(v).any() else 0.0
            s = np.nanstd(v) if np.isfinite(v).any() else 0.0
            v = np.where(np.isfinite(v), v, m)
            cols.append((v - m) / s if s > 0 else v * 0.0)
            names.append(f"reg:{name}")
            penal.append(0.1)
        self.season = np.column_stack(cols) if cols else np.zeros((length, 0))
        self.names = names
        self.penalty = np.array(penal)
        self.t = t

    def matrix(self, n_fit, total, n_changepoints=10, yearly=10):
        """Design of rows [0, total) with changepoints placed in the first 80 % of the n_fit rows.
        Returns (X, penalties)."""
        t = self.t[:total] / max(n_fit, 1)
        cps = np.linspace(0, 0.8, n_changepoints + 2)[1:-1] if n_changepoints else []
        trend = [np.ones(total), t] + [np.maximum(t - c, 0.0) for c in cps]
        pen_trend = [0.0, 0.0] + [CP_PENALTY] * len(cps)
        keep = [i for i, n in enumerate(self.names) if not n.startswith("y") or int(n[2:]) <= yearly]
        X = np.column_stack(trend + [self.season[:total, keep]])
        return X, np.array(pen_trend + list(self.penalty[keep]))


def regression(y, horizon, design, log=False, **_):
    """Ridge fit of the Prophet-like design on the observed values of ``y``; forecast ``horizon``.

    Yearly terms from one year of history (Fourier order 4 below two years, 10 from two years, as
    Prophet's default); changepoints scale with the history (one per ~3 months, at most 10).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    ok = np.isfinite(y)
    span_days = n * (7 if design.freq == "W" else 1)
    yearly = 10 if span_days >= 730 else 4 if span_days >= 365 else 0
    n_cp = int(min(MAX_CHANGEPOINTS, span_days // 90))
    X, pen = design.matrix(n, n + horizon, n_changepoints=n_cp, yearly=yearly)
    target = np.log1p(np.maximum(y[ok], 0.0)) if log else y[ok]
    Xf = X[:n][ok]
    scale = np.std(target) if len(target) > 1 else 1.0
    scale = scale if scale > 0 else 1.0
    ridge = np.diag(pen) * len(target) * 1e-3
    A = Xf.T @ Xf + ridge
    try:
        beta = np.linalg.solve(A, Xf.T @ target)
    except np.linalg.LinAlgError:
        beta = np.linalg.lstsq(Xf, target, rcond=None)[0]
    pred = X[n:] @ beta
    if log:
        return np.expm1(np.clip(pred, -20, 20)).clip(0.0)
    return np.maximum(pred, 0.0)


def regression_log(y, horizon, design, **kw):
    return regression(y, horizon, design, log=True, **kw)


# ------------------------------------------------------------------------------------------------
# Prophet itself


def prophet(y, horizon, start, freq="D", country=None, regressors=None, fast=True, **_):
    """Prophet with weekly and yearly seasonality, the country's holidays, external regressors and
    a log1p transform (no negative demand). ``fast``: MAP fit with 5 changepoints and no sampling
    of uncertainty (the engine takes intervals from backtest residuals), about 0.08 s a fit."""
    import pandas as pd
    from prophet import Prophet

    logging.getLogger("cmdstanpy").disabled = True
    logging.getLogger("prophet").setLevel(logging.WARNING)
    y = np.asarray(y, dtype=float)
    n = len(y)
    step = "W" if freq == "W" else "D"
    ds = pd.date_range(pd.Timestamp(start), periods=n + horizon, freq="7D" if step == "W" else "D")
    kwargs = {"weekly_seasonality": step == "D", "daily_seasonality": False,
              "yearly_seasonality": "auto"}
    if fast:
        kwargs.update(uncertainty_samples=0, n_changepoints=min(5, max(n // 30, 0)))
    m = Prophet(**kwargs)
    if country and step == "D":
        m.add_country_holidays(country_name=country)
    df = pd.DataFrame({"ds": ds[:n], "y": np.log1p(np.maximum(y, 0.0))})
    fut = pd.DataFrame({"ds": ds})
    for name, values in sorted((regressors or {}).items()):
        v = pd.Series(np.asarray(values, dtype=float)[:n + horizon]).reindex(range(n + horizon))
        v = v.fillna(v.mean() if v.notna().any() else 0.0).to_numpy()
        m.add_regressor(name)
        df[name] = v[:n]
        fut[name] = v
    df = df[np.isfinite(df["y"])]
    m.fit(df)
    pred = m.predict(fut.iloc[n:])["yhat"].to_numpy()
    return np.expm1(np.clip(pred, -20, 20)).clip(0.0)


METHODS = {
    "zero": zero, "mean": mean, "naive": naive, "snaive": snaive, "ses": ses,
    "seasonal_ses": seasonal_ses, "croston": croston, "sba": sba, "tsb": tsb,
    "regression": regression, "regression_log": regression_log, "prophet": prophet,
}

LABELS = {
    "zero": "no demand",
    "mean": "average of the last year",
    "naive": "last value",
    "snaive": "same day last week" ,
    "ses": "exponential smoothing",
    "seasonal_ses": "exponential smoothing with weekday profile",
    "croston": "Croston (intermittent demand)",
    "sba": "Syntetos-Boylan (intermittent demand)",
    "tsb": "Teunter-Syntetos-Babai (intermittent, obsolescence-aware)",
    "regression": "trend + weekly/yearly seasonality + holidays + factors (additive)",
    "regression_log": "trend + weekly/yearly seasonality + holidays + factors (multiplicative)",
    "prophet": "Prophet",
}
