"""The supplier history a bill is checked against, indexed once per batch.

:class:`History` takes plain rows (see the package docstring for their keys), normalises them
and builds per-supplier, per-(supplier, product), per-account and global indexes of sorted numpy
arrays. Checks then select "what was known at the bill's date" with a binary search and a mask,
so one History serves a whole batch of bills, including re-checking bills that are themselves in
it (a bill is never compared with itself).
"""
import bisect
import datetime as dt
import math
from collections import defaultdict

import numpy as np

from .text import (compact_ref, flat_digits, flat_ref, iban_is_valid, normalise_iban, normalise_name, normalise_ref,
                   ref_digits, ref_numbers, ref_skeleton, ref_widths, unlabelled_ref)

_NO_DATE = -(10 ** 9)


def to_date(value):
    """datetime.date from a date, a datetime or an ISO string; None otherwise."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def to_float(value, default=math.nan):
    if value is None or value is False or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _key(value):
    """A hashable, comparable key for ids and names given as ints, strings or Odoo-like pairs."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, (list, tuple)):
        return _key(value[0]) if value else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def tax_key(line):
    """What identifies the taxes of a line: the sorted tax names/ids when ``taxes`` is given,
    else the rate (a fraction, 0.2 for 20 %, or a percentage, 20) rounded; None when unknown."""
    taxes = line.get("taxes")
    if taxes:
        return tuple(sorted(str(t) for t in taxes))
    rate = to_float(line.get("tax_rate"))
    if math.isnan(rate):
        return None
    if abs(rate) > 1.0:
        rate /= 100.0
    return round(rate, 4)


def tax_label(key):
    if key is None:
        return "none"
    if isinstance(key, tuple):
        return ", ".join(key) or "no tax"
    return f"{key * 100:g} %"


def normalise_line(raw):
    raw = raw or {}
    qty = to_float(raw.get("quantity"), 1.0)
    price = to_float(raw.get("price_unit"))
    subtotal = to_float(raw.get("price_subtotal"))
    if math.isnan(subtotal):
        subtotal = qty * price if not math.isnan(price) else math.nan
    product = _key(raw.get("product"))
    name = raw.get("product_name")
    if not name and isinstance(raw.get("product"), (list, tuple)) and len(raw["product"]) > 1:
        name = raw["product"][1]
    return {
        "product": product,
        "product_name": str(name or (product if product is not None else "")),
        "account": _key(raw.get("account")),
        "name": str(raw.get("name") or ""),
        "quantity": qty,
        "price_unit": price,
        "subtotal": subtotal,
        "tax": tax_key(raw),
        "analytic": raw.get("analytic") or None,
        "po_line_id": _key(raw.get("po_line_id")),
    }


def main_account(lines):
    """The account carrying the largest absolute amount of the lines (None without accounts)."""
    totals = defaultdict(float)
    for line in lines:
        if line["account"] is not None:
            value = line["subtotal"]
            totals[line["account"]] += abs(value) if not math.isnan(value) else 0.0
    if not totals:
        return None
    return max(totals.items(), key=lambda kv: (kv[1], str(kv[0])))[0]


def normalise_bill(raw):
    """Plain bill row -> the normalised dict the checks use. Never raises on odd values."""
    raw = raw or {}
    lines = [normalise_line(line) for line in (raw.get("lines") or []) if isinstance(line, dict)]
    date = to_date(raw.get("date"))
    total = to_float(raw.get("amount_total"))
    if math.isnan(total) and lines:
        subtotals = [line["subtotal"] for line in lines if not math.isnan(line["subtotal"])]
        total = sum(subtotals) if subtotals else math.nan
    ref = raw.get("ref") or ""
    return {
        "id": _key(raw.get("id")),
        "partner": _key(raw.get("partner")),
        "partner_name": normalise_name(raw.get("partner_name")),
        "date": date,
        "t": date.toordinal() if date else _NO_DATE,
        "amount_total": total,
        "amount_untaxed": to_float(raw.get("amount_untaxed")),
        "currency": _key(raw.get("currency")),
        "ref": str(ref) if ref else "",
        "ref_norm": normalise_ref(ref),
        "ref_digits": ref_digits(ref),
        "ref_keys": tuple({k for k in (normalise_ref(ref), flat_ref(ref), unlabelled_ref(ref)) if k}),
        "digit_keys": tuple({k for k in (ref_digits(ref), flat_digits(ref)) if k}),
        "ref_compact": compact_ref(ref),
        "ref_skeleton": ref_skeleton(ref),
        "ref_numbers": ref_numbers(ref),
        "ref_widths": ref_widths(ref),
        "iban": normalise_iban(raw.get("iban")),
        "journal": _key(raw.get("journal")),
        "doc_hash": raw.get("doc_hash") or None,
        "due_date": to_date(raw.get("due_date")),
        "payment_term": _key(raw.get("payment_term")),
        "lines": lines,
        "main_account": main_account(lines),
        # an unverified bill (a draft) is compared with for duplicates, but teaches nothing usual
        "unverified": bool(raw.get("unverified")),
    }


