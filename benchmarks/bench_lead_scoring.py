#!/usr/bin/env python3
"""Lead scoring benchmark: our calibrated model against Odoo 19's own Predictive Lead Scoring.

    ./suite bench lead_scoring                      every dataset of benchmarks/lead_scoring_datasets/
    ./suite bench lead_scoring --datasets xeducation --no-native

Each dataset is a CSV described by a mapping file ``benchmarks/lead_scoring_datasets/<name>.json``
(see benchmarks/README.md), so a new dataset needs no code. The rows are sorted by the mapping's
order column; the model is trained on the oldest 80 % and measured on the newest 20 %.

The native baseline is Odoo's real PLS, computed by Odoo itself: in a scratch database with
``crm`` installed (``bench_pls_*``, created on first use), the training leads are created as won /
lost ``crm.lead`` records and the test leads as open ones, the dataset's columns mapped onto the
lead fields PLS reads; then Odoo's own ``_cron_update_automated_probabilities`` rebuilds the
frequency table and scores the open leads, and their ``automated_probability`` is read back. It
runs once with the default PLS fields ("native") and with several richer PLS configurations (every
categorical column as tags, as custom lead fields, numeric columns as raw or banded custom fields);
the best of these is "native_best". Everything happens in one transaction that is rolled back.

Results are printed as a table and merged into ``benchmarks/results/lead_scoring.json`` under
``datasets`` (other top-level keys of that file are kept).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import bench_common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO / "benchmarks" / "lead_scoring_datasets"
RESULTS_PATH = REPO / "benchmarks" / "results" / "lead_scoring.json"
DEFAULT_DB = "bench_pls_x"
TEST_FRACTION = 0.2
# Same settings for every dataset (never tuned to one file): time-aware recency chosen on the
# newest part of the training history, defaults otherwise.
TRAIN_KWARGS = {"recency_half_life": "auto", "min_per_class": 50, "validation_fraction": 0.2}

NATIVE_METHOD = (
    "Odoo 19 crm.lead._cron_update_automated_probabilities, run by Odoo on crm.lead records of a scratch "
    "database (rolled back): training leads won (Won stage, probability 100) or lost (archived, probability 0, "
    "first stage), test leads open in the first stage; all created in one run, so crm.pls_start_date is set "
    "before them and the stage factor of PLS is neutral (every lead is in the first stage) - as for a "
    "company whose leads are scored when they arrive. Columns mapped per the dataset file (source_id, "
    "country_id, medium_id, team_id, tag_ids...); custom x_ char fields for the richer configurations, which "
    "PLS accepts through the crm.pls_fields parameter.")

# The PLS fields of a fresh Odoo 19 database (crm/data/crm_lead_prediction_data.xml).
DEFAULT_PLS_FIELDS = ["phone_state", "email_state", "state_id", "country_id", "source_id", "lang_id", "tag_ids"]


# ------------------------------------------------------------------------------------------------
# Locations and the core


shared_data_dir = bench_common.shared_data_dir


def load_scoring_core():
    """The pure-Python core ``addons/ai_lead_scoring/scoring`` without importing Odoo."""
    return bench_common.load_core("ai_lead_scoring", "scoring")


# ------------------------------------------------------------------------------------------------
# Datasets


class Dataset:
    """A mapping file read and applied: features, label, order, and the Odoo field of each column."""

    def __init__(self, name, mapping, frame, y, order):
        self.name = name
        self.mapping = mapping
        self.frame = frame
        self.y = y
        self.order = order
        feats = mapping["features"]
        self.kinds = {col: spec["kind"] for col, spec in feats.items()}
        self.labels = {col: spec.get("label") or col for col, spec in feats.items()}
        self.odoo = {col: spec["odoo"] for col, spec in feats.items() if spec.get("odoo")}
        self.aliases = {col: spec.get("odoo_aliases") or {} for col, spec in feats.items()}

    def columns(self, kind):
        return [c for c, k in self.kinds.items() if k == kind]

    def spec(self, core):
        return core.FeatureSpec(categorical=self.columns("categorical"), numeric=self.columns("numeric"),
                                multi=self.columns("multi"), text=self.columns("text"), labels=self.labels)


def _resolve(path):
    path = Path(path)
    return path if path.is_absolute() else shared_data_dir() / path


def _read_csv(spec, missing_values):
    return pd.read_csv(_resolve(spec["path"]), sep=spec.get("separator", ","), dtype=str, keep_default_na=True,
                       na_values=list(missing_values))


def _norm_key(series):
    return series.astype(str).str.lower().str.replace(r"[^0-9a-z]", "", regex=True)


def load_dataset(path):
    """Read the CSV a mapping file describes; returns a :class:`Dataset` sorted by its order."""
    mapping = json.loads(Path(path).read_text())
    name = Path(path).stem
    missing = mapping.get("missing_values", [])
    frame = _read_csv(mapping, missing)
    frame["__row__"] = np.arange(len(frame))
    for join in mapping.get("joins", []):
        other = _read_csv(join, missing)
        on = join["on"]
        right_on = join.get("right_on", on)
        if join.get("normalise_key"):
            frame["__key__"] = _norm_key(frame[on])
            other = other.assign(__key__=_norm_key(other[right_on])).drop(columns=[right_on])
            frame = frame.merge(other, on="__key__", how="left").drop(columns="__key__")
        else:
            frame = frame.merge(other.rename(columns={right_on: on}), on=on, how="left")
    flt = mapping.get("filter")
    if flt:
        col = frame[flt["column"]].astype(str)
        keep = col.isin([str(v) for v in flt["in"]]) if "in" in flt else ~col.isin([str(v) for v in flt["not_in"]])
        frame = frame[keep]
    label = mapping["label"]
    y = frame[label["column"]].astype(str).str.strip().isin([str(v) for v in label["positive"]]).astype(int)
    order_col = mapping.get("order", "row")
    if order_col == "row":
        order = frame["__row__"]
    else:
        raw = frame[order_col]
        num = pd.to_numeric(raw, errors="coerce")
        order = num if num.notna().mean() > 0.9 else pd.to_datetime(raw, errors="coerce")
    # oldest first, file order breaks ties
    idx = np.lexsort((frame["__row__"].to_numpy(), order.rank(method="min", na_option="top").to_numpy()))
    frame = frame.iloc[idx].reset_index(drop=True)
    features = list(mapping["features"])
    unknown = [c for c in features if c not in frame.columns]
    if unknown:
        raise SystemExit(f"{path}: columns not in the data: {', '.join(unknown)}")
    leaking = [c for c in features if c in mapping.get("drop", {})]
    if leaking:
        raise SystemExit(f"{path}: columns both used and dropped: {', '.join(leaking)}")
    return Dataset(name, mapping, frame[features].copy(), y.iloc[idx].to_numpy(),
                   pd.Series(order.iloc[idx].to_numpy()))


def time_split(n, test_fraction=TEST_FRACTION):
    """Indices of the oldest (train) and newest (test) rows of an order-sorted dataset."""
    cut = n - int(round(n * test_fraction))
    return np.arange(cut), np.arange(cut, n)


# ------------------------------------------------------------------------------------------------
# Our model


def run_ours(ds, train_idx, test_idx):
    core = load_scoring_core()
    spec = ds.spec(core)
    X_tr, X_te = ds.frame.iloc[train_idx].reset_index(drop=True), ds.frame.iloc[test_idx].reset_index(drop=True)
    t0 = time.perf_counter()
    payload, internal = core.train(X_tr, ds.y[train_idx], ds.order.iloc[train_idx].to_numpy(), spec, **TRAIN_KWARGS)
    t_train = time.perf_counter() - t0
    scorer = core.Scorer(json.loads(json.dumps(payload, default=_json_default)))  # stored as JSON in Odoo
    t0 = time.perf_counter()
    p = scorer.predict_proba(X_te)
    t_predict = time.perf_counter() - t0
    y = ds.y[test_idx]
    return {
        "auc": core.roc_auc(y, p),
        "brier": core.brier(y, p),
        "lift10": core.lift(y, p, 0.1),
        "logloss": core.log_loss(y, p),
        "train_seconds": round(t_train, 2),
        "predict_seconds": round(t_predict, 3),
        "penalty": internal["penalty"],
        "recency_half_life": internal["recency_half_life"],
        "validation_auc": internal["auc"],
        "dropped_features": internal["dropped_features"],
        "calibration": core.calibration_table(y, p),
    }


def _json_default(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    raise TypeError(type(obj).__name__)


# ------------------------------------------------------------------------------------------------
# Odoo's native PLS


def odoo_options():
    """odoo-bin options the suite uses (addons path, database connection), without the binary."""
    if os.environ.get("AI_SUITE_ODOO_CMD"):
        cmd = json.loads(os.environ["AI_SUITE_ODOO_CMD"])
    else:
        sys.path.insert(0, str(REPO / "tests"))
        from odoo_harness import odoo_command  # computes the suite's command line like ./suite does

        cmd, _pg = odoo_command()
    return cmd, [a for a in cmd[2:]]


def ensure_scratch_db(db):
    """Create ``db`` with crm installed when it does not exist yet (only ``bench_pls_*`` names)."""
    if not db.startswith("bench_pls_"):
        raise SystemExit("the scratch database name must start with bench_pls_")
    cmd, opts = odoo_options()
    import psycopg2

    kw = {}
    for opt in opts:
        for key, arg in (("host", "--db_host="), ("port", "--db_port="), ("user", "--db_user="),
                         ("password", "--db_password=")):
            if opt.startswith(arg):
                kw[key] = opt[len(arg):]
    conn = psycopg2.connect(dbname="postgres", **kw)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            exists = cr.fetchone() is not None
    finally:
        conn.close()
    if not exists:
        print(f"[bench] creating the scratch database {db} with crm (once)", flush=True)
        subprocess.run(cmd + ["-d", db, "-i", "crm", "--stop-after-init", "--log-level=warn"], check=True)


class NativePLS:
    """Runs Odoo's own PLS on a dataset inside a scratch database, in a transaction rolled back."""

    def __init__(self, db):
        self.db = db
        self._odoo = None

    def _open(self):
        if self._odoo is None:
            _cmd, opts = odoo_options()
            import odoo
            from odoo.tools import config

            config.parse_config(opts + ["-d", self.db, "--log-level=warn", "--max-cron-threads=0",
                                       "--http-interface=127.0.0.1"])
            self._odoo = odoo
        from odoo.modules.registry import Registry

        # a fresh registry per dataset: custom fields created (and rolled back) by the previous one
        # must not linger in the in-memory model classes
        return Registry.new(self.db)

    def run(self, ds, train_idx, test_idx):
        """``{variant: {"p": ndarray, "fields": [...], "tags": "..."}}`` for the test leads."""
        registry = self._open()
        odoo = self._odoo
        import odoo.modules.module as odoo_module

        previous = odoo_module.current_test
        # PLS commits after each batch of probability updates unless it runs in a test: make it
        # believe so, so the whole run stays in our transaction and is rolled back.
        odoo_module.current_test = True
        try:
            with registry.cursor() as cr:
                try:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    return _native_variants(env, ds, train_idx, test_idx)
                finally:
                    cr.rollback()
        finally:
            odoo_module.current_test = previous


