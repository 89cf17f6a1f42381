#!/usr/bin/env python3
"""Invoice check benchmark: our checks against Odoo 19's own vendor-bill rules, on the same bills.

    ./suite bench invoice_check                       every section
    ./suite bench invoice_check --sections amount,duplicates --no-write
    ./suite bench invoice_check --fit-duplicate-model refit the shipped duplicate scorer

Oxford City Council payments grouped into vendor bills (see ``invoice_check_data.py``); bills dated
2017 or later are the test period, checked one by one against every other bill dated on or before
them (the duplicate check, as in the product, also against later ones; the section also measures it
as when each bill was entered); the history is clean: each test bill is checked as it is and with a
fault planted in it.
Odoo's rules are replayed in Python (``invoice_check_native.py``). Unit prices use a synthetic
purchase history with products; duplicate pairs the FISCAL data set. Results are printed and merged
into ``benchmarks/results/invoice_check.json`` (other keys of the file are kept).
"""
import argparse
import bisect
import datetime as dt
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
import invoice_check_data as data  # noqa: E402
import invoice_check_native as native  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS_PATH = REPO / "benchmarks" / "results" / "invoice_check.json"
SECTIONS = ("amount", "line_price", "duplicates", "bank", "tax", "category", "speed")
FA_LEVELS = (1.0, 3.0, 5.0)
TODAY = dt.date(2018, 12, 31)


def load_core():
    """The pure-Python core ``addons/ai_invoice_check/checks`` without importing Odoo."""
    return bench_common.load_core("ai_invoice_check", "checks")


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (dt.date,)):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def merge_results(updates, path=RESULTS_PATH):
    data_ = {}
    if path.exists():
        try:
            data_ = json.loads(path.read_text())
        except ValueError:
            data_ = {}
    data_.update(updates)
    data_["measured"] = dt.date.today().isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data_, indent=2, default=_json_default) + "\n")
    tmp.replace(path)


def threshold_at(clean_scores, fa_per_100):
    """Lowest threshold whose false alarms (clean scores strictly above it) stay within the rate."""
    s = np.sort(np.asarray(clean_scores, dtype=float))[::-1]
    allowed = int(math.floor(fa_per_100 / 100.0 * len(s) + 1e-9))
    if allowed >= len(s):
        return -np.inf
    return s[allowed]


def recall_above(scores, thr):
    return float(np.mean(np.asarray(scores, dtype=float) > thr)) if len(scores) else float("nan")


def _r(x, digits=3):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


# ------------------------------------------------------------------------------------------------
# Oxford bills, shared by several sections


