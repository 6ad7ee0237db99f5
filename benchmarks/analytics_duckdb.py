"""A year of daily usage summaries in a columnar engine (DuckDB) beside PostgreSQL's
bare statement, on the same rows (issue 17, item 4). Reproduce with:

    .venv/bin/pip install --target .data/bench-duckdb duckdb==2.0.1
    .venv/bin/python benchmarks/analytics_duckdb.py --rows 10000000

DuckDB is not a dependency of the product: it is installed into a folder of the
benchmark's own (`.data/bench-duckdb`, `--duckdb-path`), which only this script puts on
its path. The script loads ``--rows`` api_usage rows into a scratch PostgreSQL database
as benchmarks/analytics_usage.py does (or measures one that script kept: ``--reuse``),
copies the year's rows into an in-memory DuckDB table (CSV through COPY; not timed),
then times, by turns round after round, the same statement — analytics_usage.py's
`BARE`, the aggregates of daily_usage_summaries — in each engine, every result row
handed back to Python (PostgreSQL: COPY TO STDOUT; DuckDB: `fetchnumpy`). Prints the
medians, the spread of the per-round ratios, and DuckDB's time as a ratio to
PostgreSQL's; the product's own ratio to the bare statement on the same rows is
analytics_usage.py's `year_first` / `year_rerun`.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.analytics_usage import (  # noqa: E402
    BARE,
    admin_url,
    bare,
    create_scratch,
    drop_scratch,
    load,
)
from core.windows import Window  # noqa: E402
from resources.database_url import normalize_url  # noqa: E402

COLUMNS = {
    "organization_id": "uuid",
    "api_provider": "varchar",
    "request_timestamp": "timestamptz",
    "response_status": "integer",
    "response_time_ms": "integer",
    "cost_per_request": "decimal(18,6)",
    "currency": "varchar",
    "tokens_used": "integer",
    "images_generated": "integer",
}
EXPORT = "copy (select {columns} from api_usage where request_timestamp >= {start} and request_timestamp < {end}) to stdout (format csv)"  # noqa: E501


def export_to_duckdb(url: str, window: Window, duckdb):
    """The window's rows in an in-memory DuckDB table named api_usage."""
    from psycopg import sql as psycopg_sql

    statement = psycopg_sql.SQL(EXPORT).format(
        columns=psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(c) for c in COLUMNS),
        start=psycopg_sql.Literal(window.start),
        end=psycopg_sql.Literal(window.end),
    )
    connection = duckdb.connect()
    with tempfile.NamedTemporaryFile(suffix=".csv") as export:
        engine = create_engine(url)
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(statement) as copy:
                for chunk in copy:
                    export.write(chunk)
        export.flush()
        engine.dispose()
        connection.execute(
            "create table api_usage as select * from read_csv(?, header = false, columns = ?)",
            [export.name, COLUMNS],
        )
    return connection


def duckdb_bare(connection, window: Window):
    statement = BARE.format(start="$start", end="$end")

    def run() -> int:
        result = connection.execute(statement, {"start": window.start, "end": window.end})
        return len(next(iter(result.fetchnumpy().values())))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--admin-url", default=None)
    parser.add_argument("--reuse", default=None, help="a database analytics_usage.py kept")
    parser.add_argument("--duckdb-path", default=str(ROOT / ".data" / "bench-duckdb"))
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    sys.path.insert(0, options.duckdb_path)
    import duckdb

    admin = admin_url(options.admin_url)
    url = normalize_url(options.reuse) if options.reuse else create_scratch(admin)
    try:
        if options.reuse:
            with create_engine(url).connect() as conn:
                last_day = conn.execute(text("select max(request_timestamp)::date from api_usage"))
                last_day = last_day.scalar_one()
        else:
            last_day = date.today() - timedelta(days=1)
            load(url, options.rows, options.days, options.orgs, last_day)
        window = Window.days(last_day - timedelta(days=options.days - 1), last_day)
        connection = export_to_duckdb(url, window, duckdb)
        engine = create_engine(url)
        runs = {"postgresql": bare(engine, window), "duckdb": duckdb_bare(connection, window)}
        for run in runs.values():  # warm both: caches, the first plan
            run()
        times: dict[str, list[float]] = {name: [] for name in runs}
        for round_number in range(options.repeat):
            order = list(runs) if round_number % 2 == 0 else list(reversed(runs))
            for name in order:
                started = time.perf_counter()
                runs[name]()
                times[name].append(time.perf_counter() - started)
        engine.dispose()
        ratios = [d / p for d, p in zip(times["duckdb"], times["postgresql"], strict=True)]
        figures = {
            "rows": connection.execute("select count(*) from api_usage").fetchone()[0],
            "days": options.days,
            "postgresql_bare_s": round(statistics.median(times["postgresql"]), 4),
            "duckdb_s": round(statistics.median(times["duckdb"]), 4),
            "ratio": round(statistics.median(ratios), 3),
            "ratio_min": round(min(ratios), 3),
            "ratio_max": round(max(ratios), 3),
            "rounds": options.repeat,
            "duckdb": duckdb.__version__,
        }
        print(json.dumps(figures) if options.json else figures)
    finally:
        if options.reuse:
            print(f"kept {make_url(url).database}", file=sys.stderr)
        else:
            drop_scratch(admin, url)


if __name__ == "__main__":
    main()
