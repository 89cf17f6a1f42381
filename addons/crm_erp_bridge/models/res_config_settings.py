from odoo import api, fields, models

from .crm_lead import LEAD_FEATURES_PARAM, PIPELINE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # on by default (ai_base's _ai_default_on_params)
    crm_erp_pipeline_demand = fields.Boolean(
        "Pipeline feeds the demand forecast",
        help="Products on open quotations of open opportunities, weighted by the AI probability and placed at "
             "the expected closing date, are added to the demand forecast as known future demand")
    crm_erp_lead_features = fields.Boolean(
        "ERP facts feed the lead score",
        help="Existing customer, revenue band, payment behaviour and order rhythm become features of the lead "
             "scoring model (taken into account at the next training)")
    crm_erp_late_payer_days = fields.Integer(
        "Late payer after (days)", config_parameter="crm_erp_bridge.late_payer_days", default=15,
        help="A customer is a late payer when it pays this many days late on average, or has an invoice "
             "overdue by this many days")

    @api.model
    def _ai_default_on_params(self):
        return dict(super()._ai_default_on_params(), crm_erp_pipeline_demand=PIPELINE_PARAM,
                    crm_erp_lead_features=LEAD_FEATURES_PARAM)
