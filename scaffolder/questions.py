"""The interview questions the practice projects prepare for (see the curriculum)."""

QUESTIONS: dict[int, str] = {
    1: "What is Flask, and how is it different from other web frameworks?",
    2: "How do Flask and Django differ, and when would you choose each?",
    3: "How does Model-View-Controller map onto a Flask application?",
    4: "What are blueprints, and how do they help structure a large application?",
    5: "How do you create a route, and what kinds of routes are there?",
    6: "What is Jinja, Flask's template engine, and how do you use it?",
    7: "How does Flask handle sessions, and which security measures does it provide or support?",
    8: "What is an ORM, and which ORMs are used with Flask?",
    9: "What is Flask-WTF, and how do you validate forms with it?",
    10: "What are Flask extensions? Give examples.",
    11: "What is Flask-SQLAlchemy, and how do you use it?",
    12: "How do you implement authentication and authorization in Flask?",
    13: "How do you deploy a Flask application, and where can it be hosted?",
    14: "What are good practices for Flask development?",
}

# Short model answers, in this project's own words. The per-project INTERVIEW.md files
# give longer answers tied to that project; test_interview_md_and_the_bank_tell_one_story
# (tests/test_learning_loop.py) keeps the two agreeing on which exercises practise which question.
ANSWERS: dict[int, str] = {
    1: "Flask is a small WSGI web framework: Werkzeug for requests, responses and routing, Jinja for "
    "templates, plus sessions, a CLI and a test client. Everything else (database, forms, login) is an "
    "extension you choose, so it decides little for you: quick to start, and the structure is yours.",
    2: "Django is full-stack: its own ORM, migrations, admin, auth and forms, and URL patterns in urls.py. "
    "Flask is a core plus extensions, usually with SQLAlchemy, and routes as decorators on functions. "
    "Pick Django for a database-driven site that wants the admin and conventions; Flask for APIs, small "
    "services, or when you want to choose the parts.",
    3: "Flask does not enforce MVC; it is a convention. Models are the SQLAlchemy classes, the views (in "
    "MVC terms) are the Jinja templates, and the controllers are what Flask calls view functions: they read "
    "the request, use the models and pick a template or JSON response.",
    4: "A blueprint groups routes, templates and error handlers for one feature, and is registered on the "
    "app in the factory, optionally under a URL prefix. Endpoints take the blueprint's name:\n\n"
    '    bp = Blueprint("tasks", __name__)\n    app.register_blueprint(bp, url_prefix="/tasks")\n'
    '    url_for("tasks.detail", task_id=1)',
    5: "Decorate a function with `@app.route` or `@bp.route` (or `@bp.get`, `@bp.post`). Rules are static "
    "(`/about`) or have variable parts with converters (`/tasks/<int:task_id>`: string, int, float, path, "
    "uuid); `methods=` limits the HTTP methods, and others get 405. Build URLs with `url_for`. Class-based "
    "views (MethodView) register routes too.",
    6: "Jinja renders templates with placeholders, filters, loops, conditions, macros and inheritance. "
    "`render_template('tasks/index.html', tasks=tasks)` renders a file from templates/; a base.html "
    "defines blocks that pages fill with `{% extends %}` and `{% block %}`. Autoescaping is on for .html, "
    "so user text is escaped unless marked safe.",
    7: "Flask's session is a cookie signed with SECRET_KEY: readable by the user, not changeable. Keep the "
    "key random and secret, keep secrets out of the session, and set the cookie HttpOnly, SameSite and "
    "Secure. Other measures: Jinja autoescaping (XSS), bound SQL parameters (injection), CSRF tokens "
    "(Flask-WTF), password hashing (Werkzeug), MAX_CONTENT_LENGTH, and security headers in after_request.",
    8: "An ORM maps tables to classes and rows to objects, writes SQL with bound parameters and manages "
    "transactions in a session: less boilerplate and no injection, at the price of watching for slow "
    "patterns such as N+1 queries. With Flask: SQLAlchemy (through Flask-SQLAlchemy), Peewee, PonyORM.",
    9: "Flask-WTF joins WTForms to Flask: a FlaskForm subclass declares fields and validators, the view "
    "calls `form.validate_on_submit()`, the template shows `form.errors`; every form carries a CSRF token, "
    "and CSRFProtect checks it on every POST of the app.\n\n"
    "    class TaskForm(FlaskForm):\n        title = StringField(validators=[DataRequired(), Length(max=200)])",
    10: "Packages that add a feature in a standard way: created once, bound to each app with "
    "`ext.init_app(app)` so they work with an application factory. Examples: Flask-SQLAlchemy, "
    "Flask-Migrate, Flask-WTF, Flask-Login, Flask-Mail, Flask-Caching, Flask-CORS.",
    11: "The extension that sets up SQLAlchemy for Flask: it reads SQLALCHEMY_DATABASE_URI, gives one `db` "
    "with a session per app context, a model base and helpers (db.get_or_404, db.paginate).\n\n"
    "    class Task(db.Model):\n        id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    tasks = db.session.execute(db.select(Task)).scalars()",
    12: "Authentication: store a password hash (generate_password_hash / check_password_hash), keep the "
    "user id in the session, usually with Flask-Login (login_user, current_user, remember me); tokens in the "
    "Authorization header for an API. Authorization: login_required views, owner checks that answer 403, roles.",
    13: "Never with the development server: a WSGI server such as gunicorn (waitress on Windows) behind a "
    "reverse proxy for TLS and static files, configured from the environment, debug off, migrations run, "
    "logs to stdout. Host it on a VM, in a container (Kubernetes, Cloud Run) or a PaaS (Render, Fly.io, Heroku).",
    14: "An application factory and blueprints, extensions bound with init_app; configuration and secrets "
    "outside the code; pytest with fixtures and the test client; validated input, right status codes and "
    "consistent JSON errors; CSRF, autoescaping and bound parameters; migrations, linting, logging, and "
    "never debug in production.",
}
# Questions about code must be practised by an exercise; these two are about choices, not code.
NOT_ABOUT_CODE = frozenset({2})
