"""Record a new practice project's starting state in a git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FALLBACK_NAME = "scaffolder learner"
FALLBACK_EMAIL = "learner@localhost"


def init_repo(path: Path, message: str) -> str | None:
    """Create a repository with one commit of everything in `path`.

    Returns None on success, or a short reason why there is no repository
    (git missing or failing); the project itself is fine either way.
    """
    git = shutil.which("git")
    if git is None:
        return "git is not installed"
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([git, *args], cwd=path, env=env, capture_output=True, text=True, timeout=60)

    try:
        run("init", "-q").check_returncode()
        for key, fallback, variables in (
            ("user.name", FALLBACK_NAME, ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")),
            ("user.email", FALLBACK_EMAIL, ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")),
        ):
            if run("config", key).returncode != 0:
                env.update(dict.fromkeys(variables, fallback))
        run("add", "-A").check_returncode()
        run("commit", "-q", "--no-verify", "--no-gpg-sign", "-m", message).check_returncode()
    except (OSError, subprocess.SubprocessError) as err:
        shutil.rmtree(path / ".git", ignore_errors=True)
        detail = getattr(err, "stderr", "") or str(err)
        return f"git failed: {detail.strip().splitlines()[-1] if detail.strip() else err}"
    return None
