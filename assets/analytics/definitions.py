"""The daily analytics stage in Dagster: one asset per SQL model, the metrics ingestion,
their great-expectations checks, the daily job and its 01:00 UTC schedule.

Every model in dbt_like_models/ becomes an asset here, its dependencies read from its
SQL (assets.analytics.models); a broken model stops the definitions from loading with
an error naming its file. Partitioned assets backfill in a single run: the asset sees
the whole range as `context.partition_time_window` and writes it with one delete and
one insert.

Registered in pipeline_defs/definitions.py through the lists at the bottom.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

from dagster import (
    AssetChecksDefinition,
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    BackfillPolicy,
    BetaWarning,
    DailyPartitionsDefinition,
    DefaultSensorStatus,
    Definitions,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    ScheduleEvaluationContext,
    TimeWindowPartitionMapping,
    asset,
    define_asset_job,
    schedule,
)

from assets.analytics import checks
from assets.analytics.checks import RANGE_END_TAG, RANGE_START_TAG
from assets.analytics.freshness import freshness_checks, freshness_sensor
from assets.analytics.ingest import IngestResult, ingest_metrics
from assets.analytics.lineage import column_sources
from assets.analytics.maintenance import event_partitions_maintenance, event_partitions_schedule
from assets.analytics.models import (
    MODELS_DIR,
    Dependency,
    Model,
    display_path,
    downstream_models,
    load_models,
    resolve_dependencies,
)
from assets.analytics.partitions import (
    DEFAULT_RECOMPUTE_DAYS,
    RECOMPUTE_DAYS_VARIABLE,
    as_window,
    daily_partitions,
    trailing_days,
)
from assets.analytics.reports import frame_markdown
from assets.analytics.runner import ModelRun, run_model
from assets.catalog import catalog_schema, frame_table, table_metadata
from assets.owners import owned
from core.tables import markdown_table
from resources.database import DatabaseResource
from resources.metrics_source import MetricsSourceResource
from resources.shared import DATABASE

# Single-run backfills are marked beta in this Dagster; the notice is for Dagster's
# developers, and would otherwise be printed at every load of the code location
# (webserver, daemon, CLI).
warnings.filterwarnings("ignore", message=".*`backfill_policy`.*", category=BetaWarning)

ANALYTICS_GROUP = "analytics"
JOB_NAME = "analytics_daily"
CONTENT_ANALYTICS = AssetKey("content_analytics")

# Tables no asset of this code location writes, shown in the lineage as external assets.
# Any other table a model reads is a dependency on the asset of the same name
# (generation's generated_assets, content_requests, content_templates ...).
SOURCE_SPECS = {
    "api_usage": AssetSpec(
        "api_usage",
        description="Every image-provider call with its cost (table api_usage), written by "
        "the generation stage as it calls providers.",
        group_name=ANALYTICS_GROUP,
        kinds={"postgres"},
        deps=["generated_assets"],
    ),
    "system_settings": AssetSpec(
        "system_settings",
        description="System settings (table system_settings), changed with `socialpipe "
        "settings`: compliance_engagement reads its minimum images and impressions there.",
        group_name=ANALYTICS_GROUP,
        kinds={"postgres"},
    ),
}
PLATFORM_METRICS = AssetSpec(
    "platform_metrics",
    description="Platform metrics export files (CSV or JSON lines) in the metrics folder "
    "(resource metrics_source; .data/metrics by default).",
    group_name=ANALYTICS_GROUP,
    kinds={"csv", "json"},
)


def _model_metadata(run: ModelRun) -> dict:
    metadata = {
        "target_table": run.target_table,
        "rows_now": run.rows_now,
        "rows_written": run.rows_written,
        "rows_inserted": run.rows_inserted,
        "rows_updated": run.rows_updated,
        "rows_deleted": run.rows_deleted,
        "rows_unchanged": run.rows_unchanged,
        "seconds": round(run.seconds, 3),
        "preview": frame_table(run.preview),
    }
    if run.window is not None:
        metadata["window"] = str(run.window)
        metadata["partitions"] = run.window.day_count
    return {**metadata, **(run.step_metadata or {})}


# Tables another asset finishes after the one that creates their rows: a model reading
# generated_assets counts the scores asset_compliance writes into it, so the lineage
# shows compliance upstream too (the SQL alone names generated_assets only). The daily
# job selects the analytics assets alone: this orders runs that materialize both, and
# tells the UI which models a re-scoring makes stale.
FINISHED_BY = {"generated_assets": "asset_compliance"}


def _partition_mapping(model: Model, dep: Dependency, partitioned: set[str]):
    if not (model.partitioned and dep.asset in partitioned) or model.lookback_days == 1:
        return None
    # partition D reads the upstream partitions D-(n-1) .. D
    return TimeWindowPartitionMapping(start_offset=1 - model.lookback_days, end_offset=0)


EAGER_OVER_PRESENT_DAYS = "eager over the days present"


def _automation(model: Model, deps: list[Dependency], partitioned: set[str]):
    """Eager for a model that reads another daily analytics asset (the rollups and
    template performance of content_analytics): when yesterday's daily rows change, by
    the schedule's run or a late-data recompute, the model follows without a schedule
    of its own. A run that updates both (the schedule's) leaves nothing to follow.
    Models of the content tables stay with the 01:00 UTC schedule: their parents change
    all day, and eager would recompute them after every generation run."""
    if not any(d.asset in partitioned for d in deps):
        return None
    if model.partitioned:
        # the source tables (system_settings, api_usage) are never materialized here:
        # waiting for them would keep a model that reads one from ever following
        return AutomationCondition.eager().ignore(AssetSelection.assets(*SOURCE_SPECS))
    # an all-time model reads every day since ANALYTICS_START_DATE: plain eager would
    # wait for days that were never materialized (before the data began) for ever
    return (
        AutomationCondition.eager()
        .without(~AutomationCondition.any_deps_missing())
        .with_label(EAGER_OVER_PRESENT_DAYS)
    )


def model_asset(
    model: Model,
    deps: list[Dependency],
    partitions_def: DailyPartitionsDefinition,
    partitioned: set[str],
) -> AssetsDefinition:
    """The Dagster asset that runs ``model`` (dbt_like_models/<name>.sql)."""

    @asset(
        name=model.name,
        description=model.description,
        group_name=ANALYTICS_GROUP,
        kinds={"postgres", "sql"},
        deps=[
            *(
                AssetDep(dep.asset, partition_mapping=_partition_mapping(model, dep, partitioned))
                for dep in deps
            ),
            *(AssetDep(FINISHED_BY[dep.table]) for dep in deps if dep.table in FINISHED_BY),
        ],
        partitions_def=partitions_def if model.partitioned else None,
        backfill_policy=BackfillPolicy.single_run() if model.partitioned else None,
        automation_condition=_automation(model, deps, partitioned),
        code_version=model.code_version,
        metadata={
            "model": MetadataValue.path(display_path(model.sql_path)),
            "target_table": model.target_table,
            "unique_key": ", ".join(model.unique_key),
            "write": model.write,
            **({"partition_column": model.partition_column} if model.partitioned else {}),
        },
    )
    def _asset(context: AssetExecutionContext, database: DatabaseResource) -> MaterializeResult:
        window = as_window(context.partition_time_window) if model.partitioned else None
        engine = database.get_engine()
        run = run_model(engine, model, window)
        context.log.info(
            f"{model.name}{f' {window}' if window else ''}: {run.rows_now} row(s): "
            f"{run.rows_inserted} inserted, {run.rows_updated} updated, "
            f"{run.rows_deleted} deleted, {run.rows_unchanged} unchanged"
        )
        lineage = column_sources(model, catalog_schema(engine, sorted(model.reads)))
        owners = {dep.table: dep.asset for dep in deps}
        catalog = table_metadata(
            engine, model.target_table, lineage, owners, model.scope, model.column_docs
        )
        return MaterializeResult(metadata={**_model_metadata(run), **catalog})

    return _asset


def _ingest_metadata(result: IngestResult) -> dict:
    metadata = {
        "window": str(result.window),
        "partitions": result.window.day_count,
        "files": len(result.files),
        "rows_read": result.rows_read,
        "rows_inserted": result.inserted,
        "rows_updated": result.updated,
        "rows_unchanged": result.unchanged,
        "rows_malformed": len(result.malformed),
        "rows_unmatched": len(result.unmatched),
        "rows_superseded": result.superseded,
        "rows_now": result.rows_in_window,
        "seconds": round(result.seconds, 3),
        "preview": frame_table(result.preview),
    }
    if result.malformed:
        metadata["malformed"] = MetadataValue.md(
            markdown_table(["row", "reason"], [(m.source, m.reason) for m in result.malformed])
        )
    if len(result.unmatched):
        metadata["unmatched"] = MetadataValue.md(frame_markdown(result.unmatched))
    return metadata


def content_analytics_asset(partitions_def: DailyPartitionsDefinition) -> AssetsDefinition:
    @asset(
        key=CONTENT_ANALYTICS,
        description="Daily platform metrics per generated image (content_analytics, "
        "measurement_period 'daily'), from the metrics export files, matched to the images "
        "by their post ids. engagement_rate = (likes + shares + comments + saves) / "
        "impressions, click_through_rate = clicks / impressions, null without impressions. "
        "Malformed rows are counted, listed and skipped.",
        group_name=ANALYTICS_GROUP,
        kinds={"postgres", "python"},
        deps=[PLATFORM_METRICS.key, "generated_assets"],
        partitions_def=partitions_def,
        backfill_policy=BackfillPolicy.single_run(),
        metadata={"target_table": "content_analytics", "partition_column": "performance_date"},
    )
    def content_analytics(
        context: AssetExecutionContext,
        database: DatabaseResource,
        metrics_source: MetricsSourceResource,
    ) -> MaterializeResult:
        window = as_window(context.partition_time_window)
        result = ingest_metrics(database.get_engine(), metrics_source.read(window), window)
        if result.malformed:
            context.log.warning(
                f"{len(result.malformed)} malformed metrics row(s) skipped, e.g. "
                f"{result.malformed[0].source}: {result.malformed[0].reason}"
            )
        if len(result.unmatched):
            context.log.warning(f"{len(result.unmatched)} metrics row(s) match no image")
        catalog = table_metadata(
            database.get_engine(), "content_analytics", scope={"measurement_period": "daily"}
        )
        return MaterializeResult(metadata={**_ingest_metadata(result), **catalog})

    return content_analytics


@dataclass(frozen=True)
class Analytics:
    models: list[Model]
    assets: list[AssetsDefinition | AssetSpec]
    checks: list[AssetChecksDefinition]
    partitions_def: DailyPartitionsDefinition

    @property
    def materializable_keys(self) -> list[AssetKey]:
        return [a.key for a in self.assets if isinstance(a, AssetsDefinition)]


def build_analytics(
    models_dir: Path = MODELS_DIR, partitions_def: DailyPartitionsDefinition | None = None
) -> Analytics:
    """Assets and checks for the models in ``models_dir`` (raises ModelError on a broken one)."""
    partitions_def = partitions_def or daily_partitions()
    models = load_models(models_dir)
    deps = resolve_dependencies(models, owners={"content_analytics": "content_analytics"})
    partitioned = {"content_analytics", *(m.name for m in models if m.partitioned)}
    readers = downstream_models(deps)
    sources = sorted({d.table for ds in deps.values() for d in ds if d.table in SOURCE_SPECS})
    model_assets = [model_asset(m, deps[m.name], partitions_def, partitioned) for m in models]
    model_checks = [
        checks.model_checks(m, partitions_def, blocking_suite=bool(readers.get(m.name)))
        for m in models
    ]
    return Analytics(
        models=models,
        assets=[
            *(SOURCE_SPECS[name] for name in sources),
            PLATFORM_METRICS,
            content_analytics_asset(partitions_def),
            *model_assets,
        ],
        checks=[
            # the rollups and template performance read the daily metrics: block them
            checks.content_analytics_check(
                CONTENT_ANALYTICS, partitions_def, blocking=bool(readers.get("content_analytics"))
            ),
            checks.metrics_reconciliation_check(CONTENT_ANALYTICS, partitions_def),
            *model_checks,
        ],
        partitions_def=partitions_def,
    )


ANALYTICS = build_analytics()
_partitioned = [a.key for a in ANALYTICS.assets if getattr(a, "partitions_def", None)]
FRESHNESS_CHECKS = freshness_checks(
    _partitioned, [k for k in ANALYTICS.materializable_keys if k not in _partitioned]
)

analytics_daily = define_asset_job(
    JOB_NAME,
    # the freshness checks are the sensor's: a backfill of old days would fail them
    selection=AssetSelection.assets(*ANALYTICS.materializable_keys).without_checks()
    | AssetSelection.checks(*ANALYTICS.checks),
    description="The daily analytics for a day, or a range of days in one run (backfills): "
    "platform metrics, usage summaries, brand compliance, weekly rollups, template "
    "performance, with their checks.",
)


@schedule(
    name="analytics_daily_schedule",
    job=analytics_daily,
    cron_schedule="0 1 * * *",
    execution_timezone="UTC",
    description="Every day at 01:00 UTC, the trailing days up to yesterday "
    f"(${RECOMPUTE_DAYS_VARIABLE}, default {DEFAULT_RECOMPUTE_DAYS}) as one run: late data "
    "of the last days is picked up without anyone asking.",
)
def analytics_daily_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    first, last = trailing_days(context.scheduled_execution_time.date(), ANALYTICS.partitions_def)
    return RunRequest(
        run_key=f"analytics_daily:{first}..{last}",
        tags={RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()},
    )


analytics_assets = ANALYTICS.assets
analytics_checks = ANALYTICS.checks
analytics_freshness_checks = FRESHNESS_CHECKS
AUTOMATED = [
    a.key
    for a in ANALYTICS.assets
    if isinstance(a, AssetsDefinition) and a.automation_conditions_by_key.get(a.key)
]
# evaluates the models' automation conditions; STOPPED like everything that launches runs
analytics_automation_sensor = AutomationConditionSensorDefinition(
    "analytics_automation_sensor",
    target=AssetSelection.assets(*AUTOMATED),
    default_status=DefaultSensorStatus.STOPPED,
    minimum_interval_seconds=60,
    description="Materializes the analytics models declared eager (the weekly and monthly "
    "rollups, template performance) when the daily rows they read change.",
)
analytics_sensors = [freshness_sensor(FRESHNESS_CHECKS), analytics_automation_sensor]
analytics_jobs = [analytics_daily, event_partitions_maintenance]
analytics_schedules = [analytics_daily_schedule, event_partitions_schedule]
# `database` (DatabaseResource) is shared with the other stages
analytics_resources = {"metrics_source": MetricsSourceResource()}


defs = Definitions(
    assets=owned(analytics_assets),
    asset_checks=[*analytics_checks, *analytics_freshness_checks],
    jobs=analytics_jobs,
    schedules=analytics_schedules,
    sensors=analytics_sensors,
    resources={**analytics_resources, "database": DATABASE},
)
