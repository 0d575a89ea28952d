"""The route probe: send hostile input to every route of a solved practice app.

    python -m scaffolder.probe [--json] PROJECT_DIR

(`--json`: the findings as one JSON document, each with the file:line of the view
that answered, for `scaffolder review`.)

It imports the project's code, so run it in a fresh interpreter (a subprocess),
never inside scaffolder's own process. The project's `tests/conftest.py` builds
the app: `probe_app()` returns it with the testing configuration, CSRF
protection on, the database created and a little data in it;
`probe_login(client)`, when defined, logs a test client in, and the probe then
sends everything a second time as that user. `[probe] api_prefix` in the
manifest names the URL prefix whose errors must be JSON; its other keys are in
docs/TEMPLATE_FORMAT.md ("The route probe").

Every response is held to the rules of docs/TEMPLATE_FORMAT.md: no 5xx and no
exception, no traceback text, JSON errors under the API prefix (413 for a body
over the limit), `Allow` on a 405, security headers on HTML pages, no body type
on a 204, and a refusal (4xx) for a form posted without a valid CSRF token.
Beyond single requests it checks that no redirect leaves the site (`?next=`),
that a foreign `Host` header ends up in no URL (nor in mail), that far dates in
query parameters give no 5xx, that several clients writing to one row at once
get no 5xx, and that the production app refuses to start in debug mode with a
public secret key.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from scaffolder.report import shorten

HUGE_INTS = (str(2**63), str(10**20))
# Text a user can type that breaks careless code: a NUL byte, bytes that are not
# UTF-8 (a lone surrogate's encoding and 0xFF), very long text, SQL and markup.
HOSTILE_PATH_PARTS = ("%00", "%ED%A0%80", "%FF", "x" * 3000, "%27%20OR%201=1--")
HOSTILE_QUERIES = (
    {"page": HUGE_INTS[1]},
    {"page": HUGE_INTS[0], "per_page": HUGE_INTS[1]},
    {"page": "abc"},
    {"page": "0"},
    {"page": "-1"},
    {"per_page": "-5"},
    {"q": "\x00"},
    {"q": "%' OR 1=1 --"},
    {"q": "x" * 5000},
    {"done": "\x00"},
    {"next": "https://evil.example/"},
)
HOSTILE_FIELD_VALUES = ("\x00", "a\x00b", "x" * 100_000, HUGE_INTS[1], "-1", "<script>alert(1)</script>", "")
# Raw JSON bodies: \\ud800 is an escaped lone surrogate, valid JSON but not valid text.
HOSTILE_JSON_BODIES = (
    ("JSON nested 100,000 deep", "[" * 100_000 + "]" * 100_000),
    ("malformed JSON", '{"title": '),
    ("a JSON list", "[1, 2]"),
    ("a JSON string", '"text"'),
    ("JSON null", "null"),
    ("an empty JSON object", "{}"),
)
JSON_FIELDS = ("title", "description", "name", "body", "content", "text", "email", "username", "password", "done")
JSON_VALUES = ('"bad \\ud800"', '"a\\u0000b"', "1e400", str(10**20), "[[[[[]]]]]", '{"a": 1}', "null", "true")
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Open redirects: every way a browser reads these as another host (extra or back
# slashes, no slashes after the scheme, leading spaces).
FOREIGN_HOST = "evil.example"
NEXT_VALUES = (
    f"https://{FOREIGN_HOST}/",
    f"//{FOREIGN_HOST}",
    f"////{FOREIGN_HOST}",
    f"/\\{FOREIGN_HOST}",
    f"https:{FOREIGN_HOST}",
    f" //{FOREIGN_HOST}",
    f"\t//{FOREIGN_HOST}",
)
# An absolute URL on the foreign host (http://, https:// or scheme-relative //).
FOREIGN_URL = re.compile("//" + re.escape(FOREIGN_HOST), re.IGNORECASE)
# Dates a careless parser or `day + timedelta(days=1)` cannot take.
FAR_DATES = ("9999-12-31", "0001-01-01", "10000-01-01", "2024-13-45")
DATE_NAME = re.compile(r"(?:from|to|since|until|date|day|start|end)|\w+_(?:date|day|from|to|since|until)|date_\w+")
# Concurrent writers: this many clients, each with its own session, write to one row at once.
WRITERS = 4
MIXED_ROUNDS = 4
# Secret keys production must refuse: None is "not set" (the app's own default).
WEAK_SECRET_KEYS = (None, "", "   ", "dev")
STRONG_SECRET_KEY = "probe-" + "7f3a9c1e5b8d2f4a6c0e9b7d5f3a1c8e"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
RULE_PART = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
MAX_SHOWN = 40
SHOWN = 60  # characters of a URL or body shown in a finding


@dataclass(frozen=True)
class Finding:
    """One broken rule, with the request that showed it."""

    problem: str
    request: str
    key: str = ""  # the route rule and who sent it ("/tasks/<int:task_id> (anonymous)"), or the kind of check

    def __str__(self) -> str:
        return f"{self.problem}: {self.request}"


@dataclass
class ProbeReport:
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    rules: int = 0
    setup: Setup | None = None
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, problem: str, request: str, key: str) -> None:
        """Keep the first example of each problem on each route."""
        if (problem, key) not in self._seen:
            self._seen.add((problem, key))
            self.findings.append(Finding(problem, request, key))


class ProbeSetupError(Exception):
    """The project does not say how to build its app for the probe."""


# The probe itself, in the order it runs.


def probe_project(root: Path) -> ProbeReport:
    """Probe the app of the project at `root` (imports it into this process)."""
    root = Path(root).resolve()
    setup = _load_setup(root)
    make_app, login = setup.make_app, setup.login
    report = ProbeReport(setup=setup)
    try:
        app = make_app()
    except Exception as err:  # noqa: BLE001 - whatever the project raises, say so in one line
        raise ProbeSetupError(f"probe_app() in tests/conftest.py raised {type(err).__name__}: {err}") from err
    max_length = app.config.get("MAX_CONTENT_LENGTH")
    if not max_length:
        report.add("MAX_CONTENT_LENGTH is not set: any body size is accepted", "app.config", "config")
    rules = [rule for rule in app.url_map.iter_rules()]
    report.rules = len(rules)
    users = [("anonymous", None)] + ([("logged in", login)] if login else [])
    for who, log_in in users:
        for rule in rules:
            # A fresh app (and database) per route, so that a DELETE on one
            # route leaves the seeded data for the next.
            app = make_app()
            client = app.test_client()
            if log_in is not None:
                log_in(client)
            _probe_rule(client, rule, setup, max_length, who, report)
    # Writers race as the user who may write (logged in when the project says how).
    who, log_in = users[-1]
    _probe_concurrent_writers(setup, log_in, who, report)
    _probe_production(root, setup, report)
    return report


@dataclass(frozen=True)
class Setup:
    """How the project asks to be probed: conftest's hooks and the manifest's [probe] table."""

    make_app: Callable[[], Any]
    login: Callable[[Any], None] | None = None
    api_prefix: str | None = None
    # Values typed into form fields of these names (a user's email, a password).
    form_values: dict[str, str] = field(default_factory=dict)
    date_params: tuple[str, ...] = ()
    # How a production server builds the app, in `flask --app` syntax, and the environment it sets.
    production_app: str | None = None
    production_env: dict[str, str] = field(default_factory=dict)


def _load_setup(root: Path) -> Setup:
    from scaffolder.manifest import MANIFEST_NAME

    conftest = root / "tests" / "conftest.py"
    if not conftest.is_file():
        raise ProbeSetupError(f"{conftest} is missing: the probe builds the app with its probe_app().")
    sys.path.insert(0, str(root))
    spec = importlib.util.spec_from_file_location("scaffolder_probe_conftest", conftest)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # noqa: BLE001 - whatever the project raises, say so in one line
        raise ProbeSetupError(f"tests/conftest.py does not import: {type(err).__name__}: {err}") from err
    make_app = getattr(module, "probe_app", None)
    if not callable(make_app):
        raise ProbeSetupError(
            "tests/conftest.py defines no probe_app(): see docs/TEMPLATE_FORMAT.md, 'The route probe'."
        )
    probe: dict[str, Any] = {}
    manifest = root / MANIFEST_NAME
    if manifest.is_file():
        import tomllib

        table = tomllib.loads(manifest.read_text(encoding="utf-8")).get("probe", {})
        probe = table if isinstance(table, dict) else {}
    production_app = probe.get("production_app") or _default_production_app(root, manifest)
    return Setup(
        make_app=make_app,
        login=getattr(module, "probe_login", None),
        api_prefix=probe.get("api_prefix"),
        form_values={str(k): str(v) for k, v in dict(probe.get("form_values", {})).items()},
        date_params=tuple(str(name) for name in probe.get("date_params", ())),
        production_app=production_app,
        production_env={str(k): str(v) for k, v in dict(probe.get("production_env", {})).items()},
    )


def _default_production_app(root: Path, manifest: Path) -> str | None:
    """`PACKAGE:create_app()`: the factory called with no test configuration, as gunicorn would."""
    from scaffolder.exceptions import ManifestError
    from scaffolder.manifest import load_manifest
    from scaffolder.project import Project

    try:
        package = Project(root, load_manifest(manifest)).package
    except (ManifestError, OSError):
        return None
    return f"{package}:create_app()" if package else None


def _probe_rule(client, rule, setup: Setup, max_length, who, report: ProbeReport) -> None:
    api_prefix = setup.api_prefix
    allowed = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    urls = list(_urls(rule))
    base = urls[0]
    key = f"{rule.rule} ({who})"

    def send(method: str, url: str, what: str, **kwargs) -> Any:
        report.requests += 1
        described = f"{method} {shorten(url, SHOWN)}{' with ' + what if what else ''} ({who})"
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as err:  # noqa: BLE001 - any exception is the finding
            report.add(f"raised {type(err).__name__} (a 500 in production)", described, key)
            return None
        _judge(response, url, described, key, api_prefix, report)
        return response

    for method in allowed:
        for url in urls:
            send(method, url, "")
        if method == "GET":
            for query in HOSTILE_QUERIES:
                send("GET", f"{base}?{urlencode(query)}", f"query {shorten(urlencode(query), SHOWN)}")
            view = client.application.view_functions.get(rule.endpoint)
            for query in _date_queries(view, setup.date_params):
                send("GET", f"{base}?{urlencode(query)}", f"query {urlencode(query)}")
        else:
            _send_bodies(send, method, base, max_length, api_prefix, key, report)
    for method in ALL_METHODS:
        if method not in allowed:
            send(method, base, "a method the route does not allow")
            break
    if "GET" in allowed:
        page = send("GET", base, "")
        if page is not None and page.mimetype == "text/html" and page.status_code == 200:
            for form in _forms(page.get_data(as_text=True), base):
                _send_form(send, form, api_prefix, key, report)
        _send_next_values(send, base, setup)
        _send_foreign_host(client, rule, base, allowed, setup, who, report)


def _send_next_values(send, base: str, setup: Setup) -> None:
    """`?next=` pointing off the site, on the page and through the page's own forms (the login form)."""
    for value in NEXT_VALUES:
        url = f"{base}?{urlencode({'next': value})}"
        page = send("GET", url, f"?next={value!r}")
        if page is None or page.mimetype != "text/html" or page.status_code != 200:
            continue
        for form in _forms(page.get_data(as_text=True), url):
            if form["method"] == "POST" and "csrf_token" in form["fields"]:
                send("POST", form["action"], f"the page's form filled in, ?next={value!r}", data=_filled(form, setup))


