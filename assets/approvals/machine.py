"""The approval workflow as a pure state machine: (state, decision) → (new state, effects).

No database, clock or Dagster here. The persistence layer (store.py) loads a request's
current round of content_approvals rows into a `RoundState`, calls `start`,
`auto_approve`, `decide` or `escalate`, and applies the returned effects in the same
transaction. A decision that may not be made raises `Refused` and changes nothing.

A round is one pass of a request through its workflow. It starts when the request is
routed, with a plan fixed then (who approves each step), and ends approved, rejected,
changes_requested, or voided (its images were regenerated). Within a round:

- a slot is one content_approvals row: one approver's part in one step;
- only the current step has pending slots; step k+1's slots are created in the same
  transition that completes step k, so no step is ever skipped;
- a step completes when its required approvals are in: N distinct approvers, or every
  live slot for "all" (a delegated or escalated slot's part passes to its successor),
  or one approval by an escalation target, who decides for the step;
- a rejection or a request for changes ends the round at once; the last step's
  completion approves the request; either way the request changes status exactly once;
- after the end nothing more can be decided.
"""

from collections.abc import Mapping
from uuid import UUID, uuid4

from assets.approvals.rounds import (
    ACTIONS,
    ADMIN_ROLES,
    Action,
    Actor,
    Assignee,
    Basis,
    CreateSlot,
    Decision,
    Effect,
    Infeasible,
    LogActivity,
    NewId,
    Outcome,
    Refused,
    RoundState,
    SetRequestStatus,
    Slot,
    Transition,
    UpdateSlot,
    apply,
)
from assets.approvals.workflow import APPROVER_ROLES, Step, Workflow

# the vocabulary, re-exported: callers import the machine and its words from one place
__all__ = [
    "ACTIONS",
    "Action",
    "Actor",
    "Assignee",
    "Basis",
    "CreateSlot",
    "Decision",
    "Effect",
    "Infeasible",
    "LogActivity",
    "NewId",
    "Outcome",
    "Refused",
    "RoundState",
    "SetRequestStatus",
    "Slot",
    "Transition",
    "UpdateSlot",
    "apply",
    "auto_approve",
    "decide",
    "escalate",
    "escalation_targets",
    "plan_round",
    "start",
]


def plan_round(
    workflow: Workflow, members: Mapping[UUID, frozenset[str]]
) -> tuple[tuple[Assignee, ...], ...]:
    """Who approves each step, from the organization's active members (user → roles).

    Listed users who are members, then the other holders of the step's role; a step
    that names nobody who is a member goes to the admins and owners (the fallback).
    Raises Infeasible when a step needs more approvals than it has approvers.
    """
    ordered = sorted(members, key=str)
    plan = []
    for step in workflow.steps:
        assignees = [Assignee(uid, "listed") for uid in step.approvers.user_ids if members.get(uid)]
        listed = {a.user_id for a in assignees}
        if step.approvers.role:
            assignees += [
                Assignee(uid, "role")
                for uid in ordered
                if step.approvers.role in members[uid] and uid not in listed
            ]
        if not assignees:
            assignees = [Assignee(uid, "fallback") for uid in ordered if members[uid] & ADMIN_ROLES]
        required = step.required_approvals
        if not assignees or (required != "all" and required > len(assignees)):
            raise Infeasible(
                f"workflow {workflow.name!r} step {step.step_number} {step.name!r} needs "
                f"{required} approval(s) but only {len(assignees)} member(s) can give them: "
                "add approvers to the organization or lower required_approvals"
            )
        plan.append(tuple(assignees))
    return tuple(plan)


def escalation_targets(step: Step, members: Mapping[UUID, frozenset[str]]) -> tuple[UUID, ...]:
    """Who an overdue step goes to: `escalate_to` (a member, or a role's holders); when
    that names nobody who is an active member, the organization's admins and owners."""
    target = step.escalate_to
    ordered = sorted(members, key=str)
    if isinstance(target, UUID):
        chosen = [target] if members.get(target) else []
    elif target is not None:
        chosen = [uid for uid in ordered if target in members[uid]]
    else:
        chosen = [uid for uid in ordered if "admin" in members[uid]]
    return tuple(chosen or [uid for uid in ordered if members[uid] & ADMIN_ROLES])


