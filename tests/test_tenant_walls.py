"""Tenant walls beyond row filtering (sql/schema/0010, docs/TENANCY.md).

A session scoped to tenant A (acting for A's owner) may not read or change users
outside A, and may not write a reference to anything of tenant B's: every
foreign-key column refuses B's id with exactly the error it gives an id that
does not exist, so the refusal tells A nothing about B. Rows are made by the
schema owner and everything is rolled back at the end.
"""

import uuid

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from resources.tenancy import scope_to_tenant
from tests.factories import (
    make_activity_log,
    make_api_usage,
    make_background_job,
    make_membership,
    make_request,
    make_tenant,
    make_user,
)

# every foreign-key column but organization_id (row-level security's own), and
# which of a tenant's rows it names (a key of make_tenant's answer)
REFERENCES = [
    ("organizations", "created_by", "user"),
    ("user_organizations", "user_id", "user"),
    ("brand_profiles", "created_by", "user"),
    ("brand_assets", "brand_profile_id", "brand_profiles"),
    ("brand_assets", "created_by", "user"),
    ("content_templates", "brand_profile_id", "brand_profiles"),
    ("content_templates", "created_by", "user"),
    ("content_requests", "brand_profile_id", "brand_profiles"),
    ("content_requests", "requested_by", "user"),
    ("content_requests", "template_id", "content_templates"),
    ("generated_assets", "content_request_id", "content_requests"),
    ("generated_assets", "brand_profile_id", "brand_profiles"),
    ("asset_variants", "parent_asset_id", "generated_assets"),
    ("approval_workflows", "created_by", "user"),
    ("content_approvals", "content_request_id", "content_requests"),
    ("content_approvals", "workflow_id", "approval_workflows"),
    ("content_approvals", "approver_id", "user"),
    ("content_approvals", "delegated_to", "user"),
    ("api_usage", "user_id", "user"),
    ("api_usage", "content_request_id", "content_requests"),
    ("content_analytics", "generated_asset_id", "generated_assets"),
    ("brand_compliance_analytics", "brand_profile_id", "brand_profiles"),
    ("user_activity_logs", "user_id", "user"),
    ("background_jobs", "user_id", "user"),
    ("background_jobs", "content_request_id", "content_requests"),
]


@pytest.fixture
def tenants(conn: Connection) -> dict[str, dict[str, uuid.UUID]]:
    a, b = make_tenant(conn), make_tenant(conn)
    # a member of A besides its owner, and a user who belongs to no organization
    a["editor"] = make_user(conn)
    make_membership(conn, a["editor"], a["organizations"], role="editor")
    b["loner"] = make_user(conn)
    return {"a": a, "b": b}


def refusal(conn: Connection, sql: str, params: dict) -> DBAPIError:
    with pytest.raises(DBAPIError) as refused, conn.begin_nested():
        conn.execute(text(sql), params)
    return refused.value


def same_refusal(first: DBAPIError, first_id: uuid.UUID, second: DBAPIError, second_id):
    """The two errors are one error but for the id the caller gave."""
    assert first.orig.sqlstate == second.orig.sqlstate
    assert str(first.orig).replace(str(first_id), "<id>") == str(second.orig).replace(
        str(second_id), "<id>"
    )


def test_every_foreign_key_column_is_tested(conn: Connection):
    columns = conn.execute(
        text(
            "select distinct c.conrelid::regclass::text, a.attname "
            "from pg_constraint c "
            "join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey) "
            "where c.contype = 'f' and c.connamespace = 'public'::regnamespace "
            "and a.attname <> 'organization_id'"
            # a partition's copy of its table's key (0013) is the table's key
            " and c.conparentid = 0"
        )
    ).all()
    assert sorted(map(tuple, columns)) == sorted((t, c) for t, c, _ in REFERENCES)


@pytest.mark.parametrize(("table", "column", "kind"), REFERENCES)
def test_a_reference_to_another_tenant_fails_like_a_missing_one(conn, tenants, table, column, kind):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"], a["user"])
    point = f"update {table} set {column} = :ref where id = :id"  # noqa: S608 - names are ours
    foreign, missing = b[kind], uuid.uuid4()

    to_foreign = refusal(conn, point, {"ref": foreign, "id": a[table]})
    to_missing = refusal(conn, point, {"ref": missing, "id": a[table]})

    assert to_foreign.orig.sqlstate == "23503", to_foreign.orig  # foreign_key_violation
    same_refusal(to_foreign, foreign, to_missing, missing)
    # the same column takes the tenant's own id: the refusal was the wall
    kept = conn.execute(text(point), {"ref": a[kind], "id": a[table]})
    assert kept.rowcount == 1


INSERTS = {
    "api_usage.content_request_id": lambda conn, a, ref: make_api_usage(
        conn, a["organizations"], request_id=ref, returning=False
    ),
    "api_usage.user_id": lambda conn, a, ref: make_api_usage(
        conn, a["organizations"], user_id=ref, returning=False
    ),
    "background_jobs.content_request_id": lambda conn, a, ref: make_background_job(
        conn, a["organizations"], content_request_id=ref, returning=False
    ),
    "background_jobs.user_id": lambda conn, a, ref: make_background_job(
        conn, a["organizations"], user_id=ref, returning=False
    ),
    "user_activity_logs.user_id": lambda conn, a, ref: make_activity_log(
        conn, ref, a["organizations"], returning=False
    ),
    "content_requests.requested_by": lambda conn, a, ref: make_request(
        conn, a["organizations"], a["brand_profiles"], ref, returning=False
    ),
}
KINDS = {name: kind for table, column, kind in REFERENCES for name in [f"{table}.{column}"]}


