"""`socialpipe analytics run --start --end`: a range of days in one in-process run."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from socialpipe.cli.analytics import app

pytest_plugins = ["tests.analytics_world"]

runner = CliRunner()


@pytest.fixture
def cli_env(analytics_world, tmp_path) -> dict[str, str]:
    return {
        "DATABASE_URL": analytics_world.url,
        "SOCIALPIPE_METRICS_DIR": str(tmp_path),
        "COLUMNS": "200",  # rich wraps tables to the terminal's width
    }


def test_run_materializes_the_range_and_reports_json(analytics_world, backfilled, cli_env):
    day = analytics_world.last_day - timedelta(days=5)
    result = runner.invoke(
        app, ["run", "--start", str(day), "--end", str(day), "--json"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["success"] and report["first_day"] == report["last_day"] == str(day)
    assert set(report["assets"]) == {
        "content_analytics",
        "daily_usage_summaries",
        "brand_compliance_analytics",
        "content_analytics_weekly",
        "content_analytics_monthly",
        "template_performance",
        "compliance_engagement",
    }
    assert report["assets"]["daily_usage_summaries"]["window"] == str(day)
    assert len(report["checks"]) == 14 and all(check["passed"] for check in report["checks"])


def test_run_prints_a_table_for_one_asset(analytics_world, backfilled, cli_env) -> None:
    day = analytics_world.last_day
    result = runner.invoke(
        app,
        ["run", "--start", str(day), "--end", str(day), "--asset", "daily_usage_summaries"],
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    assert "daily_usage_summaries" in result.output and "reconciles_with_api_usage" in result.output
    assert "brand_compliance_analytics" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "2025-02-30", "--end", "2025-03-01"], "is not a date"),
        (["--start", "2025-03-02", "--end", "2025-03-01"], "is before --start"),
        (["--start", "2023-12-01", "--end", "2024-01-02"], "before the first partition"),
        (
            ["--start", "2025-03-01", "--end", str(date.today() + timedelta(days=1))],
            "last complete",
        ),
        (["--start", "2025-03-01", "--end", "2025-03-01", "--asset", "nope"], "unknown asset"),
    ],
)
def test_run_refuses_a_bad_range(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["run", *arguments])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_export_demo_metrics_writes_the_export_files(analytics_world, cli_env, tmp_path) -> None:
    result = runner.invoke(app, ["export-demo-metrics"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-platform-metrics.csv",
        "demo-platform-metrics.jsonl",
    ]


def test_check_runs_only_the_checks_over_a_range(analytics_world, backfilled, cli_env) -> None:
    """`analytics check` over a partition range: every check runs on the range (a
    checks-only run used to fail with "Partitions definition is not defined"), nothing
    is materialized, and a wrong stored value fails it with exit code 1."""
    first = analytics_world.frame(
        "select min(analysis_date) as day from brand_compliance_analytics "
        "where organization_id = any(:orgs) and assets_passed_compliance > 0"
    )["day"].iloc[0]
    last = first + timedelta(days=2)
    arguments = ["check", "--start", str(first), "--end", str(last), "--json"]
    result = runner.invoke(app, arguments, env=cli_env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["assets"] == {} and report["success"]
    assert len(report["checks"]) == 14 and all(check["passed"] for check in report["checks"])
    change = (
        "update brand_compliance_analytics set assets_passed_compliance = "
        "assets_passed_compliance - 1 where analysis_date = :day and organization_id = any(:orgs) "
        "and assets_passed_compliance > 0"
    )
    with analytics_world.engine.begin() as conn:
        rows = conn.execute(text(change), {"day": first, "orgs": list(analytics_world.orgs)})
        assert rows.rowcount > 0
    try:
        result = runner.invoke(app, arguments, env=cli_env)
        assert result.exit_code == 1, result.output
        # the JSON is stdout; Dagster logs the failed step on stderr
        failed = [c for c in json.loads(result.stdout)["checks"] if not c["passed"]]
        assert [(c["asset"], c["check"]) for c in failed] == [
            ("brand_compliance_analytics", "reconciles_with_generated_assets")
        ]
        assert "assets_passed_compliance" in failed[0]["description"]
    finally:
        analytics_world.run(first, assets=["brand_compliance_analytics"])


def test_check_refuses_a_bad_range() -> None:
    result = runner.invoke(app, ["check", "--start", "2025-03-02", "--end", "2025-03-01"])
    assert result.exit_code == 2
    assert "is before --start" in " ".join(result.output.split())
