"""Customers, sale orders of the won opportunities, customer invoices and their payments.

Every won opportunity becomes a confirmed sale order (``opportunity_id`` set) with three
service lines: a lighting study, a supply-and-installation lump sum and technician days.
Orders of at least EUR 12,000 are invoiced twice (study at order, the rest at delivery),
smaller ones once at delivery. Some customers also pay a quarterly maintenance contract,
invoiced directly. Customers pay according to a hidden payment profile.
"""

import logging
import time
from datetime import date, datetime, timedelta

from . import patterns

_logger = logging.getLogger(__name__)

SPLIT_INVOICE_FROM = 12000.0
MAINTENANCE_SHARE_LEGACY = 0.45
MAINTENANCE_SHARE_NEW = 0.14
ORDER_BATCH = 200
INVOICE_BATCH = 200
PAYMENT_BATCH = 200

# profile -> (share, (min, max) days paid after the due date)
PAYMENT_PROFILES = {
    "punctual": (0.60, (-10, 5)),
    "slow": (0.22, (8, 30)),
    "late": (0.14, (30, 90)),
    "defaulting": (0.04, (45, 120)),
}
DEFAULTING_STOP_DAYS = 365  # defaulting customers stopped paying their project invoices this long ago
MIN_DEFAULTING = 3  # at least this many defaulting customers with unpaid, overdue project invoices

SERVICE_PRODUCTS = {
    "study": ("SRV-STUDY", "Lighting design study", "Étude d'éclairage", 950.0),
    "supply": (
        "SRV-PROJECT",
        "Lighting supply and installation (lump sum)",
        "Fourniture et pose d'éclairage (forfait)",
        1.0,
    ),
    "day": ("SRV-TECH-DAY", "Technician day (installation)", "Journée de technicien (installation)", 560.0),
    "maintenance": ("SRV-MAINT-Q", "Maintenance contract (quarter)", "Contrat de maintenance (trimestre)", 450.0),
}


def generate(gen):
    products = _service_products(gen)
    customers = _customers(gen)
    orders = _plan_orders(gen, customers)
    _create_orders(gen, orders, products)
    invoices = _plan_invoices(gen, orders, customers)
    _create_invoices(gen, invoices, products)
    _register_payments(gen, invoices, customers)
    gen.customers = customers


def _service_products(gen):
    env = gen.env
    category = env["product.category"].create({"name": "Lighting projects"})
    category.with_context(lang="fr_FR").name = "Projets d'éclairage"
    products = {}
    for key, (code, name, fr_name, price) in SERVICE_PRODUCTS.items():
        product = env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "type": "service",
                "invoice_policy": "order",
                "list_price": price,
                "categ_id": category.id,
                "taxes_id": [(6, 0, gen.taxes["sale", "20"].ids)],
                "supplier_taxes_id": [(6, 0, gen.taxes["purchase", "20"].ids)],
                "sale_ok": True,
                "purchase_ok": False,
            }
        )
        product.product_tmpl_id.with_context(lang="fr_FR").name = fr_name
        products[key] = product
    gen.service_products = products
    return products


def _customers(gen):
    """Partners that are customers at some point of the history, with their hidden payment profile."""
    rng = gen.rng("customers")
    env = gen.env
    term_30 = env.ref("account.account_payment_term_30days")
    term_45 = env.ref("account.account_payment_term_45days")
    customers = {}
    for index, partner in enumerate(gen.crm_partners):
        if partner["customer_since"] is None:
            continue
        profile = rng.choices(list(PAYMENT_PROFILES), weights=[v[0] for v in PAYMENT_PROFILES.values()])[0]
        terms = 45 if partner["sector"] == "Public sector" or rng.random() < 0.1 else 30
        maintenance_share = MAINTENANCE_SHARE_LEGACY if partner["legacy"] else MAINTENANCE_SHARE_NEW
        customers[index] = {
            "partner": partner,
            "profile": profile,
            "terms": terms,
            "maintenance": round(rng.uniform(240, 1400) / 10) * 10 if rng.random() < maintenance_share else 0.0,
        }
    by_terms = {30: [], 45: []}
    for customer in customers.values():
        by_terms[customer["terms"]].append(customer["partner"]["id"])
    for terms, ids in by_terms.items():
        env["res.partner"].browse(ids).write({"property_payment_term_id": (term_30 if terms == 30 else term_45).id})
    gen.stats["customers"] = len(customers)
    return customers


