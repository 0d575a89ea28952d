"""Faults a learner's machine and code bring, created for real: each gets a true verdict or one
clear line, and nothing of the learner's (or anyone else's) is lost or left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import ADD_STUB, FIXTURE_TEMPLATES, listing, tree


@pytest.fixture
def solved(cli, fixture_templates, tmp_path):
    result = cli("new", "mini", "--no-input", "--no-git", "--solved", "-o", tmp_path / "solved")
    assert result.exit_code == 0, result.output
    return tmp_path / "solved" / "mini_calc"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def scaffolder(*args, cwd=None, env=None, **kwargs) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess: for signals, environment variables and exit codes."""
    full_env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "scaffolder", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


# Class 1: git acts only on the new project.


@pytest.mark.slow  # scaffolder in its own interpreter, and git
def test_new_ignores_a_git_dir_in_the_environment(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    (other / "keep.txt").write_text("mine\n")
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x"}
    subprocess.run(["git", "add", "keep.txt"], cwd=other, check=True)
    subprocess.run(["git", "commit", "-qm", "mine"], cwd=other, check=True, env=dict(os.environ, **env))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=other, capture_output=True, text=True).stdout

    result = scaffolder(
        "new",
        "mini",
        "--no-input",
        "-o",
        tmp_path / "out",
        env={"GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)},
    )
    assert result.returncode == 0, result.stderr
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=other, capture_output=True, text=True).stdout == head
    assert subprocess.run(["git", "status", "--porcelain"], cwd=other, capture_output=True, text=True).stdout == ""
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=tmp_path / "out" / "mini_calc", capture_output=True, text=True
    )
    assert log.stdout.strip() == "Start mini practice project"


# Class 2: new never leaves a project its own check cannot run.


def test_an_emoji_in_the_name_gives_a_project_that_checks(cli, fixture_templates, tmp_path):
    result = cli(
        "new", "mini", "--no-input", "--no-git", "-o", tmp_path, "project_name=🚀 Rocket", "project_slug=rocket"
    )
    assert result.exit_code == 0, result.output
    check = cli("check", tmp_path / "rocket")
    assert check.exit_code == 1 and "0 of 2 exercises pass" in check.stdout, check.output


# Class 3: the verdict depends only on the project's code.


@pytest.mark.slow  # scaffolder in a subprocess, once per value
@pytest.mark.parametrize("addopts", ["-x", "--co", "-k nothing", "-p no:scaffolder"])
def test_pytest_addopts_in_the_environment_change_nothing(solved, addopts):
    result = scaffolder("check", solved, env={"PYTEST_ADDOPTS": addopts})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 of 2 exercises pass" in result.stdout


@pytest.mark.parametrize("timeout", ["inf", "1e12", "0", "nan"])
def test_an_unusable_timeout_is_refused(cli, solved, timeout):
    result = cli("check", solved, "--timeout", timeout)
    assert result.exit_code == 2
    assert "--timeout" in result.stderr


def test_a_skipped_test_is_reported_as_skipped_not_passing(cli, solved):
    edit(solved / "tests" / "test_add.py", "def test_", '@pytest.mark.skip(reason="later")\ndef test_')
    result = cli("check", solved)
    assert result.exit_code == 1
    assert "SKIPPED" in result.stdout and "later" in result.stdout
    assert "A skipped test does not count as passing" in result.stdout
    assert "FAILED" not in result.stdout


# Class 4: say whose file is wrong, and how to recover.


@pytest.mark.parametrize("broken", ["def broken(:\n", "import no_such_module_here\n"], ids=["syntax", "import"])
def test_a_broken_generated_test_file_is_not_blamed_on_the_learner(cli, project, broken):
    (project / "tests" / "test_add.py").write_text(broken)
    result = cli("check", project)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "The project's tests do not load" in result.stderr
    assert "(tests/test_add.py:1). tests/test_add.py is one of the generated tests" in result.stderr
    assert "restore it with `git checkout -- tests/test_add.py`" in result.stderr
    assert "Your code does not import" not in result.stderr


@pytest.mark.parametrize("broken", ["def broken(:\n", "import no_such_module_here\n"], ids=["syntax", "import"])
def test_a_broken_added_conftest_is_named_as_added(cli, project, broken):
    (project / "tests" / "conftest.py").write_text(broken)
    result = cli("check", project)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "(tests/conftest.py:1). tests/conftest.py is not one of the generated tests: fix it, or remove it." in (
        result.stderr
    )
    assert "git checkout" not in result.stderr


