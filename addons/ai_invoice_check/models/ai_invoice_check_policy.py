from odoo import api, fields, models

ACTIONS = [("warn", "Warn only"), ("approval", "Require approval"), ("block", "Block posting")]


class AiInvoiceCheckPolicy(models.Model):
    """What a company does with the findings of the bill checks, set by its accounting managers."""

    _name = "ai.invoice.check.policy"
    _description = "AI bill check policy"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 ondelete="cascade", index=True)
    on_high = fields.Selection(ACTIONS, "High-risk findings", required=True, default="approval",
                               help="What happens when a bill with a high-risk finding (a changed bank account, a "
                                    "likely duplicate...) is posted")
    on_warning = fields.Selection(ACTIONS, "Findings to verify", required=True, default="warn",
                                  help="What happens when a bill with a finding to verify is posted")
    category_auto_apply = fields.Boolean(
        "Apply proposed accounts automatically", default=True,
        help="On new draft bills, replace a line's default account by the proposed one when the proposal is "
             "confident enough")
    category_threshold = fields.Float(
        "Confidence to apply automatically", default=0.9, digits=(3, 2),
        help="A proposal at least this confident (0-1) is applied to new lines without asking")
    check_amount = fields.Boolean("Amounts", default=True)
    check_lines = fields.Boolean("Line prices, quantities and taxes", default=True)
    check_duplicates = fields.Boolean("Duplicates", default=True)
    check_bank = fields.Boolean("Bank accounts", default=True)
    check_terms = fields.Boolean("Currency, payment terms and dates", default=True)

    _company_unique = models.Constraint("UNIQUE(company_id)", "A company has one bill check policy.")
    _threshold_range = models.Constraint("CHECK(category_threshold >= 0 AND category_threshold <= 1)",
                                         "The confidence threshold is between 0 and 1.")

    @api.model
    def _for_company(self, company):
        return self._for_companies(company)[company.id]

    @api.model
    def _for_companies(self, companies):
        """{company id: its policy} in one search (a missing policy is created with the defaults)."""
        policies = {p.company_id.id: p for p in self.sudo().search([("company_id", "in", companies.ids)])}
        missing = companies.filtered(lambda c: c.id not in policies)
        for policy in self.sudo().create([{"company_id": c.id} for c in missing]):
            policies[policy.company_id.id] = policy
        return policies

    def _action_for(self, severity):
        self.ensure_one()
        return {"high": self.on_high, "warning": self.on_warning}.get(severity, "warn")

    def _enabled_kinds(self):
        self.ensure_one()
        kinds = []
        if self.check_amount:
            kinds.append("amount")
        if self.check_lines:
            kinds += ["line_price", "line_quantity", "tax"]
        if self.check_duplicates:
            kinds.append("duplicate")
        if self.check_bank:
            kinds.append("bank_account")
        if self.check_terms:
            kinds += ["currency", "payment_terms", "date"]
        return kinds

    @api.model
    def action_open_company_policy(self):
        policy = self._for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bill check policy"),
            "res_model": self._name,
            "res_id": policy.id,
            "view_mode": "form",
            "target": "current",
        }