def _records_by_name(env, model, names, create=True):
    """{name: id} for the given display names, creating missing records (utm.source, crm.tag...)."""
    Model = env[model].with_context(active_test=False)
    out = {}
    for name in names:
        rec = Model.search([("name", "=", name)], limit=1)
        if not rec and create:
            rec = Model.create({"name": name})
        if rec:
            out[name] = rec.id
    return out


def _country_ids(env, names, aliases):
    countries = env["res.country"].search_read([], ["name", "code"])
    by_name = {c["name"].lower(): c["id"] for c in countries}
    by_name.update({c["code"].lower(): c["id"] for c in countries if c["code"]})
    return {n: by_name[aliases.get(n, n).lower()] for n in names if aliases.get(n, n).lower() in by_name}


def _lang_ids(env, names, aliases):
    langs = env["res.lang"].with_context(active_test=False).search_read([], ["name", "code", "iso_code"])
    keys = {}
    for lang in langs:
        for k in (lang["name"], lang["code"], lang["iso_code"]):
            if k:
                keys[k.lower()] = lang["id"]
    return {n: keys[aliases.get(n, n).lower()] for n in names if aliases.get(n, n).lower() in keys}


def _state_ids(env, names, aliases):
    states = env["res.country.state"].search_read([], ["name", "code"])
    keys = {s["name"].lower(): s["id"] for s in states}
    return {n: keys[aliases.get(n, n).lower()] for n in names if aliases.get(n, n).lower() in keys}


