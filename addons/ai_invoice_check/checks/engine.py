"""``check_bill``: every check of one bill against a :class:`~.history.History`.

Each check returns *assessments* (a score and what it was compared with, flagged or not);
:func:`assess_bill` returns them all, :func:`check_bill` only the findings (assessments with a
severity). Checks never raise on odd input: a missing partner, date, amount or line simply skips
what cannot be checked.
"""
import datetime as dt
import logging
import math
from collections import Counter

import numpy as np

from .amount import SQRT_2PI, assess_amount, weighted_median
from .duplicates import DuplicateScorer, pair_features
from .history import _NO_DATE, History, normalise_bill, tax_label, to_date
from .text import iban_is_valid

_logger = logging.getLogger(__name__)

KINDS = ("amount", "line_price", "line_quantity", "tax", "currency", "payment_terms", "date", "duplicate",
         "bank_account")
SEVERITIES = ("info", "warning", "high")

DEFAULT_POLICY = {
    "checks": KINDS,
    "as_of_bill_date": True,        # compare with bills dated on or before the bill (re-checks see the past only)
    # amount (see amount.py)
    "amount_min_bills": 3,
    "amount_max_bills": 200,
    "amount_half_life_days": 365.0,
    "amount_same_account_boost": 5.0,
    "amount_season_boost": 2.0,
    "amount_season_days": 30,
    "amount_prior_sd": 0.4,
    "amount_prior_weight": 2.0,
    "amount_min_bandwidth": 0.05,
    "amount_recurring_bandwidth": 0.01,
    "amount_repeat_tolerance": 0.005,
    "amount_background_weight": 2.0,
    "amount_background_sd_factor": 3.0,
    "amount_background_min_sd": 1.0,
    "amount_factor_range": (1.1, 5.0),  # the alternative: a usual total inflated by 10 % to 5 times (log-uniform)
    "amount_fallback_min_bills": 10,
    "amount_fallback_max_bills": 300,
    "amount_fallback_days": 730,
    "amount_decision_tolerance": 0.05,
    "amount_decision_weight": 1.0,      # an accepted level counts as one recent bill
    "amount_info_score": 0.7,       # log10 likelihood ratio
    "amount_warning_score": 1.0,
    "amount_high_score": 1.5,
    "amount_info_down_score": 1.5,
    # unit prices
    "price_half_life_days": 120.0,
    "price_max_points": 24,
    "price_max_age_days": 1095,
    "price_qty_bandwidth": 0.7,     # log-quantity kernel: prices of similar quantities count more
    "price_prior_sd": 0.03,
    "price_prior_weight": 2.0,
    "price_min_sd": 0.005,
    "price_drift_sd_per_year": 0.05,
    "price_z_unit": 3.0,            # score = min(z / 3, log ratio / log(1.10))
    "price_rel_unit": 0.10,
    "price_other_rel_unit": 0.25,   # other suppliers' prices for the product
    "price_other_min_points": 3,
    "price_po_tolerance": 0.01,
    "price_warning_score": 1.0,
    "price_high_score": 2.0,
    # quantities
    "qty_tolerance": 0.001,
    # taxes
    "tax_min_lines": 3,
    "tax_min_share": 0.9,
    # currency
    "currency_min_bills": 3,
    # payment terms
    "terms_min_bills": 3,
    "terms_min_share": 0.8,
    "due_days_margin": 7,
    # dates
    "date_future_days": 1,
    "rhythm_min_bills": 6,
    "rhythm_max_mad_ratio": 0.2,
    "rhythm_early_ratio": 0.5,
    "rhythm_min_days": 7,
    # duplicates
    "duplicate_window_days": 90,
    "duplicate_search_after": True,   # also compare with bills dated after the bill (False: as when it was entered)
    "duplicate_amount_tolerance": 0.01,
    "duplicate_same_ref_days": 365,
    "duplicate_same_amount": 0.005,   # relative difference under which two totals are "the same"
    "duplicate_min_digits": 4,
    "duplicate_sequence_slack": 3,
    "duplicate_sequence_factor": 3.0,
    "duplicate_default_rate": 1.0,    # invoice numbers per day when the supplier's numbering is unknown
    "duplicate_counter_log_sd": 1.0,  # spread (log scale) of a counter's steps, before the supplier's own are seen
    "duplicate_counter_prior_weight": 3.0,
    "duplicate_counter_jump_share": 0.1,  # next invoices whose counter moved by any amount
    "duplicate_typo_max_ratio": 100.0,  # bound on that evidence either way (1: not used)
    "duplicate_year_share": 0.8,      # share of a supplier's references whose number is the bill's year
    "duplicate_name_similarity": 0.85,
    "duplicate_prior": 0.02,          # duplicates among candidate pairs (the scorer was fitted on balanced pairs)
    "duplicate_repeat_days": 365,     # window of the supplier's bills whose amounts are compared with each other
    "duplicate_repeat_weight": 2.0,   # pseudo-bills of the company-wide share added to a supplier's repeat share
    "duplicate_model": None,          # a DuplicateScorer payload; None: the shipped one
    "duplicate_warning_score": 0.5,
    "duplicate_high_score": 0.9,
    "duplicate_max_candidates": 50,
    # bank accounts
    "bank_recent_days": 90,
    "today": None,
}

