from . import test_demo_data  # noqa: F401
