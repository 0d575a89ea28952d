"""{{ cookiecutter.project_name }}: a small task list built with Flask.

Run it with `flask --app {{ cookiecutter.project_slug }} init-db`, then
`flask --app {{ cookiecutter.project_slug }} run --debug`.
"""

import os

from flask import Flask

from . import api, commands, errors, main, tasks
from .extensions import csrf, db


def create_app(test_config=None):
    """Create and configure one instance of the application.

    `test_config` is a mapping that replaces the instance configuration, so
    the tests can ask for an in-memory database and testing mode.
    """
    # BEGIN SOLUTION app-factory
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # A development default only: a real deployment sets its own key in
        # instance/config.py or in the FLASK_SECRET_KEY environment variable.
        SECRET_KEY="dev",
        SQLALCHEMY_DATABASE_URI="sqlite:///"
        + os.path.join(app.instance_path, "{{ cookiecutter.project_slug }}.sqlite"),
    )

    if test_config is None:
        # The instance folder is outside version control: local settings
        # and secrets go there. Environment variables win over both.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    # STUB
    # # Replace these two lines: create the app, then load its configuration.
    # app = Flask(__name__)
    # raise NotImplementedError("Exercise 1 (app-factory) is not done yet: see EXERCISES.md")
    # END SOLUTION

    # The instance folder holds the SQLite file and local settings.
    os.makedirs(app.instance_path, exist_ok=True)

    # Extensions are created once in extensions.py and bound to each app here.
    db.init_app(app)
    csrf.init_app(app)
    # The JSON API is called by programs, not by browser forms, so a CSRF
    # token makes no sense there: exempt the whole blueprint.
    csrf.exempt(api.bp)

    commands.init_app(app)
    errors.init_app(app)

    app.register_blueprint(main.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(api.bp)

    return app
