from . import test_ai_base
from . import test_concurrency
