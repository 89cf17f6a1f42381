"""Read vendor bills, their history and what they are compared with, in a few set-based queries.

The ORM layer of AI Invoice Check never loops over records to build the history: for a batch of
bills to check it reads, with one query each,

- the bills to check themselves,
- the posted bills of the same suppliers over the last three years (and their recent drafts, for
  duplicates),
- bills of other suppliers on the same expense accounts (the fallback for new suppliers),
- bills of any supplier with nearly the same total around the same date, the same reference or the
  same attached file (duplicates across suppliers and journals),
- bills paid to the same bank accounts by other suppliers,
- the lines of all of those, the purchase order lines they refer to, the suppliers' bank accounts
  and the decisions recorded with "Expected".

and returns plain rows for the pure-Python core (``..checks``).
"""
import datetime as dt

from odoo.tools import SQL

PURCHASE_TYPES = ("in_invoice", "in_refund")
HISTORY_DAYS = 1100          # price and amount checks look three years back
DRAFT_DAYS = 120             # other draft bills of the supplier count for duplicates
FALLBACK_DAYS = 730
FALLBACK_BILLS = 300
DUPLICATE_DAYS = 90
DUPLICATE_TOLERANCE = 0.01
SAME_IBAN_BILLS = 50


def _ids(rows):
    return [row[0] for row in rows]


def read_bill_rows(env, move_ids):
    """Plain bill dicts for the core, keyed by move id, lines in sequence order.

    ``line`` dicts carry ``aml_id`` (the account.move.line) besides the core's keys. Refunds get
    negative totals so that they never count as usual bill amounts.
    """
    if not move_ids:
        return {}
    cr = env.cr
    cr.execute(SQL(
        """
        SELECT am.id, am.commercial_partner_id, p.name, am.invoice_date, am.amount_total, am.amount_untaxed,
               cur.name, am.ref, bank.acc_number, am.journal_id, att.checksum, am.invoice_date_due,
               am.invoice_payment_term_id, am.move_type, am.state, am.company_id, am.date
          FROM account_move am
          JOIN res_currency cur ON cur.id = am.currency_id
     LEFT JOIN res_partner p ON p.id = am.commercial_partner_id
     LEFT JOIN res_partner_bank bank ON bank.id = am.partner_bank_id
     LEFT JOIN ir_attachment att ON att.id = am.message_main_attachment_id
         WHERE am.id = ANY(%s)
        """, list(move_ids)))
    bills = {}
    for (mid, partner, pname, idate, total, untaxed, currency, ref, iban, journal, checksum, due, term,
         move_type, state, company, acc_date) in cr.fetchall():
        sign = -1.0 if move_type == "in_refund" else 1.0
        bills[mid] = {
            "id": mid, "partner": partner, "partner_name": pname or "", "date": idate,
            "amount_total": sign * float(total or 0.0), "amount_untaxed": sign * float(untaxed or 0.0),
            "currency": currency, "ref": ref or "", "iban": iban or "", "journal": journal,
            "doc_hash": checksum or None, "due_date": due, "payment_term": term, "lines": [],
            "move_type": move_type, "state": state, "company": company, "accounting_date": acc_date,
            # drafts are compared with (duplicates) but never teach what is usual
            "unverified": state != "posted",
        }
    cr.execute(SQL(
        """
        SELECT l.move_id, l.id, l.product_id, COALESCE(pt.name->>%s, pt.name->>'en_US'), l.account_id, l.name,
               l.quantity, l.price_unit, l.price_subtotal, l.purchase_line_id, l.analytic_distribution,
               ARRAY(SELECT rel.account_tax_id FROM account_move_line_account_tax_rel rel
                      WHERE rel.account_move_line_id = l.id ORDER BY rel.account_tax_id)
          FROM account_move_line l
     LEFT JOIN product_product pp ON pp.id = l.product_id
     LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE l.move_id = ANY(%s) AND l.display_type = 'product'
      ORDER BY l.move_id, l.sequence, l.id
        """, env.lang or "en_US", list(bills)))
    line_rows = cr.fetchall()
    tax_ids = {tid for row in line_rows for tid in (row[11] or ())}
    rates = _tax_rates(env, tax_ids)
    for (mid, aml, product, pname, account, name, qty, price, subtotal, po_line, analytic, taxes) in line_rows:
        taxes = list(taxes or ())
        line = {"aml_id": aml, "product": product, "product_name": pname or "", "account": account,
                "name": name or "", "quantity": float(qty or 0.0), "price_unit": float(price or 0.0),
                "price_subtotal": float(subtotal or 0.0), "po_line_id": po_line,
                "analytic": analytic or None, "tax_ids": taxes}
        if all(t in rates for t in taxes):
            line["tax_rate"] = sum(rates[t] for t in taxes) / 100.0
        else:
            line["taxes"] = taxes
        bills[mid]["lines"].append(line)
    return bills


