"""ai_base's pure-Python helpers, without Odoo."""
import subprocess
import sys

import numpy as np
import pytest

from cores import load_core
from odoo_harness import REPO

tools = load_core("ai_base", "tools")


def test_core_does_not_import_odoo():
    code = ("import sys; sys.path.insert(0, 'tests'); from cores import load_core; load_core('ai_base', 'tools'); "
            "assert not [m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_model_round_trip_keeps_arrays_and_types():
    payload = {"coef": np.linspace(0, 1, 5), "classes": np.array([0, 1]), "n": np.int64(3), "ok": np.bool_(True),
               "labels": ["Référence", "Website"]}
    back = tools.loads_model(tools.dumps_model(payload))
    np.testing.assert_allclose(back["coef"], payload["coef"])
    assert back["classes"].dtype == np.int64
    assert back["n"] == 3 and back["ok"] is True
    assert back["labels"] == ["Référence", "Website"]


def test_model_refuses_objects_that_are_not_plain_data():
    with pytest.raises(TypeError):
        tools.dumps_model({"f": lambda x: x})


def test_empty_payload_loads_as_none():
    assert tools.loads_model(False) is None


def test_split_every():
    assert [len(c) for c in tools.split_every(4, range(10))] == [4, 4, 2]
    assert list(tools.split_every(3, [])) == []


def test_finite_numbers_for_numeric_fields():
    assert tools.finite("2.5") == 2.5
    assert tools.finite(None) == 0.0 and tools.finite("x", default=-1.0) == -1.0
    assert tools.finite(float("nan")) == 0.0 and tools.finite(float("inf")) == 0.0
