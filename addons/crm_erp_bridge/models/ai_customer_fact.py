from odoo import api, fields, models

from . import bridge_sql


class AiCustomerFact(models.Model):
    """The 360 facts of one customer (commercial partner) in one company.

    One row per (partner, company) because revenue, receivables and pipeline belong to a company (its
    currency, its documents, the user's allowed companies): a record rule keeps each user to the rows of
    their companies, and the partner shows the row of the current company. Rows are written in SQL by
    :meth:`res.partner._ai_refresh_360`, never by users.
    """

    _name = "ai.customer.fact"
    _description = "Customer 360 facts (per company)"
    _order = "revenue_12m desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue_12m = fields.Monetary("Revenue, 12 months", readonly=True,
                                  help="Invoiced, untaxed, net of credit notes, over the last 12 months")
    revenue_prev_12m = fields.Monetary("Revenue, 12 months before", readonly=True,
                                       help="Invoiced, untaxed, net of credit notes, 13 to 24 months ago")
    revenue_trend = fields.Float("Revenue trend (%)", readonly=True, digits=(16, 1),
                                 help="Change of the last 12 months against the 12 before (empty: no revenue before)")
    receivable_open = fields.Monetary("Open receivables", readonly=True)
    receivable_overdue = fields.Monetary("Overdue receivables", readonly=True)
    overdue_count = fields.Integer("Overdue invoices", readonly=True)
    max_days_overdue = fields.Integer("Oldest overdue (days)", readonly=True)
    avg_days_to_pay = fields.Float("Average days to pay", readonly=True, digits=(16, 1),
                                   help="Invoice date to full payment, invoices paid over the last 24 months")
    avg_days_late = fields.Float("Average days late", readonly=True, digits=(16, 1),
                                 help="Due date to full payment (0 when paid on time), invoices paid over the last 24 months")
    paid_count = fields.Integer("Invoices paid (24 months)", readonly=True)
    paid_late_count = fields.Integer("Invoices paid late (24 months)", readonly=True)
    late_share = fields.Float("Paid late (%)", readonly=True, digits=(16, 1))
    invoice_count = fields.Integer("Invoices", readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    order_count_12m = fields.Integer("Orders, 12 months", readonly=True)
    last_order_date = fields.Date("Last order", readonly=True)
    first_order_date = fields.Date("First order", readonly=True)
    customer_since = fields.Date("Customer since", readonly=True, help="First confirmed order or invoice")
    avg_days_between_orders = fields.Float("Days between orders", readonly=True, digits=(16, 1))
    main_products = fields.Char("Main products", readonly=True,
                                help="The three products invoiced the most over the last 12 months")
    opportunity_count = fields.Integer("Open opportunities", readonly=True)
    opportunity_value = fields.Monetary("Pipeline", readonly=True)
    opportunity_weighted = fields.Monetary("Weighted pipeline", readonly=True,
                                           help="Expected revenue of the open opportunities times their AI probability")
    is_late_payer = fields.Boolean("Late payer", readonly=True, index=True)
    is_top_customer = fields.Boolean("Top 10% customer", readonly=True, index=True)
    is_new_customer = fields.Boolean("New customer", readonly=True, index=True)
    refreshed_on = fields.Datetime("Refreshed on", readonly=True)

    _partner_company_uniq = models.Constraint("UNIQUE (partner_id, company_id)",
                                              "One row of facts per customer and company.")

    @api.model
    def _ai_settings(self):
        icp = self.env["ir.config_parameter"].sudo()
        return {"late_days": int(icp.get_param("crm_erp_bridge.late_payer_days", 15) or 15),
                "new_days": int(icp.get_param("crm_erp_bridge.new_customer_days", 90) or 90)}

    @api.model
    def _ai_refresh(self, commercial_ids, today=None, top_flags=True):
        """Recompute the facts of these commercial partners (ids), all companies, in one SQL statement."""
        if not commercial_ids:
            return 0
        self.env.flush_all()
        settings = self._ai_settings()
        today = today or fields.Date.context_today(self)
        count = bridge_sql.refresh_facts(self.env, list(commercial_ids), today, late_days=settings["late_days"],
                                         new_days=settings["new_days"], lang=self.env.lang or "en_US")
        if top_flags:
            bridge_sql.refresh_top_flags(self.env)
        self.invalidate_model()
        return count

    def action_open_partner(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "res_id": self.partner_id.id,
                "view_mode": "form", "views": [(False, "form")]}
