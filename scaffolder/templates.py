"""Find the practice templates that ship with scaffolder."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from scaffolder.exceptions import UnknownTemplateError
from scaffolder.manifest import MANIFEST_NAME, Manifest, load_manifest

PROJECT_DIR_NAME = "{{cookiecutter.project_slug}}"
TEMPLATES_ENV = "SCAFFOLDER_TEMPLATES"


def templates_root() -> Path:
    """Where the templates are: $SCAFFOLDER_TEMPLATES, inside the package, or beside it in a checkout."""
    override = os.environ.get(TEMPLATES_ENV)
    if override:
        if not Path(override).is_dir():
            raise UnknownTemplateError(f"{TEMPLATES_ENV} is set to {override}, which is not a directory.")
        return Path(override)
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "templates", package_dir.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise UnknownTemplateError("No templates found: the scaffolder installation is incomplete; reinstall it.")


@dataclass(frozen=True)
class Template:
    """A practice template on disk."""

    name: str
    path: Path

    @property
    def manifest_path(self) -> Path:
        return self.path / PROJECT_DIR_NAME / MANIFEST_NAME

    def manifest(self) -> Manifest:
        return load_manifest(self.manifest_path, origin=f"template {self.name}")


def available_templates() -> list[Template]:
    root = templates_root()
    found = [Template(p.name, p) for p in root.iterdir() if (p / "cookiecutter.json").is_file()]
    return sorted(found, key=lambda t: t.name)


def list_templates() -> list[tuple[Template, Manifest]]:
    """Every template with its manifest, easiest level first."""
    pairs = [(template, template.manifest()) for template in available_templates()]
    return sorted(pairs, key=lambda pair: (pair[1].level, pair[0].name))


def find_template(name: str) -> Template:
    """The template called `name`; the error names the templates there are."""
    templates = {t.name: t for t in available_templates()}
    if name in templates:
        return templates[name]
    known = ", ".join(templates) or "none"
    close = difflib.get_close_matches(name, list(templates), n=1, cutoff=0.5)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownTemplateError(f"Unknown template {name!r}.{suggestion} Templates: {known}.")
