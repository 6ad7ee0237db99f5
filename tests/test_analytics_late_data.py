"""Late data: a change to a day whose analytics were already computed (a late api_usage
row, a regenerated and re-scored image, a late metrics export) becomes one
recompute_analytics job per run of consecutive days, naming exactly the affected
assets; the queue runs it, and the days' rows then equal their recomputation."""

import json
import os
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from dagster import DagsterInstance, build_sensor_context
from sqlalchemy import text

from assets.analytics.models import load_models
from assets.analytics.reconcile import reconcile, reconcile_metrics
from assets.background_jobs import late_data_sensor
from assets.background_jobs.late_data import (
    METRICS_ASSETS,
    RecomputeRange,
    late_export_days,
    recompute_ranges,
)
from assets.background_jobs.launch import run_request_for
from assets.background_jobs.queue import claim_jobs
from assets.background_jobs.rules import InvalidJob, validate_job
from core.windows import Window
from resources.sql_files import sql
from socialpipe.cli.analytics import analytics_job

pytest_plugins = ["tests.analytics_world"]

MODELS = {model.name: model for model in load_models()}
D = date(2025, 5, 10)


def test_changed_days_become_one_range_per_run_of_consecutive_days() -> None:
    changes = {
        D: {"daily_usage_summaries"},
        D + timedelta(days=1): {"brand_compliance_analytics", "template_performance"},
        D + timedelta(days=2): {"daily_usage_summaries"},
        D + timedelta(days=7): {"content_analytics"},
        date(2023, 1, 1): {"daily_usage_summaries"},  # before the first partition
    }
    ranges = recompute_ranges(changes, (date(2024, 1, 1), date(2026, 1, 1)))
    assert ranges == [
        RecomputeRange(
            D,
            D + timedelta(days=2),
            ("brand_compliance_analytics", "daily_usage_summaries", "template_performance"),
        ),
        RecomputeRange(D + timedelta(days=7), D + timedelta(days=7), ("content_analytics",)),
    ]
    assert recompute_ranges({}, None) == []


def test_an_export_file_is_late_when_written_after_a_day_it_holds(tmp_path) -> None:
    header = "external_post_id,platform,date,impressions\n"
    late = tmp_path / "late.csv"
    late.write_text(header + f"p1,x,{D},10\np2,x,{D + timedelta(days=3)},10\n")
    on_time = tmp_path / "on-time.csv"
    on_time.write_text(header + f"p3,x,{D + timedelta(days=5)},10\n")
    written = datetime.combine(D + timedelta(days=4), datetime.min.time(), UTC) + timedelta(hours=9)
    for path in (late, on_time):
        os.utime(path, (written.timestamp(), written.timestamp()))
    since, until = written - timedelta(minutes=1), written + timedelta(minutes=1)
    # the day it was written on is not over yet: only earlier days are late
    assert late_export_days(tmp_path, since, until) == {D, D + timedelta(days=3)}
    # files written before the last look are not looked at again
    assert late_export_days(tmp_path, until, until + timedelta(minutes=1)) == set()


def test_a_recompute_job_names_only_analytics_assets() -> None:
    spec = validate_job(
        "recompute_analytics",
        {"start": "2025-05-01", "end": "2025-05-02", "assets": ["daily_usage_summaries"]},
    )
    assert spec.analytics_assets == ("daily_usage_summaries",)
    with pytest.raises(InvalidJob, match="unknown analytics asset"):
        validate_job(
            "recompute_analytics", {"start": "2025-05-01", "end": "2025-05-01", "assets": ["x"]}
        )


def _image_ten_days_back(world) -> dict:
    """A strict brand's scored image created at least ten days before the last day."""
    return (
        world.frame(
            "select a.* from generated_assets a join brand_profiles b on b.id = a.brand_profile_id "
            "where a.organization_id = any(:orgs) and b.enforcement_level = 'strict' "
            "and a.validation_status <> 'pending' and a.created_at < :before "
            "order by a.created_at desc limit 1",
            before=datetime.combine(world.last_day - timedelta(days=9), datetime.min.time(), UTC),
        )
        .iloc[0]
        .to_dict()
    )


