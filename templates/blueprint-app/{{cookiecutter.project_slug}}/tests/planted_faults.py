"""Exercise 13: planted faults, and the pytest plugin that runs your tests against them.

Each fault is a wrong version of the blog's `edit` or `delete` view, the kind
of slip a real pull request could contain. `test_13_write_tests.py` runs your
file `tests/owner_rule_tests.py` in a separate pytest process with this
plugin: every one of your tests runs once against the reference views and
once with each fault swapped into the app that the `app` fixture builds. A
good set of tests passes on the reference and fails on every fault.

You may read this file, but try to write your tests from the rules in
EXERCISES.md first: that is what an interviewer asks for.
"""

import json

import pytest
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from {{ cookiecutter.project_slug }}.blog.forms import PostForm
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Post, tags_named
from {{ cookiecutter.project_slug }}.validation import parse_tags

REFERENCE = "reference"
_RESULTS = pytest.StashKey[dict]()


def _save_form(post, form):
    post.title = form.title.data
    post.body = form.body.data
    post.tags = tags_named(parse_tags(form.tags.data or ""))
    db.session.commit()
    flash("Post updated.")
    return redirect(url_for("blog.detail", post_id=post.id))


def _render_form(form, post):
    return render_template("blog/form.html", form=form, post=post), 400 if form.is_submitted() else 200


@login_required
def edit_without_owner_check(post_id):
    post = db.get_or_404(Post, post_id)
    form = PostForm()
    if form.validate_on_submit():
        return _save_form(post, form)
    return _render_form(form, post)


@login_required
def delete_without_owner_check(post_id):
    post = db.get_or_404(Post, post_id)
    db.session.delete(post)
    db.session.commit()
    flash("Post deleted.")
    return redirect(url_for("blog.index"))


@login_required
def edit_checking_after_saving(post_id):
    post = db.get_or_404(Post, post_id)
    form = PostForm()
    if form.validate_on_submit():
        _save_form(post, form)
    if post.author_id != current_user.id and not current_user.is_admin:
        abort(403)
    if form.is_submitted() and not form.errors:
        return redirect(url_for("blog.detail", post_id=post.id))
    return _render_form(form, post)


def _owner_only(post_id):
    """The owner check without the admin exception."""
    post = db.get_or_404(Post, post_id)
    if post.author_id != current_user.id:
        abort(403)
    return post


@login_required
def edit_refusing_admins(post_id):
    post = _owner_only(post_id)
    form = PostForm()
    if form.validate_on_submit():
        return _save_form(post, form)
    return _render_form(form, post)


def delete_without_login_required(post_id):
    post = db.get_or_404(Post, post_id)
    if not current_user.is_authenticated or (post.author_id != current_user.id and not current_user.is_admin):
        abort(403)
    db.session.delete(post)
    db.session.commit()
    return redirect(url_for("blog.index"))


# name -> (what is wrong, in plain words; {endpoint: replacement view})
FAULTS = {
    "edit-without-owner-check": (
        "any logged-in user can edit any post (the edit view never checks the author)",
        {"blog.edit": edit_without_owner_check},
    ),
    "delete-without-owner-check": (
        "any logged-in user can delete any post (the delete view never checks the author)",
        {"blog.delete": delete_without_owner_check},
    ),
    "edit-saves-before-checking": (
        "another user's edit is saved first and only then refused with 403, so the post has changed",
        {"blog.edit": edit_checking_after_saving},
    ),
    "admin-refused": (
        "an admin gets 403 when editing someone else's post (the admin exception is missing)",
        {"blog.edit": edit_refusing_admins},
    ),
    "delete-anonymous-403": (
        "an anonymous visitor who posts to the delete URL gets 403 instead of being sent to the login page",
        {"blog.delete": delete_without_login_required},
    ),
}


def pytest_addoption(parser):
    parser.addoption("--planted-report", help="write the outcome of every test under every version here (JSON)")


def pytest_generate_tests(metafunc):
    # Every test runs once per version: the reference, then each fault.
    if "planted_version" in metafunc.fixturenames:
        metafunc.parametrize("planted_version", [REFERENCE, *FAULTS], indirect=True)


@pytest.fixture(autouse=True)
def planted_version(request, app):
    """Swap this run's faulty views into the app of the `app` fixture."""
    name = request.param
    if name != REFERENCE:
        app.view_functions.update(FAULTS[name][1])
    return name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    version = getattr(item, "callspec", None) and item.callspec.params.get("planted_version")
    if version and (report.failed or report.when == "call"):
        results = item.config.stash.setdefault(_RESULTS, {})
        name = item.originalname or item.name
        before = results.get((version, name), {"failed": False, "message": ""})
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if report.failed and crash is not None else ""
        results[(version, name)] = {
            "failed": before["failed"] or report.failed,
            "message": before["message"] or message,
        }
    return report


def pytest_sessionfinish(session):
    path = session.config.getoption("--planted-report")
    if not path:
        return
    results = session.config.stash.get(_RESULTS, {})
    data = {}
    for (version, name), outcome in results.items():
        data.setdefault(version, {})[name] = outcome
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file)
