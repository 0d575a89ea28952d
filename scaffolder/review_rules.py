"""The review rules a template switches on in its `review.toml`: AST checks of the traps its exercises set.

Each rule kind is written once, here; a template names the kinds that fit it and gives
their parameters (which calls are queries, which views need a login, ...). The format is
in docs/TEMPLATE_FORMAT.md ("Review rules"). Nothing here imports the learner's code: the
checks read the source, so they work on a project whose code does not run yet.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.exceptions import TemplateError

REVIEW_FILE = "review.toml"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class RuleFinding:
    """One place a rule found: the file relative to the project, the line, what is wrong."""

    file: str
    line: int
    rule: str
    message: str


@dataclass(frozen=True)
class Rule:
    """One rule kind switched on, with the template's parameters."""

    kind: str
    params: dict[str, Any]
    files: tuple[str, ...] = ("**/*.py",)  # globs relative to the project's package
    why: str = ""


@dataclass(frozen=True)
class Kind:
    """A rule kind: its check, the parameters it accepts (name -> type), and why an interviewer cares."""

    check: Callable[[Rule, ast.Module], Iterator[tuple[int, str]]]
    params: dict[str, type]
    required: tuple[str, ...]
    why: str


# Helpers over the syntax tree.


def dotted(node: ast.AST) -> str:
    """`db.session.execute` for that expression; a call in the chain reads `f()`; anything else `?`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted(node.func)}()"
    return "?"


def matches(name: str, patterns: list[str]) -> str | None:
    """The pattern `name` ends with, segment by segment (`session.commit` matches `db.session.commit`)."""
    for pattern in patterns:
        if name == pattern or name.endswith("." + pattern):
            return pattern
    return None


NOT_RUN_HERE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def walk_here(nodes: list[ast.AST], skip: tuple[type, ...] = NOT_RUN_HERE) -> Iterator[ast.AST]:
    """Every node below `nodes` that runs with them: not the bodies of functions, lambdas or classes defined there."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, skip):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def loop_bodies(tree: ast.Module, skip: re.Pattern | None) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    """Each loop with what runs once per turn: a for/while body, a comprehension's element.

    A loop whose header matches `skip` (a template's `except_loops`: batches, a loop that
    waits between turns) is left out; loops nested in it are judged on their own.
    """
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            header, body = f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}", list(node.body)
        elif isinstance(node, ast.While):
            header, body = f"while {ast.unparse(node.test)}", list(node.body)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            header, body = ast.unparse(node), [node.elt]
        elif isinstance(node, ast.DictComp):
            header, body = ast.unparse(node), [node.key, node.value]
        else:
            continue
        if skip is None or not skip.search(header):
            yield node, body


def calls_in_loops(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    skip = re.compile(rule.params["except_loops"]) if rule.params.get("except_loops") else None
    for _, body in loop_bodies(tree, skip):
        # Not in an except clause either: a query there runs when a turn fails (a lost race), not on every turn.
        for node in walk_here(body, (*NOT_RUN_HERE, ast.ExceptHandler)):
            if isinstance(node, ast.Call):
                name = dotted(node.func)
                if matches(name, rule.params["calls"]):
                    yield node.lineno, name.replace("()", "(...)")


# The rule kinds.


def check_query_in_loop(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    for line, name in calls_in_loops(rule, tree):
        yield line, f"a database query ({name}) runs once per turn of a loop"


def check_commit_in_loop(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    for line, name in calls_in_loops(rule, tree):
        yield line, f"a commit ({name}) runs once per turn of a loop"


def formatted(node: ast.AST | None) -> str | None:
    """How `node` builds a string from values (`an f-string`, `%`, `.format()`, `+`), or None for a literal."""
    if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_text(node.left):
        return "% formatting"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        if _is_text(node.func.value):
            return ".format()"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = _added(node)
        if any(_is_text(p) for p in parts) and not all(isinstance(p, ast.Constant) for p in parts):
            return "+ concatenation"
    return None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr)


def _added(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def check_sql_formatting(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    scopes: list[ast.AST] = [tree, *functions(tree)]
    for scope in scopes:
        built: dict[str, str] = {}  # a name assigned a formatted string in this scope -> how
        nodes = list(walk_here(list(scope.body)))
        for node in nodes:
            if isinstance(node, ast.Assign) and (how := formatted(node.value)):
                built.update({t.id: how for t in node.targets if isinstance(t, ast.Name)})
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and formatted(node.value):
                built[node.target.id] = formatted(node.value)
        for node in nodes:
            if not isinstance(node, ast.Call) or not matches(dotted(node.func), rule.params["calls"]):
                continue
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "statement"), None)
            how = formatted(first) or (built.get(first.id) if isinstance(first, ast.Name) else None)
            if how:
                name = dotted(node.func).replace("()", "(...)")
                yield node.lineno, f"SQL built with {how} is passed to {name}()"


def check_plain_password(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    fields_, hashers = rule.params["fields"], rule.params.get("hashers", [])
    plain = re.compile(rule.params.get("plain", "password"), re.IGNORECASE)

    def stored(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr in fields_

    def hashed(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and bool(matches(dotted(node.func), hashers))

    def from_plain_text(node: ast.AST) -> bool:
        """A value built from what the user typed as a password: a name or attribute that says password, not hash."""
        if hashed(node):
            return False
        for part in walk_here([node]):
            name = part.id if isinstance(part, ast.Name) else part.attr if isinstance(part, ast.Attribute) else ""
            if plain.search(name) and "hash" not in name.lower():  # user.password_hash copied is a hash still
                return True
            if isinstance(part, ast.Constant) and isinstance(part.value, str) and plain.fullmatch(part.value):
                return True  # request.form["password"]
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
            sides = [node.left, *node.comparators]
            if any(stored(s) for s in sides) and not any(isinstance(s, ast.Constant) for s in sides):
                yield node.lineno, "a stored password is compared with == (in plain text)"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(stored(t) for t in targets) and from_plain_text(node.value):
                yield node.lineno, "a password is stored as it was typed, not hashed"
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in fields_ and from_plain_text(keyword.value):
                    yield keyword.value.lineno, f"a password is stored as it was typed ({keyword.arg}=...), not hashed"


def _is_next_source(node: ast.AST, param: str) -> bool:
    """`request.args.get("next")`, `request.form["next"]`, `request.values.get("next", ...)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        holder, args = node.func.value, node.args
    elif isinstance(node, ast.Subscript):
        holder, args = node.value, [node.slice]
    else:
        return False
    return (
        bool(args)
        and isinstance(args[0], ast.Constant)
        and args[0].value == param
        and dotted(holder).split(".")[-1] in ("args", "form", "values")
    )


def _from_next(node: ast.AST, param: str, tainted: set[str]) -> bool:
    """Whether `node` holds ?next= itself or a name assigned from it."""
    return any(_is_next_source(n, param) or isinstance(n, ast.Name) and n.id in tainted for n in walk_here([node]))


def check_unchecked_next(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    param, checks = rule.params.get("param", "next"), rule.params["checks"]
    redirects = rule.params.get("redirects", ["redirect"])
    for function in functions(tree):
        nodes = list(walk_here(list(function.body)))
        tainted: set[str] = set()

        for node in nodes:  # in source order, so a name assigned from a tainted one is tainted too
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if _from_next(node.value, param, tainted):
                    tainted.update(t.id for t in targets if isinstance(t, ast.Name))
        checked = any(
            isinstance(n, ast.Call)
            and matches(dotted(n.func), checks)
            and any(_from_next(a, param, tainted) for a in n.args)
            for n in nodes
        )
        if checked:
            continue
        for node in nodes:
            if isinstance(node, ast.Call) and matches(dotted(node.func), redirects) and node.args:
                if _from_next(node.args[0], param, tainted):
                    yield node.lineno, f"redirects to ?{param}= without checking that it stays on this site"


def check_login_required(rule: Rule, tree: ast.Module) -> Iterator[tuple[int, str]]:
    decorators = rule.params.get("decorators", ["login_required"])
    wanted = set(rule.params["views"])
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in wanted:
            names = [dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if not any(matches(name, decorators) for name in names):
                shown = " or ".join(f"@{d}" for d in decorators)
                yield node.lineno, f"the view {node.name}() has no {shown}: anyone can use it without logging in"


KINDS: dict[str, Kind] = {
    "query-in-loop": Kind(
        check_query_in_loop,
        {"calls": list, "except_loops": str},
        ("calls",),
        "One query per row is the N+1 problem: fine on ten test rows, a page that takes seconds on real data.",
    ),
    "commit-in-loop": Kind(
        check_commit_in_loop,
        {"calls": list, "except_loops": str},
        ("calls",),
        "A commit per row is a transaction and a disk sync per row: slow, and a failure halfway leaves half the work.",
    ),
    "sql-formatting": Kind(
        check_sql_formatting,
        {"calls": list},
        ("calls",),
        "SQL built from values is SQL injection; bound parameters are the first thing an interviewer looks for.",
    ),
    "plain-password": Kind(
        check_plain_password,
        {"fields": list, "hashers": list, "plain": str},
        ("fields",),
        "Plain-text passwords leak every account with one database dump; a salted slow hash is the expected answer.",
    ),
    "unchecked-next": Kind(
        check_unchecked_next,
        {"param": str, "checks": list, "redirects": list},
        ("checks",),
        "An unchecked ?next= is an open redirect: a login link on your site that lands the user on a phishing page.",
    ),
    "login-required": Kind(
        check_login_required,
        {"views": list, "decorators": list},
        ("views",),
        "A view the brief says is for logged-in users but is open to anyone is a broken access control bug.",
    ),
}


@dataclass(frozen=True)
class ReviewRules:
    """A template's review rules, and where they came from."""

    rules: tuple[Rule, ...] = ()
    origin: str = ""

    def check(self, root: Path, package: str | None) -> list[RuleFinding]:
        """Run every rule on the files it names below the project's package (the project itself when none)."""
        base = root / package if package else root
        found: list[RuleFinding] = []
        trees: dict[Path, ast.Module | None] = {}
        for rule in self.rules:
            kind = KINDS[rule.kind]
            for path in _files(base, rule.files):
                if path not in trees:
                    trees[path] = _parse(path)
                tree = trees[path]
                if tree is None:
                    continue  # ruff reports the syntax error
                relative = path.relative_to(root).as_posix()
                for line, message in kind.check(rule, tree):
                    found.append(RuleFinding(relative, line, rule.kind, message))
        unique = {(f.file, f.line, f.rule): f for f in found}
        return sorted(unique.values(), key=lambda f: (f.file, f.line, f.rule))

    def why(self, kind: str) -> str:
        for rule in self.rules:
            if rule.kind == kind and rule.why:
                return rule.why
        return KINDS[kind].why


def _files(base: Path, patterns: tuple[str, ...]) -> list[Path]:
    from scaffolder.project import is_work

    found = {path for pattern in patterns for path in base.glob(pattern) if path.is_file()}
    return sorted(path for path in found if path.suffix == ".py" and is_work(base, path))


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return None


def load_review_rules(path: Path) -> ReviewRules:
    """Read and validate a template's review.toml; a missing file switches no rule on."""
    origin = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ReviewRules(origin=origin)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise TemplateError(f"{origin} cannot be read: {err}.") from err
    if data.get("format") != FORMAT_VERSION:
        raise TemplateError(f"{origin}: expected format = {FORMAT_VERSION}.")
    rules = []
    for kind, table in data.items():
        if kind == "format":
            continue
        if kind not in KINDS:
            raise TemplateError(f"{origin}: unknown rule kind [{kind}]; the kinds are {', '.join(KINDS)}.")
        rules.append(_rule(kind, table, origin))
    return ReviewRules(tuple(rules), origin)


def _rule(kind: str, table: Any, origin: str) -> Rule:
    where = f"{origin}: [{kind}]"
    if not isinstance(table, dict):
        raise TemplateError(f"{where} must be a table.")
    accepted = {**KINDS[kind].params, "files": list, "why": str}
    for key, value in table.items():
        expected = accepted.get(key)
        if expected is None:
            raise TemplateError(f"{where}: unknown key {key!r}; it takes {', '.join(sorted(accepted))}.")
        if not isinstance(value, expected) or expected is list and not all(isinstance(v, str) for v in value):
            raise TemplateError(f"{where}: {key!r} must be a {'list of strings' if expected is list else 'string'}.")
    for key in KINDS[kind].required:
        if not table.get(key):
            raise TemplateError(f"{where}: {key!r} is missing.")
    if "except_loops" in table:
        try:
            re.compile(table["except_loops"])
        except re.error as err:
            raise TemplateError(f"{where}: except_loops is not a regular expression: {err}.") from err
    params = {k: v for k, v in table.items() if k not in ("files", "why")}
    return Rule(kind, params, tuple(table.get("files", ("**/*.py",))), table.get("why", ""))


__all__ = ["KINDS", "REVIEW_FILE", "ReviewRules", "Rule", "RuleFinding", "load_review_rules"]
