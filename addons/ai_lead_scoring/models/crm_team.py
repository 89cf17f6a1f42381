from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    ai_quiet_days = fields.Integer(
        "Follow up after (days)", default=7,
        help="An open opportunity with no exchange for this many days gets a follow-up planned automatically")
