"""Template-free field extraction from rows of cells.

Each field collects candidates: a value found right of or below a label of that field (label
keywords in en/fr/de/nl/es/it, their strength and the distance giving a score), plus weaker
unlabelled candidates. Amounts are then chosen together: the (untaxed, tax, total) triple that adds
up wins over isolated labels. Confidences are scores squashed to 0..1.
"""
import itertools
import re

from .layout import overlap_x
from .parsing import (ISO_CURRENCIES, CURRENCY_SYMBOLS, LABELS, NOT_BILL_DATE, NOT_TOTAL, decimal_separator,
                      date_order, find_amounts, find_dates, fold)

AMOUNT_FIELDS = ("amount_total", "amount_untaxed", "amount_tax")


def _compile(field):
    return [(re.compile(r"(?<![a-z0-9_])(?:" + pat + r")(?![a-z0-9_])"), strength) for pat, strength in LABELS[field]]


LABEL_RES = {field: _compile(field) for field in LABELS}
NOT_TOTAL_RE = re.compile(r"(?<![a-z])(?:" + NOT_TOTAL + r")")
NOT_BILL_DATE_RE = re.compile(r"(?<![a-z])(?:" + NOT_BILL_DATE + r")(?![a-z])")
NOT_NUMBER_RE = re.compile(r"(?<![a-z])(?:customer|client|kunden|kunde|klant|debit|order|bestell|commande|auftrag|tax|vat|ust"
                           r"|steuer|tva|btw|siret|siren|phone|tel|fax|iban|bic|account|konto|compte|page|seite|article"
                           r"|artikel|item|pos|serial|serien|tracking|vertrag|contract|contrat|mandat|mandate|gln|ean"
                           r"|gstin|cin|pan|booking|lieferschein|delivery|dossier|kvk|coc|zip|plz|postcode)")
PERCENT_RE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
REF_TOKEN_RE = re.compile(r"[#:]?\s*([A-Za-z0-9][A-Za-z0-9_./\\-]*\d[A-Za-z0-9_./\\-]*)")
CURRENCY_CODE_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3})(?![A-Za-z0-9])")
NOT_CURRENCY = {"TVA", "VAT", "BTW", "IVA", "GST", "TAX", "NET", "TTC", "QTY", "PCS", "STK", "HRB", "HRA", "BIC", "NIF",
                "CIF", "SKU", "REF", "PDF", "USt", "MWS", "ORD", "INV", "DUE", "PAY", "THE", "AND", "FOR", "PER", "HTT",
                "VON", "BIS", "DER", "DIE", "DAS", "UND", "LES", "DES", "POS", "ART", "NUM", "CGI", "APE", "NAF", "TEL",
                "FAX", "WWW", "EAN", "GLN", "CET", "UTC", "GMT", "IGST", "CGS", "SGS", "HSN", "SAC", "PAN", "CIN",
                "IBA", "BAN", "KVK", "RCS", "SAS", "SRL", "LLC", "LTD", "INC", "BVBA", "SEPA", "CCE", "DPU", "DAP",
                "DDP", "EXW", "FOB", "FCA", "CPT", "CIP", "DAT", "SIRET", "SIREN", "VIA", "ONE", "TWO", "ALL",
                "NEW", "OLD", "YES", "NON", "OUI", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
                "OCT", "NOV", "DEC", "MWST", "UST", "USD$", "RSD"} - ISO_CURRENCIES


