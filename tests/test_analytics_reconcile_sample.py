"""A long window's reconciliation compares a sample of its periods: which ones, what it
finds there, what it says, and the setting that turns it off."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from assets.analytics.models import load_models
from assets.analytics.window_checks import (
    DEFAULT_SAMPLE,
    periods,
    reconcile_in_database,
    sample_periods,
    sample_size,
)
from core.windows import Window
from resources.settings.errors import InvalidSettingError
from resources.settings.store import WholeNumberSettingError, set_setting

pytest_plugins = ["tests.analytics_world"]

MODEL = next(model for model in load_models() if model.name == "daily_usage_summaries")


def test_a_window_is_cut_into_its_calendar_periods() -> None:
    window = Window.days(date(2024, 1, 30), date(2024, 3, 2))  # leap February inside
    days = periods(window, None)
    assert len(days) == 33 and all(p.day_count == 1 for p in days)
    assert [p.first_day for p in days] == [date(2024, 1, 30) + timedelta(n) for n in range(33)]
    weeks = periods(window, "week")
    assert [p.first_day.weekday() for p in weeks] == [0] * len(weeks)
    assert weeks[0].first_day <= window.first_day and weeks[-1].end_day >= window.end_day
    assert [p.first_day for p in periods(window, "month")] == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
    ]
    assert [p.day_count for p in periods(window, "month")] == [31, 29, 31]


def test_the_sample_keeps_the_edges_and_draws_the_rest() -> None:
    year = Window.days(date(2025, 1, 1), date(2025, 12, 31))
    every = periods(year, None)
    drawn = [sample_periods(year, None, 14, random.Random(seed)) for seed in range(20)]
    for sample in drawn:
        assert len(sample) == 14 and len({p.first_day for p in sample}) == 14
        assert sample[0] == every[0] and sample[-1] == every[-1]
        assert [p.first_day for p in sample] == sorted(p.first_day for p in sample)
        assert set(sample) <= set(every)
    # at random: twenty draws do not all pick the same middle days
    assert len({tuple(p.first_day for p in sample) for sample in drawn}) > 1
    # a window no longer than the sample, or no sample at all: every period
    assert sample_periods(Window.days(date(2025, 1, 1), date(2025, 1, 14)), None, 14) is None
    assert sample_periods(year, None, None) is None
    assert len(sample_periods(year, None, 1)) == 1


def test_the_sample_setting_is_read_and_refused_when_it_is_not_a_count(analytics_world) -> None:
    with analytics_world.engine.begin() as conn:
        assert sample_size(conn) == DEFAULT_SAMPLE
        for wrong in (0, "seven", 2.5):
            with pytest.raises(InvalidSettingError, match="whole number of periods"):
                set_setting(conn, "analytics", "reconcile_sample_periods", wrong)
        set_setting(conn, "analytics", "reconcile_sample_periods", 30)
        assert sample_size(conn) == 30
        set_setting(conn, "analytics", "reconcile_sample_periods", None)
        assert sample_size(conn) is None
        # written around the command line's check: the check's own message, one line
        conn.execute(
            text(
                "update system_settings set setting_value = '-3' "
                "where category = 'analytics' and setting_key = 'reconcile_sample_periods'"
            )
        )
        with pytest.raises(
            WholeNumberSettingError, match="analytics/reconcile_sample_periods = -3"
        ):
            sample_size(conn)
        conn.rollback()


def test_a_sampled_reconciliation_finds_what_is_wrong_in_its_periods_only(
    analytics_world, backfilled
) -> None:
    """One wrong summary, one summary with a forbidden null: compared in full, the
    wrong value is found; in a sample that holds its day too; in a sample that does not,
    it is not (that is the price of the sample), while the null is found either way."""
    last = analytics_world.last_day - timedelta(days=45)
    window = Window.days(last - timedelta(days=29), last)
    every = periods(window, None)
    wrong_day, null_day = every[10].first_day, every[20].first_day
    with_it = [every[0], every[10], every[-1]]
    without_it = [every[0], every[5], every[-1]]
    with analytics_world.engine.begin() as conn:
        assert reconcile_in_database(conn, MODEL, window, MODEL.not_null, with_it).success
        conn.execute(
            text(
                "update daily_usage_summaries set total_tokens = total_tokens + 7 "
                "where usage_date = :day and organization_id = :org and api_provider = 'local'"
            ),
            {"day": wrong_day, "org": analytics_world.orgs[0]},
        )
        # a null the table itself would refuse (rolled back with the rest)
        conn.execute(
            text("alter table daily_usage_summaries alter column error_rate drop not null")
        )
        conn.execute(
            text(
                "update daily_usage_summaries set error_rate = null "
                "where usage_date = :day and organization_id = :org and api_provider = 'local'"
            ),
            {"day": null_day, "org": analytics_world.orgs[0]},
        )
        full = reconcile_in_database(conn, MODEL, window, MODEL.not_null)
        found = reconcile_in_database(conn, MODEL, window, MODEL.not_null, with_it)
        missed = reconcile_in_database(conn, MODEL, window, MODEL.not_null, without_it)
        conn.rollback()
    tokens = [(d.key[1], d.column) for d in full.differences if d.column == "total_tokens"]
    assert tokens == [(wrong_day.isoformat(), "total_tokens")]
    assert not full.sampled and full.nulls == {"error_rate": 1}
    assert [(d.key[1], d.column) for d in found.differences] == [
        (wrong_day.isoformat(), "total_tokens")
    ]
    assert found.compared == [p.first_day for p in with_it] and found.periods_in_window == 30
    assert "3 of the window's 30 periods" not in found.describe()  # it failed: says why
    assert not missed.differences and missed.nulls == {"error_rate": 1} and not missed.success
    # what was compared: only the sample's rows, on both sides
    assert found.rows_stored == found.rows_recomputed < full.rows_stored / 5


def test_a_backfill_s_check_says_it_compared_a_sample(backfilled) -> None:
    """The demo's 90-day backfill: the reconciliation compared 14 of its 90 days."""
    check = next(
        check
        for check in backfilled.checks
        if check["asset"] == "daily_usage_summaries" and check["check"].startswith("reconciles")
    )
    assert check["passed"], check["description"]
    assert f"in {DEFAULT_SAMPLE} of the window's 90 periods" in check["description"]
