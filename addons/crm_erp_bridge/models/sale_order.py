from odoo import api, fields, models
from odoo.tools import format_amount

from .res_partner import READERS

# a change of one of these changes the customer's orders
ORDER_FIELDS = {"state", "partner_id", "date_order", "company_id"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ai_partner_overdue_warning = fields.Char(
        "Customer payment risk", compute="_compute_ai_partner_overdue_warning", groups=READERS, compute_sudo=True,
        help="The customer has overdue invoices in this company")

    @api.depends("partner_id", "company_id", "state")
    def _compute_ai_partner_overdue_warning(self):
        commercial = {order.id: order.partner_id.commercial_partner_id.id for order in self}
        company_ids = list({(order.company_id or self.env.company).id for order in self})
        facts = {}
        partner_ids = [p for p in commercial.values() if p]
        if partner_ids:
            for fact in self.env["ai.customer.fact"].sudo().search_fetch(
                    [("partner_id", "in", partner_ids), ("company_id", "in", company_ids),
                     ("receivable_overdue", ">", 0)],
                    ["partner_id", "company_id", "receivable_overdue", "overdue_count", "max_days_overdue"]):
                facts[(fact.partner_id.id, fact.company_id.id)] = fact
        for order in self:
            company = order.company_id or self.env.company
            fact = facts.get((commercial[order.id], company.id))
            if fact and order.state in ("draft", "sent"):
                order.ai_partner_overdue_warning = self.env._(
                    "%(customer)s has %(count)s overdue invoice(s) for %(amount)s (the oldest %(days)s days late).",
                    customer=fact.partner_id.display_name, count=fact.overdue_count,
                    amount=format_amount(self.env, fact.receivable_overdue, company.currency_id),
                    days=fact.max_days_overdue)
            else:
                order.ai_partner_overdue_warning = False

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state == "sale").partner_id._ai_mark_360_dirty()
        return orders

    def write(self, vals):
        touched = ORDER_FIELDS.intersection(vals)
        before = self.partner_id if touched else None
        result = super().write(vals)
        if touched:
            (before | self.partner_id)._ai_mark_360_dirty()
        return result
