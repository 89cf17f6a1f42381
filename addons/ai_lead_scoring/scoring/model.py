"""Calibrated conversion probability of leads, with exact additive reasons.

The model is a penalised logistic regression over per-feature encodings (see :mod:`.encoding`):

- categorical columns: one indicator per frequent level, rare and unseen levels pooled into
  "other", a "missing" indicator; ridge penalty (levels are shrunk towards the average lead);
- numeric columns: a piecewise-linear spline over quantile knots, flat beyond the extreme knots,
  plus a "missing" indicator; a first-difference penalty keeps the curve smooth;
- multi-valued columns (tags): one indicator per frequent tag plus "no tag";
- text columns: number of words (spline) plus a few tokens associated with the outcome.

Training is time-aware: the rows are sorted by ``order`` and the newest ``validation_fraction``
is held out. The penalty strength is chosen on that newest part, a Platt calibration
``sigmoid(a * logit + b)`` is fitted on it (so the probabilities follow the most recent
conversion rate: drift), and the reported metrics come from it. The stored model is then refit
on every row. With ``recency_half_life`` rows are weighted by ``0.5 ** (age / half_life)``;
``recency_half_life="auto"`` lets the newest part choose between no weighting and a few
half-lives. Columns that follow the calendar are not used: the order never is, and a numeric
column whose rank correlation with the order is >= 0.9 (an id, a timestamp) is dropped.

The fitted model is a plain dict of numbers, lists and numpy arrays (no pickle, no scikit-learn
object); :class:`Scorer` rebuilds predictions and explanations from it with numpy only.

Each feature's contribution to the log-odds is a table lookup, so the explanation of a score is
exact: contributions are centred on the average training lead and converted to probability
points that add up to ``100 * (p - p_reference)``.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from . import encoding, metrics as metrics_mod
from .solver import fit_logistic, fit_platt

FORMAT = "ai_lead_scoring.additive_logit"
VERSION = 1

DEFAULT_OPTIONS = {
    "min_count": 10,          # levels / tags seen fewer times are pooled into "other"
    "max_levels": 100,        # most frequent levels kept per categorical column
    "n_knots": 10,            # spline knots per numeric column (quantiles)
    "max_tags": 100,          # most frequent tags kept per multi-valued column
    "max_tokens": 20,         # tokens kept per text column
    "smoothing": 1.0,         # weight of the spline difference penalty relative to the ridge
    "penalties": (1.0, 4.0, 16.0, 64.0),  # ridge strengths tried on the validation part
    "calibration_prior": 2.0,  # pull of the Platt map towards the identity, in leads
    "calendar_correlation": 0.9,  # numeric columns whose rank correlation with the order is above: dropped
    "min_validation_per_class": 5,
    "auto_half_life_fractions": (1.0, 0.3, 0.1),  # recency_half_life="auto": fractions of the history span
    "selection_margin": 0.001,  # relative log-loss gain a more complex setting must bring
}


class InsufficientHistory(Exception):
    """Too few won or lost leads to learn from.

    :ivar n_won: number of won leads given
    :ivar n_lost: number of lost leads given
    :ivar min_per_class: the number of each that is needed
    """

    def __init__(self, n_won, n_lost, min_per_class):
        self.n_won = int(n_won)
        self.n_lost = int(n_lost)
        self.min_per_class = int(min_per_class)
        super().__init__(
            f"Not enough closed leads to learn from: {self.n_won} won and {self.n_lost} lost, "
            f"at least {self.min_per_class} of each are needed.")


@dataclass
class FeatureSpec:
    """Which columns of the rows feed the model, and how.

    :param categorical: columns of text-like values (str, int, None...), e.g. source, country
    :param numeric: columns of numbers (None, NaN, text that is not a number: missing)
    :param multi: columns holding a list of str per row (or comma-separated text), e.g. tags
    :param text: free-text columns (HTML allowed): number of words and a few tokens
    :param labels: human label of each column, used in the reasons ("Source: Website")
    """

    categorical: list = field(default_factory=list)
    numeric: list = field(default_factory=list)
    multi: list = field(default_factory=list)
    text: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)

    def features(self):
        """``[(name, kind), ...]`` in a fixed order; a column named twice is kept once (first kind)."""
        seen, out = set(), []
        for kind in ("categorical", "numeric", "multi", "text"):
            for name in getattr(self, kind) or []:
                if name not in seen:
                    seen.add(name)
                    out.append((name, kind))
        return out

    def label(self, name):
        return (self.labels or {}).get(name) or str(name).replace("_", " ").capitalize()

    def to_dict(self):
        return {"categorical": list(self.categorical), "numeric": list(self.numeric), "multi": list(self.multi),
                "text": list(self.text), "labels": dict(self.labels or {})}

    @classmethod
    def from_dict(cls, data):
        return cls(**{k: data.get(k) or ({} if k == "labels" else []) for k in
                      ("categorical", "numeric", "multi", "text", "labels")})


# ------------------------------------------------------------------------------------------------
# Helpers


def order_key(order, n):
    """Float sort key of ``order`` (dates -> days since 1970, numbers as is, other text by rank).

    Missing entries sort as the oldest.
    """
    if order is None:
        return np.arange(n, dtype=float)
    s = pd.Series(list(order) if not isinstance(order, (pd.Series, np.ndarray)) else order).reset_index(drop=True)
    if len(s) != n:
        raise ValueError(f"order has {len(s)} entries for {n} rows")
    key = None
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        dt = s
    elif pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        key = s.to_numpy(dtype=float, na_value=np.nan)
        dt = None
    else:
        # Odoo reads an empty date as False
        s = s.map(lambda v: None if v is False or (isinstance(v, str) and not v.strip()) else v)
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() >= 0.9 * s.notna().sum() and s.notna().any():
            key = num.to_numpy(dtype=float, na_value=np.nan)
            dt = None
        else:
            dt = pd.to_datetime(s, errors="coerce", utc=True, format="mixed")
            if dt.notna().sum() < 0.9 * s.notna().sum():
                codes, uniques = pd.factorize(s.astype(str), sort=True)
                key = codes.astype(float)
                key[s.isna().to_numpy()] = np.nan
                dt = None
    if key is None:
        if getattr(dt.dt, "tz", None) is not None:
            dt = dt.dt.tz_convert(None)
        key = (dt - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan) / 86400.0
    key = key.astype(float)
    if np.isnan(key).all():
        return np.arange(n, dtype=float)
    key[np.isnan(key)] = np.nanmin(key) - 1.0
    return key


def _targets(y, n):
    y = pd.to_numeric(pd.Series(np.asarray(y).ravel()), errors="coerce").to_numpy(dtype=float)
    if len(y) != n:
        raise ValueError(f"y has {len(y)} entries for {n} rows")
    valid = np.isin(y, (0.0, 1.0))
    return y, valid


def _spearman(a, b):
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 10:
        return 0.0
    ra = pd.Series(a[ok]).rank().to_numpy()
    rb = pd.Series(b[ok]).rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


class _Encoder:
    """The fitted encodings of every feature and the assembly of the design matrix."""

    def __init__(self, features):
        self.features = features  # [{"name", "kind", "state"}...]

    @classmethod
    def fit(cls, frame, features, y, w, options):
        fitted = []
        for name, kind in features:
            fit = encoding.KINDS[kind][0]
            state = fit(encoding.column(frame, name), y, w, options)
            fitted.append({"name": name, "kind": kind, "state": state})
        return cls(fitted)

    def blocks(self, frame):
        """``[(rows, cols, vals), ...]`` one per feature, columns numbered inside each block."""
        n = len(frame)
        return [encoding.KINDS[f["kind"]][1](f["state"], encoding.column(frame, f["name"], n)) for f in self.features]

    def widths(self):
        return [f["state"]["width"] for f in self.features]

    def matrix(self, frame):
        n = len(frame)
        rows, cols, vals, offset = [], [], [], 0
        for (r, c, v), width in zip(self.blocks(frame), self.widths()):
            rows.append(r)
            cols.append(c + offset)
            vals.append(v)
            offset += width
        if not rows:
            return sparse.csr_matrix((n, 0))
        return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                 shape=(n, offset))

    def penalty(self, options):
        mats = []
        for f in self.features:
            pen_fn = encoding.KINDS[f["kind"]][2]
            if f["kind"] in ("numeric", "text"):
                mats.append(pen_fn(f["state"], smoothing=options["smoothing"]))
            else:
                mats.append(pen_fn(f["state"]))
        if not mats:
            return np.zeros((0, 0))
        return sparse.block_diag(mats).toarray()


def _fit(encoder, X, y, w, strength, options, theta0=None):
    return fit_logistic(X, y, w, strength * encoder.penalty(options), theta0=theta0)


def _normalised(w):
    total = w.sum()
    return w * (len(w) / total) if total > 0 else np.ones_like(w)


# ------------------------------------------------------------------------------------------------
# Training


def train(rows, y, order, spec, *, min_per_class=50, validation_fraction=0.2, recency_half_life=None,
          sample_weight=None, random_state=0, options=None):
    """Learn a calibrated conversion model from closed leads.

    :param rows: pandas DataFrame (or list of dicts) with the columns named in ``spec``
    :param y: 1 for won, 0 for lost, one per row (rows with another value are ignored)
    :param order: one sortable value per row, oldest first after sorting: dates (creation date)
        or numbers (ids). Used for the time-ordered validation split and the recency weights;
        never as a feature.
    :param spec: :class:`FeatureSpec`
    :param min_per_class: below this many won or lost leads, :class:`InsufficientHistory` is raised
    :param validation_fraction: the newest fraction of rows held out to choose the penalty strength,
        fit the calibration and measure the model (0 disables: no calibration, no metrics)
    :param recency_half_life: if set, rows are weighted by ``0.5 ** (age / half_life)``, age counted
        from the newest row in the unit of ``order`` (days for dates, units of id otherwise).
        ``"auto"``: chosen on the newest part among none and 1, 0.3, 0.1 times the history span
        (the choice is in ``metrics["recency_half_life"]`` and the payload)
    :param sample_weight: optional non-negative weight per row (multiplied with the recency weight)
    :param random_state: accepted for interface stability; training is deterministic
    :param options: overrides of :data:`DEFAULT_OPTIONS`
    :return: ``(payload, metrics)``: the model as plain data for :class:`Scorer`, and the measures
        on the held-out newest part: auc, brier, logloss, lift10 (conversion rate of the top 10 %
        over the base rate), base_rate, calibration (per decile of prediction), plus n_won, n_lost,
        n_train (rows used to fit before refitting on all), n_test (held-out rows)
    :raises InsufficientHistory: fewer than ``min_per_class`` won or lost leads
    """
    del random_state
    opts = dict(DEFAULT_OPTIONS, **(options or {}))
    frame = encoding.as_frame(rows).reset_index(drop=True)
    n_all = len(frame)
    yv, valid = _targets(y, n_all)
    keys = order_key(order, n_all)
    sw = np.ones(n_all) if sample_weight is None else pd.to_numeric(
        pd.Series(np.asarray(sample_weight, dtype=object).ravel()), errors="coerce").to_numpy(dtype=float)
    if len(sw) != n_all:
        raise ValueError(f"sample_weight has {len(sw)} entries for {n_all} rows")
    sw = np.where(np.isfinite(sw) & (sw > 0), sw, 0.0)
    valid &= sw > 0

    n_won, n_lost = int((yv[valid] == 1).sum()), int((yv[valid] == 0).sum())
    if n_won < min_per_class or n_lost < min_per_class:
        raise InsufficientHistory(n_won, n_lost, min_per_class)

    idx = np.nonzero(valid)[0]
    idx = idx[np.argsort(keys[idx], kind="stable")]
    frame = frame.iloc[idx].reset_index(drop=True)
    yv, keys, sw = yv[idx], keys[idx], sw[idx]
    n = len(yv)

    # Features that follow the calendar (ids, timestamps given as numbers) would put every new
    # lead beyond the training range: leave them out.
    features, dropped = [], []
    for name, kind in spec.features():
        if kind == "numeric":
            x = encoding.numeric_values(encoding.column(frame, name, n))
            if abs(_spearman(x, keys)) >= opts["calendar_correlation"]:
                dropped.append({"feature": name, "reason": "follows the lead order (calendar)"})
                continue
        features.append((name, kind))

    # Time-ordered split: fit on the older part, choose and calibrate on the newest.
    n_val = int(round(n * validation_fraction)) if validation_fraction else 0
    cut = n - n_val
    y_val = yv[cut:]
    min_val = opts["min_validation_per_class"]
    has_validation = (n_val > 0 and (y_val == 1).sum() >= min_val and (y_val == 0).sum() >= min_val
                      and (yv[:cut] == 1).sum() >= 2 and (yv[:cut] == 0).sum() >= 2)

    auto = isinstance(recency_half_life, str) and recency_half_life.strip().lower() == "auto"
    if auto:
        span = float(keys[:cut].max() - keys[:cut].min()) if cut else 0.0
        half_lives = [None] + ([span * f for f in opts["auto_half_life_fractions"]] if span > 0 else [])
    else:
        half_lives = [float(recency_half_life) if recency_half_life else None]

    strength = sorted(opts["penalties"])[len(opts["penalties"]) // 2]
    half_life = half_lives[0]
    calib = (1.0, 0.0)
    measured = {}
    if has_validation:
        # Choose the penalty strength (and with "auto" the half-life) by the calibrated log-loss on
        # the newest part; a candidate must beat the simpler ones by a margin to be chosen.
        train_frame, val_frame = frame.iloc[:cut].reset_index(drop=True), frame.iloc[cut:].reset_index(drop=True)
        w_val = sw[cut:]
        enc = _Encoder.fit(train_frame, features, yv[:cut], sw[:cut], opts)
        X_tr, X_val = enc.matrix(train_frame), enc.matrix(val_frame)
        best = None
        for hl in half_lives:
            w_tr = _normalised(sw[:cut] * _recency(keys[:cut], hl))
            theta = None
            for lam in sorted(opts["penalties"], reverse=True):  # strongest (simplest) first
                theta = _fit(enc, X_tr, yv[:cut], w_tr, lam, opts, theta0=theta)
                z_val = theta[0] + X_val @ theta[1:]
                a, b = fit_platt(z_val, y_val, w_val, prior=opts["calibration_prior"])
                loss = metrics_mod.log_loss(y_val, expit(a * z_val + b), w_val)
                if best is None or loss < best[0] * (1 - opts["selection_margin"]):
                    best = (loss, lam, hl, (a, b), z_val)
        _loss, strength, half_life, calib, z_val = best
        measured = metrics_mod.summary(y_val, _crossfit_platt(z_val, y_val, w_val, opts))

    # The stored model: every row, same settings, the calibration found on the newest part.
    weight = _normalised(sw * _recency(keys, half_life))
    enc = _Encoder.fit(frame, features, yv, weight, opts)
    X = enc.matrix(frame)
    theta = _fit(enc, X, yv, weight, strength, opts)

    payload = _payload(enc, theta, X, weight, yv, calib, spec, strength, opts, half_life, dropped, keys)
    result = {
        "auc": measured.get("auc"),
        "brier": measured.get("brier"),
        "lift10": measured.get("lift10"),
        "logloss": measured.get("logloss"),
        "n_won": n_won,
        "n_lost": n_lost,
        "n_train": int(cut if has_validation else n),
        "n_test": int(n - cut if has_validation else 0),
        "base_rate": measured.get("base_rate"),
        "calibration": measured.get("calibration", []),
        "penalty": float(strength),
        "recency_half_life": half_life,
        "dropped_features": dropped,
    }
    return payload, result


def _recency(keys, half_life):
    """Weights ``0.5 ** (age / half_life)``, age counted from the newest row (ones without half-life)."""
    if not half_life:
        return np.ones(len(keys))
    return np.power(0.5, (keys.max() - keys) / float(half_life))


def _crossfit_platt(z, y, w, opts):
    """Calibrated validation predictions, each half calibrated on the other half (honest metrics)."""
    n = len(z)
    half = n // 2
    out = np.empty(n)
    parts = [(slice(0, half), slice(half, n)), (slice(half, n), slice(0, half))]
    for target, source in parts:
        ys = y[source]
        if len(ys) and 0 < ys.sum() < len(ys):
            a, b = fit_platt(z[source], ys, w[source], prior=opts["calibration_prior"])
        else:
            a, b = fit_platt(z, y, w, prior=opts["calibration_prior"])
        out[target] = expit(a * z[target] + b)
    return out


def _payload(enc, theta, X, w, y, calib, spec, strength, opts, half_life, dropped, keys):
    coef = theta[1:].copy()
    intercept = float(theta[0])
    # Columns never active in training (no rare level, no missing value...) get the feature's
    # average contribution, so an unseen value scores as an average lead instead of as zero.
    active = np.asarray((X.multiply(w[:, None]) if X.shape[1] else X).sum(axis=0)).ravel() > 0
    features = []
    offset = 0
    X_csc = X.tocsc()
    for f in enc.features:
        width = f["state"]["width"]
        sl = slice(offset, offset + width)
        contrib = X_csc[:, sl] @ coef[sl]
        mean = float(np.average(contrib, weights=w))
        unseen = ~active[sl]
        block = coef[sl]
        block[unseen] = mean
        contrib = X_csc[:, sl] @ block
        mean = float(np.average(contrib, weights=w))
        state = {k: v for k, v in f["state"].items() if k != "width"}
        features.append({"name": f["name"], "kind": f["kind"], "label": spec.label(f["name"]),
                         "width": width, "coef": block.copy(), "mean": mean,
                         "importance": float(np.average(np.abs(contrib - mean), weights=w)), **state})
        offset += width
    reference = intercept + sum(f["mean"] for f in features)
    return {
        "format": FORMAT,
        "version": VERSION,
        "intercept": intercept,
        "reference_logit": float(reference),
        "calibration": {"method": "platt", "a": float(calib[0]), "b": float(calib[1])},
        "features": features,
        "spec": spec.to_dict(),
        "dropped_features": dropped,
        "penalty": float(strength),
        "recency_half_life": float(half_life) if half_life else None,
        "base_rate": float(np.average(y, weights=w)),
        "n_rows": int(len(y)),
        "order_range": [float(keys.min()), float(keys.max())] if len(keys) else None,
    }


# ------------------------------------------------------------------------------------------------
# Scoring


def _format_number(v):
    if v is None:
        return None
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    return f"{v:,.2f}" if abs(v) >= 100 else f"{v:.3g}"


class Scorer:
    """Predictions and reasons from a payload produced by :func:`train` (numpy only).

    Rows may be a pandas DataFrame or a list of dicts; missing columns, None, NaN, unseen
    categories and values of the wrong type are all read as "missing" and never raise.
    """

    def __init__(self, payload):
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError("not a lead scoring model")
        if int(payload.get("version", 0)) > VERSION:
            raise ValueError(f"lead scoring model version {payload.get('version')} is newer than this code")
        self.payload = payload
        self.features = []
        for f in payload["features"]:
            state = dict(f)
            state["coef"] = np.asarray(f["coef"], dtype=float)
            if "knots" in state:
                state["knots"] = np.asarray(f["knots"], dtype=float)
            self.features.append(state)
        self.intercept = float(payload["intercept"])
        self.reference_logit = float(payload["reference_logit"])
        self.a = float(payload["calibration"]["a"])
        self.b = float(payload["calibration"]["b"])

    @property
    def reference_probability(self):
        """Probability of the average training lead (the zero of the reasons' points)."""
        return float(expit(self.a * self.reference_logit + self.b))

    @property
    def feature_names(self):
        return [f["name"] for f in self.features]

    def feature_importance(self):
        """``{feature: mean |log-odds contribution| on the training leads}`` (larger = more influence)."""
        return {f["name"]: float(f.get("importance", 0.0)) for f in self.features}

    def _contributions(self, frame):
        n = len(frame)
        out = np.zeros((n, len(self.features)))
        for j, f in enumerate(self.features):
            col = encoding.column(frame, f["name"], n)
            try:
                rows, cols, vals = encoding.KINDS[f["kind"]][1](f, col)
                out[:, j] = np.bincount(rows, weights=vals * f["coef"][cols], minlength=n)[:n]
            except Exception:  # a column we cannot read at all: score it as an average lead
                out[:, j] = f["mean"]
        return out

    def decision_function(self, rows):
        """Calibrated log-odds of winning, per row."""
        frame = encoding.as_frame(rows).reset_index(drop=True)
        z = self.intercept + self._contributions(frame).sum(axis=1)
        return self.a * z + self.b

    def predict_proba(self, rows):
        """Probability of winning in [0, 1], one per row (ndarray)."""
        return expit(self.decision_function(rows))

    def points(self, rows):
        """``(p, points)``: probabilities and the (n, n_features) matrix of probability points.

        A feature's points are its log-odds contribution relative to the average training lead,
        converted to percentage points with the slope of the sigmoid between the reference
        probability and the row's probability, so each row's points add up exactly to
        ``100 * (p - reference_probability)`` and keep the sign of the log-odds effect.
        """
        frame = encoding.as_frame(rows).reset_index(drop=True)
        contrib = self._contributions(frame)
        centred = self.a * (contrib - np.array([f["mean"] for f in self.features]))
        z = self.a * (self.intercept + contrib.sum(axis=1)) + self.b
        z0 = self.a * self.reference_logit + self.b
        p, p0 = expit(z), expit(z0)
        dz = z - z0
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(np.abs(dz) > 1e-9, (p - p0) / dz, p0 * (1 - p0))
        return p, 100.0 * centred * slope[:, None]

    def explain(self, rows, top=3):
        """The ``top`` reasons of each row's score, largest effect first.

        :return: one list per row of ``{"feature", "kind", "label", "value", "points"}``: ``label``
            reads "Source: Website" (in the training's labels; the ORM words it again in the reader's
            language from ``feature``, ``kind`` and ``value``), ``points`` is the effect in percentage points of probability
            (positive raises the score), relative to the average lead.
        """
        return self.predict_explain(rows, top=top)[1]

    def predict_explain(self, rows, top=3):
        """``(probabilities, reasons)``: :meth:`predict_proba` and :meth:`explain` of the same rows,
        the contributions computed once."""
        frame = encoding.as_frame(rows).reset_index(drop=True)
        n = len(frame)
        if n == 0 or not self.features:
            return self.predict_proba(frame) if n else np.zeros(0), [[] for _ in range(n)]
        p, pts = self.points(frame)
        top = max(0, int(top))
        order = np.argsort(-np.abs(pts), axis=1, kind="stable")[:, :top]
        needed = sorted(set(order.ravel().tolist()))
        order = order.tolist()
        described = {}
        for j in needed:
            f = self.features[j]
            try:
                described[j] = encoding.KINDS[f["kind"]][3](f, encoding.column(frame, f["name"], n))
            except Exception:
                described[j] = [None] * n
        result = []
        labels = {}   # (feature, value) -> label: the same values recur from lead to lead
        values = pts.tolist()
        for i in range(n):
            reasons = []
            for j in order[i]:
                point = values[i][j]
                if abs(point) < 0.005:
                    continue
                f = self.features[j]
                value = described[j][i]
                key = (j, tuple(value) if isinstance(value, list) else value)
                try:
                    label = labels[key]
                except KeyError:
                    label = labels[key] = self._label(f, value)
                except TypeError:   # an unhashable value
                    label = self._label(f, value)
                reasons.append({"feature": f["name"], "kind": f["kind"], "label": label, "value": value,
                                "points": round(point, 2)})
            result.append(reasons)
        return p, result

    @staticmethod
    def _label(f, value):
        label = f["label"]
        kind = f["kind"]
        if kind == "categorical":
            return f"{label}: {value}" if value is not None else f"{label}: not set"
        if kind == "numeric":
            return f"{label}: {_format_number(value)}" if value is not None else f"{label}: not set"
        if kind == "multi":
            if not value:
                return f"{label}: none"
            known = [t for t in value if t in set(f.get("vocab", []))] or value
            return f"{label}: {', '.join(known[:3])}" + ("…" if len(known) > 3 else "")
        if kind == "text":
            return f"{label}: {value} words" if value else f"{label}: empty"
        return f"{label}: {value}"


def safe_float(value):
    """float(value) or None (helper for callers storing metrics)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