def test_late_changes_ten_days_back_are_queued_and_recomputed(
    analytics_world, backfilled, tmp_path, monkeypatch
) -> None:
    world = analytics_world
    image = _image_ten_days_back(world)
    image_day = image["created_at"].astimezone(UTC).date()
    usage_day = world.last_day - timedelta(days=10)
    metrics_day = world.last_day - timedelta(days=11)
    post = world.frame(
        "select * from content_analytics where measurement_period = 'daily' "
        "and performance_date = :day and organization_id = any(:orgs) and impressions > 0 "
        "order by id limit 1",
        day=metrics_day,
    ).iloc[0]
    monkeypatch.setattr(late_data_sensor, "SETTLE", timedelta(0))
    resources = world.resources(tmp_path)
    sensor = late_data_sensor.analytics_late_data_sensor
    # the first look only starts watching
    first = sensor(build_sensor_context(cursor=None, resources=resources))
    since = first.cursor
    assert since and not first.run_requests

    # 1. a call of usage_day recorded now
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "insert into api_usage (organization_id, api_provider, endpoint, "
                "request_timestamp, response_status, response_time_ms, cost_per_request, "
                "images_generated) values (:org, 'freepik', '/v1/ai/mystic', :at, 200, 5000, "
                "0.25, 1)"
            ),
            {
                "org": world.orgs[0],
                "at": datetime.combine(usage_day, datetime.min.time(), UTC) + timedelta(hours=8),
            },
        )
        # 2. the image regenerated (what generation runs) and scored again (what compliance runs)
        regenerated = conn.execute(
            sql("generation/upsert_generated_asset"),
            {
                "id": uuid.uuid4(),
                "content_request_id": image["content_request_id"],
                "brand_profile_id": image["brand_profile_id"],
                "asset_name": image["asset_name"],
                "platform": image["platform"],
                "variant_type": image["variant_type"],
                "file_path": image["file_path"],
                "file_url": image["file_url"],
                "file_size_bytes": image["file_size_bytes"],
                "dimensions": json.dumps(image["dimensions"]),
                "freepik_image_id": image["freepik_image_id"],
                "freepik_image_kind": image["freepik_image_kind"],
                "generation_parameters": json.dumps(image["generation_parameters"]),
            },
        ).one()
        assert regenerated.id == image["id"]
        details = image["compliance_details"]
        details["rules"] = [
            {**rule, "passed": False} if rule["rule"] == "text_contrast" else rule
            for rule in details["rules"]
        ]
        conn.execute(
            sql("compliance/save_verdict"),
            {
                "id": image["id"],
                "file_path": image["file_path"],
                "compliance_score": 61.5,
                "compliance_details": json.dumps(details),
                "validation_status": "rejected",
            },
        )
    # 3. a late export of metrics_day with other figures
    late = tmp_path / "late.csv"
    late.write_text(
        "external_post_id,platform,date,impressions,likes,clicks\n"
        f"{post.external_post_id},{post.platform},{metrics_day},{post.impressions + 1000},"
        f"{post.likes + 50},{post.clicks + 5}\n"
    )
    # stamped with this process's clock: the kernel stamps files with its own, which a
    # shifted test clock (make test-dates) does not move
    written = time.time()
    os.utime(late, (written, written))

    stored = world.frame(
        "select created_at, regenerated_at from generated_assets where id = :id", id=image["id"]
    )
    # a regeneration never moves the image to another day
    assert stored["created_at"].iloc[0] == image["created_at"]
    assert stored["regenerated_at"].iloc[0] is not None

    # the next look: one job per run of consecutive days, naming only what changed
    second = sensor(build_sensor_context(cursor=since, resources=resources))
    assert second.cursor > since
    with world.engine.begin() as conn:
        claimed, rejected = claim_jobs(conn, limit=10)
    assert not rejected
    expected = {
        (usage_day, usage_day): ("daily_usage_summaries",),
        (image_day, image_day): ("brand_compliance_analytics", "template_performance"),
        (metrics_day, metrics_day): tuple(sorted(METRICS_ASSETS)),
    }
    if metrics_day + timedelta(days=1) == usage_day:  # consecutive days share one job
        expected = {
            (metrics_day, usage_day): tuple(sorted({*METRICS_ASSETS, "daily_usage_summaries"})),
            (image_day, image_day): expected[(image_day, image_day)],
        }
    assert {
        (job.spec.first_day, job.spec.last_day): job.spec.analytics_assets for job in claimed
    } == expected

    # run what the queue sensor launches for each job
    job_def = analytics_job(resources)
    for job in claimed:
        request = run_request_for(job)
        result = job_def.execute_in_process(
            tags=request.tags,
            asset_selection=request.asset_selection,
            instance=DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
        assert result.success
        assert all(e.passed for e in result.get_asset_check_evaluations())

    # the days' rows now equal their recomputation from the changed raw rows
    with world.engine.connect() as conn:
        for name, day in (
            ("daily_usage_summaries", usage_day),
            ("brand_compliance_analytics", image_day),
            ("content_analytics_weekly", metrics_day),
            ("content_analytics_monthly", metrics_day),
            ("template_performance", None),
        ):
            model = MODELS[name]
            window = Window.days(day, day) if day else None
            assert reconcile(conn, model, window, model.not_null).success, name
        window = Window.days(metrics_day, metrics_day)
        batch = resources["metrics_source"].read(window)
        assert reconcile_metrics(conn, batch, window).success
    daily = world.frame("select impressions from content_analytics where id = :id", id=post.id)
    assert daily["impressions"].iloc[0] == post.impressions + 1000
    compliance = world.frame(
        "select assets_failed_compliance, common_violations from brand_compliance_analytics "
        "where brand_profile_id = :brand and analysis_date = :day",
        brand=image["brand_profile_id"],
        day=image_day,
    ).iloc[0]
    assert compliance["assets_failed_compliance"] >= 1
    assert {"rule": "text_contrast", "count": 1} in compliance["common_violations"]
    # and nothing is left to queue: the recompute itself is not late data
    third = sensor(build_sensor_context(cursor=second.cursor, resources=resources))
    with world.engine.begin() as conn:
        assert claim_jobs(conn, limit=10) == ([], [])
    assert third.cursor >= second.cursor