TEMPLATES = {
    "amount_up": "%(percent)s higher than usual (usually %(expected)s ± %(spread)s over the last %(count)s bills)",
    "amount_down": "%(percent)s lower than usual (usually %(expected)s ± %(spread)s over the last %(count)s bills)",
    "amount_up_account": ("%(percent)s higher than usual for this expense account (usually %(expected)s ± "
                          "%(spread)s over %(count)s bills of other suppliers)"),
    "amount_down_account": ("%(percent)s lower than usual for this expense account (usually %(expected)s ± "
                            "%(spread)s over %(count)s bills of other suppliers)"),
    "price_po": ("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above the purchase order price "
                 "%(expected)s"),
    "price_po_down": ("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s below the purchase order "
                      "price %(expected)s"),
    "price_history": ("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above the usual "
                      "%(expected)s (%(count)s earlier purchases, last on %(last_date)s)"),
    "price_other": ("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above what other suppliers "
                    "charge (%(expected)s over %(count)s purchases)"),
    "qty_received": ("Line %(line)s (%(product)s): %(billed)s billed but %(received)s received "
                     "(%(ordered)s ordered, %(before)s already billed)"),
    "qty_ordered": ("Line %(line)s (%(product)s): %(billed)s billed but %(ordered)s ordered "
                    "(%(before)s already billed)"),
    "tax": ("Line %(line)s (%(product)s): tax %(tax)s instead of the usual %(usual)s (%(count)s of %(total)s "
            "earlier lines)"),
    "currency": "Billed in %(currency)s; the %(count)s earlier bills of this supplier were in %(usual)s",
    "due_before_date": "Due date %(due)s is before the bill date %(date)s",
    "due_days": "Due in %(days)s days instead of the usual %(usual)s days",
    "payment_term": "Payment terms %(term)s instead of the usual %(usual)s (%(count)s of %(total)s earlier bills)",
    "date_future": "Dated %(date)s, %(days)s days in the future",
    "date_before_order": "Dated %(date)s, before the purchase order of %(order_date)s (line %(line)s)",
    "date_rhythm": ("Came %(days)s days after the previous bill; this supplier usually bills every %(usual)s days"),
    "duplicate_hash": "Same document as bill %(other)s of %(other_date)s (identical file)",
    "duplicate_ref": "Same reference %(ref)s as bill %(other)s of %(other_date)s (amount %(other_amount)s)",
    "duplicate_near": ("Possible duplicate of bill %(other)s of %(other_date)s: reference %(ref)s / %(other_ref)s, "
                       "amount %(amount)s / %(other_amount)s, %(days)s days apart"),
    "bank_new": "Bank account %(iban)s was never used by this supplier (known: %(known)s)",
    "bank_recent": "Bank account %(iban)s was first used %(days)s days ago, replacing %(known)s",
    "bank_other_partner": "Bank account %(iban)s is used by another supplier",
    "bank_invalid": "Bank account %(iban)s is not a valid IBAN",
}


# ------------------------------------------------------------------------------------------------
# Formatting


class Arg(str):
    """A value of a message, written the English way for the core's own message, carrying its kind
    and raw value so that the ORM words it again in the reader's language and currency."""

    def __new__(cls, text, kind, value):
        arg = super().__new__(cls, text)
        arg.kind, arg.value = kind, value
        return arg


def fmt_amount(value):
    if value is None or not math.isfinite(value):
        return "-"
    return Arg(f"{value:,.2f}", "amount", float(value))


def fmt_number(value):
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return Arg(text, "number", float(value))


def fmt_percent(ratio):
    return Arg(f"{abs(ratio) * 100:.0f}%", "percent", abs(float(ratio)))


def fmt_date(day):
    return Arg(day.isoformat(), "date", day.isoformat()) if isinstance(day, dt.date) else "-"


def message_args(values):
    """``{name: {"kind", "value"}}`` of the values that the reader's language writes its own way
    (amounts, numbers, percentages, dates)."""
    return {name: {"kind": value.kind, "value": value.value} for name, value in values.items()
            if isinstance(value, Arg)}


def _finding(kind, severity, template_key, values, score, expected=None, low=None, high=None, compared_ids=(),
             line=None, other_id=None, raw=None):
    template = TEMPLATES[template_key]
    args = message_args(values)
    values = {name: str(value) for name, value in values.items()}
    try:
        message = template % values
    except (KeyError, TypeError, ValueError):
        message = template
    return {"kind": kind, "severity": severity, "message": message, "template": template,
            "template_key": template_key, "values": values, "args": args, "expected": expected, "low": low,
            "high": high,
            "compared_ids": list(compared_ids), "score": float(score), "line": line, "other_id": other_id,
            "raw": raw or {}}


def _severity(score, warning, high):
    if score >= high:
        return "high"
    if score >= warning:
        return "warning"
    return None


# ------------------------------------------------------------------------------------------------
# Checks


class _Context:
    def __init__(self, bill, history, policy):
        self.bill = bill
        self.history = history
        self.policy = policy
        self.self_row = history.index_of(bill["id"]) if bill["id"] is not None else None
        self.self_rows = (self.self_row,) if self.self_row is not None else ()
        self.as_of = bill["t"] if (policy["as_of_bill_date"] and bill["date"]) else None
        # the latest date the duplicate check looks at (None: no limit)
        self.dup_until = None if (policy["duplicate_search_after"] or not bill["date"]) else bill["t"]
        self.today = to_date(policy.get("today")) or history.today
        self.cache = {}

    def ids(self, rows):
        return [self.history.bills[r]["id"] for r in rows]

    def decisions(self, kind):
        if self.bill["partner"] is None:
            return []
        return self.history.partner_decisions(self.bill["partner"], kind)


def _check_amount(ctx):
    a = assess_amount(ctx.bill, ctx.history, ctx.policy, ctx.self_rows)
    if a is None or a.get("suppressed"):
        return [] if a is None else [dict(a, severity=None)]
    p = ctx.policy
    compared = ctx.ids(a["compared_rows"])
    values = {"percent": fmt_percent(a["ratio"] - 1.0), "expected": fmt_amount(a["expected"]),
              "spread": fmt_amount(a["spread"]), "count": str(a["count"])}
    raw = {"ratio": a["ratio"], "expected": a["expected"], "spread": a["spread"], "count": a["count"],
           "basis": a["basis"], "score_down": a["score_down"]}
    suffix = "_account" if a["basis"] == "account" else ""
    if a["ratio"] >= 1.0:
        severity = _severity(a["score"], p["amount_warning_score"], p["amount_high_score"])
        if severity == "high" and a["basis"] == "account":
            severity = "warning"   # other suppliers' bills are weaker evidence
        if severity is None and a["score"] >= p["amount_info_score"]:
            severity = "info"      # worth a look, not an alarm (few bills, or a varying supplier)
        return [_finding("amount", severity, "amount_up" + suffix, values, a["score"], a["expected"], a["low"],
                         a["high"], compared, raw=raw)]
    severity = "info" if a["score_down"] >= p["amount_info_down_score"] else None
    # the alarm score of a lower total is its upward score (low): lower totals are information only
    return [_finding("amount", severity, "amount_down" + suffix, values, a["score"], a["expected"], a["low"],
                     a["high"], compared, raw=raw)]