def _plan_orders(gen, customers):
    rng = gen.rng("orders")
    anchor_dt = datetime(gen.anchor.year, gen.anchor.month, gen.anchor.day)
    orders = []
    won = [lead for lead in gen.crm_plan["leads"] if lead["won"]]
    for lead in sorted(won, key=lambda lead: lead["close_dt"]):
        amount = lead["revenue"] * rng.uniform(0.85, 1.12)
        study = min(4500.0, max(450.0, round(amount * 0.08 / 10) * 10))
        days = max(1, round(amount * 0.15 / 560))
        supply = max(300.0, round(amount - study - days * 560.0, 2))
        delivery = lead["close_dt"] + timedelta(days=rng.randint(12, 70))
        orders.append(
            {
                "lead": lead,
                "customer": customers[lead["partner"]],
                "date": lead["close_dt"],
                "quote_date": max(lead["created"], lead["close_dt"] - timedelta(days=rng.randint(3, 20))),
                "lines": [("study", 1.0, study), ("supply", 1.0, supply), ("day", float(days), 560.0)],
                "delivery": delivery if delivery < anchor_dt else None,
                "split": amount >= SPLIT_INVOICE_FROM,
                "ref": f"PO-{rng.randint(1000, 99999)}" if rng.random() < 0.5 else False,
            }
        )
    return orders


def _create_orders(gen, orders, products):
    env = gen.env
    started = time.monotonic()
    for offset in range(0, len(orders), ORDER_BATCH):
        batch = orders[offset : offset + ORDER_BATCH]
        records = env["sale.order"].create(
            [
                {
                    "partner_id": order["customer"]["partner"]["id"],
                    "opportunity_id": order["lead"]["id"],
                    "user_id": gen.users[order["lead"]["user"]].id,
                    "team_id": gen.teams[order["lead"]["team"]].id,
                    "company_id": gen.company.id,
                    "client_order_ref": order["ref"],
                    "origin": order["lead"]["name"][:60],
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[key].id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "analytic_distribution": False,
                            },
                        )
                        for key, qty, price in order["lines"]
                    ],
                }
                for order in batch
            ]
        )
        records.action_confirm()
        for order, record in zip(batch, records):
            order["record"] = record
        gen.sql_update(
            "sale.order",
            records.ids,
            {
                "date_order": ("timestamp", [order["date"] for order in batch]),
                "create_date": ("timestamp", [order["quote_date"] for order in batch]),
                "write_date": ("timestamp", [order["date"] for order in batch]),
                "validity_date": ("date", [(order["quote_date"] + timedelta(days=30)).date() for order in batch]),
            },
        )
        gen.log_progress("sale orders", offset + len(batch), len(orders), started)
    gen.stats["sale orders"] = len(orders)


def _plan_invoices(gen, orders, customers):
    """Invoices sorted by date: {"customer", "date", "order", "lines": [(key, qty, price)]}."""
    rng = gen.rng("invoices")
    anchor = gen.anchor
    invoices = []
    for order in orders:
        order_day = order["date"].date()
        if order["split"]:
            invoices.append(
                {
                    "customer": order["customer"],
                    "date": order_day + timedelta(days=rng.randint(0, 4)),
                    "order": order,
                    "line_keys": ["study"],
                }
            )
            if order["delivery"]:
                invoices.append(
                    {
                        "customer": order["customer"],
                        "date": order["delivery"].date(),
                        "order": order,
                        "line_keys": ["supply", "day"],
                    }
                )
        elif order["delivery"]:
            invoices.append(
                {
                    "customer": order["customer"],
                    "date": order["delivery"].date(),
                    "order": order,
                    "line_keys": ["study", "supply", "day"],
                }
            )
    for customer in customers.values():
        if not customer["maintenance"]:
            continue
        since = customer["partner"]["customer_since"].date()
        quarter = date(gen.start.year, 1, 1)
        while quarter < anchor:
            if quarter >= max(since + timedelta(days=20), gen.start):
                amount = patterns.bill_amount(
                    {"amount": customer["maintenance"], "increase": 0.03, "season": 0.0, "noise": 0.0},
                    quarter,
                    gen.start,
                    0.0,
                )
                invoices.append(
                    {
                        "customer": customer,
                        "date": quarter + timedelta(days=rng.randint(0, 3)),
                        "order": None,
                        "lines": [("maintenance", 1.0, amount)],
                        "period": quarter,
                    }
                )
            quarter = patterns.add_months(quarter, 3)
    invoices = [inv for inv in invoices if inv["date"] < anchor]
    invoices.sort(key=lambda inv: (inv["date"], inv["customer"]["partner"]["id"]))
    return invoices


