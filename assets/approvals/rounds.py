"""A round of approvals as data: slots, decisions, effects, and the state they make.

The vocabulary machine.py works in. A slot is one content_approvals row (one approver's
part in one step); a `RoundState` is a request's current round, from which its outcome
and each step's completion are derived; effects are what the persistence layer writes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from uuid import UUID

from assets.approvals.workflow import Step, Workflow

Basis = Literal["listed", "role", "fallback", "delegation", "escalation", "auto"]
Action = Literal["approve", "reject", "request_changes", "delegate"]
Outcome = Literal["in_progress", "approved", "rejected", "changes_requested", "voided"]
ACTIONS: tuple[Action, ...] = ("approve", "reject", "request_changes", "delegate")
# a slot in one of these states has handed its part to a successor slot
REPLACED = frozenset({"delegated", "escalated"})
ADMIN_ROLES = frozenset({"owner", "admin"})
NewId = Callable[[], UUID]


class Refused(Exception):
    """A decision that may not be made (nothing changes); the message says why."""


class Infeasible(Exception):
    """The organization's members cannot satisfy a workflow step."""


@dataclass(frozen=True)
class Assignee:
    user_id: UUID
    basis: Basis  # why they approve: listed by id, holding the role, or the fallback


@dataclass(frozen=True)
class Slot:
    id: UUID
    step_number: int
    approver_id: UUID | None
    status: str
    basis: Basis
    delegated_to: UUID | None = None


@dataclass(frozen=True)
class Actor:
    user_id: UUID
    roles: frozenset[str] = frozenset()  # active roles in the organization; empty: not a member


@dataclass(frozen=True)
class Decision:
    approval_id: UUID
    actor: Actor
    action: Action
    comment: str | None = None
    delegate: Actor | None = None


# effects: what the persistence layer writes, in order
@dataclass(frozen=True)
class CreateSlot:
    approval_id: UUID
    step_number: int
    step_name: str
    approver_id: UUID | None
    basis: Basis
    status: str = "pending"
    comment: str | None = None
    note: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateSlot:
    approval_id: UUID
    status: str
    decided_by: UUID | None = None  # a person's decision: sets decision_date
    approver_id: UUID | None = None  # a role holder taking over a role slot
    delegated_to: UUID | None = None
    comment: str | None = None
    note: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class SetRequestStatus:
    status: str
    reason: str | None = None


@dataclass(frozen=True)
class LogActivity:
    user_id: UUID
    action: str
    approval_id: UUID
    details: Mapping


Effect = CreateSlot | UpdateSlot | SetRequestStatus | LogActivity


@dataclass(frozen=True)
class RoundState:
    workflow: Workflow
    plan: tuple[tuple[Assignee, ...], ...]
    slots: tuple[Slot, ...] = ()
    # user id → how to name them in messages (their email)
    labels: Mapping[UUID, str] = field(default_factory=dict, compare=False)

    @property
    def last_step(self) -> int:
        return len(self.workflow.steps)

    @property
    def current_step(self) -> int | None:
        return max((s.step_number for s in self.slots), default=None)

    def step(self, number: int) -> Step:
        return self.workflow.step(number)

    def slots_of(self, number: int) -> list[Slot]:
        return [s for s in self.slots if s.step_number == number]

    def pending(self, number: int | None = None) -> list[Slot]:
        return [
            s
            for s in self.slots
            if s.status == "pending" and (number is None or s.step_number == number)
        ]

    def name(self, user_id: UUID | None) -> str:
        return "nobody" if user_id is None else self.labels.get(user_id, str(user_id))

    def escalated(self, number: int) -> bool:
        return any(
            s.status == "escalated" or s.basis == "escalation" for s in self.slots_of(number)
        )

    def step_complete(self, number: int) -> bool:
        live = [s for s in self.slots_of(number) if s.status not in REPLACED]
        approved = [s for s in live if s.status == "approved"]
        if any(s.basis == "escalation" for s in approved):
            return True
        required = self.step(number).required_approvals
        if required == "all":
            return bool(live) and len(approved) == len(live)
        return len({s.approver_id for s in approved}) >= required

    @property
    def outcome(self) -> Outcome:
        statuses = {s.status for s in self.slots}
        if "rejected" in statuses:
            return "rejected"
        if "changes_requested" in statuses:
            return "changes_requested"
        if "auto_approved" in statuses:
            return "approved"
        current = self.current_step
        if current is None:
            return "in_progress"
        if current == self.last_step and self.step_complete(current):
            return "approved"
        return "in_progress" if self.pending() else "voided"


@dataclass(frozen=True)
class Transition:
    state: RoundState
    effects: tuple[Effect, ...]

    @property
    def request_status(self) -> str | None:
        """The request's new status, when this transition changes it."""
        changes = [e.status for e in self.effects if isinstance(e, SetRequestStatus)]
        return changes[-1] if changes else None


def apply(state: RoundState, effects: list[Effect] | tuple[Effect, ...]) -> RoundState:
    """The state after the slot effects (the others do not change a round's slots)."""
    slots = {s.id: s for s in state.slots}
    for effect in effects:
        if isinstance(effect, CreateSlot):
            slots[effect.approval_id] = Slot(
                effect.approval_id,
                effect.step_number,
                effect.approver_id,
                effect.status,
                effect.basis,
            )
        elif isinstance(effect, UpdateSlot):
            old = slots[effect.approval_id]
            slots[effect.approval_id] = replace(
                old,
                status=effect.status,
                approver_id=effect.approver_id or old.approver_id,
                delegated_to=effect.delegated_to or old.delegated_to,
            )
    return replace(state, slots=tuple(slots.values()))
