"""Every run mirrored into background_jobs: real runs on a real instance, the run-status
sensors evaluated on them as the daemon would, and the command line's own runs."""

import uuid
from datetime import UTC, datetime

import pytest
from dagster import DagsterInstance
from sqlalchemy import text

from assets.approvals.definitions import approval_escalation
from assets.background_jobs import mirror_run
from assets.background_jobs.runs import RunFacts
from assets.background_jobs.sensors import (
    background_job_run_failed,
    background_job_run_started,
    background_job_run_succeeded,
)
from assets.generation.jobs import GENERATION_JOB_NAME, PROCESSING_JOB_NAME, generation_run_config
from resources.database import DatabaseResource
from tests.background_jobs_helpers import broken_url, definitions, report, run_rows, two_tenants
from tests.generation_helpers import copy_request, first_request, fixed_id


@pytest.fixture(scope="module")
def instance():
    # in memory: as real as a stored instance for runs and their events, and much faster
    return DagsterInstance.ephemeral()


@pytest.fixture(scope="module")
def generated(demo_world, instance):
    """One content_generation run over a fresh copy of a demo request (one platform)."""
    request_id = copy_request(
        demo_world.engine,
        first_request(demo_world.engine, submitted=True),
        new_id=fixed_id("background-jobs/mirror"),
        target_platforms=["x"],
    )
    result = (
        definitions(demo_world.url, demo_world.media)
        .resolve_job_def(GENERATION_JOB_NAME)
        .execute_in_process(
            run_config=generation_run_config([str(request_id)], force=True),
            instance=instance,
            raise_on_error=False,
        )
    )
    assert result.success
    return result.run_id, request_id


@pytest.fixture(scope="module")
def small_world(make_database):
    """A database of its own with two tenants, a request each (no brand kit: quick runs)."""
    world = two_tenants(make_database())
    # the ids as the factories return them (UUIDs)
    yield (
        world.url,
        world.engine,
        world.org,
        uuid.UUID(world.request),
        uuid.UUID(world.other_request),
    )
    world.engine.dispose()


def test_a_successful_run_is_mirrored_with_its_requests_timing_and_result(
    demo_world, instance: DagsterInstance, generated
):
    run_id, request_id = generated
    report(background_job_run_succeeded, instance, run_id, demo_world.url)

    (row,) = run_rows(demo_world.engine, run_id)
    record = instance.get_run_record_by_id(run_id)
    with demo_world.engine.connect() as conn:
        organization, images = conn.execute(
            text(
                "select r.organization_id, count(g.id) from content_requests r "
                "left join generated_assets g on g.content_request_id = r.id "
                "where r.id = :id group by r.organization_id"
            ),
            {"id": request_id},
        ).one()
    assert (row.job_type, row.job_name) == (
        "content_generation",
        "content_generation: 1 request",
    )
    assert row.parameters == {"request_ids": [str(request_id)], "force": True}
    assert row.status == "succeeded" and row.error_message is None
    assert row.started_at == datetime.fromtimestamp(record.start_time, UTC)
    assert row.completed_at == datetime.fromtimestamp(record.end_time, UTC)
    assert (row.organization_id, row.content_request_id) == (organization, request_id)
    assert (row.retry_count, row.max_retries) == (0, 0)
    result = row.result
    assert result["dagster_run_id"] == run_id
    assert result["materializations"] == {
        "asset_compliance": 1,
        "asset_variants": 1,
        "content_approvals": 1,
        "generated_assets": 1,
    }
    assert images >= 1
    assert result["assets"]["generated_assets"]["images"] == images
    assert result["totals"]["images"] == images and "cost_usd" in result["totals"]
    assert result["totals"]["renditions"] > 0
    assert result["checks"]["failed"] == 0 and result["checks"]["passed"] >= 3


