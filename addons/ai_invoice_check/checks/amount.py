"""Is a bill's total unusual for its supplier?

The supplier's previous totals (same currency, dated on or before the bill) give a predictive
density on the log scale, a mixture of

- a *recurring* part: narrow kernels (``amount_recurring_bandwidth``, 1 %) on every previous
  total, weighted by how often this supplier repeats an earlier amount (rent, subscriptions);
- a *usual* part: a kernel density with a bandwidth from the robust spread (weighted MAD, shrunk
  towards ``amount_prior_sd`` when there are few bills), so two or three price levels, a quarterly
  bill between monthly ones or a winter peak are all "usual";
- a broad *background* whose weight falls as bills accumulate (few bills: little certainty).

Previous bills are weighted by recency (half-life ``amount_half_life_days``), more when they were
booked on the same main account as the bill, and more when they fall in the same season of an
earlier year. Accepted amount levels (decisions) join them as recent, heavy points.

The score is a likelihood ratio, in log10: how much more likely the total is as one of the
supplier's usual totals inflated by 10 %-400 % than as a usual total itself. It ranks unusual bills
of steady suppliers (where an error can be seen) before equally far bills of suppliers whose totals
always vary (where it cannot), which a per-supplier z-score does not. ``score_down`` is the same for
totals lower than usual (reported as information: paying less than usual is not a loss).

With fewer than ``amount_min_bills`` bills of the supplier, the bills of every supplier booked on
the same main account (at least ``amount_fallback_min_bills``) stand in, without the recurring part.
"""
import math

import numpy as np
from scipy.special import ndtr

SQRT_2PI = math.sqrt(2.0 * math.pi)
MAD_TO_SD = 1.4826


def weighted_median(x, w):
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cum = np.cumsum(ws)
    return float(xs[min(np.searchsorted(cum, 0.5 * cum[-1]), len(xs) - 1)])


