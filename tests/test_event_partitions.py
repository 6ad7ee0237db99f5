"""Monthly partitions of api_usage and user_activity_logs (migration 0013, issue 17).

Migration: a database holding rows at 0012 keeps every one (count and a checksum of
every row's text, by plain SQL), and the same queries answer the same, row-level
security included. Maintenance: months are created ahead, and retention drops only
months that are over and whose usage is summarized (checked again by plain SQL).

The maintenance and the runner work in their own transactions, so these tests use a
database of their own, each test in months no other test touches.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from assets.analytics.event_partitions import (
    RETENTION_CATEGORY,
    RETENTION_KEY,
    RetiredMonthError,
    maintain_event_partitions,
    partition_months,
    retention_months,
)
from assets.analytics.models import load_models
from assets.analytics.runner import run_model
from core.windows import Window
from resources.migrations import alembic_config, upgrade
from resources.settings.store import WholeNumberSettingError
from resources.tenancy import PIPELINE_ROLE, scope_to_tenant
from tests.factories import make_activity_log, make_api_usage, make_setting, make_tenant

# every row as text, in id order: any changed value, lost or added row changes it
CHECKSUM = "select count(*), md5(string_agg(t::text, '|' order by t.id)) from {table} t"
# the daily usage per organization, written plainly (not the model's SQL)
USAGE_BY_DAY = text(
    "select organization_id, date(timezone('UTC', request_timestamp)) as day,"
    " count(*), sum(cost_per_request) from api_usage group by 1, 2 order by 1, 2"
)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
def own_engine(make_database: Callable[[], str]) -> Iterator[Engine]:
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def test_migrating_keeps_every_row_and_every_answer(make_database: Callable[[], str]) -> None:
    url = make_database()
    command.upgrade(alembic_config(url), "0012")
    engine = create_engine(url)
    # months of the past, this month (a partition made ahead), and one beyond those
    days = [date(2023, 11, 30), date(2024, 2, 29), date(2025, 7, 1), date(2040, 1, 31)]
    days.append(datetime.now(UTC).date())
    try:
        with engine.begin() as conn:
            a, b = make_tenant(conn), make_tenant(conn)
            for n, day in enumerate(days):
                for tenant in (a, b):
                    org, user = tenant["organizations"], tenant["user"]
                    for hour in (0, 23):
                        make_api_usage(
                            conn, org, user, tenant["content_requests"],
                            request_timestamp=at(day, hour), cost_per_request=n + hour / 100,
                            response_status=200 if hour else None, tokens_used=n,
                        )  # fmt: skip
                        make_activity_log(conn, user, org, created_at=at(day, hour))
            before = {
                table: conn.execute(text(CHECKSUM.format(table=table))).one()
                for table in ("api_usage", "user_activity_logs")
            }
            usage_before = conn.execute(USAGE_BY_DAY).all()
            scope_to_tenant(conn, a["organizations"], a["user"])
            seen_by_a = conn.execute(text("select count(*) from api_usage")).scalar_one()
        assert min(count for count, _ in before.values()) >= 4 * len(days)

        upgrade(url)

        with engine.begin() as conn:
            kind = text("select relkind from pg_class where oid = 'api_usage'::regclass")
            assert conn.execute(kind).scalar_one() == "p"
            for table, checksum in before.items():
                assert conn.execute(text(CHECKSUM.format(table=table))).one() == checksum
            assert conn.execute(USAGE_BY_DAY).all() == usage_before
            # every row sits in its own month's partition, none in the default one
            misplaced = conn.execute(
                text(
                    "select count(*) from api_usage where tableoid::regclass::text <> "
                    "'api_usage_' || to_char(request_timestamp at time zone 'UTC', 'YYYY_MM')"
                )
            ).scalar_one()
            assert misplaced == 0
            scope_to_tenant(conn, a["organizations"], a["user"])
            assert conn.execute(text("select count(*) from api_usage")).scalar_one() == seen_by_a
            assert seen_by_a >= 2 * len(days)
            orgs = set(conn.execute(text("select organization_id from api_usage")).scalars())
            assert orgs == {a["organizations"]}
    finally:
        engine.dispose()


def test_keys_indexes_and_policies_are_the_tables_own(engine: Engine) -> None:
    with engine.connect() as conn:
        key = conn.execute(
            text(
                "select pg_get_constraintdef(oid) from pg_constraint "
                "where conrelid = 'api_usage'::regclass and contype = 'p'"
            )
        ).scalar_one()
        assert key == "PRIMARY KEY (id, request_timestamp)"
        methods = dict(
            conn.execute(
                text(
                    "select c.relname, am.amname from pg_index i "
                    "join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam "
                    "where i.indrelid = 'api_usage'::regclass"
                )
            ).all()
        )
        assert methods["api_usage_request_time_brin"] == "brin"
        assert methods["api_usage_created_brin"] == "brin"
        assert methods["api_usage_org_time_idx"] == "btree"
        policies = conn.execute(
            text(
                "select polrelid::regclass::text from pg_policy "
                "where polname = 'tenant_isolation' and polrelid in "
                "('api_usage'::regclass, 'user_activity_logs'::regclass)"
            )
        ).scalars()
        assert sorted(policies) == ["api_usage", "user_activity_logs"]


def test_a_partition_cannot_be_read_around_the_tables_policy(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin():
        tenant = make_tenant(conn)
        scope_to_tenant(conn, tenant["organizations"], tenant["user"])
        partition = f"api_usage_{datetime.now(UTC):%Y_%m}"
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text(f"select count(*) from {partition}"))  # noqa: S608 - our name


def test_a_tenant_check_fires_on_the_partition_a_row_lands_in(own_engine: Engine) -> None:
    with own_engine.connect() as conn, conn.begin():
        a, b = make_tenant(conn), make_tenant(conn)
        maintain_event_partitions(conn, date(2093, 6, 1), months_ahead=0)
        scope_to_tenant(conn, a["organizations"], a["user"])
        with pytest.raises(Exception, match=r"api_usage\.content_request_id = .* is not in this"):
            make_api_usage(
                conn, a["organizations"], a["user"], b["content_requests"],
                request_timestamp=at(date(2093, 6, 2)),
            )  # fmt: skip


def test_months_are_created_ahead_and_waiting_rows_move_in(own_engine: Engine) -> None:
    today = date(2091, 5, 15)
    with own_engine.connect() as conn, conn.begin():
        tenant = make_tenant(conn)
        org, user = tenant["organizations"], tenant["user"]
        # a row of a month that has no partition yet waits in the default partition
        early = make_api_usage(conn, org, user, request_timestamp=at(date(2091, 7, 4)))
        log = make_activity_log(conn, user, org, created_at=at(date(2091, 8, 31), 23))
        where = "select tableoid::regclass::text from {} where id = :id"
        assert conn.execute(text(where.format("api_usage")), {"id": early}).scalar() == (
            "api_usage_default"
        )
        conn.execute(text(f"set local role {PIPELINE_ROLE}"))  # what the schedule runs as

        done = maintain_event_partitions(conn, today)

        months = [date(2091, m, 1) for m in (5, 6, 7, 8)]
        assert done.created == [(t, m) for t in ("api_usage", "user_activity_logs") for m in months]
        assert done.retired == done.kept == []
        for table in ("api_usage", "user_activity_logs"):
            assert set(months) <= set(partition_months(conn, table))
        assert conn.execute(text(where.format("api_usage")), {"id": early}).scalar() == (
            "api_usage_2091_07"
        )
        assert conn.execute(text(where.format("user_activity_logs")), {"id": log}).scalar() == (
            "user_activity_logs_2091_08"
        )
        assert maintain_event_partitions(conn, today).created == []


def _summarize(engine: Engine, first: date, last: date):
    model = next(m for m in load_models() if m.name == "daily_usage_summaries")
    return run_model(engine, model, Window.days(first, last))


def test_retention_drops_only_months_over_and_summarized(own_engine: Engine) -> None:
    months = [date(2001, m, 1) for m in (1, 2, 3, 4)]
    with own_engine.begin() as conn:
        tenant = make_tenant(conn)
        org, user = tenant["organizations"], tenant["user"]
        maintain_event_partitions(conn, months[0], months_ahead=3)
        for month in months:
            for day in (month, month + timedelta(days=27)):
                make_api_usage(conn, org, user, request_timestamp=at(day), cost_per_request=2)
                make_activity_log(conn, user, org, created_at=at(day))
    _summarize(own_engine, date(2001, 1, 1), date(2001, 3, 31))  # not April
    with own_engine.begin() as conn:
        # a late call in March after its summary: March is no longer summarized
        make_api_usage(conn, org, user, request_timestamp=at(date(2001, 3, 9)))
        conn.execute(text(f"set local role {PIPELINE_ROLE}"))

        done = maintain_event_partitions(conn, date(2001, 5, 20), months_ahead=0, retention=2)

    retired = {(r.table, r.month): r.rows_dropped for r in done.retired}
    # keep 2 months (April, May): Jan and Feb are summarized; logs feed no analytics
    assert retired == {
        ("api_usage", months[0]): 2,
        ("api_usage", months[1]): 2,
        ("user_activity_logs", months[0]): 2,
        ("user_activity_logs", months[1]): 2,
        ("user_activity_logs", months[2]): 2,
    }
    assert [(k.table, k.month) for k in done.kept] == [("api_usage", months[2])]
    assert "not computed" in done.kept[0].reason
    with own_engine.connect() as conn:
        per_month = dict(
            conn.execute(
                text(
                    "select date_trunc('month', request_timestamp at time zone 'UTC')::date,"
                    " count(*) from api_usage where organization_id = :org"
                    " and request_timestamp < :after group by 1"
                ),
                {"org": org, "after": at(date(2002, 1, 1))},
            ).all()
        )
        assert per_month == {months[2]: 3, months[3]: 2}
        # the summaries of the dropped months stay, equal to what the rows said
        summarized = conn.execute(
            text(
                "select sum(total_requests), sum(total_cost) from daily_usage_summaries "
                "where organization_id = :org and usage_date < :march"
            ),
            {"org": org, "march": months[2]},
        ).one()
        assert (summarized[0], float(summarized[1])) == (4, 8.0)
        recorded = conn.execute(
            text("select table_name, month, rows_dropped from event_partition_retirements")
        ).all()
        assert sorted(recorded) == sorted((t, m, n) for (t, m), n in retired.items())
    # a retired month's summaries are final: recomputing them from nothing is refused
    with pytest.raises(RetiredMonthError, match="api_usage of 2001-02 was dropped"):
        _summarize(own_engine, date(2001, 2, 27), date(2001, 3, 2))
    # March, once recomputed, can go
    _summarize(own_engine, date(2001, 3, 1), date(2001, 3, 31))
    with own_engine.begin() as conn:
        again = maintain_event_partitions(conn, date(2001, 5, 20), months_ahead=0, retention=2)
    assert [(r.table, r.month, r.rows_dropped) for r in again.retired] == [
        ("api_usage", months[2], 3)
    ]


def test_a_month_not_over_is_never_dropped(own_engine: Engine) -> None:
    with own_engine.connect() as conn, conn.begin():
        this_month = conn.execute(
            text("select date_trunc('month', now() at time zone 'UTC')::date")
        ).scalar_one()
        with pytest.raises(Exception, match="is not over"):
            conn.execute(
                text("select retire_event_partition('user_activity_logs', :m)"), {"m": this_month}
            )


def test_retention_defaults_to_keeping_every_month(conn) -> None:
    assert retention_months(conn) is None
    make_setting(conn, category=RETENTION_CATEGORY, setting_key=RETENTION_KEY, setting_value="0")
    with pytest.raises(WholeNumberSettingError, match=f"{RETENTION_CATEGORY}/{RETENTION_KEY}"):
        retention_months(conn)