def _send_foreign_host(client, rule, base: str, allowed, setup: Setup, who: str, report: ProbeReport) -> None:
    """Every request of the page, and its forms filled in, with `Host: evil.example`; mail sent is read too."""
    key = f"{rule.rule} ({who})"
    host = f"http://{FOREIGN_HOST}"

    def send(method: str, url: str, what: str, **kwargs) -> Any:
        report.requests += 1
        described = f"{method} {shorten(url, SHOWN)} with Host: {FOREIGN_HOST}{' and ' + what if what else ''} ({who})"
        try:
            response = client.open(url, method=method, base_url=host, **kwargs)
        except Exception as err:  # noqa: BLE001 - any exception is the finding
            report.add(f"raised {type(err).__name__} (a 500 in production)", described, key)
            return None
        _judge(response, url, described, key, setup.api_prefix, report)
        text = response.get_data()[:200_000].decode("utf-8", "replace")
        if FOREIGN_URL.search(response.headers.get("Location", "")) or FOREIGN_URL.search(text):
            report.add(f"a URL built from the request's Host header ({FOREIGN_HOST})", described, key)
        return response

    with _recorded_mail(client.application) as outbox:
        page = send("GET", base, "")
        if page is not None and page.mimetype == "text/html" and page.status_code == 200:
            for form in _forms(page.get_data(as_text=True), base):
                if form["method"] == "POST" and "csrf_token" in form["fields"]:
                    send("POST", form["action"], "the page's form filled in", data=_filled(form, setup))
    for message in outbox:
        text = " ".join(str(part or "") for part in (message.body, message.html))
        if FOREIGN_URL.search(text):
            report.add(
                f"mail links to the request's Host header ({FOREIGN_HOST})",
                f"{rule.rule}: mail to {', '.join(message.recipients)} ({who})",
                key,
            )


