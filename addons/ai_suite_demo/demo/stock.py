"""Stock history: opening inventory, purchase orders and receipts, shipments to customers.

The day-by-day simulation of ``stocksim`` is replayed month by month through the ORM:
purchase orders of the month are confirmed, its receipts validated (partial receipts leave a
backorder), then its shipments leave the warehouse as done stock moves to the customers
location. Dates are fixed with one SQL UPDATE per month and table.
"""

import logging
import time
from datetime import datetime, timedelta

import pytz

from . import patterns, stocksim

_logger = logging.getLogger(__name__)

PARIS = pytz.timezone("Europe/Paris")
GOODS_PRICE_INCREASE = 0.03  # yearly increase of purchase prices, every 1 January
PO_BATCH = 100
RECEIPT_BATCH = 100
SHIPMENT_BATCH = 1000


def generate(gen):
    env = gen.env
    warehouse = env["stock.warehouse"].search([("company_id", "=", gen.company.id)], limit=1)
    warehouse.name = "Entrepôt Lyon Gerland"
    gen.warehouse = warehouse
    products = [spec for spec, _record in gen.products.values()]
    suppliers = {key: patterns.GOODS_SUPPLIERS[key] for key in gen.suppliers if gen.suppliers[key]["kind"] == "goods"}
    n_days = (gen.anchor - gen.start).days
    demand = {p["code"]: stocksim.draw_demand(p, gen.start, n_days, gen.seed) for p in products}
    sim = stocksim.simulate_with_low_products(
        products, suppliers, gen.start, n_days, demand, gen.seed, patterns.CURRENTLY_LOW
    )
    gen.stock_sim = sim
    gen.stock_demand = demand
    for period in sim["stockouts"]:
        _logger.info(
            "AI suite demo: stock-out of %s from %s to %s (%d units of demand lost)",
            period["code"],
            period["first"],
            period["last"],
            period["lost"],
        )
    _opening_inventory(gen, sim)
    shipments = _plan_shipments(gen, sim, n_days)
    _replay(gen, sim, shipments, n_days)
    gen.stats["stock-out periods"] = len(sim["stockouts"])


def local_dt(day, hour, minute=0):
    """Naive UTC datetime of ``hour:minute`` Paris time on ``day``."""
    local = PARIS.localize(datetime(day.year, day.month, day.day, hour) + timedelta(minutes=minute))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def daily_window(gen):
    return patterns.DAILY_DAYS if gen.scale >= 0.5 else max(60, int(patterns.DAILY_DAYS * gen.scale * 2))


def weekly_window(gen):
    return patterns.WEEKLY_DAYS if gen.scale >= 0.5 else max(60, int(patterns.WEEKLY_DAYS * gen.scale * 2))


def purchase_price(gen, spec, day):
    return round(spec["cost"] * (1.0 + GOODS_PRICE_INCREASE) ** (day.year - gen.start.year), 2)


def _opening_inventory(gen, sim):
    env = gen.env
    stock = gen.warehouse.lot_stock_id
    quants = (
        env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            [
                {
                    "product_id": record.id,
                    "location_id": stock.id,
                    "inventory_quantity": sim["opening"][code],
                }
                for code, (_spec, record) in gen.products.items()
                if sim["opening"][code] > 0
            ]
        )
    )
    quants.action_apply_inventory()
    moves = env["stock.move"].search(
        [("is_inventory", "=", True), ("product_id", "in", [r.id for _s, r in gen.products.values()])]
    )
    when = local_dt(gen.start, 7)
    _fix_moves(gen, moves, [when] * len(moves))


def _plan_shipments(gen, sim, n_days):
    """Stock moves to customers: [(day index, code, qty, resolution)] sorted by day.

    Within the last ``daily_window`` days "daily" products ship one move per day with sales,
    within the last ``weekly_window`` days "weekly" ones one move per week (dated its Saturday);
    before those windows both ship one move per month (dated its last shipping day). "event"
    products ship every sale as it came.
    """
    daily_from = n_days - daily_window(gen)
    weekly_from = n_days - weekly_window(gen)
    shipments = []
    for code, (spec, _record) in gen.products.items():
        shipped = sim["shipped"][code]
        resolution = spec["resolution"]
        buckets = {}
        for day in range(n_days):
            qty = int(shipped[day])
            if not qty:
                continue
            if resolution == "event" or (resolution == "daily" and day >= daily_from):
                shipments.append((day, code, qty, "day"))
                continue
            date = gen.start + timedelta(days=day)
            if resolution == "weekly" and day >= weekly_from:
                key = (min(day - date.weekday() + 5, n_days - 1), "week")
            else:
                key = (date.year, date.month)
            bucket = buckets.setdefault(key, [day, 0])
            bucket[0] = max(bucket[0], day)
            bucket[1] += qty
        for key, (last_day, qty) in buckets.items():
            day = key[0] if key[1] == "week" else last_day
            shipments.append((day, code, qty, "week" if key[1] == "week" else "month"))
    shipments.sort(key=lambda s: (s[0], s[1]))
    gen.stats["shipments"] = len(shipments)
    rng = gen.rng("shipments")
    gen.shipment_minutes = [rng.randint(0, 150) for _s in shipments]
    return shipments


