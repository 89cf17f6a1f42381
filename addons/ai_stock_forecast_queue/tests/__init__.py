from . import test_forecast_queue