@pytest.mark.parametrize("reference", sorted(INSERTS))
def test_a_new_row_cannot_name_another_tenants_ids(conn, tenants, reference: str):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"], a["user"])
    foreign, missing = b[KINDS[reference]], uuid.uuid4()

    errors = []
    for ref in (foreign, missing):
        with pytest.raises(DBAPIError) as refused, conn.begin_nested():
            INSERTS[reference](conn, a, ref)
        errors.append(refused.value)

    assert errors[0].orig.sqlstate == "23503"
    same_refusal(errors[0], foreign, errors[1], missing)
    with conn.begin_nested():
        INSERTS[reference](conn, a, a[KINDS[reference]])


def test_a_requester_from_no_organization_is_refused_like_a_foreign_one(conn, tenants):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"], a["user"])
    make = INSERTS["content_requests.requested_by"]
    errors = []
    for ref in (b["loner"], b["user"]):
        with pytest.raises(DBAPIError) as refused, conn.begin_nested():
            make(conn, a, ref)
        errors.append(refused.value)
    same_refusal(errors[0], b["loner"], errors[1], b["user"])


# --- users -------------------------------------------------------------------------


def visible_users(conn: Connection) -> set[uuid.UUID]:
    return set(conn.execute(text("select id from users")).scalars())


def test_a_tenant_sees_only_its_members(conn, tenants):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"])

    assert visible_users(conn) == {a["user"], a["editor"]}
    assert b["user"] not in visible_users(conn)


def test_an_unscoped_application_session_sees_no_user(conn, tenants):
    conn.execute(text("set local role socialpipe_app"))
    assert visible_users(conn) == set()


def test_a_tenant_cannot_change_another_tenants_user(conn, tenants):
    a, b = tenants["a"], tenants["b"]
    before = conn.execute(text("select * from users where id = :id"), {"id": b["user"]}).one()
    scope_to_tenant(conn, a["organizations"], a["user"])

    changed = conn.execute(
        text("update users set email = 'taken@example.com', password_hash = 'x' where id = :id"),
        {"id": b["user"]},
    )

    assert changed.rowcount == 0
    conn.execute(text("reset role"))
    after = conn.execute(text("select * from users where id = :id"), {"id": b["user"]}).one()
    assert after == before


def test_a_user_edits_only_their_own_profile(conn, tenants):
    a = tenants["a"]
    scope_to_tenant(conn, a["organizations"], a["user"])
    rename = text("update users set first_name = 'Ada' where id = :id")

    assert conn.execute(rename, {"id": a["user"]}).rowcount == 1
    # a fellow member's profile is visible, not editable
    assert conn.execute(rename, {"id": a["editor"]}).rowcount == 0


@pytest.mark.parametrize(
    "sql",
    [
        "update users set is_active = false where id = :id",
        "update users set role = 'admin' where id = :id",
        "delete from users where id = :id",
        "insert into users (email, username) values ('new@example.com', 'newcomer')",
    ],
    ids=["deactivate", "promote", "delete", "create"],
)
def test_a_tenant_cannot_create_delete_or_promote_users(conn, tenants, sql: str):
    a = tenants["a"]
    scope_to_tenant(conn, a["organizations"], a["user"])

    refused = refusal(conn, sql, {"id": a["user"]})

    assert refused.orig.sqlstate == "42501", refused.orig  # insufficient_privilege
    assert "permission denied for table users" in str(refused.orig)


def test_a_deletion_refused_in_a_tenant_names_nothing_outside_it(conn, tenants):
    a, b = tenants["a"], tenants["b"]
    # a user who created in both tenants; the owner deletes while the tenant is set
    both = make_user(conn)
    make_membership(conn, both, a["organizations"])
    make_request(conn, a["organizations"], a["brand_profiles"], both)
    make_request(conn, b["organizations"], b["brand_profiles"], both)
    make_request(conn, b["organizations"], b["brand_profiles"], both)
    scope_to_tenant(conn, a["organizations"])
    conn.execute(text("reset role"))

    refused = refusal(conn, "delete from users where id = :id", {"id": both})

    assert "1 content request(s)" in str(refused.orig)


# --- memberships --------------------------------------------------------------------


def test_only_an_organizations_admin_changes_roles(conn, tenants):
    a = tenants["a"]
    promote = text("update user_organizations set role = 'admin' where user_id = :id")

    scope_to_tenant(conn, a["organizations"], a["editor"])
    assert conn.execute(promote, {"id": a["editor"]}).rowcount == 0

    scope_to_tenant(conn, a["organizations"], a["user"])  # the owner
    assert conn.execute(promote, {"id": a["editor"]}).rowcount == 1


def test_a_session_acting_for_nobody_cannot_manage_memberships(conn, tenants):
    a = tenants["a"]
    scope_to_tenant(conn, a["organizations"])
    removed = conn.execute(
        text("delete from user_organizations where user_id = :id"), {"id": a["editor"]}
    )
    assert removed.rowcount == 0


def test_an_admin_of_one_tenant_cannot_add_members_to_another(conn, tenants):
    a, b = tenants["a"], tenants["b"]
    scope_to_tenant(conn, a["organizations"], a["user"])
    refused = refusal(
        conn,
        "insert into user_organizations (user_id, organization_id) values (:user, :org)",
        {"user": b["loner"], "org": b["organizations"]},
    )
    assert refused.orig.sqlstate == "42501"
