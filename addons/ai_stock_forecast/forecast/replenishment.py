"""Purchase proposals and reordering-rule levels from a demand forecast (pure functions).

Periods are days when ``today`` is a date (the ORM use); any integer period (e.g. weeks in a
replay) when ``today`` is an int - then move dates and lead times are integers of that period.
"""
import datetime as dt
import math
from statistics import NormalDist

import numpy as np


def service_z(service_level):
    """Standard normal quantile of a cycle service level (0.95 -> 1.645), clipped to [0.5, 0.9999]."""
    return NormalDist().inv_cdf(min(max(float(service_level), 0.5), 0.9999))


def round_order_qty(qty, min_qty=0.0, multiple=0.0):
    """``qty`` raised to the supplier's minimum, then up to a whole number of packages."""
    if qty <= 0:
        return 0.0
    q = max(qty, min_qty or 0.0)
    if multiple and multiple > 0:
        q = math.ceil(q / multiple - 1e-9) * multiple
    return float(q)


def lead_time_sigma(periods, sigma_cum=None, p50=None, p90=None):
    """Standard deviation of the demand forecast error summed over ``periods`` periods.

    From ``sigma_cum`` (the engine's backtest estimate, index k = k + 1 periods; extended with
    the square-root rule past its end) or else from the P50/P90 band of each period
    (sigma = (P90 - P50) / 1.2816, periods independent)."""
    periods = int(max(periods, 0))
    if periods == 0:
        return 0.0
    if sigma_cum is not None and len(sigma_cum):
        s = np.asarray(sigma_cum, dtype=float)
        if periods <= len(s):
            return float(s[periods - 1])
        return float(s[-1] * math.sqrt(periods / len(s)))
    if p50 is not None and p90 is not None:
        d = (np.asarray(p90, dtype=float) - np.asarray(p50, dtype=float)) / 1.2815515655446004
        d = np.maximum(d, 0.0)
        if len(d) < periods:
            d = np.concatenate([d, np.full(periods - len(d), d[-1] if len(d) else 0.0)])
        return float(math.sqrt(float(np.sum(d[:periods] ** 2))))
    return 0.0


def _offset(day, today):
    if isinstance(today, int):
        return int(day) - today
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - today).days


def _date(today, k):
    return today + k if isinstance(today, int) else today + dt.timedelta(days=int(k))


def _fmt(d):
    return str(d) if isinstance(d, int) else d.strftime("%d %b %Y").lstrip("0")


