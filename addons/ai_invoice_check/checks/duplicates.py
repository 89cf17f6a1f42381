"""Pairwise duplicate score of two bills.

:func:`pair_features` compares two normalised bills: eight similarities of their references (on
the normalised references, see :func:`~.text.normalise_ref`), seven of their supplier names (1 when
it is the same supplier), same supplier, same amount (to the cent), same date: the features of the
FISCAL Technologies duplicate-pair data set, so a model fitted there applies to bills. Beside them
(not learnt, used by the check's rules): normalised references equal, digits equal, edit distance,
relative amount difference, days apart, same document hash, same journal.

:class:`DuplicateScorer` turns the learnt features into a probability with a small gradient-boosted
tree ensemble stored as plain arrays (``duplicate_model.json`` in this package, read with the
standard json module; evaluated with numpy only). The shipped parameters were fitted once on the
whole ``fiscal_duplicate_pairs/data_undersampled.csv`` (34,102 labelled pairs) by
``benchmarks/bench_invoice_check.py --fit-duplicate-model``; :meth:`DuplicateScorer.fit` refits on
other labelled pairs (it needs scikit-learn, prediction does not).
"""
import json
import math
from pathlib import Path

import numpy as np

from .text import NAME_SIMILARITIES, REF_SIMILARITIES, damerau_levenshtein, similarities

FORMAT = "ai_invoice_check.duplicate_trees"
VERSION = 1
MODEL_PATH = Path(__file__).with_name("duplicate_model.json")

REF_FEATURES = tuple(f"ref_{name}" for name in REF_SIMILARITIES)
NAME_FEATURES = tuple(f"name_{name}" for name in NAME_SIMILARITIES)
FEATURES = REF_FEATURES + NAME_FEATURES + ("same_partner", "same_amount", "same_date")

# Column of the FISCAL pair file each feature is read from (same_paidDate and same_user are not
# used: a bill being checked is not paid yet, and who typed it says nothing about the document).
FISCAL_COLUMNS = {
    "ref_jaro": "invoiceNumber_jaro",
    "ref_jaro_reversed": "invoiceNumber_jaro_inv",
    "ref_damerau_levenshtein": "invoiceNumber_damlev",
    "ref_qgram2": "invoiceNumber_q2",
    "ref_qgram3": "invoiceNumber_q3",
    "ref_substring2": "invoiceNumber_long2",
    "ref_substring3": "invoiceNumber_long3",
    "ref_smith_waterman": "invoiceNumber_sw",
    "name_jaro": "suppName_jaro",
    "name_damerau_levenshtein": "suppName_damlev",
    "name_qgram2": "suppName_q2",
    "name_qgram3": "suppName_q3",
    "name_substring2": "suppName_long2",
    "name_substring3": "suppName_long3",
    "name_substring4": "suppName_long4",
    "same_partner": "same_suppRef",
    "same_amount": "same_baseAmount",
    "same_date": "same_enteredDate",
}


def pair_features(a, b):
    """Similarity features of two normalised bills (see :func:`~.history.normalise_bill`)."""
    ref_a, ref_b = a["ref_compact"], b["ref_compact"]
    feats = {}
    if ref_a and ref_b:
        for name, value in similarities(ref_a, ref_b, REF_SIMILARITIES).items():
            feats[f"ref_{name}"] = value
    else:
        feats.update({f: 0.0 for f in REF_FEATURES})
    same_partner = a["partner"] is not None and a["partner"] == b["partner"]
    if same_partner:
        feats.update({f: 1.0 for f in NAME_FEATURES})
    elif a["partner_name"] and b["partner_name"]:
        for name, value in similarities(a["partner_name"], b["partner_name"], NAME_SIMILARITIES).items():
            feats[f"name_{name}"] = value
    else:
        feats.update({f: 0.0 for f in NAME_FEATURES})
    amount_a, amount_b = a["amount_total"], b["amount_total"]
    amounts_known = math.isfinite(amount_a) and math.isfinite(amount_b)
    feats["same_partner"] = float(same_partner)
    feats["same_amount"] = float(amounts_known and amount_a != 0 and abs(amount_a - amount_b) < 0.005)
    feats["same_date"] = float(a["date"] is not None and a["date"] == b["date"])
    # not learnt: evidence the check's rules use
    feats["ref_equal"] = float(bool(set(a["ref_keys"]) & set(b["ref_keys"])))
    common_digits = set(a["digit_keys"]) & set(b["digit_keys"])
    feats["ref_digits_equal"] = float(bool(common_digits))
    feats["ref_digits_length"] = float(max((len(k) for k in common_digits), default=0))
    feats["ref_distance"] = float(damerau_levenshtein(ref_a, ref_b)) if ref_a and ref_b else math.inf
    if amounts_known and max(abs(amount_a), abs(amount_b)) > 0:
        feats["amount_rel_diff"] = abs(amount_a - amount_b) / max(abs(amount_a), abs(amount_b))
    else:
        feats["amount_rel_diff"] = math.inf
    if a["date"] is not None and b["date"] is not None:
        feats["days_apart"] = float(abs((a["date"] - b["date"]).days))
    else:
        feats["days_apart"] = math.inf
    feats["same_hash"] = float(bool(a["doc_hash"]) and a["doc_hash"] == b["doc_hash"])
    feats["same_journal"] = float(a["journal"] is not None and a["journal"] == b["journal"])
    return feats


