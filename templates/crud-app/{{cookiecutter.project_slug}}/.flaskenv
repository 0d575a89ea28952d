# Public settings read by the `flask` command (when python-dotenv is installed).
# Never put secrets here: they belong in instance/config.py or the environment.
FLASK_APP={{ cookiecutter.project_slug }}
