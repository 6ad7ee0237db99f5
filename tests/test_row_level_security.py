"""Row-level security: a session for tenant A neither reads nor writes B's rows.

The rules: docs/SCHEMA.md, "Multi-tenancy".

Both tenants' rows are made by the schema owner; the test then narrows the same
transaction to the application role scoped to A (resources.tenancy), so
everything is rolled back at the end.
"""

import uuid

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from resources.tenancy import PIPELINE_ROLE, scope_to_tenant
from tests.factories import (
    ORG_SCOPED,
    make_activity_log,
    make_analytics,
    make_api_usage,
    make_approval,
    make_background_job,
    make_brand,
    make_brand_asset,
    make_compliance_engagement,
    make_compliance_row,
    make_daily_summary,
    make_generated_asset,
    make_membership,
    make_org,
    make_request,
    make_template,
    make_tenant,
    make_user,
    make_variant,
    make_workflow,
)

INSUFFICIENT_PRIVILEGE = "42501"  # what PostgreSQL raises for a row-level security violation


def organization_column(table: str) -> str:
    return "id" if table == "organizations" else "organization_id"


def count(conn: Connection, table: str, org: uuid.UUID | None = None) -> int:
    # table names come from ORG_SCOPED, never from data
    if org is None:
        return conn.execute(text(f"select count(*) from {table}")).scalar_one()  # noqa: S608
    sql = f"select count(*) from {table} where {organization_column(table)} = :org"  # noqa: S608
    return conn.execute(text(sql), {"org": org}).scalar_one()


@pytest.fixture
def tenants(conn: Connection) -> dict[str, dict[str, uuid.UUID]]:
    """Tenants A and B, each with a row in every organization-scoped table."""
    # a user with no membership yet, made by the owner (tenants cannot create users)
    return {"a": make_tenant(conn), "b": {**make_tenant(conn), "newcomer": make_user(conn)}}


def test_every_table_with_row_level_security_is_tested(conn: Connection):
    protected = conn.execute(
        text(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relrowsecurity"
        )
    ).scalars()
    # users has its own policies (members only, own profile): tests/test_tenant_walls.py
    assert sorted(protected) == sorted([*ORG_SCOPED, "users"])


def test_every_table_with_an_organization_id_has_row_level_security(conn: Connection):
    tables = conn.execute(
        text(
            "select c.table_name from information_schema.columns c "
            "join information_schema.tables t using (table_schema, table_name) "
            "where c.table_schema = 'public' and c.column_name = 'organization_id' "
            "and t.table_type = 'BASE TABLE'"  # views run with the reader's rights (0008)
            # a partition is reached through its table, under the table's policy (0013);
            # qualified and by to_regclass: the planner may try the cast on rows of other
            # schemas (information_schema's) before the filter drops them
            " and not coalesce(to_regclass(format('%I.%I', c.table_schema, c.table_name))"
            " in (select inhrelid::regclass from pg_inherits), false)"
        )
    ).scalars()
    assert set(tables) | {"organizations"} == set(ORG_SCOPED)


@pytest.mark.parametrize("table", ORG_SCOPED)
def test_tenant_sees_only_its_own_rows(conn: Connection, tenants, table: str):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"])

    visible = conn.execute(text(f"select id from {table}")).scalars().all()  # noqa: S608

    assert a[table] in visible
    assert b[table] not in visible
    assert count(conn, table) == count(conn, table, a["organizations"]) >= 1
    assert count(conn, table, b["organizations"]) == 0


@pytest.mark.parametrize("table", ORG_SCOPED)
def test_tenant_cannot_update_or_delete_another_tenants_rows(conn, tenants, table: str):
    a, b = tenants["a"], tenants["b"]
    # acting for A's owner: memberships are managed by the organization's admins
    scope_to_tenant(conn, a["organizations"], a["user"])
    # a no-op update: only whether the row can be reached matters
    update = text(f"update {table} set id = id where id = :id")  # noqa: S608
    delete = text(f"delete from {table} where id = :id")  # noqa: S608
    everything = text(f"update {table} set id = id")  # noqa: S608

    assert conn.execute(update, {"id": b[table]}).rowcount == 0
    assert conn.execute(delete, {"id": b[table]}).rowcount == 0
    assert conn.execute(everything).rowcount == count(conn, table)
    # ... while A's own row is within reach
    assert conn.execute(update, {"id": a[table]}).rowcount == 1

    conn.execute(text("reset role"))
    assert count(conn, table, b["organizations"]) >= 1
    still_there = f"select count(*) from {table} where id = :id"  # noqa: S608
    assert conn.execute(text(still_there), {"id": b[table]}).scalar_one() == 1