def _price_points(ctx, series, currency):
    n, mask = ctx.history.past_mask(series, ctx.as_of, ctx.self_rows)
    price = series.col("price")[:n]
    keep = mask & (price > 0) & np.isfinite(price) & (series.col("currency")[:n] == currency)
    keep &= series.t[:n] != -(10 ** 9)
    return np.nonzero(keep)[0]


def _check_line_prices(ctx):
    out = []
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    currency = str(bill["currency"])
    t_ref = bill["t"] if bill["date"] else ctx.today.toordinal()
    for li, line in enumerate(bill["lines"]):
        price = line["price_unit"]
        if not (price > 0) or line["product"] is None:
            continue
        product = line["product_name"]
        x = math.log(price)
        # decisions: an accepted price level for this product
        accepted = [d for d in ctx.decisions("line_price") if d.get("product") == line["product"]
                    and isinstance(d.get("level"), (int, float)) and d["level"] > 0]
        if any(abs(x - math.log(d["level"])) <= math.log1p(p["amount_decision_tolerance"]) for d in accepted):
            continue
        po = hist.po_lines.get(line["po_line_id"]) if line["po_line_id"] is not None else None
        if po is not None and po["price_unit"] > 0:
            ratio = price / po["price_unit"]
            score = math.log(ratio) / math.log1p(p["price_po_tolerance"])
            values = {"line": str(li + 1), "product": product, "price": fmt_amount(price),
                      "percent": fmt_percent(ratio - 1.0), "expected": fmt_amount(po["price_unit"])}
            if ratio > 1.0 + p["price_po_tolerance"]:
                out.append(_finding("line_price", "high" if ratio > 1.0 + 5 * p["price_po_tolerance"] else "warning",
                                    "price_po", values, score, po["price_unit"], None, po["price_unit"], line=li,
                                    raw={"ratio": ratio, "basis": "purchase_order"}))
            elif ratio < 1.0 - p["price_po_tolerance"]:
                out.append(_finding("line_price", "info", "price_po_down", values, score, po["price_unit"],
                                    po["price_unit"], None, line=li, raw={"ratio": ratio, "basis": "purchase_order"}))
            continue
        series = hist.partner_products.get((bill["partner"], line["product"])) if bill["partner"] is not None else None
        pos = _price_points(ctx, series, currency) if series is not None else np.zeros(0, dtype=int)
        if len(pos):
            pos = pos[series.t[pos] >= t_ref - p["price_max_age_days"]][-p["price_max_points"]:]
        levels = [(math.log(d["level"]), d["t"]) for d in accepted]
        if len(pos) or levels:
            xs = np.log(series.col("price")[pos]) if len(pos) else np.zeros(0)
            ts = series.t[pos].astype(float) if len(pos) else np.zeros(0)
            qs = series.col("qty")[pos] if len(pos) else np.zeros(0)
            if levels:
                xs = np.concatenate([xs, [lv for lv, _ in levels]])
                ts = np.concatenate([ts, [t if t != -(10 ** 9) else t_ref for _, t in levels]])
                qs = np.concatenate([qs, [line["quantity"]] * len(levels)])
            age = np.maximum(t_ref - ts, 0.0)
            w = 0.5 ** (age / p["price_half_life_days"])
            q = line["quantity"]
            if q > 0 and np.all(qs > 0):
                w = w * np.exp(-0.5 * ((np.log(qs) - math.log(q)) / p["price_qty_bandwidth"]) ** 2) + 1e-12
            ref = weighted_median(xs, w)
            mad = weighted_median(np.abs(xs - ref), w) * 1.4826
            n_eff = float(w.sum() ** 2 / (w ** 2).sum())
            k0, prior = p["price_prior_weight"], p["price_prior_sd"]
            sd = max(p["price_min_sd"], math.sqrt((k0 * prior ** 2 + n_eff * mad ** 2) / (k0 + n_eff)))
            years = float(age.min()) / 365.25
            sd = math.sqrt(sd ** 2 + (p["price_drift_sd_per_year"] * years) ** 2)
            dev = x - ref
            score = min(dev / sd / p["price_z_unit"], dev / math.log1p(p["price_rel_unit"]))
            expected = math.exp(ref)
            last_k = int(np.argmax(ts)) if len(ts) else 0
            values = {"line": str(li + 1), "product": product, "price": fmt_amount(price),
                      "percent": fmt_percent(price / expected - 1.0), "expected": fmt_amount(expected),
                      "count": str(len(pos)),
                      "last_date": fmt_date(dt.date.fromordinal(int(ts[last_k])))
                      if len(ts) and ts[last_k] > 0 else "-"}
            severity = _severity(score, p["price_warning_score"], p["price_high_score"]) if dev > 0 else None
            out.append(_finding("line_price", severity, "price_history", values, score, expected,
                                math.exp(ref - 2 * sd), math.exp(ref + 2 * sd),
                                ctx.ids([series.rows[k] for k in pos[::-1]]) if len(pos) else [], line=li,
                                raw={"ratio": price / expected, "sd": sd, "basis": "supplier"}))
            continue
        other = hist.products.get(line["product"])
        if other is None:
            continue
        opos = _price_points(ctx, other, currency)
        opos = opos[other.t[opos] >= t_ref - p["price_max_age_days"]]
        if len(opos) < p["price_other_min_points"]:
            continue
        xs = np.log(other.col("price")[opos])
        ref = float(np.median(xs))
        dev = x - ref
        score = dev / math.log1p(p["price_other_rel_unit"])
        expected = math.exp(ref)
        values = {"line": str(li + 1), "product": product, "price": fmt_amount(price),
                  "percent": fmt_percent(price / expected - 1.0), "expected": fmt_amount(expected),
                  "count": str(len(opos))}
        severity = "warning" if score >= p["price_warning_score"] else None
        out.append(_finding("line_price", severity, "price_other", values, score, expected, None, None,
                            ctx.ids(sorted({other.rows[k] for k in opos})), line=li,
                            raw={"ratio": price / expected, "basis": "product"}))
    return out


