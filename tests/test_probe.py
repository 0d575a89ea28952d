"""The route probe: silent on the solved crud-app, loud on each kind of broken app."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scaffolder.generate import new_project

pytestmark = pytest.mark.slow


def run_probe(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffolder.probe", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )


@pytest.fixture(scope="module")
def solved_crud_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe")
    return new_project("crud-app", {}, root, no_input=True, solved=True, git=False).path


def test_the_probe_passes_on_the_solved_crud_app(solved_crud_app):
    # Every shipped template is probed by the dev check steps in test_templates.py.
    result = run_probe(solved_crud_app)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def break_copy(project: Path, tmp_path: Path, relative: str, old: str, new: str) -> Path:
    import shutil

    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    path = copy / relative.format(package=project.name)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the reference code changed: {old!r} is no longer in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            "{package}/__init__.py",
            'app.url_map.converters["int"] = BoundedIntConverter',
            "pass",
            "raised OverflowError",
        ),
        ("{package}/api.py", "except RecursionError:", "except ValueError:", "raised RecursionError"),
        ("{package}/tasks.py", "if searchable(q):", "if q:", "raised OperationalError"),
        ("{package}/models.py", 'if kind == "Cs":', "if False:", "raised UnicodeEncodeError"),
        ("{package}/security.py", "app.after_request(set_security_headers)", "pass", "an HTML page without"),
        (
            "{package}/errors.py",
            "response = error.get_response()",
            "response = error.get_response()\n    response.headers.pop('Allow', None)",
            "a 405 without an Allow header",
        ),
        ("{package}/__init__.py", "csrf.exempt(api.bp)", "csrf.exempt(tasks.bp)", "was accepted"),
        (
            "{package}/tasks.py",
            'return redirect(url_for("tasks.detail", task_id=task_id))',
            'return redirect(url_for("tasks.detail", task_id=task_id, _external=True))',
            "a URL built from the request's Host header (evil.example)",
        ),
        ("{package}/api.py", "except RecursionError:", "except Exception:", "answered 400, not 413"),
        ("{package}/extensions.py", "except StaleDataError:", "except ValueError:", "under concurrent writers"),
        (
            "{package}/__init__.py",
            "allow_development_key=chosen_in_code",
            "allow_development_key=app.debug or chosen_in_code",
            "the production app started with a public or blank secret key",
        ),
    ],
    ids=[
        "huge-id",
        "deep-json",
        "long-search",
        "surrogate",
        "no-headers",
        "no-allow",
        "no-csrf",
        "host-header",
        "oversized-json-400",
        "concurrent-writers",
        "debug-skips-secret-check",
    ],
)
def test_the_probe_finds_a_500_put_back(solved_crud_app, tmp_path, relative, old, new, expected):
    broken = break_copy(solved_crud_app, tmp_path, relative, old, new)
    result = run_probe(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


def test_a_project_without_probe_app_is_one_clear_error(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text("import os\n", encoding="utf-8")
    result = run_probe(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: tests/conftest.py defines no probe_app(): see docs/TEMPLATE_FORMAT.md, 'The route probe'."
    ]


def test_a_project_that_does_not_import_is_one_clear_error(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text("import no_such_module_here\n", encoding="utf-8")
    result = run_probe(tmp_path)
    assert result.returncode == 2
    assert "does not import: ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_probe_checks_json_errors_under_the_api_prefix(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "exercises.toml").write_text('[probe]\napi_prefix = "/api/"\n', encoding="utf-8")
    (tmp_path / "tests" / "conftest.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask, abort

            def probe_app():
                app = Flask(__name__)
                app.config.update(TESTING=True, MAX_CONTENT_LENGTH=1000)

                @app.get("/api/things/<int:thing_id>")
                def thing(thing_id):
                    abort(404)

                @app.after_request
                def headers(response):
                    response.headers["X-Content-Type-Options"] = "nosniff"
                    response.headers["X-Frame-Options"] = "DENY"
                    return response

                return app
            """
        ),
        encoding="utf-8",
    )
    result = run_probe(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "an error under /api/ is not JSON (404, text/html)" in result.stdout


@pytest.fixture(scope="module")
def solved_etl(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe-etl")
    return new_project("etl-pipeline", {}, root, no_input=True, solved=True, git=False).path


def test_the_probe_finds_a_far_date_that_overflows(solved_etl, tmp_path):
    # Without the guard, ?to=9999-12-31 asks for the day after the last day there is.
    broken = break_copy(solved_etl, tmp_path, "{package}/api.py", "if day == date.max:", "if False:")
    result = run_probe(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "query to=9999-12-31" in result.stdout, result.stdout


@pytest.fixture(scope="module")
def solved_blog(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe-blog")
    return new_project("blueprint-app", {}, root, no_input=True, solved=True, git=False).path


def test_the_probe_finds_an_open_redirect(solved_blog, tmp_path):
    # The probe logs in through the login form of /auth/login?next=... with the values the manifest gives.
    broken = break_copy(
        solved_blog,
        tmp_path,
        "{package}/auth/views.py",
        "target if is_safe_next(target) else",
        "target or",
    )
    assert "form_values" in (broken / "exercises.toml").read_text(encoding="utf-8"), "the manifest gives the values"
    result = run_probe(broken)
    assert "a redirect off the site (Location: //evil.example)" in result.stdout, result.stdout
    assert "a redirect off the site (Location: https:///evil.example)" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("location", "leaves"),
    [
        ("/tasks/1", False),
        ("tasks/1?next=//evil.example", False),
        ("http://localhost/tasks/", False),
        ("http:evil.example", False),  # a relative path on an http page
        ("https://evil.example/", True),
        ("//evil.example", True),
        ("////evil.example", True),
        ("/\\evil.example", True),
        ("https:evil.example", True),
        (" //evil.example", True),
        ("/\t/evil.example", True),
        ("javascript:alert(1)", True),
    ],
)
def test_a_redirect_leaves_the_site_as_a_browser_reads_it(location, leaves):
    from scaffolder.probe import _leaves_site

    assert _leaves_site(location) is leaves


def test_the_probe_reads_the_mail_a_foreign_host_makes(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "exercises.toml").write_text('[probe]\nproduction_app = "app:make()"\n', encoding="utf-8")
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            import os

            from flask import Flask


            def make():
                app = Flask(__name__)
                if os.environ.get("FLASK_SECRET_KEY", "dev").strip() in ("", "dev"):
                    raise RuntimeError("set FLASK_SECRET_KEY")
                return app
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "tests" / "conftest.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask, url_for
            from flask_mail import Mail, Message

            def probe_app():
                app = Flask(__name__)
                app.config.update(TESTING=True, MAX_CONTENT_LENGTH=1000, MAIL_SUPPRESS_SEND=True)
                mail = Mail(app)

                @app.get("/reset")
                def reset():
                    link = url_for("reset", _external=True)
                    mail.send(Message("Reset", sender="a@example.com", recipients=["b@example.com"], body=link))
                    return "Sent."

                @app.after_request
                def headers(response):
                    response.headers["X-Content-Type-Options"] = "nosniff"
                    response.headers["X-Frame-Options"] = "DENY"
                    return response

                return app
            """
        ),
        encoding="utf-8",
    )
    result = run_probe(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "mail links to the request's Host header (evil.example): /reset: mail to b@example.com (anonymous)"
    )
    assert len(lines) == 2 and lines[1].endswith("routes: 1 problem(s)"), result.stdout