def propose_purchase(on_hand, forecast, today, incoming=(), outgoing=(), sigma_cum=None, p90=None,
                     service_level=0.95, supplier_lead_time=0, purchase_lead_time=0, review_period=7,
                     min_qty=0.0, multiple=0.0, forecast_start=None, uom="units", step=0.0):
    """One purchase proposal for a product in a warehouse.

    ``on_hand``: quantity on hand today; ``forecast``: expected demand per period from
    ``forecast_start`` (default ``today``), e.g. the engine's ``p50``; ``incoming`` / ``outgoing``:
    confirmed moves as ``(date, qty)``; ``sigma_cum`` (engine) or ``p90`` gives the forecast
    error; lead times and the review period in periods (days); ``min_qty`` / ``multiple``: the
    supplier's minimum quantity and packaging; ``step``: the quantity is rounded up to a multiple of
    it (1 for products counted in units), with no word about it in the reason.

    Projected stock of day d = on hand + confirmed incoming - confirmed outgoing - forecast demand
    not yet ordered, all up to and including d (a day's consumption is the larger of its forecast
    and its confirmed deliveries). Safety stock = z(service level) x the forecast error of demand
    over lead time + review period (the time an order must protect). The first day the projection
    falls below the safety stock is the ``stockout_date``; ``order_by`` is that day minus the
    supplier and purchase lead times (today at the earliest: ``late`` says it is already too late
    to avoid it). The quantity brings the projection back to the safety stock until the next review
    after the delivery, then is raised to the minimum quantity and a whole number of packages.
    A ``service_level`` of 0 means "not kept in stock" (see ``allocate_service_levels``): the
    forecast is left out and only confirmed deliveries are ordered for.

    Returns a dict: ``status`` ("order" or "ok"), ``dates``, ``projected`` (per period, without
    the proposal), ``safety_stock``, ``stockout_date`` / ``runout_date`` (below safety stock / below
    zero, None if not within the forecast), ``order_by``, ``arrival_date``, ``qty`` (0 when
    status is "ok"), ``late``, ``lead_time``, ``reason`` (plain words).
    """
    fc = np.maximum(np.nan_to_num(np.asarray(forecast, dtype=float)), 0.0)
    not_stocked = service_level is not None and float(service_level) <= 0.0
    if not_stocked:
        # not kept in stock (allocate_service_levels): only confirmed deliveries are ordered for
        fc = np.zeros_like(fc)
        sigma_cum = p90 = None
    shift = 0 if forecast_start is None else _offset(forecast_start, today)
    if shift > 0:
        fc = np.concatenate([np.zeros(shift), fc])
    elif shift < 0:
        fc = fc[-shift:]
    horizon = len(fc)
    lead = int(max(supplier_lead_time or 0, 0) + max(purchase_lead_time or 0, 0))
    review = int(max(review_period or 1, 1))
    inc = np.zeros(horizon)
    out = np.zeros(horizon)
    for day, qty in incoming or ():
        k = max(_offset(day, today), 0)   # overdue receipts are expected today
        if k < horizon:
            inc[k] += float(qty)
    for day, qty in outgoing or ():
        k = max(_offset(day, today), 0)
        if k < horizon:
            out[k] += float(qty)
    consumption = np.maximum(fc, out)
    projected = float(on_hand) + np.cumsum(inc - consumption)
    p50 = np.asarray(forecast, dtype=float) if p90 is not None else None
    sigma = lead_time_sigma(lead + review, sigma_cum=sigma_cum, p50=p50, p90=p90)
    safety = service_z(service_level) * sigma
    dates = [_date(today, k) for k in range(horizon)]
    result = {"status": "ok", "dates": dates, "projected": projected.tolist(), "safety_stock": float(safety),
              "stockout_date": None, "runout_date": None, "order_by": None, "arrival_date": None,
              "qty": 0.0, "late": False, "lead_time": lead, "reason": ""}
    below = np.nonzero(projected < safety - 1e-9)[0]
    runout = np.nonzero(projected < -1e-9)[0]
    if len(runout):
        result["runout_date"] = dates[runout[0]]
    if not len(below):
        if not_stocked:
            result["reason"] = (f"not kept in stock: ordered for confirmed deliveries only, and the stock "
                                f"covers those of the next {horizon} days")
        else:
            result["reason"] = (f"projected stock stays above the safety stock of {safety:.0f} {uom} "
                                f"for the next {horizon} days: no order needed")
        return result
    first = int(below[0])
    order_k = first - lead
    late = order_k < 0
    order_k = max(order_k, 0)
    arrival = order_k + lead
    end = min(arrival + review, horizon)
    if arrival >= horizon:
        need = safety - projected[-1]
    else:
        need = float(np.max(safety - projected[arrival:end]))
    qty = round_order_qty(max(need, 0.0), min_qty, multiple)
    if step and step > 0:
        qty = math.ceil(qty / step - 1e-9) * step   # whole units (or the unit's precision)
        qty = round(qty, 6)
    cover = float(consumption[arrival:end].sum()) if arrival < horizon else 0.0
    result.update(status="order", stockout_date=dates[first], order_by=dates[order_k],
                  arrival_date=_date(today, arrival), qty=qty, late=late)
    out_txt = f" (out of stock on {_fmt(result['runout_date'])})" if result["runout_date"] is not None else ""
    lead_txt = f"supplier lead time {int(supplier_lead_time or 0)} days"
    if purchase_lead_time:
        lead_txt += f" + purchase lead time {int(purchase_lead_time)} days"
    rounding = []
    if min_qty and qty <= (min_qty or 0) + 1e-9 and need < min_qty:
        rounding.append(f"raised to the supplier's minimum of {min_qty:g}")
    if multiple and multiple > 1:
        rounding.append(f"rounded up to packs of {multiple:g}")
    when = (f"order today, it is already late by {-(first - lead)} days" if late
            else f"order by {_fmt(dates[order_k])}")
    if not_stocked:
        result["reason"] = (
            f"not kept in stock: confirmed deliveries need more than the stock on {_fmt(dates[first])}; "
            f"{when} ({lead_txt}): {qty:g} {uom}" + (f", {' and '.join(rounding)}" if rounding else "") + ".")
        return result
    result["reason"] = (
        f"stock falls under the safety stock of {safety:.0f} {uom} on {_fmt(dates[first])}{out_txt}; "
        f"{when} ({lead_txt}): {qty:g} {uom} cover {review} days of demand ({cover:.0f}) "
        f"plus the safety stock" + (f", {' and '.join(rounding)}" if rounding else "") + ".")
    return result


