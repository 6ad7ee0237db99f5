"""Claims and locks on content requests: a dead run's work is released by the next one,
a live run's is not, and two forced runs at once never generate one request twice."""

import subprocess
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from sqlalchemy import text

from assets.generation.claims import QueuedClaim, dead_claims, request_lock
from assets.generation.process import GenerationServices, process_request
from assets.requests.recovery import HOST_TAG, PID_TAG, process_tags, recover
from pipeline_defs.definitions import defs
from resources.file_store import FileStore
from resources.local_provider import LocalProvider
from tests.generation_helpers import copy_request, first_request, request_row


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture
def services(demo_world) -> GenerationServices:
    return GenerationServices(
        demo_world.engine, FileStore(str(demo_world.media)), lambda _settings: LocalProvider()
    )


def new_request(world, **changes) -> uuid.UUID:
    return copy_request(world.engine, first_request(world.engine, submitted=True), **changes)


def set_state(world, request_id, **columns) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with world.engine.begin() as conn:
        conn.execute(
            text(f"update content_requests set {assignments} where id = :id"),  # noqa: S608
            {**columns, "id": request_id},
        )


def make_run(instance, status: DagsterRunStatus, tags: dict[str, str] | None = None) -> str:
    run = instance.create_run_for_job(
        defs.resolve_job_def("content_generation"),
        run_id=str(uuid.uuid4()),
        tags=tags or {},
        status=status,
    )
    return run.run_id


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    probe = subprocess.Popen(["true"])  # noqa: S607
    probe.wait()
    return probe.pid


# --- processing: the lock is the proof of life ------------------------------------------


def test_a_processing_request_with_no_start_time_is_released_at_once(demo_world, instance):
    request = new_request(demo_world)
    set_state(demo_world, request, status="processing", processing_started_at=None)

    recovery = recover(demo_world.engine, instance, None)

    assert str(request) in {r.request_id for r in recovery.released}
    row = request_row(demo_world.engine, request)
    assert row["status"] == "submitted"
    assert "stopped while generating it" in row["status_reason"]


def test_a_processing_request_with_no_start_time_is_taken_by_a_forced_run(services, demo_world):
    request = new_request(demo_world)
    set_state(demo_world, request, status="processing", processing_started_at=None)

    outcome = process_request(services, str(request), force=True)

    assert outcome.status == "generated", outcome.reason
    assert request_row(demo_world.engine, request)["status"] == "generated"


def test_a_request_whose_lock_is_held_is_neither_released_nor_taken(services, demo_world, instance):
    request = new_request(demo_world)
    set_state(demo_world, request, status="processing", processing_started_at=datetime.now(UTC))

    with request_lock(demo_world.engine, str(request)) as held:
        assert held
        recovery = recover(demo_world.engine, instance, None)
        outcome = process_request(services, str(request), force=True)

    assert str(request) not in {r.request_id for r in recovery.released}
    assert (outcome.status, outcome.reason) == ("skipped", "another run is generating it right now")
    assert request_row(demo_world.engine, request)["status"] == "processing"


def test_two_forced_runs_at_once_generate_each_request_once(services, demo_world):
    requests = [str(new_request(demo_world)) for _ in range(3)]
    start = threading.Barrier(2)
    outcomes: dict[str, list] = {request: [] for request in requests}

    def run(order: list[str]) -> None:
        started = datetime.now(UTC)
        start.wait()
        for request in order:
            outcome = process_request(services, request, force=True, run_started_at=started)
            outcomes[request].append(outcome)

    threads = [
        threading.Thread(target=run, args=(requests,)),
        threading.Thread(target=run, args=(requests[::-1],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with demo_world.engine.connect() as conn:
        for request in requests:
            statuses = sorted(outcome.status for outcome in outcomes[request])
            assert statuses == ["generated", "skipped"], outcomes[request]
            skipped = next(o for o in outcomes[request] if o.status == "skipped")
            assert skipped.reason in (
                "another run is generating it right now",
                "another run regenerated it after this run began",
            )
            assert skipped.calls == 0
            calls = conn.execute(
                text("select count(*) from api_usage where content_request_id = :id"),
                {"id": request},
            ).scalar_one()
            generated = next(o for o in outcomes[request] if o.status == "generated")
            assert calls == generated.calls >= 1  # one generation's calls, not two


# --- queued: the claim names a run, and the instance says whether it lives ---------------


def test_a_claim_of_a_failed_run_is_released_and_a_live_runs_is_kept(demo_world, instance):
    failed_run = make_run(instance, DagsterRunStatus.FAILURE)
    live_run = make_run(instance, DagsterRunStatus.STARTED, process_tags())
    orphaned, held = new_request(demo_world), new_request(demo_world)
    now = datetime.now(UTC)
    set_state(demo_world, orphaned, status="queued", claim_run_id=failed_run, claimed_at=now)
    set_state(demo_world, held, status="queued", claim_run_id=live_run, claimed_at=now)

    recovery = recover(demo_world.engine, instance, None)

    released = {r.request_id: r.reason for r in recovery.released}
    assert failed_run in released[str(orphaned)]
    assert str(held) not in released
    assert request_row(demo_world.engine, orphaned)["status"] == "submitted"
    assert request_row(demo_world.engine, orphaned)["claim_run_id"] is None
    assert request_row(demo_world.engine, held)["status"] == "queued"


def test_a_claim_of_a_run_nobody_knows_waits_out_the_grace_period():
    now = datetime.now(UTC)

    def claim(name: str, age: timedelta) -> QueuedClaim:
        return QueuedClaim(name, "some-run", None, now - age, now - age)

    claims = [claim("fresh", timedelta(minutes=1)), claim("old", timedelta(hours=1))]
    assert dead_claims(claims, lambda _claim: None, now) == ["old"]
    assert dead_claims(claims, lambda _claim: False, now) == ["fresh", "old"]
    assert dead_claims(claims, lambda _claim: True, now) == []


def test_a_run_whose_process_is_gone_is_failed_and_mirrored(demo_world, instance):
    tags = {**process_tags(), PID_TAG: str(dead_pid())}
    tags.pop("socialpipe/process_start", None)
    run_id = make_run(instance, DagsterRunStatus.STARTED, tags)
    alive = make_run(instance, DagsterRunStatus.STARTED, process_tags())
    elsewhere = make_run(
        instance, DagsterRunStatus.STARTED, {HOST_TAG: "another-host", PID_TAG: "1"}
    )

    recovery = recover(demo_world.engine, instance, None)

    assert recovery.failed_runs == [run_id]
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    for kept in (alive, elsewhere):
        assert instance.get_run_by_id(kept).status == DagsterRunStatus.STARTED
    with demo_world.engine.connect() as conn:
        job = conn.execute(
            text("select status, error_message from background_jobs where dagster_run_id = :id"),
            {"id": run_id},
        ).one()
    assert job.status == "failed" and "is gone: killed or crashed" in job.error_message
