from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _ai_mark_customers_dirty(self):
        lines = self.debit_move_id | self.credit_move_id
        lines.filtered(lambda l: l.account_type == "asset_receivable").partner_id._ai_mark_360_dirty()

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._ai_mark_customers_dirty()
        return partials

    def unlink(self):
        self._ai_mark_customers_dirty()
        return super().unlink()
