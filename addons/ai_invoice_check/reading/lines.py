"""Bill lines from the table, when one can be read, and the consistency findings of a reading."""
import re

from .parsing import fold

COLUMN_WORDS = {
    "description": r"description|designation|libelle|article|artikel|item|items|product|produkt|produit|bezeichnung"
                   r"|beschreibung|leistung|omschrijving|descripcion|descrizione|service|details|particulars|prestation",
    "quantity": r"qty|quantity|quantite|qte|menge|anzahl|aantal|cantidad|quantita|qta|units|hours|heures|stunden|nombre",
    "price_unit": r"unit price|price|prix unitaire|prix u\.?|p\.u\.?|pu ht|einzelpreis|preis|nettopreis|stuckpreis|e-preis"
                  r"|prijs(?: per stuk)?|precio|prezzo|rate|tarif|unit cost",
    "amount": r"amount|total|montant|betrag|gesamt|gesamtpreis|nettobetrag|endbetrag|bruttobetrag|bedrag|importe|importo"
              r"|line total|summe"
              r"|price w/o|total ht|montant ht|prix total|prijs incl",
    "tax_rate": r"vat|tax|tva|mwst|ust\.?|btw|iva|steuersatz|gst|%",
}
_COL_RES = {k: re.compile(r"(?<![a-z])(?:" + v + r")(?![a-z])") for k, v in COLUMN_WORDS.items()}
_STOP = re.compile(r"(?<![a-z])(?:sub ?total|total|summe|gesamtbetrag|nettobetrag|zwischensumme|montant (?:ht|ttc|total)"
                   r"|net a payer|totaal|exclusief|rechnungssumme|positionssumme|belegsummen|warenwert|tax|vat|tva"
                   r"|umsatzsteuer|steuerbetrag|amount due|balance|grand total)(?![a-z])")
_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def _header(row):
    kinds = {}
    for cell in row["cells"]:
        for kind, pattern in _COL_RES.items():
            if kind not in kinds and pattern.search(cell["folded"]):
                kinds[kind] = cell
                break
    numeric = sum(1 for c in row["cells"] if re.search(r"\d[.,]\d", c["text"]))
    if len(kinds) >= 2 and ("amount" in kinds or "price_unit" in kinds) and numeric == 0:
        return kinds
    return None


def _totals_heading(row, header):
    """Column headings of a totals table ("Net  VAT  Total", "Warenwert ... Nettobetrag ..."): no
    description or quantity column, and at least two headings of amounts or taxes, half the row or more."""
    if "description" in header or "quantity" in header:
        return False
    totals = sum(1 for cell in row["cells"] if _STOP.search(cell["folded"]) or _COL_RES["amount"].search(cell["folded"])
                 or _COL_RES["tax_rate"].search(cell["folded"]))
    return totals >= 2 and 2 * totals >= len(row["cells"])


def read_lines(ctx):
    """``[{"description", "quantity", "price_unit", "amount", "tax_rate", "source"}]`` (or [])."""
    rows = ctx.rows
    lines = []
    i = 0
    while i < len(rows):
        header = _header(rows[i])
        if not header or _totals_heading(rows[i], header):
            i += 1  # no table, or the headings of a totals table ("Net  VAT  Total"): no bill lines under it
            continue
        columns = {kind: cell["bbox"] for kind, cell in header.items()}
        money_x = min((columns[k][0] for k in ("price_unit", "amount") if k in columns), default=0.0)
        j = i + 1
        current = None
        while j < len(rows):
            row = rows[j]
            text = fold(" ".join(c["text"] for c in row["cells"]))
            if _header(row):
                break
            if _STOP.search(text[:40]) and not re.search(r"[a-z]{4,}.*\d+\s*(?:x|stk|pcs)", text[:20]):
                break
            numeric = []
            words = []
            for cell in row["cells"]:
                amounts = ctx.amounts_in(cell["text"])
                percent = _PERCENT.search(cell["text"])
                letters = len(re.findall(r"[A-Za-zÀ-ÿ]", cell["text"]))
                if percent and letters <= 5:
                    numeric.append(("tax_rate", float(percent.group(1).replace(",", ".")), cell))
                elif amounts and letters <= 6:
                    for value, *_ in amounts:
                        numeric.append((None, value, cell))
                else:
                    words.append(cell)
            if not numeric:
                if current is not None and words and j - current["source"]["line"] <= 3:
                    current["description"] += "\n" + " ".join(c["text"] for c in words)
                j += 1
                continue
            line = {"description": " ".join(c["text"] for c in words), "quantity": None, "price_unit": None,
                    "amount": None, "tax_rate": None,
                    "source": {"page": row["page"], "line": row["index"], "bbox": row["cells"][0]["bbox"]}}
            free = []
            placed = []
            for order, (kind, value, cell) in enumerate(numeric):
                if kind == "tax_rate":
                    line["tax_rate"] = value
                    continue
                center = (cell["bbox"][0] + cell["bbox"][2]) / 2
                best, dist = None, 1.0
                for name, box in columns.items():
                    if name in ("description", "tax_rate"):
                        continue
                    d = 0.0 if box[0] - 0.02 <= center <= box[2] + 0.02 else min(abs(center - box[0]), abs(center - box[2]))
                    if d < dist:
                        best, dist = name, d
                placed.append((dist, order, best, value, center))
            # numbers under their heading first: a position number left of the quantity column is not the quantity
            for dist, order, best, value, center in sorted(placed):
                if best and dist < 0.08 and line.get(best) is None:
                    line[best] = value
                else:
                    free.append((order, value, center))
            # numbers under no heading, in reading order: only those from the money columns on may be the amount
            free = [value for _order, value, center in sorted(free) if center >= money_x - 0.05]
            if line["amount"] is None and line["price_unit"] is None and not free:
                # nothing in the money columns: a footer or a note, not a bill line
                if current is not None and words and j - current["source"]["line"] <= 3:
                    current["description"] += "\n" + " ".join(c["text"] for c in words)
                j += 1
                continue
            if line["amount"] is None and free:
                line["amount"] = free.pop()
            if line["amount"] is None and line["price_unit"] is not None and line["quantity"] is not None:
                line["amount"] = round(line["price_unit"] * line["quantity"], 2)
            if line["amount"] is None or not line["description"].strip():
                if (
                    current is not None
                    and line["amount"] is not None
                    and not line["description"].strip()
                    and current["amount"] is None
                ):
                    current["amount"] = line["amount"]
                j += 1
                continue
            if line["quantity"] is None and line["price_unit"] is not None and line["price_unit"]:
                ratio = line["amount"] / line["price_unit"]
                if abs(ratio - round(ratio)) < 0.001 and round(ratio) > 0:
                    line["quantity"] = float(round(ratio))
            lines.append(line)
            current = line
            j += 1
        i = j
    return lines


