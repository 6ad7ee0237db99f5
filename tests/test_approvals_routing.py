"""Routing scored requests into workflows (routing.py) against real PostgreSQL."""

from sqlalchemy import text

from assets.approvals.routing import route_requests, workflow_problems
from assets.approvals.versions import fingerprint
from tests.approvals_helpers import (
    approval_tenant,
    approvals,
    make_workflow,
    request_status,
    scored_request,
    step,
    unscore_images,
)

RULE = {
    "min_compliance_score": 90,
    "content_types": ["post"],
    "platforms": ["instagram", "linkedin"],
    "max_priority": 3,
}


def _brand_review(engine, tenant, **more):
    return make_workflow(
        engine,
        tenant,
        [step(1, "Brand review", role="approver", sla=24, escalate="admin")],
        rules=[RULE],
        name="Brand review",
        **more,
    )


def test_a_request_a_rule_covers_is_auto_approved_with_the_rule_recorded(engine):
    tenant = approval_tenant(engine)
    workflow = _brand_review(engine, tenant)
    request = scored_request(engine, tenant, platforms=("instagram", "linkedin"), score=93)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.outcome == "auto_approved" and routed.workflow == "Brand review"
    assert request_status(engine, request) == ("approved", None)
    (row,) = approvals(engine, request)
    assert row["status"] == "auto_approved" and row["approver_id"] is None
    assert row["workflow_id"] == workflow and row["decision_date"] is not None
    assert row["comments"].startswith("Auto-approved by rule 1 of workflow 'Brand review'")
    assert row["feedback"]["rule"] == {"index": 1, **RULE}
    assert row["feedback"]["basis"] == "auto"


def test_other_requests_wait_for_step_ones_approvers_tied_to_the_images_they_saw(engine):
    tenant = approval_tenant(engine)
    workflow = _brand_review(engine, tenant)
    request = scored_request(engine, tenant, platforms=("instagram", "x"), score=93)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.outcome == "awaiting_approval"
    assert set(routed.approvers) == {tenant.email["approver1"], tenant.email["approver2"]}
    assert request_status(engine, request) == ("awaiting_approval", None)
    rows = approvals(engine, request)
    assert {r["approver_id"] for r in rows} == {
        tenant.people["approver1"],
        tenant.people["approver2"],
    }
    with engine.connect() as conn:
        assets = conn.execute(
            text("select id, file_path from generated_assets where content_request_id = :id"),
            {"id": request},
        ).mappings()
        assets = [dict(a) for a in assets]
    for row in rows:
        assert (row["status"], row["step_number"], row["step_name"]) == (
            "pending",
            1,
            "Brand review",
        )
        assert row["workflow_id"] == workflow and row["decision_date"] is None
        seen = row["feedback"]["assets"]
        assert {(a["id"], a["file_path"]) for a in seen} == {
            (str(a["id"]), a["file_path"]) for a in assets
        }
        assert row["feedback"]["assets_version"] == fingerprint(assets)
        assert row["feedback"]["workflow"]["name"] == "Brand review"
    assert len({r["feedback"]["round"] for r in rows}) == 1


def test_without_a_workflow_the_organization_admins_decide(engine):
    tenant = approval_tenant(engine)
    request = scored_request(engine, tenant)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.workflow == "Default: admin review"
    (row,) = approvals(engine, request)
    assert row["approver_id"] == tenant.people["admin"] and row["workflow_id"] is None
    assert row["step_name"] == "Admin review"
    assert "no workflow applies" in row["feedback"]["workflow_match"]


def test_an_invalid_workflow_is_reported_and_not_used(engine):
    tenant = approval_tenant(engine)
    make_workflow(
        engine,
        tenant,
        [{"step_number": 1, "name": "Brand", "approvers": "approver", "required_approvals": 0}],
        name="Broken",
    )
    request = scored_request(engine, tenant)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.workflow == "Default: admin review"
    assert "'Broken' is invalid: steps.0.required_approvals" in routed.detail
    with engine.connect() as conn:
        problems = [p for org, p in workflow_problems(conn) if org == tenant.slug]
    assert len(problems) == 1 and "steps.0.required_approvals" in problems[0]


def test_a_workflow_the_organization_cannot_staff_leaves_the_request_generated(engine):
    tenant = approval_tenant(engine)
    make_workflow(engine, tenant, [step(1, "Legal", role="brand_manager", required=2)])
    request = scored_request(engine, tenant)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.outcome == "not_routed"
    status, reason = request_status(engine, request)
    assert status == "generated" and "needs 2 approval(s) but only 1" in reason
    assert approvals(engine, request) == []


def test_requests_not_ready_are_skipped_untouched(engine):
    tenant = approval_tenant(engine)
    unscored = scored_request(engine, tenant)
    unscore_images(engine, unscored)
    approved = scored_request(engine, tenant)
    route_requests(engine, [str(approved)])
    decided_before = approvals(engine, approved)
    outcomes = route_requests(engine, [str(unscored), str(approved), "nope"])
    assert [o.outcome for o in outcomes] == ["skipped", "skipped", "skipped"]
    assert "not all scored" in outcomes[0].detail
    assert "awaiting_approval" in outcomes[1].detail
    assert outcomes[2].detail == "not a request id"
    assert approvals(engine, unscored) == [] and approvals(engine, approved) == decided_before
