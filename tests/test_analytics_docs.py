"""Every analytics column has its meaning, one sentence, in the model's yml and in
docs/ANALYTICS.md, the same words in both; README links the page."""

import re

from sqlalchemy import text

from assets.analytics.models import load_models
from resources.paths import PROJECT_ROOT

DOCS = (PROJECT_ROOT / "docs" / "ANALYTICS.md").read_text()
ROW = re.compile(r"^\| `([a-z_]+)` \| (.+) \|$")


def _sections() -> dict[str, dict[str, str]]:
    """{section heading: {column: meaning}} from the tables of docs/ANALYTICS.md."""
    sections: dict[str, dict[str, str]] = {}
    heading = ""
    for line in DOCS.splitlines():
        if line.startswith("## "):
            heading = line[3:]
        match = ROW.match(line)
        if match:
            sections.setdefault(heading, {})[match.group(1)] = match.group(2)
    return sections


def _one_sentence(meaning: str) -> bool:
    return meaning.endswith(".") and len(meaning) < 300


def test_each_model_column_means_the_same_in_its_yml_and_in_the_docs() -> None:
    sections = _sections()
    for model in load_models():
        (section,) = [documented for name, documented in sections.items() if model.name in name]
        assert section == dict(model.column_docs), model.name
        assert all(_one_sentence(meaning) for meaning in section.values()), model.name


def test_every_column_of_the_daily_metrics_is_documented(conn) -> None:
    columns = set(
        conn.execute(
            text(
                "select column_name from information_schema.columns "
                "where table_name = 'content_analytics' and column_name not in ('id', 'created_at')"
            )
        ).scalars()
    )
    daily = next(section for name, section in _sections().items() if "daily rows" in name)
    assert set(daily) == columns
    assert all(_one_sentence(meaning) for meaning in daily.values())


def test_every_column_of_the_usage_and_compliance_tables_is_documented(conn) -> None:
    models = {model.target_table: model for model in load_models() if model.partitioned}
    for table in ("daily_usage_summaries", "brand_compliance_analytics", "compliance_engagement"):
        columns = set(
            conn.execute(
                text(
                    "select column_name from information_schema.columns "
                    "where table_name = :table and column_name not in ('id', 'created_at')"
                ),
                {"table": table},
            ).scalars()
        )
        assert set(models[table].column_docs) == columns, table


def test_the_readme_links_the_column_meanings() -> None:
    assert "docs/ANALYTICS.md" in (PROJECT_ROOT / "README.md").read_text()
