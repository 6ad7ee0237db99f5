"""The approvals stage in Dagster: the asset, the escalation job and its schedule."""

import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    Definitions,
    build_schedule_context,
    materialize,
)
from sqlalchemy import create_engine, text

from assets.approvals.definitions import (
    ESCALATION_JOB_NAME,
    ROUTING_JOB_NAME,
    approval_assets,
    approval_escalation,
    approval_escalation_schedule,
    approval_jobs,
    approval_schedules,
    content_approvals,
)
from assets.approvals.routing import route_requests
from resources.database import DatabaseResource
from resources.migrations import upgrade
from tests.approvals_helpers import (
    approval_tenant,
    approvals,
    make_workflow,
    request_status,
    scored_request,
    step,
    unscore_images,
)

RULE = {"min_compliance_score": 90, "content_types": ["post"], "platforms": ["instagram"]}


@pytest.fixture(scope="module")
def fresh(make_database):
    """A database of this module's own: these tests route and escalate everything in it."""
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def _metadata(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("content_approvals")
    return {key: value.value for key, value in materialization.metadata.items()}


def test_the_asset_follows_variants_and_the_lists_load_as_definitions():
    assert AssetKey("asset_variants") in content_approvals.dependency_keys
    defs = Definitions(
        assets=approval_assets,
        jobs=approval_jobs,
        schedules=approval_schedules,
        resources={"database": DatabaseResource()},
    )
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def(ROUTING_JOB_NAME) and defs.resolve_job_def(ESCALATION_JOB_NAME)


def test_materializing_routes_the_named_requests_and_reports_it(engine, database_url):
    tenant = approval_tenant(engine)
    make_workflow(engine, tenant, [step(1, "Review", role="approver")], rules=[RULE])
    make_workflow(
        engine,
        tenant,
        [{"step_number": 1, "name": "Oops", "approvers": {"role": "chief"}}],
        content_types=["story"],
        name="Broken stories",
    )
    auto = scored_request(engine, tenant, score=95)
    waiting = scored_request(engine, tenant, platforms=("x",), score=95)
    result = materialize(
        [content_approvals],
        resources={"database": DatabaseResource(url=database_url)},
        run_config={
            "ops": {"content_approvals": {"config": {"request_ids": [str(auto), str(waiting)]}}}
        },
    )
    assert result.success
    metadata = _metadata(result)
    assert metadata["requests"] == 2
    assert metadata["auto_approved"] == 1 and metadata["awaiting_approval"] == 1
    assert metadata["invalid_workflows"] >= 1
    assert "Broken stories" in metadata["invalid_workflow_details"]
    assert "steps.0.approvers.role" in metadata["invalid_workflow_details"]
    assert tenant.email["approver1"] in metadata["preview"]
    assert request_status(engine, auto)[0] == "approved"
    assert request_status(engine, waiting)[0] == "awaiting_approval"


def test_without_ids_every_ready_request_is_routed_most_urgent_first(fresh):
    url, engine = fresh
    tenant = approval_tenant(engine)
    low = scored_request(engine, tenant, priority=1)
    high = scored_request(engine, tenant, priority=5)
    unscored = scored_request(engine, tenant)
    unscore_images(engine, unscored)
    outcomes = route_requests(engine)
    assert [o.request_id for o in outcomes] == [str(high), str(low)]
    assert route_requests(engine) == []  # routed once
    assert approvals(engine, unscored) == []

    later = scored_request(engine, tenant)
    result = materialize(
        [content_approvals],
        resources={"database": DatabaseResource(url=url)},
        run_config={"ops": {"content_approvals": {"config": {"request_ids": []}}}},
    )
    assert _metadata(result)["requests"] == 1
    assert request_status(engine, later)[0] == "awaiting_approval"


def test_the_escalation_job_escalates_overdue_steps_and_the_schedule_runs_it(fresh):
    url, engine = fresh
    tenant = approval_tenant(engine)
    make_workflow(
        engine,
        tenant,
        [step(1, "Review", role="approver", sla=1, escalate=tenant.people["owner"])],
    )
    request = scored_request(engine, tenant)
    route_requests(engine, [str(request)])
    with engine.begin() as conn:  # the step started two hours ago
        conn.execute(
            text(
                "update content_approvals set created_at = now() - interval '2 hours' "
                "where content_request_id = :id"
            ),
            {"id": request},
        )
    result = approval_escalation.execute_in_process(
        resources={"database": DatabaseResource(url=url)},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    (observation,) = [
        event.asset_observation_data.asset_observation
        for event in result.all_events
        if event.event_type_value == "ASSET_OBSERVATION"
    ]
    assert observation.metadata["escalated_steps"].value == 1
    statuses = {a["approver_id"]: a["status"] for a in approvals(engine, request)}
    assert statuses[tenant.people["owner"]] == "pending"
    assert statuses[tenant.people["approver1"]] == "escalated"
    with engine.connect() as conn:
        job = conn.execute(
            text(
                "select parameters from background_jobs "
                "where job_type = 'approval_escalation' and content_request_id = :id"
            ),
            {"id": request},
        ).scalar_one()
    assert job["escalated_by_run"] == result.run_id

    context = build_schedule_context(instance=DagsterInstance.ephemeral())
    (run_request,) = approval_escalation_schedule.evaluate_tick(context).run_requests
    assert approval_escalation_schedule.job_name == ESCALATION_JOB_NAME
    assert run_request is not None
