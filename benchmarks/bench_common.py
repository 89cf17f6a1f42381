"""What the benchmark scripts share: the pure-Python cores loaded without Odoo (with the test suite's
own loader, ``tests/cores.py``) and the folder of the public data sets."""
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

from cores import load_core  # noqa: E402


def shared_data_dir():
    """``../shared/data`` beside the repository, or ``AI_SUITE_SHARED_DATA``."""
    env = os.environ.get("AI_SUITE_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


__all__ = ["REPO", "load_core", "shared_data_dir"]
