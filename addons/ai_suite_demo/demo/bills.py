"""Vendor bills: recurring service bills, goods bills of the purchase receipts, planted errors.

Each supplier keeps one expense account, one tax and one reference format; price levels rise
every January, energy costs more in winter. A handful of wrong bills are planted in the last
six months (see ``ANOMALIES`` and readme/USAGE.md). The most recent bills and the planted wrong
bills stay in draft; all others are posted.
"""

import logging
import time
from datetime import date, datetime, timedelta

from . import patterns
from .catalog import iban

_logger = logging.getLogger(__name__)

BILL_BATCH = 200
DRAFT_LAST = 6  # the most recent bills wait in draft
# Suppliers numbering all their customers' invoices in one sequence: references jump.
GLOBAL_NUMBERING = {"edf", "engie", "orange", "ovh", "google", "office", "post", "transport"}
# key -> (supplier, days before the anchor date, description); see readme/USAGE.md
ANOMALIES = {
    "amount_spike": ("cleaning", 75, "amount 26% above the usual monthly level"),
    "duplicate": ("orange", 40, "same bill re-sent 4 days later, reference reformatted"),
    "unit_price": ("thermo", 50, "one line's unit price 20% above the purchase order price"),
    "over_billed_qty": ("ventilo", 100, "one line billed 25% above the quantity received"),
    "wrong_vat": ("edf", 20, "VAT 10% instead of the supplier's usual 20%"),
    "new_bank_account": ("ovh", 10, "paid to a bank account created 4 days before the bill"),
    "other_currency": ("edf", 45, "billed in US dollars instead of euros"),
    "short_terms": ("orange", 15, "due 5 days after the bill instead of 30"),
}


def generate(gen):
    rng = gen.rng("bills")
    bills = _plan_service_bills(gen, rng) + _plan_goods_bills(gen, rng)
    bills.sort(key=lambda bill: (bill["date"], bill["supplier"]))
    _plant_anomalies(gen, rng, bills)
    bills.sort(key=lambda bill: (bill["date"], bill["supplier"]))
    _create_bills(gen, bills)
    gen.bills = bills


def _reference(spec, period, number):
    return spec["ref"].format(
        y=period.year, yy=period.year % 100, m=period.month, q=(period.month - 1) // 3 + 1, n=number
    )


