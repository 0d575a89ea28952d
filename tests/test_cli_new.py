"""`scaffolder new`: what a learner gets, and how bad input is refused without side effects."""

from __future__ import annotations

import io
import subprocess

import pytest

from .conftest import listing, tree


def new(cli, tmp_path, *args):
    return cli("new", "mini", "--no-input", "--output-dir", tmp_path / "out", *args)


def test_learner_project_has_stubs_docs_and_a_first_commit(cli, fixture_templates, tmp_path):
    result = new(cli, tmp_path)
    assert result.exit_code == 0, result.output
    project = tmp_path / "out" / "mini_calc"
    calc = (project / "mini_calc" / "calc.py").read_text()
    assert 'raise NotImplementedError("Exercise 1 (add) is not done yet: see EXERCISES.md")' in calc
    assert "return a + b" not in calc, "the reference solution must not reach the learner"
    assert 'f"Hello, {name}!"' not in calc
    assert "{{ greeting }}" not in (project / "mini_calc" / "templates" / "greet.html").read_text()
    exercises = (project / "EXERCISES.md").read_text()
    assert "## 1. Add two numbers" in exercises and "add(2, 3) returns 5" in exercises
    assert "An f-string helps" not in exercises, "hints are revealed by `scaffolder hint`, not printed up front"
    assert "`mini_calc/calc.py`" in exercises, "{package} in the manifest becomes the package name"
    assert '"mini_calc/calc.py"' in (project / "exercises.toml").read_text()
    assert (project / ".gitignore").is_file(), "dotfiles survive rendering"
    assert not [p for p in listing(tmp_path / "out") if "__pycache__" in p or ".scaffolder-" in p]
    log = subprocess.run(["git", "log", "--format=%an|%s"], cwd=project, capture_output=True, text=True, check=True)
    assert log.stdout.strip() == "scaffolder learner|Start mini practice project", "one commit, even with no git user"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True)
    assert status.stdout == "", "the commit holds the whole starting state"
    assert "cd " in result.output and "scaffolder check" in result.output and "EXERCISES.md" in result.output


def test_solved_and_solved_through(cli, fixture_templates, tmp_path):
    assert new(cli, tmp_path, "--solved", "--no-git").exit_code == 0
    calc = (tmp_path / "out" / "mini_calc" / "mini_calc" / "calc.py").read_text()
    assert "return a + b" in calc and 'f"Hello, {name}!"' in calc and "SOLUTION" not in calc and "TODO" not in calc
    assert not (tmp_path / "out" / "mini_calc" / ".git").exists(), "--no-git makes no repository"

    result = cli("new", "mini", "--no-input", "-o", tmp_path / "half", "--solved-through", "1")
    assert result.exit_code == 0, result.output
    calc = (tmp_path / "half" / "mini_calc" / "mini_calc" / "calc.py").read_text()
    assert "return a + b" in calc and "Hello" not in calc and "TODO exercise 2 (greet)" in calc


def test_key_value_sets_variables_and_is_not_evaluated(cli, fixture_templates, tmp_path):
    result = new(cli, tmp_path, "project_name=My Calc", "project_slug=calc_two")
    assert result.exit_code == 0, result.output
    init = (tmp_path / "out" / "calc_two" / "calc_two" / "__init__.py").read_text()
    assert init.startswith('"""My Calc: a fixture package."""')


