"""Exercise 10 (cli-run): the flask etl run command."""

import pytest

from {{ cookiecutter.project_slug }} import create_app
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


@pytest.mark.parametrize("key", [None, "", "   ", "dev"])
def test_production_refuses_a_public_secret_key_even_in_debug_mode(monkeypatch, tmp_path, key):
    # `flask --app {{ cookiecutter.project_slug }} etl run` on a server builds create_app() from the
    # environment; FLASK_DEBUG=1 left there by mistake must not let the public key through.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite'}")
    if key is not None:
        monkeypatch.setenv("FLASK_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_key_and_development_with_the_public_one(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite'}")
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-production-secret")
    assert create_app().config["SECRET_KEY"] == "a-long-random-production-secret", (
        "with FLASK_SECRET_KEY set, create_app() should start and use it"
    )
    monkeypatch.delenv("FLASK_SECRET_KEY")
    assert create_app({"DEBUG": True}).config["SECRET_KEY"] == "dev", (
        "create_app({'DEBUG': True}), the development app of .flaskenv, may keep the public key"
    )
