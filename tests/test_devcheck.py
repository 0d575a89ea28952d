"""`scaffolder dev check`: passes on a shipped template, fails with the right message on broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.devcheck import busy_machine, wall_clock_budgets

from .conftest import FIXTURE_TEMPLATES

pytestmark = pytest.mark.slow
CRUD_APP = Path(__file__).parents[1] / "templates" / "crud-app"


def broken(source: Path, tmp_path: Path, relative: str, old: str, new: str) -> Path:
    copy = tmp_path / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / "{{cookiecutter.project_slug}}" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} changed: {old!r} is not in it"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_dev_check_passes_on_crud_app(cli):
    result = cli("dev", "check", CRUD_APP, "--quick")
    assert result.exit_code == 0, result.output
    assert "crud-app: fit for learners." in result.stdout


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    # END SOLUTION\n",
            "",
            "the region opened at line 2 is not closed",
        ),
        (
            "tests/test_add.py",
            'pytestmark = pytest.mark.exercise("add")',
            "pytestmark = []",
            "tests without exactly one exercise marker",
        ),
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    return a + b\n    # END SOLUTION",
            "    return a + b\n    # STUB\n    # return a + b\n    # END SOLUTION",
            "passes before the learner writes anything",
        ),
        (
            "{{cookiecutter.project_slug}}/calc.py",
            "    return a + b\n",
            "    return a+b\n",
            "ruff format would change in the solved render",
        ),
        (
            "exercises.toml",
            'acceptance = ["add(2, 3) returns 5"]',
            'acceptance = ["add(2, 3) returns 5: write `return operator.add(a, b)`"]',
            "its text shows the call `operator.add(...)`, which its interface does not declare",
        ),
    ],
    ids=["missing-end-marker", "test-without-exercise", "stub-that-passes", "not-formatted", "dictates"],
)
def test_dev_check_fails_on_a_broken_fixture(cli, tmp_path, relative, old, new, message):
    copy = broken(FIXTURE_TEMPLATES / "mini", tmp_path, relative, old, new)
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert message in result.stdout, result.stdout


def test_dev_check_fails_on_a_route_that_answers_500(cli, tmp_path):
    copy = broken(
        CRUD_APP,
        tmp_path,
        "{{cookiecutter.project_slug}}/__init__.py",
        'app.url_map.converters["int"] = BoundedIntConverter',
        "pass",
    )
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert "FAIL  the route probe finds nothing on the solved app" in result.stdout
    assert "raised OverflowError" in result.stdout


def test_dev_check_of_a_directory_that_is_no_template(cli, tmp_path):
    result = cli("dev", "check", tmp_path)
    assert result.exit_code == 1
    assert "it has no cookiecutter.json" in result.stderr and result.stderr.count("\n") == 1


def test_dev_check_fails_on_a_wall_clock_budget_in_the_tests(cli, tmp_path):
    copy = broken(
        FIXTURE_TEMPLATES / "mini",
        tmp_path,
        "tests/test_add.py",
        '    assert add(2, 3) == 5, "add(2, 3) should return 5"\n',
        '    import time\n\n    started = time.perf_counter()\n    assert add(2, 3) == 5, "add(2, 3) should return 5"\n'
        '    assert time.perf_counter() - started < 1, "add should be fast"\n',
    )
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert "FAIL  no test judges by wall-clock time (or it says why)" in result.stdout
    assert "tests/test_add.py, line 13: compares a wall-clock time with a number" in result.stdout, result.stdout


def test_dev_check_fails_on_a_suite_that_passes_only_on_an_idle_machine(cli, tmp_path):
    # The test burns 0.3 s of CPU and wants it done within 0.45 s of wall-clock time: true on an
    # idle machine, false beside two CPU-bound processes per core, whatever else the machine runs.
    copy = broken(
        FIXTURE_TEMPLATES / "mini",
        tmp_path,
        "tests/test_add.py",
        '    assert add(2, 3) == 5, "add(2, 3) should return 5"\n',
        '    assert add(2, 3) == 5, "add(2, 3) should return 5"\n    import time\n\n'
        "    wall, cpu = time.perf_counter(), time.process_time()\n"
        "    while time.process_time() - cpu < 0.3:\n        pass\n"
        '    assert time.perf_counter() - wall < 0.45, "the machine is busy"  # wall-clock: the broken fixture\n',
    )
    result = cli("dev", "check", copy, "--quick")
    assert result.exit_code == 1, result.output
    assert "  ok  no test judges by wall-clock time (or it says why)" in result.stdout
    assert "FAIL  the solved render passes check on a busy machine" in result.stdout
    assert "CPU-bound processes running, exercise 1 (add) of the solved render is failing" in result.stdout


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import time\nstart = time.time()\nassert time.time() - start < 2\n", "line 3: compares a wall-clock"),
        ("import time\nt = time.monotonic()\nelapsed = time.monotonic() - t\nassert elapsed <= 5\n", "line 4"),
        ("import subprocess\nsubprocess.run(['x'], timeout=8)\n", "line 2: gives a call a wall-clock timeout of 8 s"),
        ("import subprocess\nLIMIT = 5\nsubprocess.run(['x'],\n    timeout=LIMIT)\n", "line 4: gives a call"),
        ("cmd = ['pytest', '--timeout=5']\n", "line 1: runs pytest with a per-test wall-clock limit (--timeout=5)"),
        ("def wait(run, timeout=5):\n    pass\n", "line 1: gives wait() a wall-clock timeout of 5 s"),
        ("import subprocess\nsubprocess.run(['x'], timeout=300)\n", None),
        ("import subprocess\nsubprocess.run(['x'], timeout=8)  # wall-clock: waits for a server\n", None),
        ("import time\ncpu = time.process_time()\nassert time.process_time() - cpu < 2\n", None),
        ("cmd = ['pytest', '--timeout=0']\n", None),
    ],
)
def test_wall_clock_budgets_are_found_unless_justified(source, found):
    problems = wall_clock_budgets(source, "tests/test_x.py")
    if found is None:
        assert problems == []
    else:
        assert len(problems) == 1 and found in problems[0], problems
        assert "`# wall-clock: <reason>`" in problems[0]


def test_busy_machine_starts_the_burners_and_stops_every_one_even_on_failure():
    with pytest.raises(KeyboardInterrupt):
        with busy_machine(3) as burners:
            assert len(burners) == 3 and all(b.poll() is None for b in burners)
            raise KeyboardInterrupt
    assert all(b.poll() is not None for b in burners)


def test_dev_check_fails_on_a_take_home_set_whose_other_exercises_need_it(cli, tmp_path):
    copy = broken(
        FIXTURE_TEMPLATES / "mini",
        tmp_path,
        "tests/test_greet.py",
        'assert greet("Ada")',
        'assert add(1, 1) == 2, "greet needs add"\n    assert greet("Ada")',
    )
    test = copy / "{{cookiecutter.project_slug}}" / "tests" / "test_greet.py"
    test.write_text(test.read_text().replace("calc import greet", "calc import add, greet"))
    result = cli("dev", "check", copy)
    assert result.exit_code == 1, result.output
    assert "take-home set [1]: exercise 2 (greet) is blocked" in result.stdout, result.stdout
    assert "expected passed" in result.stdout
