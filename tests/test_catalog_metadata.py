"""Catalog metadata of the analytics assets (assets/catalog.py): table name, column
schema, row count on each materialization, and column lineage from the models' SQL.

Checked against the database itself, asked differently (information_schema, a count
of its own), and against docs/ read line by line here.
"""

import re
from datetime import timedelta
from pathlib import Path

from dagster import TableColumnLineage, TableSchema
from sqlalchemy import text

from assets.analytics.models import load_models
from tests.analytics_world import LAST_DAY

pytest_plugins = ["tests.analytics_world"]

REPO_ROOT = Path(__file__).resolve().parents[1]
# asset -> (table, the rows it owns there)
TABLES = {
    "content_analytics": ("content_analytics", "measurement_period = 'daily'"),
    "daily_usage_summaries": ("daily_usage_summaries", "true"),
    "brand_compliance_analytics": ("brand_compliance_analytics", "true"),
    "content_analytics_weekly": ("content_analytics", "measurement_period = 'weekly'"),
    "content_analytics_monthly": ("content_analytics", "measurement_period = 'monthly'"),
    "template_performance": ("content_templates", "true"),
    "compliance_engagement": ("compliance_engagement", "true"),
}


def _documented(table: str) -> dict[str, str]:
    """`| \\`column\\` | meaning |` rows under the headings that name ``table``."""
    found: dict[str, str] = {}
    for doc in ("SCHEMA.md", "ANALYTICS.md"):
        under = False
        for line in (REPO_ROOT / "docs" / doc).read_text().splitlines():
            if line.startswith("#"):
                under = re.sub(r"[`#]", "", line).strip().split(" ")[0].rstrip(":,") == table
            elif under and line.startswith("| `"):
                column, meaning = (cell.strip() for cell in line.strip("|").split("|", 1))
                found.setdefault(column.strip("`"), meaning.strip(" |"))
    return found


def test_every_analytics_asset_reports_its_table(analytics_world) -> None:
    models = {model.name: model for model in load_models()}
    day = LAST_DAY - timedelta(days=3)
    report = analytics_world.run(day)
    assert report.success, report.failed_steps
    assert set(report.assets) == set(TABLES)
    for asset, (table, owned) in TABLES.items():
        metadata = report.assets[asset]
        assert metadata["dagster/table_name"] == f"public.{table}"
        with analytics_world.engine.connect() as conn:
            columns = conn.execute(
                text(
                    "select column_name, is_nullable = 'YES' from information_schema.columns "
                    "where table_schema = 'public' and table_name = :t order by ordinal_position"
                ),
                {"t": table},
            ).all()
            # constants of this module, not data
            query = f"select count(*) from {table} where {owned}"  # noqa: S608
            count = conn.execute(text(query)).scalar()
        schema = metadata["dagster/column_schema"]
        assert isinstance(schema, TableSchema)
        assert [(c.name, c.constraints.nullable) for c in schema.columns] == [
            tuple(row) for row in columns
        ], asset
        assert all(c.type for c in schema.columns)
        # the model's own meanings (its yml) first, else the table's in docs/
        meanings = {**_documented(table), **(models[asset].column_docs if asset in models else {})}
        described = {c.name: c.description for c in schema.columns if c.description}
        assert described == {name: meanings[name] for name in described}, asset
        assert described.keys() == meanings.keys() & {c.name for c in schema.columns}, asset
        assert len(described) >= len(schema.columns) * 3 // 4, asset
        assert metadata["dagster/row_count"] == count, asset


def test_the_models_report_column_lineage_from_their_sql(analytics_world) -> None:
    report = analytics_world.run(LAST_DAY - timedelta(days=4), assets=list(TABLES))
    lineage = {
        asset: report.assets[asset]["dagster/column_lineage"]
        for asset in TABLES
        if asset != "content_analytics"  # loaded from files, not SQL
    }
    assert all(isinstance(value, TableColumnLineage) for value in lineage.values())

    def deps(asset: str, column: str) -> set[tuple[str, str]]:
        return {
            (dep.asset_key.to_user_string(), dep.column_name)
            for dep in lineage[asset].deps_by_column[column]
        }

    # usage_date is the call's UTC day: `(request_timestamp at time zone 'UTC')::date`
    assert deps("daily_usage_summaries", "usage_date") == {("api_usage", "request_timestamp")}
    assert deps("daily_usage_summaries", "total_cost") == {("api_usage", "cost_per_request")}
    # the weekly rollup's sums come from the daily rows of the same column
    assert ("content_analytics", "likes") in deps("content_analytics_weekly", "likes")
    assert deps("template_performance", "click_through_rate") == {
        ("content_analytics", "clicks"),
        ("content_analytics", "impressions"),
    }
    # a band is named from each image's score, its impressions from the daily rows
    assert ("generated_assets", "compliance_score") in deps("compliance_engagement", "group_name")
    assert deps("compliance_engagement", "impressions") == {("content_analytics", "impressions")}
    # the rules' pass rates are read out of each image's compliance document
    assert deps("brand_compliance_analytics", "color_compliance_rate") >= {
        ("generated_assets", "compliance_details")
    }
