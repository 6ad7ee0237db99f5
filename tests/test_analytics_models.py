"""The SQL models and their loader: dependencies come from the SQL, a broken model is a
clear error naming its file when the definitions load, and the Dagster objects (assets,
partitions, single-run backfills, checks, job, 01:00 UTC schedule) load and validate.
"""

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from dagster import (
    AssetKey,
    BackfillPolicy,
    DailyPartitionsDefinition,
    Definitions,
    build_schedule_context,
)
from sqlalchemy import text

from assets.analytics import definitions as analytics
from assets.analytics.definitions import build_analytics
from assets.analytics.models import (
    MODELS_DIR,
    ModelError,
    load_models,
    resolve_dependencies,
    schema_tables,
)
from assets.analytics.partitions import recompute_days
from resources.database import DatabaseResource

MODEL_NAMES = {
    "daily_usage_summaries",
    "brand_compliance_analytics",
    "content_analytics_weekly",
    "content_analytics_monthly",
    "template_performance",
    "compliance_engagement",
}


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    """A copy of dbt_like_models/ to break."""
    target = tmp_path / "dbt_like_models"
    shutil.copytree(MODELS_DIR, target)
    return target


def _error(models_dir: Path) -> str:
    with pytest.raises(ModelError) as raised:
        build_analytics(models_dir, DailyPartitionsDefinition(start_date="2024-01-01"))
    return str(raised.value)


def test_every_model_loads_with_its_settings() -> None:
    models = {model.name: model for model in load_models()}
    assert set(models) == MODEL_NAMES
    usage = models["daily_usage_summaries"]
    assert usage.target_table == "daily_usage_summaries"
    assert usage.partition_column == "usage_date"
    assert usage.unique_key == ("organization_id", "usage_date", "api_provider", "currency")
    assert usage.columns[:4] == ("organization_id", "usage_date", "api_provider", "currency")
    assert usage.expectations and usage.description
    assert models["template_performance"].write == "update"
    assert models["content_analytics_weekly"].scope == {"measurement_period": "weekly"}
    assert models["content_analytics_weekly"].period == "week"
    assert models["content_analytics_monthly"].scope == {"measurement_period": "monthly"}
    assert models["content_analytics_monthly"].period == "month"
    for model in models.values():
        # every column the model writes has its meaning in the yml, and a reconciliation
        assert set(model.column_docs) == set(model.columns), model.name
        assert model.reconcile_source, model.name


def test_models_follow_the_house_style() -> None:
    for path in MODELS_DIR.glob("*.sql"):
        sql = path.read_text()
        assert sql == sql.lower() or "'" in sql, path  # lowercase (literals aside)
        assert sql.rstrip().endswith("select * from final"), path
        assert path.with_suffix(".yml").exists(), path


def test_dependencies_are_read_from_the_sql() -> None:
    deps = resolve_dependencies(load_models(), owners={"content_analytics": "content_analytics"})
    tables = {name: {(d.table, d.kind) for d in model_deps} for name, model_deps in deps.items()}
    assert tables["daily_usage_summaries"] == {("api_usage", "source")}
    assert tables["brand_compliance_analytics"] == {("generated_assets", "source")}
    assert tables["content_analytics_weekly"] == {("content_analytics", "owner")}
    assert tables["template_performance"] == {
        ("content_analytics", "owner"),
        ("content_requests", "source"),
        ("content_templates", "source"),
        ("generated_assets", "source"),
    }


def test_a_model_reading_another_models_table_depends_on_that_model(models_dir: Path) -> None:
    (models_dir / "usage_by_provider.sql").write_text(
        "with usage as (\n    select usage_date, api_provider, total_cost\n"
        "    from daily_usage_summaries\n"
        "    where usage_date >= (:partition_start at time zone 'UTC')::date\n"
        "      and usage_date < (:partition_end at time zone 'UTC')::date\n),\n\n"
        "final as (\n    select usage_date, api_provider, sum(total_cost) as total_cost\n"
        "    from usage\n    group by usage_date, api_provider\n)\n\nselect * from final\n"
    )
    (models_dir / "usage_by_provider.yml").write_text(
        "description: cost per provider and day\ntarget_table: daily_usage_summaries\n"
        "write: replace_partition\npartition_column: usage_date\n"
        "unique_key: [usage_date, api_provider]\nexpectations: []\n"
    )
    built = build_analytics(models_dir, DailyPartitionsDefinition(start_date="2024-01-01"))
    resources = {"database": DatabaseResource(), **analytics.analytics_resources}
    graph = Definitions(assets=built.assets, resources=resources).resolve_asset_graph()
    assert AssetKey("daily_usage_summaries") in graph.get(AssetKey("usage_by_provider")).parent_keys
    assert AssetKey("api_usage") in graph.get(AssetKey("daily_usage_summaries")).parent_keys