def _check_line_quantities(ctx):
    out = []
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    billed_here = {}
    for li, line in enumerate(bill["lines"]):
        if line["po_line_id"] is not None and line["quantity"] == line["quantity"]:
            billed_here.setdefault(line["po_line_id"], []).append((li, line["quantity"]))
    accepted = {d.get("po_line_id") for d in ctx.decisions("line_quantity")}
    for po_id, items in billed_here.items():
        po = hist.po_lines.get(po_id)
        if po is None or po_id in accepted:
            continue
        qty = sum(q for _, q in items)
        before, before_rows = 0.0, []
        for row in set(hist.by_po_line.get(po_id, ())):
            if row == ctx.self_row:
                continue
            other = hist.bills[row]
            before_rows.append(row)
            before += sum(l["quantity"] for l in other["lines"] if l["po_line_id"] == po_id
                          and l["quantity"] == l["quantity"])
        total = qty + before
        received, ordered = po["qty_received"], po["qty_ordered"]
        li = items[0][0]
        product = bill["lines"][li]["product_name"] or str(po["product"] or "")
        values = {"line": str(li + 1), "product": product, "billed": fmt_number(qty), "received": fmt_number(received),
                  "ordered": fmt_number(ordered), "before": fmt_number(before)}
        tol = p["qty_tolerance"]
        if math.isfinite(received):
            limit, key = received, "qty_received"
        elif math.isfinite(ordered):
            limit, key = ordered, "qty_ordered"
        else:
            continue
        excess = total - limit
        if excess > tol * max(1.0, abs(limit)):
            over_ordered = math.isfinite(ordered) and total > ordered * (1 + tol) + tol
            score = excess / max(abs(limit), 1.0)
            out.append(_finding("line_quantity", "high" if over_ordered else "warning", key, values, score,
                                limit - before, None, limit - before, ctx.ids(before_rows), line=li,
                                raw={"billed": qty, "before": before, "received": received, "ordered": ordered}))
    return out


def _check_taxes(ctx):
    out = []
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    if bill["partner"] is None:
        return out
    accepted = {(d.get("product"), d.get("tax")) for d in ctx.decisions("tax")}
    accepted_any = {d.get("tax") for d in ctx.decisions("tax") if d.get("product") is None}
    lines_partner = hist.partner_lines.get(bill["partner"])
    for li, line in enumerate(bill["lines"]):
        key = line["tax"]
        if key is None:
            continue
        if (line["product"], key) in accepted or key in accepted_any or (line["product"], tax_label(key)) in accepted:
            continue
        counts, rows = {}, []
        series = hist.partner_products.get((bill["partner"], line["product"])) if line["product"] is not None else None
        if series is not None:
            n, mask = hist.past_mask(series, ctx.as_of, ctx.self_rows)
            taxes = series.col("tax")[:n]
            for k in np.nonzero(mask)[0]:
                if taxes[k] is not None:
                    counts[taxes[k]] = counts.get(taxes[k], 0) + 1
                    rows.append(series.rows[k])
        if sum(counts.values()) < p["tax_min_lines"] and lines_partner is not None:
            # no product (or too little of it): the supplier's lines on the same account, else all of them
            n, mask = hist.past_mask(lines_partner, ctx.as_of, ctx.self_rows)
            taxes = lines_partner.col("tax")[:n]
            keep = mask.copy()
            if line["account"] is not None:
                same = keep & (lines_partner.col("account")[:n] == line["account"])
                if same.sum() >= p["tax_min_lines"]:
                    keep = same
            counts = dict(Counter(taxes[keep].tolist()))
            rows = [lines_partner.rows[k] for k in np.nonzero(keep)[0][-50:]]
        total = sum(counts.values())
        if total < p["tax_min_lines"] or key in counts:
            continue
        usual, count = max(counts.items(), key=lambda kv: kv[1])
        share = count / total
        if share < p["tax_min_share"]:
            continue
        values = {"line": str(li + 1), "product": line["product_name"] or line["name"], "tax": tax_label(key),
                  "usual": tax_label(usual), "count": str(count), "total": str(total)}
        out.append(_finding("tax", "warning", "tax", values, share * math.log1p(total), None, None, None,
                            ctx.ids(sorted(set(rows))[-50:]), line=li,
                            raw={"tax": key if not isinstance(key, tuple) else list(key),
                                 "usual": usual if not isinstance(usual, tuple) else list(usual)}))
    return out


def _partner_past(ctx):
    """(series, positions) of the supplier's earlier bills (as of the bill's date, without it)."""
    series = ctx.history.partners.get(ctx.bill["partner"]) if ctx.bill["partner"] is not None else None
    if series is None:
        return None, np.zeros(0, dtype=np.int64)
    n, mask = ctx.history.past_mask(series, ctx.as_of, ctx.self_rows)
    return series, np.nonzero(mask)[0]


def _recent_ids(ctx, series, pos, count=30):
    return ctx.ids([series.rows[k] for k in pos[-count:][::-1]])


def _check_currency(ctx, past):
    bill, p = ctx.bill, ctx.policy
    series, pos = past
    if bill["currency"] is None or len(pos) < p["currency_min_bills"]:
        return []
    if any(d.get("currency") == bill["currency"] for d in ctx.decisions("currency")):
        return []
    counts = Counter(c for c in series.col("currency")[pos].tolist() if c != "None")
    if not counts or str(bill["currency"]) in counts:
        return []
    usual = counts.most_common(1)[0][0]
    values = {"currency": str(bill["currency"]), "usual": usual, "count": str(sum(counts.values()))}
    return [_finding("currency", "warning", "currency", values, math.log1p(sum(counts.values())), None, None, None,
                     _recent_ids(ctx, series, pos), raw={"usual": usual})]


