"""`scaffolder review`: it finds each problem planted in a copy of each solved app, and nothing in the original."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from scaffolder.exceptions import TemplateError
from scaffolder.review_rules import KINDS, load_review_rules
from scaffolder.templates import find_template

TEMPLATE_NAMES = ("crud-app", "blueprint-app", "etl-pipeline")
FINDING = re.compile(r"^(?P<file>\S+):(?P<line>\d+): \[(?P<rule>[^\]]+)\] (?P<message>.+)$")
PLANT = re.compile(r"#\s*plant: (?P<rule>[\w-]+)")

# What is planted in each solved app: (file in the package, text appended or (old, new) replaced).
# Each line that should be found ends with `# plant: RULE`; for the probe it is the view's def line.
COMMON_PLANTS = """


def review_plant_tools(data: bytes) -> str:
    import hashlib

    unused = 1  # plant: F841
    return hashlib.md5(data).hexdigest()  # plant: B324
"""
PLANTS = {
    "crud-app": [
        ("tasks.py", COMMON_PLANTS),
        (
            "tasks.py",
            """

def review_plant_titles(ids: list[int]) -> list[str]:
    from sqlalchemy import text

    titles = []
    for task_id in ids:
        titles.append(db.session.get(Task, task_id).title)  # plant: query-in-loop
    for task_id in ids:
        db.session.execute(db.update(Task).where(Task.id == task_id).values(done=True))
        db.session.commit()  # plant: commit-in-loop
    sql = "SELECT title FROM task WHERE title = '" + titles[0] + "'"
    db.session.execute(text(sql))  # plant: sql-formatting
    return titles


@bp.route("/review-boom")
def review_boom() -> ResponseReturnValue:  # plant: probe
    raise RuntimeError("planted")
""",
        ),
    ],
    "blueprint-app": [
        ("blog/views.py", COMMON_PLANTS),
        (
            "blog/views.py",
            """

def review_plant_posts(ids: list[int], form) -> list[str]:
    from flask import request
    from sqlalchemy import text

    titles = [db.session.get(Post, post_id).title for post_id in ids]  # plant: query-in-loop
    for post_id in ids:
        db.session.execute(db.delete(Post).where(Post.id == post_id))
        db.session.commit()  # plant: commit-in-loop
    db.session.execute(text(f"SELECT * FROM post WHERE title = '{titles[0]}'"))  # plant: sql-formatting
    current_user.password_hash = form.password.data  # plant: plain-password
    target = request.args.get("next", "/")
    return redirect(target)  # plant: unchecked-next


@bp.route("/review-boom")
def review_boom():  # plant: probe
    raise RuntimeError("planted")
""",
        ),
        (
            "blog/views.py",
            (
                '@bp.route("/new", methods=["GET", "POST"])\n@login_required\ndef create() -> ResponseReturnValue:\n',
                '@bp.route("/new", methods=["GET", "POST"])\n'
                "def create() -> ResponseReturnValue:  # plant: login-required\n",
            ),
        ),
    ],
    "etl-pipeline": [
        ("load.py", COMMON_PLANTS),
        (
            "load.py",
            """

def review_plant_rows(engine: Engine, orders: list[Order], sku: str) -> None:
    from sqlalchemy import text

    for order in orders:
        with engine.begin() as connection:  # plant: commit-in-loop
            connection.execute(select(OrderRow).where(OrderRow.order_id == order.order_id))  # plant: query-in-loop
    with engine.begin() as connection:
        connection.execute(text("SELECT * FROM orders WHERE sku = '%s'" % sku))  # plant: sql-formatting
""",
        ),
        (
            "api.py",
            """

@bp.get("/review-boom")
def review_boom():  # plant: probe
    raise RuntimeError("planted")
""",
        ),
    ],
}


def findings(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in output.splitlines() if (m := FINDING.match(line))]


@pytest.fixture(scope="session")
def solved_apps(tmp_path_factory) -> dict[str, Path]:
    """Each template's reference solution, rendered once (no git)."""
    from scaffolder.generate import new_project

    root = tmp_path_factory.mktemp("review-solved")
    return {
        name: new_project(name, {}, root / name, no_input=True, solved=True, git=False).path for name in TEMPLATE_NAMES
    }


