from . import ai_trained_model
from . import res_config_settings
