"""Minimal valid rows for schema tests: each factory inserts one row and returns its id.

Values are bound parameters; only table and column names (always from this code)
are spliced into the SQL. Child tables get their organization_id from the
fill_organization_id trigger (sql/schema/0003), so the factories never pass it
unless a caller overrides it on purpose.
"""

import re
import uuid
from datetime import date
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, text

# organizations and every table with an organization_id: row-level security's tables
ORG_SCOPED = [
    "organizations",
    "user_organizations",
    "brand_profiles",
    "brand_assets",
    "content_templates",
    "content_requests",
    "generated_assets",
    "asset_variants",
    "approval_workflows",
    "content_approvals",
    "api_usage",
    "daily_usage_summaries",
    "content_analytics",
    "brand_compliance_analytics",
    "user_activity_logs",
    "background_jobs",
    "compliance_engagement",
]

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
DAY = date(2024, 3, 1)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _bindable(value: Any) -> Any:
    # dicts are always jsonb here; a jsonb *array* must be passed wrapped in Jsonb,
    # since a plain list binds as a PostgreSQL array (text[] columns)
    return Jsonb(value) if isinstance(value, dict) else value


def insert(conn: Connection, table: str, *, returning: bool = True, **values: Any) -> Any:
    """Insert one row into `table` and return its id.

    returning=False leaves out `returning id` (and returns None): row-level security
    then judges the insert by its WITH CHECK alone, not also by the SELECT policy.
    Every factory passes it through.
    """
    for name in (table, *values):
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not an identifier: {name!r}")
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    sql = f"insert into {table} ({columns}) values ({placeholders})"  # noqa: S608
    params = {name: _bindable(value) for name, value in values.items()}
    if not returning:
        conn.execute(text(sql), params)
        return None
    return conn.execute(text(sql + " returning id"), params).scalar_one()


def make_user(conn: Connection, **over: Any) -> uuid.UUID:
    tag = uuid.uuid4().hex[:12]
    return insert(conn, "users", **{"email": f"u{tag}@example.com", "username": f"u_{tag}", **over})


def make_org(conn: Connection, created_by: uuid.UUID | None, **over: Any) -> uuid.UUID:
    slug = unique("org")
    return insert(
        conn, "organizations", **{"name": slug, "slug": slug, "created_by": created_by, **over}
    )


def make_membership(
    conn: Connection, user_id: uuid.UUID, org_id: uuid.UUID, **over: Any
) -> uuid.UUID:
    return insert(
        conn, "user_organizations", **{"user_id": user_id, "organization_id": org_id, **over}
    )


def make_brand(
    conn: Connection, org_id: uuid.UUID, created_by: uuid.UUID | None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "brand_profiles",
        **{"organization_id": org_id, "name": unique("brand"), "created_by": created_by, **over},
    )


def make_brand_asset(
    conn: Connection, brand_id: uuid.UUID, created_by: uuid.UUID | None = None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "brand_assets",
        **{
            "brand_profile_id": brand_id,
            "name": unique("logo"),
            "asset_type": "logo",
            "created_by": created_by,
            **over,
        },
    )


def make_template(
    conn: Connection, brand_id: uuid.UUID, created_by: uuid.UUID | None = None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "content_templates",
        **{
            "brand_profile_id": brand_id,
            "name": unique("template"),
            "template_type": "post",
            "platform": "instagram",
            "created_by": created_by,
            **over,
        },
    )


def make_request(
    conn: Connection,
    org: uuid.UUID,
    brand: uuid.UUID,
    requested_by: uuid.UUID,
    template: uuid.UUID | None = None,
    status: str = "submitted",
    **over: Any,
) -> uuid.UUID:
    return insert(
        conn,
        "content_requests",
        **{
            "organization_id": org,
            "brand_profile_id": brand,
            "requested_by": requested_by,
            "template_id": template,
            "status": status,
            "title": unique("request"),
            **over,
        },
    )


def make_generated_asset(
    conn: Connection, request_id: uuid.UUID, brand_id: uuid.UUID, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "generated_assets",
        **{
            "content_request_id": request_id,
            "brand_profile_id": brand_id,
            "asset_name": unique("asset"),
            "platform": "instagram",
            "variant_type": "primary",
            **over,
        },
    )


def make_variant(conn: Connection, asset_id: uuid.UUID, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "asset_variants",
        **{"parent_asset_id": asset_id, "platform": "instagram", "format_type": "png", **over},
    )


def make_analytics(conn: Connection, asset_id: uuid.UUID, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "content_analytics",
        **{
            "generated_asset_id": asset_id,
            "platform": "instagram",
            "performance_date": DAY,
            **over,
        },
    )