@contextmanager
def _recorded_mail(app) -> Iterator[list]:
    """The messages Flask-Mail sends meanwhile (an empty list when the app has no Flask-Mail)."""
    state = app.extensions.get("mail")
    if state is None or not hasattr(state, "record_messages"):
        yield []
        return
    with app.app_context(), state.record_messages() as outbox:
        yield outbox


def _filled(form: dict[str, Any], setup: Setup) -> dict[str, str]:
    """The form as a user fills it in: the project's values for known names, else the form's own or text."""
    return {
        name: setup.form_values.get(name, value if value or name == "csrf_token" else "probe")
        for name, value in form["fields"].items()
    }


def _date_queries(view, declared: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Far dates in each query parameter the view's module reads that names a date, and in those declared."""
    import inspect

    module = inspect.getmodule(view) if view is not None else None
    found = _call_names(module.__name__) if module is not None else frozenset()
    names = sorted({name for name in found if DATE_NAME.fullmatch(name)} | set(declared))
    for value in FAR_DATES:
        for name in names:
            yield {name: value}
        if len(names) > 1:
            yield dict.fromkeys(names, value)


@functools.cache
def _call_names(module_name: str) -> frozenset[str]:
    """Names passed as a call's first argument in a module: request.args.get("from"), date_arg("to")..."""
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(sys.modules[module_name]))
    except (KeyError, OSError, TypeError, SyntaxError):
        return frozenset()
    return frozenset(
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.isidentifier()
    )


