"""Approval history of the completed and approved requests (README "Approvals").

Each went through its organization's most specific matching workflow: either
an auto-approval rule let it straight through, or every step's approvers
approved it. Each decision records the asset versions it saw.
"""

from datetime import datetime, timedelta

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.history import DemoAsset
from socialpipe.demo.ids import demo_id, rng_for
from socialpipe.demo.requests import DemoRequest
from socialpipe.demo.tenants import organization_id
from socialpipe.demo.workflows import DemoWorkflow, matching_workflow

COMMENTS = (
    "Looks great, on brand.",
    "Approved. Logo placement is spot on.",
    "Good to go; colours match the kit.",
    "Approved. Please reuse this layout next month.",
    "Fine by legal.",
)


def _auto_rule(workflow: DemoWorkflow, request: DemoRequest, scores: list[float]) -> dict | None:
    """The first auto-approval rule the request satisfies, if any."""
    for rule in workflow.auto_approval_rules:
        if (
            request.idea.content_type in rule["content_types"]
            and all(p in rule["platforms"] for p in request.platforms)
            and request.priority <= rule["max_priority"]
            and min(scores) >= rule["min_compliance_score"]
        ):
            return rule
    return None


def _row(
    request: DemoRequest,
    workflow: DemoWorkflow,
    step: dict,
    approver: str | None,
    status: str,
    decided: datetime,
    comment: str,
    feedback: dict,
) -> dict[str, object]:
    return {
        "id": demo_id("approval", request.id, step["step_number"], approver),
        "content_request_id": request.id,
        "organization_id": organization_id(request.organization),
        "workflow_id": workflow.id,
        "approver_id": approver,
        "step_number": step["step_number"],
        "step_name": step["name"],
        "status": status,
        "decision_date": decided,
        "comments": comment,
        "feedback": as_json(feedback),
        "created_at": decided - timedelta(minutes=5) if approver is None else decided,
    }


def approval_rows(
    requests: list[DemoRequest], assets: list[DemoAsset], workflows: list[DemoWorkflow]
) -> list[dict[str, object]]:
    rows = []
    for request in (r for r in requests if r.has_history):
        seen = [a for a in assets if a.request.id == request.id]
        feedback = {
            "asset_ids": [str(a.id) for a in seen],
            "compliance_scores": {a.platform: a.compliance_score for a in seen},
        }
        workflow = matching_workflow(
            workflows, request.organization, request.idea.content_type, request.platforms
        )
        rng = rng_for(f"approvals/{request.id}")
        decided = request.completed_at
        rule = _auto_rule(workflow, request, [a.compliance_score for a in seen])
        if rule is not None:
            rows.append(
                _row(
                    request,
                    workflow,
                    workflow.steps[0],
                    None,
                    "auto_approved",
                    decided + timedelta(minutes=1),
                    "Auto-approved by rule.",
                    {**feedback, "rule": rule},
                )
            )
            continue
        for step in workflow.steps:
            # a reviewer answers within a few hours; a step with "all" needs everyone
            decided += timedelta(hours=float(rng.uniform(0.5, 4)))
            user_ids = step["approvers"]["user_ids"]
            approvers = (
                user_ids
                if step["required_approvals"] == "all"
                else [user_ids[int(rng.integers(len(user_ids)))]]
            )
            for offset, approver in enumerate(approvers):
                rows.append(
                    _row(
                        request,
                        workflow,
                        step,
                        approver,
                        "approved",
                        decided + timedelta(minutes=7 * offset),
                        COMMENTS[int(rng.integers(len(COMMENTS)))],
                        {**feedback, "rating": int(rng.integers(4, 6))},
                    )
                )
    return rows


def insert_approvals(conn: Connection, rows: list[dict[str, object]]) -> None:
    insert_rows(conn, sql("demo/insert_approval"), rows)


def published_at(request: DemoRequest, rows: list[dict[str, object]]) -> datetime:
    """When a completed request went live: a few hours after its last approval."""
    decided = max(row["decision_date"] for row in rows if row["content_request_id"] == request.id)
    hours = float(rng_for(f"publish/{request.id}").uniform(1, 6))
    return decided + timedelta(hours=hours)
