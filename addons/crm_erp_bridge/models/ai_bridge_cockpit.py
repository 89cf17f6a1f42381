from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .res_partner import ACCOUNTANTS

PURCHASE_TYPES = ("in_invoice", "in_refund")
STOCKOUT_DAYS = 30


class AiBridgeCockpit(models.TransientModel):
    """The manager's dashboard: each figure is counted with the reader's own rights and opens the records
    behind it. A transient form: opening the menu computes the figures afresh."""

    _name = "ai.bridge.cockpit"
    _description = "CRM-ERP cockpit"

    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    pipeline_count = fields.Integer("Open opportunities", compute="_compute_figures")
    pipeline_value = fields.Monetary("Pipeline", compute="_compute_figures")
    pipeline_weighted = fields.Monetary("AI-weighted pipeline", compute="_compute_figures",
                                        help="Expected revenue times the AI probability (Odoo's probability for "
                                             "leads not scored yet)")
    pipeline_weighted_odoo = fields.Monetary("Weighted by Odoo's probability", compute="_compute_figures")
    risky_pipeline_count = fields.Integer("Opportunities of late payers", compute="_compute_figures")
    risky_pipeline_value = fields.Monetary("Pipeline of late payers", compute="_compute_figures")
    show_bills = fields.Boolean(compute="_compute_figures")
    bills_to_verify_count = fields.Integer("Bills to verify", compute="_compute_figures")
    bills_to_verify_amount = fields.Monetary("Bills to verify (amount)", compute="_compute_figures")
    show_receivables = fields.Boolean(compute="_compute_figures")
    overdue_count = fields.Integer("Overdue invoices", compute="_compute_figures")
    overdue_amount = fields.Monetary("Overdue receivables", compute="_compute_figures")
    overdue_customer_count = fields.Integer("Customers with overdue invoices", compute="_compute_figures")
    show_stockouts = fields.Boolean(compute="_compute_figures")
    stockout_count = fields.Integer("Stock-outs in the next 30 days", compute="_compute_figures")

    # ------------------------------------------------------------------------------------------

    def _pipeline_domain(self):
        return [("type", "=", "opportunity"), ("won_status", "=", "pending"),
                ("company_id", "in", [self.company_id.id, False])]

    def _bills_domain(self):
        return [("move_type", "in", PURCHASE_TYPES), ("ai_to_verify", "=", True), ("state", "=", "draft"),
                ("company_id", "=", self.company_id.id)]

    def _overdue_domain(self):
        return [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)), ("company_id", "=", self.company_id.id)]

    def _stockout_model(self):
        """``ai.stock.proposal`` when ai_stock_forecast provides it with a ``stockout_date`` the user may read."""
        if "ai.stock.proposal" not in self.env.registry:
            return None
        Proposal = self.env["ai.stock.proposal"]
        if "stockout_date" not in Proposal._fields:
            return None
        if not Proposal.has_access("read"):
            return None
        return Proposal

    def _stockout_domain(self):
        today = fields.Date.context_today(self)
        Proposal = self.env["ai.stock.proposal"]
        domain = [("stockout_date", ">=", today), ("stockout_date", "<=", today + timedelta(days=STOCKOUT_DAYS))]
        if "state" in Proposal._fields:
            domain.append(("state", "=", "proposed"))
        if "company_id" in Proposal._fields:
            domain.append(("company_id", "=", self.company_id.id))
        return domain

    @api.depends("company_id")
    def _compute_figures(self):
        Lead = self.env["crm.lead"]
        Move = self.env["account.move"]
        for cockpit in self:
            cockpit = cockpit.with_company(cockpit.company_id or self.env.company)
            leads = Lead.search_fetch(cockpit._pipeline_domain(),
                                      ["expected_revenue", "probability", "ai_probability", "ai_scored_on",
                                       "partner_id"])
            cockpit.pipeline_count = len(leads)
            cockpit.pipeline_value = sum(leads.mapped("expected_revenue"))
            cockpit.pipeline_weighted = sum(
                lead.expected_revenue * ((lead.ai_probability if lead.ai_scored_on else lead.probability) or 0) / 100
                for lead in leads)
            cockpit.pipeline_weighted_odoo = sum(lead.expected_revenue * (lead.probability or 0) / 100 for lead in leads)
            risky = leads.filtered_domain([("ai_customer_late_payer", "=", True)]) if leads else leads
            cockpit.risky_pipeline_count = len(risky)
            cockpit.risky_pipeline_value = sum(risky.mapped("expected_revenue"))
            accountant = self.env.user.has_groups(ACCOUNTANTS) and Move.has_access("read")
            cockpit.show_bills = cockpit.show_receivables = accountant
            if accountant:
                [(count, amount)] = Move._read_group(cockpit._bills_domain(), [], ["__count", "amount_total_signed:sum"])
                cockpit.bills_to_verify_count, cockpit.bills_to_verify_amount = count, -(amount or 0.0)
                [(count, amount, customers)] = Move._read_group(
                    cockpit._overdue_domain(), [],
                    ["__count", "amount_residual_signed:sum", "commercial_partner_id:count_distinct"])
                cockpit.overdue_count, cockpit.overdue_amount, cockpit.overdue_customer_count = \
                    count, amount or 0.0, customers
            else:
                cockpit.bills_to_verify_count = cockpit.overdue_count = cockpit.overdue_customer_count = 0
                cockpit.bills_to_verify_amount = cockpit.overdue_amount = 0.0
            Proposal = cockpit._stockout_model()
            cockpit.show_stockouts = Proposal is not None
            cockpit.stockout_count = Proposal.search_count(cockpit._stockout_domain()) if Proposal is not None else 0

    # ------------------------------------------------------------------------------------------
    # Each number opens the records behind it

    def _window(self, name, model, domain, views="list,form", context=None):
        return {"type": "ir.actions.act_window", "name": name, "res_model": model, "domain": domain,
                "view_mode": views, "views": [(False, v) for v in views.split(",")],
                "context": context or {}, "target": "current"}

    def action_open_pipeline(self):
        return self._window(_("Open pipeline"), "crm.lead", self._pipeline_domain(), "list,kanban,form",
                            {"default_type": "opportunity"})

    def action_open_risky_pipeline(self):
        return self._window(_("Opportunities of late payers"), "crm.lead",
                            self._pipeline_domain() + [("ai_customer_late_payer", "=", True)], "list,kanban,form")

    def action_open_bills_to_verify(self):
        if not self.env.user.has_groups(ACCOUNTANTS):
            raise AccessError(_("Only accounting users can see bills."))
        return self._window(_("Bills to verify"), "account.move", self._bills_domain(), "list,form",
                            {"default_move_type": "in_invoice"})

    def action_open_overdue(self):
        if not self.env.user.has_groups(ACCOUNTANTS):
            raise AccessError(_("Only accounting users can see invoices."))
        return self._window(_("Overdue invoices"), "account.move", self._overdue_domain(), "list,form",
                            {"default_move_type": "out_invoice"})

    def action_open_stockouts(self):
        if self._stockout_model() is None:
            raise AccessError(_("The stock forecast is not available."))
        return self._window(_("Stock-outs in the next 30 days"), "ai.stock.proposal", self._stockout_domain())

    def _compute_display_name(self):
        for cockpit in self:
            cockpit.display_name = _("Cockpit")

    @api.model
    def action_open_cockpit(self):
        """Menu entry: a saved cockpit record (figures computed for the reader), opened in its form."""
        cockpit = self.create({})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": cockpit.id, "view_mode": "form",
                "views": [(False, "form")], "target": "current", "name": _("Cockpit")}

    def action_refresh(self):
        return self.action_open_cockpit()
