"""Exercise 5 (schema): the models, and Core for the bulk insert of the catalogue."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Order, Product, Run, seed_products

pytestmark = pytest.mark.exercise("schema")


def columns(app, table):
    with app.app_context():
        return {column["name"] for column in inspect(db.engine).get_columns(table)}


def foreign_keys(app, table):
    with app.app_context():
        return {
            (tuple(key["constrained_columns"]), key["referred_table"], tuple(key["referred_columns"]))
            for key in inspect(db.engine).get_foreign_keys(table)
        }


def test_the_orders_table(app):
    expected = {
        "order_id",
        "ordered_at",
        "customer",
        "sku",
        "quantity",
        "unit_price_cents",
        "status",
        "run_id",
        "source_line",
    }
    missing = expected - columns(app, "orders")
    assert not missing, f"the orders table is missing the columns {sorted(missing)}"
    with app.app_context():
        primary_key = inspect(db.engine).get_pk_constraint("orders")["constrained_columns"]
    assert primary_key == ["order_id"], "order_id should be the primary key of orders"
    assert foreign_keys(app, "orders") >= {
        (("sku",), "products", ("sku",)),
        (("run_id",), "runs", ("id",)),
    }, "orders.sku should reference products.sku and orders.run_id should reference runs.id"


def test_the_runs_table_and_its_defaults(app):
    expected = {
        "id", "source", "status", "created_at", "started_at", "finished_at",
        "read", "loaded", "rejected", "skipped", "watermark", "error", "heartbeat_at",
    }  # fmt: skip
    missing = expected - columns(app, "runs")
    assert not missing, f"the runs table is missing the columns {sorted(missing)}"
    with app.app_context():
        db.session.add(Run(source="orders.csv"))
        db.session.commit()
        run = db.session.get(Run, 1)
        assert run.status == "queued", "a new Run should have the status 'queued' by default"
        assert (run.read, run.loaded, run.rejected, run.skipped) == (0, 0, 0, 0), "a new Run's counts should be 0"
        assert run.created_at is not None and run.created_at.tzinfo is not None, (
            "a new Run's created_at should be set by default (pass the function utcnow), with a zone"
        )
        assert run.started_at is None and run.watermark is None and run.error is None, (
            "started_at, finished_at, watermark and error should be empty (nullable) for a new Run"
        )


def test_ordered_at_keeps_the_instant_in_utc(app):
    with app.app_context():
        seed_products()
        db.session.add(Run(source="x.csv"))
        db.session.flush()
        moment = datetime(2024, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        db.session.add(
            Order(
                order_id="O1", ordered_at=moment, customer="a@example.com", sku="SKU-001", quantity=1,
                unit_price_cents=100, status="paid", run_id=1, source_line=2,
            )
        )  # fmt: skip
        db.session.commit()
        db.session.expire_all()
        saved = db.session.get(Order, "O1").ordered_at
    assert saved == moment, "ordered_at should come back as the same instant"
    assert saved.utcoffset() == timedelta(0), "ordered_at should come back in UTC, with its zone"


def test_the_foreign_key_to_products_is_enforced(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        seed_products()
        db.session.add(Run(source="x.csv"))
        db.session.flush()
        db.session.add(
            Order(
                order_id="O1", ordered_at=datetime(2024, 1, 1, tzinfo=timezone.utc), customer="a@example.com",
                sku="SKU-404", quantity=1, unit_price_cents=100, status="paid", run_id=1, source_line=2,
            )
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_seed_products_loads_the_catalogue_in_one_statement(app, counting):
    with app.app_context():
        counter = counting(db.engine, table="products")
        count = seed_products()
        counter.close()
        products = db.session.execute(db.select(Product).order_by(Product.sku)).scalars().all()
    assert count == 40, "seed_products() should return the number of products inserted, 40"
    assert len(products) == 40, "the products table should hold the 40 products of the catalogue"
    assert products[0].sku == "SKU-001" and products[0].price_cents == 1013, (
        "SKU-001 costs 10.13, so its price_cents should be 1013"
    )
    assert counter.inserts == 1, (
        f"seed_products() should insert every product with one statement (executemany), not {counter.inserts}"
    )


def test_a_source_has_at_most_one_unfinished_run(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add_all([Run(source="orders.csv", status="succeeded"), Run(source="orders.csv", status="failed")])
        db.session.add(Run(source="orders.csv"))
        db.session.add(Run(source="other.csv", status="running"))
        db.session.commit()  # finished runs do not count, and other sources are free
        for status in ("queued", "running"):
            db.session.add(Run(source="orders.csv", status=status))
            with pytest.raises(IntegrityError):
                db.session.commit()
                pytest.fail(f"a second unfinished run of orders.csv ({status}) should be refused by the database")
            db.session.rollback()
        db.session.execute(db.update(Run).where(Run.source == "orders.csv").values(status="failed"))
        db.session.add(Run(source="orders.csv", status="running"))
        db.session.commit()  # once the first has ended, a new run is allowed
