"""Turn a plain `cookiecutter` render into the learner's starting state.

`scaffolder new` renders without hooks and does the same step itself; this hook
is for people who run cookiecutter on the template directly.
"""

import sys
from pathlib import Path

try:
    from scaffolder.exercises import prepare_project
except ImportError:
    sys.exit("This template needs the scaffolder package: pip install it, then render again.")

prepare_project(Path.cwd(), package="{{ cookiecutter.project_slug }}", solved_through=0)
