"""`scaffolder new`: render a practice template into a new project directory.

Reads as its steps: find the template, build and check the context, render into
a temporary directory, strip the exercises, record the start in git, move the
finished project into place.
"""

from __future__ import annotations

import importlib.machinery
import json
import keyword
import os
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.exceptions import (
    InvalidContextError,
    RenderError,
    TargetExistsError,
    UnknownExerciseError,
    WriteError,
)
from scaffolder.exercises import prepare_project
from scaffolder.gitrepo import init_repo
from scaffolder.manifest import Manifest
from scaffolder.templates import Template, find_template

SLUG_RE = re.compile(r"[a-z_][a-z0-9_]*")
MAX_SLUG_LENGTH = 64
MAX_NAME_LENGTH = 100
TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
# Packages a practice project imports; a project package of the same name would hide them.
SHADOWED = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_mail",
    "flask_limiter",
    "sqlalchemy",
    "werkzeug",
    "jinja2",
    "wtforms",
    "click",
    "pytest",
    "scaffolder",
    "tests",
    "conftest",
    "instance",
    "migrations",
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
    template_name: str | Template,
    variables: dict[str, str],
    output_dir: Path,
    *,
    no_input: bool = False,
    solved: bool = False,
    solved_through: int | None = None,
    git: bool = True,
    assigned: frozenset[str] | None = None,
) -> NewProject:
    """Generate a practice project; on any failure nothing is left behind.

    `template_name` names an installed template, or is a Template anywhere on disk.
    """
    template = template_name if isinstance(template_name, Template) else find_template(template_name)
    manifest = template.manifest()
    through = _solved_through(manifest, solved, solved_through)
    output_dir = Path(output_dir).expanduser().absolute()
    context = build_context(template, variables, no_input, output_dir)
    slug = context["cookiecutter"]["project_slug"]
    if output_dir.exists() and not output_dir.is_dir():
        raise InvalidContextError(f"The output directory {output_dir} is a file, not a directory.")
    target = output_dir / slug
    _refuse_existing(target)

    missing = [d for d in (output_dir, *output_dir.parents) if not d.exists() and not d.is_symlink()]
    staging = None
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".scaffolder-", dir=output_dir))
        rendered = render_template(template, context, staging)
        check_rendered_files(rendered)
        prepare_project(rendered, package=slug, solved_through=through, assigned=assigned)
        git_problem = init_repo(rendered, f"Start {template.name} practice project") if git else None
        _refuse_existing(target)  # again: the render took a moment
        rendered.rename(target)
    except BaseException as err:
        # Remove the staging directory, and the output directories this call made.
        if missing and missing[-1].exists():
            shutil.rmtree(missing[-1], ignore_errors=True)
        elif staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, OSError):
            reason = err.strerror or str(err)
            # A path through a file is the user's bad input; a full disk or a read-only folder is not.
            kind = InvalidContextError if isinstance(err, NotADirectoryError) else WriteError
            raise kind(f"Cannot create the project in {output_dir}: {reason}.") from err
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return NewProject(target, template, manifest, through, git_problem)