def _send_bodies(send, method: str, url: str, max_length: int | None, api_prefix, key, report: ProbeReport) -> None:
    for what, body in HOSTILE_JSON_BODIES:
        send(method, url, what, data=body, content_type="application/json")
    for name in JSON_FIELDS:
        for value in JSON_VALUES:
            body = f'{{"{name}": {value}, "title": "probe"}}' if name != "title" else f'{{"title": {value}}}'
            send(method, url, f"JSON {shorten(body, SHOWN)}", data=body, content_type="application/json")
    size = (max_length or 16 * 1024 * 1024) + 1
    what = f"a {size:,}-byte JSON body"
    response = send(method, url, what, data=b" " * size, content_type="application/json")
    under_api = api_prefix and urlsplit(url).path.startswith(api_prefix)
    # The size must be refused as such (413), not read as broken JSON (400) or taken; a route may refuse
    # the request before it reads the body at all (401, 403, 404, 405).
    swallowed = response is not None and (response.status_code in (400, 422) or response.status_code < 300)
    if under_api and swallowed and (method != "DELETE" or response.status_code >= 300):
        report.add(f"a body over MAX_CONTENT_LENGTH answered {response.status_code}, not 413", f"{method} {url}", key)
    send(method, url, "form data with a NUL byte", data={"title": "a\x00b", "description": "\x00"})


