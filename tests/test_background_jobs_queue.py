"""Work queued by applications in background_jobs: claimed by the queue sensor, one run per
attempt, failures retried with backoff up to max_retries. Real runs on a real instance."""

import json
import uuid

import pytest
from dagster import AssetKey, DagsterInstance
from sqlalchemy import text

from assets.background_jobs import mirror_run
from assets.background_jobs.queue import claim_jobs
from assets.background_jobs.runs import ATTEMPT_TAG, JOB_ID_TAG, RunFacts
from assets.background_jobs.sensors import (
    background_job_run_failed,
    background_job_run_started,
    background_job_run_succeeded,
)
from assets.generation.jobs import generation_run_config
from resources.tenancy import tenant_connection
from tests.background_jobs_helpers import (
    broken_url,
    definitions,
    evaluate,
    execute,
    job_row,
    report,
    tick,
    two_tenants,
)
from tests.factories import make_generated_asset


@pytest.fixture(scope="module")
def world(make_database, tmp_path_factory):
    """A database of its own (the sensor claims every due row it can see): two tenants,
    a request each, and the first tenant's generated asset. No brand kits: quick runs."""
    world = two_tenants(make_database())
    folder = tmp_path_factory.mktemp("queue")
    world.defs = definitions(world.url, folder / "media", folder / "metrics")
    world.broken = definitions(broken_url(world.url), folder / "media", folder / "metrics")
    yield world
    world.engine.dispose()


@pytest.fixture(scope="module")
def instance():
    # one instance for the module: each test's rows (and so its runs' tags) are its own
    # in memory: as real as a stored instance for runs and their events, and much faster
    return DagsterInstance.ephemeral()


@pytest.fixture(autouse=True)
def empty_queue(world):
    with world.engine.begin() as conn:
        conn.execute(text("delete from background_jobs"))


def queue(world, job_type: str, parameters: dict, **columns) -> str:
    """Ask for work as an application does: an INSERT in the tenant's own session."""
    names = ["job_type", "parameters", "organization_id", *columns]
    values = ["cast(:job_type as varchar)", "cast(:parameters as jsonb)", ":organization_id"]
    values += [f":{name}" for name in columns]
    with tenant_connection(world.engine, world.org) as conn:
        job_id = uuid.uuid4()
        conn.execute(
            text(
                f"insert into background_jobs (id, {', '.join(names)}) "  # noqa: S608
                f"values (:id, {', '.join(values)})"
            ),
            {
                "id": job_id,
                "job_type": job_type,
                "parameters": json.dumps(parameters),
                "organization_id": world.org,
                **columns,
            },
        )
    return str(job_id)


def make_due(world, job_id: str) -> None:
    with world.engine.begin() as conn:
        conn.execute(
            text("update background_jobs set scheduled_for = now() where id = :id"), {"id": job_id}
        )


def age(world, job_id: str, hours: int = 2) -> None:
    """Make a claimed row look untouched for ``hours`` (the trigger keeps updated_at current)."""
    with world.engine.begin() as conn:
        conn.execute(
            text("alter table background_jobs disable trigger background_jobs_set_updated_at")
        )
        conn.execute(
            text(
                "update background_jobs set updated_at = now() - make_interval(hours => :hours) "
                "where id = :id"
            ),
            {"id": job_id, "hours": hours},
        )
        conn.execute(
            text("alter table background_jobs enable trigger background_jobs_set_updated_at")
        )


def test_a_queued_row_becomes_exactly_one_run(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]})

    (request,) = tick(instance, world.url)

    assert request.run_key == f"background-job-{job_id}-attempt-0"
    assert request.job_name == "content_generation"
    assert request.run_config == generation_run_config([world.request], force=True)
    assert request.tags[JOB_ID_TAG] == job_id and request.tags[ATTEMPT_TAG] == "0"
    assert job_row(world.engine, job_id).status == "running"
    assert tick(instance, world.url) == []  # the row is claimed: a second tick has nothing


def test_the_cursor_keeps_running_totals_of_launched_and_rejected_rows(world, instance):
    queue(world, "regenerate_request", {"request_ids": [world.request]})
    queue(world, "make_coffee", {})

    first = evaluate(instance, world.url, cursor=json.dumps({"launched": 5, "rejected": 1}))
    second = evaluate(instance, world.url, cursor=first.cursor)

    assert json.loads(first.cursor) == {"launched": 6, "rejected": 2}
    assert json.loads(second.cursor) == json.loads(first.cursor)  # nothing new to claim


