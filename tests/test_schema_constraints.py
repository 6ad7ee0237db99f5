"""Uniqueness and check constraints, each shown refusing a bad row.

The rules: docs/SCHEMA.md, "Closed vocabularies".

Every refusal is paired with an acceptance nearby, so a constraint that refused
everything would fail here too.
"""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.factories import (
    insert,
    make_analytics,
    make_brand,
    make_compliance_row,
    make_daily_summary,
    make_generated_asset,
    make_membership,
    make_org,
    make_request,
    make_setting,
    make_tenant,
    make_user,
    make_workflow,
    unique,
)

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "SCHEMA.md"

UNIQUE_VIOLATION = "23505"
CHECK_VIOLATION = "23514"
FOREIGN_KEY_VIOLATION = "23503"


def refused(conn: Connection, action: Callable[[], object], sqlstate: str) -> str:
    """Run `action` in a savepoint, expect it to fail with `sqlstate`; return the constraint."""
    with pytest.raises(DBAPIError) as failure, conn.begin_nested():
        action()
    assert failure.value.orig.sqlstate == sqlstate, failure.value.orig
    return failure.value.orig.diag.constraint_name


@pytest.fixture
def tenant(conn: Connection) -> dict[str, uuid.UUID]:
    return make_tenant(conn)


# --- uniqueness -------------------------------------------------------------------


@pytest.mark.parametrize("column", ["email", "username"])
@pytest.mark.parametrize("same", [str, str.lower], ids=["exact", "other_case"])
def test_email_and_username_are_unique_case_insensitively(conn, column, same):
    tag = uuid.uuid4().hex[:10]
    first = {"email": f"A{tag}@x.io", "username": f"Ann_{tag}"}
    make_user(conn, **first)
    second = {"email": f"b{tag}@x.io", "username": f"bob_{tag}", column: same(first[column])}

    with pytest.raises(IntegrityError) as failure, conn.begin_nested():
        make_user(conn, **second)
    assert failure.value.orig.sqlstate == UNIQUE_VIOLATION


def test_distinct_emails_and_usernames_are_accepted(conn):
    tag = uuid.uuid4().hex[:10]
    make_user(conn, email=f"a{tag}@x.io", username=f"ann_{tag}")
    make_user(conn, email=f"a{tag}@y.io", username=f"ann_{tag}2")


def test_organization_slug_is_unique(conn):
    slug = unique("acme")
    make_org(conn, None, slug=slug)
    refused(conn, lambda: make_org(conn, None, slug=slug), UNIQUE_VIOLATION)
    make_org(conn, None, slug=slug + "-2")


def test_one_membership_per_user_and_organization(conn, tenant):
    refused(
        conn,
        lambda: make_membership(conn, tenant["user"], tenant["organizations"], role="viewer"),
        UNIQUE_VIOLATION,
    )
    make_membership(conn, tenant["user"], make_org(conn, None))
    make_membership(conn, make_user(conn), tenant["organizations"])


def test_one_brand_and_workflow_name_per_organization(conn, tenant):
    org, user = tenant["organizations"], tenant["user"]
    make_brand(conn, org, user, name="Main")
    refused(conn, lambda: make_brand(conn, org, user, name="Main"), UNIQUE_VIOLATION)
    make_brand(conn, make_org(conn, None), user, name="Main")
    make_workflow(conn, org, user, name="Default")
    refused(conn, lambda: make_workflow(conn, org, user, name="Default"), UNIQUE_VIOLATION)


def test_one_daily_summary_per_organization_date_and_provider(conn, tenant):
    org = tenant["organizations"]
    day = date(2024, 5, 1)
    make_daily_summary(conn, org, usage_date=day, api_provider="freepik")
    refused(
        conn,
        lambda: make_daily_summary(conn, org, usage_date=day, api_provider="freepik"),
        UNIQUE_VIOLATION,
    )
    make_daily_summary(conn, org, usage_date=day, api_provider="openai")
    make_daily_summary(conn, org, usage_date=day + timedelta(days=1), api_provider="freepik")


