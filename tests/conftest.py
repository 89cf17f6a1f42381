import os
import tempfile

import pytest

from odoo_harness import OdooRun, drop_database, run_odoo_tests, suite_modules

_RUN = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "odoo: needs a real Odoo server and PostgreSQL")


@pytest.fixture(scope="session")
def odoo_run() -> OdooRun:
    """One fresh database with every suite module installed and its Odoo tests run (once per session)."""
    log_dir = os.environ.get("AI_SUITE_TEST_LOGS") or tempfile.mkdtemp(prefix="ai-suite-tests-")
    run = run_odoo_tests(suite_modules(), log_dir)
    _RUN["run"] = run
    yield run
    if not os.environ.get("AI_SUITE_KEEP_TEST_DB"):
        drop_database(run.db)


def pytest_terminal_summary(terminalreporter):
    run = _RUN.get("run")
    if run:
        failed, errors, total = run.summary or ("?", "?", "?")
        terminalreporter.write_line(
            f"Odoo: {total} tests on fresh database {run.db} in {run.seconds:.0f} s "
            f"({failed} failed, {errors} errors); log: {run.log_path}")
