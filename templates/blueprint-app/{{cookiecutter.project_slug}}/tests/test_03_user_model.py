"""Exercise 3 (user-model): password hashing with werkzeug.security."""

import pytest

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("user-model")


def test_the_password_is_stored_as_a_hash(app):
    with app.app_context():
        user = User(username="alice", email="alice@example.com")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
        stored = db.session.execute(db.select(User.password_hash)).scalar_one()
    assert stored, "set_password() should fill in password_hash"
    assert "correct horse battery" not in stored, "the database must never hold the password itself"
    assert stored.startswith("pbkdf2:sha256:1000$"), (
        "set_password() should hash with the method in the PASSWORD_HASH_METHOD setting "
        "(the tests use pbkdf2:sha256:1000)"
    )


def test_two_users_with_the_same_password_get_different_hashes(app):
    with app.app_context():
        first, second = User(), User()
        first.set_password("same password")
        second.set_password("same password")
    assert first.password_hash != second.password_hash, "each hash should have its own random salt"


def test_check_password(app):
    with app.app_context():
        user = User()
        user.set_password("correct horse battery")
        assert user.check_password("correct horse battery"), "check_password() should accept the right password"
        assert not user.check_password("wrong"), "check_password() should refuse a wrong password"
        assert not user.check_password(""), "check_password() should refuse an empty password"


def test_without_a_method_werkzeug_default_is_used(app):
    app.config["PASSWORD_HASH_METHOD"] = None
    with app.app_context():
        user = User()
        user.set_password("correct horse battery")
    assert user.password_hash.startswith("scrypt:"), (
        "with PASSWORD_HASH_METHOD = None, use werkzeug's default method (scrypt)"
    )
