"""Data for the invoice check benchmark: Oxford City Council payments as vendor bills, the faults
injected into them, and a synthetic purchase history with products (for unit prices).

Oxford rows -> bills. Each row of ``oxford_expenditure_over_500_normalised.csv`` is one payment line
(supplier, paid date, amount, expenditure code and category, service area, ``trans_no`` of the form
``<document> - <line>`` or ``<document>_<line>``). A bill is the group of rows with the same
supplier, paid date and document part of ``trans_no`` (45,755 bills of 1.26 lines on average);
its total is the sum of its lines. The supplier is the supplier name (upper case); rows whose name
is redacted ("Redacted personal data": individuals) keep their supplier id, which is unique per
payment, so they are one-bill suppliers. Bills whose total is not positive (3) are refunds and left
out. Each line's account is its expenditure code (one code per category except four), its analytic
account the service area. Bills dated 2017-01-01 or later are the test period.

What the file does not have is synthesised per supplier, deterministically from the supplier
name (so the same supplier always gets the same): an invoice numbering scheme (one of seven formats;
a counter that advances between our bills by a supplier-specific average of 1 to 300, since a
supplier also bills other customers; some formats restart every year), a valid GB IBAN, and a VAT
rate (20 % for 70 % of suppliers, 0 % for 20 %, 5 % for 10 %).
"""
import datetime as dt
import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd

import bench_common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TEST_START = dt.date(2017, 1, 1)
FAULTS = {"x1.2": 1.2, "x1.5": 1.5, "x3": 3.0}


shared_data_dir = bench_common.shared_data_dir


def _seed(*parts):
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "little")


# ------------------------------------------------------------------------------------------------
# IBANs and references


def make_iban(seed_text, variant=0):
    """A valid GB IBAN derived from a text (same text and variant, same IBAN)."""
    rng = np.random.default_rng(_seed("iban", seed_text, variant))
    bank = "".join(chr(ord("A") + int(x)) for x in rng.integers(0, 26, 4))
    bban = bank + "".join(str(int(x)) for x in rng.integers(0, 10, 14))
    moved = bban + "GB00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    check = 98 - number % 97
    return f"GB{check:02d}{bban}"


REF_FORMATS = ("INV-{n:06d}", "{n}", "SI{n:07d}", "{n:05d}/{yy}", "F{yyyy}-{n:05d}", "{pfx}{n:06d}",
               "{pfx}/{yyyy}/{n:04d}")
_YEARLY = {3, 4, 6}


class RefGenerator:
    """Per-supplier invoice numbering (see the module docstring)."""

    def __init__(self, partner):
        rng = np.random.default_rng(_seed("ref", partner))
        self.fmt = int(rng.integers(0, len(REF_FORMATS)))
        self.mean_step = float(math.exp(rng.uniform(0.0, math.log(300.0))))
        self.counter = int(rng.integers(1, 40000 if self.fmt not in _YEARLY else 50))
        letters = [c for c in str(partner).upper() if c.isalpha()] or ["X"]
        self.pfx = "".join(letters[:3])
        self.rng = rng
        self.year = None

    def next(self, day):
        if self.fmt in _YEARLY and self.year is not None and day.year != self.year:
            self.counter = int(self.rng.integers(1, 20))
        self.year = day.year
        self.counter += int(self.rng.geometric(1.0 / self.mean_step))
        return REF_FORMATS[self.fmt].format(n=self.counter, yy=f"{day.year % 100:02d}", yyyy=day.year, pfx=self.pfx)


