"""content_request_sensor: most urgent first, in batches, each launched exactly once."""

import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, build_sensor_context
from sqlalchemy import create_engine, text

from assets.requests.definitions import content_request_sensor
from assets.requests.queue import RequestQueueResource, batch_run_key, claim_batch
from pipeline_defs.definitions import defs
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.migrations import upgrade
from tests.factories import make_brand, make_org, make_request, make_user

# the sensor only reads the store to tidy up after dead runs; these requests have no files
MEDIA = Path(tempfile.gettempdir()) / "socialpipe-sensor-test-media"


@pytest.fixture
def queue_db(make_database):
    """A database of its own: the sensor claims every submitted request it can see."""
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


def _evaluate(
    url: str,
    cursor: str | None = None,
    batch_size: int = 2,
    max_batches: int = 5,
    instance: DagsterInstance | None = None,
):
    context = build_sensor_context(
        cursor=cursor,
        instance=instance or DagsterInstance.ephemeral(),
        resources={
            "database": DatabaseResource(url=url),
            "request_queue": RequestQueueResource(
                batch_size=batch_size, max_batches_per_tick=max_batches
            ),
            "image_store": ImageStoreResource(root=str(MEDIA)),
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
    with engine.connect() as conn:
        statuses = dict(conn.execute(text("select title, status from content_requests")).all())
        claims = conn.execute(
            text(
                "select id, claim_run_key, claimed_at from content_requests where status = 'queued'"
            )
        ).all()
    # each batch's claims name its run key
    for run in result.run_requests:
        batch = run.run_config["ops"]["generated_assets"]["config"]["request_ids"]
        assert {str(c.id) for c in claims if c.claim_run_key == run.run_key} == set(batch)
        claimed = [(str(c.id), c.claimed_at.isoformat()) for c in claims if str(c.id) in batch]
        assert run.run_key == batch_run_key(claimed)
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


def _age_claims(engine, hours: int) -> None:
    """Make the queued claims look `hours` old (the trigger keeps updated_at current, so
    pause it)."""
    with engine.begin() as conn:
        conn.execute(
            text("alter table content_requests disable trigger content_requests_set_updated_at")
        )
        conn.execute(
            text(
                "update content_requests set updated_at = now() - make_interval(hours => :h), "
                "claimed_at = now() - make_interval(hours => :h) where status = 'queued'"
            ),
            {"h": hours},
        )
        conn.execute(
            text("alter table content_requests enable trigger content_requests_set_updated_at")
        )


def test_a_batch_whose_tick_died_before_its_run_existed_is_claimed_again(queue_db) -> None:
    url, engine = queue_db
    _seed_requests(engine)
    first = _evaluate(url, batch_size=10)
    # the tick died after claiming the batch, before Dagster recorded its run: no run has
    # its key. Within the grace period the claim stands; after it, it is released
    assert _evaluate(url, batch_size=10).run_requests == []
    _age_claims(engine, 2)
    again = _evaluate(url, batch_size=10)
    assert sorted(_ids_in(again)[0]) == sorted(_ids_in(first)[0])
    # under a new key: Dagster launches one run per key
    assert again.run_requests[0].run_key != first.run_requests[0].run_key


def test_a_batch_whose_run_failed_is_claimed_again_at_the_next_tick(queue_db, instance) -> None:
    url, engine = queue_db
    _seed_requests(engine)
    first = _evaluate(url, batch_size=10, instance=instance)
    (request,) = first.run_requests
    run = instance.create_run_for_job(
        defs.resolve_job_def("content_generation"),
        run_id=str(uuid.uuid4()),
        run_config=request.run_config,
        tags={**request.tags, "dagster/run_key": request.run_key},
        status=DagsterRunStatus.FAILURE,
    )
    assert run.status == DagsterRunStatus.FAILURE

    again = _evaluate(url, batch_size=10, instance=instance)

    assert sorted(_ids_in(again)[0]) == sorted(
        request.run_config["ops"]["generated_assets"]["config"]["request_ids"]
    )
    assert again.run_requests[0].run_key != request.run_key


def test_a_request_queued_long_ago_without_a_claim_is_claimed_first(queue_db) -> None:
    """The stale reclaim (its own statement since issue 18) takes back a request left
    queued by a claim that named no run, ahead of the submitted queue. (A sensor tick's
    recovery releases such a request first; the command line claims without it.)"""
    url, engine = queue_db
    ids = _seed_requests(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "update content_requests set status = 'queued', claim_run_id = null, "
                "claim_run_key = null where id = :id"
            ),
            {"id": ids["low"]},
        )
    _age_claims(engine, 2)

    claimed = claim_batch(DatabaseResource(url=url), RequestQueueResource(batch_size=3))

    assert [request_id for request_id, _ in claimed] == [
        ids["low"],
        ids["urgent-soon"],
        ids["urgent-late"],
    ]
    with engine.connect() as conn:
        keys = dict(
            conn.execute(
                text("select id::text, claim_run_key from content_requests where status = 'queued'")
            ).all()
        )
    assert keys == {request_id: batch_run_key(claimed) for request_id, _ in claimed}


def test_a_tick_launches_only_while_the_queue_has_room(queue_db) -> None:
    """No more of the sensor's runs wait in the run queue than max_queued_runs: with two
    of its runs queued and room for three, one batch is launched, then none."""
    url, engine = queue_db
    ids = _seed_requests(engine)
    with DagsterInstance.ephemeral() as instance:
        for _ in range(2):
            _queued_run(instance, {"socialpipe/trigger": "sensor"})
        # a queued run started by hand takes no room from the sensor
        _queued_run(instance, {})

        def tick():
            context = build_sensor_context(
                instance=instance,
                resources={
                    "database": DatabaseResource(url=url),
                    "request_queue": RequestQueueResource(
                        batch_size=1, max_batches_per_tick=5, max_queued_runs=3
                    ),
                    "image_store": ImageStoreResource(root=str(MEDIA)),
                },
            )
            return content_request_sensor(context)

        first = tick()
        assert _ids_in(first) == [[ids["urgent-soon"]]]
        (request,) = first.run_requests
        _queued_run(instance, {**request.tags, "dagster/run_key": request.run_key})
        assert tick().run_requests == []


def _queued_run(instance: DagsterInstance, tags: dict) -> None:
    """A run not yet started: created, not yet dequeued. (A QUEUED run needs the code
    location's origin, which a test instance has not: NOT_STARTED, which the sensor
    counts alike, stands in for it.)"""
    instance.add_run(
        DagsterRun(
            job_name="content_generation",
            run_id=str(uuid.uuid4()),
            tags=tags,
            status=DagsterRunStatus.NOT_STARTED,
        )
    )