class Context:
    """What the extraction of one document shares: rows, number conventions, label hits."""

    def __init__(self, rows, options):
        self.rows = rows
        self.options = options
        texts = [cell["text"] for row in rows for cell in row["cells"]]
        self.decimal = decimal_separator(texts)
        self.order = date_order(texts)
        self.header_rows = set()
        self.headings = {}   # row index: column kinds of a table heading row
        for row in rows:
            kinds = _table_header(row)
            if kinds:
                self.headings[row["index"]] = kinds
                self.header_rows.add(row["index"])
                for nxt in rows[row["index"] + 1: row["index"] + 3]:
                    if re.search(r"\d", " ".join(c["text"] for c in nxt["cells"])):
                        break
                    self.header_rows.add(nxt["index"])
        self.labels = {}
        for field, patterns in LABEL_RES.items():
            hits = []
            for row in rows:
                for cell in row["cells"]:
                    for pattern, strength in patterns:
                        match = pattern.search(cell["folded"])
                        if match and match.start() <= max(12, len(cell["folded"]) // 2):
                            hits.append((cell, match, strength))
                            break
            self.labels[field] = hits

    # values near a label ----------------------------------------------------------------------

    def neighbours(self, cell, match):
        """``[(text, cell, position, weight)]``: the rest of the label's cell, cells to its right,
        cells below it that overlap it horizontally."""
        out = []
        rest = cell["text"][match.end():]
        if rest.strip(" :#.-°/"):
            out.append((rest, cell, "same", 1.0))
        row = self.rows[cell["row"]]
        right = [c for c in row["cells"] if c["col"] > cell["col"] and c["text"].strip(" :#.-°/")]
        for k, other in enumerate(right[:3]):
            out.append((other["text"], other, "right", 1.0 - 0.15 * k))
        for step in range(1, 4):
            index = cell["row"] + step
            if index >= len(self.rows) or self.rows[index]["page"] != row["page"]:
                break
            below = self.rows[index]
            gap = below["y0"] - self.rows[index - 1]["y1"]
            if gap > 0.06:
                break
            for other in below["cells"]:
                if overlap_x(other["bbox"], cell["bbox"]) > 0.3 or (
                        abs(other["bbox"][2] - cell["bbox"][2]) < 0.02 and other["bbox"][0] < cell["bbox"][2]):
                    out.append((other["text"], other, "below", 0.85 - 0.2 * (step - 1)))
                    break
        return out

    def column_below(self, cell, max_rows=8):
        """``[(value, cell)]``: the single amounts printed under ``cell`` in its column, down to the
        first row of that column holding something else (blank rows skipped, same page)."""
        out = []
        row = self.rows[cell["row"]]
        height = max(cell["bbox"][3] - cell["bbox"][1], 0.005)
        last = cell["bbox"][3]
        for index in range(cell["row"] + 1, min(len(self.rows), cell["row"] + 1 + max_rows)):
            below = self.rows[index]
            if below["page"] != row["page"] or below["y0"] - last > 4 * height:
                break  # the column ends at a wide vertical gap
            under = [c for c in below["cells"] if overlap_x(c["bbox"], cell["bbox"]) > 0.3 or (
                abs(c["bbox"][2] - cell["bbox"][2]) < 0.02 and c["bbox"][0] < cell["bbox"][2])]
            if not under:
                continue
            amounts = self.amounts_in(under[0]["text"])
            if len(amounts) != 1 or re.search(r"[a-z]{3}", fold(under[0]["text"])):
                break
            out.append((amounts[0][0], under[0]))
            last = under[0]["bbox"][3]
        return out

    def amounts_in(self, text):
        found = []
        dates = [(s, e) for _d, s, e, _r, _a in find_dates(text, self.order)]
        for value, start, end, raw in find_amounts(text, self.decimal):
            if any(s <= start < e for s, e in dates):
                continue
            after = text[end:end + 8]
            if "%" in after or re.match(r"\s?(?:x|stk|pcs|units?|h)\b", after, re.I):
                continue
            money = re.search(r"[€$£₹]|\b(?:rs|inr|eur|usd|gbp|chf)\.?\s?$", text[max(0, start - 5): start], re.I)
            if not money and (re.fullmatch(r"(?:19|20)\d\d", raw) or (raw.isdigit() and len(raw) >= 7)):
                continue  # a year or a long identifier
            found.append((value, start, end, raw))
        return found


def _table_header(row):
    """The column kinds of a table heading row (``{}`` when the row is none)."""
    from .lines import _header  # noqa: PLC0415 - lines imports nothing from here; avoids a cycle at load
    return _header(row) or {}


def _source(cell, label_cell=None, position=None):
    return {"page": cell["page"], "bbox": cell["bbox"], "line": cell["row"],
            "label": label_cell["text"][:80] if label_cell is not None else None, "position": position}


def _squash(score, scale=3.0):
    return round(max(0.05, min(0.99, score / (score + scale))), 2) if score > 0 else 0.0


# --- amounts --------------------------------------------------------------------------------------

def amount_candidates(ctx):
    cands = {field: [] for field in AMOUNT_FIELDS}
    for field in AMOUNT_FIELDS:
        for cell, match, strength in ctx.labels[field]:
            label_text = cell["folded"][: match.end() + 12]
            penalty = 1.0
            if field == "amount_total" and NOT_TOTAL_RE.search(cell["folded"]) and not re.search(
                    r"(?<![a-z])(?:inkl|incl|ttc|brutto)", cell["folded"]):
                continue
            if field == "amount_tax" and (
                ctx.labels_match(cell, "amount_untaxed") or re.search(r"\bexcl|\bohne|\bhors|\bnet\b", label_text)
            ):
                continue
            if field == "amount_untaxed" and re.search(r"(?<![a-z])(?:incl|ttc|brutto)", cell["folded"]):
                continue
            if cell["row"] in ctx.header_rows and strength < 3:
                continue
            taken = 0
            blocked = set()
            for text, other, position, weight in ctx.neighbours(cell, match):
                if position in blocked:
                    continue
                if position != "same" and ctx.is_label_cell(other):
                    blocked.add(position)  # another label's column heading on the right: look below
                    continue
                amounts = ctx.amounts_in(text)
                if not amounts:
                    continue
                if position == "same" and len(re.findall(r"[a-z]{2,}", fold(text[: amounts[0][1]]))) > 3:
                    continue  # words between the label and the number: another statement
                if position == "same" and len(amounts) > 1:
                    # "Tax 15% on 112.90   16.94": the rate's base sits in the label, the value right of it
                    value, weight = amounts[-1][0], weight * 0.6
                else:
                    value = amounts[0][0]
                cands[field].append({"value": value, "score": strength * weight * penalty,
                                     "source": _source(other, cell, position)})
                taken += 1
                if field == "amount_total" and position == "right" and len(amounts) == 1:
                    continue  # "Total  24.99  5.00  29.99": the last column may be the total
                if taken == 2 or position == "below":
                    break
            # a column of amounts (one row per tax rate...) closed by their sum: the sum is the figure
            heading = ctx.headings.get(cell["row"], {})
            items_table = "description" in heading or "quantity" in heading
            column = [] if items_table else ctx.column_below(cell)   # a lines' column sum is no total
            if len(column) >= 3:
                values = [v for v, _c in column]
                if abs(values[-1] - sum(values[:-1])) <= 0.006 * len(values) and values[-1] != 0:
                    cands[field].append({"value": values[-1], "score": strength * 1.1 * penalty,
                                         "source": _source(column[-1][1], cell, "column sum")})
    return cands


def tax_breakdown(ctx):
    """``[{"rate", "base", "amount"}]`` from rows where a rate, a base and base × rate appear."""
    found = []
    seen = set()
    for row in ctx.rows:
        text = "   ".join(c["text"] for c in row["cells"])
        rates = [float(r.replace(",", ".")) for r in PERCENT_RE.findall(text)]
        numbers = [a[0] for a in find_amounts(text, ctx.decimal)]
        if not rates and re.search(r"(?<![a-z])(?:vat|tax|tva|mwst|ust|btw|iva|steuer|umsatzsteuer|gst)", fold(text)):
            rates = [n for n in numbers if 0 < n <= 27 and float(n).is_integer()]
        amounts = [a[0] for a in ctx.amounts_in(text)]
        for rate in rates:
            for base, tax in itertools.permutations(amounts, 2):
                if base <= 0 or abs(base) < abs(tax) or base == rate:
                    continue
                if abs(base * rate / 100.0 - tax) <= 0.011 + 0.0005 * abs(tax):
                    if tax == 0 and rate != 0:
                        continue
                    key = (rate, round(base, 2), round(tax, 2))
                    if key not in seen:
                        seen.add(key)
                        found.append({"rate": rate, "base": round(base, 2), "amount": round(tax, 2),
                                      "source": {"page": row["page"], "line": row["index"],
                                                 "bbox": row["cells"][0]["bbox"], "label": text[:80]}})
                    break
            else:
                continue
            break
        else:
            # a labelled tax row whose figures do not agree: kept, so that it becomes a finding
            if (len(rates) == 1 and PERCENT_RE.search(text) and len(amounts) == 2 and row["index"] not in ctx.header_rows
                    and re.search(r"(?<![a-z])(?:vat|tax|tva|mwst|ust|btw|iva|steuer|gst)", fold(text))):
                base, tax = max(amounts), min(amounts)
                if 0 < tax < base and tax != rates[0]:
                    key = (rates[0], round(base, 2), round(tax, 2))
                    if key not in seen:
                        seen.add(key)
                        found.append({"rate": rates[0], "base": round(base, 2), "amount": round(tax, 2),
                                      "source": {"page": row["page"], "line": row["index"],
                                                 "bbox": row["cells"][0]["bbox"], "label": text[:80]}})
    # the same split printed twice (summary and footer) is kept once; distinct splits add up
    return found


def rate_of_tax_label(fields, breakdown):
    """Without a breakdown table: "VAT 20 %   246.91" under an untaxed amount gives one."""
    tax, untaxed = fields.get("amount_tax"), fields.get("amount_untaxed")
    if breakdown or not tax or not untaxed or not tax["value"]:
        return breakdown
    label = (tax.get("source") or {}).get("label") or ""
    rates = PERCENT_RE.findall(label)
    if len(rates) != 1:
        return breakdown
    source = dict(tax["source"], label=label)
    return [{"rate": float(rates[0].replace(",", ".")), "base": untaxed["value"], "amount": tax["value"], "source": source}]


def choose_amounts(ctx, cands, breakdown, memory_values):
    """The best (untaxed, tax, total) triple: label scores plus a bonus when they add up."""
    options = {}
    for field in AMOUNT_FIELDS:
        merged = {}
        for cand in cands[field]:
            key = round(cand["value"], 2)
            if key not in merged or merged[key]["score"] < cand["score"]:
                merged[key] = dict(cand, score=cand["score"] + (0.3 if key in merged else 0.0))
            else:
                merged[key]["score"] += 0.3
        if field in memory_values:
            key = round(memory_values[field]["value"], 2)
            merged[key] = dict(memory_values[field], score=8.0)
        options[field] = sorted(merged.values(), key=lambda c: -c["score"])[:8] + [None]
    if breakdown:
        base = round(sum(b["base"] for b in breakdown), 2)
        tax = round(sum(b["amount"] for b in breakdown), 2)
        src = dict(breakdown[0]["source"], position="tax breakdown")
        for field, value in (("amount_untaxed", base), ("amount_tax", tax)):
            if not any(o and round(o["value"], 2) == value for o in options[field]):
                options[field].insert(-1, {"value": value, "score": 1.5, "source": src})
            else:
                for o in options[field]:
                    if o and round(o["value"], 2) == value:
                        o["score"] += 1.0
    best, best_score, best_consistent = None, -1.0, False
    for u, t, x in itertools.product(options["amount_untaxed"], options["amount_tax"], options["amount_total"]):
        score = sum(o["score"] for o in (u, t, x) if o)
        consistent = False
        if u and t and x and abs(u["value"] + t["value"] - x["value"]) <= 0.011:
            score += 4.0
            consistent = True
        elif u and x and not t and abs(u["value"] - x["value"]) <= 0.011:
            score += 1.0
        elif u and t and x:
            score -= 1.0
        if x and u and x["value"] < u["value"] - 0.01 and x["value"] >= 0:
            score -= 2.0
        if score > best_score:
            best, best_score, best_consistent = (u, t, x), score, consistent
    fields = {}
    u, t, x = best
    for field, cand in zip(("amount_untaxed", "amount_tax", "amount_total"), (u, t, x)):
        if cand:
            # three labelled amounts that add up are rarely all wrong
            conf = round(min(0.97, 0.75 + 0.08 * cand["score"]), 2) if best_consistent else round(
                0.8 * _squash(cand["score"], 3.0), 2)
            fields[field] = {"value": round(cand["value"], 2), "confidence": conf, "source": cand["source"]}
    if x and not u and not t and breakdown:
        pass
    if x and u and not t and abs(u["value"] - x["value"]) <= 0.011:
        fields["amount_tax"] = {
            "value": 0.0,
            "confidence": 0.5,
            "source": {"page": None, "bbox": None, "line": None, "label": "total = untaxed", "position": None},
        }
    if not x and u and t:
        fields["amount_total"] = {
            "value": round(u["value"] + t["value"], 2),
            "confidence": 0.4,
            "source": {"page": None, "bbox": None, "line": None, "label": "untaxed + tax", "position": None},
        }
    if not x:
        fallback = largest_currency_amount(ctx)
        if fallback:
            fields["amount_total"] = fallback
    return fields


def largest_currency_amount(ctx):
    """Without any total label: the largest amount written with a currency sign or code."""
    best = None
    for row in ctx.rows:
        for cell in row["cells"]:
            if not re.search(r"[€$£₹]|\b(?:EUR|USD|GBP|CHF|INR)\b", cell["text"]):
                continue
            for value, *_ in ctx.amounts_in(cell["text"]):
                if best is None or value > best[0]:
                    best = (value, cell)
    if best:
        return {"value": round(best[0], 2), "confidence": 0.2, "source": _source(best[1], None, "largest amount")}
    return None


# --- dates ----------------------------------------------------------------------------------------

def date_fields(ctx, memory_values):
    fields = {}
    cands = {"bill_date": [], "due_date": []}
    for field in ("bill_date", "due_date"):
        for cell, match, strength in ctx.labels[field]:
            if field == "bill_date":
                label_zone = cell["folded"][max(0, match.start() - 25): match.end() + 30]
                if NOT_BILL_DATE_RE.search(label_zone) and strength < 3:
                    continue
                if re.search(r"order|commande|bestell|auftrag|liefer|livraison|delivery|leistung|echeance|due|fallig|faellig"
                             r"|payment|paiement|limite|zahlbar|prelevement", label_zone):
                    continue
            for text, other, position, weight in ctx.neighbours(cell, match):
                if position != "same" and ctx.is_label_cell(other) and not find_dates(text, ctx.order):
                    break
                dates = find_dates(text, ctx.order)
                if dates:
                    cands[field].append({"value": dates[0][0], "score": strength * weight,
                                         "source": _source(other, cell, position)})
                    break
    # unlabelled dates: first ones on the first page, outside periods and other labelled dates
    n = 0
    for row in ctx.rows:
        if row["page"] > 1:
            break
        for cell in row["cells"]:
            dates = find_dates(cell["text"], ctx.order)
            if not dates:
                continue
            before = fold(" ".join(c["text"] for c in row["cells"] if c["col"] < cell["col"]) + " " + cell["text"][: dates[0][1]])
            if NOT_BILL_DATE_RE.search(before[-40:]) or len(dates) > 1 and re.search(r"[-–]|bis|au|to", cell["text"]):
                continue
            title = re.match(r"\W*[a-z]*(?:invoice|rechnung|facture|factuur|factura|fattura|bill|gutschrift|avoir)",
                             row["cells"][0]["folded"])
            cands["bill_date"].append({"value": dates[0][0], "score": (1.6 if title else 0.6) - 0.1 * n,
                                       "source": _source(cell, None, "first dates")})
            n += 1
    for field in ("bill_date", "due_date"):
        if field in memory_values:
            fields[field] = memory_values[field]
            continue
        merged = {}
        for cand in sorted(cands[field], key=lambda c: -c["score"]):
            if cand["value"] in merged:
                merged[cand["value"]]["score"] += 0.3
            else:
                merged[cand["value"]] = dict(cand)
        if merged:
            best = max(merged.values(), key=lambda c: c["score"])
            fields[field] = {"value": best["value"], "confidence": _squash(best["score"], 1.5), "source": best["source"]}
    bill, due = fields.get("bill_date"), fields.get("due_date")
    if bill and due and due["value"] < bill["value"]:
        due["confidence"] = round(due["confidence"] * 0.5, 2)
    return fields


# --- references -----------------------------------------------------------------------------------

NUMBER_WORD_RE = re.compile(r"(?<![A-Za-z])(?:nr|no|n°|nº|#|num(?:ber|mer|ero)?)\.?\s*:?\s*(?=\S*\d)", re.I)


def _ref_token(text, ctx):
    keyword = NUMBER_WORD_RE.search(text)
    if keyword:
        text = text[keyword.end():]
    for match in REF_TOKEN_RE.finditer(text):
        token = match.group(1).strip("./-")
        if text[max(0, match.start(1) - 1): match.start(1)] == "(" and text[match.end(1): match.end(1) + 1] == ")":
            continue  # "(380)": a code in brackets, not the number
        if len(token) < 2 or len(token) > 40:
            continue
        if find_dates(token, ctx.order) and len(re.sub(r"\D", "", token)) in (6, 8) and re.fullmatch(r"[\d./-]+", token):
            continue
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*[.,]\d{2}", token):
            continue  # an amount
        return token
    return None


def reference_fields(ctx, memory_values):
    fields = {}
    for field in ("bill_number", "po_reference"):
        if field in memory_values:
            fields[field] = memory_values[field]
            continue
        cands = []
        for cell, match, strength in ctx.labels[field]:
            zone = cell["folded"][max(0, match.start() - 20): match.end()]
            if field == "bill_number":
                if NOT_NUMBER_RE.search(zone) or re.search(r"date|datum|period", cell["folded"][match.end(): match.end() + 8]):
                    continue
            # a keyword inside a sentence or a title ("sample invoice for ..."), not a label
            before_value = re.split(r"\d", cell["folded"][match.end():], maxsplit=1)[0]
            sentence = 0.5 if len(re.findall(r"[a-z]{3,}", before_value)) >= 3 else 1.0
            taken = 0
            for text, other, position, weight in ctx.neighbours(cell, match):
                if position != "same" and ctx.is_label_cell(other, exclude=field):
                    break
                token = _ref_token(text, ctx)
                if token:
                    score = strength * weight * (1.0 - 0.3 * taken) * sentence
                    if NUMBER_WORD_RE.match(text.strip()) or re.match(r"\s*[:#]", text):
                        score += 0.5
                    cands.append({"value": token, "score": score, "source": _source(other, cell, position)})
                    taken += 1
                    if taken == 2 or position == "below":
                        break
        if cands:
            best = max(cands, key=lambda c: c["score"])
            fields[field] = {"value": best["value"], "confidence": _squash(best["score"], 1.5), "source": best["source"]}
    return fields


# --- currency -------------------------------------------------------------------------------------

def currency_field(ctx, known):
    """The bill's currency and, when a code that no known currency has is printed, that code."""
    votes = {}
    unknown = {}
    for field_cell, match, _s in ctx.labels["currency"]:
        for text, other, position, _weight in ctx.neighbours(field_cell, match):
            code = CURRENCY_CODE_RE.search(text.upper())
            if code:
                c = code.group(1)
                if c in known:
                    votes[c] = votes.get(c, 0) + 5
                elif c not in NOT_CURRENCY:
                    unknown[c] = _source(other, field_cell, position)
                break
    for row in ctx.rows:
        for cell in row["cells"]:
            text = cell["text"]
            for sym, code in CURRENCY_SYMBOLS.items():
                if code and (
                    sym in text
                    if not sym.isalpha()
                    else re.search(r"(?<![a-z])" + re.escape(sym) + r"(?![a-z])", text.lower())
                ):
                    votes[code] = votes.get(code, 0) + (1 if sym != "$" else 0.6)
            for match in CURRENCY_CODE_RE.finditer(text):
                code = match.group(1)
                near = text[max(0, match.start() - 3): match.end() + 3]
                amount_next = bool(re.search(r"\d[\d.,]*\s?" + code + "|" + code + r"\s?[-\d]", text))
                if code in known:
                    votes[code] = votes.get(code, 0) + (2 if amount_next else 1)
                elif amount_next and code not in NOT_CURRENCY and code not in ISO_CURRENCIES and near:
                    unknown.setdefault(code, _source(cell, None, "next to an amount"))
    if "USD" in votes and any(c in votes for c in ("CAD", "AUD", "NZD", "SGD", "HKD", "MXN")):
        votes["USD"] -= 0.6 * sum(1 for c in votes if c != "USD")
    field = None
    if votes:
        code, score = max(votes.items(), key=lambda kv: kv[1])
        field = {"value": code, "confidence": _squash(score, 2.0),
                 "source": {"page": None, "bbox": None, "line": None, "label": "currency signs and codes", "position": None}}
    return field, unknown


def _labels_match(self, cell, field):
    return any(c is cell for c, _m, _s in self.labels.get(field, ()))


def _is_label_cell(self, cell, exclude=None):
    """A cell that is itself a label of some field (a value is never looked for past one)."""
    if not re.search(r"[a-z]{3}", cell["folded"]):
        return False
    if ctx_amount_or_date(cell):
        return False
    for field, hits in self.labels.items():
        if field == exclude:
            continue
        for c, _m, strength in hits:
            if c is cell and strength >= 2:
                return True
    return False


def ctx_amount_or_date(cell):
    return bool(re.search(r"\d", cell["text"])) and len(re.sub(r"[^A-Za-z]", "", cell["text"])) <= 4


Context.labels_match = _labels_match
Context.is_label_cell = _is_label_cell
