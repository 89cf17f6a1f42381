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
from scipy import sparse

_HTML_TAG = re.compile(r"<[^>]*>")
# punctuation -> space, so str.split() (C speed) yields the words
_PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’…–—•·\u00a0"})


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
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(index=range(0))
    if len(frame) != len(records):  # only empty dicts: no columns, but still one row each
        frame = pd.DataFrame(index=range(len(records)))
    return frame


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
        return np.nan   # not a number: missing
    return np.nan       # any other type: missing


def tag_lists(series):
    """List of normalised tags per row: lists/tuples/sets are taken as is, text is split on commas."""
    out = []
    cache = {}
    for value in series:
        if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
            items = list(value)
        elif isinstance(value, str):
            items = value.split(",")
        else:
            items = [] if _is_missing_scalar(value) else [value]
        keys = []
        for item in items:
            if isinstance(item, str):
                key = cache.get(item, False)
                if key is False:
                    key = cache[item] = category_key(item)
            elif isinstance(item, (list, dict, set, tuple)):
                key = None
            else:
                key = category_key(item)
            if key is not None and key not in keys:
                keys.append(key)
        out.append(keys)
    return out


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
    return list(category_keys(values))


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
    _rows, keys = tag_pairs(values)
    counts = pd.Series(keys, dtype=object).value_counts(sort=False)
    counts = counts[counts >= options["min_count"]]
    vocab = sorted(counts.index, key=lambda k: (-int(counts[k]), k))[: options["max_tags"]]
    return {"vocab": list(vocab), "width": len(vocab) + 1}


def tag_pairs(series):
    """``(rows, keys)``: one entry per (row, distinct normalised tag), vectorised over the column."""
    values = series.reset_index(drop=True)
    try:
        exploded = values.explode()
    except (TypeError, ValueError):
        exploded = pd.Series([t for tags in tag_lists(values) for t in tags],
                             index=[i for i, tags in enumerate(tag_lists(values)) for _t in tags], dtype=object)
    is_text = exploded.map(lambda v: isinstance(v, str) and "," in v)
    if is_text.any():
        exploded = pd.concat([exploded[~is_text], exploded[is_text].str.split(",").explode()])
    keys = category_keys(exploded)
    rows = exploded.index.to_numpy()
    keep = pd.notna(keys)
    pairs = pd.DataFrame({"row": rows[keep].astype(np.int64), "key": keys[keep]}).drop_duplicates()
    return pairs["row"].to_numpy(np.int64), pairs["key"].to_numpy(dtype=object)


def _multi_entries(state, values):
    rows, keys = tag_pairs(values)
    index = pd.Index(state["vocab"], dtype=object)
    cols = index.get_indexer(keys) if len(keys) else np.zeros(0, np.int64)
    known = cols >= 0
    untagged = np.setdiff1d(np.arange(len(values)), rows)
    return (np.concatenate([rows[known], untagged]).astype(np.int64),
            np.concatenate([cols[known], np.full(len(untagged), len(state["vocab"]))]).astype(np.int64))


def block_multi(state, values):
    rows, cols = _multi_entries(state, values)
    return rows, cols, np.ones(len(rows))


def penalty_multi(state):
    return np.eye(state["width"])


def describe_multi(state, values):
    return tag_lists(values)


# ------------------------------------------------------------------------------------------------
# Free text: number of words (spline over log1p), "empty", and a few tokens chosen for their
# association with the outcome on the training rows


def _scan_text(values, vocabulary=None):
    """One pass over the distinct texts of a column.

    :return: ``(codes, words, tokens)``: per row the index of its distinct text (``-1`` when
        missing, which maps to the last entry of the other two); per distinct text + 1 the number
        of words; per distinct text + 1 its tokens (lower-case words of 3+ letters), or with a
        ``vocabulary`` the positions in it of the tokens present.
    """
    codes, uniques = _factorize(values)
    words = np.zeros(len(uniques) + 1)
    tokens = []
    index = {t: j for j, t in enumerate(vocabulary)} if vocabulary is not None else None
    vocab = set(index) if index is not None else None
    for i, value in enumerate(uniques):
        text = value if isinstance(value, str) else (category_key(value) or "")
        if "<" in text:
            text = _HTML_TAG.sub(" ", text)
        found = text.lower().translate(_PUNCTUATION).split()
        words[i] = len(found)
        if vocab is None:
            tokens.append({w for w in found if len(w) >= 3 and w.isalpha()})
        elif vocab:
            tokens.append([index[t] for t in vocab.intersection(found)])
        else:
            tokens.append(())
    tokens.append(set() if vocab is None else ())
    return codes, words, tokens


