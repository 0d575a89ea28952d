"""Record a new practice project's starting state in a git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FALLBACK_NAME = "scaffolder learner"
FALLBACK_EMAIL = "learner@localhost"
# The GIT_* variables that may stay: who the author is and where the user's own
# settings live. Every other one (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, ...)
# could point git at another repository.
KEPT_GIT_VARIABLES = {
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_NOSYSTEM",
}


def git_environment() -> dict[str, str]:
    """The environment git runs in: this process's, less what could redirect git elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in KEPT_GIT_VARIABLES}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def init_repo(path: Path, message: str) -> str | None:
    """Create a repository with one commit of everything in `path`.

    Returns None on success, or a short reason why there is no repository
    (git missing or failing); the project itself is fine either way.
    """
    git = shutil.which("git")
    if git is None:
        return "git is not installed"
    env = git_environment()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([git, *args], cwd=path, env=env, capture_output=True, text=True, timeout=60)

    try:
        run("init", "-q").check_returncode()
        top = run("rev-parse", "--show-toplevel")
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != Path(path).resolve():
            raise subprocess.SubprocessError(f"git would use another repository ({top.stdout.strip()})")
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