def _check_terms(ctx, past):
    out = []
    bill, p = ctx.bill, ctx.policy
    series, pos = past
    if bill["due_date"] is not None and bill["date"] is not None:
        due_days = (bill["due_date"] - bill["date"]).days
        if due_days < 0:
            values = {"due": fmt_date(bill["due_date"]), "date": fmt_date(bill["date"])}
            out.append(_finding("payment_terms", "warning", "due_before_date", values, float(-due_days), None, None,
                                None, raw={"due_days": due_days}))
        elif len(pos):
            days = series.col("due_days")[pos]
            known = pos[np.isfinite(days)]
            days = days[np.isfinite(days)]
            accepted = {d.get("due_days") for d in ctx.decisions("payment_terms")}
            if len(days) >= p["terms_min_bills"] and due_days not in accepted:
                usual = float(np.median(days))
                margin = max(p["due_days_margin"], 0.25 * usual)
                if due_days < usual - margin:
                    values = {"days": str(due_days), "usual": f"{usual:g}"}
                    out.append(_finding("payment_terms", "warning", "due_days", values,
                                        (usual - due_days) / max(margin, 1.0), usual, usual - margin, None,
                                        _recent_ids(ctx, series, known), raw={"due_days": due_days, "usual": usual}))
    if bill["payment_term"] is not None and len(pos):
        counts = Counter(t for t in series.col("term")[pos].tolist() if t is not None)
        total = sum(counts.values())
        accepted = {d.get("payment_term") for d in ctx.decisions("payment_terms")}
        if total >= p["terms_min_bills"] and bill["payment_term"] not in counts \
                and bill["payment_term"] not in accepted:
            usual, count = counts.most_common(1)[0]
            if count / total >= p["terms_min_share"]:
                values = {"term": str(bill["payment_term"]), "usual": str(usual), "count": str(count),
                          "total": str(total)}
                out.append(_finding("payment_terms", "info", "payment_term", values, count / total, None, None, None,
                                    _recent_ids(ctx, series, pos), raw={"usual": usual}))
    return out


def _check_dates(ctx, past):
    out = []
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    series, pos = past
    if bill["date"] is None:
        return out
    ahead = (bill["date"] - ctx.today).days
    if ahead >= p["date_future_days"]:
        out.append(_finding("date", "warning", "date_future", {"date": fmt_date(bill["date"]), "days": str(ahead)},
                            float(ahead), raw={"days": ahead}))
    for li, line in enumerate(bill["lines"]):
        po = hist.po_lines.get(line["po_line_id"]) if line["po_line_id"] is not None else None
        if po is not None and po["date_order"] is not None and po["date_order"] > bill["date"]:
            out.append(_finding("date", "warning", "date_before_order",
                                {"date": fmt_date(bill["date"]), "order_date": fmt_date(po["date_order"]),
                                 "line": str(li + 1)}, float((po["date_order"] - bill["date"]).days), line=li))
            break
    if ctx.decisions("date") or not len(pos):
        return out
    t = series.t[pos]
    dated = np.unique(t[(t > -(10 ** 9)) & (t < bill["t"])])
    if len(dated) >= p["rhythm_min_bills"]:
        gaps = np.diff(dated[-25:]).astype(float)
        usual = float(np.median(gaps))
        mad = float(np.median(np.abs(gaps - usual)))
        gap = int(bill["t"] - dated[-1])
        if usual >= p["rhythm_min_days"] and mad <= p["rhythm_max_mad_ratio"] * usual \
                and gap < p["rhythm_early_ratio"] * usual:
            out.append(_finding("date", "info", "date_rhythm", {"days": str(gap), "usual": f"{usual:g}"},
                                (usual - gap) / usual, usual, usual - 2 * mad, usual + 2 * mad,
                                _recent_ids(ctx, series, pos, 10), raw={"gap": gap, "usual": usual}))
    return out


_SCORER = {}


def _scorer(policy):
    params = policy.get("duplicate_model")
    key = id(params)
    if key not in _SCORER:
        _SCORER[key] = DuplicateScorer(params)
    return _SCORER[key]


def duplicate_candidates(ctx):
    """Rows of the history worth comparing with the bill: same document hash (any supplier or
    journal), same normalised reference (same supplier within a year, or any supplier with the same
    amount), same supplier within the window with a nearly equal amount or equal reference digits."""
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    until = ctx.dup_until
    found = {}
    if bill["doc_hash"]:
        for r in hist.by_hash.get(bill["doc_hash"], ()):
            if until is None or hist.bills[r]["t"] <= until:
                found[r] = "hash"
    same_ref = sorted({r for key in bill["ref_keys"] for r in hist.by_ref.get(key, ())
                       if until is None or hist.bills[r]["t"] <= until})
    for r in same_ref[:10 * p["duplicate_max_candidates"]]:
        other = hist.bills[r]
        if other["partner"] == bill["partner"] and bill["partner"] is not None:
            if bill["date"] is None or other["date"] is None or \
                    abs((bill["date"] - other["date"]).days) <= p["duplicate_same_ref_days"]:
                found.setdefault(r, "ref")
        elif len(bill["ref_norm"]) >= 4 and _close_amount(bill, other, p["duplicate_amount_tolerance"]):
            found.setdefault(r, "ref")
    series = hist.partner_bills.get(bill["partner"]) if bill["partner"] is not None else None
    if series is not None and bill["date"] is not None:
        lo = np.searchsorted(series.t, bill["t"] - p["duplicate_window_days"], side="left")
        hi = np.searchsorted(series.t, bill["t"] + (p["duplicate_window_days"] if until is None else 0), side="right")
        amounts = series.col("amount")
        amount = bill["amount_total"]
        near = []
        for k in range(lo, hi):
            r = series.rows[k]
            if r in found:
                continue
            other = hist.bills[r]
            close = math.isfinite(amount) and amount != 0 and \
                abs(amounts[k] - amount) <= p["duplicate_amount_tolerance"] * max(abs(amount), abs(amounts[k]))
            digits = any(len(k) >= 3 and k in other["digit_keys"] for k in bill["digit_keys"])
            if close or digits:
                near.append((abs(series.t[k] - bill["t"]), r))
        for _, r in sorted(near)[:p["duplicate_max_candidates"]]:
            found[r] = "near"
    found.pop(ctx.self_row, None)
    return found


def _close_amount(a, b, tolerance):
    x, y = a["amount_total"], b["amount_total"]
    if not (math.isfinite(x) and math.isfinite(y)) or x == 0:
        return False
    return abs(x - y) <= tolerance * max(abs(x), abs(y))