def _cat_text(series):
    """Categorical cells as stripped text, None when missing (same reading as the core)."""
    core = load_scoring_core()
    enc = sys.modules[core.__name__ + ".encoding"]
    return list(enc.category_keys(series.reset_index(drop=True)))


def _tag_values(ds, col, series):
    """Per row the list of values of a column read as tags (multi columns: their items)."""
    if ds.kinds[col] == "multi":
        enc = sys.modules[load_scoring_core().__name__ + ".encoding"]
        return enc.tag_lists(series.reset_index(drop=True))
    return [[v] if v is not None else [] for v in _cat_text(series)]


def _bands(train_values, values, n_bands=10):
    """Numeric cells as decile bands of the training values ("q03"), None when missing."""
    x_tr = pd.to_numeric(train_values, errors="coerce").to_numpy(dtype=float)
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    edges = np.unique(np.nanquantile(x_tr, np.linspace(0, 1, n_bands + 1)[1:-1])) if np.isfinite(x_tr).any() else []
    band = np.searchsorted(edges, x, side="right")
    return [None if not np.isfinite(v) else f"q{b + 1:02d}" for v, b in zip(x, band)]


def _raw_numbers(values):
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return [None if not np.isfinite(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))) for v in x]


def _native_variants(env, ds, train_idx, test_idx):
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
           "mail_create_nosubscribe": True, "active_test": False}
    env["crm.lead"].with_context(**ctx).search([]).unlink()
    env["crm.lead.scoring.frequency"].search([]).unlink()
    stages = env["crm.stage"].search([("team_ids", "=", False)], order="sequence, id")
    first_stage = stages.filtered(lambda s: not s.is_won)[:1]
    won_stage = stages.filtered("is_won")[:1]
    idx = np.concatenate([train_idx, test_idx])
    frame = ds.frame.iloc[idx].reset_index(drop=True)
    n_train = len(train_idx)
    y = ds.y[idx]

    # 1. standard lead fields the mapping names (source_id, country_id, team_id, tag_ids...)
    vals = [dict() for _ in range(len(frame))]
    natural_tags = [[] for _ in range(len(frame))]
    Fields = env["crm.lead"]._fields
    for col, fname in ds.odoo.items():
        if fname == "tag_ids":
            for i, tags in enumerate(_tag_values(ds, col, frame[col])):
                natural_tags[i] += [f"{ds.labels[col]}: {t}" for t in tags]
            continue
        field = Fields.get(fname)
        if field is None or field.type != "many2one":
            raise SystemExit(f"{ds.name}: {col} -> {fname}: only many2one lead fields and tag_ids are mapped")
        values = _cat_text(frame[col])
        names = sorted({v for v in values if v is not None})
        if field.comodel_name == "res.country":
            ids = _country_ids(env, names, ds.aliases[col])
        elif field.comodel_name == "res.lang":
            ids = _lang_ids(env, names, ds.aliases[col])
        elif field.comodel_name == "res.country.state":
            ids = _state_ids(env, names, ds.aliases[col])
        else:
            ids = _records_by_name(env, field.comodel_name, names)
        for i, v in enumerate(values):
            vals[i][fname] = ids.get(v, False)

    # 2. custom char fields (x_...) for the richer configurations: every categorical column,
    #    numeric columns as raw values and as decile bands
    custom = {"cat": [], "num": [], "band": []}
    model_id = env["ir.model"]._get_id("crm.lead")
    field_vals = []
    train_frame = ds.frame.iloc[train_idx]
    columns = {}
    # columns already mapped onto a standard lead field are not duplicated (naive Bayes would
    # count them twice)
    for k, col in enumerate(c for c in ds.columns("categorical") if c not in ds.odoo):
        fname = f"x_bench_c{k}"
        custom["cat"].append(fname)
        columns[fname] = _cat_text(frame[col])
        field_vals.append({"name": fname, "field_description": f"Bench: {ds.labels[col]}"[:60], "ttype": "char",
                           "model_id": model_id, "state": "manual"})
    for k, col in enumerate(ds.columns("numeric")):
        for kind, fname, values in (("num", f"x_bench_n{k}", _raw_numbers(frame[col])),
                                    ("band", f"x_bench_b{k}", _bands(train_frame[col], frame[col]))):
            custom[kind].append(fname)
            columns[fname] = values
            field_vals.append({"name": fname, "field_description": f"Bench: {ds.labels[col]} ({kind})"[:60],
                               "ttype": "char", "model_id": model_id, "state": "manual"})
    if field_vals:
        env["ir.model.fields"].create(field_vals)  # re-initialises the crm.lead model class
    for fname, values in columns.items():
        for i, v in enumerate(values):
            vals[i][fname] = v or False

    # 3. the leads: training ones won or lost, test ones open, all in the first stage otherwise
    for i in range(len(frame)):
        v = vals[i]
        v.update({"name": f"{ds.name} {i}", "type": "opportunity", "user_id": False})
        v.setdefault("team_id", False)
        if i < n_train and y[i] == 1:
            v.update({"stage_id": won_stage.id, "probability": 100})
        elif i < n_train:
            v.update({"stage_id": first_stage.id, "probability": 0, "active": False})
        else:
            v.update({"stage_id": first_stage.id})
    Lead = env["crm.lead"].with_context(**ctx)
    lead_ids = []
    for start in range(0, len(vals), 2000):
        lead_ids += Lead.create(vals[start:start + 2000]).ids
    test_ids = lead_ids[n_train:]

    all_tag_cols = [c for c in ds.columns("categorical") + ds.columns("multi") if ds.odoo.get(c) != "tag_ids"]
    every_tag = [list(t) for t in natural_tags]
    for col in all_tag_cols:
        for i, tags in enumerate(_tag_values(ds, col, frame[col])):
            every_tag[i] += [f"{ds.labels[col]}: {t}" for t in tags]

    set_param = env["ir.config_parameter"].sudo().set_param
    set_param("crm.pls_start_date", "2000-01-01")  # before the oldest lead (all created now)
    natural_fields = sorted(set(ds.odoo.values()) - {"tag_ids", "team_id"})
    extra_std = [f for f in natural_fields if f not in DEFAULT_PLS_FIELDS]
    variants = [
        ("native", DEFAULT_PLS_FIELDS, natural_tags, "default PLS fields"),
        ("tags", DEFAULT_PLS_FIELDS + extra_std, every_tag,
         "default fields + mapped lead fields, every other categorical column as tags"),
        ("fields", DEFAULT_PLS_FIELDS + extra_std + custom["cat"], natural_tags,
         "default fields + mapped lead fields + one custom field per other categorical column"),
        ("fields_numeric", DEFAULT_PLS_FIELDS + extra_std + custom["cat"] + custom["num"], natural_tags,
         "as 'fields' + numeric columns as custom fields (raw values)"),
        ("fields_banded", DEFAULT_PLS_FIELDS + extra_std + custom["cat"] + custom["band"], natural_tags,
         "as 'fields' + numeric columns as custom fields (decile bands)"),
    ]
    results = {}
    current_tags = None
    for name, pls_fields, tags, description in variants:
        if name != "native" and not ds.columns("categorical") + ds.columns("numeric"):
            continue
        if tags is not current_tags:
            _set_tags(env, lead_ids, tags)
            current_tags = tags
        set_param("crm.pls_fields", ",".join(pls_fields))
        t0 = time.perf_counter()
        env["crm.lead"].sudo()._cron_update_automated_probabilities()
        seconds = time.perf_counter() - t0
        env.invalidate_all()
        probs = {r["id"]: r["automated_probability"] for r in
                 env["crm.lead"].with_context(active_test=False).browse(test_ids).read(["automated_probability"])}
        results[name] = {"p": np.array([probs[i] for i in test_ids], dtype=float) / 100.0,
                         "fields": pls_fields, "description": description, "seconds": round(seconds, 1)}
    return results


