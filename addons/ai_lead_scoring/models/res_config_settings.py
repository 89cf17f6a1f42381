from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_lead_write_probability = fields.Boolean(
        "Write the AI score into Probability", config_parameter="ai_lead_scoring.write_probability",
        help="Replace Odoo's own probability of open opportunities by the AI probability")
    ai_lead_auto_send_email = fields.Boolean(
        "Send follow-up emails automatically", config_parameter="ai_lead_scoring.auto_send_email",
        help="When a prospect has gone quiet and email is the best channel, send the drafted email "
             "instead of only planning it for the salesperson")
    ai_lead_min_per_class = fields.Integer(
        "Minimum won and lost to learn", config_parameter="ai_lead_scoring.min_per_class", default=50)
    ai_lead_llm_endpoint = fields.Char(
        "Rewrite drafts with a language model", config_parameter="ai_lead_scoring.llm_endpoint",
        help="Optional OpenAI-compatible endpoint (e.g. http://localhost:11434/v1). Empty: drafts are written "
             "offline by the suite itself.")
    ai_lead_llm_model = fields.Char("Language model", config_parameter="ai_lead_scoring.llm_model")
    ai_lead_llm_api_key = fields.Char("API key", config_parameter="ai_lead_scoring.llm_api_key",
                                      groups="base.group_system")
