"""Benchmark: daily_usage_summaries through the product vs the bare GROUP BY.

Loads N api_usage rows (default 10 million) over 365 days for 200 organizations and
3 providers into a scratch PostgreSQL database (COPY), then times, on the same rows
in the same run:

  (a) one day:  the bare `select ... group by` of that day, the product's partition
      write (the code the asset runs: delete the day, insert select), and the whole
      Dagster materialization of that partition;
  (b) the year: the bare statement over 365 days, the product's single-run backfill
      write over the same window, and the Dagster single-run backfill of 365 partitions.

    .venv/bin/python benchmarks/analytics_usage.py               # 10 M rows, ~6 min
    .venv/bin/python benchmarks/analytics_usage.py --rows 500000 # a quick look

The server: --admin-url, else BENCH_DATABASE_URL, TEST_DATABASE_URL, or
postgresql://postgres@127.0.0.1:5432/postgres. The scratch database is dropped at the
end (--keep to keep it). Prints a markdown table for docs/PERFORMANCE.md.
"""

import argparse
import json
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import numpy as np
from psycopg import sql as psycopg_sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assets.analytics.models import load_models
from assets.analytics.runner import run_model
from core.tables import markdown_table
from core.windows import Window
from resources.database import pipeline_engine
from resources.database_url import normalize_url
from resources.migrations import upgrade
from resources.settings.store import delete_setting, find_setting, set_setting

PROVIDERS = np.array(["freepik", "local", "openai"])
PROVIDER_SHARE = [0.5, 0.35, 0.15]
ENDPOINTS = np.array(["/v1/ai/text-to-image", "local://render", "/v1/images/generations"])
PRICE = np.array([0.04, 0.0, 0.02])
# 200, 429, 500, 503, no response
STATUS_SHARE = [0.95, 0.02, 0.01, 0.01, 0.01]

# The statement a person would write by hand: the same aggregates as the model, no CTEs,
# no insert. Timed as a client runs it, its rows streamed back (COPY TO STDOUT, so that
# Python's row objects do not count against it).
BARE = """
    select
        organization_id,
        (request_timestamp at time zone 'UTC')::date as usage_date,
        api_provider,
        currency,
        count(*) as total_requests,
        count(*) filter (where response_status between 200 and 299) as successful_requests,
        count(*) filter (where response_status is null
                         or response_status not between 200 and 299) as failed_requests,
        sum(cost_per_request) as total_cost,
        sum(tokens_used) as total_tokens,
        sum(images_generated) as total_images_generated,
        round(avg(response_time_ms))::integer as average_response_time_ms,
        round(count(*) filter (where response_status is null
                               or response_status not between 200 and 299)::numeric
              / count(*), 4) as error_rate
    from api_usage
    where request_timestamp >= {start} and request_timestamp < {end}
    group by 1, 2, 3, 4
"""


def admin_url(given: str | None) -> str:
    url = (
        given
        or os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    return normalize_url(url)


def create_scratch(admin: str) -> str:
    name = f"socialpipe_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'create database "{name}"')
    engine.dispose()
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def drop_scratch(admin: str, url: str) -> None:
    pipeline_engine(url).dispose()
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'drop database if exists "{make_url(url).database}" with (force)')
    engine.dispose()


PG_EPOCH_MICROS = 946_684_800_000_000  # 2000-01-01, PostgreSQL's timestamp origin
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)
COPY_COLUMNS = (
    "organization_id, api_provider, endpoint, request_timestamp, response_status, "
    "response_time_ms, cost_per_request, tokens_used, images_generated"
)


