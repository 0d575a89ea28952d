"""The JSON API, written as class-based views (MethodView: one method per HTTP verb).

    POST   /api/tokens            HTTP Basic (username, password) -> 201 {"token": ...}
    DELETE /api/tokens            revoke the token sent -> 204
    GET    /api/posts             a page of posts (?page=, ?per_page=)
    POST   /api/posts             create a post -> 201, Location
    GET    /api/posts/<id>        one post
    PATCH  /api/posts/<id>        change title, body or tags (author or admin)
    DELETE /api/posts/<id>        delete (author or admin) -> 204

Errors are JSON ({"error": ..., "message": ...}): see errors.py.
"""

# BEGIN SOLUTION api
from flask import Response, abort, g, request, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, Unauthorized

from ..extensions import commit_or_404, db, limiter, login_rate_limit
from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Post, authenticate, post_tags, tags_named
from ..validation import bad_character, normalize_username, page_arg, parse_tags
from . import bp
from .auth import issue_token, token_required
# STUB
# from flask import abort, request, url_for
# from flask.typing import ResponseReturnValue
# from flask.views import MethodView
# from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
#
# from ..models import Post
# from ..validation import bad_character, parse_tags
# from . import bp
# END SOLUTION

MAX_PER_PAGE = 100


def post_json(post: Post) -> dict:
    """A post as JSON; times in ISO 8601 with their zone."""
    return {
        "id": post.id,
        "title": post.title,
        "body": post.body,
        "author": post.author.username,
        # Sorted here: a post just saved keeps its tags in the order given (the
        # session does not reload them after the commit, see extensions.py).
        "tags": sorted(tag.name for tag in post.tags),
        "created": post.created.isoformat(),
        "url": url_for("api.post", post_id=post.id),
    }


def json_object() -> dict:
    """The request body as a JSON object, or abort with 400 saying what is wrong."""
    if not request.is_json:
        abort(400, description="Send a JSON object with 'Content-Type: application/json'.")
    body = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(body) >= limit:
        # A body sent without Content-Length (chunked) is cut at MAX_CONTENT_LENGTH
        # by Werkzeug, without an error: the JSON parser would then see a broken
        # document (400). A body that reaches the limit is too large: 413.
        raise RequestEntityTooLarge()
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):  # malformed JSON; deeply nested arrays exhaust the parser
        data = None
    # Any other error keeps its own answer: a body over MAX_CONTENT_LENGTH is
    # a 413 (RequestEntityTooLarge), not a malformed body.
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object.")
    return data


def text_value(data: dict, name: str, max_length: int) -> str:
    """A required, non-blank string field of at most `max_length` characters, stripped."""
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        abort(400, description=f"'{name}' must be a non-empty string.")
    value = value.strip()
    if len(value) > max_length:
        abort(400, description=f"'{name}' must be at most {max_length} characters.")
    problem = bad_character(value)
    if problem:
        abort(400, description=f"'{name}' {problem}.")
    return value


def tag_names(data: dict) -> list[str]:
    """The optional 'tags' field: a list of tag names."""
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        abort(400, description="'tags' must be a list of strings.")
    try:
        return parse_tags(",".join(tags))
    except ValueError as err:
        abort(400, description=str(err))


# BEGIN SOLUTION api
class TokenAPI(MethodView):
    # A token is a password guess too: the same limit as the login form (POST only).
    decorators = [limiter.limit(login_rate_limit, methods=["POST"])]

    def post(self) -> ResponseReturnValue:
        """Trade a username and password (HTTP Basic) for a new token."""
        auth = request.authorization
        user = None
        if auth is not None and auth.type == "basic" and auth.username and auth.password:
            # One password check whether or not the user exists (see authenticate).
            user = authenticate(normalize_username(auth.username), auth.password)
        if user is None:
            raise Unauthorized(
                description="Send your username and password with HTTP Basic authentication.",
                www_authenticate=WWWAuthenticate("basic", {"realm": "api"}),
            )
        return {"token": issue_token(user)}, 201

    @token_required
    def delete(self) -> Response:
        """Revoke the token this call was made with."""
        db.session.delete(g.api_token)
        db.session.commit()
        return no_content()


class PostListAPI(MethodView):
    # Decorators listed here wrap every method of the class.
    decorators = [token_required]

    def get(self) -> ResponseReturnValue:
        per_page = page_arg("per_page", default=20, maximum=MAX_PER_PAGE)
        query = db.select(Post).options(selectinload(Post.author), selectinload(Post.tags)).order_by(Post.id)
        page = db.paginate(query, page=page_arg(), per_page=per_page, error_out=False)
        if page.page > 1 and not page.items:
            abort(404, description="There is no such page.")
        return {
            "posts": [post_json(post) for post in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "pages": page.pages,
            "total": page.total,
        }

    def post(self) -> ResponseReturnValue:
        data = json_object()
        post = Post(
            title=text_value(data, "title", TITLE_MAX_LENGTH),
            body=text_value(data, "body", BODY_MAX_LENGTH),
            author_id=g.api_user.id,
            tags=tags_named(tag_names(data)),
        )
        db.session.add(post)
        db.session.commit()
        location = url_for("api.post", post_id=post.id)
        return post_json(post), 201, {"Location": location}


class PostAPI(MethodView):
    decorators = [token_required]

    def get(self, post_id: int) -> ResponseReturnValue:
        return post_json(db.get_or_404(Post, post_id))

    def patch(self, post_id: int) -> ResponseReturnValue:
        post = self._changeable(post_id)
        data = json_object()
        # Tags first: their lookup would flush the other changes before commit_or_404() can judge them.
        if "tags" in data:
            post.tags = tags_named(tag_names(data))
        if "title" in data:
            post.title = text_value(data, "title", TITLE_MAX_LENGTH)
        if "body" in data:
            post.body = text_value(data, "body", BODY_MAX_LENGTH)
        # 404, not 500, when another request deleted the post meanwhile.
        commit_or_404()
        return post_json(post)

    def delete(self, post_id: int) -> Response:
        self._changeable(post_id)
        # Judged by the rows removed: of two requests deleting the post at once, one answers 404.
        db.session.execute(db.delete(post_tags).where(post_tags.c.post_id == post_id))
        deleted = db.session.execute(db.delete(Post).where(Post.id == post_id)).rowcount
        db.session.commit()
        if not deleted:
            abort(404, description="This post does not exist any more.")
        return no_content()

    @staticmethod
    def _changeable(post_id: int) -> Post:
        """The post, if the token's user wrote it or is an admin; else 404 or 403."""
        post = db.get_or_404(Post, post_id)
        if post.author_id != g.api_user.id and not g.api_user.is_admin:
            abort(403, description="Only the author or an admin may change this post.")
        return post


def no_content() -> Response:
    """An empty 204 answer: no body, so no Content-Type either."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response
# STUB
# class TokenAPI(MethodView):
#     def post(self) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#     def delete(self) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#
# class PostListAPI(MethodView):
#     def get(self) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#     def post(self) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#
# class PostAPI(MethodView):
#     def get(self, post_id: int) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#     def patch(self, post_id: int) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
#
#     def delete(self, post_id: int) -> ResponseReturnValue:
#         raise NotImplementedError("Exercise 9 (api) is not done yet: see EXERCISES.md")
# END SOLUTION


bp.add_url_rule("/tokens", view_func=TokenAPI.as_view("tokens"))
bp.add_url_rule("/posts", view_func=PostListAPI.as_view("posts"))
bp.add_url_rule("/posts/<int:post_id>", view_func=PostAPI.as_view("post"))
