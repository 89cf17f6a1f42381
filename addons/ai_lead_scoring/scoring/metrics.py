"""Accuracy measures of a probabilistic classifier: plain numpy, no scikit-learn needed.

All functions take ``y`` (0/1) and ``p`` (probabilities) as array-likes of the same length and
return plain Python floats (``None`` when the measure is undefined, e.g. AUC with one class).
"""
import numpy as np
from scipy.stats import rankdata

EPS = 1e-15


def _arrays(y, p, weight=None):
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(p, dtype=float).ravel()
    w = np.ones_like(y) if weight is None else np.asarray(weight, dtype=float).ravel()
    return y, p, w


def roc_auc(y, p):
    """Area under the ROC curve (Mann-Whitney U, ties counted as half); None with a single class."""
    y, p, _w = _arrays(y, p)
    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(y, p, weight=None):
    """Mean squared error of the probabilities (lower is better)."""
    y, p, w = _arrays(y, p, weight)
    if not len(y):
        return None
    return float(np.average((p - y) ** 2, weights=w))


def log_loss(y, p, weight=None):
    """Mean negative log-likelihood (natural log), probabilities clipped to [1e-15, 1 - 1e-15]."""
    y, p, w = _arrays(y, p, weight)
    if not len(y):
        return None
    p = np.clip(p, EPS, 1 - EPS)
    return float(np.average(-(y * np.log(p) + (1 - y) * np.log(1 - p)), weights=w))


def lift(y, p, fraction=0.1):
    """Conversion rate among the ``fraction`` best-scored rows divided by the overall rate.

    Rows tied on the boundary score count in proportion (the expected lift under a random
    tie-break), so a model with few distinct scores is neither favoured nor penalised.
    """
    y, p, _w = _arrays(y, p)
    n = len(y)
    base = y.mean() if n else 0.0
    if n == 0 or base == 0:
        return None
    n_top = max(1, int(round(n * fraction)))
    order = np.argsort(-p, kind="stable")
    threshold = p[order[n_top - 1]]
    above = p > threshold
    tied = p == threshold
    n_above = int(above.sum())
    take_tied = n_top - n_above
    won_top = y[above].sum() + (y[tied].mean() * take_tied if take_tied > 0 else 0.0)
    return float((won_top / n_top) / base)


def calibration_table(y, p, bins=10):
    """Observed against predicted rate per decile of predicted probability.

    Deciles hold equal numbers of rows, ``decile`` 1 the lowest predictions, 10 the highest.
    Returns ``[{"decile", "predicted", "observed", "n"}, ...]`` (fewer rows than ``bins`` when
    there are fewer rows than bins).
    """
    y, p, _w = _arrays(y, p)
    if not len(y):
        return []
    order = np.argsort(p, kind="stable")
    table = []
    for i, idx in enumerate(np.array_split(order, min(bins, len(y))), start=1):
        table.append({"decile": i, "predicted": float(p[idx].mean()), "observed": float(y[idx].mean()),
                      "n": int(len(idx))})
    return table


def summary(y, p):
    """The usual set of measures: auc, brier, logloss, lift10, base_rate, calibration."""
    y, p, _w = _arrays(y, p)
    return {
        "auc": roc_auc(y, p),
        "brier": brier(y, p),
        "logloss": log_loss(y, p),
        "lift10": lift(y, p, 0.1),
        "base_rate": float(y.mean()) if len(y) else None,
        "calibration": calibration_table(y, p),
    }