def test_one_compliance_row_per_brand_and_date(conn, tenant):
    brand = tenant["brand_profiles"]
    day = date(2024, 5, 1)
    make_compliance_row(conn, brand, analysis_date=day)
    refused(conn, lambda: make_compliance_row(conn, brand, analysis_date=day), UNIQUE_VIOLATION)
    make_compliance_row(conn, brand, analysis_date=day + timedelta(days=1))


def test_one_analytics_row_per_asset_platform_date_and_period(conn, tenant):
    asset = tenant["generated_assets"]
    key = {"platform": "tiktok", "performance_date": date(2024, 5, 1)}
    make_analytics(conn, asset, measurement_period="daily", **key)
    refused(
        conn,
        lambda: make_analytics(conn, asset, measurement_period="daily", **key),
        UNIQUE_VIOLATION,
    )
    make_analytics(conn, asset, measurement_period="monthly", **key)
    make_analytics(
        conn,
        asset,
        measurement_period="daily",
        platform="x",
        performance_date=key["performance_date"],
    )


def test_period_rows_are_calendar_periods(conn, tenant):
    """0008: a weekly row is dated on a Monday, a monthly row on the 1st, so two rows of one
    period length never overlap."""
    asset = tenant["generated_assets"]
    monday, wednesday = date(2024, 4, 29), date(2024, 5, 1)
    make_analytics(conn, asset, measurement_period="weekly", platform="x", performance_date=monday)
    make_analytics(
        conn, asset, measurement_period="monthly", platform="x", performance_date=wednesday
    )
    for period, day in (("weekly", wednesday), ("monthly", monday)):
        refused(
            conn,
            lambda period=period, day=day: make_analytics(
                conn, asset, measurement_period=period, platform="tiktok", performance_date=day
            ),
            CHECK_VIOLATION,
        )


def test_one_setting_per_category_and_key(conn):
    category = unique("pricing")
    make_setting(conn, category=category, setting_key="freepik")
    refused(
        conn, lambda: make_setting(conn, category=category, setting_key="freepik"), UNIQUE_VIOLATION
    )
    make_setting(conn, category=category, setting_key="openai")


def test_one_generated_asset_per_request_platform_and_variant(conn, tenant):
    request, brand = tenant["content_requests"], tenant["brand_profiles"]
    make_generated_asset(conn, request, brand, platform="linkedin", variant_type="primary")
    refused(
        conn,
        lambda: make_generated_asset(
            conn, request, brand, platform="linkedin", variant_type="primary"
        ),
        UNIQUE_VIOLATION,
    )
    make_generated_asset(conn, request, brand, platform="linkedin", variant_type="alternate_1")


# --- closed vocabularies ----------------------------------------------------------

VOCABULARY_COLUMNS = [
    "users.role",
    "user_organizations.role",
    "brand_profiles.enforcement_level",
    "brand_assets.asset_type",
    "content_templates.template_type",
    "content_requests.status",
    "generated_assets.asset_type",
    "generated_assets.validation_status",
    "generated_assets.freepik_image_kind",
    "asset_variants.format_type",
    "content_approvals.status",
    "api_usage.method",
    "content_analytics.measurement_period",
    "system_settings.data_type",
    "background_jobs.status",
    "compliance_engagement.group_kind",
    "compliance_engagement.evidence",
    "alert_deliveries.status",
]

# `col in (...)` as pg_get_constraintdef prints it, for varchar and for text columns:
# CHECK (((role)::text = ANY ((ARRAY['admin'::character varying, ...])::text[])))
# CHECK ((role = ANY (ARRAY['admin'::text, ...])))
ANY_ARRAY = re.compile(r"^CHECK \(+(\w+)\)*(?:::[\w ]+)? = ANY \(+ARRAY\[([^\]]*)\]")


