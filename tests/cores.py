"""Import the pure-Python core of an addon without importing Odoo.

An addon's ``__init__`` imports its ORM models (and so Odoo); its core package does not, so it is
loaded on its own under the name ``<addon>__<package>``; relative imports inside the core work.
"""
import importlib.util
import sys

from odoo_harness import ADDONS


def load_core(addon, package):
    name = f"{addon}__{package}"
    if name in sys.modules:
        return sys.modules[name]
    init = ADDONS / addon / package / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
