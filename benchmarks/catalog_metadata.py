"""Benchmark: what the catalog metadata adds to an analytics materialization.

On a database holding the demo (`make demo`; DATABASE_URL), for each analytics model,
times in the same run, interleaved: (a) the model's write of one day (`run_model`, what
the asset runs anyway) and (b) the catalog metadata the asset adds after it
(`table_metadata`: the catalog's columns and a row count; and for the models the
column lineage traced by sqlglot). Prints medians with their spread (min–max) and the
ratio b/a.

    DATABASE_URL=postgresql://… .venv/bin/python benchmarks/catalog_metadata.py --repeat 7
"""

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from assets.analytics.lineage import column_sources
from assets.analytics.models import load_models
from assets.analytics.runner import run_model
from assets.catalog import catalog_schema, table_metadata
from core.windows import Window
from resources.database import pipeline_engine


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    engine = pipeline_engine(os.environ["DATABASE_URL"])
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    window = Window(day, day + timedelta(days=1))
    print("| model | write one day (median, min–max) | catalog metadata | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for model in load_models():
        shown = window if model.partitioned else None
        writes, catalogs = [], []

        def catalog(model=model) -> None:
            lineage = column_sources(model, catalog_schema(engine, sorted(model.reads)))
            table_metadata(engine, model.target_table, lineage, scope=model.scope)

        for _ in range(args.repeat):  # interleaved: the same load on both
            writes.append(_timed(lambda model=model, shown=shown: run_model(engine, model, shown)))
            catalogs.append(_timed(catalog))
        w, c = statistics.median(writes), statistics.median(catalogs)
        print(
            f"| {model.name} | {w * 1000:.0f} ms ({min(writes) * 1000:.0f}–"
            f"{max(writes) * 1000:.0f}) | {c * 1000:.0f} ms ({min(catalogs) * 1000:.0f}–"
            f"{max(catalogs) * 1000:.0f}) | {c / w:.2f} |"
        )


if __name__ == "__main__":
    main()
