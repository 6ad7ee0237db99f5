"""Tenants, workflows and scored requests for the approval tests (real PostgreSQL rows)."""

import hashlib
import json
import uuid
from types import SimpleNamespace

from psycopg.types.json import Jsonb
from sqlalchemy import Engine, text

from tests.factories import (
    insert,
    make_brand,
    make_generated_asset,
    make_membership,
    make_org,
    make_request,
    make_user,
    unique,
)

# label → organization role
MEMBERS = {
    "owner": "owner",
    "admin": "admin",
    "brand_manager": "brand_manager",
    "approver1": "approver",
    "approver2": "approver",
    "editor": "editor",
    "viewer": "viewer",
}


def approval_tenant(engine: Engine) -> SimpleNamespace:
    """An organization with one member per role (two approvers), and a brand.

    `people` maps a label (owner, admin, brand_manager, approver1, approver2, editor,
    viewer) to the user's id; `email` maps the same labels to their emails.
    """
    people, email = {}, {}
    with engine.begin() as conn:
        for label in MEMBERS:
            email[label] = f"{label}-{uuid.uuid4().hex[:8]}@example.com"
            people[label] = make_user(conn, email=email[label])
        org = make_org(conn, people["owner"])
        brand = make_brand(conn, org, people["owner"])
        for label, role in MEMBERS.items():
            make_membership(conn, people[label], org, role=role)
        slug = conn.execute(text("select slug from organizations where id = :id"), {"id": org})
        slug = slug.scalar_one()
    return SimpleNamespace(org=org, slug=slug, brand=brand, people=people, email=email)


def add_member(engine: Engine, tenant: SimpleNamespace, label: str, role: str) -> uuid.UUID:
    address = f"{label}-{uuid.uuid4().hex[:8]}@example.com"
    with engine.begin() as conn:
        user = make_user(conn, email=address)
        make_membership(conn, user, tenant.org, role=role)
    tenant.people[label], tenant.email[label] = user, address
    return user


def step(number: int, name: str, *, user_ids=(), role=None, required=1, sla=None, escalate=None):
    approvers: dict = {"user_ids": [str(u) for u in user_ids]}
    if role:
        approvers["role"] = role
    return {
        "step_number": number,
        "name": name,
        "approvers": approvers,
        "required_approvals": required,
        "sla_hours": sla,
        "escalate_to": str(escalate) if isinstance(escalate, uuid.UUID) else escalate,
    }


def make_workflow(
    engine: Engine,
    tenant: SimpleNamespace,
    steps: list[dict],
    *,
    rules: list[dict] = (),
    content_types: list[str] = (),
    platforms: list[str] = (),
    minimum: float | None = None,
    name: str | None = None,
) -> uuid.UUID:
    with engine.begin() as conn:
        return insert(
            conn,
            "approval_workflows",
            organization_id=tenant.org,
            name=name or unique("workflow"),
            steps=Jsonb(steps),
            auto_approval_rules=Jsonb(list(rules)),
            applies_to_content_types=list(content_types),
            applies_to_platforms=list(platforms),
            minimum_compliance_score=minimum,
            created_by=tenant.people["owner"],
        )


def scored_request(
    engine: Engine,
    tenant: SimpleNamespace,
    *,
    content_type: str = "post",
    platforms: tuple[str, ...] = ("instagram",),
    priority: int = 3,
    score: float = 80.0,
    validation_status: str = "passed",
) -> uuid.UUID:
    """A generated request with one scored image per platform (as compliance leaves it)."""
    with engine.begin() as conn:
        request = make_request(
            conn,
            tenant.org,
            tenant.brand,
            tenant.people["editor"],
            status="generated",
            content_type=content_type,
            target_platforms=list(platforms),
            priority=priority,
        )
        for platform in platforms:
            make_generated_asset(
                conn,
                request,
                tenant.brand,
                platform=platform,
                file_path=_key(tenant.org, request, platform, b"first"),
                compliance_score=score,
                validation_status=validation_status,
            )
    return request


def _key(org, request, platform: str, content: bytes) -> str:
    digest = hashlib.sha256(content + platform.encode()).hexdigest()[:16]
    return f"{org}/{request}/{platform}-primary-{digest}.png"


def regenerate_images(engine: Engine, tenant: SimpleNamespace, request: uuid.UUID) -> None:
    """What generation's upsert does to a re-rendered image: new key, score cleared."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "update generated_assets set file_path = :prefix || platform || '-primary-' "
                "|| md5(random()::text) || '.png', compliance_score = null, "
                "validation_status = 'pending' where content_request_id = :id"
            ),
            {"prefix": f"{tenant.org}/{request}/", "id": request},
        )
        conn.execute(
            text("update content_requests set status = 'generated' where id = :id"),
            {"id": request},
        )


def unscore_images(engine: Engine, request: uuid.UUID) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "update generated_assets set compliance_score = null where content_request_id = :id"
            ),
            {"id": request},
        )


def score_images(engine: Engine, request: uuid.UUID, score: float = 80.0) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "update generated_assets set compliance_score = :s, validation_status = 'passed' "
                "where content_request_id = :id"
            ),
            {"s": score, "id": request},
        )


def request_status(engine: Engine, request: uuid.UUID) -> tuple[str, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            text("select status, status_reason from content_requests where id = :id"),
            {"id": request},
        ).one()
    return row.status, row.status_reason


def approvals(engine: Engine, request: uuid.UUID) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(row)
            for row in conn.execute(
                text(
                    "select * from content_approvals where content_request_id = :id "
                    "order by created_at, step_number, approver_id nulls first"
                ),
                {"id": request},
            ).mappings()
        ]


def pending_of(engine: Engine, request: uuid.UUID, user: uuid.UUID) -> uuid.UUID:
    (row,) = [
        a
        for a in approvals(engine, request)
        if a["status"] == "pending" and a["approver_id"] == user
    ]
    return row["id"]


def activity(engine: Engine, approval_ids) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(row)
            for row in conn.execute(
                text(
                    "select * from user_activity_logs where resource_id = any(:ids) "
                    "order by created_at"
                ),
                {"ids": list(approval_ids)},
            ).mappings()
        ]


def as_json(value) -> str:
    return json.dumps(value, default=str)
