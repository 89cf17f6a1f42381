from . import ai_trained_model
from . import crm_lead
from . import crm_team
from . import res_config_settings
