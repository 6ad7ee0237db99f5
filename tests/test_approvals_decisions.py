"""Decisions applied to the database (decisions.py): steps, final states, activity logs,
refusals that change nothing, and approvals tied to the image versions they saw."""

import pytest
from sqlalchemy import text

from assets.approvals.decisions import Refused, decide
from assets.approvals.routing import route_requests
from assets.approvals.versions import void_pending_approvals
from tests.approvals_helpers import (
    activity,
    approval_tenant,
    approvals,
    make_workflow,
    pending_of,
    regenerate_images,
    request_status,
    score_images,
    scored_request,
    step,
)


def _two_step(engine, tenant):
    make_workflow(
        engine,
        tenant,
        [
            step(1, "Brand check", user_ids=[tenant.people["brand_manager"]]),
            step(2, "Legal", role="approver", required="all"),
        ],
        name="Two step",
    )
    request = scored_request(engine, tenant)
    route_requests(engine, [str(request)])
    return request


def _decide(engine, tenant, request, who, action="approve", **more):
    approval = more.pop("approval", None) or pending_of(engine, request, tenant.people[who])
    with engine.begin() as conn:
        return decide(conn, approval, tenant.people[who], action, **more)


def _everything(engine, request):
    with engine.connect() as conn:
        logs = conn.execute(text("select count(*) from user_activity_logs")).scalar_one()
    return approvals(engine, request), request_status(engine, request), logs