def _refuse_existing(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise TargetExistsError(f"{target} already exists; choose another project_slug or --output-dir.")


def check_rendered_files(project: Path) -> None:
    """Every Python, TOML and JSON file of a render parses: the answers did not break one."""
    for path in sorted(project.rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".toml", ".json"):
            continue
        relative = path.relative_to(project).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                compile(text, relative, "exec")
            elif path.suffix == ".toml":
                tomllib.loads(text)
            else:
                json.loads(text)
        except (SyntaxError, ValueError) as err:
            raise RenderError(
                f"The answers given make {relative} invalid ({err}); choose a simpler project_name."
            ) from err


def _solved_through(manifest: Manifest, solved: bool, solved_through: int | None) -> int:
    count = len(manifest.exercises)
    if solved:
        return count
    if solved_through is None:
        return 0
    if not 0 <= solved_through <= count:
        raise UnknownExerciseError(f"--solved-through takes 0 to {count}: {manifest.name} has {count} exercises.")
    return solved_through


def build_context(
    template: Template, variables: dict[str, str], no_input: bool, output_dir: Path | None = None
) -> dict[str, Any]:
    """The cookiecutter context: defaults, then key=value answers, then prompts; checked.

    At a terminal an unusable answer is explained in one line and its question asked again;
    with --no-input or without a terminal it ends `new` with that explanation.
    """
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
        if no_input or sys.stdin is None or not sys.stdin.isatty():
            context["cookiecutter"] = prompt_for_config(context, no_input=no_input)
        else:
            context["cookiecutter"] = _ask_until_usable(context, output_dir)
    except CookiecutterException as err:
        raise RenderError(f"Cannot build the context of {template.name}: {err}.") from err
    except (EOFError, KeyboardInterrupt) as err:
        raise InvalidContextError("No answer given; use --no-input or key=value to skip the questions.") from err
    _check_names(context["cookiecutter"], slug_given="project_slug" in variables)
    return context


def _ask_until_usable(context: dict[str, Any], output_dir: Path | None = None) -> dict[str, Any]:
    """cookiecutter's questions, in the words of `__prompts__`; an unusable answer is explained and asked again.

    An unusable default (a package name made from a name without letters, say) is explained
    before its question, which then has no default.
    """
    from cookiecutter.prompt import prompt_for_config, read_user_variable, render_variable
    from cookiecutter.utils import create_env_with_context
    from rich.console import Console
    from rich.text import Text

    questions = context["cookiecutter"]
    visible = [key for key in questions if not key.startswith("_")]
    if any(not isinstance(questions[key], str) for key in visible):
        return prompt_for_config(context)  # choices, booleans, dicts: cookiecutter's own questions, checked after
    console = Console()
    env = create_env_with_context(context)
    prompts = questions.pop("__prompts__", {})
    answers: dict[str, Any] = {}
    for key, raw in questions.items():
        if key.startswith("_"):
            answers[key] = render_variable(env, raw, answers) if key.startswith("__") else raw
            continue
        default = render_variable(env, raw, answers)
        prefix = f"  [dim][{visible.index(key) + 1}/{len(visible)}][/] "
        problem = _answer_problem(key, default, answers, output_dir)
        if problem is not None:
            console.print(Text(problem, style="prompt.invalid"), soft_wrap=True)
            default = None  # not offered again: Enter would give the same answer
        while True:
            answer = read_user_variable(key, default, prompts, prefix)
            problem = _answer_problem(key, answer, answers, output_dir)
            if problem is None:
                break
            console.print(Text(problem, style="prompt.invalid"), soft_wrap=True)
        answers[key] = answer
    return answers


def _answer_problem(key: str, value: Any, answers: dict[str, Any], output_dir: Path | None = None) -> str | None:
    """Why an answer typed at the terminal is unusable, in one sentence; None when it is fine."""
    if not isinstance(value, str):
        return None
    if _undecodable(value):
        return "That answer holds bytes that are not text in this terminal's encoding; use plain ASCII."
    if key == "project_name":
        reason = _name_problem(value)
        return f"The name {reason}." if reason else None
    if key == "project_slug":
        if not value:
            name = str(answers.get("project_name", ""))
            return f"The name {name!r} has no letters or digits to make a package name from; type one."
        reason = _slug_problem(value)
        if reason is None and output_dir is not None and (output_dir / value).exists():
            reason = f"is taken: {output_dir / value} already exists; choose another folder name"
        return f"{value!r} {reason}." if reason else None
    return None


def _public_keys(template: Template) -> list[str]:
    import json

    data = json.loads((template.path / "cookiecutter.json").read_text(encoding="utf-8"))
    return [key for key in data if not key.startswith("_")]


def _undecodable(value: str) -> bool:
    """Whether the text holds lone surrogates: bytes the terminal's encoding could not decode."""
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _name_problem(name: str) -> str | None:
    """Why `name` cannot be the project name, as words that follow its subject; None when it can."""
    name = name.strip()
    if not name:
        return "must not be empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"is {len(name)} characters long; keep it to {MAX_NAME_LENGTH}"
    if any(not ch.isprintable() for ch in name):
        return "must not contain control characters"
    if '"' in name or "\\" in name:
        # The name goes into docstrings and Markdown; these two would end or escape a string.
        return "must not contain double quotes or backslashes"
    return None


def _slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be the project's package and folder, as words that follow it; None when it can."""
    if not SLUG_RE.fullmatch(slug) or keyword.iskeyword(slug):
        return (
            "cannot be a Python package name: use lowercase ASCII letters, digits "
            "and underscores, starting with a letter, and not a Python keyword"
        )
    if len(slug) > MAX_SLUG_LENGTH:
        return f"is longer than {MAX_SLUG_LENGTH} characters"
    if slug in SHADOWED or slug in sys.stdlib_module_names or _importable(slug):
        return (
            "is already the name of a module (installed, or used by the project's tools); "
            "the project's package would hide it or be hidden by it"
        )
    return None


def _check_names(values: dict[str, Any], slug_given: bool = True) -> None:
    for key, value in values.items():
        if isinstance(value, str) and _undecodable(value):
            raise InvalidContextError(
                f"{key} holds bytes that are not text in this terminal's encoding; "
                "use a UTF-8 locale (for example LANG=C.UTF-8) or plain ASCII."
            )
    name = str(values.get("project_name", ""))
    reason = _name_problem(name)
    if reason:
        raise InvalidContextError(f"project_name {reason}.")
    name = name.strip()
    slug = str(values.get("project_slug", ""))
    # Say where a bad slug came from: the user's own project_slug, or the name.
    if not slug and not slug_given:
        raise InvalidContextError(
            f"project_name {name!r} has no letters or digits to make project_slug from. "
            "Give one with project_slug=my_project."
        )
    reason = _slug_problem(slug)
    if reason and slug_given:
        raise InvalidContextError(f"project_slug {slug!r} {reason}. Choose another.")
    if reason:
        raise InvalidContextError(
            f"The project_slug {slug!r}, made from project_name {name!r}, {reason}. "
            "Give one with project_slug=my_project."
        )


def _importable(name: str) -> bool:
    """Whether `import name` already finds a module in this environment (the current directory aside)."""
    if name in sys.builtin_module_names:
        return True
    here = {"", os.getcwd()}
    search = [entry for entry in sys.path if entry not in here]
    try:
        return importlib.machinery.PathFinder.find_spec(name, search) is not None
    except (ImportError, ValueError):
        return True


def render_template(template: Template, context: dict[str, Any], staging: Path) -> Path:
    """Render `template` with `context` into `staging`, exercise markers kept; returns the project folder."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_files
    from jinja2 import TemplateError as JinjaError

    try:
        rendered = generate_files(
            repo_dir=str(template.path), context=context, output_dir=str(staging), accept_hooks=False
        )
    except CookiecutterException as err:
        raise RenderError(f"Rendering {template.name} failed: {err}.") from err
    except JinjaError as err:
        # A file of the template is not valid Jinja (and not in _copy_without_render).
        where = f"{err.filename}, line {err.lineno}: " if getattr(err, "lineno", None) else ""
        raise RenderError(f"Rendering {template.name} failed: {where}{err.message or err}.") from err
    return Path(rendered)
