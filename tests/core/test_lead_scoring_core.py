"""ai_lead_scoring's pure-Python core (scoring/), without Odoo, on synthetic lead histories."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cores import load_core
from odoo_harness import REPO

scoring = load_core("ai_lead_scoring", "scoring")
tools = load_core("ai_base", "tools")

SPEC = scoring.FeatureSpec(
    categorical=["source", "country"],
    numeric=["expected_revenue", "n_exchanges"],
    multi=["tags"],
    text=["description"],
    labels={"source": "Source", "country": "Country", "expected_revenue": "Expected revenue",
            "n_exchanges": "Exchanges", "tags": "Tags", "description": "Description"},
)
SOURCES = ["Website", "Referral", "Ads", "Fair", "Partner"]


def make_leads(n, seed=0, referral_effect=2.0, start="2021-01-01"):
    """Leads with planted drivers: Referral (+), Ads (-), revenue (+), tag VIP (+), 'budget' in text (+).

    ``referral_effect`` may be an array (one value per lead) to make the Referral effect drift.
    """
    rng = np.random.default_rng(seed)
    source = rng.choice(SOURCES + [None], n, p=[0.3, 0.15, 0.25, 0.1, 0.1, 0.1]).astype(object)
    country = rng.choice(["BE", "FR", "DE", "NL", "LU", "IT"], n).astype(object)
    log_rev = rng.normal(9, 1, n)
    revenue = np.exp(log_rev)
    revenue[rng.random(n) < 0.1] = np.nan
    exchanges = rng.poisson(3, n).astype(float)
    tags = [list(rng.choice(["VIP", "Urgent", "Small", "Repeat"], rng.integers(0, 3), replace=False))
            for _ in range(n)]
    words = np.array(["hello", "demo", "call", "budget", "team", "offer", "quote"])
    description = [" ".join(rng.choice(words, rng.integers(0, 12))) for _ in range(n)]
    logit = (-0.8 + referral_effect * (source == "Referral") - 1.5 * (source == "Ads")
             + 0.8 * np.where(np.isnan(revenue), 0.0, log_rev - 9)
             + 1.2 * np.array(["VIP" in t for t in tags]) + 0.4 * np.array(["budget" in d for d in description]))
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({"source": source, "country": country, "expected_revenue": revenue,
                          "n_exchanges": exchanges, "tags": tags, "description": description})
    order = pd.date_range(start, periods=n, freq="h")
    return frame, y, order


@pytest.fixture(scope="module")
def trained():
    frame, y, order = make_leads(6000, seed=1)
    payload, metrics = scoring.train(frame, y, order, SPEC)
    return payload, metrics, scoring.Scorer(payload)


def test_core_does_not_import_odoo():
    code = ("import sys; sys.path.insert(0, 'tests'); from cores import load_core; "
            "load_core('ai_lead_scoring', 'scoring'); "
            "assert not [m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_metrics_come_from_the_held_out_part(trained):
    _payload, metrics, _scorer = trained
    for key in ("auc", "brier", "lift10", "logloss", "n_won", "n_lost", "n_train", "n_test", "base_rate",
                "calibration"):
        assert key in metrics
    assert metrics["n_train"] + metrics["n_test"] == 6000
    assert metrics["n_test"] == 1200
    assert metrics["n_won"] + metrics["n_lost"] == 6000
    assert metrics["auc"] > 0.75
    assert metrics["lift10"] > 1.5
    assert [row["decile"] for row in metrics["calibration"]] == list(range(1, 11))
    json.dumps(metrics)  # plain data


def test_recovers_the_planted_drivers(trained):
    _payload, _metrics, scorer = trained
    frame, y, _order = make_leads(4000, seed=2)
    p = scorer.predict_proba(frame)
    assert scoring.roc_auc(y, p) > 0.75

    strong = {"source": "Referral", "country": "BE", "expected_revenue": 8000.0, "n_exchanges": 3,
              "tags": [], "description": "hello team"}
    weak = dict(strong, source="Ads")
    p_strong, p_weak = scorer.predict_proba([strong, weak])
    assert p_strong > 0.6 > 0.2 > p_weak
    reasons = scorer.explain([strong, weak], top=3)
    assert reasons[0][0]["feature"] == "source"
    assert reasons[0][0]["label"] == "Source: Referral"
    assert reasons[0][0]["points"] > 10
    assert reasons[1][0]["feature"] == "source" and reasons[1][0]["points"] < -10
    # sorted by absolute effect, at most `top`
    for row in reasons:
        assert len(row) <= 3
        assert [abs(r["points"]) for r in row] == sorted((abs(r["points"]) for r in row), reverse=True)

    vip = dict(strong, source="Fair", tags=["VIP"])
    top = scorer.explain([vip], top=1)[0][0]
    assert top["feature"] == "tags" and top["label"] == "Tags: VIP" and top["points"] > 0


def test_points_add_up_to_the_probability_gap(trained):
    _payload, _metrics, scorer = trained
    frame, _y, _order = make_leads(300, seed=3)
    p, points = scorer.points(frame)
    np.testing.assert_allclose(points.sum(axis=1), 100 * (p - scorer.reference_probability), atol=1e-9)
    np.testing.assert_allclose(p, scorer.predict_proba(frame))


def test_probabilities_are_calibrated(trained):
    _payload, _metrics, scorer = trained
    frame, y, _order = make_leads(20000, seed=4)
    p = scorer.predict_proba(frame)
    assert abs(p.mean() - y.mean()) < 0.02
    for row in scoring.calibration_table(y, p):
        assert abs(row["predicted"] - row["observed"]) < 0.05, row
    assert scoring.brier(y, p) < scoring.brier(y, np.full(len(y), y.mean()))


def test_insufficient_history_below_the_threshold():
    frame, y, order = make_leads(400, seed=5)
    won = np.nonzero(y == 1)[0]
    keep = np.ones(len(y), dtype=bool)
    keep[won[40:]] = False
    with pytest.raises(scoring.InsufficientHistory) as info:
        scoring.train(frame[keep], y[keep], order[keep], SPEC, min_per_class=50)
    assert info.value.n_won == 40
    assert info.value.n_lost == int((y == 0).sum())
    assert "40 won" in str(info.value) and "50" in str(info.value)
    # a lower threshold trains
    scoring.train(frame[keep], y[keep], order[keep], SPEC, min_per_class=30)


def test_payload_round_trip_gives_identical_predictions(trained):
    payload, _metrics, scorer = trained
    frame, _y, _order = make_leads(500, seed=6)
    expected = scorer.predict_proba(frame)

    stored = tools.dumps_model(payload)
    back = scoring.Scorer(tools.loads_model(stored))
    np.testing.assert_array_equal(back.predict_proba(frame), expected)
    assert back.explain(frame.head(20)) == scorer.explain(frame.head(20))

    def default(obj):
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, np.generic):
            return obj.item()
        raise TypeError(type(obj))

    plain = json.loads(json.dumps(payload, default=default))
    np.testing.assert_allclose(scoring.Scorer(plain).predict_proba(frame), expected, rtol=0, atol=1e-12)


def test_odd_values_never_raise(trained):
    _payload, _metrics, scorer = trained
    rows = [
        {},  # nothing at all
        {"source": "Never seen before", "country": None, "expected_revenue": "not a number",
         "n_exchanges": float("nan"), "tags": None, "description": None},
        {"source": float("nan"), "country": 42, "expected_revenue": "12 000", "n_exchanges": "7",
         "tags": "VIP, Unknown tag", "description": "<p>Need a <b>budget</b> quote</p>"},
        {"source": ["a", "list"], "country": {"a": 1}, "expected_revenue": float("inf"), "n_exchanges": True,
         "tags": [None, 3, "VIP", ["nested"]], "description": 12.5},
        {"source": "", "country": "  BE  ", "expected_revenue": None, "n_exchanges": -5, "tags": (),
         "description": ""},
        {"unrelated_column": object()},
    ]
    p = scorer.predict_proba(rows)
    assert p.shape == (len(rows),)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    reasons = scorer.explain(rows, top=5)
    assert len(reasons) == len(rows)
    for row in reasons:
        for r in row:
            assert set(r) == {"feature", "kind", "label", "value", "points"}
            assert isinstance(r["label"], str)
    # "  BE  " reads as "BE"; an empty row scores as an average lead
    assert scorer.predict_proba([{"country": "  BE  "}])[0] == scorer.predict_proba([{"country": "BE"}])[0]
    assert scorer.predict_proba([]).shape == (0,)
    assert scorer.explain([]) == []
    # a DataFrame with an odd index and a missing column
    frame = pd.DataFrame({"source": ["Referral", None]}, index=[10, 3])
    assert scorer.predict_proba(frame).shape == (2,)


def test_time_ordered_split_validates_on_the_newest_part():
    frame, y, order = make_leads(5000, seed=7)
    rng = np.random.default_rng(0)
    # the newest 20 % have random outcomes: held-out metrics must show it
    newest = np.argsort(order)[4000:]
    y_noisy = y.copy()
    y_noisy[newest] = (rng.random(len(newest)) < 0.4).astype(int)
    _payload, metrics = scoring.train(frame, y_noisy, order, SPEC)
    assert metrics["n_test"] == 1000
    assert metrics["auc"] < 0.62

    # shuffled rows, same order values: same split, same metrics (sorted by order, not by position)
    perm = rng.permutation(len(y))
    _payload2, metrics2 = scoring.train(frame.iloc[perm], y_noisy[perm], order[perm], SPEC)
    assert metrics2["auc"] == pytest.approx(metrics["auc"], abs=1e-9)

    # the oldest 20 % random instead: validation sees the real relation
    oldest = np.argsort(order)[:1000]
    y_old = y.copy()
    y_old[oldest] = (rng.random(len(oldest)) < 0.4).astype(int)
    _payload3, metrics3 = scoring.train(frame, y_old, order, SPEC)
    assert metrics3["auc"] > 0.75


def test_recency_weighting_follows_drift():
    n = 8000
    # Referral was a strong source, then stopped converting
    effect = np.linspace(3.0, -2.0, n)
    frame, y, order = make_leads(n, seed=8, referral_effect=effect)
    row = [{"source": "Referral", "country": "BE", "expected_revenue": 8000.0, "n_exchanges": 3, "tags": [],
            "description": ""}]
    plain, _m = scoring.train(frame, y, order, SPEC)
    recent, metrics = scoring.train(frame, y, order, SPEC, recency_half_life=30)  # days: order is hourly
    assert recent["recency_half_life"] == 30
    p_plain = scoring.Scorer(plain).predict_proba(row)[0]
    p_recent = scoring.Scorer(recent).predict_proba(row)[0]
    assert p_recent < p_plain - 0.05
    # today's truth for such a lead
    truth = 1 / (1 + np.exp(-(-0.8 - 2.0 + 0.8 * (np.log(8000) - 9))))
    assert abs(p_recent - truth) < abs(p_plain - truth)

    auto, auto_metrics = scoring.train(frame, y, order, SPEC, recency_half_life="auto")
    assert auto_metrics["recency_half_life"] is not None  # the drift is detected on the newest part
    assert auto["recency_half_life"] == auto_metrics["recency_half_life"]


def test_numeric_feature_that_follows_the_calendar_is_left_out():
    frame, y, order = make_leads(3000, seed=9)
    frame["lead_id"] = np.arange(len(frame)) * 3 + 1000
    spec = scoring.FeatureSpec(categorical=["source"], numeric=["expected_revenue", "lead_id"])
    payload, metrics = scoring.train(frame, y, order, spec)
    assert [d["feature"] for d in metrics["dropped_features"]] == ["lead_id"]
    assert "lead_id" not in scoring.Scorer(payload).feature_names


def test_training_is_deterministic():
    frame, y, order = make_leads(3000, seed=10)
    first, m1 = scoring.train(frame, y, order, SPEC, recency_half_life="auto")
    second, m2 = scoring.train(frame, y, order, SPEC, recency_half_life="auto")
    assert tools.dumps_model(first) == tools.dumps_model(second)
    assert m1 == m2


def test_accepts_lists_of_dicts_ids_as_order_and_sample_weights():
    frame, y, _order = make_leads(2000, seed=11)
    records = frame.to_dict("records")
    ids = np.arange(len(records)) + 500
    weights = np.where(y == 1, 1.0, 2.0)
    payload, metrics = scoring.train(records, y, ids, SPEC, sample_weight=weights)
    scorer = scoring.Scorer(payload)
    assert metrics["auc"] > 0.7
    assert scorer.predict_proba(records[:5]).shape == (5,)


def test_large_batches():
    """Training on 50,000 leads and scoring 100,000 in one call work (their speed is measured in
    benchmarks/bench_lead_scoring_speed.py, never in a test)."""
    frame, y, order = make_leads(50000, seed=12)
    spec = scoring.FeatureSpec(categorical=["source", "country"], numeric=["expected_revenue", "n_exchanges"],
                               multi=["tags"])
    payload, _metrics = scoring.train(frame, y, order, spec, recency_half_life="auto")
    scorer = scoring.Scorer(payload)
    big = pd.concat([frame, frame], ignore_index=True)
    p = scorer.predict_proba(big)
    assert p.shape == (100000,)
    assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p[:50000], p[50000:])
