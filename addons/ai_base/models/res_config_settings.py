from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_batch_size = fields.Integer(
        "AI batch size", config_parameter="ai_base.batch_size", default=500,
        help="Records read, scored and written per batch by the AI scheduled actions")
