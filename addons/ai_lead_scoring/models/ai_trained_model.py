from odoo import models


class AiTrainedModel(models.Model):
    _inherit = "ai.trained.model"

    def _retrain_lead_scoring(self):
        """Retrain button on a lead scoring model page: retrain the company's models, then rescore."""
        self.ensure_one()
        leads = self.env["crm.lead"].with_company(self.company_id)
        leads._ai_train_company(self.company_id)
        leads._cron_ai_rescore_leads()