def _tax_rates(env, tax_ids):
    """{tax id: percent} for plain percentage taxes (others are compared by identity)."""
    if not tax_ids:
        return {}
    env.cr.execute(SQL("SELECT id, amount FROM account_tax WHERE id = ANY(%s) AND amount_type = 'percent'",
                       list(tax_ids)))
    return {tid: float(amount) for tid, amount in env.cr.fetchall()}


def history_move_ids(env, bills):
    """Ids of the bills the given ones are compared with (the given ones included)."""
    cr = env.cr
    ids = set(bills)
    by_company = {}
    for bill in bills.values():
        by_company.setdefault(bill["company"], []).append(bill)
    for company, group in by_company.items():
        partners = sorted({b["partner"] for b in group if b["partner"]})
        dates = [b["date"] or b["accounting_date"] for b in group if b["date"] or b["accounting_date"]]
        latest = max(dates) if dates else dt.date.today()
        earliest = min(dates) if dates else latest
        if partners:
            cr.execute(SQL(
                """
                SELECT id FROM account_move
                 WHERE company_id = %(company)s AND move_type IN %(types)s AND commercial_partner_id = ANY(%(partners)s)
                   AND ((state = 'posted' AND invoice_date >= %(since)s)
                        OR (state = 'draft' AND invoice_date >= %(draft_since)s AND invoice_date <= %(until)s))
                """, company=company, types=PURCHASE_TYPES, partners=partners,
                since=earliest - dt.timedelta(days=HISTORY_DAYS), draft_since=earliest - dt.timedelta(days=DRAFT_DAYS),
                until=latest + dt.timedelta(days=DRAFT_DAYS)))
            ids.update(_ids(cr.fetchall()))
        # other suppliers' bills on the same main accounts (for suppliers with too few bills)
        accounts = sorted({_main_account(b) for b in group} - {None})
        if accounts:
            # bills with a line on those accounts (the core keeps those whose main account it is): the
            # account's index finds them without computing every bill's main account
            cr.execute(SQL(
                """
                SELECT move_id FROM (
                    SELECT l.move_id,
                           row_number() OVER (PARTITION BY l.account_id ORDER BY am.invoice_date DESC, am.id DESC) AS rank
                      FROM account_move_line l
                      JOIN account_move am ON am.id = l.move_id
                     WHERE l.account_id = ANY(%(accounts)s) AND l.display_type = 'product'
                       AND am.company_id = %(company)s AND am.move_type = 'in_invoice' AND am.state = 'posted'
                       AND am.invoice_date BETWEEN %(since)s AND %(until)s
                ) ranked WHERE rank <= %(limit)s
                """, company=company, since=earliest - dt.timedelta(days=FALLBACK_DAYS), until=latest,
                accounts=accounts, limit=FALLBACK_BILLS))
            ids.update(_ids(cr.fetchall()))
        # nearly the same total around the same date, any supplier and journal
        totals = [(b["id"], abs(b["amount_total"]), b["date"] or b["accounting_date"]) for b in group
                  if b["amount_total"] and (b["date"] or b["accounting_date"])]
        if totals:
            cr.execute(SQL(
                """
                SELECT DISTINCT am.id
                  FROM unnest(%(amounts)s::numeric[], %(dates)s::date[]) AS c(amount, day)
                  JOIN account_move am
                    ON am.company_id = %(company)s AND am.move_type IN %(types)s AND am.state IN ('draft', 'posted')
                   AND am.amount_total BETWEEN c.amount * (1 - %(tol)s) AND c.amount * (1 + %(tol)s)
                   AND am.invoice_date BETWEEN c.day - %(days)s AND c.day + %(days)s
                """, amounts=[t[1] for t in totals], dates=[t[2] for t in totals], company=company,
                types=PURCHASE_TYPES, tol=DUPLICATE_TOLERANCE, days=DUPLICATE_DAYS))
            ids.update(_ids(cr.fetchall()))
        # the same reference (letters and digits only) or the same file, any supplier
        refs = sorted({_flat_ref(b["ref"]) for b in group} - {""})
        hashes = sorted({b["doc_hash"] for b in group if b["doc_hash"]})
        if refs or hashes:
            cr.execute(SQL(
                """
                SELECT am.id FROM account_move am
             LEFT JOIN ir_attachment att ON att.id = am.message_main_attachment_id
                 WHERE am.company_id = %(company)s AND am.move_type IN %(types)s AND am.state IN ('draft', 'posted')
                   AND (lower(regexp_replace(coalesce(am.ref, ''), '[^0-9A-Za-z]', '', 'g')) = ANY(%(refs)s)
                        OR att.checksum = ANY(%(hashes)s))
                 LIMIT 500
                """, company=company, types=PURCHASE_TYPES, refs=refs, hashes=hashes))
            ids.update(_ids(cr.fetchall()))
        # the same bank account on other suppliers' bills
        ibans = sorted({_flat_iban(b["iban"]) for b in group} - {""})
        if ibans:
            cr.execute(SQL(
                """
                SELECT id FROM (
                    SELECT am.id, row_number() OVER (PARTITION BY bank.sanitized_acc_number
                                                      ORDER BY am.invoice_date DESC) AS rank
                      FROM account_move am
                      JOIN res_partner_bank bank ON bank.id = am.partner_bank_id
                     WHERE am.company_id = %(company)s AND am.move_type IN %(types)s AND am.state = 'posted'
                       AND bank.sanitized_acc_number = ANY(%(ibans)s)
                ) ranked WHERE rank <= %(limit)s
                """, company=company, types=PURCHASE_TYPES, ibans=ibans, limit=SAME_IBAN_BILLS))
            ids.update(_ids(cr.fetchall()))
    return ids


