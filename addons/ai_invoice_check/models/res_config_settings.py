from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    ai_bill_max_document_mb = fields.Integer(
        "Largest bill document (MB)", config_parameter="ai_invoice_check.max_document_mb", default=20,
        help="A supplier bill file (PDF, XML, image) larger than this is refused at upload, with a message")

    @api.constrains("ai_bill_max_document_mb")
    def _check_ai_bill_max_document_mb(self):
        for settings in self:
            if not 1 <= settings.ai_bill_max_document_mb <= 1000:
                raise ValidationError(self.env._("The largest bill document must be between 1 and 1,000 MB."))

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
