"""content_generation spread over Celery workers on the machine's RabbitMQ: two workers
started as subprocesses (as `make workers` starts them), the run on Postgres storage,
its steps executed in both worker processes, every request generated once."""

import os
import uuid
from types import SimpleNamespace

import pytest
from dagster import DagsterEventType, DagsterInstance, execute_job, reconstructable
from sqlalchemy import text

from pipeline_defs.executors import DEFAULT_BROKER_URL
from pipeline_defs.jobs import generation_run_config
from tests.celery_workers import celery_workers, new_queue_name, postgres_instance_yaml
from tests.deployment_job import content_generation_job
from tests.generation_helpers import copy_request

REQUESTS = 12


def _requests(engine, count: int) -> list[str]:
    """Fresh submitted copies of demo requests: X only, one image each."""
    with engine.connect() as conn:
        sources = (
            conn.execute(
                text("select id from content_requests where status = 'submitted' order by id")
            )
            .scalars()
            .all()
        )
    assert sources
    return [
        str(
            copy_request(
                engine,
                sources[n % len(sources)],
                new_id=uuid.uuid4(),
                target_platforms=["x"],
                style_preferences={"num_images": 1},
            )
        )
        for n in range(count)
    ]


@pytest.fixture
def celery_world(demo_world, make_database, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(postgres_instance_yaml(make_database()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.update(
        DATABASE_URL=demo_world.url,
        IMAGE_STORE_URL=str(demo_world.media),
        IMAGE_PROVIDER="local",
        DAGSTER_HOME=str(home),
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL,
        SOCIALPIPE_CELERY_QUEUE=new_queue_name(),
    )
    for name, value in env.items():
        if name.startswith(("DATABASE_", "IMAGE_", "DAGSTER_HOME", "CELERY_", "SOCIALPIPE_")):
            monkeypatch.setenv(name, value)
    for name in list(os.environ):
        if name.startswith(("FREEPIK_", "IMAGE_")) and name not in env:
            monkeypatch.delenv(name)
    logs = tmp_path / "logs"
    logs.mkdir()
    with DagsterInstance.from_config(str(home)) as instance:
        yield SimpleNamespace(instance=instance, env=env, logs=logs)


def _step_pids(instance, run_id: str) -> dict[str, set[int]]:
    """Step key → the pids that reported its successes."""
    pids: dict[str, set[int]] = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_SUCCESS):
        pids.setdefault(entry.step_key, set()).add(entry.dagster_event.pid)
    return pids


def test_generation_spreads_over_two_celery_workers(demo_world, celery_world):
    request_ids = _requests(demo_world.engine, REQUESTS)
    instance = celery_world.instance
    with celery_workers(2, celery_world.env, celery_world.logs) as workers:
        result = execute_job(
            reconstructable(content_generation_job),
            instance=instance,
            run_config={
                **generation_run_config(request_ids),
                "execution": {"config": {"celery": {}}},
            },
            tags={"socialpipe/trigger": "test"},
        )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    pids = _step_pids(instance, result.run_id)
    worker_pids = {w.pid for w in workers}
    used = set().union(*pids.values())
    # every step ran in a worker, and both workers ran some: none ran in this process
    assert used == worker_pids, (pids, worker_pids)
    assert {"generated_assets", "asset_compliance", "asset_variants"} <= set(pids)

    checks = {
        entry.dagster_event.event_specific_data.check_name: (
            entry.dagster_event.event_specific_data.passed
        )
        for entry in instance.all_logs(
            result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        )
    }
    assert "generated_assets_record_their_files" in checks and all(checks.values()), checks
    _assert_each_request_generated_once(demo_world.engine, request_ids)


def _assert_each_request_generated_once(engine, request_ids: list[str]) -> None:
    """Past generation, one image each (X, one candidate), no second row or usage
    record for any of them: counted from the raw rows."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select r.id, r.status, "
                "(select count(*) from generated_assets g where g.content_request_id = r.id) "
                "  as images, "
                "(select count(*) from api_usage u where u.content_request_id = r.id) as calls "
                "from content_requests r where r.id = any(cast(:ids as uuid[]))"
            ),
            {"ids": request_ids},
        ).all()
    assert len(rows) == len(request_ids)
    for row in rows:
        assert row.status in ("awaiting_approval", "approved"), row
        assert row.images == 1 and row.calls == 1, row


def test_an_unreachable_broker_fails_the_run_naming_it(demo_world, celery_world):
    """Nothing listens on port 1: the run fails at once, names the broker (its password
    hidden), and is left FAILURE, not STARTED; no request is touched."""
    (request_id,) = _requests(demo_world.engine, 1)
    broker = "amqp://guest:secret@127.0.0.1:1//"
    instance = celery_world.instance
    result = execute_job(
        reconstructable(content_generation_job),
        instance=instance,
        run_config={
            **generation_run_config([request_id]),
            "execution": {"config": {"celery": {"broker": broker}}},
        },
    )
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    assert run.status.value == "FAILURE"
    failure = next(
        e
        for e in instance.all_logs(result.run_id)
        if e.dagster_event and e.dagster_event.is_failure
    )
    message = failure.dagster_event.message + str(failure.dagster_event.event_specific_data)
    assert "Celery broker amqp://guest:**@127.0.0.1:1// is unreachable" in message, message
    assert "secret" not in message
    with demo_world.engine.connect() as conn:
        status = conn.execute(
            text("select status from content_requests where id = :id"), {"id": request_id}
        ).scalar_one()
    assert status == "submitted"
