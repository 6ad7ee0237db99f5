"""Daily analytics over the demo's 90 days: a single-run backfill equals a recomputation
in pandas, column for column, for every table (daily, weekly and monthly content rows,
usage per currency, compliance counts, template performance); re-running the range
changes nothing; a late row appears after re-running its day only; a day without data
writes nothing and fails nothing.
"""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from sqlalchemy import text

pytest_plugins = ["tests.analytics_world"]

USAGE_KEY = ["organization_id", "usage_date", "api_provider", "currency"]
COMPLIANCE_KEY = ["brand_profile_id", "analysis_date"]
PERIOD_KEY = ["generated_asset_id", "platform", "performance_date"]


def _round(value: Decimal, places: str) -> Decimal:
    """PostgreSQL's round(numeric): half away from zero (Python's round() is half-even)."""
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _stored(world, table: str, key: list[str], where: str = "") -> pd.DataFrame:
    frame = world.frame(
        # table names are the tests' own constants
        f"select * from {table} where organization_id = any(:orgs) {where}"  # noqa: S608
    )
    frame = frame.drop(columns=["id", "created_at"])
    return _normalized(frame, key)


def _normalized(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if column.endswith("_id"):
            frame[column] = frame[column].astype(str)
    return frame.sort_values(key).reset_index(drop=True)


def _assert_same(stored: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert sorted(stored.columns) == sorted(expected.columns)
    assert len(stored) == len(expected) > 0
    for column in expected.columns:
        assert stored[column].tolist() == expected[column].tolist(), column


# --- pandas recomputations, written from the definitions, not from the SQL models ----


def expected_usage(world) -> pd.DataFrame:
    # cost in millionths (numeric(12, 6)) so that pandas sums it exactly, as integers
    calls = world.copy_frame(
        "select organization_id, api_provider, floor(extract(epoch from request_timestamp)) "
        "as epoch_seconds, response_status, response_time_ms, "
        "(cost_per_request * 1000000)::bigint as cost_micros, currency, tokens_used, "
        "images_generated from api_usage"
    )
    calls["usage_date"] = [
        date(1970, 1, 1) + timedelta(days=int(days)) for days in calls["epoch_seconds"] // 86400
    ]
    calls = calls[
        calls["organization_id"].isin([str(org) for org in world.orgs])
        & calls["usage_date"].between(world.first_day, world.last_day)
    ]
    calls["succeeded"] = calls["response_status"].between(200, 299).fillna(False).astype(int)
    grouped = calls.groupby(USAGE_KEY).agg(
        total_requests=("succeeded", "size"),
        successful_requests=("succeeded", "sum"),
        cost_micros=("cost_micros", "sum"),
        total_tokens=("tokens_used", "sum"),
        total_images_generated=("images_generated", "sum"),
        latency_sum=("response_time_ms", "sum"),
        latency_count=("response_time_ms", "count"),
    )
    rows = []
    for (org, day, provider, currency), group in grouped.iterrows():
        total, succeeded = int(group.total_requests), int(group.successful_requests)
        rows.append(
            {
                "organization_id": org,
                "usage_date": day,
                "api_provider": provider,
                "currency": currency,
                "total_requests": total,
                "successful_requests": succeeded,
                "failed_requests": total - succeeded,
                "total_cost": Decimal(int(group.cost_micros)) / 1_000_000,
                "total_tokens": int(group.total_tokens),
                "total_images_generated": int(group.total_images_generated),
                # no call of the group with a latency: no average (null), not 0
                "average_response_time_ms": int(
                    _round(Decimal(int(group.latency_sum)) / int(group.latency_count), "1")
                )
                if group.latency_count
                else None,
                "error_rate": _round(Decimal(total - succeeded) / total, "0.0001"),
            }
        )
    return _normalized(pd.DataFrame(rows), USAGE_KEY)


def asset_compliance(details: dict) -> tuple[bool, bool, list[str]]:
    """(logo found, palette rule passed, failed rules) of one compliance_details."""
    rules = details.get("rules") or []
    if isinstance(rules, dict):
        rules = [{"rule": name, **rule} for name, rule in rules.items() if isinstance(rule, dict)]
    rules = [r for r in rules if isinstance(r, dict)]
    logo = False
    for rule in rules:
        if rule.get("rule") in ("logo", "logo_present"):
            checks = rule.get("checks")
            if checks is None:
                logo = logo or rule.get("passed") is True
            else:
                logo = logo or any(
                    c.get("check") == "present" and c.get("passed") is True for c in checks
                )
    palette = [r.get("passed") for r in rules if r.get("rule") == "palette_adherence"]
    palette_passed = True in palette and False not in palette
    failed = [r["rule"] for r in rules if r.get("passed") is False]
    return logo, palette_passed, failed


def expected_compliance(world, first_day: date | None = None, last_day: date | None = None):
    first_day, last_day = first_day or world.first_day, last_day or world.last_day
    assets = world.frame(
        "select brand_profile_id, organization_id, created_at, validation_status, "
        "compliance_score, compliance_details from generated_assets "
        "where organization_id = any(:orgs)"
    )
    assets["analysis_date"] = assets["created_at"].dt.tz_convert("UTC").dt.date
    assets = assets[assets["analysis_date"].between(first_day, last_day)]
    rows = []
    keys = ["brand_profile_id", "organization_id", "analysis_date"]
    for (brand, org, day), group in assets.groupby(keys):
        scored = group[group["validation_status"] != "pending"]
        verdicts = [asset_compliance(details) for details in scored["compliance_details"]]
        counted: dict[str, int] = {}
        for details in group["compliance_details"]:
            for name in asset_compliance(details)[2]:
                counted[name] = counted.get(name, 0) + 1
        ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
        scores = [Decimal(str(s)) for s in group["compliance_score"].dropna()]
        rows.append(
            {
                "brand_profile_id": brand,
                "organization_id": org,
                "analysis_date": day,
                "total_assets_generated": len(group),
                "assets_passed_compliance": int((group["validation_status"] == "passed").sum()),
                "assets_failed_compliance": int(
                    group["validation_status"]
                    .isin(["passed_with_warnings", "needs_review", "rejected"])
                    .sum()
                ),
                "average_compliance_score": _round(sum(scores) / len(scores), "0.01")
                if scores
                else None,
                "logo_usage_count": sum(logo for logo, _, _ in verdicts),
                "color_compliance_rate": _round(
                    Decimal(sum(palette for _, palette, _ in verdicts)) / len(verdicts), "0.0001"
                )
                if verdicts
                else None,
                "common_violations": [{"rule": n, "count": c} for n, c in ranked],
            }
        )
    return _normalized(pd.DataFrame(rows), COMPLIANCE_KEY)


def _rate(numerator: int, impressions: int) -> Decimal | None:
    return _round(Decimal(numerator) / impressions, "0.000001") if impressions else None


COUNTS = ["impressions", "views", "likes", "shares", "comments", "saves", "clicks"]


def _period_start(day: date, period: str) -> date:
    if period == "weekly":
        return day - timedelta(days=day.weekday())  # the ISO week's Monday
    return day.replace(day=1)


def expected_periods(world, period: str) -> pd.DataFrame:
    """Calendar weeks (Monday..Sunday) or months, each the sum of its daily rows."""
    daily = world.frame(
        "select * from content_analytics where organization_id = any(:orgs) "
        "and measurement_period = 'daily'"
    )
    daily["period_start"] = [_period_start(day, period) for day in daily["performance_date"]]
    rows = []
    for (asset, org, platform, start), group in daily.groupby(
        ["generated_asset_id", "organization_id", "platform", "period_start"]
    ):
        sums = {name: int(group[name].sum()) for name in COUNTS}
        interactions = sums["likes"] + sums["shares"] + sums["comments"] + sums["saves"]
        rows.append(
            {
                "generated_asset_id": asset,
                "organization_id": org,
                "platform": platform,
                **sums,
                "engagement_rate": _rate(interactions, sums["impressions"]),
                "click_through_rate": _rate(sums["clicks"], sums["impressions"]),
                "performance_date": start,
                "measurement_period": period,
                "external_post_id": group["external_post_id"].max(),
                "published_at": group["published_at"].max(),
            }
        )
    return _normalized(pd.DataFrame(rows), PERIOD_KEY)


def expected_templates(world) -> pd.DataFrame:
    templates = world.frame("select id from content_templates where organization_id = any(:orgs)")
    assets = world.frame(
        "select a.id, a.content_request_id, a.generation_parameters ->> 'template_id' as rendered, "
        "r.template_id from generated_assets a join content_requests r "
        "on r.id = a.content_request_id where a.organization_id = any(:orgs)"
    )
    assets["template"] = assets["rendered"].fillna(assets["template_id"].astype(str))
    requests = world.frame(
        "select id, template_id from content_requests where organization_id = any(:orgs)"
    )
    daily = world.frame(
        "select generated_asset_id, impressions, likes + shares + comments + saves as engaged, "
        "clicks from content_analytics where organization_id = any(:orgs) "
        "and measurement_period = 'daily'"
    )
    daily["generated_asset_id"] = daily["generated_asset_id"].astype(str)
    rows = []
    for template in templates["id"].astype(str):
        used = assets[assets["template"] == template]
        request_ids = {str(r) for r in used["content_request_id"]} | {
            str(r) for r in requests[requests["template_id"].astype(str) == template]["id"]
        }
        metrics = daily[daily["generated_asset_id"].isin({str(a) for a in used["id"]})]
        impressions = int(metrics["impressions"].sum())
        rows.append(
            {
                "id": template,
                "usage_count": len(request_ids),
                "images_rendered": len(used),
                # pooled: all interactions over all impressions, not a mean of rates
                "average_engagement_score": _rate(int(metrics["engaged"].sum()), impressions)
                if len(metrics)
                else None,
                "click_through_rate": _rate(int(metrics["clicks"].sum()), impressions)
                if len(metrics)
                else None,
            }
        )
    return pd.DataFrame(rows).sort_values("id").reset_index(drop=True)


# --- the tests ----------------------------------------------------------------------


def test_a_90_day_backfill_runs_once_and_passes_every_check(analytics_world, backfilled) -> None:
    first_day, last_day = analytics_world.first_day, analytics_world.last_day
    assert backfilled.success
    assert not backfilled.failed_checks, backfilled.failed_checks
    names = {(c["asset"], c["check"]) for c in backfilled.checks}
    assert len(names) == 14
    for asset, source in (
        ("content_analytics", "platform_metrics"),
        ("daily_usage_summaries", "api_usage"),
        ("brand_compliance_analytics", "generated_assets"),
        ("content_analytics_weekly", "content_analytics"),
        ("content_analytics_monthly", "content_analytics"),
        ("template_performance", "generated_assets"),
    ):
        assert (asset, f"reconciles_with_{source}") in names
        assert (asset, "gx_expectations") in names
    usage = backfilled.assets["daily_usage_summaries"]
    # one run, one window: every partition's materialization reports the whole range
    assert usage["partitions"] == 90
    assert usage["window"] == f"{first_day} .. {last_day} (90 days)"
    assert usage["rows_inserted"] == usage["rows_now"] > 0


def test_usage_summaries_equal_a_pandas_recomputation(analytics_world, backfilled) -> None:
    stored = _stored(analytics_world, "daily_usage_summaries", USAGE_KEY)
    _assert_same(stored, expected_usage(analytics_world))


def test_brand_compliance_equals_a_pandas_recomputation(analytics_world, backfilled) -> None:
    stored = _stored(analytics_world, "brand_compliance_analytics", COMPLIANCE_KEY)
    _assert_same(stored, expected_compliance(analytics_world))


@pytest.mark.parametrize("period", ["weekly", "monthly"])
def test_period_rows_equal_a_pandas_recomputation(analytics_world, backfilled, period) -> None:
    # the table's own names, bound
    where = f"and measurement_period = '{period}'"
    stored = _stored(analytics_world, "content_analytics", PERIOD_KEY, where)
    _assert_same(stored, expected_periods(analytics_world, period))


def test_period_rows_add_up_to_the_daily_rows(analytics_world, backfilled) -> None:
    """Summing a month's weekly rows of the weeks inside it, or its monthly row, gives its
    daily impressions; no two weekly rows overlap (the old rolling rows summed to ~7x)."""
    totals = analytics_world.frame(
        "select measurement_period, sum(impressions) as impressions from content_analytics "
        "where organization_id = any(:orgs) group by measurement_period"
    ).set_index("measurement_period")["impressions"]
    assert totals["daily"] > 0
    assert totals["weekly"] == totals["monthly"] == totals["daily"]
    overlaps = analytics_world.frame(
        "select count(*) as n from content_analytics a join content_analytics b "
        "on a.generated_asset_id = b.generated_asset_id and a.platform = b.platform "
        "and a.measurement_period = b.measurement_period and a.id <> b.id "
        "and a.measurement_period in ('weekly', 'monthly') "
        "and daterange(a.performance_date, a.performance_date + case a.measurement_period "
        "when 'weekly' then 7 else 28 end) && daterange(b.performance_date, b.performance_date "
        "+ case b.measurement_period when 'weekly' then 7 else 28 end) "
        "where a.organization_id = any(:orgs)"
    )
    assert overlaps["n"].iloc[0] == 0


def test_template_performance_equals_a_pandas_recomputation(analytics_world, backfilled) -> None:
    stored = analytics_world.frame(
        "select id, usage_count, images_rendered, average_engagement_score, click_through_rate "
        "from content_templates where organization_id = any(:orgs)"
    )
    stored["id"] = stored["id"].astype(str)
    stored = stored.sort_values("id").reset_index(drop=True)
    expected = expected_templates(analytics_world)
    assert stored["usage_count"].sum() > 0
    _assert_same(stored, expected)


def _snapshot(world) -> dict[str, list]:
    """Every analytics row of the demo tenants, ids and timestamps included."""
    snapshot = {}
    for table in ("daily_usage_summaries", "brand_compliance_analytics", "content_analytics"):
        snapshot[table] = world.frame(
            f"select * from {table} where organization_id = any(:orgs) order by id"  # noqa: S608
        ).to_dict("records")
    snapshot["content_templates"] = world.frame(
        "select id, usage_count, images_rendered, average_engagement_score, click_through_rate, "
        "updated_at from content_templates where organization_id = any(:orgs) order by id"
    ).to_dict("records")
    return snapshot


MODELS_BY_DAY = (
    "daily_usage_summaries",
    "brand_compliance_analytics",
    "content_analytics_weekly",
    "content_analytics_monthly",
    "compliance_engagement",
)


def test_re_running_the_range_changes_nothing(analytics_world, backfilled) -> None:
    # brought up to date first: tests that ran before may have added late rows to the
    # shared world (a late row is the next test's subject, not this one's)
    assert analytics_world.run(analytics_world.first_day, analytics_world.last_day).success
    before = _snapshot(analytics_world)
    report = analytics_world.run(analytics_world.first_day, analytics_world.last_day)
    assert report.success and not report.failed_checks
    for name in MODELS_BY_DAY:
        metadata = report.assets[name]
        assert (metadata["rows_inserted"], metadata["rows_updated"], metadata["rows_deleted"]) == (
            0,
            0,
            0,
        )
        assert metadata["rows_unchanged"] == metadata["rows_now"]
    assert report.assets["daily_usage_summaries"]["rows_now"] > 0
    assert report.assets["template_performance"]["rows_written"] == 0
    # not a row rewritten: same ids, same created_at, same everything
    assert _snapshot(analytics_world) == before


def test_a_late_usage_row_appears_after_re_running_its_day_only(analytics_world, backfilled):
    day = analytics_world.last_day - timedelta(days=20)
    org = analytics_world.orgs[0]
    before = _stored(analytics_world, "daily_usage_summaries", USAGE_KEY)
    # a call of that day recorded late (the row stays: api_usage and summaries agree after)
    with analytics_world.engine.begin() as conn:
        conn.execute(
            text(
                "insert into api_usage (organization_id, api_provider, endpoint, method, "
                "request_timestamp, response_status, response_time_ms, cost_per_request, "
                "images_generated) values (:org, 'freepik', '/v1/ai/text-to-image', 'POST', "
                ":at, 200, 4000, 0.5, 1)"
            ),
            {
                "org": org,
                "at": datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=23),
            },
        )
    assert _stored(analytics_world, "daily_usage_summaries", USAGE_KEY).equals(before)

    report = analytics_world.run(day, assets=["daily_usage_summaries"])
    assert report.success and not report.failed_checks
    metadata = report.assets["daily_usage_summaries"]
    assert (metadata["rows_inserted"], metadata["rows_updated"], metadata["rows_deleted"]) == (
        0,
        1,
        0,
    )

    after = _stored(analytics_world, "daily_usage_summaries", USAGE_KEY)
    changed = before.compare(after).index
    assert len(changed) == 1
    was, now = before.loc[changed[0]], after.loc[changed[0]]
    assert (now["usage_date"], now["organization_id"], now["api_provider"]) == (
        day,
        str(org),
        "freepik",
    )
    assert now["total_requests"] == was["total_requests"] + 1
    assert now["successful_requests"] == was["successful_requests"] + 1
    assert now["total_cost"] == was["total_cost"] + Decimal("0.5")
    _assert_same(after, expected_usage(analytics_world))


def test_a_day_without_data_writes_nothing_and_fails_nothing(analytics_world, backfilled) -> None:
    empty = analytics_world.first_day - timedelta(days=40)
    report = analytics_world.run(empty)
    assert report.success and not report.failed_checks
    assert len(report.checks) == 14
    for name in MODELS_BY_DAY:
        assert report.assets[name]["rows_written"] == report.assets[name]["rows_deleted"] == 0
        assert report.assets[name]["rows_now"] == 0
    assert report.assets["content_analytics"]["rows_inserted"] == 0
    assert report.assets["template_performance"]["rows_written"] == 0
    counts = analytics_world.frame(
        "select (select count(*) from daily_usage_summaries where usage_date = :day) as usage, "
        "(select count(*) from brand_compliance_analytics where analysis_date = :day) as brand, "
        "(select count(*) from content_analytics where performance_date = :day) as content",
        day=empty,
    )
    assert counts.iloc[0].tolist() == [0, 0, 0]


def test_common_violations_are_json_counts(analytics_world, backfilled) -> None:
    stored = _stored(analytics_world, "brand_compliance_analytics", COMPLIANCE_KEY)
    for violations in stored["common_violations"]:
        assert isinstance(violations, list)
        counts = [v["count"] for v in violations]
        assert counts == sorted(counts, reverse=True)
        assert all(set(v) == {"rule", "count"} for v in violations)
    assert json.dumps(stored["common_violations"].tolist())
    assert isinstance(stored["analysis_date"].iloc[0], date)
