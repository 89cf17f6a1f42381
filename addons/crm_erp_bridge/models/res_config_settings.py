from odoo import fields, models

from .crm_lead import LEAD_FEATURES_PARAM, PIPELINE_PARAM, param_enabled


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # on by default: stored as "True"/"False" so that switching off survives module updates
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

    def get_values(self):
        res = super().get_values()
        res["crm_erp_pipeline_demand"] = param_enabled(self.env, PIPELINE_PARAM)
        res["crm_erp_lead_features"] = param_enabled(self.env, LEAD_FEATURES_PARAM)
        return res

    def set_values(self):
        super().set_values()
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param(PIPELINE_PARAM, "True" if self.crm_erp_pipeline_demand else "False")
        icp.set_param(LEAD_FEATURES_PARAM, "True" if self.crm_erp_lead_features else "False")