def _differing_number(a, b):
    """(index, earlier-number, later-number) when two references are the same but for one number
    (same letters and separators), else None."""
    if a["ref_skeleton"] != b["ref_skeleton"] or len(a["ref_numbers"]) != len(b["ref_numbers"]):
        return None
    diff = [k for k, (x, y) in enumerate(zip(a["ref_numbers"], b["ref_numbers"])) if x != y]
    return diff[0] if len(diff) == 1 else None


def numbering(ctx, partner, skeleton, n_numbers, around_t):
    """What the supplier's references of one form (``skeleton`` with ``n_numbers`` numbers) dated
    within a year of ``around_t`` say about each number: the values seen, whether it is a counter
    (mostly distinct values), a code such as a branch, or the year of the bill date, and for counters
    how fast they grow per day and per bill (medians) and how the steps between consecutive references
    stray, on the log scale, from what the days between them predict (mean and spread). None with
    fewer than three such references."""
    key = (partner, skeleton, n_numbers)
    cache = ctx.cache.setdefault("numbering", {})
    if key in cache:
        return cache[key]
    series = ctx.history.partners.get(partner)
    refs, years = [], []
    if series is not None:
        lo = np.searchsorted(series.t, around_t - 365, side="left")
        last = around_t + 365 if ctx.dup_until is None else min(around_t + 365, ctx.dup_until)
        hi = np.searchsorted(series.t, last, side="right")
        for k in range(lo, hi):
            r = series.rows[k]
            other = ctx.history.bills[r]
            if r != ctx.self_row and other["ref_skeleton"] == skeleton and len(other["ref_numbers"]) == n_numbers:
                refs.append((other["t"], other["ref_numbers"]))
                years.append([_is_year_of(x, w, other["date"]) for x, w in zip(other["ref_numbers"], other["ref_widths"])])
    if len(refs) < 3:
        cache[key] = None
        return None
    refs.sort()
    p = ctx.policy
    fields = []
    for i in range(n_numbers):
        values = [nums[i] for _, nums in refs]
        distinct = sorted(set(values))
        counter = len(distinct) >= 0.5 * len(values)
        by_day = {}
        for t, nums in refs:
            by_day.setdefault(t, []).append(nums[i])
        days = sorted(by_day)
        levels = [float(np.median(by_day[d])) for d in days]
        per_day = [(levels[j + 1] - levels[j]) / (days[j + 1] - days[j]) for j in range(len(days) - 1)]
        steps = [b - a for a, b in zip(distinct, distinct[1:])]
        rate = max(float(np.median(per_day)), 0.0) if per_day else None
        shift = sd = None
        if counter and rate is not None:
            # how the steps between consecutive references stray from rate x days + 1 (log scale):
            # their mean and spread, shrunk towards 0 and duplicate_counter_log_sd
            res = np.array([math.log((nb[i] - na[i]) / (rate * (tb - ta) + 1.0))
                            for (ta, na), (tb, nb) in zip(refs, refs[1:]) if nb[i] > na[i]])
            k0, sd0 = p["duplicate_counter_prior_weight"], p["duplicate_counter_log_sd"]
            shift = float(res.sum() / (k0 + len(res)))
            sd = math.sqrt((k0 * sd0 ** 2 + float(((res - shift) ** 2).sum())) / (k0 + len(res)))
        fields.append({"values": set(distinct), "counter": counter, "refs": refs,
                       "year": sum(y[i] for y in years) >= p["duplicate_year_share"] * len(refs),
                       "per_day": rate, "per_bill": float(np.percentile(steps, 90)) if steps else None,
                       "log_shift": shift, "log_sd": sd})
    cache[key] = fields
    return fields


def _is_year_of(value, width, day):
    """True when a reference number written with ``width`` digits is the year (4 digits) or the
    year's last two digits of the date ``day``."""
    if day is None or width not in (2, 4):
        return False
    return value == (day.year if width == 4 else day.year % 100)


def out_of_sequence(ctx, a, b):
    """True when two references of a supplier that differ in one number cannot both come from its
    invoice numbering (a typing error rather than the next invoice): the year of the bill date is
    not that of the bill, a code-like number (a branch) takes a value the supplier never used, or a
    counter is smaller on the later bill, or larger by far more than the supplier's counter grows
    in the days (or bills) between them."""
    index = _differing_number(a, b)
    if index is None or a["date"] is None or b["date"] is None:
        return False
    p = ctx.policy
    fields = numbering(ctx, a["partner"], a["ref_skeleton"], len(a["ref_numbers"]), a["t"])
    field = fields[index] if fields else None
    if field is None or field["year"]:
        # the year of the bill date (the supplier's, or a reference of several numbers one of which is
        # its bill's year): a number that is not its own bill's year is mistyped
        fits = [_is_year_of(x["ref_numbers"][index], x["ref_widths"][index], x["date"]) for x in (a, b)]
        if field is not None or (len(a["ref_numbers"]) > 1 and any(fits)):
            return not all(fits)
    early, late = (a, b) if (a["t"], a["ref_numbers"][index]) <= (b["t"], b["ref_numbers"][index]) else (b, a)
    days = late["t"] - early["t"]
    delta = late["ref_numbers"][index] - early["ref_numbers"][index]
    if field is not None and not field["counter"]:
        # a code (a branch): both values must be the supplier's, the later not smaller
        seen = a["ref_numbers"][index] in field["values"] and b["ref_numbers"][index] in field["values"]
        return not seen or delta < 0
    if delta <= 0 and days > 0:
        return True
    per_day = field["per_day"] if field and field["per_day"] is not None else p["duplicate_default_rate"]
    per_bill = field["per_bill"] if field and field["per_bill"] is not None else p["duplicate_default_rate"]
    bound = p["duplicate_sequence_slack"] + p["duplicate_sequence_factor"] * max(per_day * days, per_bill)
    if abs(delta) > bound:
        return True
    return field is not None and _breaks_order(a, index, field["refs"])


def _breaks_order(bill, index, refs):
    """True when the bill's counter is smaller than that of a bill dated before it, or larger than
    that of a bill dated after it (numbering follows the invoice dates), among references whose
    other numbers are the bill's."""
    nums = bill["ref_numbers"]
    mine = nums[index]
    for t, other in refs:
        if other == nums or any(x != y for j, (x, y) in enumerate(zip(other, nums)) if j != index):
            continue
        if (t < bill["t"] and other[index] > mine) or (t > bill["t"] and other[index] < mine):
            return True
    return False


