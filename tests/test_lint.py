"""Static checks, run by ./suite test: ruff (ruff.toml) and OCA's blocking pylint-odoo checks
(.pylintrc-mandatory), both clean; each module's README.md is up to date with its readme/ fragments."""
import subprocess
import sys

import pytest

from odoo_harness import ADDONS, REPO, load_suite


def _tool(module):
    pytest.importorskip(module.replace("-", "_"), reason=f"{module} is not installed (requirements.txt)")


def test_ruff_is_clean():
    _tool("ruff")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "addons", "tests", "benchmarks",
                           "suite"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_pylint_odoo_mandatory_checks_are_clean():
    _tool("pylint_odoo")
    addons = sorted(str(p.parent.relative_to(REPO)) for p in ADDONS.glob("*/__manifest__.py"))
    proc = subprocess.run([sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *addons],
                          cwd=REPO, capture_output=True, text=True)
    problems = [line for line in proc.stdout.splitlines() if ": [" in line]
    assert not problems and proc.returncode == 0, "\n".join(problems[:40]) or proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("addon", sorted(p.parent.name for p in ADDONS.glob("*/__manifest__.py")))
def test_readme_is_up_to_date(addon):
    suite = load_suite()
    path = ADDONS / addon / "README.md"
    assert path.exists(), f"addons/{addon}/README.md is missing: run ./suite readme"
    assert path.read_text() == suite.render_readme(ADDONS / addon), \
        f"addons/{addon}/README.md differs from its readme/ fragments: run ./suite readme"
