"""Exercise 4 (registration): a Flask-WTF registration form with validators and CSRF."""

import pytest
from conftest import PASSWORD, AuthActions, csrf_token_in, file_database_app, row_committed_after_first_check

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

pytestmark = pytest.mark.exercise("registration")


def users(app):
    with app.app_context():
        return [(u.username, u.email) for u in db.session.execute(db.select(User).order_by(User.id)).scalars()]


def test_the_form_has_the_four_fields(client):
    response = client.get("/auth/register")
    assert response.status_code == 200, "GET /auth/register should show the form"
    for name in ("username", "email", "password", "password2"):
        assert f'name="{name}"' in response.text, f"the registration form should have a {name!r} field"


def test_registering_saves_the_user_and_redirects_to_login(app, client, auth):
    response = auth.register("alice", email="Alice@Example.com")
    assert response.headers.get("Location") == "/auth/login", (
        "a valid registration should redirect to the login page, /auth/login"
    )
    assert users(app) == [("alice", "alice@example.com")], "the user should be saved, the email in lowercase"
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.password_hash != PASSWORD and user.check_password(PASSWORD), (
            "the password should be stored through set_password(), as a hash"
        )
    with client.session_transaction() as session:
        flashed = [message for _, message in session.get("_flashes", [])]
    assert "Registration complete. You can log in now." in flashed, (
        "flash('Registration complete. You can log in now.') for the login page"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, "Choose a username."),
        ({"username": "al"}, "Field must be between 3 and 32 characters long."),
        ({"username": "bad name!"}, "Use letters, digits and underscores only."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": "short", "password2": "short"}, "Field must be between 8 and 128 characters long."),
        ({"password2": "something else"}, "Passwords must match."),
    ],
    ids=["no-username", "short-username", "bad-characters", "bad-email", "short-password", "mismatch"],
)
def test_invalid_data_shows_the_error_next_to_the_field(app, client, changes, message):
    data = {"username": "alice", "email": "alice@example.com", "password": PASSWORD, "password2": PASSWORD}
    response = client.post("/auth/register", data={**data, **changes})
    assert response.status_code == 400, "an invalid registration should answer 400 and show the form again"
    assert message in response.text, f"the form should show the error {message!r}"
    assert users(app) == [], "an invalid registration should save nothing"


def test_a_taken_username_is_refused_whatever_the_case(app, client, auth):
    auth.create_user("alice")
    response = auth.register("ALICE", email="other@example.com")
    assert response.status_code == 400, "a username that exists (in any case) should be refused with 400"
    assert "This username is taken." in response.text, "the form should say 'This username is taken.'"


def test_a_registered_email_is_refused(client, auth):
    auth.create_user("alice", email="alice@example.com")
    response = auth.register("bob", email="ALICE@example.com")
    assert response.status_code == 400, "an email address already registered should be refused with 400"
    assert "This email address is already registered." in response.text, (
        "the form should say 'This email address is already registered.'"
    )


def test_script_in_a_field_is_escaped(client):
    response = client.post("/auth/register", data={"username": "<script>x</script>", "email": "x"})
    assert "<script>x</script>" not in response.text, "what the user typed must be shown escaped, never as HTML"


def test_the_form_works_with_csrf_on(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token_in(client.get("/auth/register").text)
    data = {"username": "alice", "email": "a@example.com", "password": PASSWORD, "password2": PASSWORD}
    refused = client.post("/auth/register", data=data)
    assert refused.status_code == 400, "without its CSRF token the form should be refused with 400"
    response = client.post("/auth/register", data={**data, "csrf_token": token})
    assert response.headers.get("Location") == "/auth/login", (
        "the page's own form, with its csrf_token, should register the user (use form.hidden_tag())"
    )


def test_a_name_taken_by_a_concurrent_registration_is_a_form_error(tmp_path):
    app = file_database_app(tmp_path)
    client = app.test_client()
    other = {"username": "alice", "email": "other@example.com", "password_hash": "x", "is_admin": False}
    with row_committed_after_first_check(app, User.__table__, **other) as raced:
        response = AuthActions(app, client).register("alice")
    assert raced, "a valid registration should save the user (the test races it with another request)"
    assert response.status_code == 400, (
        "when another request registers the same username between the check and the insert, the unique "
        "constraint refuses the insert (IntegrityError): roll back and answer the form again with 400, not 500"
    )
    assert "This username is taken." in response.text, "the form should then say 'This username is taken.'"
    assert users(app) == [("alice", "other@example.com")], "only the other request's user should be saved"


@pytest.mark.parametrize("variant", ["ALICE", "Alice", "\uff41lice", "\uff21\uff2c\uff29\uff23\uff25"])
def test_a_look_alike_of_a_taken_username_is_refused(app, client, auth, variant):
    auth.register("alice")
    response = auth.register(variant, email="second@example.com")
    assert response.status_code == 400 and "This username is taken." in response.text, (
        f"{variant!r} is alice after NFKC and casefold: it should answer 400 with 'This username is taken.'"
    )
    assert [name for name, _ in users(app)] == ["alice"], "only the first alice should be saved"


def test_usernames_are_saved_normalised(app, auth):
    auth.register("Stra\u00dfe_\uff11")
    assert [name for name, _ in users(app)] == ["strasse_1"], (
        "the username should be saved after NFKC and casefold: 'Straße_１' becomes 'strasse_1'"
    )