def reorder_min_max(forecast, lead_time, review_period=7, service_level=0.95, sigma_cum=None, p90=None,
                    min_qty=0.0, multiple=0.0):
    """Minimum and maximum of an Odoo reordering rule derived from the forecast.

    min = forecast demand over the lead time + safety stock (z x forecast error over lead time +
    review period); max = min + forecast demand over the review period, at least min + the
    supplier's minimum quantity, rounded up to the packaging multiple. Returns ``{"min", "max",
    "safety_stock", "lead_time_demand"}``. A ``service_level`` of 0 (not kept in stock) gives
    min = max = 0: Odoo's scheduler then orders only what confirmed deliveries need.
    """
    if service_level is not None and float(service_level) <= 0.0:
        return {"min": 0.0, "max": 0.0, "safety_stock": 0.0, "lead_time_demand": 0.0}
    fc = np.maximum(np.nan_to_num(np.asarray(forecast, dtype=float)), 0.0)
    lead = int(max(lead_time, 0))
    review = int(max(review_period, 1))

    def demand(a, b):
        part = fc[a:b]
        missing = max(b - max(a, len(fc)), 0)
        return float(part.sum() + missing * (fc[-28:].mean() if len(fc) else 0.0))

    p50 = fc if p90 is not None else None
    safety = service_z(service_level) * lead_time_sigma(lead + review, sigma_cum=sigma_cum, p50=p50, p90=p90)
    lt_demand = demand(0, lead)
    lo = lt_demand + safety
    span = max(demand(lead, lead + review), float(min_qty or 0.0))
    hi = lo + span
    if multiple and multiple > 0:
        lo = math.ceil(lo / multiple - 1e-9) * multiple
        hi = max(math.ceil(hi / multiple - 1e-9) * multiple, lo + multiple)
    return {"min": float(lo), "max": float(hi), "safety_stock": float(safety), "lead_time_demand": lt_demand}


def allocate_service_levels(items, service_level=0.95, bounds=(0.5, 0.999), not_stocked=False, step=None):
    """Service level per product that reaches the same overall service for less stock.

    A uniform service level spends as much safety stock per unit of demand on an expensive slow
    mover as on a cheap fast one. The stock-out risk of each product is instead set proportional
    to what avoiding it costs - the unit cost times the order size over the demand
    (``1 - SL_i = lambda * unit_cost * order_qty / demand``: the optimum of "most demand served
    from stock for a given stock value", with order cycles of ``order_qty / demand`` periods) -
    with ``lambda`` chosen so that the demand-weighted mean service level equals
    ``service_level``.

    With ``not_stocked``, a product whose risk reaches 1 - one whose order size ties up so much
    stock value for the demand it serves that keeping it cannot pay - is not kept in stock
    (service level 0: ordered on demand only); the stock value saved buys a higher service level
    on the others, with the same demand-weighted mean.

    ``items``: list of dicts ``{"key", "unit_cost", "demand" (expected per period), "order_qty"
    (typical order: the larger of the supplier minimum and the demand over the review period)}``.
    Returns ``{key: service level}``, each within ``bounds`` (or 0 when not stocked); products
    without demand get the lower bound (0 with ``not_stocked``).

    ``step``: the precision the levels are kept at (e.g. 0.001 for a field of 3 decimals). Each
    level is rounded up to it and the price is searched on the rounded levels, so the
    demand-weighted mean of the levels as stored reaches ``service_level`` by construction.
    """
    return dict(zip([it["key"] for it in items],
                    service_levels_at(items, allocation_price(items, service_level, bounds, not_stocked, step),
                                      bounds, not_stocked, step)))


