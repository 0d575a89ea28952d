"""Exercise 10 (cli-run): the flask etl run command."""

import pytest

from {{ cookiecutter.project_slug }}.generate import expected_rejects, expected_valid

pytestmark = pytest.mark.exercise("cli-run")


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["etl", "run", *map(str, args)], catch_exceptions=False)


def test_run_prints_a_summary(seeded, sample):
    path = sample("orders.csv", rows=300)
    result = invoke(seeded, path)
    assert result.exit_code == 0, f"flask etl run should succeed (exit code 0): {result.output}"
    valid, bad = expected_valid(300), len(expected_rejects(300))
    summary = f"Run 1 succeeded: 300 read, {valid} loaded, {bad} rejected, 0 skipped."
    assert summary in result.stdout, f"stdout should hold the summary {summary!r}; it was: {result.stdout!r}"
    assert f"Rejects: {path.with_name('orders.run1.rejects.csv')}" in result.stdout, (
        "with rejects, the command should print 'Rejects: ' and the rejects file's path"
    )


def test_run_shows_progress_on_stderr(seeded, sample):
    path = sample("orders.csv", rows=300)
    result = invoke(seeded, path, "--batch-size", "100")
    assert result.exit_code == 0, f"flask etl run should succeed: {result.output}"
    progress = [line for line in result.stderr.splitlines() if line.startswith("... ")]
    assert len(progress) >= 3, f"with batches of 100, stderr should show a progress line per batch: {result.stderr!r}"
    assert progress[0].endswith(" loaded") and " read, " in progress[0], (
        "a progress line should read like '... 100 read, 97 loaded'"
    )
    assert "succeeded" not in result.stderr, "the summary belongs on stdout, not stderr"


def test_numbers_have_thousands_separators(seeded, sample):
    path = sample("orders.csv", rows=1200)
    result = invoke(seeded, path)
    assert "Run 1 succeeded: 1,200 read, " in result.stdout, "numbers of 1000 and more should read like 1,200"


def test_a_second_run_loads_nothing_and_full_reloads(seeded, sample):
    path = sample("orders.csv", rows=100)
    invoke(seeded, path)
    second = invoke(seeded, path)
    assert "Run 2 succeeded: 100 read, 0 loaded, " in second.stdout, "a second run of the same file should load 0"
    full = invoke(seeded, path, "--full")
    assert f"Run 3 succeeded: 100 read, {expected_valid(100)} loaded, " in full.stdout, (
        "--full should load every valid record again"
    )


def test_a_failed_run_exits_with_status_1(seeded, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("id,when\n1,today\n", encoding="utf-8")
    result = invoke(seeded, path)
    assert result.exit_code == 1, "a failed run should exit with status 1"
    assert "Run 1 failed: " in result.output and "header" in result.output, (
        "a failed run should print 'Run 1 failed: ' and the error (here: the header is wrong)"
    )


@pytest.mark.parametrize("args", [["missing.csv"], ["--batch-size", "0"], ["--batch-size", "20001"]])
def test_bad_arguments_are_usage_errors(seeded, sample, args):
    path = sample("orders.csv", rows=10)
    arguments = args if args == ["missing.csv"] else [path, *args]
    result = invoke(seeded, *arguments)
    assert result.exit_code == 2, f"flask etl run {' '.join(map(str, args))} should be a usage error (exit code 2)"


def test_a_source_with_an_unfinished_run_is_refused(seeded, sample, new_run):
    path = sample("orders.csv", rows=10)
    busy = new_run("orders.csv")  # queued (say, by the API), with a fresh heartbeat
    result = invoke(seeded, path)
    assert result.exit_code == 1, f"a run of a source that has an unfinished run should exit 1: {result.output}"
    assert f"Run {busy} of orders.csv is not finished yet." in result.output, (
        "the message should name the unfinished run, in one line (no traceback)"
    )
    assert "Traceback" not in result.output, "no traceback for a busy source"
