"""Turn raw lead columns into sparse design blocks, one block per feature.

Each feature kind has three functions working on plain data:

- ``fit_<kind>(values, y, weight, options) -> state``: learn the encoding (levels, knots, vocabulary)
  from the training rows; ``state`` is a JSON-able dict stored in the model payload;
- ``block_<kind>(state, values) -> (rows, cols, vals)``: the rows' non-zero entries in the block
  (coordinate format, columns numbered inside the block, ``state["width"]`` columns);
- ``penalty_<kind>(state) -> ndarray``: the block's quadratic penalty (ridge for indicators, a
  first-difference penalty for spline knots so numeric effects come out smooth).

A feature's contribution to the log-odds is ``coef[cols] * vals`` summed per row, so prediction is
a few ``np.bincount`` calls and explanations are exact. Nothing here raises on odd input: values
that cannot be read (wrong type, NaN, empty string, unhashable objects) count as missing.
"""
import math
import re

import numpy as np
import pandas as pd

OTHER = "__other__"
MISSING = "__missing__"

_HTML_TAG = re.compile(r"<[^>]*>")
_TOKEN = r"(?u)\b[^\W\d_]{3,}\b"


# ------------------------------------------------------------------------------------------------
# Reading columns


def as_frame(rows):
    """A pandas DataFrame from a DataFrame, a list of dicts or a dict of columns (never raises)."""
    if isinstance(rows, pd.DataFrame):
        return rows
    if isinstance(rows, dict):
        try:
            return pd.DataFrame(rows)
        except (ValueError, TypeError):
            rows = [rows]
    records = [r if isinstance(r, dict) else {} for r in (rows if rows is not None else [])]
    return pd.DataFrame.from_records(records) if records else pd.DataFrame(index=range(0))


def column(frame, name, n=None):
    """The column ``name`` as an object/numeric Series, or all-missing when the frame lacks it."""
    n = len(frame) if n is None else n
    if name in frame.columns:
        col = frame[name]
        if isinstance(col, pd.DataFrame):  # duplicated column names: take the first
            col = col.iloc[:, 0]
        return col.reset_index(drop=True)
    return pd.Series([None] * n, dtype=object)


def _is_missing_scalar(value):
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, np.floating) and np.isnan(value):
        return True
    return False


def category_key(value):
    """The normalised text of a categorical value, or None when missing.

    Strings are stripped; integral numbers lose their ``.0`` (``3.0`` and ``"3"`` are one level);
    anything else is read through ``str``.
    """
    try:
        if _is_missing_scalar(value):
            return None
        if isinstance(value, (bool, np.bool_)):
            return "True" if value else "False"
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            value = float(value)
            if math.isinf(value):
                return None
            return str(int(value)) if value.is_integer() else repr(value)
        text = (value if isinstance(value, str) else str(value)).strip()
        return text[:200] or None
    except Exception:  # a __str__ that raises: treat as missing rather than fail the batch
        return None


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _factorize(series):
    """(codes, uniques) of a Series whatever it holds (unhashable cells are read as text)."""
    try:
        return pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        fixed = series.map(lambda v: v if _hashable(v) else category_key(v))
        return pd.factorize(fixed, use_na_sentinel=True)


def category_keys(series):
    """Normalised keys of a Series as an object ndarray (None for missing); vectorised over uniques."""
    codes, uniques = _factorize(series)
    keys = np.array([category_key(u) for u in uniques] + [None], dtype=object)
    return keys[codes]