def test_a_run_reported_again_or_out_of_order_stays_one_row(
    demo_world, instance: DagsterInstance, generated
):
    run_id, _ = generated
    report(background_job_run_succeeded, instance, run_id, demo_world.url)
    (first,) = run_rows(demo_world.engine, run_id)
    # the daemon may tick the "started" sensor after the run ended, and report twice
    report(background_job_run_started, instance, run_id, demo_world.url)
    report(background_job_run_succeeded, instance, run_id, demo_world.url)
    (again,) = run_rows(demo_world.engine, run_id)
    assert (again.id, again.status, again.updated_at) == (first.id, "succeeded", first.updated_at)


def test_a_failed_run_is_mirrored_with_the_first_line_of_its_error(
    small_world, instance: DagsterInstance, tmp_path
):
    url, engine, org, request, _ = small_world
    result = (
        definitions(broken_url(url), tmp_path)
        .resolve_job_def(GENERATION_JOB_NAME)
        .execute_in_process(
            run_config=generation_run_config([str(request)]),
            instance=instance,
            raise_on_error=False,
        )
    )
    assert not result.success

    report(background_job_run_failed, instance, result.run_id, url)

    (row,) = run_rows(engine, result.run_id)
    assert row.status == "failed"
    assert row.error_message.startswith("generated_assets.requests_to_generate: ")
    assert "no_such_database" in row.error_message and "\n" not in row.error_message
    assert (row.organization_id, row.content_request_id) == (org, request)
    assert row.completed_at >= row.started_at
    assert row.result["steps_failed"] == 1 and row.result["materializations"] == {}


def test_a_run_over_two_organizations_belongs_to_none_and_never_goes_back_to_running(
    small_world,
):
    url, engine, _, request, other_request = small_world
    run_id = str(uuid.uuid4())
    facts = RunFacts(
        run_id=run_id,
        job_name=PROCESSING_JOB_NAME,
        status="running",
        run_config={
            "ops": {
                "asset_compliance": {"config": {"request_ids": [str(request), str(other_request)]}}
            }
        },
        started_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    mirror_run(engine, facts)
    (row,) = run_rows(engine, run_id)
    assert (row.status, row.organization_id, row.content_request_id) == ("running", None, None)

    finished = RunFacts(**{**facts.__dict__, "status": "cancelled"})
    mirror_run(engine, RunFacts(**{**finished.__dict__, "completed_at": facts.started_at}))
    mirror_run(engine, facts)  # a late "started" report
    (row,) = run_rows(engine, run_id)
    assert row.status == "cancelled" and row.completed_at == facts.started_at


def test_escalation_runs_are_mirrored_only_when_they_fail(small_world, instance: DagsterInstance):
    url, engine, *_ = small_world
    succeeded = approval_escalation.execute_in_process(
        resources={"database": DatabaseResource(url=url)}, instance=instance
    )
    report(background_job_run_succeeded, instance, succeeded.run_id, url)
    # each escalation it makes is its own background_jobs row already (escalation.py)
    assert run_rows(engine, succeeded.run_id) == []

    failed = approval_escalation.execute_in_process(
        resources={"database": DatabaseResource(url=broken_url(url))},
        instance=instance,
        raise_on_error=False,
    )
    report(background_job_run_failed, instance, failed.run_id, url)
    (row,) = run_rows(engine, failed.run_id)
    assert (row.job_type, row.status) == ("approval_escalation", "failed")
    assert row.error_message.startswith("escalate_overdue_approvals: ")


def test_the_command_line_records_the_runs_it_launches(small_world, monkeypatch, tmp_path):
    from socialpipe.cli.requests import run_job

    url, engine, *_ = small_world
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("IMAGE_STORE_URL", str(tmp_path))
    monkeypatch.setenv("IMAGE_PROVIDER", "local")
    query = text("select id, status, result from background_jobs where job_type = :job")
    with engine.connect() as conn:
        before = {row.id for row in conn.execute(query, {"job": PROCESSING_JOB_NAME})}

    ok, _ = run_job(PROCESSING_JOB_NAME, {})

    assert ok
    with engine.connect() as conn:
        rows = [r for r in conn.execute(query, {"job": PROCESSING_JOB_NAME}) if r.id not in before]
    ((_, status, result),) = rows
    assert status == "succeeded" and result["materializations"]["asset_variants"] == 1
