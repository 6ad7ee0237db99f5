"""The index strategy (docs/SCHEMA.md, "Indexes"): the main queries use their indexes, per EXPLAIN.

A few thousand content requests across several organizations are loaded and
analyzed in one transaction for the module, then rolled back.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from tests.factories import ORG_SCOPED, make_brand, make_org, make_user

ORGANIZATIONS = 5
REQUESTS_PER_ORGANIZATION = 1000
RARE_WORD = "aurora"  # in 1 of 500 titles


@pytest.fixture(scope="module")
def loaded(engine: Engine) -> Iterator[tuple[Connection, list]]:
    with engine.connect() as conn:
        transaction = conn.begin()
        user = make_user(conn)
        organizations = []
        for _ in range(ORGANIZATIONS):
            org = make_org(conn, user)
            brand = make_brand(conn, org, user)
            organizations.append(org)
            conn.execute(
                text(
                    "insert into content_requests (organization_id, brand_profile_id,"
                    "  requested_by, title, description, content_brief, status, priority,"
                    "  due_date, created_at) "
                    "select :org, :brand, :user,"
                    "  'Request ' || i || case when i % 500 = 0 then ' ' || :rare else '' end,"
                    "  'A product visual for the spring campaign',"
                    "  'Bright, friendly, on-brand imagery for social feeds',"
                    "  case when i % 10 = 0 then 'submitted' else 'completed' end,"
                    "  1 + i % 5,"
                    "  case when i % 3 = 0 then null"
                    "       else now() + make_interval(days => i % 30) end,"
                    "  now() - make_interval(mins => i) "
                    "from generate_series(1, :n) as i"
                ),
                {
                    "org": org,
                    "brand": brand,
                    "user": user,
                    "rare": RARE_WORD,
                    "n": REQUESTS_PER_ORGANIZATION,
                },
            )
        # what (auto)vacuum does for a live table: GIN keeps fresh entries in a pending
        # list that the planner rightly prices high; VACUUM cannot run in a transaction
        conn.execute(text("select gin_clean_pending_list('content_requests_search_idx')"))
        conn.execute(text("analyze content_requests"))
        yield conn, organizations
        transaction.rollback()


def plan(conn: Connection, sql: str, **params: Any) -> dict:
    # the statement is a constant of this module; its values are bound
    explained = conn.execute(text(f"explain (format json) {sql}"), params).scalar_one()
    return explained[0]["Plan"]


def nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def indexes_used(node: dict) -> set[str]:
    return {n["Index Name"] for n in nodes(node) if "Index Name" in n}


def scan_types(node: dict) -> set[str]:
    return {n["Node Type"] for n in nodes(node)}


def test_the_load_is_what_the_plans_are_judged_on(loaded):
    conn, organizations = loaded
    total = conn.execute(text("select count(*) from content_requests")).scalar_one()
    assert total >= ORGANIZATIONS * REQUESTS_PER_ORGANIZATION
    assert len(organizations) == ORGANIZATIONS


def test_full_text_search_uses_the_gin_index(loaded):
    conn, _ = loaded
    sql = (
        "select id, title from content_requests "
        "where search_vector @@ websearch_to_tsquery('english', :q)"
    )
    found = conn.execute(text(sql), {"q": RARE_WORD}).all()
    assert len(found) == ORGANIZATIONS * REQUESTS_PER_ORGANIZATION // 500

    explained = plan(conn, sql, q=RARE_WORD)

    assert "content_requests_search_idx" in indexes_used(explained), explained
    assert "Seq Scan" not in scan_types(explained)


def test_organization_listing_uses_the_org_created_index(loaded):
    conn, organizations = loaded
    sql = (
        "select id, title, status from content_requests "
        "where organization_id = :org order by created_at desc limit 20"
    )

    explained = plan(conn, sql, org=organizations[2])

    assert "content_requests_org_created_idx" in indexes_used(explained), explained
    assert "Sort" not in scan_types(explained), "the index should deliver the order"


def test_sensor_queue_uses_the_partial_queue_index(loaded):
    conn, _ = loaded
    sql = (
        "select id, organization_id from content_requests where status = 'submitted' "
        "order by priority desc, due_date asc nulls last, created_at limit 50"
    )

    explained = plan(conn, sql)

    assert "content_requests_submitted_queue_idx" in indexes_used(explained), explained
    assert "Sort" not in scan_types(explained), "the index should deliver the order"
    rows = conn.execute(text(sql)).all()
    assert len(rows) == 50


# --- the catalog: which indexes exist ------------------------------------------------

INDEXES = text(
    "select t.relname as table_name, i.relname as index_name, am.amname as method,"
    "  (select a.attname from pg_attribute a"
    "   where a.attrelid = t.oid and a.attnum = x.indkey[0]) as first_column,"
    "  pg_get_indexdef(x.indexrelid) as definition,"
    "  x.indexprs is not null as has_expressions "
    "from pg_index x"
    "  join pg_class i on i.oid = x.indexrelid"
    "  join pg_class t on t.oid = x.indrelid"
    "  join pg_namespace n on n.oid = t.relnamespace"
    "  join pg_am am on am.oid = i.relam "
    "where n.nspname = 'public'"
)


@pytest.fixture(scope="module")
def catalog(engine: Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(INDEXES).all()


def leading(catalog: list, table: str, column: str, method: str | None = None) -> list[str]:
    return [
        row.index_name
        for row in catalog
        if row.table_name == table
        and row.first_column == column
        and (method is None or row.method == method)
    ]


@pytest.mark.parametrize("table", ORG_SCOPED)
def test_every_org_scoped_table_has_an_index_led_by_organization_id(catalog, table):
    column = "id" if table == "organizations" else "organization_id"
    assert leading(catalog, table, column), f"no index on {table} starts with {column}"


@pytest.mark.parametrize(
    ("table", "column"),
    [("user_activity_logs", "user_id"), ("api_usage", "user_id"), ("background_jobs", "user_id")],
)
def test_activity_tables_are_indexed_by_user(catalog, table, column):
    assert leading(catalog, table, column)


@pytest.mark.parametrize("table", ["brand_compliance_analytics", "generated_assets"])
def test_compliance_tables_are_indexed_by_brand_profile(catalog, table):
    assert leading(catalog, table, "brand_profile_id")


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("api_usage", "request_timestamp"),
        ("user_activity_logs", "created_at"),
        ("daily_usage_summaries", "usage_date"),
        ("content_analytics", "performance_date"),
        ("brand_compliance_analytics", "analysis_date"),
        ("generated_assets", "created_at"),
    ],
)
def test_time_series_tables_have_a_time_index(catalog, table, column):
    assert leading(catalog, table, column), f"no index on {table} starts with {column}"


@pytest.mark.parametrize(
    ("table", "column"), [("api_usage", "request_timestamp"), ("user_activity_logs", "created_at")]
)
def test_append_only_time_series_use_brin(catalog, table, column):
    assert leading(catalog, table, column, method="brin")


def test_full_text_index_is_gin_over_the_search_vector(catalog):
    assert leading(catalog, "content_requests", "search_vector", method="gin") == [
        "content_requests_search_idx"
    ]


JSON_KEY = re.compile(r"\((\w+) ->> '(\w+)'::text\)")


def test_json_keys_the_pipeline_filters_by_have_expression_indexes(catalog):
    indexed = {
        (row.table_name, *key)
        for row in catalog
        if row.has_expressions
        for key in JSON_KEY.findall(row.definition)
    }
    assert {
        ("content_templates", "format_specifications", "placement"),
        ("api_usage", "request_parameters", "model"),
        ("background_jobs", "parameters", "dagster_run_id"),
        ("organizations", "settings", "image_provider"),
    } <= indexed


@pytest.mark.parametrize(
    ("statement", "index"),
    [
        ("requests/claim_submitted_requests", "content_requests_submitted_queue_idx"),
        ("requests/reclaim_stale_requests", "content_requests_unclaimed_queued_idx"),
    ],
)
def test_the_sensors_claims_read_their_partial_indexes(loaded, statement, index):
    """The claim statements as the sensor runs them: each reads its partial index, never
    the whole request table (before issue 18 one statement did both and scanned it)."""
    from resources.sql_files import sql

    conn, _ = loaded
    params = {"batch_size": 100, "requeue_after_minutes": 60, "run_id": "plan"}
    explained = conn.execute(
        text(f"explain (format json) {sql(statement).text}"), params
    ).scalar_one()[0]["Plan"]

    assert index in indexes_used(explained), explained
    scanned = {n.get("Relation Name") for n in nodes(explained) if n["Node Type"] == "Seq Scan"}
    assert "content_requests" not in scanned, explained
