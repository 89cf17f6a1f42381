from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date, formatLang
from odoo.tools.translate import LazyTranslate
from odoo.addons.ai_base import rpc
from odoo.addons.ai_base.fields import Json

_lt = LazyTranslate(__name__)

KINDS = [
    ("amount", "Amount"),
    ("line_price", "Unit price"),
    ("line_quantity", "Quantity"),
    ("tax", "Tax"),
    ("currency", "Currency"),
    ("payment_terms", "Payment terms"),
    ("date", "Date"),
    ("duplicate", "Duplicate"),
    ("bank_account", "Bank account"),
]
SEVERITIES = [("info", "Info"), ("warning", "To verify"), ("high", "High risk")]
SEVERITY_RANK = {"info": 1, "warning": 2, "high": 3}

# The core's English templates (checks.engine.TEMPLATES), repeated here so that they are translated.
MESSAGES = {
    "amount_up": _lt("%(percent)s higher than usual (usually %(expected)s ± %(spread)s over the last %(count)s bills)"),
    "amount_down": _lt("%(percent)s lower than usual (usually %(expected)s ± %(spread)s over the last %(count)s bills)"),
    "amount_up_account": _lt("%(percent)s higher than usual for this expense account (usually %(expected)s ± %(spread)s over %(count)s bills of other suppliers)"),
    "amount_down_account": _lt("%(percent)s lower than usual for this expense account (usually %(expected)s ± %(spread)s over %(count)s bills of other suppliers)"),
    "price_po": _lt("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above the purchase order price %(expected)s"),
    "price_po_down": _lt("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s below the purchase order price %(expected)s"),
    "price_history": _lt("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above the usual %(expected)s (%(count)s earlier purchases, last on %(last_date)s)"),
    "price_other": _lt("Line %(line)s (%(product)s): unit price %(price)s is %(percent)s above what other suppliers charge (%(expected)s over %(count)s purchases)"),
    "qty_received": _lt("Line %(line)s (%(product)s): %(billed)s billed but %(received)s received (%(ordered)s ordered, %(before)s already billed)"),
    "qty_ordered": _lt("Line %(line)s (%(product)s): %(billed)s billed but %(ordered)s ordered (%(before)s already billed)"),
    "tax": _lt("Line %(line)s (%(product)s): tax %(tax)s instead of the usual %(usual)s (%(count)s of %(total)s earlier lines)"),
    "currency": _lt("Billed in %(currency)s; the %(count)s earlier bills of this supplier were in %(usual)s"),
    "due_before_date": _lt("Due date %(due)s is before the bill date %(date)s"),
    "due_days": _lt("Due in %(days)s days instead of the usual %(usual)s days"),
    "payment_term": _lt("Payment terms %(term)s instead of the usual %(usual)s (%(count)s of %(total)s earlier bills)"),
    "date_future": _lt("Dated %(date)s, %(days)s days in the future"),
    "date_before_order": _lt("Dated %(date)s, before the purchase order of %(order_date)s (line %(line)s)"),
    "date_rhythm": _lt("Came %(days)s days after the previous bill; this supplier usually bills every %(usual)s days"),
    "duplicate_hash": _lt("Same document as bill %(other)s of %(other_date)s (identical file)"),
    "duplicate_ref": _lt("Same reference %(ref)s as bill %(other)s of %(other_date)s (amount %(other_amount)s)"),
    "duplicate_near": _lt("Possible duplicate of bill %(other)s of %(other_date)s: reference %(ref)s / %(other_ref)s, amount %(amount)s / %(other_amount)s, %(days)s days apart"),
    "bank_new": _lt("Bank account %(iban)s was never used by this supplier (known: %(known)s)"),
    "bank_recent": _lt("Bank account %(iban)s was first used %(days)s days ago, replacing %(known)s"),
    "bank_other_partner": _lt("Bank account %(iban)s is used by another supplier"),
    "bank_invalid": _lt("Bank account %(iban)s is not a valid IBAN"),
}