def test_prompts_for_the_name_unless_no_input(cli, fixture_templates, tmp_path):
    result = cli("new", "mini", "-o", tmp_path, "--no-git", input="Prompted Calc\n\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "prompted_calc" / "prompted_calc").is_dir(), "the answer to the name question sets the slug"


class Terminal(io.BytesIO):
    """Typed answers, read as from a terminal: `new` asks again after an unusable one."""

    def isatty(self) -> bool:
        return True


def ask(cli, tmp_path, typed: str):
    return cli("new", "mini", "-o", tmp_path, "--no-git", input=Terminal(typed.encode()))


def test_questions_are_in_words_and_the_slug_is_transliterated(cli, fixture_templates, tmp_path):
    result = ask(cli, tmp_path, "Mon Projet d'été\n\n")
    assert result.exit_code == 0, result.output
    assert "[1/2] Project name (Mini Calc): " in result.stdout
    assert "[2/2] Python package and folder name (mon_projet_d_ete): " in result.stdout
    assert "project_name" not in result.stdout and "project_slug" not in result.stdout, "no raw keys in the questions"
    init = (tmp_path / "mon_projet_d_ete" / "mon_projet_d_ete" / "__init__.py").read_text()
    assert init.startswith('"""Mon Projet d\'été: a fixture package."""')


def test_an_unusable_answer_is_explained_in_one_line_and_asked_again(cli, fixture_templates, tmp_path):
    result = ask(cli, tmp_path, 'My "Calc"\nMy Calc\nclass\n\n')
    assert result.exit_code == 0, result.output
    # What the terminal shows, the typed answers aside: each question, then why its answer was refused.
    assert result.stdout.startswith(
        "  [1/2] Project name (Mini Calc): The name must not contain double quotes or backslashes.\n"
        "  [1/2] Project name (Mini Calc): "
        "  [2/2] Python package and folder name (my_calc): 'class' cannot be a Python package name: use lowercase "
        "ASCII letters, digits and underscores, starting with a letter, and not a Python keyword.\n"
        "  [2/2] Python package and folder name (my_calc): Created "
    )
    assert (tmp_path / "my_calc" / "my_calc").is_dir()
    assert result.stderr == ""


def test_a_name_without_letters_asks_for_the_package_name_with_no_default(cli, fixture_templates, tmp_path):
    result = ask(cli, tmp_path, "🚀 !\n\nrocket\n")
    assert result.exit_code == 0, result.output
    assert "The name '🚀 !' has no letters or digits to make a package name from; type one.\n" in result.stdout
    assert "[2/2] Python package and folder name: " in result.stdout, "no empty default is offered"
    assert (tmp_path / "rocket" / "rocket").is_dir()


def test_an_unusable_package_name_made_from_the_name_is_not_offered(cli, fixture_templates, tmp_path):
    result = ask(cli, tmp_path, "2024 Tasks\ntasks_2024\n")
    assert result.exit_code == 0, result.output
    assert "'2024_tasks' cannot be a Python package name: use lowercase ASCII letters" in result.stdout
    assert "(2024_tasks)" not in result.stdout
    assert (tmp_path / "tasks_2024" / "tasks_2024").is_dir()


def test_the_end_of_input_after_an_unusable_answer_creates_nothing(cli, fixture_templates, tmp_path):
    result = ask(cli, tmp_path, "json\n\n")
    assert "'json' is already the name of a module" in result.stdout
    assert result.exit_code == 2
    assert result.stderr == "Error: No answer given; use --no-input or key=value to skip the questions.\n"
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ('My "Calc"\n\n', "Error: project_name must not contain double quotes or backslashes.\n"),
        ("json\n\n", "Error: The project_slug 'json', made from project_name 'json', is already the name of a module"),
    ],
)
def test_without_a_terminal_an_unusable_answer_ends_new(cli, fixture_templates, tmp_path, typed, message):
    result = cli("new", "mini", "-o", tmp_path, "--no-git", input=typed)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert listing(tmp_path) == []


def test_without_a_terminal_the_slug_is_transliterated_too(cli, fixture_templates, tmp_path):
    result = cli("new", "mini", "-o", tmp_path, "--no-git", input="Mon Projet d'été\n\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mon_projet_d_ete" / "mon_projet_d_ete").is_dir()