def _replay(gen, sim, shipments, n_days):
    """Replay the simulation: every purchase order (chronological), then every receipt, then
    every shipment, in large batches (the ORM is much faster per record in large batches).
    Receipts only add stock and all of them are validated before any shipment, so no quant
    ever goes negative; dates are fixed afterwards per batch."""
    orders = sim["orders"]
    order_records = {}
    gen.purchase_receipts = []
    timings = {}
    clock = time.monotonic()
    indexed = list(enumerate(orders))
    for offset in range(0, len(indexed), PO_BATCH):
        _create_purchase_orders(gen, indexed[offset : offset + PO_BATCH], order_records)
    timings["purchase orders"] = time.monotonic() - clock
    clock = time.monotonic()
    receipts = sorted(
        (day, index, order_index)
        for order_index, order in enumerate(orders)
        for index, (day, _lines) in enumerate(order["receipts"])
        if day < n_days
    )
    for wave in (0, 1):
        batch = [r for r in receipts if r[1] == wave]
        for offset in range(0, len(batch), RECEIPT_BATCH):
            _validate_receipts(gen, batch[offset : offset + RECEIPT_BATCH], orders, order_records)
    timings["receipts"] = time.monotonic() - clock
    clock = time.monotonic()
    minutes = gen.shipment_minutes
    for offset in range(0, len(shipments), SHIPMENT_BATCH):
        _ship(gen, list(zip(shipments[offset : offset + SHIPMENT_BATCH], minutes[offset : offset + SHIPMENT_BATCH])))
        gen.log_progress("shipments", min(offset + SHIPMENT_BATCH, len(shipments)), len(shipments), clock)
    timings["shipments"] = time.monotonic() - clock
    _logger.info("AI suite demo: stock replay timings: %s", ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    gen.purchase_orders = order_records
    gen.stats["purchase orders"] = len(order_records)
    gen.stats["receipts"] = len(receipts)


def _create_purchase_orders(gen, batch, order_records):
    env = gen.env
    vals_list = []
    for _index, order in batch:
        supplier = gen.suppliers[order["supplier"]]
        day = gen.start + timedelta(days=order["day"])
        planned = gen.start + timedelta(days=order["planned_day"])
        vals_list.append(
            {
                "partner_id": supplier["partner"].id,
                "company_id": gen.company.id,
                "date_order": local_dt(day, 10),
                "date_planned": local_dt(planned, 10),
                "picking_type_id": gen.warehouse.in_type_id.id,
                # every field the line onchange would fill is given: no onchange emulation per line
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": gen.products[code][1].id,
                            "name": f"[{code}] {gen.products[code][0]['name']}",
                            "product_qty": qty,
                            "product_uom_id": gen.products[code][1].uom_id.id,
                            "price_unit": purchase_price(gen, gen.products[code][0], day),
                            "discount": 0.0,
                            "tax_ids": [(6, 0, gen.taxes["purchase", "20"].ids)],
                            "date_planned": local_dt(planned, 10),
                            "analytic_distribution": False,
                        },
                    )
                    for code, qty in order["lines"].items()
                ],
            }
        )
    records = env["purchase.order"].create(vals_list)
    records.button_confirm()
    for (index, _order), record in zip(batch, records):
        order_records[index] = record
    order_dates = [local_dt(gen.start + timedelta(days=order["day"]), 10) for _i, order in batch]
    planned = [local_dt(gen.start + timedelta(days=order["planned_day"]), 10) for _i, order in batch]
    gen.sql_update(
        "purchase.order",
        records.ids,
        {
            "date_order": ("timestamp", order_dates),
            "date_approve": ("timestamp", [d + timedelta(minutes=20) for d in order_dates]),
            "date_planned": ("timestamp", planned),
            "create_date": ("timestamp", order_dates),
            "write_date": ("timestamp", order_dates),
        },
    )
    pickings = records.picking_ids
    picking_planned = {record.id: when for record, when in zip(records, planned)}
    picking_created = {record.id: when for record, when in zip(records, order_dates)}
    gen.sql_update(
        "stock.picking",
        pickings.ids,
        {
            "scheduled_date": ("timestamp", [picking_planned[p.purchase_id.id] for p in pickings]),
            "date_deadline": ("timestamp", [picking_planned[p.purchase_id.id] for p in pickings]),
            "create_date": ("timestamp", [picking_created[p.purchase_id.id] for p in pickings]),
        },
    )
    moves = pickings.move_ids
    gen.sql_update(
        "stock.move",
        moves.ids,
        {
            "date": ("timestamp", [picking_planned[m.purchase_line_id.order_id.id] for m in moves]),
            "date_deadline": ("timestamp", [picking_planned[m.purchase_line_id.order_id.id] for m in moves]),
            "create_date": ("timestamp", [picking_created[m.purchase_line_id.order_id.id] for m in moves]),
        },
    )


