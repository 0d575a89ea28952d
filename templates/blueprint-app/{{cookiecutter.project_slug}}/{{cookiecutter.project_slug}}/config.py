"""Configuration classes, one per environment.

`create_app()` picks one by name from the `APP_CONFIG` environment variable
(development, testing or production), then lets `instance/config.py` and
`FLASK_*` environment variables override it (except in testing).
"""

from datetime import timedelta

# Public, so never good enough outside development: production refuses it.
DEFAULT_SECRET_KEY = "dev"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = DEFAULT_SECRET_KEY
    # None: create_app() puts a SQLite file in the instance folder.
    SQLALCHEMY_DATABASE_URI = None
    # Bodies over 1 MiB are refused with 413 before any view reads them.
    MAX_CONTENT_LENGTH = 1024 * 1024
    POSTS_PER_PAGE = 10
    # None means werkzeug's default (scrypt): deliberately slow, which is what
    # makes a stolen password hash expensive to crack.
    PASSWORD_HASH_METHOD = None
    RESET_TOKEN_MAX_AGE = 3600  # seconds a password reset link stays valid
    MAIL_DEFAULT_SENDER = "blog@localhost"
    # Seconds the background mail sender waits for the mail server at each step
    # before it gives up and logs the failure (extensions.py, BackgroundMail).
    MAIL_TIMEOUT = 10
    # The address people reach the site at, such as "https://blog.example.com".
    # Links in mail are built from it, never from the request's Host header,
    # which any client can set. Production takes it from FLASK_EXTERNAL_URL.
    EXTERNAL_URL = None
    # Host names the app answers to (Flask checks the Host header: 400 for any
    # other). None: the host of EXTERNAL_URL (see auth/reset.py, init_app).
    TRUSTED_HOSTS = None
    # How many reverse proxies sit in front of the app and set X-Forwarded-*
    # headers (0: none, the app is reached directly). Trusting more proxies
    # than there are lets any client fake its address, scheme and host.
    PROXY_COUNT = 0
    MAIL_PRINT = False
    LOG_LEVEL = "INFO"
    # Password guesses (POST /auth/login, POST /api/tokens) per client address.
    LOGIN_RATE_LIMIT = "10 per minute"
    RATELIMIT_ENABLED = True
    # Flask-Limiter keeps its counts in this process's memory: each gunicorn
    # worker counts alone, and a restart forgets. In production share one store
    # between the workers, such as Redis: FLASK_RATELIMIT_STORAGE_URI=redis://redis:6379/0
    # (pip install "limits[redis]").
    RATELIMIT_STORAGE_URI = "memory://"
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)

    # BEGIN SOLUTION sessions
    # The session cookie: not readable from JavaScript, and not sent along
    # with requests that other sites start (a first line against CSRF).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Flask-Login's "remember me" cookie gets the same protection.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # STUB
    # # Set the session and "remember me" cookie settings here.
    # END SOLUTION


class DevelopmentConfig(Config):
    """`flask run` on your machine (`.flaskenv`): mail is printed, not sent."""

    # Debug mode: chosen in code (create_app("development")), this also lets the
    # public SECRET_KEY "dev" through; chosen by APP_CONFIG it does not.
    DEBUG = True
    MAIL_SUPPRESS_SEND = True
    MAIL_PRINT = True
    EXTERNAL_URL = "http://127.0.0.1:5000"
    TRUSTED_HOSTS = ["127.0.0.1", "localhost"]


class TestingConfig(Config):
    """The test suite: in-memory database, no CSRF token needed, fast hashing."""

    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # Most tests post forms without a CSRF token; some turn it back on.
    WTF_CSRF_ENABLED = False
    # No rate limits: the tests log in many times. test_05 turns them on to test them.
    RATELIMIT_ENABLED = False
    # A cheap hash keeps the suite fast. Tests only: production keeps
    # werkzeug's slow default (PASSWORD_HASH_METHOD = None above).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    MAIL_SUPPRESS_SEND = True
    # The test client sends requests to http://localhost/.
    EXTERNAL_URL = "http://localhost"
    TRUSTED_HOSTS = ["localhost"]


class ProductionConfig(Config):
    """A real deployment: behind HTTPS, with its own secret key."""

    # No default: set FLASK_SECRET_KEY in the environment (create_app refuses
    # to start without a real one).
    SECRET_KEY = None
    LOG_LEVEL = "WARNING"
    # Set FLASK_EXTERNAL_URL (and FLASK_PROXY_COUNT=1 behind one reverse proxy).
    # And a shared store for the rate limits, FLASK_RATELIMIT_STORAGE_URI=redis://... (see Config).
    # BEGIN SOLUTION sessions
    # Cookies only travel over HTTPS.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # STUB
    # # Production cookies need one more setting each.
    # END SOLUTION


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