def findings(fields, lines, breakdown):
    """What does not add up, as ``[{"code", "message", "values"}]`` (never a silent correction)."""
    out = []

    def val(name):
        item = fields.get(name)
        return item["value"] if item else None

    untaxed, tax, total = val("amount_untaxed"), val("amount_tax"), val("amount_total")
    if untaxed is not None and tax is not None and total is not None and abs(untaxed + tax - total) > 0.011:
        out.append({"code": "total_mismatch",
                    "message": f"untaxed {untaxed:.2f} + tax {tax:.2f} = {untaxed + tax:.2f}, but the total is {total:.2f}",
                    "values": {"untaxed": untaxed, "tax": tax, "total": total}})
    if lines:
        amounts = [line["amount"] for line in lines if line.get("amount") is not None]
        line_sum = round(sum(amounts), 2)
        tolerance = 0.011 + 0.005 * len(amounts)
        if untaxed is not None and abs(line_sum - untaxed) > tolerance and not (
                total is not None and abs(line_sum - total) <= tolerance):
            out.append({"code": "lines_mismatch",
                        "message": f"the lines add up to {line_sum:.2f}, the untaxed amount is {untaxed:.2f}",
                        "values": {"lines_sum": line_sum, "untaxed": untaxed}})
        for line in lines:
            q, p, a = line.get("quantity"), line.get("price_unit"), line.get("amount")
            if q and p and a is not None and abs(q * p - a) > 0.011 + 0.001 * abs(a) and abs(q * p - a) > 0.02:
                # a discount column can explain it; report, do not correct
                out.append({"code": "line_mismatch",
                            "message": f"{q:g} × {p:.2f} = {q * p:.2f}, but the line says {a:.2f} ({line['description'][:40]})",
                            "values": {"quantity": q, "price_unit": p, "amount": a, "line": line["source"]["line"]}})
    for item in breakdown:
        expected = item["base"] * item["rate"] / 100.0
        if abs(expected - item["amount"]) > 0.011 + 0.0005 * abs(item["amount"]):
            out.append({"code": "tax_rate_mismatch",
                        "message": f"{item['rate']:g} % of {item['base']:.2f} is {expected:.2f}, not {item['amount']:.2f}",
                        "values": dict(item)})
    if breakdown and tax is not None:
        tax_sum = round(sum(b["amount"] for b in breakdown), 2)
        if abs(tax_sum - tax) > 0.011 * len(breakdown):
            out.append({"code": "tax_sum_mismatch",
                        "message": f"the taxes per rate add up to {tax_sum:.2f}, the tax amount is {tax:.2f}",
                        "values": {"tax_sum": tax_sum, "tax": tax}})
    if untaxed is not None and tax is not None and not breakdown and untaxed > 0 and tax > 0:
        rate = 100.0 * tax / untaxed
        usual = (2.1, 2.5, 3.0, 3.7, 5.0, 5.5, 6.0, 7.0, 7.7, 8.0, 8.1, 9.0, 10.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
                 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 25.5, 27.0)
        if not any(abs(rate - r) < 0.06 for r in usual) and len(lines) <= 1:
            out.append({"code": "tax_rate_unusual",
                        "message": f"the tax is {rate:.2f} % of the untaxed amount, no usual VAT rate",
                        "values": {"rate": round(rate, 2)}})
    return out