def test_steps_advance_and_the_last_approval_approves_the_request(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    first = _decide(engine, tenant, request, "brand_manager", comment="colours fine")
    assert first.request_status == "awaiting_approval" and len(first.created) == 2
    assert "step 2 'Legal' now waits for" in first.summary
    assert request_status(engine, request) == ("awaiting_approval", None)
    second = _decide(engine, tenant, request, "approver1")
    assert second.request_status == "awaiting_approval"
    assert f"still waits for {tenant.email['approver2']}" in second.summary
    last = _decide(engine, tenant, request, "approver2")
    assert last.request_status == "approved"
    assert request_status(engine, request) == ("approved", None)

    rows = approvals(engine, request)
    assert [(r["step_number"], r["status"]) for r in rows] == [
        (1, "approved"),
        (2, "approved"),
        (2, "approved"),
    ]
    assert all(r["decision_date"] is not None for r in rows)
    assert rows[0]["comments"] == "colours fine"
    logs = activity(engine, [r["id"] for r in rows])
    assert [(log["user_id"], log["action"]) for log in logs] == [
        (tenant.people["brand_manager"], "approval.approve"),
        (tenant.people["approver1"], "approval.approve"),
        (tenant.people["approver2"], "approval.approve"),
    ]
    assert all(log["organization_id"] == tenant.org for log in logs)
    assert all(log["resource_type"] == "content_approval" for log in logs)
    assert logs[-1]["activity_details"]["request_status"] == "approved"
    assert logs[0]["activity_details"]["comment"] == "colours fine"
    assert logs[0]["activity_details"]["assets_version"] == rows[0]["feedback"]["assets_version"]


def test_a_rejection_rejects_and_closes_the_other_approvals(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    _decide(engine, tenant, request, "brand_manager")
    done = _decide(engine, tenant, request, "approver2", "reject", comment="off-brand claim")
    assert done.request_status == "rejected"
    status, reason = request_status(engine, request)
    assert status == "rejected"
    assert reason == f"Rejected at step 2 'Legal' by {tenant.email['approver2']}: off-brand claim"
    by_user = {r["approver_id"]: r for r in approvals(engine, request) if r["step_number"] == 2}
    assert by_user[tenant.people["approver2"]]["status"] == "rejected"
    assert by_user[tenant.people["approver1"]]["status"] == "voided"
    assert by_user[tenant.people["approver1"]]["decision_date"] is None
    with pytest.raises(Refused, match="rejected, not awaiting approval"):
        _decide(
            engine, tenant, request, "approver1", approval=by_user[tenant.people["approver1"]]["id"]
        )


def test_request_changes_goes_back_to_the_requester_with_the_feedback(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    done = _decide(
        engine, tenant, request, "brand_manager", "request_changes", comment="bigger logo"
    )
    assert done.request_status == "changes_requested"
    status, reason = request_status(engine, request)
    assert status == "changes_requested" and reason.endswith(": bigger logo")
    (row,) = approvals(engine, request)
    assert row["status"] == "changes_requested" and row["comments"] == "bigger logo"
    (log,) = activity(engine, [row["id"]])
    assert log["action"] == "approval.request_changes"


def test_a_delegate_decides_in_the_delegators_place(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    handed = _decide(
        engine, tenant, request, "brand_manager", "delegate", delegate_id=tenant.people["admin"]
    )
    assert f"delegated step 1 'Brand check' to {tenant.email['admin']}" in handed.summary
    first, second = approvals(engine, request)
    assert first["status"] == "delegated" and first["delegated_to"] == tenant.people["admin"]
    assert first["decision_date"] is not None
    assert second["approver_id"] == tenant.people["admin"] and second["status"] == "pending"
    assert second["feedback"]["delegated_from"] == str(first["id"])
    done = _decide(engine, tenant, request, "admin")
    assert done.step_number == 1 and len(done.created) == 2
    (log,) = activity(engine, [first["id"]])
    assert log["activity_details"]["delegate_to"] == str(tenant.people["admin"])


@pytest.mark.parametrize(
    ("who", "action", "extra", "words"),
    [
        ("approver1", "approve", {}, "may not decide approval"),
        ("viewer", "approve", {}, "may not decide approval"),
        ("editor", "reject", {}, "may not decide approval"),
        ("brand_manager", "delegate", {"delegate": "viewer"}, "viewers cannot approve"),
        ("brand_manager", "delegate", {"delegate": "brand_manager"}, "to oneself"),
    ],
)
def test_an_ineligible_decision_is_refused_and_changes_nothing(engine, who, action, extra, words):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    approval = pending_of(engine, request, tenant.people["brand_manager"])
    before = _everything(engine, request)
    delegate = tenant.people[extra["delegate"]] if "delegate" in extra else None
    with pytest.raises(Refused, match=words), engine.begin() as conn:
        decide(conn, approval, tenant.people[who], action, delegate_id=delegate)
    assert _everything(engine, request) == before


def test_a_former_member_is_refused(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    with engine.begin() as conn:
        conn.execute(
            text("update user_organizations set is_active = false where user_id = :u"),
            {"u": tenant.people["brand_manager"]},
        )
    with pytest.raises(Refused, match="not an active member"):
        _decide(engine, tenant, request, "brand_manager")


def test_regeneration_voids_pending_approvals_and_a_new_round_starts(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    _decide(engine, tenant, request, "brand_manager")
    old_round = approvals(engine, request)
    regenerate_images(engine, tenant, request)
    # what the generation stage does when it takes the request for regeneration
    with engine.begin() as conn:
        assert void_pending_approvals(conn, request) == 2
    rows = approvals(engine, request)
    assert [r["status"] for r in rows] == ["approved", "voided", "voided"]
    assert rows[1]["feedback"]["void_reason"] == "the request's images were regenerated"
    with pytest.raises(Refused, match="generated, not awaiting approval"):
        _decide(engine, tenant, request, "approver1", approval=rows[1]["id"])

    score_images(engine, request)
    (routed,) = route_requests(engine, [str(request)])
    assert routed.outcome == "awaiting_approval"
    new = [r for r in approvals(engine, request) if r["id"] not in {o["id"] for o in old_round}]
    (fresh,) = new
    assert fresh["step_number"] == 1 and fresh["status"] == "pending"
    assert fresh["feedback"]["round"] != old_round[0]["feedback"]["round"]
    assert fresh["feedback"]["assets_version"] != old_round[0]["feedback"]["assets_version"]
    old_paths = {a["file_path"] for a in old_round[0]["feedback"]["assets"]}
    assert not old_paths & {a["file_path"] for a in fresh["feedback"]["assets"]}
    assert _decide(engine, tenant, request, "brand_manager").request_status == "awaiting_approval"


def test_a_decision_on_images_that_changed_underneath_is_refused(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    approval = pending_of(engine, request, tenant.people["brand_manager"])
    with engine.begin() as conn:
        conn.execute(
            text(
                "update generated_assets set file_path = file_path || '.v2' "
                "where content_request_id = :r"
            ),
            {"r": request},
        )
    with pytest.raises(Refused, match="images of request .* changed after approval"):
        _decide(engine, tenant, request, "brand_manager", approval=approval)


def test_routing_again_supersedes_a_round_generation_did_not_void(engine):
    tenant = approval_tenant(engine)
    request = _two_step(engine, tenant)
    regenerate_images(engine, tenant, request)
    score_images(engine, request)
    route_requests(engine, [str(request)])
    statuses = [(r["status"], r["feedback"].get("void_reason")) for r in approvals(engine, request)]
    assert statuses[0][0] == "voided" and statuses[0][1].startswith("superseded")
    assert statuses[1] == ("pending", None)