def _set_tags(env, lead_ids, tags_per_lead):
    """Replace the tags of the leads (one write per tag, not per lead)."""
    Lead = env["crm.lead"].with_context(tracking_disable=True, active_test=False)
    Lead.browse(lead_ids).write({"tag_ids": [(5, 0, 0)]})
    by_tag = {}
    for lead_id, tags in zip(lead_ids, tags_per_lead):
        for t in tags:
            by_tag.setdefault(t, []).append(lead_id)
    ids = _records_by_name(env, "crm.tag", sorted(by_tag))
    for tag, leads in by_tag.items():
        Lead.browse(leads).write({"tag_ids": [(4, ids[tag])]})


def run_native(ds, train_idx, test_idx, pls):
    core = load_scoring_core()
    y = ds.y[test_idx]
    out = {}
    for name, res in pls.run(ds, train_idx, test_idx).items():
        p = res["p"]
        out[name] = {"auc": core.roc_auc(y, p), "brier": core.brier(y, p), "lift10": core.lift(y, p, 0.1),
                     "distinct_scores": int(len(np.unique(p))), "fields": res["fields"],
                     "description": res["description"], "seconds": res["seconds"]}
    return out


# ------------------------------------------------------------------------------------------------
# Results


def merge_results(updates, path=RESULTS_PATH):
    """Merge ``{"datasets": {name: {...}}}`` into the results file, keeping every other key."""
    data = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = {}
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            for sub, subval in value.items():
                if isinstance(subval, dict) and isinstance(data[key].get(sub), dict):
                    data[key][sub].update(subval)
                else:
                    data[key][sub] = subval
        else:
            data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=_json_default) + "\n")
    tmp.replace(path)
    return data


