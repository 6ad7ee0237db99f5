"""great-expectations suites as Dagster asset checks, over the partition window of the run.

A check validates the rows its asset owns in the run's window (one day, or the whole
range of a single-run backfill) where they are: PostgreSQL evaluates the expectations
it can state plainly (nulls, ranges, uniqueness) and the reconciliation's comparison;
GX validates the rest (pair and derived-column expectations) over just the columns
they need, read into pandas (GX is imported inside the check: it takes seconds to
import). Run on its own, outside a partitioned run, a check validates the latest
partition (yesterday).
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    DailyPartitionsDefinition,
    MetadataValue,
    asset_check,
    multi_asset_check,
)
from sqlalchemy import text

from assets.analytics.expectations import Validation, validate_rows
from assets.analytics.models import Expectation, Model
from assets.analytics.partitions import as_window
from assets.analytics.reconcile import METRICS_KEY, Reconciliation, reconcile_metrics
from assets.analytics.window_checks import (
    reconcile_in_database,
    sample_periods,
    sample_size,
    stored_rows,
)
from core.windows import Window
from resources.database import DatabaseResource
from resources.metrics_source import MetricsSourceResource

# Dagster's run tags for one partition and for a range of them
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def check_window(
    context: AssetCheckExecutionContext, partitions_def: DailyPartitionsDefinition
) -> Window:
    """The run's day or range of days, read from its tags: a run of checks alone (the
    UI's "execute checks", `socialpipe analytics check`) has no partitioned asset for
    Dagster to take a partitions definition from, so its own time window is not set."""
    tags = context.op_execution_context.run.tags
    first = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
    last = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG)
    if first and last:
        return Window(
            partitions_def.time_window_for_partition_key(first).start,
            partitions_def.time_window_for_partition_key(last).end,
        )
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


def suite_spec(model: Model, *, blocking: bool) -> AssetCheckSpec:
    """`gx_expectations`: the suite of a model's yml (`expectations`, over its
    `derived_columns` too)."""
    guard = " Blocking: the models that read it wait for it." if blocking else ""
    return AssetCheckSpec(
        name="gx_expectations",
        asset=AssetKey(model.name),
        blocking=blocking,
        description=f"great-expectations suite from {model.yml_path.name}.{guard}",
    )


def reconciliation_spec(model: Model) -> AssetCheckSpec:
    """`reconciles_with_<source>`: the window's stored rows against a second, plain
    recomputation from the raw tables (assets.analytics.reconcile), and the columns
    that must never be null. Blocking: a wrong table stops what reads it."""
    source = model.reconcile_source
    return AssetCheckSpec(
        name=f"reconciles_with_{source}",
        asset=AssetKey(model.name),
        blocking=True,
        description=f"Recomputes the window's {model.target_table} rows from {source} "
        f"(sql/analytics/recompute_{model.name}.sql, written apart from the model) and "
        "expects every stored row to equal it exactly, none missing, none extra, and no "
        f"nulls in {', '.join(model.not_null)}. A window longer than the setting "
        "analytics/reconcile_sample_periods (default 14 periods) is compared on that many "
        "of its periods: the first, the last and others at random (listed in the result).",
    )


def model_checks(
    model: Model, partitions_def: DailyPartitionsDefinition, *, blocking_suite: bool
) -> AssetChecksDefinition:
    """A model's checks (its suite, and its reconciliation when it has a source) as one
    step: one process start and one code location load under the multiprocess executor
    instead of one per check, one connection pool. Each check can still run alone (the
    UI's "execute" on one check). Blocking as before: a failed blocking check fails the
    step after both results are recorded, and the assets that read the model wait for
    the step. A check that raises fails with the error; the other still runs."""
    specs = [suite_spec(model, blocking=blocking_suite)]
    if model.reconcile_source:
        specs.append(reconciliation_spec(model))
    evaluate = {
        specs[0].key: _suite_result,
        **({specs[1].key: _reconciliation_result} if len(specs) > 1 else {}),
    }

    @multi_asset_check(name=f"{model.name}_checks", specs=specs, can_subset=True)
    def _checks(context: AssetCheckExecutionContext, database: DatabaseResource):
        window = check_window(context, partitions_def) if model.partitioned else None
        errors: list[BaseException] = []
        for spec in specs:
            if spec.key not in context.selected_asset_check_keys:
                continue
            try:
                result = evaluate[spec.key](model, window, database)
            except Exception as error:
                if spec.blocking:  # failed either way; the step fails with the error
                    errors.append(error)
                context.log.exception(f"{spec.key.to_user_string()} raised")
                result = AssetCheckResult(
                    passed=False,
                    severity=AssetCheckSeverity.ERROR,
                    description=f"the check raised {type(error).__name__}: {error}"[:500],
                )
            yield AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=result.passed,
                severity=result.severity,
                description=result.description,
                metadata=result.metadata,
            )
        if errors:
            raise errors[0]

    return _checks


def _suite_result(
    model: Model, window: Window | None, database: DatabaseResource
) -> AssetCheckResult:
    rows = stored_rows(model, window)
    with database.get_engine().connect() as conn:
        validation = validate_rows(
            conn,
            rows.statement,
            rows.parameters,
            model.columns,
            model.expectations,
            model.derived_columns,
            model.name,
        )
    return check_result(validation, window)


def _reconciliation_result(
    model: Model, window: Window | None, database: DatabaseResource
) -> AssetCheckResult:
    with database.get_engine().connect() as conn:
        sample = None
        if window is not None and model.partitioned:
            sample = sample_periods(window, model.period, sample_size(conn))
        result = reconcile_in_database(conn, model, window, model.not_null, sample)
    shown = window.widened_to(model.period) if window else None
    return reconciliation_result(result, shown, model.unique_key)


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
CONTENT_ANALYTICS_COLUMNS = (
    "generated_asset_id", "organization_id", "platform", "performance_date", "impressions",
    "views", "likes", "shares", "comments", "saves", "clicks", "engagement_rate",
    "click_through_rate",
)  # fmt: skip
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
            validation = validate_rows(
                conn,
                CONTENT_ANALYTICS_ROWS.text,
                {"first_day": window.first_day, "end_day": window.end_day},
                CONTENT_ANALYTICS_COLUMNS,
                CONTENT_ANALYTICS_EXPECTATIONS,
                CONTENT_ANALYTICS_DERIVED,
                "content_analytics",
            )
        return check_result(validation, window)

    return _check


def reconciliation_result(
    result: Reconciliation, window: Window | None, key: tuple[str, ...]
) -> AssetCheckResult:
    return AssetCheckResult(
        passed=result.success,
        severity=AssetCheckSeverity.ERROR,
        description=result.describe(),
        metadata={
            "window": str(window) if window else "all rows",
            "rows_stored": result.rows_stored,
            "rows_recomputed": result.rows_recomputed,
            "differences": len(result.differences),
            "nulls": MetadataValue.json(result.nulls),
            "first_differences": MetadataValue.md(result.markdown(key)),
            **(
                {
                    "periods_compared": len(result.compared),
                    "periods_in_window": result.periods_in_window,
                    "compared": MetadataValue.json([day.isoformat() for day in result.compared]),
                }
                if result.compared is not None
                else {}
            ),
        },
    )


def metrics_reconciliation_check(
    asset_key: AssetKey, partitions_def: DailyPartitionsDefinition
) -> AssetChecksDefinition:
    @asset_check(
        asset=asset_key,
        name="reconciles_with_platform_metrics",
        blocking=True,
        description="Reads the window's export files again and expects every stored daily "
        "row of a post they hold to carry the file's counts, with rates recomputed from "
        "them; an image a file names that has no row is missing. No nulls in keys or counts.",
    )
    def _check(
        context: AssetCheckExecutionContext,
        database: DatabaseResource,
        metrics_source: MetricsSourceResource,
    ) -> AssetCheckResult:
        window = check_window(context, partitions_def)
        batch = metrics_source.read(window)
        with database.get_engine().connect() as conn:
            result = reconcile_metrics(conn, batch, window)
        return reconciliation_result(result, window, METRICS_KEY)

    return _check
