"""Last section: the suite's AI learns from the history just written, so the demo shows its results at once.

Runs inside the install transaction: it calls the per-batch methods directly (the scheduled actions
commit per batch, which an install must not do).
"""
import logging

from odoo.addons.ai_base.tools import split_every

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