def test_schema_tables_come_from_the_migrations() -> None:
    tables = schema_tables()
    assert {"api_usage", "daily_usage_summaries", "content_analytics", "users"} <= tables
    # and event_partition_retirements (0013), alert_deliveries (0015),
    # compliance_engagement (0016)
    assert len(tables) == 18 + 3
    assert {"event_partition_retirements", "alert_deliveries", "compliance_engagement"} <= tables


def test_a_syntax_error_names_the_file_and_line(models_dir: Path) -> None:
    path = models_dir / "daily_usage_summaries.sql"
    path.write_text(path.read_text().replace("group by organization_id", "group organization_id"))
    message = _error(models_dir)
    assert "daily_usage_summaries.sql" in message
    assert "syntax error at line" in message


def test_an_unknown_table_names_the_file_and_the_table(models_dir: Path) -> None:
    path = models_dir / "brand_compliance_analytics.sql"
    path.write_text(path.read_text().replace("from generated_assets", "from generated_asset"))
    message = _error(models_dir)
    assert "brand_compliance_analytics.sql" in message
    assert "unknown table 'generated_asset'" in message


@pytest.mark.parametrize("key", ["unique_key", "target_table", "partition_column", "expectations"])
def test_a_missing_yml_key_names_the_file_and_the_key(models_dir: Path, key: str) -> None:
    path = models_dir / "daily_usage_summaries.yml"
    settings = yaml.safe_load(path.read_text())
    del settings[key]
    path.write_text(yaml.safe_dump(settings))
    message = _error(models_dir)
    assert "daily_usage_summaries.yml" in message
    assert key in message


def test_a_missing_yml_file_names_the_model(models_dir: Path) -> None:
    (models_dir / "template_performance.yml").unlink()
    message = _error(models_dir)
    assert "template_performance.sql" in message and "missing template_performance.yml" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("select * from final", "select usage_date from final"), "select * from final"),
        (("request_timestamp < :partition_end", "request_timestamp < now()"), ":partition_end"),
        ((":partition_start", ":start_day"), "unknown parameter"),
        (("with calls as", "delete from api_usage; with calls as"), "exactly one statement"),
    ],
)
def test_other_broken_models_name_their_file(models_dir: Path, change, expected: str) -> None:
    path = models_dir / "daily_usage_summaries.sql"
    path.write_text(path.read_text().replace(*change))
    message = _error(models_dir)
    assert "daily_usage_summaries.sql" in message and expected in message


def test_a_key_the_select_does_not_return_is_an_error(models_dir: Path) -> None:
    path = models_dir / "daily_usage_summaries.yml"
    path.write_text(
        path.read_text().replace("partition_column: usage_date", "partition_column: day")
    )
    message = _error(models_dir)
    assert "daily_usage_summaries.yml" in message and "'day'" in message


def _definitions() -> Definitions:
    return Definitions(
        assets=analytics.analytics_assets,
        asset_checks=analytics.analytics_checks,
        jobs=analytics.analytics_jobs,
        schedules=analytics.analytics_schedules,
        resources={"database": DatabaseResource(), **analytics.analytics_resources},
    )


def test_the_definitions_load_and_validate() -> None:
    defs = _definitions()
    Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    for name in (*MODEL_NAMES, "content_analytics"):
        node = graph.get(AssetKey(name))
        assert node.group_name == "analytics"
        if name != "template_performance":
            assert isinstance(node.partitions_def, DailyPartitionsDefinition)
            assert node.partitions_def.timezone == "UTC"
            assert node.backfill_policy == BackfillPolicy.single_run()
    assert graph.get(AssetKey("template_performance")).partitions_def is None
    assert (
        AssetKey("content_analytics") in graph.get(AssetKey("content_analytics_weekly")).parent_keys
    )
    job = defs.resolve_job_def(analytics.JOB_NAME)
    assert isinstance(job.partitions_def, DailyPartitionsDefinition)


def test_checks_that_guard_downstream_tables_are_blocking() -> None:
    blocking = {
        (spec.asset_key.to_user_string(), spec.name): spec.blocking
        for checks in analytics.analytics_checks
        for spec in checks.check_specs
    }
    assert blocking[("content_analytics", "gx_expectations")] is True
    reconciliations = {key: value for key, value in blocking.items() if key[1].startswith("recon")}
    # every analytics asset is reconciled with its source, and a mismatch blocks
    assert reconciliations == {
        ("content_analytics", "reconciles_with_platform_metrics"): True,
        ("daily_usage_summaries", "reconciles_with_api_usage"): True,
        ("brand_compliance_analytics", "reconciles_with_generated_assets"): True,
        ("content_analytics_weekly", "reconciles_with_content_analytics"): True,
        ("content_analytics_monthly", "reconciles_with_content_analytics"): True,
        ("template_performance", "reconciles_with_generated_assets"): True,
        ("compliance_engagement", "reconciles_with_content_analytics"): True,
    }
    assert len(blocking) == 14


