"""Set-based reads for the forecast: demand moves, days without stock, stock on hand, confirmed moves,
suppliers. Each function reads a whole batch of (product, warehouse) pairs in one query and returns
plain rows for the pure-Python core (``..forecast``)."""
import datetime as dt
from collections import defaultdict

from odoo.tools import SQL


def demand_pairs(env, company, since):
    """(product, warehouse) pairs with done deliveries or consumption since ``since``, by product id."""
    env.cr.execute(SQL(
        """
        SELECT DISTINCT m.product_id, src.warehouse_id
          FROM stock_move m
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
         WHERE m.state = 'done' AND m.company_id = %s AND m.date >= %s
           AND src.warehouse_id IS NOT NULL AND dst.usage IN ('customer', 'production')
      ORDER BY m.product_id, src.warehouse_id
        """, company.id, since))
    return env.cr.fetchall()


def read_demand_moves(env, pairs, since):
    """Done moves leaving each warehouse to customers or production (sign +1) and customer returns
    into it (sign -1), in the product's unit: rows for ``forecast.build_demand_series``."""
    if not pairs:
        return []
    products = [p for p, _w in pairs]
    warehouses = [w for _p, w in pairs]
    env.cr.execute(SQL(
        """
        WITH pairs AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS t(product_id, warehouse_id))
        SELECT m.date, m.product_id, src.warehouse_id, m.product_qty, 1
          FROM stock_move m
          JOIN pairs ON pairs.product_id = m.product_id
          JOIN stock_location src ON src.id = m.location_id AND src.warehouse_id = pairs.warehouse_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
         WHERE m.state = 'done' AND m.date >= %s AND dst.usage IN ('customer', 'production')
        UNION ALL
        SELECT m.date, m.product_id, dst.warehouse_id, m.product_qty, -1
          FROM stock_move m
          JOIN pairs ON pairs.product_id = m.product_id
          JOIN stock_location dst ON dst.id = m.location_dest_id AND dst.warehouse_id = pairs.warehouse_id
          JOIN stock_location src ON src.id = m.location_id
         WHERE m.state = 'done' AND m.date >= %s AND src.usage IN ('customer', 'production')
        """, products, warehouses, since, since))
    return [{"date": day, "product": product, "warehouse": warehouse, "qty": float(qty or 0.0), "sign": sign}
            for day, product, warehouse, qty, sign in env.cr.fetchall()]


def read_on_hand(env, pairs):
    """{(product, warehouse): quantity on hand in the warehouse's internal locations}."""
    if not pairs:
        return {}
    env.cr.execute(SQL(
        """
        WITH pairs AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS t(product_id, warehouse_id))
        SELECT q.product_id, loc.warehouse_id, SUM(q.quantity)
          FROM stock_quant q
          JOIN pairs ON pairs.product_id = q.product_id
          JOIN stock_location loc ON loc.id = q.location_id AND loc.warehouse_id = pairs.warehouse_id
         WHERE loc.usage = 'internal'
      GROUP BY q.product_id, loc.warehouse_id
        """, [p for p, _w in pairs], [w for _p, w in pairs]))
    return {(p, w): float(qty or 0.0) for p, w, qty in env.cr.fetchall()}


def read_stockout_days(env, pairs, since, today, on_hand):
    """Days without stock on hand, as ``(product, warehouse, first_day, last_day)`` intervals.

    The end-of-day stock of each past day is rebuilt backwards from today's quantity on hand and
    the done moves into and out of the warehouse's internal locations (one query for the batch).
    """
    if not pairs:
        return []
    env.cr.execute(SQL(
        """
        WITH pairs AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS t(product_id, warehouse_id))
        SELECT pairs.product_id, pairs.warehouse_id, m.date::date,
               SUM(CASE WHEN dst.warehouse_id = pairs.warehouse_id AND dst.usage = 'internal' THEN m.product_qty
                        ELSE 0 END)
             - SUM(CASE WHEN src.warehouse_id = pairs.warehouse_id AND src.usage = 'internal' THEN m.product_qty
                        ELSE 0 END)
          FROM stock_move m
          JOIN pairs ON pairs.product_id = m.product_id
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
         WHERE m.state = 'done' AND m.date >= %s
           AND ((src.warehouse_id = pairs.warehouse_id AND src.usage = 'internal')
                OR (dst.warehouse_id = pairs.warehouse_id AND dst.usage = 'internal'))
      GROUP BY pairs.product_id, pairs.warehouse_id, m.date::date
        """, [p for p, _w in pairs], [w for _p, w in pairs], since))
    net = defaultdict(dict)
    for product, warehouse, day, qty in env.cr.fetchall():
        net[(product, warehouse)][day] = float(qty or 0.0)
    out = []
    for key in pairs:
        key = tuple(key)
        days = net.get(key, {})
        stock = on_hand.get(key, 0.0)
        day = today
        first = since.date() if isinstance(since, dt.datetime) else since
        run_end = None
        # walk back: the stock at the end of ``day`` is known; the stock at the end of the day
        # before is it minus that day's net movement
        while day >= first:
            if stock <= 1e-9:
                run_end = run_end or day
            elif run_end is not None:
                out.append((key[0], key[1], day + dt.timedelta(days=1), run_end))
                run_end = None
            stock -= days.get(day, 0.0)
            day -= dt.timedelta(days=1)
        if run_end is not None:
            out.append((key[0], key[1], first, run_end))
    # today is not over: only past days count as not observed
    return [(p, w, a, min(b, today - dt.timedelta(days=1))) for p, w, a, b in out if a < today]


def read_confirmed_moves(env, pairs, today):
    """Confirmed, not yet done moves: ({pair: [(date, qty) incoming]}, {pair: [(date, qty) outgoing]})."""
    incoming, outgoing = defaultdict(list), defaultdict(list)
    if not pairs:
        return incoming, outgoing
    env.cr.execute(SQL(
        """
        WITH pairs AS (SELECT * FROM unnest(%s::int[], %s::int[]) AS t(product_id, warehouse_id))
        SELECT pairs.product_id, pairs.warehouse_id, GREATEST(m.date::date, %s::date), m.product_qty,
               (dst.warehouse_id = pairs.warehouse_id AND dst.usage = 'internal') AS is_in
          FROM stock_move m
          JOIN pairs ON pairs.product_id = m.product_id
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
         WHERE m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
           AND ((dst.warehouse_id = pairs.warehouse_id AND dst.usage = 'internal'
                 AND (src.warehouse_id IS NULL OR src.warehouse_id != pairs.warehouse_id))
             OR (src.warehouse_id = pairs.warehouse_id AND src.usage = 'internal'
                 AND (dst.warehouse_id IS NULL OR dst.warehouse_id != pairs.warehouse_id)))
        """, [p for p, _w in pairs], [w for _p, w in pairs], today))
    for product, warehouse, day, qty, is_in in env.cr.fetchall():
        (incoming if is_in else outgoing)[(product, warehouse)].append((day, float(qty or 0.0)))
    return incoming, outgoing


def read_factor_values(env, factors, start, end):
    """{factor id: {date: value}} between ``start`` and ``end``."""
    if not factors:
        return {}
    env.cr.execute(SQL(
        "SELECT factor_id, date, value FROM ai_forecast_factor_value "
        "WHERE factor_id = ANY(%s) AND date BETWEEN %s AND %s", list(factors), start, end))
    out = defaultdict(dict)
    for factor, day, value in env.cr.fetchall():
        out[factor][day] = float(value)
    return out
