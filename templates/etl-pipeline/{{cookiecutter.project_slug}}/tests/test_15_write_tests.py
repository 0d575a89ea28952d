"""Exercise 15 (write-tests): your tests in pipeline_tests.py, graded against planted faults."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from planted_faults import FAULTS, REFERENCE

# Your tests are judged on what they catch, never on how fast this machine runs them.
# A loop that never ends is stopped by CPU time, which a busy machine does not use up
# faster; the wall-clock limit only stops a test that waits forever, and is far beyond
# any honest run (the reference tests need about 5 s of CPU time, on a busy 2-core
# machine about 15 s of wall-clock time). Both stay below `scaffolder check`'s 300 s.
CPU_LIMIT = 45  # seconds of CPU time for your whole file under all six versions
WAIT_LIMIT = 150  # seconds of wall-clock time: only a test that waits forever comes near it

# These tests run a whole pytest session, so they declare themselves long: the
# marker replaces the 10 s per-test limit of pyproject.toml and `scaffolder check`.
pytestmark = [pytest.mark.exercise("write-tests"), pytest.mark.timeout(WAIT_LIMIT + 60)]

TESTS_DIR = Path(__file__).parent
YOUR_FILE = TESTS_DIR / "pipeline_tests.py"


def limit_cpu_time():
    """In the child process, before pytest starts: end it once it has used CPU_LIMIT seconds of CPU."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))  # no core file


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
        *("-p", "planted_faults", f"--planted-report={report}"),
        *("-p", "pytest_timeout", "--timeout=0"),  # no per-test wall-clock limit: CPU_LIMIT stops a loop
    ]
    try:
        completed = subprocess.run(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,  # a test that reads input gets end-of-file at once, it does not wait
            capture_output=True,
            text=True,
            timeout=WAIT_LIMIT,  # wall-clock: justified, only a test that waits forever (a socket, a lock) meets it
            preexec_fn=limit_cpu_time if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        return (
            f"your tests were still running after {WAIT_LIMIT} seconds: one of them waits for something "
            "that never comes (a lock, a socket, a long sleep) or loops forever"
        )
    if os.name == "posix" and completed.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return (
            f"your tests used more than {CPU_LIMIT} seconds of CPU time (all six versions together): "
            "does one of them loop forever?"
        )
    output = completed.stdout + completed.stderr
    if completed.returncode in (2, 3, 4) or not report.is_file():
        # 2: a collection error (your file does not import), 3: pytest's own error, 4: a usage error.
        return f"tests/pipeline_tests.py does not load, so none of your tests ran: {_error_line(output)}"
    results = json.loads(report.read_text(encoding="utf-8"))
    if not results.get(REFERENCE):
        return "tests/pipeline_tests.py has no tests yet: write functions named test_..."
    return results


def _error_line(output: str) -> str:
    """The line of pytest's output that says what went wrong: its last `E   ...` line, or its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors or lines or ["no output"])[-1]


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