class DuplicateScorer:
    """Probability that two bills are the same document, from :data:`FEATURES`.

    ``DuplicateScorer()`` uses the shipped parameters; ``DuplicateScorer(params)`` a payload of
    :meth:`fit`. ``params`` is plain JSON data: the feature names, the initial log-odds, the
    learning rate and, per tree, arrays ``feature``, ``threshold``, ``left``, ``right``, ``value``
    (``left == -1`` marks a leaf; rows go left when ``x[feature] <= threshold``).
    """

    _default = None

    def __init__(self, params=None):
        if params is None:
            params = self.default_params()
        if params.get("format") != FORMAT:
            raise ValueError("not a duplicate model payload")
        self.params = params
        self.features = list(params["features"])
        self.init = float(params["init"])
        self.learning_rate = float(params["learning_rate"])
        self.threshold = float(params.get("threshold", 0.5))
        # every tree padded to the same number of nodes, so all trees are walked at once
        trees = params["trees"]
        width = max((len(t["left"]) for t in trees), default=1)
        n = len(trees)
        self._feature = np.zeros((n, width), dtype=np.int64)
        self._threshold = np.zeros((n, width))
        self._left = np.full((n, width), -1, dtype=np.int64)
        self._right = np.full((n, width), -1, dtype=np.int64)
        self._value = np.zeros((n, width))
        for i, t in enumerate(trees):
            m = len(t["left"])
            self._feature[i, :m] = t["feature"]
            self._threshold[i, :m] = t["threshold"]
            self._left[i, :m] = t["left"]
            self._right[i, :m] = t["right"]
            self._value[i, :m] = t["value"]

    @classmethod
    def default_params(cls):
        if cls._default is None:
            cls._default = json.loads(MODEL_PATH.read_text())
        return cls._default

    def matrix(self, rows):
        """Feature dicts (missing features count as 0) or an array already in feature order."""
        if isinstance(rows, np.ndarray):
            return np.asarray(rows, dtype=float)
        return np.array([[float(r.get(f, 0.0) or 0.0) for f in self.features] for r in rows], dtype=float)

    def decision_function(self, rows):
        X = self.matrix(rows)
        n_rows, n_trees = len(X), self._left.shape[0]
        if not n_rows or not n_trees:
            return np.full(n_rows, self.init)
        tree_idx = np.arange(n_trees)[None, :]
        row_idx = np.arange(n_rows)[:, None]
        node = np.zeros((n_rows, n_trees), dtype=np.int64)
        while True:
            left = self._left[tree_idx, node]
            internal = left >= 0
            if not internal.any():
                break
            go_left = X[row_idx, self._feature[tree_idx, node]] <= self._threshold[tree_idx, node]
            node = np.where(internal, np.where(go_left, left, self._right[tree_idx, node]), node)
        return self.init + self.learning_rate * self._value[tree_idx, node].sum(axis=1)

    def probability(self, rows):
        """Duplicate probabilities, one per row."""
        if not len(rows):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-self.decision_function(rows)))

    @staticmethod
    def fit(X, y, features=FEATURES, n_estimators=200, max_depth=4, learning_rate=0.1, random_state=0):
        """Fit a tree ensemble on labelled pairs (``X`` in ``features`` order, ``y`` 0/1) and return
        its plain-data payload. Needs scikit-learn."""
        from sklearn.ensemble import GradientBoostingClassifier

        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=int)
        model = GradientBoostingClassifier(n_estimators=n_estimators, max_depth=max_depth,
                                           learning_rate=learning_rate, random_state=random_state)
        model.fit(X, y)
        prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        trees = []
        for est in model.estimators_[:, 0]:
            t = est.tree_
            leaf = t.children_left < 0
            trees.append({
                "feature": np.where(leaf, 0, t.feature).astype(int).tolist(),
                "threshold": np.where(leaf, 0.0, t.threshold).round(9).tolist(),
                "left": t.children_left.astype(int).tolist(),
                "right": t.children_right.astype(int).tolist(),
                "value": [round(float(v), 9) for v in t.value[:, 0, 0]],
            })
        params = {"format": FORMAT, "version": VERSION, "features": list(features),
                  "init": math.log(prior / (1 - prior)), "learning_rate": learning_rate, "threshold": 0.5,
                  "trees": trees, "n_train": int(len(y))}
        check = DuplicateScorer(params).decision_function(X[:200])
        if not np.allclose(check, model.decision_function(X[:200]), atol=1e-6):
            raise RuntimeError("exported trees do not reproduce the fitted model")
        return params
