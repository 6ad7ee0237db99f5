"""How fast content_request_sensor drains a backlog (issue 18).

    .venv/bin/python benchmarks/request_backlog.py [--requests 10000] [--history 40000]

A scratch database gets `--requests` submitted requests (and `--history` finished ones,
so that the table is not the backlog alone), then:

1. **Drain.** The sensor, as the daemon evaluates it (`build_sensor_context` with its
   resources), ticks until a tick launches nothing: the ticks, the seconds, and each
   tick's time. Once with this commit's claim and defaults (batch 100, 10 runs a tick),
   once as before issue 18 (the one-statement claim, `status = 'submitted' or (queued
   and stale)`, batch 10, 5 runs a tick); the backlog is put back between the two.
2. **Claim statement**, interleaved round by round on the full backlog, each claim in a
   transaction rolled back: this commit's two statements (stale reclaim, then the
   submitted queue) against the one statement before, for batches of 10 and 100.

Runs are not started (no daemon): "launched" is the RunRequest the tick returns, which
the daemon turns into a queued run. Prints medians with min–max spread, and ratios to
the baseline measured in the same run, as markdown for docs/PERFORMANCE.md.

The server: --admin-url, else BENCH_DATABASE_URL, TEST_DATABASE_URL, or
postgresql://postgres@127.0.0.1:5432/postgres.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, build_sensor_context  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402

from assets.requests import definitions as sensors  # noqa: E402
from benchmarks.analytics_usage import admin_url, create_scratch, drop_scratch  # noqa: E402
from core.tables import markdown_table  # noqa: E402
from resources.database import DatabaseResource, pipeline_engine  # noqa: E402
from resources.file_store import ImageStoreResource  # noqa: E402
from resources.sql_files import sql  # noqa: E402
from tests.factories import make_brand, make_org, make_user  # noqa: E402

# the claim before issue 18, verbatim but for its comments
BEFORE_CLAIM = """
with next_batch as (
    select id
    from content_requests
    where status = 'submitted'
       or (
           status = 'queued'
           and claim_run_id is null
           and claim_run_key is null
           and updated_at < now() - make_interval(mins => :requeue_after_minutes)
       )
    order by priority desc, due_date asc nulls last, created_at
    limit :batch_size
    for update skip locked
),
claimed as (
    update content_requests as r
    set status = 'queued', status_reason = null, claim_run_id = cast(:run_id as text),
        claim_run_key = null, claimed_at = now()
    from next_batch
    where r.id = next_batch.id
    returning r.id, r.priority, r.due_date, r.created_at, r.updated_at
)
select id, updated_at from claimed
order by priority desc, due_date asc nulls last, created_at
"""
NOTHING = "select null::uuid as id, null::timestamptz as updated_at where false"


def load(engine: Engine, requests: int, history: int) -> None:
    with engine.begin() as conn:
        user = make_user(conn)
        org = make_org(conn, user)
        brand = make_brand(conn, org, user)
        conn.execute(
            text(
                "insert into content_requests (organization_id, brand_profile_id,"
                "  requested_by, title, status, priority, due_date, created_at) "
                "select :org, :brand, :user, 'Request ' || i,"
                "  case when i <= :requests then 'submitted' else 'completed' end,"
                "  1 + i % 5,"
                "  case when i % 3 = 0 then null else now() + make_interval(days => i % 30) end,"
                "  now() - make_interval(secs => i) "
                "from generate_series(1, :n) as i"
            ),
            {
                "org": org,
                "brand": brand,
                "user": user,
                "requests": requests,
                "n": requests + history,
            },
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("vacuum analyze content_requests"))


def put_back(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "update content_requests set status = 'submitted', claim_run_id = null,"
                " claim_run_key = null, claimed_at = null where status = 'queued'"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("vacuum analyze content_requests"))


def drain(
    url: str, queue: sensors.RequestQueueResource, media: str, max_ticks: int | None = None
) -> tuple[list[float], int]:
    """Tick until a tick launches nothing (or `max_ticks`): (each launching tick's
    seconds, requests launched). Each launched run is recorded as started, untimed, as if
    the daemon had dequeued it at once: the figure is the sensor's own speed, and the
    next tick's recovery sees the claims' runs alive."""
    cursor, ticks, launched = None, [], 0
    with DagsterInstance.ephemeral() as instance:
        while max_ticks is None or len(ticks) < max_ticks:
            context = build_sensor_context(
                cursor=cursor,
                instance=instance,
                resources={
                    "database": DatabaseResource(url=url),
                    "request_queue": queue,
                    "image_store": ImageStoreResource(root=media),
                },
            )
            started = time.perf_counter()
            result = sensors.content_request_sensor(context)
            elapsed = time.perf_counter() - started
            if not result.run_requests:
                break
            ticks.append(elapsed)
            for request in result.run_requests:
                launched += len(
                    request.run_config["ops"]["generated_assets"]["config"]["request_ids"]
                )
                instance.add_run(
                    DagsterRun(
                        job_name="content_generation",
                        run_id=str(uuid.uuid4()),
                        tags={**request.tags, "dagster/run_key": request.run_key},
                        status=DagsterRunStatus.STARTED,
                    )
                )
            cursor = result.cursor
    return ticks, launched


def before_sql(name: str):
    """The SQL files as they were: one claim statement, no separate reclaim."""
    if name == "requests/claim_submitted_requests":
        return text(BEFORE_CLAIM)
    if name == "requests/reclaim_stale_requests":
        return text(NOTHING)
    return sql(name)


def claim_once(engine: Engine, statements: list, batch: int) -> float:
    params = {"batch_size": batch, "requeue_after_minutes": 60, "run_id": "bench"}
    with engine.connect() as conn:
        transaction = conn.begin()
        started = time.perf_counter()
        for statement in statements:
            conn.execute(statement, params).all()
        elapsed = time.perf_counter() - started
        transaction.rollback()
    return elapsed


def spread(values: list[float], unit: float = 1.0) -> str:
    scaled = [v * unit for v in values]
    return f"{statistics.median(scaled):.1f} ({min(scaled):.1f}–{max(scaled):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--baseline-ticks", type=int, default=20)
    parser.add_argument("--admin-url")
    args = parser.parse_args()
    admin = admin_url(args.admin_url)
    url = create_scratch(admin)
    media = tempfile.mkdtemp(prefix="socialpipe-backlog-")
    try:
        engine = pipeline_engine(url)
        load(engine, args.requests, args.history)

        # 1. drain, this commit then before (the baseline for --baseline-ticks only: its
        # tick count is the backlog over 50 requests a tick; its tick time is measured)
        now_ticks, now_launched = drain(url, sensors.RequestQueueResource(), media)
        assert now_launched == args.requests, now_launched
        put_back(engine)
        before_queue = sensors.RequestQueueResource(batch_size=10, max_batches_per_tick=5)
        with mock.patch.object(sensors, "sql", before_sql):
            before_ticks, before_launched = drain(url, before_queue, media, args.baseline_ticks)
        assert before_launched == 50 * len(before_ticks), before_launched
        put_back(engine)

        # 2. the claim statements, interleaved
        now_claim = [
            sql("requests/reclaim_stale_requests"),
            sql("requests/claim_submitted_requests"),
        ]
        before_claim = [text(BEFORE_CLAIM)]
        times: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.rounds):
            for batch in (10, 100):
                for name, statements in (("before", before_claim), ("now", now_claim)):
                    elapsed = claim_once(engine, statements, batch)
                    times.setdefault((name, batch), []).append(elapsed)
    finally:
        drop_scratch(admin, url)

    before_all = -(-args.requests // 50)
    print(f"{args.requests} submitted requests, {args.history} finished ones beside them\n")
    print(
        markdown_table(
            ["sensor", "requests a tick", "ticks to launch all", "seconds", "one tick, s"],
            [
                [
                    "before: batch 10, 5 runs a tick, one-statement claim",
                    50,
                    f"{before_all} (computed)",
                    f"≈ {before_all * statistics.median(before_ticks):.0f} "
                    f"({len(before_ticks)} ticks × median)",
                    spread(before_ticks),
                ],
                [
                    "now: batch 100, 10 runs a tick, split claim",
                    1000,
                    len(now_ticks),
                    f"{sum(now_ticks):.1f}",
                    spread(now_ticks),
                ],
            ],
        )
    )
    minutes = [n * 30 / 60 for n in (before_all, len(now_ticks))]
    print(f"\nAt the 30 s interval: {minutes[0]:.0f} min before, {minutes[1]:.1f} min now.\n")
    rows = []
    for batch in (10, 100):
        before_median = statistics.median(times[("before", batch)])
        for name, label in (
            ("before", "before: one statement"),
            ("now", "now: stale reclaim + submitted queue"),
        ):
            values = times[(name, batch)]
            ratio = statistics.median(values) / before_median
            rows.append([batch, label, spread(values, 1000), f"{ratio:.2f}"])
    print(
        markdown_table(
            ["claim batch", "statement", "ms: median (min–max)", "ratio to before"], rows
        )
    )


if __name__ == "__main__":
    main()