def plant(project: Path, name: str) -> list[tuple[str, int, str]]:
    """Plant the problems of PLANTS[name] in `project`; return the (file, line, rule) of each."""
    package = project / project.name
    for relative, change in PLANTS[name]:
        path = package / relative
        text = path.read_text(encoding="utf-8")
        if isinstance(change, tuple):
            assert change[0] in text, f"{relative} no longer holds the code this test changes"
            text = text.replace(change[0], change[1])
        else:
            text += change
        path.write_text(text, encoding="utf-8")
    expected = []
    for relative in sorted({relative for relative, _ in PLANTS[name]}):
        lines = (package / relative).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if match := PLANT.search(line):
                expected.append((f"{project.name}/{relative}", number, match["rule"]))
    return expected


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_review_finds_nothing_in_the_reference_solution(cli, solved_apps, name):
    result = cli("review", solved_apps[name])
    assert result.exit_code == 0, result.output
    assert findings(result.output) == []
    assert "Nothing to point at" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_review_finds_each_planted_problem(cli, solved_apps, name, tmp_path):
    project = tmp_path / solved_apps[name].name
    shutil.copytree(solved_apps[name], project)
    expected = plant(project, name)
    declared = {rule.kind for rule in load_review_rules(find_template(name).path / "review.toml").rules}
    planted = {rule for _, _, rule in expected}
    assert declared <= planted, f"no plant for the rules {declared - planted} that {name}'s review.toml declares"
    assert {"F841", "B324", "probe"} <= planted

    result = cli("review", project)

    assert result.exit_code == 1, result.output
    found = {(f["file"], int(f["line"]), f["rule"]) for f in findings(result.output)}
    missing = [item for item in expected if item not in found]
    assert missing == [], f"not found: {missing}\n{result.output}"
    # Every finding says why it matters, right under it.
    lines = result.output.splitlines()
    for index, line in enumerate(lines):
        if FINDING.match(line):
            assert lines[index + 1].startswith("    Why it matters: "), line


# Fast tests: the rule kinds on small sources, the review.toml format, bad input.


def rule_findings(tmp_path: Path, toml: str, source: str) -> list[tuple[int, str]]:
    (tmp_path / "review.toml").write_text("format = 1\n" + textwrap.dedent(toml), encoding="utf-8")
    package = tmp_path / "app"
    package.mkdir(exist_ok=True)
    (package / "views.py").write_text(textwrap.dedent(source), encoding="utf-8")
    rules = load_review_rules(tmp_path / "review.toml")
    return [(f.line, f.rule) for f in rules.check(tmp_path, "app")]


@pytest.mark.parametrize(
    "toml, source, expected",
    [
        (
            '[query-in-loop]\ncalls = ["session.get"]\n',
            """
            def titles(ids):
                before = db.session.get(Task, 1)
                for i in ids:
                    yield db.session.get(Task, i).title
                while ids:
                    try:
                        ids.pop()
                    except KeyError:
                        db.session.get(Task, 2)
                return [db.session.get(Task, i) for i in ids], before
            """,
            [(5, "query-in-loop"), (11, "query-in-loop")],
        ),
        (
            '[query-in-loop]\ncalls = ["execute"]\nexcept_loops = "batch"\n',
            """
            def load(batches, rows):
                for batch in batches:
                    connection.execute(insert, batch)
                for row in rows:
                    connection.execute(insert, [row])
            """,
            [(6, "query-in-loop")],
        ),
        (
            '[commit-in-loop]\ncalls = ["session.commit"]\n',
            """
            def save(rows):
                for row in rows:
                    db.session.add(row)
                    def later():
                        db.session.commit()
                db.session.commit()
                for row in rows:
                    db.session.commit()
            """,
            [(9, "commit-in-loop")],
        ),
        (
            '[sql-formatting]\ncalls = ["text", "execute"]\n',
            """
            def find(q, n):
                db.session.execute(text("SELECT 1 WHERE a = :q"), {"q": q})
                db.session.execute(text("SELECT " "1"))
                db.session.execute(text(f"SELECT {q}"))
                cursor.execute("SELECT %s" % q)
                cursor.execute("SELECT {}".format(q))
                sql = "SELECT * FROM t WHERE id = " + str(n)
                cursor.execute(sql)
                cursor.execute(f"SELECT 1")
            """,
            [(5, "sql-formatting"), (6, "sql-formatting"), (7, "sql-formatting"), (9, "sql-formatting")],
        ),
        (
            '[plain-password]\nfields = ["password", "password_hash"]\nhashers = ["generate_password_hash"]\n',
            """
            def register(form, user, password):
                user.password_hash = generate_password_hash(form.password.data)
                user.password_hash = form.password.data
                User(password_hash=request.form["password"])
                User(password_hash=decoys[method])
                if user.password_hash == password:
                    pass
                if form.password.data != form.confirm.data or user.password_hash is None:
                    pass
                User(password=form.password.data, password_hash=other.password_hash)
            """,
            [(4, "plain-password"), (5, "plain-password"), (7, "plain-password"), (11, "plain-password")],
        ),
        (
            '[unchecked-next]\nchecks = ["is_safe_next"]\n',
            """
            def good():
                target = request.args.get("next")
                return redirect(target if is_safe_next(target) else url_for("index"))

            def bad():
                target = request.args.get("next") or "/"
                return redirect(target)

            def worse():
                return redirect(request.form["next"])

            def unrelated():
                return redirect(request.args.get("page"))
            """,
            [(8, "unchecked-next"), (11, "unchecked-next")],
        ),
        (
            '[login-required]\nviews = ["create", "edit"]\ndecorators = ["login_required", "admin_required"]\n',
            """
            @bp.route("/new")
            @login_required
            def create():
                pass

            @bp.route("/edit")
            @limiter.limit("5/minute")
            def edit():
                pass

            @bp.route("/")
            def index():
                pass
            """,
            [(9, "login-required")],
        ),
    ],
    ids=["query-in-loop", "query-in-loop-except", *list(KINDS)[1:]],
)
def test_each_rule_kind_finds_its_trap_and_passes_the_right_way(tmp_path, toml, source, expected):
    assert rule_findings(tmp_path, toml, source) == expected


