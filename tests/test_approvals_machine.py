"""The approval state machine: pure (state, decision) → (state, effects). No database."""

import itertools
import uuid

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assets.approvals import machine
from assets.approvals.machine import (
    Actor,
    Assignee,
    CreateSlot,
    Decision,
    Infeasible,
    LogActivity,
    Refused,
    SetRequestStatus,
    UpdateSlot,
)
from assets.approvals.workflow import Approvers, Step, Workflow

USERS = [uuid.UUID(int=i + 1) for i in range(7)]
OWNER, ADMIN, BM, AP1, AP2, EDITOR, VIEWER = USERS
OUTSIDER = uuid.UUID(int=99)
ROLES = {
    OWNER: frozenset({"owner"}),
    ADMIN: frozenset({"admin"}),
    BM: frozenset({"brand_manager"}),
    AP1: frozenset({"approver"}),
    AP2: frozenset({"approver"}),
    EDITOR: frozenset({"editor"}),
    VIEWER: frozenset({"viewer"}),
}
FINAL = {"approved", "rejected", "changes_requested"}


def ids():
    counter = itertools.count(1000)
    return lambda: uuid.UUID(int=next(counter))


def actor(user: uuid.UUID) -> Actor:
    return Actor(user, ROLES.get(user, frozenset()))


def workflow(*steps: Step) -> Workflow:
    return Workflow(id=uuid.uuid4(), name="Test", steps=steps)


def step(number, *, users=(), role=None, required=1, escalate_to=None) -> Step:
    return Step(
        step_number=number,
        name=f"Step {number}",
        approvers=Approvers(user_ids=tuple(users), role=role),
        required_approvals=required,
        sla_hours=24,
        escalate_to=escalate_to,
    )


def begin(*steps: Step, members=ROLES):
    wf = workflow(*steps)
    new_id = ids()
    transition = machine.start(wf, machine.plan_round(wf, members), new_id)
    return transition, new_id


def slot_of(state, user, number=None):
    (slot,) = [s for s in state.pending(number) if s.approver_id == user]
    return slot.id


def act(state, user, action="approve", new_id=None, **more):
    slot = more.pop("slot", None) or slot_of(state, user)
    decision = Decision(slot, actor(user), action, **more)
    return machine.decide(state, decision, new_id or ids())


def statuses(transition):
    return [e.status for e in transition.effects if isinstance(e, SetRequestStatus)]


# --- planning and starting ------------------------------------------------------------------


def test_a_round_starts_with_step_one_for_listed_users_and_role_holders():
    transition, _ = begin(step(1, users=[BM], role="approver"))
    state = transition.state
    assert [(s.approver_id, s.basis, s.status) for s in state.slots] == [
        (BM, "listed", "pending"),
        (AP1, "role", "pending"),
        (AP2, "role", "pending"),
    ]
    assert statuses(transition) == ["awaiting_approval"]
    assert state.outcome == "in_progress" and state.current_step == 1


def test_listed_users_who_are_not_members_are_left_out():
    wf = workflow(step(1, users=[OUTSIDER, BM]))
    assert machine.plan_round(wf, ROLES) == ((Assignee(BM, "listed"),),)


def test_a_step_nobody_can_take_goes_to_admins_and_owners():
    wf = workflow(step(1, role="approver"))
    members = {OWNER: ROLES[OWNER], ADMIN: ROLES[ADMIN], EDITOR: ROLES[EDITOR]}
    plan = machine.plan_round(wf, members)
    assert {a.user_id for a in plan[0]} == {OWNER, ADMIN}
    assert {a.basis for a in plan[0]} == {"fallback"}


def test_a_step_needing_more_approvals_than_approvers_is_infeasible():
    wf = workflow(step(1, role="approver"), step(2, role="brand_manager", required=2))
    with pytest.raises(Infeasible, match=r"step 2 'Step 2' needs 2 approval\(s\) but only 1"):
        machine.plan_round(wf, ROLES)


def test_auto_approval_is_a_round_that_ends_approved_at_once():
    wf = workflow(step(1, role="approver"))
    transition = machine.auto_approve(wf, "Auto-approved by rule 1", {"index": 1}, ids())
    (slot,) = transition.state.slots
    assert slot.status == "auto_approved" and slot.approver_id is None
    assert transition.state.outcome == "approved"
    assert statuses(transition) == ["approved"]


# --- approving ---------------------------------------------------------------------------