def _plan_service_bills(gen, rng):
    bills = []
    for key, supplier in gen.suppliers.items():
        if supplier["kind"] != "service":
            continue
        spec = supplier["spec"]
        number = rng.randint(1200, 48000)
        period = date(gen.start.year, gen.start.month, 1)
        if spec["months"] == 3:
            period = date(period.year, (period.month - 1) // 3 * 3 + 1, 1)
        while True:
            bill_day = period + timedelta(days=rng.randint(2, 9))
            if bill_day >= gen.anchor:
                break
            if bill_day >= gen.start:
                amount = patterns.bill_amount(spec, period, gen.start, rng.gauss(0, 1))
                label = (
                    f"{spec['label']} — T{(period.month - 1) // 3 + 1} {period.year}"
                    if spec["months"] == 3
                    else f"{spec['label']} — {period.month:02d}/{period.year}"
                )
                bills.append(
                    {
                        "supplier": key,
                        "kind": "service",
                        "date": bill_day,
                        "ref": _reference(spec, period, number),
                        "lines": [
                            {
                                "name": label,
                                "account": spec["account"],
                                "tax": spec["tax"],
                                "quantity": 1.0,
                                "price_unit": amount,
                            }
                        ],
                        "bank": supplier["bank"],
                    }
                )
                number += rng.randint(80, 900) if key in GLOBAL_NUMBERING else 1
            period = patterns.add_months(period, spec["months"])
    return bills


def _plan_goods_bills(gen, rng):
    """One bill per receipt, a few days after it, for the quantities received."""
    bills = []
    numbers = {}
    for receipt in getattr(gen, "purchase_receipts", []):
        order = receipt["order"]
        key = gen.stock_sim["orders"][receipt["order_index"]]["supplier"]
        spec = patterns.GOODS_SUPPLIERS[key]
        bill_day = gen.start + timedelta(days=receipt["day"] + rng.randint(1, 6))
        if bill_day >= gen.anchor:
            continue
        numbers.setdefault(key, rng.randint(300, 9000))
        numbers[key] += rng.randint(1, 40)
        lines = []
        for line in order.order_line:
            qty = receipt["lines"].get(line.product_id.default_code)
            if qty:
                lines.append({"purchase_line": line, "quantity": float(qty), "price_unit": line.price_unit})
        bills.append(
            {
                "supplier": key,
                "kind": "goods",
                "date": bill_day,
                "ref": _reference(spec, bill_day, numbers[key]),
                "order": order,
                "lines": lines,
                "bank": gen.suppliers[key]["bank"],
            }
        )
    return bills


def _plant_anomalies(gen, rng, bills):
    """Turn a few bills of the last six months into the errors an invoice check should catch."""
    gen.anomalies = []

    def closest(supplier, days_before):
        target = gen.anchor - timedelta(days=days_before)
        candidates = [b for b in bills if b["supplier"] == supplier and not b.get("anomaly")]
        return min(candidates, key=lambda b: abs((b["date"] - target).days)) if candidates else None

    for kind, (supplier, days_before, description) in ANOMALIES.items():
        bill = closest(supplier, days_before)
        if not bill:
            _logger.info("AI suite demo: no %s supplier at this scale, anomaly %s not planted", supplier, kind)
            continue
        bill["anomaly"] = kind
        if kind == "amount_spike":
            bill["lines"][0]["price_unit"] = round(bill["lines"][0]["price_unit"] * 1.26, 2)
        elif kind == "duplicate":
            copy = dict(
                bill,
                date=bill["date"] + timedelta(days=4),
                ref=_reformat(bill["ref"]),
                lines=[dict(line) for line in bill["lines"]],
                anomaly="duplicate",
                original=bill,
            )
            bill["anomaly"] = "duplicated"
            bills.append(copy)
            bill = copy
        elif kind == "unit_price":
            bill["lines"][0]["price_unit"] = round(bill["lines"][0]["price_unit"] * 1.20, 2)
        elif kind == "over_billed_qty":
            quantity = bill["lines"][0]["quantity"]
            bill["lines"][0]["quantity"] = float(max(quantity + 1, round(quantity * 1.25)))
        elif kind == "wrong_vat":
            bill["lines"][0]["tax"] = "10"
        elif kind == "other_currency":
            bill["currency"] = "USD"
        elif kind == "short_terms":
            bill["due_days"] = 5
        elif kind == "new_bank_account":
            partner = gen.suppliers[supplier]["partner"]
            created = bill["date"] - timedelta(days=4)
            bank = gen.env["res.partner.bank"].create(
                {
                    "partner_id": partner.id,
                    "acc_number": iban("IE", rng),
                    "allow_out_payment": False,
                    "company_id": gen.company.id,
                }
            )
            when = datetime.combine(created, datetime.min.time()) + timedelta(hours=11)
            gen.sql_update("res.partner.bank", bank.ids, {"create_date": ("timestamp", [when])})
            bill["bank"] = bank
        gen.anomalies.append({"kind": kind, "bill": bill, "description": description})


def _reformat(ref):
    """OBS260912345 -> OBS-26-09-12345: the same number typed differently."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return f"{letters}-{digits[:2]}-{digits[2:4]}-{digits[4:]}"


def _bill_vals(gen, bill):
    supplier = gen.suppliers[bill["supplier"]]
    if bill["kind"] == "goods":
        vals = bill["order"]._prepare_invoice()
        line_vals = []
        for line in bill["lines"]:
            values = line["purchase_line"]._prepare_account_move_line()
            values.update(quantity=line["quantity"], price_unit=line["price_unit"], analytic_distribution=False)
            line_vals.append((0, 0, values))
        vals["invoice_line_ids"] = line_vals
    else:
        vals = {
            "move_type": "in_invoice",
            "partner_id": supplier["partner"].id,
            "company_id": gen.company.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": line["name"],
                        "account_id": gen.expense_accounts[line["account"]].id,
                        "tax_ids": [(6, 0, gen.taxes["purchase", line["tax"]].ids)],
                        "quantity": line["quantity"],
                        "price_unit": line["price_unit"],
                        "analytic_distribution": False,
                    },
                )
                for line in bill["lines"]
            ],
        }
    if bill.get("currency"):
        currency = gen.env.ref(f"base.{bill['currency']}")
        currency.active = True
        vals["currency_id"] = currency.id
    vals.update(
        {
            "invoice_date": bill["date"],
            "invoice_date_due": bill["date"] + timedelta(days=bill.get("due_days", 30)),
            "ref": bill["ref"],
            "partner_bank_id": bill["bank"].id,
            "journal_id": gen.journals["purchase"].id,
        }
    )
    return vals


def _create_bills(gen, bills):
    env = gen.env
    started = time.monotonic()
    for bill in bills[-DRAFT_LAST:]:
        bill["draft"] = True
    for bill in bills:
        if bill.get("anomaly") and bill["anomaly"] != "duplicated":
            bill["draft"] = True  # waiting for the accountant: the AI check shows what is wrong
    # the history was verified long ago: no AI check while writing it (the last section checks the drafts)
    env = env(context=dict(env.context, ai_invoice_check_skip=True))
    for offset in range(0, len(bills), BILL_BATCH):
        batch = bills[offset : offset + BILL_BATCH]
        moves = env["account.move"].create([_bill_vals(gen, bill) for bill in batch])
        to_post = env["account.move"]
        for bill, move in zip(batch, moves):
            bill["move"] = move
            if not bill.get("draft"):
                to_post |= move
        to_post.action_post()
        created = [datetime.combine(bill["date"], datetime.min.time()) + timedelta(hours=10) for bill in batch]
        gen.sql_update(
            "account.move", moves.ids, {"create_date": ("timestamp", created), "write_date": ("timestamp", created)}
        )
        gen.log_progress("vendor bills", offset + len(batch), len(bills), started)
    gen.stats["vendor bills"] = len(bills)
    gen.stats["draft vendor bills"] = sum(1 for bill in bills if bill.get("draft"))
    for anomaly in gen.anomalies:
        bill = anomaly["bill"]
        _logger.info(
            "AI suite demo: planted vendor-bill anomaly %s: %s %s of %s (%s)",
            anomaly["kind"],
            bill["move"].partner_id.name,
            bill["ref"],
            bill["date"],
            anomaly["description"],
        )
