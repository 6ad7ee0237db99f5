"""`socialpipe demo` (what `make demo` runs), end to end on an empty database, twice.

The slowest test of the suite (about a minute: it generates, scores and renders every
submitted demo request), because it is the product's front door: the first run must
end with the summary and a gallery that opens from disk, and the second must find
nothing left to do.
"""

import re
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.webserver import running_webserver


def _row(output: str, label: str) -> str:
    match = re.search(rf"│ {re.escape(label)}\s*│ (.*?)\s*│", output)
    assert match, f"no summary row {label!r} in:\n{output}"
    return match.group(1)


def test_the_first_run_makes_everything_and_prints_the_summary(demo_runs) -> None:
    env, _, first, _ = demo_runs
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        submitted = conn.execute(
            text("select count(*) from content_requests where status = 'submitted'")
        ).scalar()
        statuses = dict(
            conn.execute(text("select status, count(*) from content_requests group by status"))
            .tuples()
            .all()
        )
        verdicts = dict(
            conn.execute(
                text("select validation_status, count(*) from generated_assets group by 1")
            )
            .tuples()
            .all()
        )
        variants = conn.execute(text("select count(*) from asset_variants")).scalar()
        approvals = dict(
            conn.execute(text("select status, count(*) from content_approvals group by 1"))
            .tuples()
            .all()
        )
        mirrored = conn.execute(
            text("select count(*) from background_jobs where dagster_run_id is not null")
        ).scalar()
    engine.dispose()

    assert submitted == 0 and "pending" not in verdicts
    # some requests are approved on the spot, others wait for named approvers
    assert approvals.get("auto_approved", 0) >= 1 and approvals.get("pending", 0) >= 1
    assert statuses.get("awaiting_approval", 0) >= 1
    assert mirrored >= 3  # every run the demo made: generation batches, processing, analytics

    assert _row(first, "variants").startswith(f"{variants:,} ")
    passing = verdicts.get("passed", 0) + verdicts.get("passed_with_warnings", 0)
    assert f"({passing} of {sum(verdicts.values())})" in _row(first, "compliance pass rate")
    assert f"awaiting_approval {statuses['awaiting_approval']}" in first
    assert "provider cost of this run" in first
    assert re.search(r"made by this run\s*│ [1-9][\d,]* master images, [1-9]", first)


def test_the_gallery_is_on_disk_with_a_page_per_request(demo_runs) -> None:
    env, data, first, _ = demo_runs
    (uri,) = re.findall(r"^gallery: (file://\S+)$", first, flags=re.MULTILINE)
    index = Path(uri.removeprefix("file://"))
    assert index == data / "gallery" / "index.html" and index.is_file()
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        requests = conn.execute(text("select count(*) from content_requests")).scalar()
    engine.dispose()
    pages = list((index.parent / "requests").glob("*.html"))
    assert len(pages) == requests
    html = index.read_text()
    for page in pages:
        assert f"requests/{page.name}" in html


def test_the_gallery_shows_a_repaired_image_with_its_attempts(demo_runs) -> None:
    """The demo's holiday request asks for off-brand colours: its images are repaired."""
    env, data, _, _ = demo_runs
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        repaired = conn.execute(
            text(
                "select content_request_id, "
                "jsonb_array_length(generation_parameters -> 'repair' -> 'attempts') as attempts "
                "from generated_assets "
                "where jsonb_array_length(generation_parameters -> 'repair' -> 'attempts') > 1"
            )
        ).all()
    engine.dispose()
    assert repaired
    pages = data / "gallery" / "requests"
    for request_id, attempts in repaired:
        html = (pages / f"{request_id}.html").read_text()
        assert f"Repair attempts ({attempts - 1})" in html
        assert html.count('src="data:image/webp;base64,') >= attempts


def test_a_second_run_finds_nothing_to_make(demo_runs) -> None:
    _, _, first, second = demo_runs
    assert "generating" not in second  # nothing was submitted any more
    assert re.search(r"made by this run\s*│ 0 master images, 0 variants", second)
    assert _row(second, "variants") == _row(first, "variants")
    assert "gallery: file://" in second


RUNS_AND_ASSETS = """
{
  runsOrError { ... on Runs { results { runId jobName status } } }
  assetNodes {
    assetKey { path }
    isPartitioned
    partitionStats { numMaterialized numFailed }
    assetMaterializations(limit: 1) { runId metadataEntries { label } }
    assetChecksOrError {
      ... on AssetChecks { checks { name executionForLatestMaterialization { status } } }
    }
  }
}
"""


