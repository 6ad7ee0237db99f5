"""Reading a request's approval round and writing a transition's effects.

Callers hold one transaction: `lock_request` first, then `load_round` (which locks the
request's approval rows), then the machine, then `apply_effects`. Every row of a round
carries the same `feedback` core — the round id, the workflow snapshot and match
reason, the approver plan, and the asset versions (versions.py) — plus its own `basis`
and notes, so a round can be rebuilt from its rows alone even after its workflow row
is edited or deleted.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection

from assets.approvals.rounds import (
    Assignee,
    CreateSlot,
    Effect,
    LogActivity,
    RoundState,
    SetRequestStatus,
    Slot,
    UpdateSlot,
)
from assets.approvals.workflow import Workflow, restore
from resources.sql_files import sql


class ConcurrentChange(RuntimeError):
    """A slot was no longer pending when written: the caller's transaction must roll back."""


@dataclass(frozen=True)
class Round:
    state: RoundState
    common: dict  # the feedback core every row of the round carries
    workflow_id: UUID | None


def _dumps(value: object) -> str:
    return json.dumps(value, default=str)


def lock_request(conn: Connection, request_id: object) -> Mapping | None:
    return (
        conn.execute(sql("approvals/lock_request"), {"request_id": request_id}).mappings().first()
    )


def request_assets(conn: Connection, request_id: object) -> list[Mapping]:
    return list(
        conn.execute(sql("approvals/request_assets"), {"request_id": request_id}).mappings()
    )


def members(conn: Connection, organization_id: object) -> dict[UUID, frozenset[str]]:
    """The organization's active members → their roles."""
    rows = conn.execute(sql("approvals/organization_members"), {"organization_id": organization_id})
    roles: dict[UUID, set[str]] = {}
    for row in rows:
        roles.setdefault(row.user_id, set()).add(row.role)
    return {user: frozenset(held) for user, held in roles.items()}


def member_roles(conn: Connection, organization_id: object, user_id: object) -> frozenset[str]:
    rows = conn.execute(
        sql("approvals/member_roles"), {"organization_id": organization_id, "user_id": user_id}
    )
    return frozenset(rows.scalars())


def emails(conn: Connection, user_ids: Iterable[UUID | None]) -> dict[UUID, str]:
    ids = sorted({str(u) for u in user_ids if u is not None})
    rows = conn.execute(sql("approvals/users_by_id"), {"user_ids": ids})
    return {row.id: row.email for row in rows}


def plan_json(plan: tuple[tuple[Assignee, ...], ...]) -> list[list[dict]]:
    return [[{"user_id": str(a.user_id), "basis": a.basis} for a in step] for step in plan]


def plan_from_json(data: list) -> tuple[tuple[Assignee, ...], ...]:
    return tuple(
        tuple(Assignee(UUID(a["user_id"]), a["basis"]) for a in step) for step in data or []
    )


def round_core(
    round_id: str,
    workflow: Workflow,
    match_reason: str,
    plan: tuple[tuple[Assignee, ...], ...],
    assets: list[dict],
    assets_version: str,
) -> dict:
    return {
        "round": round_id,
        "workflow": workflow.snapshot(),
        "workflow_match": match_reason,
        "plan": plan_json(plan),
        "assets": assets,
        "assets_version": assets_version,
    }


CORE_KEYS = ("round", "workflow", "workflow_match", "plan", "assets", "assets_version")


def load_round(conn: Connection, request_id: object, round_id: str) -> Round | None:
    """The round's slots (locking all of the request's approval rows), or None."""
    rows = conn.execute(sql("approvals/request_approvals"), {"request_id": request_id}).mappings()
    mine = [row for row in rows if (row["feedback"] or {}).get("round") == round_id]
    if not mine:
        return None
    core = {key: mine[0]["feedback"].get(key) for key in CORE_KEYS}
    workflow = restore(core["workflow"])
    slots = tuple(
        Slot(
            row["id"],
            row["step_number"],
            row["approver_id"],
            row["status"],
            row["feedback"].get("basis", "listed"),
            row["delegated_to"],
        )
        for row in mine
    )
    state = RoundState(workflow, plan_from_json(core["plan"]), slots)
    return Round(state, core, workflow.id)


def apply_effects(
    conn: Connection,
    request: Mapping,
    core: Mapping,
    effects: Iterable[Effect],
    *,
    channel: str = "pipeline",
    session_id: str | None = None,
) -> None:
    """Write a transition: new slots, slot updates, the request's status, activity rows."""
    workflow_id = core["workflow"].get("id")
    for effect in effects:
        if isinstance(effect, CreateSlot):
            conn.execute(
                sql("approvals/insert_approval"),
                {
                    "id": effect.approval_id,
                    "request_id": request["id"],
                    "workflow_id": workflow_id,
                    "approver_id": effect.approver_id,
                    "step_number": effect.step_number,
                    "step_name": effect.step_name,
                    "status": effect.status,
                    "decided": effect.status != "pending",
                    "comments": effect.comment,
                    "feedback": _dumps({**core, "basis": effect.basis, **effect.note}),
                },
            )
        elif isinstance(effect, UpdateSlot):
            updated = conn.execute(
                sql("approvals/update_approval"),
                {
                    "id": effect.approval_id,
                    "status": effect.status,
                    "approver_id": effect.approver_id,
                    "delegated_to": effect.delegated_to,
                    "decided": effect.decided_by is not None,
                    "comments": effect.comment,
                    "note": _dumps(dict(effect.note)),
                },
            )
            if updated.rowcount != 1:
                raise ConcurrentChange(f"approval {effect.approval_id} is no longer pending")
        elif isinstance(effect, SetRequestStatus):
            conn.execute(
                sql("approvals/set_request_status"),
                {
                    "request_id": request["id"],
                    "status": effect.status,
                    "status_reason": effect.reason,
                },
            )
        elif isinstance(effect, LogActivity):
            conn.execute(
                sql("approvals/insert_activity"),
                {
                    "user_id": effect.user_id,
                    "organization_id": request["organization_id"],
                    "action": effect.action,
                    "approval_id": effect.approval_id,
                    "session_id": session_id,
                    "user_agent": f"socialpipe {channel}",
                    "details": _dumps(
                        {
                            **effect.details,
                            "request_id": str(request["id"]),
                            "round": core["round"],
                            "assets_version": core["assets_version"],
                            "channel": channel,
                        }
                    ),
                },
            )
