"""Daily demand series per (product, warehouse) from plain rows of done stock moves."""
import datetime as dt
from collections import defaultdict

import numpy as np


def _day(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def build_demand_series(moves, stockouts=(), start=None, end=None, min_start=None):
    """Daily demand per (product, warehouse).

    ``moves``: iterable of dicts ``{"date", "product", "warehouse", "qty", "sign"}`` - one done move
    leaving the warehouse to a customer or to production/consumption (``sign`` +1, the default) or
    a return into it (``sign`` -1); ``qty`` in the product's unit. ``date`` may be a date, a
    datetime or an ISO string.

    ``stockouts``: days without stock on hand, as tuples ``(product, warehouse, day)`` or
    ``(product, warehouse, first_day, last_day)`` (inclusive). Demand on those days was not
    observed: they become NaN, not zero - unless something was still delivered that day (a
    partial day), which is kept as observed.

    ``start`` / ``end``: the span of every series (default: from the series' first move to the
    last move date overall; the ORM layer passes ``end = yesterday``); a series never starts before
    its first move unless ``start`` is given, nor before ``min_start``.

    Returns ``{(product, warehouse): {"start": date, "values": np.ndarray (float, NaN = not
    observed), "returns": float}}``; each day's demand is deliveries minus returns, floored at 0
    (a return larger than that day's sales lowers no other day), ``returns`` is the total
    returned quantity.
    """
    net = defaultdict(lambda: defaultdict(float))
    returned = defaultdict(float)
    last_day = None
    for m in moves:
        qty = float(m.get("qty") or 0.0)
        if not qty:
            continue
        day = _day(m["date"])
        key = (m["product"], m["warehouse"])
        sign = -1.0 if (m.get("sign", 1) or 1) < 0 else 1.0
        net[key][day] += sign * abs(qty)
        if sign < 0:
            returned[key] += abs(qty)
        last_day = day if last_day is None or day > last_day else last_day
    out_days = defaultdict(set)
    for row in stockouts or ():
        key = (row[0], row[1])
        if len(row) == 3:
            out_days[key].add(_day(row[2]))
        else:
            a, b = _day(row[2]), _day(row[3])
            for k in range((b - a).days + 1):
                out_days[key].add(a + dt.timedelta(days=k))
    end = _day(end) if end else last_day
    series = {}
    for key, days in net.items():
        first = _day(start) if start else min(days)
        if min_start:
            first = max(first, _day(min_start))
        if end is None or first > end:
            continue
        length = (end - first).days + 1
        values = np.zeros(length)
        for day, q in days.items():
            i = (day - first).days
            if 0 <= i < length:
                values[i] = max(q, 0.0)
        for day in out_days.get(key, ()):
            i = (day - first).days
            if 0 <= i < length and values[i] == 0.0:
                values[i] = np.nan
        series[key] = {"start": first, "values": values, "returns": returned.get(key, 0.0)}
    return series
