"""GitHub Classroom's autograding steps for a project, written from its manifest.

A template's `.github/workflows/classroom.yml` holds the job around the steps (checkout,
Python, the project's own install line) and one placeholder line; `prepare_project`
replaces that line with one grading step per exercise and the reporter, so the workflow
always grades exactly the exercises the manifest declares.
"""

from __future__ import annotations

import json
from pathlib import Path

from scaffolder.manifest import Manifest

CLASSROOM_WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
PLACEHOLDER = "# scaffolder: one grading step per exercise, then the reporter"
POINTS = 10  # per exercise
GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
TIMEOUT_MINUTES = 10  # the grader's own limit for one exercise's command


def grading_steps(manifest: Manifest, indent: str) -> str:
    """The YAML of the grading steps and the reporter, each line starting with `indent`."""
    lines: list[str] = []
    ids = []
    for exercise in manifest.exercises:
        step = f"exercise-{exercise.number:02d}"
        ids.append(step)
        lines += [
            f"- name: {json.dumps(f'Exercise {exercise.number}: {exercise.title}')}",
            f"  id: {step}",
            f"  uses: {GRADER}",
            "  with:",
            f"    test-name: {json.dumps(f'{exercise.number} {exercise.slug}')}",
            f"    command: python .github/exercise_summary.py -q --exercise {exercise.slug}",
            f"    timeout: {TIMEOUT_MINUTES}",
            f"    max-score: {POINTS}",
        ]
    lines += ["- name: Autograding Reporter", f"  uses: {REPORTER}", "  env:"]
    lines += [f'    {step.upper()}_RESULTS: "${{{{ steps.{step}.outputs.result }}}}"' for step in ids]
    lines += ["  with:", f"    runners: {','.join(ids)}"]
    return "\n".join(indent + line for line in lines)


def fill_classroom_workflow(project_dir: Path, manifest: Manifest) -> None:
    """Replace the placeholder line of the project's classroom.yml, when it has one."""
    path = Path(project_dir) / CLASSROOM_WORKFLOW
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() == PLACEHOLDER:
            out.append(grading_steps(manifest, line[: len(line) - len(line.lstrip())]))
        else:
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
