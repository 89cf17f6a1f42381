"""Day-by-day simulation of demand, shipments and replenishment (pure Python + numpy).

The generator replays the result through the ORM: opening inventory, purchase orders and
their receipts, and the shipments to customers. Keeping the simulation outside Odoo makes the
planted patterns (demand, stock-outs, late and partial receipts) explicit and testable.
"""

import math
from datetime import timedelta

import numpy as np

from . import patterns

DISPERSION = 6.0  # negative binomial shape: variance = mean + mean^2 / DISPERSION


def draw_demand(product, start, n_days, seed):
    """Daily demand (units, ints) of ``product`` for days ``start`` .. ``start + n_days - 1``."""
    rng = np.random.default_rng(patterns.stable_hash(f"{seed}|demand|{product['code']}"))
    days = [start + timedelta(days=i) for i in range(n_days)]
    if product.get("intermittent"):
        profile = patterns.WEEKLY_PROFILES[product.get("weekly", "shop")]
        occurs = rng.random(n_days) < np.array([product["intermittent"] * profile[d.weekday()] for d in days])
        sizes = 1 + rng.poisson(max(product.get("lot", 1.0) - 1.0, 0.0), n_days)
        return np.where(occurs, sizes, 0).astype(int)
    means = np.array([patterns.expected_demand(product, d, start) for d in days])
    safe = np.maximum(means, 1e-9)
    draws = rng.negative_binomial(DISPERSION, DISPERSION / (DISPERSION + safe))
    return np.where(means > 0, draws, 0).astype(int)


def simulate(products, suppliers, start, n_days, demand, seed, stop_ordering=None):
    """Replay ``demand`` day by day with the buyer's replenishment policy.

    :param products: PRODUCTS entries
    :param suppliers: GOODS_SUPPLIERS
    :param demand: {code: int array of daily demand}
    :param stop_ordering: {code: days before the end from which that product is no longer ordered}
    :returns: dict with ``opening`` {code: qty}, ``shipped``/``lost`` {code: int array},
        ``orders`` (list of purchase orders, see below), ``stockouts`` (list of periods) and
        ``on_hand`` {code: qty at the end}.

    An order is ``{"supplier", "day", "planned_day", "lines": {code: qty}, "receipts":
    [(day, {code: qty})]}``; a receipt day >= ``n_days`` lies after the anchor date (still due).
    """
    rng = np.random.default_rng(patterns.stable_hash(f"{seed}|replenishment"))
    stop_ordering = stop_ordering or {}
    by_code = {p["code"]: p for p in products}
    first_month = {code: max(float(np.mean(demand[code][:28])), 0.05) for code in by_code}
    on_hand = {}
    for code, product in by_code.items():
        lead = suppliers[product["supplier"]]["lead"]
        if product.get("intermittent"):
            on_hand[code] = int(product["min_qty"] * 1.5)
        else:
            on_hand[code] = int(math.ceil(first_month[code] * (lead + patterns.COVER_DAYS)))
    opening = dict(on_hand)
    shipped = {code: np.zeros(n_days, dtype=int) for code in by_code}
    on_hand_daily = {code: np.zeros(n_days, dtype=int) for code in by_code}
    lost = {code: np.zeros(n_days, dtype=int) for code in by_code}
    arrivals = {}  # day -> list of (order index, {code: qty})
    on_order = dict.fromkeys(by_code, 0)
    orders = []
    supplier_products = {}
    for product in products:
        supplier_products.setdefault(product["supplier"], []).append(product)

    for day in range(n_days):
        for _index, lines in arrivals.pop(day, []):
            for code, qty in lines.items():
                on_hand[code] += qty
                on_order[code] -= qty
        for code in by_code:
            want = int(demand[code][day])
            ship = min(want, on_hand[code])
            shipped[code][day] = ship
            lost[code][day] = want - ship
            on_hand[code] -= ship
            on_hand_daily[code][day] = on_hand[code]
        today = start + timedelta(days=day)
        review_week = today.isocalendar()[1] % 2 == 0
        for key, supplier in suppliers.items():
            if not review_week or today.weekday() != supplier["review_day"] or day < 7:
                continue
            # Joint replenishment: when one product of the supplier falls below its re-order
            # point, every product of that supplier is topped up to its target cover.
            candidates = [
                product
                for product in supplier_products.get(key, ())
                if day < n_days - stop_ordering.get(product["code"], -1)
            ]
            recent = {
                product["code"]: shipped[product["code"]][max(0, day - patterns.TRAILING_DAYS) : day]
                for product in candidates
            }
            if not any(
                _needs_order(
                    product, supplier, on_hand[product["code"]] + on_order[product["code"]], recent[product["code"]]
                )
                for product in candidates
            ):
                continue
            lines = {}
            for product in candidates:
                code = product["code"]
                qty = _order_quantity(product, supplier, on_hand[code] + on_order[code], recent[code])
                if qty:
                    lines[code] = qty
            if not lines:
                continue
            late = (
                int(rng.integers(*supplier["late_days"], endpoint=True)) if rng.random() < supplier["late_prob"] else 0
            )
            planned = day + supplier["lead"]
            arrival = planned + late
            if rng.random() < supplier["partial_prob"]:
                share = float(rng.uniform(0.5, 0.85))
                first = {code: max(1, int(qty * share)) for code, qty in lines.items()}
                rest = {code: qty - first[code] for code, qty in lines.items() if qty - first[code] > 0}
                receipts = [(arrival, first)]
                if rest:
                    receipts.append((arrival + int(rng.integers(7, 15)), rest))
            else:
                receipts = [(arrival, dict(lines))]
            orders.append(
                {
                    "supplier": key,
                    "day": day,
                    "planned_day": planned,
                    "lines": lines,
                    "receipts": receipts,
                    "late_days": late,
                }
            )
            for code, qty in lines.items():
                on_order[code] += qty
            for receipt_day, receipt_lines in receipts:
                arrivals.setdefault(receipt_day, []).append((len(orders) - 1, receipt_lines))
    return {
        "opening": opening,
        "shipped": shipped,
        "lost": lost,
        "orders": orders,
        "stockouts": stockout_periods(lost, start),
        "on_hand": on_hand,
        "on_hand_daily": on_hand_daily,
        "on_order": on_order,
    }