def insert_for(conn: Connection, table: str, b: dict[str, uuid.UUID], returning: bool) -> object:
    """Insert a row that belongs to tenant B (organization_id given explicitly)."""
    org = {"organization_id": b["organizations"], "returning": returning}
    makers = {
        "organizations": lambda: make_org(conn, b["user"], returning=returning),
        "user_organizations": lambda: make_membership(
            conn, b["newcomer"], b["organizations"], returning=returning
        ),
        "brand_profiles": lambda: make_brand(
            conn, b["organizations"], b["user"], returning=returning
        ),
        "brand_assets": lambda: make_brand_asset(conn, b["brand_profiles"], **org),
        "content_templates": lambda: make_template(conn, b["brand_profiles"], **org),
        "content_requests": lambda: make_request(
            conn, b["organizations"], b["brand_profiles"], b["user"], returning=returning
        ),
        "generated_assets": lambda: make_generated_asset(
            conn, b["content_requests"], b["brand_profiles"], platform="tiktok", **org
        ),
        "asset_variants": lambda: make_variant(conn, b["generated_assets"], **org),
        "approval_workflows": lambda: make_workflow(conn, b["organizations"], returning=returning),
        "content_approvals": lambda: make_approval(conn, b["content_requests"], **org),
        "api_usage": lambda: make_api_usage(conn, b["organizations"], returning=returning),
        "daily_usage_summaries": lambda: make_daily_summary(
            conn, b["organizations"], api_provider="openai", returning=returning
        ),
        "content_analytics": lambda: make_analytics(
            conn, b["generated_assets"], platform="tiktok", **org
        ),
        "brand_compliance_analytics": lambda: make_compliance_row(
            conn, b["brand_profiles"], analysis_date="2024-12-31", **org
        ),
        "user_activity_logs": lambda: make_activity_log(
            conn, b["user"], b["organizations"], returning=returning
        ),
        "background_jobs": lambda: make_background_job(
            conn, b["organizations"], returning=returning
        ),
        "compliance_engagement": lambda: make_compliance_engagement(
            conn, b["organizations"], platform="tiktok", returning=returning
        ),
    }
    return makers[table]()


def expect_row_level_security_violation(conn: Connection, action) -> None:
    with pytest.raises(DBAPIError) as refusal, conn.begin_nested():
        action()
    assert refusal.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, refusal.value.orig
    assert "row-level security" in str(refusal.value.orig)


# Both with and without RETURNING: with it, the SELECT policy also judges the new row;
# without it, only the policy's WITH CHECK stands between tenant A and B's data.
@pytest.mark.parametrize("returning", [False, True], ids=["plain", "returning"])
@pytest.mark.parametrize("table", ORG_SCOPED)
def test_tenant_cannot_insert_rows_for_another_tenant(conn, tenants, table: str, returning):
    b = tenants["b"]
    scope_to_tenant(conn, tenants["a"]["organizations"])

    expect_row_level_security_violation(conn, lambda: insert_for(conn, table, b, returning))

    conn.execute(text("reset role"))
    # the same row as the owner goes in: the refusal was the tenant boundary, not the data
    with conn.begin_nested():
        insert_for(conn, table, b, returning)


@pytest.mark.parametrize("table", ORG_SCOPED)
def test_tenant_cannot_move_its_rows_to_another_tenant(conn, tenants, table: str):
    scope_to_tenant(conn, tenants["a"]["organizations"], tenants["a"]["user"])
    column = organization_column(table)
    # no WHERE clause: nothing is read, so only the policy's WITH CHECK can refuse
    move_all = text(f"update {table} set {column} = :org")  # noqa: S608
    move_one = text(f"update {table} set {column} = :org where id = :id")  # noqa: S608
    params = {"org": tenants["b"]["organizations"], "id": tenants["a"][table]}

    expect_row_level_security_violation(conn, lambda: conn.execute(move_all, params))
    expect_row_level_security_violation(conn, lambda: conn.execute(move_one, params))


def test_unscoped_application_session_sees_nothing(conn, tenants):
    conn.execute(text("set local role socialpipe_app"))
    for table in ORG_SCOPED:
        assert count(conn, table) == 0, table


def test_pipeline_role_sees_every_tenant(conn, tenants):
    conn.execute(text(f"set local role {PIPELINE_ROLE}"))  # a constant
    assert conn.execute(text("select current_user")).scalar_one() == PIPELINE_ROLE
    for table in ORG_SCOPED:
        for tenant in tenants.values():
            assert count(conn, table, tenant["organizations"]) >= 1, table


def test_pipeline_engine_acts_as_the_pipeline_role(database_url: str):
    from resources.database import pipeline_engine

    with pipeline_engine(database_url).connect() as conn:
        row = conn.execute(
            text("select current_user, rolbypassrls from pg_roles where rolname = current_user")
        ).one()
    assert tuple(row) == (PIPELINE_ROLE, True)


def test_application_role_cannot_bypass_row_level_security(conn):
    bypass = conn.execute(
        text("select rolbypassrls, rolsuper from pg_roles where rolname = 'socialpipe_app'")
    ).one()
    assert tuple(bypass) == (False, False)