def _row_type(provider: bytes, endpoint: bytes, has_status: bool) -> np.dtype:
    """One api_usage row in COPY's binary format; fixed-size within a block of rows that
    share provider, endpoint and whether a status arrived."""
    fields = [
        ("nfields", ">i2"),
        ("org_len", ">i4"), ("org", "V16"),
        ("provider_len", ">i4"), ("provider", f"S{len(provider)}"),
        ("endpoint_len", ">i4"), ("endpoint", f"S{len(endpoint)}"),
        ("ts_len", ">i4"), ("ts", ">i8"),
        ("status_len", ">i4"),
        *([("status", ">i4")] if has_status else []),
        ("latency_len", ">i4"), ("latency", ">i4"),
        # numeric(12, 6) as 3 base-10000 digits: integer part, 4 decimals, 2 decimals x 100
        ("cost_len", ">i4"), ("cost_ndigits", ">i2"), ("cost_weight", ">i2"),
        ("cost_sign", ">i2"), ("cost_dscale", ">i2"), ("cost_digits", ">i2", (3,)),
        ("tokens_len", ">i4"), ("tokens", ">i4"),
        ("images_len", ">i4"), ("images", ">i4"),
    ]  # fmt: skip
    return np.dtype(fields)


def _day_blocks(rng, org_bytes: np.ndarray, day_start_micros: int, n: int) -> bytes:
    """One day's calls (time-ordered within the day's blocks) in COPY binary format."""
    seconds = np.sort(rng.uniform(0, 86_400, size=n))
    provider = rng.choice(3, size=n, p=PROVIDER_SHARE)
    status = rng.choice(5, size=n, p=STATUS_SHARE)
    ok = status == 0
    latency = np.where(
        status == 4, 30_000, np.exp(rng.normal(np.log([4200, 180, 2500])[provider], 0.4))
    ).astype(np.int64)
    images = np.where(ok & (provider != 1), rng.choice([1, 2, 4], size=n, p=[0.6, 0.3, 0.1]), 0)
    images = np.where(ok & (provider == 1), 1, images)
    cost_micros = np.round(images * PRICE[provider] * 1_000_000).astype(np.int64)
    tokens = np.where(ok & (provider != 1), rng.poisson(60, size=n) + 8, 0)
    org = rng.integers(0, len(org_bytes), size=n)
    micros = day_start_micros + (seconds * 1e6).astype(np.int64) - PG_EPOCH_MICROS
    parts = []
    for p in range(3):
        for has_status in (True, False):
            rows = np.flatnonzero((provider == p) & ((status != 4) == has_status))
            if not len(rows):
                continue
            name, endpoint = PROVIDERS[p].encode(), ENDPOINTS[p].encode()
            block = np.zeros(len(rows), dtype=_row_type(name, endpoint, has_status))
            block["nfields"] = 9
            block["org_len"], block["org"] = 16, org_bytes[org[rows]]
            block["provider_len"], block["provider"] = len(name), name
            block["endpoint_len"], block["endpoint"] = len(endpoint), endpoint
            block["ts_len"], block["ts"] = 8, micros[rows]
            if has_status:
                block["status_len"] = 4
                block["status"] = np.array([200, 429, 500, 503])[status[rows]]
            else:
                block["status_len"] = -1  # no response: null
            block["latency_len"], block["latency"] = 4, latency[rows]
            cost = cost_micros[rows]
            block["cost_len"], block["cost_ndigits"], block["cost_dscale"] = 14, 3, 6
            block["cost_digits"] = np.stack(
                [cost // 1_000_000, cost // 100 % 10_000, cost % 100 * 100], axis=1
            )
            block["tokens_len"], block["tokens"] = 4, tokens[rows]
            block["images_len"], block["images"] = 4, images[rows]
            parts.append(block.tobytes())
    return b"".join(parts)


def add_month_partitions(conn, first: date, last: date) -> None:
    """api_usage's monthly partitions for the loaded days (migration 0013), as the
    maintenance schedule makes them; rows outside them would go to the default one."""
    month = first.replace(day=1)
    while month <= last:
        conn.execute(text("select ensure_event_partition('api_usage', :m)"), {"m": month})
        month = (month + timedelta(days=32)).replace(day=1)


def load(
    url: str, rows: int, days: int, orgs: int, last_day: date, seed: int = 7, *, more: bool = False
) -> float:
    """COPY (binary) ``rows`` calls, day after day like the append-only log it is;
    ``more``: days before those already loaded (the organizations exist)."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    first = datetime.combine(last_day - timedelta(days=days - 1), datetime.min.time(), UTC)
    org_ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{i}") for i in range(orgs)]
    org_bytes = np.array([o.bytes for o in org_ids], dtype="V16")
    # a little weekly seasonality, the same total
    weights = np.array(
        [0.8 if (first + timedelta(days=d)).weekday() >= 5 else 1.0 for d in range(days)]
    )
    per_day = rng.multinomial(rows, weights / weights.sum())
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into organizations (id, name, slug) values (:id, :name, :slug) "
                "on conflict (id) do nothing"
            ),
            [{"id": o, "name": f"Org {i}", "slug": f"org-{i:03d}"} for i, o in enumerate(org_ids)],
        )
        add_month_partitions(conn, first.date(), last_day)
        # bulk load: build the indexes once at the end, skip the per-row FK triggers
        indexes = conn.execute(
            text(
                "select indexname, indexdef from pg_indexes where tablename = 'api_usage' "
                "and indexname <> 'api_usage_pkey'"
            )
        ).all()
        primary_key = conn.execute(
            text(
                "select pg_get_constraintdef(oid) from pg_constraint "
                "where conname = 'api_usage_pkey' and conrelid = 'api_usage'::regclass"
            )
        ).scalar_one()
        for index in indexes:
            conn.exec_driver_sql(f'drop index "{index.indexname}"')
        conn.exec_driver_sql("alter table api_usage drop constraint api_usage_pkey")
        conn.exec_driver_sql("set local session_replication_role = replica")
        cursor = conn.connection.driver_connection.cursor()
        copied = 0
        with cursor.copy(f"copy api_usage ({COPY_COLUMNS}) from stdin (format binary)") as copy:
            copy.write(COPY_HEADER)
            for day, n in enumerate(per_day):
                start = int((first + timedelta(days=day)).timestamp()) * 1_000_000
                copy.write(_day_blocks(rng, org_bytes, start, int(n)))
                copied += int(n)
                if day % 73 == 72 or day == days - 1:
                    print(f"  copied {copied:,} rows", flush=True)
            copy.write(COPY_TRAILER)
        conn.exec_driver_sql("set local maintenance_work_mem = '1GB'")
        conn.exec_driver_sql(f"alter table api_usage add constraint api_usage_pkey {primary_key}")
        for index in indexes:
            # a partitioned table's index is shown "on only" the table: build it on all
            conn.exec_driver_sql(index.indexdef.replace(" ON ONLY ", " ON "))
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql("vacuum analyze api_usage")
    engine.dispose()
    return time.perf_counter() - started


def timed(action, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def bare(engine, window: Window):
    statement = psycopg_sql.SQL(f"copy ({BARE}) to stdout").format(
        start=psycopg_sql.Literal(window.start), end=psycopg_sql.Literal(window.end)
    )

    def run() -> int:
        received = 0
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(statement) as copy:
                for chunk in copy:
                    received += len(chunk)
        return received

    return run


def bare_insert(engine, model, window: Window):
    """The write's floor: the model's SELECT inserted as it comes into the emptied window,
    in one committed transaction (no comparison, no lock, no staging, no preview): what
    PostgreSQL itself needs to store the rows, with the table's indexes, foreign key and
    checks, and the commit's WAL flush."""
    statement = text(
        f"insert into {model.target_table} ({', '.join(model.columns)})\n{model.sql}"  # noqa: S608
    )

    def run() -> None:
        with engine.begin() as conn:
            conn.execute(statement, window.parameters())

    return run


def dagster_materialization(url: str, window: Window, with_checks: bool):
    """A Dagster run of daily_usage_summaries over the window (one run for a range)."""
    from dagster import AssetKey, DagsterInstance, Definitions

    from assets.analytics.definitions import ANALYTICS, analytics_daily
    from resources.database import DatabaseResource
    from resources.metrics_source import MetricsSourceResource

    key = AssetKey("daily_usage_summaries")
    defs = Definitions(
        assets=ANALYTICS.assets,
        asset_checks=ANALYTICS.checks,
        jobs=[analytics_daily],
        resources={
            "database": DatabaseResource(url=url),
            "metrics_source": MetricsSourceResource(),
        },
    )
    # the job as the schedule runs it, cut to the one asset, with or without its checks
    full = defs.resolve_job_def("analytics_daily")
    checks = {k for k in full.asset_layer.asset_graph.asset_check_keys if k.asset_key == key}
    job = full.get_subset(
        asset_selection={key}, asset_check_selection=checks if with_checks else set()
    )
    last = window.end_day - timedelta(days=1)
    instance = DagsterInstance.ephemeral()

    def run() -> None:
        result = job.execute_in_process(
            tags={
                "dagster/asset_partition_range_start": window.first_day.isoformat(),
                "dagster/asset_partition_range_end": last.isoformat(),
            },
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            instance=instance,
        )
        assert result.success
        assert len(result.get_asset_check_evaluations()) == (len(checks) if with_checks else 0)

    return run


def _reconcile_every_period(url: str, every: bool) -> None:
    """Set (every) or remove (the default sample) analytics/reconcile_sample_periods."""
    with create_engine(url).begin() as conn:
        if every:
            set_setting(conn, "analytics", "reconcile_sample_periods", None)
        elif find_setting(conn, "analytics", "reconcile_sample_periods") is not None:
            delete_setting(conn, "analytics", "reconcile_sample_periods")


def _clear(url: str, window: Window) -> None:
    """Empty the window's summaries (untimed), so that the next run writes every row."""
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(
            text(
                "delete from daily_usage_summaries where usage_date >= :first and usage_date < :end"
            ),
            {"first": window.first_day, "end": window.end_day},
        )
        conn.exec_driver_sql("vacuum analyze daily_usage_summaries")


def measure(url: str, window: Window, repeat: int, dagster: bool) -> dict:
    """Medians over ``repeat`` rounds; each round runs the bare statement, then the product
    into an empty window (first run), then the product again (re-run, nothing changed)."""
    engine = pipeline_engine(url)  # the product's engine (pipeline role), for both sides
    model = next(m for m in load_models() if m.name == "daily_usage_summaries")
    run_bare = bare(engine, window)
    run_bare()  # warm the cache, and the product's compiled statement
    run_model(engine, model, window)
    times: dict[str, list[float]] = {"bare": [], "bare_insert": [], "first": [], "product": []}
    for _ in range(repeat):
        for name, action in (
            ("bare", run_bare),
            ("bare_insert", bare_insert(engine, model, window)),
            ("first", lambda: run_model(engine, model, window)),
            ("product", lambda: run_model(engine, model, window)),
        ):
            if name in ("bare_insert", "first"):
                _clear(url, window)  # both write every row into an empty window
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    row = {"days": window.day_count, "rows": run_model(engine, model, window).rows_now}
    row.update({name: statistics.median(values) for name, values in times.items()})
    row["runs"] = {name: [round(t, 4) for t in values] for name, values in times.items()}
    if dagster:
        unchecked = dagster_materialization(url, window, False)
        checked = dagster_materialization(url, window, True)
        # the first checked run of the process imports great_expectations (seconds):
        # timed apart, then the two kinds of run by turns
        row["dagster_checks_first"], _ = timed(checked, 1)
        # the same checked run with the reconciliation comparing every period (setting
        # analytics/reconcile_sample_periods null), beside the default sample
        runs: dict[str, list[float]] = {"dagster": [], "dagster_checks": [], "dagster_full": []}
        for _ in range(max(2, repeat // 2)):
            for name, action in (
                ("dagster", unchecked),
                ("dagster_checks", checked),
                ("dagster_full", checked),
            ):
                _reconcile_every_period(url, name == "dagster_full")
                runs[name].append(timed(action, 1)[0])
        _reconcile_every_period(url, False)
        row.update({name: statistics.median(values) for name, values in runs.items()})
        row["runs"].update({name: [round(t, 4) for t in values] for name, values in runs.items()})
    return row


def report(rows_loaded: int, days: int, orgs: int, results: list[dict]) -> str:
    columns = (
        "window", "summary rows", "bare group by", "bare insert", "product, first run",
        "ratio", "product, re-run", "ratio", "Dagster run (asset)", "Dagster run + 2 checks",
    )  # fmt: skip

    def seconds(row: dict, name: str) -> str:
        return f"{row[name]:.3f} s" if name in row else "—"

    rows = [
        (
            "one day" if row["days"] == 1 else f"{row['days']} days, one run",
            f"{row['rows']:,}",
            seconds(row, "bare"),
            seconds(row, "bare_insert"),
            seconds(row, "first"),
            f"{row['first'] / row['bare']:.2f}×",
            seconds(row, "product"),
            f"{row['product'] / row['bare']:.2f}×",
            seconds(row, "dagster"),
            seconds(row, "dagster_checks"),
        )
        for row in results
    ]
    heading = (
        f"{rows_loaded:,} api_usage rows over {days} days, {orgs} organizations, 3 providers "
        "(median of the runs)."
    )
    return heading + "\n\n" + markdown_table(columns, rows, limit=None, right=columns[1:])


def ratios(row: dict, name: str) -> dict:
    """{product_s, bare_s, ratio} of medians, and the spread of the per-round ratios."""
    per_round = [p / b for p, b in zip(row["runs"][name], row["runs"]["bare"], strict=True)]
    return {
        "product_s": round(row[name], 4),
        "bare_s": round(row["bare"], 4),
        "ratio": round(row[name] / row["bare"], 3),
        "ratio_min": round(min(per_round), 3),
        "ratio_max": round(max(per_round), 3),
        "rounds": len(per_round),
    }


def _spread(times: list[float], baseline: list[float]) -> dict:
    per_round = [t / b for t, b in zip(times, baseline, strict=True)]
    return {
        "ratio_min": round(min(per_round), 3),
        "ratio_max": round(max(per_round), 3),
        "rounds": len(per_round),
    }


def with_floor(row: dict, name: str) -> dict:
    """`ratios`, and the first run against the bare INSERT of the same rows (the write's
    floor), with its spread."""
    figures = ratios(row, name)
    if name == "first" and "bare_insert" in row:
        floor = _spread(row["runs"]["first"], row["runs"]["bare_insert"])
        figures |= {
            "bare_insert_s": round(row["bare_insert"], 4),
            "bare_insert_ratio": round(row["bare_insert"] / row["bare"], 3),
            "ratio_to_bare_insert": round(row["first"] / row["bare_insert"], 3),
            "ratio_to_bare_insert_min": floor["ratio_min"],
            "ratio_to_bare_insert_max": floor["ratio_max"],
        }
    return figures


def as_json(day: dict, year: dict | None) -> dict:
    figures = {"day_first": with_floor(day, "first"), "day_rerun": ratios(day, "product")}
    if year is not None:
        figures |= {
            "year_first": with_floor(year, "first"),
            "year_rerun": ratios(year, "product"),
        }
    for name, row in (("day", day), ("year", year)):
        if row is not None and "dagster" in row:
            figures[f"{name}_dagster"] = {
                "unchecked_s": round(row["dagster"], 4),
                "checked_s": round(row["dagster_checks"], 4),
                "ratio": round(row["dagster_checks"] / row["dagster"], 3),
                # the spread: the checked run over the unchecked run of the same round
                **_spread(row["runs"]["dagster_checks"], row["runs"]["dagster"]),
                "checked_first_in_process_s": round(row["dagster_checks_first"], 4),
                "checked_every_period_s": round(row["dagster_full"], 4),
                "ratio_every_period": round(row["dagster_full"] / row["dagster"], 3),
            }
    return figures


def growth(admin: str, sizes: list[int], rows_per_day: int, orgs: int, repeat: int) -> list:
    """One day's time as the history grows to each of ``sizes`` rows (the same rows a day:
    older days are added), product (re-run and first run) and bare, interleaved."""
    url = create_scratch(admin)
    last_day = date.today() - timedelta(days=1)
    day = last_day - timedelta(days=10)
    loaded_days, results = 0, []
    try:
        for size in sizes:
            days = max(size // rows_per_day, 11)
            if days > loaded_days:
                older = last_day - timedelta(days=loaded_days)
                seconds = load(
                    url, (days - loaded_days) * rows_per_day, days - loaded_days, orgs, older,
                    seed=size, more=loaded_days > 0,
                )  # fmt: skip
                loaded_days = days
                print(f"history {days * rows_per_day:,} rows ({days} days), +{seconds:.0f} s")
            row = measure(url, Window.days(day, day), repeat, dagster=False)
            row["history_rows"] = days * rows_per_day
            results.append(row)
            print(f"  {day}: {row}", flush=True)
    finally:
        drop_scratch(admin, url)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="runs per one-day measurement")
    parser.add_argument("--year-repeat", type=int, default=3, help="runs per year measurement")
    parser.add_argument("--admin-url", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse", metavar="URL", help="measure on a database a --keep run loaded (no load)"
    )
    parser.add_argument("--skip-dagster", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--growth",
        metavar="SIZES",
        help="comma-separated history sizes in rows (e.g. 1000000,10000000,30000000): one "
        "day's time at each, --rows/--days rows a day; nothing else is measured",
    )
    options = parser.parse_args()
    admin = admin_url(options.admin_url)
    if options.growth:
        sizes = sorted(int(size) for size in options.growth.split(","))
        results = growth(admin, sizes, options.rows // options.days, options.orgs, options.repeat)
        figures = [
            {"history_rows": r["history_rows"], "day_first": ratios(r, "first"),
             "day_rerun": ratios(r, "product")}
            for r in results
        ]  # fmt: skip
        print(json.dumps(figures, indent=2) if options.json else figures)
        return

    url = normalize_url(options.reuse) if options.reuse else create_scratch(admin)
    print(f"database {make_url(url).database}")
    try:
        if options.reuse:
            with create_engine(url).connect() as conn:
                last_day, first_day, options.rows = conn.execute(
                    text(
                        "select max(request_timestamp)::date, min(request_timestamp)::date, "
                        "count(*) from api_usage"
                    )
                ).one()
            options.days = (last_day - first_day).days + 1
        else:
            last_day = date.today() - timedelta(days=1)
            seconds = load(url, options.rows, options.days, options.orgs, last_day)
            print(f"loaded {options.rows:,} rows in {seconds:.1f} s")
        middle = last_day - timedelta(days=options.days // 2)
        windows = [
            (Window.days(middle, middle), options.repeat),
            (
                Window.days(last_day - timedelta(days=options.days - 1), last_day),
                options.year_repeat,
            ),
        ]
        results = []
        for window, repeat in windows:
            row = measure(url, window, repeat, not options.skip_dagster)
            print(f"{window}: {row}", flush=True)
            results.append(row)
        print()
        print(report(options.rows, options.days, options.orgs, results))
        if options.json:
            print(json.dumps(as_json(results[0], results[1] if len(results) > 1 else None)))
    finally:
        if options.keep or options.reuse:
            print(f"kept {url}")
        else:
            drop_scratch(admin, url)


if __name__ == "__main__":
    main()
