"""Pure-Python core of AI Lead Scoring: a calibrated conversion probability with its reasons.

No Odoo import: plain data in (a DataFrame or list of dicts of lead features), plain data out
(a JSON-able model payload, numpy arrays of probabilities, lists of reasons). See :mod:`.model`.
"""
from .metrics import brier, calibration_table, lift, log_loss, roc_auc, summary
from .model import DEFAULT_OPTIONS, FeatureSpec, InsufficientHistory, Scorer, order_key, train

__all__ = ["DEFAULT_OPTIONS", "FeatureSpec", "InsufficientHistory", "Scorer", "brier", "calibration_table", "lift",
           "log_loss", "order_key", "roc_auc", "summary", "train"]