class LogDensity:
    """Mixture density of log amounts (see the module docstring)."""

    def __init__(self, x, w, policy, recurring=True, repeat_source=None):
        self.x = np.asarray(x, dtype=float)
        w = np.asarray(w, dtype=float)
        self.w = w / w.sum()
        self.n = len(self.x)
        self.center = weighted_median(self.x, self.w)
        mad = weighted_median(np.abs(self.x - self.center), self.w) * MAD_TO_SD
        self.n_eff = float(w.sum() ** 2 / (w ** 2).sum())
        k0, prior = policy["amount_prior_weight"], policy["amount_prior_sd"]
        self.sd = math.sqrt((k0 * prior ** 2 + self.n_eff * mad ** 2) / (k0 + self.n_eff))
        self.h = max(policy["amount_min_bandwidth"], 0.9 * self.sd * self.n_eff ** -0.2)
        self.h0 = policy["amount_recurring_bandwidth"]
        if recurring:
            seq = self.x if repeat_source is None else repeat_source
            tol = policy["amount_repeat_tolerance"]
            repeats = 0
            if len(seq) > 1:
                close = np.abs(seq[:, None] - seq[None, :]) <= tol
                repeats = int(np.tril(close, -1).any(axis=1).sum())
            self.r = (repeats + 0.5) / (len(seq) + 2.0)
        else:
            self.r = 0.0
        kb = policy["amount_background_weight"]
        self.eps = kb / (self.n_eff + kb)
        self.bg_sd = max(policy["amount_background_sd_factor"] * self.sd, policy["amount_background_min_sd"])

    def pdf(self, q):
        q = np.atleast_1d(np.asarray(q, dtype=float))
        d = q[:, None] - self.x[None, :]
        broad = np.exp(-0.5 * (d / self.h) ** 2) @ self.w / (self.h * SQRT_2PI)
        p = (1.0 - self.r) * broad
        if self.r > 0:
            p = p + self.r * (np.exp(-0.5 * (d / self.h0) ** 2) @ self.w / (self.h0 * SQRT_2PI))
        bg = np.exp(-0.5 * ((q - self.center) / self.bg_sd) ** 2) / (self.bg_sd * SQRT_2PI)
        return (1.0 - self.eps) * p + self.eps * bg

    def cdf(self, q):
        q = np.atleast_1d(np.asarray(q, dtype=float))
        d = q[:, None] - self.x[None, :]
        p = (1.0 - self.r) * (ndtr(d / self.h) @ self.w)
        if self.r > 0:
            p = p + self.r * (ndtr(d / self.h0) @ self.w)
        return (1.0 - self.eps) * p + self.eps * ndtr((q - self.center) / self.bg_sd)

    def _lr(self, q, log_range):
        """log10 likelihood ratios (up, down) at each value of ``q``: the density of "a usual value
        scaled by a factor whose logarithm is uniform on ``log_range``" over the density itself."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        a, b = log_range
        p0 = self.pdf(q)
        up = (self.cdf(q - a) - self.cdf(q - b)) / (b - a)
        down = (self.cdf(q + b) - self.cdf(q + a)) / (b - a)
        tiny = 1e-300
        return np.log10(up + tiny) - np.log10(p0 + tiny), np.log10(down + tiny) - np.log10(p0 + tiny)

    def scores(self, q, log_range, steps=16):
        """(up, down) scores of ``q``: the likelihood ratio of a usual value scaled up (down). Beyond
        the largest (smallest) previous value it never decreases: a total further out cannot be less
        suspicious than a nearer one."""
        q = float(q)
        hi, lo = float(self.x.max()), float(self.x.min())
        if q > hi:
            up, down = self._lr(np.linspace(hi, q, steps), log_range)
            return float(up.max()), float(down[-1])
        if q < lo:
            up, down = self._lr(np.linspace(lo, q, steps), log_range)
            return float(up[-1]), float(down.max())
        up, down = self._lr([q], log_range)
        return float(up[0]), float(down[0])


def _recency_weights(age_days, policy, accounts=None, account=None):
    w = 0.5 ** (np.maximum(age_days, 0) / policy["amount_half_life_days"])
    if accounts is not None and account is not None:
        w = w * np.where(accounts == account, policy["amount_same_account_boost"], 1.0)
    season = policy["amount_season_boost"]
    if season and season != 1.0:
        phase = np.abs(((age_days + 182) % 365) - 182)
        w = w * np.where((age_days > 300) & (phase <= policy["amount_season_days"]), season, 1.0)
    return w


def assess_amount(bill, history, policy, self_rows=()):
    """Assessment of a bill's total against its supplier (or similar suppliers), or None when
    nothing can be said (no positive total, no date-comparable history)."""
    amount = bill["amount_total"]
    if not (amount > 0) or not math.isfinite(amount):
        return None
    x_bill = math.log(amount)
    as_of = bill["t"] if (policy["as_of_bill_date"] and bill["date"]) else None
    currency = str(bill["currency"])
    t_ref = bill["t"] if bill["date"] else history.today.toordinal()
    log_range = (math.log(policy["amount_factor_range"][0]), math.log(policy["amount_factor_range"][1]))

    basis, used_rows, density = None, [], None
    series = history.partners.get(bill["partner"]) if bill["partner"] is not None else None
    if series is not None:
        n, mask = history.past_mask(series, as_of, self_rows)
        logs = series.col("log")[:n]
        keep = mask & np.isfinite(logs) & (series.col("currency")[:n] == currency) & (series.t[:n] != -(10 ** 9))
        pos = np.nonzero(keep)[0][-policy["amount_max_bills"]:]
        decisions = history.partner_decisions(bill["partner"], "amount")
        levels = [(math.log(d["level"]), d["t"]) for d in decisions
                  if isinstance(d.get("level"), (int, float)) and d["level"] > 0]
        for level, _t in levels:
            if abs(x_bill - level) <= math.log1p(policy["amount_decision_tolerance"]):
                return {"kind": "amount", "suppressed": True, "score": 0.0, "score_down": 0.0}
        if len(pos) + len(levels) >= policy["amount_min_bills"] and len(pos) > 0:
            x = logs[pos]
            age = (t_ref - series.t[pos]).astype(float)
            w = _recency_weights(age, policy, series.col("account")[pos], bill["main_account"])
            if levels:
                # an accepted level re-bases the expectation: the bills before the latest decision
                # are moved onto the new level (their spread and rhythm still hold), and the level
                # itself counts as a recent bill
                level, latest = max(levels, key=lambda lv: lv[1])
                if latest == -(10 ** 9):
                    latest = t_ref + 1   # an undated decision re-bases everything before the bill
                old = series.t[pos] < latest
                if old.any():
                    x = np.where(old, x + (level - weighted_median(x[old], w[old])), x)
                lage = max(t_ref - latest, 0) if latest != -(10 ** 9) else 0
                x = np.concatenate([x, [level]])
                level_weight = policy["amount_decision_weight"] * 0.5 ** (lage / policy["amount_half_life_days"])
                w = np.concatenate([w, [level_weight]])
            density = LogDensity(x, w, policy, recurring=True, repeat_source=x[:len(pos)])
            basis = "supplier"
            used_rows = [series.rows[k] for k in pos]
    if density is None and bill["main_account"] is not None:
        acc = history.accounts.get(bill["main_account"])
        if acc is not None:
            n, mask = history.past_mask(acc, as_of, self_rows)
            lo = np.searchsorted(acc.t[:n], t_ref - policy["amount_fallback_days"])
            keep = mask.copy()
            keep[:lo] = False
            keep &= acc.col("currency")[:n] == currency
            pos = np.nonzero(keep)[0][-policy["amount_fallback_max_bills"]:]
            if len(pos) >= policy["amount_fallback_min_bills"]:
                x = acc.col("log")[pos]
                w = _recency_weights((t_ref - acc.t[pos]).astype(float), policy)
                density = LogDensity(x, w, policy, recurring=False)
                basis = "account"
                used_rows = [acc.rows[k] for k in pos]
    if density is None:
        return None
    up, down = density.scores(x_bill, log_range)
    expected = math.exp(density.center)
    amounts = np.exp(density.x)
    spread = weighted_median(np.abs(amounts - expected), density.w) * MAD_TO_SD
    return {
        "kind": "amount",
        "basis": basis,
        "score": up,
        "score_down": down,
        "expected": expected,
        "spread": spread,
        "low": math.exp(density.center - 2.0 * density.sd),
        "high": math.exp(density.center + 2.0 * density.sd),
        "ratio": amount / expected,
        "count": len(used_rows),
        "compared_rows": used_rows[::-1],
        "suppressed": False,
    }
