"""The WSGI entry point for production servers: `gunicorn wsgi:app`.

The configuration comes from the environment (APP_CONFIG=production,
FLASK_SECRET_KEY, FLASK_SQLALCHEMY_DATABASE_URI...), never from this file.
"""

# BEGIN SOLUTION deployment
from {{ cookiecutter.project_slug }} import create_app

app = create_app()
# STUB
# # Build the app here, as a module-level name `app`.
# END SOLUTION
