from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.batching import process_in_batches, run_before_commit
from odoo.addons.ai_base.tools.chunks import split_every

from . import bridge_sql


# who may read a customer's 360 aggregates: salespeople and accounting users (no invoice detail for the former)
READERS = "sales_team.group_sale_salesman,account.group_account_invoice,account.group_account_readonly"
ACCOUNTANTS = "account.group_account_invoice,account.group_account_readonly"
# who may have the facts recomputed (a read-only user changes nothing, not even derived figures)
REFRESHERS = "sales_team.group_sale_salesman,account.group_account_invoice"
REFRESH_QUEUE = "crm_erp_bridge.refresh_360"
REFRESH_BATCH = 2000
# partner field -> ai.customer.fact field (the current company's row)
FACT_FIELDS = {
    "ai_revenue_12m": "revenue_12m", "ai_revenue_prev_12m": "revenue_prev_12m", "ai_revenue_trend": "revenue_trend",
    "ai_receivable_open": "receivable_open", "ai_receivable_overdue": "receivable_overdue",
    "ai_overdue_count": "overdue_count", "ai_max_days_overdue": "max_days_overdue",
    "ai_avg_days_to_pay": "avg_days_to_pay", "ai_avg_days_late": "avg_days_late", "ai_late_share": "late_share",
    "ai_paid_count": "paid_count", "ai_order_count": "order_count", "ai_order_count_12m": "order_count_12m",
    "ai_last_order_date": "last_order_date", "ai_customer_since": "customer_since",
    "ai_main_products": "main_products", "ai_opportunity_count": "opportunity_count",
    "ai_opportunity_weighted": "opportunity_weighted", "ai_is_late_payer": "is_late_payer",
    "ai_is_top_customer": "is_top_customer", "ai_is_new_customer": "is_new_customer",
}


def fact_values(fact, fields_map=None):
    """{partner field: value} of a fact row (False everywhere for no row)."""
    fields_map = FACT_FIELDS if fields_map is None else fields_map
    return {name: (fact[source] if fact else False) for name, source in fields_map.items()}


