"""The cascades of docs/SCHEMA.md ("Referential rules"): deleting a parent removes what
lives beneath it."""

from uuid import UUID

from sqlalchemy import Connection, text

from tests.conftest import scalar
from tests.factories import (
    ORG_SCOPED,
    make_activity_log,
    make_analytics,
    make_api_usage,
    make_approval,
    make_background_job,
    make_brand,
    make_brand_asset,
    make_compliance_row,
    make_generated_asset,
    make_membership,
    make_org,
    make_request,
    make_template,
    make_tenant,
    make_user,
    make_variant,
)


def exists(conn: Connection, table: str, row_id: UUID) -> bool:
    # table names come from this module, never from data
    sql = f"select exists (select from {table} where id = :id)"  # noqa: S608
    return bool(scalar(conn, sql, id=row_id))


def delete(conn: Connection, table: str, row_id: UUID) -> int:
    sql = f"delete from {table} where id = :id"  # noqa: S608
    return conn.execute(text(sql), {"id": row_id}).rowcount


def test_deleting_an_organization_removes_everything_beneath_it(conn: Connection):
    doomed = make_tenant(conn)
    kept = make_tenant(conn)

    assert delete(conn, "organizations", doomed["organizations"]) == 1

    gone = [table for table in ORG_SCOPED if exists(conn, table, doomed[table])]
    assert gone == [], f"rows survived their organization's deletion: {gone}"
    survivors = [table for table in ORG_SCOPED if not exists(conn, table, kept[table])]
    assert survivors == [], f"another organization's rows went too: {survivors}"
    # the people stay: only their membership in the deleted organization went
    assert exists(conn, "users", doomed["user"])


def test_deleting_a_brand_profile_removes_its_templates_assets_and_content(conn: Connection):
    user = make_user(conn)
    org = make_org(conn, user)
    brand = make_brand(conn, org, user)
    other_brand = make_brand(conn, org, user)
    template = make_template(conn, brand, user)
    brand_asset = make_brand_asset(conn, brand, user)
    request = make_request(conn, org, brand, user, template=template)
    asset = make_generated_asset(conn, request, brand)
    variant = make_variant(conn, asset)
    analytics = make_analytics(conn, asset)
    compliance = make_compliance_row(conn, brand)
    other_request = make_request(conn, org, other_brand, user)
    other_asset = make_generated_asset(conn, other_request, other_brand)

    assert delete(conn, "brand_profiles", brand) == 1

    for table, row_id in [
        ("content_templates", template),
        ("brand_assets", brand_asset),
        ("content_requests", request),
        ("generated_assets", asset),
        ("asset_variants", variant),
        ("content_analytics", analytics),
        ("brand_compliance_analytics", compliance),
    ]:
        assert not exists(conn, table, row_id), f"{table} row survived its brand profile"
    assert exists(conn, "organizations", org)
    assert exists(conn, "brand_profiles", other_brand)
    assert exists(conn, "content_requests", other_request)
    assert exists(conn, "generated_assets", other_asset)


def test_deleting_a_content_request_removes_its_output_and_keeps_cost_history(conn: Connection):
    user = make_user(conn)
    org = make_org(conn, user)
    brand = make_brand(conn, org, user)
    template = make_template(conn, brand, user)
    request = make_request(conn, org, brand, user, template=template)
    asset = make_generated_asset(conn, request, brand)
    variant = make_variant(conn, asset)
    analytics = make_analytics(conn, asset)
    approval = make_approval(conn, request, approver_id=user)
    usage = make_api_usage(conn, org, user, request)
    job = make_background_job(conn, org, content_request_id=request)

    assert delete(conn, "content_requests", request) == 1

    for table, row_id in [
        ("generated_assets", asset),
        ("asset_variants", variant),
        ("content_analytics", analytics),
        ("content_approvals", approval),
    ]:
        assert not exists(conn, table, row_id), f"{table} row survived its content request"
    assert scalar(conn, "select content_request_id from api_usage where id = :id", id=usage) is None
    assert exists(conn, "api_usage", usage)
    assert (
        scalar(conn, "select content_request_id from background_jobs where id = :id", id=job)
        is None
    )
    assert exists(conn, "content_templates", template)
    assert exists(conn, "brand_profiles", brand)


def test_deleting_a_user_who_created_nothing_removes_memberships_and_activity(conn: Connection):
    creator = make_user(conn)
    org = make_org(conn, creator)
    brand = make_brand(conn, org, creator)
    request = make_request(conn, org, brand, creator)
    member = make_user(conn)
    membership = make_membership(conn, member, org, role="approver")
    log = make_activity_log(conn, member, org)
    usage = make_api_usage(conn, org, member, request)
    approval = make_approval(conn, request, approver_id=member, delegated_to=member)
    job = make_background_job(conn, org, user_id=member)
    creators_membership = make_membership(conn, creator, org)

    assert delete(conn, "users", member) == 1

    assert not exists(conn, "user_organizations", membership)
    assert not exists(conn, "user_activity_logs", log)
    assert scalar(conn, "select user_id from api_usage where id = :id", id=usage) is None
    assert exists(conn, "api_usage", usage)
    row = conn.execute(
        text("select approver_id, delegated_to from content_approvals where id = :id"),
        {"id": approval},
    ).one()
    assert (row.approver_id, row.delegated_to) == (None, None)
    assert scalar(conn, "select user_id from background_jobs where id = :id", id=job) is None
    assert exists(conn, "user_organizations", creators_membership)