def test_due_rows_are_claimed_most_urgent_first_and_later_ones_wait(world, instance):
    params = {"request_ids": [world.request]}
    low = queue(world, "regenerate_request", params, priority=1)
    urgent = queue(world, "regenerate_request", params, priority=5)
    normal = queue(world, "regenerate_request", params, priority=3)
    later = queue(world, "regenerate_request", params, priority=5)
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "update background_jobs set scheduled_for = now() + interval '1 hour' "
                "where id = :id"
            ),
            {"id": later},
        )

    first = tick(instance, world.url, jobs_per_tick=2)
    second = tick(instance, world.url, jobs_per_tick=2)

    assert [r.tags[JOB_ID_TAG] for r in first] == [urgent, normal]
    assert [r.tags[JOB_ID_TAG] for r in second] == [low]
    assert job_row(world.engine, later).status == "queued"


@pytest.mark.parametrize(
    ("job_type", "parameters", "message"),
    [
        ("make_coffee", {}, "unknown job_type 'make_coffee'; one of: regenerate_request"),
        ("regenerate_request", {"request_id": "x"}, "parameters.request_id: Extra inputs"),
        ("regenerate_request", {"request_ids": ["other"]}, "request(s) of another organization"),
        ("rerender_variants", {"asset_ids": ["unknown"]}, "unknown asset id(s)"),
        ("rerender_variants", {}, "parameters: give request_ids or asset_ids"),
        ("recompute_analytics", {"start": "2026-02-01", "end": "2026-01-01"}, "is before start"),
    ],
)
def test_bad_rows_fail_with_the_reason_and_launch_nothing(
    world, instance, job_type, parameters, message
):
    # stand-ins for ids only the fixture knows
    ids = {"other": world.other_request, "unknown": str(uuid.uuid4())}
    for key, value in parameters.items():
        if isinstance(value, list):
            parameters[key] = [ids.get(v, v) for v in value]
    job_id = queue(world, job_type, parameters)

    assert tick(instance, world.url) == []

    row = job_row(world.engine, job_id)
    assert row.status == "failed" and message in row.error_message
    assert row.completed_at is not None and row.retry_count == 0


def test_two_claimers_at_once_get_disjoint_rows(world):
    jobs = {queue(world, "regenerate_request", {"request_ids": [world.request]}) for _ in range(3)}
    with world.engine.connect() as first, world.engine.connect() as second:
        with first.begin():
            claimed_first, _ = claim_jobs(first, limit=2)
            # the first claim holds its rows' locks until it commits: the second skips them
            with second.begin():
                claimed_second, _ = claim_jobs(second, limit=10)
        with second.begin():
            claimed_after, _ = claim_jobs(second, limit=10)
    first_ids = {job.id for job in claimed_first}
    second_ids = {job.id for job in claimed_second}
    assert len(first_ids) == 2 and len(second_ids) == 1
    assert first_ids | second_ids == jobs
    assert claimed_after == []


def test_a_failing_job_is_retried_with_backoff_until_max_retries_then_failed(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]}, max_retries=2)
    run_ids = []
    for attempt in range(3):
        (request,) = tick(instance, world.url)
        assert request.run_key == f"background-job-{job_id}-attempt-{attempt}"
        result = execute(world.broken, request, instance)
        assert not result.success
        run_ids.append(result.run_id)
        # reported twice (two ticks, a restarted daemon): applied once
        report(background_job_run_failed, instance, result.run_id, world.url, retry_base_seconds=60)
        report(background_job_run_failed, instance, result.run_id, world.url, retry_base_seconds=60)

        row = job_row(world.engine, job_id)
        assert row.error_message.startswith("generated_assets.requests_to_generate: ")
        assert row.dagster_run_id == result.run_id
        if attempt < 2:
            assert (row.status, row.retry_count) == ("queued", attempt + 1)
            assert row.wait_seconds == 60 * 2**attempt  # 60 s, then 120 s
            assert row.started_at is None and row.completed_at is None
            assert tick(instance, world.url) == []  # not due yet
            make_due(world, job_id)
    assert (row.status, row.retry_count) == ("failed", 2)
    assert row.completed_at >= row.started_at
    assert row.result["attempts"] == 3 and row.result["steps_failed"] == 1
    assert tick(instance, world.url) == []
    assert len(set(run_ids)) == 3


