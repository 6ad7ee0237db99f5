"""Escalating steps past their SLA (escalation.py), recorded as background_jobs rows."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from assets.approvals.decisions import decide
from assets.approvals.escalation import escalate_step, overdue_steps
from assets.approvals.routing import route_requests
from tests.approvals_helpers import (
    approval_tenant,
    approvals,
    make_workflow,
    pending_of,
    request_status,
    scored_request,
    step,
)


def _routed(engine, tenant, **step_options):
    make_workflow(
        engine,
        tenant,
        [
            step(1, "Review", role="approver", required="all", **step_options),
            step(2, "Sign-off", user_ids=[tenant.people["brand_manager"]], sla=1),
        ],
    )
    request = scored_request(engine, tenant)
    route_requests(engine, [str(request)])
    return request


def _escalate(engine, request, now):
    """Escalate this request's overdue steps (the schedule does every request's)."""
    with engine.connect() as conn:
        mine = [o for o in overdue_steps(conn, now) if o["content_request_id"] == request]
    done = []
    for overdue in mine:
        with engine.begin() as conn:
            done.append(escalate_step(conn, overdue, run_id="run-1"))
    return done


def _jobs(engine, request):
    with engine.connect() as conn:
        return [
            dict(row)
            for row in conn.execute(
                text("select * from background_jobs where content_request_id = :id"),
                {"id": request},
            ).mappings()
        ]


def test_an_overdue_step_goes_to_its_escalation_target_and_is_recorded(engine):
    tenant = approval_tenant(engine)
    request = _routed(engine, tenant, sla=2, escalate=tenant.people["owner"])
    now = datetime.now(UTC)
    assert _escalate(engine, request, now + timedelta(hours=1)) == []  # within its SLA
    with engine.begin() as conn:
        decide(
            conn,
            pending_of(engine, request, tenant.people["approver1"]),
            tenant.people["approver1"],
            "approve",
        )

    (escalated,) = _escalate(engine, request, now + timedelta(hours=3))
    assert escalated.step_number == 1 and escalated.escalated_to == (tenant.email["owner"],)
    rows = {r["approver_id"]: r for r in approvals(engine, request)}
    assert rows[tenant.people["approver1"]]["status"] == "approved"
    assert rows[tenant.people["approver2"]]["status"] == "escalated"
    assert rows[tenant.people["approver2"]]["decision_date"] is None  # nobody decided
    owner_row = rows[tenant.people["owner"]]
    assert (owner_row["status"], owner_row["feedback"]["basis"]) == ("pending", "escalation")

    (job,) = _jobs(engine, request)
    assert job["job_type"] == "approval_escalation" and job["status"] == "succeeded"
    assert job["organization_id"] == tenant.org and job["id"] == escalated.job_id
    assert job["parameters"]["step_number"] == 1 and job["parameters"]["sla_hours"] == 2
    assert job["parameters"]["escalated_by_run"] == "run-1"
    assert job["result"]["escalated_approval_ids"] == [str(rows[tenant.people["approver2"]]["id"])]
    assert job["result"]["new_approval_ids"] == [str(owner_row["id"])]
    assert job["result"]["escalated_to"] == [
        {"user_id": str(tenant.people["owner"]), "email": tenant.email["owner"]}
    ]

    # a step escalates once
    assert _escalate(engine, request, now + timedelta(hours=30)) == []
    assert len([j for j in _jobs(engine, request) if j["parameters"]["step_number"] == 1]) == 1

    # the target's approval completes the step, whatever "all" still lacked
    with engine.begin() as conn:
        done = decide(conn, owner_row["id"], tenant.people["owner"], "approve")
    assert done.created and request_status(engine, request)[0] == "awaiting_approval"


def test_a_role_target_or_none_reaches_its_holders_or_the_admins(engine):
    tenant = approval_tenant(engine)
    by_role = _routed(engine, tenant, sla=1, escalate="brand_manager")
    (escalated,) = _escalate(engine, by_role, datetime.now(UTC) + timedelta(hours=2))
    assert escalated.escalated_to == (tenant.email["brand_manager"],)

    other = approval_tenant(engine)
    by_default = _routed(engine, other, sla=1)
    (escalated,) = _escalate(engine, by_default, datetime.now(UTC) + timedelta(hours=2))
    assert escalated.escalated_to == (other.email["admin"],)


def test_steps_without_an_sla_and_finished_requests_never_escalate(engine):
    tenant = approval_tenant(engine)
    no_sla = _routed(engine, tenant)
    assert _escalate(engine, no_sla, datetime.now(UTC) + timedelta(days=365)) == []
    rejected = _routed(engine, tenant, sla=1)
    with engine.begin() as conn:
        decide(
            conn,
            pending_of(engine, rejected, tenant.people["approver1"]),
            tenant.people["approver1"],
            "reject",
        )
    assert _escalate(engine, rejected, datetime.now(UTC) + timedelta(hours=2)) == []
