"""Load platform metrics into content_analytics (daily rows), matched to generated assets.

Plain SQLAlchemy, no Dagster. One transaction per run: stage the export rows (COPY),
match them to generated assets (sql/analytics/match_metrics_stage.sql says how),
upsert the matched rows, report the rest.
"""

import time
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, text

from core.windows import Window
from resources.metrics_exports import Malformed, MetricsBatch
from resources.sql_files import sql

STAGE_COLUMNS = (
    "read_order",
    "source",
    "external_post_id",
    "platform",
    "performance_date",
    "impressions",
    "views",
    "likes",
    "shares",
    "comments",
    "saves",
    "clicks",
    "published_at",
    "named_asset_id",
)
PREVIEW = text("""
    select generated_asset_id, platform, performance_date, impressions, likes, clicks,
           engagement_rate, click_through_rate, external_post_id
    from content_analytics
    where measurement_period = 'daily'
      and performance_date >= :first_day and performance_date < :end_day
    order by performance_date, platform, external_post_id
    limit :limit
""")
COUNT_IN_WINDOW = text("""
    select count(*) from content_analytics
    where measurement_period = 'daily'
      and performance_date >= :first_day and performance_date < :end_day
""")


@dataclass
class IngestResult:
    window: Window
    files: list[str]
    rows_read: int
    malformed: list[Malformed]
    superseded: int
    unmatched: pd.DataFrame
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rows_in_window: int = 0
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    seconds: float = 0.0


def ingest_metrics(
    engine: Engine, batch: MetricsBatch, window: Window, *, preview_rows: int = 5
) -> IngestResult:
    started = time.perf_counter()
    bounds = {"first_day": window.first_day, "end_day": window.end_day}
    with engine.begin() as conn:
        conn.execute(sql("analytics/create_metrics_stage"))
        if batch.rows:
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f"copy metrics_stage ({', '.join(STAGE_COLUMNS)}) from stdin") as copy:
                for order, row in enumerate(batch.rows):
                    copy.write_row(
                        (
                            order,
                            row.source,
                            row.external_post_id,
                            row.platform,
                            row.date,
                            row.impressions,
                            row.views,
                            row.likes,
                            row.shares,
                            row.comments,
                            row.saves,
                            row.clicks,
                            row.published_at,
                            row.generated_asset_id,
                        )
                    )
            conn.execute(text("analyze metrics_stage"))
            conn.execute(sql("analytics/match_metrics_stage"))
        unmatched = pd.read_sql(sql("analytics/unmatched_metrics"), conn)
        written = conn.execute(sql("analytics/upsert_content_analytics")).scalars().all()
        in_window = conn.execute(COUNT_IN_WINDOW, bounds).scalar_one()
        preview = pd.read_sql(PREVIEW, conn, params={**bounds, "limit": preview_rows})
    matched = len(batch.rows) - len(unmatched)
    inserted = sum(1 for flag in written if flag)
    return IngestResult(
        window=window,
        files=batch.files,
        rows_read=len(batch.rows) + len(batch.malformed) + batch.superseded,
        malformed=batch.malformed,
        superseded=batch.superseded,
        unmatched=unmatched,
        inserted=inserted,
        updated=len(written) - inserted,
        unchanged=matched - len(written),
        rows_in_window=int(in_window),
        preview=preview,
        seconds=time.perf_counter() - started,
    )
