"""Trained models are stored as JSON (plain numbers and lists), never pickled: loading them
cannot execute code."""
import base64
import json
import zlib

import numpy as np


def _default(obj):
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": obj.tolist(), "dtype": str(obj.dtype)}
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    raise TypeError(f"{type(obj).__name__} cannot be stored in a trained model")


def _hook(obj):
    if "__ndarray__" in obj:
        return np.asarray(obj["__ndarray__"], dtype=obj.get("dtype"))
    return obj


def dumps_model(payload):
    """Plain data (dicts, lists, numbers, numpy arrays) -> compressed base64 bytes for a Binary field."""
    raw = json.dumps(payload, default=_default, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 6))


def loads_model(data):
    """Inverse of :func:`dumps_model`."""
    if not data:
        return None
    if isinstance(data, str):
        data = data.encode()
    return json.loads(zlib.decompress(base64.b64decode(data)), object_hook=_hook)
