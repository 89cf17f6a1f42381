"""Last section: the suite's AI learns from the history just written, so the demo shows its results at once.

Runs inside the install transaction: it calls the per-batch methods directly (the scheduled actions
commit per batch, which an install must not do).
"""
import logging
from datetime import timedelta

from odoo.addons.ai_base.tools import split_every

from . import patterns

_logger = logging.getLogger(__name__)


def generate(gen):
    env = gen.env(context=dict(gen.env.context, ai_no_rescore=False))
    Lead = env["crm.lead"]
    models = Lead._ai_train_company(gen.company)
    for model in models:
        _logger.info("AI suite demo: %s v%s (%s): %s", model.name, model.version, model.state,
                     ", ".join(f"{k} {v:.3f}" for k, v in (model.metrics or {}).items() if isinstance(v, float)))
    open_leads = Lead.search(Lead._ai_open_leads_domain(), order="id")
    for ids in split_every(2000, open_leads.ids):
        Lead.browse(ids)._ai_rescore()
    opportunities = open_leads.filtered(lambda lead: lead.type == "opportunity")
    for ids in split_every(500, opportunities.ids):
        Lead.browse(ids)._ai_refresh_engagement()
    quiet = Lead._ai_quiet_leads()
    quiet._ai_plan_followup()
    gen.stats["scored leads"] = len(open_leads)
    gen.stats["follow-ups planned"] = len(quiet)
    _check_bills(gen)
    _pipeline_quotations(gen)
    _forecast_stock(gen)
    result = env["res.partner"]._cron_ai_refresh_360(commit=False)
    gen.stats["customer 360 refreshed"] = result.get("processed", 0)


def _check_bills(gen):
    """Learn the usual expense accounts, then check the draft vendor bills against their history."""
    Move = gen.env["account.move"]
    model = Move._ai_train_category(gen.company)
    _logger.info("AI suite demo: %s v%s (%s): %s", model.name, model.version, model.state,
                 ", ".join(f"{k} {v:.3f}" for k, v in (model.metrics or {}).items() if isinstance(v, float)))
    drafts = Move.search([("move_type", "in", ("in_invoice", "in_refund")), ("state", "=", "draft"),
                          ("company_id", "=", gen.company.id)], order="id")
    drafts._ai_check(safe=False, propose=True)
    for move in drafts.filtered("ai_finding_ids"):
        _logger.info("AI suite demo: bill %s %s: %s", move.partner_id.name, move.ref,
                     "; ".join(f"[{f.severity}] {f.message}" for f in move.ai_finding_ids))
    gen.stats["draft bills checked"] = len(drafts)
    gen.stats["draft bills to verify"] = len(drafts.filtered("ai_to_verify"))


TEMPERATURE_PRODUCTS = ("FAN-ZEPHYR", "RAD-OIL-2000")
QUOTED_GOODS = ("LED-PAN-6060", "LED-T8-120", "FAN-ZEPHYR", "RAD-OIL-2000", "SMART-PLUG", "EXT-CABLE-5M")
QUOTED_SHARE = 0.25


def _pipeline_quotations(gen):
    """A quarter of the open opportunities carry a quotation for goods (draft or sent), closing in the
    coming 10-80 days: the pipeline layer of the demand forecast."""
    env = gen.env
    rng = gen.rng("pipeline quotations")
    goods = [gen.products[code][1] for code in QUOTED_GOODS if code in gen.products]
    if not goods:
        return
    leads = env["crm.lead"].search([("type", "=", "opportunity"), ("active", "=", True), ("won_status", "=", "pending"),
                                    ("partner_id", "!=", False), ("company_id", "=", gen.company.id)], order="id")
    chosen = [lead for lead in leads if rng.random() < QUOTED_SHARE]
    orders = []
    for lead in chosen:
        picks = rng.sample(goods, k=min(len(goods), rng.choice((1, 1, 2))))
        lead.date_deadline = gen.anchor + timedelta(days=rng.randint(10, 80))
        orders.append({
            "partner_id": lead.partner_id.id, "opportunity_id": lead.id, "team_id": lead.team_id.id,
            "user_id": lead.user_id.id, "company_id": gen.company.id, "warehouse_id": gen.warehouse.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": float(rng.choice((4, 6, 10, 15, 24)))})
                           for product in picks],
        })
    created = env["sale.order"].create(orders)
    sent = created.filtered(lambda order: rng.random() < 0.5)
    sent.write({"state": "sent"})
    gen.stats["pipeline quotations"] = len(created)
WEATHER_FORECAST_DAYS = 120


def _forecast_stock(gen):
    """The weather as an external factor of the temperature-driven products, then forecasts and proposals."""
    env = gen.env
    products = env["product.product"].browse([gen.products[code][1].id for code in TEMPERATURE_PRODUCTS
                                              if code in gen.products])
    factor = env["ai.forecast.factor"].create({
        "name": "Temperature in Lyon",
        "code": "temperature",
        "company_id": gen.company.id,
        "product_ids": [(6, 0, products.ids)],
        "description": "Daily mean air temperature (deg C): measured up to today, the weather forecast after.",
    })
    with_fr = factor.with_context(lang="fr_FR")
    if env["res.lang"]._lang_get("fr_FR"):
        with_fr.name = "Température à Lyon"
    day, last = gen.start, gen.anchor + timedelta(days=WEATHER_FORECAST_DAYS)
    values = []
    while day <= last:
        values.append({"factor_id": factor.id, "date": day, "value": round(patterns.daily_temperature(day), 2)})
        day += timedelta(days=1)
    env["ai.forecast.factor.value"].create(values)
    stats = env["ai.stock.forecast"]._ai_forecast_company(gen.company, today=gen.anchor)
    _logger.info("AI suite demo: stock forecast %s", stats)
    for proposal in env["ai.stock.proposal"].search([("company_id", "=", gen.company.id)]):
        _logger.info("AI suite demo: purchase proposal %s: %s", proposal.product_id.default_code, proposal.reason)
    gen.stats["forecast products"] = stats["forecasts"]
    gen.stats["purchase proposals"] = stats["proposals"]
