"""Field types shared by the AI suite."""
from odoo import fields


def rpc_safe(value):
    """``value`` without JSON nulls: keys whose value is null are left out of objects and nulls in
    arrays become ``False``. XML-RPC cannot carry a null (Odoo marshals without ``allow_none``)."""
    if isinstance(value, dict):
        return {key: rpc_safe(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [False if item is None else rpc_safe(item) for item in value]
    return value


class Json(fields.Json):
    """``fields.Json`` that ``read()`` returns without nulls, so that an integration reading the
    record over XML-RPC (``read``, ``search_read`` with every field) gets it instead of a marshalling
    fault. What is stored, and what the Python code sees on the record, are unchanged."""

    def convert_to_read(self, value, record, use_display_name=True):
        return False if value is None else rpc_safe(value)