def fit_text(values, y, weight, options):
    codes, words_u, tokens_u = _scan_text(values)
    words = words_u[codes]
    nonempty = words > 0
    knots = _knots(np.log1p(words[nonempty]), options["n_knots"])
    tokens = []
    n = len(codes)
    if options["max_tokens"] and n:
        yv = np.asarray(y, dtype=float)
        # documents and conversions per token, counted over distinct texts then weighted by use
        uses = np.bincount(codes[codes >= 0], minlength=len(tokens_u))
        wins = np.bincount(codes[codes >= 0], weights=yv[codes >= 0], minlength=len(tokens_u))
        df_count, won = {}, {}
        for i, toks in enumerate(tokens_u):
            if uses[i]:
                for t in toks:
                    df_count[t] = df_count.get(t, 0) + uses[i]
                    won[t] = won.get(t, 0.0) + wins[i]
        min_df = max(options["min_count"], int(0.02 * n))
        base = (yv.sum() + 1) / (n + 2)
        scores = []
        for t, k in df_count.items():
            if k >= min_df:
                rate = (won[t] + 2 * base) / (k + 2)
                # z-statistic of the token's conversion rate against the overall rate
                scores.append((abs(rate - base) * math.sqrt(k) / math.sqrt(base * (1 - base)), t))
        tokens = [t for _s, t in sorted(scores, key=lambda st: (-st[0], st[1]))[: options["max_tokens"]]]
    return {"knots": knots, "tokens": tokens, "width": len(knots) + 1 + len(tokens)}


def block_text(state, values):
    codes, words_u, tokens_u = _scan_text(values, state["tokens"])
    words = words_u[codes]
    knots = np.asarray(state["knots"], dtype=float)
    x = np.where(words > 0, np.log1p(words), np.nan)
    rows, cols, vals = _hat_basis(x, knots)
    empty = np.nonzero(~np.isfinite(x))[0]
    parts_r, parts_c = [rows, empty], [cols, np.full(len(empty), len(knots), np.int64)]
    parts_v = [vals, np.ones(len(empty))]
    if state["tokens"]:
        shift = len(knots) + 1
        # (distinct text, column) pairs, then expanded to the rows using each text
        pair_u = [i for i, found in enumerate(tokens_u) for _j in found]
        pair_c = [j + shift for found in tokens_u for j in found]
        if pair_u:
            per_text = sparse.csr_matrix((np.ones(len(pair_u)), (pair_u, pair_c)),
                                         shape=(len(tokens_u), state["width"]))
            per_row = per_text[np.where(codes >= 0, codes, len(tokens_u) - 1)].tocoo()
            parts_r.append(per_row.row.astype(np.int64))
            parts_c.append(per_row.col.astype(np.int64))
            parts_v.append(per_row.data)
    return np.concatenate(parts_r), np.concatenate(parts_c), np.concatenate(parts_v)


def penalty_text(state, smoothing=1.0, ridge=0.01):
    k = len(state["knots"])
    pen = np.eye(state["width"])
    pen[:k, :k] = smoothing * _difference_penalty(k) + ridge * np.eye(k)
    return pen


def describe_text(state, values):
    codes, words_u, _tokens = _scan_text(values, ())
    return [int(w) for w in words_u[codes]]


KINDS = {
    "categorical": (fit_categorical, block_categorical, penalty_categorical, describe_categorical),
    "numeric": (fit_numeric, block_numeric, penalty_numeric, describe_numeric),
    "multi": (fit_multi, block_multi, penalty_multi, describe_multi),
    "text": (fit_text, block_text, penalty_text, describe_text),
}