def test_one_of_several_approvers_completes_a_step_of_one():
    transition, new_id = begin(step(1, role="approver"))
    done = act(transition.state, AP2, comment="on brand", new_id=new_id)
    by_id = {s.approver_id: s.status for s in done.state.slots}
    assert by_id == {AP1: "voided", AP2: "approved"}
    assert statuses(done) == ["approved"] and done.state.outcome == "approved"
    (log,) = [e for e in done.effects if isinstance(e, LogActivity)]
    assert log.user_id == AP2 and log.action == "approval.approve"
    assert log.details["request_status"] == "approved" and log.details["comment"] == "on brand"
    decided = next(e for e in done.effects if isinstance(e, UpdateSlot) and e.status == "approved")
    assert decided.decided_by == AP2  # sets decision_date
    voided = next(e for e in done.effects if isinstance(e, UpdateSlot) and e.status == "voided")
    assert voided.decided_by is None and voided.note["void_reason"] == "step 1 complete"


def test_completing_a_step_opens_the_next_one_and_all_means_all():
    transition, new_id = begin(step(1, users=[BM]), step(2, role="approver", required="all"))
    after_one = act(transition.state, BM, new_id=new_id)
    assert statuses(after_one) == []
    opened = [e for e in after_one.effects if isinstance(e, CreateSlot)]
    assert [(e.step_number, e.approver_id) for e in opened] == [(2, AP1), (2, AP2)]
    assert after_one.state.current_step == 2
    half = act(after_one.state, AP1, new_id=new_id)
    assert statuses(half) == [] and half.state.outcome == "in_progress"
    assert [s.approver_id for s in half.state.pending()] == [AP2]
    done = act(half.state, AP2, new_id=new_id)
    assert statuses(done) == ["approved"]


def test_a_step_of_n_needs_n_distinct_approvers():
    members = {**ROLES, EDITOR: frozenset({"approver"})}
    transition, new_id = begin(step(1, role="approver", required=2), members=members)
    one = act(transition.state, AP1, new_id=new_id)
    assert one.state.outcome == "in_progress" and len(one.state.pending()) == 2
    editor = Actor(EDITOR, members[EDITOR])
    two = machine.decide(one.state, Decision(slot_of(one.state, EDITOR), editor, "approve"), new_id)
    assert statuses(two) == ["approved"]
    assert [s.status for s in two.state.slots].count("voided") == 1


@pytest.mark.parametrize(
    ("action", "status"), [("reject", "rejected"), ("request_changes", "changes_requested")]
)
def test_a_rejection_or_request_for_changes_ends_the_round(action, status):
    transition, new_id = begin(step(1, role="approver", required="all"), step(2, users=[OWNER]))
    done = act(transition.state, AP1, action, new_id=new_id, comment="logo too small")
    assert done.state.outcome == status
    assert {s.approver_id: s.status for s in done.state.slots} == {AP1: status, AP2: "voided"}
    (change,) = [e for e in done.effects if isinstance(e, SetRequestStatus)]
    assert change.status == status
    assert change.reason.endswith(f"at step 1 'Step 1' by {AP1}: logo too small")


# --- delegating --------------------------------------------------------------------------


def test_a_delegate_takes_over_the_part_and_completes_an_all_step():
    transition, new_id = begin(step(1, role="approver", required="all"))
    handed = act(transition.state, AP1, "delegate", new_id=new_id, delegate=actor(BM))
    old = next(s for s in handed.state.slots if s.approver_id == AP1)
    assert old.status == "delegated" and old.delegated_to == BM
    new = next(s for s in handed.state.slots if s.approver_id == BM)
    assert new.status == "pending" and new.basis == "delegation"
    assert statuses(handed) == []
    with pytest.raises(Refused, match="is delegated, not pending"):
        act(handed.state, AP1, slot=old.id, new_id=new_id)
    half = act(handed.state, BM, new_id=new_id)
    assert half.state.outcome == "in_progress"
    assert statuses(act(half.state, AP2, new_id=new_id)) == ["approved"]


@pytest.mark.parametrize(
    ("delegate", "words"),
    [
        (None, "name the person"),
        (AP1, "oneself"),
        (OUTSIDER, "not an active member"),
        (VIEWER, "viewers cannot approve"),
        (AP2, "already approves step 1"),
    ],
)
def test_delegation_refusals(delegate, words):
    transition, _ = begin(step(1, role="approver"))
    with pytest.raises(Refused, match=words):
        act(transition.state, AP1, "delegate", delegate=actor(delegate) if delegate else None)


# --- who may decide ----------------------------------------------------------------------


def test_only_the_assigned_approver_decides_a_listed_slot():
    transition, _ = begin(step(1, users=[BM, AP1]))
    state = transition.state
    with pytest.raises(Refused, match=r"may not decide approval .* assigned to"):
        act(state, AP2, slot=slot_of(state, BM))
    with pytest.raises(Refused, match="not an active member"):
        act(state, OUTSIDER, slot=slot_of(state, BM))


