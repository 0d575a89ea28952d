"""`scaffolder new`: render a practice template into a new project directory.

Reads as its steps: find the template, build and check the context, render into
a temporary directory, strip the exercises, record the start in git, move the
finished project into place.
"""

from __future__ import annotations

import keyword
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.exceptions import (
    InvalidContextError,
    RenderError,
    ScaffolderError,
    TargetExistsError,
    UnknownExerciseError,
)
from scaffolder.exercises import prepare_project
from scaffolder.gitrepo import init_repo
from scaffolder.manifest import Manifest
from scaffolder.templates import Template, find_template

SLUG_RE = re.compile(r"[a-z_][a-z0-9_]*")
TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
# Packages a practice project imports; a project package of the same name would hide them.
SHADOWED = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_mail",
    "sqlalchemy",
    "werkzeug",
    "jinja2",
    "wtforms",
    "click",
    "pytest",
    "scaffolder",
    "tests",
    "instance",
}


@dataclass(frozen=True)
class NewProject:
    """What `new` made."""

    path: Path
    template: Template
    manifest: Manifest
    solved_through: int
    git_problem: str | None


def new_project(
    template_name: str,
    variables: dict[str, str],
    output_dir: Path,
    *,
    no_input: bool = False,
    solved: bool = False,
    solved_through: int | None = None,
    git: bool = True,
) -> NewProject:
    """Generate a practice project; on any failure nothing is left behind."""
    template = find_template(template_name)
    manifest = template.manifest()
    through = _solved_through(manifest, solved, solved_through)
    context = build_context(template, variables, no_input)
    slug = context["cookiecutter"]["project_slug"]
    output_dir = Path(output_dir).expanduser().absolute()
    if output_dir.exists() and not output_dir.is_dir():
        raise InvalidContextError(f"The output directory {output_dir} is a file, not a directory.")
    target = output_dir / slug
    _refuse_existing(target)

    missing = [d for d in (output_dir, *output_dir.parents) if not d.exists()]
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".scaffolder-", dir=output_dir))
    try:
        rendered = _render(template, context, staging)
        prepare_project(rendered, package=slug, solved_through=through)
        git_problem = init_repo(rendered, f"Start {template.name} practice project") if git else None
        _refuse_existing(target)  # again: the render took a moment
        rendered.rename(target)
    except BaseException:
        # Remove the staging directory, and the output directories this call made.
        shutil.rmtree(missing[-1] if missing else staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return NewProject(target, template, manifest, through, git_problem)


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise TargetExistsError(f"{target} already exists; choose another project_slug or --output-dir.")


def _solved_through(manifest: Manifest, solved: bool, solved_through: int | None) -> int:
    count = len(manifest.exercises)
    if solved:
        return count
    if solved_through is None:
        return 0
    if not 0 <= solved_through <= count:
        raise UnknownExerciseError(f"--solved-through takes 0 to {count}: {manifest.name} has {count} exercises.")
    return solved_through


def build_context(template: Template, variables: dict[str, str], no_input: bool) -> dict[str, Any]:
    """The cookiecutter context: defaults, then key=value answers, then prompts; checked."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    context_file = template.path / "cookiecutter.json"
    known = _public_keys(template)
    for key, value in variables.items():
        if key not in known:
            raise InvalidContextError(f"Unknown template variable {key!r}; {template.name} takes {', '.join(known)}.")
        if any(token in value for token in TEMPLATE_SYNTAX):
            raise InvalidContextError(f"{key} may not contain template syntax such as '{{{{' or '{{%': {value!r}.")
    try:
        context = generate_context(context_file=str(context_file), extra_context=variables)
        context["cookiecutter"] = prompt_for_config(context, no_input=no_input)
    except CookiecutterException as err:
        raise RenderError(f"Cannot build the context of {template.name}: {err}.") from err
    except (EOFError, KeyboardInterrupt) as err:
        raise InvalidContextError("No answer given; use --no-input or key=value to skip the questions.") from err
    _check_names(context["cookiecutter"])
    return context


def _public_keys(template: Template) -> list[str]:
    import json

    data = json.loads((template.path / "cookiecutter.json").read_text(encoding="utf-8"))
    return [key for key in data if not key.startswith("_")]


def _check_names(values: dict[str, Any]) -> None:
    name = str(values.get("project_name", "")).strip()
    if not name:
        raise InvalidContextError("project_name must not be empty.")
    if any(not ch.isprintable() for ch in name):
        raise InvalidContextError("project_name must not contain control characters.")
    if '"' in name or "\\" in name:
        # The name goes into docstrings and Markdown; these two would end or escape a string.
        raise InvalidContextError("project_name must not contain double quotes or backslashes.")
    slug = str(values.get("project_slug", ""))
    if not SLUG_RE.fullmatch(slug) or keyword.iskeyword(slug):
        raise InvalidContextError(
            f"project_slug {slug!r} cannot be a Python package name: use lowercase letters, digits "
            "and underscores, starting with a letter, and not a Python keyword."
        )
    if slug in SHADOWED or slug in sys.stdlib_module_names:
        raise InvalidContextError(f"project_slug {slug!r} would hide the module of the same name; choose another.")


def _render(template: Template, context: dict[str, Any], staging: Path) -> Path:
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_files

    try:
        rendered = generate_files(
            repo_dir=str(template.path), context=context, output_dir=str(staging), accept_hooks=False
        )
    except CookiecutterException as err:
        raise RenderError(f"Rendering {template.name} failed: {err}.") from err
    except ScaffolderError:
        raise
    return Path(rendered)
