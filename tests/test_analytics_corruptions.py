"""Each way issue 13 found an analytics number meaning something other than its name,
written into the stored table on purpose: the table's blocking reconciliation check
(a second, plain recomputation from the raw rows) catches it and names the column,
and re-running the day puts it right. Every test restores what it changed.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from assets.analytics.models import load_models
from assets.analytics.reconcile import Reconciliation, reconcile, reconcile_metrics
from assets.analytics.window_checks import reconcile_in_database
from core.windows import Window
from resources.metrics_source import MetricsSourceResource
from socialpipe.cli.analytics import check_days

pytest_plugins = ["tests.analytics_world"]

MODELS = {model.name: model for model in load_models()}


def _reconcile(world, name: str, first: date, last: date | None = None) -> Reconciliation:
    """The check's reconciliation (compared in the database), which must give exactly
    what the plain Python comparison of every row gives."""
    model = MODELS[name]
    window = Window.days(first, last or first) if model.partitioned else None
    with world.engine.connect() as conn:
        in_database = reconcile_in_database(conn, model, window, model.not_null)
        in_python = reconcile(conn, model, window, model.not_null)
    assert in_database == in_python
    return in_database


def _columns(result: Reconciliation) -> set[str]:
    return {difference.column for difference in result.differences}


def _execute(world, statement: str, **params) -> int:
    with world.engine.begin() as conn:
        return conn.execute(text(statement), params).rowcount


@contextmanager
def _restored(world, day: date, *assets: str) -> Iterator[None]:
    """Whatever the test does to ``day``, re-running its assets puts it right after."""
    try:
        yield
    finally:
        report = world.run(day, assets=list(assets))
        assert report.success and not report.failed_checks, report.failed_checks


def _busiest_day(world, table: str, column: str) -> date:
    # names are the tests' own constants
    return world.frame(
        f"select {column} as day from {table} where organization_id = any(:orgs) "  # noqa: S608
        f"group by {column} order by count(*) desc, {column} limit 1"
    )["day"].iloc[0]


# --- content_analytics: weekly rows were a trailing 7-day window for every day -------


def test_weekly_rows_that_are_not_calendar_weeks_are_refused_or_caught(
    analytics_world, backfilled
) -> None:
    row = analytics_world.frame(
        "select id, generated_asset_id, organization_id, platform, performance_date, "
        "impressions from content_analytics where measurement_period = 'weekly' "
        "and organization_id = any(:orgs) and impressions > 0 order by performance_date limit 1"
    ).iloc[0]
    monday = row.performance_date
    assert monday.weekday() == 0
    # a rolling row ending on a Wednesday is refused by the database itself
    with pytest.raises(Exception, match="content_analytics_calendar_period_check"):
        _execute(
            analytics_world,
            "insert into content_analytics (generated_asset_id, organization_id, platform, "
            "performance_date, measurement_period) "
            "values (:asset, :org, :platform, :day, 'weekly')",
            asset=row.generated_asset_id,
            org=row.organization_id,
            platform=row.platform,
            day=monday + timedelta(days=2),
        )
    # a week holding a trailing window's figures instead of its own seven days
    trailing = analytics_world.frame(
        "select impressions from content_analytics_trailing_7_days where generated_asset_id = "
        ":asset and platform = :platform and window_end = :day",
        asset=row.generated_asset_id,
        platform=row.platform,
        day=monday + timedelta(days=9),
    )
    wrong = int(trailing["impressions"].iloc[0]) if len(trailing) else 7 * row.impressions
    wrong = wrong if wrong != row.impressions else row.impressions * 7
    with _restored(analytics_world, monday, "content_analytics_weekly"):
        _execute(
            analytics_world,
            "update content_analytics set impressions = :wrong where id = :id",
            wrong=wrong,
            id=row.id,
        )
        caught = _reconcile(analytics_world, "content_analytics_weekly", monday)
        assert not caught.success
        assert "impressions" in _columns(caught) and "engagement_rate" not in caught.nulls
        assert "| impressions |" in caught.markdown(MODELS["content_analytics_weekly"].unique_key)


def test_a_monthly_row_that_is_not_the_sum_of_its_days_is_caught(
    analytics_world, backfilled
) -> None:
    row = analytics_world.frame(
        "select id, performance_date, clicks from content_analytics "
        "where measurement_period = 'monthly' and organization_id = any(:orgs) "
        "and impressions > clicks order by performance_date limit 1"
    ).iloc[0]
    first_of_month = row.performance_date
    with _restored(analytics_world, first_of_month, "content_analytics_monthly"):
        _execute(
            analytics_world,
            "update content_analytics set clicks = clicks + 1 where id = :id",
            id=row.id,
        )
        caught = _reconcile(
            analytics_world, "content_analytics_monthly", first_of_month + timedelta(days=3)
        )
        assert _columns(caught) == {"clicks"}


def test_a_daily_row_that_disagrees_with_its_export_is_caught(
    analytics_world, backfilled, tmp_path
) -> None:
    day = analytics_world.last_day - timedelta(days=4)
    row = analytics_world.frame(
        "select id, platform, external_post_id, impressions, views, likes, shares, comments, "
        "saves, clicks from content_analytics where measurement_period = 'daily' "
        "and performance_date = :day and organization_id = any(:orgs) and impressions > 0 "
        "order by id limit 1",
        day=day,
    ).iloc[0]
    (tmp_path / "late.csv").write_text(
        "external_post_id,platform,date,impressions,views,likes,shares,comments,saves,clicks\n"
        f"{row.external_post_id},{row.platform},{day},{row.impressions},{row.views},"
        f"{row.likes},{row.shares},{row.comments},{row.saves},{row.clicks}\n"
    )
    window = Window.days(day, day)
    batch = MetricsSourceResource(folder=str(tmp_path)).read(window)

    def check() -> Reconciliation:
        with analytics_world.engine.connect() as conn:
            return reconcile_metrics(conn, batch, window)

    assert check().success
    try:
        _execute(
            analytics_world,
            "update content_analytics set clicks = clicks + 1, click_through_rate = null "
            "where id = :id",
            id=row.id,
        )
        assert _columns(check()) == {"clicks", "click_through_rate"}
    finally:
        _execute(
            analytics_world,
            "update content_analytics set clicks = :clicks, "
            "click_through_rate = click_through_rate(:clicks, impressions) where id = :id",
            clicks=int(row.clicks),
            id=row.id,
        )
    assert check().success


# --- daily_usage_summaries: total_cost added EUR to USD ------------------------------


def test_a_mixed_currency_day_keeps_each_currency_apart(analytics_world, backfilled) -> None:
    day = analytics_world.last_day - timedelta(days=12)
    org = analytics_world.orgs[0]
    key = {"org": org, "day": day}

    def summaries() -> dict[str, Decimal]:
        frame = analytics_world.frame(
            "select currency, total_cost from daily_usage_summaries where organization_id = :org "
            "and usage_date = :day and api_provider = 'freepik'",
            **key,
        )
        return dict(zip(frame["currency"], frame["total_cost"], strict=True))

    before = summaries()
    assert set(before) == {"USD"}
    at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)
    _execute(
        analytics_world,
        "insert into api_usage (organization_id, api_provider, endpoint, request_timestamp, "
        "response_status, response_time_ms, cost_per_request, currency, images_generated) "
        "values (:org, 'freepik', '/v1/ai/mystic', :at, 200, 900, 100, 'EUR', 1)",
        org=org,
        at=at,
    )
    try:
        report = analytics_world.run(day, assets=["daily_usage_summaries"])
        assert report.success and not report.failed_checks
        # an EUR row of 100 is never +100 "USD"
        assert summaries() == {"USD": before["USD"], "EUR": Decimal("100.000000")}
        # the old meaning: EUR added into the USD row, no EUR row
        _execute(
            analytics_world,
            "update daily_usage_summaries set total_cost = total_cost + 100, "
            "total_requests = total_requests + 1, successful_requests = successful_requests + 1 "
            "where organization_id = :org and usage_date = :day and api_provider = 'freepik' "
            "and currency = 'USD'",
            **key,
        )
        _execute(
            analytics_world,
            "delete from daily_usage_summaries where organization_id = :org and usage_date = :day "
            "and currency = 'EUR'",
            **key,
        )
        caught = _reconcile(analytics_world, "daily_usage_summaries", day)
        assert {"total_cost", "total_requests", "(row)"} <= _columns(caught)
        missing = next(d for d in caught.differences if d.column == "(row)")
        assert missing.key[3] == "EUR" and missing.stored == "absent"
    finally:
        _execute(
            analytics_world,
            "delete from api_usage where organization_id = :org and currency = 'EUR' "
            "and request_timestamp = :at",
            org=org,
            at=at,
        )
        analytics_world.run(day, assets=["daily_usage_summaries"])
    assert summaries() == before


@pytest.mark.parametrize("column", ["error_rate", "average_response_time_ms"])
def test_a_null_rate_or_latency_is_caught(analytics_world, backfilled, column) -> None:
    day = _busiest_day(analytics_world, "daily_usage_summaries", "usage_date")
    with _restored(analytics_world, day, "daily_usage_summaries"):
        # the column names are the test's own parameters
        _execute(
            analytics_world,
            f"update daily_usage_summaries set {column} = null "  # noqa: S608
            "where usage_date = :day and organization_id = any(:orgs)",
            day=day,
            orgs=list(analytics_world.orgs),
        )
        caught = _reconcile(analytics_world, "daily_usage_summaries", day)
        assert not caught.success
        assert column in _columns(caught)
        if column == "error_rate":  # never null: named as such, not only as a difference
            assert caught.nulls == {"error_rate": len(caught.differences)}


# --- brand_compliance_analytics: a lenient brand showed 100 % pass -------------------


def _lumen_image(world) -> dict:
    return (
        world.frame(
            "select a.id, a.created_at, a.validation_status, a.compliance_details, "
            "a.compliance_score from generated_assets a join brand_profiles b "
            "on b.id = a.brand_profile_id where b.enforcement_level = 'lenient' "
            "and a.organization_id = any(:orgs) and a.validation_status = 'passed' "
            "order by a.created_at limit 1"
        )
        .iloc[0]
        .to_dict()
    )


def test_a_lenient_brands_failures_count_as_failed(analytics_world, backfilled) -> None:
    image = _lumen_image(analytics_world)
    day = image["created_at"].astimezone(UTC).date()
    details = image["compliance_details"]
    failing = {
        **details,
        "rules": [
            {**rule, "passed": False} if rule["rule"] == "palette_adherence" else rule
            for rule in details["rules"]
        ],
    }

    def row() -> dict:
        return (
            analytics_world.frame(
                "select c.* from brand_compliance_analytics c join generated_assets a "
                "on a.brand_profile_id = c.brand_profile_id where a.id = :id "
                "and c.analysis_date = :day",
                id=image["id"],
                day=day,
            )
            .iloc[0]
            .to_dict()
        )

    before = row()
    try:
        # what lenient enforcement makes of a failed rule: passed_with_warnings
        _execute(
            analytics_world,
            "update generated_assets set validation_status = 'passed_with_warnings', "
            "compliance_details = cast(:details as jsonb) where id = :id",
            details=json.dumps(failing),
            id=image["id"],
        )
        report = analytics_world.run(day, assets=["brand_compliance_analytics"])
        assert report.success and not report.failed_checks
        now = row()
        assert now["assets_passed_compliance"] == before["assets_passed_compliance"] - 1
        assert now["assets_failed_compliance"] == before["assets_failed_compliance"] + 1
        assert {"rule": "palette_adherence", "count": 1} in now["common_violations"]
        assert now["color_compliance_rate"] < before["color_compliance_rate"]
        # the old meaning: passed_with_warnings counted as passed
        _execute(
            analytics_world,
            "update brand_compliance_analytics set assets_passed_compliance = "
            "assets_passed_compliance + 1, assets_failed_compliance = assets_failed_compliance - 1 "
            "where brand_profile_id = :brand and analysis_date = :day",
            brand=now["brand_profile_id"],
            day=day,
        )
        caught = _reconcile(analytics_world, "brand_compliance_analytics", day)
        assert _columns(caught) == {"assets_passed_compliance", "assets_failed_compliance"}
    finally:
        _execute(
            analytics_world,
            "update generated_assets set validation_status = :status, "
            "compliance_details = cast(:details as jsonb) where id = :id",
            status=image["validation_status"],
            details=json.dumps(details),
            id=image["id"],
        )
        analytics_world.run(day, assets=["brand_compliance_analytics"])
    assert row() == before


@pytest.mark.parametrize(
    ("column", "change"),
    [
        ("logo_usage_count", "logo_usage_count = 0"),
        ("color_compliance_rate", "color_compliance_rate = 0.5"),
        ("common_violations", """common_violations = '[{"rule": "fonts", "count": 1}]'"""),
        ("average_compliance_score", "average_compliance_score = average_compliance_score - 1"),
        ("total_assets_generated", "total_assets_generated = total_assets_generated + 1"),
    ],
)
def test_a_wrong_compliance_figure_is_caught(analytics_world, backfilled, column, change):
    day = _busiest_day(analytics_world, "brand_compliance_analytics", "analysis_date")
    with _restored(analytics_world, day, "brand_compliance_analytics"):
        # the changes are the test's own constants
        _execute(
            analytics_world,
            f"update brand_compliance_analytics set {change} "  # noqa: S608
            "where analysis_date = :day and organization_id = any(:orgs)",
            day=day,
            orgs=list(analytics_world.orgs),
        )
        assert _columns(_reconcile(analytics_world, "brand_compliance_analytics", day)) == {column}


def test_an_image_moved_to_another_day_is_caught_on_both_days(analytics_world, backfilled):
    """What regenerating did before: created_at overwritten, the image moved days, and
    the old day's stored row still counted it."""
    image = _lumen_image(analytics_world)
    old_day = image["created_at"].astimezone(UTC).date()
    new_day = old_day + timedelta(days=2)
    try:
        _execute(
            analytics_world,
            "update generated_assets set created_at = created_at + interval '2 days' "
            "where id = :id",
            id=image["id"],
        )
        caught = _reconcile(analytics_world, "brand_compliance_analytics", old_day, new_day)
        assert not caught.success
        assert "total_assets_generated" in _columns(caught) or "(row)" in _columns(caught)
    finally:
        _execute(
            analytics_world,
            "update generated_assets set created_at = :at where id = :id",
            at=image["created_at"],
            id=image["id"],
        )
    assert _reconcile(analytics_world, "brand_compliance_analytics", old_day, new_day).success


