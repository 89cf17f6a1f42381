"""Which expense account (analytic distribution, taxes) a new bill line should get.

Odoo proposes the supplier's most frequent account of the last two years. The
:class:`CategoryModel` keeps the supplier's recent lines as examples and votes among them, each
example weighted by

- recency (half-life ``half_life_days``): suppliers change what they sell us;
- closeness of the amount on the log scale (``amount_bandwidth``): the same council bills
  grants in thousands and hardware in tens;
- the same product (``product_boost``) and similar line text (character trigrams, ``text_boost``).

The sum of the weights is the evidence ``E`` (in "recent, similar lines"); the supplier's vote is
blended with a global text model (nearest centroid over hashed character trigrams of the supplier
name, product and line text, plus the product's accounts across suppliers) as
``(E * supplier + prior_weight * global) / (E + prior_weight)``, so a new supplier gets the
global guess and an established one its own habits. The analytic distribution and the taxes are
voted the same way among the examples that carry the chosen account.

``fit(rows) -> payload`` (plain lists and numpy arrays, JSON-able); ``predict(payload, rows) ->
[{account, confidence, analytic, taxes, alternatives}]``. Neither needs scikit-learn.
"""
import math
import zlib
from collections import defaultdict

import numpy as np

from .history import to_date, to_float

FORMAT = "ai_invoice_check.category"
VERSION = 1

DEFAULT_OPTIONS = {
    "half_life_days": 180.0,
    "amount_bandwidth": 0.4,
    "amount_floor": 0.05,        # an example of a very different amount still counts a little
    "product_boost": 5.0,
    "text_boost": 3.0,
    "prior_weight": 0.5,
    "max_examples_per_partner": 400,
    "hash_bits": 18,
    "centroid_terms": 300,
    "global_temperature": 10.0,
}


def _grams(text):
    out = defaultdict(int)
    for word in str(text or "").lower().split():
        padded = f" {word} "
        for i in range(max(len(padded) - 2, 1)):
            out[padded[i:i + 3]] += 1
    return out


def _hashed(text, bits):
    mask = (1 << bits) - 1
    vec = defaultdict(float)
    for gram, count in _grams(text).items():
        vec[zlib.crc32(gram.encode()) & mask] += count
    return vec


