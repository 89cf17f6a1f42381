"""Penalised, weighted logistic regression by Newton's method, and Platt calibration.

The design matrices here are small in width (a few hundred indicator and spline columns) and
long (up to a few hundred thousand leads), so a full Newton step (one Cholesky solve of a
p x p system per iteration) converges in about ten iterations, exactly and deterministically.
"""
import numpy as np
from scipy import linalg, sparse
from scipy.special import expit


def _objective(z, y, w, theta, penalty):
    return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * theta @ (penalty @ theta))


def fit_logistic(X, y, w, penalty, theta0=None, max_iter=100, tol=1e-7):
    """Minimise ``sum w*logloss(y, intercept + X @ beta) + 0.5 * beta' P beta``.

    :param X: scipy sparse (n, p) design
    :param y: (n,) 0/1 targets
    :param w: (n,) non-negative weights
    :param penalty: (p, p) dense positive semi-definite penalty (the intercept is not penalised)
    :param theta0: optional warm start ``[intercept, *beta]``
    :return: ``theta = [intercept, *beta]`` as an ndarray of p + 1 floats
    """
    n, p = X.shape
    Xa = sparse.hstack([sparse.csr_matrix(np.ones((n, 1))), X], format="csr")
    pen = np.zeros((p + 1, p + 1))
    pen[1:, 1:] = penalty
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    if theta0 is None:
        theta = np.zeros(p + 1)
        rate = np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6)
        theta[0] = np.log(rate / (1 - rate))
    else:
        theta = np.array(theta0, dtype=float)
    z = Xa @ theta
    obj = _objective(z, y, w, theta, pen)
    scale = max(1.0, float(w.sum()))
    for _ in range(max_iter):
        mu = expit(z)
        grad = Xa.T @ (w * (mu - y)) + pen @ theta
        curv = w * mu * (1 - mu)
        hess = (Xa.T @ Xa.multiply(curv[:, None])).toarray() + pen
        hess[np.diag_indices_from(hess)] += 1e-9 * scale
        try:
            step = linalg.cho_solve(linalg.cho_factor(hess, lower=False, check_finite=False), grad,
                                    check_finite=False)
        except linalg.LinAlgError:
            step = linalg.lstsq(hess, grad, check_finite=False)[0]
        decrement = float(grad @ step)
        t = 1.0
        while True:
            cand = theta - t * step
            z_cand = Xa @ cand
            obj_cand = _objective(z_cand, y, w, cand, pen)
            if obj_cand <= obj - 1e-4 * t * decrement or t < 1e-8:
                break
            t *= 0.5
        theta, z, improvement = cand, z_cand, obj - obj_cand
        obj = obj_cand
        if decrement / 2 < tol * scale or improvement < tol * 1e-3 * scale:
            break
    return theta


def fit_platt(z, y, w=None, prior=1.0, max_iter=50):
    """Calibration ``p = sigmoid(a * z + b)`` fitted on held-out logits ``z``.

    A weak Gaussian prior (``prior``, in units of leads) pulls ``(a, b)`` towards ``(1, 0)``, the
    identity, so a small or one-sided validation set cannot produce a wild mapping.
    Returns ``(a, b)`` as floats.
    """
    z = np.asarray(z, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones_like(z) if w is None else np.asarray(w, dtype=float)
    a, b = 1.0, 0.0
    for _ in range(max_iter):
        s = a * z + b
        mu = expit(s)
        r = w * (mu - y)
        g = np.array([r @ z + prior * (a - 1), r.sum() + prior * b])
        c = w * mu * (1 - mu)
        h = np.array([[c @ (z * z) + prior, c @ z], [c @ z, c.sum() + prior]])
        step = np.linalg.solve(h, g)
        obj = np.sum(w * (np.logaddexp(0, s) - y * s)) + 0.5 * prior * ((a - 1) ** 2 + b ** 2)
        t = 1.0
        while t > 1e-8:
            na, nb = a - t * step[0], b - t * step[1]
            ns = na * z + nb
            nobj = np.sum(w * (np.logaddexp(0, ns) - y * ns)) + 0.5 * prior * ((na - 1) ** 2 + nb ** 2)
            if nobj <= obj:
                break
            t *= 0.5
        a, b = na, nb
        if abs(step[0]) * t < 1e-9 and abs(step[1]) * t < 1e-9:
            break
    return float(a), float(b)
