"""Pure-Python core of AI Invoice Check: a vendor bill checked against its supplier's history.

No Odoo import: plain rows in, plain findings out. The ORM layer reads records into the rows below,
builds one :class:`History` per batch and calls :func:`check_bill` per bill; the expense account
proposal is a separate trained model, :class:`CategoryModel`.

Input rows
----------
A *bill* (past or to check) is a dict; every key is optional and odd values never raise::

    {"id": 42,                      # account.move id (a bill is never compared with itself)
     "partner": 7,                  # commercial partner id (any hashable; (id, name) pairs accepted)
     "partner_name": "Acme Ltd",    # for cross-supplier duplicate similarity
     "date": date(2024, 5, 1),      # invoice_date (date, datetime or ISO string)
     "amount_total": 1240.0, "amount_untaxed": 1033.33,   # in the bill's currency, positive for bills
     "currency": "EUR", "ref": "INV-2024/0042", "iban": "FR76 ...", "journal": 3,
     "doc_hash": "sha1 of the main attachment", "due_date": date(2024, 5, 31), "payment_term": 2,
     "unverified": False,           # True for a draft: compared with for duplicates only, never "usual"
     "lines": [{"product": 12, "product_name": "[B6] Bolts M6", "account": 601, "name": "Bolts M6",
                "quantity": 10.0, "price_unit": 1.24,
                "tax_rate": 0.2,            # or 20 (percent), or "taxes": [tax ids or names]
                "analytic": "...", "po_line_id": 55}]}      # purchase.order.line id, for 3-way match

``History(bills, purchase_lines=(), partner_banks=(), decisions=(), today=None)``:

- ``purchase_lines``: ``{po_line_id, product, partner, price_unit, qty_ordered, qty_received,
  date_order, currency}`` (quantities already billed are counted from the bills of the history
  whose lines carry the same ``po_line_id``, the checked bill excluded);
- ``partner_banks``: bank accounts recorded on suppliers ``{partner, iban, date}``;
- ``decisions``: accepted patterns ``{partner, kind, date, ...}`` that suppress a repeated
  finding and, for levels, re-base the expectation: ``{"kind": "amount", "level": 1500.0}``,
  ``{"kind": "line_price", "product": 12, "level": 1.30}``, ``{"kind": "tax", "product": 12,
  "tax": 0.055}`` (``product`` None: any line), ``{"kind": "currency", "currency": "USD"}``,
  ``{"kind": "bank_account", "iban": "..."}``, ``{"kind": "duplicate", "bill_id": 42,
  "other_id": 17}`` (not a duplicate), ``{"kind": "payment_terms", "payment_term": 5}`` or
  ``{"due_days": 7}``, ``{"kind": "line_quantity", "po_line_id": 55}``, ``{"kind": "date"}`` (no
  rhythm findings for the supplier);
- ``today``: the date "in the future" is judged against (``policy["today"]`` overrides it).

Checks compare a bill with the bills dated on or before it (``as_of_bill_date``), so re-checking old
bills sees what was known then; duplicates are searched on both sides of the bill's date (only
before it with ``duplicate_search_after`` False, the bill as it was when entered; an undated bill is
compared with every bill, and the company-wide share of repeated totals is always taken over the
whole history).

Output
------
``check_bill(bill, history, policy=None) -> [Finding]``, most severe first; ``assess_bill`` returns
every assessment, flagged or not (``severity`` None), for thresholding; ``check_bills(bills,
history, policy)`` -> ``{bill id: findings}``. A *Finding* is a JSON-able dict::

    {"kind": "amount" | "line_price" | "line_quantity" | "tax" | "currency" | "payment_terms" |
             "date" | "duplicate" | "bank_account",
     "severity": "info" | "warning" | "high",
     "message": "23% higher than usual (usually 1,240.00 ± 90.00 over the last 14 bills)",
     "template": "%(percent)s higher than usual (usually %(expected)s ± %(spread)s over the last "
                 "%(count)s bills)",    # English; translate it, then "% values"
     "template_key": "amount_up",       # stable key of the template (see engine.TEMPLATES)
     "values": {"percent": "23%", "expected": "1,240.00", ...},   # display strings
     "expected": 1240.0, "low": 1010.0, "high": 1520.0,          # numbers, None when meaningless
     "compared_ids": [41, 38, ...],     # ids of the bills it was compared with, newest first
     "score": 2.7,                      # the check's score (thresholds in the policy)
     "line": 0,                         # index of the bill line, or None
     "other_id": 17,                    # the other bill of a duplicate, else None
     "raw": {...}}                      # numbers behind the finding (ratio, basis, features...)

``policy`` overrides :data:`DEFAULT_POLICY` (thresholds, windows, enabled ``checks``).

Models
------
- :mod:`.amount`: recency-weighted kernel density of the supplier's log totals (recurring amounts,
  several levels, seasons, same account), scored by a likelihood ratio against "a usual total
  inflated by 10-400 %"; from 3 bills, else bills of other suppliers on the same main account.
- :mod:`.duplicates`: :func:`pair_features` and :class:`DuplicateScorer`, a gradient-boosted tree
  ensemble over FISCAL-compatible similarity features, shipped as plain numbers
  (``duplicate_model.json``); the check adds rules (same file, same normalised reference, same
  digits, a one-character typo that breaks the supplier's numbering).
- :mod:`.category`: :class:`CategoryModel` - ``fit(rows) -> payload`` (JSON-able: store it with
  ``ai_base.tools.dumps_model``), ``predict(payload, rows) -> [{account, confidence, analytic,
  taxes, alternatives}]`` for lines ``{partner, partner_name, product, product_name, name, amount,
  date, account, analytic, taxes}``.
"""
from .category import CategoryModel
from .duplicates import FEATURES as DUPLICATE_FEATURES, DuplicateScorer, pair_features
from .engine import (DEFAULT_POLICY, KINDS, SEVERITIES, TEMPLATES, assess_bill, check_bill, check_bills,
                     make_policy)
from .history import History, normalise_bill

__all__ = ["CategoryModel", "DEFAULT_POLICY", "DUPLICATE_FEATURES", "DuplicateScorer", "History", "KINDS",
           "SEVERITIES", "TEMPLATES", "assess_bill", "check_bill", "check_bills", "make_policy", "normalise_bill",
           "pair_features"]
