"""Pure-Python helpers shared by the AI modules (no Odoo import)."""
from .chunks import split_every
from .numbers import finite
from .serialize import dumps_model, loads_model