def numeric_values(series):
    """Float ndarray of a Series; text that is not a number, infinities and odd objects become NaN."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype):
        out = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            out = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            out = np.array([_to_float(v) for v in series], dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def _to_float(value):
    try:
        if isinstance(value, str):
            return float(value.strip())
        if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
            return float(value)
    except (TypeError, ValueError):
        pass
    return np.nan


def tag_lists(series):
    """List of normalised tags per row: lists/tuples/sets are taken as is, text is split on commas."""
    out = []
    for value in series:
        if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
            items = list(value)
        elif isinstance(value, str):
            items = value.split(",")
        else:
            items = [] if _is_missing_scalar(value) else [value]
        keys = []
        for item in items:
            key = category_key(item) if not isinstance(item, (list, dict, set, tuple)) else None
            if key is not None and key not in keys:
                keys.append(key)
        out.append(keys)
    return out


def clean_text(series):
    """Plain text per row (HTML tags removed, missing -> empty string) as a Series of str."""
    text = series.map(lambda v: v if isinstance(v, str) else ("" if _is_missing_scalar(v) or not _hashable(v)
                                                             else category_key(v) or ""))
    return text.str.replace(_HTML_TAG, " ", regex=True)


# ------------------------------------------------------------------------------------------------
# Categorical: one indicator per frequent level, plus "other" (rare or unseen) and "missing"


def fit_categorical(values, y, weight, options):
    keys = category_keys(values)
    present = keys[pd.notna(keys)]
    counts = pd.Series(present, dtype=object).value_counts(sort=False) if len(present) else pd.Series(dtype=int)
    counts = counts[counts >= options["min_count"]]
    # most frequent first, ties in alphabetical order so the encoding does not depend on row order
    levels = sorted(counts.index, key=lambda k: (-int(counts[k]), k))[: options["max_levels"]]
    return {"levels": list(levels), "width": len(levels) + 2}


def block_categorical(state, values):
    keys = category_keys(values)
    index = {k: i for i, k in enumerate(state["levels"])}
    other, missing = len(state["levels"]), len(state["levels"]) + 1
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    lookup = np.array([index.get(u, other) for u in uniques] + [missing], dtype=np.int64)
    cols = lookup[codes]
    rows = np.arange(len(cols), dtype=np.int64)
    return rows, cols, np.ones(len(cols))


def penalty_categorical(state):
    return np.eye(state["width"])


def describe_categorical(state, values):
    return [k if k is not None else None for k in category_keys(values)]


# ------------------------------------------------------------------------------------------------
# Numeric: piecewise-linear spline over quantile knots (flat beyond the end knots) + missing


def _knots(x, n_knots):
    x = x[np.isfinite(x)]
    if not len(x):
        return np.zeros(0)
    distinct = np.unique(x)
    if len(distinct) <= n_knots:
        return distinct.astype(float)
    return np.unique(np.quantile(x, np.linspace(0.01, 0.99, n_knots)))


def _hat_basis(x, knots, offset=0):
    """Rows, cols, vals of the piecewise-linear ("hat") basis; NaN rows get nothing."""
    finite = np.isfinite(x)
    idx = np.nonzero(finite)[0]
    xv = x[finite]
    k = len(knots)
    if k == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if k == 1:
        return idx, np.full(len(idx), offset, np.int64), np.ones(len(idx))
    xc = np.clip(xv, knots[0], knots[-1])
    j = np.clip(np.searchsorted(knots, xc, side="right") - 1, 0, k - 2)
    t = (xc - knots[j]) / (knots[j + 1] - knots[j])
    rows = np.concatenate([idx, idx])
    cols = np.concatenate([j, j + 1]) + offset
    vals = np.concatenate([1 - t, t])
    return rows, cols, vals


def _difference_penalty(k):
    if k < 2:
        return np.zeros((k, k))
    d = np.diff(np.eye(k), axis=0)
    return d.T @ d


def fit_numeric(values, y, weight, options):
    x = numeric_values(values)
    knots = _knots(x, options["n_knots"])
    return {"knots": knots, "width": len(knots) + 1}


def block_numeric(state, values):
    x = numeric_values(values)
    knots = np.asarray(state["knots"], dtype=float)
    rows, cols, vals = _hat_basis(x, knots)
    miss = np.nonzero(~np.isfinite(x))[0]
    return (np.concatenate([rows, miss]), np.concatenate([cols, np.full(len(miss), len(knots), np.int64)]),
            np.concatenate([vals, np.ones(len(miss))]))


def penalty_numeric(state, smoothing=1.0, ridge=0.01):
    k = len(state["knots"])
    pen = np.zeros((k + 1, k + 1))
    pen[:k, :k] = smoothing * _difference_penalty(k) + ridge * np.eye(k)
    pen[k, k] = 1.0
    return pen


def describe_numeric(state, values):
    x = numeric_values(values)
    return [None if not np.isfinite(v) else float(v) for v in x]


# ------------------------------------------------------------------------------------------------
# Multi-valued (tags): one indicator per frequent tag, plus "no tag"


def fit_multi(values, y, weight, options):
    lists = tag_lists(values)
    counts = pd.Series([t for tags in lists for t in tags], dtype=object).value_counts(sort=False)
    counts = counts[counts >= options["min_count"]]
    vocab = sorted(counts.index, key=lambda k: (-int(counts[k]), k))[: options["max_tags"]]
    return {"vocab": list(vocab), "width": len(vocab) + 1}


def _multi_entries(state, lists):
    index = {k: i for i, k in enumerate(state["vocab"])}
    rows, cols = [], []
    for i, tags in enumerate(lists):
        hit = False
        for t in tags:
            j = index.get(t)
            if j is not None:
                rows.append(i)
                cols.append(j)
                hit = True
        if not hit and not tags:
            rows.append(i)
            cols.append(len(state["vocab"]))
    return np.asarray(rows, np.int64), np.asarray(cols, np.int64)


def block_multi(state, values):
    rows, cols = _multi_entries(state, tag_lists(values))
    return rows, cols, np.ones(len(rows))


def penalty_multi(state):
    return np.eye(state["width"])


def describe_multi(state, values):
    return tag_lists(values)


# ------------------------------------------------------------------------------------------------
# Free text: number of words (spline over log1p), "empty", and a few tokens chosen for their
# association with the outcome on the training rows


def _word_counts(text):
    return text.str.count(r"\w+").to_numpy(dtype=float)


def _token_sets(text):
    return text.str.lower().str.findall(_TOKEN).map(set)


def fit_text(values, y, weight, options):
    text = clean_text(values)
    words = _word_counts(text)
    nonempty = words > 0
    knots = _knots(np.log1p(words[nonempty]), options["n_knots"])
    tokens = []
    n = len(text)
    if options["max_tokens"] and n:
        sets = _token_sets(text)
        exploded = sets.explode().dropna()
        if len(exploded):
            df_count = exploded.value_counts()
            min_df = max(options["min_count"], int(0.02 * n))
            candidates = df_count[df_count >= min_df].index
            yv = np.asarray(y, dtype=float)
            base = (yv.sum() + 1) / (n + 2)
            stats = pd.DataFrame({"t": exploded.to_numpy(), "y": yv[exploded.index.to_numpy()]})
            stats = stats[stats["t"].isin(set(candidates))].groupby("t")["y"].agg(["sum", "count"])
            rate = (stats["sum"] + 2 * base) / (stats["count"] + 2)
            # z-statistic of each token's conversion rate against the overall rate
            score = (rate - base).abs() * np.sqrt(stats["count"]) / math.sqrt(base * (1 - base))
            ranked = sorted(zip(score.to_numpy(), score.index), key=lambda st: (-st[0], st[1]))
            tokens = [str(t) for _s, t in ranked[: options["max_tokens"]]]
    return {"knots": knots, "tokens": tokens, "width": len(knots) + 1 + len(tokens)}


def block_text(state, values):
    text = clean_text(values)
    words = _word_counts(text)
    knots = np.asarray(state["knots"], dtype=float)
    x = np.where(words > 0, np.log1p(words), np.nan)
    rows, cols, vals = _hat_basis(x, knots)
    empty = np.nonzero(~np.isfinite(x))[0]
    parts_r, parts_c, parts_v = [rows, empty], [cols, np.full(len(empty), len(knots), np.int64)], [vals, np.ones(len(empty))]
    if state["tokens"]:
        sets = _token_sets(text)
        exploded = sets.explode().dropna()
        index = pd.Index(state["tokens"])
        found = index.get_indexer(exploded.to_numpy())
        keep = found >= 0
        parts_r.append(exploded.index.to_numpy()[keep].astype(np.int64))
        parts_c.append(found[keep].astype(np.int64) + len(knots) + 1)
        parts_v.append(np.ones(int(keep.sum())))
    return np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_v)


def penalty_text(state, smoothing=1.0, ridge=0.01):
    k = len(state["knots"])
    pen = np.eye(state["width"])
    pen[:k, :k] = smoothing * _difference_penalty(k) + ridge * np.eye(k)
    return pen


def describe_text(state, values):
    text = clean_text(values)
    return [int(w) for w in _word_counts(text)]


KINDS = {
    "categorical": (fit_categorical, block_categorical, penalty_categorical, describe_categorical),
    "numeric": (fit_numeric, block_numeric, penalty_numeric, describe_numeric),
    "multi": (fit_multi, block_multi, penalty_multi, describe_multi),
    "text": (fit_text, block_text, penalty_text, describe_text),
}