class ResPartner(models.Model):
    _inherit = "res.partner"

    ai_fact_id = fields.Many2one("ai.customer.fact", "Customer 360", compute="_compute_ai_360",
                                 groups=READERS, compute_sudo=True)
    ai_has_360 = fields.Boolean("Has 360 facts", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_currency_id = fields.Many2one("res.currency", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_revenue_12m = fields.Monetary("Revenue, 12 months", compute="_compute_ai_360", groups=READERS,
                                     currency_field="ai_currency_id", compute_sudo=True,
                                     help="Invoiced in the current company, untaxed, net of credit notes")
    ai_revenue_prev_12m = fields.Monetary("Revenue, 12 months before", compute="_compute_ai_360", groups=READERS,
                                          currency_field="ai_currency_id", compute_sudo=True)
    ai_revenue_trend = fields.Float("Revenue trend (%)", compute="_compute_ai_360", groups=READERS, digits=(16, 1),
                                    compute_sudo=True)
    ai_receivable_open = fields.Monetary("Open receivables", compute="_compute_ai_360", groups=READERS,
                                         currency_field="ai_currency_id", compute_sudo=True)
    ai_receivable_overdue = fields.Monetary("Overdue receivables", compute="_compute_ai_360", groups=READERS,
                                            currency_field="ai_currency_id", compute_sudo=True,
                                            search="_search_ai_receivable_overdue")
    ai_overdue_count = fields.Integer("Overdue invoices", compute="_compute_ai_360", groups=READERS,
                                      compute_sudo=True)
    ai_max_days_overdue = fields.Integer("Oldest overdue (days)", compute="_compute_ai_360", groups=READERS,
                                         compute_sudo=True)
    ai_avg_days_to_pay = fields.Float("Average days to pay", compute="_compute_ai_360", groups=READERS,
                                      digits=(16, 1), compute_sudo=True)
    ai_avg_days_late = fields.Float("Average days late", compute="_compute_ai_360", groups=READERS,
                                    digits=(16, 1), compute_sudo=True)
    ai_late_share = fields.Float("Paid late (%)", compute="_compute_ai_360", groups=READERS, digits=(16, 1),
                                 compute_sudo=True)
    ai_paid_count = fields.Integer("Invoices paid (24 months)", compute="_compute_ai_360", groups=READERS,
                                   compute_sudo=True)
    ai_order_count = fields.Integer("Orders", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_order_count_12m = fields.Integer("Orders, 12 months", compute="_compute_ai_360", groups=READERS,
                                        compute_sudo=True)
    ai_last_order_date = fields.Date("Last order", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_customer_since = fields.Date("Customer since", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_main_products = fields.Char("Main products", compute="_compute_ai_360", groups=READERS, compute_sudo=True)
    ai_opportunity_count = fields.Integer("Open opportunities", compute="_compute_ai_360", groups=READERS,
                                          compute_sudo=True)
    ai_opportunity_weighted = fields.Monetary("Weighted pipeline", compute="_compute_ai_360", groups=READERS,
                                              currency_field="ai_currency_id", compute_sudo=True)
    ai_is_late_payer = fields.Boolean("Late payer", compute="_compute_ai_360", groups=READERS, compute_sudo=True,
                                      search="_search_ai_is_late_payer")
    ai_is_top_customer = fields.Boolean("Top 10% customer", compute="_compute_ai_360", groups=READERS,
                                        compute_sudo=True, search="_search_ai_is_top_customer")
    ai_is_new_customer = fields.Boolean("New customer", compute="_compute_ai_360", groups=READERS,
                                        compute_sudo=True, search="_search_ai_is_new_customer")

    # ------------------------------------------------------------------------------------------
    # Display: the current company's row of the commercial partner

    @api.model
    def _ai_facts_by_partner(self, commercial_ids, company):
        """{commercial partner id: ai.customer.fact (sudo)} of one company."""
        if not commercial_ids:
            return {}
        facts = self.env["ai.customer.fact"].sudo().search_fetch(
            [("partner_id", "in", list(commercial_ids)), ("company_id", "=", company.id)],
            list(set(FACT_FIELDS.values())) + ["partner_id", "currency_id"])
        return {fact.partner_id.id: fact for fact in facts}

    @api.depends_context("company")
    def _compute_ai_360(self):
        company = self.env.company
        commercial = {p.id: p.commercial_partner_id.id for p in self}
        facts = self._ai_facts_by_partner({cid for cid in commercial.values() if isinstance(cid, int)}, company)
        for partner in self:
            fact = facts.get(commercial[partner.id])
            partner.update(fact_values(fact))
            partner.ai_fact_id = fact.id if fact else False
            partner.ai_has_360 = bool(fact)
            partner.ai_currency_id = company.currency_id

    def _ai_search_facts(self, domain):
        facts = self.env["ai.customer.fact"].sudo().search_fetch(
            domain + [("company_id", "=", self.env.company.id)], ["partner_id"])
        return [("commercial_partner_id", "in", facts.partner_id.ids)]

    def _ai_search_flag(self, field, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        positive = (operator == "=") == bool(value)
        domain = self._ai_search_facts([(field, "=", True)])
        return domain if positive else ["!"] + domain

    def _search_ai_is_late_payer(self, operator, value):
        return self._ai_search_flag("is_late_payer", operator, value)

    def _search_ai_is_top_customer(self, operator, value):
        return self._ai_search_flag("is_top_customer", operator, value)

    def _search_ai_is_new_customer(self, operator, value):
        return self._ai_search_flag("is_new_customer", operator, value)

    def _search_ai_receivable_overdue(self, operator, value):
        if operator not in (">", ">=", "<", "<=", "=", "!="):
            return NotImplemented
        return self._ai_search_facts([("receivable_overdue", operator, value)])

    # ------------------------------------------------------------------------------------------
    # Refresh

    def _ai_refresh_360(self):
        """Recompute the 360 facts of these partners' commercial partners, in every company, set-based
        (a few SQL statements per 2,000 customers), then the company-wide "top 10%" flags."""
        commercial = self.sudo().commercial_partner_id
        Fact = self.env["ai.customer.fact"].sudo()
        for ids in split_every(REFRESH_BATCH, commercial.ids):
            Fact._ai_refresh(list(ids), top_flags=False)
        if commercial:
            bridge_sql.refresh_top_flags(self.env)
            Fact.invalidate_model()
        return True

    @api.model
    def _ai_360_candidates(self):
        """Commercial partners with anything to show: customer invoices, confirmed orders, open
        opportunities, or facts to clear."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT commercial_partner_id FROM account_move
             WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted' AND commercial_partner_id IS NOT NULL
             UNION
            SELECT p.commercial_partner_id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale'
             UNION
            SELECT p.commercial_partner_id FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND l.type = 'opportunity' AND l.won_status = 'pending'
             UNION
            SELECT partner_id FROM ai_customer_fact
            """))
        return self.browse(sorted(r[0] for r in self.env.cr.fetchall() if r[0]))

    @api.model
    def _cron_ai_refresh_360(self, batch_size=None, commit=True):
        """Refresh the 360 facts of every customer (scheduled action). Batches of ``batch_size`` partners;
        a batch that fails is retried partner by partner, so one bad record never stops the others.

        :param commit: commit after each batch (outside tests); False inside a caller's transaction
        :return: dict processed, failed, errors (as ``ai_base.batching.process_in_batches``)
        """
        partners = self.sudo()._ai_360_candidates()
        batch_size = batch_size or int(self.env["ir.config_parameter"].sudo().get_param("ai_base.batch_size", 0)
                                       or REFRESH_BATCH)
        Fact = self.env["ai.customer.fact"].sudo()
        stats = process_in_batches(partners, lambda batch: Fact._ai_refresh(batch.ids, top_flags=False),
                                   batch_size=batch_size, label="Customer 360", commit=commit)
        bridge_sql.refresh_top_flags(self.env)
        Fact.invalidate_model()
        return stats

    def _ai_mark_360_dirty(self):
        """These partners' documents changed: refresh their facts just before the transaction commits
        (once per transaction, whatever the number of changes). A failing refresh is logged, never
        blocks the user's change; the nightly refresh catches up."""
        if not self or self.env.context.get("crm_erp_bridge_no_refresh"):
            return
        run_before_commit(self, REFRESH_QUEUE, lambda partners: partners.sudo()._ai_refresh_360())

    # ------------------------------------------------------------------------------------------
    # Actions (smart buttons)

    def _ai_commercial(self):
        self.ensure_one()
        return self.commercial_partner_id

    def action_ai_view_360(self):
        """The current company's facts of this customer."""
        fact = self.ai_fact_id
        if not fact:
            raise UserError(_("No customer 360 facts for %s in this company yet.", self.display_name))
        return {"type": "ir.actions.act_window", "res_model": "ai.customer.fact", "res_id": fact.id,
                "view_mode": "form", "views": [(False, "form")], "name": _("Customer 360")}

    def action_ai_view_overdue_invoices(self):
        """Overdue customer invoices (accounting users only: the action reads invoices with the user's rights)."""
        self.ensure_one()
        if not self.env.user.has_groups(ACCOUNTANTS):
            raise AccessError(_("Only accounting users can see invoices."))
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self._ai_overdue_invoice_domain()
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        action["name"] = _("Overdue invoices of %s", self._ai_commercial().display_name)
        return action

    def _ai_overdue_invoice_domain(self):
        return [("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self))]

    def action_ai_view_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("partner_id", "child_of", self._ai_commercial().id), ("type", "=", "opportunity")]
        action["context"] = {"default_partner_id": self._ai_commercial().id, "search_default_open_opportunities": 1}
        return action

    # ------------------------------------------------------------------------------------------
    # XML-RPC / JSON-RPC

    @api.model
    def ai_customer_360(self, partner_ids, company_id=False, **options):
        """The 360 facts of customers, as plain data.

        :param partner_ids: list of res.partner ids the caller may read (a contact gives its company's facts)
        :param company_id: the company whose facts to return (one of the caller's companies); default: the
            caller's current company
        :return: list of dicts, one per partner id: id, commercial_partner_id, company_id, currency,
            revenue_12m, revenue_prev_12m, revenue_trend_pct (False: no revenue before), receivable_open,
            receivable_overdue, overdue_count, max_days_overdue, avg_days_to_pay, avg_days_late,
            late_share_pct (False: nothing paid yet), order_count, order_count_12m, last_order_date
            (YYYY-MM-DD or False), customer_since, main_products (list of names), opportunity_count,
            opportunity_weighted, badges (list among "late_payer", "top_customer", "new_customer"),
            refreshed_on; plus ``overdue_invoices`` [{id, name, invoice_date_due, amount_residual}] when
            the caller has accounting rights. Refreshes the facts first when ``refresh`` context key is set.
        """
        self = rpc.reader(self)   # answered in the caller's language
        rpc.options_argument(self.env, options, ())
        if not self.env.user.has_groups(READERS):
            raise AccessError(_("Customer 360 facts are for sales and accounting users."))
        refresh = bool(self.env.context.get("refresh"))
        if refresh and not self.env.user.has_groups(REFRESHERS):
            raise AccessError(_("Refreshing customer 360 facts is for sales and invoicing users, not read-only ones."))
        # refreshing stores new facts: only for partners the caller may change
        partners = rpc.checked_records(self, partner_ids, "write" if refresh else "read", arg="partner_ids")
        company = rpc.company_argument(self.env, company_id)
        if refresh:
            partners._ai_refresh_360()
        commercial = {p.id: p.sudo().commercial_partner_id.id for p in partners}
        facts = self._ai_facts_by_partner(set(commercial.values()), company)
        accountant = self.env.user.has_groups(ACCOUNTANTS)
        result = []
        for partner in partners:
            fact = facts.get(commercial[partner.id])
            row = {
                "id": partner.id, "commercial_partner_id": commercial[partner.id], "company_id": company.id,
                "currency": company.currency_id.name, "has_facts": bool(fact),
                "revenue_12m": fact.revenue_12m if fact else 0.0,
                "revenue_prev_12m": fact.revenue_prev_12m if fact else 0.0,
                "revenue_trend_pct": fact.revenue_trend if fact and fact.revenue_prev_12m > 0 else False,
                "receivable_open": fact.receivable_open if fact else 0.0,
                "receivable_overdue": fact.receivable_overdue if fact else 0.0,
                "overdue_count": fact.overdue_count if fact else 0,
                "max_days_overdue": fact.max_days_overdue if fact else 0,
                "avg_days_to_pay": fact.avg_days_to_pay if fact and fact.paid_count else False,
                "avg_days_late": fact.avg_days_late if fact and fact.paid_count else False,
                "late_share_pct": fact.late_share if fact and fact.paid_count else False,
                "order_count": fact.order_count if fact else 0,
                "order_count_12m": fact.order_count_12m if fact else 0,
                "last_order_date": fields.Date.to_string(fact.last_order_date) if fact and fact.last_order_date else False,
                "customer_since": fields.Date.to_string(fact.customer_since) if fact and fact.customer_since else False,
                "main_products": [n.strip() for n in (fact.main_products or "").split(",") if n.strip()] if fact else [],
                "opportunity_count": fact.opportunity_count if fact else 0,
                "opportunity_weighted": fact.opportunity_weighted if fact else 0.0,
                "badges": [name for name, flag in (("late_payer", fact.is_late_payer), ("top_customer", fact.is_top_customer),
                                                   ("new_customer", fact.is_new_customer)) if flag] if fact else [],
                "refreshed_on": fields.Datetime.to_string(fact.refreshed_on) if fact and fact.refreshed_on else False,
            }
            if accountant:
                invoices = self.env["account.move"].search(
                    partner.with_company(company)._ai_overdue_invoice_domain(), order="invoice_date_due, id")
                row["overdue_invoices"] = [{"id": inv.id, "name": inv.name, "amount_residual": inv.amount_residual,
                                            "invoice_date_due": fields.Date.to_string(inv.invoice_date_due)}
                                           for inv in invoices]
            result.append(row)
        return result