def test_a_deleted_tests_folder_is_one_plain_line(cli, project):
    import shutil

    shutil.rmtree(project / "tests")
    result = cli("check", project)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The project's tests/ folder is missing, so nothing can be checked: restore it with "
        "`git checkout -- tests/` (or copy tests/ from a fresh `scaffolder new`).\n"
    )


def test_a_test_file_edited_to_pass_is_noticed(cli, project):
    test_file = project / "tests" / "test_add.py"
    edit(test_file, "def test_", "def test_x():\n    return\n\n\ndef unused_")
    result = cli("check", project)
    assert "the tests are not the generated ones: tests/test_add.py (changed)" in result.stderr
    assert "git checkout -- tests/test_add.py`" in result.stderr
    assert "`git diff -- tests/test_add.py` shows what changed" in result.stderr
    assert "discarding those changes: move anything of your own" in result.stderr


def test_deleted_tests_are_named(cli, project):
    (project / "tests" / "test_greet.py").unlink()
    result = cli("check", project)
    assert "tests/test_greet.py (missing)" in result.stderr
    assert "Traceback" not in result.output


def test_os_exit_in_a_test_names_the_test(cli, project):
    edit(project / "mini_calc" / "calc.py", ADD_STUB, "    import os\n    os._exit(3)")
    result = cli("check", project)
    assert result.exit_code == 1
    assert "ended in the middle of tests/test_add.py::" in result.stderr
    assert "os._exit()" in result.stderr


def test_a_huge_line_printed_at_import_stays_short(cli, project):
    (project / "mini_calc" / "__init__.py").write_text("print('x' * 10_000_000)\nraise ValueError('y' * 10_000_000)\n")
    (project / "tests" / "conftest.py").write_text("import mini_calc  # noqa: F401\n")
    result = cli("check", project)
    assert result.exit_code == 1
    assert len(result.stderr) < 1000, len(result.stderr)
    assert "ValueError" in result.stderr


# Class 5: a hang costs one timeout; nothing is left running.


