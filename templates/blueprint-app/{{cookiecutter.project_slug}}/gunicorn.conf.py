"""Gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed through the environment, as container platforms expect.
"""

# BEGIN SOLUTION deployment
import os

# Inside a container the server must listen on every interface; the
# platform decides what reaches it.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
# A common starting point: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# A request that takes longer than this is stuck: the worker is restarted.
timeout = 30
# Access and error logs on stdout/stderr, where the platform collects them.
accesslog = "-"
errorlog = "-"
# STUB
# bind = "127.0.0.1:8000"
# END SOLUTION
