# Public development settings, read by the `flask` command through python-dotenv.
# Never put secrets here: they belong in instance/config.py or the environment.
# The app in its development configuration (debug mode, the public SECRET_KEY
# "dev"). Production servers (gunicorn wsgi:app, APP_CONFIG=production) do not read this file.
FLASK_APP={{ cookiecutter.project_slug }}:create_app("development")
# The reloader and the interactive debugger of `flask run`.
FLASK_DEBUG=1
