"""A long-lived process with Flask, SQLAlchemy and pytest imported, that forks one child per test run.

`scaffolder watch` starts it (`python -m scaffolder.forkserver`) in a neutral
directory, so it never imports the learner's code: only each forked child does,
fresh, and the child exits after its one run. Stale modules can therefore never
give a wrong verdict, and each run skips the ~0.4 s of importing the heavy
libraries. POSIX only (os.fork); elsewhere `watch` uses plain subprocesses.

Protocol, one JSON object per line: the client writes
`{"command": [...], "cwd": ..., "env": {...}, "output": PATH}`; the server
answers `{"pid": N}` once the child is started and `{"exit": CODE}` when it ends.
It first writes `{"ready": true}`, and stops at the end of its input.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys

# What the practice projects' tests import before any of the learner's code runs. Not the
# plugins named with -p (pytest_timeout, scaffolder.pytest_plugin): pytest warns when a
# plugin it would rewrite is already imported, and the projects make warnings errors.
PRELOAD = (
    "pytest",
    "_pytest.config",
    "_pytest.python",
    "_pytest.assertion.rewrite",
    "flask",
    "flask.testing",
    "werkzeug",
    "jinja2",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "flask_sqlalchemy",
    "flask_wtf",
    "flask_wtf.csrf",
    "flask_login",
    "flask_mail",
    "flask_limiter",
    "wtforms",
    "click.testing",
)


def preload() -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional library only makes runs slower
            continue


def _child(request: dict) -> None:
    """In the forked child: become `python -m pytest ...` in the project, run once, exit."""
    code = 1
    try:
        output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.chdir(request["cwd"])
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a test run stops on Ctrl-C as usual
        os.environ.clear()
        os.environ.update(request["env"])
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        sys.path.insert(0, request["cwd"])  # as `python -m` puts the current directory first
        command = request["command"]
        args = command[command.index("pytest") + 1 :]
        sys.argv = ["pytest", *args]
        import pytest

        code = int(pytest.main(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - whatever happens, the child must end here
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve() -> None:
    # Ctrl-C in the terminal reaches the whole process group. Stopping is the client's job (it
    # closes our input and kills a running child); here it would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    preload()
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