def _objects(values):
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


class _Series:
    """Rows of one key (a supplier, a supplier and product...) as arrays sorted by date."""

    __slots__ = ("t", "rows", "pos", "_cols")

    def __init__(self, t, rows, columns):
        order = np.argsort(np.asarray(t, dtype=np.int64), kind="stable")
        self.t = np.asarray(t, dtype=np.int64)[order]
        self.rows = [rows[i] for i in order]
        self.pos = defaultdict(list)
        for k, row in enumerate(self.rows):
            self.pos[row].append(k)
        self._cols = {name: np.asarray(values)[order] if len(values) else np.asarray(values)
                      for name, values in columns.items()}

    def __len__(self):
        return len(self.t)

    def col(self, name):
        return self._cols[name]

    def upto(self, t):
        """Number of leading rows dated on or before ordinal ``t`` (None: all)."""
        if t is None:
            return len(self.t)
        return bisect.bisect_right(self.t, t)


class History:
    """Past bills (and optionally purchase order lines, known bank accounts and accepted decisions)
    indexed for :func:`~.engine.check_bill`. Build it once per batch of checks.

    :param bills: past bills as plain dicts (keys in the package docstring); other rows are ignored
    :param purchase_lines: purchase order lines ``{po_line_id, product, price_unit, qty_ordered,
        qty_received, date_order, partner, currency}`` (all but ``po_line_id`` optional)
    :param partner_banks: bank accounts known for suppliers ``{partner, iban, date}`` (``date`` =
        when it was recorded; accounts recorded less than ``bank_recent_days`` before a bill
        count as recent)
    :param decisions: accepted patterns ``{partner, kind, date, ...}`` (see the package docstring)
    :param today: the date "in the future" is judged against (default: the real today)
    """

    def __init__(self, bills=(), purchase_lines=(), partner_banks=(), decisions=(), today=None):
        self.today = to_date(today) or dt.date.today()
        self.bills = []
        self.by_id = {}
        for raw in bills or ():
            if not isinstance(raw, dict):
                continue
            bill = normalise_bill(raw)
            if bill["id"] is not None and bill["id"] in self.by_id:
                continue
            self.by_id[bill["id"]] = len(self.bills)
            self.bills.append(bill)
        self._index_bills()
        self._index_lines()
        self.po_lines = {}
        for raw in purchase_lines or ():
            if isinstance(raw, dict) and _key(raw.get("po_line_id")) is not None:
                self.po_lines[_key(raw.get("po_line_id"))] = {
                    "po_line_id": _key(raw.get("po_line_id")),
                    "product": _key(raw.get("product")),
                    "partner": _key(raw.get("partner")),
                    "price_unit": to_float(raw.get("price_unit")),
                    "qty_ordered": to_float(raw.get("qty_ordered")),
                    "qty_received": to_float(raw.get("qty_received")),
                    "date_order": to_date(raw.get("date_order")),
                    "currency": _key(raw.get("currency")),
                }
        self.partner_banks = defaultdict(dict)  # partner -> {iban: first ordinal recorded}
        for raw in partner_banks or ():
            if not isinstance(raw, dict):
                continue
            partner, iban = _key(raw.get("partner")), normalise_iban(raw.get("iban"))
            if partner is None or not iban:
                continue
            day = to_date(raw.get("date"))
            t = day.toordinal() if day else _NO_DATE
            known = self.partner_banks[partner]
            known[iban] = min(known.get(iban, t), t)
        self.decisions = defaultdict(list)
        for raw in decisions or ():
            if isinstance(raw, dict) and raw.get("kind"):
                decision = dict(raw)
                day = to_date(raw.get("date"))
                decision["t"] = day.toordinal() if day else _NO_DATE
                self.decisions[_key(raw.get("partner"))].append(decision)

    # -- indexes ---------------------------------------------------------------------------------

    def _index_bills(self):
        groups = defaultdict(list)
        all_groups = defaultdict(list)
        self.by_hash = defaultdict(list)
        self.by_ref = defaultdict(list)
        self.by_iban = defaultdict(list)
        self.by_po_line = defaultdict(list)
        for i, bill in enumerate(self.bills):
            all_groups[bill["partner"]].append(i)
            if bill["doc_hash"]:
                self.by_hash[bill["doc_hash"]].append(i)
            for key in bill["ref_keys"]:
                self.by_ref[key].append(i)
            if bill["unverified"]:
                continue
            groups[bill["partner"]].append(i)
            if bill["iban"]:
                self.by_iban[bill["iban"]].append(i)
            for line in bill["lines"]:
                if line["po_line_id"] is not None:
                    self.by_po_line[line["po_line_id"]].append(i)
        # every bill of a supplier, unverified ones included: the candidates for duplicates
        self.partner_bills = {}
        for partner, idx in all_groups.items():
            self.partner_bills[partner] = _Series(
                [self.bills[i]["t"] for i in idx], idx,
                {"amount": np.array([self.bills[i]["amount_total"] for i in idx], dtype=float)})
        self.partners = {}
        for partner, idx in groups.items():
            bills = [self.bills[i] for i in idx]
            amounts = np.array([b["amount_total"] for b in bills], dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = np.where(amounts > 0, np.log(np.where(amounts > 0, amounts, 1.0)), np.nan)
            self.partners[partner] = _Series(
                [b["t"] for b in bills], idx,
                {"amount": amounts, "log": logs,
                 "currency": np.array([str(b["currency"]) for b in bills], dtype=object),
                 "account": _objects([b["main_account"] for b in bills]),
                 "iban": _objects([b["iban"] for b in bills]),
                 "term": _objects([b["payment_term"] for b in bills]),
                 "due_days": np.array([(b["due_date"] - b["date"]).days if b["due_date"] and b["date"] else np.nan
                                       for b in bills], dtype=float),
                 "id": _objects([b["id"] for b in bills])})
        self.iban_partners = defaultdict(dict)   # iban -> {partner: first ordinal seen}
        for bill in self.bills:
            if bill["iban"] and bill["partner"] is not None and not bill["unverified"]:
                seen = self.iban_partners[bill["iban"]]
                seen[bill["partner"]] = min(seen.get(bill["partner"], bill["t"]), bill["t"])
        # every line of a supplier, for its usual taxes
        self.partner_lines = {}
        for partner, series in self.partners.items():
            t, rows, taxes, accounts = [], [], [], []
            for row in series.rows:
                bill = self.bills[row]
                for line in bill["lines"]:
                    if line["tax"] is not None:
                        t.append(bill["t"])
                        rows.append(row)
                        taxes.append(line["tax"])
                        accounts.append(line["account"])
            self.partner_lines[partner] = _Series(t, rows, {"tax": _objects(taxes), "account": _objects(accounts)})
        accounts = defaultdict(list)
        for i, bill in enumerate(self.bills):
            if bill["main_account"] is not None and bill["amount_total"] > 0 and bill["t"] != _NO_DATE \
                    and not bill["unverified"]:
                accounts[bill["main_account"]].append(i)
        self.accounts = {}
        for account, idx in accounts.items():
            self.accounts[account] = _Series(
                [self.bills[i]["t"] for i in idx], idx,
                {"log": np.log([self.bills[i]["amount_total"] for i in idx]),
                 "partner": np.array([self.bills[i]["partner"] for i in idx], dtype=object),
                 "currency": np.array([str(self.bills[i]["currency"]) for i in idx], dtype=object)})

    def _index_lines(self):
        pairs = defaultdict(lambda: ([], [], [], [], [], []))
        products = defaultdict(lambda: ([], [], [], []))
        for i, bill in enumerate(self.bills):
            if bill["unverified"]:
                continue
            for line in bill["lines"]:
                if line["product"] is None:
                    continue
                t, rows, price, qty, tax, cur = pairs[(bill["partner"], line["product"])]
                t.append(bill["t"])
                rows.append(i)
                price.append(line["price_unit"])
                qty.append(line["quantity"])
                tax.append(line["tax"])
                cur.append(str(bill["currency"]))
                pt, prow, pprice, pcur = products[line["product"]]
                pt.append(bill["t"])
                prow.append(i)
                pprice.append(line["price_unit"])
                pcur.append(str(bill["currency"]))
        self.partner_products = {}
        for key, (t, rows, price, qty, tax, cur) in pairs.items():
            tax_arr = np.empty(len(tax), dtype=object)
            tax_arr[:] = tax
            self.partner_products[key] = _Series(t, rows, {
                "price": np.array(price, dtype=float), "qty": np.array(qty, dtype=float),
                "tax": tax_arr, "currency": np.array(cur, dtype=object)})
        self.products = {}
        for key, (t, rows, price, cur) in products.items():
            self.products[key] = _Series(t, rows, {"price": np.array(price, dtype=float),
                                                   "currency": np.array(cur, dtype=object)})

    # -- access ----------------------------------------------------------------------------------

    def amount_repeat_share(self, days=365):
        """Share of the bills whose total, to the cent, is also that of another bill of the same
        supplier dated within ``days`` of it (every supplier together; 0.3 when there are no bills)."""
        cache = self.__dict__.setdefault("_repeat_share", {})
        if days not in cache:
            n = k = 0
            for series in self.partner_bills.values():
                t = np.asarray(series.t, dtype=float)
                cents = np.round(series.col("amount") * 100.0)
                ok = np.isfinite(cents) & (t != _NO_DATE)
                t, cents = t[ok], cents[ok]
                n += len(t)
                if len(t) < 2:
                    continue
                order = np.lexsort((t, cents))
                t, cents = t[order], cents[order]
                close = (cents[1:] == cents[:-1]) & (t[1:] - t[:-1] <= days)
                repeat = np.zeros(len(t), bool)
                repeat[1:] |= close
                repeat[:-1] |= close
                k += int(repeat.sum())
            cache[days] = k / n if n else 0.3
        return cache[days]

    def index_of(self, bill_id):
        return self.by_id.get(bill_id)

    def past_mask(self, series, as_of_t, exclude_rows=()):
        """(number of rows up to ``as_of_t``, boolean mask over them without ``exclude_rows``)."""
        n = series.upto(as_of_t)
        mask = np.ones(n, dtype=bool)
        for row in exclude_rows or ():
            for k in series.pos.get(row, ()):
                if k < n:
                    mask[k] = False
        return n, mask

    def partner_decisions(self, partner, kind):
        """Decisions of a kind for a supplier, whatever their date: a user's decision also holds
        when older bills are checked again."""
        return [d for d in self.decisions.get(partner, ()) if d.get("kind") == kind]

    def known_ibans(self, partner, as_of_t=None, exclude_rows=()):
        """{iban: (first ordinal seen, bills seen on)} for a supplier, bank records included."""
        known = {}
        series = self.partners.get(partner)
        if series is not None:
            n, mask = self.past_mask(series, as_of_t, exclude_rows)
            ibans = series.col("iban")[:n][mask]
            t = series.t[:n][mask]
            for iban in set(ibans.tolist()):
                if iban:
                    sel = ibans == iban
                    known[iban] = (int(t[sel].min()), int(sel.sum()))
        for iban, t in self.partner_banks.get(partner, {}).items():
            if as_of_t is None or t <= as_of_t:
                first, count = known.get(iban, (t, 0))
                known[iban] = (min(first, t), count)
        return known


__all__ = ["History", "iban_is_valid", "main_account", "normalise_bill", "tax_key", "tax_label", "to_date",
           "to_float"]
