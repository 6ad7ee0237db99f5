"""A platform metrics export for the demo tenants, as the content_analytics asset reads it.

Written from the demo's daily content_analytics rows (the history load_demo_data put
there), so ingesting it matches every post to its image by the post id already on
record and changes nothing: the demo's "platforms" report what the demo recorded.
Half the platforms export CSV, the other half JSON lines, as real exports differ.

    write_demo_metrics_export(engine, MetricsSourceResource().resolved_folder())
"""

import csv
import io
import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from resources.metrics_exports import FIELDS
from resources.sql_files import sql
from socialpipe.demo.catalog import ORGANIZATIONS
from socialpipe.demo.ids import HISTORY_DAYS
from socialpipe.demo.settings import stored_history_end
from socialpipe.demo.tenants import organization_id

CSV_PLATFORMS = ("facebook", "instagram", "linkedin", "pinterest")
FILE_STEM = "demo-platform-metrics"


def demo_history_days(engine: Engine) -> tuple[date, date] | None:
    """The first and last day of the loaded demo history (None: no demo loaded)."""
    with engine.connect() as conn:
        last = stored_history_end(conn)
    if last is None:
        return None
    return last - timedelta(days=HISTORY_DAYS - 1), last


def _atomic_write(path: Path, content: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(content)
    os.replace(temporary, path)


def write_demo_metrics_export(engine: Engine, folder: Path) -> list[Path]:
    """Write the export files into ``folder``; the same content on every call."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        organization_ids = [organization_id(o.slug) for o in ORGANIZATIONS]
        rows = conn.execute(
            sql("demo/daily_metrics"), {"organization_ids": organization_ids}
        ).mappings()
        records = [
            {
                **row,
                "date": row["date"].isoformat(),
                "published_at": row["published_at"].isoformat() if row["published_at"] else "",
            }
            for row in rows
        ]
    as_csv = [r for r in records if r["platform"] in CSV_PLATFORMS]
    as_json = [r for r in records if r["platform"] not in CSV_PLATFORMS]

    csv_path, jsonl_path = folder / f"{FILE_STEM}.csv", folder / f"{FILE_STEM}.jsonl"
    lines = io.StringIO()
    writer = csv.DictWriter(lines, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(as_csv)
    _atomic_write(csv_path, lines.getvalue())
    _atomic_write(
        jsonl_path, "".join(json.dumps(r, sort_keys=True, default=str) + "\n" for r in as_json)
    )
    return [csv_path, jsonl_path]
