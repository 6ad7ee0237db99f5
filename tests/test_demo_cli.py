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
            status = (check["executionForLatestMaterialization"] or {}).get("status")
            assert status == "SUCCEEDED", f"{name}.{check['name']}: {status}"
    assert sum(1 for node in nodes.values() if node["isPartitioned"]) >= 4