def _send_form(send, form: dict[str, Any], api_prefix, key, report: ProbeReport) -> None:
    action, fields = form["action"], form["fields"]
    method = form["method"]
    token_field = "csrf_token" if "csrf_token" in fields else None
    if method != "POST":
        for value in HOSTILE_FIELD_VALUES:
            query = urlencode({name: value for name in fields})
            send("GET", f"{action}?{query}", f"the page's form, every field {shorten(repr(value), SHOWN)}")
        return
    if api_prefix and urlsplit(action).path.startswith(api_prefix):
        return
    for what, token in (("no CSRF token", None), ("a wrong CSRF token", "not-the-token")):
        data = {name: value for name, value in fields.items() if name != "csrf_token"}
        if token is not None:
            data["csrf_token"] = token
        response = send("POST", action, f"the page's form and {what}", data=data)
        if response is not None and response.status_code < 400:
            report.add(f"a form posted with {what} was accepted ({response.status_code})", f"POST {action}", key)
    if token_field is None:
        return
    for value in HOSTILE_FIELD_VALUES:
        data = {name: (fields[name] if name == "csrf_token" else value) for name in fields}
        send("POST", action, f"the page's form, every field {shorten(repr(value), SHOWN)}", data=data)


def _judge(response, url, described, key, api_prefix, report: ProbeReport) -> None:
    status = response.status_code
    body = response.get_data()
    text = body[:200_000].decode("utf-8", "replace")
    if status >= 500:
        report.add(f"answered {status}", described, key)
    if TRACEBACK.search(text):
        report.add("the response shows a traceback", described, key)
    path = urlsplit(url).path
    if api_prefix and path.startswith(api_prefix) and status >= 400 and not response.is_json:
        report.add(f"an error under {api_prefix} is not JSON ({status}, {response.mimetype})", described, key)
    location = response.headers.get("Location")
    if location is not None and _leaves_site(location):
        report.add(f"a redirect off the site (Location: {shorten(location, SHOWN)})", described, key)
    if status == 405 and "Allow" not in response.headers:
        report.add("a 405 without an Allow header", described, key)
    if status == 204 and (body or "Content-Type" in response.headers):
        report.add("a 204 with a body or a Content-Type", described, key)
    if response.mimetype == "text/html":
        missing = _missing_security_headers(response.headers)
        if missing:
            report.add(f"an HTML page without {', '.join(missing)}", described, "headers")
    for cookie in response.headers.getlist("Set-Cookie"):
        lowered = cookie.lower()
        # A cookie being deleted (emptied and expired, as on log-out) carries nothing to protect.
        deleted = re.match(r"[^=]*=(?:\"\")?;", cookie) and (
            "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered
        )
        if not deleted and ("httponly" not in lowered or "samesite" not in lowered):
            report.add("a cookie without HttpOnly and SameSite", f"{described}: {cookie.split(';')[0][:40]}", "cookie")


def _leaves_site(location: str, base_scheme: str = "http", host: str = "localhost") -> bool:
    """Whether a browser on http://localhost/ following `location` lands on another host.

    Browsers drop leading and trailing spaces and control characters and any tab
    or newline, read a backslash as a slash, take any number of slashes before a
    host (`////evil.example`), and read `https:evil.example` (another scheme, no
    slashes) as `https://evil.example`. A scheme other than http(s) leaves too.
    """
    text = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(33))))).replace("\\", "/")
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return True
    if scheme and scheme not in ("http", "https"):
        return True
    rest = text[len(scheme) + 1 :] if scheme else text
    if scheme in ("", base_scheme) and not rest.startswith("//"):
        return False  # a path on this site
    authority = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
    try:
        target = urlsplit(f"//{authority}").hostname or ""
    except ValueError:
        return True
    return target.lower() != host


def _missing_security_headers(headers) -> list[str]:
    missing = []
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    framing = headers.get("X-Frame-Options", "").upper() in ("DENY", "SAMEORIGIN")
    if not framing and "frame-ancestors" not in headers.get("Content-Security-Policy", ""):
        missing.append("X-Frame-Options or CSP frame-ancestors")
    return missing


# Beyond single requests.