def test_user_cookiecutter_config_and_replay_dir_are_left_alone(cli, fixture_templates, tmp_path, isolated_home):
    (isolated_home / ".cookiecutterrc").write_text('default_context:\n  project_name: "From RC"\n')
    assert new(cli, tmp_path, "--no-git").exit_code == 0
    assert (tmp_path / "out" / "mini_calc").is_dir(), "~/.cookiecutterrc must not change the result"
    assert listing(isolated_home) == [".cookiecutterrc"], "no replay files or caches in the learner's home"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["project_slug=../x"], "project_slug '../x' cannot be a Python package name"),
        (["project_slug=a/b"], "project_slug 'a/b' cannot be a Python package name"),
        (["project_slug=class"], "project_slug 'class' cannot be a Python package name"),
        (["project_slug=json"], "project_slug 'json' is already the name of a module"),
        (["project_slug=pluggy"], "project_slug 'pluggy' is already the name of a module"),
        (["project_slug=markupsafe"], "project_slug 'markupsafe' is already the name of a module"),
        (["project_slug=conftest"], "project_slug 'conftest' is already the name of a module"),
        (["project_slug=_pytest"], "project_slug '_pytest' is already the name of a module"),
        (["project_name=Itsdangerous"], "The project_slug 'itsdangerous', made from project_name 'Itsdangerous',"),
        (["project_name=2024 Tâches"], "'2024_taches', made from project_name '2024 Tâches', cannot be"),
        (["project_name=2024 Tâches"], "Give one with project_slug=my_project."),
        (["project_name=🚀"], "project_name '🚀' has no letters or digits to make project_slug from."),
        (["project_name=?!…"], "project_name '?!…' has no letters or digits to make project_slug from."),
        (["project_name=" + "x" * 5000], "project_name is 5000 characters long; keep it to 100"),
        (["project_slug=" + "x" * 300], "project_slug '" + "x" * 300 + "' is longer than 64 characters"),
        (["project_name=T\udcc3\udca2che"], "holds bytes that are not text in this terminal's encoding"),
        (["project_name="], "project_name must not be empty"),
        (["project_name=My \\N Tasks"], "must not contain double quotes or backslashes"),
        (['project_name=My """ Tasks'], "must not contain double quotes or backslashes"),
        (["project_name={{ 7*7 }}"], "project_name may not contain template syntax"),
        (["colour=red"], "Unknown template variable 'colour'; mini takes project_name, project_slug"),
        (["project_name"], "Expected key=value"),
        (["--solved-through", "3"], "--solved-through takes 0 to 2"),
        (["--solved", "--solved-through", "1"], "Use either --solved or --solved-through"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_creates_nothing(cli, fixture_templates, tmp_path, args, message):
    result = new(cli, tmp_path, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert not (tmp_path / "out").exists(), "a refused project leaves nothing behind"
    assert "Traceback" not in result.output


def test_unknown_template_names_the_closest(cli, tmp_path):
    result = cli("new", "crud-ap", "--no-input", "-o", tmp_path)
    assert result.exit_code == 2
    assert "Unknown template 'crud-ap'. Did you mean 'crud-app'?" in result.stderr
    assert listing(tmp_path) == []


def test_existing_target_is_refused_and_untouched(cli, fixture_templates, tmp_path):
    target = tmp_path / "out" / "mini_calc"
    target.mkdir(parents=True)
    (target / "my_work.py").write_text("precious = True\n")
    before = tree(tmp_path)
    result = new(cli, tmp_path)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert tree(tmp_path) == before
    assert listing(tmp_path / "out") == ["mini_calc", "mini_calc/my_work.py"], "no staging directory left behind"


def test_output_dir_that_is_a_file_is_refused(cli, fixture_templates, tmp_path):
    (tmp_path / "out").write_text("not a directory")
    result = new(cli, tmp_path)
    assert result.exit_code == 2
    assert (tmp_path / "out").read_text() == "not a directory"


def test_broken_markers_fail_the_render_and_leave_nothing(cli, fixture_templates, tmp_path, monkeypatch):
    import shutil

    broken = tmp_path / "templates"
    shutil.copytree(fixture_templates, broken)
    calc = broken / "mini" / "{{cookiecutter.project_slug}}" / "{{cookiecutter.project_slug}}" / "calc.py"
    calc.write_text(calc.read_text().replace("    # END SOLUTION\n\n\ndef greet", "\n\ndef greet", 1))
    monkeypatch.setenv("SCAFFOLDER_TEMPLATES", str(broken))
    result = new(cli, tmp_path)
    assert result.exit_code == 1
    assert "mini_calc/calc.py, line 7: regions cannot nest; the region opened at line 2 is not closed." in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_template_file_that_is_not_valid_jinja_is_one_line(cli, tmp_path, monkeypatch):
    import shutil

    from .conftest import FIXTURE_TEMPLATES

    templates = tmp_path / "templates"
    shutil.copytree(FIXTURE_TEMPLATES, templates)
    (templates / "mini" / "{{cookiecutter.project_slug}}" / "NOTES.md").write_text("Use {{ this }\n")
    monkeypatch.setenv("SCAFFOLDER_TEMPLATES", str(templates))
    result = cli("new", "mini", "--no-input", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Rendering mini failed: ") and result.stderr.count("\n") == 1
    assert "NOTES.md" in result.stderr and "line 1" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_that_exists_is_explained_and_asked_again(cli, fixture_templates, tmp_path):
    (tmp_path / "my_calc").mkdir()
    result = ask(cli, tmp_path, "My Calc\n\nother_calc\n")
    assert result.exit_code == 0, result.output
    assert f"'my_calc' is taken: {tmp_path / 'my_calc'} already exists; choose another folder name." in result.stdout
    assert (tmp_path / "other_calc" / "other_calc").is_dir() and not any((tmp_path / "my_calc").iterdir())


def test_the_project_s_manifest_keeps_the_hints_sealed(cli, project):
    text = (project / "exercises.toml").read_text(encoding="utf-8")
    assert "An f-string helps." not in text and "return f'Hello, {name}!'" not in text, "no hint read by accident"
    assert text.count("hints_sealed = ") == 2
    assert "An f-string helps." in cli("hint", "2", project).stdout, "scaffolder hint still reveals them"