def vocabularies_in_database(conn: Connection) -> dict[str, list[str]]:
    """{table.column: allowed values} from every `column in (...)` check constraint."""
    rows = conn.execute(
        text(
            "select c.conrelid::regclass::text as table_name, c.conname,"
            "       pg_get_constraintdef(c.oid) as definition "
            "from pg_constraint c join pg_namespace n on n.oid = c.connamespace "
            "where n.nspname = 'public' and c.contype = 'c' and c.conrelid <> 0"
            # a partition's copy of its table's check (0013) is the table's check
            " and c.coninhcount = 0"
        )
    )
    vocabularies = {}
    for row in rows:
        match = ANY_ARRAY.match(row.definition)
        if match:
            column, values = match.groups()
            vocabularies[f"{row.table_name}.{column}"] = re.findall(r"'([^']*)'::", values)
    return vocabularies


def parse_closed_vocabularies(markdown: str) -> dict[str, list[str]]:
    """{table.column: values} from the tables under a "Closed vocabularies" heading.

    Rows look like `| table.column | value1, value2, ... |`; header and separator
    rows, and anything after the next heading of the same or a higher level, are ignored.
    """
    vocabularies: dict[str, list[str]] = {}
    level = None
    for line in markdown.splitlines():
        heading = re.match(r"^(#+)\s+(.*?)\s*$", line)
        if heading:
            depth = len(heading.group(1))
            if level is not None and depth <= level:
                break
            if level is None and heading.group(2).lower() == "closed vocabularies":
                level = depth
            continue
        if level is None or not line.lstrip().startswith("|"):
            continue
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not re.fullmatch(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*", cells[0]):
            continue
        values = [value.strip().strip("`").strip() for value in cells[1].split(",")]
        if cells[0] in vocabularies:
            raise ValueError(f"{cells[0]} is listed twice")
        vocabularies[cells[0]] = [value for value in values if value]
    if level is None:
        raise ValueError('no "Closed vocabularies" heading')
    return vocabularies


def test_vocabulary_parser_reads_the_documented_format():
    doc = (
        "# Schema\n\n| column | values |\n| --- | --- |\n| a.b | not, this |\n\n"
        "## Closed vocabularies\n\nIntro.\n\n| column | values |\n| --- | --- |\n"
        "| users.role | admin, user, service |\n| `t.c` | `x`, `y` |\n\n"
        "### Notes\n\n## Types\n\n| z.z | after, the, section |\n"
    )
    assert parse_closed_vocabularies(doc) == {
        "users.role": ["admin", "user", "service"],
        "t.c": ["x", "y"],
    }
    with pytest.raises(ValueError):
        parse_closed_vocabularies("# Schema\n| users.role | admin |\n")


def test_vocabulary_pattern_reads_both_spellings():
    varchar = (
        "CHECK (((role)::text = ANY "
        "((ARRAY['a'::character varying, 'b'::character varying])::text[])))"
    )
    plain = "CHECK ((role = ANY (ARRAY['a'::text, 'b'::text])))"
    for definition in [varchar, plain]:
        column, values = ANY_ARRAY.match(definition).groups()
        assert (column, re.findall(r"'([^']*)'::", values)) == ("role", ["a", "b"])


def test_every_closed_vocabulary_column_is_tested(conn):
    assert sorted(vocabularies_in_database(conn)) == sorted(VOCABULARY_COLUMNS)


def test_closed_vocabularies_match_docs_schema_md(conn):
    assert SCHEMA_DOC.exists(), f"{SCHEMA_DOC} documents the closed vocabularies; it is missing"
    documented = parse_closed_vocabularies(SCHEMA_DOC.read_text())
    assert documented == vocabularies_in_database(conn)


@pytest.mark.parametrize("qualified", VOCABULARY_COLUMNS)
def test_vocabulary_column_accepts_each_value_and_rejects_others(conn, tenant, qualified):
    table, column = qualified.split(".")
    allowed = vocabularies_in_database(conn)[qualified]
    assert allowed
    if table == "alert_deliveries":  # not a tenant's: the alert sensors' own bookkeeping
        row_id = conn.execute(
            text(
                "insert into alert_deliveries (sensor_name, subject) "
                "values ('run_failure_alert', gen_random_uuid()::text) returning id"
            )
        ).scalar_one()
    else:
        row_id = {"users": tenant["user"], "system_settings": make_setting(conn)}.get(table)
    row_id = row_id or tenant[table]
    if column == "freepik_image_kind":  # set together with the id it qualifies
        conn.execute(
            text(
                "update generated_assets set freepik_image_id = 'task-1',"
                " freepik_image_kind = 'task' where id = :id"
            ),
            {"id": row_id},
        )
    if column == "measurement_period":  # 2024-01-01, a Monday and the 1st, dates every period
        conn.execute(
            text("update content_analytics set performance_date = '2024-01-01' where id = :id"),
            {"id": row_id},
        )
    # names come from VOCABULARY_COLUMNS, values are bound
    update = text(f"update {table} set {column} = :value where id = :id")  # noqa: S608

    for value in allowed:
        assert conn.execute(update, {"value": value, "id": row_id}).rowcount == 1
    # short enough for every column's length, so the check (not the length) refuses them
    for value in ["bogus", allowed[0].upper() if allowed[0].islower() else "get", ""]:
        name = refused(
            conn, lambda v=value: conn.execute(update, {"value": v, "id": row_id}), CHECK_VIOLATION
        )
        assert name == f"{table}_{column}_check"


# --- ranges, formats and counts ---------------------------------------------------


def set_column(conn, table, row_id, column, value):
    # table and column names come from the parametrize lists below; the value is bound
    sql = f"update {table} set {column} = :value where id = :id"  # noqa: S608
    return conn.execute(text(sql), {"value": value, "id": row_id}).rowcount


RANGES = [
    ("generated_assets", "compliance_score", [101, -0.01], [0, 100, 87.5]),
    ("brand_profiles", "minimum_compliance_score", [-1, 100.01], [0, 100]),
    ("approval_workflows", "minimum_compliance_score", [-1, 101], [0, 100]),
    ("brand_compliance_analytics", "average_compliance_score", [101, -1], [0, 100]),
    ("asset_variants", "quality_score", [1.5, -0.1], [0, 1, 0.93]),
    ("content_templates", "average_engagement_score", [1.01, -0.5], [0, 1]),
    ("content_analytics", "engagement_rate", [1.5, -0.1], [0, 1]),
    ("content_analytics", "click_through_rate", [2, -0.1], [0, 1]),
    ("brand_compliance_analytics", "color_compliance_rate", [1.1, -0.1], [0, 1]),
    ("daily_usage_summaries", "error_rate", [1.01, -0.01], [0, 0.5]),
    ("content_requests", "priority", [0, 6], [1, 5]),
    ("background_jobs", "priority", [0, 6], [1, 5]),
    ("api_usage", "response_status", [99, 600], [100, 599]),
    ("api_usage", "currency", ["usd", "E1R", ""], ["EUR"]),
]


@pytest.mark.parametrize(
    ("table", "column", "bad", "good"), RANGES, ids=[f"{t}.{c}" for t, c, *_ in RANGES]
)
def test_values_outside_their_range_are_refused(conn, tenant, table, column, bad, good):
    for value in good:
        assert set_column(conn, table, tenant[table], column, value) == 1
    for value in bad:
        refused(
            conn, lambda v=value: set_column(conn, table, tenant[table], column, v), CHECK_VIOLATION
        )


COUNTS = [
    ("brand_assets", "usage_count"),
    ("brand_assets", "file_size_bytes"),
    ("content_templates", "usage_count"),
    ("generated_assets", "download_count"),
    ("generated_assets", "usage_count"),
    ("generated_assets", "file_size_bytes"),
    ("asset_variants", "file_size_bytes"),
    ("content_approvals", "step_number"),
    ("api_usage", "response_time_ms"),
    ("api_usage", "tokens_used"),
    ("api_usage", "images_generated"),
    ("api_usage", "cost_per_request"),
    ("daily_usage_summaries", "total_cost"),
    ("daily_usage_summaries", "total_tokens"),
    ("daily_usage_summaries", "total_images_generated"),
    ("daily_usage_summaries", "average_response_time_ms"),
    ("content_analytics", "impressions"),
    ("content_analytics", "views"),
    ("content_analytics", "likes"),
    ("content_analytics", "shares"),
    ("content_analytics", "comments"),
    ("content_analytics", "saves"),
    ("content_analytics", "clicks"),
    ("brand_compliance_analytics", "logo_usage_count"),
    ("user_activity_logs", "duration_seconds"),
    ("background_jobs", "retry_count"),
    ("background_jobs", "max_retries"),
]


@pytest.mark.parametrize(("table", "column"), COUNTS, ids=[f"{t}.{c}" for t, c in COUNTS])
def test_negative_counts_are_refused(conn, tenant, table, column):
    floor = 1 if column == "step_number" else 0
    assert set_column(conn, table, tenant[table], column, floor) == 1
    refused(
        conn, lambda: set_column(conn, table, tenant[table], column, floor - 1), CHECK_VIOLATION
    )


@pytest.mark.parametrize("column", ["primary_color", "secondary_color", "accent_color"])
def test_brand_colours_must_be_hex(conn, tenant, column):
    brand = tenant["brand_profiles"]
    for good in ["#0A3D62", "#ffffff"]:
        assert set_column(conn, "brand_profiles", brand, column, good) == 1
    for bad in ["#12345", "red", "0A3D62", "#0A3D6G", "#FFF", ""]:
        refused(
            conn,
            lambda v=bad: set_column(conn, "brand_profiles", brand, column, v),
            CHECK_VIOLATION,
        )


@pytest.mark.parametrize(
    "palette",
    [
        [{"name": "Ocean"}],
        [{"name": "Ocean", "hex": "red"}],
        [{"hex": "#0A3D62"}, {"hex": "#12345"}],
        ["#0A3D62"],
        {"hex": "#0A3D62"},
    ],
    ids=["no_hex", "named_colour", "one_bad_element", "bare_strings", "not_an_array"],
)
def test_colour_palette_elements_need_a_hex_colour(conn, tenant, palette):
    brand = tenant["brand_profiles"]
    good = [{"name": "Ocean", "hex": "#0A3D62", "role": "primary"}, {"hex": "#F8C291"}]
    assert set_column(conn, "brand_profiles", brand, "color_palette", Jsonb(good)) == 1
    assert set_column(conn, "brand_profiles", brand, "color_palette", Jsonb([])) == 1
    refused(
        conn,
        lambda: set_column(conn, "brand_profiles", brand, "color_palette", Jsonb(palette)),
        CHECK_VIOLATION,
    )


@pytest.mark.parametrize(
    ("table", "started", "completed", "constraint"),
    [
        (
            "content_requests",
            "processing_started_at",
            "processing_completed_at",
            "content_requests_processing_order_check",
        ),
        ("background_jobs", "started_at", "completed_at", "background_jobs_timing_check"),
    ],
)
def test_completion_cannot_precede_start(conn, tenant, table, started, completed, constraint):
    row_id = tenant[table]
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    # names come from the parametrize list; values are bound
    update = text(f"update {table} set {started} = :s, {completed} = :c where id = :id")  # noqa: S608
    for end in [start, start + timedelta(seconds=1)]:
        conn.execute(update, {"s": start, "c": end, "id": row_id})
    name = refused(
        conn,
        lambda: conn.execute(update, {"s": start, "c": start - timedelta(seconds=1), "id": row_id}),
        CHECK_VIOLATION,
    )
    assert name == constraint


def test_summary_successes_and_failures_must_add_up_to_the_total(conn, tenant):
    org = tenant["organizations"]
    day = date(2024, 6, 1)
    make_daily_summary(
        conn, org, usage_date=day, total_requests=3, successful_requests=2, failed_requests=1
    )
    name = refused(
        conn,
        lambda: make_daily_summary(
            conn,
            org,
            usage_date=day + timedelta(days=1),
            total_requests=3,
            successful_requests=2,
            failed_requests=2,
        ),
        CHECK_VIOLATION,
    )
    assert name == "daily_usage_summaries_request_totals_check"


def test_compliance_passes_and_failures_cannot_exceed_the_total(conn, tenant):
    row = tenant["brand_compliance_analytics"]
    update = text(
        "update brand_compliance_analytics set total_assets_generated = :t,"
        " assets_passed_compliance = :p, assets_failed_compliance = :f where id = :id"
    )
    conn.execute(update, {"t": 5, "p": 3, "f": 2, "id": row})
    name = refused(
        conn, lambda: conn.execute(update, {"t": 5, "p": 4, "f": 2, "id": row}), CHECK_VIOLATION
    )
    assert name == "brand_compliance_analytics_totals_check"


# --- tenants stay apart: composite foreign keys -------------------------------------


def test_request_cannot_use_another_organizations_brand(conn, tenant):
    other = make_tenant(conn)
    refused(
        conn,
        lambda: make_request(
            conn, tenant["organizations"], other["brand_profiles"], tenant["user"]
        ),
        FOREIGN_KEY_VIOLATION,
    )


def test_request_cannot_use_another_brands_template(conn, tenant):
    org, user = tenant["organizations"], tenant["user"]
    sibling_brand = make_brand(conn, org, user)
    refused(
        conn,
        lambda: make_request(conn, org, sibling_brand, user, template=tenant["content_templates"]),
        FOREIGN_KEY_VIOLATION,
    )


# child table -> (foreign-key column, the tenant key of its parent)
CHILDREN = {
    "brand_assets": ("brand_profile_id", "brand_profiles"),
    "content_templates": ("brand_profile_id", "brand_profiles"),
    "generated_assets": ("content_request_id", "content_requests"),
    "asset_variants": ("parent_asset_id", "generated_assets"),
    "content_approvals": ("content_request_id", "content_requests"),
    "content_analytics": ("generated_asset_id", "generated_assets"),
    "brand_compliance_analytics": ("brand_profile_id", "brand_profiles"),
}


def minimal_child(child: str, tenant: dict[str, uuid.UUID], n: int) -> dict[str, object]:
    """The columns a `child` row needs besides its parent; `n` keeps unique keys apart."""
    day = date(2024, 7, n)
    return {
        "brand_assets": {"name": f"logo {n}", "asset_type": "logo"},
        "content_templates": {"name": f"grid {n}", "template_type": "post", "platform": "x"},
        "generated_assets": {
            "asset_name": f"a {n}",
            "platform": f"p{n}",
            "brand_profile_id": tenant["brand_profiles"],
        },
        "asset_variants": {"platform": "x", "format_type": "png"},
        "content_approvals": {"step_number": n},
        "content_analytics": {"platform": "x", "performance_date": day},
        "brand_compliance_analytics": {"analysis_date": day},
    }[child]


@pytest.mark.parametrize("child", sorted(CHILDREN))
def test_child_organization_is_filled_from_and_pinned_to_its_parent(conn, tenant, child):
    parent_column, parent = CHILDREN[child]
    filled = insert(
        conn, child, **minimal_child(child, tenant, 1), **{parent_column: tenant[parent]}
    )
    sql = f"select organization_id from {child} where id = :id"  # noqa: S608
    assert conn.execute(text(sql), {"id": filled}).scalar() == tenant["organizations"]

    elsewhere = make_org(conn, None)
    values = {**minimal_child(child, tenant, 2), parent_column: tenant[parent]}
    refused(
        conn,
        lambda: insert(conn, child, **values, organization_id=elsewhere),
        FOREIGN_KEY_VIOLATION,
    )
    # the same row with its parent's organization is fine: the refusal was the mismatch
    insert(conn, child, **values, organization_id=tenant["organizations"])