def test_a_holder_of_the_steps_role_may_take_over_a_role_slot():
    newcomer = uuid.UUID(int=50)
    members = {**ROLES, newcomer: frozenset({"approver"})}
    wf = workflow(step(1, role="approver", required="all"))
    new_id = ids()
    state = machine.start(wf, machine.plan_round(wf, ROLES), new_id).state  # before they joined
    taken = machine.decide(
        state, Decision(slot_of(state, AP1), Actor(newcomer, members[newcomer]), "approve"), new_id
    )
    slot = next(s for s in taken.state.slots if s.approver_id == newcomer)
    assert slot.status == "approved"
    update = next(e for e in taken.effects if isinstance(e, UpdateSlot))
    assert update.note["taken_over_from"] == str(AP1)
    # a role holder who already has a part in the step cannot take a second one
    with pytest.raises(Refused, match="may not decide"):
        act(state, AP2, slot=slot_of(state, AP1))


def test_a_role_slot_needs_the_role_at_decision_time_a_listed_one_does_not():
    transition, _ = begin(step(1, users=[BM], role="approver"))
    state = transition.state
    demoted = Actor(AP1, frozenset({"editor"}))
    with pytest.raises(Refused, match="no longer holds the role 'approver'"):
        machine.decide(state, Decision(slot_of(state, AP1), demoted, "approve"), ids())
    moved = Actor(BM, frozenset({"editor"}))
    done = machine.decide(state, Decision(slot_of(state, BM), moved, "approve"), ids())
    assert done.state.outcome == "approved"


def test_nothing_can_be_decided_after_the_end():
    transition, new_id = begin(step(1, role="approver"))
    done = act(transition.state, AP1, "reject", new_id=new_id)
    for user in (AP1, AP2):
        slot = next(s.id for s in done.state.slots if s.approver_id == user)
        with pytest.raises(Refused, match="round has ended: rejected"):
            act(done.state, user, slot=slot)
    with pytest.raises(Refused, match="not part of this approval round"):
        act(done.state, AP1, slot=uuid.uuid4())


@pytest.mark.parametrize("action", machine.ACTIONS)
@pytest.mark.parametrize(
    "status", ["approved", "delegated", "escalated", "voided", "rejected", "changes_requested"]
)
def test_only_a_pending_slot_can_be_decided(status, action):
    wf = workflow(step(1, users=[AP1, AP2], required="all"))
    plan = machine.plan_round(wf, ROLES)
    done = machine.Slot(uuid.uuid4(), 1, AP1, status, "listed")
    other = machine.Slot(uuid.uuid4(), 1, AP2, "pending", "listed")
    state = machine.RoundState(wf, plan, (done, other))
    decision = Decision(done.id, actor(AP1), action, delegate=actor(BM))
    with pytest.raises(Refused, match="not pending|has ended"):
        machine.decide(state, decision, ids())


# --- escalating --------------------------------------------------------------------------


def test_escalation_hands_the_step_to_its_target_whose_approval_completes_it():
    transition, new_id = begin(step(1, role="approver", required="all"), step(2, users=[BM]))
    half = act(transition.state, AP1, new_id=new_id)
    escalated = machine.escalate(half.state, 1, (OWNER,), new_id)
    by_user = {s.approver_id: (s.status, s.basis) for s in escalated.state.slots}
    assert by_user == {
        AP1: ("approved", "role"),
        AP2: ("escalated", "role"),
        OWNER: ("pending", "escalation"),
    }
    assert not [e for e in escalated.effects if isinstance(e, LogActivity)]
    with pytest.raises(Refused, match="already been escalated"):
        machine.escalate(escalated.state, 1, (ADMIN,), new_id)
    with pytest.raises(Refused, match="not pending"):
        act(
            escalated.state,
            AP2,
            slot=next(s.id for s in escalated.state.slots if s.approver_id == AP2),
        )
    done = act(escalated.state, OWNER, new_id=new_id)
    assert done.state.current_step == 2 and done.state.pending()[0].approver_id == BM


def test_escalation_refusals():
    transition, new_id = begin(step(1, role="approver"), step(2, users=[BM]))
    state = transition.state
    with pytest.raises(Refused, match="not the current step"):
        machine.escalate(state, 2, (OWNER,), new_id)
    with pytest.raises(Refused, match="nobody to escalate to"):
        machine.escalate(state, 1, (), new_id)
    ended = act(state, AP1, "reject", new_id=new_id).state
    with pytest.raises(Refused, match="ended"):
        machine.escalate(ended, 1, (OWNER,), new_id)