# --- template_performance: a mean of rates, images counted as uses -------------------


def test_an_unweighted_engagement_mean_is_caught(analytics_world, backfilled) -> None:
    means = analytics_world.frame(
        "with per_image as (select a.generation_parameters ->> 'template_id' as template, "
        "sum(m.likes + m.shares + m.comments + m.saves)::numeric / sum(m.impressions) as rate "
        "from generated_assets a join content_analytics m on m.generated_asset_id = a.id "
        "and m.measurement_period = 'daily' where a.organization_id = any(:orgs) "
        "group by a.id having sum(m.impressions) > 0) "
        "select template, round(avg(rate), 6) as mean from per_image group by template "
        "having count(*) > 1"
    )
    stored = analytics_world.frame(
        "select id::text as template, average_engagement_score from content_templates "
        "where organization_id = any(:orgs)"
    )
    merged = means.merge(stored, on="template")
    merged = merged[merged["mean"] != merged["average_engagement_score"]]
    assert len(merged), "no template where the mean of rates differs from the pooled rate"
    template, mean = merged.iloc[0]["template"], merged.iloc[0]["mean"]
    last = analytics_world.last_day
    with _restored(analytics_world, last, "template_performance"):
        _execute(
            analytics_world,
            "update content_templates set average_engagement_score = :mean where id = :id",
            mean=mean,
            id=template,
        )
        caught = _reconcile(analytics_world, "template_performance", last)
        assert _columns(caught) == {"average_engagement_score"}


