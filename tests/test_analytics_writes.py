"""The runner's two ways of writing a window (issue 17): a window holding no rows is a
plain insert; a window holding rows gets only the difference (new rows inserted,
changed rows updated, vanished rows deleted, unchanged rows untouched). Both are
checked against sql/analytics/recompute_daily_usage_summaries.sql, written apart from
the model, over this test's own organization and a day no other test uses."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, text

from assets.analytics.models import load_models
from assets.analytics.runner import run_model
from core.windows import Window
from resources.sql_files import sql
from tests.factories import make_api_usage, make_tenant

KEY = ["organization_id", "usage_date", "api_provider", "currency"]
COLUMNS = [
    *KEY,
    "total_requests",
    "successful_requests",
    "failed_requests",
    "total_cost",
    "total_tokens",
    "total_images_generated",
    "average_response_time_ms",
    "error_rate",
]


def _stored(engine: Engine, org: uuid.UUID, day: date) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text(
                "select ctid::text as version, * from daily_usage_summaries "
                "where organization_id = :org and usage_date = :day order by api_provider, currency"
            ),
            conn,
            params={"org": org, "day": day},
            coerce_float=False,
        )


def _recomputed(engine: Engine, org: uuid.UUID, window: Window) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(
            sql("analytics/recompute_daily_usage_summaries"),
            conn,
            params=window.parameters(),
            coerce_float=False,
        )
    frame = frame[frame["organization_id"].astype(str) == str(org)]
    return frame.sort_values(["api_provider", "currency"]).reset_index(drop=True)


def _same(stored: pd.DataFrame, recomputed: pd.DataFrame) -> None:
    left = stored[COLUMNS].astype(str).reset_index(drop=True)
    right = recomputed[COLUMNS].astype(str).reset_index(drop=True)
    assert left.equals(right), f"\n{left}\n!=\n{right}"


def test_a_window_is_inserted_then_only_its_difference_is_written(engine: Engine) -> None:
    model = next(m for m in load_models() if m.name == "daily_usage_summaries")
    day = date(2087, 3, 14) + timedelta(days=uuid.uuid4().int % 200)
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    window = Window.days(day, day)
    with engine.begin() as conn:
        tenant = make_tenant(conn)
        org = tenant["organizations"]
        calls = {
            "freepik": make_api_usage(conn, org, request_timestamp=at, cost_per_request=1),
            "local": make_api_usage(
                conn, org, api_provider="local", request_timestamp=at, response_status=500
            ),
            "openai": make_api_usage(conn, org, api_provider="openai", request_timestamp=at),
        }

    try:
        first = run_model(engine, model, window)
        assert (first.rows_inserted, first.rows_updated, first.rows_deleted) == (3, 0, 0)
        before = _stored(engine, org, day)
        _same(before, _recomputed(engine, org, window))

        with engine.begin() as conn:
            # freepik's cost changes, local's only call goes, a new currency appears
            conn.execute(
                text("update api_usage set cost_per_request = 5 where id = :id"),
                {"id": calls["freepik"]},
            )
            conn.execute(text("delete from api_usage where id = :id"), {"id": calls["local"]})
            make_api_usage(conn, org, request_timestamp=at, currency="EUR", cost_per_request=2)

        second = run_model(engine, model, window)
        assert (second.rows_inserted, second.rows_updated, second.rows_deleted) == (1, 1, 1)
        assert second.rows_unchanged == 1
        after = _stored(engine, org, day)
        _same(after, _recomputed(engine, org, window))
        # the unchanged row is the same row version, not a rewrite of it
        unchanged = before[before["api_provider"] == "openai"].iloc[0]
        kept = after[after["api_provider"] == "openai"].iloc[0]
        assert (kept["id"], kept["version"]) == (unchanged["id"], unchanged["version"])

        third = run_model(engine, model, window)
        assert (third.rows_inserted, third.rows_updated, third.rows_deleted) == (0, 0, 0)
        assert _stored(engine, org, day).equals(after)
    finally:  # the runner commits: the organization leaves with its rows
        with engine.begin() as conn:
            conn.execute(text("delete from organizations where id = :org"), {"org": org})
