"""Migration 0008 on a database holding rows from before it: every summary, image and
daily metric is kept; the rolling "weekly" rows that are exactly an ISO week are kept
and re-dated to their Monday, the overlapping others leave the table and stay
derivable from the view content_analytics_trailing_7_days."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import create_engine, text

from resources.migrations import alembic_config, upgrade
from tests.factories import make_analytics, make_daily_summary, make_tenant

SUNDAY = date(2025, 3, 9)
DAILY_ROWS = "select count(*) from content_analytics where measurement_period = 'daily'"


def test_0008_keeps_the_rows_and_makes_weeks_calendar_weeks(
    make_database: Callable[[], str],
) -> None:
    url = make_database()
    command.upgrade(alembic_config(url), "0007")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tenant = make_tenant(conn)
            asset, org = tenant["generated_assets"], tenant["organizations"]
            created = datetime(2025, 3, 1, 9, tzinfo=UTC)
            conn.execute(
                text("update generated_assets set created_at = :at where id = :id"),
                {"at": created, "id": asset},
            )
            days = [SUNDAY - timedelta(days=n) for n in range(9)]  # Fri Feb 28 .. Sun Mar 9
            for n, day in enumerate(days):
                make_analytics(
                    conn, asset, platform="x", performance_date=day, impressions=100 + n, likes=n
                )
            # the old model: a trailing 7-day row for every day
            for day in (SUNDAY, SUNDAY - timedelta(days=1)):
                make_analytics(
                    conn,
                    asset,
                    platform="x",
                    performance_date=day,
                    measurement_period="weekly",
                    impressions=sum(100 + n for n, d in enumerate(days) if day - d < timedelta(7)),
                )
            make_daily_summary(conn, org, usage_date=SUNDAY, total_cost=5)
            daily_before = conn.execute(text(DAILY_ROWS)).scalar_one()
        upgrade(url)
        with engine.connect() as conn:
            weekly = conn.execute(
                text(
                    "select performance_date, impressions from content_analytics "
                    "where measurement_period = 'weekly'"
                )
            ).all()
            # the Sunday window is the ISO week Mon Mar 3 .. Sun Mar 9: kept, re-dated
            assert weekly == [(date(2025, 3, 3), sum(100 + n for n in range(7)))]
            # the Saturday window overlapped it: gone from the table, still in the view
            trailing = conn.execute(
                text(
                    "select impressions from content_analytics_trailing_7_days "
                    "where window_end = :day"
                ),
                {"day": SUNDAY - timedelta(days=1)},
            ).scalar_one()
            assert trailing == sum(100 + n for n in range(1, 8))
            assert conn.execute(text(DAILY_ROWS)).scalar_one() == daily_before >= 9
            summary = conn.execute(
                text(
                    "select currency, total_cost from daily_usage_summaries where usage_date = :d"
                ),
                {"d": SUNDAY},
            ).one()
            assert (summary.currency, float(summary.total_cost)) == ("USD", 5.0)
            image = conn.execute(
                text(
                    "select created_at, updated_at, regenerated_at from generated_assets "
                    "where id = :id"
                ),
                {"id": asset},
            ).one()
            assert image.created_at == image.updated_at == created
            assert image.regenerated_at is None
    finally:
        engine.dispose()


def test_the_trailing_view_shows_a_tenant_only_its_own_rows(conn) -> None:
    from resources.tenancy import scope_to_tenant

    a, b = make_tenant(conn), make_tenant(conn)
    orgs = {a["organizations"], b["organizations"]}
    view = text("select distinct organization_id from content_analytics_trailing_7_days")
    assert orgs <= set(conn.execute(view).scalars())
    scope_to_tenant(conn, a["organizations"])
    assert set(conn.execute(view).scalars()) == {a["organizations"]}
