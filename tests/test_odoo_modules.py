"""The Odoo tests of every suite module, run with --test-enable on a freshly created database.

One pytest item per Odoo test method; the verdict is read from Odoo's own log.
"""
import pytest

from odoo_harness import discover_odoo_tests, suite_modules

ODOO_TESTS = discover_odoo_tests()


def test_every_module_has_odoo_tests():
    modules_with_tests = {t.module for t in ODOO_TESTS}
    assert set(suite_modules()) <= modules_with_tests, set(suite_modules()) - modules_with_tests


def test_odoo_run_is_clean(odoo_run):
    """Install succeeded, Odoo's own summary says no failure, and nothing else logged an error."""
    assert odoo_run.summary is not None, f"Odoo printed no test summary: see {odoo_run.log_path}"
    failed, errors, total = odoo_run.summary
    assert (failed, errors) == (0, 0), f"{failed} failed, {errors} errors of {total}: see {odoo_run.log_path}"
    assert not odoo_run.other_errors, "\n\n".join(odoo_run.other_errors[:5])
    assert odoo_run.returncode == 0, f"odoo exited with {odoo_run.returncode}: see {odoo_run.log_path}"


@pytest.mark.odoo
@pytest.mark.parametrize("odoo_test", ODOO_TESTS, ids=[t.id for t in ODOO_TESTS])
def test_odoo(odoo_run, odoo_test):
    verdict, detail = odoo_run.verdict(odoo_test)
    if verdict == "skipped":
        pytest.skip(detail)
    assert verdict == "passed", detail
