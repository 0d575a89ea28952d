"""Exercise 15: planted faults, and the pytest plugin that runs your tests against them.

Each fault is a wrong version of one function of the pipeline, the kind of slip
a real pull request could contain: the transform, the quarantine, or the load.
`test_15_write_tests.py` runs your file `tests/pipeline_tests.py` in a separate
pytest process with this plugin: every one of your tests runs once against your
code as it is, and once with each fault swapped in, wherever the project (and
your test file) names the function. A good set of tests passes on the first and
fails on every fault.

You may read this file, but try to write your tests from the rules in
EXERCISES.md first: that is what an interviewer asks for.
"""

import json
import sys
from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from {{ cookiecutter.project_slug }} import records
from {{ cookiecutter.project_slug }}.load import order_row, orders_table
from {{ cookiecutter.project_slug }}.records import Order, Reject

REFERENCE = "reference"
PACKAGE = "{{ cookiecutter.project_slug }}"
TESTS_DIR = Path(__file__).resolve().parent
_RESULTS = pytest.StashKey[dict]()


def accepting_quantities_below_one(original):
    """parse_order, but a quantity of 0 or less passes as it is."""

    def parse_order(raw, known_skus):
        result = original(raw, known_skus)
        if isinstance(result, Reject) and result.reason == records.NEGATIVE_QUANTITY:
            passing = original(raw._replace(fields={**raw.fields, "quantity": "1"}), known_skus)
            if isinstance(passing, Order):
                return passing._replace(quantity=int(str(raw.fields["quantity"]).strip()))
        return result

    return parse_order


class _Nowhere:
    """A rejects writer that writes nothing and counts nothing."""

    count = 0

    def write(self, reject):
        pass


def dropping_rejects(original):
    """clean, but the bad records vanish: nothing reaches the rejects file."""

    def clean(items, known_skus, rejects):
        return original(items, known_skus, _Nowhere())

    return clean


def _dialect_insert(dialect_name):
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(orders_table)


def plain_insert(dialect_name):
    return orders_table.insert()


def insert_or_ignore(dialect_name):
    return _dialect_insert(dialect_name).on_conflict_do_nothing(index_elements=[orders_table.c.order_id])


def insert_or_overwrite(dialect_name):
    statement = _dialect_insert(dialect_name)
    changes = {name: statement.excluded[name] for name in orders_table.columns.keys() if name != "order_id"}
    return statement.on_conflict_do_update(index_elements=[orders_table.c.order_id], set_=changes)


def loading_with(statement_for):
    """A load_orders that writes each batch with `statement_for(dialect)` and reports no duplicates."""

    def make(original):
        def load_orders(engine, orders, *, run_id, batch_size=5000, on_batch=None):
            loaded = 0
            iterator = iter(orders)
            while batch := list(islice(iterator, batch_size)):
                with engine.begin() as connection:
                    connection.execute(statement_for(engine.dialect.name), [order_row(o, run_id) for o in batch])
                    if on_batch is not None:
                        on_batch(connection, batch, [])
                loaded += len(batch)
            return loaded

        return load_orders

    return make


# name -> (what is wrong, in plain words; {(module, function): make(original) -> faulty function})
FAULTS = {
    "quantity-below-one-accepted": (
        "the transform accepts a quantity of 0 or a negative quantity instead of rejecting the record",
        {("transform", "parse_order"): accepting_quantities_below_one},
    ),
    "rejects-dropped-silently": (
        "bad records disappear without a word: clean writes nothing to the rejects file and counts nothing",
        {("quarantine", "clean"): dropping_rejects},
    ),
    "second-load-fails": (
        "loading orders that are already in the table fails (a plain INSERT) instead of leaving the same rows",
        {("load", "load_orders"): loading_with(plain_insert)},
    ),
    "changed-order-not-replaced": (
        "an order loaded again by a later run with new values keeps its old row (the load ignores orders it has)",
        {("load", "load_orders"): loading_with(insert_or_ignore)},
    ),
    "repeat-overwrites-first": (
        "an order that appears twice in one run overwrites its first occurrence and is not reported as a duplicate",
        {("load", "load_orders"): loading_with(insert_or_overwrite)},
    ),
}


def _holders():
    """The project's modules, and the test files: every place that may name a function of the pipeline."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name == PACKAGE or name.startswith(PACKAGE + ".") or (file and Path(file).resolve().parent == TESTS_DIR):
            yield module


def swap_in(monkeypatch, fault):
    """Put the fault's functions in place of the originals, wherever a module names them."""
    for (module_name, function_name), make in FAULTS[fault][1].items():
        original = getattr(sys.modules[f"{PACKAGE}.{module_name}"], function_name)
        faulty = make(original)
        for module in _holders():
            for attribute, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attribute, faulty)


def pytest_addoption(parser):
    parser.addoption("--planted-report", help="write the outcome of every test under every version here (JSON)")


def pytest_generate_tests(metafunc):
    # Every test runs once per version: the reference, then each fault.
    if "planted_version" in metafunc.fixturenames:
        metafunc.parametrize("planted_version", [REFERENCE, *FAULTS], indirect=True)


@pytest.fixture(autouse=True)
def planted_version(request, monkeypatch):
    """Swap this run's faulty functions into the project (monkeypatch puts the originals back after the test)."""
    name = request.param
    if name != REFERENCE:
        swap_in(monkeypatch, name)
    return name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    version = getattr(item, "callspec", None) and item.callspec.params.get("planted_version")
    if version and (report.failed or report.when == "call"):
        results = item.config.stash.setdefault(_RESULTS, {})
        name = item.originalname or item.name
        before = results.get((version, name), {"failed": False, "message": ""})
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if report.failed and crash is not None else ""
        results[(version, name)] = {
            "failed": before["failed"] or report.failed,
            "message": before["message"] or message,
        }
    return report


def pytest_sessionfinish(session):
    path = session.config.getoption("--planted-report")
    if not path:
        return
    results = session.config.stash.get(_RESULTS, {})
    data = {}
    for (version, name), outcome in results.items():
        data.setdefault(version, {})[name] = outcome
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file)
