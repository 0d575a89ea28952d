"""Exercise 6 (batches): load in batches, one transaction per batch."""

import pytest
from sqlalchemy import event

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.load import batched, load_orders

pytestmark = pytest.mark.exercise("batches")


def test_batched_cuts_lists():
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]], "batched(range(5), 2) should give [0, 1], [2, 3], [4]"
    assert list(batched([], 3)) == [], "batched of nothing should give no batch"


def test_batched_is_lazy():
    taken = []

    def numbers():
        for number in range(100):
            taken.append(number)
            yield number

    first = next(batched(numbers(), 10))
    assert first == list(range(10)), "the first batch of 10 should be 0..9"
    assert len(taken) == 10, f"taking the first batch of 10 should read 10 items, not {len(taken)}"


@pytest.mark.parametrize("size", [0, -1])
def test_batched_refuses_a_size_below_one(size):
    with pytest.raises(ValueError):
        next(batched([1, 2], size))


def test_load_orders_loads_every_order(seeded, new_run, new_order, rows):
    run_id = new_run()
    orders = [new_order(number, quantity=number % 3 + 1) for number in range(1, 8)]
    with seeded.app_context():
        loaded = load_orders(db.engine, orders, run_id=run_id, batch_size=3)
    assert loaded == 7, "load_orders should return the number of orders loaded, 7"
    saved = rows("orders")
    assert [row["order_id"] for row in saved] == [f"T{n:07d}" for n in range(1, 8)], "every order should be saved"
    first = saved[0]
    values = (first["quantity"], first["unit_price_cents"], first["run_id"], first["source_line"])
    assert values == (2, 1000, run_id, 2), (
        "each row should hold the order's values (price in cents), the run_id and the source line"
    )


def test_ten_thousand_orders_take_two_statements_and_two_commits(seeded, new_run, new_order, counting, rows):
    run_id = new_run()
    with seeded.app_context():
        counter = counting(db.engine)
        loaded = load_orders(db.engine, (new_order(n) for n in range(10_000)), run_id=run_id, batch_size=5000)
        counter.close()
    assert loaded == 10_000, "all 10,000 orders should be loaded"
    assert counter.inserts == 2, (
        f"10,000 orders in batches of 5,000 should take 2 INSERT statements (one executemany per batch), "
        f"not {counter.inserts}: pass a list of rows to one connection.execute()"
    )
    assert counter.commits == 2, f"10,000 orders in batches of 5,000 should take 2 commits, not {counter.commits}"
    assert len(rows("orders")) == 10_000, "the orders table should hold 10,000 rows"


def test_on_batch_runs_inside_each_transaction(seeded, new_run, new_order):
    run_id = new_run()
    calls = []

    def on_batch(connection, fresh, duplicates):
        assert connection.in_transaction(), "on_batch should be called inside the batch's transaction"
        calls.append(([order.order_id for order in fresh], duplicates))

    with seeded.app_context():
        load_orders(db.engine, [new_order(n) for n in range(5)], run_id=run_id, batch_size=2, on_batch=on_batch)
    assert [len(fresh) for fresh, _ in calls] == [2, 2, 1], "on_batch should be called once per batch: 2, 2, 1 orders"
    assert all(duplicates == [] for _, duplicates in calls), "there are no duplicates here"


def test_a_failing_batch_is_rolled_back_and_earlier_batches_stay(seeded, new_run, new_order, rows):
    from sqlalchemy.exc import IntegrityError

    run_id = new_run()
    orders = [new_order(n) for n in range(1, 7)]
    orders[4] = new_order(5, sku="SKU-404")  # an unknown product, in the third batch
    with seeded.app_context():
        with pytest.raises(IntegrityError):
            load_orders(db.engine, orders, run_id=run_id, batch_size=2)
    saved = [row["order_id"] for row in rows("orders")]
    assert saved == ["T0000001", "T0000002", "T0000003", "T0000004"], (
        "after the third batch failed, the first two batches should be saved and nothing of the third"
    )


def test_loading_starts_before_the_input_is_read_to_the_end(seeded, new_run, new_order):
    run_id = new_run()
    loaded_so_far = []

    def on_batch(connection, fresh, duplicates):
        loaded_so_far.append(len(fresh))

    def orders():
        for number in range(1000):
            ahead = number - sum(loaded_so_far)
            assert ahead <= 100, (
                f"load_orders read {ahead} orders beyond what it has loaded, with batch_size=100: "
                "it should load each batch as soon as it is full, not read everything first"
            )
            yield new_order(number)

    with seeded.app_context():
        assert load_orders(db.engine, orders(), run_id=run_id, batch_size=100, on_batch=on_batch) == 1000


def test_a_batch_is_one_transaction(seeded, new_run, new_order):
    run_id = new_run()
    begins = []
    with seeded.app_context():
        engine = db.engine

        def on_begin(connection):
            begins.append(1)

        event.listen(engine, "begin", on_begin)
        try:
            load_orders(engine, [new_order(n) for n in range(6)], run_id=run_id, batch_size=2)
        finally:
            event.remove(engine, "begin", on_begin)
    assert len(begins) == 3, f"6 orders in batches of 2 should open 3 transactions (one per batch), not {len(begins)}"