def _validate_receipts(gen, batch, orders, order_records):
    """Validate the receipts of ``batch``: the receipt's move lines already hold the ordered
    quantities (incoming moves are reserved at confirmation); only partial receipts change them."""
    env = gen.env
    pickings = env["stock.picking"]
    dates = {}
    for day, index, order_index in batch:
        order = orders[order_index]
        record = order_records[order_index]
        picking = record.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        lines = order["receipts"][index][1]
        for move in picking.move_ids:
            qty = lines.get(move.product_id.default_code, 0.0)
            if move.product_uom.compare(move.quantity, qty):
                move.quantity = qty
        pickings |= picking
        dates[picking.id] = local_dt(gen.start + timedelta(days=day), 9, 30)
        gen.purchase_receipts.append(
            {
                "order": record,
                "order_index": order_index,
                "index": index,
                "day": day,
                "lines": dict(lines),
                "picking": picking,
            }
        )
    pickings.move_ids.picked = True
    pickings._action_done()
    moves = pickings.move_ids.filtered(lambda m: m.state == "done")
    _fix_moves(gen, moves, [dates[m.picking_id.id] for m in moves])
    gen.sql_update(
        "stock.picking",
        pickings.ids,
        {
            "date_done": ("timestamp", [dates[p.id] for p in pickings]),
        },
    )
    purchases = pickings.purchase_id
    last = {}
    for picking in pickings:
        last[picking.purchase_id.id] = max(last.get(picking.purchase_id.id, dates[picking.id]), dates[picking.id])
    gen.sql_update("purchase.order", purchases.ids, {"effective_date": ("timestamp", [last[p.id] for p in purchases])})


def _ship(gen, month_shipments):
    env = gen.env
    stock = gen.warehouse.lot_stock_id
    customers = env.ref("stock.stock_location_customers")
    out_type = gen.warehouse.out_type_id
    partner = _shop_partner(gen)
    vals_list = []
    dates = []
    for (day, code, qty, kind), minute in month_shipments:
        date = gen.start + timedelta(days=day)
        record = gen.products[code][1]
        if kind == "day":
            label = f"Web shop & showroom {date.isoformat()}"
        elif kind == "week":
            label = f"Web shop & showroom week {date.isocalendar()[0]}-W{date.isocalendar()[1]:02d}"
        else:
            label = f"Web shop & showroom {date.year}-{date.month:02d}"
        vals_list.append(
            {
                "product_id": record.id,
                "product_uom_qty": qty,
                "product_uom": record.uom_id.id,
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "picking_type_id": out_type.id,
                "partner_id": partner.id,
                "origin": label,
                "reference": label,
                "picked": True,
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": record.id,
                            "quantity": qty,
                            "product_uom_id": record.uom_id.id,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                            "picked": True,
                        },
                    )
                ],
            }
        )
        dates.append(local_dt(date, 15, minute))
    products = env["product.product"].browse({v["product_id"] for v in vals_list})
    # reserve against a prefetched quant cache (as stock.move.line._action_done does) instead of
    # one quant search per line
    cache = env["stock.quant"]._get_quants_by_products_locations(products, stock)
    moves = env["stock.move"].with_context(quants_cache=cache).create(vals_list)
    moves = moves.with_context(quants_cache=None)
    moves._action_done()
    _fix_moves(gen, moves, dates)


def _shop_partner(gen):
    partner = getattr(gen, "shop_partner", None)
    if not partner:
        partner = gen.shop_partner = gen.env["res.partner"].create(
            {
                "name": "Web shop & showroom customers",
                "is_company": True,
                "city": "Lyon",
                "country_id": gen.env.ref("base.fr").id,
                "company_id": False,
            }
        )
    return partner


def _fix_moves(gen, moves, dates):
    """Give done moves (and their lines) the date they happened."""
    if not moves:
        return
    gen.sql_update(
        "stock.move",
        moves.ids,
        {
            "date": ("timestamp", dates),
            "create_date": ("timestamp", dates),
            "write_date": ("timestamp", dates),
        },
    )
    by_move = dict(zip(moves.ids, dates))
    lines = gen.env["stock.move.line"].search([("move_id", "in", moves.ids)])
    gen.sql_update(
        "stock.move.line",
        lines.ids,
        {
            "date": ("timestamp", [by_move[line.move_id.id] for line in lines]),
            "create_date": ("timestamp", [by_move[line.move_id.id] for line in lines]),
        },
    )
