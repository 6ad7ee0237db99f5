"""Approval workflow definitions (approval_workflows rows), validated with pydantic.

`steps` and `auto_approval_rules` are JSON that people write. Before a workflow is
used it is parsed into these models; an invalid one raises `InvalidWorkflow`, whose
message names the workflow and the field at fault (`steps.1.required_approvals: …`),
and is not used.

A step names its approvers by user id and/or one organization role:
`{"user_ids": [...], "role": "approver"}` (as the demo writes it); the shorthands
`"approver"` and `["approver", "<user id>", …]` mean the same.

The default workflow, for a request no usable workflow of its organization matches
(see workflow_matching.py): one step, "Admin review", decided by any one of the organization's
admins (its owners when it has no active admin), escalated to the owners after 48 h.
"""

from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ORGANIZATION_ROLES = ("owner", "admin", "brand_manager", "editor", "approver", "viewer")
# viewers read; they never approve
ApproverRole = Literal["owner", "admin", "brand_manager", "editor", "approver"]
APPROVER_ROLES = ("owner", "admin", "brand_manager", "editor", "approver")


class InvalidWorkflow(ValueError):
    """A workflow that cannot be used; the message names the field at fault."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name, self.problems = name, problems
        super().__init__(f"approval workflow {name!r} is invalid: " + "; ".join(problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Approvers(_Model):
    user_ids: tuple[UUID, ...] = ()
    role: ApproverRole | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            roles = [item for item in value if item in ORGANIZATION_ROLES]
            if len(roles) > 1:
                raise ValueError(f"at most one organization role, got {roles}")
            ids = [item for item in value if item not in ORGANIZATION_ROLES]
            return {"user_ids": ids, "role": roles[0] if roles else None}
        return value

    @model_validator(mode="after")
    def _someone(self) -> "Approvers":
        if not self.user_ids and self.role is None:
            raise ValueError("name at least one user id or an organization role")
        if len(set(self.user_ids)) != len(self.user_ids):
            raise ValueError("a user id is listed twice")
        return self


class Step(_Model):
    step_number: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=200)
    approvers: Approvers
    # 1, N, or "all" of the step's approvers
    required_approvals: int | Literal["all"] = 1
    # None: the step never escalates
    sla_hours: float | None = Field(default=None, gt=0)
    # a user id or an organization role; None: the organization's admins
    escalate_to: UUID | ApproverRole | None = None

    @field_validator("required_approvals", mode="before")
    @classmethod
    def _required(cls, value: Any) -> int | str:
        # checked before coercion, so true, 1.5 and "2" are refused rather than guessed at
        if value == "all" or (type(value) is int and value >= 1):
            return value
        raise ValueError(f'must be a whole number ≥ 1 or "all", got {value!r}')

    @field_validator("escalate_to", mode="before")
    @classmethod
    def _escalate_to(cls, value: Any) -> UUID | str | None:
        if value is None or value in APPROVER_ROLES or isinstance(value, UUID):
            return value
        try:
            return UUID(str(value))
        except ValueError:
            raise ValueError(
                f"must be a user id or one of the roles {', '.join(APPROVER_ROLES)}; got {value!r}"
            ) from None


class AutoApprovalRule(_Model):
    min_compliance_score: float = Field(ge=0, le=100)
    # empty: any content type / any platform
    content_types: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    # priority 1 (lowest) … 5 (most urgent); None: any
    max_priority: int | None = Field(default=None, ge=1, le=5)


class Workflow(_Model):
    id: UUID | None = None  # None: the default workflow
    name: str = Field(min_length=1, max_length=200)
    steps: tuple[Step, ...] = Field(min_length=1)
    auto_approval_rules: tuple[AutoApprovalRule, ...] = ()
    applies_to_content_types: tuple[str, ...] = ()
    applies_to_platforms: tuple[str, ...] = ()
    minimum_compliance_score: float | None = Field(default=None, ge=0, le=100)

    @field_validator("steps")
    @classmethod
    def _numbered_in_order(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        for position, step in enumerate(steps, start=1):
            if step.step_number != position:
                raise ValueError(
                    f"steps are numbered 1, 2, … in order; step {position} "
                    f"({step.name!r}) has step_number {step.step_number}"
                )
        return steps

    @property
    def is_default(self) -> bool:
        return self.id is None

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def snapshot(self) -> dict:
        """JSON for content_approvals.feedback: the definition a round runs on."""
        return self.model_dump(mode="json")


DEFAULT_WORKFLOW = Workflow(
    name="Default: admin review",
    steps=(
        Step(
            step_number=1,
            name="Admin review",
            approvers=Approvers(role="admin"),
            required_approvals=1,
            sla_hours=48,
            escalate_to="owner",
        ),
    ),
)


def _location(error: Mapping) -> str:
    return ".".join(str(part) for part in error["loc"]) or "workflow"


def parse_workflow(row: Mapping) -> Workflow:
    """An approval_workflows row (or a dict shaped like one) → a Workflow, or InvalidWorkflow."""
    name = str(row.get("name") or row.get("id") or "unnamed")
    fields = {
        key: row[key]
        for key in (
            "id",
            "name",
            "steps",
            "auto_approval_rules",
            "applies_to_content_types",
            "applies_to_platforms",
            "minimum_compliance_score",
        )
        if row.get(key) is not None
    }
    try:
        return Workflow.model_validate(fields)
    except ValidationError as error:
        problems = [f"{_location(e)}: {e['msg']}" for e in error.errors(include_url=False)]
        raise InvalidWorkflow(name, problems) from None


def restore(snapshot: Mapping) -> Workflow:
    """The workflow a round's rows recorded (Workflow.snapshot), as a model again."""
    return Workflow.model_validate(snapshot)
