"""Odoo 19's own vendor-bill rules, replayed in Python on plain bills.

- Amount (``account.move._compute_abnormal_warnings``): the supplier's posted bills of the same
  move type, company and currency dated on or before the bill (the bill itself excluded), newest
  first; with fewer than 10 nothing is flagged; otherwise mean and sample standard deviation of
  the newest min(n, 30) - and of every bill sharing the date of the last one kept, as the SQL window
  ``ORDER BY invoice_date DESC`` counts date ties together - and the bill is flagged when its total
  lies outside mean ± 2 sd. Odoo only looks at drafts with a non-zero total.
- Duplicates (``_fetch_duplicate_reference``): another bill of the same commercial partner with
  the same ``ref`` (exact string) in the same year of invoice date, or with the same non-zero
  total and the same invoice date.
- Account (``account.account._get_most_frequent_account_for_partner``): the expense account most
  used by the supplier's lines dated in the last 730 days, ties to the smallest code.
"""
import bisect
from collections import Counter, defaultdict

import numpy as np


class NativeRules:
    def __init__(self, bills):
        self.bills = bills
        self.by_partner = defaultdict(list)
        for b in bills:
            if b.get("partner") is not None and b.get("date") is not None:
                self.by_partner[(b["partner"], b.get("currency"))].append(b)
        self.dates = {}
        for key, rows in self.by_partner.items():
            rows.sort(key=lambda b: (b["date"], b["id"]))
            self.dates[key] = [b["date"] for b in rows]

    def amount_flag(self, bill):
        """(flagged, number of earlier bills) for the bill's ``amount_total``."""
        z, n = self.amount_z(bill)
        return z > 2.0, n

    def amount_z(self, bill):
        """(|total - mean| / sd over Odoo's window, number of earlier bills); z is -inf when Odoo
        does not judge the bill. ``z > 2`` is Odoo's rule; other cut-offs sweep its formula."""
        amount = bill.get("amount_total") or 0.0
        key = (bill.get("partner"), bill.get("currency"))
        rows = self.by_partner.get(key, [])
        if not amount or not rows or bill.get("date") is None:
            return -np.inf, 0
        hi = bisect.bisect_right(self.dates[key], bill["date"])
        prev = [b for b in rows[:hi] if b["id"] != bill["id"]]
        n = len(prev)
        if n < 10:
            return -np.inf, n
        prev.sort(key=lambda b: b["date"], reverse=True)
        k = min(n, 30)
        last_date = prev[k - 1]["date"]
        sel = np.array([b["amount_total"] for b in prev if b["date"] >= last_date], dtype=float)
        mean, sd = sel.mean(), sel.std(ddof=1)
        if sd == 0:
            return (np.inf if amount != mean else 0.0), n
        return abs(amount - mean) / sd, n

    def duplicate_flag(self, bill):
        """True when Odoo lists a duplicate for the bill among the other bills of its partner."""
        key = (bill.get("partner"), bill.get("currency"))
        for other in self.by_partner.get(key, ()):
            if other["id"] == bill["id"]:
                continue
            if bill.get("ref") and other.get("ref") == bill["ref"] and (
                    bill.get("date") is None or other.get("date") is None or other["date"].year == bill["date"].year):
                return True
            if bill.get("amount_total") and other.get("amount_total") == bill["amount_total"] \
                    and other.get("date") == bill.get("date"):
                return True
        return False


def most_frequent_account(partner_lines, day, window_days=730):
    """Odoo's proposal from the supplier's earlier lines [(date, account)] (sorted by date)."""
    counts = Counter(acc for d, acc in partner_lines if acc and (day - d).days <= window_days and d < day)
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


def fiscal_native_flags(frame):
    """Odoo's duplicate rule mapped onto the FISCAL pair features: same reference
    (``invoiceNumber_damlev == 1``: the normalised edit similarity is 1 only for identical
    invoice numbers; the year condition cannot be checked and is taken as met) or same supplier,
    same amount and same date (``same_suppRef``, ``same_baseAmount``, ``same_enteredDate``; the
    file has no invoice date, the entry date stands in for it)."""
    same_ref = frame["invoiceNumber_damlev"].to_numpy() >= 1.0
    same_amount_date = ((frame["same_suppRef"] == 1) & (frame["same_baseAmount"] == 1)
                        & (frame["same_enteredDate"] == 1)).to_numpy()
    return same_ref | same_amount_date
