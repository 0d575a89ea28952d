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