class AiInvoiceFinding(models.Model):
    """One thing a bill check found on a vendor bill, with its evidence."""

    _name = "ai.invoice.finding"
    _description = "AI bill check finding"
    _order = "severity_rank desc, score desc, id"

    move_id = fields.Many2one("account.move", "Bill", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Supplier", store=True)
    kind = fields.Selection(KINDS, required=True)
    severity = fields.Selection(SEVERITIES, required=True)
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    template_key = fields.Char(required=True)
    values = Json()
    message = fields.Char(compute="_compute_message", help="What was found, in the reader's language")
    expected = fields.Float(digits=(16, 2), help="The usual value")
    low = fields.Float("Usual from", digits=(16, 2))
    high = fields.Float("Usual up to", digits=(16, 2))
    score = fields.Float(digits=(16, 3))
    line_id = fields.Many2one("account.move.line", "Bill line", ondelete="set null")
    other_move_id = fields.Many2one("account.move", "Other bill", ondelete="set null",
                                    help="The bill this one may duplicate")
    compared_move_ids = fields.Many2many("account.move", compute="_compute_compared_move_ids",
                                         string="Compared with", help="The past bills this one was compared with")
    compared_ids = Json()
    args = Json(help="The message's amounts, numbers, percentages and dates, written in the reader's language")
    raw = Json()
    needs_approval = fields.Boolean(help="The company's policy asks an accounting manager to approve this finding")

    @api.depends("severity")
    def _compute_severity_rank(self):
        for finding in self:
            finding.severity_rank = SEVERITY_RANK.get(finding.severity, 0)

    @api.depends("template_key", "values", "args")
    @api.depends_context("lang")
    def _compute_message(self):
        for finding in self:
            finding.message = finding._render()

    def _render(self):
        template = MESSAGES.get(self.template_key)
        text = str(template) if template is not None else self.template_key or ""
        values = dict(self.values or {})
        for name, arg in (self.args or {}).items():
            if isinstance(arg, dict) and name in values:
                values[name] = self._format_arg(arg, values[name])
        try:
            return text % values
        except (KeyError, TypeError, ValueError):
            return text

    def _format_arg(self, arg, default):
        """An amount, number, percentage or date of a message, in the reader's language (and the
        bill's currency for amounts)."""
        kind, value = arg.get("kind"), arg.get("value")
        env = self.env
        try:
            if kind == "amount":
                return formatLang(env, float(value), currency_obj=self.move_id.currency_id or env.company.currency_id)
            if kind == "number":
                value = float(value)
                return formatLang(env, value, digits=0 if value.is_integer() else 2)
            if kind == "percent":
                number = formatLang(env, float(value) * 100, digits=0)
                # French writes a (narrow no-break) space before the percent sign
                return f"{number}\u202f%" if (env.lang or "").startswith("fr") else f"{number}%"
            if kind == "date":
                return format_date(env, value)
        except (TypeError, ValueError):
            return default
        return default

    def _compute_compared_move_ids(self):
        for finding in self:
            ids = [i for i in (finding.compared_ids or []) if isinstance(i, int)][:50]
            finding.compared_move_ids = self.env["account.move"].browse(ids).exists()

    def action_mark_expected(self):
        """Record the pattern as expected for the supplier and check the bills again (a decision on the
        bills: the caller must be allowed to change them)."""
        findings = rpc.records_of(self, "read")
        findings.move_id.check_access("write")
        is_manager = self.env.user.has_group("account.group_account_manager")
        for finding in findings:
            if (finding.severity == "high" or finding.kind == "bank_account") and not is_manager:
                raise AccessError(self.env._(
                    "Only an accounting manager can accept a high-risk finding (%s).", finding.message))
        Decision = self.env["ai.invoice.decision"].sudo()
        moves = findings.move_id
        for finding in findings:
            Decision.create(Decision._from_finding(finding))
            finding.move_id.message_post(body=self.env._("Marked as expected: %s", finding.message))
        moves._ai_check()
        return True

    def action_open_compared(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bills compared with"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.compared_move_ids.ids + self.other_move_id.ids)],
            "context": {"default_move_type": "in_invoice"},
        }
