"""Refuse a project slug that cannot be a Python package, before anything is written."""

import keyword
import re
import sys

slug = "{{ cookiecutter.project_slug }}"
if not slug:
    sys.exit(
        "project_name has no letters or digits to make project_slug from: "
        "give one, for example project_slug=my_project"
    )
if not re.fullmatch(r"[a-z_][a-z0-9_]*", slug) or keyword.iskeyword(slug):
    sys.exit(
        f"project_slug {slug!r} is not a valid Python package name: "
        "use lowercase letters, digits and underscores, not starting with a digit"
    )
