from odoo import api, fields, models
from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.fields import Json

# a change to one of these on a line changed from code (not through its bill) checks the bill again
LINE_TRIGGER_FIELDS = {"product_id", "quantity", "price_unit", "tax_ids", "account_id", "purchase_line_id", "name",
                       "discount", "display_type"}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited  # one file per feature

    ai_account_id = fields.Many2one("account.account", "Proposed account", readonly=True, copy=False,
                                    help="The expense account this supplier's past bills used for such a line")
    ai_account_confidence = fields.Float("Confidence", readonly=True, copy=False, digits=(3, 2))
    ai_account_proposal = Json(readonly=True, copy=False,
                                      help="The proposal: analytic distribution, taxes and alternatives")
    ai_account_applied = fields.Boolean("Proposal applied", readonly=True, copy=False)
    ai_account_differs = fields.Boolean("Other account proposed", compute="_compute_ai_account_differs")

    @api.depends("ai_account_id", "account_id")
    def _compute_ai_account_differs(self):
        for line in self:
            line.ai_account_differs = bool(line.ai_account_id) and line.ai_account_id != line.account_id

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.context.get("ai_invoice_check_skip"):
            lines.move_id._ai_mark_dirty()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if LINE_TRIGGER_FIELDS.intersection(vals) and not self.env.context.get("ai_invoice_check_skip"):
            self.move_id._ai_mark_dirty()
        return result

    def action_ai_apply_account(self):
        """Apply the proposed account, analytic distribution and taxes to these draft lines."""
        lines = rpc.records_of(self, "write")
        lines.move_id.check_access("write")
        for line in lines:
            if line.move_id.state != "draft" or not line.ai_account_id:
                continue
            line._ai_apply_proposal(with_taxes=True)
        lines.move_id._ai_check(safe=True)
        return True

    def _ai_apply_proposal(self, with_taxes):
        self.ensure_one()
        proposal = self.ai_account_proposal or {}
        vals = {"account_id": self.ai_account_id.id, "ai_account_applied": True}
        analytic = proposal.get("analytic")
        if analytic:
            vals["analytic_distribution"] = analytic
        taxes = proposal.get("taxes")
        if with_taxes and taxes:
            tax_records = self.env["account.tax"].browse(taxes).exists()
            if tax_records:
                vals["tax_ids"] = [(6, 0, tax_records.ids)]
        self.with_context(ai_invoice_check_skip=True).write(vals)

