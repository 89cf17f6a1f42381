from odoo import models
from odoo.tools import format_amount

from .res_partner import ACCOUNTANTS

SALE_TYPES = ("out_invoice", "out_refund")
PURCHASE_TYPES = ("in_invoice", "in_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    # the 360 facts and the lead features read a batch of customers' invoices (account has no such index)
    _ai_customer_invoice_idx = models.Index(
        "(commercial_partner_id, company_id) WHERE move_type IN ('out_invoice', 'out_refund')")

    def _ai_mark_customers_dirty(self):
        self.filtered(lambda m: m.move_type in SALE_TYPES).commercial_partner_id._ai_mark_360_dirty()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._ai_mark_customers_dirty()
        return posted

    def button_draft(self):
        self._ai_mark_customers_dirty()
        return super().button_draft()

    def button_cancel(self):
        self._ai_mark_customers_dirty()
        return super().button_cancel()

    def unlink(self):
        self._ai_mark_customers_dirty()
        return super().unlink()

    def _get_alerts(self):
        """A bill from a supplier who is also a customer with overdue receivables: say so (offset or chase)."""
        alerts = super()._get_alerts()
        if self.move_type not in PURCHASE_TYPES or not self.partner_id or self.state == "cancel" \
                or not self.env.user.has_groups(ACCOUNTANTS):
            return alerts
        company = self.company_id or self.env.company
        fact = self.env["ai.customer.fact"].sudo().search(
            [("partner_id", "=", self.partner_id.commercial_partner_id.id), ("company_id", "=", company.id),
             ("receivable_overdue", ">", 0)], limit=1)
        if fact:
            alerts["crm_erp_bridge_supplier_overdue"] = {
                "level": "info",
                "message": self.env._(
                    "This supplier is also a customer with %(amount)s overdue (%(count)s invoice(s), the oldest "
                    "%(days)s days late): consider offsetting before paying this bill.",
                    amount=format_amount(self.env, fact.receivable_overdue, company.currency_id),
                    count=fact.overdue_count, days=fact.max_days_overdue),
            }
        return alerts
