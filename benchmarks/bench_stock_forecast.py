#!/usr/bin/env python3
"""Stock forecast benchmark: our forecaster and purchase proposals against seasonal naive, default
Prophet, statsforecast AutoETS and Odoo's min/max reordering rules.

    ./suite bench stock_forecast                          every section (about 35 minutes on 2 busy cores)
    ./suite bench stock_forecast --quick                  a few series per section (development)
    ./suite bench stock_forecast --sections store,spare,speed,policy --no-write

Sections:
- ``store``: store-item daily sales (500 series), rolling origin: 4 origins 90 days apart, each
  forecasting the next 90 days from the 3 years before it; WAPE, MASE (scale: in-sample seasonal
  naive, m = 7), bias.
- ``spare``: spare parts weekly (every SKU), 4 origins 13 weeks apart, 13-week horizon, all weeks
  before the origin as history; MASE scale: in-sample naive (m = 1). Default Prophet is run on a
  deterministic sample (every k-th SKU that sold before the first origin) when the full run would
  take too long; its ``n_series`` says so.
- ``speed``: 1,000 daily series of 3 years (each store item at two 3-year windows), 90 days ahead,
  ours (model choice included) and default Prophet, joblib on ``--n-jobs`` processes.
- ``policy``: spare parts, replay of the last 52 weeks week by week (with 38 weeks of warm-up):
  our proposals (one service level for all SKUs; cost-based levels; cost-based levels with the SKUs
  that cannot pay their stock not kept - the category's "optimised by stock value" mode) against
  min/max rules, several service levels each.

Results are printed and merged into ``benchmarks/results/stock_forecast.json``.
"""
import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
import stock_forecast_baselines as base  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS_PATH = REPO / "benchmarks" / "results" / "stock_forecast.json"
SECTIONS = ("store", "spare", "speed", "policy")
SERVICE_LEVELS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
POLICIES = ("minmax", "ours_uniform", "ours_all_kept", "ours")
PROPHET_BUDGET_FITS = 6000     # more default-Prophet fits than this: a documented sample


def load_core():
    return bench_common.load_core("ai_stock_forecast", "forecast")


fc = load_core()


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def merge_results(updates, path=RESULTS_PATH):
    data = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = {}
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    data["measured"] = dt.date.today().isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=_json_default) + "\n")
    tmp.replace(path)


class Score:
    """Pooled WAPE and bias, mean MASE over (series, origin) pairs with a non-zero scale."""

    def __init__(self, top=True):
        self.ae = self.se = self.tot = 0.0
        self.mases = []
        self.series = set()
        # the same measures on series with at least 10 periods of demand before the origin
        self.sub = Score(top=False) if top else None

    def add(self, sid, history, actual, forecast, season):
        if self.sub is not None and np.count_nonzero(np.nan_to_num(history) > 0) >= 10:
            self.sub.add(sid, history, actual, forecast, season)
        ae, se, tot, n = fc.metrics.errors(actual, forecast)
        self.ae += ae
        self.se += se
        self.tot += tot
        self.series.add(sid)
        scale = fc.mase_scale(history, season)
        if scale > 0 and n:
            self.mases.append(ae / n / scale)

    def result(self):
        out = {"wape": self.ae / self.tot if self.tot else float("nan"),
               "bias": self.se / self.tot if self.tot else float("nan"),
               "mase": float(np.mean(self.mases)) if self.mases else float("nan"),
               "n_series": len(self.series), "n_scored": len(self.mases)}
        if self.sub is not None:
            out["ge10"] = self.sub.result()
        return out


