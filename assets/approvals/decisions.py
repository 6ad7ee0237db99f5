"""A person's decision on an approval: approve, reject, request changes, delegate.

`decide` runs in the caller's transaction and takes row locks before it reads
anything it will act on: the request row (`select … for update`), then the request's
approval rows. Two approvers deciding the same step at the same moment therefore take
turns; the second sees the first's result, and the step moves exactly once. A refusal
raises `Refused` before anything is written; the caller rolls back either way.
"""

from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from sqlalchemy import Connection

from assets.approvals import machine, store
from assets.approvals.machine import Actor, Decision, NewId, Refused
from assets.approvals.versions import fingerprint
from resources.sql_files import sql

__all__ = ["Decided", "Refused", "decide"]


@dataclass(frozen=True)
class Decided:
    approval_id: UUID
    request_id: UUID
    action: str
    step_number: int
    step_name: str
    request_status: str
    summary: str
    created: tuple[UUID, ...]  # the slots this decision opened (next step, delegate)


def _summary(state: machine.RoundState, effects, action: str, step, request_status: str) -> str:
    opened = [e for e in effects if isinstance(e, machine.CreateSlot)]
    done = {
        "approve": "approved",
        "reject": "rejected",
        "request_changes": "requested changes on",
        "delegate": "delegated",
    }[action]
    text = f"{done} step {step.step_number} {step.name!r}"
    if action == "delegate" and opened:
        return f"{text} to {state.name(opened[0].approver_id)}; the request still awaits approval"
    if opened:
        names = ", ".join(state.name(e.approver_id) for e in opened)
        return f"{text}; step {opened[0].step_number} {opened[0].step_name!r} now waits for {names}"
    if request_status == "awaiting_approval":
        names = ", ".join(state.name(s.approver_id) for s in state.pending(step.step_number))
        return f"{text}; the step still waits for {names}"
    return f"{text}; the request is now {request_status.replace('_', ' ')}"


def decide(
    conn: Connection,
    approval_id: UUID,
    actor_id: UUID,
    action: machine.Action,
    *,
    comment: str | None = None,
    delegate_id: UUID | None = None,
    channel: str = "cli",
    session_id: str | None = None,
    new_id: NewId = uuid4,
) -> Decided:
    """Apply one decision by `actor_id`, or raise Refused (nothing written)."""
    head = conn.execute(sql("approvals/approval_head"), {"approval_id": approval_id}).first()
    if head is None:
        raise Refused(f"there is no approval {approval_id}")
    request = store.lock_request(conn, head.content_request_id)
    if request["status"] != "awaiting_approval":
        raise Refused(
            f"request {request['title']!r} is {request['status'].replace('_', ' ')}, "
            "not awaiting approval: its approvals are closed"
        )
    loaded = store.load_round(conn, request["id"], head.round_id) if head.round_id else None
    if loaded is None:
        raise Refused(f"approval {approval_id} belongs to no open approval round")
    if fingerprint(store.request_assets(conn, request["id"])) != loaded.common["assets_version"]:
        raise Refused(
            f"the images of request {request['title']!r} changed after approval {approval_id} "
            "was asked for: it is void, and the request will be routed again once scored"
        )

    organization = request["organization_id"]
    actor = Actor(actor_id, store.member_roles(conn, organization, actor_id))
    delegate = (
        Actor(delegate_id, store.member_roles(conn, organization, delegate_id))
        if delegate_id
        else None
    )
    state = loaded.state
    people = [actor_id, delegate_id, *(s.approver_id for s in state.slots)]
    people += [a.user_id for step in state.plan for a in step]
    people += [uid for step in state.workflow.steps for uid in step.approvers.user_ids]
    state = replace(state, labels=store.emails(conn, people))

    transition = machine.decide(
        state, Decision(approval_id, actor, action, comment, delegate), new_id
    )
    store.apply_effects(
        conn, request, loaded.common, transition.effects, channel=channel, session_id=session_id
    )
    slot = next(s for s in state.slots if s.id == approval_id)
    step = state.step(slot.step_number)
    request_status = transition.request_status or "awaiting_approval"
    return Decided(
        approval_id=approval_id,
        request_id=request["id"],
        action=action,
        step_number=step.step_number,
        step_name=step.name,
        request_status=request_status,
        summary=_summary(transition.state, transition.effects, action, step, request_status),
        created=tuple(
            e.approval_id for e in transition.effects if isinstance(e, machine.CreateSlot)
        ),
    )
