"""Views of the blog blueprint: list, tag pages, show, write, edit and delete posts."""

# BEGIN SOLUTION authorization
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..extensions import commit_or_404, db
from ..models import Post, Tag, post_tags, tags_named
from ..validation import bad_character, page_arg, parse_tags
from . import bp
from .forms import PostForm
from .recent import remember_viewed
# STUB
# from flask import abort, flash, redirect, render_template, url_for
# from flask.typing import ResponseReturnValue
# from flask_login import login_required
# from flask_sqlalchemy.pagination import Pagination
# from sqlalchemy import Select
#
# from ..extensions import commit_or_404, db
# from ..models import Post, post_tags, tags_named
# from ..validation import parse_tags
# from . import bp
# from .forms import PostForm
# from .recent import remember_viewed
# END SOLUTION


def get_post_for_change(post_id: int) -> Post:
    """The post, when the current user may edit or delete it.

    404 when it does not exist; 403 unless the user wrote it or is an admin.
    """
    # BEGIN SOLUTION authorization
    post = db.get_or_404(Post, post_id)
    if post.author_id != current_user.id and not current_user.is_admin:
        abort(403)
    return post
    # END SOLUTION


# BEGIN SOLUTION posts
def paginate_posts(query: Select[tuple[Post]]) -> Pagination:
    """One page of posts; ?page= is checked (400), a page past the end is a 404."""
    page = db.paginate(query, page=page_arg(), per_page=current_app.config["POSTS_PER_PAGE"], error_out=False)
    if page.page > 1 and not page.items:
        abort(404)
    return page


def newest_posts() -> Select[tuple[Post]]:
    """Posts, newest first, with their authors and tags loaded in one query each."""
    # Without selectinload, showing `post.author.username` and `post.tags`
    # would run two more queries for every post on the page (N+1 selects).
    return (
        db.select(Post)
        .options(selectinload(Post.author), selectinload(Post.tags))
        .order_by(Post.created.desc(), Post.id.desc())
    )
# STUB
# def paginate_posts(query: Select[tuple[Post]]) -> Pagination:
#     """One page of posts; ?page= is checked (400), a page past the end is a 404."""
#     raise NotImplementedError("Exercise 7 (posts) is not done yet: see EXERCISES.md")
#
#
# def newest_posts() -> Select[tuple[Post]]:
#     """Posts, newest first, with their authors and tags loaded in one query each."""
#     raise NotImplementedError("Exercise 7 (posts) is not done yet: see EXERCISES.md")
# END SOLUTION


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every post, newest first, a page at a time."""
    # BEGIN SOLUTION posts
    return render_template("blog/index.html", page=paginate_posts(newest_posts()), tag=None)
    # END SOLUTION


@bp.route("/tag/<name>")
def tag(name: str) -> ResponseReturnValue:
    """The posts with one tag, newest first, a page at a time."""
    # BEGIN SOLUTION posts
    if bad_character(name):
        abort(404)
    tag = db.first_or_404(db.select(Tag).where(Tag.name == name))
    # Post.tags.any(...) is an EXISTS over the post_tags association table.
    query = newest_posts().where(Post.tags.any(Tag.id == tag.id))
    return render_template("blog/index.html", page=paginate_posts(query), tag=tag)
    # END SOLUTION


@bp.route("/<int:post_id>")
def detail(post_id: int) -> ResponseReturnValue:
    """One post."""
    post = db.get_or_404(Post, post_id)
    remember_viewed(post.id)
    return render_template("blog/detail.html", post=post)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    """Write a new post."""
    # BEGIN SOLUTION posts
    form = PostForm()
    if form.validate_on_submit():
        post = Post(
            title=form.title.data,
            body=form.body.data,
            author_id=current_user.id,
            tags=tags_named(parse_tags(form.tags.data or "")),
        )
        db.session.add(post)
        db.session.commit()
        flash("Post created.")
        return redirect(url_for("blog.detail", post_id=post.id))
    status = 400 if form.is_submitted() else 200
    return render_template("blog/form.html", form=form, post=None), status
    # END SOLUTION


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> ResponseReturnValue:
    """Edit a post: only its author or an admin may."""
    post = get_post_for_change(post_id)
    form = PostForm()
    if form.validate_on_submit():
        # Tags first: their lookup would flush the other changes before commit_or_404() can judge them.
        post.tags = tags_named(parse_tags(form.tags.data or ""))
        post.title = form.title.data
        post.body = form.body.data
        # Another request may delete the post between loading and saving it:
        # commit_or_404() answers 404 then, instead of a 500.
        commit_or_404()
        flash("Post updated.")
        return redirect(url_for("blog.detail", post_id=post.id))
    if not form.is_submitted():
        # GET: fill the fields in with the post.
        form.title.data = post.title
        form.body.data = post.body
        form.tags.data = ", ".join(tag.name for tag in post.tags)
    status = 400 if form.is_submitted() else 200
    return render_template("blog/form.html", form=form, post=post), status


@bp.post("/<int:post_id>/delete")
@login_required
def delete(post_id: int) -> ResponseReturnValue:
    """Delete a post: only its author or an admin may. POST only, with a CSRF token."""
    get_post_for_change(post_id)
    # One DELETE statement, judged by the rows it removed: when two requests
    # delete the same post at once, only one of them removes it; the other
    # answers 404. (Deleting the loaded object would fail instead, as its tag
    # rows are already gone.) Its tag rows go first: SQLite does not enforce ON DELETE CASCADE.
    db.session.execute(db.delete(post_tags).where(post_tags.c.post_id == post_id))
    deleted = db.session.execute(db.delete(Post).where(Post.id == post_id)).rowcount
    db.session.commit()
    if not deleted:
        abort(404, description="This post does not exist any more.")
    flash("Post deleted.")
    return redirect(url_for("blog.index"))