def reformat_ref(ref, rng):
    """The same reference typed differently: case, separators, leading zeros, spaces."""
    choices = []
    lower = ref.lower()
    if lower != ref:
        choices.append(lower)
    for old, new in (("-", " "), ("-", ""), ("/", "-"), ("/", " "), ("-", "/")):
        if old in ref:
            choices.append(ref.replace(old, new))
    stripped = "".join(ch for ch in ref if ch.isalnum())
    if stripped != ref:
        choices.append(stripped)
    zeros = __import__("re").sub(r"(?<!\d)0+(\d)", r"\1", ref)
    if zeros != ref:
        choices.append(zeros)
    choices.append(" ".join([ref[: len(ref) // 2], ref[len(ref) // 2:]]) if len(ref) > 3 else ref + " ")
    choices.append("No. " + ref)
    return choices[int(rng.integers(0, len(choices)))]


def typo_ref(ref, rng):
    """One digit of the reference replaced by another digit (a typing error)."""
    positions = [i for i, ch in enumerate(ref) if ch.isdigit()]
    if not positions:
        return ref + "1"
    i = positions[int(rng.integers(0, len(positions)))]
    digit = str((int(ref[i]) + int(rng.integers(1, 10))) % 10)
    return ref[:i] + digit + ref[i + 1:]


def vat_rate(partner):
    u = np.random.default_rng(_seed("vat", partner)).random()
    return 0.2 if u < 0.7 else (0.0 if u < 0.9 else 0.05)


# ------------------------------------------------------------------------------------------------
# Oxford


def load_oxford(path=None):
    """Bills (list of dicts in the core's input format, sorted by date) and lines (DataFrame)."""
    path = Path(path) if path else shared_data_dir() / "invoices" / "oxford_expenditure_over_500_normalised.csv"
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    d["amount"] = pd.to_numeric(d["amount"], errors="coerce")
    d = d[d["amount"].notna() & (d["paid_date"] != "")].copy()
    d["doc"] = d["trans_no"].str.extract(r"^\s*(\d+)")[0].fillna(d["trans_no"])
    name = d["supplier_name"].str.strip()
    redacted = name.eq("") | name.str.lower().str.startswith("redacted")
    d["partner"] = np.where(redacted, "ID:" + d["supplier_id"].astype(str), name.str.upper())
    d["date"] = pd.to_datetime(d["paid_date"]).dt.date
    d = d.sort_values(["date", "doc", "trans_no"], kind="stable").reset_index(drop=True)
    key = d["partner"] + "|" + d["paid_date"] + "|" + d["doc"]
    d["bill_key"] = key
    totals = d.groupby("bill_key", sort=False)["amount"].sum()
    d = d[d["bill_key"].map(totals) > 0].reset_index(drop=True)
    order = pd.unique(d["bill_key"])
    bill_id = {k: i + 1 for i, k in enumerate(order)}
    d["bill_id"] = d["bill_key"].map(bill_id)
    refs = {}
    bills = []
    for key, g in d.groupby("bill_id", sort=True):
        partner = g["partner"].iat[0]
        day = g["date"].iat[0]
        gen = refs.get(partner)
        if gen is None:
            gen = refs[partner] = RefGenerator(partner)
        rate = vat_rate(partner)
        lines = [{"product": None, "account": code or None, "name": "", "quantity": 1.0, "price_unit": float(a),
                  "tax_rate": rate, "analytic": area or None}
                 for code, a, area in zip(g["expenditure_code"], g["amount"], g["service_area"])]
        total = float(round(g["amount"].sum(), 2))
        bills.append({
            "id": int(key), "partner": partner, "partner_name": partner if not partner.startswith("ID:") else "",
            "date": day, "amount_total": total, "amount_untaxed": round(total / (1 + rate), 2), "currency": "GBP",
            "ref": gen.next(day), "iban": make_iban(partner), "journal": "BILL", "doc_hash": f"sha1-{int(key)}",
            "lines": lines,
        })
    return bills, d


def scale_bill(bill, factor, new_id=None):
    out = dict(bill)
    out["lines"] = [dict(line, price_unit=round(line["price_unit"] * factor, 2)) for line in bill["lines"]]
    out["amount_total"] = round(bill["amount_total"] * factor, 2)
    out["amount_untaxed"] = round(bill["amount_untaxed"] * factor, 2) if bill.get("amount_untaxed") else None
    if new_id is not None:
        out["id"] = new_id
    return out


def duplicate_of(bill, variant, rng, new_id):
    """A copy of ``bill`` sent again 0-30 days later (variant: "reformatted" reference, one-digit
    "typo" in it, or "same_file" uploaded again in another journal with the reference retyped)."""
    out = dict(bill)
    out["id"] = new_id
    out["date"] = bill["date"] + dt.timedelta(days=int(rng.integers(0, 31)))
    if variant == "typo":
        out["ref"] = typo_ref(bill["ref"], rng)
    else:
        out["ref"] = reformat_ref(bill["ref"], rng)
    if variant == "same_file":
        out["journal"] = "MISC"   # the same file (same hash) uploaded again in another journal
    else:
        out["doc_hash"] = f"sha1-resent-{new_id}"   # a new scan or a new e-mail: another file
    return out


# ------------------------------------------------------------------------------------------------
# Synthetic purchase history (unit prices)


def purchase_history(seed=11, n_suppliers=40, n_products=400, start=dt.date(2020, 1, 1), years=4):
    """Bills with product lines: per-supplier price levels, a yearly increase on a supplier-specific
    month (0-8 %), quantity discount tiers (60 % of suppliers), noise (0.2-3 % per supplier),
    occasional promotions (2 % of lines at -10 %), 1-3 suppliers per product, each pair bought every
    2-9 weeks on average from the start (one pair in ten from a random later date: new products).
    Returns (bills, first day of the test year)."""
    rng = np.random.default_rng(seed)
    base = np.exp(rng.normal(3.0, 1.2, n_products))
    qty_scale = np.exp(rng.normal(2.0, 1.0, n_products))
    accounts = [f"60{k:02d}" for k in range(12)]
    prod_account = rng.integers(0, len(accounts), n_products)
    suppliers = []
    for s in range(n_suppliers):
        tiers = []
        if rng.random() < 0.6:
            f = rng.uniform(0.5, 1.5)
            tiers = [(10, 0.03 * f), (50, 0.07 * f), (200, 0.12 * f)]
        suppliers.append({"name": f"SUPPLIER {s:02d}", "level": math.exp(rng.normal(0, 0.08)),
                          "month": int(rng.integers(1, 13)), "noise": rng.uniform(0.002, 0.03), "tiers": tiers,
                          "raises": rng.uniform(0.0, 0.08, years + 1)})
    end = start + dt.timedelta(days=int(365.25 * years))
    purchases = []
    for p in range(n_products):
        for s in rng.choice(n_suppliers, int(rng.integers(1, 4)), replace=False):
            sup = suppliers[s]
            gap = rng.uniform(14, 63)
            pair_level = base[p] * sup["level"] * math.exp(rng.normal(0, 0.05))
            # most pairs are bought from the start, one in ten is a new product or supplier later on
            first = rng.uniform(0, gap) if rng.random() < 0.9 else rng.uniform(0, (end - start).days)
            day = start + dt.timedelta(days=int(first))
            while day < end:
                k = sum(1 for y in range(start.year, day.year + 1)
                        if dt.date(y, sup["month"], 1) <= day and dt.date(y, sup["month"], 1) > start)
                level = pair_level * float(np.prod(1 + sup["raises"][:k]))
                qty = max(1.0, round(float(qty_scale[p] * math.exp(rng.normal(0, 0.8)))))
                disc = 0.0
                for threshold, d in sup["tiers"]:
                    if qty >= threshold:
                        disc = d
                price = level * (1 - disc) * math.exp(rng.normal(0, sup["noise"]))
                if rng.random() < 0.02:
                    price *= 0.9
                purchases.append((day, int(s), p, qty, round(price, 2)))
                day += dt.timedelta(days=max(1, int(rng.exponential(gap))))
    purchases.sort()
    bills, by_key = [], {}
    for day, s, p, qty, price in purchases:
        key = (day, s)
        if key not in by_key:
            by_key[key] = len(bills)
            name = suppliers[s]["name"]
            bills.append({"id": 900000 + len(bills), "partner": name, "partner_name": name,
                          "date": day, "currency": "EUR", "ref": f"P{len(bills):06d}", "iban": make_iban(name),
                          "journal": "BILL", "lines": []})
        bills[by_key[key]]["lines"].append({"product": f"P{p:03d}", "account": accounts[prod_account[p]],
                                            "name": f"Product {p:03d}", "quantity": qty, "price_unit": price,
                                            "tax_rate": 0.2})
    for bill in bills:
        bill["amount_untaxed"] = round(sum(l["quantity"] * l["price_unit"] for l in bill["lines"]), 2)
        bill["amount_total"] = round(bill["amount_untaxed"] * 1.2, 2)
    test_start = dt.date(start.year + years - 1, start.month, start.day)
    return bills, test_start