def test_a_retried_job_that_then_succeeds_is_succeeded_with_its_result(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]})
    (first,) = tick(instance, world.url)
    failed = execute(world.broken, first, instance)
    report(background_job_run_failed, instance, failed.run_id, world.url)
    make_due(world, job_id)

    (second,) = tick(instance, world.url)
    assert second.run_key.endswith("-attempt-1")
    succeeded = execute(world.defs, second, instance)
    assert succeeded.success
    report(background_job_run_started, instance, succeeded.run_id, world.url)
    report(background_job_run_succeeded, instance, succeeded.run_id, world.url)
    report(background_job_run_failed, instance, failed.run_id, world.url)  # a late report

    row = job_row(world.engine, job_id)
    assert (row.status, row.retry_count, row.error_message) == ("succeeded", 1, None)
    assert row.dagster_run_id == succeeded.run_id
    assert row.started_at <= row.completed_at
    assert row.result["materializations"]["generated_assets"] == 1
    assert row.result["attempts"] == 2
    assert row.result["previous_error"].startswith("generated_assets.requests_to_generate: ")


def test_rerender_variants_runs_only_the_variants_of_the_named_assets(world, instance):
    job_id = queue(world, "rerender_variants", {"asset_ids": [world.asset]})

    (request,) = tick(instance, world.url)

    assert request.job_name == "content_processing"
    assert list(request.asset_selection) == [AssetKey("asset_variants")]
    assert request.run_config == {
        "ops": {
            "asset_variants": {
                "config": {"request_ids": [], "asset_ids": [world.asset], "force": True}
            }
        }
    }
    result = execute(world.defs, request, instance)
    assert result.success
    report(background_job_run_succeeded, instance, result.run_id, world.url)
    row = job_row(world.engine, job_id)
    assert row.status == "succeeded"
    assert row.result["materializations"] == {"asset_variants": 1}


def test_recompute_analytics_runs_the_range_as_one_run(world, instance):
    job_id = queue(world, "recompute_analytics", {"start": "2025-01-01", "end": "2025-01-03"})

    (request,) = tick(instance, world.url)

    assert request.job_name == "analytics_daily"
    assert request.tags["dagster/asset_partition_range_start"] == "2025-01-01"
    assert request.tags["dagster/asset_partition_range_end"] == "2025-01-03"
    result = execute(world.defs, request, instance)
    assert result.success
    report(background_job_run_succeeded, instance, result.run_id, world.url)
    row = job_row(world.engine, job_id)
    assert row.status == "succeeded"
    assert row.result["materializations"]["daily_usage_summaries"] == 3  # one per day
    assert row.result["checks"]["failed"] == 0


def test_a_cancelled_attempt_is_cancelled_and_not_retried(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]})
    (request,) = tick(instance, world.url)
    # a run cancelled from the UI, as the instance reports it (in-process runs cannot be)
    facts = RunFacts(
        run_id=str(uuid.uuid4()), job_name=request.job_name, status="cancelled", tags=request.tags
    )

    mirror_run(world.engine, facts)

    row = job_row(world.engine, job_id)
    assert (row.status, row.retry_count) == ("cancelled", 0)
    assert tick(instance, world.url) == []


def test_an_attempt_whose_tick_died_is_launched_again_under_the_same_run_key(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]})
    (request,) = tick(instance, world.url)
    # the tick died after claiming the row, before Dagster recorded a run; an hour on:
    age(world, job_id)

    (again,) = tick(instance, world.url, reclaim_after_minutes=60)

    assert again.run_key == request.run_key  # Dagster launches one run per run key
    assert job_row(world.engine, job_id).status == "running"
    assert tick(instance, world.url, reclaim_after_minutes=60) == []  # looked at again later


def test_an_old_attempt_is_never_failed_for_what_changed_since_its_claim(world, instance):
    with world.engine.begin() as conn:
        brand = conn.execute(
            text("select brand_profile_id from generated_assets where id = :id"),
            {"id": world.asset},
        ).scalar_one()
        asset = make_generated_asset(
            conn, world.request, brand, platform="x", variant_type="alternate_1"
        )
    job_id = queue(world, "rerender_variants", {"asset_ids": [str(asset)]})
    (request,) = tick(instance, world.url)
    # its run is slow; meanwhile the asset it names is deleted (a regeneration)
    with world.engine.begin() as conn:
        conn.execute(text("delete from generated_assets where id = :id"), {"id": asset})
    age(world, job_id)

    (again,) = tick(instance, world.url, reclaim_after_minutes=60)

    assert again.run_key == request.run_key
    row = job_row(world.engine, job_id)
    assert row.status == "running" and row.error_message is None


def test_an_attempt_whose_run_ended_unseen_is_settled_from_the_instance(world, instance):
    job_id = queue(world, "regenerate_request", {"request_ids": [world.request]})
    (request,) = tick(instance, world.url)
    result = execute(world.defs, request, instance)
    # the run-status sensors were off: nobody reported the run
    age(world, job_id)

    assert tick(instance, world.url, reclaim_after_minutes=60) == []

    row = job_row(world.engine, job_id)
    assert (row.status, row.dagster_run_id) == ("succeeded", result.run_id)
