"""`scaffolder watch`, driven for real: a subprocess, a real save, a bounded wait for the re-run."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from .conftest import FIXTURE_TEMPLATES

# Each test waits for real file events and re-runs; Ctrl-C is sent as SIGINT, which Windows cannot deliver.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is sent as SIGINT, a POSIX signal"),
]

ADD_STUB = '    raise NotImplementedError("Exercise 1 (add) is not done yet: see EXERCISES.md")'
WAIT = 60  # seconds: generous for a loaded machine; a working watch answers in about one


class Lines:
    """The output of a running process, line by line, read in a thread so waits can be bounded."""

    def __init__(self, process):
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.queue.put(line) for line in process.stdout], daemon=True).start()

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return
        pytest.fail(f"no {text!r} within {WAIT} s; output so far:\n{''.join(self.seen)}")

    def drain(self) -> str:
        """Everything printed so far, including what came after the last line waited for."""
        while True:
            try:
                self.seen.append(self.queue.get(timeout=1))
            except queue.Empty:
                return "".join(self.seen)


@pytest.mark.parametrize(
    "fork",
    [
        pytest.param(True, id="fork-server", marks=pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")),
        pytest.param(False, id="plain-subprocess"),
    ],
)
def test_watch_reruns_on_save_names_the_next_exercise_and_exits_0_on_ctrl_c(cli, fixture_templates, tmp_path, fork):
    assert cli("new", "mini", "--no-input", "--no-git", "-o", tmp_path).exit_code == 0
    project = tmp_path / "mini_calc"
    env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), NO_COLOR="1")
    if not fork:
        env["SCAFFOLDER_NO_FORK"] = "1"
    process = start_watch(project, env)
    try:
        lines = Lines(process)
        lines.wait_for("0 of 2 exercises pass")
        lines.wait_for("waiting for your next save")
        calc = project / "mini_calc" / "calc.py"
        calc.write_text(calc.read_text().replace(ADD_STUB, "    return a + b"))
        lines.wait_for("Exercise 1 (add) passes!")  # the quick verdict on the current exercise
        lines.wait_for("1 of 2 exercises pass")
        lines.wait_for("Exercise 1 (add) now passes.")
        lines.wait_for("Next: exercise 2 (greet)")
        lines.wait_for("waiting for your next save")
        calc.write_text(calc.read_text().replace("return a + b", "return a - b"))
        lines.wait_for("0 of 2 exercises pass")  # breaking an exercise that passed shows in the table
        lines.wait_for("add(2, 3) should return 5")
        lines.wait_for("waiting for your next save")
        seen = ctrl_c_ends_it(process, lines)
    finally:
        stop(process)
    assert "Traceback" not in seen, seen
    first_table = seen.index("0 of 2 exercises pass")
    assert seen[:first_table].count("Watching ") == 1, "the heading is said once"
    assert not (project / ".scaffolder" / "backups").exists()


def test_ctrl_c_in_the_middle_of_a_run_stops_quietly_with_exit_0(cli, fixture_templates, tmp_path):
    assert cli("new", "mini", "--no-input", "--no-git", "-o", tmp_path).exit_code == 0
    project = tmp_path / "mini_calc"
    env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), NO_COLOR="1")
    process = start_watch(project, env)
    try:
        lines = Lines(process)
        lines.wait_for("waiting for your next save")
        calc = project / "mini_calc" / "calc.py"
        # Importing the learner's code now takes long: the next run is surely under way when Ctrl-C comes.
        calc.write_text("import time\n\ntime.sleep(30)\n" + calc.read_text())
        lines.wait_for("checking after saving mini_calc/calc.py")
        time.sleep(0.5)
        seen = ctrl_c_ends_it(process, lines)
    finally:
        stop(process)
    assert "Traceback" not in seen and "KeyboardInterrupt" not in seen, seen


def start_watch(project, env):
    """`scaffolder watch` in a session of its own, so that Ctrl-C can reach its whole process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "watch", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )


def ctrl_c_ends_it(process, lines) -> str:
    """Ctrl-C as a terminal sends it (SIGINT to the whole process group, the fork server too): exit 0, said.

    Returns everything watch printed.
    """
    os.killpg(process.pid, signal.SIGINT)
    code = process.wait(timeout=WAIT)
    assert code == 0, f"exit code {code}; watch printed:\n{lines.drain()}"
    lines.wait_for("Stopped watching.")
    return lines.drain()


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    process.stdout.close()
