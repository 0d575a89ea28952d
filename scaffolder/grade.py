"""`scaffolder grade`: an instructor's roster of many practice projects, one row each.

Each project is judged by `scaffolder check`'s own machinery (check.run_check: the suite in
its own pytest process, stopped by the runner's CPU-time and wall-clock limits), a few
projects at a time. Whatever goes wrong with one project (it hangs, does not import, is no
project at all) becomes that project's row; the roster is always produced.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.exceptions import InputError, ScaffolderError, TestRunError
from scaffolder.manifest import MANIFEST_NAME
from scaffolder.project import STATE_DIR, Project, find_project, load_state
from scaffolder.records import fresh_records, load_stubs, load_test_record
from scaffolder.runner import launch_subprocess
from scaffolder.verdicts import PASSED

COLUMNS = ("project", "template", "passed", "total", "hints", "tests_changed", "last_commit", "note")
MAX_NOTE = 120


@dataclass
class Row:
    """One project's line of the roster; None where a value is unknown."""

    project: str
    path: Path
    template: str | None = None
    passed: int | None = None
    total: int | None = None
    hints: int | None = None
    tests_changed: list[str] = field(default_factory=list)
    last_commit: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return "; ".join(self.notes)

    def as_dict(self) -> dict:
        return {
            "project": self.project,
            "path": str(self.path),
            "template": self.template,
            "passed": self.passed,
            "total": self.total,
            "hints": self.hints,
            "tests_changed": self.tests_changed,
            "last_commit": self.last_commit,
            "note": self.note,
        }


def find_candidates(dirs: Iterable[Path]) -> list[Path]:
    """Each DIR that is a project, or else each folder directly inside it (hidden ones left out).

    A DIR that does not exist is bad input; any folder that is not a project gets a row that says so.
    """
    found: list[Path] = []
    for directory in dirs:
        directory = Path(directory).expanduser()
        if not directory.is_dir():
            raise InputError(f"{directory} is not a folder: name a project or a folder of projects.")
        if (directory / MANIFEST_NAME).is_file():
            found.append(directory)
            continue
        inside = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
        found += inside or [directory]  # a folder of no folders: its row says it is no project
    return found


class _Processes:
    """The test processes started so far, so that an interrupted grade stops every one of them."""

    def __init__(self) -> None:
        self.running: list = []
        self.stopped = False
        self.lock = threading.Lock()

    def launch(self, command, cwd, env, output):
        with self.lock:
            if self.stopped:
                raise TestRunError("Grading was stopped.")
            process = launch_subprocess(command, cwd, env, output)
            self.running.append(process)
        return process

    def stop_all(self) -> None:
        with self.lock:
            self.stopped = True
            for process in self.running:
                if process.poll() is None:
                    process.kill()


def grade(dirs: Iterable[Path], jobs: int = 1, test_timeout: float = 10) -> list[Row]:
    """One row per candidate project, in the order found."""
    candidates = find_candidates(dirs)
    names = _short_names(candidates)
    rows = [Row(name, path) for name, path in zip(names, candidates, strict=True)]
    projects: dict[int, tuple[Project, tuple | None]] = {}
    fresh: dict = {}
    for index, row in enumerate(rows):
        project = _prepare(row)
        if project is not None:
            # Rendered here, one at a time (rendering a template is not safe in parallel), never into the project.
            records = _records(project, fresh)
            if records is None:
                row.notes.append("test changes unknown (the template is not installed here)")
            projects[index] = (project, records)
    processes = _Processes()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(_judge, rows[i], project, records, test_timeout, processes.launch)
            for i, (project, records) in projects.items()
        ]
        try:
            for future in futures:
                future.result()
        except BaseException:  # Ctrl-C, SIGTERM: no test process may outlive grade
            for future in futures:
                future.cancel()
            processes.stop_all()
            raise
    return rows


def _prepare(row: Row) -> Project | None:
    """What can be known without running the tests; None when there is nothing to run."""
    row.last_commit = last_commit(row.path)
    if not (row.path / MANIFEST_NAME).is_file():
        row.notes.append(f"not a practice project (no {MANIFEST_NAME})")
        return None
    try:
        project = find_project(row.path)
    except ScaffolderError as err:
        row.notes.append(_few_words(str(err)))
        return None
    row.template = project.manifest.name
    row.total = len(project.manifest.exercises)
    if not (row.path / STATE_DIR).is_dir():
        row.notes.append(f"no {STATE_DIR}/ record: hints unknown")
    else:
        try:
            row.hints = sum(load_state(project).hints_shown.values())
        except ScaffolderError:
            row.notes.append("hint record damaged")
    return project