def _probe_concurrent_writers(setup: Setup, log_in, who: str, report: ProbeReport) -> None:
    """Several clients write to one row at once: the same change together, then each a different one.

    Each writer is a test client of its own (its own session and CSRF token), in a
    thread of its own; a barrier starts each round's requests together. The
    writes are every form on a page of a route with a variable (edit, toggle,
    delete) and every PUT, PATCH, DELETE or POST of such a route.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="probe-db-") as folder, _file_databases(Path(folder)):
        for round_number in range(MIXED_ROUNDS):
            # A fresh app (and row) for each round: the last writes of a round delete it.
            app = setup.make_app()
            try:
                if _shares_one_connection(app):
                    problem = "probe_app() gives an in-memory database the probe cannot give a file to"
                    report.add(problem, "concurrent writers", "concurrency")
                    return
                clients = [app.test_client() for _ in range(WRITERS)]
                for client in clients:
                    if log_in is not None:
                        log_in(client)
                writes = [_writes(app, client, setup) for client in clients]
                if not writes[0]:
                    return
                deletes = [write for write in writes[0] if write[0] == "DELETE" or "delete" in write[1]]
                changes = [write for write in writes[0] if write not in deletes] or deletes
                # The first round, every writer sends the same change, one change after another; then the
                # same row is changed by most writers while the last deletes it.
                rounds = [[write] * WRITERS for write in changes] if round_number == 0 else []
                mixed = [changes[(round_number + i) % len(changes)] for i in range(WRITERS - 1)]
                rounds.append([*mixed, (deletes or changes)[round_number % len(deletes or changes)]])
                _race(clients, writes, rounds, who, report)
            finally:
                _dispose_engines(app)


def _writes(app, client, setup: Setup) -> dict[tuple[str, str], dict[str, Any]]:
    """(method, URL) -> request arguments of each write to the row the ordinary URLs name, for one client."""
    adapter = app.url_map.bind("localhost")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        url = next(_urls(rule))
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        for method in sorted(methods - {"GET"}):
            under_api = setup.api_prefix and url.startswith(setup.api_prefix)
            if under_api or method != "POST":
                found[(method, url)] = {"json": {"title": "written at once", "done": True}}
        if "GET" not in methods:
            continue
        page = client.get(url)
        if page.mimetype != "text/html" or page.status_code != 200:
            continue
        for form in _forms(page.get_data(as_text=True), url):
            if form["method"] != "POST" or "csrf_token" not in form["fields"]:
                continue
            try:
                _endpoint, values = adapter.match(urlsplit(form["action"]).path, method="POST")
            except Exception:  # noqa: BLE001 - werkzeug raises its HTTP errors here: not a write to a row
                continue
            if values:
                found[("POST", form["action"])] = {"data": _filled(form, setup)}
    return found


def _race(clients, writes, rounds, who: str, report: ProbeReport) -> None:
    # wall-clock: a safety net only, for a writer stuck in the app; a round takes milliseconds.
    barrier = threading.Barrier(len(clients), timeout=60)
    answers: list[tuple[str, str, Any]] = []

    def writer(index: int) -> None:
        client = clients[index]
        for round_writes in rounds:
            method, url = round_writes[index]
            kwargs = writes[index].get((method, url))
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return
            if kwargs is None:
                continue
            try:
                answers.append((method, url, client.open(url, method=method, **kwargs).status_code))
            except Exception as err:  # noqa: BLE001 - any exception is the finding
                answers.append((method, url, type(err).__name__))

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(len(clients))]
    # Switch threads often, so that the requests interleave inside the app, not one after another.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    report.requests += len(answers)
    for method, url, answer in answers:
        if isinstance(answer, str) or answer >= 500:
            problem = f"raised {answer} (a 500 in production)" if isinstance(answer, str) else f"answered {answer}"
            described = f"{method} {url} while {len(clients)} clients wrote to it at once ({who})"
            report.add(f"{problem} under concurrent writers", described, f"{method} {url} (concurrent)")


@contextmanager
def _file_databases(folder: Path) -> Iterator[None]:
    """Give each in-memory SQLite database Flask-SQLAlchemy makes meanwhile a file in `folder` instead.

    Flask-SQLAlchemy gives an in-memory database one connection that every thread
    shares (requests would trip over each other's transactions, which production
    never does): with a file, each request has a connection of its own.
    """
    try:
        from flask_sqlalchemy import SQLAlchemy
        from sqlalchemy.engine import make_url
    except ImportError:
        yield
        return
    original = getattr(SQLAlchemy, "_apply_driver_defaults", None)
    if original is None:
        yield
        return
    made = iter(range(1_000_000))

    def apply(self, options: dict[str, Any], app) -> None:
        url = make_url(options["url"])
        if url.drivername.startswith("sqlite") and url.database in (None, "", ":memory:"):
            options["url"] = url.set(database=str(folder / f"probe-{next(made)}.sqlite"))
        original(self, options, app)

    SQLAlchemy._apply_driver_defaults = apply
    try:
        yield
    finally:
        SQLAlchemy._apply_driver_defaults = original


def _shares_one_connection(app) -> bool:
    state = app.extensions.get("sqlalchemy")
    if state is None:
        return False
    with app.app_context():
        return any(
            type(engine.pool).__name__ in ("StaticPool", "SingletonThreadPool") for engine in state.engines.values()
        )


def _dispose_engines(app) -> None:
    state = app.extensions.get("sqlalchemy")
    if state is not None:
        with app.app_context():
            for engine in state.engines.values():
                engine.dispose()


def _probe_production(root: Path, setup: Setup, report: ProbeReport) -> None:
    """Build the app as a production server does, with FLASK_DEBUG=1 and a public or blank key: it must refuse.

    With a strong key it must start, which shows the probe built it the right way.
    """
    if not setup.production_app:
        report.add(
            "the probe cannot tell how production builds the app: set [probe] production_app",
            "production app",
            "production",
        )
        return
    described = f"{setup.production_app} with FLASK_DEBUG=1"
    error = _start_production_app(root, setup, STRONG_SECRET_KEY)
    if error is not None:
        report.add(
            f"the production app does not start even with a strong secret key ({error})", described, "production"
        )
        return
    for key in WEAK_SECRET_KEYS:
        if _start_production_app(root, setup, key) is None:
            what = "FLASK_SECRET_KEY unset" if key is None else f"FLASK_SECRET_KEY={key!r}"
            report.add("the production app started with a public or blank secret key", f"{described}, {what}", what)


def _start_production_app(root: Path, setup: Setup, secret_key: str | None) -> str | None:
    """None when the app starts; else what it raised, in one line."""
    from unittest import mock

    from flask.cli import ScriptInfo

    env = {**setup.production_env, "FLASK_DEBUG": "1"}
    module = setup.production_app.split(":", 1)[0]
    previous = os.getcwd()
    with mock.patch.dict(os.environ, env):
        os.environ.pop("FLASK_SECRET_KEY", None)
        if secret_key is not None:
            os.environ["FLASK_SECRET_KEY"] = secret_key
        # A module that builds the app when imported (wsgi.py) must be run again.
        sys.modules.pop(module, None)
        os.chdir(root)
        try:
            ScriptInfo(app_import_path=setup.production_app, set_debug_flag=False).load_app()
        except (Exception, SystemExit) as err:  # noqa: BLE001 - refusing to start is what is asked
            return shorten(f"{type(err).__name__}: {err}", 120)
        finally:
            os.chdir(previous)
    return None


# Building requests.


def _urls(rule) -> Iterator[str]:
    """The rule with ordinary values first, then each variable part made hostile in turn."""
    parts = list(RULE_PART.finditer(rule.rule))
    ordinary = {m.group("name"): _ordinary_value(m.group("conv"), m.group("args")) for m in parts}
    yield _fill(rule.rule, ordinary)
    for match in parts:
        for value in _hostile_values(match.group("conv")):
            yield _fill(rule.rule, {**ordinary, match.group("name"): value})


def _ordinary_value(converter: str | None, args: str | None) -> str:
    if converter == "int":
        return "1"
    if converter == "float":
        return "1.5"
    if converter == "uuid":
        return "12345678-1234-5678-1234-567812345678"
    if converter == "any" and args:
        return args.split(",")[0].strip().strip("'\"")
    return "1"


def _hostile_values(converter: str | None) -> tuple[str, ...]:
    if converter == "int":
        return (*HUGE_INTS, "0")
    if converter == "float":
        return ("9" * 400 + ".0",)
    if converter in ("uuid", "any"):
        return ()
    return HOSTILE_PATH_PARTS


def _fill(rule: str, values: dict[str, str]) -> str:
    return RULE_PART.sub(lambda m: values[m.group("name")], rule)


class _FormParser(HTMLParser):
    """The forms of a page: method, action and the named fields with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").upper()
            self.forms.append({"method": method, "action": attributes.get("action", ""), "fields": {}})
        elif tag in ("input", "textarea", "select") and self.forms and attributes.get("name"):
            if attributes.get("type") in ("submit", "button", "image", "file"):
                return
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")


