from odoo import api, fields, models

from .ai_invoice_check_policy import ACTIONS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_bill_on_high = fields.Selection(ACTIONS, "High-risk bill findings", compute="_compute_ai_bill_policy",
                                       inverse="_inverse_ai_bill_policy", readonly=False)
    ai_bill_on_warning = fields.Selection(ACTIONS, "Bill findings to verify", compute="_compute_ai_bill_policy",
                                          inverse="_inverse_ai_bill_policy", readonly=False)
    ai_bill_category_auto_apply = fields.Boolean("Apply proposed expense accounts automatically",
                                                 compute="_compute_ai_bill_policy",
                                                 inverse="_inverse_ai_bill_policy", readonly=False)
    ai_bill_category_threshold = fields.Float("Confidence to apply automatically", digits=(3, 2),
                                              compute="_compute_ai_bill_policy",
                                              inverse="_inverse_ai_bill_policy", readonly=False)

    @api.depends("company_id")
    def _compute_ai_bill_policy(self):
        for settings in self:
            policy = self.env["ai.invoice.check.policy"]._for_company(settings.company_id)
            settings.ai_bill_on_high = policy.on_high
            settings.ai_bill_on_warning = policy.on_warning
            settings.ai_bill_category_auto_apply = policy.category_auto_apply
            settings.ai_bill_category_threshold = policy.category_threshold

    def _inverse_ai_bill_policy(self):
        for settings in self:
            policy = self.env["ai.invoice.check.policy"]._for_company(settings.company_id)
            policy.write({
                "on_high": settings.ai_bill_on_high or "approval",
                "on_warning": settings.ai_bill_on_warning or "warn",
                "category_auto_apply": settings.ai_bill_category_auto_apply,
                "category_threshold": min(max(settings.ai_bill_category_threshold, 0.0), 1.0),
            })