@pytest.mark.parametrize(
    ("escalate_to", "expected"),
    [
        (BM, (BM,)),
        (OUTSIDER, (OWNER, ADMIN)),  # not a member: admins and owners
        ("owner", (OWNER,)),
        (None, (ADMIN,)),
    ],
)
def test_escalation_targets(escalate_to, expected):
    target = step(1, role="approver", escalate_to=escalate_to)
    assert set(machine.escalation_targets(target, ROLES)) == set(expected)


# --- properties over random decision sequences ---------------------------------------------

ACTION = st.sampled_from(["approve"] * 6 + ["reject", "request_changes", "delegate", "delegate"])
PEOPLE = [*USERS, OUTSIDER]


@st.composite
def workflows(draw):
    steps = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        listed = draw(st.lists(st.sampled_from(USERS[:5]), max_size=3, unique=True))
        role = draw(st.sampled_from([None, "approver", "brand_manager", "admin"]))
        if not listed and role is None:
            role = "approver"
        required = draw(st.sampled_from([1, 1, 2, "all"]))
        steps.append(step(number, users=listed, role=role, required=required))
    return workflow(*steps)


@st.composite
def moves(draw):
    return (
        draw(st.sampled_from(["decide", "decide", "decide", "decide", "escalate"])),
        draw(st.sampled_from([True, True, True, False])),  # a pending slot (else any slot)
        draw(st.integers(0, 30)),  # which slot
        draw(st.sampled_from([True, True, True, False])),  # as its approver (else anyone)
        draw(st.sampled_from(PEOPLE)),
        draw(ACTION),
        draw(st.sampled_from(PEOPLE)),  # delegate
    )


def _check_invariants(state) -> None:
    current = state.current_step
    numbers = {s.step_number for s in state.slots}
    # never a skipped step: the steps with slots are 1..current, each before it complete
    assert numbers == set(range(1, current + 1))
    for earlier in range(1, current):
        assert state.step_complete(earlier)
        assert not state.pending(earlier)
    # one open part per person and step; nothing open once the round has ended
    pending = [(s.step_number, s.approver_id) for s in state.pending()]
    assert len(pending) == len(set(pending))
    if state.outcome != "in_progress":
        assert not state.pending()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflows(), st.lists(moves(), min_size=1, max_size=30))
def test_random_decision_sequences_keep_the_invariants(wf, sequence):
    try:
        plan = machine.plan_round(wf, ROLES)
    except Infeasible:
        return
    new_id = ids()
    transition = machine.start(wf, plan, new_id)
    state = transition.state
    finals: list[str] = []
    ended_at = None
    for kind, only_pending, index, as_owner, who, action, delegate in sequence:
        _check_invariants(state)
        pool = state.pending() if only_pending and state.pending() else list(state.slots)
        slot = pool[index % len(pool)]
        user = slot.approver_id if as_owner and slot.approver_id else who
        before = state
        try:
            if kind == "escalate":
                result = machine.escalate(state, slot.step_number, (delegate,), new_id)
            else:
                decision = Decision(slot.id, actor(user), action, None, actor(delegate))
                result = machine.decide(state, decision, new_id)
        except Refused:
            assert state == before  # a refusal changes nothing
            continue
        # never a decision after the end
        assert ended_at is None, f"a {kind} was accepted after the round ended"
        logs = [e for e in result.effects if isinstance(e, LogActivity)]
        assert len(logs) == (1 if kind == "decide" else 0)
        finals += [s for s in statuses(result) if s in FINAL]
        state = result.state
        if state.outcome != "in_progress":
            ended_at = len(finals)
    _check_invariants(state)
    event(f"outcome {state.outcome}, step {state.current_step}")
    # never two final states, and the one reached is the one the request was given
    assert len(finals) <= 1
    assert finals == ([state.outcome] if state.outcome in FINAL else [])


@settings(max_examples=100, deadline=None)
@given(workflows(), st.data())
def test_approvers_approving_in_any_order_always_reach_approved(wf, data):
    try:
        plan = machine.plan_round(wf, ROLES)
    except Infeasible:
        return
    new_id = ids()
    state = machine.start(wf, plan, new_id).state
    for _ in range(sum(len(s) for s in plan)):
        if state.outcome != "in_progress":
            break
        slot = data.draw(st.sampled_from(state.pending()))
        state = machine.decide(
            state, Decision(slot.id, actor(slot.approver_id), "approve"), new_id
        ).state
        _check_invariants(state)
    assert state.outcome == "approved"
    assert state.current_step == len(wf.steps)