def test_the_ui_shows_the_demos_runs_assets_partitions_and_checks(demo_runs) -> None:
    """What `make dev` shows after `make demo`: the same instance, read through the
    webserver's GraphQL as the UI reads it."""
    env, data, first, _ = demo_runs
    home = data / "dagster_home"  # the default under SOCIALPIPE_DATA_DIR: no DAGSTER_HOME set
    assert f"DAGSTER_HOME={home}" in first
    with running_webserver(env={"DATABASE_URL": env["DATABASE_URL"]}, home=home) as server:
        shown = server.graphql(RUNS_AND_ASSETS)

    runs = shown["runsOrError"]["results"]
    jobs = {run["jobName"] for run in runs}
    assert {"input_audit", "content_generation", "content_processing", "analytics_daily"} <= jobs
    assert {run["status"] for run in runs} == {"SUCCESS"}
    run_ids = {run["runId"] for run in runs}

    nodes = {"/".join(node["assetKey"]["path"]): node for node in shown["assetNodes"]}
    # made by others, observed here
    sources = {"organizations", "api_usage", "platform_metrics", "system_settings"}
    for name, node in nodes.items():
        if name in sources:
            continue
        (latest,) = node["assetMaterializations"] or [None]
        assert latest, f"{name} never materialized"
        assert latest["runId"] in run_ids and latest["metadataEntries"], name
        if node["isPartitioned"]:
            # the demo backfills 90 days in one run: every one of them is green
            assert node["partitionStats"] == {"numMaterialized": 90, "numFailed": 0}, name
        checks = node["assetChecksOrError"].get("checks") or []
        for check in checks:
            if check["name"] == "freshness_check":
                continue  # evaluated by the freshness sensor, not by a materialization
            status = (check["executionForLatestMaterialization"] or {}).get("status")
            assert status == "SUCCEEDED", f"{name}.{check['name']}: {status}"
    assert sum(1 for node in nodes.values() if node["isPartitioned"]) >= 4


SERIES = """
{
  assetNodes {
    assetKey { path }
    assetMaterializations(limit: 200) {
      runId
      partition
      metadataEntries {
        label
        __typename
        ... on IntMetadataEntry { intValue }
        ... on FloatMetadataEntry { floatValue }
        ... on TextMetadataEntry { text }
        ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
        ... on TableMetadataEntry { table { schema { columns { name type } } records } }
      }
    }
  }
}
"""
# assets backed by a table, and the analytics among them (both demo runs write those)
TABLE_BACKED = {
    "brand_profiles": "brand_profiles",
    "brand_assets": "brand_assets",
    "content_templates": "content_templates",
    "content_requests": "content_requests",
    "generated_assets": "generated_assets",
    "asset_compliance": "generated_assets",
    "asset_variants": "asset_variants",
    "content_approvals": "content_approvals",
    "content_analytics": "content_analytics",
    "daily_usage_summaries": "daily_usage_summaries",
    "brand_compliance_analytics": "brand_compliance_analytics",
    "content_analytics_weekly": "content_analytics",
    "content_analytics_monthly": "content_analytics",
    "template_performance": "content_templates",
}
ANALYTICS = [name for name in TABLE_BACKED if list(TABLE_BACKED).index(name) >= 8]


def test_the_ui_shows_catalog_metadata_and_numeric_series(demo_runs) -> None:
    """Column schemas and row counts on every table-backed asset, and numbers the UI
    plots (ints and floats, not text) on two consecutive materializations."""
    env, data, _, _ = demo_runs
    with running_webserver(
        env={"DATABASE_URL": env["DATABASE_URL"]}, home=data / "dagster_home"
    ) as server:
        shown = server.graphql(SERIES)["assetNodes"]
    nodes = {"/".join(n["assetKey"]["path"]): n["assetMaterializations"] for n in shown}
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        columns = {
            table: conn.execute(
                text(
                    "select column_name from information_schema.columns where table_schema = "
                    "'public' and table_name = :t order by ordinal_position"
                ),
                {"t": table},
            ).scalars().all()
            for table in set(TABLE_BACKED.values())
        }
    engine.dispose()

    for name, table in TABLE_BACKED.items():
        latest = {e["label"]: e for e in nodes[name][0]["metadataEntries"]}
        assert latest["dagster/table_name"]["text"] == f"public.{table}", name
        schema = latest["dagster/column_schema"]["schema"]["columns"]
        assert [c["name"] for c in schema] == columns[table], name
        assert sum(bool(c["description"]) for c in schema) >= len(schema) * 3 // 4, name
        assert latest["dagster/row_count"]["__typename"] == "IntMetadataEntry", name
        assert latest["dagster/row_count"]["intValue"] > 0, name

    numbers = {
        "rows_written": "IntMetadataEntry",
        "rows_updated": "IntMetadataEntry",
        "rows_deleted": "IntMetadataEntry",
        "seconds": "FloatMetadataEntry",  # time in SQL
        "dagster/row_count": "IntMetadataEntry",
    }
    for name in [*ANALYTICS, "generated_assets"]:
        # the same partition (or the whole asset) in two runs: the demo ran twice, and
        # generated in batches
        latest = nodes[name][0]
        first, second = [m for m in nodes[name] if m["partition"] == latest["partition"]][:2]
        assert first["runId"] != second["runId"], name
        expected = {
            "generated_assets": {
                "images": "IntMetadataEntry",
                "provider_calls": "IntMetadataEntry",
                "cost_usd": "FloatMetadataEntry",
                "dagster/row_count": "IntMetadataEntry",
            },
            # loaded from files: rows read, inserted and updated
            "content_analytics": {
                "rows_read": "IntMetadataEntry",
                "rows_inserted": "IntMetadataEntry",
                "rows_updated": "IntMetadataEntry",
                "seconds": "FloatMetadataEntry",
                "dagster/row_count": "IntMetadataEntry",
            },
        }.get(name, numbers)
        for materialization in (first, second):
            entries = {e["label"]: e["__typename"] for e in materialization["metadataEntries"]}
            assert {k: entries.get(k) for k in expected} == expected, name
    preview = {e["label"]: e for e in nodes["daily_usage_summaries"][0]["metadataEntries"]}
    table = preview["preview"]["table"]
    assert preview["preview"]["__typename"] == "TableMetadataEntry"
    assert {"usage_date", "total_cost"} <= {c["name"] for c in table["schema"]["columns"]}
