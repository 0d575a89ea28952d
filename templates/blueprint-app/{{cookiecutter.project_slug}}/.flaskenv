FLASK_APP={{ cookiecutter.project_slug }}
FLASK_DEBUG=1