def _forms(html: str, page_url: str) -> list[dict[str, Any]]:
    parser = _FormParser()
    parser.feed(html)
    forms = []
    for form in parser.forms:
        action = urljoin(page_url, form["action"] or page_url)
        forms.append({**form, "action": urlsplit(action)._replace(scheme="", netloc="").geturl()})
    return forms


# Where a finding comes from: the view that answered the request, or else the app factory.

REQUEST_PATH = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/[^\s?]*)")


def locate(app, finding: Finding, root: Path) -> tuple[str, int]:
    """The file (relative to `root`) and line of the view behind `finding`; the app factory when no view is."""
    view = None
    rule_text = finding.key.rsplit(" (", 1)[0] if finding.key.endswith(")") else None
    for rule in app.url_map.iter_rules():
        if rule.rule == rule_text:
            view = app.view_functions.get(rule.endpoint)
            break
    match = REQUEST_PATH.match(finding.request)
    if view is None and match and "..." not in match["path"]:
        try:
            endpoint, _ = app.url_map.bind("localhost").match(match["path"], method=match["method"])
            view = app.view_functions.get(endpoint)
        except Exception:  # noqa: BLE001 - no route matches (404, 405, redirect): fall back to the factory
            view = None
    for candidate in (view, _factory(app)):
        where = _source_line(candidate, root)
        if where is not None:
            return where
    return ".", 0