@pytest.mark.slow  # the fixture spins until the timeout
def test_a_hang_in_every_test_costs_one_timeout(cli, project):
    # A loop that every test reaches, like one in create_app.
    edit(project / "mini_calc" / "calc.py", "def add(a, b):", "while False:\n    pass\n\n\ndef add(a, b):")
    conftest = project / "tests" / "conftest.py"
    conftest.write_text(
        "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef hang():\n    while True:\n        pass\n"
    )
    started = time.monotonic()
    result = cli("check", project, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert "The run stopped early" in result.stderr and "hung" in result.stderr
    assert "NOT RUN" in result.stdout or "not run" in result.stdout
    assert elapsed < 15, f"one timeout, not one per test: {elapsed:.1f} s"


def test_a_thread_left_running_does_not_hold_the_verdict(cli, solved):
    edit(
        solved / "mini_calc" / "calc.py",
        "    return a + b",
        "    import threading, time\n    threading.Thread(target=time.sleep, args=(60,)).start()\n    return a + b",
    )
    started = time.monotonic()
    result = cli("check", solved)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 20


@pytest.mark.slow  # spins until the import limit, some seconds of CPU
def test_a_loop_at_import_is_stopped(cli, project):
    edit(project / "mini_calc" / "calc.py", "def add(a, b):", "while True:\n    pass\n\n\ndef add(a, b):")
    (project / "tests" / "conftest.py").write_text("import mini_calc.calc  # noqa: F401\n")
    result = cli("check", project, "--timeout", "2")
    assert result.exit_code == 1
    # By its CPU time (12 s), or on a very busy machine by the wall-clock safety net (72 s).
    stopped = ("used more than 12 s of CPU time", "did not finish importing within 72 s")
    assert any(message in result.stderr for message in stopped), result.stderr


def run_plugin(project: Path, *args: str, **limits: str) -> subprocess.CompletedProcess[str]:
    """pytest with check's plugin and its CPU-time limits, and no wall-clock limit at all."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1", **limits)
    command = [sys.executable, "-m", "pytest", "-p", "scaffolder.pytest_plugin", "-q", "-p", "no:cacheprovider", *args]
    # wall-clock: only a safety net, far beyond the CPU limits under test, so a broken limit cannot hang the suite
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="CPU-time limits need POSIX")
def test_importing_is_limited_by_cpu_time_and_the_message_names_the_loop(project):
    edit(project / "mini_calc" / "calc.py", "def add(a, b):", "while True:\n    pass\n\n\ndef add(a, b):")
    # Both test modules import the loop: the first is stopped, and collection ends there.
    completed = run_plugin(project, "--scaffolder-report=report.json", SCAFFOLDER_IMPORT_CPU="1")
    errors = json.loads((project / "report.json").read_text())["collect_errors"]
    assert len(errors) == 1, completed.stdout + completed.stderr
    assert errors[0]["message"] == (
        "TimeoutError: importing the project used more than 1 s of CPU time: "
        "does the code loop forever when it is imported?"
    )
    assert errors[0]["location"].rsplit(":", 1)[0].endswith("mini_calc/calc.py"), errors


@pytest.mark.skipif(not hasattr(signal, "SIGXCPU"), reason="CPU-time limits need POSIX")
def test_the_run_is_limited_by_cpu_time_and_leaves_no_core_file(project):
    edit(project / "mini_calc" / "calc.py", ADD_STUB, "    while True:\n        pass")
    completed = run_plugin(project, SCAFFOLDER_RUN_CPU="1")
    assert completed.returncode == -signal.SIGXCPU, completed.stdout + completed.stderr
    assert not [p for p in project.iterdir() if p.name.startswith("core")]


class _EndedByCPULimit:
    """A test process that the kernel ended for using up its CPU time."""

    def wait(self, timeout=None):
        return -signal.SIGXCPU

    def poll(self):
        return -signal.SIGXCPU

    def kill(self):
        pass


@pytest.mark.skipif(not hasattr(signal, "SIGXCPU"), reason="CPU-time limits need POSIX")
def test_check_says_when_the_run_used_up_its_cpu_time(project):
    from scaffolder.check import run_check
    from scaffolder.exceptions import TestRunError
    from scaffolder.project import find_project

    with pytest.raises(TestRunError, match="The tests used more than 7 s of CPU time; the run was stopped"):
        run_check(find_project(project), run_timeout=7, launcher=lambda *args: _EndedByCPULimit())


@pytest.mark.slow  # a spinning check, stopped by a signal, per signal
@pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals, and child processes found through procps and /proc")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_check_leaves_no_process_and_no_temporary_files(project, tmp_path, signame):
    edit(project / "mini_calc" / "calc.py", ADD_STUB, "    while True:\n        pass")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), TMPDIR=str(scratch))
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "check", str(project), "--timeout", "60"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not any(scratch.rglob("progress")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    children = _children(process.pid)
    assert children, "the test run is going"
    process.send_signal(getattr(signal, signame))
    assert process.wait(timeout=20) != 0
    time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "the pytest child was stopped too"
    assert listing(scratch) == [], "the temporary directory was removed"


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


@pytest.mark.slow  # scaffolder in its own interpreter, stopped by a signal
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals: on Windows SIGTERM kills without running handlers")
def test_sigterm_during_new_leaves_nothing_behind(tmp_path):
    out = tmp_path / "a" / "b"
    code = (
        "import time, sys\n"
        "import scaffolder.generate as g\n"
        "real = g.prepare_project\n"
        "def slow(*a, **k):\n"
        "    open(sys.argv[1], 'w').close()\n"
        "    time.sleep(30)\n"
        "g.prepare_project = slow\n"
        "from scaffolder.cli import main\n"
        "main(['new', 'mini', '--no-input', '-o', sys.argv[2]])\n"
    )
    ready = tmp_path / "ready"
    env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES))
    process = subprocess.Popen([sys.executable, "-c", code, str(ready), str(out)], env=env)
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) != 0
    assert not (tmp_path / "a").exists(), "the staging copy and the directories new made are gone"


# Class 6: ordinary problems get one line, not a traceback.


# A path through a file is bad input (exit 2); a folder the system will not make is a failure (exit 1).
@pytest.mark.parametrize(
    ("where", "code"),
    [
        pytest.param(
            "/proc/scaffolder-test",
            1,
            id="read-only-proc",
            marks=pytest.mark.skipif(sys.platform != "linux", reason="/proc, where even root cannot make a folder"),
        ),
        pytest.param("file-parent", 2, id="file-parent"),
    ],
)
def test_an_output_directory_that_cannot_be_made(cli, fixture_templates, tmp_path, where, code):
    if where == "file-parent":
        (tmp_path / "file").write_text("x")
        where = str(tmp_path / "file" / "inside")
    result = cli("new", "mini", "--no-input", "-o", where)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="making a symlink needs extra rights on Windows")
def test_a_dangling_symlink_as_the_target_is_refused(cli, fixture_templates, tmp_path):
    (tmp_path / "mini_calc").symlink_to(tmp_path / "nowhere")
    result = cli("new", "mini", "--no-input", "-o", tmp_path)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / "mini_calc").is_symlink() and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("content", ["null", "[]", '"text"', '{"version": 1, "hints_shown": null}'])
def test_state_json_of_the_wrong_shape(cli, project, content):
    state = project / ".scaffolder" / "state.json"
    state.write_text(content)
    result = cli("hint", "1", project)
    assert result.exit_code == 1
    assert "is not a record this scaffolder understands" in result.stderr
    assert state.read_text() == content


def test_hint_in_a_read_only_project_still_shows_the_hint(cli, project, monkeypatch):
    before = tree(project)

    def read_only(*args, **kwargs):
        # What a read-only project folder gives (CI runs as root, which may write anywhere).
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    result = cli("hint", "1", project)
    assert result.exit_code == 0
    assert "Python has an operator for this." in result.stdout
    assert "Cannot save" in result.stderr
    after = tree(project)
    after.pop(".scaffolder/state.lock", None)  # the lock file, made before the write failed
    assert after == before


# Class 7: messages a learner can act on.


def test_hint_with_a_missing_path_names_that_path(cli, tmp_path):
    result = cli("hint", tmp_path / "nonexistent")
    assert result.exit_code == 2
    assert f"{tmp_path / 'nonexistent'} does not exist" in result.stderr


def test_a_path_with_a_space_is_quoted_in_the_cd_line(cli, fixture_templates, tmp_path):
    result = cli("new", "mini", "--no-input", "--no-git", "-o", tmp_path / "my dir")
    assert result.exit_code == 0
    assert f"cd '{tmp_path / 'my dir' / 'mini_calc'}'" in result.stdout


@pytest.mark.slow  # scaffolder in its own interpreter, in a terminal
@pytest.mark.skipif(sys.platform != "linux", reason="util-linux `script` gives the command a terminal")
def test_no_color_on_a_terminal_means_no_colour(project, tmp_path):
    # `script` gives the command a real terminal, where click would colour the output.
    code = f"import sys; from scaffolder.cli import main; main(['check', {str(project)!r}])"
    env = dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), NO_COLOR="1")
    command = f'{sys.executable} -c "{code}"'
    result = subprocess.run(
        ["script", "-qec", command, "/dev/null"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "TODO" in result.stdout
    assert "\x1b[" not in result.stdout


def test_concurrent_hints_lose_no_update(project):
    from scaffolder.hints import next_hint
    from scaffolder.project import find_project, load_state

    found = find_project(project)
    exercise = found.manifest.find("greet")
    threads = [threading.Thread(target=next_hint, args=(found, exercise)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert load_state(found).hints_shown == {"greet": 3}
    assert json.loads((project / ".scaffolder" / "state.json").read_text())["hints_shown"] == {"greet": 3}


@pytest.mark.slow  # scaffolder in its own interpreter, in the C locale
@pytest.mark.skipif(
    sys.platform != "linux", reason="LC_ALL=C decodes arguments as ASCII on Linux; macOS and Windows give Unicode"
)
def test_an_ascii_locale_gets_an_encoding_message_not_a_control_character_one(tmp_path):
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scaffolder",
            "new",
            "mini",
            "--no-input",
            "-o",
            str(tmp_path),
            "project_name=Tâche".encode(),
        ],
        env=dict(os.environ, SCAFFOLDER_TEMPLATES=str(FIXTURE_TEMPLATES), **env),
        capture_output=True,
        timeout=60,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, stderr
    assert "not text in this terminal's encoding" in stderr and "control character" not in stderr
    assert listing(tmp_path) == []
