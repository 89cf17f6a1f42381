from .demo.generator import post_init_hook  # noqa: F401
