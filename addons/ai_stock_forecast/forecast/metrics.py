"""Accuracy measures and demand classification (plain numpy)."""
import numpy as np


def mase_scale(history, season=1):
    """Mean absolute error of the (seasonal) naive forecast inside the history, ignoring unobserved
    periods; 0 when the history is constant or too short."""
    y = np.asarray(history, dtype=float)
    if len(y) <= season:
        return 0.0
    d = np.abs(y[season:] - y[:-season])
    d = d[np.isfinite(d)]
    return float(d.mean()) if len(d) else 0.0


def errors(actual, forecast):
    """Summed absolute error, summed signed error (forecast - actual), summed actual, count, over the
    observed periods."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    ok = np.isfinite(a)
    e = f[ok] - a[ok]
    return float(np.abs(e).sum()), float(e.sum()), float(np.abs(a[ok]).sum()), int(ok.sum())


def wape(actual, forecast):
    ae, _, tot, _ = errors(actual, forecast)
    return ae / tot if tot > 0 else float("nan")


def bias(actual, forecast):
    _, se, tot, _ = errors(actual, forecast)
    return se / tot if tot > 0 else float("nan")


def mase(actual, forecast, history, season=1):
    scale = mase_scale(history, season)
    ae, _, _, n = errors(actual, forecast)
    return ae / n / scale if scale > 0 and n else float("nan")


def rmsse(actual, forecast, history, season=1):
    """Root mean squared error scaled by the in-sample (seasonal) naive one (M5's measure)."""
    y = np.asarray(history, dtype=float)
    if len(y) <= season:
        return float("nan")
    d = (y[season:] - y[:-season]) ** 2
    d = d[np.isfinite(d)]
    scale = float(d.mean()) if len(d) else 0.0
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    ok = np.isfinite(a)
    if scale <= 0 or not ok.any():
        return float("nan")
    return float(np.sqrt(np.mean((f[ok] - a[ok]) ** 2) / scale))


def classify(history):
    """Syntetos-Boylan-Croston class of a demand history: ``smooth``, ``erratic``, ``intermittent``,
    ``lumpy``, or ``none`` (no demand observed). Returns (class, adi, cv2, n_nonzero).

    ADI = average interval between periods with demand (cut-off 1.32), CV² = squared coefficient of
    variation of the non-zero sizes (cut-off 0.49).
    """
    y = np.asarray(history, dtype=float)
    y = y[np.isfinite(y)]
    nz = y[y > 0]
    if len(nz) == 0:
        return "none", float("inf"), 0.0, 0
    adi = len(y) / len(nz)
    cv2 = float((nz.std() / nz.mean()) ** 2) if len(nz) > 1 else 0.0
    if adi < 1.32:
        cls = "smooth" if cv2 < 0.49 else "erratic"
    else:
        cls = "intermittent" if cv2 < 0.49 else "lumpy"
    return cls, float(adi), cv2, int(len(nz))
