"""The models: users, their posts, tags on posts, and API tokens."""

import secrets
from datetime import UTC, datetime

# BEGIN SOLUTION user-model
from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash
# STUB
# from flask import current_app
# from flask_login import UserMixin
# from sqlalchemy import Column, DateTime, ForeignKey, String, Table, TypeDecorator
# from sqlalchemy.engine import Dialect
# from sqlalchemy.exc import IntegrityError
# from sqlalchemy.orm import Mapped, mapped_column, relationship
# END SOLUTION

from .extensions import db, login_manager
from .routing import MAX_ID

USERNAME_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
TAG_MAX_LENGTH = 32
ABOUT_MAX_LENGTH = 500


def utcnow() -> datetime:
    """The current time in UTC, with its zone (a column default: pass it, do not call it)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always read back with its zone.

    SQLite keeps no zone, so without this a time read back is "naive" and
    could not be compared with `utcnow()` or sent as `...+00:00`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# The association table of the many-to-many relationship between posts and
# tags: one row per (post, tag) pair, and no model class of its own.
post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by one to end every session and "remember me" cookie of the user
    # (logout, password reset): Flask-Login keeps it next to the id (get_id).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # BEGIN SOLUTION migrations
    about: Mapped[str] = mapped_column(String(ABOUT_MAX_LENGTH), default="", server_default="")
    # STUB
    # # Add the `about` column here, then write its migration.
    # END SOLUTION

    # One-to-many: a user has many posts; Post.author is the other side.
    posts: Mapped[list["Post"]] = relationship(back_populates="author", cascade="all, delete-orphan")
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password`, never the password itself."""
        # BEGIN SOLUTION user-model
        method = current_app.config.get("PASSWORD_HASH_METHOD")
        if method:
            self.password_hash = generate_password_hash(password, method=method)
        else:
            # werkzeug's default: slow on purpose (see config.py).
            self.password_hash = generate_password_hash(password)
        # END SOLUTION

    def check_password(self, password: str) -> bool:
        """Whether `password` matches the stored hash."""
        # BEGIN SOLUTION user-model
        return check_password_hash(self.password_hash, password)
        # END SOLUTION

    # BEGIN SOLUTION login-logout
    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: "<id>:<session version>"."""
        return f"{self.id}:{self.session_version}"
    # STUB
    # END SOLUTION

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    body: Mapped[str] = mapped_column(String(BODY_MAX_LENGTH))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    author: Mapped[User] = relationship(back_populates="posts")
    # Many-to-many through post_tags; Tag.posts is the other side.
    tags: Mapped[list["Tag"]] = relationship(secondary=post_tags, back_populates="posts", order_by="Tag.name")

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.title!r}>"


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX_LENGTH), unique=True)

    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class ApiToken(db.Model):
    """An API token. Only its SHA-256 hash is stored, like a password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="tokens")


def tags_named(names: list[str]) -> list[Tag]:
    """The Tag rows for these names, creating the ones that do not exist yet.

    Two requests may add the same new tag at once: both find it missing, and
    the second insert breaks the unique constraint on `Tag.name`. Each new tag
    is inserted in a savepoint (`begin_nested`), so losing that race undoes
    only this insert, and the other request's row is used instead.
    """
    if not names:
        return []
    existing = {tag.name: tag for tag in db.session.execute(db.select(Tag).where(Tag.name.in_(names))).scalars()}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            try:
                with db.session.begin_nested():
                    tag = Tag(name=name)
                    db.session.add(tag)
            except IntegrityError:
                tag = db.session.execute(db.select(Tag).where(Tag.name == name)).scalar_one()
        tags.append(tag)
    return tags


# One decoy password hash per hashing method, made on first use (see authenticate).
_decoy_hashes: dict[str | None, str] = {}


def authenticate(username: str, password: str) -> User | None:
    """The user with this (normalised) username whose password matches, or None.

    Checking a password hash is slow on purpose (tens of milliseconds). If an
    unknown username skipped it, the answer would come back faster, and the
    time alone would tell which usernames exist. So an unknown username has
    the password checked all the same, once, against a decoy hash made with
    the same method.
    """
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD")
        if method not in _decoy_hashes:
            decoy = User()
            decoy.set_password(secrets.token_urlsafe())
            _decoy_hashes[method] = decoy.password_hash
        User(password_hash=_decoy_hashes[method]).check_password(password)
        return None
    return user if user.check_password(password) else None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login calls this on each request with the id kept in the session."""
    # BEGIN SOLUTION login-logout
    # A session or remember cookie made before the last logout or password
    # reset carries an older session version: it no longer logs anyone in.
    number, _, version = user_id.partition(":")
    if not (number + version).isascii() or not number.isdigit() or not version.isdigit() or int(number) > MAX_ID:
        return None
    user = db.session.get(User, int(number))
    if user is None or user.session_version != int(version):
        return None
    return user
    # STUB
    # if not user_id.isascii() or not user_id.isdigit() or int(user_id) > MAX_ID:
    #     return None
    # return db.session.get(User, int(user_id))
    # END SOLUTION
