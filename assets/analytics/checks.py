"""great-expectations suites as Dagster asset checks, over the partition window of the run.

A check reads the rows its asset owns in the run's window (one day, or the whole range
of a single-run backfill) into pandas and validates them with GX (imported inside the
check: it takes seconds to import). Run on its own, outside a partitioned run, a check
validates the latest partition (yesterday).
"""

from collections.abc import Sequence

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    DailyPartitionsDefinition,
    MetadataValue,
    asset_check,
)
from sqlalchemy import text

from assets.analytics.expectations import Validation, validate, with_derived_columns
from assets.analytics.models import Expectation, Model
from assets.analytics.partitions import as_window
from assets.analytics.runner import Window, partition_frame
from resources.database import DatabaseResource
from resources.sql_files import sql


def check_window(
    context: AssetCheckExecutionContext, partitions_def: DailyPartitionsDefinition
) -> Window:
    op_context = context.op_execution_context
    if op_context.has_partition_key or op_context.has_partition_key_range:
        return as_window(op_context.partition_time_window)
    return as_window(partitions_def.get_last_partition_window())


def check_result(validation: Validation, window: Window | None) -> AssetCheckResult:
    failed = validation.failed
    return AssetCheckResult(
        passed=validation.success,
        severity=AssetCheckSeverity.ERROR,
        description=(
            f"{len(validation.outcomes)} expectations passed on {validation.rows} rows"
            if not failed
            else f"{len(failed)} of {len(validation.outcomes)} expectations failed: "
            + "; ".join(outcome.expectation.describe() for outcome in failed[:3])
        ),
        metadata={
            "window": str(window) if window else "all rows",
            "rows": validation.rows,
            "expectations": len(validation.outcomes),
            "failed_expectations": len(failed),
            "results": MetadataValue.md(validation.markdown()),
        },
    )


def model_expectations_check(
    model: Model, partitions_def: DailyPartitionsDefinition, *, blocking: bool
) -> AssetChecksDefinition:
    """The GX suite of a model's yml (`expectations`, over its `derived_columns` too)."""
    guard = " Blocking: the models that read it wait for it." if blocking else ""

    @asset_check(
        asset=AssetKey(model.name),
        name="gx_expectations",
        blocking=blocking,
        description=f"great-expectations suite from {model.yml_path.name}.{guard}",
    )
    def _check(context: AssetCheckExecutionContext, database: DatabaseResource) -> AssetCheckResult:
        window = check_window(context, partitions_def) if model.partitioned else None
        with database.get_engine().connect() as conn:
            frame = partition_frame(conn, model, window)
        frame = with_derived_columns(frame, model.derived_columns)
        return check_result(validate(frame, model.expectations, model.name), window)

    return _check


# Daily rows of content_analytics as ingested: keys present, counts non-negative, rates
# within 0-1 and equal to the counts they come from, null exactly when no impressions.
CONTENT_ANALYTICS_DERIVED = {
    "interactions": "likes + shares + comments + saves",
    "engagement_error": "abs(engagement_rate - interactions / impressions)",
    "click_through_error": "abs(click_through_rate - clicks / impressions)",
    "rates_null_iff_no_impressions": (
        "((engagement_rate == engagement_rate) == (impressions > 0))"
        " & ((click_through_rate == click_through_rate) == (impressions > 0))"
    ),
}
CONTENT_ANALYTICS_EXPECTATIONS: tuple[Expectation, ...] = (
    *(
        Expectation("expect_column_values_to_not_be_null", {"column": column})
        for column in ("generated_asset_id", "organization_id", "platform", "performance_date")
    ),
    Expectation(
        "expect_compound_columns_to_be_unique",
        {"column_list": ["generated_asset_id", "platform", "performance_date"]},
    ),
    *(
        Expectation("expect_column_values_to_be_between", {"column": column, "min_value": 0})
        for column in ("impressions", "views", "likes", "shares", "comments", "saves", "clicks")
    ),
    *(
        Expectation(
            "expect_column_values_to_be_between",
            {"column": column, "min_value": 0, "max_value": 1},
        )
        for column in ("engagement_rate", "click_through_rate")
    ),
    Expectation(
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "impressions", "column_B": "interactions", "or_equal": True},
    ),
    # stored rounded to 6 decimals (numeric(7, 6))
    Expectation(
        "expect_column_values_to_be_between",
        {"column": "engagement_error", "min_value": 0, "max_value": 0.0000005001},
    ),
    Expectation(
        "expect_column_values_to_be_between",
        {"column": "click_through_error", "min_value": 0, "max_value": 0.0000005001},
    ),
    Expectation(
        "expect_column_values_to_be_in_set",
        {"column": "rates_null_iff_no_impressions", "value_set": [True]},
    ),
)
CONTENT_ANALYTICS_ROWS = text("""
    select generated_asset_id, organization_id, platform, performance_date, impressions, views,
           likes, shares, comments, saves, clicks, engagement_rate, click_through_rate
    from content_analytics
    where measurement_period = 'daily'
      and performance_date >= :first_day and performance_date < :end_day
""")