def typo_likelihood_ratio(ctx, a, b):
    """How much more likely the difference between two references that differ in one number, a
    counter, is as a typing error (one of the number's digits replaced by another: 1 / (9 x its
    digits)) than as the supplier's next invoice. The next invoice moves the counter by the
    supplier's rate times the days between the bills (plus one), log-normally spread as its own steps
    are around that, or, now and then (``duplicate_counter_jump_share``), by any amount: uniform on the
    log scale up to the number's width, which is all that is assumed when the supplier's numbering
    is unknown (fewer than three references of the form). 1 when the number is not a counter."""
    p = ctx.policy
    index = _differing_number(a, b)
    bound = p["duplicate_typo_max_ratio"]
    if index is None or a["date"] is None or b["date"] is None or not bound > 1.0:
        return 1.0
    fields = numbering(ctx, a["partner"], a["ref_skeleton"], len(a["ref_numbers"]), a["t"])
    field = fields[index] if fields else None
    if field is not None and (field["year"] or not field["counter"]):
        return 1.0
    delta = abs(a["ref_numbers"][index] - b["ref_numbers"][index])
    if delta == 0:
        return 1.0
    width = max(a["ref_widths"][index], b["ref_widths"][index], 1)
    p_next = 1.0 / (delta * width * math.log(10.0))
    if field is not None and field["log_sd"] is not None:
        expected = field["per_day"] * abs(a["t"] - b["t"]) + 1.0
        z = (math.log(delta) - math.log(expected) - field["log_shift"]) / field["log_sd"]
        jump = p["duplicate_counter_jump_share"]
        p_next = (1.0 - jump) * math.exp(-0.5 * z * z) / (field["log_sd"] * delta * SQRT_2PI) + jump * p_next
    p_typo = 1.0 / (9.0 * width)
    return min(max(p_typo / p_next, 1.0 / bound), bound)


def amount_repeat_share(ctx, partner, t, exclude):
    """Share of the supplier's bills of the year before ``t`` (``exclude`` rows left out) whose total,
    to the cent, is also that of another of them, shrunk towards the company-wide share: how little
    "the same amount" says about two of its bills being one document (rent, subscriptions and fixed
    fees repeat; most amounts do not)."""
    p = ctx.policy
    hist = ctx.history
    weight = p["duplicate_repeat_weight"]
    prior = hist.amount_repeat_share(p["duplicate_repeat_days"])
    series = hist.partner_bills.get(partner)
    n = k = 0
    if series is not None and t != _NO_DATE:
        lo = np.searchsorted(series.t, t - p["duplicate_repeat_days"], side="left")
        hi = np.searchsorted(series.t, t, side="right")
        keep = [j for j in range(lo, hi) if series.rows[j] not in exclude]
        cents = np.round(series.col("amount")[keep] * 100.0)
        cents = cents[np.isfinite(cents)]
        n = len(cents)
        if n >= 2:
            _, inverse, counts = np.unique(cents, return_inverse=True, return_counts=True)
            k = int(np.sum(counts[inverse] > 1))
    return (k + weight * prior) / (n + weight)


def prior_shift(probability, policy):
    """The learnt probability (balanced training pairs) moved to the prior of duplicates among the
    candidate pairs of a company's bills (``duplicate_prior``)."""
    prior = policy["duplicate_prior"]
    train = policy.get("duplicate_train_prior", 0.5)
    p = min(max(probability, 1e-9), 1 - 1e-9)
    logit = math.log(p / (1 - p)) + math.log(prior / (1 - prior)) - math.log(train / (1 - train))
    return 1.0 / (1.0 + math.exp(-logit))


def duplicate_pair_score(ctx, bill, other, feats, probability):
    """(score, reason) of a candidate pair. Rules on what identifies a document come first: the same
    file; the same reference after normalisation; the same digits with the same amount; with the
    same amount, one character off in a number that does not fit the supplier's numbering (a typing
    error); one character off with the same total to the cent but in sequence: the odds of the
    company's prior, over the supplier's share of repeated totals (see :func:`amount_repeat_share`),
    times how much likelier the changed number is as a typing error than as the next invoice (see
    :func:`typo_likelihood_ratio`). Within each rule the learnt probability orders the pairs. Other
    pairs get the learnt probability moved to the company's prior of duplicates (see
    :func:`prior_shift`)."""
    p = ctx.policy
    same_amount = feats["amount_rel_diff"] <= p["duplicate_same_amount"]
    if feats["same_hash"]:
        return 1.0, "hash"
    if feats["same_partner"]:
        if feats["ref_equal"]:
            return (0.98 if same_amount else 0.9) + 0.01 * probability, "ref"
        if same_amount and feats["ref_digits_length"] >= p["duplicate_min_digits"]:
            return 0.96 + 0.01 * probability, "digits"
        if same_amount and feats["ref_distance"] == 1 \
                and min(len(bill["ref_compact"]), len(other["ref_compact"])) >= 4 \
                and out_of_sequence(ctx, bill, other):
            return 0.93 + 0.02 * probability, "typo"
        if feats["ref_distance"] == 1 and min(len(bill["ref_compact"]), len(other["ref_compact"])) >= 4 \
                and _same_cents(bill, other):
            # one character apart and the same total to the cent, but the reference fits the supplier's
            # numbering: the next invoice, or a typing error. The same total weighs as much as the
            # supplier's totals rarely repeat (odds of the company's prior over its repeat share).
            prior = p["duplicate_prior"]
            share = amount_repeat_share(ctx, bill["partner"], bill["t"], {ctx.self_row, _row_of(ctx, other)})
            odds = prior / (1 - prior) / max(share, 1e-3) * typo_likelihood_ratio(ctx, bill, other)
            return max(odds / (1 + odds), prior_shift(probability, p)), "amount"
    elif feats["ref_equal"] and same_amount and (feats["name_jaro"] >= p["duplicate_name_similarity"]
                                                 or (bill["iban"] and bill["iban"] == other["iban"])):
        return 0.9 + 0.01 * probability, "ref"
    return prior_shift(probability, p), "model"


def _same_cents(a, b):
    x, y = a["amount_total"], b["amount_total"]
    return math.isfinite(x) and math.isfinite(y) and x != 0 and round(x * 100) == round(y * 100)