def test_a_rule_only_reads_the_files_it_names(tmp_path):
    toml = '[login-required]\nfiles = ["other.py"]\nviews = ["create"]\n'
    assert rule_findings(tmp_path, toml, "def create():\n    pass\n") == []


@pytest.mark.parametrize(
    "toml, message",
    [
        ("format = 2\n", "expected format = 1"),
        ("format = 1\n[n-plus-one]\ncalls = []\n", "unknown rule kind [n-plus-one]"),
        ('format = 1\n[query-in-loop]\ncals = ["x"]\n', "unknown key 'cals'"),
        ("format = 1\n[query-in-loop]\n", "'calls' is missing"),
        ('format = 1\n[query-in-loop]\ncalls = "execute"\n', "'calls' must be a list of strings"),
        ('format = 1\n[query-in-loop]\ncalls = ["x"]\nexcept_loops = "("\n', "not a regular expression"),
        ("format = 1\n[query-in-loop\n", "cannot be read"),
    ],
)
def test_a_bad_review_toml_is_one_clear_template_error(tmp_path, toml, message):
    path = tmp_path / "review.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(TemplateError, match=re.escape(message)):
        load_review_rules(path)


def test_every_shipped_review_toml_is_valid_and_switches_rules_on():
    for name in TEMPLATE_NAMES:
        assert load_review_rules(find_template(name).path / "review.toml").rules, name


def test_review_outside_a_project_is_bad_input(cli, tmp_path):
    result = cli("review", tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not inside a practice project" in result.stderr


@pytest.mark.slow
def test_review_of_a_project_whose_code_does_not_import_is_one_line(cli, project):
    # The mini project's conftest builds its app from code that does not import.
    (project / "tests" / "conftest.py").write_text(
        "from mini_calc.missing import create_app\n\n\ndef probe_app():\n    return create_app()\n", encoding="utf-8"
    )
    result = cli("review", project)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "Error: The route probe cannot build the app: tests/conftest.py does not import: "
        "ModuleNotFoundError: No module named 'mini_calc.missing'"
    ]


def test_bandit_reads_the_package_but_not_its_tests(tmp_path):
    import subprocess

    from scaffolder.review import _bandit_command, _bandit_findings

    weak = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"
    for relative in ("app/__init__.py", "app/tests/test_app.py", "tests/test_app.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(weak, encoding="utf-8")
    run = subprocess.run(_bandit_command("app"), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    found = _bandit_findings((run.returncode, run.stdout, run.stderr), tmp_path)
    assert [(f.file, f.line, f.rule) for f in found] == [("app/__init__.py", 5, "B324")]