def content_analytics_check(
    asset_key: AssetKey, partitions_def: DailyPartitionsDefinition, *, blocking: bool
) -> AssetChecksDefinition:
    @asset_check(
        asset=asset_key,
        name="gx_expectations",
        blocking=blocking,
        description="great-expectations suite over the window's daily metrics: keys, "
        "non-negative counts, rates in 0-1 that match their counts, null without "
        "impressions." + (" Blocking: the rollups wait for it." if blocking else ""),
    )
    def _check(context: AssetCheckExecutionContext, database: DatabaseResource) -> AssetCheckResult:
        window = check_window(context, partitions_def)
        with database.get_engine().connect() as conn:
            frame = pd.read_sql(
                CONTENT_ANALYTICS_ROWS,
                conn,
                params={"first_day": window.first_day, "end_day": window.end_day},
            )
        frame = with_derived_columns(frame, CONTENT_ANALYTICS_DERIVED)
        validation = validate(frame, CONTENT_ANALYTICS_EXPECTATIONS, "content_analytics")
        return check_result(validation, window)

    return _check


USAGE_KEY = ["organization_id", "usage_date", "api_provider"]
# stored value vs recomputed: exact counts; rounding allowance where the model rounds
USAGE_TOLERANCES = {
    "total_requests": 0,
    "successful_requests": 0,
    "failed_requests": 0,
    "total_cost": 1e-9,
    "total_tokens": 0,
    "total_images_generated": 0,
    "average_response_time_ms": 0.5,
    "error_rate": 0.00005,
}


def reconcile_usage(stored: pd.DataFrame, recomputed: pd.DataFrame) -> pd.DataFrame:
    """Stored summaries beside a recomputation: `presence` and one `<column>_difference` each."""
    stored = stored.astype({"organization_id": str, "usage_date": str})
    recomputed = recomputed.astype({"organization_id": str, "usage_date": str})
    merged = stored.merge(
        recomputed, on=USAGE_KEY, how="outer", suffixes=("", "_recomputed"), indicator="presence"
    )
    merged["presence"] = merged["presence"].astype(str)
    for column in USAGE_TOLERANCES:
        merged[f"{column}_difference"] = (
            pd.to_numeric(merged[column]) - pd.to_numeric(merged[f"{column}_recomputed"])
        ).abs()
    return merged


def reconciliation_expectations() -> Sequence[Expectation]:
    return (
        # "left_only": a stored summary api_usage no longer supports; "right_only": usage
        # with no summary (a late row, a day not yet materialized)
        Expectation(
            "expect_column_values_to_be_in_set", {"column": "presence", "value_set": ["both"]}
        ),
        *(
            Expectation(
                "expect_column_values_to_be_between",
                {"column": f"{column}_difference", "min_value": 0, "max_value": tolerance},
            )
            for column, tolerance in USAGE_TOLERANCES.items()
        ),
    )


def usage_reconciliation_check(
    model: Model, partitions_def: DailyPartitionsDefinition, *, blocking: bool
) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(model.name),
        name="reconciles_with_api_usage",
        blocking=blocking,
        description="Recomputes the window's usage from api_usage (independently of the "
        "model's SQL) and expects every stored summary to match it, and none to be missing.",
    )
    def _check(context: AssetCheckExecutionContext, database: DatabaseResource) -> AssetCheckResult:
        window = check_window(context, partitions_def)
        with database.get_engine().connect() as conn:
            stored = partition_frame(conn, model, window)
            recomputed = pd.read_sql(
                sql("analytics/recompute_daily_usage"), conn, params=window.parameters()
            )
        merged = reconcile_usage(stored, recomputed)
        validation = validate(merged, reconciliation_expectations(), "usage_reconciliation")
        return check_result(validation, window)

    return _check