def make_workflow(
    conn: Connection, org_id: uuid.UUID, created_by: uuid.UUID | None = None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "approval_workflows",
        **{"organization_id": org_id, "name": unique("workflow"), "created_by": created_by, **over},
    )


def make_approval(
    conn: Connection,
    request_id: uuid.UUID,
    workflow_id: uuid.UUID | None = None,
    approver_id: uuid.UUID | None = None,
    **over: Any,
) -> uuid.UUID:
    return insert(
        conn,
        "content_approvals",
        **{
            "content_request_id": request_id,
            "workflow_id": workflow_id,
            "approver_id": approver_id,
            **over,
        },
    )


def make_api_usage(
    conn: Connection,
    org_id: uuid.UUID,
    user_id: uuid.UUID | None = None,
    request_id: uuid.UUID | None = None,
    **over: Any,
) -> uuid.UUID:
    return insert(
        conn,
        "api_usage",
        **{
            "organization_id": org_id,
            "user_id": user_id,
            "content_request_id": request_id,
            "api_provider": "freepik",
            "endpoint": "/v1/ai/mystic",
            **over,
        },
    )


def make_daily_summary(conn: Connection, org_id: uuid.UUID, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "daily_usage_summaries",
        **{"organization_id": org_id, "usage_date": DAY, "api_provider": "freepik", **over},
    )


def make_compliance_row(conn: Connection, brand_id: uuid.UUID, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "brand_compliance_analytics",
        **{"brand_profile_id": brand_id, "analysis_date": DAY, **over},
    )


def make_compliance_engagement(conn: Connection, org_id: uuid.UUID, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "compliance_engagement",
        **{
            "organization_id": org_id,
            "platform": "instagram",
            "week_start": date(2024, 2, 26),
            "group_kind": "band",
            "group_name": ">=90",
            "images": 1,
            "impressions": 10,
            "interactions": 1,
            "clicks": 0,
            "baseline_images": 1,
            "baseline_impressions": 10,
            "evidence": "too_few",
            **over,
        },
    )


def make_activity_log(
    conn: Connection, user_id: uuid.UUID, org_id: uuid.UUID | None = None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "user_activity_logs",
        **{"user_id": user_id, "organization_id": org_id, "action": "login", **over},
    )


def make_background_job(
    conn: Connection, org_id: uuid.UUID | None = None, **over: Any
) -> uuid.UUID:
    return insert(
        conn,
        "background_jobs",
        **{"job_type": "generate_images", "organization_id": org_id, **over},
    )


def make_setting(conn: Connection, **over: Any) -> uuid.UUID:
    return insert(
        conn,
        "system_settings",
        **{"category": unique("test"), "setting_key": "value", "setting_value": Jsonb(1), **over},
    )


def make_tenant(conn: Connection, user_id: uuid.UUID | None = None) -> dict[str, uuid.UUID]:
    """One organization with a row in every organization-scoped table.

    Returns {table name: id of its row}, plus "user" (the creator of everything).
    """
    user = user_id or make_user(conn)
    org = make_org(conn, user)
    brand = make_brand(conn, org, user)
    template = make_template(conn, brand, user)
    request = make_request(conn, org, brand, user, template=template)
    asset = make_generated_asset(conn, request, brand)
    workflow = make_workflow(conn, org, user)
    return {
        "user": user,
        "organizations": org,
        "user_organizations": make_membership(conn, user, org, role="owner"),
        "brand_profiles": brand,
        "brand_assets": make_brand_asset(conn, brand, user),
        "content_templates": template,
        "content_requests": request,
        "generated_assets": asset,
        "asset_variants": make_variant(conn, asset),
        "approval_workflows": workflow,
        "content_approvals": make_approval(conn, request, workflow, user),
        "api_usage": make_api_usage(conn, org, user, request),
        "daily_usage_summaries": make_daily_summary(
            conn, org, total_requests=2, successful_requests=1, failed_requests=1
        ),
        "content_analytics": make_analytics(conn, asset),
        "brand_compliance_analytics": make_compliance_row(conn, brand),
        "user_activity_logs": make_activity_log(conn, user, org),
        "background_jobs": make_background_job(conn, org, user_id=user, content_request_id=request),
        # a database migrated only part of the way (the migration tests) has no such table
        **(
            {"compliance_engagement": make_compliance_engagement(conn, org)}
            if conn.execute(text("select to_regclass('compliance_engagement')")).scalar()
            else {}
        ),
    }