def _open_step(state: RoundState, number: int, new_id: NewId) -> list[Effect]:
    step = state.step(number)
    return [
        CreateSlot(new_id(), number, step.name, a.user_id, a.basis) for a in state.plan[number - 1]
    ]


def start(
    workflow: Workflow, plan: tuple[tuple[Assignee, ...], ...], new_id: NewId = uuid4
) -> Transition:
    """A new round: step 1's slots, and the request waits for approval."""
    state = RoundState(workflow, plan)
    effects = [*_open_step(state, 1, new_id), SetRequestStatus("awaiting_approval")]
    return Transition(apply(state, effects), tuple(effects))


def auto_approve(
    workflow: Workflow, description: str, rule: Mapping, new_id: NewId = uuid4
) -> Transition:
    """A round that ends at once: one auto_approved slot (no approver), request approved."""
    state = RoundState(workflow, ())
    first = workflow.step(1)
    effects = [
        CreateSlot(
            new_id(), 1, first.name, None, "auto", "auto_approved", description, {"rule": rule}
        ),
        SetRequestStatus("approved"),
    ]
    return Transition(apply(state, effects), tuple(effects))


def _who_decides(step: Step, state: RoundState) -> str:
    parts = []
    if step.approvers.user_ids:
        parts.append(", ".join(state.name(uid) for uid in step.approvers.user_ids))
    if step.approvers.role:
        parts.append(f"holders of the role {step.approvers.role!r}")
    return " or ".join(parts)


def _check_eligible(state: RoundState, slot: Slot, actor: Actor) -> bool:
    """Refuse unless `actor` may decide `slot`; True when they take over a role slot."""
    step = state.step(slot.step_number)
    who = state.name(actor.user_id)
    where = f"step {step.step_number} {step.name!r}"
    if not actor.roles:
        raise Refused(f"{who} is not an active member of this organization")
    if actor.user_id == slot.approver_id:
        if slot.basis == "role" and step.approvers.role not in actor.roles:
            raise Refused(f"{who} no longer holds the role {step.approvers.role!r} of {where}")
        if slot.basis == "fallback" and not actor.roles & ADMIN_ROLES:
            raise Refused(f"{who} is no longer an admin or owner of this organization")
        return False
    # a role slot belongs to the role: another holder without a part in the step may take it
    holds_role = step.approvers.role is not None and step.approvers.role in actor.roles
    has_part = any(s.approver_id == actor.user_id for s in state.slots_of(slot.step_number))
    if slot.basis == "role" and holds_role and not has_part:
        return True
    raise Refused(
        f"{who} may not decide approval {slot.id}: it is assigned to "
        f"{state.name(slot.approver_id)}; {where} is decided by {_who_decides(step, state)}, "
        "their delegates, or the escalation target"
    )


def _decided(slot: Slot, status: str, decision: Decision, taking_over: bool, **more) -> UpdateSlot:
    actor = decision.actor.user_id
    note = {"decided_by": str(actor)}
    if taking_over:
        note["taken_over_from"] = str(slot.approver_id)
    return UpdateSlot(
        slot.id,
        status,
        decided_by=actor,
        approver_id=actor if taking_over else None,
        comment=decision.comment,
        note=note,
        **more,
    )


def _approve(
    state: RoundState, slot: Slot, decision: Decision, taking_over: bool, new_id: NewId
) -> list[Effect]:
    number = slot.step_number
    effects: list[Effect] = [_decided(slot, "approved", decision, taking_over)]
    after = apply(state, effects)
    if after.step_complete(number):
        effects += [
            UpdateSlot(s.id, "voided", note={"void_reason": f"step {number} complete"})
            for s in after.pending(number)
        ]
        if number == state.last_step:
            effects.append(SetRequestStatus("approved"))
        else:
            effects += _open_step(after, number + 1, new_id)
    return effects


def _end(
    state: RoundState, slot: Slot, decision: Decision, taking_over: bool, status: str
) -> list[Effect]:
    step = state.step(slot.step_number)
    verb = "Rejected" if status == "rejected" else "Changes requested"
    reason = (
        f"{verb} at step {step.step_number} {step.name!r} by {state.name(decision.actor.user_id)}"
    )
    if decision.comment:
        reason += f": {decision.comment}"
    return [
        _decided(slot, status, decision, taking_over),
        *(
            UpdateSlot(s.id, "voided", note={"void_reason": f"the request was {status}"})
            for s in state.pending()
            if s.id != slot.id
        ),
        SetRequestStatus(status, reason),
    ]