def _normalise(vec):
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _label(value):
    """JSON-able label: lists for tuples, plain values otherwise."""
    if isinstance(value, tuple):
        return [_label(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return value


def _row_fields(row):
    date = to_date(row.get("date"))
    amount = to_float(row.get("amount"))
    if math.isnan(amount):
        qty, price = to_float(row.get("quantity"), 1.0), to_float(row.get("price_unit"))
        amount = qty * price if not math.isnan(price) else math.nan
    partner = row.get("partner")
    if isinstance(partner, (list, tuple)):
        partner = partner[0] if partner else None
    product = row.get("product")
    if isinstance(product, (list, tuple)):
        product = product[0] if product else None
    text = " ".join(str(v) for v in (row.get("partner_name"), row.get("product_name") or
                                      (product if isinstance(product, str) else None), row.get("name")) if v)
    return {
        "partner": partner if partner not in ("", False) else None,
        "product": product if product not in ("", False) else None,
        "t": date.toordinal() if date else None,
        "logamt": math.log(abs(amount)) if amount == amount and amount != 0 else math.nan,
        "name": str(row.get("name") or ""),
        "text": text,
    }


class CategoryModel:
    """Expense account of a bill line (see the module docstring)."""

    @staticmethod
    def fit(rows, options=None):
        """Learn from past lines ``{partner, partner_name, product, product_name, name, amount (or
        quantity and price_unit), date, account, analytic, taxes}``; returns the payload."""
        opts = dict(DEFAULT_OPTIONS, **(options or {}))
        bits = int(opts["hash_bits"])
        accounts, analytics, taxes, partners, products = {}, {}, {}, {}, {}

        def index(table, value):
            if value is None or value is False or value == "" or value == []:
                return -1
            key = _hashable(value)
            if key not in table:
                table[key] = (len(table), value)
            return table[key][0]

        per_partner = defaultdict(list)
        centroid = defaultdict(lambda: defaultdict(float))
        class_count = defaultdict(int)
        product_acc = defaultdict(lambda: defaultdict(float))
        df = defaultdict(int)
        texts = []
        for row in rows or ():
            if not isinstance(row, dict):
                continue
            acc = index(accounts, row.get("account"))
            if acc < 0:
                continue
            f = _row_fields(row)
            texts.append((acc, f["text"]))
            ex = (f["t"] if f["t"] is not None else 0, f["logamt"], acc, index(analytics, row.get("analytic")),
                  index(taxes, row.get("taxes")), index(products, f["product"]), f["name"])
            if f["partner"] is not None:
                per_partner[index(partners, f["partner"])].append(ex)
            if f["product"] is not None:
                product_acc[index(products, f["product"])][acc] += 1.0
        # global text model: tf-idf centroids of hashed trigrams, pruned
        vectors = []
        for acc, text in texts:
            vec = _hashed(text, bits)
            for k in vec:
                df[k] += 1
            vectors.append((acc, vec))
        n_docs = max(len(vectors), 1)
        idf = {k: math.log((1 + n_docs) / (1 + v)) + 1.0 for k, v in df.items()}
        for acc, vec in vectors:
            vec = _normalise({k: v * idf[k] for k, v in vec.items()})
            class_count[acc] += 1
            for k, v in vec.items():
                centroid[acc][k] += v
        cent_idx, cent_val, cent_off = [], [], [0]
        for acc in range(len(accounts)):
            terms = centroid.get(acc, {})
            top = sorted(terms.items(), key=lambda kv: -kv[1])[:int(opts["centroid_terms"])]
            norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
            cent_idx.extend(k for k, _ in top)
            cent_val.extend(v / norm for _, v in top)
            cent_off.append(len(cent_idx))
        used = sorted(set(cent_idx))
        # examples, grouped by partner, newest kept
        ex_cols = {k: [] for k in ("t", "logamt", "account", "analytic", "taxes", "product")}
        ex_names, offsets = [], [0]
        cap = int(opts["max_examples_per_partner"])
        for p in range(len(partners)):
            exs = sorted(per_partner.get(p, []), key=lambda e: e[0])[-cap:]
            for e in exs:
                for k, v in zip(("t", "logamt", "account", "analytic", "taxes", "product"), e[:6]):
                    ex_cols[k].append(v)
                ex_names.append(e[6])
            offsets.append(len(ex_cols["t"]))
        prod_rows = []
        for prod, counts in product_acc.items():
            for acc, c in counts.items():
                prod_rows.append((prod, acc, c))
        def label_list(table):
            return [_label(v) for _, (_i, v) in sorted(table.items(), key=lambda kv: kv[1][0])]

        return {
            "format": FORMAT, "version": VERSION, "options": opts,
            "accounts": label_list(accounts), "analytics": label_list(analytics), "taxes": label_list(taxes),
            "partners": label_list(partners), "products": label_list(products),
            "account_counts": np.array([class_count.get(a, 0) for a in range(len(accounts))], dtype=np.int64),
            "ex_offsets": np.array(offsets, dtype=np.int64),
            "ex_t": np.array(ex_cols["t"], dtype=np.int64),
            "ex_logamt": np.array(ex_cols["logamt"], dtype=float),
            "ex_account": np.array(ex_cols["account"], dtype=np.int64),
            "ex_analytic": np.array(ex_cols["analytic"], dtype=np.int64),
            "ex_taxes": np.array(ex_cols["taxes"], dtype=np.int64),
            "ex_product": np.array(ex_cols["product"], dtype=np.int64),
            "ex_name": ex_names,
            "idf_keys": np.array(used, dtype=np.int64),
            "idf_values": np.array([idf[k] for k in used], dtype=float),
            "centroid_offsets": np.array(cent_off, dtype=np.int64),
            "centroid_terms": np.array(cent_idx, dtype=np.int64),
            "centroid_values": np.array(cent_val, dtype=float),
            "product_accounts": np.array(prod_rows, dtype=float).reshape(-1, 3),
            "n_rows": len(texts),
        }

    @staticmethod
    def predict(payload, rows):
        """One proposal per row: ``{account, confidence, analytic, taxes, alternatives: [[account,
        probability], ...]}``; ``account`` None when the model knows no account."""
        return _Predictor(payload).predict(rows)


class _Predictor:
    def __init__(self, payload):
        self.p = payload
        self.opts = dict(DEFAULT_OPTIONS, **(payload.get("options") or {}))
        self.n_acc = len(payload["accounts"])
        self.partner_index = {_hashable(v): i for i, v in enumerate(payload["partners"])}
        self.product_index = {_hashable(v): i for i, v in enumerate(payload["products"])}
        self.idf = dict(zip(np.asarray(payload["idf_keys"]).tolist(), np.asarray(payload["idf_values"]).tolist()))
        self.inverted = defaultdict(list)
        offs = np.asarray(payload["centroid_offsets"])
        terms, vals = np.asarray(payload["centroid_terms"]), np.asarray(payload["centroid_values"])
        for acc in range(self.n_acc):
            for k in range(offs[acc], offs[acc + 1]):
                self.inverted[int(terms[k])].append((acc, float(vals[k])))
        self.prod_acc = defaultdict(dict)
        for prod, acc, c in np.asarray(payload["product_accounts"]).reshape(-1, 3):
            self.prod_acc[int(prod)][int(acc)] = c
        counts = np.asarray(payload["account_counts"], dtype=float)
        self.base = (counts + 0.1) / (counts.sum() + 0.1 * max(self.n_acc, 1)) if self.n_acc else np.zeros(0)
        self.offsets = np.asarray(payload["ex_offsets"])
        self.ex_t = np.asarray(payload["ex_t"])
        self.ex_logamt = np.asarray(payload["ex_logamt"], dtype=float)
        self.ex_account = np.asarray(payload["ex_account"])
        self.ex_analytic = np.asarray(payload["ex_analytic"])
        self.ex_taxes = np.asarray(payload["ex_taxes"])
        self.ex_product = np.asarray(payload["ex_product"])
        self.ex_name = payload["ex_name"]
        self._gram_cache = {}

    def _global(self, text, product):
        bits = int(self.opts["hash_bits"])
        vec = _hashed(text, bits)
        vec = _normalise({k: v * self.idf[k] for k, v in vec.items() if k in self.idf})
        scores = np.zeros(self.n_acc)
        for k, v in vec.items():
            for acc, c in self.inverted.get(k, ()):
                scores[acc] += v * c
        if vec:
            probs = np.exp(self.opts["global_temperature"] * (scores - scores.max())) * self.base
            probs /= probs.sum()
        else:
            probs = self.base.copy()
        if product is not None and product in self.prod_acc:
            counts = self.prod_acc[product]
            total = sum(counts.values())
            prod_probs = np.zeros(self.n_acc)
            for acc, c in counts.items():
                prod_probs[acc] = c / total
            probs = (total * prod_probs + probs) / (total + 1.0)
        return probs

    def _name_sim(self, a, b):
        if not a or not b:
            return 0.0
        ga = self._gram_cache.get(a)
        if ga is None:
            ga = self._gram_cache[a] = set(_grams(a))
        gb = self._gram_cache.get(b)
        if gb is None:
            gb = self._gram_cache[b] = set(_grams(b))
        if not ga or not gb:
            return 0.0
        return len(ga & gb) / math.sqrt(len(ga) * len(gb))

    def _vote(self, labels, w, n_labels):
        votes = defaultdict(float)
        for lab, ww in zip(labels, w):
            if lab >= 0:
                votes[int(lab)] += ww
        if not votes:
            return None
        return max(votes.items(), key=lambda kv: kv[1])[0]

    def predict(self, rows):
        out = []
        o = self.opts
        for row in rows or ():
            if not isinstance(row, dict) or not self.n_acc:
                out.append({"account": None, "confidence": 0.0, "analytic": None, "taxes": None, "alternatives": []})
                continue
            f = _row_fields(row)
            pi = self.partner_index.get(_hashable(f["partner"])) if f["partner"] is not None else None
            prod = self.product_index.get(_hashable(f["product"])) if f["product"] is not None else None
            probs_global = self._global(f["text"], prod)
            evidence, probs_sup, sl, w = 0.0, None, None, None
            if pi is not None:
                sl = slice(int(self.offsets[pi]), int(self.offsets[pi + 1]))
                t = self.ex_t[sl]
                if f["t"] is not None:
                    age = np.maximum(f["t"] - t, 0).astype(float)
                    w = 0.5 ** (age / o["half_life_days"])
                else:
                    w = np.ones(len(t))
                if f["logamt"] == f["logamt"]:
                    la = self.ex_logamt[sl]
                    kern = np.exp(-0.5 * ((la - f["logamt"]) / o["amount_bandwidth"]) ** 2)
                    kern = np.where(np.isnan(la), 0.0, kern)
                    w = w * (kern + o["amount_floor"])
                if prod is not None:
                    w = w * np.where(self.ex_product[sl] == prod, o["product_boost"], 1.0)
                if f["name"] and o["text_boost"]:
                    names = self.ex_name[sl]
                    w = w * (1.0 + o["text_boost"] * np.array([self._name_sim(f["name"], n) for n in names]))
                evidence = float(w.sum())
                if evidence > 0:
                    probs_sup = np.bincount(self.ex_account[sl], weights=w, minlength=self.n_acc) / evidence
            k = o["prior_weight"]
            probs = probs_global if probs_sup is None else (evidence * probs_sup + k * probs_global) / (evidence + k)
            order = np.argsort(-probs)[:3]
            acc = int(order[0])
            analytic = taxes = None
            if probs_sup is not None:
                same = self.ex_account[sl] == acc
                if same.any():
                    a = self._vote(self.ex_analytic[sl][same], w[same], len(self.p["analytics"]))
                    tx = self._vote(self.ex_taxes[sl][same], w[same], len(self.p["taxes"]))
                    analytic = self.p["analytics"][a] if a is not None else None
                    taxes = self.p["taxes"][tx] if tx is not None else None
            out.append({"account": self.p["accounts"][acc], "confidence": float(probs[acc]), "analytic": analytic,
                        "taxes": taxes, "evidence": evidence,
                        "alternatives": [[self.p["accounts"][int(i)], float(probs[int(i)])] for i in order]})
        return out


__all__ = ["CategoryModel", "DEFAULT_OPTIONS"]
