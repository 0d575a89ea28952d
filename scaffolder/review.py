"""`scaffolder review [PATH]`: the code review an interviewer would give a take-home.

Four reviewers, each finding a file:line, what is wrong and why an interviewer cares:
ruff (style and likely bugs, with the project's own configuration), bandit (security, on
the package, medium and high only), the route probe (scaffolder/probe.py, as `dev check`
runs it) and the review rules the project's template declares in its review.toml
(scaffolder/review_rules.py). The three tools run as subprocesses at once, the rules
meanwhile in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffolder.exceptions import ReviewError, UnknownTemplateError
from scaffolder.project import Project
from scaffolder.review_rules import REVIEW_FILE, ReviewRules, load_review_rules

# The probe sends thousands of requests; blueprint-app's takes about 15 s on an idle machine.
TOOL_TIMEOUT = 600
RUFF_WHY = {
    "F": "Unused or undefined names are the first thing a reviewer's editor shows, and some are real bugs.",
    "B": "These are likely bugs (a mutable default, a swallowed exception, a late-bound loop variable); "
    "expect to be asked about each.",
    "E": "Code that does not follow the project's own style reads as unfinished; the formatter fixes most of it.",
    "W": "Code that does not follow the project's own style reads as unfinished; the formatter fixes most of it.",
    "I": "Unsorted imports show the code was handed in without running the project's own tools.",
    "UP": "Old syntax for the Python the project targets suggests copied code rather than code you wrote.",
}
RUFF_WHY_ELSE = "ruff flags it with the project's own configuration, and a reviewer runs the same tool."
BANDIT_WHY = "A security scanner finds this in seconds; a reviewer reading for safety will ask why it is there."
PROBE_WHY = (
    ("MAX_CONTENT_LENGTH", "Without a size limit one large request can exhaust the server's memory."),
    ("413", "Without a size limit one large request can exhaust the server's memory."),
    ("raised", "A 500 on user input is a crash anyone can trigger from a browser, and it often leaks internals."),
    ("answered 5", "A 500 on user input is a crash anyone can trigger from a browser, and it often leaks internals."),
    ("traceback", "A traceback in a response shows an attacker your code, paths and versions."),
    ("form posted", "A form that accepts a post without a valid CSRF token lets another site act as your user."),
    ("redirect off the site", "A redirect an outsider can aim is an open redirect, a phishing helper on your domain."),
    ("HTML page without", "Missing security headers are on every security reviewer's checklist."),
    ("Host header", "Trusting the Host header lets an attacker put their domain into links you send, such as resets."),
    ("secret key", "A production app that starts with a known secret key lets anyone forge its sessions."),
)
PROBE_WHY_ELSE = "The route probe sent what a hostile user would; a reviewer trying the app will find it too."


@dataclass(frozen=True)
class ReviewFinding:
    """One thing a reviewer would point at."""

    file: str  # relative to the project, with / separators
    line: int
    reviewer: str  # ruff, bandit, probe, rule
    rule: str  # F841, B324, probe, query-in-loop, ...
    message: str
    why: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Review:
    findings: list[ReviewFinding]
    rules: ReviewRules
    probe_requests: int
    no_rules_because: str | None = None

    def count(self, reviewer: str) -> int:
        return sum(1 for f in self.findings if f.reviewer == reviewer)


def review_project(project: Project) -> Review:
    """Review the project at `project.root`: every reviewer's findings, in file and line order."""
    root = project.root
    package = project.package
    rules, no_rules = _template_rules(project)
    with _running(
        ruff=[sys.executable, "-m", "ruff", "check", "--output-format", "json", "--no-cache", "--exit-zero", "."],
        bandit=_bandit_command(package),
        probe=[sys.executable, "-m", "scaffolder.probe", "--json", str(root)],
        cwd=root,
    ) as running:
        findings = [
            ReviewFinding(f.file, f.line, "rule", f.rule, f.message, rules.why(f.rule))
            for f in rules.check(root, package)
        ]
        outputs = {name: _finish(name, process) for name, process in running.items()}
    findings += _ruff_findings(outputs["ruff"], root)
    findings += _bandit_findings(outputs["bandit"], root)
    probe_findings, requests = _probe_findings(outputs["probe"])
    findings += probe_findings
    unique = {(f.file, f.line, f.rule, f.message): f for f in findings}
    return Review(sorted(unique.values(), key=_order), rules, requests, no_rules)


