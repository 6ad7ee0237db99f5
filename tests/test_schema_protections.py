"""Protected references (docs/SCHEMA.md, "Referential rules"): refusals with a message
that names the blocker."""

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import scalar
from tests.factories import (
    make_analytics,
    make_approval,
    make_brand,
    make_brand_asset,
    make_generated_asset,
    make_org,
    make_request,
    make_template,
    make_user,
    make_variant,
    make_workflow,
)


def delete(conn: Connection, table: str, row_id) -> int:
    sql = f"delete from {table} where id = :id"  # noqa: S608 - table names from this module
    return conn.execute(text(sql), {"id": row_id}).rowcount


def refused_delete(conn: Connection, table: str, row_id) -> str:
    """Delete, expecting a foreign-key-violation refusal; return its message."""
    with pytest.raises(IntegrityError) as refusal, conn.begin_nested():
        delete(conn, table, row_id)
    assert refusal.value.orig.sqlstate == "23503"
    return refusal.value.orig.diag.message_primary


def exists(conn: Connection, table: str, row_id) -> bool:
    sql = f"select exists (select from {table} where id = :id)"  # noqa: S608
    return bool(scalar(conn, sql, id=row_id))


@pytest.fixture
def owner(conn: Connection):
    """A user who owns the organization the creations go into."""
    user = make_user(conn)
    org = make_org(conn, user)
    brand = make_brand(conn, org, user)
    return {"user": user, "org": org, "brand": brand}


def _create_organization(conn, owner, user):
    make_org(conn, user)


def _create_brand_profile(conn, owner, user):
    make_brand(conn, owner["org"], user)


def _create_brand_asset(conn, owner, user):
    make_brand_asset(conn, owner["brand"], user)


def _create_template(conn, owner, user):
    make_template(conn, owner["brand"], user)


def _create_workflow(conn, owner, user):
    make_workflow(conn, owner["org"], user)


def _create_request(conn, owner, user):
    make_request(conn, owner["org"], owner["brand"], user)


@pytest.mark.parametrize(
    ("create", "named"),
    [
        (_create_organization, "1 organization(s)"),
        (_create_brand_profile, "1 brand profile(s)"),
        (_create_brand_asset, "1 brand asset(s)"),
        (_create_template, "1 content template(s)"),
        (_create_workflow, "1 approval workflow(s)"),
        (_create_request, "1 content request(s)"),
    ],
    ids=["organization", "brand_profile", "brand_asset", "template", "workflow", "request"],
)
def test_user_who_created_a_resource_cannot_be_deleted(conn, owner, create, named):
    user = make_user(conn)
    create(conn, owner, user)

    message = refused_delete(conn, "users", user)

    assert f"cannot be deleted: they created {named}" in message
    assert exists(conn, "users", user)


def test_refusal_lists_everything_the_user_created(conn, owner):
    message = refused_delete(conn, "users", owner["user"])
    assert "they created 1 organization(s), 1 brand profile(s)" in message


def test_user_who_created_nothing_can_be_deleted(conn, owner):
    user = make_user(conn)
    assert delete(conn, "users", user) == 1


@pytest.fixture
def templated_request(conn, owner):
    template = make_template(conn, owner["brand"], owner["user"], name="Summer grid")
    request = make_request(
        conn,
        owner["org"],
        owner["brand"],
        owner["user"],
        template=template,
        status="processing",
        title="Summer launch teaser",
    )
    return {**owner, "template": template, "request": request}


def test_template_used_by_an_active_request_cannot_be_deleted(conn, templated_request):
    message = refused_delete(conn, "content_templates", templated_request["template"])

    assert "'Summer grid'" in message
    assert "1 active content request(s) use it: 'Summer launch teaser'" in message
    assert exists(conn, "content_templates", templated_request["template"])


@pytest.mark.parametrize("finished", ["completed", "cancelled", "failed"])
def test_template_of_finished_requests_can_be_deleted(conn, templated_request, finished):
    conn.execute(
        text("update content_requests set status = :status where id = :id"),
        {"status": finished, "id": templated_request["request"]},
    )

    assert delete(conn, "content_templates", templated_request["template"]) == 1

    template_id = scalar(
        conn,
        "select template_id from content_requests where id = :id",
        id=templated_request["request"],
    )
    assert template_id is None


def test_template_in_use_goes_with_its_brand_profile(conn, templated_request):
    assert delete(conn, "brand_profiles", templated_request["brand"]) == 1

    assert not exists(conn, "content_templates", templated_request["template"])
    assert not exists(conn, "content_requests", templated_request["request"])


@pytest.fixture
def referenced_asset(conn, owner):
    request = make_request(conn, owner["org"], owner["brand"], owner["user"])
    asset = make_generated_asset(conn, request, owner["brand"], asset_name="hero shot")
    return {**owner, "request": request, "asset": asset}


@pytest.mark.parametrize(
    ("variants", "analytics"), [(1, 0), (0, 1), (2, 1)], ids=["variant", "analytics", "both"]
)
def test_generated_asset_with_variants_or_analytics_cannot_be_deleted_alone(
    conn, referenced_asset, variants, analytics
):
    asset = referenced_asset["asset"]
    for _ in range(variants):
        make_variant(conn, asset)
    for platform in ["instagram", "tiktok"][:analytics]:
        make_analytics(conn, asset, platform=platform)

    message = refused_delete(conn, "generated_assets", asset)

    assert "generated asset 'hero shot'" in message
    assert f"cannot be deleted: {variants} variant(s) and {analytics} analytics row(s)" in message
    assert exists(conn, "generated_assets", asset)


def test_unreferenced_generated_asset_can_be_deleted(conn, referenced_asset):
    assert delete(conn, "generated_assets", referenced_asset["asset"]) == 1


@pytest.mark.parametrize("parent", ["content_requests", "brand_profiles"])
def test_referenced_generated_asset_goes_with_its_parent(conn, referenced_asset, parent):
    asset = referenced_asset["asset"]
    variant = make_variant(conn, asset)
    analytics = make_analytics(conn, asset)
    parent_id = referenced_asset["request" if parent == "content_requests" else "brand"]

    assert delete(conn, parent, parent_id) == 1

    assert not exists(conn, "generated_assets", asset)
    assert not exists(conn, "asset_variants", variant)
    assert not exists(conn, "content_analytics", analytics)


def test_workflow_with_approvals_cannot_be_deleted(conn, owner):
    workflow = make_workflow(conn, owner["org"], owner["user"])
    request = make_request(conn, owner["org"], owner["brand"], owner["user"])
    make_approval(conn, request, workflow)

    refused_delete(conn, "approval_workflows", workflow)

    assert exists(conn, "approval_workflows", workflow)
    assert delete(conn, "approval_workflows", make_workflow(conn, owner["org"])) == 1