def _row_of(ctx, other):
    return ctx.history.index_of(other["id"]) if other["id"] is not None else None


def _check_duplicates(ctx):
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    candidates = duplicate_candidates(ctx)
    if not candidates:
        return []
    rejected = {d.get("other_id") for d in ctx.decisions("duplicate")
                if d.get("bill_id") in (None, bill["id"])}
    rows = [r for r in candidates if hist.bills[r]["id"] is None or hist.bills[r]["id"] not in rejected]
    if not rows:
        return []
    feats = [pair_features(bill, hist.bills[r]) for r in rows]
    probs = _scorer(p).probability(feats)
    best = None
    for r, f, prob in zip(rows, feats, probs):
        score, reason = duplicate_pair_score(ctx, bill, hist.bills[r], f, float(prob))
        if best is None or score > best[0]:
            best = (score, r, f, reason, float(prob))
    score, r, f, reason, prob = best
    other = hist.bills[r]
    values = {"other": other["ref"] or f"#{other['id']}", "other_date": fmt_date(other["date"]),
              "ref": bill["ref"] or "-", "other_ref": other["ref"] or "-", "amount": fmt_amount(bill["amount_total"]),
              "other_amount": fmt_amount(other["amount_total"]),
              "days": str(int(f["days_apart"])) if math.isfinite(f["days_apart"]) else "-"}
    key = {"hash": "duplicate_hash", "ref": "duplicate_ref"}.get(reason, "duplicate_near")
    severity = _severity(score, p["duplicate_warning_score"], p["duplicate_high_score"])
    raw = {k: (v if math.isfinite(v) else None) for k, v in f.items()}
    raw.update({"reason": reason, "model_probability": prob})
    return [_finding("duplicate", severity, key, values, score, other["amount_total"], None, None, [other["id"]],
                     other_id=other["id"], raw=raw)]


def _check_bank(ctx):
    bill, hist, p = ctx.bill, ctx.history, ctx.policy
    iban = bill["iban"]
    if not iban:
        return []
    if not iban_is_valid(iban):
        return [_finding("bank_account", "high", "bank_invalid", {"iban": iban}, 10.0)]
    if any(d.get("iban") and d.get("iban").replace(" ", "").upper() == iban for d in ctx.decisions("bank_account")):
        return []
    out = []
    others = {partner for partner, first in hist.iban_partners.get(iban, {}).items()
              if partner != bill["partner"] and (ctx.as_of is None or first <= ctx.as_of)}
    if others and bill["partner"] is not None:
        out.append(_finding("bank_account", "high", "bank_other_partner", {"iban": iban}, 9.0,
                            raw={"partners": sorted(str(o) for o in others)}))
    if bill["partner"] is None:
        return out
    known = hist.known_ibans(bill["partner"], ctx.as_of, ctx.self_rows)
    if not known:
        return out   # first bill (or first account) of the supplier: nothing to compare with
    known_text = ", ".join(sorted(known)[:3]) + (" ..." if len(known) > 3 else "")
    if iban not in known:
        out.append(_finding("bank_account", "high", "bank_new", {"iban": iban, "known": known_text}, 8.0,
                            raw={"known": sorted(known)}))
        return out
    first, _count = known[iban]
    t_ref = bill["t"] if bill["date"] else ctx.today.toordinal()
    older = [k for k, (t, _c) in known.items() if k != iban and t < first]
    if older and t_ref - first <= p["bank_recent_days"]:
        values = {"iban": iban, "days": str(max(t_ref - first, 0)), "known": ", ".join(sorted(older)[:3])}
        out.append(_finding("bank_account", "high", "bank_recent", values, 5.0,
                            raw={"first_seen": fmt_date(dt.date.fromordinal(first)) if first > 0 else None}))
    return out


_CHECKS = {
    "amount": _check_amount,
    "line_price": _check_line_prices,
    "line_quantity": _check_line_quantities,
    "tax": _check_taxes,
    "duplicate": _check_duplicates,
    "bank_account": _check_bank,
}


def make_policy(policy=None):
    """DEFAULT_POLICY updated with ``policy`` (unknown keys are kept: they may be read by callers)."""
    merged = dict(DEFAULT_POLICY)
    if policy:
        merged.update(policy)
    return merged


def assess_bill(bill, history, policy=None):
    """Every assessment of ``bill`` (flagged or not); each has ``severity`` None when not flagged."""
    policy = make_policy(policy)
    if not isinstance(history, History):
        history = History(history or ())
    try:
        bill = normalise_bill(bill)
    except Exception:  # noqa: BLE001 - bad input never raises; nothing can be checked
        _logger.exception("invoice check: unreadable bill")
        return []
    ctx = _Context(bill, history, policy)
    enabled = set(policy["checks"] or ())
    out = []
    past = None
    for kind in KINDS:
        if kind not in enabled:
            continue
        try:
            if kind in ("currency", "payment_terms", "date"):
                if past is None:
                    past = _partner_past(ctx)
                fn = {"currency": _check_currency, "payment_terms": _check_terms, "date": _check_dates}[kind]
                out.extend(fn(ctx, past))
            else:
                out.extend(_CHECKS[kind](ctx))
        except Exception:  # noqa: BLE001 - one failing check must not hide the others
            _logger.exception("invoice check %s failed on bill %s", kind, bill.get("id"))
    return out


def check_bill(bill, history, policy=None):
    """Findings of one bill: the assessments with a severity, most severe first."""
    findings = [a for a in assess_bill(bill, history, policy) if a.get("severity")]
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    findings.sort(key=lambda f: (order.get(f["severity"], 9), -f["score"]))
    return findings


def check_bills(bills, history, policy=None):
    """``{bill id: findings}`` for a batch, sharing one History."""
    return {normalise_bill(b).get("id") if isinstance(b, dict) else None: check_bill(b, history, policy)
            for b in bills or ()}


__all__ = ["DEFAULT_POLICY", "KINDS", "SEVERITIES", "TEMPLATES", "assess_bill", "check_bill", "check_bills",
           "amount_repeat_share", "duplicate_candidates", "duplicate_pair_score", "make_policy", "numbering",
           "out_of_sequence"]