def _fmt(v, digits=3):
    return "  -  " if v is None else f"{v:.{digits}f}"


def print_table(rows):
    head = (f"{'dataset':<16}{'n_train':>8}{'n_test':>8} | {'AUC':>6}{'Brier':>7}{'lift10':>7} | "
            f"{'native AUC':>10}{'Brier':>7}{'lift10':>7} | {'best AUC':>8}{'Brier':>7}  best variant")
    print(head)
    print("-" * len(head))
    for name, r in rows.items():
        print(f"{name:<16}{r['n_train']:>8}{r['n_test']:>8} | {_fmt(r['auc']):>6}{_fmt(r['brier']):>7}"
              f"{_fmt(r['lift10'], 2):>7} | {_fmt(r.get('native_auc')):>10}{_fmt(r.get('native_brier')):>7}"
              f"{_fmt(r.get('native_lift10'), 2):>7} | {_fmt(r.get('native_best_auc')):>8}"
              f"{_fmt(r.get('native_best_brier')):>7}  {r.get('native_best_variant') or '-'}")


def benchmark_dataset(path, pls=None):
    """Measure one dataset: our model, and Odoo's PLS when ``pls`` is given."""
    ds = load_dataset(path)
    train_idx, test_idx = time_split(len(ds.y))
    print(f"[bench] {ds.name}: {len(ds.y)} leads ({ds.y.mean():.1%} won), train {len(train_idx)} "
          f"(won {ds.y[train_idx].mean():.1%}), test {len(test_idx)} (won {ds.y[test_idx].mean():.1%})", flush=True)
    ours = run_ours(ds, train_idx, test_idx)
    row = {"auc": ours["auc"], "brier": ours["brier"], "lift10": ours["lift10"], "logloss": ours["logloss"],
           "n_train": int(len(train_idx)), "n_test": int(len(test_idx)),
           "base_rate_train": float(ds.y[train_idx].mean()), "base_rate_test": float(ds.y[test_idx].mean()),
           "train_seconds": ours["train_seconds"], "predict_seconds": ours["predict_seconds"],
           "model": {"penalty": ours["penalty"], "recency_half_life": ours["recency_half_life"],
                     "validation_auc": ours["validation_auc"], "dropped_features": ours["dropped_features"]},
           "calibration": ours["calibration"]}
    if pls is not None:
        t0 = time.perf_counter()
        variants = run_native(ds, train_idx, test_idx, pls)
        native = variants["native"]
        best_name = max(variants, key=lambda k: (variants[k]["auc"] or 0.0))
        best = variants[best_name]
        row.update({
            "native_auc": native["auc"], "native_brier": native["brier"], "native_lift10": native["lift10"],
            "native_best_auc": best["auc"], "native_best_brier": best["brier"], "native_best_lift10": best["lift10"],
            "native_best_variant": best_name,
            "native_variants": {k: {m: v[m] for m in ("auc", "brier", "lift10", "distinct_scores", "description",
                                                       "fields", "seconds")} for k, v in variants.items()},
            "native_seconds": round(time.perf_counter() - t0, 1),
            "native_method": NATIVE_METHOD,
        })
        for k, v in variants.items():
            print(f"[bench]   PLS {k:<15} AUC {_fmt(v['auc'])}  Brier {_fmt(v['brier'])}  lift10 "
                  f"{_fmt(v['lift10'], 2)}  ({v['distinct_scores']} distinct scores, {v['seconds']} s)", flush=True)
    return ds.name, row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", help="comma-separated mapping names (default: every file)")
    parser.add_argument("--no-native", action="store_true", help="skip Odoo's PLS (no database needed)")
    parser.add_argument("--db", default=DEFAULT_DB, help="scratch database (bench_pls_*), created when missing")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/lead_scoring.json")
    parser.add_argument("--no-speed", action="store_true", help="skip the in-Odoo speed part (100,000 leads)")
    parser.add_argument("--no-timing", action="store_true", help="skip the best channel/weekday part")
    args = parser.parse_args(argv)

    paths = sorted(DATASETS_DIR.glob("*.json"))
    if args.datasets:
        wanted = set(args.datasets.split(","))
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise SystemExit(f"no mapping file for: {', '.join(sorted(missing))}")
    pls = None
    if not args.no_native:
        ensure_scratch_db(args.db)
        pls = NativePLS(args.db)
        print(f"[bench] native PLS: {NATIVE_METHOD}", flush=True)
    rows = {}
    for path in paths:
        name, row = benchmark_dataset(path, pls)
        rows[name] = row
    print()
    print_table(rows)
    if pls is None:
        print("\n(native PLS skipped: --no-native)")
    if not args.no_write:
        merge_results({"datasets": rows})
        print(f"\nwritten: {RESULTS_PATH.relative_to(REPO)}")
    if not args.no_timing and not args.no_write:
        import bench_lead_scoring_timing

        print("\n[bench] best channel and weekday (engagement core)", flush=True)
        bench_lead_scoring_timing.main()
    if not args.no_speed and not args.no_write:
        import bench_lead_scoring_speed

        print("\n[bench] speed in Odoo: 100,000 leads, ours against Odoo's PLS recompute", flush=True)
        bench_lead_scoring_speed.main([])
    return rows


if __name__ == "__main__":
    main()
