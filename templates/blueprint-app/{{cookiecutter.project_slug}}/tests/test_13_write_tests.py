"""Exercise 13 (write-tests): your tests in owner_rule_tests.py, graded against planted faults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from planted_faults import FAULTS, REFERENCE

pytestmark = pytest.mark.exercise("write-tests")

TESTS_DIR = Path(__file__).parent
YOUR_FILE = TESTS_DIR / "owner_rule_tests.py"
RUN_TIMEOUT = 8  # seconds; this test's own limit is 10


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run your file once, every test under every version; {version: {test: outcome}} or an error text."""
    report = tmp_path_factory.mktemp("planted") / "report.json"
    root = TESTS_DIR.parent
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(root), str(TESTS_DIR)]),
        PYTHONDONTWRITEBYTECODE="1",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    env.pop("PYTEST_ADDOPTS", None)
    command = [
        *(sys.executable, "-m", "pytest", str(YOUR_FILE), "-q", "--no-header", "-p", "no:cacheprovider"),
        *("-p", "pytest_timeout", "-p", "planted_faults", f"--planted-report={report}", "--timeout=5"),
    ]
    try:
        completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"your tests did not finish within {RUN_TIMEOUT} seconds (all versions together)"
    if not report.is_file():
        lines = [line for line in (completed.stdout + completed.stderr).splitlines() if line.strip()]
        return "pytest could not run tests/owner_rule_tests.py: " + (lines[-1] if lines else "no output")
    results = json.loads(report.read_text(encoding="utf-8"))
    if not results.get(REFERENCE):
        return "tests/owner_rule_tests.py has no tests yet: write functions named test_..."
    return results


def test_your_tests_pass_against_the_reference_code(graded):
    assert not isinstance(graded, str), graded
    failing = {name: outcome["message"] for name, outcome in graded[REFERENCE].items() if outcome["failed"]}
    details = "; ".join(f"{name}: {message}" for name, message in failing.items())
    assert not failing, f"your tests should pass against the reference code, but {len(failing)} fail: {details}"


@pytest.mark.parametrize("fault", list(FAULTS))
def test_your_tests_catch_the_planted_fault(graded, fault):
    assert not isinstance(graded, str), graded
    reference_failing = [name for name, outcome in graded[REFERENCE].items() if outcome["failed"]]
    assert not reference_failing, (
        "first make your tests pass against the reference code: a test that always fails catches nothing"
    )
    caught = [name for name, outcome in graded.get(fault, {}).items() if outcome["failed"]]
    assert caught, (
        f"your tests did not catch the planted fault '{fault}': {FAULTS[fault][0]}. "
        "Write a test that fails on such code."
    )
