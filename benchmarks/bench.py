"""Print how long the learner waits: start-up, `new`, and `check` on each template.

Usage: python benchmarks/bench.py [--repeat N]

Figures, not assertions: shared machines are noisy, so targets (feedback in about
a second) are judged by reading these numbers, not by timed tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scaffolder.templates import available_templates


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def report(label: str, seconds: list[float]) -> None:
    print(f"{label:<44} median {statistics.median(seconds):6.2f} s   min {min(seconds):6.2f} s   (n={len(seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    cli = [sys.executable, "-m", "scaffolder"]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = dict(os.environ, HOME=str(root))
        report("scaffolder --help (start-up)", [timed([*cli, "--help"], root, env) for _ in range(repeat)])
        report("scaffolder list", [timed([*cli, "list"], root, env) for _ in range(repeat)])
        for template in available_templates():
            if not template.manifest_path.is_file():
                continue
            name = template.name
            news = [
                timed([*cli, "new", name, "--no-input", "-o", str(root / f"{name}-{i}")], root, env)
                for i in range(repeat)
            ]
            report(f"new {name} (with git)", news)
            for flag, label in (([], "learner"), (["--solved"], "solved")):
                out = root / f"{name}-{label}"
                subprocess.run(
                    [*cli, "new", name, "--no-input", "--no-git", "-o", str(out), *flag],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                (project,) = out.iterdir()
                report(f"check {name} ({label})", [timed([*cli, "check"], project, env) for _ in range(repeat)])
                one = [timed([*cli, "check", "--exercise", "1"], project, env) for _ in range(repeat)]
                report(f"check --exercise 1 {name} ({label})", one)
                hints = [timed([*cli, "hint", "1"], project, env) for _ in range(repeat)]
                report(f"hint 1 {name} ({label})", hints)
        watch_figures(cli, root, env, repeat)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'peak memory of any one child process':<44} {peak:6.0f} MiB")


def watch_figures(cli: list[str], root: Path, env: dict[str, str], repeat: int) -> None:
    """Save-to-verdict of `watch` on crud-app, beside `check` of the current exercise and plain pytest."""
    out = root / "watch"
    subprocess.run([*cli, "new", "crud-app", "--no-input", "--no-git", "-o", str(out), "--solved-through", "3"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    (project,) = out.iterdir()
    tests = sorted(str(p.relative_to(project)) for p in (project / "tests").glob("test_04_*.py"))
    check = [timed([*cli, "check", "--exercise", "4"], project, env) for _ in range(repeat)]
    report("check --exercise 4 crud-app (current)", check)
    plain = [timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], project, env)]
    plain += [timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], project, env)
              for _ in range(repeat - 1)]  # fmt: skip
    report("python -m pytest (same tests)", plain)
    for label, extra in (("fork server", {}), ("plain subprocess", {"SCAFFOLDER_NO_FORK": "1"})):
        report(f"watch crud-app save-to-verdict ({label})", _watch_saves(cli, project, dict(env, **extra), repeat))


def _watch_saves(cli: list[str], project: Path, env: dict[str, str], repeat: int) -> list[float]:
    """Start `watch`, then save a file of exercise 4 `repeat` times, timing each save to the verdict line."""
    import queue
    import signal
    import threading

    process = subprocess.Popen([*cli, "watch", str(project)], cwd=project, env=dict(env, NO_COLOR="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def wait_for(text: str) -> None:
        while text not in lines.get(timeout=120):
            pass

    times = []
    try:
        wait_for("waiting for your next save")
        source = project / project.name / "tasks.py"
        for i in range(repeat):
            start = time.perf_counter()
            source.write_text(source.read_text() + f"# save {i}\n")
            wait_for("Exercise 4 (list-detail): ")  # the quick verdict
            times.append(time.perf_counter() - start)
            wait_for("waiting for your next save")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        process.stdout.close()
    return times


if __name__ == "__main__":
    main()
