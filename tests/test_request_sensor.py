"""content_request_sensor: most urgent first, in batches, each launched exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
from dagster import build_sensor_context
from sqlalchemy import create_engine, text

from pipeline_defs.sensors import RequestQueueResource, batch_run_key, content_request_sensor
from resources.database import DatabaseResource
from resources.migrations import upgrade
from tests.factories import make_brand, make_org, make_request, make_user


@pytest.fixture
def queue_db(make_database):
    """A database of its own: the sensor claims every submitted request it can see."""
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def _evaluate(url: str, cursor: str | None = None, batch_size: int = 2, max_batches: int = 5):
    context = build_sensor_context(
        cursor=cursor,
        resources={
            "database": DatabaseResource(url=url),
            "request_queue": RequestQueueResource(
                batch_size=batch_size, max_batches_per_tick=max_batches
            ),
        },
    )
    return content_request_sensor(context)


def _seed_requests(engine) -> dict[str, str]:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        user = make_user(conn)
        org = make_org(conn, user)
        brand = make_brand(conn, org, user)
        specs = {
            "low": {"priority": 1},
            "urgent-late": {"priority": 5, "due_date": now + timedelta(days=5)},
            "urgent-soon": {"priority": 5, "due_date": now + timedelta(days=1)},
            "normal": {"priority": 3},
            "draft": {"priority": 5, "status": "draft"},
        }
        return {
            name: str(make_request(conn, org, brand, user, title=name, **spec))
            for name, spec in specs.items()
        }


def _ids_in(result) -> list[list[str]]:
    return [
        run.run_config["ops"]["generated_assets"]["config"]["request_ids"]
        for run in result.run_requests
    ]


def test_batches_come_most_urgent_first_and_are_marked_queued(queue_db) -> None:
    url, engine = queue_db
    ids = _seed_requests(engine)
    result = _evaluate(url)

    assert _ids_in(result) == [
        [ids["urgent-soon"], ids["urgent-late"]],
        [ids["normal"], ids["low"]],
    ]
    assert [run.run_key for run in result.run_requests] == [
        batch_run_key(batch) for batch in _ids_in(result)
    ]
    with engine.connect() as conn:
        statuses = dict(conn.execute(text("select title, status from content_requests")).all())
    assert statuses == {
        "low": "queued",
        "urgent-late": "queued",
        "urgent-soon": "queued",
        "normal": "queued",
        "draft": "draft",
    }


def test_a_second_tick_launches_nothing_and_the_cursor_advances(queue_db) -> None:
    url, engine = queue_db
    _seed_requests(engine)
    first = _evaluate(url)
    second = _evaluate(url, cursor=first.cursor)
    assert second.run_requests == []
    assert '"batches": 2' in first.cursor and second.cursor == first.cursor


def test_max_batches_per_tick_leaves_the_rest_for_the_next_tick(queue_db) -> None:
    url, engine = queue_db
    ids = _seed_requests(engine)
    first = _evaluate(url, batch_size=1, max_batches=2)
    assert _ids_in(first) == [[ids["urgent-soon"]], [ids["urgent-late"]]]
    second = _evaluate(url, cursor=first.cursor, batch_size=1, max_batches=5)
    assert _ids_in(second) == [[ids["normal"]], [ids["low"]]]


def test_a_request_left_queued_by_a_dead_tick_is_claimed_again_with_the_same_key(queue_db) -> None:
    url, engine = queue_db
    _seed_requests(engine)
    first = _evaluate(url, batch_size=10)
    # the tick died after marking the batch queued, before Dagster recorded its run; two
    # hours on, the rows look like this (the trigger keeps updated_at current, so pause it)
    with engine.begin() as conn:
        conn.execute(
            text("alter table content_requests disable trigger content_requests_set_updated_at")
        )
        conn.execute(
            text(
                "update content_requests set updated_at = now() - interval '2 hours' "
                "where status = 'queued'"
            )
        )
        conn.execute(
            text("alter table content_requests enable trigger content_requests_set_updated_at")
        )
    again = _evaluate(url, batch_size=10)
    assert [run.run_key for run in again.run_requests] == [
        run.run_key for run in first.run_requests
    ]
