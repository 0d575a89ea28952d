"""Exercise regions: parsing, rendering as solution or stub, and the errors for bad markers."""

from __future__ import annotations

import pytest

from scaffolder import markers
from scaffolder.exceptions import MarkerError

PY = markers.HASH
STUBS = {"views": markers.StubText(3, "views", "List views"), "api": markers.StubText(4, "api", "JSON API")}


def render(text: str, solved: set[str], style=PY, python=True) -> str:
    pieces = markers.parse(text, style, "pkg/file.py")
    return markers.render(pieces, style, lambda slug: slug in solved, STUBS.__getitem__, python)


SOURCE = """\
def index():
    # BEGIN SOLUTION views
    return render_template("index.html")
    # END SOLUTION


def api():
    # BEGIN SOLUTION api
    return jsonify(ok=True)
    # STUB
    # return jsonify(ok=False)
    # END SOLUTION api
"""


def test_solved_render_keeps_the_solution_and_drops_the_markers():
    out = render(SOURCE, {"views", "api"})
    assert 'return render_template("index.html")' in out
    assert "return jsonify(ok=True)" in out
    assert "SOLUTION" not in out and "STUB" not in out and "jsonify(ok=False)" not in out


def test_learner_render_raises_not_implemented_naming_the_exercise():
    out = render(SOURCE, set())
    assert "render_template" not in out
    assert '    raise NotImplementedError("Exercise 3 (views) is not done yet: see EXERCISES.md")\n' in out, (
        "the default stub keeps the indentation of the BEGIN line"
    )
    assert "    # TODO exercise 3 (views): List views. See EXERCISES.md.\n" in out
    compile(out, "file.py", "exec")


def test_explicit_stub_is_uncommented_at_its_indentation():
    out = render(SOURCE, {"views"})
    assert "    return jsonify(ok=False)\n" in out
    assert "jsonify(ok=True)" not in out


def test_jinja_regions_use_jinja_comments():
    text = (
        "<ul>\n{# BEGIN SOLUTION views #}\n{% for t in tasks %}<li>{{ t }}</li>{% endfor %}\n"
        "{# STUB #}\n{# <li>none</li> #}\n{# END SOLUTION #}\n</ul>\n"
    )
    out = render(text, set(), markers.JINJA, python=False)
    assert out == "<ul>\n{# TODO exercise 3 (views): List views. See EXERCISES.md. #}\n<li>none</li>\n</ul>\n"


def test_non_python_region_without_stub_leaves_only_a_todo_comment():
    text = "[tool]\n# BEGIN SOLUTION api\nkey = 1\n# END SOLUTION\n"
    assert render(text, set(), python=False) == "[tool]\n# TODO exercise 4 (api): JSON API. See EXERCISES.md.\n"


def test_crlf_line_endings_survive():
    text = "x = 1\r\n# BEGIN SOLUTION api\r\ny = 2\r\n# END SOLUTION\r\nz = 3\r\n"
    assert render(text, {"api"}) == "x = 1\r\ny = 2\r\nz = 3\r\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# BEGIN SOLUTION a\n# BEGIN SOLUTION b\n# END SOLUTION\n", "line 2: regions cannot nest"),
        ("x = 1\n# BEGIN SOLUTION a\nx = 2\n", "line 2: the region of 'a' is never closed"),
        ("# END SOLUTION\n", "line 1: END SOLUTION without a BEGIN SOLUTION"),
        ("# STUB\n", "line 1: STUB outside"),
        ("# BEGIN SOLUTION\n# END SOLUTION\n", "line 1: BEGIN SOLUTION must name the exercise slug"),
        ("x = 1  # BEGIN SOLUTION a\n", "line 1: a marker must stand alone on its line"),
        ("# BEGIN SOLUTION a\n# END SOLUTION b\n", "line 2: END SOLUTION b closes the region of 'a'"),
        (
            "# BEGIN SOLUTION a\n# STUB\n# STUB\n# END SOLUTION\n",
            "line 3: the region opened at line 1 has a second STUB",
        ),
        ("# BEGIN SOLUTION a\n# STUB\nreturn 1\n# END SOLUTION\n", "line 3: stub lines must be commented out"),
    ],
)
def test_bad_markers_name_the_file_and_line(text, problem):
    with pytest.raises(MarkerError) as caught:
        markers.parse(text, PY, "pkg/file.py")
    assert f"pkg/file.py, {problem}" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "opener"),
    [("views.py", "#"), ("index.html", "{#"), ("Dockerfile", "#"), (".flaskenv", "#"), ("README.md", "<!--")],
)
def test_comment_style_follows_the_file_type(name, opener):
    from pathlib import PurePath

    assert markers.style_for(PurePath(name)).opener == opener


def test_unknown_file_type_has_no_style():
    from pathlib import PurePath

    assert markers.style_for(PurePath("data.bin")) is None


def test_blank_stub_lines_carry_no_trailing_spaces():
    text = (
        "class A:\n    # BEGIN SOLUTION views\n    x = 1\n    # STUB\n    # y = 1\n    #\n    # z = 2\n"
        "    # END SOLUTION\n"
    )
    out = render(text, set())
    assert "    y = 1\n\n    z = 2\n" in out
    assert not [line for line in out.splitlines() if line and not line.strip()], "no whitespace-only lines"