def _delegate(
    state: RoundState, slot: Slot, decision: Decision, taking_over: bool, new_id: NewId
) -> list[Effect]:
    delegate, actor = decision.delegate, decision.actor
    if delegate is None:
        raise Refused("name the person to delegate to")
    who = state.name(delegate.user_id)
    if delegate.user_id == actor.user_id:
        raise Refused("an approval cannot be delegated to oneself")
    if not delegate.roles:
        raise Refused(f"{who} is not an active member of this organization")
    if not delegate.roles & set(APPROVER_ROLES):
        raise Refused(f"{who} is a viewer; viewers cannot approve")
    step = state.step(slot.step_number)
    if any(
        s.approver_id == delegate.user_id and s.status in ("pending", "approved")
        for s in state.slots_of(slot.step_number)
    ):
        raise Refused(f"{who} already approves step {step.step_number} {step.name!r}")
    return [
        _decided(slot, "delegated", decision, taking_over, delegated_to=delegate.user_id),
        CreateSlot(
            new_id(),
            slot.step_number,
            step.name,
            delegate.user_id,
            "delegation",
            note={"delegated_from": str(slot.id), "delegated_by": str(actor.user_id)},
        ),
    ]


def decide(state: RoundState, decision: Decision, new_id: NewId = uuid4) -> Transition:
    """Apply one person's decision on one slot, or raise Refused."""
    slot = next((s for s in state.slots if s.id == decision.approval_id), None)
    if slot is None:
        raise Refused(f"approval {decision.approval_id} is not part of this approval round")
    if state.outcome != "in_progress":
        raise Refused(f"this approval round has ended: {state.outcome.replace('_', ' ')}")
    if slot.status != "pending":
        raise Refused(f"approval {slot.id} is {slot.status}, not pending")
    if decision.action not in ACTIONS:
        raise Refused(f"unknown decision {decision.action!r}; one of {', '.join(ACTIONS)}")
    taking_over = _check_eligible(state, slot, decision.actor)
    if decision.action == "approve":
        effects = _approve(state, slot, decision, taking_over, new_id)
    elif decision.action == "delegate":
        effects = _delegate(state, slot, decision, taking_over, new_id)
    else:
        status = "rejected" if decision.action == "reject" else "changes_requested"
        effects = _end(state, slot, decision, taking_over, status)
    after = apply(state, effects)
    request_status = Transition(after, tuple(effects)).request_status
    step = state.step(slot.step_number)
    effects.append(
        LogActivity(
            decision.actor.user_id,
            f"approval.{decision.action}",
            slot.id,
            {
                "step_number": step.step_number,
                "step_name": step.name,
                "decision": decision.action,
                "comment": decision.comment,
                "delegate_to": str(decision.delegate.user_id) if decision.delegate else None,
                "step_completed": after.step_complete(step.step_number),
                "request_status": request_status or "awaiting_approval",
            },
        )
    )
    return Transition(after, tuple(effects))


def escalate(
    state: RoundState, number: int, targets: tuple[UUID, ...], new_id: NewId = uuid4
) -> Transition:
    """Hand an overdue step to its escalation targets: each pending slot becomes
    escalated and each target gets a slot whose approval completes the step."""
    if state.outcome != "in_progress":
        raise Refused(f"this approval round has ended: {state.outcome.replace('_', ' ')}")
    if number != state.current_step:
        raise Refused(f"step {number} is not the current step ({state.current_step})")
    if state.escalated(number):
        raise Refused(f"step {number} has already been escalated")
    pending = state.pending(number)
    if not pending or not targets:
        raise Refused(f"step {number} has nobody to escalate {'to' if pending else 'from'}")
    unique_targets = list(dict.fromkeys(targets))
    step = state.step(number)
    effects: list[Effect] = [
        UpdateSlot(s.id, "escalated", note={"escalated_to": [str(t) for t in unique_targets]})
        for s in pending
    ]
    effects += [
        CreateSlot(
            new_id(),
            number,
            step.name,
            target,
            "escalation",
            note={"escalated_from": [str(s.id) for s in pending]},
        )
        for target in unique_targets
    ]
    return Transition(apply(state, effects), tuple(effects))