class Oxford:
    _cache = None

    @classmethod
    def get(cls):
        if cls._cache is None:
            t0 = time.perf_counter()
            bills, lines = data.load_oxford()
            core = load_core()
            history = core.History(bills, today=TODAY)
            test = [b for b in bills if b["date"] >= data.TEST_START]
            per_partner = defaultdict(list)
            for b in bills:   # sorted by date
                per_partner[b["partner"]].append(b["date"])
            # number of the supplier's bills dated strictly before each bill
            earlier = {b["id"]: bisect.bisect_left(per_partner[b["partner"]], b["date"]) for b in bills}
            cls._cache = {"bills": bills, "lines": lines, "history": history, "test": test, "earlier": earlier,
                          "native": native.NativeRules(bills)}
            print(f"[bench] Oxford: {len(bills):,} bills ({len(test):,} in the test period), "
                  f"{len(lines):,} lines, loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        return cls._cache


def _amount_alarm_score(core, bill, history, policy):
    for a in core.assess_bill(bill, history, policy):
        if a.get("kind") == "amount" and not a.get("suppressed"):
            return a["score"] if a.get("template_key", "").startswith("amount_up") else -np.inf, a
    return -np.inf, None


def bench_amount():
    core = load_core()
    ox = Oxford.get()
    history, test, nat = ox["history"], ox["test"], ox["native"]
    policy = {"checks": ("amount",)}
    t0 = time.perf_counter()
    ours = {"clean": []}
    odoo = {"clean": []}
    for f in data.FAULTS:
        ours[f], odoo[f] = [], []
    n_prev, basis = [], []
    for b in test:
        s, a = _amount_alarm_score(core, b, history, policy)
        ours["clean"].append(s)
        basis.append(a["raw"].get("basis") if a else None)
        z, n = nat.amount_z(b)
        odoo["clean"].append(z)
        n_prev.append(ox["earlier"][b["id"]])
        for name, factor in data.FAULTS.items():
            fb = data.scale_bill(b, factor)
            ours[name].append(_amount_alarm_score(core, fb, history, policy)[0])
            odoo[name].append(nat.amount_z(fb)[0])
    seconds = time.perf_counter() - t0
    ours = {k: np.array(v, dtype=float) for k, v in ours.items()}
    odoo_z = {k: np.array(v, dtype=float) for k, v in odoo.items()}
    odoo = {k: v > 2.0 for k, v in odoo_z.items()}   # Odoo's rule: outside mean ± 2 sd
    n_prev = np.array(n_prev)
    native_fa = 100.0 * odoo["clean"].mean()
    out = {"n_test_bills": len(test), "seconds": round(seconds, 1),
           "share_fewer_than_10_earlier": _r(np.mean(n_prev < 10)),
           "share_fewer_than_3_earlier": _r(np.mean(n_prev < 3)),
           "native": {"fa_per_100": _r(native_fa, 2), "recall": {f: _r(odoo[f].mean()) for f in data.FAULTS}}}
    thr = threshold_at(ours["clean"], native_fa)
    out["ours_at_native_fa"] = {"fa_per_100": _r(100 * np.mean(ours["clean"] > thr), 2), "threshold": _r(thr),
                                "recall": {f: _r(recall_above(ours[f], thr)) for f in data.FAULTS}}
    for level in FA_LEVELS:
        thr = threshold_at(ours["clean"], level)
        out[f"ours_at_{level:g}_fa"] = {"fa_per_100": _r(100 * np.mean(ours["clean"] > thr), 2),
                                        "threshold": _r(thr),
                                        "recall": {f: _r(recall_above(ours[f], thr)) for f in data.FAULTS}}
    for level in FA_LEVELS:   # Odoo's formula with the multiplier of sd moved to reach the same rate
        thr = threshold_at(odoo_z["clean"], level)
        out[f"native_formula_at_{level:g}_fa"] = {
            "fa_per_100": _r(100 * np.mean(odoo_z["clean"] > thr), 2), "sd_multiplier": _r(thr, 2),
            "recall": {f: _r(recall_above(odoo_z[f], thr)) for f in data.FAULTS}}
    pol = core.make_policy()
    for name, thr in (("warning", pol["amount_warning_score"]), ("high", pol["amount_high_score"])):
        out[f"ours_default_{name}"] = {"threshold": thr, "fa_per_100": _r(100 * np.mean(ours["clean"] >= thr), 2),
                                       "recall": {f: _r(np.mean(ours[f] >= thr)) for f in data.FAULTS}}
    # by history size, at the native false-alarm rate
    thr = out["ours_at_native_fa"]["threshold"]
    groups = {"0-2": n_prev < 3, "3-9": (n_prev >= 3) & (n_prev < 10), "10+": n_prev >= 10}
    out["by_history"] = {g: {"share": _r(m.mean()),
                             "ours_fa_per_100": _r(100 * np.mean(ours["clean"][m] > thr), 2),
                             "native_fa_per_100": _r(100 * odoo["clean"][m].mean(), 2),
                             "ours_recall": {f: _r(recall_above(ours[f][m], thr)) for f in data.FAULTS},
                             "native_recall": {f: _r(odoo[f][m].mean()) for f in data.FAULTS}}
                         for g, m in groups.items()}
    out["basis"] = {k: int(sum(1 for b in basis if b == k)) for k in ("supplier", "account", None)}
    out["basis"]["none"] = out["basis"].pop(None)
    print("\n== Amount (totals only), Oxford test period: recall per fault size ==")
    print(f"{'':34} {'FA/100':>7} " + " ".join(f"{f:>6}" for f in data.FAULTS))
    rows = [("Odoo mean ± 2 sd (10-30 bills)", out["native"])]
    rows.append(("ours at Odoo's FA rate", out["ours_at_native_fa"]))
    for lvl in FA_LEVELS:
        rows.append((f"ours at {lvl:g} FA / 100", out[f"ours_at_{lvl:g}_fa"]))
        rows.append((f"Odoo's formula, mean ± {out[f'native_formula_at_{lvl:g}_fa']['sd_multiplier']:.2f} sd",
                     out[f"native_formula_at_{lvl:g}_fa"]))
    rows += [("ours, default warning threshold", out["ours_default_warning"]),
             ("ours, default high threshold", out["ours_default_high"])]
    for label, r in rows:
        print(f"{label:34} {r['fa_per_100']:>7.2f} " + " ".join(f"{r['recall'][f]:>6.3f}" for f in data.FAULTS))
    print(f"bills with < 10 earlier bills: {out['share_fewer_than_10_earlier']:.1%}, < 3: "
          f"{out['share_fewer_than_3_earlier']:.1%}; basis {out['basis']}")
    for g, r in out["by_history"].items():
        print(f"  {g:>4} earlier bills ({r['share']:.1%}): ours FA {r['ours_fa_per_100']:.2f} recall "
              f"{r['ours_recall']} | Odoo FA {r['native_fa_per_100']:.2f} recall {r['native_recall']}")
    return out


# ------------------------------------------------------------------------------------------------
# Unit prices on a synthetic purchase history


def bench_line_price():
    core = load_core()
    bills, test_start = data.purchase_history()
    history = core.History(bills, today=TODAY)
    policy = {"checks": ("line_price",)}
    test = [b for b in bills if b["date"] >= test_start]
    clean, fault, basis = [], [], defaultdict(int)
    t0 = time.perf_counter()
    for b in test:
        found = {a["line"]: a for a in core.assess_bill(b, history, policy) if a["kind"] == "line_price"}
        for li, line in enumerate(b["lines"]):
            a = found.get(li)
            clean.append(a["score"] if a else -np.inf)
            basis[a["raw"].get("basis") if a else "none"] += 1
            fb = dict(b, lines=[dict(l) for l in b["lines"]])
            fb["lines"][li]["price_unit"] = round(line["price_unit"] * 1.2, 2)
            fa = [x for x in core.assess_bill(fb, history, policy) if x["kind"] == "line_price" and x["line"] == li]
            fault.append(fa[0]["score"] if fa else -np.inf)
    clean, fault = np.array(clean), np.array(fault)
    thr = threshold_at(clean, 1.0)
    pol = core.make_policy()
    out = {"n_test_lines": len(clean), "n_bills": len(bills), "seconds": round(time.perf_counter() - t0, 1),
           "recall": _r(recall_above(fault, thr)), "fa_per_100": _r(100 * np.mean(clean > thr), 2),
           "threshold": _r(thr),
           "default_warning": {"threshold": pol["price_warning_score"],
                               "recall": _r(np.mean(fault >= pol["price_warning_score"])),
                               "fa_per_100": _r(100 * np.mean(clean >= pol["price_warning_score"]), 2)},
           "basis": dict(basis)}
    # the same lines with a purchase order line each (the PO carries the clean price)
    po_lines, po_bills = [], []
    for b in test:
        nb = dict(b, lines=[])
        for li, line in enumerate(b["lines"]):
            pid = f"{b['id']}-{li}"
            po_lines.append({"po_line_id": pid, "product": line["product"], "price_unit": line["price_unit"],
                             "qty_ordered": line["quantity"], "qty_received": line["quantity"],
                             "date_order": b["date"] - dt.timedelta(days=7)})
            nb["lines"].append(dict(line, po_line_id=pid))
        po_bills.append(nb)
    history_po = core.History(bills, purchase_lines=po_lines, today=TODAY)
    pc, pf = [], []
    for b in po_bills:
        found = {a["line"]: a for a in core.check_bill(b, history_po, policy) if a["kind"] == "line_price"}
        pc += [li in found for li in range(len(b["lines"]))]
        for li, line in enumerate(b["lines"]):
            fb = dict(b, lines=[dict(l) for l in b["lines"]])
            fb["lines"][li]["price_unit"] = round(line["price_unit"] * 1.2, 2)
            found = core.check_bill(fb, history_po, policy)
            pf.append(any(x["line"] == li for x in found if x["kind"] == "line_price"))
    out["with_purchase_orders"] = {"recall": _r(np.mean(pf)), "fa_per_100": _r(100 * np.mean(pc), 2)}
    print("\n== Unit prices (synthetic purchase history, last year): +20 % on one line ==")
    print(f"{len(clean):,} test lines; at <= 1 false alarm per 100 clean lines: recall {out['recall']:.3f} "
          f"(FA {out['fa_per_100']:.2f}); default warning threshold: recall {out['default_warning']['recall']:.3f}, "
          f"FA {out['default_warning']['fa_per_100']:.2f}; compared with {dict(basis)}")
    print(f"with purchase order lines (PO price = agreed price): recall {out['with_purchase_orders']['recall']:.3f}, "
          f"FA {out['with_purchase_orders']['fa_per_100']:.2f} (Odoo: no unit price check on vendor bills)")
    return out


# ------------------------------------------------------------------------------------------------
# Duplicates


def _dup_score(core, bill, history, policy=None):
    for a in core.assess_bill(bill, history, dict(policy or {}, checks=("duplicate",))):
        if a["kind"] == "duplicate":
            return a["score"], a
    return 0.0, None


DUP_VARIANTS = ("reformatted", "typo", "same_file")


def _inject_duplicates(core, history, test, n_injected, seed, native_rules=None, policy=None):
    """Scores of ``n_injected`` duplicates of test bills drawn with ``seed`` (variants in turn), whether
    the finding names the original, and Odoo's flags when ``native_rules`` is given."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(test), n_injected, replace=False)
    inj, inj_native, right_original = defaultdict(list), defaultdict(list), defaultdict(list)
    for k, i in enumerate(picks):
        variant = DUP_VARIANTS[k % 3]
        dup = data.duplicate_of(test[i], variant, rng, new_id=10 ** 8 + k)
        s, a = _dup_score(core, dup, history, policy)
        inj[variant].append(s)
        right_original[variant].append(bool(a) and a.get("other_id") == test[i]["id"])
        if native_rules is not None:
            inj_native[variant].append(native_rules.duplicate_flag(dup))
    return inj, inj_native, right_original


def bench_duplicates(n_injected=3000, seed=5, other_seeds=(6, 7, 8, 9)):
    core = load_core()
    ox = Oxford.get()
    history, test, nat = ox["history"], ox["test"], ox["native"]
    t0 = time.perf_counter()
    clean = np.array([_dup_score(core, b, history)[0] for b in test])
    clean_native = np.array([nat.duplicate_flag(b) for b in test])
    inj, inj_native, right_original = _inject_duplicates(core, history, test, n_injected, seed, nat)
    variants = DUP_VARIANTS
    seconds = time.perf_counter() - t0
    main = np.concatenate([inj["reformatted"], inj["typo"]])
    thr = threshold_at(clean, 1.0)
    # the same clean bills and threshold, duplicates drawn with other seeds: how much the figure
    # depends on the draw
    by_seed = {seed: recall_above(main, thr)}
    for other in other_seeds:
        again = _inject_duplicates(core, history, test, n_injected, other)[0]
        by_seed[other] = recall_above(np.concatenate([again["reformatted"], again["typo"]]), thr)
    # as when each bill was entered: only the bills dated on or before it are seen (the product also
    # compares with later bills, which exist when a bill is checked again later)
    entry = {"duplicate_search_after": False}
    clean_entry = np.array([_dup_score(core, b, history, entry)[0] for b in test])
    thr_entry = threshold_at(clean_entry, 1.0)
    by_seed_entry = {}
    for other in (seed,) + tuple(other_seeds):
        again = _inject_duplicates(core, history, test, n_injected, other, policy=entry)[0]
        by_seed_entry[other] = recall_above(np.concatenate([again["reformatted"], again["typo"]]), thr_entry)
    pol = core.make_policy()
    warn = pol["duplicate_warning_score"]
    out = {"n_clean": len(test), "n_injected": n_injected, "seconds": round(seconds, 1),
           "recall": _r(recall_above(main, thr)), "fa_per_100": _r(100 * np.mean(clean > thr), 2), "threshold": _r(thr),
           "by_variant": {v: {"recall": _r(recall_above(inj[v], thr)), "native_recall": _r(np.mean(inj_native[v])),
                              "recall_default": _r(np.mean(np.array(inj[v]) >= warn)),
                              "names_the_original": _r(np.mean(right_original[v]))} for v in variants},
           "default_warning": {"threshold": warn, "recall": _r(np.mean(main >= warn)),
                               "fa_per_100": _r(100 * np.mean(clean >= warn), 2)},
           "native": {"recall": _r(np.mean(inj_native["reformatted"] + inj_native["typo"])),
                      "fa_per_100": _r(100 * clean_native.mean(), 2)},
           "recall_by_seed": {str(k): _r(v) for k, v in by_seed.items()},
           "recall_min_over_seeds": _r(min(by_seed.values())),
           "at_entry": {"fa_per_100": _r(100 * np.mean(clean_entry > thr_entry), 2), "threshold": _r(thr_entry),
                        "recall_by_seed": {str(k): _r(v) for k, v in by_seed_entry.items()},
                        "recall_min_over_seeds": _r(min(by_seed_entry.values()))}}
    print("\n== Duplicates injected into the Oxford test period (re-sent 0-30 days later) ==")
    print(f"ours at <= 1 FA / 100 clean bills: recall {out['recall']:.3f} (FA {out['fa_per_100']:.2f}, threshold "
          f"{out['threshold']}); default warning: recall {out['default_warning']['recall']:.3f}, FA "
          f"{out['default_warning']['fa_per_100']:.2f}")
    print(f"Odoo (same ref, or same amount and date): recall {out['native']['recall']:.3f}, FA "
          f"{out['native']['fa_per_100']:.2f}")
    print("  same clean bills and threshold, duplicates drawn with seeds "
          + ", ".join(f"{k}: {v:.3f}" for k, v in by_seed.items()) + f" (min {min(by_seed.values()):.3f})")
    print(f"  as when entered (only bills dated on or before each bill; FA {out['at_entry']['fa_per_100']:.2f}): "
          + ", ".join(f"{k}: {v:.3f}" for k, v in by_seed_entry.items())
          + f" (min {min(by_seed_entry.values()):.3f})")
    for v, r in out["by_variant"].items():
        print(f"  {v:12} recall {r['recall']:.3f} (default {r['recall_default']:.3f}), Odoo {r['native_recall']:.3f}, "
              f"finding names the original: {r['names_the_original']:.3f}")
    out.update(bench_duplicate_pairs())
    return out


def fiscal_frame():
    path = data.shared_data_dir() / "invoices" / "fiscal_duplicate_pairs" / "data_undersampled.csv"
    return pd.read_csv(path)


def _f1(y, pred):
    y, pred = np.asarray(y, bool), np.asarray(pred, bool)
    tp = np.sum(y & pred)
    prec = tp / max(pred.sum(), 1)
    rec = tp / max(y.sum(), 1)
    return 2 * prec * rec / max(prec + rec, 1e-12), prec, rec


def bench_duplicate_pairs(seed=0, test_fraction=0.25):
    core = load_core()
    dup = sys.modules["ai_invoice_check__checks.duplicates"]
    f = fiscal_frame()
    X = f[[dup.FISCAL_COLUMNS[k] for k in dup.FEATURES]].to_numpy(float)
    y = f["duplicate"].to_numpy(int)
    rng = np.random.default_rng(seed)
    te = np.zeros(len(y), bool)
    for cls in (0, 1):   # stratified
        idx = np.nonzero(y == cls)[0]
        te[rng.choice(idx, int(round(test_fraction * len(idx))), replace=False)] = True
    t0 = time.perf_counter()
    params = core.DuplicateScorer.fit(X[~te], y[~te])
    scorer = core.DuplicateScorer(params)
    p = scorer.probability(X[te])
    f1, prec, rec = _f1(y[te], p >= scorer.threshold)
    nat = native.fiscal_native_flags(f[te])
    nf1, nprec, nrec = _f1(y[te], nat)
    shipped = core.DuplicateScorer()
    sf1 = _f1(y[te], shipped.probability(X[te]) >= shipped.threshold)[0]
    # how far these features can go at all: pairs whose similarity features are identical but whose labels
    # differ cannot all be right; the best any function of the features can do on the whole file (fitted
    # on it, so an optimistic bound for a held-out part) is the majority label of each identical group
    cols = [dup.FISCAL_COLUMNS[k] for k in dup.FEATURES]
    share = f.groupby(cols)["duplicate"].transform("mean").to_numpy()
    conflicting = int(np.sum((share > 0) & (share < 1)))
    ceiling = max(_f1(y, share > t)[0] for t in (0.3, 0.4, 0.45, 0.5, 0.55, 0.6))
    # a held-out counterpart: the training pairs' majority label for a test pair whose features occur among
    # them (a memory of every training pair), our trees for the others
    train = f.loc[~te, cols].assign(duplicate=y[~te]).groupby(cols)["duplicate"].mean()
    test_keys = pd.MultiIndex.from_frame(f.loc[te, cols])
    known = train.reindex(test_keys).to_numpy()
    lookup = np.where(np.isnan(known), p >= scorer.threshold, known > 0.5)
    lf1 = _f1(y[te], lookup)[0]
    out = {"pairs_f1": _r(f1), "pairs_precision": _r(prec), "pairs_recall": _r(rec),
           "pairs_f1_lookup_held_out": _r(lf1), "pairs_share_seen_in_training": _r(float(np.mean(~np.isnan(known)))),
           "pairs_conflicting_identical": conflicting, "pairs_f1_ceiling_in_sample": _r(ceiling),
           "pairs_native_f1": _r(nf1), "pairs_native_precision": _r(nprec), "pairs_native_recall": _r(nrec),
           "pairs_n_train": int((~te).sum()), "pairs_n_test": int(te.sum()),
           "pairs_shipped_model_f1_on_test_part": _r(sf1), "pairs_seconds": round(time.perf_counter() - t0, 1)}
    print(f"\n== FISCAL duplicate pairs ({int(te.sum()):,} held-out of {len(y):,}, similarity features only) ==")
    print(f"ours (trees on 18 features, fitted on the other {int((~te).sum()):,}): F1 {f1:.3f} (precision {prec:.3f}, "
          f"recall {rec:.3f})")
    print(f"Odoo's rule mapped (same invoice number, or same supplier + amount + entry date): F1 {nf1:.3f} "
          f"(precision {nprec:.3f}, recall {nrec:.3f})")
    print(f"(shipped parameters, fitted on the whole file, on the same part: F1 {sf1:.3f} - not a held-out figure)")
    print(f"ceiling: {conflicting:,} pairs ({conflicting / len(y):.1%}) share identical features with pairs of the other "
          f"label; the best any function of these features reaches on the whole file, fitted on it: F1 {ceiling:.3f}")
    print(f"held out, the training pairs' majority label where the test pair's features were seen in training "
          f"({np.mean(~np.isnan(known)):.0%} of them), our trees elsewhere: F1 {lf1:.3f}")
    return out


def fit_duplicate_model():
    core = load_core()
    dup = sys.modules["ai_invoice_check__checks.duplicates"]
    f = fiscal_frame()
    X = f[[dup.FISCAL_COLUMNS[k] for k in dup.FEATURES]].to_numpy(float)
    y = f["duplicate"].to_numpy(int)
    params = core.DuplicateScorer.fit(X, y)
    import sklearn
    params["fitted_on"] = ("fiscal_duplicate_pairs/data_undersampled.csv (pimverschuuren/Deduplication @ 910e460), "
                           f"all {len(y)} pairs; sklearn {sklearn.__version__} GradientBoostingClassifier("
                           "n_estimators=200, max_depth=4, learning_rate=0.1, random_state=0)")
    params["fitted_by"] = "benchmarks/bench_invoice_check.py --fit-duplicate-model"
    dup.MODEL_PATH.write_text(json.dumps(params, separators=(",", ":")) + "\n")
    print(f"written {dup.MODEL_PATH.relative_to(REPO)} ({dup.MODEL_PATH.stat().st_size:,} bytes)")


# ------------------------------------------------------------------------------------------------
# Bank accounts and taxes


def bench_bank(n_injected=2000, seed=7):
    core = load_core()
    ox = Oxford.get()
    history, test = ox["history"], ox["test"]
    policy = {"checks": ("bank_account",)}
    false_findings = sum(1 for b in test if core.check_bill(b, history, policy))
    eligible = [b for b in test if ox["earlier"][b["id"]] >= 1]
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(eligible), min(n_injected, len(eligible)), replace=False)
    caught, severities = 0, defaultdict(int)
    for i in picks:
        b = dict(eligible[i], iban=data.make_iban(eligible[i]["partner"], variant=1))
        found = core.check_bill(b, history, policy)
        caught += bool(found)
        if found:
            severities[found[0]["severity"]] += 1
    out = {"recall": _r(caught / len(picks)), "false_findings": int(false_findings), "n_changed": len(picks),
           "n_clean": len(test), "severities": dict(severities)}
    print(f"\n== Bank accounts: {len(picks):,} bills with a changed IBAN (suppliers with an earlier bill) ==")
    print(f"flagged {caught:,} ({out['recall']:.3f}) {dict(severities)}; findings on {len(test):,} unchanged bills: "
          f"{false_findings} (Odoo: no bank account check on bills)")
    return out


def bench_tax(n_injected=2000, seed=9):
    core = load_core()
    ox = Oxford.get()
    history, test = ox["history"], ox["test"]
    policy = {"checks": ("tax",)}
    flagged_clean = sum(1 for b in test if core.check_bill(b, history, policy))
    eligible = [b for b in test if ox["earlier"][b["id"]] >= 3]
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(eligible), min(n_injected, len(eligible)), replace=False)
    caught = 0
    for i in picks:
        b = eligible[i]
        rate = b["lines"][0]["tax_rate"]
        new = 0.05 if rate == 0.2 else 0.2
        fb = dict(b, lines=[dict(l, tax_rate=new) for l in b["lines"]])
        caught += bool(core.check_bill(fb, history, policy))
    out = {"recall": _r(caught / len(picks)), "fa_per_100": _r(100 * flagged_clean / len(test), 2),
           "n_changed": len(picks)}
    print(f"\n== Taxes: {len(picks):,} bills whose VAT rate changed (suppliers with >= 3 earlier bills) ==")
    print(f"flagged {out['recall']:.3f}; clean bills flagged: {out['fa_per_100']:.2f} per 100")
    return out


# ------------------------------------------------------------------------------------------------
# Category


def bench_category(refit_days=7):
    core = load_core()
    ox = Oxford.get()
    d = ox["lines"]
    rows = [{"partner": p, "partner_name": p if not p.startswith("ID:") else "", "amount": a, "date": day,
             "account": code or None, "analytic": area or None}
            for p, a, day, code, area in zip(d["partner"], d["amount"], d["date"], d["expenditure_code"],
                                              d["service_area"])]
    dates = np.array([r["date"] for r in rows])
    bill_dates = defaultdict(list)
    for b in ox["bills"]:
        bill_dates[b["partner"]].append(b["date"])
    bill_dates = {p: sorted(v) for p, v in bill_dates.items()}
    partner_lines = defaultdict(list)
    y, ours, nat, conf, ana_ok, ana_n = [], [], [], [], 0, 0
    t0 = time.perf_counter()
    start = data.TEST_START
    end = max(dates) + dt.timedelta(days=1)
    order = np.argsort(dates, kind="stable")
    rows = [rows[i] for i in order]
    dates = dates[order]
    n_fits = 0
    fit_seconds = 0.0
    week = start
    added = 0   # rows[:added] are in Odoo's live counts (lines of strictly earlier days)
    while week < end:
        nxt = week + dt.timedelta(days=refit_days)
        lo = bisect.bisect_left(dates, week)
        hi = bisect.bisect_left(dates, nxt)
        if hi > lo:
            tf = time.perf_counter()
            payload = core.CategoryModel.fit(rows[:lo])
            fit_seconds += time.perf_counter() - tf
            n_fits += 1
            batch = rows[lo:hi]
            preds = core.CategoryModel.predict(payload, batch)
            for r, pr in zip(batch, preds):
                while added < len(rows) and rows[added]["date"] < r["date"]:
                    partner_lines[rows[added]["partner"]].append((rows[added]["date"], rows[added]["account"]))
                    added += 1
                earlier = bisect.bisect_left(bill_dates.get(r["partner"], []), r["date"])
                if earlier >= 3 and r["account"]:
                    y.append(r["account"])
                    ours.append(pr["account"])
                    conf.append(pr["confidence"])
                    nat.append(native.most_frequent_account(partner_lines[r["partner"]], r["date"]))
                    if r["analytic"]:
                        ana_n += 1
                        ana_ok += pr["analytic"] == r["analytic"]
        week = nxt
    y, ours, nat = np.array(y, dtype=object), np.array(ours, dtype=object), np.array(nat, dtype=object)
    conf = np.array(conf)
    top1 = float(np.mean(ours == y))
    out = {"top1": _r(top1), "native_top1": _r(float(np.mean(nat == y))), "n_lines": int(len(y)),
           "refit_every_days": refit_days, "n_fits": n_fits, "fit_seconds_mean": _r(fit_seconds / max(n_fits, 1), 2),
           "analytic_top1": _r(ana_ok / max(ana_n, 1)), "seconds": round(time.perf_counter() - t0, 1),
           "top1_when_confidence_ge_0.8": _r(float(np.mean(ours[conf >= 0.8] == y[conf >= 0.8]))),
           "share_confidence_ge_0.8": _r(float(np.mean(conf >= 0.8)))}
    print("\n== Expense account of test-period lines (suppliers with >= 3 earlier bills) ==")
    print(f"{len(y):,} lines: ours top-1 {out['top1']:.3f} (refit every {refit_days} days), Odoo's most frequent "
          f"account {out['native_top1']:.3f}; analytic (service area) top-1 {out['analytic_top1']:.3f}; "
          f"confidence >= 0.8 on {out['share_confidence_ge_0.8']:.1%} of lines, top-1 there "
          f"{out['top1_when_confidence_ge_0.8']:.3f}")
    return out


# ------------------------------------------------------------------------------------------------
# Speed


def bench_speed(n_single=1000, n_recheck=10000, seed=3):
    core = load_core()
    ox = Oxford.get()
    extra, _ = data.purchase_history()
    bills = ox["bills"] + extra[: max(0, 50000 - len(ox["bills"]))]
    t0 = time.perf_counter()
    history = core.History(bills, today=TODAY)
    build = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(bills), n_single, replace=False)
    times = []
    for i in picks:
        t = time.perf_counter()
        core.check_bill(bills[i], history)
        times.append(1000 * (time.perf_counter() - t))
    times = np.array(times)
    picks = rng.choice(len(bills), n_recheck, replace=False)
    t = time.perf_counter()
    history2 = core.History(bills, today=TODAY)
    n_findings = 0
    for i in picks:
        n_findings += len(core.check_bill(bills[i], history2))
    recheck = time.perf_counter() - t
    out = {"n_history": len(bills), "history_build_s": _r(build, 2),
           "check_one_p50_ms": _r(np.percentile(times, 50), 2),
           "check_one_p95_ms": _r(np.percentile(times, 95), 2), "check_one_max_ms": _r(times.max(), 1),
           "recheck_10k_s": _r(recheck, 1), "recheck_findings": n_findings}
    print(f"\n== Speed: {len(bills):,} bills of history (built in {build:.1f} s) ==")
    print(f"one bill, every check: p50 {out['check_one_p50_ms']:.1f} ms, p95 {out['check_one_p95_ms']:.1f} ms, "
          f"max {out['check_one_max_ms']:.0f} ms; re-checking {n_recheck:,} bills (history build included): "
          f"{recheck:.1f} s")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", help=f"comma-separated, among {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/invoice_check.json")
    parser.add_argument("--fit-duplicate-model", action="store_true",
                        help="refit the shipped duplicate scorer on the whole FISCAL file and exit")
    args = parser.parse_args(argv)
    if args.fit_duplicate_model:
        fit_duplicate_model()
        return None
    sections = args.sections.split(",") if args.sections else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))}")
    results = {}
    fns = {"amount": bench_amount, "line_price": bench_line_price, "duplicates": bench_duplicates,
           "bank": bench_bank, "tax": bench_tax, "category": bench_category, "speed": bench_speed}
    for name in SECTIONS:
        if name in sections:
            results[name] = fns[name]()
    if not args.no_write:
        merge_results(results)
        print(f"\nwritten: {RESULTS_PATH.relative_to(REPO)}")
    return results


if __name__ == "__main__":
    main()