def allocation_item(unit_cost, demand, min_qty=0.0, review_period=1, key=None):
    """A product as ``allocate_service_levels`` sees it: its unit cost, its expected demand per
    period and its typical order - the larger of the supplier's minimum and the demand over the
    review period (in periods)."""
    demand = max(float(demand or 0.0), 0.0)
    return {"key": key, "unit_cost": float(unit_cost or 0.0), "demand": demand,
            "order_qty": max(float(min_qty or 0.0), demand * max(int(review_period or 1), 1))}


def _weights(items):
    demand = np.array([max(float(it.get("demand") or 0.0), 0.0) for it in items])
    cost = np.array([max(float(it.get("unit_cost") or 0.0), 1e-9) for it in items])
    qty = np.array([max(float(it.get("order_qty") or 0.0), 1e-9) for it in items])
    active = demand > 0
    return demand, np.where(active, cost * qty / np.where(active, demand, 1.0), 0.0), active


def _levels(weight, lam, bounds, not_stocked, step=None):
    lo_sl, hi_sl = bounds
    risk = lam * weight
    sl = 1 - np.clip(risk, 1 - hi_sl, 1 - lo_sl)
    if step:
        # rounded up to the kept precision (never above the upper bound): rounding never lowers a level
        sl = np.minimum(np.ceil(sl / step - 1e-9) * step, hi_sl)
    return np.where(risk >= 1.0, 0.0, sl) if not_stocked else sl


def _price(demand, weight, active, service_level, bounds, not_stocked, step=None):
    """Bisection on log(lambda) for the demand-weighted mean service level; 0.0 without demand.

    The mean is non-increasing in lambda (risks grow with it; a product left out of stock only
    lowers it), so the bisection keeps on its lower side a price whose levels reach the target:
    at the smallest price every product gets the upper bound, which is at least the target."""
    if not active.any():
        return 0.0
    lo_sl, hi_sl = bounds
    target = min(max(float(service_level), lo_sl), hi_sl)
    share = demand[active] / np.sum(demand[active])
    a, b = -30.0, 30.0
    for _ in range(80):
        mid = (a + b) / 2
        if float(np.sum(share * _levels(weight[active], math.exp(mid), bounds, not_stocked, step))) >= target:
            a = mid
        else:
            b = mid
    return math.exp(a)          # the side that reaches the target


def allocation_price(items, service_level=0.95, bounds=(0.5, 0.999), not_stocked=False, step=None):
    """The ``lambda`` of ``allocate_service_levels`` (stock-out risk per unit of stock value tied up
    per unit of demand); with it, :func:`service_levels_at` gives the level of any product, also
    one that was not among ``items`` (a batch forecast later in the same run). 0.0 without demand."""
    return _price(*_weights(items), service_level, bounds, not_stocked, step)


def service_levels_at(items, lam, bounds=(0.5, 0.999), not_stocked=False, step=None):
    """Service levels of ``items`` (``{"unit_cost", "demand", "order_qty"}``) at the price ``lam``
    of :func:`allocation_price`, in the items' order: products without demand get the lower bound
    (0 with ``not_stocked``)."""
    _demand, weight, active = _weights(items)
    levels = np.where(active, _levels(weight, lam, bounds, not_stocked, step), 0.0 if not_stocked else bounds[0])
    return [float(x) for x in levels]