def _order(finding: ReviewFinding) -> tuple:
    return (finding.file, finding.line, finding.reviewer, finding.rule)


def _template_rules(project: Project) -> tuple[ReviewRules, str | None]:
    """The review rules of the project's template (review.toml beside its cookiecutter.json)."""
    from scaffolder.templates import find_template

    try:
        template = find_template(project.manifest.name)
    except UnknownTemplateError:
        return ReviewRules(), f"this scaffolder has no template {project.manifest.name!r}"
    return load_review_rules(template.path / REVIEW_FILE), None


def _bandit_command(package: str | None) -> list[str]:
    # Medium and high severity, seen with medium or high confidence; tests (at any depth) are not the app.
    # Globs, as bandit matches them against the paths it walks (an absolute path misses relative ones).
    target = package or "."
    excluded = ",".join(f"*/{name}/*" for name in ("tests", ".venv", "venv", "instance"))
    return [sys.executable, "-m", "bandit", "-r", target, "-f", "json", "-q", "-ll", "-ii", "-x", excluded]


@contextmanager
def _running(cwd: Path, **commands: list[str]) -> Iterator[dict[str, subprocess.Popen]]:
    """Start every command at once; whatever ends the block (Ctrl-C too), none is left running."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    started: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            started[name] = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        yield started
    except OSError as err:
        raise ReviewError(f"Cannot start the review's tools: {err.strerror or err}.") from err
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def _finish(name: str, process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired as err:
        raise ReviewError(f"{name} did not finish within {TOOL_TIMEOUT} seconds.") from err
    return process.returncode, stdout, stderr


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _json(name: str, output: tuple[int, str, str]) -> object:
    code, stdout, stderr = output
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as err:
        raise ReviewError(f"{name} failed (exit code {code}): {_last_line(stderr or stdout)}") from err


def _relative(path: str, root: Path) -> str:
    full = Path(path) if Path(path).is_absolute() else root / path
    try:
        return full.resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _ruff_findings(output: tuple[int, str, str], root: Path) -> list[ReviewFinding]:
    found = []
    for item in _json("ruff", output) or []:
        code = item.get("code") or "syntax"
        prefix = code[:2] if code[:2] in RUFF_WHY else code[:1]
        row = (item.get("location") or {}).get("row") or 0
        found.append(
            ReviewFinding(
                _relative(item["filename"], root),
                row,
                "ruff",
                code,
                item["message"],
                RUFF_WHY.get(prefix, RUFF_WHY_ELSE),
            )
        )
    return found


def _bandit_findings(output: tuple[int, str, str], root: Path) -> list[ReviewFinding]:
    data = _json("bandit", output)
    found = []
    for item in data.get("results", []) if isinstance(data, dict) else []:
        severity = str(item.get("issue_severity", "")).lower()
        message = f"{item.get('issue_text', '').strip()} ({item.get('test_name')}, {severity} severity)"
        file = _relative(item["filename"], root)
        found.append(ReviewFinding(file, item.get("line_number", 0), "bandit", item["test_id"], message, BANDIT_WHY))
    return found


def _probe_findings(output: tuple[int, str, str]) -> tuple[list[ReviewFinding], int]:
    code, stdout, stderr = output
    if code == 2:
        raise ReviewError(f"The route probe cannot build the app: {_last_line(stderr).removeprefix('Error: ')}")
    if code not in (0, 1):
        raise ReviewError(f"The route probe crashed (exit code {code}): {_last_line(stderr)}")
    data = _json("the route probe", output)
    found = []
    for item in data["findings"]:
        why = next((why for words, why in PROBE_WHY if words in item["problem"]), PROBE_WHY_ELSE)
        message = f"{item['problem']}: {item['request']}"
        found.append(ReviewFinding(item["file"], item["line"], "probe", "probe", message, why))
    return found, data["requests"]
