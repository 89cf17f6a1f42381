from . import test_ai_base
