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
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "watch", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
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
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    assert not (project / ".scaffolder" / "backups").exists()