def _records(project: Project, fresh: dict) -> tuple | None:
    """The project's own records; when it has none, those of a fresh render (one per template and package)."""
    stubs, digests = load_stubs(project.root), load_test_record(project.root)
    if stubs is not None and digests is not None:
        return stubs, digests
    key = (project.manifest.name, project.package)
    if key not in fresh:
        fresh[key] = fresh_records(project)
    return fresh[key]


def _judge(row: Row, project: Project, records, test_timeout: float, launcher) -> None:
    from scaffolder.check import run_check

    try:
        result = run_check(project, records=records or (None, None), test_timeout=test_timeout, launcher=launcher)
    except ScaffolderError as err:
        row.notes.insert(0, _few_words(str(err)))
        row.passed = 0
        return
    except Exception as err:  # one project's surprise must not lose the others' rows
        row.notes.insert(0, f"could not be graded: {type(err).__name__}: {err}"[:MAX_NOTE])
        return
    row.passed = sum(r.status == PASSED for r in result.exercises)
    row.tests_changed = list(result.changed_tests)
    if result.stopped:
        row.notes.insert(0, f"a test hung: {result.stopped.get('name', 'a test')}, later tests not run")
    if result.changed_tests:
        row.notes.append("tests changed: results may not mean what they say")


# What went wrong, from the sentence check says, cut to a few words for a table cell.
_FEW_WORDS = [
    (re.compile(r"Your code does not import, so no test can run: (.*)", re.S), "does not import: {0}"),
    (re.compile(r"Your code did not finish importing within ([\d.]+) s"), "hangs while importing (over {0} s)"),
    (re.compile(r"The tests did not finish within ([\d.]+) s"), "the run hung (stopped after {0} s)"),
    (re.compile(r"The tests used more than ([\d.]+) s of CPU time"), "the run used over {0} s of CPU time"),
    (re.compile(r"The test run ended in the middle of (\S+)"), "crashed in {0}"),
    (re.compile(r"The project's tests do not load: (.*?)\.( |$)", re.S), "tests do not load: {0}"),
    (re.compile(r"The project's tests/ folder is missing"), "no tests/ folder"),
]


def _few_words(message: str) -> str:
    for pattern, words in _FEW_WORDS:
        match = pattern.match(message)
        if match:
            message = words.format(*match.groups())
            break
    message = " ".join(message.split())
    return message if len(message) <= MAX_NOTE else message[: MAX_NOTE - 3] + "..."


def last_commit(path: Path) -> str | None:
    """The committer date of the last commit (ISO 8601), when `path` is the top of a git repository."""
    git = shutil.which("git")
    if git is None or not (path / ".git").exists():
        return None
    from scaffolder.gitrepo import git_environment

    try:
        done = subprocess.run(
            [git, "log", "-1", "--format=%cI"],
            cwd=path,
            env=git_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def _short_names(paths: list[Path]) -> list[str]:
    """Each project's folder name; with its parent's too where two share a name."""
    names = [p.name for p in paths]
    return [
        f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name for p in (Path(x).resolve() for x in paths)
    ]


# The roster, in each format.


def _cells(row: Row) -> dict[str, str]:
    return {
        "project": row.project,
        "template": row.template or "",
        "passed": "" if row.passed is None else str(row.passed),
        "total": "" if row.total is None else str(row.total),
        "hints": "" if row.hints is None else str(row.hints),
        "tests_changed": ", ".join(row.tests_changed),
        "last_commit": row.last_commit or "",
        "note": row.note,
    }


def roster_csv(rows: list[Row]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_cells(row) for row in rows)
    return out.getvalue()


def roster_json(rows: list[Row]) -> str:
    import json

    return json.dumps({"projects": [row.as_dict() for row in rows]}, indent=2, ensure_ascii=False)


def roster_markdown(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| project | template | passed | hints | tests changed | last commit | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        c = _cells(row)
        passed = f"{c['passed']} of {c['total']}" if c["passed"] and c["total"] else c["passed"] or "-"
        changed = str(len(row.tests_changed)) if row.passed is not None else "-"
        cells = [c["project"], c["template"] or "-", passed, c["hints"] or "-", changed, c["last_commit"] or "-"]
        cells.append(c["note"] or "")
        lines.append("| " + " | ".join(cell(x) for x in cells) + " |")
    return "\n".join(lines)


FORMATS = {"csv": roster_csv, "json": roster_json, "markdown": roster_markdown}
