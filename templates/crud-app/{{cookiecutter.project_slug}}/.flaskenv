# Public development settings, read by the `flask` command through python-dotenv.
# Never put secrets here: they belong in instance/config.py or the environment.
FLASK_APP={{ cookiecutter.project_slug }}
# Debug mode: the reloader, the interactive debugger and the development
# SECRET_KEY. Production servers (gunicorn) do not read this file.
FLASK_DEBUG=1
