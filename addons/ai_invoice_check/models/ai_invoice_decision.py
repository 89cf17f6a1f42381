from odoo import api, fields, models
from odoo.addons.ai_base.fields import Json

from .ai_invoice_finding import KINDS


class AiInvoiceDecision(models.Model):
    """A pattern a user marked as expected for a supplier: the same finding is not raised again.

    For levels (a new amount, a new unit price) the decision also re-bases what is usual: later
    bills are compared with the accepted level. Archive a decision to revoke it.
    """

    _name = "ai.invoice.decision"
    _description = "Expected pattern of a supplier's bills"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", "Supplier", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    kind = fields.Selection(KINDS, required=True)
    data = Json(help="What was accepted, as the checks read it (level, product, tax, bank account...)")
    description = fields.Char(required=True, help="The finding that was marked as expected")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", "Decided by", required=True, default=lambda self: self.env.user)
    move_id = fields.Many2one("account.move", "Bill", ondelete="set null", index="btree_not_null")
    active = fields.Boolean(default=True)

    def _to_core(self):
        self.ensure_one()
        decision = {"partner": self.partner_id.id, "kind": self.kind, "date": self.date}
        for key, value in (self.data or {}).items():
            # JSON turned the core's tuples (taxes compared by identity) into lists
            decision[key] = tuple(str(v) for v in value) if isinstance(value, list) else value
        return decision

    @api.model
    def _from_finding(self, finding):
        """Values of the decision that accepts ``finding`` (an ai.invoice.finding)."""
        move = finding.move_id
        line = finding.line_id
        raw = finding.raw or {}
        data = {}
        kind = finding.kind
        if kind == "amount":
            data["level"] = abs(move.amount_total)
        elif kind == "line_price":
            data.update(product=line.product_id.id or None, level=line.price_unit)
        elif kind == "line_quantity":
            data["po_line_id"] = line.purchase_line_id.id or None
        elif kind == "tax":
            data.update(product=line.product_id.id or None, tax=raw.get("tax"))
        elif kind == "currency":
            data["currency"] = move.currency_id.name
        elif kind == "payment_terms":
            data["payment_term"] = move.invoice_payment_term_id.id or None
            if move.invoice_date_due and move.invoice_date:
                data["due_days"] = (move.invoice_date_due - move.invoice_date).days
        elif kind == "duplicate":
            data.update(bill_id=move.id, other_id=finding.other_move_id.id or None)
        elif kind == "bank_account":
            data["iban"] = move.partner_bank_id.acc_number or None
        return {"partner_id": move.commercial_partner_id.id, "company_id": move.company_id.id, "kind": kind,
                "data": data, "description": finding.message[:250], "move_id": move.id}
