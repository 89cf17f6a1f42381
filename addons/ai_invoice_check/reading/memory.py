"""Per-supplier layout memory: where a corrected value was printed, found again on the next bill.

A memory entry is plain JSON data::

    {"field": "bill_number",              # a field of the result
     "kind": "ref",                       # "amount", "date", "ref" or "text"
     "label": "dossier",                  # folded label text, digits removed ("" if none)
     "position": "right",                 # where the value sat from the label: same / right / below
     "page": 1,
     "value_bbox": [x0, y0, x1, y1],      # page fractions, the value's cell
     "label_bbox": [x0, y0, x1, y1] or None,
     "shape": "AA-99999"}                 # the value's shape (letters A, digits 9), for references

The ORM layer keeps the entries per supplier (newest first) and passes them back as ``memory``.
"""
import datetime as dt
import re

from .layout import expand, overlap_x
from .parsing import find_amounts, find_dates, fold

KINDS = {"amount_total": "amount", "amount_untaxed": "amount", "amount_tax": "amount", "bill_date": "date",
         "due_date": "date", "bill_number": "ref", "po_reference": "ref", "currency": "text", "supplier_name": "text",
         "supplier_vat": "ref", "supplier_iban": "ref"}


def shape(value):
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", str(value)))


def _label_key(text):
    return re.sub(r"[\d\W_]+", " ", fold(text)).strip()


def _values(text, kind, decimal=None, order=None):
    """``[(value, start, end)]`` of the values of a kind in a text."""
    if kind == "amount":
        return [(v, s, e) for v, s, e, _raw in find_amounts(text, decimal)]
    if kind == "date":
        return [(d, s, e) for d, s, e, _raw, _amb in find_dates(text, order)]
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9_./\\-]*", text)]


def _same(kind, a, b):
    if kind == "amount":
        try:
            return abs(abs(float(a)) - abs(float(b))) < 0.005
        except (TypeError, ValueError):
            return False
    if kind == "date":
        if isinstance(b, str):
            found = find_dates(b)
            b = found[0][0] if found else None
        return a == b
    norm = lambda v: re.sub(r"[\s]", "", str(v)).upper()  # noqa: E731
    return norm(a) == norm(b)


def learn_correction(doc_result, field, correct_value):
    """A memory entry for ``field`` from where ``correct_value`` is printed in the read document,
    or None when the value cannot be found in it (a value typed from elsewhere teaches nothing)."""
    rows = expand(doc_result.get("layout"))
    kind = KINDS.get(field, "text")
    conv = doc_result.get("conventions") or {}
    decimal, order = conv.get("decimal"), conv.get("date_order")
    if kind == "date" and isinstance(correct_value, str):
        try:
            correct_value = dt.date.fromisoformat(correct_value[:10])
        except ValueError:
            found = find_dates(correct_value, order)
            correct_value = found[0][0] if found else correct_value
    best = None
    for row in rows:
        for cell in row["cells"]:
            values = _values(cell["text"], kind, decimal, order)
            if kind == "ref":
                found = _shape_regex(str(correct_value), exact=True).search(cell["text"])
                values = [(found.group(0), found.start(), found.end())] if found else []
            for value, start, _end in values:
                if kind == "text":
                    hit = fold(str(correct_value)) in cell["folded"]
                    start = cell["folded"].find(fold(str(correct_value)))
                else:
                    hit = _same(kind, value, correct_value)
                if not hit:
                    continue
                entry = {"field": field, "kind": kind, "page": cell["page"], "value_bbox": cell["bbox"],
                         "shape": shape(correct_value) if kind == "ref" else None}
                prefix = _label_key(cell["text"][:start])
                if prefix:
                    entry.update(label=prefix, position="same", label_bbox=cell["bbox"])
                else:
                    left = [c for c in row["cells"] if c["col"] < cell["col"] and _label_key(c["text"])]
                    above = None
                    for back in (1, 2):
                        i = row["index"] - back
                        if i >= 0 and rows[i]["page"] == row["page"]:
                            for c in rows[i]["cells"]:
                                if overlap_x(c["bbox"], cell["bbox"]) > 0.3 and _label_key(c["text"]):
                                    above = c
                                    break
                        if above:
                            break
                    if left:
                        entry.update(label=_label_key(left[-1]["text"]), position="right", label_bbox=left[-1]["bbox"])
                    elif above:
                        entry.update(label=_label_key(above["text"]), position="below", label_bbox=above["bbox"])
                    else:
                        entry.update(label="", position=None, label_bbox=None)
                rank = (0 if entry["label"] else 1, row["index"])
                if best is None or rank < best[0]:
                    best = (rank, entry)
    return best[1] if best else None


