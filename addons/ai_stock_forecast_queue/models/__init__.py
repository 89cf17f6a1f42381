from . import ai_stock_forecast
from . import res_config_settings
