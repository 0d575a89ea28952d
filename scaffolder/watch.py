"""`scaffolder watch`: check the project, then again whenever one of its files is saved.

Each save first re-runs only the current exercise's tests (the verdict the
learner waits for), then the whole suite for the table. Runs are forked from a
fork server that has the heavy libraries imported (scaffolder.forkserver),
falling back to plain subprocesses where that is not possible. File events come
from watchfiles (a well-kept wrapper of the Rust `notify` crate: inotify,
FSEvents, ReadDirectoryChangesW), which batches an editor's burst of writes and
keeps the events that arrive while a run is going, so no save is missed.
"""

from __future__ import annotations

import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scaffolder.check import run_check
from scaffolder.exceptions import WatchError
from scaffolder.project import Project, is_work
from scaffolder.verdicts import PASSED, CheckResult

DEBOUNCE_MS = 400  # longest wait to group a burst of writes
STEP_MS = 50  # quiet time that ends a burst
IGNORED_SUFFIXES = (".pyc", ".db", ".sqlite", ".sqlite3", ".swp", ".swx", "~", ".tmp")
SERVER_START_TIMEOUT = 30


class ForkServer:
    """The client side of scaffolder.forkserver: a launcher for `run_check`."""

    def __init__(self) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="scaffolder-forkserver-")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scaffolder.forkserver"],
            cwd=self._scratch.name,  # a neutral directory: the server never imports the learner's code
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        if self._read(SERVER_START_TIMEOUT) != {"ready": True}:
            self.close()
            raise OSError("the fork server did not start")

    def _read(self, timeout: float | None) -> dict | None:
        if not self._selector.select(timeout):
            return None
        line = self.process.stdout.readline()
        if not line:
            raise OSError("the fork server stopped")
        return json.loads(line)

    def __call__(self, command: list[str], cwd: Path, env: dict[str, str], output: Path) -> ForkedRun:
        request = {"command": command, "cwd": str(cwd), "env": env, "output": str(output)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._read(SERVER_START_TIMEOUT)
        if not answer or "pid" not in answer:
            raise OSError("the fork server did not start a run")
        return ForkedRun(self, answer["pid"])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._selector.close()
        self._scratch.cleanup()


class ForkedRun:
    """One forked test run, with the part of subprocess.Popen's interface that check uses."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid, self.returncode = server, pid, None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            answer = self.server._read(timeout)
            if answer is None:
                raise subprocess.TimeoutExpired(["pytest"], timeout or 0)
            self.returncode = answer["exit"]
        return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_fork_server() -> ForkServer | None:
    """A fork server, or None where there is none (no os.fork, or it failed to start)."""
    if not hasattr(os, "fork") or os.environ.get("SCAFFOLDER_NO_FORK"):
        return None
    try:
        return ForkServer()
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Run:
    """One result of a watch cycle: `quick` is the current exercise alone, before the full table."""

    result: CheckResult
    quick: bool
    seconds: float
    after_quick: bool = False  # the full check that follows a quick verdict


class Watcher:
    """Runs checks for `watch`: the current exercise first, then all of them."""

    def __init__(self, project: Project, test_timeout: float, fork: bool = True) -> None:
        self.project = project
        self.test_timeout = test_timeout
        self.server = start_fork_server() if fork else None
        self.last: CheckResult | None = None
        # SimpleQueue, not Queue: its get() is written in C and Ctrl-C can interrupt it anywhere.
        # Queue.get(timeout=...) waits on a threading.Condition, and a KeyboardInterrupt that lands
        # inside that wait can leave its lock released, so leaving the `with` fails with
        # "RuntimeError: release unlocked lock" instead of stopping quietly.
        self._changes: queue.SimpleQueue[set[str] | Exception] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _check(self, **kwargs) -> CheckResult:
        return run_check(self.project, test_timeout=self.test_timeout, launcher=self.server, **kwargs)

    def runs(self) -> Iterator[Run]:
        """The quick verdict on the exercise that was current (when there was one), then the full check."""
        started = time.perf_counter()
        current = self.last.current if self.last is not None else None
        quick = current is not None and bool(current.tests)
        if quick:
            files = tuple(sorted({t.nodeid.split("::")[0] for t in current.tests}))
            verdict = self._check(only=current.exercise, test_files=files)
            yield Run(verdict, True, time.perf_counter() - started)
        self.last = self._check()
        yield Run(self.last, False, time.perf_counter() - started, after_quick=quick)

    def start_watching(self) -> None:
        """Start noticing saves now (before the first run), in a background thread."""
        import watchfiles

        def watch() -> None:
            root = self.project.root
            try:
                for batch in watchfiles.watch(
                    root,
                    watch_filter=lambda change, path: _relevant(root, path),
                    debounce=DEBOUNCE_MS,
                    step=STEP_MS,
                    stop_event=self._stop,
                    raise_interrupt=False,
                ):
                    self._changes.put({Path(path).relative_to(root).as_posix() for _, path in batch})
            except Exception as err:  # noqa: BLE001 - the main thread reports it
                self._changes.put(err)

        self._thread = threading.Thread(target=watch, name="scaffolder-watch", daemon=True)
        self._thread.start()

    def next_changes(self) -> set[str]:
        """Wait for the next save; every save since the last call counts (none is missed), as one re-run."""
        changed: set[str] = set()
        while not changed:
            try:
                batch = self._changes.get(timeout=0.2)  # short waits, so that Ctrl-C is felt at once
            except queue.Empty:
                continue
            if isinstance(batch, Exception):
                raise WatchError(f"Cannot watch {self.project.root} for changes: {batch}.")
            changed |= batch
            while not self._changes.empty():
                more = self._changes.get_nowait()
                if isinstance(more, set):
                    changed |= more
        return changed

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.server is not None:
            self.server.close()
            self.server = None


def _relevant(root: Path, path: str) -> bool:
    """Files of the project a learner edits: not caches, databases, editor swap files or scaffolder's state."""
    return not path.endswith(IGNORED_SUFFIXES) and is_work(root, Path(path))


def passed(result: CheckResult) -> set[str]:
    return {r.exercise.slug for r in result.exercises if r.status == PASSED}