def _shape_regex(value, exact=False):
    """A regex for values of the same shape (``exact``: the value itself, blanks optional)."""
    parts = []
    for ch in value:
        if ch.isspace():
            parts.append(r"\s?")
        elif exact:
            parts.append(re.escape(ch))
        elif ch.isdigit():
            parts.append(r"\d")
        elif ch.isalpha():
            parts.append(r"[^\W\d_]")
        else:
            parts.append(re.escape(ch))
    return re.compile(r"(?<![\w])" + "".join(parts) + r"(?![\w])", 0 if not exact else re.I)


def _parse(text, entry, decimal, order):
    kind = entry["kind"]
    if kind == "ref" and entry.get("shape"):
        found = _shape_regex(entry["shape"]).search(text)
        if found:
            return found.group(0)
    values = _values(text, kind, decimal, order)
    if not values:
        return None
    if kind == "ref" and entry.get("shape"):
        target = entry["shape"]
        for value, *_ in values:
            if shape(value) == target:
                return value
        for value, *_ in values:
            s = shape(value)
            if re.search(r"\d", value) and abs(len(s) - len(target)) <= 2 and s[:1] == target[:1]:
                return value
        return None
    if kind == "ref":
        return next((v for v, *_ in values if re.search(r"\d", v)), None)
    return values[0][0]


def apply_memory(rows, entries, decimal=None, order=None):
    """``{field: {"value", "confidence", "source"}}`` read with the remembered positions; the newest
    entry of a field that finds a value wins."""
    out = {}
    for entry in entries or ():
        field = entry.get("field")
        if not field or field in out:
            continue
        found = None
        label = entry.get("label") or ""
        if label:
            for row in rows:
                for cell in row["cells"]:
                    key = _label_key(cell["text"])
                    if not key.startswith(label) and not (entry.get("position") == "same" and label in key):
                        continue
                    if entry.get("position") == "same":
                        start = fold(cell["text"]).find(label.split(" ")[0])
                        value = _parse(cell["text"][max(start, 0) + len(label):], entry, decimal, order)
                        value = value if value is not None else _parse(cell["text"], entry, decimal, order)
                        target = cell
                    elif entry.get("position") == "right":
                        target = next((c for c in row["cells"] if c["col"] > cell["col"]), None)
                        if target is None:  # value glued to its label this time
                            target = cell
                        value = _parse(target["text"], entry, decimal, order)
                    else:
                        target, value = None, None
                        for below in rows[row["index"] + 1: row["index"] + 3]:
                            for c in below["cells"]:
                                if overlap_x(c["bbox"], cell["bbox"]) > 0.3:
                                    target, value = c, _parse(c["text"], entry, decimal, order)
                                    break
                            if target:
                                break
                    if value is not None:
                        found = (value, target, cell, 0.9)
                        break
                if found:
                    break
        if not found and entry.get("value_bbox"):
            box = entry["value_bbox"]
            for row in rows:
                if row["page"] != entry.get("page", 1):
                    continue
                for cell in row["cells"]:
                    b = cell["bbox"]
                    if abs((b[1] + b[3]) / 2 - (box[1] + box[3]) / 2) < 0.015 and overlap_x(b, box) > 0.3:
                        value = _parse(cell["text"], entry, decimal, order)
                        if value is not None:
                            found = (value, cell, None, 0.6)
                            break
                if found:
                    break
        if found:
            value, cell, label_cell, conf = found
            out[field] = {"value": value, "confidence": conf,
                          "source": {"page": cell["page"], "bbox": cell["bbox"], "line": cell["row"],
                                     "label": label_cell["text"][:80] if label_cell else None,
                                     "position": "memory"}}
    return out
