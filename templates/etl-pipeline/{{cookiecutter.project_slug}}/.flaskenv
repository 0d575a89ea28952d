# Public development settings read by the `flask` command (python-dotenv).
# Never put secrets here: they belong in instance/config.py or the environment.
# The app in its development configuration (debug mode, the public SECRET_KEY
# "dev"). Production (`flask --app {{ cookiecutter.project_slug }}`, gunicorn) does not read this file.
FLASK_APP={{ cookiecutter.project_slug }}:create_app({"DEBUG": True})
FLASK_DEBUG=1
