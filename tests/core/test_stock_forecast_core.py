"""ai_stock_forecast's pure-Python core (forecast/), without Odoo, on synthetic demand series."""
import datetime as dt
import json
import math

import numpy as np
import pytest

from cores import load_core

fc = load_core("ai_stock_forecast", "forecast")

START = dt.date(2022, 1, 3)   # a Monday


def smooth_series(days=900, seed=0, level=40.0):
    """Daily demand with a trend, a weekly and a yearly pattern, Poisson noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    dow = np.array([1.0, 1.1, 1.05, 1.0, 1.3, 1.6, 0.5])[(START.toordinal() + t) % 7]
    year = 1 + 0.3 * np.sin(2 * np.pi * (START.timetuple().tm_yday + t) / 365.25)
    mean = level * (1 + t / days * 0.3) * dow * year
    return rng.poisson(mean).astype(float), mean


def intermittent_series(days=600, seed=1, p=0.08, size=5.0):
    rng = np.random.default_rng(seed)
    return (rng.random(days) < p) * rng.poisson(size, days).clip(1)


# ------------------------------------------------------------------------------------------------
# History


def test_history_nets_returns_and_marks_stockout_days_as_not_observed():
    d = START
    moves = [
        {"date": d, "product": 1, "warehouse": "WH", "qty": 5},
        {"date": dt.datetime(2022, 1, 3, 15, 30), "product": 1, "warehouse": "WH", "qty": 2},
        {"date": "2022-01-04", "product": 1, "warehouse": "WH", "qty": 4},
        {"date": d + dt.timedelta(days=1), "product": 1, "warehouse": "WH", "qty": 1, "sign": -1},
        {"date": d + dt.timedelta(days=2), "product": 1, "warehouse": "WH", "qty": 9, "sign": -1},  # big return
        {"date": d + dt.timedelta(days=9), "product": 1, "warehouse": "WH", "qty": 3},
        {"date": d + dt.timedelta(days=3), "product": 2, "warehouse": "WH", "qty": 6},
        {"date": d + dt.timedelta(days=4), "product": 1, "warehouse": "WH2", "qty": 0},      # ignored
    ]
    stockouts = [(1, "WH", d + dt.timedelta(days=5)),
                 (1, "WH", d + dt.timedelta(days=6), d + dt.timedelta(days=8)),
                 (1, "WH", d + dt.timedelta(days=9))]          # a sale that day: partial day, kept
    series = fc.build_demand_series(moves, stockouts, end=d + dt.timedelta(days=10))
    assert set(series) == {(1, "WH"), (2, "WH")}
    s = series[(1, "WH")]
    assert s["start"] == d and len(s["values"]) == 11
    v = s["values"]
    assert v[0] == 7 and v[1] == 3 and v[2] == 0          # returns netted, floored at zero
    assert v[3] == 0 and v[4] == 0                         # days with stock and no sale: real zeros
    assert all(math.isnan(x) for x in v[5:9])              # out of stock: not observed
    assert v[9] == 3 and v[10] == 0
    assert s["returns"] == 10
    assert series[(2, "WH")]["start"] == d + dt.timedelta(days=3)


def test_unobserved_days_do_not_teach_zero_demand():
    y, _ = smooth_series(500, seed=3)
    gaps = y.copy()
    gaps[-60:-20] = np.nan          # forty days out of stock before today
    zeros = y.copy()
    zeros[-60:-20] = 0.0            # the same days wrongly read as no demand
    with_nan = fc.forecast_series(gaps, START, horizon=30, candidates=["seasonal_ses"])
    with_zero = fc.forecast_series(zeros, START, horizon=30, candidates=["seasonal_ses"])
    full = fc.forecast_series(y, START, horizon=30, candidates=["seasonal_ses"])
    assert abs(sum(with_nan["p50"]) - sum(full["p50"])) < 0.15 * sum(full["p50"])
    full_mean = fc.forecast_series(y, START, horizon=30, candidates=["mean"])["p50"][0]
    with_nan_mean = fc.forecast_series(gaps, START, horizon=30, candidates=["mean"])["p50"][0]
    with_zero_mean = fc.forecast_series(zeros, START, horizon=30, candidates=["mean"])["p50"][0]
    assert abs(with_nan_mean - full_mean) < 0.07 * full_mean
    assert with_zero_mean < 0.9 * full_mean
    assert with_zero["n_observed"] == 500 and with_nan["n_observed"] == 460


# ------------------------------------------------------------------------------------------------
# Classification and model paths


def test_classify_demand_patterns():
    assert fc.classify(np.full(100, 10.0))[0] == "smooth"
    assert fc.classify(np.tile([1.0, 30.0], 50))[0] == "erratic"
    assert fc.classify(np.tile([0, 0, 0, 4.0], 25))[0] == "intermittent"
    assert fc.classify(np.tile([0, 0, 0, 1.0, 0, 0, 0, 40.0], 25))[0] == "lumpy"
    assert fc.classify(np.zeros(30))[0] == "none"
    assert fc.classify([np.nan, np.nan])[0] == "none"


def test_smooth_series_gets_the_seasonal_model_with_a_band_and_reason():
    y, mean = smooth_series(900)
    hist, future = y[:-90], mean[-90:]
    r = fc.forecast_series(hist, START, horizon=90)
    assert r["status"] == "ok" and r["series_class"] == "smooth"
    assert set(r["scores"]) == {"snaive", "seasonal_ses", "regression", "regression_log"}
    assert r["scores"][r["model"]] == min(r["scores"].values())
    assert r["n_origins"] == 3 and r["mase"] < 1.6 and 0 < r["wape"] < 0.3 and abs(r["bias"]) < 0.1
    assert "backtest" in r["reason"] and "MASE" in r["reason"]
    p10, p50, p90 = map(np.array, (r["p10"], r["p50"], r["p90"]))
    assert len(p50) == 90 and np.all(p10 <= p50) and np.all(p50 <= p90) and np.all(p10 >= 0)
    assert fc.wape(future, p50) < 0.12                       # close to the true mean
    assert r["dates"][0] == START + dt.timedelta(days=810) and len(r["dates"]) == 90
    actual = y[-90:]
    inside = np.mean((actual >= p10) & (actual <= p90))
    assert 0.6 < inside <= 1.0
    sig = np.array(r["sigma_cum"])
    assert len(sig) == 90 and np.all(np.diff(sig) >= 0) and sig[0] > 0
    json.dumps(r, default=str)


def test_intermittent_series_gets_an_intermittent_method():
    y = intermittent_series()
    r = fc.forecast_series(y, START, horizon=60)
    assert r["series_class"] in ("intermittent", "lumpy")
    assert r["model"] in ("croston", "sba", "tsb", "ses", "mean")
    assert "intermittent" in r["reason"] or "lumpy" in r["reason"]
    rate = y.mean()
    assert 0.3 * rate < r["p50"][0] < 2.5 * rate
    for name in ("croston", "sba"):
        f = fc.METHODS[name](y, 10)
        assert f.shape == (10,) and 0.3 * rate < f[0] < 2.5 * rate
    # no sale for the last weeks: TSB lowers the demand probability (obsolescence), Croston does not
    assert y[-28:].sum() == 0 and fc.METHODS["tsb"](y, 1)[0] < fc.METHODS["croston"](y, 1)[0]


def test_intermittent_methods_run_on_many_series_at_once():
    Y = np.vstack([intermittent_series(300, seed=s) for s in range(5)])
    for name in ("croston", "sba", "tsb", "ses", "mean", "naive", "snaive"):
        F = fc.METHODS[name](Y, 13, season=7)
        assert F.shape == (5, 13) and np.all(np.isfinite(F)) and np.all(F >= 0)
        one = fc.METHODS[name](Y[2], 13, season=7)
        assert np.allclose(F[2], one)
    # SBA is Croston deflated by (1 - alpha / 2)
    assert np.all(fc.METHODS["sba"](Y, 1) <= fc.METHODS["croston"](Y, 1) + 1e-12)


def test_short_history_and_no_history():
    short = fc.forecast_series([3, 0, 4, 5, 2, 0, 6, 3, 4], START, horizon=14)
    assert short["model"] in ("mean", "snaive") and short["n_origins"] == 0 and short["mase"] is None
    assert "too short" in short["reason"]
    assert short["p50"][0] == pytest.approx(27 / 9)
    none = fc.forecast_series([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], START, horizon=7)
    assert none["model"] == "zero" and none["p90"] == [0.0] * 7 and "no demand" in none["reason"]
    unobserved = fc.forecast_series([None] * 20, START, horizon=7)
    assert unobserved["model"] == "zero" and unobserved["status"] == "ok"
    negative = fc.forecast_series([5, -3, 4, 6] * 10, START, horizon=7)
    assert min(negative["p10"]) >= 0


def test_weekly_series():
    rng = np.random.default_rng(4)
    y = rng.poisson(20, 150).astype(float)
    r = fc.forecast_series(y, START, horizon=13, freq="W")
    assert r["status"] == "ok" and len(r["p50"]) == 13
    assert r["dates"][1] - r["dates"][0] == dt.timedelta(days=7)
    assert 15 < r["p50"][0] < 25


def test_external_regressor_moves_the_forecast():
    rng = np.random.default_rng(5)
    days, horizon = 400, 28
    temp = 15 + 10 * np.sin(np.arange(days + horizon) / 9.0) + rng.normal(0, 1, days + horizon)
    down = np.zeros(days + horizon)
    down[rng.choice(days, 40, replace=False)] = 1.0
    down[days + 7: days + 14] = 1.0        # planned machine stop in the future
    lam = np.maximum(30 + 2.0 * (temp - 15) - 25 * down, 0.5)
    y = rng.poisson(lam[:days]).astype(float)
    regs = {"temperature": temp, "machine A down": down}
    r = fc.forecast_series(y, START, horizon=horizon, regressors=regs, candidates=["regression"])
    p50 = np.array(r["p50"])
    assert np.mean(np.abs(p50 - lam[days:])) < 4.0
    assert p50[7:14].mean() < p50[:7].mean() - 10
    plain = fc.forecast_series(y, START, horizon=horizon, candidates=["regression"])
    assert np.mean(np.abs(np.array(plain["p50"]) - lam[days:])) > 2 * np.mean(np.abs(p50 - lam[days:]))


def test_public_holidays_of_the_country():
    y, _ = smooth_series(800, seed=6)
    hol = fc.holidays_for("FR", 2022, 2024)
    assert dt.date(2022, 7, 14) in hol
    t0 = START
    for i in range(len(y)):
        if t0 + dt.timedelta(days=i) in hol:
            y[i] = 0.0                           # shop closed on public holidays
    horizon = 120
    first = t0 + dt.timedelta(days=len(y))
    r = fc.forecast_series(y, START, horizon=horizon, country="FR", candidates=["regression"])
    dates = r["dates"]
    hol_idx = [k for k, d in enumerate(dates) if d in hol]
    assert hol_idx, first
    other = [k for k in range(horizon) if k not in hol_idx]
    assert max(r["p50"][k] for k in hol_idx) < 0.4 * np.mean([r["p50"][k] for k in other])
    with pytest.raises(ValueError):
        fc.holidays_for("XX-NOT-A-COUNTRY", 2022, 2022)


def test_prophet_path():
    y, _ = smooth_series(400, seed=7)
    regs = {"promo": np.r_[np.zeros(400), np.zeros(30)]}
    r = fc.forecast_series(y, START, horizon=30, candidates=["prophet"], country="US", regressors=regs)
    assert r["model"] == "prophet" and r["model_label"] == "Prophet"
    p50 = np.array(r["p50"])
    assert len(p50) == 30 and np.all(p50 >= 0) and 20 < p50.mean() < 100


# ------------------------------------------------------------------------------------------------
# Many series in parallel


def test_forecast_many_runs_in_parallel_and_isolates_failures():
    tasks = [{"key": (k, "WH"), "values": intermittent_series(200, seed=k), "start": START} for k in range(6)]
    tasks.insert(3, {"key": ("broken", "WH"), "values": ["not a number"] * 50, "start": START})
    tasks.append({"key": ("smooth", "WH"), "values": smooth_series(400)[0], "start": START,
                  "options": {"candidates": ["regression_log"]}})
    out = fc.forecast_many(tasks, n_jobs=2, horizon=20)
    assert [r["key"] for r in out] == [t["key"] for t in tasks]
    bad = out[3]
    assert bad["status"] == "error" and "ValueError" in bad["error"]
    assert all(r["status"] == "ok" for i, r in enumerate(out) if i != 3)
    assert out[-1]["model"] == "regression_log"
    sequential = fc.forecast_many(tasks, n_jobs=1, horizon=20)
    assert [r.get("p50") for r in sequential] == [r.get("p50") for r in out]
    assert fc.forecast_many([], n_jobs=2) == []


# ------------------------------------------------------------------------------------------------
# Purchase proposals


TODAY = dt.date(2024, 12, 2)


def test_proposal_dates_and_quantity():
    r = fc.propose_purchase(on_hand=100, forecast=[10.0] * 60, today=TODAY, supplier_lead_time=5,
                            purchase_lead_time=2, review_period=7, min_qty=50, multiple=12,
                            p90=[10.0] * 60)   # no forecast error: no safety stock
    assert r["status"] == "order" and r["safety_stock"] == 0
    # projected stock after day k: 100 - 10 (k + 1): below zero from day 10
    assert r["projected"][:3] == [90, 80, 70]
    assert r["stockout_date"] == TODAY + dt.timedelta(days=10) == r["runout_date"]
    assert r["order_by"] == TODAY + dt.timedelta(days=3)
    assert r["arrival_date"] == TODAY + dt.timedelta(days=10)
    assert r["qty"] == 72            # 70 to cover 7 days, over the minimum 50, in packs of 12
    assert not r["late"]
    assert "order by 5 Dec 2024" in r["reason"] and "72 units" in r["reason"] and "packs of 12" in r["reason"]


def test_proposal_counts_confirmed_moves_and_safety_stock():
    base = dict(on_hand=100, forecast=[10.0] * 90, today=TODAY, supplier_lead_time=10, review_period=7)
    plain = fc.propose_purchase(**base, p90=[10.0] * 90)
    incoming = fc.propose_purchase(**base, p90=[10.0] * 90, incoming=[(TODAY + dt.timedelta(days=4), 50)])
    assert incoming["stockout_date"] == plain["stockout_date"] + dt.timedelta(days=5)
    # a confirmed delivery larger than the forecast of its day replaces it
    outgoing = fc.propose_purchase(**base, p90=[10.0] * 90, outgoing=[(TODAY + dt.timedelta(days=1), 40)])
    assert outgoing["projected"][1] == 100 - 10 - 40
    # with forecast error, a safety stock that grows with the service level moves the date earlier
    sig = list(np.sqrt(np.arange(1, 91)) * 5.0)
    s95 = fc.propose_purchase(**base, sigma_cum=sig, service_level=0.95)
    s99 = fc.propose_purchase(**base, sigma_cum=sig, service_level=0.99)
    assert s95["safety_stock"] == pytest.approx(1.6449 * 5 * math.sqrt(17), rel=1e-3)
    assert s99["safety_stock"] > s95["safety_stock"]
    assert s99["stockout_date"] <= s95["stockout_date"] < plain["stockout_date"]
    assert s95["qty"] > plain["qty"]
    # P90 band gives the same kind of safety stock
    band = fc.propose_purchase(**base, p90=[10 + 1.2816 * 5] * 90)
    assert band["safety_stock"] == pytest.approx(1.6449 * 5 * math.sqrt(17), rel=1e-3)


def test_proposal_late_and_no_need():
    late = fc.propose_purchase(on_hand=20, forecast=[10.0] * 30, today=TODAY, supplier_lead_time=14, p90=[10] * 30)
    assert late["late"] and late["order_by"] == TODAY and "already late" in late["reason"]
    calm = fc.propose_purchase(on_hand=1000, forecast=[1.0] * 30, today=TODAY, supplier_lead_time=5)
    assert calm["status"] == "ok" and calm["qty"] == 0 and calm["order_by"] is None
    assert "no order needed" in calm["reason"]
    weekly = fc.propose_purchase(on_hand=10, forecast=[3.0] * 20, today=40, incoming=[(42, 5)],
                                 supplier_lead_time=2, review_period=1, p90=[3.0] * 20)
    assert weekly["stockout_date"] == 45 and weekly["order_by"] == 43   # 7, 4, 6, 3, 0, -3


def test_min_max_for_reordering_rules():
    r = fc.reorder_min_max([10.0] * 60, lead_time=7, review_period=14, p90=[10.0] * 60)
    assert r["min"] == 70 and r["max"] == 210 and r["safety_stock"] == 0
    r2 = fc.reorder_min_max([10.0] * 60, lead_time=7, review_period=14, service_level=0.95,
                            sigma_cum=list(np.sqrt(np.arange(1, 61)) * 4.0), min_qty=500, multiple=25)
    assert r2["safety_stock"] == pytest.approx(1.6449 * 4 * math.sqrt(21), rel=1e-3)
    assert r2["min"] % 25 == 0 and r2["min"] >= 70 + r2["safety_stock"]
    assert r2["max"] >= r2["min"] + 500 and r2["max"] % 25 == 0


def test_rounding_and_service_level():
    assert fc.round_order_qty(0) == 0
    assert fc.round_order_qty(7, min_qty=10) == 10
    assert fc.round_order_qty(13, min_qty=10, multiple=6) == 18
    assert fc.service_z(0.5) == pytest.approx(0.0, abs=1e-9)
    assert fc.service_z(0.95) == pytest.approx(1.6449, rel=1e-4)
    assert fc.lead_time_sigma(100, sigma_cum=[1.0, 2.0, 3.0, 4.0]) == pytest.approx(20.0)


def test_service_levels_spread_by_value_keep_the_overall_level():
    items = [{"key": "cheap fast", "unit_cost": 1.0, "demand": 100.0, "order_qty": 100.0},
             {"key": "dear slow", "unit_cost": 200.0, "demand": 1.0, "order_qty": 5.0},
             {"key": "middle", "unit_cost": 10.0, "demand": 10.0, "order_qty": 20.0},
             {"key": "no demand", "unit_cost": 5.0, "demand": 0.0, "order_qty": 1.0}]
    levels = fc.allocate_service_levels(items, 0.95)
    assert levels["cheap fast"] > levels["middle"] > levels["dear slow"]
    assert levels["no demand"] == 0.5
    weighted = (100 * levels["cheap fast"] + 1 * levels["dear slow"] + 10 * levels["middle"]) / 111
    assert weighted == pytest.approx(0.95, abs=1e-6)
    assert all(0.5 <= v <= 0.999 for v in levels.values())
    assert fc.allocate_service_levels([], 0.95) == {}


def test_allocation_can_leave_dear_slow_movers_out_of_stock():
    items = [{"key": f"fast {i}", "unit_cost": 2.0, "demand": 50.0, "order_qty": 60.0} for i in range(5)]
    items += [{"key": "dear, huge minimum", "unit_cost": 900.0, "demand": 0.2, "order_qty": 100.0},
              {"key": "middle", "unit_cost": 5.0, "demand": 5.0, "order_qty": 10.0},
              {"key": "no demand", "unit_cost": 5.0, "demand": 0.0, "order_qty": 1.0}]
    levels = fc.allocate_service_levels(items, 0.9, not_stocked=True)
    assert levels["dear, huge minimum"] == 0.0 and levels["no demand"] == 0.0
    assert levels["fast 0"] > levels["middle"] > 0.5
    demand = {it["key"]: it["demand"] for it in items}
    weighted = sum(demand[k] * v for k, v in levels.items()) / sum(demand.values())
    assert weighted >= 0.9
    # the price found on some products gives the level of one that was not among them
    lam = fc.allocation_price(items, 0.9, not_stocked=True)
    newcomers = [fc.allocation_item(2.0, 50.0, 60.0), fc.allocation_item(2.0, 0.01, 500.0)]
    assert newcomers[0]["order_qty"] == 60.0 and fc.allocation_item(2.0, 50.0, 10.0, 7)["order_qty"] == 350.0
    assert fc.service_levels_at(newcomers, lam, not_stocked=True) == [pytest.approx(levels["fast 0"]), 0.0]
    # without the option every product with demand keeps at least the lower bound
    assert min(v for k, v in fc.allocate_service_levels(items, 0.9).items() if k != "no demand") >= 0.5


def test_allocation_reaches_its_target_as_stored():
    """Levels are stored with 3 decimals: rounded to them, the plain allocation can fall short of its
    target (what the Odoo test met on a fresh machine: 0.59984 for 0.6); with ``step`` each level is
    rounded up and the price searched on the rounded levels, so the stored levels reach the target."""
    rng = np.random.default_rng(7)
    short = 0
    for case in range(200):
        n = int(rng.integers(2, 12))
        items = [fc.allocation_item(float(rng.lognormal(2, 1.5)), float(rng.lognormal(0, 1.5)),
                                    float(rng.choice([0, 10, 100, 5000])), 7, key=i) for i in range(n)]
        target = float(rng.choice([0.6, 0.8, 0.9, 0.95, 0.97]))
        demand = np.array([it["demand"] for it in items])
        for not_stocked in (False, True):
            plain = fc.allocate_service_levels(items, target, not_stocked=not_stocked)
            rounded = np.array([round(plain[i], 3) for i in range(n)])
            short += float(demand @ rounded / demand.sum()) < target
            levels = fc.allocate_service_levels(items, target, not_stocked=not_stocked, step=0.001)
            stored = np.array([levels[i] for i in range(n)])
            assert np.allclose(stored * 1000, np.round(stored * 1000), atol=1e-6), stored
            assert float(demand @ stored / demand.sum()) >= target - 1e-12, (case, target, stored)
            assert all(v == 0.0 or 0.5 <= v <= 0.999 for v in stored)
    assert short > 0   # the failure the step removes does happen with plain rounding


def test_not_stocked_product_is_ordered_for_confirmed_deliveries_only():
    day = dt.date(2026, 1, 5)
    quiet = fc.propose_purchase(2.0, [1.0] * 60, day, service_level=0.0, supplier_lead_time=5, min_qty=10)
    assert quiet["status"] == "ok" and quiet["safety_stock"] == 0.0
    assert "not kept in stock" in quiet["reason"]
    sold = fc.propose_purchase(2.0, [1.0] * 60, day, outgoing=[(day + dt.timedelta(days=12), 7.0)],
                               service_level=0.0, supplier_lead_time=5, min_qty=10)
    assert sold["status"] == "order" and sold["qty"] == 10.0
    assert sold["stockout_date"] == day + dt.timedelta(days=12)
    assert sold["order_by"] == day + dt.timedelta(days=7)
    assert "not kept in stock" in sold["reason"] and "minimum of 10" in sold["reason"]
    assert fc.reorder_min_max([1.0] * 60, 5, service_level=0.0, min_qty=10)["max"] == 0.0


def test_selection_measure_can_be_the_squared_error():
    y = intermittent_series(600, seed=11, p=0.15)
    by_mase = fc.forecast_series(y, START, horizon=30)
    by_sq = fc.forecast_series(y, START, horizon=30, selection="rmsse")
    assert by_mase["selection"] == "mase" and "MASE" in by_mase["reason"]
    assert by_sq["selection"] == "rmsse" and "RMSSE" in by_sq["reason"]
    assert by_sq["p50"][0] > 0
    assert fc.rmsse([1, 0, 2], [1, 1, 1], [0, 2, 0, 3]) == pytest.approx(math.sqrt((2 / 3) / (17 / 3)))


def test_proposal_in_whole_units():
    day = dt.date(2026, 1, 5)
    odd = fc.propose_purchase(3.0, [2.37] * 60, day, supplier_lead_time=5, review_period=7)
    whole = fc.propose_purchase(3.0, [2.37] * 60, day, supplier_lead_time=5, review_period=7, step=1.0)
    assert odd["status"] == whole["status"] == "order"
    assert whole["qty"] == math.ceil(odd["qty"] - 1e-9) and whole["qty"] == int(whole["qty"])
    assert f"{whole['qty']:g} units" in whole["reason"]