def _needs_order(product, supplier, position, recent_sales):
    if product.get("intermittent"):
        return position <= max(1, product["min_qty"] // 3)
    avg = float(np.mean(recent_sales)) if len(recent_sales) else 0.0
    if avg <= 0:
        return position <= 0
    return position <= avg * (supplier["lead"] + patterns.REVIEW_DAYS) * patterns.SAFETY_FACTOR


def _order_quantity(product, supplier, position, recent_sales):
    if product.get("intermittent"):
        return product["min_qty"] if position <= product["min_qty"] // 2 else 0
    avg = float(np.mean(recent_sales)) if len(recent_sales) else 0.0
    target = avg * (supplier["lead"] + patterns.COVER_DAYS)
    if target - position < product["min_qty"] / 2:
        return 0
    qty = max(product["min_qty"], int(math.ceil(target - position)))
    step = 10 if qty > 50 else 5 if qty > 10 else 1
    return int(math.ceil(qty / step) * step)


def stockout_periods(lost, start, min_days=3):
    """Periods of at least ``min_days`` days in which some demand could not be shipped.

    Lost-demand days at most 3 days apart are merged. Returns a list of
    ``{"code", "first", "last", "lost"}`` (dates, units).
    """
    periods = []
    for code, values in lost.items():
        days = [i for i, v in enumerate(values) if v > 0]
        group = []
        for day in days + [None]:
            if group and (day is None or day - group[-1] > 3):
                if group[-1] - group[0] + 1 >= min_days:
                    periods.append(
                        {
                            "code": code,
                            "first": start + timedelta(days=group[0]),
                            "last": start + timedelta(days=group[-1]),
                            "lost": int(sum(values[i] for i in range(group[0], group[-1] + 1))),
                        }
                    )
                group = []
            if day is not None:
                group.append(day)
    return periods


def simulate_with_low_products(products, suppliers, start, n_days, demand, seed, low_codes):
    """Like simulate(), but the products of ``low_codes`` end low: their buyer placed no order
    in the last lead time + review period, and the last delivery was smaller, so that about
    40% of the re-order point is left on hand at the end (when they did not run out before)."""
    by_code = {p["code"]: p for p in products}
    windows = {
        code: suppliers[by_code[code]["supplier"]]["lead"] + patterns.REVIEW_DAYS + 1
        for code in low_codes
        if code in by_code
    }
    result = simulate(products, suppliers, start, n_days, demand, seed, windows)
    for _attempt in range(5):
        pending = [code for code in windows if result["on_order"][code] > 0]
        if not pending:
            break
        for code in pending:
            windows[code] += 7
        result = simulate(products, suppliers, start, n_days, demand, seed, windows)
    for code in windows:
        product = by_code[code]
        supplier = suppliers[product["supplier"]]
        avg = float(np.mean(result["shipped"][code][-patterns.TRAILING_DAYS :]))
        target = int(max(1, 0.4 * avg * (supplier["lead"] + patterns.REVIEW_DAYS) * patterns.SAFETY_FACTOR))
        deliveries = sorted(
            (
                (day, order_index, index)
                for order_index, order in enumerate(result["orders"])
                for index, (day, lines) in enumerate(order["receipts"])
                if code in lines and day < n_days
            ),
            reverse=True,
        )
        for day, order_index, index in deliveries:
            order = result["orders"][order_index]
            trim = int(min(result["on_hand_daily"][code][day:])) - target
            trim = min(trim, order["receipts"][index][1][code] - 1)
            if trim <= 0:
                break
            order["receipts"][index][1][code] -= trim
            order["lines"][code] -= trim
            result["on_hand_daily"][code][day:] -= trim
            result["on_hand"][code] -= trim
    result["stop_ordering"] = windows
    return result