def _create_invoices(gen, invoices, products):
    env = gen.env
    journal = gen.journals["sale"]
    started = time.monotonic()
    for offset in range(0, len(invoices), INVOICE_BATCH):
        batch = invoices[offset : offset + INVOICE_BATCH]
        vals_list = []
        for invoice in batch:
            order = invoice["order"]
            if order:
                vals = order["record"]._prepare_invoice()
                lines = order["record"].order_line.filtered(
                    lambda line, keys=invoice["line_keys"]: (
                        line.product_id in env["product.product"].union(*(products[key] for key in keys))
                    )
                )
                vals["invoice_line_ids"] = [
                    (0, 0, line._prepare_invoice_line(quantity=line.product_uom_qty, analytic_distribution=False))
                    for line in lines
                ]
                vals.pop("transaction_ids", None)
            else:
                quarter = invoice["period"]
                vals = {
                    "move_type": "out_invoice",
                    "partner_id": invoice["customer"]["partner"]["id"],
                    "journal_id": journal.id,
                    "company_id": gen.company.id,
                    "invoice_origin": f"Maintenance Q{(quarter.month - 1) // 3 + 1} {quarter.year}",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[key].id,
                                "name": f"{products[key].name} — Q{(quarter.month - 1) // 3 + 1} {quarter.year}",
                                "quantity": qty,
                                "price_unit": price,
                                "tax_ids": [(6, 0, gen.taxes["sale", "20"].ids)],
                                "analytic_distribution": False,
                            },
                        )
                        for key, qty, price in invoice["lines"]
                    ],
                }
            vals["invoice_date"] = invoice["date"]
            vals_list.append(vals)
        moves = env["account.move"].create(vals_list)
        moves.action_post()
        for invoice, move in zip(batch, moves):
            invoice["move"] = move
            invoice["due"] = move.invoice_date_due
            invoice["amount"] = move.amount_total
        created = [datetime.combine(invoice["date"], datetime.min.time()) + timedelta(hours=9) for invoice in batch]
        gen.sql_update(
            "account.move", moves.ids, {"create_date": ("timestamp", created), "write_date": ("timestamp", created)}
        )
        gen.log_progress("customer invoices", offset + len(batch), len(invoices), started)
    gen.stats["customer invoices"] = len(invoices)


def _register_payments(gen, invoices, customers):
    """Project invoices are paid by transfer per the customer's profile (invoices paid in the
    same month are paid together, one account.payment); maintenance invoices are collected by
    SEPA direct debit ten days after their date (one bank entry per collection day)."""
    rng = gen.rng("payments")
    stop_from = gen.anchor - timedelta(days=DEFAULTING_STOP_DAYS)
    _ensure_defaulting_customers(gen, rng, invoices, stop_from)
    groups = {}
    collections = {}
    for invoice in invoices:
        customer = invoice["customer"]
        if invoice["order"] is None:
            day = invoice["date"] + timedelta(days=10)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            if day < gen.anchor:
                invoice["paid"] = day
                collections.setdefault(day, []).append(invoice)
            else:
                invoice["paid"] = None
            continue
        _share, (low, high) = PAYMENT_PROFILES[customer["profile"]]
        if customer["profile"] == "defaulting" and invoice["date"] >= stop_from:
            invoice["paid"] = None
            continue
        pay_day = max(invoice["due"] + timedelta(days=rng.randint(low, high)), invoice["date"])
        while pay_day.weekday() >= 5:
            pay_day += timedelta(days=1)
        if pay_day >= gen.anchor:
            invoice["paid"] = None
            continue
        invoice["paid"] = pay_day
        groups.setdefault((customer["partner"]["id"], pay_day.year, pay_day.month), []).append(invoice)
    _create_payments(
        gen,
        sorted(
            groups.values(),
            key=lambda group: (max(inv["paid"] for inv in group), group[0]["customer"]["partner"]["id"]),
        ),
    )
    _create_direct_debits(gen, collections)
    gen.stats["unpaid customer invoices"] = sum(1 for inv in invoices if inv["paid"] is None)
    gen.stats["overdue customer invoices"] = sum(
        1 for inv in invoices if inv["paid"] is None and inv["due"] < gen.anchor
    )