def test_images_counted_as_uses_are_caught(analytics_world, backfilled) -> None:
    templates = analytics_world.frame(
        "select id, usage_count, images_rendered, click_through_rate from content_templates "
        "where organization_id = any(:orgs) and usage_count <> images_rendered "
        "and click_through_rate is not null order by id limit 1"
    )
    assert len(templates), "no template whose requests and images differ"
    template = templates.iloc[0]
    last = analytics_world.last_day
    with _restored(analytics_world, last, "template_performance"):
        _execute(
            analytics_world,
            "update content_templates set usage_count = images_rendered, "
            "click_through_rate = null where id = :id",
            id=template["id"],
        )
        caught = _reconcile(analytics_world, "template_performance", last)
        assert _columns(caught) == {"usage_count", "click_through_rate"}


# --- checks-only runs over a partition range ------------------------------------------


def test_a_checks_only_run_over_a_range_catches_a_corrupted_week(analytics_world, backfilled):
    last = analytics_world.last_day - timedelta(days=20)
    first = last - timedelta(days=13)
    resources = analytics_world.resources()
    clean = check_days(first, last, resources=resources)
    assert clean.success and not clean.failed_checks and len(clean.checks) == 14
    assert clean.assets == {}  # nothing materialized
    row = analytics_world.frame(
        "select id, performance_date from content_analytics where measurement_period = 'weekly' "
        "and performance_date between :first and :last and organization_id = any(:orgs) "
        "order by id limit 1",
        first=first,
        last=last,
    ).iloc[0]
    with _restored(analytics_world, row.performance_date, "content_analytics_weekly"):
        _execute(
            analytics_world,
            "update content_analytics set likes = likes + 1 where id = :id",
            id=row.id,
        )
        report = check_days(first, last, resources=resources)
        assert [(c["asset"], c["check"]) for c in report.failed_checks] == [
            ("content_analytics_weekly", "reconciles_with_content_analytics")
        ]
        assert "likes" in report.failed_checks[0]["description"]