def _main_account(bill):
    totals = {}
    for line in bill["lines"]:
        if line["account"]:
            totals[line["account"]] = totals.get(line["account"], 0.0) + abs(line["price_subtotal"])
    return max(totals, key=totals.get) if totals else None


def _flat_ref(ref):
    return "".join(ch for ch in (ref or "") if ch.isalnum() and ch.isascii()).lower()


def _flat_iban(iban):
    return "".join(ch for ch in (iban or "") if ch.isalnum()).upper()


def read_purchase_lines(env, bills):
    po_ids = sorted({line["po_line_id"] for bill in bills for line in bill["lines"] if line["po_line_id"]})
    if not po_ids:
        return []
    env.cr.execute(SQL(
        """
        SELECT pol.id, pol.product_id, po.partner_id, pol.price_unit, pol.product_qty, pol.qty_received,
               po.date_order, cur.name, pol.qty_received_method
          FROM purchase_order_line pol
          JOIN purchase_order po ON po.id = pol.order_id
          JOIN res_currency cur ON cur.id = po.currency_id
         WHERE pol.id = ANY(%s)
        """, po_ids))
    out = []
    for pol, product, partner, price, ordered, received, date_order, currency, method in env.cr.fetchall():
        out.append({"po_line_id": pol, "product": product, "partner": partner, "price_unit": float(price or 0.0),
                    "qty_ordered": float(ordered or 0.0),
                    # services received "manually" without a receipt: only the ordered quantity is known
                    "qty_received": float(received or 0.0) if method == "stock_moves" or received else float("nan"),
                    "date_order": date_order.date() if date_order else None, "currency": currency})
    return out


def read_partner_banks(env, partners, ibans):
    if not partners and not ibans:
        return []
    env.cr.execute(SQL(
        """
        SELECT COALESCE(p.commercial_partner_id, p.id), bank.acc_number, bank.create_date
          FROM res_partner_bank bank
          JOIN res_partner p ON p.id = bank.partner_id
         WHERE COALESCE(p.commercial_partner_id, p.id) = ANY(%s) OR bank.sanitized_acc_number = ANY(%s)
        """, sorted(partners), sorted(ibans)))
    return [{"partner": partner, "iban": acc, "date": created.date() if created else None}
            for partner, acc, created in env.cr.fetchall()]


def read_decisions(env, partners, companies):
    if not partners:
        return []
    decisions = env["ai.invoice.decision"].sudo().search([("partner_id", "in", sorted(partners)),
                                                          ("company_id", "in", sorted(companies))])
    return [decision._to_core() for decision in decisions]
