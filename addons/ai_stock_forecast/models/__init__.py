from . import ai_forecast_factor
from . import ai_stock_forecast
from . import ai_stock_proposal
from . import product
from . import res_config_settings