def _factory(app):
    module = sys.modules.get(app.import_name)
    return getattr(module, "create_app", module)


def _source_line(thing, root: Path) -> tuple[str, int] | None:
    """`thing`'s file relative to `root` and the line of its `def` or `class` (not its decorators)."""
    import inspect

    if thing is None:
        return None
    thing = getattr(thing, "view_class", None) or inspect.unwrap(thing)  # a MethodView's class
    try:
        file = Path(inspect.getsourcefile(thing) or "").resolve()
        lines, start = inspect.getsourcelines(thing)
    except (OSError, TypeError):
        return None
    if not file.is_relative_to(root):
        return None  # Flask's own views (static files): not the learner's code
    offset = next((i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def ", "class "))), 0)
    return file.relative_to(root).as_posix(), (start + offset if start else 1)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    as_json = bool(args) and args[0] == "--json"
    args = args[1:] if as_json else args
    if len(args) != 1:
        print("usage: python -m scaffolder.probe [--json] PROJECT_DIR", file=sys.stderr)
        return 2
    try:
        report = probe_project(Path(args[0]))
    except ProbeSetupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    if as_json:
        return _print_json(report, Path(args[0]).resolve())
    for finding in report.findings[:MAX_SHOWN]:
        print(finding)
    hidden = len(report.findings) - MAX_SHOWN
    if hidden > 0:
        print(f"... and {hidden} more")
    verdict = f"{len(report.findings)} problem(s)" if report.findings else "no problems"
    print(f"probe: {report.requests} requests to {report.rules} routes: {verdict}")
    return 1 if report.findings else 0


def _print_json(report: ProbeReport, root: Path) -> int:
    import json

    app = report.setup.make_app() if report.findings and report.setup else None
    findings = []
    for finding in report.findings:
        file, line = locate(app, finding, root)
        findings.append({"problem": finding.problem, "request": finding.request, "file": file, "line": line})
    print(json.dumps({"requests": report.requests, "rules": report.rules, "findings": findings}))
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
