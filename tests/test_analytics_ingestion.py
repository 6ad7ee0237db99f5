"""Platform metrics ingestion: export files parsed row by row, malformed rows counted and
skipped while the rest load, rows matched to generated images, rates computed with
0 impressions giving null, and the demo's export loading without changing anything."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from resources.metrics_exports import read_exports

pytest_plugins = ["tests.analytics_world"]

HEADER = (
    "external_post_id,platform,date,impressions,views,likes,shares,comments,saves,clicks,"
    "published_at"
)
DAY = date(2025, 1, 10)


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _read(folder: Path, first: date = DAY, last: date = DAY):
    return read_exports(folder, first, last + timedelta(days=1))


def test_csv_and_json_lines_rows_parse(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "a.csv",
        [HEADER, "ig_1,Instagram,2025-01-10,1000,600,40,5,3,2,10,2025-01-09T18:00:00Z"],
    )
    _write(
        tmp_path,
        "b.jsonl",
        [
            json.dumps(
                {
                    "external_post_id": "tt_1",
                    "platform": "tiktok",
                    "date": "2025-01-10",
                    "impressions": 2000,
                    "likes": 80.0,
                    "views": "",
                    "clicks": "12",
                }
            )
        ],
    )
    batch = _read(tmp_path)
    assert batch.files == ["a.csv", "b.jsonl"] and not batch.malformed
    rows = {row.external_post_id: row for row in batch.rows}
    assert rows["ig_1"].platform == "instagram"  # normalized
    assert rows["ig_1"].published_at == datetime(2025, 1, 9, 18, tzinfo=UTC)
    assert rows["ig_1"].interactions == 50
    # counts a platform does not report are 0; published_at may be missing
    assert (rows["tt_1"].views, rows["tt_1"].saves, rows["tt_1"].likes) == (0, 0, 80)
    assert rows["tt_1"].published_at is None
    assert rows["tt_1"].source == "b.jsonl:1"


def test_malformed_rows_are_counted_with_their_reason_and_the_rest_load(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "export.csv",
        [
            HEADER,
            "ok_1,x,2025-01-10,500,0,10,0,0,0,5,",
            "bad_date,x,10/01/2025,500,0,10,0,0,0,5,",
            "bad_count,x,2025-01-10,lots,0,10,0,0,0,5,",
            "negative,x,2025-01-10,500,0,-3,0,0,0,5,",
            ",x,2025-01-10,500,0,10,0,0,0,5,",
            "too_many,x,2025-01-10,10,0,8,2,1,0,0,",
            "clicks,x,2025-01-10,10,0,0,0,0,0,11,",
            "no_impressions,x,2025-01-10,0,0,0,0,0,0,0,",
            "platform,X Corp,2025-01-10,5,0,0,0,0,0,0,",
            "extra,x,2025-01-10,5,0,0,0,0,0,0,,surplus",
            "other_day,x,2025-01-11,oops,0,0,0,0,0,0,",
        ],
    )
    _write(
        tmp_path,
        "export.jsonl",
        [
            "{not json",
            "[1, 2]",
            '{"external_post_id": "ok_2", "platform": "x", "date": "2025-01-10", "impressions": 7}',
        ],
    )
    batch = _read(tmp_path)
    assert sorted(row.external_post_id for row in batch.rows) == ["no_impressions", "ok_1", "ok_2"]
    reasons = {m.source: m.reason for m in batch.malformed}
    assert reasons == {
        "export.csv:3": "date '10/01/2025' is not YYYY-MM-DD",
        "export.csv:4": "impressions 'lots' is not a whole number",
        "export.csv:5": "likes '-3' is negative",
        "export.csv:6": "external_post_id is missing",
        "export.csv:7": "11 likes+shares+comments+saves exceed 10 impressions",
        "export.csv:8": "11 clicks exceed 10 impressions",
        "export.csv:10": "platform 'X Corp' is not a platform name",
        "export.csv:11": "more fields than the header has columns",
        "export.jsonl:1": reasons["export.jsonl:1"],
        "export.jsonl:2": "a line must be a JSON object",
    }
    assert reasons["export.jsonl:1"].startswith("not JSON")  # a row of another day is not ours


def test_a_file_without_a_required_column_reports_every_row(tmp_path: Path) -> None:
    _write(tmp_path, "no_date.csv", ["external_post_id,platform,impressions", "p,x,5", "q,x,6"])
    batch = _read(tmp_path)
    assert not batch.rows
    assert [m.reason for m in batch.malformed] == ["the file has no column date"] * 2


def test_the_last_row_read_for_a_post_and_day_wins(tmp_path: Path) -> None:
    _write(tmp_path, "1-monday.csv", [HEADER, "p,x,2025-01-10,100,0,1,0,0,0,1,"])
    _write(tmp_path, "2-tuesday.csv", [HEADER, "p,x,2025-01-10,120,0,2,0,0,0,1,"])
    batch = _read(tmp_path)
    assert [(r.impressions, r.likes) for r in batch.rows] == [(120, 2)]
    assert batch.superseded == 1


def _content_rows(world, day: date):
    return world.frame(
        "select generated_asset_id, platform, impressions, likes, clicks, engagement_rate, "
        "click_through_rate, external_post_id from content_analytics "
        "where performance_date = :day and measurement_period = 'daily' order by external_post_id",
        day=day,
    )


def test_ingestion_matches_posts_and_reports_what_it_skipped(analytics_world, tmp_path) -> None:
    day = analytics_world.first_day - timedelta(days=15)  # before the demo's metrics
    known = analytics_world.frame(
        "select distinct on (external_post_id) external_post_id, platform, generated_asset_id "
        "from content_analytics where measurement_period = 'daily' order by external_post_id"
    ).iloc[0]
    unmeasured = analytics_world.frame(
        "select id, platform from generated_assets where organization_id = any(:orgs) "
        "and id not in (select generated_asset_id from content_analytics) order by id limit 1"
    ).iloc[0]
    header = HEADER + ",generated_asset_id"
    _write(
        tmp_path,
        "export.csv",
        [
            header,
            # a post measured before: matched by its post id
            f"{known.external_post_id},{known.platform},{day},2000,900,60,8,4,3,30,,",
            # a new post: the publishing tool wrote our image id beside it; no impressions yet
            f"new_post,{unmeasured.platform},{day},0,0,0,0,0,0,0,,{unmeasured.id}",
            # nobody knows this post
            f"stranger,{known.platform},{day},10,0,1,0,0,0,0,,",
            # malformed: skipped, counted, listed
            f"broken,{known.platform},{day},-1,0,0,0,0,0,0,,",
            f"broken2,{known.platform},{day},5,0,9,0,0,0,0,,",
        ],
    )
    try:
        report = analytics_world.run(day, assets=["content_analytics"], metrics_dir=tmp_path)
        assert report.success and not report.failed_checks
        metadata = report.assets["content_analytics"]
        assert metadata["rows_read"] == 5
        assert metadata["rows_malformed"] == 2
        assert metadata["rows_unmatched"] == 1
        assert metadata["rows_inserted"] == 2
        rows = _content_rows(analytics_world, day).set_index("external_post_id")
        assert str(rows.loc[known.external_post_id, "generated_asset_id"]) == str(
            known.generated_asset_id
        )
        assert rows.loc[known.external_post_id, "engagement_rate"] == Decimal("0.037500")
        assert rows.loc[known.external_post_id, "click_through_rate"] == Decimal("0.015000")
        assert str(rows.loc["new_post", "generated_asset_id"]) == str(unmeasured.id)
        # 0 impressions: null rates, not a division error
        assert rows.loc["new_post", "engagement_rate"] is None
        assert rows.loc["new_post", "click_through_rate"] is None

        again = analytics_world.run(day, assets=["content_analytics"], metrics_dir=tmp_path)
        assert again.assets["content_analytics"]["rows_unchanged"] == 2
        assert again.assets["content_analytics"]["rows_inserted"] == 0
    finally:
        with analytics_world.engine.begin() as conn:
            conn.execute(
                text("delete from content_analytics where performance_date = :day"), {"day": day}
            )


def test_the_demo_export_loads_and_changes_nothing(
    analytics_world, backfilled, tmp_path, monkeypatch
) -> None:
    """`socialpipe analytics demo`: export the demo's metrics, backfill its 90 days."""
    from socialpipe.cli.analytics import backfill_demo

    monkeypatch.setenv("DATABASE_URL", analytics_world.url)
    monkeypatch.setenv("SOCIALPIPE_METRICS_DIR", str(tmp_path))
    daily = analytics_world.frame(
        "select count(*) as n from content_analytics where organization_id = any(:orgs) "
        "and measurement_period = 'daily' and performance_date between :first and :last",
        first=analytics_world.first_day,
        last=analytics_world.last_day,
    )["n"][0]
    report = backfill_demo()
    assert sorted(path.suffix for path in tmp_path.iterdir()) == [".csv", ".jsonl"]
    assert (report.first_day, report.last_day) == (
        analytics_world.first_day,
        analytics_world.last_day,
    )
    assert report.success and not report.failed_checks
    metadata = report.assets["content_analytics"]
    assert metadata["rows_unchanged"] == daily > 0
    assert metadata["rows_inserted"] == metadata["rows_updated"] == 0
    assert metadata["rows_malformed"] == metadata["rows_unmatched"] == 0
    # everything was materialized already: the whole backfill rewrites nothing
    for name in ("daily_usage_summaries", "brand_compliance_analytics", "content_analytics_weekly"):
        assert report.assets[name]["rows_written"] == report.assets[name]["rows_deleted"] == 0
