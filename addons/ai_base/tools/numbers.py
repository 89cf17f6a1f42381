import math


def finite(value, default=0.0):
    """``value`` as a float for a numeric field: ``default`` for None, text, NaN or infinity."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) else default
