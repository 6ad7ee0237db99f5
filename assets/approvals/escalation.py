"""Escalating approval steps past their SLA (the hourly approval_escalation job).

A step's clock starts when its first row is created; after `sla_hours` with a slot
still pending, each pending slot becomes `escalated` and the step's `escalate_to`
(a user, or a role's holders; by default, or when that names no active member, the
organization's admins and owners) gets a pending slot whose approval completes the
step. A step escalates once.

Each escalation is recorded as a finished `background_jobs` row (job_type
`approval_escalation`, with the organization and request, the step and SLA in
`parameters`, who it went to and the rows it changed in `result`): escalation is the
pipeline's act, not a person's, and user_activity_logs needs a person.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import Connection, Engine

from assets.approvals import machine, store
from assets.approvals.machine import NewId, Refused
from resources.sql_files import sql


@dataclass(frozen=True)
class Escalated:
    request_id: UUID
    title: str
    step_number: int
    step_name: str
    escalated_to: tuple[str, ...]  # emails
    job_id: UUID


def overdue_steps(conn: Connection, now: datetime) -> list[dict]:
    return [
        dict(row) for row in conn.execute(sql("approvals/overdue_steps"), {"now": now}).mappings()
    ]


def escalate_step(
    conn: Connection, overdue: dict, *, run_id: str | None = None, new_id: NewId = uuid4
) -> Escalated | None:
    """Escalate one overdue step (in the caller's transaction); None if it no longer needs it."""
    request = store.lock_request(conn, overdue["content_request_id"])
    if request is None or request["status"] != "awaiting_approval":
        return None
    loaded = store.load_round(conn, request["id"], overdue["round_id"])
    if loaded is None:
        return None
    number = overdue["step_number"]
    step = loaded.state.step(number)
    targets = machine.escalation_targets(step, store.members(conn, request["organization_id"]))
    try:
        transition = machine.escalate(loaded.state, number, targets, new_id)
    except Refused:
        return None  # decided, escalated or ended since the worklist was read
    store.apply_effects(conn, request, loaded.common, transition.effects, channel="escalation")
    names = store.emails(conn, targets)
    parameters = {
        "round": overdue["round_id"],
        "workflow_id": loaded.common["workflow"].get("id"),
        "step_number": number,
        "step_name": step.name,
        "sla_hours": step.sla_hours,
        "step_started_at": overdue["started_at"].isoformat(),
    }
    if run_id:
        parameters["escalated_by_run"] = run_id
    result = {
        "escalated_approval_ids": [
            str(e.approval_id) for e in transition.effects if isinstance(e, machine.UpdateSlot)
        ],
        "new_approval_ids": [
            str(e.approval_id) for e in transition.effects if isinstance(e, machine.CreateSlot)
        ],
        "escalated_to": [{"user_id": str(t), "email": names.get(t)} for t in targets],
    }
    job_id = conn.execute(
        sql("approvals/insert_escalation_job"),
        {
            "job_name": f"Escalate step {number} {step.name!r} of {request['title']!r}"[:200],
            "parameters": json.dumps(parameters),
            "result": json.dumps(result),
            "organization_id": request["organization_id"],
            "request_id": request["id"],
        },
    ).scalar_one()
    return Escalated(
        request["id"],
        request["title"],
        number,
        step.name,
        tuple(names.get(t, str(t)) for t in targets),
        job_id,
    )


def escalate_overdue(
    engine: Engine, now: datetime | None = None, *, run_id: str | None = None
) -> list[Escalated]:
    """Escalate every overdue step, one transaction each."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        worklist = overdue_steps(conn, now)
    done = []
    for overdue in worklist:
        with engine.begin() as conn:
            escalated = escalate_step(conn, overdue, run_id=run_id)
        if escalated is not None:
            done.append(escalated)
    return done