def _ensure_defaulting_customers(gen, rng, invoices, stop_from):
    """Whatever the scale, a few customers have stopped paying: overdue invoices exist."""
    candidates = sorted(
        {
            id(inv["customer"]): inv["customer"]
            for inv in invoices
            if inv["order"] is not None and inv["date"] >= stop_from and inv["due"] < gen.anchor
        }.values(),
        key=lambda customer: customer["partner"]["id"],
    )
    defaulting = [c for c in candidates if c["profile"] == "defaulting"]
    others = [c for c in candidates if c["profile"] != "defaulting"]
    rng.shuffle(others)
    for customer in others[: max(0, MIN_DEFAULTING - len(defaulting))]:
        customer["profile"] = "defaulting"


def _receivable_lines(move):
    return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")


def _create_payments(gen, payments):
    env = gen.env
    journal = gen.journals["bank"]
    started = time.monotonic()
    for offset in range(0, len(payments), PAYMENT_BATCH):
        batch = payments[offset : offset + PAYMENT_BATCH]
        records = env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": group[0]["customer"]["partner"]["id"],
                    "amount": round(sum(inv["amount"] for inv in group), 2),
                    "date": max(inv["paid"] for inv in group),
                    "journal_id": journal.id,
                    "memo": ", ".join(inv["move"].name for inv in group),
                    "company_id": gen.company.id,
                }
                for group in batch
            ]
        )
        records.action_post()
        plan = []
        for group, payment in zip(batch, records):
            lines = _receivable_lines(payment.move_id)
            for invoice in group:
                lines |= _receivable_lines(invoice["move"])
            plan.append(lines)
        # one batched reconciliation, as account.move.line.reconcile() does for a single group
        env["account.move.line"]._reconcile_plan(plan)
        when = [
            datetime.combine(max(inv["paid"] for inv in group), datetime.min.time()) + timedelta(hours=11)
            for group in batch
        ]
        gen.sql_update("account.payment", records.ids, {"create_date": ("timestamp", when)})
        gen.sql_update("account.move", records.move_id.ids, {"create_date": ("timestamp", when)})
        gen.log_progress("customer payments", offset + len(batch), len(payments), started)
    gen.stats["customer payments"] = len(payments)


def _create_direct_debits(gen, collections):
    env = gen.env
    journal = gen.journals["bank"]
    plan = []
    moves = env["account.move"]
    for day in sorted(collections):
        batch = collections[day]
        line_vals = []
        for invoice in batch:
            receivable = _receivable_lines(invoice["move"])
            line_vals.append(
                (
                    0,
                    0,
                    {
                        "account_id": receivable.account_id.id,
                        "partner_id": invoice["customer"]["partner"]["id"],
                        "name": f"SEPA {invoice['move'].name}",
                        "credit": invoice["amount"],
                    },
                )
            )
        line_vals.append(
            (
                0,
                0,
                {
                    "account_id": journal.default_account_id.id,
                    "name": f"SEPA direct debit collection {day.isoformat()}",
                    "debit": round(sum(inv["amount"] for inv in batch), 2),
                },
            )
        )
        moves |= env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": day,
                "ref": f"SEPA direct debit {day.isoformat()}",
                "line_ids": line_vals,
            }
        )
    moves.action_post()
    for move, day in zip(moves, sorted(collections)):
        credit_lines = move.line_ids.filtered("credit")
        for invoice, line in zip(collections[day], credit_lines):
            plan.append(line | _receivable_lines(invoice["move"]))
    env["account.move.line"]._reconcile_plan(plan)
    gen.stats["direct debit collections"] = len(moves)