def _scheduled_range(tick: datetime) -> tuple[str, str]:
    schedule = _definitions().resolve_schedule_def("analytics_daily_schedule")
    result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    (request,) = result.run_requests
    return (
        request.tags["dagster/asset_partition_range_start"],
        request.tags["dagster/asset_partition_range_end"],
    )


def test_the_schedule_recomputes_the_trailing_days_at_one_utc(monkeypatch) -> None:
    schedule = _definitions().resolve_schedule_def("analytics_daily_schedule")
    assert schedule.cron_schedule == "0 1 * * *"
    assert schedule.execution_timezone in (None, "UTC")
    tick = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    # default: the three days up to yesterday, as one run (late data of those days is
    # picked up without anyone asking)
    monkeypatch.delenv("ANALYTICS_RECOMPUTE_DAYS", raising=False)
    assert _scheduled_range(tick) == ("2026-03-07", "2026-03-09")
    monkeypatch.setenv("ANALYTICS_RECOMPUTE_DAYS", "1")
    assert _scheduled_range(tick) == ("2026-03-09", "2026-03-09")
    monkeypatch.setenv("ANALYTICS_RECOMPUTE_DAYS", "10")
    assert _scheduled_range(tick) == ("2026-02-28", "2026-03-09")
    # never before the first partition
    assert _scheduled_range(datetime(2024, 1, 3, 1, tzinfo=UTC)) == ("2024-01-01", "2024-01-02")
    monkeypatch.setenv("ANALYTICS_RECOMPUTE_DAYS", "a week")
    with pytest.raises(ValueError, match="ANALYTICS_RECOMPUTE_DAYS='a week' is not a number"):
        recompute_days()


def test_the_start_date_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from assets.analytics.partitions import daily_partitions

    monkeypatch.setenv("ANALYTICS_START_DATE", "2025-02-01")
    assert daily_partitions().get_first_partition_key() == "2025-02-01"
    monkeypatch.setenv("ANALYTICS_START_DATE", "February")
    with pytest.raises(ValueError, match="ANALYTICS_START_DATE"):
        daily_partitions()


def test_the_analytics_are_registered_in_the_code_location() -> None:
    from pipeline_defs.definitions import defs as code_location

    Definitions.validate_loadable(code_location)
    graph = code_location.resolve_asset_graph()
    for model in ("daily_usage_summaries", "brand_compliance_analytics", "template_performance"):
        assert graph.has(AssetKey(model)), model
    # raw tables the models read are the generation stage's assets, not stand-ins
    template_performance = graph.get(AssetKey("template_performance"))
    assert {AssetKey("generated_assets"), AssetKey("content_templates")} <= set(
        template_performance.parent_keys
    )
    assert graph.get(AssetKey("generated_assets")).is_materializable


def test_the_rate_functions_are_the_design_formulas_and_null_without_impressions(conn) -> None:
    row = conn.execute(
        text(
            "select engagement_rate(10, 5, 3, 2, 1000) as engagement, "
            "click_through_rate(7, 300) as ctr, "
            "engagement_rate(1, 1, 1, 1, 0) as no_impressions, "
            "click_through_rate(1, 0) as no_impressions_ctr"
        )
    ).one()
    assert row.engagement == Decimal("0.020000")  # (10 + 5 + 3 + 2) / 1000
    assert row.ctr == Decimal("0.023333")  # rounded to the columns' six decimals
    assert row.no_impressions is None and row.no_impressions_ctr is None


def test_models_reading_generated_assets_run_after_compliance_has_scored_them() -> None:
    from pipeline_defs.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = {
        key.to_user_string()
        for key in graph.get(AssetKey("brand_compliance_analytics")).parent_keys
    }
    # the table's rows come from generation, the scores the model counts from compliance
    assert {"generated_assets", "asset_compliance"} <= parents


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("assets.analytics.compliance_intervals", "must be 'package.module:function'"),
        ("assets.analytics.no_such_module:store", "cannot be imported"),
        ("assets.analytics.compliance_intervals:no_such_function", "cannot be imported"),
    ],
)
def test_a_python_step_that_cannot_be_called_names_the_file(
    models_dir: Path, step: str, expected: str
) -> None:
    path = models_dir / "compliance_engagement.yml"
    text = path.read_text()
    path.write_text(text.replace("assets.analytics.compliance_intervals:store_intervals", step))
    message = _error(models_dir)
    assert "compliance_engagement.yml" in message and expected in message
