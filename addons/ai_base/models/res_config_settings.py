from odoo import api, fields, models


def param_enabled(env, key):
    """A setting that is on unless it was switched off ("False" stored)."""
    value = env["ir.config_parameter"].sudo().get_param(key, "True")
    return str(value).strip().lower() not in ("false", "0", "")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_batch_size = fields.Integer(
        "AI batch size", config_parameter="ai_base.batch_size", default=500,
        help="Records read, scored and written per batch by the AI scheduled actions")

    @api.model
    def _ai_default_on_params(self):
        """``{boolean field: system parameter}`` of the settings that are on by default. Odoo deletes
        the parameter of a ``config_parameter`` boolean that is switched off, which a default of on
        cannot tell from "never set": these are stored as "True"/"False" (and read with
        :func:`param_enabled`), so that switching one off lasts. Modules add theirs with super()."""
        return {}

    def get_values(self):
        res = super().get_values()
        for fname, key in self._ai_default_on_params().items():
            res[fname] = param_enabled(self.env, key)
        return res

    def set_values(self):
        res = super().set_values()
        icp = self.env["ir.config_parameter"].sudo()
        for fname, key in self._ai_default_on_params().items():
            icp.set_param(key, "True" if self[fname] else "False")
        return res