def evaluate(name, Y, start, freq, horizon, cuts, window, n_jobs, prophet_sample, season_scale, snaive_season):
    """Every method on every (series, origin); returns {method: Score.result()} and timings."""
    step = 7 if freq == "W" else 1
    methods = {}
    timings = {}

    def hist(i, c):
        lo = max(0, c - window) if window else 0
        return lo, Y[i, lo:c]

    # ours
    t0 = time.perf_counter()
    tasks, meta = [], []
    for c in cuts:
        for i in range(len(Y)):
            lo, h = hist(i, c)
            tasks.append({"key": (i, c), "values": h, "start": start + dt.timedelta(days=lo * step)})
            meta.append((i, c))
    res = fc.forecast_many(tasks, n_jobs=n_jobs, horizon=horizon, freq=freq)
    timings["ours_s"] = time.perf_counter() - t0
    s = Score()
    chosen = {}
    errors = 0
    for (i, c), r in zip(meta, res):
        _, h = hist(i, c)
        if r["status"] != "ok":
            errors += 1
            f = np.zeros(horizon)
        else:
            f = np.array(r["p50"])
            chosen[r["model"]] = chosen.get(r["model"], 0) + 1
        s.add(i, h, Y[i, c:c + horizon], f, season_scale)
    methods["ours"] = s.result()
    methods["ours"]["errors"] = errors
    methods["ours"]["models_chosen"] = chosen

    # simple single methods of the core, each applied to every series
    singles = ["snaive", "naive", "mean", "ses"] + (["croston", "sba", "tsb"] if freq == "W" else ["seasonal_ses"])
    for m in singles:
        s = Score()
        for c in cuts:
            for i in range(len(Y)):
                _, h = hist(i, c)
                if m == "snaive":
                    f = fc.models.snaive(h, horizon, season=snaive_season if len(h) >= snaive_season else 1)
                elif m == "mean":
                    f = fc.models.mean(h, horizon)
                else:
                    f = fc.METHODS[m](h, horizon, season=7)
                s.add(i, h, Y[i, c:c + horizon], f, season_scale)
        methods[m] = s.result()

    # AutoETS (equal-length windows per origin)
    t0 = time.perf_counter()
    s = Score()
    for c in cuts:
        lo = max(0, c - window) if window else 0
        H = Y[:, lo:c]
        F = base.autoets(H, horizon, season=7 if freq == "D" else 1, freq=freq, n_jobs=n_jobs)
        for i in range(len(Y)):
            s.add(i, H[i], Y[i, c:c + horizon], F[i], season_scale)
    methods["autoets"] = s.result()
    timings["autoets_s"] = time.perf_counter() - t0

    # default Prophet, on a sample when needed
    t0 = time.perf_counter()
    idx = list(range(len(Y)))
    if prophet_sample and prophet_sample < len(Y):
        sold = [i for i in idx if np.nansum(Y[i, :min(cuts)]) > 0]
        k = max(1, len(sold) // prophet_sample)
        idx = sold[::k][:prophet_sample]
    jobs, meta = [], []
    for c in cuts:
        for i in idx:
            lo, h = hist(i, c)
            jobs.append((h, start + dt.timedelta(days=lo * step)))
            meta.append((i, c))
    preds = base.prophet_default(jobs, horizon, freq=freq, n_jobs=n_jobs)
    s = Score()
    ours_same = Score()
    by_key = {(i, c): r for (i, c), r in zip([(r["key"]) for r in res], res)}
    for (i, c), f in zip(meta, preds):
        _, h = hist(i, c)
        s.add(i, h, Y[i, c:c + horizon], f, season_scale)
        r = by_key[(i, c)]
        ours_same.add(i, h, Y[i, c:c + horizon], np.array(r["p50"]) if r["status"] == "ok" else np.zeros(horizon),
                      season_scale)
    methods["prophet_default"] = s.result()
    methods["ours_on_prophet_sample"] = ours_same.result()
    timings["prophet_default_s"] = time.perf_counter() - t0
    return methods, timings


def print_accuracy(name, methods, n_cuts, horizon, unit, subset=False):
    print(f"\n{name}: rolling origin, {n_cuts} origins, {horizon} {unit} ahead")
    head = f"{'method':<24} {'series':>7} {'WAPE':>7} {'MASE':>7} {'bias':>7}"
    print(head + (f"   | >=10 {unit} with demand: {'series':>6} {'WAPE':>6} {'MASE':>6} {'bias':>6}" if subset else ""))
    for m, r in sorted(methods.items(), key=lambda kv: kv[1]["mase"] if math.isfinite(kv[1]["mase"]) else 9):
        line = f"{m:<24} {r['n_series']:>7} {r['wape']:>7.3f} {r['mase']:>7.3f} {r['bias']:>+7.3f}"
        if subset and "ge10" in r:
            g = r["ge10"]
            line += f"   | {'':>20} {g['n_series']:>6} {g['wape']:>6.3f} {g['mase']:>6.3f} {g['bias']:>+6.3f}"
        print(line)
    if methods["ours"].get("models_chosen"):
        print("  models chosen:", ", ".join(f"{k} {v}" for k, v in sorted(methods["ours"]["models_chosen"].items(),
                                                                       key=lambda kv: -kv[1])))


def dataset_entry(methods, best_pool):
    best = min(best_pool, key=lambda m: methods[m]["mase"])
    o = methods["ours"]
    p = methods["prophet_default"]
    return {
        "wape": o["wape"], "mase": o["mase"], "bias": o["bias"],
        "wape_snaive": methods["snaive"]["wape"], "wape_prophet_default": p["wape"],
        "wape_autoets": methods["autoets"]["wape"], "mase_prophet_default": p["mase"],
        "mase_autoets": methods["autoets"]["mase"], "mase_best_single": methods[best]["mase"],
        "best_single": best, "n_series": o["n_series"], "n_series_prophet_default": p["n_series"],
        "ours_on_prophet_sample": {k: o2 for k, o2 in methods["ours_on_prophet_sample"].items()
                                   if k in ("wape", "mase", "bias")},
        "methods": {k: {kk: vv for kk, vv in v.items() if kk in ("wape", "mase", "bias", "n_series", "ge10")}
                    for k, v in methods.items()},
    }


def section_store(args):
    keys, start, Y = base.load_store_items()
    if args.quick:
        Y = Y[:20]
    T = Y.shape[1]
    cuts = [T - 90 * k for k in range(1, (2 if args.quick else 4) + 1)]
    n_fits = len(Y) * len(cuts)
    sample = None if n_fits <= PROPHET_BUDGET_FITS else PROPHET_BUDGET_FITS // len(cuts)
    methods, timings = evaluate("store", Y, start, "D", 90, cuts, 1095, args.n_jobs, sample, 7, 7)
    methods["snaive_7"] = methods.pop("snaive")
    s = Score()
    for c in cuts:
        for i in range(len(Y)):
            h = Y[i, c - 1095:c]
            s.add(i, h, Y[i, c:c + 90], fc.models.snaive(h, 90, season=7), 7)
    methods["snaive"] = methods["snaive_7"]
    s364 = Score()
    for c in cuts:
        for i in range(len(Y)):
            h = Y[i, c - 1095:c]
            s364.add(i, h, Y[i, c:c + 90], fc.models.snaive(h, 90, season=364), 7)
    methods["snaive_364"] = s364.result()
    print_accuracy("Store items (daily)", {k: v for k, v in methods.items() if k != "snaive"}, len(cuts), 90, "days")
    print(f"  time: ours {timings['ours_s']:.0f} s, AutoETS {timings['autoets_s']:.0f} s, "
          f"Prophet default {timings['prophet_default_s']:.0f} s ({args.n_jobs} processes)")
    entry = dataset_entry(methods, [m for m in methods if m not in ("ours", "ours_on_prophet_sample", "snaive")])
    entry["origins"] = len(cuts)
    return {"store_items": entry}


def section_spare(args):
    skus, start, Y, items = base.load_spare_parts()
    if args.quick:
        Y = Y[::17]
    T = Y.shape[1]
    cuts = [T - 13 * k for k in range(1, (2 if args.quick else 4) + 1)]
    n_fits = len(Y) * len(cuts)
    sample = None if n_fits <= PROPHET_BUDGET_FITS // 3 else PROPHET_BUDGET_FITS // 3 // len(cuts)
    methods, timings = evaluate("spare", Y, start, "W", 13, cuts, None, args.n_jobs, sample, 1, 52)
    print_accuracy("Spare parts (weekly)", methods, len(cuts), 13, "weeks", subset=True)
    print(f"  MASE over (SKU, origin) pairs whose history is not constant; default Prophet on "
          f"{methods['prophet_default']['n_series']} SKUs (every k-th SKU that sold before the first origin); "
          f"ours on the same sample: WAPE {methods['ours_on_prophet_sample']['wape']:.3f}, "
          f"MASE {methods['ours_on_prophet_sample']['mase']:.3f}")
    print(f"  time: ours {timings['ours_s']:.0f} s, AutoETS {timings['autoets_s']:.0f} s, "
          f"Prophet default {timings['prophet_default_s']:.0f} s")
    pool = [m for m in methods if m not in ("ours", "ours_on_prophet_sample", "prophet_default")]
    entry = dataset_entry(methods, pool)
    entry["origins"] = len(cuts)
    return {"spare_parts": entry}


def section_speed(args):
    keys, start, Y = base.load_store_items()
    n = 50 if args.quick else 500
    T = Y.shape[1]
    windows = [(T - 1095, T), (T - 1095 - 365, T - 365)]
    tasks, jobs = [], []
    for lo, hi in windows:
        for i in range(n):
            d0 = start + dt.timedelta(days=lo)
            tasks.append({"key": (i, lo), "values": Y[i, lo:hi], "start": d0})
            jobs.append((Y[i, lo:hi], d0))
    t0 = time.perf_counter()
    res = fc.forecast_many(tasks, n_jobs=args.n_jobs, horizon=90)
    ours = time.perf_counter() - t0
    assert all(r["status"] == "ok" for r in res)
    t0 = time.perf_counter()
    base.prophet_default(jobs, 90, n_jobs=args.n_jobs)
    prophet = time.perf_counter() - t0
    scale = 1000 / len(tasks)
    print(f"\nSpeed: {len(tasks)} daily series of 3 years, 90 days ahead, {args.n_jobs} processes")
    print(f"  ours (model choice by backtest included): {ours:.1f} s  -> {ours * scale:.1f} s per 1,000")
    print(f"  default Prophet:                          {prophet:.1f} s  -> {prophet * scale:.1f} s per 1,000")
    return {"speed": {"series_1000_s": ours * scale, "prophet_default_1000_s": prophet * scale,
                      "n_series_timed": len(tasks), "n_jobs": args.n_jobs}}


# ------------------------------------------------------------------------------------------------
# Policy replay


def replay(Y, items, first, measure_from, policy, service_level, forecasts):
    """Weekly replay, lost sales, from an empty stock at week ``first``; measured from week
    ``measure_from``. Each week: receive, serve demand, review and maybe order (delivery after the
    SKU's lead time). Returns fill rate, stock-out SKU-weeks, average stock value, cost."""
    n, T = Y.shape
    lt = items["lead_time_weeks"].to_numpy(int)
    moq = items["min_order_qty"].fillna(0).to_numpy(float)
    pack = items["units_per_package"].fillna(1).to_numpy(float)
    price = items["cost_price_eur"].to_numpy(float)
    order_cost = items["fixed_order_cost_eur"].to_numpy(float)
    hold = items["inventory_cost_eur_per_unit_year"].to_numpy(float) / 52.0
    z = fc.service_z(service_level)
    on_hand = np.zeros(n)
    pipeline = [dict() for _ in range(n)]   # week -> qty
    served = demand_tot = value_sum = cost = 0.0
    stockout_weeks = 0
    weeks = 0
    # both policies start from an empty stock at the start of the warm-up (longer than any lead
    # time): a starting stock that slow movers never consume would otherwise weigh on the year
    for t in range(first, T):
        for i in range(n):
            q = pipeline[i].pop(t, 0.0)
            if q:
                on_hand[i] += q
        d = np.nan_to_num(Y[:, t])
        sold = np.minimum(on_hand, d)
        on_hand -= sold
        orders = policy(t, on_hand, pipeline, z, lt, moq, pack, forecasts)
        placed = orders > 0
        for i in np.nonzero(placed)[0]:
            pipeline[i][t + lt[i]] = pipeline[i].get(t + lt[i], 0.0) + orders[i]
        if t >= measure_from:
            weeks += 1
            served += sold.sum()
            demand_tot += d.sum()
            stockout_weeks += int(np.sum(d > sold + 1e-9))
            value_sum += float(np.sum(on_hand * price))
            cost += float(np.sum(on_hand * hold)) + float(np.sum(order_cost[placed]))
    return {"fill_rate": served / demand_tot if demand_tot else 1.0, "stockout_weeks": stockout_weeks,
            "avg_stock_value": value_sum / max(weeks, 1), "cost": cost}


def minmax_policy(Y):
    """Odoo min/max rule set the usual way from the last 52 weeks: min = mean demand over the lead
    time + z x sd x sqrt(lead time), max = min + a month (52/12 weeks) of mean demand; when the
    inventory position (on hand + incoming) is at or below min, order up to max, at least the
    supplier's minimum quantity, in whole packages."""
    def policy(t, on_hand, pipeline, z, lt, moq, pack, forecasts):
        hist = np.nan_to_num(Y[:, max(0, t - 52):t])
        mu = hist.mean(axis=1)
        sd = hist.std(axis=1, ddof=1) if hist.shape[1] > 1 else np.zeros(len(mu))
        lo = mu * lt + z * sd * np.sqrt(lt)
        hi = lo + mu * 52 / 12
        pos = on_hand + np.array([sum(p.values()) for p in pipeline])
        need = np.where((pos <= lo) & (hi > 0), hi - pos, 0.0)
        need = np.where(need > 0, np.maximum(need, moq), 0.0)
        return np.where(need > 0, np.ceil(need / np.maximum(pack, 1) - 1e-9) * np.maximum(pack, 1), 0.0)
    return policy


def forecast_policy(Y, price=None, not_stocked=False):
    """Our proposals: ``propose_purchase`` per SKU with the week's forecast (26 weeks), the
    confirmed incoming orders, review period 1 week; order when the order-by week is now. With
    ``price``, the service level is spread over the SKUs by ``allocate_service_levels`` (same
    demand-weighted mean: the category's "optimised by cost" mode), and with ``not_stocked`` the
    SKUs whose order size ties up too much value for their demand are not kept in stock (service
    level 0: ordered for confirmed deliveries only, of which a lost-sales replay has none).
    ``policy.not_stocked`` collects, week by week, how many SKUs with forecast demand were left out."""
    def policy(t, on_hand, pipeline, z, lt, moq, pack, forecasts):
        sl = 0.5 * (1 + math.erf(z / math.sqrt(2)))
        out = np.zeros(len(on_hand))
        fcs = [forecasts(i, t) for i in range(len(on_hand))]
        if price is not None:
            levels = fc.allocate_service_levels(
                [fc.allocation_item(price[i], float(np.mean(fcs[i][0][:13])), moq[i], 1, key=i)
                 for i in range(len(on_hand))], sl, not_stocked=not_stocked)
            policy.not_stocked.append(sum(1 for i in range(len(on_hand))
                                          if levels[i] == 0.0 and np.any(fcs[i][0] > 0)))
        for i in range(len(on_hand)):
            f, sig = fcs[i]
            if not np.any(f > 0) and not on_hand[i]:
                continue
            p = fc.propose_purchase(on_hand[i], f, t, incoming=list(pipeline[i].items()), sigma_cum=sig,
                                    service_level=levels[i] if price is not None else sl,
                                    supplier_lead_time=int(lt[i]), review_period=1,
                                    min_qty=moq[i], multiple=pack[i] if pack[i] > 1 else 0)
            if p["status"] == "order" and p["order_by"] <= t:
                out[i] = p["qty"]
        return out
    policy.not_stocked = []
    return policy


class WeeklyForecasts:
    """Forecasts for the replay: the model is chosen (forecast_many, backtest) every ``reselect``
    weeks on the history to date; in between the chosen model is refitted every week on the
    history to date (the weekly cron), grouped by model for speed."""

    def __init__(self, Y, start, first, last, n_jobs, reselect=4, horizon=26):
        self.Y, self.horizon = Y, horizon
        n = len(Y)
        self.cache = {}
        for t0 in range(first, last, reselect):
            tasks = [{"key": i, "values": Y[i, :t0], "start": start} for i in range(n)]
            res = fc.forecast_many(tasks, n_jobs=n_jobs, horizon=horizon, freq="W")
            chosen = [r["model"] if r["status"] == "ok" else "mean" for r in res]
            sig = [np.array(r["sigma_cum"]) if r["status"] == "ok" else None for r in res]
            for t in range(t0, min(t0 + reselect, last)):
                F = np.zeros((n, horizon))
                for m in set(chosen):
                    idx = [i for i in range(n) if chosen[i] == m]
                    H = Y[idx, :t]
                    if m in ("regression", "regression_log", "prophet", "snaive"):
                        F[idx] = [fc.engine._run(m, Y[i, :t], horizon, self._ctx(start, t, horizon)) for i in idx]
                    else:
                        F[idx] = fc.METHODS[m](H, horizon)
                for i in range(n):
                    self.cache[(i, t)] = (F[i], sig[i])

    @staticmethod
    def _ctx(start, t, horizon):
        return {"season": 1, "start": start, "freq": "W", "mean_window": 52,
                "design": fc.models.Design(start, t + horizon, freq="W")}

    def __call__(self, i, t):
        return self.cache[(i, t)]


def section_policy(args):
    skus, start, Y, items = base.load_spare_parts()
    if args.quick:
        Y, items = Y[::11], items.iloc[::11]
    T = Y.shape[1]
    measure_from = T - 52
    first = measure_from - 38
    t0 = time.perf_counter()
    wf = WeeklyForecasts(Y, start, first, T, args.n_jobs)
    t_fc = time.perf_counter() - t0
    curves = {name: [] for name in POLICIES}
    price = items["cost_price_eur"].to_numpy(float)
    for sl in SERVICE_LEVELS:
        for name in POLICIES:
            policy = {"minmax": lambda: minmax_policy(Y), "ours_uniform": lambda: forecast_policy(Y),
                      "ours_all_kept": lambda: forecast_policy(Y, price),
                      "ours": lambda: forecast_policy(Y, price, not_stocked=True)}[name]()
            row = {"service_level": sl, **replay(Y, items, first, measure_from, policy, sl, wf)}
            if getattr(policy, "not_stocked", None):
                row["not_stocked_skus"] = float(np.mean(policy.not_stocked))
            curves[name].append(row)
    print(f"\nPolicy: spare parts, last 52 weeks replayed week by week ({len(Y)} SKUs, forecasts {t_fc:.0f} s)")
    print("  minmax: Odoo min/max rules; ours_uniform: our proposals, one service level for every SKU;")
    print("  ours_all_kept: service levels optimised by cost, every SKU kept; ours: optimised by cost, SKUs")
    print("  that cannot pay their stock not kept (ordered on demand only)")
    print(f"{'policy':<13} {'service':>8} {'fill rate':>10} {'stock-out wk':>13} {'avg stock €':>12} "
          f"{'hold+order €':>13} {'not kept':>9}")
    for name in POLICIES:
        for r in curves[name]:
            kept = f"{r['not_stocked_skus']:9.0f}" if "not_stocked_skus" in r else f"{'':>9}"
            print(f"{name:<13} {r['service_level']:>8.3f} {r['fill_rate']:>10.3f} {r['stockout_weeks']:>13d} "
                  f"{r['avg_stock_value']:>12.0f} {r['cost']:>13.0f} {kept}")
    ref = next(r for r in curves["minmax"] if r["service_level"] == 0.95)
    at_ref = {}
    for name in POLICIES[1:]:
        point = interpolate(curves[name], ref["fill_rate"])
        at_ref[name] = point
        if point:
            cut = 1 - point["avg_stock_value"] / ref["avg_stock_value"]
            point["stock_value_reduction"] = cut
            print(f"  {name} at min/max's fill rate {ref['fill_rate']:.3f} (service level 0.95): average stock "
                  f"value {point['avg_stock_value']:.0f} € vs {ref['avg_stock_value']:.0f} € ({cut:+.1%} less), "
                  f"stock-out SKU-weeks {point['stockout_weeks']:.0f} vs {ref['stockout_weeks']}, "
                  f"cost {point['cost']:.0f} € vs {ref['cost']:.0f} €")
        else:
            print(f"  {name} does not reach min/max's fill rate {ref['fill_rate']:.3f}")
    ours = at_ref["ours"]
    saving = ours["stock_value_reduction"] if ours else float("nan")
    pol = {"fill_rate": ours["fill_rate"] if ours else None,
           "avg_stock_value": ours["avg_stock_value"] if ours else None,
           "stockout_weeks": ours["stockout_weeks"] if ours else None, "cost": ours["cost"] if ours else None,
           "minmax_fill_rate": ref["fill_rate"], "minmax_avg_stock_value": ref["avg_stock_value"],
           "minmax_stockout_weeks": ref["stockout_weeks"], "minmax_cost": ref["cost"],
           "stock_value_reduction": saving, "minmax_service_level": 0.95, "n_skus": len(Y),
           "not_stocked_skus": ours.get("not_stocked_skus") if ours else None,
           "at_minmax_fill": at_ref, "curves": curves}
    return {"policy": pol}


def interpolate(curve, fill):
    """Our point at a given fill rate: linear interpolation between the two service levels around it."""
    pts = sorted(curve, key=lambda r: r["fill_rate"])
    for a, b in zip(pts, pts[1:]):
        if a["fill_rate"] <= fill <= b["fill_rate"]:
            w = 0 if b["fill_rate"] == a["fill_rate"] else (fill - a["fill_rate"]) / (b["fill_rate"] - a["fill_rate"])
            return {k: a[k] + w * (b[k] - a[k]) for k in ("fill_rate", "avg_stock_value", "stockout_weeks", "cost",
                                                          "not_stocked_skus") if k in a and k in b}
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", help=f"comma-separated, among {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="a few series per section, fewer origins")
    parser.add_argument("--n-jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)
    sections = args.sections.split(",") if args.sections else list(SECTIONS)
    out = {}
    for name in sections:
        t0 = time.perf_counter()
        part = globals()[f"section_{name}"](args)
        print(f"  [{name}: {time.perf_counter() - t0:.0f} s]")
        for k, v in part.items():
            if k in ("store_items", "spare_parts"):
                out.setdefault("datasets", {})[k] = v
            else:
                out[k] = v
    if not args.no_write and not args.quick:
        merge_results(out)
        print(f"\nwritten {RESULTS_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
