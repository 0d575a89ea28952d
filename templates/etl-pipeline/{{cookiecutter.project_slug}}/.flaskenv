# Public development settings read by the `flask` command (python-dotenv).
# Never put secrets here: they belong in instance/config.py or the environment.
FLASK_APP={{ cookiecutter.project_slug }}
FLASK_DEBUG=1
